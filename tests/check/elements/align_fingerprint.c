/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of vidkompyalign's fingerprints (vkfingerprint.c), without a
 * pipeline: the area resampler against a double-precision reference and
 * closed forms, the pHash and thumbnail distances, a fingerprint of a
 * scaled crop. */

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
/* Resampler */

static gdouble
overlap (gdouble a0, gdouble a1, gdouble b0, gdouble b1)
{
  return MAX (0.0, MIN (a1, b1) - MAX (a0, b0));
}

/* the specification, directly: per output cell, every pixel weighted by
 * its overlap with the cell, in doubles */
static void
ref_resample (const guint8 * src, gint stride, gint w, gint h, gdouble rx,
    gdouble ry, gdouble rw, gdouble rh, gdouble * dst, gint dw, gint dh)
{
  gdouble xa = MAX (rx, 0.0), xb = MIN (rx + rw, (gdouble) w);
  gdouble ya = MAX (ry, 0.0), yb = MIN (ry + rh, (gdouble) h);
  gint u, v, x, y;

  for (v = 0; v < dh; v++) {
    for (u = 0; u < dw; u++) {
      gdouble a = xa + (xb - xa) * u / dw, b = xa + (xb - xa) * (u + 1) / dw;
      gdouble c = ya + (yb - ya) * v / dh, d = ya + (yb - ya) * (v + 1) / dh;
      gdouble s = 0.0, area = 0.0;

      if (!(xb > xa) || !(yb > ya)) {
        dst[v * dw + u] = 0.0;
        continue;
      }
      for (y = MAX (0, (gint) floor (c)); y < MIN (h, (gint) ceil (d)); y++) {
        gdouble oy = overlap (y, y + 1, c, d);

        for (x = MAX (0, (gint) floor (a)); x < MIN (w, (gint) ceil (b)); x++) {
          gdouble o = oy * overlap (x, x + 1, a, b);

          s += o * src[y * stride + x];
          area += o;
        }
      }
      dst[v * dw + u] = s / area;
    }
  }
}

static void
check_resample (const guint8 * src, gint stride, gint w, gint h,
    gdouble rx, gdouble ry, gdouble rw, gdouble rh, gint dw, gint dh)
{
  gfloat *out = g_new (gfloat, dw * dh);
  gdouble *ref = g_new (gdouble, dw * dh);
  gint i;

  vk_luma_resample (src, stride, w, h, rx, ry, rw, rh, out, dw, dh);
  ref_resample (src, stride, w, h, rx, ry, rw, rh, ref, dw, dh);
  for (i = 0; i < dw * dh; i++) {
    if (!(fabs (out[i] - ref[i]) <= 1e-3))
      fail ("%dx%d image, rect (%g, %g, %g, %g) -> %dx%d: sample %d: %.6f, "
          "reference %.6f", w, h, rx, ry, rw, rh, dw, dh, i, out[i], ref[i]);
  }
  g_free (out);
  g_free (ref);
}

GST_START_TEST (test_resample_constant)
{
  const gint w = 100, h = 70, stride = 104;
  static const gdouble rects[][4] = {
    {0, 0, 100, 70},
    {3.3, 2.7, 50.1, 33.9},
    {10.5, 10.25, 3.0, 2.5},    /* upscaling */
    {-5, -3, 60, 200},          /* partly outside */
    {99.9, 69.9, 0.05, 0.05},   /* tiny, at the far corner */
  };
  static const guint8 values[] = { 0, 77, 255 };
  guint8 *img = g_malloc (stride * h);
  gfloat out[32 * 32];
  guint r, vi;
  gint i;

  for (vi = 0; vi < G_N_ELEMENTS (values); vi++) {
    memset (img, values[vi], stride * h);
    for (r = 0; r < G_N_ELEMENTS (rects); r++) {
      vk_luma_resample (img, stride, w, h, rects[r][0], rects[r][1],
          rects[r][2], rects[r][3], out, 32, 32);
      for (i = 0; i < 32 * 32; i++)
        fail_unless (fabs (out[i] - values[vi]) < 1e-4,
            "value %u, rect %u, sample %d: %f", values[vi], r, i, out[i]);
    }
  }

  /* cells taller than the 257 rows a 16-bit lane holds, all 255 */
  g_free (img);
  img = g_malloc (37 * 700);
  memset (img, 255, 37 * 700);
  vk_luma_resample (img, 37, 37, 700, 0, 0, 37, 700, out, 3, 1);
  for (i = 0; i < 3; i++)
    fail_unless (fabs (out[i] - 255.0) < 1e-4, "tall cell %d: %f", i, out[i]);
  g_free (img);
}

GST_END_TEST;

/* ∫_0^t floor (s) ds */
static gdouble
floor_integral (gdouble t)
{
  gdouble n = floor (t);

  return n * (n - 1) / 2 + n * (t - n);
}

GST_START_TEST (test_resample_gradient)
{
  const gint w = 200, h = 150, stride = 203;
  guint8 *hgrad = g_malloc0 (stride * h), *vgrad = g_malloc0 (stride * h);
  static const gdouble rects[][4] = {
    {10.25, 3.5, 100.5, 40.75},
    {0, 0, 200, 150},
    {50.3, 20.7, 7.1, 6.6},     /* upscaling */
    {150.5, 100.5, 80, 80},     /* clipped to 49.5 x 49.5 */
  };
  gfloat out[9 * 7];
  gint x, y, u, v;
  guint r;

  for (y = 0; y < h; y++) {
    for (x = 0; x < w; x++) {
      hgrad[y * stride + x] = (guint8) x;
      vgrad[y * stride + x] = (guint8) y;
    }
  }

  for (r = 0; r < G_N_ELEMENTS (rects); r++) {
    gdouble xa = rects[r][0], xb = MIN (rects[r][0] + rects[r][2], w);
    gdouble ya = rects[r][1], yb = MIN (rects[r][1] + rects[r][3], h);

    vk_luma_resample (hgrad, stride, w, h, rects[r][0], rects[r][1],
        rects[r][2], rects[r][3], out, 9, 7);
    for (v = 0; v < 7; v++) {
      for (u = 0; u < 9; u++) {
        gdouble a = xa + (xb - xa) * u / 9, b = xa + (xb - xa) * (u + 1) / 9;
        gdouble e = (floor_integral (b) - floor_integral (a)) / (b - a);

        fail_unless (fabs (out[v * 9 + u] - e) < 1e-3,
            "horizontal gradient, rect %u, (%d, %d): %f, expected %f", r, u,
            v, out[v * 9 + u], e);
      }
    }

    vk_luma_resample (vgrad, stride, w, h, rects[r][0], rects[r][1],
        rects[r][2], rects[r][3], out, 9, 7);
    for (v = 0; v < 7; v++) {
      gdouble a = ya + (yb - ya) * v / 7, b = ya + (yb - ya) * (v + 1) / 7;
      gdouble e = (floor_integral (b) - floor_integral (a)) / (b - a);

      for (u = 0; u < 9; u++)
        fail_unless (fabs (out[v * 9 + u] - e) < 1e-3,
            "vertical gradient, rect %u, (%d, %d): %f, expected %f", r, u,
            v, out[v * 9 + u], e);
    }
  }
  g_free (hgrad);
  g_free (vgrad);
}

GST_END_TEST;

GST_START_TEST (test_resample_reference)
{
  static const gint sizes[][2] = { {123, 77}, {8, 300}, {640, 360} };
  static const gint dsts[][2] = { {32, 32}, {7, 5}, {1, 1}, {40, 3} };
  GRand *rand = g_rand_new_with_seed (11);
  guint s, d, t;

  for (s = 0; s < G_N_ELEMENTS (sizes); s++) {
    gint w = sizes[s][0], h = sizes[s][1], stride = w + 5;
    guint8 *img = g_malloc (stride * h);
    gint i;

    for (i = 0; i < stride * h; i++)
      img[i] = (guint8) g_rand_int_range (rand, 0, 256);

    for (d = 0; d < G_N_ELEMENTS (dsts); d++) {
      check_resample (img, stride, w, h, 0, 0, w, h, dsts[d][0], dsts[d][1]);
      for (t = 0; t < 12; t++) {
        gdouble rx = g_rand_double_range (rand, -0.2 * w, 0.9 * w);
        gdouble ry = g_rand_double_range (rand, -0.2 * h, 0.9 * h);
        gdouble rw = g_rand_double_range (rand, 0.3, 1.2 * w);
        gdouble rh = g_rand_double_range (rand, 0.3, 1.2 * h);

        /* integer and half-integer edges too */
        if (t % 3 == 1) {
          rx = floor (rx);
          ry = floor (ry);
          rw = floor (rw) + 1;
          rh = floor (rh) + 1;
        } else if (t % 3 == 2) {
          rx = floor (rx) + 0.5;
          rw = floor (rw) + 0.5;
        }
        check_resample (img, stride, w, h, rx, ry, rw, rh, dsts[d][0],
            dsts[d][1]);
      }
    }
    g_free (img);
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_resample_outside)
{
  guint8 img[16 * 16];
  gfloat out[4 * 4];
  gint i;

  memset (img, 200, sizeof (img));
  vk_luma_resample (img, 16, 16, 16, 20, 0, 5, 5, out, 4, 4);
  for (i = 0; i < 16; i++)
    fail_unless_equals_float (out[i], 0.0);
  vk_luma_resample (img, 16, 16, 16, -10, -10, 9.5, 30, out, 4, 4);
  for (i = 0; i < 16; i++)
    fail_unless_equals_float (out[i], 0.0);
  vk_luma_resample (img, 16, 16, 16, NAN, 0, 5, 5, out, 4, 4);
  for (i = 0; i < 16; i++)
    fail_unless_equals_float (out[i], 0.0);
  vk_luma_resample (img, 16, 16, 16, 2, 2, 0, 5, out, 4, 4);
  for (i = 0; i < 16; i++)
    fail_unless_equals_float (out[i], 0.0);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Fingerprints */

typedef enum
{
  IMG_HGRADIENT,
  IMG_CHECKER,
  IMG_BLOB,
  IMG_STRIPES,
  IMG_RINGS,
  IMG_CONSTANT,
  N_IMAGES
} TestImage;

static const gchar *image_names[] = {
  "horizontal gradient", "checkerboard", "blob", "stripes", "rings",
  "constant"
};

static void
make_image (TestImage which, gfloat * img)
{
  gint x, y;

  for (y = 0; y < 32; y++) {
    for (x = 0; x < 32; x++) {
      gdouble v = 0.0;

      switch (which) {
        case IMG_HGRADIENT:
          v = 20 + 6.5 * x;
          break;
        case IMG_CHECKER:
          /* 8-pixel cells, shifted so that the DCT is not symmetric */
          v = (((x + 3) / 8 + (y + 5) / 8) % 2) ? 200 : 40;
          break;
        case IMG_BLOB:
          v = 30 + 180 * exp (-((x - 10) * (x - 10) + (y - 21) * (y - 21))
              / 40.0);
          break;
        case IMG_STRIPES:
          v = 128 + 90 * sin (0.31 * x + 0.17 * y);
          break;
        case IMG_RINGS:
          v = 128 + 90 * cos (0.05 * ((x - 20) * (x - 20) + (y - 12) *
                  (y - 12)));
          break;
        case IMG_CONSTANT:
        default:
          v = 91;
          break;
      }
      img[y * 32 + x] = (gfloat) v;
    }
  }
}

static gboolean
fingerprint_is_sane (const VkFingerprint * fp)
{
  gint i;

  if (!isfinite (fp->mean) || !isfinite (fp->stddev) || fp->stddev < 0)
    return FALSE;
  for (i = 0; i < VK_FINE_SIZE; i++)
    if (!isfinite (fp->thumb[i]))
      return FALSE;
  return (fp->phash & 1) == 0;
}

GST_START_TEST (test_phash_stability)
{
  GRand *rand = g_rand_new_with_seed (5);
  VkFingerprint fp[N_IMAGES], alt;
  gfloat img[32 * 32], mod[32 * 32];
  gint a, b, i, trial;

  for (a = 0; a < N_IMAGES; a++) {
    make_image (a, img);
    vk_fingerprint_from_thumb (&fp[a], img);
    fail_unless (fingerprint_is_sane (&fp[a]), "%s", image_names[a]);
    GST_INFO ("%s: phash %016" G_GINT64_MODIFIER "x, %u bits", image_names[a],
        fp[a].phash, vk_phash_distance (fp[a].phash, 0));

    /* brightness scale and offset: the hash does not change at all */
    for (i = 0; i < 32 * 32; i++)
      mod[i] = 0.6f * img[i] + 35.0f;
    vk_fingerprint_from_thumb (&alt, mod);
    fail_unless (vk_phash_distance (fp[a].phash, alt.phash) <= 1,
        "%s: brightness change moves the hash by %u bits", image_names[a],
        vk_phash_distance (fp[a].phash, alt.phash));
    fail_unless (vk_thumb_distance (&fp[a], &alt) < 1e-5);

    /* small noise (±2 levels, like a re-encode): a few bits at most */
    for (trial = 0; trial < 10; trial++) {
      guint d;

      for (i = 0; i < 32 * 32; i++)
        mod[i] = img[i] + (gfloat) g_rand_double_range (rand, -2.0, 2.0);
      vk_fingerprint_from_thumb (&alt, mod);
      d = vk_phash_distance (fp[a].phash, alt.phash);
      if (a == IMG_CONSTANT) {
        /* noise on a flat image is not flat, but it is not content
         * either: only the thumbnail distance says so */
        fail_unless (vk_thumb_distance (&fp[a], &alt) == 1.0f);
        continue;
      }
      fail_unless (d <= 4, "%s: noise moves the hash by %u bits",
          image_names[a], d);
      fail_unless (vk_thumb_distance (&fp[a], &alt) < 0.01,
          "%s: noise: thumb distance %f", image_names[a],
          vk_thumb_distance (&fp[a], &alt));
    }
  }

  /* the constant image is flat */
  fail_unless_equals_uint64 (fp[IMG_CONSTANT].phash, 0);
  fail_unless_equals_float (fp[IMG_CONSTANT].stddev, 0.0);
  fail_unless_equals_float (fp[IMG_CONSTANT].mean, 91.0);

  /* different images: many bits apart (of 63) */
  for (a = 0; a < N_IMAGES; a++) {
    for (b = a + 1; b < N_IMAGES; b++) {
      guint d = vk_phash_distance (fp[a].phash, fp[b].phash);

      GST_INFO ("%s vs %s: %u bits, thumb distance %f", image_names[a],
          image_names[b], d, vk_thumb_distance (&fp[a], &fp[b]));
      fail_unless (d >= 16, "%s vs %s: only %u bits apart", image_names[a],
          image_names[b], d);
    }
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_phash_distance)
{
  fail_unless_equals_int (vk_phash_distance (0, 0), 0);
  fail_unless_equals_int (vk_phash_distance (0, G_MAXUINT64), 64);
  fail_unless_equals_int (vk_phash_distance (0xf0, 0x0f), 8);
  fail_unless_equals_int (vk_phash_distance (G_GUINT64_CONSTANT (1) << 63,
          0), 1);
}

GST_END_TEST;

GST_START_TEST (test_thumb_distance)
{
  GRand *rand = g_rand_new_with_seed (9);
  VkFingerprint f[N_IMAGES], g, flat2;
  gfloat img[32 * 32], mod[32 * 32];
  gint a, b, i;

  for (a = 0; a < N_IMAGES; a++) {
    make_image (a, img);
    vk_fingerprint_from_thumb (&f[a], img);
  }

  for (a = 0; a < N_IMAGES; a++) {
    fail_unless_equals_float (vk_thumb_distance (&f[a], &f[a]), 0.0);
    for (b = 0; b < N_IMAGES; b++) {
      gfloat d = vk_thumb_distance (&f[a], &f[b]);

      fail_unless (d >= 0.0f && d <= 2.0f);
      fail_unless_equals_float (d, vk_thumb_distance (&f[b], &f[a]));
    }
  }

  /* affine brightness changes: distance 0; a negative: 2 */
  make_image (IMG_BLOB, img);
  for (i = 0; i < 32 * 32; i++)
    mod[i] = 1.7f * img[i] - 20.0f;
  vk_fingerprint_from_thumb (&g, mod);
  fail_unless (vk_thumb_distance (&f[IMG_BLOB], &g) < 1e-5);
  for (i = 0; i < 32 * 32; i++)
    mod[i] = 255.0f - img[i];
  vk_fingerprint_from_thumb (&g, mod);
  fail_unless (fabs (vk_thumb_distance (&f[IMG_BLOB], &g) - 2.0) < 1e-5);

  /* flat images: two flat ones are equal, flat against anything is 1 */
  for (i = 0; i < 32 * 32; i++)
    mod[i] = 3.0f;
  vk_fingerprint_from_thumb (&flat2, mod);
  fail_unless_equals_float (vk_thumb_distance (&f[IMG_CONSTANT], &flat2), 0.0);
  fail_unless_equals_float (vk_thumb_distance (&f[IMG_CONSTANT], &f[0]), 1.0);
  fail_unless_equals_float (vk_thumb_distance (&f[0], &flat2), 1.0);

  /* normalisation: the thumb has unit norm and zero mean */
  for (a = 0; a < N_IMAGES - 1; a++) {
    gdouble s = 0.0, s2 = 0.0;

    for (i = 0; i < VK_FINE_SIZE; i++) {
      s += f[a].thumb[i];
      s2 += f[a].thumb[i] * f[a].thumb[i];
    }
    fail_unless (fabs (s) < 1e-4 && fabs (s2 - 1.0) < 1e-4, "%s: %f %f",
        image_names[a], s, s2);
  }

  /* random images: uncorrelated, distance near 1 */
  for (i = 0; i < 32 * 32; i++)
    img[i] = (gfloat) g_rand_double_range (rand, 0, 255);
  vk_fingerprint_from_thumb (&g, img);
  for (i = 0; i < 32 * 32; i++)
    img[i] = (gfloat) g_rand_double_range (rand, 0, 255);
  vk_fingerprint_from_thumb (&f[0], img);
  fail_unless (fabs (vk_thumb_distance (&g, &f[0]) - 1.0) < 0.3);

  /* non-finite input: a flat fingerprint, no NaN */
  img[17] = NAN;
  vk_fingerprint_from_thumb (&g, img);
  fail_unless (fingerprint_is_sane (&g));
  fail_unless_equals_float (g.stddev, 0.0);
  g_rand_free (rand);
}

GST_END_TEST;

/* fg = 2x box downscale of a crop of the bg, with some noise: its
 * fingerprint matches the one of the crop rectangle in the bg */
GST_START_TEST (test_fingerprint_crop_scale)
{
  const gint bw = 640, bh = 360, cx = 101, cy = 57, cw = 320, ch = 180;
  guint8 *bg = g_malloc (bw * bh), *fg = g_malloc (cw / 2 * ch / 2);
  VkFingerprint fbg, ffg, fother;
  gint x, y;

  vk_synth_render (bg, bw, bh, 10.0, 0.0, 0);
  for (y = 0; y < ch / 2; y++) {
    for (x = 0; x < cw / 2; x++) {
      const guint8 *p = bg + (cy + 2 * y) * bw + cx + 2 * x;
      gdouble v = (p[0] + p[1] + p[bw] + p[bw + 1]) / 4.0;

      fg[y * cw / 2 + x] =
          vk_synth_clamp (v + 3 * (2 * vk_synth_noise (x, y, 3) - 1));
    }
  }

  vk_fingerprint_from_luma (&fbg, bg, bw, bw, bh, cx, cy, cw, ch);
  vk_fingerprint_from_luma (&ffg, fg, cw / 2, cw / 2, ch / 2, 0, 0, cw / 2,
      ch / 2);
  vk_fingerprint_from_luma (&fother, bg, bw, bw, bh, cx + 40.5, cy + 20.25,
      cw, ch);

  GST_INFO ("same: %u bits, %f; shifted: %u bits, %f",
      vk_phash_distance (fbg.phash, ffg.phash), vk_thumb_distance (&fbg,
          &ffg), vk_phash_distance (fbg.phash, fother.phash),
      vk_thumb_distance (&fbg, &fother));
  fail_unless (vk_phash_distance (fbg.phash, ffg.phash) <= 3);
  fail_unless (vk_thumb_distance (&fbg, &ffg) < 0.005);
  fail_unless (vk_thumb_distance (&fbg, &fother) > 0.05);
  fail_unless (vk_phash_distance (fbg.phash, fother.phash) >
      vk_phash_distance (fbg.phash, ffg.phash));

  g_free (bg);
  g_free (fg);
}

GST_END_TEST;

static Suite *
align_fingerprint_suite (void)
{
  Suite *s = suite_create ("align_fingerprint");
  TCase *tc;

  tc = tcase_create ("resample");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_resample_constant);
  tcase_add_test (tc, test_resample_gradient);
  tcase_add_test (tc, test_resample_reference);
  tcase_add_test (tc, test_resample_outside);

  tc = tcase_create ("fingerprint");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_phash_stability);
  tcase_add_test (tc, test_phash_distance);
  tcase_add_test (tc, test_thumb_distance);
  tcase_add_test (tc, test_fingerprint_crop_scale);

  return s;
}

GST_CHECK_MAIN (align_fingerprint);
