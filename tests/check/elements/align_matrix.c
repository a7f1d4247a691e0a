/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign with every kind of downstream: both modes × {
 * vidkompycomposite, compositor, two fakesinks sync=true and sync=false,
 * the vidkompy bin, compositor ! x264enc ! mp4mux } × { default queues,
 * queue max-size-buffers=1 }, on files and on files through clocksync
 * (live: the fg's content 0.5 s ahead of the bg). The twelve pipelines of
 * a mode on files run at once; each must end
 * (EOS, no error, within the timeout) with every fg frame out once, in
 * order, with its own timestamp, on the bg frame of the truth (files:
 * every frame; live: every frame from the one it is found at, by
 * LIVE_FOUND_BY), and as many frames out of the
 * downstream with the same
 * timestamps (a compositor with live inputs outputs more: its own
 * timeline). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-truth.h"
#include "vk-aligncheck.h"

static gchar *tmpdir;
static gboolean sanitized;
static VkTruth *truth;
static GPtrArray *bg_sums;

/* the runs started together */
#define RUN_TIMEOUT (60 * G_USEC_PER_SEC)
/* the aligner's latency (ns): files 1 s; live inputs 2 s, so that a fg
 * 0.5 s ahead of the bg leaves its frames 1.5 s to be decided: with 1 s
 * and both cores busy with other tests, a frame's time came before its bg
 * frame now and then (3 frames off) */
#define LATENCY_FILES "1000000000"
#define LATENCY_LIVE "2000000000"
/* live inputs: the fg (120 frames, its content 0.5 s ahead of the bg's)
 * is found by this fg frame: its content is in the bg window once the
 * oldest held fg frames show it, 1 s into the fg, and a search takes a
 * few tenths of a second (under the sanitizers, VK_TEST_SANITIZED set,
 * several times that: it is found, or not, before the fg ends) */
#define LIVE_FOUND_BY 60

typedef enum
{
  INPUT_FILES,
  INPUT_CLOCKSYNC               /* live: clocksync is a live element */
} InputKind;

/* downstreams: %1$s the queue, %2$s a file name prefix; @own_timeline:
 * with live inputs the compositor outputs frames on a timeline of its own
 * (also where no input has a frame) */
static const struct
{
  const gchar *name;
  gboolean own_timeline;
  const gchar *desc;
} downstreams[] = {
  {"vidkompycomposite", FALSE, "vidkompycomposite name=c ! fakesink name=out "
        "a.bg_src ! %1$s ! c.bg_sink a.fg_src ! %1$s ! c.fg_sink"},
  {"compositor", TRUE, "compositor name=c ! fakesink name=out "
        "a.bg_src ! %1$s ! c.sink_0 a.fg_src ! %1$s ! c.sink_1"},
  {"fakesinks sync=true", FALSE, "a.bg_src ! %1$s ! fakesink sync=true "
        "a.fg_src ! %1$s ! fakesink name=out sync=true"},
  {"fakesinks sync=false", FALSE, "a.bg_src ! %1$s ! fakesink sync=false "
        "a.fg_src ! %1$s ! fakesink name=out sync=false"},
  {"vidkompy bin", FALSE, "a. ! %1$s ! fakesink name=out"},
  {"compositor ! x264enc ! mp4mux", TRUE, "compositor name=c ! "
        "x264enc name=out speed-preset=ultrafast ! mp4mux ! "
        "filesink location=%2$s.mp4 "
        "a.bg_src ! %1$s ! c.sink_0 a.fg_src ! %1$s ! c.sink_1"},
};

static const gchar *queues[] = { "queue", "queue max-size-buffers=1" };

#define N_RUNS (G_N_ELEMENTS (downstreams) * G_N_ELEMENTS (queues))

typedef struct
{
  gchar *label;
  GstElement *pipeline;
  GMutex lock;
  GArray *fg, *bg;              /* VkOutFrame of the aligner's outputs */
  GArray *out;                  /* GstClockTime: the PTS out of the downstream */
  gboolean live;                /* live inputs */
  gboolean own_timeline;        /* downstream outputs frames of its own */
  gboolean done;
  gchar *error;
} Run;

/* each output buffer, and each GAP event in place of a bg frame (live
 * inputs: a fg frame due before the bg's first frame came, once the bg's
 * caps came), as bg frame G_MAXUINT64 */
static GstPadProbeReturn
record_aligned (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Run *run = data;
  VkOutFrame f = { 0 };

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER (info);
    GstVidkompyAlignmentMeta *m = gst_buffer_get_vidkompy_alignment_meta (b);

    f.pts = GST_BUFFER_PTS (b);
    f.fg_index = m ? m->fg_index : G_MAXUINT64;
    f.bg_index = m ? m->bg_index : G_MAXUINT64;
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP) {
    gst_event_parse_gap (GST_PAD_PROBE_INFO_EVENT (info), &f.pts, NULL);
    f.fg_index = f.bg_index = G_MAXUINT64;
  } else {
    return GST_PAD_PROBE_OK;
  }
  g_mutex_lock (&run->lock);
  g_array_append_val (g_str_equal (GST_PAD_NAME (pad), "fg_src") ?
      run->fg : run->bg, f);
  g_mutex_unlock (&run->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
record_out (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Run *run = data;
  GstClockTime pts;

  if (!(info->type & GST_PAD_PROBE_TYPE_BUFFER))
    return GST_PAD_PROBE_OK;
  pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&run->lock);
  g_array_append_val (run->out, pts);
  g_mutex_unlock (&run->lock);
  return GST_PAD_PROBE_OK;
}

static void
probe (GstElement * e, const gchar * pad, GstPadProbeCallback cb, Run * run)
{
  GstPad *p = gst_element_get_static_pad (e, pad);

  fail_unless (p != NULL, "%s has no %s", GST_ELEMENT_NAME (e), pad);
  gst_pad_add_probe (p, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, cb, run, NULL);
  gst_object_unref (p);
}

/* the aligner of the pipeline (inside the vidkompy bin too) */
static GstElement *
aligner_of (GstElement * pipeline)
{
  GstIterator *it = gst_bin_iterate_all_by_element_factory_name (GST_BIN
      (pipeline), "vidkompyalign");
  GValue v = G_VALUE_INIT;
  GstElement *a = NULL;

  if (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    a = g_value_dup_object (&v);
    g_value_unset (&v);
  }
  gst_iterator_free (it);
  fail_unless (a != NULL);
  return a;
}

static gchar *
input_desc (InputKind kind, const gchar * which)
{
  return g_strdup_printf ("filesrc location=%s/m-%s.mp4 ! decodebin ! "
      "videoconvert%s ! a.%s_sink", tmpdir, which,
      kind == INPUT_CLOCKSYNC ? " ! clocksync" : "", which);
}

static Run *
run_new (const gchar * mode, InputKind kind, guint d, guint q)
{
  Run *run = g_new0 (Run, 1);
  gchar *bg = input_desc (kind, "bg"), *fg = input_desc (kind, "fg");
  gchar *prefix = g_strdup_printf ("%s/out-%s-%u-%u-%u", tmpdir, mode, kind,
      d, q);
  gchar *down = g_strdup_printf (downstreams[d].desc, queues[q], prefix);
  gboolean bin = g_str_has_prefix (downstreams[d].name, "vidkompy bin");
  gchar *desc = g_strdup_printf ("%s name=a mode=%s latency=%s %s %s %s",
      bin ? "vidkompy" : "vidkompyalign", mode, kind == INPUT_FILES ?
      LATENCY_FILES : LATENCY_LIVE, bg, fg, down);
  GError *err = NULL;
  GstElement *a, *out;

  run->label = g_strdup_printf ("%s, %s, %s, %s", mode,
      kind == INPUT_FILES ? "files" : "files through clocksync",
      downstreams[d].name, queues[q]);
  g_mutex_init (&run->lock);
  run->fg = g_array_new (FALSE, TRUE, sizeof (VkOutFrame));
  run->bg = g_array_new (FALSE, TRUE, sizeof (VkOutFrame));
  run->out = g_array_new (FALSE, TRUE, sizeof (GstClockTime));
  run->live = kind == INPUT_CLOCKSYNC;
  run->own_timeline = run->live && downstreams[d].own_timeline;
  run->pipeline = gst_parse_launch (desc, &err);
  fail_unless (run->pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "");
  a = aligner_of (run->pipeline);
  probe (a, "bg_src", record_aligned, run);
  probe (a, "fg_src", record_aligned, run);
  gst_object_unref (a);
  out = gst_bin_get_by_name (GST_BIN (run->pipeline), "out");
  probe (out, "sink", record_out, run);
  gst_object_unref (out);
  g_free (bg);
  g_free (fg);
  g_free (prefix);
  g_free (down);
  g_free (desc);
  return run;
}

static void
run_free (Run * run)
{
  gst_element_set_state (run->pipeline, GST_STATE_NULL);
  gst_object_unref (run->pipeline);
  g_array_unref (run->fg);
  g_array_unref (run->bg);
  g_array_unref (run->out);
  g_mutex_clear (&run->lock);
  g_free (run->error);
  g_free (run->label);
  g_free (run);
}

/* ------------------------------------------------------------------------ */
/* Checks */

/* What is wrong with @run, or NULL */
static gchar *
check_run (Run * run)
{
  guint i, n = truth->rows->len, exact = 0, found = G_MAXUINT;
  gint max_err = 0;
  /* live: the fg frames due before the bg's caps came have no bg output
   * (not even a gap, which needs caps) */
  guint no_bg = run->live ? n - MIN (n, run->bg->len) : 0;

  if (run->error)
    return g_strdup_printf ("%s: error: %s", run->label, run->error);
  if (!run->done)
    return g_strdup_printf ("%s: no EOS within the timeout (%u fg and %u bg "
        "frames out of the aligner, %u out of the downstream)", run->label,
        run->fg->len, run->bg->len, run->out->len);
  if (run->fg->len != n || run->bg->len + no_bg != n || run->out->len < n
      || (run->out->len != n && !run->own_timeline))
    return g_strdup_printf ("%s: %u fg and %u bg frames out of the aligner, "
        "%u out of the downstream, for %u fg frames", run->label,
        run->fg->len, run->bg->len, run->out->len, n);
  for (i = 0; i < n; i++) {
    const VkTruthRow *row = &g_array_index (truth->rows, VkTruthRow, i);
    const VkOutFrame *f = &g_array_index (run->fg, VkOutFrame, i);
    const VkOutFrame *b;
    GstClockTime pts = row->fg_pts;
    GstClockTime out = g_array_index (run->out, GstClockTime, i);

    if (out != pts && !run->own_timeline)
      return g_strdup_printf ("%s: downstream output %u at %" GST_TIME_FORMAT,
          run->label, i, GST_TIME_ARGS (out));
    b = i < no_bg ? NULL : &g_array_index (run->bg, VkOutFrame, i - no_bg);
    if (f->fg_index != i || f->pts != pts || (b && b->pts != pts))
      return g_strdup_printf ("%s: output %u is fg frame %" G_GUINT64_FORMAT
          " at %" GST_TIME_FORMAT ", bg at %" GST_TIME_FORMAT, run->label, i,
          f->fg_index, GST_TIME_ARGS (f->pts),
          GST_TIME_ARGS (b ? b->pts : GST_CLOCK_TIME_NONE));
    if (b == NULL)
      continue;
    if (vk_check_same_content (bg_sums, b->bg_index, row->bg_index)) {
      found = MIN (found, i);
      exact++;
    } else if (found != G_MAXUINT || !run->live) {
      max_err = MAX (max_err, ABS ((gint) ((gint64) b->bg_index -
                  (gint64) row->bg_index)));
      GST_INFO ("%s: fg frame %u on bg frame %" G_GUINT64_FORMAT
          ", truth %" G_GUINT64_FORMAT, run->label, i, b->bg_index,
          row->bg_index);
    }
  }
  GST_INFO ("%s: found at fg frame %u, %u of %u exact, max error %d",
      run->label, found, exact, n, max_err);
  /* files: every frame. Live inputs: the frames before the fg is found go
   * out unmatched (they cannot wait for it); with the fg 0.5 s ahead of
   * the bg, its content reaches the bg window 0.5 s after it comes, so
   * the fg is found once the oldest held fg frames show it; from then on
   * every frame is on the truth's bg frame (under the sanitizers, whose
   * slower decoders can starve a frame of its bg frame, 90 % of them) */
  if (!run->live && exact != n)
    return g_strdup_printf ("%s: %u of %u exact, max error %d", run->label,
        exact, n, max_err);
  if (run->live && ((found > LIVE_FOUND_BY && !sanitized)
          || (found < n && exact < (sanitized ? 0.9 : 1.0) * (n - found))))
    return g_strdup_printf ("%s: found at fg frame %u (at the latest %u), "
        "then %u of %u exact, max error %d", run->label, found,
        LIVE_FOUND_BY, exact, n - MIN (found, n), max_err);
  return NULL;
}

/* Waits for the end of @run (EOS or an error) until @deadline */
static void
wait_run (Run * run, gint64 deadline)
{
  GstBus *bus = gst_element_get_bus (run->pipeline);
  gint64 now;

  while (!run->done && !run->error
      && (now = g_get_monotonic_time ()) < deadline) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus,
        (deadline - now) * GST_USECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

    if (m == NULL)
      break;
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS) {
      run->done = TRUE;
    } else {
      GError *err = NULL;

      gst_message_parse_error (m, &err, NULL);
      run->error = g_strdup (err->message);
      g_error_free (err);
    }
    gst_message_unref (m);
  }
  gst_object_unref (bus);
}

static Run *
start_run (const gchar * mode, InputKind kind, guint r)
{
  Run *run = run_new (mode, kind, r / G_N_ELEMENTS (queues),
      r % G_N_ELEMENTS (queues));

  fail_if (gst_element_set_state (run->pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE, "%s", run->label);
  return run;
}

/* Runs the twelve pipelines of @mode on @kind (files: at once; live
 * inputs, paced by the clock, two at a time so that none falls behind
 * for want of CPU), then checks each. */
static void
run_matrix (const gchar * mode, InputKind kind)
{
  Run *runs[N_RUNS];
  gint64 deadline;
  guint r, first, batch = kind == INPUT_FILES ? N_RUNS : 2;
  GString *failures = g_string_new (NULL);

  for (first = 0; first < N_RUNS; first += batch) {
    guint end = MIN (first + batch, N_RUNS);

    for (r = first; r < end; r++)
      runs[r] = start_run (mode, kind, r);
    deadline = g_get_monotonic_time () + RUN_TIMEOUT;
    for (r = first; r < end; r++)
      wait_run (runs[r], deadline);
  }
  for (r = 0; r < N_RUNS; r++) {
    gchar *e;

    gst_element_set_state (runs[r]->pipeline, GST_STATE_NULL);
    e = check_run (runs[r]);
    run_free (runs[r]);
    if (e) {
      g_string_append_printf (failures, "\n  %s", e);
      g_free (e);
    }
  }
  fail_unless (failures->len == 0, "%s", failures->str);
  g_string_free (failures, TRUE);
}

GST_START_TEST (test_global_files)
{
  run_matrix ("global", INPUT_FILES);
}

GST_END_TEST;

GST_START_TEST (test_global_clocksync)
{
  run_matrix ("global", INPUT_CLOCKSYNC);
}

GST_END_TEST;

GST_START_TEST (test_streaming_files)
{
  run_matrix ("streaming", INPUT_FILES);
}

GST_END_TEST;

GST_START_TEST (test_streaming_clocksync)
{
  run_matrix ("streaming", INPUT_CLOCKSYNC);
}

GST_END_TEST;

/* one pair for every test: 5 s of 320x180 bg at 25 fps, the fg a 160x90
 * crop at 30 fps from 0.5 s to 4.5 s */
static void
setup (void)
{
  gchar *p;

  sanitized = g_getenv ("VK_TEST_SANITIZED") != NULL;
  tmpdir = vk_check_tmpdir_new ();
  vk_check_make_pair (tmpdir, "m", "--source cockatoo --bg-size 320x180 "
      "--bg-fps 25 --duration 5 --fg-rect 80,40,160,90 --fg-fps 30 "
      "--fg-start 0.5 --fg-duration 4");
  p = g_strdup_printf ("%s/m-truth.csv", tmpdir);
  truth = vk_truth_load (p, NULL);
  g_free (p);
  fail_unless (truth != NULL);
  p = g_strdup_printf ("%s/m-bg.mp4", tmpdir);
  bg_sums = vk_check_frame_checksums (p);
  g_free (p);
}

static void
teardown (void)
{
  g_ptr_array_unref (bg_sums);
  vk_truth_free (truth);
  vk_check_tmpdir_remove (tmpdir);
}

static Suite *
align_matrix_suite (void)
{
  Suite *s = suite_create ("align_matrix");
  TCase *tc = tcase_create ("matrix");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_global_files);
  tcase_add_test (tc, test_global_clocksync);
  tcase_add_test (tc, test_streaming_files);
  tcase_add_test (tc, test_streaming_clocksync);
  return s;
}

GST_CHECK_MAIN (align_matrix);
