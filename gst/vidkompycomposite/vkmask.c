/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Feather mask of the fg on the output frame.
 *
 * For a sample whose centre lies at c (in fg luma pixels, measured from the
 * fg's left or top edge) on an axis of length len, the distance to the low
 * edge is c and to the high edge len - c. For a luma sample at index d that
 * is d + 0.5, so the weight of an active edge is
 *   profile (clamp ((d + 0.5) / border, 0, 1)),
 * and the weight of a sample is alpha times the minimum over its active
 * edges. A chroma sample of a subsampled plane covers s luma samples of the
 * output grid and uses the weight at its centre.
 *
 * Because every edge weight depends on one axis only and the profile is
 * monotonic, the 2-D minimum is the minimum of one weight per column and one
 * per row: we keep two small tables per plane instead of a full mask.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkmask.h"

/**
 * vk_edges_auto:
 *
 * Returns: the edges of a fg rectangle beyond which some output (bg)
 * remains visible, i.e. the edges that `border-edges=auto` feathers.
 */
guint
vk_edges_auto (gint x, gint y, gint width, gint height, gint out_width,
    gint out_height)
{
  guint edges = 0;

  if (x > 0)
    edges |= VK_EDGE_LEFT;
  if ((gint64) x + width < out_width)
    edges |= VK_EDGE_RIGHT;
  if (y > 0)
    edges |= VK_EDGE_TOP;
  if ((gint64) y + height < out_height)
    edges |= VK_EDGE_BOTTOM;

  return edges;
}

static gdouble
apply_profile (gdouble t, VkBorderProfile profile)
{
  t = CLAMP (t, 0.0, 1.0);
  if (profile == VK_BORDER_PROFILE_SMOOTH)
    return t * t * (3.0 - 2.0 * t);
  return t;
}

/**
 * vk_feather_weight:
 * @c: sample centre along the axis, in fg luma pixels from the low edge
 * @len: fg length along the axis
 * @lo: whether the low (left/top) edge is feathered
 * @hi: whether the high (right/bottom) edge is feathered
 *
 * Returns: the feather weight in [0, 1] along one axis (1 = opaque).
 */
gdouble
vk_feather_weight (gdouble c, gint len, gboolean lo, gboolean hi,
    guint border, VkBorderProfile profile)
{
  gdouble w = 1.0;

  if (border == 0)
    return 1.0;
  if (lo)
    w = MIN (w, apply_profile (c / border, profile));
  if (hi)
    w = MIN (w, apply_profile ((len - c) / border, profile));
  return w;
}

static inline gint
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return (gint) q;
}

/* One axis of one plane: output samples [0, out_len) with subsampling
 * factor s, fg of luma length len at luma position pos, fg plane length
 * fg_len samples. Fills *o0, *o1 (covered output range), *f0 (fg index of
 * *o0) and the weight table, returns the table (g_malloc). */
static guint8 *
build_axis (gint out_len, gint s, gint pos, gint len, gint fg_len,
    gboolean lo, gboolean hi, const VkPlacement * p, gint * o0, gint * o1,
    gint * f0, gint * full0, gint * full1, guint8 wmax)
{
  guint8 *w;
  gint i, first = -1, last = -1;

  for (i = 0; i < out_len; i++) {
    /* doubled centre coordinate relative to the fg origin, in luma px */
    gint64 c2 = 2 * (gint64) s * i + s - 2 * (gint64) pos;
    gint f = floor_div (c2, 2 * (gint64) s);

    if (f < 0)
      continue;
    if (f >= fg_len)
      break;
    if (first < 0) {
      first = i;
      *f0 = f;
    }
    last = i;
  }

  if (first < 0) {
    *o0 = *o1 = *f0 = 0;
    *full0 = *full1 = 0;
    return NULL;
  }

  *o0 = first;
  *o1 = last + 1;
  w = g_malloc (*o1 - *o0);
  *full0 = -1;
  *full1 = -1;
  for (i = *o0; i < *o1; i++) {
    gdouble c = (2.0 * s * i + s - 2.0 * pos) / 2.0;
    gdouble fw = vk_feather_weight (c, len, lo, hi, p->border, p->profile);
    gint v = (gint) floor (255.0 * p->alpha * fw + 0.5);

    w[i - *o0] = CLAMP (v, 0, 255);
    if (w[i - *o0] == wmax) {
      if (*full0 < 0)
        *full0 = i - *o0;
      *full1 = i - *o0 + 1;
    }
  }
  if (*full0 < 0)
    *full0 = *full1 = 0;

  return w;
}

static gboolean
placement_equal (const VkPlacement * a, const VkPlacement * b)
{
  return a->x == b->x && a->y == b->y && a->width == b->width
      && a->height == b->height && a->border == b->border
      && a->profile == b->profile && a->edges == b->edges
      && a->alpha == b->alpha;
}

static void
plane_mask_clear (VkPlaneMask * pm)
{
  g_free (pm->colw);
  g_free (pm->roww);
  memset (pm, 0, sizeof (*pm));
}

/**
 * vk_mask_update:
 * @mask: the cached mask
 * @placement: the fg placement
 * @out_info: the output (and converted fg) format and size
 *
 * Recomputes @mask when the placement or the output changed.
 *
 * Returns: %TRUE when the mask was recomputed.
 */
gboolean
vk_mask_update (VkMask * mask, const VkPlacement * placement,
    const GstVideoInfo * out_info)
{
  const GstVideoFormatInfo *finfo = out_info->finfo;
  guint8 wmax;
  guint p;
  gint v;

  if (mask->valid && mask->format == GST_VIDEO_INFO_FORMAT (out_info)
      && mask->out_width == GST_VIDEO_INFO_WIDTH (out_info)
      && mask->out_height == GST_VIDEO_INFO_HEIGHT (out_info)
      && placement_equal (&mask->placement, placement))
    return FALSE;

  vk_mask_clear (mask);
  mask->placement = *placement;
  mask->format = GST_VIDEO_INFO_FORMAT (out_info);
  mask->out_width = GST_VIDEO_INFO_WIDTH (out_info);
  mask->out_height = GST_VIDEO_INFO_HEIGHT (out_info);
  mask->n_planes = GST_VIDEO_INFO_N_PLANES (out_info);

  v = (gint) floor (255.0 * placement->alpha + 0.5);
  wmax = CLAMP (v, 0, 255);

  for (p = 0; p < mask->n_planes; p++) {
    VkPlaneMask *pm = &mask->planes[p];
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    guint ws, hs;

    gst_video_format_info_component (finfo, p, comp);
    ws = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, comp[0]);
    hs = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, comp[0]);

    pm->wmax = wmax;
    pm->colw = build_axis (GST_VIDEO_INFO_COMP_WIDTH (out_info, comp[0]),
        1 << ws, placement->x, placement->width,
        GST_VIDEO_SUB_SCALE (ws, placement->width),
        placement->edges & VK_EDGE_LEFT, placement->edges & VK_EDGE_RIGHT,
        placement, &pm->x0, &pm->x1, &pm->fx0, &pm->full_x0, &pm->full_x1,
        wmax);
    pm->roww = build_axis (GST_VIDEO_INFO_COMP_HEIGHT (out_info, comp[0]),
        1 << hs, placement->y, placement->height,
        GST_VIDEO_SUB_SCALE (hs, placement->height),
        placement->edges & VK_EDGE_TOP, placement->edges & VK_EDGE_BOTTOM,
        placement, &pm->y0, &pm->y1, &pm->fy0, &pm->full_y0, &pm->full_y1,
        wmax);
    if (pm->colw == NULL || pm->roww == NULL) {
      /* fg entirely outside this plane */
      plane_mask_clear (pm);
    }
  }

  mask->valid = TRUE;
  return TRUE;
}

void
vk_mask_clear (VkMask * mask)
{
  guint p;

  for (p = 0; p < GST_VIDEO_MAX_PLANES; p++)
    plane_mask_clear (&mask->planes[p]);
  memset (mask, 0, sizeof (*mask));
}
