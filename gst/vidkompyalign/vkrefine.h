/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkrefine: the work on mapped full-resolution frames that both modes of
 * vidkompyalign share: a placement refined on a frame pair
 * (vk_spatial_refine ()), and the low-resolution copy of a frame's luma
 * that the position search and the analysis use. */

#ifndef __VK_REFINE_H__
#define __VK_REFINE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "vkalignment.h"
#include "vkjoint.h"
#include "vkspatial.h"

G_BEGIN_DECLS

gboolean vk_refine_placement (const VkLuma * bg, const VkLuma * fg,
    const VkAlignResult * res, gboolean prefer_unscaled, gdouble fixed_scale,
    gint bg_low_width, VkPlacementEstimate * out, GError ** error);

/* the position is refined on full frames pairing a fg frame with the bg
 * frames up to this far from its match (on moving content the moment
 * check needs them all: the match is a frame or two off where the coarse
 * place was), both modes: the moment check's own radius, one value */
#define VK_REFINE_RADIUS VK_MOMENT_RADIUS
/* ... on still content, where the best-correlating pair wins, up to this
 * far (a search of live inputs must not keep their frames waiting) */
#define VK_REFINE_RADIUS_STILL 2
/* ... on still content without a moment check to make, the nearest pair
 * alone when it correlates within this of perfectly (the global mode's
 * 1080p60 speed pair: one refinement instead of five) */
#define VK_REFINE_DONE 1e-3
/* the most bg frames vk_refine_pairs () pairs a fg frame with */
#define VK_REFINE_MAX_PAIRS (2 * VK_REFINE_RADIUS + 1)

guint vk_refine_frames (guint match, guint n_frames, gboolean moving,
    guint * index);

gint vk_refine_pick_moment (VkAlignResult * res,
    const VkPlacementEstimate * places, const guint * b, guint n, guint f,
    gdouble * scores);

gboolean vk_refine_pairs (const GstVideoInfo * fg_info, GstBuffer * fgbuf,
    guint fg_index, const GstVideoInfo * bg_info, GstBuffer ** bgbufs,
    const guint * bg_index, guint n_bg, VkAlignResult * res,
    const VkStreamSummary * bg_low, const VkStreamSummary * fg_low,
    gboolean prefer_unscaled, gdouble fixed_scale, gint bg_low_width,
    const VkParallel * par, VkPlacementEstimate * best);

gboolean vk_low_copy (const GstVideoInfo * info, GstBuffer * buf,
    gint width, gint height, guint8 * dst);

gfloat *vk_desc_of_buffer (const GstVideoInfo * info, GstBuffer * buf,
    gdouble rx, gdouble ry, gdouble rw, gdouble rh, gint desc_width,
    gint desc_height);

G_END_DECLS
#endif /* __VK_REFINE_H__ */
