/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of vidkompycomposite's pure functions (vkblend_dep), without a
 * pipeline: the ORC and C blend kernels, the feather weight, the automatic
 * edge choice, the mask tables and the banded frame blend. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "vkblend.h"
#include "vkmask.h"

/* ---------------------------------------------------------------------- */
/* Kernels */

#define MAX_LEN 300
#define GUARD 16
#define MAX_OFFSET 3

static void
fill_random (guint8 * data, gsize n, GRand * rand)
{
  gsize i;

  for (i = 0; i < n; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
}

static guint8
expected_lerp (guint fg, guint bg, guint w)
{
  guint num = fg * w + bg * (255 - w);

  /* round (num / 255): num / 255 is never exactly k + 0.5 */
  return (guint8) ((2 * num + 255) / 510);
}

/* the two outputs of one kernel call, with guard bytes after them */
typedef struct
{
  guint8 orc[4 * MAX_LEN + GUARD + MAX_OFFSET];
  guint8 c[4 * MAX_LEN + GUARD + MAX_OFFSET];
} KernelOut;

static void
check_kernel_out (const KernelOut * out, guint off, const guint8 * fg,
    const guint8 * bg, const guint8 * w, guint bytes_per_weight,
    gboolean const_w, guint cw, gint n_bytes, const gchar * kernel)
{
  gint b;

  for (b = 0; b < n_bytes; b++) {
    guint wb = const_w ? cw : w[b / bytes_per_weight];
    guint8 e = expected_lerp (fg[b], bg[b], wb);

    if (out->orc[off + b] != out->c[off + b])
      fail ("%s, %d bytes, offset %u: byte %d: orc %u, c %u "
          "(fg %u bg %u w %u)", kernel, n_bytes, off, b, out->orc[off + b],
          out->c[off + b], fg[b], bg[b], wb);
    if (out->c[off + b] != e)
      fail ("%s, %d bytes, offset %u: byte %d: got %u, expected %u "
          "(fg %u bg %u w %u)", kernel, n_bytes, off, b, out->c[off + b], e,
          fg[b], bg[b], wb);
  }
  for (b = 0; b < GUARD; b++) {
    if (out->orc[off + n_bytes + b] != 0xa5
        || out->c[off + n_bytes + b] != 0xa5)
      fail ("%s, %d bytes: wrote past the end", kernel, n_bytes);
  }
  for (b = 0; b < (gint) off; b++) {
    if (out->orc[b] != 0xa5 || out->c[b] != 0xa5)
      fail ("%s, %d bytes: wrote before the start", kernel, n_bytes);
  }
}

/* ORC and C kernels give the same bytes, and both the exactly rounded
 * lerp, for every length 0..300, at a few misalignments, with weights
 * including the extremes 0 and 255. */
GST_START_TEST (test_kernels_orc_vs_c)
{
  const VkBlendKernels *orc = &vk_blend_kernels_orc;
  const VkBlendKernels *c = &vk_blend_kernels_c;
  GRand *rand = g_rand_new_with_seed (0x6b65726e);
  guint8 fg[4 * MAX_LEN + MAX_OFFSET], bg[4 * MAX_LEN + MAX_OFFSET];
  guint8 w[MAX_LEN + MAX_OFFSET];
  KernelOut *out = g_new (KernelOut, 1);
  gint n;

  fail_unless (orc->row1 && orc->row2 && orc->row4 && orc->row_const);
  fail_unless (c->row1 && c->row2 && c->row4 && c->row_const);

  for (n = 0; n <= MAX_LEN; n++) {
    guint off = (guint) n % (MAX_OFFSET + 1);
    guint cw;
    gint i;

    fill_random (fg, sizeof (fg), rand);
    fill_random (bg, sizeof (bg), rand);
    fill_random (w, sizeof (w), rand);
    /* make sure the extreme weights occur */
    for (i = 0; i < n; i += 7)
      w[off + i] = (i / 7) % 2 ? 255 : 0;

    /* row1: one byte per weight */
    memset (out, 0xa5, sizeof (*out));
    orc->row1 (out->orc + off, fg + off, bg + off, w + off, n);
    c->row1 (out->c + off, fg + off, bg + off, w + off, n);
    check_kernel_out (out, off, fg + off, bg + off, w + off, 1, FALSE, 0, n,
        "row1");

    /* row2: two bytes per weight */
    memset (out, 0xa5, sizeof (*out));
    orc->row2 (out->orc + off, fg + off, bg + off, w + off, n);
    c->row2 (out->c + off, fg + off, bg + off, w + off, n);
    check_kernel_out (out, off, fg + off, bg + off, w + off, 2, FALSE, 0,
        2 * n, "row2");

    /* row4: four bytes per weight */
    memset (out, 0xa5, sizeof (*out));
    orc->row4 (out->orc + off, fg + off, bg + off, w + off, n);
    c->row4 (out->c + off, fg + off, bg + off, w + off, n);
    check_kernel_out (out, off, fg + off, bg + off, w + off, 4, FALSE, 0,
        4 * n, "row4");

    /* row_const, n bytes, with 0, 255 and random weights */
    for (i = 0; i < 3; i++) {
      cw = i == 0 ? 0 : i == 1 ? 255 : (guint) g_rand_int_range (rand, 0,
          256);
      memset (out, 0xa5, sizeof (*out));
      orc->row_const (out->orc + off, fg + off, bg + off, cw, n);
      c->row_const (out->c + off, fg + off, bg + off, cw, n);
      check_kernel_out (out, off, fg + off, bg + off, NULL, 1, TRUE, cw, n,
          "row_const");
    }
  }

  g_free (out);
  g_rand_free (rand);
}

GST_END_TEST;

/* every (fg, bg, w) triple through the C kernel */
GST_START_TEST (test_kernels_exhaustive)
{
  guint8 fg[256], bg[256], w[256], d_c[256], d_orc[256];
  guint f, b, i;

  for (i = 0; i < 256; i++)
    w[i] = i;
  for (f = 0; f < 256; f++) {
    memset (fg, f, sizeof (fg));
    for (b = 0; b < 256; b++) {
      memset (bg, b, sizeof (bg));
      vk_blend_kernels_c.row1 (d_c, fg, bg, w, 256);
      vk_blend_kernels_orc.row1 (d_orc, fg, bg, w, 256);
      /* plain ifs: every check assertion is a round trip to the runner */
      for (i = 0; i < 256; i++) {
        if (d_c[i] != expected_lerp (f, b, i))
          fail ("c: fg %u bg %u w %u: got %u, expected %u", f, b, i, d_c[i],
              expected_lerp (f, b, i));
        if (d_orc[i] != d_c[i])
          fail ("orc: fg %u bg %u w %u: got %u, c %u", f, b, i, d_orc[i],
              d_c[i]);
      }
    }
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Feather weight and edges */

#define assert_weight(c, len, lo, hi, border, profile, expected) \
  G_STMT_START { \
    gdouble _w = vk_feather_weight (c, len, lo, hi, border, profile); \
    fail_unless (fabs (_w - (expected)) < 1e-12, \
        "vk_feather_weight (%g, %d, %d, %d, %u, %s) = %.15g, expected %.15g", \
        (gdouble) (c), len, lo, hi, border, #profile, _w, \
        (gdouble) (expected)); \
  } G_STMT_END

GST_START_TEST (test_feather_weight)
{
  const VkBorderProfile L = VK_BORDER_PROFILE_LINEAR;
  const VkBorderProfile S = VK_BORDER_PROFILE_SMOOTH;

  /* first sample of a 4-pixel border */
  assert_weight (0.5, 100, TRUE, TRUE, 4, L, 0.125);
  assert_weight (0.5, 100, TRUE, TRUE, 4, S, 0.125 * 0.125 * 2.75);
  assert_weight (1.5, 100, TRUE, FALSE, 4, L, 0.375);
  assert_weight (2.0, 100, TRUE, FALSE, 4, S, 0.5);
  assert_weight (3.5, 100, TRUE, FALSE, 4, L, 0.875);
  /* the high edge, mirrored */
  assert_weight (99.5, 100, TRUE, TRUE, 4, L, 0.125);
  assert_weight (99.5, 100, FALSE, TRUE, 4, S, 0.125 * 0.125 * 2.75);
  assert_weight (98.0, 100, FALSE, TRUE, 4, L, 0.5);
  /* at or beyond the border: opaque */
  assert_weight (4.0, 100, TRUE, TRUE, 4, L, 1.0);
  assert_weight (4.0, 100, TRUE, TRUE, 4, S, 1.0);
  assert_weight (50.0, 100, TRUE, TRUE, 4, L, 1.0);
  assert_weight (96.0, 100, TRUE, TRUE, 4, S, 1.0);
  /* edge inactive: no feather on that side */
  assert_weight (0.5, 100, FALSE, TRUE, 4, L, 1.0);
  assert_weight (99.5, 100, TRUE, FALSE, 4, L, 1.0);
  assert_weight (0.5, 100, FALSE, FALSE, 4, S, 1.0);
  /* border 0: hard edge */
  assert_weight (0.5, 100, TRUE, TRUE, 0, L, 1.0);
  assert_weight (0.0, 100, TRUE, TRUE, 0, S, 1.0);
  /* centre and outside of the axis: clamped to [0, 1] */
  assert_weight (0.0, 100, TRUE, TRUE, 4, L, 0.0);
  assert_weight (-1.0, 100, TRUE, TRUE, 4, S, 0.0);
  assert_weight (101.0, 100, TRUE, TRUE, 4, L, 0.0);
  /* border wider than half the length: both edges, never opaque */
  assert_weight (3.0, 6, TRUE, TRUE, 4, L, 0.75);
  assert_weight (11.5, 23, TRUE, TRUE, 20, L, 11.5 / 20);
  assert_weight (1.0, 6, TRUE, TRUE, 4, L, 0.25);
  assert_weight (5.0, 6, TRUE, TRUE, 4, L, 0.25);
}

GST_END_TEST;

GST_START_TEST (test_edges_auto)
{
  const guint all = VK_EDGE_ALL;
  const guint L = VK_EDGE_LEFT, R = VK_EDGE_RIGHT, T = VK_EDGE_TOP,
      B = VK_EDGE_BOTTOM;

  /* strictly inside */
  fail_unless_equals_int (vk_edges_auto (5, 3, 23, 17, 67, 45), all);
  fail_unless_equals_int (vk_edges_auto (1, 1, 65, 43, 67, 45), all);
  /* flush with the whole output: no bg visible anywhere */
  fail_unless_equals_int (vk_edges_auto (0, 0, 67, 45, 67, 45), 0);
  /* flush with single edges */
  fail_unless_equals_int (vk_edges_auto (0, 3, 23, 17, 67, 45), all & ~L);
  fail_unless_equals_int (vk_edges_auto (44, 3, 23, 17, 67, 45), all & ~R);
  fail_unless_equals_int (vk_edges_auto (5, 0, 23, 17, 67, 45), all & ~T);
  fail_unless_equals_int (vk_edges_auto (5, 28, 23, 17, 67, 45), all & ~B);
  fail_unless_equals_int (vk_edges_auto (0, 0, 23, 17, 67, 45), R | B);
  fail_unless_equals_int (vk_edges_auto (44, 28, 23, 17, 67, 45), L | T);
  /* one pixel short of flush: feathered */
  fail_unless_equals_int (vk_edges_auto (43, 27, 23, 17, 67, 45), all);
  /* partly outside */
  fail_unless_equals_int (vk_edges_auto (-7, -5, 24, 18, 67, 45), R | B);
  fail_unless_equals_int (vk_edges_auto (60, 40, 23, 17, 67, 45), L | T);
  /* larger than the output on every side */
  fail_unless_equals_int (vk_edges_auto (-3, -2, 80, 60, 67, 45), 0);
  /* wider only */
  fail_unless_equals_int (vk_edges_auto (-3, 5, 80, 20, 67, 45), T | B);
  /* entirely outside (the definition is by position, not visibility) */
  fail_unless_equals_int (vk_edges_auto (200, 200, 23, 17, 67, 45), L | T);
  fail_unless_equals_int (vk_edges_auto (-30, 0, 23, 17, 67, 45), R | B);
  /* no overflow far out */
  fail_unless_equals_int (vk_edges_auto (G_MAXINT - 10, 0, 100, 45, 67, 45),
      L);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Mask */

static void
placement_init (VkPlacement * p, gint x, gint y, gint w, gint h,
    guint border, VkBorderProfile profile, guint edges, gdouble alpha)
{
  memset (p, 0, sizeof (*p));
  p->x = x;
  p->y = y;
  p->width = w;
  p->height = h;
  p->border = border;
  p->profile = profile;
  p->edges = edges;
  p->alpha = alpha;
}

static void
assert_table (const guint8 * table, const guint8 * expected, gint n,
    const gchar * what)
{
  gint i;

  fail_unless (table != NULL, "%s: no table", what);
  for (i = 0; i < n; i++) {
    if (table[i] != expected[i])
      fail ("%s[%d] = %u, expected %u", what, i, table[i], expected[i]);
  }
}

#define assert_range(pm, a0, a1, f0, fa0, fa1, b0, b1, g0, fb0, fb1, what) \
  G_STMT_START { \
    fail_unless ((pm)->x0 == (a0) && (pm)->x1 == (a1) && (pm)->fx0 == (f0), \
        "%s: x0 %d x1 %d fx0 %d, expected %d %d %d", what, (pm)->x0, \
        (pm)->x1, (pm)->fx0, a0, a1, f0); \
    fail_unless ((pm)->full_x0 == (fa0) && (pm)->full_x1 == (fa1), \
        "%s: full x [%d, %d), expected [%d, %d)", what, (pm)->full_x0, \
        (pm)->full_x1, fa0, fa1); \
    fail_unless ((pm)->y0 == (b0) && (pm)->y1 == (b1) && (pm)->fy0 == (g0), \
        "%s: y0 %d y1 %d fy0 %d, expected %d %d %d", what, (pm)->y0, \
        (pm)->y1, (pm)->fy0, b0, b1, g0); \
    fail_unless ((pm)->full_y0 == (fb0) && (pm)->full_y1 == (fb1), \
        "%s: full y [%d, %d), expected [%d, %d)", what, (pm)->full_y0, \
        (pm)->full_y1, fb0, fb1); \
  } G_STMT_END

GST_START_TEST (test_mask_update_changes)
{
  VkMask mask;
  VkPlacement p, q;
  GstVideoInfo i420, nv12, i420_big;

  memset (&mask, 0, sizeof (mask));
  gst_video_info_set_format (&i420, GST_VIDEO_FORMAT_I420, 32, 16);
  gst_video_info_set_format (&nv12, GST_VIDEO_FORMAT_NV12, 32, 16);
  gst_video_info_set_format (&i420_big, GST_VIDEO_FORMAT_I420, 34, 16);
  placement_init (&p, 3, 2, 7, 5, 2, VK_BORDER_PROFILE_LINEAR, VK_EDGE_ALL,
      1.0);

  fail_unless (vk_mask_update (&mask, &p, &i420), "first call");
  fail_unless (mask.valid);
  fail_if (vk_mask_update (&mask, &p, &i420), "unchanged");
  fail_if (vk_mask_update (&mask, &p, &i420), "unchanged, again");

#define CHANGE_AND_CHECK(field, value) \
  G_STMT_START { \
    q = p; \
    q.field = value; \
    fail_unless (vk_mask_update (&mask, &q, &i420), #field " changed"); \
    fail_if (vk_mask_update (&mask, &q, &i420), #field " unchanged"); \
    fail_unless (vk_mask_update (&mask, &p, &i420), #field " back"); \
    fail_if (vk_mask_update (&mask, &p, &i420), #field " back, unchanged"); \
  } G_STMT_END

  CHANGE_AND_CHECK (x, 4);
  CHANGE_AND_CHECK (y, -1);
  CHANGE_AND_CHECK (width, 8);
  CHANGE_AND_CHECK (height, 6);
  CHANGE_AND_CHECK (border, 3);
  CHANGE_AND_CHECK (profile, VK_BORDER_PROFILE_SMOOTH);
  CHANGE_AND_CHECK (edges, VK_EDGE_LEFT);
  CHANGE_AND_CHECK (alpha, 0.5);
#undef CHANGE_AND_CHECK

  /* output format and size */
  fail_unless (vk_mask_update (&mask, &p, &nv12), "format changed");
  fail_if (vk_mask_update (&mask, &p, &nv12), "format unchanged");
  fail_unless_equals_int (mask.n_planes, 2);
  fail_unless (vk_mask_update (&mask, &p, &i420), "format back");
  fail_unless_equals_int (mask.n_planes, 3);
  fail_unless (vk_mask_update (&mask, &p, &i420_big), "size changed");
  fail_if (vk_mask_update (&mask, &p, &i420_big), "size unchanged");

  /* cleared: recomputed */
  vk_mask_clear (&mask);
  fail_if (mask.valid);
  fail_unless (vk_mask_update (&mask, &p, &i420), "after clear");
  vk_mask_clear (&mask);
}

GST_END_TEST;

/* The placements are the same values; only the struct padding differs (as
 * for a placement filled field by field on the stack). */
GST_START_TEST (test_mask_update_padding)
{
  VkMask mask;
  VkPlacement p, q;
  GstVideoInfo info;
  gboolean rebuilt;

  memset (&mask, 0, sizeof (mask));
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 32, 16);
  placement_init (&p, 3, 2, 7, 5, 2, VK_BORDER_PROFILE_LINEAR, VK_EDGE_ALL,
      1.0);
  memset (&q, 0xff, sizeof (q));
  q.x = p.x;
  q.y = p.y;
  q.width = p.width;
  q.height = p.height;
  q.border = p.border;
  q.profile = p.profile;
  q.edges = p.edges;
  q.alpha = p.alpha;

  fail_unless (vk_mask_update (&mask, &p, &info));
  rebuilt = vk_mask_update (&mask, &q, &info);
  vk_mask_clear (&mask);
  fail_if (rebuilt,
      "the same placement with other padding bytes rebuilt the mask");
}

GST_END_TEST;

/* I420 32x16, fg 7x5 at (3,2), border 2 linear on all edges, alpha 1.
 *
 * Luma x: samples 3..9, centres 0.5..6.5 -> min (c/2, (7-c)/2) =
 *   .25 .75 1 1 1 .75 .25 -> 64 191 255 255 255 191 64.
 * Chroma x (odd xpos): sample i has centre 2i+1-3 = 2i-2, fg sample i-1;
 *   i = 1..4, centres 0 2 4 6 -> 0 1 1 .5 -> 0 255 255 128.
 * Luma y: samples 2..6, centres .5..4.5 -> .25 .75 1 .75 .25.
 * Chroma y: sample j has centre 2j-1, fg sample j-1: j = 1..3,
 *   centres 1 3 5 -> .5 1 0 -> 128 255 0. */
GST_START_TEST (test_mask_tables_i420)
{
  static const guint8 luma_x[] = { 64, 191, 255, 255, 255, 191, 64 };
  static const guint8 chroma_x[] = { 0, 255, 255, 128 };
  static const guint8 luma_y[] = { 64, 191, 255, 191, 64 };
  static const guint8 chroma_y[] = { 128, 255, 0 };
  static const guint8 half_luma_x[] = { 32, 96, 128, 128, 128, 96, 32 };
  static const guint8 half_chroma_y[] = { 64, 128, 0 };
  VkMask mask;
  VkPlacement p;
  GstVideoInfo info;
  guint k;

  memset (&mask, 0, sizeof (mask));
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 32, 16);
  placement_init (&p, 3, 2, 7, 5, 2, VK_BORDER_PROFILE_LINEAR, VK_EDGE_ALL,
      1.0);
  fail_unless (vk_mask_update (&mask, &p, &info));
  fail_unless_equals_int (mask.n_planes, 3);

  fail_unless_equals_int (mask.planes[0].wmax, 255);
  assert_range (&mask.planes[0], 3, 10, 0, 2, 5, 2, 7, 0, 2, 3, "Y");
  assert_table (mask.planes[0].colw, luma_x, 7, "Y colw");
  assert_table (mask.planes[0].roww, luma_y, 5, "Y roww");
  for (k = 1; k < 3; k++) {
    const gchar *what = k == 1 ? "U" : "V";

    fail_unless_equals_int (mask.planes[k].wmax, 255);
    assert_range (&mask.planes[k], 1, 5, 0, 1, 3, 1, 4, 0, 1, 2, what);
    assert_table (mask.planes[k].colw, chroma_x, 4, what);
    assert_table (mask.planes[k].roww, chroma_y, 3, what);
  }

  /* alpha 0.5: wmax 128, everything scaled */
  p.alpha = 0.5;
  fail_unless (vk_mask_update (&mask, &p, &info));
  fail_unless_equals_int (mask.planes[0].wmax, 128);
  assert_range (&mask.planes[0], 3, 10, 0, 2, 5, 2, 7, 0, 2, 3, "Y a.5");
  assert_table (mask.planes[0].colw, half_luma_x, 7, "Y colw a.5");
  assert_table (mask.planes[1].roww, half_chroma_y, 3, "U roww a.5");

  /* border 0: opaque everywhere, the full range is the whole range */
  p.alpha = 1.0;
  p.border = 0;
  fail_unless (vk_mask_update (&mask, &p, &info));
  assert_range (&mask.planes[0], 3, 10, 0, 0, 7, 2, 7, 0, 0, 5, "Y b0");
  assert_range (&mask.planes[1], 1, 5, 0, 0, 4, 1, 4, 0, 0, 3, "U b0");

  /* partly outside at (-5,-3): luma from fg sample 5 / 3, chroma: sample 0
   * has centre 1+5 = 6 -> fg sample 3; rows: centre 1+3 = 4 -> fg row 2 */
  p.x = -5;
  p.y = -3;
  fail_unless (vk_mask_update (&mask, &p, &info));
  assert_range (&mask.planes[0], 0, 2, 5, 0, 2, 0, 2, 3, 0, 2, "Y out");
  assert_range (&mask.planes[1], 0, 1, 3, 0, 1, 0, 1, 2, 0, 1, "U out");

  /* entirely outside: no tables */
  p.x = 40;
  fail_unless (vk_mask_update (&mask, &p, &info));
  for (k = 0; k < 3; k++) {
    fail_unless (mask.planes[k].colw == NULL && mask.planes[k].roww == NULL);
    fail_unless (mask.planes[k].x1 <= mask.planes[k].x0);
  }

  vk_mask_clear (&mask);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Frame blend in bands */

static GstBuffer *
random_buffer (const GstVideoInfo * info, GRand * rand)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  fill_random (map.data, map.size, rand);
  gst_buffer_unmap (buf, &map);
  return buf;
}

static GstBuffer *
zero_buffer (const GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);

  gst_buffer_memset (buf, 0, 0, info->size);
  return buf;
}

static void
compare_frames (const GstVideoFrame * a, const GstVideoFrame * b,
    const gchar * what)
{
  guint p;

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (a); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint row_bytes, h, j, i;

    gst_video_format_info_component (a->info.finfo, p, comp);
    row_bytes = GST_VIDEO_FRAME_COMP_WIDTH (a, comp[0]) *
        GST_VIDEO_FRAME_COMP_PSTRIDE (a, comp[0]);
    h = GST_VIDEO_FRAME_COMP_HEIGHT (a, comp[0]);
    for (j = 0; j < h; j++) {
      const guint8 *ra = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (a, p) +
          (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (a, p);
      const guint8 *rb = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (b, p) +
          (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (b, p);

      for (i = 0; i < row_bytes; i++) {
        if (ra[i] != rb[i])
          fail ("%s: plane %u row %d byte %d: %u vs %u", what, p, j, i,
              ra[i], rb[i]);
      }
    }
  }
}

typedef struct
{
  GstVideoFormat format;
  gint out_w, out_h;
  gint x, y, w, h;
  guint border;
  VkBorderProfile profile;
  guint edges;
  gdouble alpha;
} BandCase;

static const BandCase band_cases[] = {
  {GST_VIDEO_FORMAT_I420, 67, 45, 3, 5, 23, 17, 4,
      VK_BORDER_PROFILE_SMOOTH, VK_EDGE_ALL, 1.0},
  {GST_VIDEO_FORMAT_I420, 67, 45, -7, -5, 40, 30, 3,
      VK_BORDER_PROFILE_LINEAR, VK_EDGE_RIGHT | VK_EDGE_BOTTOM, 0.6},
  {GST_VIDEO_FORMAT_I420, 67, 45, 10, 11, 23, 17, 0,
      VK_BORDER_PROFILE_LINEAR, 0, 0.3},
  {GST_VIDEO_FORMAT_BGRA, 67, 45, 5, 3, 23, 17, 8,
      VK_BORDER_PROFILE_LINEAR, VK_EDGE_ALL, 1.0},
  {GST_VIDEO_FORMAT_BGRA, 67, 45, -3, -2, 80, 60, 20,
      VK_BORDER_PROFILE_SMOOTH, VK_EDGE_ALL, 0.8},
  {GST_VIDEO_FORMAT_BGRA, 67, 45, 44, 28, 23, 17, 3,
      VK_BORDER_PROFILE_LINEAR, VK_EDGE_LEFT | VK_EDGE_TOP, 1.0},
};

/* vk_blend_frame in one band and in three bands (0, 1, 2, in reverse
 * order) writes the same output, with either kernel set */
GST_START_TEST (test_blend_frame_bands)
{
  const BandCase *bc = &band_cases[__i__];
  GRand *rand = g_rand_new_with_seed (0xba4d0000 + __i__);
  GstVideoInfo out_info, fg_info;
  GstBuffer *bg, *fg, *one, *three, *c_one;
  GstVideoFrame bgf, fgf, onef, threef, c_onef;
  VkPlacement p;
  VkMask mask;
  gchar *what;
  gint band;

  what = g_strdup_printf ("%s %dx%d, fg %dx%d at (%d,%d)",
      gst_video_format_to_string (bc->format), bc->out_w, bc->out_h, bc->w,
      bc->h, bc->x, bc->y);
  gst_video_info_set_format (&out_info, bc->format, bc->out_w, bc->out_h);
  gst_video_info_set_format (&fg_info, bc->format, bc->w, bc->h);
  bg = random_buffer (&out_info, rand);
  fg = random_buffer (&fg_info, rand);
  one = zero_buffer (&out_info);
  three = zero_buffer (&out_info);
  c_one = zero_buffer (&out_info);

  memset (&mask, 0, sizeof (mask));
  placement_init (&p, bc->x, bc->y, bc->w, bc->h, bc->border, bc->profile,
      bc->edges, bc->alpha);
  fail_unless (vk_mask_update (&mask, &p, &out_info));

  fail_unless (gst_video_frame_map (&bgf, &out_info, bg, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&fgf, &fg_info, fg, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&onef, &out_info, one, GST_MAP_WRITE));
  fail_unless (gst_video_frame_map (&threef, &out_info, three,
          GST_MAP_WRITE));
  fail_unless (gst_video_frame_map (&c_onef, &out_info, c_one,
          GST_MAP_WRITE));

  vk_blend_frame (&onef, &bgf, &fgf, &mask, &vk_blend_kernels_orc, 0, 1);
  for (band = 2; band >= 0; band--)
    vk_blend_frame (&threef, &bgf, &fgf, &mask, &vk_blend_kernels_orc, band,
        3);
  vk_blend_frame (&c_onef, &bgf, &fgf, &mask, &vk_blend_kernels_c, 0, 1);

  compare_frames (&onef, &threef, what);
  compare_frames (&onef, &c_onef, what);

  gst_video_frame_unmap (&bgf);
  gst_video_frame_unmap (&fgf);
  gst_video_frame_unmap (&onef);
  gst_video_frame_unmap (&threef);
  gst_video_frame_unmap (&c_onef);
  vk_mask_clear (&mask);
  gst_buffer_unref (bg);
  gst_buffer_unref (fg);
  gst_buffer_unref (one);
  gst_buffer_unref (three);
  gst_buffer_unref (c_one);
  g_rand_free (rand);
  g_free (what);
}

GST_END_TEST;

/* without a fg, every band is a copy of the bg */
GST_START_TEST (test_blend_frame_no_fg)
{
  GRand *rand = g_rand_new_with_seed (0x6e6f6667);
  GstVideoInfo info;
  GstBuffer *bg, *out;
  GstVideoFrame bgf, outf;
  VkPlacement p;
  VkMask mask;
  gint band;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 67, 45);
  bg = random_buffer (&info, rand);
  out = zero_buffer (&info);
  memset (&mask, 0, sizeof (mask));
  placement_init (&p, 5, 3, 23, 17, 4, VK_BORDER_PROFILE_LINEAR,
      VK_EDGE_ALL, 1.0);
  fail_unless (vk_mask_update (&mask, &p, &info));

  fail_unless (gst_video_frame_map (&bgf, &info, bg, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&outf, &info, out, GST_MAP_WRITE));
  for (band = 0; band < 3; band++)
    vk_blend_frame (&outf, &bgf, NULL, &mask, &vk_blend_kernels_orc, band,
        3);
  compare_frames (&outf, &bgf, "NV12 without fg");

  gst_video_frame_unmap (&bgf);
  gst_video_frame_unmap (&outf);
  vk_mask_clear (&mask);
  gst_buffer_unref (bg);
  gst_buffer_unref (out);
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
composite_units_suite (void)
{
  Suite *s = suite_create ("composite_units");
  TCase *tc;

  tc = tcase_create ("kernels");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_kernels_orc_vs_c);
  tcase_add_test (tc, test_kernels_exhaustive);

  tc = tcase_create ("weights");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_feather_weight);
  tcase_add_test (tc, test_edges_auto);

  tc = tcase_create ("mask");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mask_update_changes);
  tcase_add_test (tc, test_mask_update_padding);
  tcase_add_test (tc, test_mask_tables_i420);

  tc = tcase_create ("frame");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_blend_frame_bands, 0,
      G_N_ELEMENTS (band_cases));
  tcase_add_test (tc, test_blend_frame_no_fg);

  return s;
}

GST_CHECK_MAIN (composite_units);
