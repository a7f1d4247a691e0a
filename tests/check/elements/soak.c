/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Soak of vidkompyalign ! vidkompycomposite: VK_SOAK_PIPELINES pipelines
 * in threads of one process, each run VK_SOAK_CYCLES times from NULL to
 * PLAYING and back, pulling VK_SOAK_FRAMES output frames per run with a
 * flushing seek to a random fg frame every VK_SOAK_SEEK_EVERY frames (and,
 * every other run, one right after PLAYING, during the analysis); in
 * global mode and in streaming mode (file inputs, mode=streaming, state
 * cycles with the same seeks). Every
 * output frame must be the fg frame asked for (after a seek, the frame
 * sought), no run may
 * post an error, none may take longer than a timeout; the leaks tracer
 * (tests/check/meson.build) fails the test on a GstObject left alive, and
 * the ASan tree on any leak. The meson test runs a short form (defaults
 * below); bench/soak.sh runs the long one (4 processes x 4 pipelines x 200
 * cycles) and prints the counts. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-aligncheck.h"

#define FPS 25
/* the longest wait for an output frame (the first one of a global run
 * comes after the analysis and the alignment: 20 s ran out with 16
 * pipelines at once on 2 cores) */
#define FRAME_TIMEOUT (90 * GST_SECOND)

static gchar *tmpdir, *bg_path, *fg_path;
static guint n_fg;

static guint
env_uint (const gchar * name, guint dflt)
{
  const gchar *v = g_getenv (name);

  return v && *v ? (guint) atoi (v) : dflt;
}

static void
media_setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
  vk_check_make_pair (tmpdir, "soak", "--source cockatoo --bg-size 160x120 "
      "--bg-fps 25 --duration 1.6 --fg-rect 40,30,80,60 --fg-fps 25 "
      "--fg-start 0.2 --fg-duration 1.2");
  bg_path = g_strdup_printf ("%s/soak-bg.mp4", tmpdir);
  fg_path = g_strdup_printf ("%s/soak-fg.mp4", tmpdir);
  n_fg = 30;
}

static void
media_teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
  g_free (bg_path);
  g_free (fg_path);
}

typedef struct
{
  const gchar *mode;
  guint cycles, frames, seek_every;
  guint seed;
  /* results */
  guint runs, seeks, out;
  gint64 longest;               /* the longest wait for a frame, µs */
  gchar *failure;
} Soak;

/* a flushing seek of @p to a random fg frame, in @want */
static void
seek (Soak * s, GstElement * p, GRand * rand, guint64 * want)
{
  *want = g_rand_int_range (rand, 0, n_fg - 2);
  if (!gst_element_seek_simple (p, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH |
          GST_SEEK_FLAG_ACCURATE, gst_util_uint64_scale (*want, GST_SECOND,
              FPS)))
    s->failure = g_strdup_printf ("%s: seek to fg frame %" G_GUINT64_FORMAT
        " refused (run %u)", s->mode, *want, s->runs);
  s->seeks++;
}

/* one run: NULL -> PLAYING, @s->frames frames out (seeking), -> NULL */
static gboolean
soak_run (Soak * s, GRand * rand)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a mode=%s x=40 y=30 "
      "vidkompycomposite name=c ! appsink name=out sync=false "
      "filesrc location=%s ! decodebin name=bgdec "
      "filesrc location=%s ! decodebin name=fgdec "
      "a.bg_src ! c.bg_sink a.fg_src ! c.fg_sink", s->mode, bg_path, fg_path);
  GstElement *p = gst_parse_launch (desc, NULL), *sink;
  gboolean seeking = s->seek_every > 0;
  gboolean streaming = g_strcmp0 (s->mode, "streaming") == 0;
  GstClockTime pts;
  guint64 want = 0;
  guint k;
  GstBus *bus;
  GstMessage *msg;

  g_free (desc);
  if (p == NULL) {
    s->failure = g_strdup ("cannot make the pipeline");
    return FALSE;
  }
  vk_check_link_decoder (p, "bgdec", "a", "bg_sink");
  vk_check_link_decoder (p, "fgdec", "a", "fg_sink");
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  bus = gst_element_get_bus (p);
  gst_element_set_state (p, GST_STATE_PLAYING);
  /* every other run seeks at once, during the analysis or before both
   * inputs have caps (queued) */
  if (seeking && s->runs % 2 == 1)
    seek (s, p, rand, &want);
  for (k = 0; k < s->frames && s->failure == NULL; k++) {
    gint64 t0 = g_get_monotonic_time ();
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        FRAME_TIMEOUT);
    GstVidkompyAlignmentMeta *m;

    s->longest = MAX (s->longest, g_get_monotonic_time () - t0);
    if (sample == NULL) {
      if (!gst_app_sink_is_eos (GST_APP_SINK (sink)))
        s->failure = g_strdup_printf ("%s: no frame within %" GST_TIME_FORMAT
            " (run %u, frame %u)", s->mode, GST_TIME_ARGS (FRAME_TIMEOUT),
            s->runs, k);
      break;
    }
    m = gst_buffer_get_vidkompy_alignment_meta (gst_sample_get_buffer (sample));
    /* the fg frame by its timestamp (the streaming mode counts its
     * frames from a seek's position) */
    pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
    if (m == NULL || (streaming ? pts / (GST_SECOND / FPS) : m->fg_index)
        != want)
      s->failure = g_strdup_printf ("%s: fg frame %" G_GUINT64_FORMAT
          " (at %" GST_TIME_FORMAT ") out, %" G_GUINT64_FORMAT " expected "
          "(run %u)", s->mode, m ? m->fg_index : G_MAXUINT64,
          GST_TIME_ARGS (pts), want, s->runs);
    gst_sample_unref (sample);
    s->out++;
    want++;
    if (seeking && (k + 1) % s->seek_every == 0 && s->failure == NULL)
      seek (s, p, rand, &want);
  }
  if (s->failure == NULL
      && (msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    s->failure = g_strdup_printf ("%s: error %s (run %u)", s->mode,
        err->message, s->runs);
    g_error_free (err);
    gst_message_unref (msg);
  }
  if (gst_element_set_state (p, GST_STATE_NULL) != GST_STATE_CHANGE_SUCCESS
      && s->failure == NULL)
    s->failure = g_strdup_printf ("%s: the stop failed (run %u)", s->mode,
        s->runs);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (p);
  s->runs++;
  return s->failure == NULL;
}

static gpointer
soak_thread (gpointer data)
{
  Soak *s = data;
  GRand *rand = g_rand_new_with_seed (s->seed);
  guint c;

  for (c = 0; c < s->cycles && soak_run (s, rand); c++);
  g_rand_free (rand);
  return NULL;
}

/* @__i__: 0 global mode, 1 streaming mode */
GST_START_TEST (test_soak)
{
  guint n = env_uint ("VK_SOAK_PIPELINES", 2), t;
  Soak *soaks = g_new0 (Soak, n);
  GThread **threads = g_new (GThread *, n);
  guint runs = 0, seeks = 0, out = 0;
  gint64 longest = 0;

  for (t = 0; t < n; t++) {
    soaks[t].mode = __i__ == 0 ? "global" : "streaming";
    soaks[t].cycles = env_uint ("VK_SOAK_CYCLES", 3);
    soaks[t].frames = env_uint ("VK_SOAK_FRAMES", 12);
    soaks[t].seek_every = env_uint ("VK_SOAK_SEEK_EVERY", 4);
    soaks[t].seed = t + 1;
    threads[t] = g_thread_new ("soak", soak_thread, &soaks[t]);
  }
  for (t = 0; t < n; t++) {
    g_thread_join (threads[t]);
    runs += soaks[t].runs;
    seeks += soaks[t].seeks;
    out += soaks[t].out;
    longest = MAX (longest, soaks[t].longest);
  }
  /* bench/soak.sh reads this line */
  g_print ("soak %s: %u pipelines, %u runs, %u seeks, %u frames, longest "
      "wait for a frame %.1f s\n", soaks[0].mode, n, runs, seeks, out,
      longest / 1e6);
  for (t = 0; t < n; t++) {
    fail_unless (soaks[t].failure == NULL, "pipeline %u: %s", t,
        soaks[t].failure);
    fail_unless_equals_int (soaks[t].runs, soaks[t].cycles);
  }
  for (t = 0; t < n; t++)
    g_free (soaks[t].failure);
  g_free (soaks);
  g_free (threads);
}

GST_END_TEST;

/* Streaming mode on files: a flushing seek to fg frame 15 after 8 output
 * frames; the output goes on from there (every fg frame from 15 on, in
 * order) to EOS, within a timeout. Until 2026-12-06 the seek was refused
 * and the output stuck. */
GST_START_TEST (test_streaming_seek)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a mode=streaming "
      "vidkompycomposite name=c ! appsink name=out sync=false "
      "filesrc location=%s ! decodebin ! a.bg_sink "
      "filesrc location=%s ! decodebin ! a.fg_sink "
      "a.bg_src ! c.bg_sink a.fg_src ! c.fg_sink", bg_path, fg_path);
  GstElement *p = gst_parse_launch (desc, NULL), *sink;
  GstClockTime target = gst_util_uint64_scale (15, GST_SECOND, FPS), last = 0;
  GstSample *sample;
  guint k, after = 0;

  fail_unless (p != NULL);
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  gst_element_set_state (p, GST_STATE_PLAYING);
  for (k = 0; k < 8; k++) {
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), FRAME_TIMEOUT);
    fail_unless (sample != NULL, "frame %u did not come", k);
    gst_sample_unref (sample);
  }
  fail_unless (gst_element_seek_simple (p, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, target),
      "streaming seek refused");
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              FRAME_TIMEOUT))) {
    GstClockTime pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));

    fail_unless (pts + GST_MSECOND >= target, "frame at %" GST_TIME_FORMAT
        " after the seek to %" GST_TIME_FORMAT, GST_TIME_ARGS (pts),
        GST_TIME_ARGS (target));
    fail_unless (after == 0 || pts > last);
    last = pts;
    after++;
    gst_sample_unref (sample);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "stuck after %u "
      "frames (no EOS within %" GST_TIME_FORMAT ")", after,
      GST_TIME_ARGS (FRAME_TIMEOUT));
  fail_unless_equals_int (after, n_fg - 15);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_free (desc);
}

GST_END_TEST;

static Suite *
soak_suite (void)
{
  Suite *s = suite_create ("soak");
  TCase *tc = tcase_create ("soak");

  /* the long form sets VK_SOAK_TIMEOUT */
  tcase_set_timeout (tc, env_uint ("VK_SOAK_TIMEOUT", 180));
  tcase_add_unchecked_fixture (tc, media_setup, media_teardown);
  tcase_add_loop_test (tc, test_soak, 0, 2);
  tcase_add_test (tc, test_streaming_seek);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (soak);
