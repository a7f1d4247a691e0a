/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Frame fingerprints, see vkfingerprint.h.
 *
 * Resampler. Source pixel (x, y) covers the unit square [x, x+1) x [y, y+1).
 * The (clipped) source rectangle is cut into dst_w x dst_h equal cells, and
 * every output value is the area-weighted mean of the pixels under its
 * cell: a box filter with exact fractional coverage at the cell edges.
 * The weights are separable, so a cell is covered by a span of columns
 * (first and last with fractional weights, the ones between with weight 1)
 * times a span of rows. Per output row we add up the whole-weight source
 * rows into per-column integer sums (the hot loop: eight pixels at a time
 * in the 16-bit lanes of two 64-bit words, which is portable and about
 * eight times faster than a plain byte loop at -O2), add the two
 * fractional rows, and reduce the columns with the precomputed column
 * spans.
 *
 * pHash. The orthonormal 2-D DCT-II of the 32x32 image, of which only the
 * 8x8 lowest frequencies are computed (as two small matrix products with a
 * cosine table built once). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vkfingerprint.h"

#define PHASH_N 8
/* relative to the largest |AC coefficient|, see vk_fingerprint_from_thumb () */
#define PHASH_DEAD_ZONE 0.005

/* a run of source pixels along one axis covered by one output cell:
 * pixel i0 has weight w0, pixel i1 weight w1 (when i1 > i0) and the pixels
 * between them weight 1; sum is the total weight */
typedef struct
{
  gint i0, i1;
  gdouble w0, w1, sum;
} VkSpan;

static void
span_from_interval (gdouble a, gdouble b, gint n, VkSpan * s)
{
  gint i0, i1;

  if (!(b > a)) {
    /* degenerate cell (only through rounding): sample one pixel */
    i0 = CLAMP ((gint) floor (a), 0, n - 1);
    s->i0 = s->i1 = i0;
    s->w0 = s->w1 = s->sum = 1.0;
    return;
  }

  i0 = CLAMP ((gint) floor (a), 0, n - 1);
  i1 = CLAMP ((gint) ceil (b) - 1, i0, n - 1);
  s->i0 = i0;
  s->i1 = i1;
  if (i0 == i1) {
    s->w0 = s->w1 = s->sum = b - a;
  } else {
    s->w0 = (i0 + 1) - a;
    s->w1 = b - i1;
    s->sum = s->w0 + s->w1 + (i1 - i0 - 1);
  }
}

#define LANE_MASK G_GUINT64_CONSTANT (0x00ff00ff00ff00ff)
/* 257 * 255 = 65535: rows that fit in a 16-bit lane */
#define LANE_ROWS 257

/* acc[x] += sum of src rows [y0, y1) at column x0 + x, for x in [0, w).
 * lanes: scratch of 2 * (w / 8) words. */
static void
sum_rows (const guint8 * src, gint stride, gint x0, gint w, gint y0,
    gint y1, guint32 * acc, guint64 * lanes)
{
  gint n8 = w / 8;
  gint x, y, k, l;

  while (y0 < y1) {
    gint yb = MIN (y1, y0 + LANE_ROWS);

    memset (lanes, 0, 2 * n8 * sizeof (guint64));
    for (y = y0; y < yb; y++) {
      const guint8 *row = src + (gsize) y * stride + x0;

      for (k = 0; k < n8; k++) {
        guint64 v;

        memcpy (&v, row + 8 * k, 8);
        lanes[2 * k] += v & LANE_MASK;
        lanes[2 * k + 1] += (v >> 8) & LANE_MASK;
      }
      for (x = 8 * n8; x < w; x++)
        acc[x] += row[x];
    }

    for (k = 0; k < n8; k++) {
      guint64 e = lanes[2 * k], o = lanes[2 * k + 1];
      guint32 *a = acc + 8 * k;

      for (l = 0; l < 4; l++) {
        guint32 se = (guint32) ((e >> (16 * l)) & 0xffff);
        guint32 so = (guint32) ((o >> (16 * l)) & 0xffff);

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
        a[2 * l] += se;
        a[2 * l + 1] += so;
#else
        a[7 - 2 * l] += se;
        a[6 - 2 * l] += so;
#endif
      }
    }
    y0 = yb;
  }
}

/**
 * vk_luma_resample:
 * @src: 8-bit samples, row y starting at @src + y * @stride
 * @stride: bytes between rows (at least @src_w)
 * @src_w: image width
 * @src_h: image height
 * @rx: left edge of the source rectangle, in source pixels
 * @ry: top edge
 * @rw: width of the rectangle
 * @rh: height of the rectangle
 * @dst: output, @dst_w x @dst_h floats, row major, no padding
 * @dst_w: output width
 * @dst_h: output height
 *
 * Area-averages (box filter with fractional edge coverage, source pixel
 * (x, y) covering [x, x+1) x [y, y+1)) the source rectangle into @dst.
 * The rectangle may be fractional. It is first intersected with the image
 * [0, src_w) x [0, src_h), and the intersection is mapped onto the whole of
 * @dst. When the intersection is empty (or the rectangle not finite, or
 * the image empty), @dst is filled with 0.
 *
 * Up- and downscaling both work; the cost is about one pass over the
 * rectangle's pixels plus dst_h passes over its width (a whole 1080p
 * frame to 32x32: about 0.23 ms on one core of the development machine,
 * see bench/align-dp-bench.c).
 */
void
vk_luma_resample (const guint8 * src, gint stride, gint src_w, gint src_h,
    gdouble rx, gdouble ry, gdouble rw, gdouble rh, gfloat * dst,
    gint dst_w, gint dst_h)
{
  gdouble xa, xb, ya, yb;
  VkSpan *xs, sy;
  gint x0, w, u, v, x;
  guint32 *acc;
  gdouble *col;
  guint64 *lanes;
  gpointer mem;

  g_return_if_fail (dst != NULL);
  g_return_if_fail (dst_w > 0 && dst_h > 0);

  xa = MAX (rx, 0.0);
  xb = MIN (rx + rw, (gdouble) src_w);
  ya = MAX (ry, 0.0);
  yb = MIN (ry + rh, (gdouble) src_h);
  if (src == NULL || src_w <= 0 || src_h <= 0 || stride < src_w
      || !isfinite (rx) || !isfinite (ry) || !isfinite (rw)
      || !isfinite (rh) || !(xb > xa) || !(yb > ya)) {
    memset (dst, 0, (gsize) dst_w * dst_h * sizeof (gfloat));
    return;
  }

  xs = g_new (VkSpan, dst_w);
  for (u = 0; u < dst_w; u++) {
    gdouble a = xa + (xb - xa) * u / dst_w;
    gdouble b = u + 1 == dst_w ? xb : xa + (xb - xa) * (u + 1) / dst_w;

    span_from_interval (a, b, src_w, &xs[u]);
  }
  x0 = xs[0].i0;
  w = xs[dst_w - 1].i1 - x0 + 1;

  /* one block for the scratch arrays: col (doubles) first for alignment */
  mem = g_malloc ((gsize) w * (sizeof (gdouble) + sizeof (guint32))
      + (gsize) 2 * (w / 8 + 1) * sizeof (guint64));
  col = mem;
  lanes = (guint64 *) (col + w);
  acc = (guint32 *) (lanes + 2 * (w / 8 + 1));

  for (v = 0; v < dst_h; v++) {
    gdouble a = ya + (yb - ya) * v / dst_h;
    gdouble b = v + 1 == dst_h ? yb : ya + (yb - ya) * (v + 1) / dst_h;
    const guint8 *r0, *r1;

    span_from_interval (a, b, src_h, &sy);

    memset (acc, 0, (gsize) w * sizeof (guint32));
    if (sy.i1 > sy.i0 + 1)
      sum_rows (src, stride, x0, w, sy.i0 + 1, sy.i1, acc, lanes);

    r0 = src + (gsize) sy.i0 * stride + x0;
    if (sy.i1 > sy.i0) {
      r1 = src + (gsize) sy.i1 * stride + x0;
      for (x = 0; x < w; x++)
        col[x] = acc[x] + sy.w0 * r0[x] + sy.w1 * r1[x];
    } else {
      for (x = 0; x < w; x++)
        col[x] = acc[x] + sy.w0 * r0[x];
    }

    for (u = 0; u < dst_w; u++) {
      const VkSpan *s = &xs[u];
      gint c0 = s->i0 - x0, c1 = s->i1 - x0;
      gdouble sum = s->w0 * col[c0];

      if (c1 > c0) {
        for (x = c0 + 1; x < c1; x++)
          sum += col[x];
        sum += s->w1 * col[c1];
      }
      dst[(gsize) v * dst_w + u] = (gfloat) (sum / (s->sum * sy.sum));
    }
  }

  g_free (mem);
  g_free (xs);
}

/**
 * vk_luma_resample_u8:
 * @dst: (out caller-allocates): @dst_w x @dst_h bytes
 *
 * The whole @src_w x @src_h plane area-averaged to @dst_w x @dst_h
 * (vk_luma_resample ()) and rounded to bytes: the low-resolution copy the
 * aligner keeps of a frame.
 */
void
vk_luma_resample_u8 (const guint8 * src, gint stride, gint src_w, gint src_h,
    guint8 * dst, gint dst_w, gint dst_h)
{
  gfloat *tmp = g_new (gfloat, dst_w * dst_h);
  gint k;

  vk_luma_resample (src, stride, src_w, src_h, 0, 0, src_w, src_h, tmp,
      dst_w, dst_h);
  for (k = 0; k < dst_w * dst_h; k++)
    dst[k] = (guint8) CLAMP (floorf (tmp[k] + 0.5f), 0, 255);
  g_free (tmp);
}

/* basis[k * 32 + n]: orthonormal DCT-II basis function k at sample n */
static const gdouble *
dct_basis (void)
{
  static gdouble basis[PHASH_N * VK_THUMB_W];
  static gsize init = 0;

  if (g_once_init_enter (&init)) {
    gint k, n;

    for (k = 0; k < PHASH_N; k++) {
      gdouble scale = sqrt ((k == 0 ? 1.0 : 2.0) / VK_THUMB_W);

      for (n = 0; n < VK_THUMB_W; n++)
        basis[k * VK_THUMB_W + n] =
            scale * cos (G_PI * (2 * n + 1) * k / (2.0 * VK_THUMB_W));
    }
    g_once_init_leave (&init, 1);
  }
  return basis;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static guint64
phash_from_image (const gfloat * img)
{
  const gdouble *basis = dct_basis ();
  gdouble rows[VK_THUMB_H][PHASH_N];
  gdouble coef[PHASH_N * PHASH_N], sorted[PHASH_N * PHASH_N - 1];
  gdouble median, amax, threshold;
  guint64 hash = 0;
  gint x, y, k, l;

  /* along x: rows[y][k] = sum_x img[y][x] basis[k][x] */
  for (y = 0; y < VK_THUMB_H; y++) {
    const gfloat *line = img + y * VK_THUMB_W;

    for (k = 0; k < PHASH_N; k++) {
      const gdouble *b = basis + k * VK_THUMB_W;
      gdouble s = 0.0;

      for (x = 0; x < VK_THUMB_W; x++)
        s += line[x] * b[x];
      rows[y][k] = s;
    }
  }
  /* along y: coef[l][k] = sum_y basis[l][y] rows[y][k] */
  for (l = 0; l < PHASH_N; l++) {
    const gdouble *b = basis + l * VK_THUMB_H;

    for (k = 0; k < PHASH_N; k++) {
      gdouble s = 0.0;

      for (y = 0; y < VK_THUMB_H; y++)
        s += b[y] * rows[y][k];
      coef[l * PHASH_N + k] = s;
    }
  }

  /* the median of the 63 AC coefficients (the 32nd smallest) */
  memcpy (sorted, coef + 1, sizeof (sorted));
  qsort (sorted, G_N_ELEMENTS (sorted), sizeof (gdouble), compare_doubles);
  median = sorted[G_N_ELEMENTS (sorted) / 2];
  amax = MAX (fabs (sorted[0]), fabs (sorted[G_N_ELEMENTS (sorted) - 1]));

  /* coefficients within the dead zone below the median count as above
   * it, see vk_fingerprint_from_thumb () */
  threshold = median - PHASH_DEAD_ZONE * amax;
  for (k = 1; k < PHASH_N * PHASH_N; k++) {
    if (coef[k] > threshold)
      hash |= G_GUINT64_CONSTANT (1) << k;
  }
  return hash;
}

/**
 * vk_fingerprint_from_thumb:
 * @fp: the fingerprint to fill
 * @img32: a VK_THUMB_W x VK_THUMB_H image, row major (e.g. from
 *   vk_luma_resample ())
 *
 * Computes the pHash and the normalised 16x16 thumbnail of @img32, see
 * #VkFingerprint. A flat image (see VK_FLAT_EPSILON) gets phash 0,
 * stddev 0 and an all-zero thumb; nothing is ever NaN for finite input
 * (and non-finite input gives a flat fingerprint with mean 0).
 *
 * pHash bits. Plain "coefficient > median" lets numerical noise decide
 * the bits of coefficients that are zero by the image's structure (for a
 * horizontal gradient 59 of the 63 are), so the hash of such an image
 * would flip half its bits under the slightest noise. The threshold is
 * therefore the median minus a dead zone of 0.5 % of the largest
 * |AC coefficient|: coefficients indistinguishable from the median set
 * their bit consistently. The dead zone scales with the image, so the hash
 * stays invariant under positive brightness scales and offsets.
 */
void
vk_fingerprint_from_thumb (VkFingerprint * fp, const gfloat * img32)
{
  gdouble fine[VK_FINE_SIZE];
  gdouble sum = 0.0, mean, var = 0.0, sd, inv;
  gint x, y, i;

  g_return_if_fail (fp != NULL);
  g_return_if_fail (img32 != NULL);

  for (y = 0; y < VK_FINE_H; y++) {
    const gfloat *r0 = img32 + 2 * y * VK_THUMB_W;
    const gfloat *r1 = r0 + VK_THUMB_W;

    for (x = 0; x < VK_FINE_W; x++) {
      gdouble t = 0.25 * ((gdouble) r0[2 * x] + r0[2 * x + 1] + r1[2 * x]
          + r1[2 * x + 1]);

      fine[y * VK_FINE_W + x] = t;
      sum += t;
    }
  }
  mean = sum / VK_FINE_SIZE;
  for (i = 0; i < VK_FINE_SIZE; i++)
    var += (fine[i] - mean) * (fine[i] - mean);
  var /= VK_FINE_SIZE;
  sd = sqrt (var);

  if (!(sd > VK_FLAT_EPSILON * (1.0 + fabs (mean))) || !isfinite (sd)) {
    fp->phash = 0;
    fp->mean = isfinite (mean) ? (gfloat) mean : 0.0f;
    fp->stddev = 0.0f;
    memset (fp->thumb, 0, sizeof (fp->thumb));
    return;
  }

  fp->mean = (gfloat) mean;
  fp->stddev = (gfloat) sd;
  /* L2 norm of (fine - mean) is sqrt (VK_FINE_SIZE * var) */
  inv = 1.0 / (sd * sqrt ((gdouble) VK_FINE_SIZE));
  for (i = 0; i < VK_FINE_SIZE; i++)
    fp->thumb[i] = (gfloat) ((fine[i] - mean) * inv);

  fp->phash = phash_from_image (img32);
}

/**
 * vk_fingerprint_from_luma:
 *
 * vk_luma_resample () of the rectangle to VK_THUMB_W x VK_THUMB_H followed
 * by vk_fingerprint_from_thumb ().
 */
void
vk_fingerprint_from_luma (VkFingerprint * fp, const guint8 * src,
    gint stride, gint src_w, gint src_h, gdouble rx, gdouble ry,
    gdouble rw, gdouble rh)
{
  gfloat img[VK_THUMB_W * VK_THUMB_H];

  vk_luma_resample (src, stride, src_w, src_h, rx, ry, rw, rh, img,
      VK_THUMB_W, VK_THUMB_H);
  vk_fingerprint_from_thumb (fp, img);
}

/**
 * vk_phash_distance:
 *
 * Returns: the Hamming distance of two pHashes, 0 .. VK_PHASH_BITS.
 */
guint
vk_phash_distance (guint64 a, guint64 b)
{
#if defined(__GNUC__) || defined(__clang__)
  return (guint) __builtin_popcountll (a ^ b);
#else
  guint64 v = a ^ b;

  v = v - ((v >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
  v = (v & G_GUINT64_CONSTANT (0x3333333333333333))
      + ((v >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
  v = (v + (v >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
  return (guint) ((v * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
#endif
}

/**
 * vk_thumb_distance:
 *
 * Returns: 1 − NCC of the two 16x16 thumbnails, in [0, 2]: 0 for the same
 * image up to a positive brightness scale and offset, 1 for uncorrelated
 * images, 2 for a negative. Two flat images are at distance 0, a flat and
 * a non-flat one at distance 1.
 */
gfloat
vk_thumb_distance (const VkFingerprint * a, const VkFingerprint * b)
{
  gfloat s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f, d;
  gint i;

  g_return_val_if_fail (a != NULL && b != NULL, 1.0f);

  if (a->stddev == 0.0f || b->stddev == 0.0f)
    return a->stddev == b->stddev ? 0.0f : 1.0f;

  /* four independent sums: no serial dependency on one accumulator */
  for (i = 0; i < VK_FINE_SIZE; i += 4) {
    s0 += a->thumb[i] * b->thumb[i];
    s1 += a->thumb[i + 1] * b->thumb[i + 1];
    s2 += a->thumb[i + 2] * b->thumb[i + 2];
    s3 += a->thumb[i + 3] * b->thumb[i + 3];
  }
  d = 1.0f - ((s0 + s1) + (s2 + s3));
  return CLAMP (d, 0.0f, 2.0f);
}
