/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkseek.h"

/* the element's category (gstvidkompyalign.c) */
GST_DEBUG_CATEGORY_EXTERN (gst_vidkompy_align_debug);
#define GST_CAT_DEFAULT gst_vidkompy_align_debug

/* @event's fields, in @a */
void
vk_seek_parse (GstEvent * event, VkSeekArgs * a)
{
  gst_event_parse_seek (event, &a->rate, &a->format, &a->flags,
      &a->start_type, &a->start, &a->stop_type, &a->stop);
}

/* whether the input of @sinkpad answers the SEEKING query as seekable in
 * time */
gboolean
vk_seek_peer_seekable (GstPad * sinkpad)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_TIME);
  gboolean seekable = FALSE;

  if (gst_pad_peer_query (sinkpad, q))
    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
  gst_query_unref (q);
  return seekable;
}

/* Refuses the seek @event (taken), saying @why (a warning on @obj, an
 * element or a pad); FALSE, for the event handler to return. */
gboolean
vk_seek_refuse (gpointer obj, GstEvent * event, const gchar * why)
{
  GST_WARNING_OBJECT (obj, "%s", why);
  gst_event_unref (event);
  return FALSE;
}

/* A flushing seek queued before the render: downstream flushed when it
 * sent the seek and waits for the flush to end (an aggregator stops its
 * output until then), so it ends now on both outputs; there is nothing to
 * flush yet. */
void
vk_seek_flush_outputs (GstPad * bg_src, GstPad * fg_src, guint32 seqnum)
{
  GstPad *pads[2] = { bg_src, fg_src };
  guint k;

  for (k = 0; k < 2; k++) {
    GstEvent *ev = gst_event_new_flush_start ();

    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (pads[k], ev);
  }
  for (k = 0; k < 2; k++) {
    GstEvent *ev = gst_event_new_flush_stop (TRUE);

    gst_event_set_seqnum (ev, seqnum);
    gst_pad_push_event (pads[k], ev);
  }
}

/* whether both inputs answer the SEEKING query as seekable in time */
gboolean
vk_seek_peers_seekable (GstPad * bg_sink, GstPad * fg_sink)
{
  return vk_seek_peer_seekable (bg_sink) && vk_seek_peer_seekable (fg_sink);
}

/* Streaming mode: @event (taken), a seek of the outputs, goes to both
 * inputs (their times are the same up to the offset the streaming search
 * finds); their flushes reset the streaming state (vkstreamrender.c), and
 * a flushing seek holds both inputs' frames until both have flushed. An
 * input that cannot seek (a live camera, a network stream) refuses the
 * seek at once, with no effect on either input. @begun: the caller called
 * vk_stream_render_seek_begin () already. */
gboolean
vk_seek_streaming (GstElement * element, VkStreamRender * r,
    GstPad * bg_sink, GstPad * fg_sink, GstEvent * event, gboolean begun,
    GstClockTime latency)
{
  VkSeekArgs a;
  GstEvent *bg_seek;
  gboolean ok;

  vk_seek_parse (event, &a);
  if (!vk_seek_peers_seekable (bg_sink, fg_sink)) {
    if (begun)
      vk_stream_render_seek_end (r);
    return vk_seek_refuse (element, event, "streaming: refusing a seek: an "
        "input cannot seek (SEEKING query)");
  }
  GST_DEBUG_OBJECT (element, "streaming: seeking both inputs");
  if ((a.flags & GST_SEEK_FLAG_FLUSH) && !begun)
    vk_stream_render_seek_begin (r);
  /* the bg frames of the fg frames before a stop can be up to the latency
   * later */
  if (a.stop_type == GST_SEEK_TYPE_SET && a.stop >= 0) {
    bg_seek = gst_event_new_seek (a.rate, a.format, a.flags, a.start_type,
        a.start, a.stop_type, a.stop + latency);
    gst_event_set_seqnum (bg_seek, gst_event_get_seqnum (event));
  } else {
    bg_seek = gst_event_ref (event);
  }
  ok = gst_pad_push_event (bg_sink, bg_seek);
  ok &= gst_pad_push_event (fg_sink, event);
  vk_stream_render_seek_end (r);
  return ok;
}

/* the number of frames of @pts (ascending GstClockTime) before @stop: the
 * end of a segment that stops there */
guint
vk_seek_frames_before (const GArray * pts, GstClockTime stop)
{
  const GstClockTime *t = (const GstClockTime *) pts->data;
  guint lo = 0, hi = pts->len;

  if (!GST_CLOCK_TIME_IS_VALID (stop))
    return pts->len;
  /* the first frame at or after @stop */
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;

    if (t[mid] < stop)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
