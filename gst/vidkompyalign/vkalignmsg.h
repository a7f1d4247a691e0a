/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignmsg: the vidkompy-alignment message, one builder for both modes
 * (docs/reference/messages/vidkompyalign.md lists its fields). */

#ifndef __VK_ALIGN_MSG_H__
#define __VK_ALIGN_MSG_H__

#include <gst/gst.h>

#include "vkalignment.h"

G_BEGIN_DECLS

/**
 * VkAlignMsg:
 * @mode: "global" or "streaming"
 * @stage: "estimate" or "final"
 * @source: "analysis", "file" or "cache"
 * @analysed: percent of the analysis (global) or of the search's window
 *   (streaming: 100) the message is based on
 * @x: the fg's left edge in the bg, bg pixels
 * @y: its top edge
 * @scale: bg pixels per fg pixel
 * @spatial_confidence: 0..1
 * @confidence: temporal confidence, 0..1
 * @bg_fps: frame rate of the frames the result counts in
 * @fg_fps: likewise
 * @bg0: stream time of the bg frame the result's offset counts from
 * @n_fg: fg frames matched (or analysed so far)
 * @n_bg: bg frames analysed
 * @analysis_time: seconds reading frames before the alignment
 * @alignment_time: seconds aligning
 * @refine_time: seconds refining the position on full-resolution frames
 * @retimed: fg frames whose timestamps were retimed (final only)
 *
 * What a vidkompy-alignment message says besides the #VkAlignResult.
 */
    typedef struct
{
  const gchar *mode, *stage, *source;
  gdouble analysed;
  gint x, y;
  gint fg_width, fg_height;     /* the fg frame's size, fg pixels */
  gdouble scale, spatial_confidence, confidence;
  gdouble bg_fps, fg_fps;
  GstClockTime bg0;
  guint n_fg, n_bg;
  gdouble analysis_time, alignment_time, refine_time;
  guint retimed;
} VkAlignMsg;

void vk_align_msg_post (GstElement * element, const VkAlignResult * r,
    const VkAlignMsg * m);

void vk_align_warn_uncovered (GstElement * element, const VkAlignResult * r,
    gboolean drop, gboolean cut);

gboolean vk_align_not_found (GstElement * element, gboolean strict,
    const gchar * reason, const gchar * then);

G_END_DECLS

#endif /* __VK_ALIGN_MSG_H__ */
