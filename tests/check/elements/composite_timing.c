/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompycomposite: timing (one output per fg frame, fg timestamps, the bg
 * frame covering each fg time), caps and property changes mid-stream,
 * alignment meta, and bad input.
 *
 * Frames are GRAY8: bg frame j is filled with value j and fg frame i with
 * 100 + i, so every output pixel tells which input frame it came from. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <gst/controller/gstinterpolationcontrolsource.h>
#include <gst/controller/gstdirectcontrolbinding.h>
#include <gst/video/video.h>
#include <gst/vidkompy/vidkompy.h>

#define PULL_TIMEOUT (10 * GST_SECOND)

typedef struct
{
  GstElement *pipeline, *comp, *bg, *fg, *sink;
} Fixture;

static GstCaps *
gray_caps (gint w, gint h, gint fps)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "GRAY8",
      "width", G_TYPE_INT, w, "height", G_TYPE_INT, h, "framerate",
      GST_TYPE_FRACTION, fps, 1, NULL);
}

static void
fixture_setup (Fixture * f, gint bg_w, gint bg_h, gint bg_fps, gint fg_w,
    gint fg_h, gint fg_fps)
{
  GstCaps *caps;

  f->pipeline = gst_pipeline_new (NULL);
  f->comp = gst_element_factory_make ("vidkompycomposite", "c");
  f->bg = gst_element_factory_make ("appsrc", "bg");
  f->fg = gst_element_factory_make ("appsrc", "fg");
  f->sink = gst_element_factory_make ("appsink", "sink");
  fail_unless (f->comp && f->bg && f->fg && f->sink);

  caps = gray_caps (bg_w, bg_h, bg_fps);
  g_object_set (f->bg, "caps", caps, "format", GST_FORMAT_TIME,
      "max-buffers", (guint64) 0, NULL);
  gst_caps_unref (caps);
  caps = gray_caps (fg_w, fg_h, fg_fps);
  g_object_set (f->fg, "caps", caps, "format", GST_FORMAT_TIME,
      "max-buffers", (guint64) 0, NULL);
  gst_caps_unref (caps);
  g_object_set (f->sink, "sync", FALSE, NULL);

  gst_bin_add_many (GST_BIN (f->pipeline), f->comp, f->bg, f->fg, f->sink,
      NULL);
  fail_unless (gst_element_link_pads (f->bg, "src", f->comp, "bg_sink"));
  fail_unless (gst_element_link_pads (f->fg, "src", f->comp, "fg_sink"));
  fail_unless (gst_element_link (f->comp, f->sink));
}

static void
fixture_start (Fixture * f)
{
  fail_unless (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
}

static void
fixture_teardown (Fixture * f)
{
  gst_element_set_state (f->pipeline, GST_STATE_NULL);
  gst_object_unref (f->pipeline);
}

static void
push_frame (GstElement * src, gint w, gint h, guint8 value, GstClockTime pts,
    GstClockTime duration)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, (gsize) w * h, NULL);

  /* GRAY8 rows are padded to 4 bytes by default; use widths that are
   * multiples of 4 so the buffer is simply w * h bytes */
  fail_unless (w % 4 == 0);
  gst_buffer_memset (buf, 0, value, (gsize) w * h);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src), buf),
      GST_FLOW_OK);
}

static void
push_frames (GstElement * src, gint w, gint h, gint fps, guint first,
    guint n, guint8 base)
{
  guint i;

  for (i = first; i < first + n; i++) {
    GstClockTime pts = gst_util_uint64_scale (i, GST_SECOND, fps);
    GstClockTime end = gst_util_uint64_scale (i + 1, GST_SECOND, fps);

    push_frame (src, w, h, base + i, pts, end - pts);
  }
}

static GstSample *
pull (Fixture * f)
{
  return gst_app_sink_try_pull_sample (GST_APP_SINK (f->sink), PULL_TIMEOUT);
}

/* value of output pixel (x, y) */
static guint8
pixel (GstSample * sample, gint x, gint y)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  guint8 v;

  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  fail_unless (gst_video_frame_map (&frame, &info,
          gst_sample_get_buffer (sample), GST_MAP_READ));
  fail_unless (x < GST_VIDEO_FRAME_WIDTH (&frame)
      && y < GST_VIDEO_FRAME_HEIGHT (&frame));
  v = ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0))[y *
      GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + x];
  gst_video_frame_unmap (&frame);
  return v;
}

/* index of the bg frame (fps, PTS j/fps) whose interval covers t */
static guint
covering_bg (GstClockTime t, gint fps, guint n_bg)
{
  guint j = 0;

  while (j + 1 < n_bg && gst_util_uint64_scale (j + 1, GST_SECOND, fps) <= t)
    j++;
  return j;
}

static void
check_outputs (Fixture * f, gint fg_fps, guint fg_first, guint n_fg,
    gint bg_fps, guint n_bg)
{
  guint i;

  for (i = fg_first; i < fg_first + n_fg; i++) {
    GstSample *s = pull (f);
    GstBuffer *b;
    GstClockTime pts = gst_util_uint64_scale (i, GST_SECOND, fg_fps);
    GstClockTime end = gst_util_uint64_scale (i + 1, GST_SECOND, fg_fps);

    fail_unless (s != NULL, "no output for fg frame %u", i);
    b = gst_sample_get_buffer (s);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (b), pts);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (b), end - pts);
    /* fg at (0, 0), 8x8; the bg shows at (15, 15) */
    fail_unless_equals_int (pixel (s, 0, 0), (guint8) (100 + i));
    fail_unless_equals_int (pixel (s, 15, 15), covering_bg (pts, bg_fps, n_bg));
    gst_sample_unref (s);
  }
}

static void
expect_eos (Fixture * f)
{
  GstSample *s = pull (f);

  if (s)
    fail ("unexpected output buffer %" GST_PTR_FORMAT,
        gst_sample_get_buffer (s));
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (f->sink)));
}

GST_START_TEST (test_fg30_over_bg24)
{
  Fixture f;
  GstSample *s;
  GstCaps *caps;
  gint fps_n, fps_d, w, h;

  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 48, 0);
  push_frames (f.fg, 8, 8, 30, 0, 60, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));

  s = gst_app_sink_try_pull_preroll (GST_APP_SINK (f.sink), PULL_TIMEOUT);
  fail_unless (s != NULL);
  caps = gst_sample_get_caps (s);
  fail_unless (gst_structure_get_fraction (gst_caps_get_structure (caps, 0),
          "framerate", &fps_n, &fps_d));
  fail_unless_equals_int (fps_n, 30);
  fail_unless_equals_int (fps_d, 1);
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &w);
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "height", &h);
  fail_unless_equals_int (w, 16);
  fail_unless_equals_int (h, 16);
  gst_sample_unref (s);

  check_outputs (&f, 30, 0, 60, 24, 48);
  expect_eos (&f);
  fixture_teardown (&f);
}

GST_END_TEST;

/* n_bg bg frames from 0 and n_fg fg frames from fg_first, both to EOS: one
 * output per fg frame, with its timestamps and the covering bg frame */
static void
run_streams (gint bg_fps, guint n_bg, gint fg_fps, guint fg_first, guint n_fg)
{
  Fixture f;

  fixture_setup (&f, 16, 16, bg_fps, 8, 8, fg_fps);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, bg_fps, 0, n_bg, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, fg_fps, fg_first, n_fg, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));
  check_outputs (&f, fg_fps, fg_first, n_fg, bg_fps, n_bg);
  expect_eos (&f);
  fixture_teardown (&f);
}

GST_START_TEST (test_bg24_under_fg60)
{
  /* a fg faster than the bg: bg frames repeat */
  run_streams (24, 24, 60, 0, 60);
}

GST_END_TEST;

GST_START_TEST (test_bg_ends_first)
{
  /* 10 bg frames (0.42 s) under 60 fg frames (2 s): the last bg frame is
   * repeated until the fg ends */
  run_streams (24, 10, 30, 0, 60);
}

GST_END_TEST;

GST_START_TEST (test_fg_ends_first)
{
  /* 10 fg frames over 2 s of bg: 10 outputs, then EOS although the bg
   * goes on */
  run_streams (24, 48, 30, 0, 10);
}

GST_END_TEST;

GST_START_TEST (test_fg_starts_late)
{
  /* fg frames 30..59 (PTS 1 s .. 2 s): outputs keep those timestamps and
   * show the bg of that time */
  run_streams (24, 48, 30, 30, 30);
}

GST_END_TEST;

GST_START_TEST (test_bg_caps_change)
{
  Fixture f;
  GstCaps *caps;
  guint i;

  /* the bg switches from 16x16 to 24x20 at bg frame 12 (0.5 s): output
   * frames before 0.5 s are 16x16, from 0.5 s on 24x20 */
  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 12, 0);
  caps = gray_caps (24, 20, 24);
  g_object_set (f.bg, "caps", caps, NULL);
  gst_caps_unref (caps);
  push_frames (f.bg, 24, 20, 24, 12, 12, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, 30, 0, 30, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));

  for (i = 0; i < 30; i++) {
    GstSample *s = pull (&f);
    GstClockTime pts = gst_util_uint64_scale (i, GST_SECOND, 30);
    GstStructure *st;
    gint w, h;

    fail_unless (s != NULL);
    st = gst_caps_get_structure (gst_sample_get_caps (s), 0);
    gst_structure_get_int (st, "width", &w);
    gst_structure_get_int (st, "height", &h);
    if (pts < GST_SECOND / 2) {
      fail_unless (w == 16 && h == 16, "frame %u: %dx%d", i, w, h);
    } else {
      fail_unless (w == 24 && h == 20, "frame %u: %dx%d", i, w, h);
      fail_unless_equals_int (pixel (s, 23, 19), covering_bg (pts, 24, 24));
    }
    fail_unless_equals_int (pixel (s, 15, 15), covering_bg (pts, 24, 24));
    fail_unless_equals_int (pixel (s, 7, 7), 100 + i);
    gst_sample_unref (s);
  }
  expect_eos (&f);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_fg_caps_change)
{
  Fixture f;
  GstCaps *caps;
  guint i;

  /* the fg shrinks from 8x8 to 4x4 at fg frame 10 */
  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 24, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, 30, 0, 10, 100);
  caps = gray_caps (4, 4, 30);
  g_object_set (f.fg, "caps", caps, NULL);
  gst_caps_unref (caps);
  push_frames (f.fg, 4, 4, 30, 10, 10, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));

  for (i = 0; i < 20; i++) {
    GstSample *s = pull (&f);
    GstClockTime pts = gst_util_uint64_scale (i, GST_SECOND, 30);

    fail_unless (s != NULL);
    fail_unless_equals_int (pixel (s, 3, 3), 100 + i);
    fail_unless_equals_int (pixel (s, 5, 5),
        i < 10 ? 100 + i : covering_bg (pts, 24, 24));
    gst_sample_unref (s);
  }
  expect_eos (&f);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_property_change_next_frame)
{
  Fixture f;
  GstPad *pad;
  guint i;

  /* xpos set between two fg frames applies from the next frame on */
  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  pad = gst_element_get_static_pad (f.comp, "fg_sink");
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 24, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));

  for (i = 0; i < 10; i++) {
    GstSample *s;

    if (i == 5)
      g_object_set (pad, "xpos", 8, NULL);
    push_frames (f.fg, 8, 8, 30, i, 1, 100);
    s = pull (&f);
    fail_unless (s != NULL);
    if (i < 5) {
      fail_unless_equals_int (pixel (s, 0, 0), 100 + i);
      fail_unless_equals_int (pixel (s, 8, 0),
          covering_bg (gst_util_uint64_scale (i, GST_SECOND, 30), 24, 24));
    } else {
      fail_unless_equals_int (pixel (s, 0, 0),
          covering_bg (gst_util_uint64_scale (i, GST_SECOND, 30), 24, 24));
      fail_unless_equals_int (pixel (s, 8, 0), 100 + i);
    }
    gst_sample_unref (s);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));
  expect_eos (&f);
  gst_object_unref (pad);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_controlled_position)
{
  Fixture f;
  GstPad *pad;
  GstControlSource *cs;
  GstTimedValueControlSource *tvcs;
  guint i;

  /* ypos controlled over stream time: 0 until 0.5 s, then 8 (step) */
  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  pad = gst_element_get_static_pad (f.comp, "fg_sink");
  cs = gst_interpolation_control_source_new ();
  g_object_set (cs, "mode", GST_INTERPOLATION_MODE_NONE, NULL);
  tvcs = (GstTimedValueControlSource *) cs;
  /* direct binding maps [0, 1] to the property's whole range: use the
   * absolute binding instead */
  gst_object_add_control_binding (GST_OBJECT (pad),
      gst_direct_control_binding_new_absolute (GST_OBJECT (pad), "ypos", cs));
  gst_timed_value_control_source_set (tvcs, 0, 0.0);
  gst_timed_value_control_source_set (tvcs, GST_SECOND / 2, 8.0);

  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 24, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, 30, 0, 30, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));

  for (i = 0; i < 30; i++) {
    GstSample *s = pull (&f);
    GstClockTime pts = gst_util_uint64_scale (i, GST_SECOND, 30);
    guint bgv = covering_bg (pts, 24, 24);

    fail_unless (s != NULL);
    fail_unless_equals_int (pixel (s, 0, 0), pts < GST_SECOND / 2 ?
        100 + i : bgv);
    fail_unless_equals_int (pixel (s, 0, 8), pts < GST_SECOND / 2 ?
        bgv : 100 + i);
    gst_sample_unref (s);
  }
  expect_eos (&f);
  gst_object_unref (cs);
  gst_object_unref (pad);
  fixture_teardown (&f);
}

GST_END_TEST;

static GstPadProbeReturn
add_meta_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GstVidkompyAlignmentMeta *m = gst_buffer_add_vidkompy_alignment_meta (buf);

  m->x = 4;
  m->y = 2;
  m->scale = GPOINTER_TO_INT (user_data) / 2.0;
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

static void
run_meta_case (gint scale_x2, gboolean set_xpos, gboolean auto_position,
    gint exp_x, gint exp_y, gint exp_size)
{
  Fixture f;
  GstPad *pad, *srcpad;
  GstSample *s;
  gint x, y;

  fixture_setup (&f, 32, 32, 30, 8, 8, 30);
  pad = gst_element_get_static_pad (f.comp, "fg_sink");
  g_object_set (pad, "auto-position", auto_position, NULL);
  if (set_xpos)
    g_object_set (pad, "xpos", 0, NULL);
  srcpad = gst_element_get_static_pad (f.fg, "src");
  gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER, add_meta_probe,
      GINT_TO_POINTER (scale_x2), NULL);
  fixture_start (&f);
  push_frames (f.bg, 32, 32, 30, 0, 1, 0);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, 30, 0, 1, 100);
  gst_app_src_end_of_stream (GST_APP_SRC (f.fg));

  s = pull (&f);
  fail_unless (s != NULL);
  fail_unless (gst_buffer_get_vidkompy_alignment_meta (gst_sample_get_buffer
          (s)) != NULL, "alignment meta not forwarded");
  for (y = 0; y < 32; y++) {
    for (x = 0; x < 32; x++) {
      gboolean in = x >= exp_x && x < exp_x + exp_size && y >= exp_y
          && y < exp_y + exp_size;

      fail_unless_equals_int (pixel (s, x, y), in ? 100 : 0);
    }
  }
  gst_sample_unref (s);
  expect_eos (&f);
  gst_object_unref (srcpad);
  gst_object_unref (pad);
  fixture_teardown (&f);
}

GST_START_TEST (test_alignment_meta)
{
  /* meta x=4 y=2: position from the meta */
  run_meta_case (2, FALSE, TRUE, 4, 2, 8);
  /* xpos set by the user wins over the meta, ypos still from the meta */
  run_meta_case (2, TRUE, TRUE, 0, 2, 8);
  /* meta scale 2.0: the 8x8 fg covers 16x16 */
  run_meta_case (4, FALSE, TRUE, 4, 2, 16);
  /* auto-position off: the meta is ignored */
  run_meta_case (4, FALSE, FALSE, 0, 0, 8);
}

GST_END_TEST;

/* --- bad input --------------------------------------------------------- */

/* Waits for an error on the bus; returns its message text. */
static gchar *
wait_error (GstElement * pipeline, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_ERROR);
  GError *err = NULL;
  gchar *text;

  gst_object_unref (bus);
  fail_unless (msg != NULL, "no error posted");
  gst_message_parse_error (msg, &err, NULL);
  text = g_strdup (err->message);
  GST_INFO ("error: %s", text);
  g_error_free (err);
  gst_message_unref (msg);
  return text;
}

GST_START_TEST (test_no_timestamp)
{
  Fixture f;
  GstBuffer *buf;
  gchar *text;

  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 4, 0);
  buf = gst_buffer_new_allocate (NULL, 64, NULL);
  gst_buffer_memset (buf, 0, 7, 64);
  gst_app_src_push_buffer (GST_APP_SRC (f.fg), buf);
  text = wait_error (f.pipeline, 10 * GST_SECOND);
  fail_unless (strstr (text, "fg_sink") && strstr (text, "timestamp"), "%s",
      text);
  g_free (text);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_interlaced)
{
  Fixture f;
  GstCaps *caps;
  gchar *text;

  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  caps = gray_caps (16, 16, 24);
  gst_caps_set_simple (caps, "interlace-mode", G_TYPE_STRING, "interleaved",
      NULL);
  g_object_set (f.bg, "caps", caps, NULL);
  gst_caps_unref (caps);
  fixture_start (&f);
  push_frames (f.bg, 16, 16, 24, 0, 1, 0);
  push_frames (f.fg, 8, 8, 30, 0, 1, 100);
  text = wait_error (f.pipeline, 10 * GST_SECOND);
  fail_unless (strstr (text, "bg_sink") && strstr (text, "interlaced"), "%s",
      text);
  g_free (text);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_bg_without_frames)
{
  Fixture f;
  gchar *text;

  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  fixture_start (&f);
  gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
  push_frames (f.fg, 8, 8, 30, 0, 3, 100);
  text = wait_error (f.pipeline, 10 * GST_SECOND);
  fail_unless (strstr (text, "bg_sink") && strstr (text, "without any"),
      "%s", text);
  g_free (text);
  fixture_teardown (&f);
}

GST_END_TEST;

GST_START_TEST (test_unlinked_pad)
{
  GstElement *pipeline, *comp, *bg, *sink;
  gchar *text;

  pipeline = gst_pipeline_new (NULL);
  comp = gst_element_factory_make ("vidkompycomposite", NULL);
  bg = gst_element_factory_make ("videotestsrc", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  gst_bin_add_many (GST_BIN (pipeline), comp, bg, sink, NULL);
  fail_unless (gst_element_link_pads (bg, "src", comp, "bg_sink"));
  fail_unless (gst_element_link (comp, sink));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  text = wait_error (pipeline, 15 * GST_SECOND);
  fail_unless (strstr (text, "fg_sink is not linked"), "%s", text);
  g_free (text);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  Fixture f;
  guint i;

  /* run, stop and restart: each run starts from a clean state */
  fixture_setup (&f, 16, 16, 24, 8, 8, 30);
  for (i = 0; i < 3; i++) {
    fixture_start (&f);
    push_frames (f.bg, 16, 16, 24, 0, 24, 0);
    gst_app_src_end_of_stream (GST_APP_SRC (f.bg));
    push_frames (f.fg, 8, 8, 30, 0, 30, 100);
    gst_app_src_end_of_stream (GST_APP_SRC (f.fg));
    check_outputs (&f, 30, 0, 30, 24, 24);
    expect_eos (&f);
    gst_element_set_state (f.pipeline, GST_STATE_NULL);
  }
  fixture_teardown (&f);
}

GST_END_TEST;

/* A scaler and a rate converter downstream (a smaller output at another
 * rate): they offer their own output's size and rate first, the output
 * has the bg's size and the fg's rate all the same, and the scaled
 * frames show the fg at its scaled place. Until 2026-12-07 the output
 * took downstream's first size and failed ("Downstream does not accept
 * the background's size"). */
GST_START_TEST (test_scaled_downstream)
{
  GstElement *p = gst_parse_launch ("vidkompycomposite name=c "
      "! videoscale method=nearest-neighbour "
      "! video/x-raw,width=32,height=24 ! videorate "
      "! video/x-raw,framerate=15/1 ! appsink name=out sync=false "
      "videotestsrc num-buffers=30 pattern=black "
      "! video/x-raw,format=GRAY8,width=64,height=48,framerate=30/1 "
      "! c.bg_sink videotestsrc num-buffers=30 pattern=white "
      "! video/x-raw,format=GRAY8,width=16,height=16,framerate=30/1 "
      "! c.fg_sink", NULL);
  GstElement *comp, *sink;
  GstSample *sample;
  GstVideoInfo info;
  GstVideoFrame frame;
  GstCaps *caps;
  GstPad *src;
  const guint8 *row;
  guint n = 0;

  fail_unless (p != NULL);
  comp = gst_bin_get_by_name (GST_BIN (p), "c");
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  /* (not fg_sink::xpos=32 in the description: GStreamer 1.22.0's parser
   * keeps a reference to the pad of each such property) */
  src = gst_element_get_static_pad (comp, "fg_sink");
  g_object_set (src, "xpos", 32, "ypos", 16, "border", 0, NULL);
  gst_object_unref (src);
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              PULL_TIMEOUT))) {
    fail_unless (gst_video_info_from_caps (&info,
            gst_sample_get_caps (sample)));
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), 32);
    fail_unless_equals_int (GST_VIDEO_INFO_FPS_N (&info), 15);
    fail_unless (gst_video_frame_map (&frame, &info,
            gst_sample_get_buffer (sample), GST_MAP_READ));
    /* the fg's middle (40,24) is at (20,12), the bg at (2,2) */
    row = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
    fail_unless (row[12 * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + 20] > 200);
    fail_unless (row[2 * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0) + 2] < 50);
    gst_video_frame_unmap (&frame);
    gst_sample_unref (sample);
    n++;
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS");
  /* (videorate may close the second with one more frame) */
  fail_unless (n == 15 || n == 16, "%u frames", n);
  src = gst_element_get_static_pad (comp, "src");
  caps = gst_pad_get_current_caps (src);
  fail_unless (gst_video_info_from_caps (&info, caps));
  fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), 64);
  fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&info), 48);
  fail_unless_equals_int (GST_VIDEO_INFO_FPS_N (&info), 30);
  gst_caps_unref (caps);
  gst_object_unref (src);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (comp);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

/* the output has the bg's pixel aspect ratio also when downstream does not
 * name one (an encoder then writes it: a 720x576 bg of 16:15 pixels is
 * 4:3, not 5:4); until 2026-12-08 the caps had none, which means 1/1 */
GST_START_TEST (test_bg_pixel_aspect)
{
  GstElement *p = gst_parse_launch ("vidkompycomposite name=c "
      "! appsink name=out sync=false "
      "videotestsrc num-buffers=3 ! video/x-raw,format=GRAY8,width=72,"
      "height=48,pixel-aspect-ratio=16/15,framerate=30/1 ! c.bg_sink "
      "videotestsrc num-buffers=3 ! video/x-raw,format=GRAY8,width=16,"
      "height=16,framerate=30/1 ! c.fg_sink", NULL);
  GstElement *sink;
  GstSample *sample;
  GstVideoInfo info;
  guint n = 0;

  fail_unless (p != NULL);
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              PULL_TIMEOUT))) {
    fail_unless (gst_video_info_from_caps (&info,
            gst_sample_get_caps (sample)));
    fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), 72);
    fail_unless_equals_int (GST_VIDEO_INFO_PAR_N (&info), 16);
    fail_unless_equals_int (GST_VIDEO_INFO_PAR_D (&info), 15);
    gst_sample_unref (sample);
    n++;
  }
  fail_unless_equals_int (n, 3);
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)));
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

static Suite *
composite_timing_suite (void)
{
  Suite *s = suite_create ("vidkompycomposite-timing");
  TCase *tc = tcase_create ("timing");
  TCase *bad = tcase_create ("bad-input");

  tcase_set_timeout (tc, 60);
  tcase_set_timeout (bad, 60);
  suite_add_tcase (s, tc);
  suite_add_tcase (s, bad);
  tcase_add_test (tc, test_fg30_over_bg24);
  tcase_add_test (tc, test_bg24_under_fg60);
  tcase_add_test (tc, test_bg_ends_first);
  tcase_add_test (tc, test_fg_ends_first);
  tcase_add_test (tc, test_fg_starts_late);
  tcase_add_test (tc, test_bg_caps_change);
  tcase_add_test (tc, test_fg_caps_change);
  tcase_add_test (tc, test_property_change_next_frame);
  tcase_add_test (tc, test_controlled_position);
  tcase_add_test (tc, test_alignment_meta);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_scaled_downstream);
  tcase_add_test (tc, test_bg_pixel_aspect);
  tcase_add_test (bad, test_no_timestamp);
  tcase_add_test (bad, test_interlaced);
  tcase_add_test (bad, test_bg_without_frames);
  tcase_add_test (bad, test_unlinked_pad);

  return s;
}

GST_CHECK_MAIN (composite_timing);
