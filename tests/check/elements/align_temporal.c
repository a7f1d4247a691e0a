/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of vidkompyalign's fingerprints (vkfingerprint.c) and
 * temporal alignment (vktemporal.c), without a pipeline: the area
 * resampler against a double-precision reference and closed forms, the
 * pHash and thumbnail distances, the robust line fit with outliers, the
 * band helper's guarantees, the banded DP on synthetic cost matrices with
 * known optimum and against brute force, its error paths, and the whole
 * chain on a small synthetic video pair. */

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

/* ---------------------------------------------------------------------- */
/* Helpers */

/* deterministic noise in [0, 1) from two integers and a seed */
static gdouble
hash01 (guint a, guint b, guint32 seed)
{
  guint32 h = seed ^ 0x9e3779b9u;

  h ^= a * 0x85ebca6bu;
  h = (h << 13) | (h >> 19);
  h = h * 5 + 0xe6546b64u;
  h ^= b * 0xc2b2ae35u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h / 4294967296.0;
}

static guint8
clamp_u8 (gdouble v)
{
  return (guint8) CLAMP (floor (v + 0.5), 0.0, 255.0);
}

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

/* smooth synthetic picture content at time t */
static gdouble
scene_value (gdouble x, gdouble y, gdouble t)
{
  gdouble cx = 60 + 40 * sin (0.11 * t), cy = 50 + 30 * cos (0.07 * t);
  gdouble v = 120 + 50 * sin (0.045 * x + 0.3 * t) * cos (0.06 * y - 0.2 * t);

  v += 70 * exp (-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 300.0);
  v += 25 * sin (0.013 * (x + 2 * y) - 0.05 * t);
  return v;
}

static void
render_scene (guint8 * img, gint w, gint h, gdouble t, gdouble noise,
    guint32 seed)
{
  gint x, y;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      img[y * w + x] = clamp_u8 (scene_value (x, y, t)
          + noise * (2 * hash01 (x + 7919 * y, (guint) t, seed) - 1));
}

/* fg = 2x box downscale of a crop of the bg, with some noise: its
 * fingerprint matches the one of the crop rectangle in the bg */
GST_START_TEST (test_fingerprint_crop_scale)
{
  const gint bw = 640, bh = 360, cx = 101, cy = 57, cw = 320, ch = 180;
  guint8 *bg = g_malloc (bw * bh), *fg = g_malloc (cw / 2 * ch / 2);
  VkFingerprint fbg, ffg, fother;
  gint x, y;

  render_scene (bg, bw, bh, 10.0, 0.0, 0);
  for (y = 0; y < ch / 2; y++) {
    for (x = 0; x < cw / 2; x++) {
      const guint8 *p = bg + (cy + 2 * y) * bw + cx + 2 * x;
      gdouble v = (p[0] + p[1] + p[bw] + p[bw + 1]) / 4.0;

      fg[y * cw / 2 + x] = clamp_u8 (v + 3 * (2 * hash01 (x, y, 3) - 1));
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
/* Banded DP on synthetic costs */

/* cost (i, j) = |j − truth[i]| (capped) + noise, except: rows with
 * static_row set cost the same everywhere (a static scene: every bg frame
 * looks alike); within tie_radius of the truth the cost is 0 (duplicate
 * or nearly equal bg frames) */
typedef struct
{
  const gint *truth;
  gdouble noise;
  gdouble cap;
  guint32 seed;
  const gboolean *static_row;
  gint tie_radius;
  guint calls;
} SynthCost;

static gfloat
synth_cost (guint fg, guint bg, gpointer user_data)
{
  SynthCost *sc = user_data;
  gdouble d;

  sc->calls++;
  if (sc->static_row && sc->static_row[fg])
    return 0.5f;
  d = fabs ((gdouble) bg - sc->truth[fg]);
  if (d <= sc->tie_radius)
    d = 0.0;
  if (sc->cap > 0 && d > sc->cap)
    d = sc->cap;
  return (gfloat) (d + sc->noise * hash01 (fg, bg, sc->seed));
}

/* checks the structural guarantees of a path, and that total_cost is its
 * objective */
static void
check_path (const gchar * name, guint n_fg, guint n_bg, const gint * lo,
    const gint * hi, const guint * path, gdouble offset, gdouble rate,
    const VkDpParams * params, VkCostFunc cost, gpointer data, gdouble total)
{
  gdouble obj;
  guint i;

  for (i = 0; i < n_fg; i++) {
    fail_unless (path[i] < n_bg && (gint) path[i] >= MAX (lo[i], 0) &&
        (gint) path[i] <= hi[i], "%s: row %u: %u outside the band [%d, %d]",
        name, i, path[i], lo[i], hi[i]);
    if (i > 0) {
      fail_unless (path[i] >= path[i - 1], "%s: row %u goes backwards: %u "
          "after %u", name, i, path[i], path[i - 1]);
      fail_unless (path[i] - path[i - 1] <= params->max_jump,
          "%s: row %u jumps %u", name, i, path[i] - path[i - 1]);
    }
  }
  obj = vk_dp_path_cost (n_fg, n_bg, path, offset, rate, params, cost, data);
  fail_unless (fabs (obj - total) <= 1e-6 * (1 + fabs (obj)),
      "%s: total_cost %f, objective of the path %f", name, total, obj);
}

typedef enum
{
  TRUTH_LINE,
  TRUTH_SINE,
  TRUTH_FREEZE_DELAY,
  TRUTH_FREEZE_CATCHUP,
} TruthKind;

typedef struct
{
  const gchar *name;
  gdouble rate;                 /* bg frames per fg frame */
  gdouble offset;
  TruthKind kind;
  gdouble noise;
  gint tie_radius;
  guint static_from, static_len;        /* static scene rows */
  gint half_width;
  guint max_jump;
} DpCase;

#define DP_ROWS 600

static const DpCase dp_cases[] = {
  {"constant offset", 1.0, 37.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 0.8 (30 -> 24 fps)", 0.8, 12.3, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 2.4 (25 -> 60 fps)", 2.4, 5.6, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 0.5 (60 -> 30 fps)", 0.5, 20.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 2.5 (10 -> 25 fps)", 2.5, 3.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"sine speed ±20 %", 1.25, 9.0, TRUTH_SINE, 0, 0, 0, 0, 30, 4},
  {"freeze, then delayed", 1.0, 15.0, TRUTH_FREEZE_DELAY, 0, 0, 0, 0, 45, 4},
  {"freeze, then catching up", 1.0, 15.0, TRUTH_FREEZE_CATCHUP, 0, 0, 0, 0,
      30, 4},
  {"static scene, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0, 0, 200, 120, 30, 4},
  {"static scene, rate 2.4", 2.4, 1.6, TRUTH_LINE, 0, 0, 150, 200, 30, 4},
  {"static start", 0.8, 40.3, TRUTH_LINE, 0, 0, 0, 80, 30, 4},
  {"static end", 2.5, 3.0, TRUTH_LINE, 0, 0, DP_ROWS - 90, 90, 30, 4},
  {"ties ±2, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0, 2, 0, 0, 30, 4},
  {"ties ±3, rate 2.5", 2.5, 3.0, TRUTH_LINE, 0, 3, 0, 0, 30, 4},
  {"noise, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0.4, 0, 0, 0, 30, 4},
  {"noise, sine speed", 1.25, 9.0, TRUTH_SINE, 0.4, 0, 0, 0, 30, 4},
  {"noise and static, rate 2.4", 2.4, 5.6, TRUTH_LINE, 0.4, 0, 300, 100, 30,
      4},
};

#define FREEZE_AT 250
#define FREEZE_LEN 30
#define CATCHUP_LEN 3

static gint
truth_frame (const DpCase * c, guint i)
{
  switch (c->kind) {
    case TRUTH_SINE:{
      /* the speed is rate · (1 + 0.2 cos (2π i / P)) */
      const gdouble period = 200.0;
      gdouble u = i + 0.2 * period / (2 * G_PI) * sin (2 * G_PI * i / period);

      return (gint) floor (c->offset + c->rate * u + 0.5);
    }
    case TRUTH_FREEZE_DELAY:
      if (i >= FREEZE_AT)
        i = i < FREEZE_AT + FREEZE_LEN ? FREEZE_AT : i - FREEZE_LEN;
      return (gint) vk_line_frame (c->offset, c->rate, i);
    case TRUTH_FREEZE_CATCHUP:
      if (i >= FREEZE_AT && i < FREEZE_AT + CATCHUP_LEN)
        i = FREEZE_AT;
      return (gint) vk_line_frame (c->offset, c->rate, i);
    case TRUTH_LINE:
    default:
      return (gint) vk_line_frame (c->offset, c->rate, i);
  }
}

static void
run_dp_case (const DpCase * c, gboolean fitted)
{
  const guint n_fg = DP_ROWS;
  gint truth[DP_ROWS], lo[DP_ROWS], hi[DP_ROWS];
  gboolean static_row[DP_ROWS];
  guint path[DP_ROWS], n_bg, i, n_exact = 0;
  VkDpParams params = { 0.3, c->max_jump };
  SynthCost sc = { truth, c->noise, 0, 77, static_row, c->tie_radius, 0 };
  gdouble offset = c->offset, rate = c->rate, total = -1;
  GError *err = NULL;
  gchar *name;

  for (i = 0; i < n_fg; i++) {
    truth[i] = truth_frame (c, i);
    static_row[i] = i >= c->static_from && i < c->static_from + c->static_len;
  }
  n_bg = truth[n_fg - 1] + 20;

  if (fitted) {
    /* the line from matches at every 3rd row, half of them wrong */
    VkMatchPoint pts[DP_ROWS / 3];
    GRand *rand = g_rand_new_with_seed ((guint32) (c->rate * 1000));

    for (i = 0; i < G_N_ELEMENTS (pts); i++) {
      pts[i].fg = 3 * i;
      pts[i].bg = g_rand_boolean (rand) ? truth[3 * i] :
          g_rand_int_range (rand, 0, n_bg);
      pts[i].weight = 1.0;
    }
    fail_unless (vk_fit_line_robust (pts, G_N_ELEMENTS (pts), 4.0, 2.0,
            &offset, &rate, NULL));
    g_rand_free (rand);
  }
  name = g_strdup_printf ("%s%s", c->name, fitted ? " (fitted line)" : "");

  vk_band_from_line (n_fg, n_bg, offset, rate, c->half_width, lo, hi);
  fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
          synth_cost, &sc, path, &total, &err), "%s: %s", name,
      err ? err->message : "?");
  check_path (name, n_fg, n_bg, lo, hi, path, offset, rate, &params,
      synth_cost, &sc, total);

  for (i = 0; i < n_fg; i++) {
    gint expect = truth[i];

    /* where the scene is static, the truth is unknowable: the path must
     * follow the rounded line it was given, parallel (no jitter) */
    if (static_row[i] && fitted) {
      guint s = c->static_from, e = MIN (n_fg, s + c->static_len) - 1;
      gint64 dev = (gint64) path[s] - vk_line_frame (offset, rate, s);

      fail_unless_equals_int64 ((gint64) path[i] - vk_line_frame (offset,
              rate, i), dev);
      /* it rejoins the truth where the scene moves again */
      if (s > 0)
        fail_unless (dev == path[s - 1] - vk_line_frame (offset, rate, s - 1));
      if (e + 1 < n_fg)
        fail_unless (dev == path[e + 1] - vk_line_frame (offset, rate, e + 1));
      n_exact++;
      continue;
    }
    /* with ties all over the truth, neither is the truth knowable: the
     * path is the rounded fitted line, exactly */
    if (c->tie_radius > 0 && fitted) {
      fail_unless (ABS (vk_line_frame (offset, rate, i) - expect) <=
          c->tie_radius);
      expect = (gint) vk_line_frame (offset, rate, i);
    }
    if ((gint) path[i] == expect)
      n_exact++;
    else
      GST_ERROR ("%s: row %u: %u, truth %d", name, i, path[i], expect);
  }
  fail_unless_equals_int (n_exact, n_fg);
  GST_INFO ("%s: exact, %u cost calls, total %f", name, sc.calls, total);
  g_free (name);
}

GST_START_TEST (test_dp_synthetic)
{
  run_dp_case (&dp_cases[__i__], FALSE);
}

GST_END_TEST;

GST_START_TEST (test_dp_synthetic_fitted)
{
  run_dp_case (&dp_cases[__i__], TRUE);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Brute force */

typedef struct
{
  guint n_bg;
  const gfloat *c;              /* n_fg x n_bg */
} TableCost;

static gfloat
table_cost (guint fg, guint bg, gpointer user_data)
{
  const TableCost *t = user_data;

  return t->c[fg * t->n_bg + bg];
}

typedef struct
{
  guint n_fg, n_bg;
  const gint *lo, *hi;
  gdouble offset, rate;
  const VkDpParams *params;
  TableCost *tc;
  guint path[8];
  gdouble best;
  guint n_valid;
} Enum;

/* every valid path, recursively */
static void
enumerate (Enum * e, guint row)
{
  gint j, jlo = MAX (e->lo[row], 0), jhi = MIN (e->hi[row], (gint)
      e->n_bg - 1);

  if (row > 0) {
    jlo = MAX (jlo, (gint) e->path[row - 1]);
    jhi = MIN (jhi, (gint) (e->path[row - 1] + e->params->max_jump));
  }
  for (j = jlo; j <= jhi; j++) {
    e->path[row] = j;
    if (row + 1 < e->n_fg) {
      enumerate (e, row + 1);
    } else {
      gdouble v = vk_dp_path_cost (e->n_fg, e->n_bg, e->path, e->offset,
          e->rate, e->params, table_cost, e->tc);

      e->n_valid++;
      e->best = MIN (e->best, v);
    }
  }
}

GST_START_TEST (test_dp_exhaustive)
{
  static const gdouble lambdas[] = { 0.0, 0.5, 1.3, 0.25 };
  GRand *rand = g_rand_new_with_seed (1234);
  guint trial, n_feasible = 0;

  for (trial = 0; trial < 3000; trial++) {
    guint n_fg = g_rand_int_range (rand, 1, 7);
    guint n_bg = g_rand_int_range (rand, 1, 8);
    gint lo[8], hi[8];
    gfloat c[8 * 8];
    guint path[8], i;
    VkDpParams params;
    TableCost tc = { n_bg, c };
    Enum e;
    gdouble total = -1;
    gboolean ok;
    GError *err = NULL;

    params.smoothness = lambdas[trial % G_N_ELEMENTS (lambdas)];
    params.max_jump = g_rand_int_range (rand, 0, 4);
    for (i = 0; i < n_fg * n_bg; i++)
      /* small integers make many exact ties */
      c[i] = trial % 2 ? g_rand_int_range (rand, 0, 3) :
          (gfloat) g_rand_double (rand);
    for (i = 0; i < n_fg; i++) {
      lo[i] = g_rand_int_range (rand, -2, n_bg + 1);
      hi[i] = lo[i] + g_rand_int_range (rand, 0, 5);
      if (trial % 3 == 0) {
        lo[i] = 0;
        hi[i] = n_bg - 1;
      }
    }

    e.n_fg = n_fg;
    e.n_bg = n_bg;
    e.lo = lo;
    e.hi = hi;
    e.offset = g_rand_double_range (rand, -2, 4);
    e.rate = g_rand_double_range (rand, 0, 3);
    e.params = &params;
    e.tc = &tc;
    e.best = INFINITY;
    e.n_valid = 0;
    enumerate (&e, 0);

    for (i = 0; i < n_fg; i++)
      path[i] = 999;
    ok = vk_dp_align (n_fg, n_bg, lo, hi, e.offset, e.rate, &params,
        table_cost, &tc, path, &total, &err);
    if (e.n_valid == 0) {
      fail_if (ok, "trial %u: no valid path, yet the DP found one", trial);
      fail_unless (err != NULL);
      fail_unless (path[0] == 999);
      g_clear_error (&err);
      continue;
    }
    n_feasible++;
    fail_unless (ok, "trial %u: %s", trial, err ? err->message : "?");
    check_path ("exhaustive", n_fg, n_bg, lo, hi, path, e.offset, e.rate,
        &params, table_cost, &tc, total);
    fail_unless (fabs (total - e.best) < 1e-6, "trial %u: DP %f, brute "
        "force %f", trial, total, e.best);
  }
  GST_INFO ("%u of 3000 trials had a valid path", n_feasible);
  fail_unless (n_feasible > 1000);
  g_rand_free (rand);
}

GST_END_TEST;

/* a plain full DP over all bg frames, written independently */
static gdouble
full_dp (guint n_fg, guint n_bg, gdouble offset, gdouble rate,
    const VkDpParams * params, const TableCost * tc)
{
  gdouble *d = g_new (gdouble, n_fg * n_bg), best = INFINITY;
  guint i, j, k;

  for (j = 0; j < n_bg; j++)
    d[j] = tc->c[j];
  for (i = 1; i < n_fg; i++) {
    gdouble e = (gdouble) (vk_line_frame (offset, rate, i) -
        vk_line_frame (offset, rate, i - 1));

    for (j = 0; j < n_bg; j++) {
      gdouble m = INFINITY;

      for (k = 0; k <= params->max_jump && k <= j; k++)
        m = MIN (m, d[(i - 1) * n_bg + j - k] + params->smoothness * fabs (k
                - e));
      d[i * n_bg + j] = m + tc->c[i * n_bg + j];
    }
  }
  for (j = 0; j < n_bg; j++)
    best = MIN (best, d[(n_fg - 1) * n_bg + j]);
  g_free (d);
  return best;
}

GST_START_TEST (test_dp_full_reference)
{
  const guint n_fg = 120, n_bg = 150;
  GRand *rand = g_rand_new_with_seed (77);
  gfloat *c = g_new (gfloat, n_fg * n_bg);
  gint lo[120], hi[120], truth[120];
  guint path[120], trial, i, j;
  TableCost tc = { n_bg, c };

  for (trial = 0; trial < 20; trial++) {
    VkDpParams params = { trial % 5 * 0.2, 1 + trial % 4 };
    gdouble rate = g_rand_double_range (rand, 0.4, 1.2);
    gdouble offset = g_rand_double_range (rand, -5, 20), full, total;
    GError *err = NULL;

    for (i = 0; i < n_fg; i++)
      truth[i] = (gint) vk_line_frame (offset, rate, i);
    for (i = 0; i < n_fg; i++)
      for (j = 0; j < n_bg; j++)
        c[i * n_bg + j] = (gfloat) (0.3 * MIN (fabs ((gdouble) j - truth[i]),
                6.0) + 1.5 * g_rand_double (rand));
    full = full_dp (n_fg, n_bg, offset, rate, &params, &tc);

    /* full band: the same optimum */
    for (i = 0; i < n_fg; i++) {
      lo[i] = -3;
      hi[i] = n_bg + 3;
    }
    fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
            table_cost, &tc, path, &total, &err));
    check_path ("full band", n_fg, n_bg, lo, hi, path, offset, rate,
        &params, table_cost, &tc, total);
    fail_unless (fabs (total - full) < 1e-6 * full, "trial %u: DP %f, full "
        "DP %f", trial, total, full);

    /* a band: never better, and equal when it holds the full optimum */
    vk_band_from_line (n_fg, n_bg, offset, rate, 8, lo, hi);
    fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
            table_cost, &tc, path, &total, &err));
    check_path ("band", n_fg, n_bg, lo, hi, path, offset, rate, &params,
        table_cost, &tc, total);
    fail_unless (total >= full - 1e-6 * full);
    GST_INFO ("trial %u: full %f, band ±8 %f", trial, full, total);
  }
  g_free (c);
  g_rand_free (rand);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Errors */

static gfloat
inf_cost_row (guint fg, guint bg, gpointer user_data)
{
  return fg == GPOINTER_TO_UINT (user_data) ? INFINITY : 1.0f;
}

static gfloat
nan_cost (guint fg, guint bg, gpointer user_data)
{
  return bg == 5 ? 0.0f : NAN;
}

static void
expect_error (guint n_fg, guint n_bg, const gint * lo, const gint * hi,
    const VkDpParams * params, VkCostFunc cost, gpointer data, gint code)
{
  guint path[16];
  gdouble total = 42;
  GError *err = NULL;
  guint i;

  for (i = 0; i < 16; i++)
    path[i] = 999;
  fail_if (vk_dp_align (n_fg, n_bg, lo, hi, 0.0, 1.0, params, cost, data,
          path, &total, &err));
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, VK_TEMPORAL_ERROR, code),
      "expected code %d, got %d: %s", code, err->code, err->message);
  GST_INFO ("error as expected: %s", err->message);
  fail_unless (strlen (err->message) > 10);
  for (i = 0; i < 16; i++)
    fail_unless (path[i] == 999);
  fail_unless (total == 42);
  g_error_free (err);
}

GST_START_TEST (test_dp_errors)
{
  gint lo[4] = { 0, 0, 0, 0 }, hi[4] = { 9, 9, 9, 9 };
  VkDpParams params = { 0.3, 4 };
  guint path[4];

  expect_error (0, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  expect_error (4, 0, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.max_jump = 255;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.max_jump = 4;
  params.smoothness = -1;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.smoothness = NAN;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.smoothness = 0.3;

  /* empty bands: lo > hi, or entirely outside [0, n_bg) */
  lo[2] = 5;
  hi[2] = 4;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);
  lo[2] = 12;
  hi[2] = 20;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);
  lo[2] = -20;
  hi[2] = -1;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);

  /* unreachable: backwards, or too far forward */
  lo[1] = 6;
  hi[1] = 9;
  lo[2] = 0;
  hi[2] = 5;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (99),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  lo[0] = lo[1] = lo[2] = lo[3] = 0;
  hi[0] = hi[1] = 2;
  lo[2] = 7;
  hi[2] = 9;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (99),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  hi[0] = hi[1] = hi[2] = hi[3] = 9;
  lo[2] = 0;

  /* a row of infinite costs */
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (2),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (0),
      VK_TEMPORAL_ERROR_UNREACHABLE);

  /* NaN counts as infinite: the only finite frame is 5 */
  fail_unless (vk_dp_align (4, 10, lo, hi, 0.0, 1.0, &params, nan_cost,
          NULL, path, NULL, NULL));
  fail_unless (path[0] == 5 && path[1] == 5 && path[2] == 5 && path[3] == 5);

  /* infinite costs forbid single cells; the path goes around them */
  fail_unless (vk_dp_align (4, 10, lo, hi, 0.0, 1.0, &params, inf_cost_row,
          GUINT_TO_POINTER (99), path, NULL, NULL));
}

GST_END_TEST;

/* bands clipped at both ends of the bg: the fg starts before the bg and
 * ends after it */
GST_START_TEST (test_dp_clipped_bands)
{
  const guint n_fg = 300, n_bg = 200;
  gint truth[300], lo[300], hi[300];
  guint path[300], i;
  VkDpParams params = { 0.3, 4 };
  SynthCost sc = { truth, 0.0, 0, 1, NULL, 0, 0 };
  gdouble total;
  const gdouble offset = -40.2, rate = 0.9;

  for (i = 0; i < n_fg; i++)
    truth[i] = (gint) vk_line_frame (offset, rate, i);
  vk_band_from_line (n_fg, n_bg, offset, rate, 20, lo, hi);
  /* and some caller bands sticking out further */
  lo[0] -= 100;
  hi[n_fg - 1] += 100;
  fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
          synth_cost, &sc, path, &total, NULL));
  check_path ("clipped", n_fg, n_bg, lo, hi, path, offset, rate, &params,
      synth_cost, &sc, total);
  for (i = 0; i < n_fg; i++) {
    gint expect = CLAMP (truth[i], 0, (gint) n_bg - 1);

    fail_unless ((gint) path[i] == expect, "row %u: %u, expected %d", i,
        path[i], expect);
  }
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
    render_scene (frame, bw, bh, chain_content_time (j) * 0.5, 0.0, 0);
    vk_fingerprint_from_luma (&fbg[j], frame, bw, bw, bh, cx, cy, cw, ch);
  }
  for (i = 0; i < CHAIN_FG; i++) {
    truth[i] = (gint) floor (true_off + true_rate * i);
    render_scene (frame, bw, bh, chain_content_time (truth[i]) * 0.5, 0.0, 0);
    for (y = 0; y < ch / 2; y++) {
      for (x = 0; x < cw / 2; x++) {
        const guint8 *p = frame + (cy + 2 * y) * bw + cx + 2 * x;

        small[y * cw / 2 + x] = clamp_u8 ((p[0] + p[1] + p[bw] + p[bw + 1])
            / 4.0 + 3 * (2 * hash01 (x + 100 * y, i, 8) - 1));
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
  check_path ("chain", CHAIN_FG, CHAIN_BG, lo, hi, path, off, rate, &params,
      fp_cost, &fc, total);
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

  tc = tcase_create ("line");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_line_fit_outliers);
  tcase_add_test (tc, test_line_fit_degenerate);
  tcase_add_test (tc, test_band_from_line);

  tc = tcase_create ("dp");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_dp_synthetic, 0, G_N_ELEMENTS (dp_cases));
  tcase_add_loop_test (tc, test_dp_synthetic_fitted, 0,
      G_N_ELEMENTS (dp_cases));
  tcase_add_test (tc, test_dp_exhaustive);
  tcase_add_test (tc, test_dp_full_reference);
  tcase_add_test (tc, test_dp_errors);
  tcase_add_test (tc, test_dp_clipped_bands);

  tc = tcase_create ("chain");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_chain_synthetic);
  tcase_add_test (tc, test_covered);

  return s;
}

GST_CHECK_MAIN (align_temporal);
