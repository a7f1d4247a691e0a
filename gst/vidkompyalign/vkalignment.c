/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The alignment, from the low-resolution copies of all frames of both
 * streams:
 *
 * 1. Spatial (coarse): a few fg frames spread over the fg are searched in
 *    bg frames spread over the bg (multi-scale NCC, vkspatial); the best bg
 *    frame of each fg sample forms a pair, and all pairs are searched
 *    jointly. The result is exact to a low-resolution pixel; the caller
 *    refines it on full frames.
 * 2. Fingerprints of the same region in both streams: the bg cropped to the
 *    fg rectangle, the fg brought to the same resolution.
 * 3. Temporal (coarse): the best bg frame of sampled fg frames, and a
 *    robust line through these matches (offset and rate).
 * 4. Temporal (dense): a monotonic dynamic-programming alignment of every
 *    fg frame in a corridor around that line (vktemporal).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkalignment-priv.h"

void
vk_low_size (gint width, gint height, gint * low_width, gint * low_height)
{
  gint lw = MIN (VK_LOW_WIDTH, width);

  *low_width = MAX (1, lw);
  *low_height = MAX (1, (gint) floor ((gdouble) height * lw / width + 0.5));
}

void
vk_desc_size (gint width, gint height, gint * desc_width, gint * desc_height)
{
  *desc_width = VK_DESC_WIDTH;
  *desc_height = CLAMP ((gint) floor ((gdouble) VK_DESC_WIDTH * height /
          MAX (1, width) + 0.5), 8, 64);
}

/**
 * vk_desc_compute:
 * @luma: 8-bit luma plane
 * @rx: the region of the plane to describe (may be fractional)
 *
 * Returns: (transfer full): the region resampled to @desc_width x
 * @desc_height, zero-mean and of unit L2 norm (all zero when flat); free
 * with g_free()
 */
gfloat *
vk_desc_compute (const guint8 * luma, gint stride, gint width, gint height,
    gdouble rx, gdouble ry, gdouble rw, gdouble rh, gint desc_width,
    gint desc_height)
{
  gint n = desc_width * desc_height, k;
  gfloat *d = g_new (gfloat, n);
  gdouble mean = 0, norm = 0;

  vk_luma_resample (luma, stride, width, height, rx, ry, rw, rh, d,
      desc_width, desc_height);
  for (k = 0; k < n; k++)
    mean += d[k];
  mean /= n;
  for (k = 0; k < n; k++) {
    d[k] -= mean;
    norm += (gdouble) d[k] * d[k];
  }
  norm = norm > 1e-9 ? 1.0 / sqrt (norm) : 0.0;
  for (k = 0; k < n; k++)
    d[k] *= norm;
  return d;
}

/**
 * vk_desc_similarity:
 *
 * Returns: the normalised cross-correlation of two descriptors, -1..1
 */
gdouble
vk_desc_similarity (const gfloat * a, const gfloat * b, gint n)
{
  gdouble s = 0;
  gint k;

  for (k = 0; k < n; k++)
    s += a[k] * b[k];
  return s;
}

void
vk_align_options_init (VkAlignOptions * opts)
{
  memset (opts, 0, sizeof (*opts));
  opts->prefer_unscaled = TRUE;
  opts->window = 60;
  opts->smoothness = VK_DP_SMOOTHNESS;
}

void
vk_align_result_clear (VkAlignResult * result)
{
  g_free (result->map);
  g_free (result->cost);
  vk_moment_check_free (result->moment);
  memset (result, 0, sizeof (*result));
}

static int
compare_float (gconstpointer a, gconstpointer b)
{
  gfloat x = *(const gfloat *) a, y = *(const gfloat *) b;

  return x < y ? -1 : x > y;
}

/* the median of the @n costs of @r from @from, 0 when @n is 0 */
static gfloat
median_cost (const VkAlignResult * r, guint from, guint n)
{
  gfloat *c, m;

  if (n == 0)
    return 0.0f;
  c = g_memdup2 (r->cost + from, n * sizeof (gfloat));
  qsort (c, n, sizeof (gfloat), compare_float);
  m = c[n / 2];
  g_free (c);
  return m;
}

/**
 * vk_align_covered:
 * @result: an alignment with its line, map and costs
 * @n_bg: bg frames, > 0
 * @start: (out): first fg frame the bg shows
 * @end: (out): one past the last
 *
 * The fg frames the bg shows, when it starts after the fg's content or
 * ends before it. A fg frame is not shown when the line puts it before the
 * bg's first frame (after its last) and its match is clearly worse than
 * the typical match of the frames the line puts inside the bg (the cost of
 * a frame shown is 4 times that median at most, or 0.02 when the median is
 * lower). A frame the line puts outside but that matches well is shown: a
 * speed change takes the frames away from the line, and a static scene
 * matches anywhere. The frames not shown are a prefix and a suffix of the
 * fg; when none is inside, the line alone decides.
 */
void
vk_align_covered (const VkAlignResult * result, guint n_bg, guint * start,
    guint * end)
{
  const VkAlignResult *r = result;
  guint n = r->n_fg, first = 0, last = n, s, e;
  gfloat limit;

  g_return_if_fail (r != NULL && n_bg > 0 && start != NULL && end != NULL);

  /* [first, last): the frames the line puts inside the bg */
  while (first < n && r->offset + r->rate * first < -0.5)
    first++;
  last = first;
  while (last < n && r->offset + r->rate * last <= n_bg - 0.5)
    last++;
  if (r->cost == NULL || first == last) {
    *start = first;
    *end = last;
    return;
  }
  limit = MAX (UNSHOWN_COST_FACTOR * median_cost (r, first, last - first),
      UNSHOWN_MIN_COST);
  for (s = first; s > 0 && r->cost[s - 1] <= limit; s--);
  for (e = last; e < n && r->cost[e] <= limit; e++);
  *start = s;
  *end = e;
}

/**
 * vk_align_match:
 * @result: an alignment with its costs
 * @from: first fg frame
 * @to: one past the last
 *
 * Returns: the mean of 1 − cost, each clamped to [0, 1], over the fg frames
 * [@from, @to); 0 when there is none
 */
gdouble
vk_align_match (const VkAlignResult * result, guint from, guint to)
{
  gdouble sum = 0.0;
  guint i;

  g_return_val_if_fail (result != NULL && to <= result->n_fg, 0.0);

  if (to <= from)
    return 0.0;
  for (i = from; i < to; i++)
    sum += CLAMP (1.0 - result->cost[i], 0.0, 1.0);
  return sum / (to - from);
}

/* The part of the fg to compare: without black bars (found on frames from
 * all over the fg, one low-resolution pixel more to leave out the bars'
 * edges), or all of it. */
static void
find_valid_region (const VkStreamSummary * fg, const VkAlignOptions * opts,
    VkAlignResult * r)
{
  VkLuma frames[16];
  GstVideoRectangle c;
  guint k, n = MIN (16, fg->n_frames);
  gdouble f = (gdouble) fg->width / fg->low_width;
  gdouble g = (gdouble) fg->height / fg->low_height;

  r->valid_x = r->valid_y = 0;
  r->valid_w = fg->width;
  r->valid_h = fg->height;
  if (opts->match_region == VK_MATCH_REGION_FULL)
    return;

  for (k = 0; k < n; k++)
    frames[k] = vk_low_frame (fg, (2 * k + 1) * fg->n_frames / (2 * n));
  if (!vk_detect_static_bars (frames, n, &c))
    return;
  if (c.x == 0 && c.y == 0 && c.w == fg->low_width && c.h == fg->low_height)
    return;
  if (c.x > 0) {
    c.x++;
    c.w--;
  }
  if (c.x + c.w < fg->low_width)
    c.w--;
  if (c.y > 0) {
    c.y++;
    c.h--;
  }
  if (c.y + c.h < fg->low_height)
    c.h--;
  if (c.w < 4 || c.h < 4)
    return;
  r->valid_x = (gint) ceil (c.x * f);
  r->valid_y = (gint) ceil (c.y * g);
  r->valid_w = (gint) floor ((c.x + c.w) * f) - r->valid_x;
  r->valid_h = (gint) floor ((c.y + c.h) * g) - r->valid_y;
}

/* Mean luma of @s's low-resolution frames spread over the stream, at the
 * full-resolution pixels of @s outside rectangle @keep but inside
 * rectangle @frame (@frame in @s's full-resolution pixels). -1 when no
 * pixel is there. */
static gdouble
mean_outside (const VkStreamSummary * s, const GstVideoRectangle * frame,
    const GstVideoRectangle * keep)
{
  gdouble kx, ky, sum = 0;
  guint64 n = 0;
  guint k, n_frames = MIN (8, s->n_frames);
  gint x, y;

  vk_low_factors (s, &kx, &ky);
  for (k = 0; k < n_frames; k++) {
    VkLuma l = vk_low_frame (s, (2 * k + 1) * s->n_frames / (2 * n_frames));

    for (y = 0; y < l.height; y++) {
      /* the full-resolution centre of the low-resolution pixel */
      gdouble fy = (y + 0.5) / ky;

      if (fy < frame->y || fy >= frame->y + frame->h)
        continue;
      for (x = 0; x < l.width; x++) {
        gdouble fx = (x + 0.5) / kx;

        if (fx < frame->x || fx >= frame->x + frame->w)
          continue;
        if (fx >= keep->x && fx < keep->x + keep->w && fy >= keep->y
            && fy < keep->y + keep->h)
          continue;
        sum += l.data[(gsize) y * l.stride + x];
        n++;
      }
    }
  }
  return n ? sum / n : -1.0;
}

/* match-region=auto: the fg's black bars are left out of the comparison
 * only when the bg under them is not as dark (bars the fg added); bars the
 * bg shows too are content and are compared. Needs the position. */
static void
auto_region (const VkStreamSummary * bg, const VkStreamSummary * fg,
    VkAlignResult * r)
{
  GstVideoRectangle ff = { 0, 0, fg->width, fg->height };
  GstVideoRectangle fk = { r->valid_x, r->valid_y, r->valid_w, r->valid_h };
  GstVideoRectangle bf, bk;
  gdouble fg_bars, bg_bars;

  if (r->valid_w == fg->width && r->valid_h == fg->height)
    return;                     /* no bars */
  bf.x = (gint) floor (r->x + 0.5);
  bf.y = (gint) floor (r->y + 0.5);
  bf.w = (gint) floor (fg->width * r->scale + 0.5);
  bf.h = (gint) floor (fg->height * r->scale + 0.5);
  bk.x = (gint) floor (r->x + r->valid_x * r->scale + 0.5);
  bk.y = (gint) floor (r->y + r->valid_y * r->scale + 0.5);
  bk.w = (gint) floor (r->valid_w * r->scale + 0.5);
  bk.h = (gint) floor (r->valid_h * r->scale + 0.5);
  fg_bars = mean_outside (fg, &ff, &fk);
  bg_bars = mean_outside (bg, &bf, &bk);
  if (bg_bars >= 0 && fg_bars >= 0 && bg_bars <= fg_bars + AUTO_BAR_LUMA) {
    r->valid_x = r->valid_y = 0;
    r->valid_w = fg->width;
    r->valid_h = fg->height;
  }
}

/* Fingerprints of the fg rectangle in every bg frame, and of every fg frame
 * brought to the same resolution first. */
static void
region_fingerprints (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkAlignResult * r, VkFingerprint * bgfp, VkFingerprint * fgfp)
{
  gdouble kbx, kby, kfx, kfy, rx, ry, rw, rh;
  gint tw, th;
  gfloat *tmpf;
  guint8 *tmp;
  guint i;
  gint k;

  /* the compared part of the fg, in the bg's low resolution */
  vk_low_factors (bg, &kbx, &kby);
  vk_low_factors (fg, &kfx, &kfy);
  rx = (r->x + r->valid_x * r->scale) * kbx;
  ry = (r->y + r->valid_y * r->scale) * kby;
  rw = r->valid_w * r->scale * kbx;
  rh = r->valid_h * r->scale * kby;

  for (i = 0; i < bg->n_frames; i++) {
    VkLuma l = vk_low_frame (bg, i);

    vk_fingerprint_from_luma (&bgfp[i], l.data, l.stride, l.width, l.height,
        rx, ry, rw, rh);
  }

  tw = MAX (4, (gint) floor (rw + 0.5));
  th = MAX (4, (gint) floor (rh + 0.5));
  tmpf = g_new (gfloat, tw * th);
  tmp = g_new (guint8, tw * th);
  for (i = 0; i < fg->n_frames; i++) {
    VkLuma l = vk_low_frame (fg, i);

    vk_luma_resample (l.data, l.stride, l.width, l.height, r->valid_x * kfx,
        r->valid_y * kfy, r->valid_w * kfx, r->valid_h * kfy, tmpf, tw, th);
    for (k = 0; k < tw * th; k++)
      tmp[k] = (guint8) CLAMP (floorf (tmpf[k] + 0.5f), 0, 255);
    vk_fingerprint_from_luma (&fgfp[i], tmp, tw, tw, th, 0, 0, tw, th);
  }
  g_free (tmpf);
  g_free (tmp);
}

typedef struct
{
  const VkFingerprint *bgfp, *fgfp;
  gfloat scale;                 /* typical cost of a one-frame error */
  guint base;                   /* fg frame of the DP's first row */
} CostData;

/* the thumbnail distance in units of the typical one-frame error, so that
 * the smoothness weight means the same whatever the content */
static gfloat
thumb_cost (guint fg, guint bg, gpointer user_data)
{
  CostData *d = user_data;

  return vk_thumb_distance (&d->fgfp[d->base + fg], &d->bgfp[bg]) / d->scale;
}

/* the match cost of fg frames [@from, @to) with their bg frames in the
 * map of @r */
static void
map_costs (VkAlignResult * r, const VkFingerprint * bgfp,
    const VkFingerprint * fgfp, guint from, guint to)
{
  guint i;

  for (i = from; i < to; i++)
    r->cost[i] = vk_thumb_distance (&fgfp[i], &bgfp[r->map[i]]);
}

/* The best bg frame of sampled fg frames, weighted by how much better it
 * is than the best one a few frames away, and a robust line through them. */
static gboolean
coarse_line (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkFingerprint * bgfp, const VkFingerprint * fgfp,
    VkAlignResult * r, gfloat * cost_scale, GError ** error)
{
  guint n = MIN (LINE_SAMPLES, fg->n_frames), k, j, n_pts = 0, n_gaps = 0;
  VkMatchPoint *pts = g_new (VkMatchPoint, n);
  gfloat *gaps = g_new (gfloat, n);
  gboolean *at_end = g_new (gboolean, n);
  guint n_inner = 0;
  gdouble tolerance, nominal;
  gboolean ok;

  for (k = 0; k < n; k++) {
    guint i = (guint) ((guint64) k * fg->n_frames / n);
    gfloat best = G_MAXFLOAT, second = G_MAXFLOAT;
    guint best_j = 0;

    if (fgfp[i].stddev < VK_FLAT_EPSILON)
      continue;
    for (j = 0; j < bg->n_frames; j++) {
      gfloat d = vk_thumb_distance (&fgfp[i], &bgfp[j]);

      if (d < best) {
        best = d;
        best_j = j;
      }
    }
    /* the best outside the immediate neighbourhood */
    for (j = 0; j < bg->n_frames; j++) {
      if (j + 3 > best_j && j < best_j + 3)
        continue;
      second = MIN (second, vk_thumb_distance (&fgfp[i], &bgfp[j]));
    }
    if (second == G_MAXFLOAT)
      second = 1.0f;
    /* how much worse the neighbouring bg frames are */
    if (best_j > 0 && best_j + 1 < bg->n_frames) {
      gfloat g = MIN (vk_thumb_distance (&fgfp[i], &bgfp[best_j - 1]),
          vk_thumb_distance (&fgfp[i], &bgfp[best_j + 1])) - best;

      if (g > 0)
        gaps[n_gaps++] = g;
    }
    pts[n_pts].fg = i;
    pts[n_pts].bg = best_j;
    /* how distinct the match is, scaled down when even the best bg frame
     * is nearly as far as the others (a fg frame the bg does not show) */
    pts[n_pts].weight = MAX (0.0, second - best) * MAX (0.0, 1.0 - best /
        MAX (second, 1e-6f)) + 1e-3;
    at_end[n_pts] = best_j == 0 || best_j + 1 == bg->n_frames;
    n_inner += !at_end[n_pts];
    n_pts++;
  }
  /* A match on the bg's first or last frame only says that the fg frame is
   * at or beyond that end: a bg cut short matches the fg frames past its
   * end there, and these points would pull the line towards the end. They
   * count only when there are too few others. */
  if (n_inner >= 2)
    for (k = 0; k < n_pts; k++)
      if (at_end[k])
        pts[k].weight = 0.0;

  /* inliers may stray from the line by speed changes: allow a quarter of a
   * second */
  tolerance = MAX (2.0, 0.25 * bg->fps);
  ok = vk_fit_line_robust (pts, n_pts, 4.0, tolerance, &r->offset, &r->rate,
      &r->inlier_fraction);
  nominal = fg->fps > 0 ? bg->fps / fg->fps : 1.0;
  if (!ok && fg->n_frames == 1 && n_pts == 1) {
    /* one fg frame (a still: vidkompy align): the line goes through its
     * best bg frame (the band around offset 0 missed a frame found later
     * in the bg) */
    r->offset = pts[0].bg;
    r->rate = nominal;
    r->inlier_fraction = 1.0;
  } else if (!ok) {
    /* no motion to match on: assume both start together */
    r->offset = 0;
    r->rate = nominal;
    r->inlier_fraction = 0;
  } else if (fabs (r->rate / nominal - 1.0) < VK_RATE_SNAP) {
    /* the nominal rate, unless the content says otherwise */
    r->rate = nominal;
  }
  g_free (pts);
  g_free (at_end);

  *cost_scale = 1.0f;
  if (n_gaps > 0) {
    qsort (gaps, n_gaps, sizeof (gfloat), compare_float);
    *cost_scale = MAX (gaps[n_gaps / 2], 1e-6f);
  }
  g_free (gaps);
  return TRUE;
}

/* Refines the position on the low-resolution frames of up to
 * SPATIAL_FG_SAMPLES pairs of the dense alignment, each the best-matching
 * fg frame of its part of the fg. Returns whether the position changed. */
static gboolean
refine_on_pairs (const VkStreamSummary * bg, const VkStreamSummary * fg,
    VkAlignResult * r, const VkAlignOptions * opts, const CostData * cd)
{
  VkLuma bgl[SPATIAL_FG_SAMPLES], fgl[SPATIAL_FG_SAMPLES];
  guint8 *imgs[SPATIAL_FG_SAMPLES];
  guint best[SPATIAL_FG_SAMPLES];
  gfloat best_cost[SPATIAL_FG_SAMPLES], limit = G_MAXFLOAT;
  VkSpatialParams p;
  VkPlacementEstimate guess, est;
  gdouble kbx, kby;
  guint k, n = 0, n_parts = MIN (SPATIAL_FG_SAMPLES, fg->n_frames);
  gboolean changed = FALSE;

  vk_low_factors (bg, &kbx, &kby);
  for (k = 0; k < n_parts; k++) {
    guint a = k * fg->n_frames / SPATIAL_FG_SAMPLES;
    guint b = (k + 1) * fg->n_frames / SPATIAL_FG_SAMPLES;
    guint i;

    best[k] = a;
    best_cost[k] = G_MAXFLOAT;
    for (i = a; i < b; i++) {
      gfloat c = vk_thumb_distance (&cd->fgfp[i], &cd->bgfp[r->map[i]]);

      if (cd->fgfp[i].stddev > VK_FLAT_EPSILON && c < best_cost[k]) {
        best_cost[k] = c;
        best[k] = i;
      }
    }
    limit = MIN (limit, best_cost[k]);
  }
  /* parts of the fg the bg does not show match clearly worse */
  limit = MAX (UNSHOWN_COST_FACTOR * limit, UNSHOWN_MIN_COST);
  for (k = 0; k < n_parts; k++) {
    if (best_cost[k] > limit && best_cost[k] < G_MAXFLOAT)
      continue;
    bgl[n] = vk_low_frame (bg, r->map[best[k]]);
    imgs[n] = vk_fg_at_bg_factor (bg, fg, best[k], &fgl[n]);
    n++;
  }

  vk_spatial_params_init (&p);
  p.prefer_unscaled = opts->prefer_unscaled;
  p.min_scale = MIN (1.0, (gdouble) MIN_LOW_FG_WIDTH / (fg->width * kbx));
  p.max_scale = 0;
  if (n > 0)
    vk_valid_in (fg, r, fgl[0].width, &p.fg_valid);
  guess.x = r->x * kbx;
  guess.y = r->y * kby;
  guess.scale = r->scale * (fg->width * kbx) / fgl[0].width;
  guess.score = r->spatial_score;
  if (n > 0 && vk_spatial_refine (bgl, fgl, n, &p, &guess, 2.0, &est, NULL)
      && est.score > r->spatial_score) {
    VkPlacementEstimate unscaled;

    /* a coarse scale a few percent off 1.0 is often a crop taken for a
     * zoom; the refinement only looks ±3 % around it, so try 1.0 itself */
    if (opts->prefer_unscaled && est.scale != 1.0
        && fabs (r->scale - 1.0) < VK_UNSCALED_RETRY) {
      VkSpatialParams p1 = p;

      p1.min_scale = p1.max_scale = 1.0;
      guess.scale = 1.0;
      if (vk_spatial_refine (bgl, fgl, n, &p1, &guess, 4.0, &unscaled, NULL)
          && unscaled.score >= est.score - p.unscaled_epsilon)
        est = unscaled;
    }
    r->x = est.x / kbx;
    r->y = est.y / kby;
    r->scale = est.scale * fgl[0].width / (fg->width * kbx);
    r->spatial_score = est.score;
    changed = TRUE;
  }
  for (k = 0; k < n; k++)
    g_free (imgs[k]);
  return changed;
}

/**
 * vk_alignment_compute:
 * @bg: summary of the bg stream
 * @fg: summary of the fg stream
 * @opts: options
 * @result: (out): the alignment; free with vk_align_result_clear()
 * @error: a #GError or %NULL
 *
 * Returns: %FALSE with @error set when no alignment can be found.
 */
gboolean
vk_alignment_compute (const VkStreamSummary * bg, const VkStreamSummary * fg,
    const VkAlignOptions * opts, VkAlignResult * result, GError ** error)
{
  VkFingerprint *bgfp = NULL, *fgfp = NULL;
  gint *lo = NULL, *hi = NULL;
  VkDpParams dp;
  CostData cd;
  gboolean ok = FALSE, moving = FALSE, exact = TRUE, timed = FALSE;
  gdouble timed_offset = 0, timed_rate = 1;
  guint i, pass;

  memset (result, 0, sizeof (*result));
  if (bg->n_frames == 0 || fg->n_frames == 0) {
    g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_INVALID,
        "no %s frames to align", bg->n_frames == 0 ? "background" :
        "foreground");
    return FALSE;
  }

  find_valid_region (fg, opts, result);
  if (opts->match_region == VK_MATCH_REGION_FULL) {
    result->x = result->y = 0;
    result->scale = (gdouble) bg->width / fg->width;
    result->spatial_score = 1.0;
  } else if (opts->fixed_position) {
    result->x = opts->x;
    result->y = opts->y;
    result->scale = opts->scale > 0 ? opts->scale : 1.0;
    result->spatial_score = 1.0;
  } else if (!vk_al_coarse_spatial (bg, fg, opts, result, &moving, &exact,
          error)) {
    return FALSE;
  }
  if (opts->match_region == VK_MATCH_REGION_AUTO)
    auto_region (bg, fg, result);

  bgfp = g_new (VkFingerprint, bg->n_frames);
  fgfp = g_new (VkFingerprint, fg->n_frames);
  lo = g_new (gint, fg->n_frames);
  hi = g_new (gint, fg->n_frames);
  result->n_fg = fg->n_frames;
  result->map = g_new (guint, fg->n_frames);
  result->cost = g_new (gfloat, fg->n_frames);
  cd.bgfp = bgfp;
  cd.fgfp = fgfp;
  cd.base = 0;

  for (pass = 0; pass < 2; pass++) {
    region_fingerprints (bg, fg, result, bgfp, fgfp);
    coarse_line (bg, fg, bgfp, fgfp, result, &cd.scale, error);
    if (timed) {
      /* the line found with the place (the coarse one strays in rate
       * where the place is a fraction of a pixel off on moving content) */
      result->offset = timed_offset;
      result->rate = timed_rate;
    }
    if (pass == 0 && opts->on_estimate)
      opts->on_estimate (result, opts->user_data);
    if (opts->estimate_only) {
      ok = TRUE;
      goto done;
    }

    vk_band_from_line (fg->n_frames, bg->n_frames, result->offset,
        result->rate, opts->window, lo, hi);
    dp.smoothness = opts->smoothness;
    dp.max_jump = vk_dp_max_jump (result->rate);
    if (!vk_dp_align (fg->n_frames, bg->n_frames, lo, hi, result->offset,
            result->rate, &dp, thumb_cost, &cd, result->map, NULL, error))
      goto done;

    /* unless a still camera showed every sample exactly: the place and
     * the line found with it may be a few dozen frames off together on
     * moving content; the line whose pairs all match under one place
     * wins (a place that moves says the content moves), and the
     * alignment is redone there */
    if (pass == 0 && !exact && vk_joint_time_refine (bg, fg,
            opts->prefer_unscaled, result)) {
      moving = timed = TRUE;
      timed_offset = result->offset;
      timed_rate = result->rate;
      continue;
    }
    /* with the frame pairs now known, the position is refined on pairs
     * from all over the fg, then the fingerprints and the alignment are
     * redone on that better region */
    if (pass > 0 || opts->fixed_position
        || opts->match_region == VK_MATCH_REGION_FULL
        || !refine_on_pairs (bg, fg, result, opts, &cd))
      break;
  }

  map_costs (result, bgfp, fgfp, 0, fg->n_frames);
  /* the fg frames the bg does not show are on its first or last frame, not
   * on whatever the DP found closest */
  vk_align_covered (result, bg->n_frames, &result->covered_start,
      &result->covered_end);
  if (result->covered_end > result->covered_start
      && result->covered_end - result->covered_start < fg->n_frames) {
    guint s0 = result->covered_start, n = result->covered_end - s0;

    /* the frames the bg does not show would pull the path at the ends of
     * the part it shows (through the smoothness term): that part is
     * aligned again on its own */
    cd.base = s0;
    if (vk_dp_align (n, bg->n_frames, lo + s0, hi + s0,
            result->offset + result->rate * s0, result->rate, &dp, thumb_cost,
            &cd, result->map + s0, NULL, NULL))
      map_costs (result, bgfp, fgfp, s0, s0 + n);
    cd.base = 0;
  }
  for (i = 0; i < result->covered_start; i++)
    result->map[i] = 0;
  for (i = result->covered_end; i < fg->n_frames; i++)
    result->map[i] = bg->n_frames - 1;
  map_costs (result, bgfp, fgfp, 0, result->covered_start);
  map_costs (result, bgfp, fgfp, result->covered_end, fg->n_frames);
  /* how well the frames the bg shows match */
  result->confidence = vk_align_match (result, result->covered_start,
      result->covered_end);
  /* moving content: which bg frame shows a fg frame's moment is decided
   * with its place on full frames (the caller's refinement) */
  if (moving)
    result->moment = vk_moment_check_new (bg, fg, result, VK_MOMENT_RADIUS);
  ok = TRUE;

done:
  if (!ok)
    vk_align_result_clear (result);
  g_free (lo);
  g_free (hi);
  g_free (bgfp);
  g_free (fgfp);
  return ok;
}
