/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The spatial search (vkspatial.c) on a bg with heavy grain and a clean,
 * unscaled fg: at a fractional position every fg pixel is compared with a
 * mean of several bg pixels, a denoised bg, which correlates better than
 * the true integer position; prefer_unscaled must still give scale 1 at
 * the exact position (align-bench --world's grain pair: 79,60 x1.0004 for
 * the truth 80,60 before). Without a pipeline. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vkspatial.h"

#define BG_W 320
#define BG_H 180
#define FG_X 41
#define FG_Y 27
#define FG_W 160
#define FG_H 90
#define GRAIN 24

/* a photo-like texture: smooth shapes and some finer detail */
static gdouble
texture (gdouble x, gdouble y)
{
  return 128 + 45 * sin (0.071 * x + 0.043 * y) + 30 * sin (0.029 * x
      - 0.083 * y + 1.0) + 18 * sin (0.23 * x + 0.19 * y + 2.0)
      + 10 * sin (0.41 * x - 0.37 * y + 0.5);
}

static void
render (guint8 * out, gint w, gint h, gint x0, gint y0, gint grain,
    GRand * rand)
{
  gint x, y;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++) {
      gdouble v = texture (x0 + x, y0 + y);

      if (grain > 0)
        v += g_rand_int_range (rand, -grain, grain + 1);
      out[y * w + x] = (guint8) CLAMP (floor (v + 0.5), 0, 255);
    }
}

GST_START_TEST (test_grain_unscaled)
{
  guint8 *bg = g_malloc (BG_W * BG_H), *fg = g_malloc (FG_W * FG_H);
  VkLuma bl = { bg, BG_W, BG_W, BG_H }, fl = { fg, FG_W, FG_W, FG_H };
  GRand *rand = g_rand_new_with_seed (11);
  VkSpatialParams p;
  VkPlacementEstimate est, guess = { FG_X + 1, FG_Y - 1, 1.0, 0 };
  guint seed;

  render (fg, FG_W, FG_H, FG_X, FG_Y, 0, NULL);
  for (seed = 0; seed < 4; seed++) {
    g_rand_set_seed (rand, seed);
    render (bg, BG_W, BG_H, 0, 0, GRAIN, rand);

    /* the whole search, and the refinement with upscaled fgs allowed (as
     * the element refines on full frames) */
    vk_spatial_params_init (&p);
    fail_unless (vk_spatial_search (&bl, &fl, 1, &p, &est, NULL));
    fail_unless (est.scale == 1.0 && est.x == FG_X && est.y == FG_Y,
        "seed %u: search %.3f,%.3f x%.5f", seed, est.x, est.y, est.scale);
    p.min_scale = 0.01;
    fail_unless (vk_spatial_refine (&bl, &fl, 1, &p, &guess, 8.0, &est, NULL));
    fail_unless (est.scale == 1.0 && est.x == FG_X && est.y == FG_Y,
        "seed %u: refine %.3f,%.3f x%.5f", seed, est.x, est.y, est.scale);
    /* the score of the area means: comparable with a fractional place's */
    fail_unless (est.score > 0.9, "seed %u: score %f", seed, est.score);
  }
  g_rand_free (rand);
  g_free (bg);
  g_free (fg);
}

GST_END_TEST;

static Suite *
align_grain_suite (void)
{
  Suite *s = suite_create ("align_grain");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_grain_unscaled);
  return s;
}

GST_CHECK_MAIN (align_grain);
