/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkjointtime: the search of space per candidate time (see vkjoint.h and
 * docs/design.md, "Joint search of space and time"). On moving content a
 * placement found a few dozen frames off the true moment matches the fg
 * nearly as well as the true one at each moment, and the timing line
 * found with it is off by as much; the moment check of the render only
 * sees a few frames around it. Here every candidate line (offsets over a
 * window of the bg, at one rate) gets the placement that fits the pairs
 * it makes with fg samples spread over the fg, tracked from the
 * neighbouring candidate (a shifted moment is a shifted place): the
 * line whose pairs all match under one placement wins. Pure: the bg's
 * low-resolution pixels, the fg samples at the bg's factor. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkjoint.h"
#include "vktemporal.h"

/* fg samples spread over the fg */
#define TIME_SAMPLES 12
/* candidate lines are this many bg frames apart, then every frame around
 * the best */
#define TIME_COARSE_STEP 3
/* the place of a candidate line is searched within this many bg
 * low-resolution pixels of its neighbour's (tracking), and of the best
 * coarse candidate's in the fine pass */
#define TIME_TRACK_RADIUS 2.0
/* at least this share of the samples must fall inside the bg */
#define TIME_MIN_SHOWN 0.5

typedef struct
{
  const VkStreamSummary *bg;
  const VkSpatialParams *p;
  VkLuma fg[TIME_SAMPLES];
  guint f[TIME_SAMPLES];
  guint n;
  gdouble rate;
} TimeCtx;

/* the placement under which the pairs of the line bg = @offset + rate * fg
 * match best, near @guess: FALSE when too few samples are in the bg */
static gboolean
place_on_line (const TimeCtx * t, gdouble offset,
    const VkPlacementEstimate * guess, gdouble radius,
    VkPlacementEstimate * out)
{
  VkLuma bgl[TIME_SAMPLES], fgl[TIME_SAMPLES];
  guint k, n = 0;

  for (k = 0; k < t->n; k++) {
    gint b = (gint) floor (offset + t->rate * t->f[k] + 0.5);

    if (b < 0 || b >= (gint) t->bg->n_frames)
      continue;
    bgl[n] = vk_low_frame (t->bg, (guint) b);
    fgl[n] = t->fg[k];
    n++;
  }
  if (n < MAX (2, (guint) ceil (TIME_MIN_SHOWN * t->n)))
    return FALSE;
  return vk_spatial_refine (bgl, fgl, n, t->p, guess, radius, out, NULL);
}

/* scans the lines from @from in steps of @step (negative: backwards) up
 * to @to, tracking the place; keeps the best in @best, @best_offset */
static void
scan (const TimeCtx * t, gdouble from, gdouble to, gdouble step,
    const VkPlacementEstimate * start, VkPlacementEstimate * best,
    gdouble * best_offset)
{
  VkPlacementEstimate at = *start, est;
  gdouble o;

  for (o = from; step > 0 ? o <= to : o >= to; o += step) {
    if (!place_on_line (t, o, &at, TIME_TRACK_RADIUS, &est))
      break;
    at = est;
    if (est.score > best->score) {
      *best = est;
      *best_offset = o;
    }
  }
}

/**
 * vk_joint_time_search:
 * @bg: the bg's summary
 * @fg: the fg's summary
 * @p: the spatial search's parameters (scale range; fg_valid in the fg
 *   samples)
 * @shrink: the fg samples are the fg at the bg's factor times this
 *   (vk_fg_at_factor ())
 * @guess: the placement found so far (bg low-resolution pixels, the fg
 *   samples' pixels)
 * @offset: the bg frame of fg frame 0 on the timing line found with it
 * @rate: the line's rate (bg frames per fg frame)
 * @window: the lines searched: offsets within this many bg frames of
 *   @offset
 * @out: (out): the best placement
 * @out_offset: (out): the offset of its line
 * @line_place: (out): the placement of the line through @offset (rounded)
 *
 * Searches space per candidate time: the lines bg = o + @rate * fg for o
 * every TIME_COARSE_STEP frames over @offset ± @window, then every frame
 * around the best, each with the placement that fits the pairs of
 * TIME_SAMPLES fg samples with their bg frames on it jointly (searched
 * near the neighbouring line's: the place moves with the moment). On
 * moving content a wrong moment's placement fits one pair, not the whole
 * line, where the motion's speed differs.
 *
 * Returns: TRUE with @out and @out_offset set, FALSE when no line could
 *   be scored
 */
gboolean
vk_joint_time_search (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkSpatialParams * p, gdouble shrink,
    const VkPlacementEstimate * guess, gdouble offset, gdouble rate,
    gdouble window, VkPlacementEstimate * out,
    gdouble * out_offset, VkPlacementEstimate * line_place)
{
  TimeCtx t;
  guint8 *imgs[TIME_SAMPLES];
  VkPlacementEstimate best = { 0, 0, 0, -G_MAXDOUBLE }, centre, coarse;
  gdouble best_offset = offset, o0 = floor (offset + 0.5);
  guint k;

  g_return_val_if_fail (bg != NULL && fg != NULL && guess != NULL, FALSE);

  t.bg = bg;
  t.p = p;
  t.rate = rate;
  t.n = MIN (TIME_SAMPLES, fg->n_frames);
  for (k = 0; k < t.n; k++) {
    t.f[k] = (2 * k + 1) * fg->n_frames / (2 * t.n);
    imgs[k] = vk_fg_at_factor (bg, fg, t.f[k], shrink, &t.fg[k]);
  }

  if (place_on_line (&t, o0, guess, TIME_TRACK_RADIUS, &centre)) {
    best = centre;
    best_offset = o0;
    *line_place = centre;
    scan (&t, o0 + TIME_COARSE_STEP, o0 + window, TIME_COARSE_STEP, &centre,
        &best, &best_offset);
    scan (&t, o0 - TIME_COARSE_STEP, o0 - window, -TIME_COARSE_STEP, &centre,
        &best, &best_offset);
    /* every frame around the best coarse line */
    coarse = best;
    o0 = best_offset;
    scan (&t, o0 + 1, o0 + TIME_COARSE_STEP - 1, 1, &coarse, &best,
        &best_offset);
    scan (&t, o0 - 1, o0 - TIME_COARSE_STEP + 1, -1, &coarse, &best,
        &best_offset);
  }

  for (k = 0; k < t.n; k++)
    g_free (imgs[k]);
  if (best.score <= -G_MAXDOUBLE)
    return FALSE;
  *out = best;
  *out_offset = best_offset;
  return TRUE;
}

/* a placement that moves less than this (bg low-resolution pixels,
 * relative scale) is the same */
#define TIME_MOVED_PX 0.5
#define TIME_MOVED_SCALE 0.002
/* nor does a line less than this many bg frames away (at the middle fg
 * frame) */
#define TIME_MOVED_FRAMES 1.0
/* unless its place is this close to the place on the line found (the
 * place does not follow the time: static content) */
#define TIME_TRACKED_PX 0.02
#define TIME_TRACKED_SCALE 5e-4

static gboolean
same_place (const VkPlacementEstimate * a, const VkPlacementEstimate * b,
    gdouble px, gdouble scale)
{
  return fabs (a->x - b->x) <= px && fabs (a->y - b->y) <= px
      && fabs (a->scale / b->scale - 1.0) <= scale;
}

/* the lines searched: offsets within this many seconds of the line found */
#define TIME_WINDOW_S 5.0
/* then, at another size, within this many seconds of the best line */
#define TIME_POLISH_S 0.5
/* the fg samples are brought to their size in the bg (vk_fg_at_factor ())
 * when the scale is below this (closer to 1, the bg shows nearly all of
 * their detail, and scale 1 keeps its meaning for prefer_unscaled) */
#define TIME_SHRINK_BELOW 0.9
/* and again at the scale found when it differs from the first one by more
 * than this share */
#define TIME_RESHRINK 0.02

static gdouble
shrink_for (gdouble scale, gdouble detail)
{
  if (scale < TIME_SHRINK_BELOW)
    return scale;
  /* a small fg (vk_small_fg_detail ()) is brought to its size in the bg
   * as far as its own copy has the detail: at the bg's factor it is a
   * template of a few pixels */
  return detail > 1.0 && scale > 1.0 ? MIN (scale, detail) : 1.0;
}

/* vk_joint_time_search () with the fg samples @shrink times their size at
 * the bg's factor (vk_fg_at_factor ()); the placements in bg
 * low-resolution pixels with the scale in bg pixels per fg pixel, as in
 * @r */
static gboolean
search_shrunk (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkAlignResult * r, gboolean prefer_unscaled, gdouble shrink,
    const VkPlacementEstimate * guess, gdouble offset, gdouble rate,
    gdouble window, VkPlacementEstimate * out, gdouble * out_offset,
    VkPlacementEstimate * line_place)
{
  VkSpatialParams p;
  VkPlacementEstimate g = *guess;
  gdouble kbx, kby, k;
  VkLuma fl;
  guint8 *img;

  vk_low_factors (bg, &kbx, &kby);
  img = vk_fg_at_factor (bg, fg, 0, shrink, &fl);
  /* the fg's scale per the samples' */
  k = (gdouble) fl.width / (fg->width * kbx);
  vk_spatial_params_init (&p);
  /* (scale 1 of a shrunk fg is not the fg's own size) */
  p.prefer_unscaled = prefer_unscaled && shrink == 1.0;
  p.min_scale = G_MINDOUBLE;
  p.max_scale = 0;
  vk_valid_in (fg, r, fl.width, &p.fg_valid);
  g_free (img);
  g.scale = guess->scale / k;
  if (!vk_joint_time_search (bg, fg, &p, shrink, &g, offset, rate, window,
          out, out_offset, line_place))
    return FALSE;
  out->scale *= k;
  line_place->scale *= k;
  return TRUE;
}

/**
 * vk_joint_time_refine:
 * @bg: the bg's summary
 * @fg: the fg's summary
 * @prefer_unscaled: the spatial search's preference for scale 1
 * @r: an alignment with its placement (full-resolution pixels), compared
 *   region and timing line; its placement and line are replaced by the
 *   best of vk_joint_time_search () over TIME_WINDOW_S around the line, at
 *   the nominal rate and at the line's own (beyond a tie); an fg larger
 *   than its place in the bg is compared at that size (the detail the bg
 *   cannot show favours the moments where the content is larger: a zoom),
 *   and so is a small fg smaller than its place, as far as its own copy
 *   has the detail (vk_small_fg_detail ()), again over TIME_POLISH_S
 *   around the best line when that size was found to differ
 *
 * Returns: TRUE when the placement moved (by more than TIME_MOVED_PX bg
 *   low-resolution pixels or TIME_MOVED_SCALE of the scale), or the line
 *   did (by TIME_MOVED_FRAMES) and the place with it (beyond
 *   TIME_TRACKED_PX, TIME_TRACKED_SCALE of the place on @r's line): then
 *   @r has the new placement and line; else @r is left as it was
 */
gboolean
vk_joint_time_refine (const VkStreamSummary * bg, const VkStreamSummary * fg,
    gboolean prefer_unscaled, VkAlignResult * r)
{
  VkPlacementEstimate guess, est, best = { 0, 0, 0, -G_MAXDOUBLE };
  VkPlacementEstimate line_place, lp;
  gdouble kbx, kby, nominal, rates[2], o, best_offset = 0, best_rate = 0;
  gdouble mid = fg->n_frames / 2.0, fps, shrink;
  gdouble detail = vk_small_fg_detail (bg, fg);
  guint k, n_rates = 1;

  g_return_val_if_fail (bg != NULL && fg != NULL && r != NULL, FALSE);

  if (fg->n_frames < 2 || bg->n_frames < 2)
    return FALSE;
  vk_low_factors (bg, &kbx, &kby);
  fps = MAX (bg->fps, 1.0);
  guess.x = r->x * kbx;
  guess.y = r->y * kby;
  guess.scale = r->scale;
  guess.score = r->spatial_score;
  line_place = guess;
  nominal = fg->fps > 0 && bg->fps > 0 ? bg->fps / fg->fps : 1.0;
  rates[0] = nominal;
  /* the rate of the lines is the nominal one, and the line's own when it
   * differs by more than VK_RATE_SNAP (a wrong place makes a wrong rate
   * too); the line's own wins only when it matches better beyond a tie
   * (vk_is_tie (): on a slow zoom at 64 pixels both rates' best lines
   * match within 2e-5, and the nominal one was right) */
  if (fabs (r->rate / nominal - 1.0) > VK_RATE_SNAP)
    rates[n_rates++] = r->rate;
  for (k = 0; k < n_rates; k++) {
    /* the line through the same middle fg frame */
    gdouble centre = r->offset + (r->rate - rates[k]) * mid;

    if (search_shrunk (bg, fg, r, prefer_unscaled, shrink_for (r->scale,
                detail), &guess, centre, rates[k], TIME_WINDOW_S * fps, &est,
            &o, &lp)
        && est.score > best.score && (k == 0
            || !vk_is_tie (est.score, best.score))) {
      if (k == 0)
        line_place = lp;
      best = est;
      best_offset = o;
      best_rate = rates[k];
    }
  }
  if (best.score <= -G_MAXDOUBLE)
    return FALSE;
  /* an fg found larger than it was thought to be in the bg: again at its
   * size, around the best line, from its place */
  shrink = shrink_for (best.scale, detail);
  if (fabs (shrink / shrink_for (r->scale, detail) - 1.0) > TIME_RESHRINK
      && search_shrunk (bg, fg, r, prefer_unscaled, shrink, &best,
          best_offset, best_rate, TIME_POLISH_S * fps, &est, &o, &lp)) {
    best = est;
    best_offset = o;
  }
  /* the place moved; or the line did, and the place with it (on a still
   * page with a clock that ticks every second, every line of the second
   * has the same place and matches as well) */
  if (same_place (&best, &guess, TIME_MOVED_PX, TIME_MOVED_SCALE)
      && (fabs (best_offset + best_rate * mid - r->offset - r->rate * mid) <
          TIME_MOVED_FRAMES || same_place (&best, &line_place,
              TIME_TRACKED_PX, TIME_TRACKED_SCALE)))
    return FALSE;
  r->x = best.x / kbx;
  r->y = best.y / kby;
  r->scale = best.scale;
  r->spatial_score = best.score;
  r->offset = best_offset;
  r->rate = best_rate;
  return TRUE;
}
