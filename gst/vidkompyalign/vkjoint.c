/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkjoint: see vkjoint.h and docs/design.md ("Joint search of space and
 * time"). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>

#include "vkjoint.h"
#include "vktemporal.h"

/* share of the samples whose matches make a line's score (the best ones:
 * the bg may not show all of the fg) */
#define JOINT_SCORED_SHARE 0.75
/* the line through the samples' matches: their largest distance from it
 * (bg frames), and the largest ratio of its rate to the nominal one */
#define JOINT_LINE_SLACK 2.0
#define JOINT_MAX_RATE_RATIO 2.0
/* samples at most this many bg pixels apart per fg pixel are averaged */
#define JOINT_MAX_FOOTPRINT 4

static gdouble
bilinear (const VkLuma * l, gdouble x, gdouble y)
{
  gint x0 = (gint) floor (x), y0 = (gint) floor (y);
  gdouble fx = x - x0, fy = y - y0;
  gint x1 = MIN (x0 + 1, l->width - 1), y1 = MIN (y0 + 1, l->height - 1);
  const guint8 *r0, *r1;

  x0 = CLAMP (x0, 0, l->width - 1);
  y0 = CLAMP (y0, 0, l->height - 1);
  r0 = l->data + (gsize) y0 *l->stride;
  r1 = l->data + (gsize) y1 *l->stride;
  return (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x1])
      + fy * ((1 - fx) * r1[x0] + fx * r1[x1]);
}

/* vk_placed_ncc () with a scale of its own per axis (@sx, @sy) */
static gdouble
placed_ncc_xy (const VkLuma * bg, const VkLuma * fg,
    const GstVideoRectangle * valid, gdouble x, gdouble y, gdouble sx,
    gdouble sy)
{
  gdouble sf = 0, sb = 0, sff = 0, sbb = 0, sfb = 0, n, cov, vf, vb;
  gint k = CLAMP ((gint) ceil (MAX (sx, sy)), 1, JOINT_MAX_FOOTPRINT);
  gint u, v, a, b;

  if (x + valid->x * sx < -0.5 || y + valid->y * sy < -0.5
      || x + (valid->x + valid->w) * sx > bg->width + 0.5
      || y + (valid->y + valid->h) * sy > bg->height + 0.5)
    return -2.0;
  for (v = valid->y; v < valid->y + valid->h; v++) {
    const guint8 *row = fg->data + (gsize) v * fg->stride;

    for (u = valid->x; u < valid->x + valid->w; u++) {
      gdouble fval = row[u], bval = 0;

      /* k x k samples spread over the pixel's footprint */
      for (b = 0; b < k; b++)
        for (a = 0; a < k; a++)
          bval += bilinear (bg, x + (u + (a + 0.5) / k) * sx - 0.5,
              y + (v + (b + 0.5) / k) * sy - 0.5);
      bval /= k * k;
      sf += fval;
      sb += bval;
      sff += fval * fval;
      sbb += bval * bval;
      sfb += fval * bval;
    }
  }
  n = (gdouble) valid->w * valid->h;
  cov = sfb - sf * sb / n;
  vf = sff - sf * sf / n;
  vb = sbb - sb * sb / n;
  if (vf < n || vb < n)
    return -2.0;                /* flat: less than one level of deviation */
  return cov / sqrt (vf * vb);
}

/**
 * vk_placed_ncc:
 * @bg: a bg frame
 * @fg: an fg frame, at the bg's resolution factor
 * @valid: the part of @fg to compare
 * @at: where @fg's top-left corner is in @bg, and its scale (bg pixels per
 *   fg pixel)
 *
 * The zero-mean normalised cross-correlation of @fg's @valid pixels with
 * the bg under them (each fg pixel against the mean of its footprint in
 * the bg, bilinearly sampled).
 *
 * Returns: -1..1; -2 when the placed rectangle leaves the bg or a side is
 * flat
 */
gdouble
vk_placed_ncc (const VkLuma * bg, const VkLuma * fg,
    const GstVideoRectangle * valid, const VkPlacementEstimate * at)
{
  return placed_ncc_xy (bg, fg, valid, at->x, at->y, at->scale, at->scale);
}

/* the best match of @s with bg frames [@b0, @b1] under @at */
static void
best_in (const VkJointLine * line, VkJointSample * s,
    const VkPlacementEstimate * at, gint b0, gint b1)
{
  gint b;

  s->best_b = -1;
  s->best_score = -2.0;
  for (b = b0; b <= b1; b++) {
    gdouble c = vk_placed_ncc (&line->bg[b], &s->fg, &line->valid, at);

    if (c > s->best_score) {
      s->best_score = c;
      s->best_b = b;
    }
  }
}

static int
compare_desc (const void *a, const void *b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return (x < y) - (x > y);
}

/**
 * vk_joint_line_score:
 * @line: the bg and the line's tolerances
 * @samples: fg samples; their @best_b and @best_score are set
 * @n_samples: their number
 * @at: the placement to score
 * @anchor_b: a bg frame on the line
 * @anchor_f: the fg frame that shows it
 *
 * How well the line of fg samples matches the bg under placement @at:
 * each sample is matched with the bg frames around where the line through
 * (@anchor_f, @anchor_b) at the nominal rate puts it, and the best of its
 * matches counts. On moving content a wrong placement matches the anchor's
 * moment (a shifted picture looks like a shifted time) but not the samples
 * far from it, where the motion is another.
 *
 * Returns: the mean of the best JOINT_SCORED_SHARE of the samples' matches,
 * -1..1 (-2 for a sample with no match)
 */
gdouble
vk_joint_line_score (const VkJointLine * line, VkJointSample * samples,
    guint n_samples, const VkPlacementEstimate * at, guint anchor_b,
    guint anchor_f)
{
  gdouble *scores = g_new (gdouble, n_samples), sum = 0;
  VkMatchPoint *pts = g_new (VkMatchPoint, n_samples);
  gdouble offset, rate, inliers;
  guint k, n_scored;

  for (k = 0; k < n_samples; k++) {
    VkJointSample *s = &samples[k];
    gdouble pred = anchor_b + line->rate * ((gdouble) s->f - anchor_f);
    gdouble w = MIN (line->tolerance + line->tolerance_rate * fabs (pred -
            anchor_b), line->tolerance_max);
    gint b0 = MAX (0, (gint) floor (pred - w));
    gint b1 = MIN ((gint) line->n_bg - 1, (gint) ceil (pred + w));

    best_in (line, s, at, b0, b1);
    pts[k].fg = s->f;
    pts[k].bg = s->best_b;
    pts[k].weight = s->best_b >= 0 ? 1.0 : 0.0;
  }
  /* the samples must lie on one line: each counts by its best match near
   * the line through all of them (a wrong placement on moving content is
   * found at moments that do not lie on a line when the motion's speed
   * changes) */
  if (vk_fit_line_robust (pts, n_samples, JOINT_MAX_RATE_RATIO,
          JOINT_LINE_SLACK, &offset, &rate, &inliers))
    for (k = 0; k < n_samples; k++) {
      gdouble b = offset + rate * samples[k].f;

      best_in (line, &samples[k], at, MAX (0, (gint) floor (b -
                  JOINT_LINE_SLACK)), MIN ((gint) line->n_bg - 1,
              (gint) ceil (b + JOINT_LINE_SLACK)));
    }
  for (k = 0; k < n_samples; k++)
    scores[k] = samples[k].best_score;
  qsort (scores, n_samples, sizeof (gdouble), compare_desc);
  n_scored = MAX (1, (guint) ceil (JOINT_SCORED_SHARE * n_samples));
  for (k = 0; k < n_scored; k++)
    sum += scores[k];
  g_free (scores);
  g_free (pts);
  return sum / n_scored;
}

/* fg samples spread over the fg for the line score */
#define JOINT_SAMPLES 8
/* the line's tolerance: frames, share of the distance, seconds at most */
#define JOINT_TOLERANCE 3.0
#define JOINT_TOLERANCE_RATE 0.25
#define JOINT_TOLERANCE_MAX_S 3.0
/* candidates found clearly worse than their sample's best are not scored */
#define JOINT_CANDIDATE_MARGIN 0.05
/* another candidate must leave less than this share of the first's
 * mismatch (1 − line score) to replace it (the first: the placement found
 * on the samples' pairs jointly) */
#define JOINT_MIN_GAIN 0.5
/* refinement rounds on the pairs of the best line, and their radius in bg
 * low-resolution pixels */
#define JOINT_REFINE_ROUNDS 2
#define JOINT_REFINE_RADIUS 2.0
#define JOINT_REFINE_PAIRS 4

static int
compare_sample_score (const void *a, const void *b)
{
  const VkJointSample *x = a, *y = b;

  return (x->best_score < y->best_score) - (x->best_score > y->best_score);
}

/* refines @at on the best pairs of the samples' last line score */
static gboolean
refine_on_line (VkJointSample * samples, guint n, const VkJointLine * line,
    const VkSpatialParams * p, const VkPlacementEstimate * at,
    VkPlacementEstimate * out)
{
  VkLuma bgl[JOINT_REFINE_PAIRS], fgl[JOINT_REFINE_PAIRS];
  VkJointSample *sorted = g_memdup2 (samples, n * sizeof (VkJointSample));
  guint k, n_pairs = 0;
  gboolean ok;

  qsort (sorted, n, sizeof (VkJointSample), compare_sample_score);
  for (k = 0; k < n && n_pairs < JOINT_REFINE_PAIRS; k++) {
    if (sorted[k].best_b < 0)
      continue;
    bgl[n_pairs] = line->bg[sorted[k].best_b];
    fgl[n_pairs] = sorted[k].fg;
    n_pairs++;
  }
  g_free (sorted);
  ok = n_pairs > 0 && vk_spatial_refine (bgl, fgl, n_pairs, p, at,
      JOINT_REFINE_RADIUS, out, NULL);
  return ok;
}

/**
 * vk_joint_search:
 * @bg: the bg's summary
 * @fg: the fg's summary
 * @p: the spatial search's parameters (scale range, fg_valid in the fg at
 *   the bg's factor)
 * @cands: placements found on single frame pairs
 * @n_cands: their number
 * @out: (out): the placement under which the fg's line matches best
 *
 * The first candidate (the placement found on several pairs jointly) is
 * kept unless another one leaves at most JOINT_MIN_GAIN of its mismatch.
 * Scores every candidate (not clearly worse than the best of its own fg
 * frame) by vk_joint_line_score() on JOINT_SAMPLES fg frames spread over
 * the fg, keeps the best, then refines it on the pairs its line found,
 * keeping a refinement only when the line matches at least as well.
 *
 * Returns: FALSE when the first candidate is kept (or none could be
 * scored)
 */
gboolean
vk_joint_search (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkSpatialParams * p, const VkJointCandidate * cands,
    guint n_cands, VkPlacementEstimate * out)
{
  VkJointLine line;
  VkJointSample samples[JOINT_SAMPLES];
  guint8 *imgs[JOINT_SAMPLES];
  VkLuma *bgl = g_new (VkLuma, bg->n_frames);
  gdouble *sample_best = g_new (gdouble, fg->n_frames);
  gdouble best = -G_MAXDOUBLE;
  guint n = MIN (JOINT_SAMPLES, fg->n_frames), k, round;
  guint anchor_b = 0, anchor_f = 0, winner = 0;
  VkPlacementEstimate at;

  for (k = 0; k < bg->n_frames; k++)
    bgl[k] = vk_low_frame (bg, k);
  for (k = 0; k < n; k++) {
    samples[k].f = (2 * k + 1) * fg->n_frames / (2 * n);
    imgs[k] = vk_fg_at_bg_factor (bg, fg, samples[k].f, &samples[k].fg);
  }
  line.bg = bgl;
  line.n_bg = bg->n_frames;
  line.valid = p->fg_valid;
  if (line.valid.w <= 0 || line.valid.h <= 0) {
    line.valid.x = line.valid.y = 0;
    line.valid.w = samples[0].fg.width;
    line.valid.h = samples[0].fg.height;
  }
  line.rate = fg->fps > 0 && bg->fps > 0 ? bg->fps / fg->fps : 1.0;
  line.tolerance = JOINT_TOLERANCE;
  line.tolerance_rate = JOINT_TOLERANCE_RATE;
  line.tolerance_max = JOINT_TOLERANCE + JOINT_TOLERANCE_MAX_S * bg->fps;

  /* the best single-pair score of every fg frame with candidates */
  for (k = 0; k < n_cands; k++)
    sample_best[cands[k].f] = -G_MAXDOUBLE;
  for (k = 0; k < n_cands; k++)
    sample_best[cands[k].f] = MAX (sample_best[cands[k].f], cands[k].est.score);
  for (k = 0; k < n_cands; k++) {
    const VkJointCandidate *c = &cands[k];
    gdouble s;

    if (k > 0 && c->est.score < sample_best[c->f] - JOINT_CANDIDATE_MARGIN)
      continue;
    s = vk_joint_line_score (&line, samples, n, &c->est, c->b, c->f);
    /* the first candidate wins unless another halves its mismatch */
    if (k == 0)
      s = 1.0 - JOINT_MIN_GAIN * (1.0 - s);
    if (s > best) {
      best = s;
      at = c->est;
      at.score = s;
      anchor_b = c->b;
      anchor_f = c->f;
      winner = k;
    }
  }

  if (winner == 0)
    best = -2.0;                /* keep it */
  for (round = 0; best > -2.0 && round < JOINT_REFINE_ROUNDS; round++) {
    VkPlacementEstimate refined;
    gdouble s;

    /* the samples' matches under the best placement */
    vk_joint_line_score (&line, samples, n, &at, anchor_b, anchor_f);
    if (!refine_on_line (samples, n, &line, p, &at, &refined))
      break;
    /* the line through the best-matching sample */
    qsort (samples, n, sizeof (VkJointSample), compare_sample_score);
    if (samples[0].best_b < 0)
      break;
    s = vk_joint_line_score (&line, samples, n, &refined,
        (guint) samples[0].best_b, samples[0].f);
    if (s < best)
      break;
    best = s;
    at = refined;
    at.score = s;
    anchor_b = (guint) samples[0].best_b;
    anchor_f = samples[0].f;
  }

  for (k = 0; k < n; k++)
    g_free (imgs[k]);
  g_free (bgl);
  g_free (sample_best);
  if (best <= -2.0)
    return FALSE;
  *out = at;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Which moment: on moving content the place found on full frames for one
 * fg frame and each bg frame around its match is exact for that pair, and
 * every pair correlates nearly perfectly (the place follows the moment).
 * The true moment is the one whose place makes the whole fg match along
 * one line at the nominal rate: the check scores that on low-resolution
 * copies of fg frames spread over the fg and the bg frames around their
 * matches, kept from the alignment. */

/* fg frames spread over the part of the fg the bg shows */
#define MOMENT_SAMPLES 16
/* bg frames kept around each sample's match beyond VK_MOMENT_RADIUS (the
 * dense alignment's path strays from a line where the speed changes) */
#define MOMENT_SLACK 4
/* the line's rate is the nominal one unless the coarse line's differs by
 * more than this share */
#define MOMENT_RATE_SNAP 0.02

typedef struct
{
  guint f;
  gint b0;                      /* first bg frame kept */
  guint n_b;                    /* bg frames kept */
  guint8 *bg;                   /* n_b low-resolution bg frames */
  guint8 *fg;                   /* the fg frame at its own low resolution */
} MomentSample;

struct _VkMomentCheck
{
  gdouble kbx, kby;             /* bg: low-resolution pixels per pixel */
  gdouble kfx, kfy;             /* fg: full-resolution pixels per low one */
  gint bg_lw, bg_lh, fg_lw, fg_lh;
  GstVideoRectangle valid;      /* in fg low-resolution pixels */
  gdouble rate;
  guint n;
  MomentSample s[MOMENT_SAMPLES];
};

/**
 * vk_moment_check_new:
 * @bg: the bg's summary
 * @fg: the fg's summary
 * @r: an alignment with its map and compared region
 * @radius: bg frames on each side of a match the check must score
 *
 * Keeps what vk_moment_check_score () needs: MOMENT_SAMPLES fg frames and
 * the bg frames around their matches (a few hundred KB, whatever the
 * length of the streams).
 *
 * Returns: (transfer full) (nullable): the check, %NULL when the bg shows
 *   fewer than two fg frames; free with vk_moment_check_free ()
 */
VkMomentCheck *
vk_moment_check_new (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkAlignResult * r, guint radius)
{
  guint shown = r->covered_end > r->covered_start ? r->covered_end -
      r->covered_start : 0, k;
  gsize bsize = (gsize) bg->low_width * bg->low_height;
  gsize fsize = (gsize) fg->low_width * fg->low_height;
  gdouble nominal = fg->fps > 0 && bg->fps > 0 ? bg->fps / fg->fps : 1.0;
  VkMomentCheck *mc;

  if (shown < 2 || r->map == NULL)
    return NULL;
  mc = g_new0 (VkMomentCheck, 1);
  vk_low_factors (bg, &mc->kbx, &mc->kby);
  /* per axis: the low-resolution copies round their height */
  mc->kfx = (gdouble) fg->width / fg->low_width;
  mc->kfy = (gdouble) fg->height / fg->low_height;
  mc->bg_lw = bg->low_width;
  mc->bg_lh = bg->low_height;
  mc->fg_lw = fg->low_width;
  mc->fg_lh = fg->low_height;
  vk_valid_in (fg, r, fg->low_width, &mc->valid);
  mc->rate = fabs (r->rate / nominal - 1.0) <= MOMENT_RATE_SNAP ? nominal :
      r->rate;
  mc->n = MIN (MOMENT_SAMPLES, shown);
  for (k = 0; k < mc->n; k++) {
    MomentSample *s = &mc->s[k];
    gint m, b1;

    s->f = r->covered_start + (2 * k + 1) * shown / (2 * mc->n);
    m = (gint) r->map[s->f];
    s->b0 = MAX (0, m - (gint) (radius + MOMENT_SLACK));
    b1 = MIN ((gint) bg->n_frames - 1, m + (gint) (radius + MOMENT_SLACK));
    s->n_b = (guint) (b1 - s->b0 + 1);
    s->bg = g_memdup2 (bg->low + (gsize) s->b0 * bsize, s->n_b * bsize);
    s->fg = g_memdup2 (fg->low + (gsize) s->f * fsize, fsize);
  }
  return mc;
}

/**
 * vk_moment_check_score:
 * @mc: a check
 * @x: the fg's left edge in the bg, bg pixels (found on full frames)
 * @y: its top edge
 * @scale: bg pixels per fg pixel
 * @f: the fg frame the place was found with
 * @b: the bg frame it was found in
 *
 * How well the fg matches the bg at this place along the line through
 * (@f, @b) at the nominal rate: the mean correlation of the check's fg
 * samples with the bg frames the line gives them.
 *
 * Returns: -1..1, or -2 when fewer than half of the samples' bg frames
 *   were kept (the line is too far from the alignment's) or the place
 *   leaves the bg
 */
gdouble
vk_moment_check_score (const VkMomentCheck * mc, gdouble x, gdouble y,
    gdouble scale, guint f, guint b)
{
  gdouble sum = 0;
  guint k, n = 0;

  g_return_val_if_fail (mc != NULL, -2.0);

  for (k = 0; k < mc->n; k++) {
    const MomentSample *s = &mc->s[k];
    gint bk = (gint) floor (b + mc->rate * ((gdouble) s->f - f) + 0.5);
    VkLuma bl, fl;
    gdouble c;

    if (bk < s->b0 || bk >= s->b0 + (gint) s->n_b)
      continue;
    bl.data = s->bg + (gsize) (bk - s->b0) * mc->bg_lw * mc->bg_lh;
    bl.stride = bl.width = mc->bg_lw;
    bl.height = mc->bg_lh;
    fl.data = s->fg;
    fl.stride = fl.width = mc->fg_lw;
    fl.height = mc->fg_lh;
    c = placed_ncc_xy (&bl, &fl, &mc->valid, x * mc->kbx, y * mc->kby,
        scale * mc->kfx * mc->kbx, scale * mc->kfy * mc->kby);
    if (c <= -2.0)
      return -2.0;
    sum += c;
    n++;
  }
  return 2 * n >= mc->n && n > 0 ? sum / n : -2.0;
}

/**
 * vk_moment_pick:
 * @mc: a check
 * @places: places found on full frames for fg frame @f, one per bg frame
 * @b: their bg frames
 * @n: their number
 * @f: the fg frame
 * @line_b: the bg frame the alignment's timing line gives @f
 * @scores: (out caller-allocates): the moment check's score of each place,
 *   -2 for a place not scored
 *
 * Of the places within VK_MOMENT_FULL_MARGIN (or VK_MOMENT_MISMATCH_SHARE
 * of the best one's mismatch) of the best one, and the place on the
 * alignment's line, the one under which the whole fg matches best along
 * the line at the check's rate (vk_moment_check_score ()); the place on
 * the alignment's line when no other is better beyond a tie (vk_is_tie ():
 * at low resolution the moments of a slow zoom differ by less than the
 * noise, and the line was found with the place). When the check can
 * score no place (the fg's place is flat at low resolution: a small fg
 * over text, whose lines average out there), the place on the line when
 * its full-frame correlation ties the best one's (vk_is_tie ()): ties
 * follow the line.
 *
 * Returns: the index of the place picked, -1 when none could be scored
 *   and the line's place is not among the best on full frames
 */
gint
vk_moment_pick (const VkMomentCheck * mc, const VkPlacementEstimate * places,
    const guint * b, guint n, guint f, gdouble line_b, gdouble * scores)
{
  gdouble best = -G_MAXDOUBLE, margin, top = -G_MAXDOUBLE;
  gint winner = -1, on_line = -1, line_k = -1;
  guint k;

  g_return_val_if_fail (mc != NULL, -1);

  for (k = 0; k < n; k++)
    best = MAX (best, places[k].score);
  margin = vk_moment_margin (best);
  for (k = 0; k < n; k++) {
    gboolean line = fabs (b[k] - line_b) < 0.5;

    /* the line's place is scored even when its full-frame correlation is
     * a little lower (a scroll of text at a fractional camera position) */
    scores[k] = places[k].score < best - margin && !line ? -2.0 :
        vk_moment_check_score (mc, places[k].x, places[k].y,
        places[k].scale, f, b[k]);
    if (line)
      line_k = (gint) k;
    if (line && scores[k] > -2.0)
      on_line = (gint) k;
    else if (scores[k] > top) {
      top = scores[k];
      winner = (gint) k;
    }
  }
  /* the line's place wins when no other place is clearly better */
  if (on_line >= 0 && (winner < 0 || vk_is_tie (top, scores[on_line])
          || scores[on_line] > top))
    return on_line;
  if (top > -2.0)
    return winner;
  /* nothing scored: the full-frame correlations decide, ties by the line */
  return line_k >= 0 && vk_is_tie (best, places[line_k].score) ? line_k : -1;
}

/**
 * vk_places_move:
 * @places: places found on full frames for one fg frame, one per bg frame
 *   around its match
 * @n: their number
 *
 * Whether the places follow the moment, as on moving content (a pan, a
 * zoom, a scroll), where every pair correlates nearly perfectly at its own
 * place: of the places within vk_moment_margin () of the best one, two are
 * VK_MOMENT_MOVE_PX or VK_MOMENT_MOVE_SCALE apart. A search on half a
 * second of frames does not tell such content from a still camera by its
 * samples (they agree over so short a pan): its refinement does, and the
 * moment check then picks the place (vk_refine_pairs ()).
 *
 * Returns: %TRUE when the places move
 */
gboolean
vk_places_move (const VkPlacementEstimate * places, guint n)
{
  gdouble best = -G_MAXDOUBLE, margin;
  gdouble x0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y0 = G_MAXDOUBLE;
  gdouble y1 = -G_MAXDOUBLE, s0 = G_MAXDOUBLE, s1 = -G_MAXDOUBLE;
  guint k;

  for (k = 0; k < n; k++)
    best = MAX (best, places[k].score);
  margin = vk_moment_margin (best);
  for (k = 0; k < n; k++) {
    if (places[k].score < best - margin || places[k].scale <= 0)
      continue;
    x0 = MIN (x0, places[k].x);
    x1 = MAX (x1, places[k].x);
    y0 = MIN (y0, places[k].y);
    y1 = MAX (y1, places[k].y);
    s0 = MIN (s0, places[k].scale);
    s1 = MAX (s1, places[k].scale);
  }
  return s1 > 0 && (x1 - x0 >= VK_MOMENT_MOVE_PX || y1 - y0 >= VK_MOMENT_MOVE_PX
      || s1 / s0 - 1.0 >= VK_MOMENT_MOVE_SCALE);
}

/**
 * vk_moment_check_rate:
 * @mc: a check
 *
 * Returns: the rate of its lines (bg frames per fg frame): the nominal one
 *   unless the alignment's line says clearly otherwise
 */
gdouble
vk_moment_check_rate (const VkMomentCheck * mc)
{
  g_return_val_if_fail (mc != NULL, 1.0);

  return mc->rate;
}

void
vk_moment_check_free (VkMomentCheck * mc)
{
  guint k;

  if (mc == NULL)
    return;
  for (k = 0; k < mc->n; k++) {
    g_free (mc->s[k].bg);
    g_free (mc->s[k].fg);
  }
  g_free (mc);
}
