/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Seeks of vidkompyalign's outputs: the streaming mode's (both inputs to
 * the position, refused at once when an input cannot seek) and the frame
 * range of a seek's stop in the global mode. */

#ifndef __VK_SEEK_H__
#define __VK_SEEK_H__

#include <gst/gst.h>

#include "vkstreamrender.h"

G_BEGIN_DECLS

/* global mode: the bg of a seek with a stop plays this many bg frames past
 * the dense alignment's choice for the last fg frame before the stop (the
 * render's candidates reach its radius, and the picks may run ahead of
 * the choice by about as much) */
#define VK_SEEK_BG_STOP_FRAMES(radius) (2 * (radius) + 2)

/* the fields of a seek event (gst_event_parse_seek ()) */
typedef struct
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
} VkSeekArgs;

void vk_seek_parse (GstEvent * event, VkSeekArgs * a);

gboolean vk_seek_peer_seekable (GstPad * sinkpad);

gboolean vk_seek_refuse (gpointer obj, GstEvent * event, const gchar * why);

void vk_seek_flush_outputs (GstPad * bg_src, GstPad * fg_src,
    guint32 seqnum);

gboolean vk_seek_peers_seekable (GstPad * bg_sink, GstPad * fg_sink);

gboolean vk_seek_streaming (GstElement * element, VkStreamRender * r,
    GstPad * bg_sink, GstPad * fg_sink, GstEvent * event, gboolean begun,
    GstClockTime latency);

guint vk_seek_frames_before (const GArray * pts, GstClockTime stop);

G_END_DECLS

#endif /* __VK_SEEK_H__ */
