/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Temporal alignment, see vktemporal.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vktemporal.h"

GQuark
vk_temporal_error_quark (void)
{
  return g_quark_from_static_string ("vk-temporal-error-quark");
}

/* ---------------------------------------------------------------------- */
/* Robust line fit */

/* random line hypotheses (pairs of points) tried by RANSAC */
#define FIT_ITERATIONS 512
/* with at most this many points every pair is tried instead */
#define FIT_EXHAUSTIVE_MAX 48
/* fixed seed: equal inputs give equal lines */
#define FIT_SEED 0x766b6669
/* least-squares refits on the inliers of the previous fit */
#define FIT_REFINE_MAX 20

static gboolean
rate_ok (gdouble rate, gdouble max_ratio)
{
  if (!isfinite (rate) || rate <= 0.0)
    return FALSE;
  if (max_ratio > 0.0 && (rate > max_ratio || rate < 1.0 / max_ratio))
    return FALSE;
  return TRUE;
}

/* MSAC: sum of w * min (r², t²) over all points, lower is better */
static gdouble
msac_score (const VkMatchPoint * p, guint m, gdouble off, gdouble rate,
    gdouble t2)
{
  gdouble s = 0.0;
  guint i;

  for (i = 0; i < m; i++) {
    gdouble r = p[i].bg - (off + rate * p[i].fg);

    s += p[i].weight * MIN (r * r, t2);
  }
  return s;
}

/* weighted least squares on the points within @tol of the line (off,
 * rate); FALSE when they do not determine a line */
static gboolean
fit_inliers (const VkMatchPoint * p, guint m, gdouble off, gdouble rate,
    gdouble tol, gdouble * off_out, gdouble * rate_out, gdouble * w_in)
{
  gdouble sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, mx, my;
  guint i;

  for (i = 0; i < m; i++) {
    if (fabs (p[i].bg - (off + rate * p[i].fg)) <= tol) {
      sw += p[i].weight;
      sx += p[i].weight * p[i].fg;
      sy += p[i].weight * p[i].bg;
    }
  }
  *w_in = sw;
  if (!(sw > 0.0))
    return FALSE;
  mx = sx / sw;
  my = sy / sw;
  for (i = 0; i < m; i++) {
    if (fabs (p[i].bg - (off + rate * p[i].fg)) <= tol) {
      gdouble dx = p[i].fg - mx;

      sxx += p[i].weight * dx * dx;
      sxy += p[i].weight * dx * (p[i].bg - my);
    }
  }
  /* all inliers at (nearly) the same fg frame */
  if (!(sxx > 1e-12 * sw))
    return FALSE;
  *rate_out = sxy / sxx;
  *off_out = my - *rate_out * mx;
  return TRUE;
}

/**
 * vk_fit_line_robust:
 * @pts: candidate matches
 * @n: number of @pts
 * @max_rate_ratio: lines with a rate outside [1 / max_rate_ratio,
 *   max_rate_ratio] are rejected (e.g. 4: the bg runs at most four times
 *   faster or slower than the fg); <= 0: any rate > 0
 * @tolerance: largest |bg − (offset + rate · fg)| of an inlier, in bg
 *   frames (e.g. 2)
 * @offset: (out): bg frame at fg frame 0
 * @rate: (out): bg frames per fg frame, > 0
 * @inlier_fraction: (out) (optional): weight of the inliers of the result
 *   over the weight of all points with weight > 0
 *
 * Fits bg ≈ offset + rate · fg robustly: RANSAC over pairs of points
 * (every pair for up to 48 points, otherwise 512 pairs from a fixed-seed
 * generator, preferring pairs at least 1/16 of the fg span apart) with the
 * MSAC score Σ w · min (r², tolerance²), followed by weighted least-squares
 * refits on the inliers until they stop changing. The result is
 * deterministic. It copes with well over 50 % outliers as long as the
 * outliers do not line up on another line with more weight than the
 * inliers. Cost: O(n · 512).
 *
 * Returns: FALSE (outputs untouched) when fewer than two points with
 * distinct fg values have weight > 0, or no line within the rate limits
 * has two inliers with distinct fg values.
 */
gboolean
vk_fit_line_robust (const VkMatchPoint * pts, guint n,
    gdouble max_rate_ratio, gdouble tolerance, gdouble * offset,
    gdouble * rate, gdouble * inlier_fraction)
{
  VkMatchPoint *p;
  GRand *rand;
  guint m = 0, i, j, it;
  gdouble fg_min = G_MAXDOUBLE, fg_max = -G_MAXDOUBLE, w_all = 0.0;
  gdouble t2, min_sep, best_score = G_MAXDOUBLE, best_off = 0.0;
  gdouble best_rate = 0.0, off, r, w_in = 0.0;
  gboolean found = FALSE;

  g_return_val_if_fail (pts != NULL || n == 0, FALSE);
  g_return_val_if_fail (offset != NULL && rate != NULL, FALSE);

  if (max_rate_ratio > 0.0 && max_rate_ratio < 1.0)
    max_rate_ratio = 1.0 / max_rate_ratio;
  if (!(tolerance > 0.0) || n < 2)
    return FALSE;

  p = g_new (VkMatchPoint, n);
  for (i = 0; i < n; i++) {
    if (pts[i].weight > 0.0 && isfinite (pts[i].weight)
        && isfinite (pts[i].fg) && isfinite (pts[i].bg)) {
      p[m++] = pts[i];
      fg_min = MIN (fg_min, pts[i].fg);
      fg_max = MAX (fg_max, pts[i].fg);
      w_all += pts[i].weight;
    }
  }
  if (m < 2 || !(fg_max > fg_min)) {
    g_free (p);
    return FALSE;
  }

  t2 = tolerance * tolerance;
  min_sep = (fg_max - fg_min) / 16.0;
  rand = g_rand_new_with_seed (FIT_SEED);

  for (it = 0;; it++) {
    gdouble s;

    if (m <= FIT_EXHAUSTIVE_MAX) {
      /* pair number it, in the order (0,1), (0,2), .., (1,2), .. */
      guint k = it;

      for (i = 0; i < m - 1 && k >= m - 1 - i; i++)
        k -= m - 1 - i;
      if (i >= m - 1)
        break;
      j = i + 1 + k;
    } else {
      guint tries;

      if (it >= FIT_ITERATIONS)
        break;
      i = j = 0;
      for (tries = 0; tries < 16; tries++) {
        i = (guint) g_rand_int_range (rand, 0, (gint32) m);
        j = (guint) g_rand_int_range (rand, 0, (gint32) m);
        if (fabs (p[i].fg - p[j].fg) >= min_sep)
          break;
      }
    }
    if (p[i].fg == p[j].fg)
      continue;

    r = (p[j].bg - p[i].bg) / (p[j].fg - p[i].fg);
    if (!rate_ok (r, max_rate_ratio))
      continue;
    off = p[i].bg - r * p[i].fg;
    s = msac_score (p, m, off, r, t2);
    if (s < best_score) {
      best_score = s;
      best_off = off;
      best_rate = r;
      found = TRUE;
    }
  }
  g_rand_free (rand);

  if (!found) {
    g_free (p);
    return FALSE;
  }

  for (it = 0; it < FIT_REFINE_MAX; it++) {
    gdouble o2, r2, w;

    if (!fit_inliers (p, m, best_off, best_rate, tolerance, &o2, &r2, &w)
        || !rate_ok (r2, max_rate_ratio))
      break;
    if (o2 == best_off && r2 == best_rate)
      break;
    best_off = o2;
    best_rate = r2;
  }

  /* the final inliers must determine a line themselves */
  if (!fit_inliers (p, m, best_off, best_rate, tolerance, &off, &r, &w_in)) {
    g_free (p);
    return FALSE;
  }
  g_free (p);

  *offset = best_off;
  *rate = best_rate;
  if (inlier_fraction)
    *inlier_fraction = w_in / w_all;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Bands */

/**
 * vk_line_frame:
 *
 * Returns: floor (offset + rate · fg + 0.5), the rounded line, clamped to
 * ±2^52.
 */
gint64
vk_line_frame (gdouble offset, gdouble rate, guint fg)
{
  gdouble v = floor (offset + rate * fg + 0.5);
  const gdouble lim = 4503599627370496.0;

  if (!(v > -lim))
    return (gint64) - lim;
  if (v > lim)
    return (gint64) lim;
  return (gint64) v;
}

/**
 * vk_band_from_line:
 * @n_fg: rows
 * @n_bg: bg frames, > 0
 * @offset: the line, see vk_line_frame ()
 * @rate: the line's slope, >= 0
 * @half_width: >= 0
 * @lo: (out): @n_fg first bg frames of the bands
 * @hi: (out): @n_fg last bg frames of the bands (inclusive)
 *
 * lo[i] = c − half_width, hi[i] = c + half_width with c = vk_line_frame
 * (offset, rate, i), both clamped to [0, n_bg − 1]. Guarantees:
 *
 *  - 0 <= lo[i] <= hi[i] <= n_bg − 1 (no band is empty; a line outside
 *    the bg pins the band to frame 0 or n_bg − 1);
 *  - lo and hi never decrease;
 *  - lo[i] − lo[i−1] <= ceil (rate) and hi[i] − hi[i−1] <= ceil (rate).
 *
 * Hence, with max_jump >= ceil (rate), every cell of every band lies on a
 * valid vk_dp_align () path (from j in band i, some j' in band i+1 has
 * j <= j' <= j + max_jump, and likewise backwards), so the DP cannot fail
 * for lack of a path.
 */
void
vk_band_from_line (guint n_fg, guint n_bg, gdouble offset, gdouble rate,
    gint half_width, gint * lo, gint * hi)
{
  guint i;

  g_return_if_fail (n_fg == 0 || (lo != NULL && hi != NULL));
  g_return_if_fail (n_bg > 0 && n_bg <= G_MAXINT);
  g_return_if_fail (rate >= 0.0 && isfinite (rate) && isfinite (offset));
  g_return_if_fail (half_width >= 0);

  for (i = 0; i < n_fg; i++) {
    gint64 c = vk_line_frame (offset, rate, i);

    lo[i] = (gint) CLAMP (c - half_width, 0, (gint64) n_bg - 1);
    hi[i] = (gint) CLAMP (c + half_width, 0, (gint64) n_bg - 1);
  }
}

/* ---------------------------------------------------------------------- */
/* Banded monotonic DP */

/* relative tolerance under which two path costs count as equal, so that
 * rounding differences do not decide between equally good paths */
#define TIE_EPS 1e-9

/* expected step of row i >= 1: the step of the rounded line */
static gint64
line_step (gdouble offset, gdouble rate, guint i)
{
  return vk_line_frame (offset, rate, i) - vk_line_frame (offset, rate, i - 1);
}

/* a clearly below b; anything finite is below +INFINITY */
static gboolean
clearly_less (gdouble a, gdouble b)
{
  if (!(b < INFINITY))
    return a < INFINITY;
  return a < b - TIE_EPS * (1.0 + fabs (b));
}

/**
 * vk_dp_step_order:
 * @e: the expected step
 * @max_jump: the largest step, <= VK_DP_MAX_JUMP
 * @order: (out): max_jump + 1 steps
 *
 * The order in which the steps 0..max_jump are tried: by distance to the
 * expected step e, the smaller step first on equal distance; on (near)
 * ties the first step tried wins.
 */
void
vk_dp_step_order (gint64 e, guint max_jump, guint8 * order)
{
  gint64 ec = CLAMP (e, -1, (gint64) max_jump + 1);
  guint n = 0;
  gint64 d, k;

  for (d = 0; n <= max_jump; d++) {
    k = ec - d;
    if (k >= 0 && k <= max_jump)
      order[n++] = (guint8) k;
    k = ec + d;
    if (d > 0 && k >= 0 && k <= max_jump)
      order[n++] = (guint8) k;
  }
}

/**
 * vk_dp_max_jump:
 * @rate: bg frames per fg frame
 *
 * The largest step of the DP's path for @rate, both DPs (vk_dp_align (),
 * vkonline.c): twice the rate and two frames more, so that a bg frame a
 * frame or two off on either side of the line stays reachable.
 *
 * Returns: VkDpParams.max_jump for @rate
 */
guint
vk_dp_max_jump (gdouble rate)
{
  return MIN (VK_DP_MAX_JUMP, (guint) ceil (rate * 2.0) + 2);
}

/**
 * vk_dp_row:
 * @params: smoothness and largest step
 * @restart: the cost of a restart (a forward jump of any size, from the
 *   cheapest cell of the previous row at or before the frame); +INFINITY:
 *   none
 * @e: the expected step of this row (the step of the rounded line)
 * @prev: (nullable): the previous row's path costs, or %NULL for the first
 *   row (every cell starts a path)
 * @plo: first bg frame of @prev's band
 * @phi: last bg frame of @prev's band (inclusive)
 * @lo: first bg frame of this row's band
 * @hi: last bg frame of this row's band (inclusive), >= @lo
 * @cost: @hi − @lo + 1 matching costs (+INFINITY: the cell is forbidden)
 * @acc: (out): @hi − @lo + 1 path costs, less the returned minimum
 *   (+INFINITY: unreachable)
 * @back: (out): @hi − @lo + 1 steps from the previous row's frame
 *   (0 .. max_jump), VK_DP_BACK_NONE where unreachable (or on a restart)
 * @from: (out) (nullable): @hi − @lo + 1 previous frames of a restart,
 *   VK_DP_NO_RESTART elsewhere; may be %NULL when @restart is +INFINITY
 *
 * One row of the banded monotonic DP, the one recurrence of both modes:
 * vk_dp_align () runs it over the whole fg, the streaming mode's online
 * DP (vkonline.c) over the rows of its lag:
 *
 *   acc (j) = cost (j) + min ( min_{0<=k<=max_jump} prev (j−k)
 *                                  + λ · |k − e|,
 *                              min_{j' <= j} prev (j') + restart ).
 *
 * Ties go to the step nearest @e, then the smaller step, then a step
 * before a restart.
 *
 * Returns: the minimum subtracted from @acc, +INFINITY when no cell is
 * reachable.
 */
gdouble
vk_dp_row (const VkDpParams * params, gdouble restart, gint64 e,
    const gdouble * prev, guint plo, guint phi, guint lo, guint hi,
    const gfloat * cost, gdouble * acc, guint8 * back, guint * from)
{
  guint8 order[VK_DP_MAX_JUMP + 1];
  gdouble pen[VK_DP_MAX_JUMP + 1];
  gdouble rmin = INFINITY, pmin = INFINITY;
  guint max_jump = params->max_jump, k, n = hi - lo + 1;
  gint64 pm_j = -1, next_p = plo, j;

  vk_dp_step_order (e, max_jump, order);
  for (k = 0; k <= max_jump; k++)
    pen[k] = params->smoothness * fabs ((gdouble) k - (gdouble) e);

  for (j = lo; j <= hi; j++) {
    gdouble best = prev ? INFINITY : 0.0, v;
    guint8 bk = prev ? VK_DP_BACK_NONE : 0;
    guint bf = VK_DP_NO_RESTART;

    if (prev) {
      for (k = 0; k <= max_jump; k++) {
        gint64 p = j - order[k];

        if (p < plo || p > phi)
          continue;
        v = prev[p - plo] + pen[order[k]];
        if (clearly_less (v, best)) {
          best = v;
          bk = order[k];
        }
      }
      if (restart < INFINITY) {
        /* the cheapest cell of the previous row at or before j */
        for (; next_p <= j && next_p <= phi; next_p++) {
          if (clearly_less (prev[next_p - plo], pmin)) {
            pmin = prev[next_p - plo];
            pm_j = next_p;
          }
        }
        if (pm_j >= 0 && clearly_less (pmin + restart, best)) {
          best = pmin + restart;
          bk = VK_DP_BACK_NONE;
          bf = (guint) pm_j;
        }
      }
    }
    v = best + (isnan (cost[j - lo]) ? INFINITY : cost[j - lo]);
    if (!(v < INFINITY)) {
      v = INFINITY;
      bk = VK_DP_BACK_NONE;
      bf = VK_DP_NO_RESTART;
    }
    acc[j - lo] = v;
    back[j - lo] = bk;
    if (from)
      from[j - lo] = bf;
    rmin = MIN (rmin, v);
  }
  /* keep the numbers small */
  if (rmin < INFINITY)
    for (k = 0; k < n; k++)
      acc[k] -= rmin;
  return rmin;
}

/**
 * vk_dp_row_end:
 * @acc: a row's path costs
 * @lo: its first bg frame
 * @hi: its last bg frame (inclusive)
 * @target: the rounded line's frame of the row
 *
 * Where the best path through the rows so far ends: the cheapest cell, on
 * (near) ties the one nearest @target, then the smaller frame.
 *
 * Returns: the bg frame, -1 when no cell is reachable.
 */
gint64
vk_dp_row_end (const gdouble * acc, guint lo, guint hi, gint64 target)
{
  gdouble best = INFINITY;
  gint64 j, jbest = -1;

  for (j = lo; j <= hi; j++) {
    gdouble v = acc[j - lo];

    if (!(v < INFINITY))
      continue;
    if (jbest < 0 || clearly_less (v, best) || (!clearly_less (best, v)
            && ABS (j - target) < ABS (jbest - target))) {
      best = v;
      jbest = j;
    }
  }
  return jbest;
}

static gdouble
sanitize_cost (gfloat c)
{
  return isnan (c) ? INFINITY : (gdouble) c;
}

/**
 * vk_dp_align:
 * @n_fg: fg frames (rows), > 0
 * @n_bg: bg frames, > 0
 * @lo: @n_fg first bg frames allowed per row
 * @hi: @n_fg last bg frames allowed per row (inclusive); bands are clipped
 *   to [0, n_bg − 1] first
 * @offset: the line the smoothness term refers to (e.g. from
 *   vk_fit_line_robust ())
 * @rate: its slope
 * @params: smoothness and largest step
 * @cost: the matching cost
 * @user_data: for @cost
 * @path: (out): @n_fg bg frames, path[i] the one for fg frame i
 * @total_cost: (out) (optional): the minimum found
 * @error: a #GError, or %NULL
 *
 * Finds j[0..n_fg−1] with lo[i] <= j[i] <= hi[i] and
 * 0 <= j[i] − j[i−1] <= max_jump minimising
 *
 *   Σ_i cost (i, j[i]) + λ · Σ_{i>=1} |(j[i] − j[i−1]) − e[i]|,
 *
 * where e[i] = L(i) − L(i−1) is the step of the rounded line
 * L(i) = vk_line_frame (offset, rate, i). The start and the end are free
 * (any frame of the first and last band). This is the streaming mode's
 * online DP (vkonline.c) with the whole fg as its look-ahead and no
 * restarts: both run vk_dp_row () row by row and end with vk_dp_row_end ().
 *
 * The smoothness term is the total variation of j − L: any path parallel
 * to the rounded line costs nothing, so where costs tie (static scenes,
 * frozen content) the path stays exactly parallel to the rounded line
 * instead of jittering. (A penalty |step − rate| with the fractional rate
 * would not do that: for rate 0.8, steps of 1 cost 0.2 λ each but the
 * rounded line's pattern 1,1,1,1,0 costs 0.32 λ per step, so static scenes
 * would drift.) Remaining exact ties are broken deterministically:
 * towards the step e[i] and then the smaller step; at the end towards
 * L(n_fg−1) and then the smaller frame.
 *
 * Time O(Σ band width · (max_jump + 1)), one @cost call per cell; memory
 * Σ band width bytes of back pointers (the step of each cell) plus 8 bytes
 * per row plus two rows of doubles and one of floats.
 *
 * Returns: FALSE and sets @error (@path untouched) for empty arguments, a
 * max_jump above VK_DP_MAX_JUMP, a negative or non-finite smoothness, a
 * band that is empty within [0, n_bg), a row that no path can reach (its
 * band would need a backward step or one above max_jump from the previous
 * one, or all reachable costs are infinite) or when memory runs out.
 */
gboolean
vk_dp_align (guint n_fg, guint n_bg, const gint * lo, const gint * hi,
    gdouble offset, gdouble rate, const VkDpParams * params,
    VkCostFunc cost, gpointer user_data, guint * path, gdouble * total_cost,
    GError ** error)
{
  gsize *row_start = NULL;
  guint8 *back = NULL;
  gdouble *prev = NULL, *cur = NULL, *tmp;
  gfloat *row_cost = NULL;
  gdouble base = 0.0, rmin;
  guint i, width_max = 0;
  gint64 plo = 0, phi = 0, rlo, rhi, j;
  gboolean ok = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_fg == 0 || n_bg == 0 || n_bg > G_MAXINT || lo == NULL || hi == NULL
      || params == NULL || cost == NULL || path == NULL) {
    g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_INVALID,
        "invalid arguments (n_fg %u, n_bg %u, or a NULL pointer)", n_fg, n_bg);
    return FALSE;
  }
  if (params->max_jump > VK_DP_MAX_JUMP) {
    g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_INVALID,
        "max_jump %u is above the limit %u", params->max_jump, VK_DP_MAX_JUMP);
    return FALSE;
  }
  if (!(params->smoothness >= 0.0) || !isfinite (params->smoothness)
      || !isfinite (offset) || !isfinite (rate)) {
    g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_INVALID,
        "smoothness %g must be finite and >= 0, line (%g, %g) finite",
        params->smoothness, offset, rate);
    return FALSE;
  }

  /* clip the bands and lay out the back pointers row by row */
  row_start = g_try_new (gsize, (gsize) n_fg + 1);
  if (row_start == NULL)
    goto no_memory;
  row_start[0] = 0;
  for (i = 0; i < n_fg; i++) {
    rlo = MAX (lo[i], 0);
    rhi = MIN ((gint64) hi[i], (gint64) n_bg - 1);
    if (rlo > rhi) {
      g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_EMPTY_BAND,
          "fg frame %u: band [%d, %d] is empty within the %u bg frames",
          i, lo[i], hi[i], n_bg);
      goto out;
    }
    width_max = MAX (width_max, (guint) (rhi - rlo + 1));
    row_start[i + 1] = row_start[i] + (gsize) (rhi - rlo + 1);
  }

  back = g_try_malloc (row_start[n_fg]);
  prev = g_try_new (gdouble, width_max);
  cur = g_try_new (gdouble, width_max);
  row_cost = g_try_new (gfloat, width_max);
  if (back == NULL || prev == NULL || cur == NULL || row_cost == NULL)
    goto no_memory;

  for (i = 0; i < n_fg; i++) {
    rlo = MAX (lo[i], 0);
    rhi = MIN ((gint64) hi[i], (gint64) n_bg - 1);
    for (j = rlo; j <= rhi; j++)
      row_cost[j - rlo] = sanitize_cost (cost (i, (guint) j, user_data));
    rmin = vk_dp_row (params, INFINITY, i > 0 ? line_step (offset, rate,
            i) : 0, i > 0 ? prev : NULL, (guint) plo, (guint) phi,
        (guint) rlo, (guint) rhi, row_cost, cur, back + row_start[i], NULL);

    if (!(rmin < INFINITY)) {
      if (i == 0)
        g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_UNREACHABLE,
            "fg frame 0: every cost in the band [%" G_GINT64_FORMAT ", %"
            G_GINT64_FORMAT "] is infinite", rlo, rhi);
      else
        g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_UNREACHABLE,
            "fg frame %u: no frame of the band [%" G_GINT64_FORMAT ", %"
            G_GINT64_FORMAT "] is reachable from the band [%" G_GINT64_FORMAT
            ", %" G_GINT64_FORMAT "] of fg frame %u with steps 0..%u "
            "(or all their costs are infinite)", i, rlo, rhi, plo, phi,
            i - 1, params->max_jump);
      goto out;
    }
    base += rmin;

    tmp = prev;
    prev = cur;
    cur = tmp;
    plo = rlo;
    phi = rhi;
  }

  /* free end */
  j = vk_dp_row_end (prev, (guint) plo, (guint) phi,
      vk_line_frame (offset, rate, n_fg - 1));
  if (total_cost)
    *total_cost = base + prev[j - plo];
  for (i = n_fg - 1;; i--) {
    path[i] = (guint) j;
    if (i == 0)
      break;
    rlo = MAX (lo[i], 0);
    j -= back[row_start[i] + (gsize) (j - rlo)];
  }
  ok = TRUE;
  goto out;

no_memory:
  g_set_error (error, VK_TEMPORAL_ERROR, VK_TEMPORAL_ERROR_NO_MEMORY,
      "out of memory for %u x %u frames", n_fg, width_max);
out:
  g_free (row_start);
  g_free (back);
  g_free (prev);
  g_free (cur);
  g_free (row_cost);
  return ok;
}

/**
 * vk_dp_path_cost:
 *
 * Returns: the vk_dp_align () objective of @path (which the caller may
 * have changed or built otherwise): Σ cost + λ · Σ |step − e[i]|, or
 * +INFINITY when the path leaves [0, n_bg), steps backwards or jumps more
 * than max_jump.
 */
gdouble
vk_dp_path_cost (guint n_fg, guint n_bg, const guint * path,
    gdouble offset, gdouble rate, const VkDpParams * params,
    VkCostFunc cost, gpointer user_data)
{
  gdouble sum = 0.0;
  guint i;

  g_return_val_if_fail (path != NULL || n_fg == 0, INFINITY);
  g_return_val_if_fail (params != NULL && cost != NULL, INFINITY);

  for (i = 0; i < n_fg; i++) {
    if (path[i] >= n_bg)
      return INFINITY;
    if (i > 0) {
      gint64 step = (gint64) path[i] - path[i - 1];

      if (step < 0 || step > params->max_jump)
        return INFINITY;
      sum += params->smoothness * fabs ((gdouble) (step - line_step (offset,
                  rate, i)));
    }
    sum += sanitize_cost (cost (i, path[i], user_data));
  }
  return sum;
}
