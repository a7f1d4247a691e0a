/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A run of vidkompyalign on a generated pair, see vk-pairrun.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "vk-aligncheck.h"
#include "vk-pairrun.h"

/**
 * vk_check_pair_run:
 * @run: (out): the run
 * @dir: where the pair @name was made (vk_check_make_pair ())
 * @name: the pair
 * @aligner: the aligner and its properties, named a (e.g.
 *   "vidkompyalign name=a mode=streaming latency=500000000")
 *
 * Plays the pair's files through decodebin into @aligner, each output into
 * an appsink, to the end; fails the test when the truth cannot be read or
 * the pipeline not made, and unless every fg frame of the truth came out
 * once on each output, in order, on its own timestamp.
 */
void
vk_check_pair_run (VkPairRun * run, const gchar * dir, const gchar * name,
    const gchar * aligner)
{
  vk_check_pair_run_bg (run, dir, name, aligner, NULL, NULL);
}

/**
 * vk_check_pair_run_bg:
 * @bg_probe: (nullable): a buffer probe on the decoded bg frames before
 *   the aligner (it may drop frames: a bg with gaps)
 * @user_data: for @bg_probe
 *
 * vk_check_pair_run () with @bg_probe on the bg.
 */
void
vk_check_pair_run_bg (VkPairRun * run, const gchar * dir, const gchar * name,
    const gchar * aligner, GstPadProbeCallback bg_probe, gpointer user_data)
{
  gchar *path = g_strdup_printf ("%s/%s-truth.csv", dir, name), *desc;
  GstElement *fgsink, *bgsink;
  GThread *t;
  guint i, n;

  memset (run, 0, sizeof (*run));
  run->truth = vk_truth_load (path, NULL);
  g_free (path);
  fail_unless (run->truth != NULL);
  desc = g_strdup_printf ("%s "
      "filesrc location=%s/%s-bg.mp4 ! decodebin ! %s a.bg_sink "
      "filesrc location=%s/%s-fg.mp4 ! decodebin ! a.fg_sink "
      "a.fg_src ! appsink name=fg sync=false "
      "a.bg_src ! appsink name=bg sync=false", aligner, dir, name,
      bg_probe ? "identity name=bgin silent=true !" : "", dir, name);
  run->pipeline = gst_parse_launch (desc, NULL);
  fail_unless (run->pipeline != NULL, "%s", desc);
  g_free (desc);
  if (bg_probe) {
    GstElement *e = gst_bin_get_by_name (GST_BIN (run->pipeline), "bgin");
    GstPad *pad = gst_element_get_static_pad (e, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, bg_probe, user_data,
        NULL);
    gst_object_unref (pad);
    gst_object_unref (e);
  }
  fgsink = gst_bin_get_by_name (GST_BIN (run->pipeline), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (run->pipeline), "bg");
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  t = vk_check_pull_in_thread (bgsink);
  run->fg = vk_check_pull_all (fgsink);
  run->bg = g_thread_join (t);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  path = g_strdup_printf ("%s/%s-bg.mp4", dir, name);
  run->sums = vk_check_frame_checksums (path);
  g_free (path);

  n = run->truth->rows->len;
  fail_unless_equals_int (run->fg->len, n);
  fail_unless_equals_int (run->bg->len, n);
  for (i = 0; i < n; i++) {
    GstClockTime pts = g_array_index (run->truth->rows, VkTruthRow,
        i).fg_pts;

    fail_unless_equals_uint64 (g_array_index (run->fg, VkOutFrame, i).pts, pts);
    fail_unless_equals_uint64 (g_array_index (run->bg, VkOutFrame, i).pts, pts);
  }
}

/* stops the run's pipeline and frees what it holds */
void
vk_check_pair_run_clear (VkPairRun * run)
{
  gst_element_set_state (run->pipeline, GST_STATE_NULL);
  g_array_unref (run->fg);
  g_array_unref (run->bg);
  g_ptr_array_unref (run->sums);
  vk_truth_free (run->truth);
  gst_object_unref (run->pipeline);
  memset (run, 0, sizeof (*run));
}
