/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal: the warnings and match messages of vidkompyalign's streaming
 * mode (texts and
 * details in docs/vidkompyalign.md, "Streaming mode"). */

#ifndef __VK_STREAM_MSG_H__
#define __VK_STREAM_MSG_H__

#include <gst/gst.h>

G_BEGIN_DECLS

void vk_stream_warn_lag (GstElement * element, GstClockTimeDiff lag,
    GstClockTime latency, GstClockTime needed, guint fg_index,
    GstClockTimeDiff content_off, GstClockTime fg_rt, GstClockTime bg_rt);

void vk_stream_warn_refused (GstElement * element, gdouble x, gdouble y,
    gdouble scale, gdouble match, gdouble spatial, const gchar * why);

void vk_stream_warn_not_found (GstElement * element, GstClockTime searched,
    GstClockTime latency, const gchar * where);

void vk_stream_post_match (GstElement * element, gboolean lost,
    guint fg_index, GstClockTime fg_pts, guint bg_index, gdouble cost,
    guint lost_frames);

void vk_stream_warn_retimed (GstElement * element, guint fg_index,
    GstClockTime pts, GstClockTime prev);

G_END_DECLS

#endif /* __VK_STREAM_MSG_H__ */
