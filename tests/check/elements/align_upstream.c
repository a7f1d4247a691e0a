/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign with both inputs fed by one upstream thread: one decoded
 * file through a tee into the bg input and, cropped, into the fg input.
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
  const gchar *fg_queue;        /* the queue before the fg's crop */
  const gchar *out;             /* between an output and its appsink */
} cases[] = {
  {"streaming", "queue max-size-buffers=1", ""},
  {"streaming", "queue max-size-buffers=5 max-size-bytes=0 max-size-time=0",
      ""},
  {"streaming", "queue", ""},
  {"global", "queue", ""},
  /* (the global mode pushes each output from its input's thread: a sink
   * prerolling on the fg's first frame holds the thread that the tee's
   * next frame, and so the bg's first output, waits for) */
  {"global", "queue max-size-buffers=1", "queue !"},
};

GST_START_TEST (test_tee)
{
  gchar *desc, *path;
  GstElement *pipeline, *fgsink, *bgsink;
  GArray *fg, *bg;
  GPtrArray *sums;
  GThread *t;
  guint i;

  path = g_strdup_printf ("%s/t-bg.mp4", tmpdir);
  desc = g_strdup_printf ("vidkompyalign name=a mode=%s "
      "filesrc location=%s ! decodebin ! videoconvert ! tee name=t "
      "t. ! queue ! a.bg_sink t. ! %s ! " CROP " ! a.fg_sink "
      "a.fg_src ! %s appsink name=fg sync=false "
      "a.bg_src ! %s appsink name=bg sync=false", cases[__i__].mode, path,
      cases[__i__].fg_queue, cases[__i__].out, cases[__i__].out);
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
  sums = vk_check_frame_checksums (path);

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
  g_free (desc);
  g_free (path);
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
  return s;
}

GST_CHECK_MAIN (align_upstream);
