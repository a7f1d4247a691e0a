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

#include "vkstreamstart.h"

/* A stream-id for @srcpad: gst_pad_create_stream_id () refuses elements
 * with more than one sink pad (a critical, and a NULL id), so it is made
 * here the same way, from the element's and the pad's names, and the
 * element's address, which tells apart elements of the same name in other
 * pipelines of the process. */
static gchar *
vk_stream_id (GstPad * srcpad)
{
  GstObject *parent = gst_pad_get_parent (srcpad);
  gchar *key, *id;

  key = g_strdup_printf ("%s/%p/%s", parent ? GST_OBJECT_NAME (parent) : "",
      (gpointer) parent, GST_PAD_NAME (srcpad));
  id = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_free (key);
  if (parent)
    gst_object_unref (parent);
  return id;
}

/* The stream-start to push on @srcpad: a copy of the one @sinkpad got, or,
 * when it got none (yet: an output can start before its input's first
 * event, in streaming mode), a new one with vk_stream_id (). Never one
 * with a NULL stream-id. */
GstEvent *
vk_stream_start_event (GstPad * sinkpad, GstPad * srcpad)
{
  GstEvent *ev = gst_pad_get_sticky_event (sinkpad, GST_EVENT_STREAM_START, 0);
  gchar *id;

  if (ev)
    return ev;
  id = vk_stream_id (srcpad);
  GST_DEBUG_OBJECT (srcpad, "no stream-start from %s: stream-id %s",
      GST_PAD_NAME (sinkpad), id);
  ev = gst_event_new_stream_start (id);
  g_free (id);
  return ev;
}
