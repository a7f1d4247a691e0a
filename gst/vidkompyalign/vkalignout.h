/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignout: what the outputs of vidkompyalign carry in both modes: the
 * caps of an output (its input's, at the fg's frame rate: one buffer per
 * fg frame), the retimed bg buffer and the alignment meta of every output
 * buffer. */

#ifndef __VK_ALIGN_OUT_H__
#define __VK_ALIGN_OUT_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/**
 * VkOutMeta:
 * @fg_index: the fg frame
 * @bg_index: its bg frame
 * @bg_pts: the bg frame's own timestamp
 * @cost: their matching cost (0 same, 1 unrelated)
 * @tie: another bg frame matched as well: the confidence is at most
 *   VK_TIE_CONFIDENCE
 * @x: the fg's place in the bg, bg pixels
 * @y: the fg's place in the bg, bg pixels
 * @scale: the fg's scale in the bg
 * @spatial_confidence: how sure the place is, 0 .. 1
 *
 * The #GstVidkompyAlignmentMeta of an output buffer.
 */
typedef struct
{
  guint fg_index, bg_index;
  GstClockTime bg_pts;
  gfloat cost;
  gboolean tie;
  gint x, y;
  gdouble scale, spatial_confidence;
} VkOutMeta;

GstCaps *vk_out_caps (const GstVideoInfo * info, const GstVideoInfo * fg_info);

void vk_out_add_meta (GstBuffer * buf, const VkOutMeta * m);

GstBuffer *vk_out_bg_buffer (GstBuffer * bg, GstClockTime pts,
    GstClockTime duration, const VkOutMeta * m);

G_END_DECLS

#endif /* __VK_ALIGN_OUT_H__ */
