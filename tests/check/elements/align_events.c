/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign's outputs get valid sticky events whatever the inputs
 * send first: a stream-start with a stream-id on both outputs when an
 * output starts before its input's first event (streaming mode: a slow
 * bg, a TS demuxer still scanning), never a critical (the tests run with
 * G_DEBUG=fatal-criticals). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#define FPS 25
#define LATENCY (200 * GST_MSECOND)

static GstBuffer *
grey_frame (const GstVideoInfo * info, guint i)
{
  GstBuffer *b = gst_buffer_new_allocate (NULL, info->size, NULL);

  gst_buffer_memset (b, 0, (guint8) (i * 7), info->size);
  GST_BUFFER_PTS (b) = gst_util_uint64_scale (i, GST_SECOND, FPS);
  GST_BUFFER_DURATION (b) = GST_SECOND / FPS;
  return b;
}

/* the stream-id of the stream-start @h's element pushed */
static gchar *
output_stream_id (GstHarness * h)
{
  GstEvent *ev;
  gchar *id = NULL;

  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_STREAM_START && id == NULL) {
      const gchar *s;

      gst_event_parse_stream_start (ev, &s);
      id = g_strdup (s);
    }
    gst_event_unref (ev);
  }
  return id;
}

/* Streaming mode, live inputs: the bg input sends its caps and frames
 * without a stream-start (as a slow demuxer's pad can still be without one
 * when the first outputs are due): both outputs get a stream-start with a
 * stream-id of their own before their first buffer. Until 2026-12-06:
 * "gst_pad_create_stream_id: assertion 'numsinkpads <= 1'", then a
 * stream-start with a NULL id. */
GST_START_TEST (test_streaming_no_stream_start)
{
  GstElement *a = gst_element_factory_make ("vidkompyalign", NULL);
  GstHarness *fg, *bg;
  GstPad *bgsrc, *bgsink;
  GstCheckLogFilter *filter;
  GstVideoInfo bi, fi;
  GstCaps *bcaps, *fcaps;
  GstSegment seg;
  gchar *fg_id, *bg_id;
  guint i, n_out = 0;

  g_object_set (a, "latency", LATENCY, NULL);
  gst_util_set_object_arg (G_OBJECT (a), "mode", "streaming");
  fg = gst_harness_new_with_element (a, "fg_sink", "fg_src");
  /* the bg's events and buffers go to its sink pad directly: a harness
   * sends a stream-start first, and a src pad warns of data flow before
   * one */
  bg = gst_harness_new_with_element (a, NULL, "bg_src");
  bgsrc = gst_pad_new ("bgsrc", GST_PAD_SRC);
  bgsink = gst_element_get_static_pad (a, "bg_sink");
  fail_unless_equals_int (gst_pad_link (bgsrc, bgsink), GST_PAD_LINK_OK);
  fail_unless (gst_pad_set_active (bgsrc, TRUE));
  /* (which GStreamer's extra checks warn about, once) */
  filter = gst_check_add_log_filter ("GStreamer", G_LOG_LEVEL_WARNING,
      g_regex_new ("data flow before stream-start", 0, 0, NULL), NULL, NULL,
      NULL);
  gst_harness_use_testclock (fg);
  gst_harness_use_testclock (bg);
  gst_harness_set_upstream_latency (fg, 40 * GST_MSECOND);
  bcaps = gst_caps_from_string ("video/x-raw,format=I420,width=64,height=48,"
      "framerate=25/1");
  fcaps = gst_caps_from_string ("video/x-raw,format=I420,width=32,height=24,"
      "framerate=25/1");
  fail_unless (gst_video_info_from_caps (&bi, bcaps));
  fail_unless (gst_video_info_from_caps (&fi, fcaps));
  gst_harness_set_src_caps (fg, fcaps);
  fail_unless (gst_pad_send_event (bgsink, gst_event_new_caps (bcaps)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_pad_send_event (bgsink, gst_event_new_segment (&seg)));
  gst_caps_unref (bcaps);

  for (i = 0; i < 2 * FPS; i++) {
    GstBuffer *b;

    gst_harness_set_time (fg, gst_util_uint64_scale (i, GST_SECOND, FPS));
    fail_unless_equals_int (gst_pad_chain (bgsink, grey_frame (&bi, i)),
        GST_FLOW_OK);
    fail_unless_equals_int (gst_harness_push (fg, grey_frame (&fi, i)),
        GST_FLOW_OK);
    while ((b = gst_harness_try_pull (fg))) {
      n_out++;
      gst_buffer_unref (b);
    }
  }
  /* the fg frames older than the latency go out (from the output tasks:
   * waited for, up to gst_harness_pull ()'s timeout) */
  while (n_out < FPS) {
    GstBuffer *b = gst_harness_pull (fg);

    if (b == NULL)
      break;
    n_out++;
    gst_buffer_unref (b);
  }
  fail_unless (n_out >= FPS, "%u fg frames out", n_out);
  fg_id = output_stream_id (fg);
  bg_id = output_stream_id (bg);
  fail_unless (fg_id != NULL);
  fail_unless (bg_id != NULL, "no stream-start on bg_src");
  fail_if (g_str_equal (fg_id, bg_id), "both outputs have stream-id %s", fg_id);
  g_free (fg_id);
  g_free (bg_id);

  gst_harness_teardown (bg);
  gst_harness_teardown (fg);
  gst_check_remove_log_filter (filter);
  gst_pad_set_active (bgsrc, FALSE);
  gst_object_unref (bgsrc);
  gst_object_unref (bgsink);
  gst_object_unref (a);
}

GST_END_TEST;

static Suite *
align_events_suite (void)
{
  Suite *s = suite_create ("align_events");
  TCase *tc = tcase_create ("align_events");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_streaming_no_stream_start);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_events);
