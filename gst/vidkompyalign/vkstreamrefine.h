/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal: the streaming mode's work on mapped frames: the refinement of
 * a placement on full-resolution frames (vk_spatial_refine ()), the
 * low-resolution copies for the position search. */

#ifndef __VK_STREAM_REFINE_H__
#define __VK_STREAM_REFINE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "vkalignment.h"
#include "vkspatial.h"

G_BEGIN_DECLS

gboolean vk_stream_refine (const GstVideoInfo * fg_info, GstBuffer * fgbuf,
    const GstVideoInfo * bg_info, GstBuffer ** bgbufs, guint n_bg,
    const VkAlignResult * res, gboolean prefer_unscaled, gdouble fixed_scale,
    gdouble radius, VkPlacementEstimate * best);

guint8 *vk_stream_low_copy (const GstVideoInfo * info, GstBuffer * buf,
    gint width, gint height);

G_END_DECLS

#endif /* __VK_STREAM_REFINE_H__ */
