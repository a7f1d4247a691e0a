/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign's alignment files and cache on generated pairs: a file
 * written by one run and rendered by another (use-alignment) gives the same
 * frames, timestamps and metas without analysis; a hand-edited frame map is
 * followed; files of other inputs, corrupt files and other versions are
 * refused with a clear error (at the start, or at the end for inputs that
 * differ only after their first frames); cache-dir skips the analysis of a
 * pair seen before; the alignment messages come as estimate, then final. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <gst/check/gstcheck.h>

#include "vkalignfile.h"
#include "vk-aligncheck.h"

static gchar *tmpdir;


typedef struct
{
  GArray *fg, *bg;              /* VkOutFrame */
  GPtrArray *alignments;        /* GstStructure: vidkompy-alignment */
  GArray *percent_at;           /* gdouble: max_percent when each came */
  gdouble max_percent;          /* of the vidkompy-progress messages */
  guint progress_before_estimate;
  GError *error;                /* the ERROR message, if any */
} Run;

/* Aligns pair @name with the extra vidkompyalign properties @props, to
 * the end or an error; @filter (or NULL) goes before both sink pads. */
static Run *
run_align_filtered (const gchar * name, const gchar * props,
    const gchar * filter)
{
  Run *run = g_new0 (Run, 1);
  gchar *desc;
  GstElement *pipeline, *fgsink, *bgsink;
  GstBus *bus;
  GError *err = NULL;
  gboolean done = FALSE;

  if (filter == NULL)
    filter = "identity";
  desc = g_strdup_printf ("vidkompyalign name=a %s "
      "filesrc location=%s/%s-bg.mp4 ! decodebin ! %s ! a.bg_sink "
      "filesrc location=%s/%s-fg.mp4 ! decodebin ! %s ! a.fg_sink "
      "a.fg_src ! appsink name=fg sync=false wait-on-eos=false "
      "a.bg_src ! appsink name=bg sync=false wait-on-eos=false", props,
      tmpdir, name, filter, tmpdir, name, filter);
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  fgsink = gst_bin_get_by_name (GST_BIN (pipeline), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (pipeline), "bg");
  run->alignments = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  run->percent_at = g_array_new (FALSE, FALSE, sizeof (gdouble));
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  while (!done) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    const GstStructure *st;

    fail_unless (msg != NULL, "%s: neither EOS nor an error in 60 s", name);
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (msg, &run->error, NULL);
        done = TRUE;
        break;
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      default:
        st = gst_message_get_structure (msg);
        if (gst_structure_has_name (st, "vidkompy-alignment")) {
          /* (every stage and source: the same fields) */
          vk_check_alignment_fields (st, "global");
          g_ptr_array_add (run->alignments, gst_structure_copy (st));
          g_array_append_val (run->percent_at, run->max_percent);
        } else if (gst_structure_has_name (st, "vidkompy-progress")) {
          gdouble p;

          fail_unless (gst_structure_get_double (st, "percent", &p));
          run->max_percent = MAX (run->max_percent, p);
          if (run->alignments->len == 0)
            run->progress_before_estimate++;
        }
        break;
    }
    gst_message_unref (msg);
  }

  run->fg = vk_check_pull_queued (fgsink);
  run->bg = vk_check_pull_queued (bgsink);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  gst_object_unref (pipeline);
  g_free (desc);
  return run;
}

static Run *
run_align (const gchar * name, const gchar * props)
{
  return run_align_filtered (name, props, NULL);
}

static void
run_free (Run * run)
{
  g_array_unref (run->fg);
  g_array_unref (run->bg);
  g_ptr_array_unref (run->alignments);
  g_array_unref (run->percent_at);
  g_clear_error (&run->error);
  g_free (run);
}

static gdouble
alignment_double (Run * run, guint i, const gchar * field)
{
  gdouble v;

  fail_unless (i < run->alignments->len);
  fail_unless (gst_structure_get_double (g_ptr_array_index (run->alignments,
              i), field, &v), "no %s", field);
  return v;
}

static const gchar *
alignment_field (Run * run, guint i, const gchar * field)
{
  fail_unless (i < run->alignments->len);
  return gst_structure_get_string (g_ptr_array_index (run->alignments, i),
      field);
}

/* the outputs of both runs are identical, frame by frame */
static void
assert_same_frames (GArray * a, GArray * b)
{
  guint i;

  fail_unless_equals_int (a->len, b->len);
  for (i = 0; i < a->len; i++) {
    VkOutFrame *x = &g_array_index (a, VkOutFrame, i);
    VkOutFrame *y = &g_array_index (b, VkOutFrame, i);

    fail_unless_equals_uint64 (x->pts, y->pts);
    fail_unless_equals_uint64 (x->duration, y->duration);
    fail_unless_equals_uint64 (x->fg_index, y->fg_index);
    fail_unless_equals_uint64 (x->bg_index, y->bg_index);
    fail_unless_equals_uint64 (x->bg_pts, y->bg_pts);
    fail_unless_equals_int (x->x, y->x);
    fail_unless_equals_int (x->y, y->y);
    fail_unless (x->scale == y->scale, "frame %u: scale %.17g != %.17g", i,
        x->scale, y->scale);
    fail_unless (x->cost == y->cost, "frame %u: cost %g != %g", i, x->cost,
        y->cost);
  }
}

/* a run that aligned: its messages say estimate, then final */
static void
assert_analysed (Run * run)
{
  guint i, n = run->alignments->len;

  fail_unless (run->error == NULL, "%s", run->error ? run->error->message : "");
  /* estimates (one during the analysis, when it lasted long enough, and
   * one of the whole streams), then the final alignment */
  fail_unless (n == 2 || n == 3, "%u alignment messages", n);
  for (i = 0; i < n; i++) {
    fail_unless_equals_string (alignment_field (run, i, "stage"),
        i + 1 < n ? "estimate" : "final");
    fail_unless_equals_string (alignment_field (run, i, "source"), "analysis");
  }
  if (n == 3) {
    fail_unless (alignment_double (run, 0, "analysed") < 100.0);
    fail_unless (g_array_index (run->percent_at, gdouble, 0) < 100.0);
  }
  fail_unless_equals_float (alignment_double (run, n - 2, "analysed"), 100.0);
  fail_unless_equals_float (alignment_double (run, n - 1, "analysed"), 100.0);
  fail_unless (run->progress_before_estimate > 0);
  fail_unless_equals_float (run->max_percent, 100.0);
  fail_unless (run->fg->len > 0);
}

/* a run that rendered a saved alignment: one final message, analysis
 * stopped after the first frames */
static void
assert_not_analysed (Run * run, const gchar * source)
{
  fail_unless (run->error == NULL, "%s", run->error ? run->error->message : "");
  fail_unless_equals_int (run->alignments->len, 1);
  fail_unless_equals_string (alignment_field (run, 0, "stage"), "final");
  fail_unless_equals_string (alignment_field (run, 0, "source"), source);
  /* (the analysis ran on the first frames only; how far one input got
   * meanwhile depends on the scheduling: no estimate is the evidence) */
}

GST_START_TEST (test_write_then_use)
{
  gchar *path = g_build_filename (tmpdir, "a.json", NULL);
  gchar *props;
  Run *run1, *run2;
  VkAlignFile f;
  GError *err = NULL;
  guint i;

  props = g_strdup_printf ("alignment-location=%s", path);
  run1 = run_align ("a", props);
  assert_analysed (run1);
  fail_unless_equals_int (run1->bg->len, run1->fg->len);

  /* the file has the frame map that was rendered */
  fail_unless (vk_align_file_load (path, &f, &err), "%s", err ?
      err->message : "");
  fail_unless_equals_int (f.fg.n_frames, run1->fg->len);
  for (i = 0; i < f.fg.n_frames; i++) {
    VkOutFrame *o = &g_array_index (run1->bg, VkOutFrame, i);

    fail_unless_equals_uint64 (f.frames[i].fg_pts, o->pts);
    fail_unless_equals_int (f.frames[i].bg_index, o->bg_index);
    fail_unless_equals_uint64 (f.frames[i].bg_pts, o->bg_pts);
  }
  fail_unless_equals_int (f.x, g_array_index (run1->bg, VkOutFrame, 0).x);
  vk_align_file_clear (&f);
  g_free (props);

  props = g_strdup_printf ("alignment-location=%s use-alignment=true", path);
  run2 = run_align ("a", props);
  assert_not_analysed (run2, "file");
  assert_same_frames (run1->fg, run2->fg);
  assert_same_frames (run1->bg, run2->bg);

  run_free (run1);
  run_free (run2);
  g_free (props);
  g_free (path);
}

GST_END_TEST;

/* the user gives one fg frame another bg frame: the output follows */
GST_START_TEST (test_hand_edited)
{
  gchar *path = g_build_filename (tmpdir, "edit.json", NULL);
  gchar *props = g_strdup_printf ("alignment-location=%s", path);
  Run *run1, *run2;
  VkAlignFile f;
  GError *err = NULL;
  guint k;

  run1 = run_align ("a", props);
  assert_analysed (run1);
  fail_unless (vk_align_file_load (path, &f, &err), "%s", err ?
      err->message : "");
  /* the frame k gets the bg frame of k - 1 (a freeze) */
  for (k = f.fg.n_frames / 2; k + 1 < f.fg.n_frames; k++)
    if (f.frames[k].bg_index > f.frames[k - 1].bg_index)
      break;
  fail_unless (k + 1 < f.fg.n_frames);
  f.frames[k].bg_index = f.frames[k - 1].bg_index;
  f.frames[k].bg_pts = f.frames[k - 1].bg_pts;
  fail_unless (vk_align_file_save (&f, path, &err));
  g_free (props);

  props = g_strdup_printf ("alignment-location=%s use-alignment=true", path);
  run2 = run_align ("a", props);
  assert_not_analysed (run2, "file");
  fail_unless_equals_int (run2->bg->len, f.fg.n_frames);
  fail_unless_equals_int (g_array_index (run2->bg, VkOutFrame, k).bg_index,
      f.frames[k - 1].bg_index);
  fail_unless_equals_uint64 (g_array_index (run2->bg, VkOutFrame, k).bg_pts,
      f.frames[k - 1].bg_pts);
  /* and only that frame changed */
  g_array_index (run1->bg, VkOutFrame, k).bg_index = f.frames[k].bg_index;
  g_array_index (run1->bg, VkOutFrame, k).bg_pts = f.frames[k].bg_pts;
  assert_same_frames (run1->bg, run2->bg);

  vk_align_file_clear (&f);
  run_free (run1);
  run_free (run2);
  g_free (props);
  g_free (path);
}

GST_END_TEST;

static void
assert_refused (const gchar * pair, const gchar * path, const gchar * what)
{
  gchar *props = g_strdup_printf ("alignment-location=%s use-alignment=true",
      path);
  Run *run = run_align (pair, props);

  fail_unless (run->error != NULL, "%s accepted", path);
  GST_INFO ("%s: %s", path, run->error->message);
  fail_unless (g_error_matches (run->error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_READ), "%s", run->error->message);
  fail_unless (strstr (run->error->message, "Cannot use the alignment file")
      != NULL, "%s", run->error->message);
  fail_unless (strstr (run->error->message, what) != NULL, "\"%s\" does not "
      "say \"%s\"", run->error->message, what);
  fail_unless_equals_int (run->alignments->len, 0);
  fail_unless_equals_int (run->bg->len, 0);
  run_free (run);
  g_free (props);
}

GST_START_TEST (test_refusals)
{
  gchar *path = g_build_filename (tmpdir, "r.json", NULL);
  gchar *bad = g_build_filename (tmpdir, "bad.json", NULL);
  gchar *props = g_strdup_printf ("alignment-location=%s", path);
  gchar *text, *v2;
  gsize len;
  Run *run;

  run = run_align ("a", props);
  assert_analysed (run);
  run_free (run);
  fail_unless (g_file_get_contents (path, &text, &len, NULL));

  /* another pair: its fg starts elsewhere in the same bg */
  assert_refused ("b", path, "the foreground input does not match the "
      "alignment file: its content (head_hash of the first frames)");

  /* truncated */
  fail_unless (g_file_set_contents (bad, text, len / 2, NULL));
  assert_refused ("a", bad, "not valid JSON");

  /* garbage */
  fail_unless (g_file_set_contents (bad, "\x7f" "ELF\x02\x01", 6, NULL));
  assert_refused ("a", bad, "not valid");

  /* another version */
  v2 = strstr (text, "\"version\": 1");
  fail_unless (v2 != NULL);
  v2[11] = '9';
  fail_unless (g_file_set_contents (bad, text, len, NULL));
  assert_refused ("a", bad, "unsupported version 9");

  /* no file */
  assert_refused ("a", "/nonexistent/x.json", "could not read it");

  g_free (text);
  g_free (props);
  g_free (bad);
  g_free (path);
}

GST_END_TEST;

static guint
count_files (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

GST_START_TEST (test_cache)
{
  gchar *dir = g_build_filename (tmpdir, "cache", "sub", NULL);
  gchar *props = g_strdup_printf ("cache-dir=%s", dir);
  gchar *other = g_strdup_printf ("cache-dir=%s drift-tolerance=80000000", dir);
  gchar *path = g_build_filename (tmpdir, "fromcache.json", NULL);
  gchar *with_file = g_strdup_printf ("cache-dir=%s alignment-location=%s",
      dir, path);
  Run *run1, *run2, *run3;
  VkAlignFile f;
  GError *err = NULL;
  guint i;

  /* miss: analysed, then cached (the directory is created) */
  run1 = run_align ("a", props);
  assert_analysed (run1);
  fail_unless_equals_int (count_files (dir), 1);

  /* hit: the same output without analysis, written to alignment-location
   * too */
  run2 = run_align ("a", with_file);
  assert_not_analysed (run2, "cache");
  assert_same_frames (run1->fg, run2->fg);
  assert_same_frames (run1->bg, run2->bg);
  fail_unless_equals_int (count_files (dir), 1);
  fail_unless (vk_align_file_load (path, &f, &err), "%s", err ?
      err->message : "");
  fail_unless_equals_int (f.fg.n_frames, run2->bg->len);
  for (i = 0; i < f.fg.n_frames; i++)
    fail_unless_equals_int (f.frames[i].bg_index,
        g_array_index (run2->bg, VkOutFrame, i).bg_index);
  vk_align_file_clear (&f);

  /* another option that changes the alignment: another entry */
  run3 = run_align ("a", other);
  assert_analysed (run3);
  fail_unless_equals_int (count_files (dir), 2);
  run_free (run3);

  /* another pair: analysed */
  run3 = run_align ("b", props);
  assert_analysed (run3);
  fail_unless_equals_int (count_files (dir), 3);

  run_free (run1);
  run_free (run2);
  run_free (run3);
  g_free (other);
  g_free (with_file);
  g_free (path);
  g_free (props);
  g_free (dir);
}

GST_END_TEST;

/* a damaged cache entry is ignored (analysed again and rewritten) */
GST_START_TEST (test_cache_corrupt)
{
  gchar *dir = g_build_filename (tmpdir, "cache2", NULL);
  gchar *props = g_strdup_printf ("cache-dir=%s", dir);
  Run *run;
  GDir *d;
  gchar *entry;

  run = run_align ("a", props);
  assert_analysed (run);
  run_free (run);
  d = g_dir_open (dir, 0, NULL);
  entry = g_build_filename (dir, g_dir_read_name (d), NULL);
  g_dir_close (d);
  fail_unless (g_file_set_contents (entry, "{\"format\": \"vidkompy-al", -1,
          NULL));

  run = run_align ("a", props);
  assert_analysed (run);
  run_free (run);
  run = run_align ("a", props);
  assert_not_analysed (run, "cache");
  run_free (run);

  g_free (entry);
  g_free (props);
  g_free (dir);
}

GST_END_TEST;

/* pair c shares its first second with pair a (same size, rate, duration,
 * first frames) and freezes after: found at the inputs' end */
GST_START_TEST (test_mismatch_after_head)
{
  gchar *path = g_build_filename (tmpdir, "m.json", NULL);
  gchar *dir = g_build_filename (tmpdir, "cache3", NULL);
  gchar *props = g_strdup_printf ("alignment-location=%s cache-dir=%s", path,
      dir);
  gchar *use = g_strdup_printf ("alignment-location=%s use-alignment=true",
      path);
  gchar *cache = g_strdup_printf ("cache-dir=%s", dir);
  Run *run;

  run = run_align ("a", props);
  assert_analysed (run);
  run_free (run);
  fail_unless_equals_int (count_files (dir), 1);

  /* the file: rendered (the start matches), then refused at the end */
  run = run_align ("c", use);
  fail_unless (run->error != NULL);
  GST_INFO ("%s", run->error->message);
  fail_unless (g_error_matches (run->error, GST_STREAM_ERROR,
          GST_STREAM_ERROR_FAILED));
  fail_unless (strstr (run->error->message, "was not made for these inputs: "
          "the foreground input does not match the alignment file: its "
          "content (stream_hash of all frames)") != NULL, "%s",
      run->error->message);
  fail_unless_equals_string (alignment_field (run, 0, "source"), "file");
  run_free (run);

  /* the cache: the same, and the entry is removed */
  run = run_align ("c", cache);
  fail_unless (run->error != NULL);
  fail_unless (strstr (run->error->message, "It was removed from the cache")
      != NULL, "%s", run->error->message);
  run_free (run);
  fail_unless_equals_int (count_files (dir), 0);

  /* so that the next run analyses */
  run = run_align ("c", cache);
  assert_analysed (run);
  run_free (run);
  fail_unless_equals_int (count_files (dir), 1);

  g_free (cache);
  g_free (use);
  g_free (props);
  g_free (dir);
  g_free (path);
}

GST_END_TEST;

/* An estimate while the analysis goes on (inputs slowed down to make it
 * last, the position given so that the estimate is quick), then one of the
 * whole streams, then the final alignment. */
GST_START_TEST (test_progressive)
{
  Run *run = run_align_filtered ("a", "detect-position=false x=41 y=31",
      "identity sleep-time=20000");
  gdouble offset, rate;

  assert_analysed (run);
  fail_unless_equals_int (run->alignments->len, 3);
  /* posted at half of the analysis, before its end */
  fail_unless_equals_float (alignment_double (run, 0, "analysed"), 50.0);
  fail_unless (g_array_index (run->percent_at, gdouble, 0) < 100.0);
  /* roughly right from the frames analysed by then (how many of each
   * input depends on the scheduling): the fg starts 1 s into the bg, same
   * speed */
  offset = (gdouble) g_value_get_int64 (gst_structure_get_value
      (g_ptr_array_index (run->alignments, 0), "bg-offset")) / GST_SECOND;
  rate = alignment_double (run, 0, "rate");
  GST_INFO ("estimate at 50 %%: bg offset %.3f s, rate %.4f", offset, rate);
  fail_unless (ABS (offset - 1.0) < 0.25, "offset %.3f", offset);
  fail_unless (ABS (rate - 1.0) < 0.25, "rate %.4f", rate);
  run_free (run);
}

GST_END_TEST;

GST_START_TEST (test_use_without_location)
{
  GstElement *e = gst_element_factory_make ("vidkompyalign", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (e, bus);
  g_object_set (e, "use-alignment", TRUE, NULL);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "alignment-location is not") != NULL);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (e, NULL);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (e);
}

GST_END_TEST;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("vk-alignfile-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
  /* pair b: the same bg as a, the fg from another start */
  vk_check_make_pair (tmpdir, "a",
      "--source cockatoo --bg-size 320x180 --bg-fps 24 "
      "--duration 4 --fg-rect 41,31,160,90 --fg-fps 30 --fg-start 1.0 "
      "--fg-duration 2.5");
  vk_check_make_pair (tmpdir, "b",
      "--source cockatoo --bg-size 320x180 --bg-fps 24 "
      "--duration 4 --fg-rect 41,31,160,90 --fg-fps 30 --fg-start 0.5 "
      "--fg-duration 2.5");
  /* pair c: pair a with the fg frozen from 1 s to 1.3 s */
  vk_check_make_pair (tmpdir, "c", "--source cockatoo --bg-size 320x180 "
      "--bg-fps 24 --duration 4 --fg-rect 41,31,160,90 --fg-fps 30 "
      "--fg-start 1.0 --fg-duration 2.5 --freeze 1.0,0.3");
}

static void
teardown (void)
{
  gchar *cmd = g_strdup_printf ("rm -rf %s", tmpdir);

  fail_unless (system (cmd) == 0);
  g_free (cmd);
  g_free (tmpdir);
}

static Suite *
align_file_element_suite (void)
{
  Suite *s = suite_create ("vidkompyalign-files");
  TCase *tc = tcase_create ("files");

  tcase_set_timeout (tc, 120);
  /* the pairs are made once, in the parent process */
  tcase_add_unchecked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_write_then_use);
  tcase_add_test (tc, test_hand_edited);
  tcase_add_test (tc, test_refusals);
  tcase_add_test (tc, test_cache);
  tcase_add_test (tc, test_cache_corrupt);
  tcase_add_test (tc, test_mismatch_after_head);
  tcase_add_test (tc, test_progressive);
  tcase_add_test (tc, test_use_without_location);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_file_element);
