/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __VK_MASK_H__
#define __VK_MASK_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

/**
 * VkBorderProfile:
 * @VK_BORDER_PROFILE_LINEAR: the weight rises linearly across the border
 * @VK_BORDER_PROFILE_SMOOTH: the linear ramp passed through smoothstep
 *   (3t² − 2t³), which has no visible kink where the border meets the
 *   opaque interior
 */
typedef enum
{
  VK_BORDER_PROFILE_LINEAR,
  VK_BORDER_PROFILE_SMOOTH,
} VkBorderProfile;

/**
 * VkEdge:
 *
 * Bit mask of fg edges that are feathered.
 */
typedef enum
{
  VK_EDGE_LEFT = 1 << 0,
  VK_EDGE_RIGHT = 1 << 1,
  VK_EDGE_TOP = 1 << 2,
  VK_EDGE_BOTTOM = 1 << 3,
  VK_EDGE_ALL = 0xf,
} VkEdge;

/**
 * VkPlacement:
 *
 * Where and how the (already scaled) fg frame of @width x @height lands on
 * an output frame. Positions and sizes are in output luma pixels.
 */
typedef struct
{
  gint x, y;
  gint width, height;
  guint border;
  VkBorderProfile profile;
  guint edges;                  /* VkEdge mask of feathered edges */
  gdouble alpha;
} VkPlacement;

/**
 * VkPlaneMask:
 *
 * Per-plane blend weights, separable: the weight of the output sample at
 * column x0 + i and row y0 + j is MIN (colw[i], roww[j]) (0..255, alpha
 * included). Samples outside [x0, x1) x [y0, y1) keep the bg. fx0/fy0 are
 * the fg sample indices of (x0, y0). colw equals wmax on [full_x0, full_x1)
 * and roww on [full_y0, full_y1), the opaque interior, which needs no
 * per-pixel weight.
 */
typedef struct
{
  gint x0, x1, fx0;
  gint y0, y1, fy0;
  guint8 *colw;
  guint8 *roww;
  gint full_x0, full_x1;
  gint full_y0, full_y1;
  guint8 wmax;
} VkPlaneMask;

typedef struct
{
  gboolean valid;
  VkPlacement placement;
  GstVideoFormat format;
  gint out_width, out_height;
  guint n_planes;
  VkPlaneMask planes[GST_VIDEO_MAX_PLANES];
} VkMask;

guint vk_edges_auto (gint x, gint y, gint width, gint height,
    gint out_width, gint out_height);

gdouble vk_feather_weight (gdouble c, gint len, gboolean lo, gboolean hi,
    guint border, VkBorderProfile profile);

gboolean vk_mask_update (VkMask * mask, const VkPlacement * placement,
    const GstVideoInfo * out_info);

void vk_mask_clear (VkMask * mask);

G_END_DECLS

#endif /* __VK_MASK_H__ */
