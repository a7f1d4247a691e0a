/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* An EOS sent by the application (gst-launch-1.0 -e on Ctrl-C sends it to
 * every source) while vidkompyalign's global mode analyses its inputs: what
 * was analysed is aligned and rendered, every fg frame of it on its bg
 * frame, and the render's replay stops a little after it instead of
 * decoding the rest of the input for frames it drops. The EOS goes to the
 * fg's source alone, so that the bg is analysed to its end whatever the
 * decoders' pace (with both stopped, the bg stopped anywhere from 10 to 20
 * fg frames into the fg's analysed 37 to 66, and the frames past its end
 * get its last one). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "vk-truth.h"
#include "vk-aligncheck.h"

/* a 25 fps pair: bg 6 s, fg a crop of it from 0.4 s for 5 s (125 frames) */
#define FPS 25
#define PAIR_ARGS "--source cockatoo --bg-size 320x180 --bg-fps 25 " \
  "--duration 6 --fg-rect 80,40,160,90 --fg-fps 25 --fg-start 0.4 " \
  "--fg-duration 5"
/* the EOS once this many fg frames have reached the aligner (1 s) */
#define EOS_AFTER FPS
#define WAIT (60 * GST_SECOND)

static gchar *tmpdir;

static void
media_setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
  vk_check_make_pair (tmpdir, "eos", PAIR_ARGS);
}

static void
media_teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
}

/* frames on one of the aligner's sink pads: before the first flush (the
 * analysis), and since the last one (the render) */
typedef struct
{
  gint analysed, replayed;
  gboolean flushed;
} Counts;

static GstPadProbeReturn
count_frames (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Counts *c = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    if (c->flushed)
      g_atomic_int_inc (&c->replayed);
    else
      g_atomic_int_inc (&c->analysed);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_FLUSH_STOP) {
    c->flushed = TRUE;
    g_atomic_int_set (&c->replayed, 0);
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_eos_during_analysis)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a detect-position=false "
      "x=80 y=40 filesrc location=%s/eos-bg.mp4 ! decodebin ! a.bg_sink "
      "filesrc name=fgsrc location=%s/eos-fg.mp4 ! decodebin ! a.fg_sink "
      "a.fg_src ! appsink name=fg sync=false "
      "a.bg_src ! appsink name=bg sync=false", tmpdir, tmpdir);
  GstElement *p = gst_parse_launch (desc, NULL), *a, *fgsink, *bgsink, *src;
  gchar *path = g_strdup_printf ("%s/eos-truth.csv", tmpdir);
  VkTruth *truth = vk_truth_load (path, NULL);
  Counts counts = { 0, 0, FALSE }, bg_counts = { 0, 0, FALSE };
  GThread *fg_pull, *bg_pull;
  GArray *fg, *bg;
  GstPad *pad;
  gint64 until;
  guint i, n, n_bg;

  fail_unless (p != NULL && truth != NULL);
  fail_unless_equals_int (truth->rows->len, 5 * FPS);
  a = gst_bin_get_by_name (GST_BIN (p), "a");
  fgsink = gst_bin_get_by_name (GST_BIN (p), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (p), "bg");
  pad = gst_element_get_static_pad (a, "bg_sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, count_frames, &bg_counts, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (a, "fg_sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, count_frames, &counts, NULL);
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* (an appsink not started yet has no sample for a pull) */
  fg_pull = vk_check_pull_in_thread (fgsink);
  bg_pull = vk_check_pull_in_thread (bgsink);

  until = g_get_monotonic_time () + WAIT / GST_USECOND;
  while (g_atomic_int_get (&counts.analysed) < EOS_AFTER
      && g_get_monotonic_time () < until)
    g_usleep (G_USEC_PER_SEC / 100);
  fail_unless (g_atomic_int_get (&counts.analysed) >= EOS_AFTER,
      "the analysis did not start");
  src = gst_bin_get_by_name (GST_BIN (p), "fgsrc");
  fail_unless (gst_element_send_event (src, gst_event_new_eos ()));
  gst_object_unref (src);

  fg = g_thread_join (fg_pull);
  bg = g_thread_join (bg_pull);
  n = g_atomic_int_get (&counts.analysed);
  n_bg = g_atomic_int_get (&bg_counts.analysed);
  GST_INFO ("%u fg and %u bg frames analysed, %d and %d replayed, %u out",
      n, n_bg, g_atomic_int_get (&counts.replayed),
      g_atomic_int_get (&bg_counts.replayed), fg->len);
  /* every analysed fg frame out, in order, on its bg frame */
  fail_unless (n < truth->rows->len, "the EOS came after the fg's end");
  fail_unless_equals_int (n_bg, 6 * FPS);
  fail_unless_equals_int (fg->len, n);
  fail_unless_equals_int (bg->len, n);
  for (i = 0; i < n; i++) {
    const VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    guint64 t = g_array_index (truth->rows, VkTruthRow, i).bg_index;

    fail_unless_equals_uint64 (f->fg_index, i);
    fail_unless (f->bg_index + 1 >= t && f->bg_index <= t + 1,
        "fg frame %u on bg frame %" G_GUINT64_FORMAT ", truth %"
        G_GUINT64_FORMAT, i, f->bg_index, t);
  }
  /* the fg's replay stopped about a second (25 frames) after the analysed
   * frames, not at its end (125) */
  fail_unless (counts.flushed, "no replay");
  fail_unless (g_atomic_int_get (&counts.replayed) <= (gint) n + FPS + 10,
      "%d fg frames replayed for %u analysed",
      g_atomic_int_get (&counts.replayed), n);

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_array_unref (fg);
  g_array_unref (bg);
  gst_object_unref (pad);
  gst_object_unref (a);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  gst_object_unref (p);
  vk_truth_free (truth);
  g_free (path);
  g_free (desc);
}

GST_END_TEST;

/* the same EOS sent to the bg's source: its analysis ends after a second
 * while the fg is analysed to its end; every fg frame comes out, those
 * past the bg's last analysed frame on that frame, and the warning says
 * the bg was stopped (until 2026-12-08: "The background ends before the
 * foreground", of a file that did not end) */
GST_START_TEST (test_eos_to_bg)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a detect-position=false "
      "x=80 y=40 filesrc name=bgsrc location=%s/eos-bg.mp4 ! decodebin ! "
      "a.bg_sink filesrc location=%s/eos-fg.mp4 ! decodebin ! a.fg_sink "
      "a.fg_src ! fakesink sync=false a.bg_src ! fakesink sync=false",
      tmpdir, tmpdir);
  GstElement *p = gst_parse_launch (desc, NULL), *a, *src;
  Counts bg_counts = { 0, 0, FALSE }, out = { 0, 0, FALSE };
  GstMessage *msg;
  GError *err = NULL;
  gchar *warning = NULL;
  GstPad *pad;
  gint64 until;

  fail_unless (p != NULL);
  a = gst_bin_get_by_name (GST_BIN (p), "a");
  pad = gst_element_get_static_pad (a, "bg_sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, count_frames, &bg_counts, NULL);
  gst_object_unref (pad);
  pad = gst_element_get_static_pad (a, "fg_src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frames, &out, NULL);
  gst_object_unref (pad);
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  until = g_get_monotonic_time () + WAIT / GST_USECOND;
  while (g_atomic_int_get (&bg_counts.analysed) < EOS_AFTER
      && g_get_monotonic_time () < until)
    g_usleep (G_USEC_PER_SEC / 100);
  src = gst_bin_get_by_name (GST_BIN (p), "bgsrc");
  fail_unless (gst_element_send_event (src, gst_event_new_eos ()));
  gst_object_unref (src);
  while ((msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (p), WAIT,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
    GstMessageType t = GST_MESSAGE_TYPE (msg);

    if (t == GST_MESSAGE_WARNING && warning == NULL) {
      gst_message_parse_warning (msg, &err, NULL);
      warning = g_strdup (err->message);
      g_clear_error (&err);
    }
    gst_message_unref (msg);
    fail_if (t == GST_MESSAGE_ERROR, "error");
    if (t == GST_MESSAGE_EOS)
      break;
  }
  GST_INFO ("%d bg frames analysed; %s", g_atomic_int_get
      (&bg_counts.analysed), warning);
  fail_unless_equals_int (g_atomic_int_get (&out.analysed), 5 * FPS);
  fail_unless (warning && g_str_has_prefix (warning,
          "The background was stopped (an end of stream before its end) "
          "before the foreground"), "%s", warning);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (a);
  gst_object_unref (p);
  g_free (warning);
  g_free (desc);
}

GST_END_TEST;

static Suite *
align_eos_suite (void)
{
  Suite *s = suite_create ("align_eos");
  TCase *tc = tcase_create ("eos");

  tcase_set_timeout (tc, 120);
  tcase_add_unchecked_fixture (tc, media_setup, media_teardown);
  tcase_add_test (tc, test_eos_during_analysis);
  tcase_add_test (tc, test_eos_to_bg);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_eos);
