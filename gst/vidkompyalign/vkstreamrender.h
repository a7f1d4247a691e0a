/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal: the streaming mode of vidkompyalign (bounded latency), driven by the element's pads. See vkstreamrender.c. */

#ifndef __VK_STREAM_RENDER_H__
#define __VK_STREAM_RENDER_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "vkalignment.h"

G_BEGIN_DECLS
/**
 * VkStreamConfig:
 * @element: the aligner (messages, errors)
 * @bg_sink, @fg_sink, @bg_src, @fg_src: its pads
 * @bg_info, @fg_info: the inputs' video info, owned by the element and
 *   valid once their caps arrived (the element tells each new one with
 *   vk_stream_render_caps ())
 * @bg_segment, @fg_segment: the inputs' segments, owned by the element
 * @bg_feeder, @fg_feeder: (atomic) the thread that last fed each input,
 *   owned by the element
 * @latency: the largest time from a fg frame's arrival to its output (ns)
 * @opts: position options (fixed position/scale, prefer_unscaled,
 *   match_region)
 * @strict: a fg not found is an error (the element's strict property)
 */
    typedef struct
{
  GstElement *element;
  GstPad *bg_sink, *fg_sink, *bg_src, *fg_src;
  const GstVideoInfo *bg_info, *fg_info;
  const GstSegment *bg_segment, *fg_segment;
  gpointer *bg_feeder, *fg_feeder;
  GstClockTime latency;
  VkAlignOptions opts;
  gboolean strict;
  /* runs @func (@element, @data) on the element's worker thread (the
   * searches of live inputs), which a stop of the element waits for */
  void (*run_job) (GstElement * element, const gchar * name,
      GstElementCallAsyncFunc func, gpointer data);
} VkStreamConfig;

typedef struct _VkStreamRender VkStreamRender;

gboolean vk_stream_peer_live (GstPad * sinkpad);
VkStreamRender *vk_stream_render_new (const VkStreamConfig * config);

void vk_stream_render_free (VkStreamRender * r);

GstFlowReturn vk_stream_render_chain (VkStreamRender * r, gboolean is_fg,
    GstBuffer * buf);

gboolean vk_stream_render_event (VkStreamRender * r, gboolean is_fg,
    GstEvent * event);

void vk_stream_render_segment (VkStreamRender * r, gboolean is_fg,
    GstEvent * event);

void vk_stream_render_caps (VkStreamRender * r, gboolean is_fg,
    const GstVideoInfo * info);

void vk_stream_render_stop (VkStreamRender * r);

void vk_stream_render_seek_begin (VkStreamRender * r);

void vk_stream_render_seek_end (VkStreamRender * r);

G_END_DECLS
#endif /* __VK_STREAM_RENDER_H__ */
