/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The outputs of vidkompyalign in both modes, see vkalignout.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/vidkompy/vidkompy.h>

#include "vkalignment.h"
#include "vkalignout.h"

/**
 * vk_out_caps:
 * @info: the input's format
 * @fg_info: (nullable): the fg's, once known
 *
 * Returns: the caps of the output of the input of @info: its own, at the
 * fg's frame rate (one buffer per fg frame).
 */
GstCaps *
vk_out_caps (const GstVideoInfo * info, const GstVideoInfo * fg_info)
{
  GstCaps *caps = gst_video_info_to_caps (info);

  if (fg_info)
    gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION,
        GST_VIDEO_INFO_FPS_N (fg_info), GST_VIDEO_INFO_FPS_D (fg_info), NULL);
  return caps;
}

/**
 * vk_out_add_meta:
 * @buf: a writable output buffer
 * @m: what its meta says
 *
 * Adds the #GstVidkompyAlignmentMeta: the confidence is 1 − cost, at most
 * VK_TIE_CONFIDENCE on a tie.
 */
void
vk_out_add_meta (GstBuffer * buf, const VkOutMeta * m)
{
  GstVidkompyAlignmentMeta *meta = gst_buffer_add_vidkompy_alignment_meta (buf);

  meta->fg_index = m->fg_index;
  meta->bg_index = m->bg_index;
  meta->bg_pts = m->bg_pts;
  meta->cost = m->cost;
  meta->confidence = CLAMP (1.0 - m->cost, 0.0, 1.0);
  if (m->tie)
    meta->confidence = MIN (meta->confidence, VK_TIE_CONFIDENCE);
  meta->x = m->x;
  meta->y = m->y;
  meta->scale = m->scale;
  meta->spatial_confidence = m->spatial_confidence;
}

/**
 * vk_out_bg_buffer:
 * @bg: the matched bg frame
 * @pts: the fg frame's timestamp
 * @duration: the fg frame's duration
 * @m: the meta
 *
 * Returns: (transfer full): the bg output of a fg frame: a new buffer
 * sharing @bg's memory (its pixels untouched), on the fg's timeline.
 */
GstBuffer *
vk_out_bg_buffer (GstBuffer * bg, GstClockTime pts, GstClockTime duration,
    const VkOutMeta * m)
{
  GstBuffer *out = gst_buffer_copy (bg);

  GST_BUFFER_PTS (out) = pts;
  GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (out) = duration;
  vk_out_add_meta (out, m);
  return out;
}
