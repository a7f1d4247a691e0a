/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign's global mode on an input whose timestamps do not start at
 * its stream time 0: a bg in an MKV muxed with a start offset (its first
 * PTS 5 s, its segment's start 5 s and time 0, as ffmpeg's
 * -output_ts_offset or a recorder that keeps its clock makes it). The seek
 * back to render counts in stream time: a seek to the analysed frames'
 * PTS went past the end of the file, and the render failed with "The
 * background ended during rendering before the first matched frame" until
 * 2026-12-08 (here: no output, "no EOS" after 30 s). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "vk-truth.h"
#include "vk-aligncheck.h"

/* a 25 fps pair: bg 4 s, fg a crop of it from 1.2 s for 2 s (50 frames) */
#define FPS 25
#define N_FG (2 * FPS)
#define PAIR_ARGS "--source cockatoo --bg-size 320x180 --bg-fps 25 " \
  "--duration 4 --fg-rect 80,40,160,90 --fg-fps 25 --fg-start 1.2 " \
  "--fg-duration 2"
#define OFFSET (5 * GST_SECOND)

static gchar *tmpdir;

/* @mp4's H.264 in an MKV whose timestamps start OFFSET later */
static void
remux_with_offset (const gchar * mp4, const gchar * mkv)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! qtdemux ! "
      "h264parse name=parse ! matroskamux ! filesink location=%s", mp4, mkv);
  GstElement *p = gst_parse_launch (desc, NULL), *parse;
  GstPad *pad;
  GstMessage *msg;

  fail_unless (p != NULL);
  parse = gst_bin_get_by_name (GST_BIN (p), "parse");
  pad = gst_element_get_static_pad (parse, "src");
  /* (the muxer writes running time) */
  gst_pad_set_offset (pad, OFFSET);
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (parse);
  gst_object_unref (p);
  g_free (desc);
}

static void
media_setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
  vk_check_make_pair (tmpdir, "st", PAIR_ARGS);
}

static void
media_teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
}

/* every fg frame out once, in order, on the truth's bg frame (within
 * one: the line's rounding), the bg output frame for frame carrying the bg
 * frame's own PTS, OFFSET later than its time in the truth */
GST_START_TEST (test_bg_start_offset)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a mode=global "
      "filesrc location=%s/st-bg.mkv ! decodebin ! a.bg_sink "
      "filesrc location=%s/st-fg.mp4 ! decodebin ! a.fg_sink "
      "a.fg_src ! appsink name=fg sync=false "
      "a.bg_src ! appsink name=bg sync=false", tmpdir, tmpdir);
  GstElement *p = gst_parse_launch (desc, NULL), *fgsink, *bgsink;
  gchar *path = g_strdup_printf ("%s/st-truth.csv", tmpdir);
  VkTruth *truth = vk_truth_load (path, NULL);
  gchar *mp4 = g_strdup_printf ("%s/st-bg.mp4", tmpdir);
  gchar *mkv = g_strdup_printf ("%s/st-bg.mkv", tmpdir);
  GThread *fg_pull, *bg_pull;
  GArray *fg, *bg;
  guint i;

  /* (here, not in the fixture: a pipeline run in check's parent process
   * leaves threads that a forked test cannot use) */
  remux_with_offset (mp4, mkv);
  fail_unless (p != NULL && truth != NULL);
  fail_unless_equals_int (truth->rows->len, N_FG);
  fgsink = gst_bin_get_by_name (GST_BIN (p), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (p), "bg");
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  fg_pull = vk_check_pull_in_thread (fgsink);
  bg_pull = vk_check_pull_in_thread (bgsink);
  fg = g_thread_join (fg_pull);
  bg = g_thread_join (bg_pull);

  fail_unless_equals_int (fg->len, N_FG);
  fail_unless_equals_int (bg->len, N_FG);
  for (i = 0; i < N_FG; i++) {
    const VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    const VkOutFrame *b = &g_array_index (bg, VkOutFrame, i);
    const VkTruthRow *t = &g_array_index (truth->rows, VkTruthRow, i);

    fail_unless_equals_uint64 (f->fg_index, i);
    fail_unless (f->bg_index + 1 >= t->bg_index
        && f->bg_index <= t->bg_index + 1, "fg frame %u on bg frame %"
        G_GUINT64_FORMAT ", truth %" G_GUINT64_FORMAT, i, f->bg_index,
        t->bg_index);
    fail_unless_equals_uint64 (b->bg_index, f->bg_index);
    fail_unless_equals_uint64 (b->pts, f->pts);
    /* (the bg frame's PTS in the MKV: its time in the mp4 plus OFFSET) */
    fail_unless (b->bg_pts >= OFFSET + f->bg_index * GST_SECOND / FPS
        - GST_MSECOND && b->bg_pts <= OFFSET + f->bg_index * GST_SECOND /
        FPS + GST_MSECOND, "bg frame %" G_GUINT64_FORMAT " at %"
        GST_TIME_FORMAT, f->bg_index, GST_TIME_ARGS (b->bg_pts));
  }

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_array_unref (fg);
  g_array_unref (bg);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  gst_object_unref (p);
  vk_truth_free (truth);
  g_free (mp4);
  g_free (mkv);
  g_free (path);
  g_free (desc);
}

GST_END_TEST;

static Suite *
align_streamtime_suite (void)
{
  Suite *s = suite_create ("align_streamtime");
  TCase *tc = tcase_create ("streamtime");

  tcase_set_timeout (tc, 120);
  tcase_add_unchecked_fixture (tc, media_setup, media_teardown);
  tcase_add_test (tc, test_bg_start_offset);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_streamtime);
