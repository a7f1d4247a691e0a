/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Checks that vk-mkpair's truth file is right and unambiguous: every fg
 * frame decodes to exactly the crop of the bg frame the truth names, and
 * clearly not to the crop of the bg frames two before or after it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "vk-truth.h"

/* mean abs luma difference that a 6-pixel shift of the smpte bars must
 * exceed inside the fg rectangle (the smallest measured is about 6.4) */
#define NEIGHBOUR_MIN_MEAN_DIFF 3.0
#define SCALED_MAX_DIFF 2
#define PTS_TOLERANCE GST_MSECOND

typedef struct
{
  const gchar *name;
  gint bg_w, bg_h, bg_fps;
  gdouble duration;
  gint fg_fps;
  gint rect_x, rect_y, rect_w, rect_h;
  gint fg_w, fg_h;              /* 0: rect size */
  gdouble fg_start;
  gdouble warp_a, warp_p;       /* warp_p == 0: no warp */
  gdouble freeze_t, freeze_len; /* freeze_len == 0: no freeze */
  gint letterbox;
} PairCase;

typedef struct
{
  const PairCase *pc;
  gchar *dir;
  VkTruth *truth;
  GPtrArray *bg;                /* GstSample, decoded I420 */
  GPtrArray *fg;
  gint fg_w, fg_h;
  GstVideoInfo bg_info, fg_info;
  GstVideoConverter *convert;   /* scaled case only */
} Pair;

/* ---------------------------------------------------------------------- */

static void
add_arg_double (GPtrArray * argv, const gchar * opt, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof (buf), "%.6g", v);
  g_ptr_array_add (argv, g_strdup_printf ("--%s=%s", opt, buf));
}

static void
add_arg_pair (GPtrArray * argv, const gchar * opt, gdouble a, gdouble b)
{
  gchar buf_a[G_ASCII_DTOSTR_BUF_SIZE], buf_b[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf_a, sizeof (buf_a), "%.6g", a);
  g_ascii_formatd (buf_b, sizeof (buf_b), "%.6g", b);
  g_ptr_array_add (argv, g_strdup_printf ("--%s=%s,%s", opt, buf_a, buf_b));
}

static void
run_mkpair (const PairCase * pc, const gchar * dir)
{
  const gchar *exe = g_getenv ("VK_MKPAIR");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  gchar *out = NULL, *err = NULL;
  GError *error = NULL;
  gint status = 0;

  fail_unless (exe != NULL && *exe != '\0',
      "VK_MKPAIR is not set (run through meson test)");

  g_ptr_array_add (argv, g_strdup (exe));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, g_strdup ("--lossless"));
  g_ptr_array_add (argv, g_strdup_printf ("--outdir=%s", dir));
  g_ptr_array_add (argv, g_strdup_printf ("--name=%s", pc->name));
  g_ptr_array_add (argv, g_strdup_printf ("--bg-size=%dx%d", pc->bg_w,
          pc->bg_h));
  g_ptr_array_add (argv, g_strdup_printf ("--bg-fps=%d", pc->bg_fps));
  add_arg_double (argv, "duration", pc->duration);
  g_ptr_array_add (argv, g_strdup_printf ("--fg-fps=%d", pc->fg_fps));
  g_ptr_array_add (argv, g_strdup_printf ("--fg-rect=%d,%d,%d,%d",
          pc->rect_x, pc->rect_y, pc->rect_w, pc->rect_h));
  if (pc->fg_w > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--fg-size=%dx%d", pc->fg_w,
            pc->fg_h));
  add_arg_double (argv, "fg-start", pc->fg_start);
  if (pc->warp_p > 0.0)
    add_arg_pair (argv, "warp", pc->warp_a, pc->warp_p);
  if (pc->freeze_len > 0.0)
    add_arg_pair (argv, "freeze", pc->freeze_t, pc->freeze_len);
  if (pc->letterbox > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--letterbox=%d",
            pc->letterbox));
  g_ptr_array_add (argv, NULL);

  fail_unless (g_spawn_sync (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error),
      "cannot run %s: %s", exe, error ? error->message : "?");
#if GLIB_CHECK_VERSION (2, 70, 0)
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "vk-mkpair failed (status %d):\n%s", status, err);
#else
  fail_unless (g_spawn_check_exit_status (status, NULL),
      "vk-mkpair failed (status %d):\n%s", status, err);
#endif

  g_free (out);
  g_free (err);
  g_ptr_array_unref (argv);
}

/* decode @path to I420 and return all samples in order */
static GPtrArray *
decode_all (const gchar * path)
{
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  GstElement *pipeline, *sink;
  GstBus *bus;
  GError *error = NULL;
  gchar *desc;

  desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! "
      "videoconvert ! video/x-raw,format=I420 ! "
      "appsink name=sink sync=false", path);
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL, "%s: %s", desc, error ? error->message : "");
  g_free (desc);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_element_get_bus (pipeline);

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "cannot decode %s", path);

  for (;;) {
    GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
        GST_SECOND);
    GstMessage *msg;

    if (sample) {
      g_ptr_array_add (samples, sample);
      continue;
    }
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      fail ("decoding %s: %s", path, err->message);
    }
    if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
      break;
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return samples;
}

static void
remove_dir (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL) {
    gchar *p = g_build_filename (dir, name, NULL);

    g_unlink (p);
    g_free (p);
  }
  g_dir_close (d);
  g_rmdir (dir);
}

/* the documented time model, written independently of vk-mkpair */
static gint64
model_bg_index (const PairCase * pc, guint64 i)
{
  gdouble t = (gdouble) i / pc->fg_fps;
  gdouble u = t;

  if (pc->freeze_len > 0.0 && t > pc->freeze_t)
    u -= MIN (t - pc->freeze_t, pc->freeze_len);
  if (pc->warp_p > 0.0)
    u += pc->warp_a * pc->warp_p / (2.0 * G_PI) *
        sin (2.0 * G_PI * u / pc->warp_p);
  return (gint64) floor ((pc->fg_start + u) * pc->bg_fps + 1e-6);
}

static void
assert_param_int (VkTruth * t, const gchar * key, gint64 expected)
{
  const gchar *v = vk_truth_get_param (t, key);

  fail_unless (v != NULL, "truth has no '%s' parameter", key);
  fail_unless_equals_int64 (g_ascii_strtoll (v, NULL, 10), expected);
}

static void
assert_param_str (VkTruth * t, const gchar * key, const gchar * expected)
{
  const gchar *v = vk_truth_get_param (t, key);

  fail_unless (v != NULL, "truth has no '%s' parameter", key);
  fail_unless_equals_string (v, expected);
}

/* ---------------------------------------------------------------------- */

static void
pair_load (Pair * p, const PairCase * pc)
{
  GError *error = NULL;
  gchar *path;

  memset (p, 0, sizeof (*p));
  p->pc = pc;
  p->fg_w = pc->fg_w > 0 ? pc->fg_w : pc->rect_w;
  p->fg_h = pc->fg_w > 0 ? pc->fg_h : pc->rect_h;
  p->dir = g_dir_make_tmp ("vk-mkpair-XXXXXX", &error);
  fail_unless (p->dir != NULL, "g_dir_make_tmp: %s",
      error ? error->message : "");

  run_mkpair (pc, p->dir);

  path = g_strdup_printf ("%s/%s-truth.csv", p->dir, pc->name);
  p->truth = vk_truth_load (path, &error);
  fail_unless (p->truth != NULL, "vk_truth_load: %s",
      error ? error->message : "");
  g_free (path);

  path = g_strdup_printf ("%s/%s-bg.mp4", p->dir, pc->name);
  p->bg = decode_all (path);
  g_free (path);
  path = g_strdup_printf ("%s/%s-fg.mp4", p->dir, pc->name);
  p->fg = decode_all (path);
  g_free (path);

  gst_video_info_set_format (&p->bg_info, GST_VIDEO_FORMAT_I420, pc->bg_w,
      pc->bg_h);
  gst_video_info_set_format (&p->fg_info, GST_VIDEO_FORMAT_I420, p->fg_w,
      p->fg_h);
  if (pc->fg_w > 0) {
    p->convert = gst_video_converter_new (&p->bg_info, &p->fg_info,
        gst_structure_new ("crop",
            GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT, pc->rect_x,
            GST_VIDEO_CONVERTER_OPT_SRC_Y, G_TYPE_INT, pc->rect_y,
            GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT, pc->rect_w,
            GST_VIDEO_CONVERTER_OPT_SRC_HEIGHT, G_TYPE_INT, pc->rect_h,
            GST_VIDEO_CONVERTER_OPT_MATRIX_MODE, GST_TYPE_VIDEO_MATRIX_MODE,
            GST_VIDEO_MATRIX_MODE_NONE, NULL));
    fail_unless (p->convert != NULL);
  }
}

static void
pair_clear (Pair * p)
{
  vk_truth_free (p->truth);
  g_ptr_array_unref (p->bg);
  g_ptr_array_unref (p->fg);
  if (p->convert)
    gst_video_converter_free (p->convert);
  remove_dir (p->dir);
  g_free (p->dir);
}

static void
map_sample (GstSample * sample, GstVideoFrame * frame, gint w, gint h)
{
  GstVideoInfo info;

  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  fail_unless_equals_int (GST_VIDEO_INFO_FORMAT (&info),
      GST_VIDEO_FORMAT_I420);
  fail_unless_equals_int (GST_VIDEO_INFO_WIDTH (&info), w);
  fail_unless_equals_int (GST_VIDEO_INFO_HEIGHT (&info), h);
  fail_unless (gst_video_frame_map (frame, &info,
          gst_sample_get_buffer (sample), GST_MAP_READ));
}

/* the fg luma (fg_w x fg_h, packed) expected when showing bg frame @j:
 * a plain copy of the rect when unscaled, our own crop+scale otherwise */
static guint8 *
expected_luma (Pair * p, guint64 j)
{
  const PairCase *pc = p->pc;
  guint8 *luma = g_malloc ((gsize) p->fg_w * p->fg_h);
  GstVideoFrame bg;
  gint r;

  map_sample (g_ptr_array_index (p->bg, j), &bg, pc->bg_w, pc->bg_h);
  if (p->convert == NULL) {
    const guint8 *y = GST_VIDEO_FRAME_COMP_DATA (&bg, 0);
    gint stride = GST_VIDEO_FRAME_COMP_STRIDE (&bg, 0);

    for (r = 0; r < p->fg_h; r++)
      memcpy (luma + (gsize) r * p->fg_w,
          y + (gsize) (pc->rect_y + r) * stride + pc->rect_x, p->fg_w);
  } else {
    GstBuffer *buf = gst_buffer_new_allocate (NULL,
        GST_VIDEO_INFO_SIZE (&p->fg_info), NULL);
    GstVideoFrame out;

    fail_unless (gst_video_frame_map (&out, &p->fg_info, buf,
            GST_MAP_WRITE));
    gst_video_converter_frame (p->convert, &bg, &out);
    for (r = 0; r < p->fg_h; r++)
      memcpy (luma + (gsize) r * p->fg_w,
          (guint8 *) GST_VIDEO_FRAME_COMP_DATA (&out, 0) +
          (gsize) r * GST_VIDEO_FRAME_COMP_STRIDE (&out, 0), p->fg_w);
    gst_video_frame_unmap (&out);
    gst_buffer_unref (buf);
  }
  gst_video_frame_unmap (&bg);
  return luma;
}

/* compare fg frame @i with @expected, outside the letterbox bars */
static void
luma_diff (Pair * p, guint64 i, const guint8 * expected, gint * max_diff,
    gdouble * mean_diff)
{
  GstVideoFrame fg;
  const guint8 *y;
  gint stride, r, c, lb = p->pc->letterbox;
  guint64 sum = 0;

  map_sample (g_ptr_array_index (p->fg, i), &fg, p->fg_w, p->fg_h);
  y = GST_VIDEO_FRAME_COMP_DATA (&fg, 0);
  stride = GST_VIDEO_FRAME_COMP_STRIDE (&fg, 0);
  *max_diff = 0;
  for (r = lb; r < p->fg_h - lb; r++) {
    for (c = 0; c < p->fg_w; c++) {
      gint d = ABS ((gint) y[(gsize) r * stride + c] -
          (gint) expected[(gsize) r * p->fg_w + c]);

      sum += d;
      *max_diff = MAX (*max_diff, d);
    }
  }
  *mean_diff = (gdouble) sum / ((gdouble) p->fg_w * (p->fg_h - 2 * lb));
  gst_video_frame_unmap (&fg);
}

static void
check_letterbox (Pair * p, guint64 i)
{
  GstVideoFrame fg;
  const guint8 *y;
  gint stride, r, c, lb = p->pc->letterbox;

  map_sample (g_ptr_array_index (p->fg, i), &fg, p->fg_w, p->fg_h);
  y = GST_VIDEO_FRAME_COMP_DATA (&fg, 0);
  stride = GST_VIDEO_FRAME_COMP_STRIDE (&fg, 0);
  for (r = 0; r < p->fg_h; r++) {
    if (r >= lb && r < p->fg_h - lb)
      continue;
    for (c = 0; c < p->fg_w; c++)
      fail_unless_equals_int (y[(gsize) r * stride + c], 16);
  }
  gst_video_frame_unmap (&fg);
}

static void
check_pair (const PairCase * pc)
{
  Pair p;
  GArray *rows;
  guint64 i, n_bg, n_expected;
  gchar *fps;
  gdouble min_neighbour = G_MAXDOUBLE;

  pair_load (&p, pc);
  rows = p.truth->rows;

  /* header */
  assert_param_int (p.truth, "bg_width", pc->bg_w);
  assert_param_int (p.truth, "bg_height", pc->bg_h);
  fps = g_strdup_printf ("%d/1", pc->bg_fps);
  assert_param_str (p.truth, "bg_fps", fps);
  g_free (fps);
  fps = g_strdup_printf ("%d/1", pc->fg_fps);
  assert_param_str (p.truth, "fg_fps", fps);
  g_free (fps);
  assert_param_int (p.truth, "fg_width", p.fg_w);
  assert_param_int (p.truth, "fg_height", p.fg_h);
  assert_param_int (p.truth, "rect_x", pc->rect_x);
  assert_param_int (p.truth, "rect_y", pc->rect_y);
  assert_param_int (p.truth, "rect_w", pc->rect_w);
  assert_param_int (p.truth, "rect_h", pc->rect_h);
  assert_param_int (p.truth, "letterbox", pc->letterbox);
  assert_param_int (p.truth, "quantizer", 0);
  assert_param_int (p.truth, "frames", rows->len);
  fail_unless_equals_int (g_strcmp0 (vk_truth_get_param (p.truth, "warp"),
          "none") != 0, pc->warp_p > 0.0);
  fail_unless_equals_int (g_strcmp0 (vk_truth_get_param (p.truth, "freeze"),
          "none") != 0, pc->freeze_len > 0.0);

  /* bg: all frames there, at j / bg_fps */
  n_bg = (guint64) floor (pc->duration * pc->bg_fps + 0.5);
  assert_param_int (p.truth, "bg_frames", n_bg);
  fail_unless_equals_int64 (p.bg->len, n_bg);
  for (i = 0; i < n_bg; i++) {
    GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (p.bg, i));
    GstClockTime want = gst_util_uint64_scale (i, GST_SECOND, pc->bg_fps);
    GstClockTimeDiff d = GST_CLOCK_DIFF (want, GST_BUFFER_PTS (buf));

    fail_unless (ABS (d) <= PTS_TOLERANCE, "bg frame %" G_GUINT64_FORMAT
        " has PTS %" GST_TIME_FORMAT, i, GST_TIME_ARGS (GST_BUFFER_PTS (buf)));
  }

  /* fg: one frame per row; the fg stops before the last bg frame */
  for (n_expected = 0; model_bg_index (pc, n_expected) < (gint64) n_bg - 1;)
    n_expected++;
  fail_unless_equals_int64 (rows->len, n_expected);
  fail_unless_equals_int64 (p.fg->len, rows->len);

  for (i = 0; i < rows->len; i++) {
    const VkTruthRow *row = &g_array_index (rows, VkTruthRow, i);
    GstBuffer *buf = gst_sample_get_buffer (g_ptr_array_index (p.fg, i));
    GstClockTimeDiff d = GST_CLOCK_DIFF (row->fg_pts, GST_BUFFER_PTS (buf));
    guint8 *want;
    gint max_diff, k;
    gdouble mean_diff;

    /* the row itself */
    fail_unless_equals_int64 (row->fg_index, i);
    fail_unless_equals_uint64 (row->fg_pts,
        gst_util_uint64_scale (i, GST_SECOND, pc->fg_fps));
    fail_unless_equals_int64 (row->bg_index, model_bg_index (pc, i));
    fail_unless_equals_uint64 (row->bg_pts,
        gst_util_uint64_scale (row->bg_index, GST_SECOND, pc->bg_fps));
    fail_unless (row->bg_index < n_bg - 1);
    if (i > 0)
      fail_unless (row->bg_index >=
          g_array_index (rows, VkTruthRow, i - 1).bg_index,
          "bg_index decreases at fg frame %" G_GUINT64_FORMAT, i);
    fail_unless_equals_int (row->x, pc->rect_x);
    fail_unless_equals_int (row->y, pc->rect_y);
    fail_unless_equals_int (row->w, pc->rect_w);
    fail_unless_equals_int (row->h, pc->rect_h);

    /* the file agrees with the row */
    fail_unless (ABS (d) <= PTS_TOLERANCE, "fg frame %" G_GUINT64_FORMAT
        " has PTS %" GST_TIME_FORMAT ", truth says %" GST_TIME_FORMAT, i,
        GST_TIME_ARGS (GST_BUFFER_PTS (buf)), GST_TIME_ARGS (row->fg_pts));

    want = expected_luma (&p, row->bg_index);
    luma_diff (&p, i, want, &max_diff, &mean_diff);
    g_free (want);
    if (p.convert == NULL)
      fail_unless (max_diff == 0, "fg frame %" G_GUINT64_FORMAT " is not "
          "the crop of bg frame %" G_GUINT64_FORMAT " (max diff %d)", i,
          row->bg_index, max_diff);
    else
      fail_unless (max_diff <= SCALED_MAX_DIFF, "fg frame %"
          G_GUINT64_FORMAT " differs from the scaled crop of bg frame %"
          G_GUINT64_FORMAT " by up to %d", i, row->bg_index, max_diff);
    if (pc->letterbox > 0)
      check_letterbox (&p, i);

    /* ... and unambiguous: the neighbours two frames away look different */
    for (k = -2; k <= 2; k += 4) {
      gint64 nj = (gint64) row->bg_index + k;

      if (nj < 0 || nj >= (gint64) n_bg)
        continue;
      want = expected_luma (&p, nj);
      luma_diff (&p, i, want, &max_diff, &mean_diff);
      g_free (want);
      fail_unless (mean_diff > NEIGHBOUR_MIN_MEAN_DIFF, "fg frame %"
          G_GUINT64_FORMAT " is ambiguous: mean diff to bg frame %"
          G_GINT64_FORMAT " is only %.2f", i, nj, mean_diff);
      min_neighbour = MIN (min_neighbour, mean_diff);
    }
  }
  /* a freeze holds one bg frame for at least LEN of fg time */
  if (pc->freeze_len > 0.0) {
    guint run = 1, longest = 1;

    for (i = 1; i < rows->len; i++) {
      if (g_array_index (rows, VkTruthRow, i).bg_index ==
          g_array_index (rows, VkTruthRow, i - 1).bg_index)
        run++;
      else
        run = 1;
      longest = MAX (longest, run);
    }
    fail_unless (longest >= (guint) floor (pc->freeze_len * pc->fg_fps),
        "longest still run is only %u fg frames", longest);
  }

  GST_INFO ("%s: %u fg frames, %" G_GUINT64_FORMAT " bg frames, smallest "
      "neighbour mean diff %.2f", pc->name, rows->len, n_bg, min_neighbour);

  pair_clear (&p);
}

/* ---------------------------------------------------------------------- */

static const PairCase case_plain = {
  .name = "plain",
  .bg_w = 160,.bg_h = 120,.bg_fps = 24,.duration = 4.0,
  .fg_fps = 30,
  .rect_x = 17,.rect_y = 9,.rect_w = 64,.rect_h = 48,
  .fg_start = 0.5,
};

static const PairCase case_warp = {
  .name = "warp",
  .bg_w = 160,.bg_h = 120,.bg_fps = 24,.duration = 4.0,
  .fg_fps = 30,
  .rect_x = 17,.rect_y = 9,.rect_w = 64,.rect_h = 48,
  .fg_start = 0.5,
  .warp_a = 0.2,.warp_p = 2.0,
  .freeze_t = 1.0,.freeze_len = 0.3,
};

static const PairCase case_scaled = {
  .name = "scaled",
  .bg_w = 160,.bg_h = 120,.bg_fps = 24,.duration = 4.0,
  .fg_fps = 30,
  .rect_x = 20,.rect_y = 20,.rect_w = 80,.rect_h = 60,
  .fg_w = 40,.fg_h = 30,
  .fg_start = 0.5,
};

static const PairCase case_letterbox = {
  .name = "letterbox",
  .bg_w = 160,.bg_h = 120,.bg_fps = 24,.duration = 2.0,
  .fg_fps = 30,
  .rect_x = 17,.rect_y = 9,.rect_w = 64,.rect_h = 48,
  .fg_start = 0.5,
  .letterbox = 5,
};

GST_START_TEST (test_mkpair_plain)
{
  check_pair (&case_plain);
}

GST_END_TEST;

GST_START_TEST (test_mkpair_warp_freeze)
{
  check_pair (&case_warp);
}

GST_END_TEST;

GST_START_TEST (test_mkpair_scaled)
{
  check_pair (&case_scaled);
}

GST_END_TEST;

GST_START_TEST (test_mkpair_letterbox)
{
  check_pair (&case_letterbox);
}

GST_END_TEST;

static Suite *
mkpair_suite (void)
{
  Suite *s = suite_create ("media_mkpair");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_mkpair_plain);
  tcase_add_test (tc, test_mkpair_warp_freeze);
  tcase_add_test (tc, test_mkpair_scaled);
  tcase_add_test (tc, test_mkpair_letterbox);

  return s;
}

GST_CHECK_MAIN (mkpair);
