/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of vidkompyalign's temporal alignment (vktemporal.c), without
 * a pipeline: the robust line fit with outliers, the band helper's
 * guarantees, and the whole chain on a small synthetic video pair. (The
 * fingerprints: align_fingerprint.c; the DP: align_dp.c.) */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/check/gstcheck.h>

#include "vkalignment.h"
#include "vkfingerprint.h"
#include "vktemporal.h"
#include "vk-synth.h"

/* ---------------------------------------------------------------------- */
/* Robust line fit */

/* returns the weight fraction of the points on the line */
static gdouble
make_matches (VkMatchPoint * pts, guint n, gdouble offset, gdouble rate,
    gdouble outliers, GRand * rand)
{
  gdouble fg_span = 2000.0, bg_max = offset + rate * fg_span;
  gdouble w_in = 0.0, w_all = 0.0;
  guint i;

  for (i = 0; i < n; i++) {
    pts[i].fg = floor (g_rand_double_range (rand, 0, fg_span));
    pts[i].weight = g_rand_double_range (rand, 0.5, 1.0);
    if (g_rand_double (rand) < outliers) {
      pts[i].bg = floor (g_rand_double_range (rand, -100, bg_max + 100));
    } else {
      /* a truth with floor rounding, off by one now and then */
      pts[i].bg = floor (offset + 0.5 + rate * pts[i].fg);
      if (g_rand_int_range (rand, 0, 10) == 0)
        pts[i].bg += g_rand_boolean (rand) ? 1 : -1;
      w_in += pts[i].weight;
    }
    w_all += pts[i].weight;
  }
  return w_in / w_all;
}

GST_START_TEST (test_line_fit_outliers)
{
  static const gdouble rates[] = { 1.0, 0.8, 2.4, 0.5, 2.5, 1.001 };
  static const gdouble offsets[] = { 37.0, -120.4, 12.3, 500.7, 3.0, 0.0 };
  static const gdouble outliers[] = { 0.0, 0.4, 0.5, 0.6 };
  /* up to 48 points every pair is tried, more are sampled */
  static const guint counts[] = { 48, 400 };
  GRand *rand = g_rand_new_with_seed (3);
  VkMatchPoint pts[400];
  guint r, o, c;

  for (r = 0; r < G_N_ELEMENTS (rates); r++) {
    for (o = 0; o < G_N_ELEMENTS (outliers); o++) {
      for (c = 0; c < G_N_ELEMENTS (counts); c++) {
        gdouble off, rate, frac, true_frac;

        true_frac = make_matches (pts, counts[c], offsets[r], rates[r],
            outliers[o], rand);
        fail_unless (vk_fit_line_robust (pts, counts[c], 4.0, 2.0, &off,
                &rate, &frac));
        GST_INFO ("rate %g offset %g, %u points, %.0f%% outliers: rate %f "
            "offset %f inliers %.2f", rates[r], offsets[r], counts[c],
            100 * outliers[o], rate, off, frac);
        fail_unless (fabs (rate / rates[r] - 1) < 0.005 &&
            fabs (off - offsets[r]) < 0.5,
            "rate %g offset %g, %u points, %.0f%% outliers: got rate %f "
            "offset %f", rates[r], offsets[r], counts[c], 100 * outliers[o],
            rate, off);
        /* outliers that happen to fall near the line count as inliers */
        fail_unless (frac >= true_frac - 1e-9 && frac < true_frac + 0.05,
            "inlier fraction %f, true %f", frac, true_frac);
      }
    }
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_line_fit_degenerate)
{
  VkMatchPoint pts[10];
  gdouble off = -1, rate = -1, frac = -1;
  guint i;

  fail_if (vk_fit_line_robust (NULL, 0, 4.0, 2.0, &off, &rate, &frac));
  pts[0] = (VkMatchPoint) {
  1, 2, 1};
  fail_if (vk_fit_line_robust (pts, 1, 4.0, 2.0, &off, &rate, &frac));

  /* all at the same fg frame */
  for (i = 0; i < 10; i++)
    pts[i] = (VkMatchPoint) {
    5, i, 1};
  fail_if (vk_fit_line_robust (pts, 10, 4.0, 2.0, &off, &rate, &frac));

  /* all weights 0 */
  for (i = 0; i < 10; i++)
    pts[i] = (VkMatchPoint) {
    i, 2 * i, 0};
  fail_if (vk_fit_line_robust (pts, 10, 4.0, 2.0, &off, &rate, &frac));

  /* a rate of 10 is outside the ratio 4 (and 1/4) */
  for (i = 0; i < 10; i++)
    pts[i] = (VkMatchPoint) {
    i, 10 * i, 1};
  fail_if (vk_fit_line_robust (pts, 10, 4.0, 2.0, &off, &rate, &frac));
  fail_unless (vk_fit_line_robust (pts, 10, 0.0, 2.0, &off, &rate, &frac));
  fail_unless (fabs (rate - 10) < 1e-9 && fabs (off) < 1e-9 && frac == 1.0);
  /* going backwards is never a rate */
  for (i = 0; i < 10; i++)
    pts[i] = (VkMatchPoint) {
    i, 100 - 2.0 * i, 1};
  fail_if (vk_fit_line_robust (pts, 10, 0.0, 2.0, &off, &rate, &frac));

  /* outputs untouched on failure */
  fail_unless (off == 0 && rate == 10 && frac == 1.0);

  /* two points are enough */
  pts[0] = (VkMatchPoint) {
  0, 5, 1};
  pts[1] = (VkMatchPoint) {
  10, 13, 1};
  fail_unless (vk_fit_line_robust (pts, 2, 4.0, 2.0, &off, &rate, NULL));
  fail_unless (fabs (rate - 0.8) < 1e-12 && fabs (off - 5) < 1e-12);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Bands */

GST_START_TEST (test_band_from_line)
{
  GRand *rand = g_rand_new_with_seed (21);
  gint lo[500], hi[500];
  guint t, i;

  for (t = 0; t < 400; t++) {
    guint n_fg = g_rand_int_range (rand, 1, 500);
    guint n_bg = g_rand_int_range (rand, 1, 800);
    gdouble rate = t % 10 == 0 ? 0.0 : g_rand_double_range (rand, 0.1, 5);
    gdouble off = g_rand_double_range (rand, -300, 900);
    gint hw = g_rand_int_range (rand, 0, 70);
    gint step = (gint) ceil (rate);

    vk_band_from_line (n_fg, n_bg, off, rate, hw, lo, hi);
    for (i = 0; i < n_fg; i++) {
      fail_unless (lo[i] >= 0 && lo[i] <= hi[i] && hi[i] < (gint) n_bg);
      if (i > 0) {
        fail_unless (lo[i] >= lo[i - 1] && hi[i] >= hi[i - 1]);
        fail_unless (lo[i] - lo[i - 1] <= step && hi[i] - hi[i - 1] <= step,
            "rate %f: steps %d %d", rate, lo[i] - lo[i - 1], hi[i] - hi[i - 1]);
      }
      if (vk_line_frame (off, rate, i) - hw >= 0 &&
          vk_line_frame (off, rate, i) + hw < n_bg) {
        fail_unless_equals_int64 (lo[i], vk_line_frame (off, rate, i) - hw);
        fail_unless_equals_int64 (hi[i], vk_line_frame (off, rate, i) + hw);
      }
    }
  }
  fail_unless_equals_int64 (vk_line_frame (0.5, 0.0, 3), 1);
  fail_unless_equals_int64 (vk_line_frame (-0.5, 0.0, 3), 0);
  fail_unless_equals_int64 (vk_line_frame (-0.6, 0.0, 3), -1);
  fail_unless_equals_int64 (vk_line_frame (0.0, 0.8, 5), 4);
  fail_unless_equals_int64 (vk_line_frame (0.0, 0.8, 3), 2);
  g_rand_free (rand);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* The whole chain on a small synthetic pair */

typedef struct
{
  const VkFingerprint *fg, *bg;
  gfloat scale;
} FpCost;

/* the thumbnail distance in units of the typical gap between the right
 * bg frame and its neighbours */
static gfloat
fp_cost (guint fg, guint bg, gpointer user_data)
{
  const FpCost *c = user_data;

  return vk_thumb_distance (&c->fg[fg], &c->bg[bg]) / c->scale;
}

/* bg: 160x120 at 24 fps, whose content stands still for bg frames
 * [100, 130); fg: the 2x-downscaled crop (31, 17, 96, 72) at 30 fps
 * (rate 0.8) from bg frame 7.4, with ±3 levels of noise. Candidate
 * matches from pHash nearest neighbours, the line fit, the band and the
 * DP with the normalised thumbnail distance as cost (divided by the
 * median gap between a candidate's cost and its neighbours' costs) and
 * λ = 0.2 recover every frame. */
#define CHAIN_BG 300
#define CHAIN_FG 330
/* in units of the normalised cost */
#ifndef CHAIN_LAMBDA
#define CHAIN_LAMBDA 0.2
#endif

static int
compare_doubles (const void *a, const void *b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static gdouble
chain_content_time (guint j)
{
  if (j < 100)
    return j;
  if (j < 130)
    return 100;
  return j - 30.0;
}

/* vk_align_covered (): the fg frames a bg that starts late or ends early
 * shows, from the line and the match costs */
GST_START_TEST (test_covered)
{
  const guint n = 20, n_bg = 10;
  gfloat cost[20];
  VkAlignResult r = { 0 };
  guint s, e, i;

  r.n_fg = n;
  r.cost = cost;
  r.rate = 1.0;

  /* the bg shows fg frames 5..14 (bg = fg - 5): frames outside match
   * badly, those inside well */
  r.offset = -5.0;
  for (i = 0; i < n; i++)
    cost[i] = (i >= 5 && i < 15) ? 0.001f : 0.3f;
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, 5);
  fail_unless_equals_int (e, 15);
  /* vk_align_match (): the mean of 1 - cost over a range, 0 when empty */
  fail_unless (fabs (vk_align_match (&r, s, e) - 0.999) < 1e-6);
  fail_unless (fabs (vk_align_match (&r, 0, n) - (10 * 0.999 + 10 * 0.7) /
          20) < 1e-6);
  fail_unless_equals_float (vk_align_match (&r, 7, 7), 0.0);

  /* the line a frame off at both ends, the costs tell: frames 4 and 15
   * match well (a speed change), so they are shown */
  cost[4] = cost[15] = 0.002f;
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, 4);
  fail_unless_equals_int (e, 16);

  /* a static scene: every frame matches, every frame is shown */
  for (i = 0; i < n; i++)
    cost[i] = 0.001f;
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, 0);
  fail_unless_equals_int (e, n);

  /* encoding noise: matches at 0.01, the limit is 4 times that */
  for (i = 0; i < n; i++)
    cost[i] = (i >= 5 && i < 15) ? 0.01f : (i == 3 ? 0.039f : 0.05f);
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, 5);
  fail_unless_equals_int (e, 15);

  /* no cost (an alignment file without them): the line alone */
  r.cost = NULL;
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, 5);
  fail_unless_equals_int (e, 15);

  /* the line entirely outside: nothing is shown */
  r.cost = cost;
  r.offset = 30.0;
  vk_align_covered (&r, n_bg, &s, &e);
  fail_unless_equals_int (s, e);
}

GST_END_TEST;

GST_START_TEST (test_chain_synthetic)
{
  const gint bw = 160, bh = 120, cx = 31, cy = 17, cw = 96, ch = 72;
  const gdouble true_off = 7.4, true_rate = 0.8;
  VkFingerprint *fbg = g_new (VkFingerprint, CHAIN_BG);
  VkFingerprint *ffg = g_new (VkFingerprint, CHAIN_FG);
  guint8 *frame = g_malloc (bw * bh), *small = g_malloc (cw / 2 * ch / 2);
  VkMatchPoint pts[CHAIN_FG];
  gint truth[CHAIN_FG], lo[CHAIN_FG], hi[CHAIN_FG];
  guint path[CHAIN_FG], i, j, n_exact = 0;
  VkDpParams params = { CHAIN_LAMBDA, 4 };
  FpCost fc = { ffg, fbg, 1.0f };
  gdouble gaps[CHAIN_FG / 2];
  guint n_gaps = 0;
  gdouble off, rate, frac, total;
  gint x, y;

  for (j = 0; j < CHAIN_BG; j++) {
    vk_synth_render (frame, bw, bh, chain_content_time (j) * 0.5, 0.0, 0);
    vk_fingerprint_from_luma (&fbg[j], frame, bw, bw, bh, cx, cy, cw, ch);
  }
  for (i = 0; i < CHAIN_FG; i++) {
    truth[i] = (gint) floor (true_off + true_rate * i);
    vk_synth_render (frame, bw, bh, chain_content_time (truth[i]) * 0.5, 0.0,
        0);
    for (y = 0; y < ch / 2; y++) {
      for (x = 0; x < cw / 2; x++) {
        const guint8 *p = frame + (cy + 2 * y) * bw + cx + 2 * x;

        small[y * cw / 2 + x] =
            vk_synth_clamp ((p[0] + p[1] + p[bw] + p[bw + 1])
            / 4.0 + 3 * (2 * vk_synth_noise (x + 100 * y, i, 8) - 1));
      }
    }
    vk_fingerprint_from_luma (&ffg[i], small, cw / 2, cw / 2, ch / 2, 0, 0,
        cw / 2, ch / 2);
  }

  /* candidates: the nearest bg frame by pHash (then thumb) for every 2nd
   * fg frame */
  for (i = 0; i < CHAIN_FG / 2; i++) {
    guint best = 0, best_d = G_MAXUINT;
    gfloat best_t = 3;

    for (j = 0; j < CHAIN_BG; j++) {
      guint d = vk_phash_distance (ffg[2 * i].phash, fbg[j].phash);
      gfloat t = vk_thumb_distance (&ffg[2 * i], &fbg[j]);

      if (d < best_d || (d == best_d && t < best_t)) {
        best_d = d;
        best_t = t;
        best = j;
      }
    }
    pts[i].fg = 2 * i;
    pts[i].bg = best;
    pts[i].weight = 1.0;
    /* how much worse the neighbours of the best frame are */
    if (best > 0 && best + 1 < CHAIN_BG) {
      gdouble gap = MIN (vk_thumb_distance (&ffg[2 * i], &fbg[best - 1]),
          vk_thumb_distance (&ffg[2 * i], &fbg[best + 1])) - best_t;

      if (gap > 0)
        gaps[n_gaps++] = gap;
    }
  }
  /* cost normalisation: the median gap costs 1 */
  fail_unless (n_gaps > 10);
  qsort (gaps, n_gaps, sizeof (gdouble), compare_doubles);
  fc.scale = (gfloat) MAX (gaps[n_gaps / 2], 1e-4);
  GST_INFO ("cost scale (median gap to the neighbours) %f", fc.scale);
  fail_unless (vk_fit_line_robust (pts, CHAIN_FG / 2, 4.0, 2.0, &off, &rate,
          &frac));
  GST_INFO ("line: offset %f rate %f, %.0f%% inliers", off, rate, 100 * frac);
  fail_unless (fabs (rate - true_rate) < 0.004);

  /* for tuning λ: the cost at the truth against one frame off */
  {
    gdouble c0 = 0, c1 = 0;
    guint n = 0;

    for (i = 0; i < CHAIN_FG; i++) {
      if (truth[i] < 1 || truth[i] + 1 >= CHAIN_BG || (truth[i] >= 99
              && truth[i] <= 130))
        continue;
      c0 += fp_cost (i, truth[i], &fc);
      c1 += 0.5 * (fp_cost (i, truth[i] - 1, &fc) + fp_cost (i, truth[i] + 1,
              &fc));
      n++;
    }
    GST_INFO ("mean cost at the truth %f, one frame off %f", c0 / n, c1 / n);
  }

  vk_band_from_line (CHAIN_FG, CHAIN_BG, off, rate, 30, lo, hi);
  fail_unless (vk_dp_align (CHAIN_FG, CHAIN_BG, lo, hi, off, rate, &params,
          fp_cost, &fc, path, &total, NULL));
  vk_check_dp_path ("chain", CHAIN_FG, CHAIN_BG, lo, hi, path, off, rate,
      &params, fp_cost, &fc, total);
  for (i = 0; i < CHAIN_FG; i++) {
    /* in the static stretch any frame of it is right */
    if (truth[i] >= 100 && truth[i] < 130 && path[i] >= 100 && path[i] < 130)
      n_exact++;
    else if ((gint) path[i] == truth[i])
      n_exact++;
    else
      GST_ERROR ("row %u: %u, truth %d", i, path[i], truth[i]);
  }
  fail_unless_equals_int (n_exact, CHAIN_FG);
  /* and without jitter there */
  for (i = 1; i < CHAIN_FG; i++) {
    if (truth[i] > 100 && truth[i] < 129)
      fail_unless_equals_int64 ((gint64) path[i] - path[i - 1],
          vk_line_frame (off, rate, i) - vk_line_frame (off, rate, i - 1));
  }

  g_free (fbg);
  g_free (ffg);
  g_free (frame);
  g_free (small);
}

GST_END_TEST;

static Suite *
align_temporal_suite (void)
{
  Suite *s = suite_create ("align_temporal");
  TCase *tc;

  tc = tcase_create ("line");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_line_fit_outliers);
  tcase_add_test (tc, test_line_fit_degenerate);
  tcase_add_test (tc, test_band_from_line);

  tc = tcase_create ("chain");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_chain_synthetic);
  tcase_add_test (tc, test_covered);

  return s;
}

GST_CHECK_MAIN (align_temporal);
