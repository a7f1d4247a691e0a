/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Stress tests of vidkompyalign ! vidkompycomposite on small generated
 * pairs (vk-mkpair, 320x240 at 25 fps): state cycles on a running pipeline,
 * flushing seeks during playback (frame maps still those of an undisturbed
 * run), pads unlinked and relinked, inputs that end at different times,
 * caps changes mid-stream on each input, and four pipelines in parallel
 * threads of one process. Every test has a timeout; the leaks tracer
 * (GST_TRACERS=leaks, set by tests/check/meson.build) fails a test that
 * leaks GStreamer objects, and the ASan tree of scripts/test.sh runs these
 * tests too. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-aligncheck.h"
#include "vk-truth.h"

#define STATE_CYCLES 200
#define PULL_TIMEOUT (30 * GST_SECOND)
/* how often pull_frame () looks for an error while it waits */
#define PULL_SLICE (GST_SECOND / 10)

/* the main pair: fg = a 160x90 crop of the bg from 0.4 s for 1.4 s */
#define MAIN_ARGS "--source cockatoo --bg-size 320x180 --bg-fps 25 " \
  "--duration 2 --fg-rect 80,40,160,90 --fg-fps 25 --fg-start 0.4 " \
  "--fg-duration 1.4"
/* the same content, the bg cut at 1 s (the source is decoded from its
 * start each time); its fg shows bg frames from 0 */
#define SHORT_ARGS "--source cockatoo --bg-size 320x180 --bg-fps 25 " \
  "--duration 1 --fg-rect 80,40,160,90 --fg-fps 25 --fg-start 0"

/* Both pairs show the bg's (80,40) 160x90 rectangle. The position is set
 * explicitly: the spatial search (tested in align_element) would take most
 * of the time of 200 state cycles; the temporal alignment runs every
 * time. */
#define POS "detect-position=false x=80 y=40"

static gchar *tmpdir;
static gchar *main_bg, *main_fg, *short_bg, *short_fg;
static VkTruth *main_truth, *short_truth;
static guint main_fg_frames, main_bg_frames, short_fg_frames, short_bg_frames;
/* bg index of every fg frame in an undisturbed run of the main pair */
static guint64 *ref_map;

/* vk-mkpair NAME ARGS, and its truth */
static VkTruth *
make_pair (const gchar * name, const gchar * args)
{
  gchar *path = g_strdup_printf ("%s/%s-truth.csv", tmpdir, name);
  GError *error = NULL;
  VkTruth *truth;

  vk_check_make_pair (tmpdir, name, args);
  truth = vk_truth_load (path, &error);
  fail_unless (truth != NULL, "%s: %s", path, error ? error->message : "");
  g_free (path);
  return truth;
}

static void
media_setup (void)
{
  tmpdir = g_dir_make_tmp ("vk-stress-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
  main_truth = make_pair ("main", MAIN_ARGS);
  short_truth = make_pair ("short", SHORT_ARGS);
  main_bg = g_strdup_printf ("%s/main-bg.mp4", tmpdir);
  main_fg = g_strdup_printf ("%s/main-fg.mp4", tmpdir);
  short_bg = g_strdup_printf ("%s/short-bg.mp4", tmpdir);
  short_fg = g_strdup_printf ("%s/short-fg.mp4", tmpdir);
  main_fg_frames = main_truth->rows->len;
  short_fg_frames = short_truth->rows->len;
  short_bg_frames = g_ascii_strtoull (vk_truth_get_param (short_truth,
          "bg_frames"), NULL, 10);
  main_bg_frames = g_ascii_strtoull (vk_truth_get_param (main_truth,
          "bg_frames"), NULL, 10);
  fail_unless (main_fg_frames > 20 && short_fg_frames > 10
      && short_bg_frames > 10 && main_bg_frames == 50);
}

static void
media_teardown (void)
{
  gchar *cmd = g_strdup_printf ("rm -rf %s", tmpdir);

  fail_unless (system (cmd) == 0);
  g_free (cmd);
  g_free (tmpdir);
  g_free (main_bg);
  g_free (main_fg);
  g_free (short_bg);
  g_free (short_fg);
  vk_truth_free (main_truth);
  vk_truth_free (short_truth);
}

/* ---------------------------------------------------------------------- */
/* Pipelines */

/* filesrc ! decodebin [! @bg_tail] into the aligner's bg_sink, the same for
 * the fg, the aligner's outputs into the compositor, and
 * compositor ! appsink "out". @bg_tail / @fg_tail: a chain of elements
 * ending in one named "bgtail" / "fgtail", or NULL. @links: how the
 * aligner's outputs reach the compositor. */
static GstElement *
make_pipeline_full (const gchar * bg, const gchar * fg,
    const gchar * align_props, const gchar * bg_tail, const gchar * fg_tail,
    const gchar * links)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a %s "
      "vidkompycomposite name=c ! appsink name=out sync=false "
      "filesrc location=%s ! decodebin name=bgdec %s%s "
      "filesrc location=%s ! decodebin name=fgdec %s%s %s", align_props, bg,
      bg_tail ? bg_tail : "", bg_tail ? " ! a.bg_sink" : "", fg,
      fg_tail ? fg_tail : "", fg_tail ? " ! a.fg_sink" : "", links);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);

  fail_unless (p != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "");
  vk_check_link_decoder (p, "bgdec", bg_tail ? "bgtail" : "a",
      bg_tail ? "sink" : "bg_sink");
  vk_check_link_decoder (p, "fgdec", fg_tail ? "fgtail" : "a",
      fg_tail ? "sink" : "fg_sink");
  g_free (desc);
  return p;
}

static GstElement *
make_pipeline (const gchar * bg, const gchar * fg, const gchar * align_props,
    const gchar * bg_tail, const gchar * fg_tail)
{
  return make_pipeline_full (bg, fg, align_props, bg_tail, fg_tail,
      "a.bg_src ! c.bg_sink a.fg_src ! c.fg_sink");
}

static GstElement *
get (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  fail_unless (e != NULL, "no element %s", name);
  return e;
}

/* the error a pull_frame () saw, kept for pop_error () */
#define ERROR_KEY "stress-error"

/* the pipeline's error as text, NULL without one */
static gchar *
pop_error (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = g_object_steal_data (G_OBJECT (pipeline), ERROR_KEY);
  gchar *text = NULL;

  if (msg == NULL)
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    text = g_strdup_printf ("%s (%s)", err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return text;
}

/* Waits for vidkompyalign's 100 % analysis progress message: the alignment
 * job starts then. FALSE on a timeout. */
static gboolean
wait_analysed (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean done = FALSE;

  while (!done && (msg = gst_bus_timed_pop_filtered (bus, PULL_TIMEOUT,
              GST_MESSAGE_ELEMENT)) != NULL) {
    const GstStructure *st = gst_message_get_structure (msg);
    gdouble percent;

    done = gst_structure_has_name (st, "vidkompy-progress")
        && gst_structure_get_double (st, "percent", &percent)
        && percent >= 100.0;
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return done;
}

typedef struct
{
  guint64 fg_index, bg_index;
  GstClockTime pts;
  gint x, y;
} OutFrame;

/* One output frame of @sink, checked: alignment meta. FALSE at EOS, after
 * an error of @pipeline (kept for pop_error ()) or PULL_TIMEOUT. */
static gboolean
pull_frame (GstElement * pipeline, GstElement * sink, OutFrame * f)
{
  GstSample *s = NULL;
  GstBuffer *b;
  GstVidkompyAlignmentMeta *m;
  GstClockTime waited;

  /* (an error ends the stream without an EOS: no waiting for the timeout) */
  for (waited = 0; s == NULL && waited < PULL_TIMEOUT; waited += PULL_SLICE) {
    GstBus *bus;
    GstMessage *msg;

    s = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_SLICE);
    if (s || gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
    bus = gst_element_get_bus (pipeline);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    gst_object_unref (bus);
    if (msg) {
      g_object_set_data_full (G_OBJECT (pipeline), ERROR_KEY, msg,
          (GDestroyNotify) gst_message_unref);
      break;
    }
  }
  if (s == NULL)
    return FALSE;
  b = gst_sample_get_buffer (s);
  m = gst_buffer_get_vidkompy_alignment_meta (b);
  fail_unless (m != NULL, "composite output without alignment meta");
  f->fg_index = m->fg_index;
  f->bg_index = m->bg_index;
  f->pts = GST_BUFFER_PTS (b);
  f->x = m->x;
  f->y = m->y;
  gst_sample_unref (s);
  return TRUE;
}

/* Pulls every frame to EOS; fails on an error or a timeout. */
static GArray *
pull_all (GstElement * pipeline, GstElement * sink)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (OutFrame));
  OutFrame f;
  gchar *err;

  while (pull_frame (pipeline, sink, &f))
    g_array_append_val (frames, f);
  err = pop_error (pipeline);
  fail_unless (err == NULL, "error: %s", err);
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS after %u "
      "frames (timeout)", frames->len);
  return frames;
}

/* every fg frame once, in order, on a non-decreasing map */
static void
check_frames (GArray * frames, guint n_fg, const gchar * what)
{
  guint i;

  fail_unless_equals_int (frames->len, n_fg);
  for (i = 0; i < frames->len; i++) {
    OutFrame *f = &g_array_index (frames, OutFrame, i);

    fail_unless_equals_uint64 (f->fg_index, i);
    if (i > 0)
      fail_unless (f->bg_index >= g_array_index (frames, OutFrame,
              i - 1).bg_index, "%s: bg frame %" G_GUINT64_FORMAT " after %"
          G_GUINT64_FORMAT " at fg frame %u", what, f->bg_index,
          g_array_index (frames, OutFrame, i - 1).bg_index, i);
  }
}

/* the frame map matches the undisturbed run's */
static void
check_ref_map (const OutFrame * f, const gchar * what)
{
  fail_unless (f->fg_index < main_fg_frames, "%s: fg frame %" G_GUINT64_FORMAT,
      what, f->fg_index);
  fail_unless_equals_uint64 (f->bg_index, ref_map[f->fg_index]);
}

/* the whole main pair, undisturbed */
static GArray *
run_main (void)
{
  GstElement *p = make_pipeline (main_bg, main_fg, POS, NULL, NULL);
  GstElement *sink = get (p, "out");
  GArray *frames;

  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  frames = pull_all (p, sink);
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (sink);
  gst_object_unref (p);
  return frames;
}

/* the bg frame of fg frame @i in @truth */
static guint64
truth_bg (VkTruth * truth, guint i)
{
  return g_array_index (truth->rows, VkTruthRow, i).bg_index;
}

/* ref_map: the frame map of an undisturbed run, which must be the truth's
 * (up to one frame: the pair is encoded, neighbouring frames can look
 * alike) */
static void
ensure_ref_map (void)
{
  GArray *frames;
  guint i;

  if (ref_map)
    return;
  frames = run_main ();
  check_frames (frames, main_fg_frames, "reference run");
  ref_map = g_new (guint64, main_fg_frames);
  for (i = 0; i < main_fg_frames; i++) {
    ref_map[i] = g_array_index (frames, OutFrame, i).bg_index;
    fail_unless (ABS ((gint64) ref_map[i] - (gint64) truth_bg (main_truth,
                i)) <= 1, "reference run: fg frame %u on bg frame %"
        G_GUINT64_FORMAT ", truth %" G_GUINT64_FORMAT, i, ref_map[i],
        truth_bg (main_truth, i));
  }
  g_array_unref (frames);
}

/* ---------------------------------------------------------------------- */
/* Tests */

/* NULL -> PLAYING -> NULL STATE_CYCLES times on the same pipeline, stopping
 * at a different point each time (during the analysis, as the alignment
 * starts, during the rendering after some frames); then one full run,
 * whose frames must all be there. A stop as the alignment starts finds an
 * alignment job running, which must give up and be joined before the next
 * run. */
GST_START_TEST (test_state_cycles)
{
  GstElement *p = make_pipeline (main_bg, main_fg, POS, NULL, NULL);
  GstElement *sink = get (p, "out");
  GRand *rand = g_rand_new_with_seed (42);
  GArray *frames;
  guint cycle, n_rendering = 0, n_analysed = 0;
  gint64 t0 = g_get_monotonic_time ();
  OutFrame f;

  for (cycle = 0; cycle < STATE_CYCLES; cycle++) {
    guint stop = g_rand_int_range (rand, 0, 5), n;

    fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE, "cycle %u", cycle);
    switch (stop) {
      case 0:                  /* at once: mostly during the analysis */
        break;
      case 1:                  /* a few ms in */
        g_usleep (g_rand_int_range (rand, 0, 20000));
        break;
      case 2:                  /* as the alignment starts */
        fail_unless (wait_analysed (p), "cycle %u: no end of the analysis: "
            "%s", cycle, pop_error (p));
        n_analysed++;
        break;
      default:                 /* while rendering */
        for (n = g_rand_int_range (rand, 1, 8); n > 0; n--)
          fail_unless (pull_frame (p, sink, &f), "cycle %u: no frame: %s",
              cycle, pop_error (p));
        n_rendering++;
        break;
    }
    fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
  }
  GST_INFO ("%u cycles, %u of them stopped as the alignment started, %u "
      "while rendering, %.1f s", STATE_CYCLES, n_analysed, n_rendering,
      (g_get_monotonic_time () - t0) / 1e6);


  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  frames = pull_all (p, sink);
  check_frames (frames, main_fg_frames, "after the state cycles");
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  g_array_unref (frames);
  g_rand_free (rand);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

/* A flushing seek to a random fg frame every few output frames: after each
 * seek the output resumes at the frame sought, and every frame keeps the
 * bg frame of the undisturbed run. */
GST_START_TEST (test_flushing_seeks)
{
  GstElement *p, *sink;
  GRand *rand = g_rand_new_with_seed (7);
  guint seeks = 0, frames = 0, target = 0;
  gboolean expect_target = FALSE;
  OutFrame f;

  ensure_ref_map ();
  p = make_pipeline (main_bg, main_fg, POS, NULL, NULL);
  sink = get (p, "out");
  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);

  while (pull_frame (p, sink, &f)) {
    check_ref_map (&f, "after a seek");
    if (expect_target) {
      fail_unless_equals_uint64 (f.fg_index, target);
      expect_target = FALSE;
    }
    frames++;
    if (seeks < 12 && frames % 3 == 0) {
      GstClockTime pos;

      target = g_rand_int_range (rand, 0, main_fg_frames - 2);
      pos = gst_util_uint64_scale (target, GST_SECOND, 25);
      fail_unless (gst_element_seek_simple (p, GST_FORMAT_TIME,
              GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, pos),
          "seek %u to fg frame %u refused", seeks, target);
      expect_target = TRUE;
      seeks++;
    }
  }
  fail_unless (pop_error (p) == NULL);
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS (timeout)");
  fail_unless_equals_int (seeks, 12);
  GST_INFO ("%u seeks, %u frames", seeks, frames);

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_rand_free (rand);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

static void
relink (GstElement * a, const gchar * src, GstElement * c, const gchar * sink)
{
  GstPad *srcpad = gst_element_get_static_pad (a, src);
  GstPad *sinkpad = gst_element_get_static_pad (c, sink);

  fail_unless (gst_pad_unlink (srcpad, sinkpad), "%s -> %s", src, sink);
  fail_unless_equals_int (gst_pad_link (srcpad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (srcpad);
  gst_object_unref (sinkpad);
}

/* The aligner's outputs unlinked from the compositor and relinked in READY,
 * three times: the output is complete and correct each time. (Relinking
 * while playing is not tested: see docs/hardening.md.) */
GST_START_TEST (test_relink)
{
  GstElement *p, *a, *c, *sink;
  GArray *frames;
  guint round, i;

  ensure_ref_map ();
  p = make_pipeline (main_bg, main_fg, POS, NULL, NULL);
  a = get (p, "a");
  c = get (p, "c");
  sink = get (p, "out");

  for (round = 0; round < 3; round++) {
    fail_unless_equals_int (gst_element_set_state (p, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    relink (a, "bg_src", c, "bg_sink");
    relink (a, "fg_src", c, "fg_sink");
    fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    frames = pull_all (p, sink);
    check_frames (frames, main_fg_frames, "relinked in READY");
    for (i = 0; i < frames->len; i++)
      check_ref_map (&g_array_index (frames, OutFrame, i), "relinked");
    g_array_unref (frames);
    fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
  }

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (a);
  gst_object_unref (c);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

/* Drops the bg frames before BG_CUT: a bg that starts late */
#define BG_CUT (GST_SECOND)

static GstPadProbeReturn
cut_bg_start_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER (info);

  return GST_BUFFER_PTS (b) < BG_CUT ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* The main fg on a bg that shows only the main bg's frames [@first,
 * @first + @n_bg): with unmatched-frames=clamp every fg frame comes out,
 * those outside the bg on its first or last frame; with drop only those
 * the bg covers. The covered frames are on their truth's bg frame. When
 * the bg covers less than half of the fg, the frames outside it must not
 * pull the alignment: the position is searched (not set), and must be the
 * truth's. */
static void
check_partial_bg (const gchar * bg, gboolean cut_start, guint first, guint n_bg)
{
  static const gchar *const modes[] = { "clamp", "drop" };
  guint m;

  for (m = 0; m < G_N_ELEMENTS (modes); m++) {
    gchar *props = g_strdup_printf ("unmatched-frames=%s", modes[m]);
    GstElement *p = make_pipeline (bg, main_fg, props,
        cut_start ? "identity name=bgtail" : NULL, NULL);
    GstElement *sink = get (p, "out");
    GArray *frames;
    guint i, n_covered = 0, n_fg = main_fg_frames;

    if (cut_start) {
      GstElement *tail = get (p, "bgtail");
      GstPad *pad = gst_element_get_static_pad (tail, "src");

      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cut_bg_start_cb,
          NULL, NULL);
      gst_object_unref (pad);
      gst_object_unref (tail);
    }
    for (i = 0; i < n_fg; i++)
      if (truth_bg (main_truth, i) >= first
          && truth_bg (main_truth, i) < first + n_bg)
        n_covered++;

    fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    frames = pull_all (p, sink);
    for (i = 0; i < frames->len; i++) {
      OutFrame *f = &g_array_index (frames, OutFrame, i);
      guint64 truth = truth_bg (main_truth, f->fg_index);
      /* where the frame must be: its truth, or the end it is beyond */
      guint64 want = CLAMP (truth, first, first + n_bg - 1) - first;

      fail_unless (f->bg_index < n_bg, "%s: bg frame %" G_GUINT64_FORMAT,
          modes[m], f->bg_index);
      fail_unless (f->x == 80 && f->y == 40, "%s: fg at %d,%d", modes[m],
          f->x, f->y);
      if (i > 0)
        fail_unless (f->bg_index >= (f - 1)->bg_index
            && f->fg_index > (f - 1)->fg_index);
      /* up to one frame off: the source repeats frames */
      fail_unless (ABS ((gint64) f->bg_index - (gint64) want) <= 1,
          "%s: fg frame %" G_GUINT64_FORMAT " on bg frame %" G_GUINT64_FORMAT
          ", expected %" G_GUINT64_FORMAT, modes[m], f->fg_index,
          f->bg_index, want);
    }
    GST_INFO ("%s: %u frames, %u fg frames covered", modes[m], frames->len,
        n_covered);
    if (m == 0)
      check_frames (frames, n_fg, "clamp");
    else
      fail_unless_equals_int (frames->len, n_covered);
    fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    g_array_unref (frames);
    gst_object_unref (sink);
    gst_object_unref (p);
    g_free (props);
  }
}

/* The bg ends before the fg's content does: the short pair's 1 s bg covers
 * 15 of the main fg's 35 frames (0.4 s to 1.8 s). */
GST_START_TEST (test_bg_ends_first)
{
  check_partial_bg (short_bg, FALSE, 0, short_bg_frames);
}

GST_END_TEST;

/* The bg starts after the fg's content does: the main bg from 1 s covers
 * the main fg's last 20 frames. */
GST_START_TEST (test_bg_starts_late)
{
  guint first = (guint) (BG_CUT * 25 / GST_SECOND);

  check_partial_bg (main_bg, TRUE, first, main_bg_frames - first);
}

GST_END_TEST;

/* The fg ends long before the bg (the short pair's 1 s fg on the main
 * pair's 2 s bg): the output follows the fg and stops at its EOS. */
GST_START_TEST (test_fg_ends_first)
{
  GstElement *p = make_pipeline (main_bg, short_fg, POS, NULL, NULL);
  GstElement *sink = get (p, "out");
  GArray *frames;
  guint i;

  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  frames = pull_all (p, sink);
  check_frames (frames, short_fg_frames, "short fg");
  for (i = 0; i < frames->len; i++) {
    guint64 b = g_array_index (frames, OutFrame, i).bg_index;

    fail_unless (ABS ((gint64) b - (gint64) truth_bg (short_truth, i)) <= 1,
        "fg frame %u on bg frame %" G_GUINT64_FORMAT ", truth %"
        G_GUINT64_FORMAT, i, b, truth_bg (short_truth, i));
  }
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_array_unref (frames);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

typedef struct
{
  GstElement *capsfilter;
  const gchar *caps;
  guint after;
  guint count;
} CapsSwitch;

static GstPadProbeReturn
switch_caps_cb (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  CapsSwitch *cs = user_data;

  if (++cs->count == cs->after) {
    GstCaps *caps = gst_caps_from_string (cs->caps);

    g_object_set (cs->capsfilter, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  return GST_PAD_PROBE_OK;
}

typedef struct
{
  const gchar *input;           /* bg, fg */
  const gchar *where;           /* before the aligner, after it */
  const gchar *from, *to;       /* caps */
} CapsCase;

/* Caps changes mid-stream on each input:
 * - before the aligner (during its analysis): a frame size change is an
 *   error vidkompyalign documents ("does not support"), a format change at
 *   the same size goes through;
 * - between the aligner and the compositor (during the rendering): size
 *   and format changes of either input go through, every fg frame comes
 *   out with the bg's current size.
 * Never a crash or a hang. */
static const CapsCase caps_cases[] = {
  {"bg", "before", "I420", "video/x-raw,format=NV12"},
  {"fg", "before", "I420", "video/x-raw,format=NV12"},
  {"bg", "before", "I420", "video/x-raw,width=160,height=120"},
  {"fg", "before", "I420", "video/x-raw,width=80,height=60"},
  {"bg", "after", "I420", "video/x-raw,format=NV12,width=240,height=180"},
  {"fg", "after", "I420", "video/x-raw,format=BGRA,width=120,height=90"},
};

GST_START_TEST (test_caps_change)
{
  const CapsCase *cc = &caps_cases[__i__];
  gboolean before = g_str_equal (cc->where, "before");
  gboolean is_bg = g_str_equal (cc->input, "bg");
  gboolean size_change = strstr (cc->to, "width") != NULL;
  GstElement *p, *sink, *cf;
  CapsSwitch cs = { NULL, cc->to, 12, 0 };
  GstPad *pad;
  gchar *err, *tail;
  guint n = 0;
  OutFrame f;

  tail = g_strdup_printf ("videoconvert name=%stail ! videoscale ! "
      "capsfilter name=cf caps=video/x-raw,format=I420", cc->input);
  if (before) {
    p = make_pipeline (main_bg, main_fg, POS, is_bg ? tail : NULL,
        is_bg ? NULL : tail);
  } else {
    /* the converter between the aligner and the compositor */
    gchar *links = g_strdup_printf ("a.%s_src ! %s ! c.%s_sink "
        "a.%s_src ! c.%s_sink", cc->input, tail, cc->input,
        is_bg ? "fg" : "bg", is_bg ? "fg" : "bg");

    p = make_pipeline_full (main_bg, main_fg, POS, NULL, NULL, links);
    g_free (links);
  }
  g_free (tail);
  sink = get (p, "out");
  cf = get (p, "cf");
  cs.capsfilter = cf;
  pad = gst_element_get_static_pad (cf, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, switch_caps_cb, &cs, NULL);
  gst_object_unref (pad);

  fail_if (gst_element_set_state (p, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  while (pull_frame (p, sink, &f))
    n++;
  err = pop_error (p);
  GST_INFO ("%s %s %s: %u frames, error: %s", cc->input, cc->where, cc->to,
      n, err ? err : "none");

  if (before && size_change) {
    fail_unless (err != NULL, "%s size changed before the aligner: no error",
        cc->input);
    fail_unless (strstr (err, "frame size changed mid-stream") != NULL,
        "%s", err);
  } else {
    fail_unless (err == NULL, "%s", err);
    fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "no EOS");
    fail_unless_equals_int (n, main_fg_frames);
  }
  fail_unless (cs.count >= cs.after, "the caps were never switched");

  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_free (err);
  gst_object_unref (cf);
  gst_object_unref (sink);
  gst_object_unref (p);
}

GST_END_TEST;

static gpointer
parallel_run (gpointer data)
{
  return run_main ();
}

/* four pipelines in four threads at once, each with the undisturbed
 * result */
GST_START_TEST (test_parallel_pipelines)
{
  GThread *threads[4];
  guint t, i;

  ensure_ref_map ();
  for (t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("pipeline", parallel_run, NULL);
  for (t = 0; t < G_N_ELEMENTS (threads); t++) {
    GArray *frames = g_thread_join (threads[t]);

    check_frames (frames, main_fg_frames, "parallel");
    for (i = 0; i < frames->len; i++)
      check_ref_map (&g_array_index (frames, OutFrame, i), "parallel");
    g_array_unref (frames);
  }
}

GST_END_TEST;

static Suite *
stress_suite (void)
{
  Suite *s = suite_create ("stress");
  TCase *tc = tcase_create ("stress");

  tcase_set_timeout (tc, 240);
  tcase_add_unchecked_fixture (tc, media_setup, media_teardown);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_flushing_seeks);
  tcase_add_test (tc, test_relink);
  tcase_add_test (tc, test_bg_ends_first);
  tcase_add_test (tc, test_bg_starts_late);
  tcase_add_test (tc, test_fg_ends_first);
  tcase_add_loop_test (tc, test_caps_change, 0, G_N_ELEMENTS (caps_cases));
  tcase_add_test (tc, test_parallel_pipelines);
  suite_add_tcase (s, tc);
  return s;
}

/* The leaks tracer (GST_TRACERS=leaks, tests/check/meson.build) names the
 * objects that leaked only at GST_TRACER:7: a leak in test_state_cycles
 * seen once in the full suite (2026-12-07, two tests at a time) and in
 * none of 44 runs of it alone since, 29 of them next to two busy loops,
 * said no more than "Leaks detected". Unless GST_DEBUG asks otherwise,
 * this suite logs them. */
int
main (int argc, char **argv)
{
  Suite *s;

  g_setenv ("GST_DEBUG", "GST_TRACER:7", FALSE);
  gst_check_init (&argc, &argv);
  s = stress_suite ();
  return gst_check_run_suite (s, "stress", __FILE__);
}
