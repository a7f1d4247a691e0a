/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Native blending of a fg frame onto a bg frame, plane by plane, in any
 * 8-bit format whose planes hold samples of 1 (planar), 2 (NV12/NV21
 * chroma) or 4 (packed RGBA/AYUV) bytes. The output is written in a single
 * pass from the two inputs: bg outside the fg, a plain copy of the fg in
 * its opaque interior, a constant-weight lerp in the interior when alpha is
 * below 1, and per-sample weights only in the border strips. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vkblend.h"
#include "vkblendorc.h"

/* Must give exactly what orc's div255w gives. */
static inline guint8
lerp255 (guint fg, guint bg, guint w)
{
  guint t = fg * w + bg * (255 - w) + 128;

  return (guint8) ((t + (t >> 8)) >> 8);
}

static void
blend_c_1 (guint8 * restrict d, const guint8 * restrict fg,
    const guint8 * restrict bg, const guint8 * restrict w, gint n)
{
  gint i;

  for (i = 0; i < n; i++)
    d[i] = lerp255 (fg[i], bg[i], w[i]);
}

static void
blend_c_2 (guint8 * restrict d, const guint8 * restrict fg,
    const guint8 * restrict bg, const guint8 * restrict w, gint n)
{
  gint i;

  for (i = 0; i < 2 * n; i++)
    d[i] = lerp255 (fg[i], bg[i], w[i >> 1]);
}

static void
blend_c_4 (guint8 * restrict d, const guint8 * restrict fg,
    const guint8 * restrict bg, const guint8 * restrict w, gint n)
{
  gint i;

  for (i = 0; i < 4 * n; i++)
    d[i] = lerp255 (fg[i], bg[i], w[i >> 2]);
}

static void
blend_c_const (guint8 * restrict d, const guint8 * restrict fg,
    const guint8 * restrict bg, guint w, gint n)
{
  gint i;

  for (i = 0; i < n; i++)
    d[i] = lerp255 (fg[i], bg[i], w);
}

static void
blend_orc_const (guint8 * d, const guint8 * fg, const guint8 * bg, guint w,
    gint n)
{
  vk_orc_blend_const_u8 (d, fg, bg, w, n);
}

const VkBlendKernels vk_blend_kernels_orc = {
  "orc", vk_orc_blend_u8, vk_orc_blend_2u8, vk_orc_blend_4u8,
  blend_orc_const
};

const VkBlendKernels vk_blend_kernels_c = {
  "c", blend_c_1, blend_c_2, blend_c_4, blend_c_const
};

const VkBlendKernels *vk_blend_kernels_default = &vk_blend_kernels_orc;

/**
 * vk_blend_format_supported:
 *
 * Returns: whether vk_blend_frame() handles @format natively.
 */
gboolean
vk_blend_format_supported (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_YV12:
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_NV21:
    case GST_VIDEO_FORMAT_Y41B:
    case GST_VIDEO_FORMAT_Y42B:
    case GST_VIDEO_FORMAT_Y444:
    case GST_VIDEO_FORMAT_AYUV:
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_ARGB:
    case GST_VIDEO_FORMAT_ABGR:
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_xRGB:
    case GST_VIDEO_FORMAT_xBGR:
    case GST_VIDEO_FORMAT_GRAY8:
      return TRUE;
    default:
      return FALSE;
  }
}

#define CHUNK 512

/* n samples of pstride bytes starting at sample index i of the span */
static inline void
blend_var (const VkBlendKernels * k, guint pstride, guint8 * d,
    const guint8 * fg, const guint8 * bg, const guint8 * w, gint n)
{
  if (n <= 0)
    return;
  switch (pstride) {
    case 1:
      k->row1 (d, fg, bg, w, n);
      break;
    case 2:
      k->row2 (d, fg, bg, w, n);
      break;
    default:
      k->row4 (d, fg, bg, w, n);
      break;
  }
}

static inline void
blend_const (const VkBlendKernels * k, guint8 * d, const guint8 * fg,
    const guint8 * bg, guint w, gint n_bytes)
{
  if (n_bytes <= 0)
    return;
  if (w == 255)
    memcpy (d, fg, n_bytes);
  else if (w == 0)
    memcpy (d, bg, n_bytes);
  else
    k->row_const (d, fg, bg, w, n_bytes);
}

/* Per-sample weights MIN (colw[i], rw) for samples [i0, i1) of the span. */
static void
blend_min_var (const VkBlendKernels * k, guint ps, guint8 * d,
    const guint8 * fg, const guint8 * bg, const guint8 * colw, guint8 rw,
    gint i0, gint i1)
{
  guint8 w[CHUNK];
  gint i, c;

  for (i = i0; i < i1; i += CHUNK) {
    gint len = MIN (CHUNK, i1 - i);

    for (c = 0; c < len; c++)
      w[c] = MIN (colw[i + c], rw);
    blend_var (k, ps, d + i * ps, fg + i * ps, bg + i * ps, w, len);
  }
}

/* Blends one row of the fg rectangle: samples [x0, x1) of the plane. The
 * columns [full_x0, full_x1) have the maximum column weight, so there the
 * weight is the row's: one constant-weight run (or copy) per row, and
 * per-sample weights only in the side strips. */
static void
blend_span (const VkBlendKernels * k, const VkPlaneMask * pm, gint j,
    guint ps, guint8 * d, const guint8 * fg, const guint8 * bg)
{
  gint n = pm->x1 - pm->x0;
  gint a = pm->full_x0, b = pm->full_x1;
  guint8 rw = pm->roww[j];

  if (rw == 0) {
    memcpy (d, bg, n * ps);
  } else if (rw == pm->wmax) {
    blend_var (k, ps, d, fg, bg, pm->colw, a);
    blend_const (k, d + a * ps, fg + a * ps, bg + a * ps, rw, (b - a) * ps);
    blend_var (k, ps, d + b * ps, fg + b * ps, bg + b * ps, pm->colw + b,
        n - b);
  } else {
    blend_min_var (k, ps, d, fg, bg, pm->colw, rw, 0, a);
    blend_const (k, d + a * ps, fg + a * ps, bg + a * ps, rw, (b - a) * ps);
    blend_min_var (k, ps, d, fg, bg, pm->colw, rw, b, n);
  }
}

/**
 * vk_blend_frame:
 * @out: output frame, same format and size as @bg
 * @bg: background frame
 * @fg: (nullable): fg frame converted to the output format, of the size
 *   given by the mask's placement; %NULL outputs the bg only
 * @mask: the mask computed for @out's format and the fg placement
 * @band: which of @n_bands horizontal bands of every plane to process
 *
 * Writes band @band of @out from @bg and @fg. Bands can be processed
 * concurrently.
 */
void
vk_blend_frame (GstVideoFrame * out, const GstVideoFrame * bg,
    const GstVideoFrame * fg, const VkMask * mask,
    const VkBlendKernels * k, guint band, guint n_bands)
{
  const GstVideoFormatInfo *finfo = out->info.finfo;
  guint p;

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (out); p++) {
    const VkPlaneMask *pm = &mask->planes[p];
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    guint ps;
    gint width, height, r, r0, r1, row_bytes;
    gint ostride, bstride, fstride = 0;
    guint8 *odata;
    const guint8 *bdata, *fdata = NULL;
    gboolean has_fg;

    gst_video_format_info_component (finfo, p, comp);
    ps = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0]);
    width = GST_VIDEO_FRAME_COMP_WIDTH (out, comp[0]);
    height = GST_VIDEO_FRAME_COMP_HEIGHT (out, comp[0]);
    row_bytes = width * ps;
    r0 = (gint) ((gint64) height * band / n_bands);
    r1 = (gint) ((gint64) height * (band + 1) / n_bands);

    odata = GST_VIDEO_FRAME_PLANE_DATA (out, p);
    ostride = GST_VIDEO_FRAME_PLANE_STRIDE (out, p);
    bdata = GST_VIDEO_FRAME_PLANE_DATA (bg, p);
    bstride = GST_VIDEO_FRAME_PLANE_STRIDE (bg, p);
    has_fg = fg != NULL && pm->colw != NULL && pm->x1 > pm->x0;
    if (has_fg) {
      fdata = GST_VIDEO_FRAME_PLANE_DATA (fg, p);
      fstride = GST_VIDEO_FRAME_PLANE_STRIDE (fg, p);
    }

    for (r = r0; r < r1; r++) {
      guint8 *d = odata + (gsize) r * ostride;
      const guint8 *b = bdata + (gsize) r * bstride;
      const guint8 *f;
      gint j;

      if (!has_fg || r < pm->y0 || r >= pm->y1) {
        memcpy (d, b, row_bytes);
        continue;
      }

      j = r - pm->y0;
      f = fdata + (gsize) (pm->fy0 + j) * fstride + (gsize) pm->fx0 * ps;
      memcpy (d, b, pm->x0 * ps);
      blend_span (k, pm, j, ps, d + pm->x0 * ps, f, b + pm->x0 * ps);
      memcpy (d + pm->x1 * ps, b + pm->x1 * ps, (width - pm->x1) * ps);
    }
  }
}
