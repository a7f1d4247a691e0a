/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign with both inputs fed by one upstream thread: one decoded
 * file through a tee into the bg input and, cropped, into the fg input;
 * two tracks of one file through one demuxer.
 * The streaming mode wants the bg read ahead of the fg on files; with a
 * full queue before the fg the tee cannot bring the bg before the fg frame
 * is taken, and the pipeline hung (at the bg's seventh 720p frame, the fg's
 * default queue full). Every run must end with every fg frame out once on
 * each output, on its own timestamp, at the crop's place, on its own bg
 * frame. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-aligncheck.h"

static gchar *tmpdir;

/* the fg: this crop of the 320x180 bg */
#define CROP_X 64
#define CROP_Y 32
#define CROP "videocrop left=64 top=32 right=96 bottom=48"

static const struct
{
  const gchar *mode;            /* vidkompyalign's */
  const gchar *bg_queue;        /* between the tee and the bg input */
  const gchar *fg_queue;        /* between the tee and the fg's crop */
  const gchar *out;             /* between an output and its appsink */
} cases[] = {
  {"streaming", "queue !", "queue max-size-buffers=1 !", ""},
  {"streaming", "queue !",
      "queue max-size-buffers=5 max-size-bytes=0 max-size-time=0 !", ""},
  {"streaming", "queue !", "queue !", ""},
  /* no queue: the tee's thread calls both inputs in turn (it hung in the
   * bg's first frame, waiting for the fg's, until 2026-12-07) */
  {"streaming", "", "", ""},
  /* a queue on the fg's branch only: the fg's first frame comes from the
   * tee's thread once the bg's returns (it hung in the bg's first frame,
   * waiting for the fg's, until 2026-12-07) */
  {"streaming", "", "queue !", ""},
  {"global", "queue !", "queue !", ""},
  /* a queue on one branch only: once the inputs are coupled, the fg's
   * thread holds its frames until their bg outputs went out from the bg's
   * thread (with the bg's queue only, the fg's first output blocked the
   * tee's thread in the fg sink's preroll, waiting for the bg's first,
   * which the bg's thread could not push before the tee's next frame; with
   * the fg's only, the tee's thread waited in the bg for the fg's last
   * frame, which it had still to bring: both hung until 2026-12-07) */
  {"global", "queue !", "", ""},
  {"global", "", "queue !", ""},
  {"global", "queue !", "queue max-size-buffers=1 !", ""},
  /* no queue: until 2026-12-07 the global mode pushed each output from its
   * input's thread, and a sink prerolling on the fg's first frame held the
   * tee's thread that the bg's first output waited for */
  {"global", "", "", ""},
};

/* Plays @desc (an aligner named a, its outputs into appsinks named fg and
 * bg) to the end; every fg frame of @bg_path's crop must come out once on
 * each output, on its own timestamp, at the crop's place, on its own bg
 * frame */
static void
check_run (const gchar * desc, const gchar * bg_path)
{
  GstElement *pipeline, *fgsink, *bgsink;
  GArray *fg, *bg;
  GPtrArray *sums;
  GThread *t;
  guint i;

  GST_INFO ("%s", desc);
  pipeline = gst_parse_launch (desc, NULL);
  fail_unless (pipeline != NULL, "%s", desc);
  fgsink = gst_bin_get_by_name (GST_BIN (pipeline), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (pipeline), "bg");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  t = vk_check_pull_in_thread (bgsink);
  fg = vk_check_pull_all (fgsink);
  bg = g_thread_join (t);
  sums = vk_check_frame_checksums (bg_path);

  fail_unless_equals_int (fg->len, sums->len);
  fail_unless_equals_int (bg->len, sums->len);
  for (i = 0; i < fg->len; i++) {
    const VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    const VkOutFrame *b = &g_array_index (bg, VkOutFrame, i);

    fail_unless_equals_uint64 (b->pts, f->pts);
    fail_unless_equals_uint64 (b->fg_index, i);
    fail_unless (b->x == CROP_X && b->y == CROP_Y && b->scale == 1.0,
        "fg frame %u at %d,%d scale %f", i, b->x, b->y, b->scale);
    fail_unless (vk_check_same_content (sums, b->bg_index, i),
        "fg frame %u on bg frame %" G_GUINT64_FORMAT, i, b->bg_index);
  }
  /* (the fg's own timestamps: the bg file's, every 40 ms) */
  fail_unless_equals_uint64 (g_array_index (fg, VkOutFrame, 10).pts,
      400 * GST_MSECOND);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_array_unref (fg);
  g_array_unref (bg);
  g_ptr_array_unref (sums);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  gst_object_unref (pipeline);
}

/* One file through a tee */
GST_START_TEST (test_tee)
{
  gchar *path = g_strdup_printf ("%s/t-bg.mp4", tmpdir);
  gchar *desc = g_strdup_printf ("vidkompyalign name=a mode=%s "
      "filesrc location=%s ! decodebin ! videoconvert ! tee name=t "
      "t. ! %s a.bg_sink t. ! %s " CROP " ! a.fg_sink "
      "a.fg_src ! %s appsink name=fg sync=false "
      "a.bg_src ! %s appsink name=bg sync=false", cases[__i__].mode, path,
      cases[__i__].bg_queue, cases[__i__].fg_queue, cases[__i__].out,
      cases[__i__].out);

  check_run (desc, path);
  g_free (desc);
  g_free (path);
}

GST_END_TEST;

/* plays pipeline @p (made of @desc) to its end, then stops it */
static void
play_to_end (GstElement * p, const gchar * desc)
{
  GstMessage *m;

  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  m = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS, "%s",
      desc);
  gst_message_unref (m);
  gst_element_set_state (p, GST_STATE_NULL);
}

/* plays @desc to its end */
static void
play (const gchar * desc)
{
  GstElement *p = gst_parse_launch (desc, NULL);

  fail_unless (p != NULL, "%s", desc);
  play_to_end (p, desc);
  gst_object_unref (p);
}

/* Two video tracks of one Matroska file (the bg and its crop), through
 * one demuxer with default queues: the streaming mode hung there too
 * until 2026-12-06 (the demuxer's thread blocked on the fg's full queue,
 * 1 s of it, while the fg waited for 2 s of bg) */
GST_START_TEST (test_demux)
{
  gchar *path = g_strdup_printf ("%s/t-bg.mp4", tmpdir);
  gchar *mkv = g_strdup_printf ("%s/t-two.mkv", tmpdir);
  gchar *desc;

  /* the bg and its crop as two tracks of one file (made in the test, not
   * in the fixture: that runs before the fork, where no pipeline may run) */
  if (!g_file_test (mkv, G_FILE_TEST_EXISTS)) {
    desc = g_strdup_printf ("filesrc location=%s ! decodebin ! videoconvert "
        "! tee name=t t. ! queue ! x264enc speed-preset=ultrafast ! "
        "h264parse ! mux. t. ! queue ! " CROP " ! x264enc "
        "speed-preset=ultrafast ! h264parse ! mux. matroskamux name=mux ! "
        "filesink location=%s", path, mkv);
    play (desc);
    g_free (desc);
  }
  desc = g_strdup_printf ("vidkompyalign name=a mode=%s "
      "filesrc location=%s/t-two.mkv ! matroskademux name=d "
      "d.video_0 ! queue ! decodebin ! a.bg_sink "
      "d.video_1 ! queue ! decodebin ! a.fg_sink "
      "a.fg_src ! queue ! appsink name=fg sync=false "
      "a.bg_src ! queue ! appsink name=bg sync=false",
      __i__ ? "global" : "streaming", tmpdir);

  check_run (desc, path);
  g_free (desc);
  g_free (mkv);
  g_free (path);
}

GST_END_TEST;


/* the newest fg frame the fg input took in, and the most it was ahead of
 * the fg output, in frames (of 40 ms: the global mode's analysis pass
 * outputs nothing, its render replays from the start) */
typedef struct
{
  GMutex lock;
  GstClockTime last_in;
  gint ahead;
} Ahead;

static GstPadProbeReturn
count_in (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Ahead *a = data;

  g_mutex_lock (&a->lock);
  a->last_in = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_out (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Ahead *a = data;
  GstClockTime out = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&a->lock);
  if (a->last_in > out)
    a->ahead = MAX (a->ahead, (gint) ((a->last_in - out) / (40 * GST_MSECOND)));
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

/* A slow fg output and a fast bg one, the inputs on threads of their own:
 * the fg input waits for its output, it is not read ahead of it (until
 * 2026-12-07 the global mode's fg went on while the bg output was idle,
 * and a 60-s 1080p60 pair peaked at 4184 MB into a synchronised sink for
 * 165 MB) */
GST_START_TEST (test_slow_output)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a mode=%s "
      "filesrc location=%s/t-bg.mp4 ! decodebin ! videoconvert ! tee name=t "
      "t. ! queue ! a.bg_sink t. ! queue ! " CROP " ! a.fg_sink "
      "a.fg_src ! identity sleep-time=20000 ! fakesink sync=false "
      "a.bg_src ! fakesink sync=false", __i__ ? "global" : "streaming",
      tmpdir);
  GstElement *p = gst_parse_launch (desc, NULL), *a;
  GstPad *pad;
  Ahead ahead;

  fail_unless (p != NULL, "%s", desc);
  g_mutex_init (&ahead.lock);
  ahead.last_in = 0;
  ahead.ahead = 0;
  a = gst_bin_get_by_name (GST_BIN (p), "a");
  pad = gst_element_get_static_pad (a, "fg_sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_in, &ahead, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (a, "fg_src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_out, &ahead, NULL);
  gst_object_unref (pad);
  play_to_end (p, desc);
  /* (of 100 frames: the global mode's fg frames waiting for their
   * decision, a few; the streaming mode's 8 queued ones and its lag) */
  GST_INFO ("the fg input was at most %d frames ahead of its output",
      ahead.ahead);
  fail_unless (ahead.ahead <= (__i__ ? 12 : 60), "the fg input was %d "
      "frames ahead of its output", ahead.ahead);
  g_mutex_clear (&ahead.lock);
  gst_object_unref (a);
  gst_object_unref (p);
  g_free (desc);
}

GST_END_TEST;

static void
setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
  /* (only its bg is used) */
  vk_check_make_pair (tmpdir, "t", "--source cockatoo --bg-size 320x180 "
      "--bg-fps 25 --duration 4");
}

static void
teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
}

static Suite *
align_upstream_suite (void)
{
  Suite *s = suite_create ("align_upstream");
  TCase *tc = tcase_create ("upstream");

  tcase_set_timeout (tc, 120);
  tcase_add_unchecked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_tee, 0, G_N_ELEMENTS (cases));
  tcase_add_loop_test (tc, test_demux, 0, 2);
  tcase_add_loop_test (tc, test_slow_output, 0, 2);
  return s;
}

GST_CHECK_MAIN (align_upstream);
