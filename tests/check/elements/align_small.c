/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The search of a fg small at the bg's low resolution
 * (vk_spatial_search_small (), vk_small_fg_detail ()), without a pipeline:
 * a text-like page (vk-scene's, as align-bench --world's scroll pairs) as
 * the aligner keeps it, 64 pixels wide; the fg a 320x180 region of the
 * 640x360 bg downscaled to 106x60, which is 11x6 pixels at the bg's
 * factor (the world bench's scroll-33: found at a wrong place before). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vkspatial.h"
#include "vkjoint.h"
#include "vkfingerprint.h"
#include "vk-scene.h"

#define BG_W 640
#define BG_H 360
#define FG_X 80
#define FG_Y 60
#define FG_RW 320
#define FG_RH 180
#define FG_W 106
#define FG_H 60
/* the page scrolls: bg frames are windows of it this far apart */
#define PAGE_H (4 * BG_H)
#define SCROLL_STEP 100

typedef struct
{
  guint8 *page;                 /* PAGE_H rows of BG_W */
  /* one frame: full resolution, and the aligner's low copies */
  guint8 bg[BG_W * BG_H], fg[FG_W * FG_H];
  guint8 *bg_low, *fg_low;
  gint blw, blh, flw, flh;
} Page;

static void
page_init (Page * p)
{
  p->page = g_malloc ((gsize) BG_W * PAGE_H);
  vk_scene_text_page (p->page, BG_W, BG_W, PAGE_H, 7);
  vk_low_size (BG_W, BG_H, &p->blw, &p->blh);
  vk_low_size (FG_W, FG_H, &p->flw, &p->flh);
  p->bg_low = g_malloc ((gsize) p->blw * p->blh);
  p->fg_low = g_malloc ((gsize) p->flw * p->flh);
}

static void
page_clear (Page * p)
{
  g_free (p->page);
  g_free (p->bg_low);
  g_free (p->fg_low);
}

/* the bg frame showing the page from row @top, and its fg: the region
 * downscaled (area means), both as the aligner keeps them */
static void
page_frame (Page * p, gint top)
{
  memcpy (p->bg, p->page + (gsize) top * BG_W, sizeof (p->bg));
  vk_luma_resample_u8 (p->bg + FG_Y * BG_W + FG_X, BG_W, FG_RW, FG_RH,
      p->fg, FG_W, FG_H);
  vk_luma_resample_u8 (p->bg, BG_W, BG_W, BG_H, p->bg_low, p->blw, p->blh);
  vk_luma_resample_u8 (p->fg, FG_W, FG_W, FG_H, p->fg_low, p->flw, p->flh);
}

static VkStreamSummary
summary (gint w, gint h, gint lw, gint lh, const guint8 * low)
{
  VkStreamSummary s = { w, h, lw, lh, 30.0, 1, low };

  return s;
}

static VkLuma
luma_of (guint8 * data, gint w, gint h)
{
  VkLuma l = { data, w, w, h };

  return l;
}

GST_START_TEST (test_small_detail)
{
  Page p;
  VkStreamSummary bg, fg, big;
  guint8 low[64 * 36];

  page_init (&p);
  bg = summary (BG_W, BG_H, p.blw, p.blh, low);
  /* 106x60 pixels of a 640x360 bg are 10.6x6 at the bg's 64x36: small;
   * its own copy is 64x36, 6.04 times wider and 6 times taller: 6 */
  fg = summary (FG_W, FG_H, p.flw, p.flh, low);
  assert_equals_int (p.flw, 64);
  assert_equals_int (p.flh, 36);
  fail_unless (fabs (vk_small_fg_detail (&bg, &fg) - 6.0) < 1e-9,
      "detail %f", vk_small_fg_detail (&bg, &fg));
  /* the region unscaled is 32 pixels there: not small */
  big = summary (FG_RW, FG_RH, 64, 36, low);
  assert_equals_float (vk_small_fg_detail (&bg, &big), 0.0);
  /* nor is 1920x870 in a 1920x1080 bg (the 1080p60 speed pair) */
  bg = summary (1920, 1080, 64, 36, low);
  big = summary (1920, 870, 64, 29, low);
  assert_equals_float (vk_small_fg_detail (&bg, &big), 0.0);
  /* a small fg whose own copy has no more detail (a bg as small as its
   * low-resolution copy) */
  bg = summary (64, 36, 64, 36, low);
  big = summary (12, 6, 12, 6, low);
  assert_equals_float (vk_small_fg_detail (&bg, &big), 0.0);
  page_clear (&p);
}

GST_END_TEST;

/* the fg at the bg's factor (11x6) and with its detail (its own 64x36) */
static void
small_images (Page * p, guint8 * small, gint * sw, gint * sh,
    VkLuma * fl, VkLuma * fd, gdouble * detail)
{
  *sw = (gint) floor (FG_W * (gdouble) p->blw / BG_W + 0.5);
  *sh = (gint) floor (FG_H * (gdouble) p->blh / BG_H + 0.5);
  vk_luma_resample_u8 (p->fg_low, p->flw, p->flw, p->flh, small, *sw, *sh);
  *fl = luma_of (small, *sw, *sh);
  *fd = luma_of (p->fg_low, p->flw, p->flh);
  *detail = (gdouble) p->flw / *sw;
}

/* the truth in the bg's low-resolution pixels, per @fl's pixel */
static void
check_found (const gchar * what, gint top, const VkPlacementEstimate * e,
    const VkLuma * fl, gdouble tol_px)
{
  gdouble k = 64.0 / BG_W, truth_scale = FG_RW * k / fl->width;

  GST_INFO ("%s, page row %d: %.2f,%.2f scale %.4f (truth %.2f,%.2f "
      "%.4f) score %.4f", what, top, e->x, e->y, e->scale, FG_X * k,
      FG_Y * k, truth_scale, e->score);
  fail_unless (fabs (e->x - FG_X * k) <= tol_px
      && fabs (e->y - FG_Y * k) <= tol_px, "%s at row %d: %.2f,%.2f, not "
      "%.2f,%.2f", what, top, e->x, e->y, FG_X * k, FG_Y * k);
  fail_unless (fabs (e->scale / truth_scale - 1.0) < 0.03,
      "%s at row %d: scale %.4f, not %.4f", what, top, e->scale, truth_scale);
}

/* at several places of the page: the small search finds the fg within a
 * quarter of a low-resolution pixel (2.5 bg pixels, which the refinement
 * on full frames makes exact) and its scale within 3 %, and scores it
 * nearly perfectly; the plain search with the 11x6 fg alone does not (it
 * finds a wrong place of the text: what the bench's scroll-33 did) */
GST_START_TEST (test_small_search)
{
  Page p;
  guint8 small[16 * 16];
  gint sw, sh, top, misses = 0, n = 0;
  VkLuma bl, fl, fd;
  VkSpatialParams prm;
  VkPlacementEstimate e;
  gdouble detail;

  page_init (&p);
  vk_spatial_params_init (&prm);
  prm.min_scale = 8.0 / 10.6;   /* the aligner's: 8 pixels wide at least */
  for (top = 0; top + BG_H <= PAGE_H; top += SCROLL_STEP, n++) {
    page_frame (&p, top);
    small_images (&p, small, &sw, &sh, &fl, &fd, &detail);
    bl = luma_of (p.bg_low, p.blw, p.blh);
    fail_unless (vk_spatial_search_small (&bl, &fl, &fd, detail, 1, &prm,
            &e, NULL));
    check_found ("small search", top, &e, &fl, 0.25);
    fail_unless (e.score > 0.95, "score %f", e.score);
    /* without the detail: vk_spatial_search () */
    fail_unless (vk_spatial_search_small (&bl, &fl, NULL, 0, 1, &prm, &e,
            NULL));
    if (fabs (e.x - FG_X * 0.1) > 1.0 || fabs (e.y - FG_Y * 0.1) > 1.0)
      misses++;
  }
  GST_INFO ("the plain search missed %d of %d", misses, n);
  fail_unless (misses * 2 > n, "the plain search missed only %d of %d",
      misses, n);
  page_clear (&p);
}

GST_END_TEST;

/* several pairs jointly, and a scale fixed by the caller (min = max) */
GST_START_TEST (test_small_pairs)
{
  Page p;
  guint8 small[3][16 * 16], bgs[3][64 * 36], fgs[3][64 * 36];
  VkLuma bl[3], fl[3], fd[3];
  VkSpatialParams prm;
  VkPlacementEstimate e;
  gdouble detail = 0;
  gint sw, sh, k;

  page_init (&p);
  for (k = 0; k < 3; k++) {
    page_frame (&p, 150 + 333 * k);
    memcpy (bgs[k], p.bg_low, (gsize) p.blw * p.blh);
    memcpy (fgs[k], p.fg_low, (gsize) p.flw * p.flh);
    small_images (&p, small[k], &sw, &sh, &fl[k], &fd[k], &detail);
    fd[k].data = fgs[k];
    bl[k] = luma_of (bgs[k], p.blw, p.blh);
  }
  vk_spatial_params_init (&prm);
  prm.min_scale = 8.0 / 10.6;
  fail_unless (vk_spatial_search_small (bl, fl, fd, detail, 3, &prm, &e, NULL));
  check_found ("3 pairs", 150, &e, &fl[0], 0.25);
  /* the scale told */
  prm.min_scale = prm.max_scale = FG_RW * 0.1 / sw;
  fail_unless (vk_spatial_search_small (bl, fl, fd, detail, 3, &prm, &e, NULL));
  check_found ("scale told", 150, &e, &fl[0], 0.25);
  fail_unless (fabs (e.scale - prm.min_scale) < 1e-9, "scale %f", e.scale);
  page_clear (&p);
}

GST_END_TEST;

/* a fg small in the bg at scale 1 (a 106x60 crop, not scaled) keeps scale
 * 1 and its integer place with prefer_unscaled: the detailed lane only
 * looks above the small template's scales */
GST_START_TEST (test_small_unscaled)
{
  guint8 *page = g_malloc (BG_W * BG_H), bgl[64 * 36], fgl[11 * 6];
  guint8 crop[110 * 60], fd[64 * 35];
  VkLuma bl = luma_of (bgl, 64, 36), fl = luma_of (fgl, 11, 6);
  VkLuma fdl = luma_of (fd, 64, 35);
  VkSpatialParams prm;
  VkPlacementEstimate e;
  gint y;

  vk_scene_text_page (page, BG_W, BG_W, BG_H, 11);
  vk_luma_resample_u8 (page, BG_W, BG_W, BG_H, bgl, 64, 36);
  /* a 110x60 crop at (230,150): 11x6 at (23,15) at the bg's factor; its
   * own low copy 64x35 */
  for (y = 0; y < 60; y++)
    memcpy (crop + y * 110, page + (gsize) (150 + y) * BG_W + 230, 110);
  vk_luma_resample_u8 (crop, 110, 110, 60, fgl, 11, 6);
  vk_luma_resample_u8 (crop, 110, 110, 60, fd, 64, 35);
  vk_spatial_params_init (&prm);
  prm.min_scale = 8.0 / 11;
  fail_unless (vk_spatial_search_small (&bl, &fl, &fdl, 64.0 / 11, 1, &prm,
          &e, NULL));
  GST_INFO ("unscaled small fg: %.2f,%.2f scale %.4f score %.4f", e.x, e.y,
      e.scale, e.score);
  assert_equals_float (e.scale, 1.0);
  assert_equals_float (e.x, 23.0);
  assert_equals_float (e.y, 15.0);
  g_free (page);
}

GST_END_TEST;

static Suite *
align_small_suite (void)
{
  Suite *s = suite_create ("align_small");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_small_detail);
  tcase_add_test (tc, test_small_search);
  tcase_add_test (tc, test_small_pairs);
  tcase_add_test (tc, test_small_unscaled);
  return s;
}

GST_CHECK_MAIN (align_small);
