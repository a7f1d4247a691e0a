/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The alignment (vkalignment.c), step 2: where the fg is in the bg (the
 * spatial search of SPATIAL_FG_SAMPLES fg frames, each in the bg frames
 * where it fits best, and the placement they agree on). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkalignment-priv.h"

/* one fg sample of the coarse spatial search, run in a thread of its own */
typedef struct
{
  const VkStreamSummary *bg, *fg;
  const VkSpatialParams *p;
  guint f;                      /* the fg frame */
  VkLuma fl;                    /* it, at the bg's low-resolution factor */
  guint8 *img;
  VkLuma fd;                    /* a small fg: it with more detail */
  guint8 *dimg;                 /* (NULL when the fg is not small) */
  gdouble detail;               /* fd's size per fl's */
  gdouble best;                 /* best score, -2 when none */
  guint best_b;                 /* and its bg frame */
  VkPlacementEstimate best_est; /* and the placement there */
  gboolean unit_exact;          /* found at scale 1 nearly perfectly */
  GArray *tried;                /* VkJointCandidate: every pair searched */
  guint parts;                  /* tasks its coarse scan is split into */
  const VkParallel *par;        /* the threads lent */
} SampleSearch;

/* one part of a sample's coarse scan: every parts-th candidate from
 * @first, into a SampleSearch of its own */
typedef struct
{
  SampleSearch ss;
  const VkSpatialParams *p;
  guint first, step;
} ScanPart;

static void
try_bg_frame (SampleSearch * ss, const VkSpatialParams * p, guint b)
{
  VkLuma bl = vk_low_frame (ss->bg, b);
  VkPlacementEstimate est;

  if (vk_spatial_search_small (&bl, &ss->fl, ss->dimg ? &ss->fd : NULL,
          ss->detail, 1, p, &est, NULL)) {
    VkJointCandidate c = { est, b, ss->f };

    g_array_append_val (ss->tried, c);
    if (est.score > ss->best) {
      ss->best = est.score;
      ss->best_b = b;
      ss->best_est = est;
    }
  }
}

/* The bg frame in which the sample is found best with parameters @p:
 * SPATIAL_BG_CANDIDATES frames spread over the bg, then, as the sample's
 * own moment lies between the candidates around the best (a frame or two
 * off, a moving camera passes for a shift and a zoom), narrowing down. */
static void
scan_part (gpointer data)
{
  ScanPart *sp = data;
  guint n = sp->ss.bg->n_frames, b, k = 0;

  for (b = sp->step / 2; b < n; b += sp->step, k++)
    if (k % sp->ss.parts == sp->first)
      try_bg_frame (&sp->ss, sp->p, b);
}

static gint
tried_by_frame (gconstpointer a, gconstpointer b)
{
  const VkJointCandidate *x = a, *y = b;

  return (x->b > y->b) - (x->b < y->b);
}

/* The coarse scan of SPATIAL_BG_CANDIDATES frames spread over the bg, in
 * ss->parts tasks run in parallel when the sample has cores to spare (a fg
 * of one or two frames); the same result as one task: the best, the first
 * of equals, and the pairs tried in frame order. */
static void
coarse_scan (SampleSearch * ss, const VkSpatialParams * p, guint step)
{
  ScanPart *parts = g_new0 (ScanPart, ss->parts);
  gpointer *tasks = g_new (gpointer, ss->parts);
  guint k, from = ss->tried->len;

  for (k = 0; k < ss->parts; k++) {
    parts[k].ss = *ss;
    parts[k].ss.tried = k == 0 ? ss->tried :
        g_array_new (FALSE, FALSE, sizeof (VkJointCandidate));
    parts[k].p = p;
    parts[k].first = k;
    parts[k].step = step;
    tasks[k] = &parts[k];
  }
  vk_parallel_for (ss->par, scan_part, tasks, ss->parts);
  *ss = parts[0].ss;
  for (k = 1; k < ss->parts; k++) {
    const SampleSearch *o = &parts[k].ss;

    if (o->best > ss->best || (o->best == ss->best && o->best > -2.0
            && o->best_b < ss->best_b)) {
      ss->best = o->best;
      ss->best_b = o->best_b;
      ss->best_est = o->best_est;
    }
    g_array_append_vals (ss->tried, o->tried->data, o->tried->len);
    g_array_unref (o->tried);
  }
  if (ss->parts > 1 && ss->tried->len > from)
    qsort (&g_array_index (ss->tried, VkJointCandidate, from),
        ss->tried->len - from, sizeof (VkJointCandidate), tried_by_frame);
  g_free (tasks);
  g_free (parts);
}

/* The bg frame in which the sample is found best with parameters @p:
 * SPATIAL_BG_CANDIDATES frames spread over the bg, then, as the sample's
 * own moment lies between the candidates around the best (a frame or two
 * off, a moving camera passes for a shift and a zoom), narrowing down. */
static void
search_sample_with (SampleSearch * ss, const VkSpatialParams * p)
{
  guint n = ss->bg->n_frames, step = MAX (1, n / SPATIAL_BG_CANDIDATES);
  guint d;

  ss->best = -2.0;
  coarse_scan (ss, p, step);
  if (ss->best <= -2.0)
    return;
  for (d = step / 2; d >= 1; d /= 2) {
    guint c = ss->best_b;

    if (c >= d)
      try_bg_frame (ss, p, c - d);
    if (c + d < n)
      try_bg_frame (ss, p, c + d);
  }
}

/* The bg frame in which fg frame ss->f is found best. A search at scale 1
 * alone costs a fraction of one over the whole scale range: when scale 1 is
 * preferred and a bg frame matches at scale 1 within unscaled_epsilon of a
 * perfect score (which the whole range would keep, see vk_spatial_search),
 * the whole range is not searched. */
static void
search_sample (gpointer data)
{
  SampleSearch *ss = data;
  VkSpatialParams unit = *ss->p;

  if (unit.prefer_unscaled && unit.min_scale <= 1.0
      && (unit.max_scale <= 0 || unit.max_scale >= 1.0)) {
    unit.min_scale = unit.max_scale = 1.0;
    search_sample_with (ss, &unit);
    ss->unit_exact = ss->best >= 1.0 - unit.unscaled_epsilon;
    if (ss->unit_exact)
      return;
  }
  search_sample_with (ss, ss->p);
}

/* Whether the samples' placements leave a doubt: the placements of the
 * samples found best (within @margin of the best) differ from @est by more
 * than SPATIAL_AGREE_PX or SPATIAL_AGREE_SCALE: on moving content each
 * sample finds its own place (a shifted place for a shifted moment); on a
 * still camera they agree, also when the bg does not show all samples.
 * Samples found perfectly at scale 1 in places that differ are moving
 * content too: on a pan of an even texture a sample matches perfectly in
 * every bg frame, at the place of that frame's moment, and the joint place
 * of pairs from several moments is none of theirs (test align_joint:
 * test_long_pan) */
static gboolean
samples_disagree (const SampleSearch * ss, guint n, gdouble max_best,
    const VkPlacementEstimate * est)
{
  guint k;
  gboolean disagree = FALSE;

  for (k = 0; k < n; k++) {
    const VkPlacementEstimate *e = &ss[k].best_est;

    if (ss[k].best <= -2.0 || ss[k].best < max_best - SPATIAL_SAMPLE_MARGIN)
      continue;
    disagree = disagree || fabs (e->x - est->x) > SPATIAL_AGREE_PX
        || fabs (e->y - est->y) > SPATIAL_AGREE_PX
        || fabs (e->scale / est->scale - 1.0) > SPATIAL_AGREE_SCALE;
  }
  return disagree;
}

/* Moving content: the samples' placements, each found on one frame pair,
 * may each be right for another moment. The placement under which a line
 * of fg samples matches over time wins (vkjoint.c); @est, found on the
 * samples' pairs jointly, is one of the candidates. */
static void
joint_placement (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkSpatialParams * p, const SampleSearch * ss, guint n,
    VkPlacementEstimate * est)
{
  GArray *cands = g_array_new (FALSE, FALSE, sizeof (VkJointCandidate));
  VkJointCandidate c = { *est, ss[0].best_b, ss[0].f };
  VkPlacementEstimate joint;
  guint k;

  g_array_append_val (cands, c);
  for (k = 0; k < n; k++)
    g_array_append_vals (cands, ss[k].tried->data, ss[k].tried->len);
  if (vk_joint_search (bg, fg, p, (VkJointCandidate *) cands->data,
          cands->len, &joint))
    *est = joint;
  g_array_unref (cands);
}

/* Where the fg is in the bg (@r's x, y, scale and spatial_score);
 * @moving: the samples' places disagree, so the placement is the joint
 * search's of space and time; @exact: a still camera, every sample found
 * perfectly at scale 1 in one place (the caller's search of the line with
 * the place is then not needed) */
gboolean
vk_al_coarse_spatial (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkAlignOptions * opts, VkAlignResult * r, gboolean * moving,
    gboolean * exact, GError ** error)
{
  VkLuma bgl[SPATIAL_FG_SAMPLES], fgl[SPATIAL_FG_SAMPLES];
  VkLuma fdl[SPATIAL_FG_SAMPLES];
  SampleSearch ss[SPATIAL_FG_SAMPLES];
  gpointer tasks[SPATIAL_FG_SAMPLES];
  VkSpatialParams p;
  VkPlacementEstimate est;
  gdouble kbx, kby, detail;
  guint n_pairs = 0, n_samples, k;
  gdouble max_best = -2.0;
  gboolean ok;

  vk_low_factors (bg, &kbx, &kby);
  /* a fg small at the bg's resolution is searched with its detail too */
  detail = vk_small_fg_detail (bg, fg);

  vk_spatial_params_init (&p);
  p.prefer_unscaled = opts->prefer_unscaled;
  if (opts->scale > 0) {
    p.min_scale = p.max_scale = opts->scale;
  } else {
    p.min_scale = MIN (1.0, (gdouble) MIN_LOW_FG_WIDTH / (fg->width * kbx));
    p.max_scale = 0;
  }

  /* the samples are independent: search them in parallel */
  n_samples = MIN (SPATIAL_FG_SAMPLES, fg->n_frames);
  for (k = 0; k < n_samples; k++) {
    ss[k].bg = bg;
    ss[k].fg = fg;
    ss[k].p = &p;
    ss[k].f = (2 * k + 1) * fg->n_frames / (2 * SPATIAL_FG_SAMPLES);
    ss[k].img = vk_fg_at_bg_factor (bg, fg, ss[k].f, &ss[k].fl);
    ss[k].dimg = detail > 1.0 ? vk_fg_at_factor (bg, fg, ss[k].f, detail,
        &ss[k].fd) : NULL;
    ss[k].detail = ss[k].dimg ? (gdouble) ss[k].fd.width / ss[k].fl.width : 0;
    ss[k].unit_exact = FALSE;
    ss[k].tried = g_array_new (FALSE, FALSE, sizeof (VkJointCandidate));
    /* the threads a fg of fewer frames leaves free scan its bg frames */
    ss[k].parts = MAX (1, SPATIAL_FG_SAMPLES / n_samples);
    ss[k].par = &opts->parallel;
    tasks[k] = &ss[k];
  }
  vk_valid_in (fg, r, ss[0].fl.width, &p.fg_valid);
  vk_parallel_for (&opts->parallel, search_sample, tasks, n_samples);
  for (k = 0; k < n_samples; k++)
    max_best = MAX (max_best, ss[k].best);
  for (k = 0; k < n_samples; k++) {
    if (ss[k].best > -2.0 && ss[k].best >= max_best - SPATIAL_SAMPLE_MARGIN) {
      bgl[n_pairs] = vk_low_frame (bg, ss[k].best_b);
      fgl[n_pairs] = ss[k].fl;
      fdl[n_pairs] = ss[k].fd;
      n_pairs++;
    }
  }

  if (n_pairs == 0) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH,
        "the foreground could not be found in the background");
    ok = FALSE;
  } else {
    ok = vk_spatial_search_small (bgl, fgl, ss[0].dimg ? fdl : NULL,
        ss[0].detail, n_pairs, &p, &est, error);
  }
  *moving = ok && samples_disagree (ss, n_samples, max_best, &est);
  for (k = 0, *exact = !*moving; k < n_samples; k++)
    *exact = *exact && ss[k].unit_exact;
  if (*moving)
    joint_placement (bg, fg, &p, ss, n_samples, &est);
  if (ok) {
    /* the fg image is fg_width * kbx rounded: correct the scale for the
     * rounding; positions are bg low-resolution pixels */
    r->x = est.x / kbx;
    r->y = est.y / kby;
    r->scale = est.scale * fgl[0].width / (fg->width * kbx);
    r->spatial_score = est.score;
  }
  for (k = 0; k < n_samples; k++) {
    g_free (ss[k].img);
    g_free (ss[k].dimg);
    g_array_unref (ss[k].tried);
  }
  return ok;
}
