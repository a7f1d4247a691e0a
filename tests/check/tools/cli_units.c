/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* cli_units: the pure helpers of the vidkompy command (tools/vkcliutil.c):
 * output names, containers, temporary names, progress text and the segment
 * that cuts and shifts the bg's audio; the option checks
 * (tools/vkoptcheck.c): values against a property, hints for the Python
 * vidkompy's option names; the audio encoder's priming (tools/vkpriming.c). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "vkcliutil.h"
#include "vkoptcheck.h"
#include "vkpriming.h"

#define MS GST_MSECOND

GST_START_TEST (test_names)
{
  gchar *s;

  s = vk_cli_default_output ("/videos/bg.clip.mp4", "../fg.mov");
  fail_unless_equals_string (s, "bg.clip_overlay_fg.mp4");
  g_free (s);
  s = vk_cli_default_output ("noext", ".hidden");
  fail_unless_equals_string (s, "noext_overlay_.hidden.mp4");
  g_free (s);

  fail_unless_equals_int (vk_cli_container_for ("a/b.MP4"), VK_CONTAINER_MP4);
  fail_unless_equals_int (vk_cli_container_for ("x.mov"), VK_CONTAINER_MP4);
  fail_unless_equals_int (vk_cli_container_for ("x.mkv"), VK_CONTAINER_MKV);
  fail_unless_equals_int (vk_cli_container_for ("x.webm"), VK_CONTAINER_WEBM);
  fail_unless_equals_int (vk_cli_container_for ("x.avi"), VK_CONTAINER_UNKNOWN);
  fail_unless_equals_int (vk_cli_container_for ("dir.mp4/x"),
      VK_CONTAINER_UNKNOWN);

  s = vk_cli_temp_name ("/out/dir/result.mp4", 42);
  fail_unless_equals_string (s, "/out/dir/.result.mp4.42.part");
  g_free (s);
  s = vk_cli_temp_name ("result.mp4", 7);
  fail_unless_equals_string (s, "./.result.mp4.7.part");
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_progress)
{
  gchar *s;

  s = vk_cli_format_time (59.6);
  fail_unless_equals_string (s, "1:00");
  g_free (s);
  s = vk_cli_format_time (3725);
  fail_unless_equals_string (s, "1:02:05");
  g_free (s);
  s = vk_cli_format_time (-1);
  fail_unless_equals_string (s, "--:--");
  g_free (s);

  fail_unless (vk_cli_eta (10, 0) < 0);
  fail_unless_equals_float (vk_cli_eta (10, 25), 30);
  fail_unless_equals_float (vk_cli_eta (10, 100), 0);

  s = vk_cli_progress_text ("render", 50, 120, 4, 10);
  fail_unless_equals_string (s,
      "render   [#####.....]  50%    120 fps  0:04 left");
  g_free (s);
  s = vk_cli_progress_text ("analysis", 100, 99.6, 0, 0);
  fail_unless_equals_string (s, "analysis 100%    100 fps  0:00 left");
  g_free (s);
  s = vk_cli_progress_text ("render", 130, 1, -1, 4);
  fail_unless_equals_string (s, "render   [####] 100%      1 fps  --:-- left");
  g_free (s);
}

GST_END_TEST;

static GstSegment
time_segment (void)
{
  GstSegment s;

  gst_segment_init (&s, GST_FORMAT_TIME);
  return s;
}

GST_START_TEST (test_audio_segment)
{
  GstSegment s = time_segment ();

  /* the bg time 1.3 s plays at 0; cut 4 s later */
  fail_unless (vk_cli_shift_segment (&s, 1300 * MS, 1.0, 4 * GST_SECOND));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 1300 * MS), 0);
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 2300 * MS), GST_SECOND);
  fail_unless_equals_uint64 (s.stop, 5300 * MS);
  fail_unless_equals_uint64 (gst_segment_to_stream_time (&s,
          GST_FORMAT_TIME, 2300 * MS), 2300 * MS);
  /* audio before the start is outside the segment */
  fail_if (gst_segment_clip (&s, GST_FORMAT_TIME, 0, 1000 * MS, NULL, NULL));

  /* the fg starts 0.5 s before the bg: the bg audio starts at 0.5 s */
  s = time_segment ();
  fail_unless (vk_cli_shift_segment (&s, -500 * MS, 1.0, 2 * GST_SECOND));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 0), 500 * MS);
  fail_unless_equals_uint64 (s.stop, 1500 * MS);

  /* a segment that does not start at 0 (e.g. after an edit list) */
  s = time_segment ();
  s.start = 100 * MS;
  s.time = 0;
  fail_unless (vk_cli_shift_segment (&s, GST_SECOND, 1.0, GST_CLOCK_TIME_NONE));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 1100 * MS), 0);
  fail_if (GST_CLOCK_TIME_IS_VALID (s.stop));

  /* an earlier stop is kept */
  s = time_segment ();
  s.stop = 3 * GST_SECOND;
  fail_unless (vk_cli_shift_segment (&s, 2 * GST_SECOND, 1.0, 5 * GST_SECOND));
  fail_unless_equals_uint64 (s.stop, 3 * GST_SECOND);

  /* a faster bg (1.25 bg s per fg s): 2.5 s of bg in 2 s */
  s = time_segment ();
  fail_unless (vk_cli_shift_segment (&s, GST_SECOND, 1.25, 2 * GST_SECOND));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 2250 * MS), GST_SECOND);
  fail_unless_equals_uint64 (s.stop, 3500 * MS);
  s = time_segment ();
  fail_unless (vk_cli_shift_segment (&s, -500 * MS, 0.5, GST_SECOND));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 0), GST_SECOND);
  fail_unless_equals_uint64 (s.stop, 0);

  gst_segment_init (&s, GST_FORMAT_BYTES);
  fail_if (vk_cli_shift_segment (&s, 0, 1.0, GST_SECOND));
  s = time_segment ();
  fail_if (vk_cli_shift_segment (&s, 0, 0.0, GST_SECOND));
}

GST_END_TEST;

static GType
test_enum_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {0, "Fast", "fast"}, {1, "Balanced", "balanced"}, {2, "Precise",
        "precise"}, {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("VkTestQuality", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
assert_error (GError * err, const gchar * message)
{
  fail_unless (g_error_matches (err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE));
  fail_unless_equals_string (err->message, message);
  g_error_free (err);
}

GST_START_TEST (test_option_values)
{
  GParamSpec *q = g_param_spec_enum ("quality", "Q", "Q",
      test_enum_get_type (), 1, G_PARAM_READWRITE);
  GParamSpec *w = g_param_spec_uint64 ("window", "W", "W",
      GST_SECOND / 10, 600 * GST_SECOND, GST_SECOND, G_PARAM_READWRITE);
  GParamSpec *b = g_param_spec_uint ("border", "B", "B", 0, G_MAXUINT, 0,
      G_PARAM_READWRITE);
  GParamSpec *s = g_param_spec_double ("scale", "S", "S", 0, 64, 0,
      G_PARAM_READWRITE);
  GError *err = NULL;
  gchar *t;

  g_param_spec_ref_sink (q);
  g_param_spec_ref_sink (w);
  g_param_spec_ref_sink (b);
  g_param_spec_ref_sink (s);
  t = vk_opt_enum_choices (q);
  fail_unless_equals_string (t, "fast, balanced or precise");
  g_free (t);
  fail_unless (vk_opt_check_enum (q, "--quality", "precise", NULL));
  fail_if (vk_opt_check_enum (q, "--quality", "ultra", &err));
  assert_error (err, "--quality takes fast, balanced or precise, "
      "not \"ultra\"");
  err = NULL;

  /* seconds for a property in nanoseconds */
  fail_unless (vk_opt_check_range (w, "--window", 0.1, GST_SECOND,
          "seconds", NULL));
  fail_unless (vk_opt_check_range (w, "--window", 600, GST_SECOND,
          "seconds", NULL));
  fail_if (vk_opt_check_range (w, "--window", 0, GST_SECOND, "seconds", &err));
  assert_error (err, "--window takes 0.1 to 600 seconds, not 0");
  err = NULL;
  fail_if (vk_opt_check_range (w, "--window", 601, GST_SECOND, "seconds",
          NULL));
  fail_if (vk_opt_check_range (b, "--border", -3, 1, "pixels", &err));
  assert_error (err, "--border takes 0 or more pixels, not -3");
  err = NULL;
  fail_unless (vk_opt_check_range (s, "--scale", 0.5, 1, NULL, NULL));
  fail_if (vk_opt_check_range (s, "--scale", -1, 1, NULL, &err));
  assert_error (err, "--scale takes 0 to 64, not -1");
  g_param_spec_unref (q);
  g_param_spec_unref (w);
  g_param_spec_unref (b);
  g_param_spec_unref (s);
}

GST_END_TEST;

GST_START_TEST (test_option_names)
{
  const GOptionEntry entries[] = {
    {"border", 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
    {"zero-shift", 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
    {"window", 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
    {NULL}
  };
  gchar *s;

  /* known options, values and short options: no hint */
  fail_unless (vk_opt_suggest ("--border", entries) == NULL);
  fail_unless (vk_opt_suggest ("--window=3", entries) == NULL);
  fail_unless (vk_opt_suggest ("-o", entries) == NULL);
  fail_unless (vk_opt_suggest ("8", entries) == NULL);
  fail_unless (vk_opt_suggest ("--", entries) == NULL);
  fail_unless (vk_opt_suggest ("--unheard-of", entries) == NULL);

  s = vk_opt_suggest ("--margin", entries);
  fail_unless_equals_string (s, "did you mean --border?");
  g_free (s);
  s = vk_opt_suggest ("--x_shift=10", entries);
  fail_unless_equals_string (s, "did you mean --x?");
  g_free (s);
  s = vk_opt_suggest ("--zero_shift", entries);
  fail_unless_equals_string (s, "did you mean --zero-shift?");
  g_free (s);
  s = vk_opt_suggest ("--engine", entries);
  fail_unless (g_str_has_prefix (s, "did you mean --match-region"));
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_priming)
{
  GstSegment s = time_segment ();
  const GstClockTime lead = gst_util_uint64_scale_int (1024, GST_SECOND,
      44100);

  fail_unless_equals_int (vk_cli_encoder_priming ("avenc_aac"), 1024);
  fail_unless_equals_int (vk_cli_encoder_priming ("opusenc"), 0);
  fail_unless_equals_int (vk_cli_encoder_priming ("unknownenc"), 0);

  /* what played at 23 ms plays at 0; the first 23 ms are cut */
  fail_unless (vk_cli_advance_segment (&s, lead));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, lead), 0);
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, GST_SECOND), GST_SECOND - lead);
  fail_unless_equals_uint64 (gst_segment_to_stream_time (&s,
          GST_FORMAT_TIME, GST_SECOND), GST_SECOND);
  fail_if (gst_segment_clip (&s, GST_FORMAT_TIME, 0, lead - 1, NULL, NULL));

  /* audio that starts late (base): it starts earlier, nothing is cut */
  s = time_segment ();
  s.base = GST_SECOND;
  fail_unless (vk_cli_advance_segment (&s, lead));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 0), GST_SECOND - lead);
  fail_unless_equals_uint64 (s.start, 0);

  /* the bg's sound at 1.25x: the lead is running time (fg time) */
  s = time_segment ();
  fail_unless (vk_cli_shift_segment (&s, GST_SECOND, 1.25, 2 * GST_SECOND));
  fail_unless (vk_cli_advance_segment (&s, 20 * MS));
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 1025 * MS), 0);
  fail_unless_equals_uint64 (gst_segment_to_running_time (&s,
          GST_FORMAT_TIME, 2250 * MS), 980 * MS);
  fail_unless_equals_uint64 (s.stop, 3500 * MS);

  /* a lead beyond the stop leaves an empty segment */
  s = time_segment ();
  s.stop = 10 * MS;
  fail_unless (vk_cli_advance_segment (&s, lead));
  fail_unless_equals_uint64 (s.start, 10 * MS);

  gst_segment_init (&s, GST_FORMAT_BYTES);
  fail_if (vk_cli_advance_segment (&s, lead));
}

GST_END_TEST;

static Suite *
cli_units_suite (void)
{
  Suite *s = suite_create ("cli_units");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_names);
  tcase_add_test (tc, test_progress);
  tcase_add_test (tc, test_audio_segment);
  tcase_add_test (tc, test_priming);
  tcase_add_test (tc, test_option_values);
  tcase_add_test (tc, test_option_names);
  return s;
}

GST_CHECK_MAIN (cli_units);
