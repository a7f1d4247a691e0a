/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* align-cache-bench: what vidkompyalign's cache-dir saves. On the 8-s
 * 1080p60 pair of align-bench's speed test (bg 1920x1080, fg 1920x870 at
 * (0,0), 60 fps, fg 0.5 s into the bg; made with vk-mkpair in a temporary
 * directory), runs
 *
 *   vidkompyalign cache-dir=DIR ! fakesink (both outputs, sync=false)
 *
 * first with an empty cache (analysis, alignment, render, the entry
 * written), then again on the same cache (render only), --runs times each,
 * and prints the medians of the wall and CPU times and the ratio of the
 * second run to the first. Each run's vidkompy-alignment message tells
 * whether the cache was used; a run that says otherwise fails the bench.
 *
 *   ninja -C build bench-align-cache      (or build/bench/align-cache-bench)
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>

#include "bench-common.h"

#ifndef VK_BENCH_MKPAIR
#error "VK_BENCH_MKPAIR must be defined (the path of vk-mkpair)"
#endif

static gint runs = 3;
static gboolean keep = FALSE;

static GOptionEntry entries[] = {
  {"runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs of each kind (default 3)",
      "N"},
  {"keep", 'k', 0, G_OPTION_ARG_NONE, &keep,
      "Keep the temporary directory (pair and cache)", NULL},
  {NULL}
};

/* Runs the pipeline to EOS; returns the vidkompy-alignment "source" of the
 * final message (g_free), NULL on error. */
static gchar *
run_once (const gchar * dir, const gchar * cache, gdouble * wall, gdouble * cpu)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a cache-dir=%s "
      "filesrc location=%s/p-bg.mp4 ! decodebin ! a.bg_sink "
      "filesrc location=%s/p-fg.mp4 ! decodebin ! a.fg_sink "
      "a.bg_src ! fakesink sync=false a.fg_src ! fakesink sync=false",
      cache, dir, dir);
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);
  GstBus *bus;
  gchar *source = NULL;
  gboolean done = FALSE;
  gint64 t0;
  gdouble c0;

  if (p == NULL) {
    g_printerr ("align-cache-bench: %s\n", err->message);
    exit (1);
  }
  bus = gst_element_get_bus (p);
  t0 = g_get_monotonic_time ();
  c0 = vk_bench_cpu_seconds ();
  gst_element_set_state (p, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    const GstStructure *s;

    if (m == NULL) {
      g_printerr ("align-cache-bench: no EOS in 300 s\n");
      exit (1);
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      gst_message_parse_error (m, &err, NULL);
      g_printerr ("align-cache-bench: %s\n", err->message);
      exit (1);
    }
    done = GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
    s = gst_message_get_structure (m);
    if (s && gst_structure_has_name (s, "vidkompy-alignment")
        && g_strcmp0 (gst_structure_get_string (s, "stage"), "final") == 0) {
      g_free (source);
      source = g_strdup (gst_structure_get_string (s, "source"));
    }
    gst_message_unref (m);
  }
  *wall = (g_get_monotonic_time () - t0) / 1e6;
  *cpu = vk_bench_cpu_seconds () - c0;
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  g_free (desc);
  return source;
}

static void
check_source (gchar * source, const gchar * want)
{
  if (g_strcmp0 (source, want) != 0) {
    g_printerr ("align-cache-bench: the alignment came from \"%s\", not "
        "\"%s\"\n", source ? source : "(none)", want);
    exit (1);
  }
  g_free (source);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("- vidkompyalign cache-dir: "
      "second run against first");
  GError *err = NULL;
  gchar *dir, *cmd, *cache, *errout = NULL;
  gdouble *w1, *c1, *w2, *c2, m1, m2;
  gint status, r;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  vk_bench_set_plugin_path (VK_BENCH_PLUGIN_DIR);
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("align-cache-bench: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  gst_init (NULL, NULL);
  if (!vk_bench_check_element ("align-cache-bench", "vidkompyalign",
          VK_BENCH_PLUGIN_DIR))
    return 1;
  runs = MAX (1, runs);

  dir = g_dir_make_tmp ("vk-cache-bench-XXXXXX", NULL);
  cmd = g_strdup_printf ("%s --quiet --outdir %s --name p --source cockatoo "
      "--bg-size 1920x1080 --bg-fps 60 --duration 8 --fg-rect 0,0,1920,870 "
      "--fg-fps 60 --fg-start 0.5 --fg-duration 7.5", VK_BENCH_MKPAIR, dir);
  g_print ("making the pair: %s\n", cmd);
  if (!g_spawn_command_line_sync (cmd, NULL, &errout, &status, &err)
      || !g_spawn_check_wait_status (status, NULL)) {
    g_printerr ("align-cache-bench: vk-mkpair failed: %s\n",
        err ? err->message : errout);
    return 1;
  }
  g_free (errout);
  g_free (cmd);

  w1 = g_new (gdouble, runs);
  c1 = g_new (gdouble, runs);
  w2 = g_new (gdouble, runs);
  c2 = g_new (gdouble, runs);
  for (r = 0; r < runs; r++) {
    cache = g_strdup_printf ("%s/cache%d", dir, r);
    check_source (run_once (dir, cache, &w1[r], &c1[r]), "analysis");
    check_source (run_once (dir, cache, &w2[r], &c2[r]), "cache");
    g_print ("run %d: first %.2f s, second %.2f s\n", r, w1[r], w2[r]);
    g_free (cache);
  }

  m1 = vk_bench_median (w1, runs);
  m2 = vk_bench_median (w2, runs);
  g_print ("\nvidkompyalign ! fakesink, 8-s 1080p60 pair (1920x870 fg), "
      "median of %d\n\n", runs);
  g_print ("| run | wall (s) | CPU (s) | wall vs first run |\n");
  g_print ("| --- | ---: | ---: | ---: |\n");
  g_print ("| first (empty cache: analysis + render) | %.2f | %.2f | 1.00 |\n",
      m1, vk_bench_median (c1, runs));
  g_print ("| second (cache hit: render only) | %.2f | %.2f | %.2f |\n", m2,
      vk_bench_median (c2, runs), m2 / m1);

  if (!keep) {
    cmd = g_strdup_printf ("rm -rf %s", dir);
    if (system (cmd) != 0)
      g_printerr ("align-cache-bench: could not remove %s\n", dir);
    g_free (cmd);
  } else {
    g_print ("\nkept %s\n", dir);
  }
  g_free (w1);
  g_free (c1);
  g_free (w2);
  g_free (c2);
  g_free (dir);
  return 0;
}
