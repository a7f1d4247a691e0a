/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign off the straight path: a flushing seek during playback,
 * inputs that end at different times (unmatched-frames clamp and drop),
 * zero-frame inputs, an input that never sends anything, buffers without
 * timestamps, a frame size change, match-region, inputs with B-frames.
 * Every case either gives the right frame map or a clear
 * error, never a hang (each wait has a timeout). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif


#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "vk-truth.h"
#include "vk-aligncheck.h"

static gchar *tmpdir;

/* a 30 fps pair: bg 5 s, fg a crop of it from 0.5 s to the bg's end */
#define PAIR_ARGS "--source cockatoo --bg-size 320x180 --bg-fps 30 " \
  "--fg-rect 40,30,160,90 --fg-fps 30 --fg-start 0.5"

static VkTruth *
load_truth (const gchar * name)
{
  gchar *path = g_strdup_printf ("%s/%s-truth.csv", tmpdir, name);
  GError *err = NULL;
  VkTruth *truth = vk_truth_load (path, &err);

  fail_unless (truth != NULL, "%s", err ? err->message : "");
  g_free (path);
  return truth;
}

static GstElement *
align_pipeline (const gchar * bg, const gchar * fg, const gchar * props)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a %s "
      "filesrc location=%s/%s-bg.mp4 ! decodebin ! a.bg_sink "
      "filesrc location=%s/%s-fg.mp4 ! decodebin ! a.fg_sink "
      "a.fg_src ! appsink name=fg sync=false "
      "a.bg_src ! appsink name=bg sync=false", props, tmpdir, bg, tmpdir, fg);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);

  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  g_free (desc);
  return pipeline;
}

static GstElement *
sink_of (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  gst_object_unref (e);         /* the pipeline keeps it */
  return e;
}

/* runs @pipeline to the end (left in PLAYING, with its messages), returns
 * the fg and bg outputs */
static void
run_to_end (GstElement * pipeline, GArray ** fg, GArray ** bg)
{
  GThread *t;

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  t = vk_check_pull_in_thread (sink_of (pipeline, "bg"));
  *fg = vk_check_pull_all (sink_of (pipeline, "fg"));
  *bg = g_thread_join (t);
}

/* Waits @timeout at most for an error whose message contains @want and
 * @also (when not NULL), fails otherwise; then stops and frees
 * @pipeline. */
static void
expect_error (GstElement * pipeline, GstClockTime timeout, const gchar * want,
    const gchar * also)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  GError *err = NULL;

  fail_unless (msg != NULL, "neither an error nor EOS in time");
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "EOS instead of "
      "an error");
  gst_message_parse_error (msg, &err, NULL);
  GST_INFO ("error: %s", err->message);
  fail_unless (strstr (err->message, want) && (!also
          || strstr (err->message, also)), "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

/* fg and bg outputs agree and follow the truth from fg frame @from on */
static void
check_map (GArray * fg, GArray * bg, VkTruth * truth, GPtrArray * sums,
    guint from)
{
  guint i;

  fail_unless_equals_int (fg->len, truth->rows->len - from);
  fail_unless_equals_int (bg->len, fg->len);
  for (i = 0; i < fg->len; i++) {
    VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    VkOutFrame *b = &g_array_index (bg, VkOutFrame, i);
    VkTruthRow *row = &g_array_index (truth->rows, VkTruthRow, from + i);

    fail_unless_equals_uint64 (f->fg_index, from + i);
    fail_unless (ABS ((gint64) f->pts - (gint64) row->fg_pts) < GST_MSECOND);
    fail_unless_equals_uint64 (b->pts, f->pts);
    fail_unless_equals_uint64 (b->bg_index, f->bg_index);
    fail_unless (vk_check_same_content (sums, b->bg_index, row->bg_index),
        "fg frame %u: bg frame %" G_GUINT64_FORMAT ", truth %u", from + i,
        b->bg_index, row->bg_index);
  }
}

/* fg frames 0, 1, .. in order, each bg output at its fg frame's time and
 * showing its truth's bg frame (the last one of @sums for a fg frame past
 * the bg's end) */
static void
check_outputs (GArray * fg, GArray * bg, VkTruth * truth, GPtrArray * sums)
{
  guint i, last = sums->len - 1;

  fail_unless_equals_int (bg->len, fg->len);
  for (i = 0; i < fg->len; i++) {
    VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    VkOutFrame *b = &g_array_index (bg, VkOutFrame, i);
    VkTruthRow *row = &g_array_index (truth->rows, VkTruthRow, i);

    fail_unless_equals_uint64 (f->fg_index, i);
    fail_unless_equals_uint64 (b->pts, f->pts);
    fail_unless (vk_check_same_content (sums, b->bg_index,
            MIN (row->bg_index, last)), "fg frame %u: bg frame %"
        G_GUINT64_FORMAT ", truth %u", i, b->bg_index, row->bg_index);
  }
}

/* runs @pipeline to the end and frees it; @n_fg fg frames must come out,
 * see check_outputs () */
static void
run_and_check (GstElement * pipeline, guint n_fg, VkTruth * truth,
    GPtrArray * sums)
{
  GArray *fg, *bg;

  run_to_end (pipeline, &fg, &bg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (fg->len, n_fg);
  check_outputs (fg, bg, truth, sums);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
}

static GPtrArray *
checksums_of (const gchar * name)
{
  gchar *path = g_strdup_printf ("%s/%s-bg.mp4", tmpdir, name);
  GPtrArray *sums = vk_check_frame_checksums (path);

  g_free (path);
  return sums;
}

/* A flushing seek while the outputs flow: afterwards both outputs start at
 * the fg frame of the seek position, with the bg frames of the truth. */
GST_START_TEST (test_flushing_seek)
{
  GstElement *pipeline, *fgsink, *bgsink;
  VkTruth *truth;
  GPtrArray *sums;
  GArray *fg, *bg;
  GThread *t;
  guint i;

  vk_check_make_pair (tmpdir, "seek", PAIR_ARGS " --duration 5");
  truth = load_truth ("seek");
  sums = checksums_of ("seek");
  pipeline = align_pipeline ("seek", "seek", "");
  fgsink = sink_of (pipeline, "fg");
  bgsink = sink_of (pipeline, "bg");

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* rendering: the first 20 frames came out */
  for (i = 0; i < 20; i++) {
    GstSample *s;

    s = gst_app_sink_try_pull_sample (GST_APP_SINK (fgsink), 30 * GST_SECOND);
    fail_unless (s != NULL);
    gst_sample_unref (s);
    s = gst_app_sink_try_pull_sample (GST_APP_SINK (bgsink), 30 * GST_SECOND);
    fail_unless (s != NULL);
    gst_sample_unref (s);
  }
  /* fg frame 60 is at 2 s */
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, 2 * GST_SECOND));
  t = vk_check_pull_in_thread (bgsink);
  fg = vk_check_pull_all (fgsink);
  bg = g_thread_join (t);
  check_map (fg, bg, truth, sums, 60);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
  g_ptr_array_unref (sums);
  vk_truth_free (truth);
}

GST_END_TEST;

/* A flushing seek during the analysis (before any output), as an
 * application seeks right after PLAYING: accepted at once, queued, and
 * honoured when the render starts: the outputs start at the fg frame of
 * the seek position, with the truth's bg frames. Until 2026-12-06 it was
 * refused, and the pipeline output nothing for as long as the analysis
 * (with a compositor downstream: its flush never ended). */
GST_START_TEST (test_seek_during_analysis)
{
  GstElement *pipeline;
  VkTruth *truth;
  GPtrArray *sums;
  GArray *fg, *bg;
  GThread *t;
  GstBus *bus;
  GstMessage *msg;

  vk_check_make_pair (tmpdir, "aseek", PAIR_ARGS " --duration 5");
  truth = load_truth ("aseek");
  sums = checksums_of ("aseek");
  pipeline = align_pipeline ("aseek", "aseek", "");
  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  /* analysing */
  do {
    msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
    if (gst_message_has_name (msg, "vidkompy-progress"))
      break;
    gst_message_unref (msg);
  } while (TRUE);
  gst_message_unref (msg);
  /* fg frame 60 is at 2 s */
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, 2 * GST_SECOND),
      "seek during the analysis refused");
  t = vk_check_pull_in_thread (sink_of (pipeline, "bg"));
  fg = vk_check_pull_all (sink_of (pipeline, "fg"));
  bg = g_thread_join (t);
  check_map (fg, bg, truth, sums, 60);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
  g_ptr_array_unref (sums);
  vk_truth_free (truth);
}

GST_END_TEST;

/* The bg ends (EOS) before the fg: the fg of a 5-s pair over the first 3 s
 * of the same bg. With clamp, every fg frame comes out, the ones after the
 * bg's end with its last frame; with drop, only the fg frames the bg
 * covers. */
GST_START_TEST (test_bg_ends_first)
{
  VkTruth *truth;
  GPtrArray *sums;
  guint drop, i, last, covered = 0;

  vk_check_make_pair (tmpdir, "long", PAIR_ARGS " --duration 5");
  vk_check_make_pair (tmpdir, "short", PAIR_ARGS " --duration 3");
  truth = load_truth ("long");
  sums = checksums_of ("short");
  last = sums->len - 1;
  fail_unless_equals_int (last, 89);
  for (i = 0; i < truth->rows->len; i++)
    if (g_array_index (truth->rows, VkTruthRow, i).bg_index <= last)
      covered++;
  fail_unless (covered > 30 && covered < truth->rows->len);

  for (drop = 0; drop <= 1; drop++) {
    run_and_check (align_pipeline ("short", "long", drop ?
            "unmatched-frames=drop" : "unmatched-frames=clamp"),
        drop ? covered : truth->rows->len, truth, sums);
  }
  g_ptr_array_unref (sums);
  vk_truth_free (truth);
}

GST_END_TEST;

/* re-encodes @name's @which file with x264enc's defaults (B-frames) into
 * @out's */
static void
reencode_bframes (const gchar * name, const gchar * which, const gchar * out)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s/%s-%s.mp4 ! decodebin "
      "! videoconvert ! x264enc threads=1 ! mp4mux "
      "! filesink location=%s/%s-%s.mp4",
      tmpdir, name, which, tmpdir, out, which);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GstBus *bus;
  GstMessage *msg;

  fail_unless (p != NULL, "%s", err ? err->message : "");
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
      "%s did not end", desc);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  g_free (desc);
}

/* Inputs with B-frames (x264enc's defaults in MP4, as most cameras and
 * encoders write them): after the seek back to render, qtdemux and the
 * decoder drop the first frames of a seek to their timestamp and give a
 * clipped piece of a frame; the render must still output every fg frame
 * on its truth's bg frame (it hung before).
 *
 * The 20 fps source shows each of its frames on one or two bg frames: the
 * lossy re-encode makes such copies differ a little, so the copies that
 * show the same content are told from the (lossless) pair re-encoded.
 * (x264enc runs on one thread so that the re-encode is the same file in
 * every run.) */
GST_START_TEST (test_bframes)
{
  VkTruth *truth;
  GPtrArray *sums;

  vk_check_make_pair (tmpdir, "plain", PAIR_ARGS " --duration 3");
  reencode_bframes ("plain", "bg", "bframes");
  reencode_bframes ("plain", "fg", "bframes");
  truth = load_truth ("plain");
  sums = checksums_of ("plain");

  run_and_check (align_pipeline ("bframes", "bframes", ""), truth->rows->len,
      truth, sums);
  g_ptr_array_unref (sums);
  vk_truth_free (truth);
}

GST_END_TEST;

/* the fg ends (EOS) long before the bg: every fg frame, nothing more */
GST_START_TEST (test_fg_ends_first)
{
  GstElement *pipeline;
  VkTruth *truth;
  GPtrArray *sums;
  GArray *fg, *bg;

  vk_check_make_pair (tmpdir, "fgshort", PAIR_ARGS " --duration 5 "
      "--fg-duration 1");
  truth = load_truth ("fgshort");
  sums = checksums_of ("fgshort");
  fail_unless_equals_int (truth->rows->len, 30);
  pipeline = align_pipeline ("fgshort", "fgshort", "");
  run_to_end (pipeline, &fg, &bg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  check_map (fg, bg, truth, sums, 0);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
  g_ptr_array_unref (sums);
  vk_truth_free (truth);
}

GST_END_TEST;

/* an appsrc input of 64x48 GRAY8 at 25 fps, answering the SEEKING query
 * (stream-type seekable) */
#define APPSRC(name) "appsrc name=" name " format=time stream-type=seekable " \
  "caps=video/x-raw,format=GRAY8,width=64,height=48,framerate=25/1"

static void
push_frames (GstElement * pipeline, const gchar * name, guint n,
    gboolean timestamps, gboolean eos)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), name);
  guint i;

  for (i = 0; i < n; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, 64 * 48, NULL);

    gst_buffer_memset (buf, 0, i * 10, 64 * 48);
    if (timestamps) {
      GST_BUFFER_PTS (buf) = i * GST_SECOND / 25;
      GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
    }
    gst_app_src_push_buffer (GST_APP_SRC (src), buf);
  }
  if (eos)
    gst_app_src_end_of_stream (GST_APP_SRC (src));
  gst_object_unref (src);
}

/* these cases end before any replay: seeks only need to succeed */
static gboolean
seek_data (GstAppSrc * src, guint64 offset, gpointer user_data)
{
  return TRUE;
}

static GstElement *
appsrc_pipeline (void)
{
  GstElement *p = gst_parse_launch ("vidkompyalign name=a "
      APPSRC ("bg") " ! a.bg_sink " APPSRC ("fg") " ! a.fg_sink "
      "a.fg_src ! fakesink a.bg_src ! fakesink", NULL);
  const gchar *names[] = { "bg", "fg" };
  guint i;

  fail_unless (p != NULL);
  for (i = 0; i < 2; i++) {
    GstElement *src = gst_bin_get_by_name (GST_BIN (p), names[i]);

    g_signal_connect (src, "seek-data", G_CALLBACK (seek_data), NULL);
    gst_object_unref (src);
  }
  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  return p;
}

/* an input that ends without a single frame: an error naming it */
GST_START_TEST (test_zero_frames)
{
  const gchar *empty;

  for (empty = "bg"; empty; empty = g_str_equal (empty, "bg") ? "fg" : NULL) {
    GstElement *pipeline = appsrc_pipeline ();

    push_frames (pipeline, "bg", g_str_equal (empty, "bg") ? 0 : 10, TRUE,
        TRUE);
    push_frames (pipeline, "fg", g_str_equal (empty, "fg") ? 0 : 10, TRUE,
        TRUE);
    expect_error (pipeline, 20 * GST_SECOND, g_str_equal (empty, "bg") ?
        "background" : "foreground", "ended with no frame");
  }
}

GST_END_TEST;

/* a linked input that never sends anything while the other one ends: an
 * error naming it after a while, not a wait forever */
GST_START_TEST (test_starved_input)
{
  GstElement *pipeline = appsrc_pipeline ();

  push_frames (pipeline, "bg", 10, TRUE, TRUE);
  expect_error (pipeline, 40 * GST_SECOND, "fg_sink", "no data");
}

GST_END_TEST;

/* buffers without timestamps: an error saying so */
GST_START_TEST (test_no_timestamps)
{
  GstElement *pipeline = appsrc_pipeline ();

  push_frames (pipeline, "bg", 5, TRUE, TRUE);
  push_frames (pipeline, "fg", 5, FALSE, TRUE);
  expect_error (pipeline, 20 * GST_SECOND, "without a timestamp", NULL);
}

GST_END_TEST;

/* a frame size change mid-stream: an error saying so */
GST_START_TEST (test_size_change)
{
  GstElement *pipeline = appsrc_pipeline ();
  GstElement *fg = gst_bin_get_by_name (GST_BIN (pipeline), "fg");
  GstCaps *caps;

  push_frames (pipeline, "bg", 10, TRUE, TRUE);
  push_frames (pipeline, "fg", 3, TRUE, FALSE);
  caps = gst_caps_from_string ("video/x-raw,format=GRAY8,width=80,height=60,"
      "framerate=25/1");
  gst_app_src_set_caps (GST_APP_SRC (fg), caps);
  gst_caps_unref (caps);
  gst_app_src_push_buffer (GST_APP_SRC (fg), gst_buffer_new_allocate (NULL,
          80 * 60, NULL));
  gst_object_unref (fg);
  expect_error (pipeline, 20 * GST_SECOND, "fg_sink", "frame size changed");
}

GST_END_TEST;

/* the vidkompy-alignment message of @name's pair with @props */
static GstStructure *
alignment_of (const gchar * name, const gchar * props)
{
  GstElement *pipeline = align_pipeline (name, name, props);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstStructure *st = NULL;
  GstMessage *msg;
  GArray *fg, *bg;

  run_to_end (pipeline, &fg, &bg);
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (msg, "vidkompy-alignment")) {
      if (st)
        gst_structure_free (st);
      st = gst_structure_copy (gst_message_get_structure (msg));
    }
    gst_message_unref (msg);
  }
  fail_unless (st != NULL, "no vidkompy-alignment message");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
  return st;
}

/* the compared part of the fg (region-* of the vidkompy-alignment message)
 * of @name's pair with @props */
static void
compared_region (const gchar * name, const gchar * props, gint * x, gint * y,
    gint * w, gint * h)
{
  GstStructure *st = alignment_of (name, props);

  fail_unless (gst_structure_get (st, "region-x", G_TYPE_INT, x,
          "region-y", G_TYPE_INT, y, "region-width", G_TYPE_INT, w,
          "region-height", G_TYPE_INT, h, NULL));
  gst_structure_free (st);
}

/* detect-position=false: the fg is at x, y, not moved by the refinement;
 * x and y alone do not stop the search (detect-position is the switch) */
GST_START_TEST (test_explicit_position)
{
  GstStructure *st;
  gint x, y;
  gdouble scale;

  vk_check_make_pair (tmpdir, "pos", PAIR_ARGS " --duration 3");
  st = alignment_of ("pos", "detect-position=false x=30 y=20");
  fail_unless (gst_structure_get (st, "x", G_TYPE_INT, &x, "y", G_TYPE_INT,
          &y, "scale", G_TYPE_DOUBLE, &scale, NULL));
  fail_unless_equals_int (x, 30);
  fail_unless_equals_int (y, 20);
  fail_unless_equals_float (scale, 1.0);
  gst_structure_free (st);

  st = alignment_of ("pos", "x=30 y=20");
  fail_unless (gst_structure_get (st, "x", G_TYPE_INT, &x, "y", G_TYPE_INT,
          &y, NULL));
  fail_unless_equals_int (x, 40);
  fail_unless_equals_int (y, 30);
  gst_structure_free (st);
}

GST_END_TEST;

/* match-region: black bars the fg added (not in the bg) are left out with
 * auto and mask; bars the bg shows too are compared with auto, left out
 * with mask */
GST_START_TEST (test_match_region)
{
  gint x, y, w, h;

  vk_check_make_pair (tmpdir, "fgbars", "--source cockatoo --bg-size 320x180 "
      "--bg-fps 25 --duration 3 --fg-rect 40,30,160,90 --fg-start 0.5 "
      "--letterbox 12");
  vk_check_make_pair (tmpdir, "bgbars", "--source \"videotestsrc "
      "pattern=smpte horizontal-speed=3 ! video/x-raw,width=320,height=132 "
      "! videobox top=-24 "
      "bottom=-24 fill=black\" --bg-size 320x180 --bg-fps 25 --duration 3 "
      "--fg-rect 40,0,160,180 --fg-start 0.5");

  compared_region ("fgbars", "match-region=auto", &x, &y, &w, &h);
  fail_unless (y >= 12 && y + h <= 78 && w >= 150, "%d,%d %dx%d", x, y, w, h);
  compared_region ("fgbars", "match-region=mask", &x, &y, &w, &h);
  fail_unless (y >= 12 && y + h <= 78 && w >= 150, "%d,%d %dx%d", x, y, w, h);

  compared_region ("bgbars", "match-region=auto", &x, &y, &w, &h);
  fail_unless (x == 0 && y == 0 && w == 160 && h == 180, "%d,%d %dx%d", x, y,
      w, h);
  compared_region ("bgbars", "match-region=mask", &x, &y, &w, &h);
  fail_unless (y >= 24 && y + h <= 156, "%d,%d %dx%d", x, y, w, h);
}

GST_END_TEST;

static void
setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
}

static void
teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
}

static Suite *
align_robust_suite (void)
{
  Suite *s = suite_create ("vidkompyalign-robust");
  TCase *tc = tcase_create ("robust");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_flushing_seek);
  tcase_add_test (tc, test_seek_during_analysis);
  tcase_add_test (tc, test_bg_ends_first);
  tcase_add_test (tc, test_fg_ends_first);
  tcase_add_test (tc, test_bframes);
  tcase_add_test (tc, test_zero_frames);
  tcase_add_test (tc, test_starved_input);
  tcase_add_test (tc, test_no_timestamps);
  tcase_add_test (tc, test_size_change);
  tcase_add_test (tc, test_match_region);
  tcase_add_test (tc, test_explicit_position);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_robust);
