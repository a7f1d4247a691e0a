/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign on generated pairs with known ground truth (vk-mkpair):
 * every fg frame comes out unmodified with its timestamps, one bg buffer per
 * fg frame with the same timestamps, the bg frame of the truth, and the
 * position of the truth. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-truth.h"
#include "vk-aligncheck.h"

typedef struct
{
  const gchar *name;
  const gchar *args;            /* vk-mkpair arguments */
  gdouble min_exact;            /* share of fg frames with exactly the truth */
  gint max_error;               /* largest |bg index - truth| allowed */
  const gchar *props;           /* the aligner's (NULL: defaults) */
  const gchar *bg_format;       /* the inputs converted to these formats */
  const gchar *fg_format;       /* (NULL: as decoded) */
} AlignCase;

/* The project's accuracy target (issue 3): at least 99 % of the fg frames
 * get exactly the ideal bg frame (or one showing identical content), and
 * none is more than one frame off. */
static const AlignCase cases[] = {
  {"offset-24to30", "--source cockatoo --bg-size 320x180 --bg-fps 24 "
        "--duration 6 --fg-rect 41,31,160,90 --fg-fps 30 --fg-start 1.0 "
        "--fg-duration 4", 0.99, 1},
  {"fullwidth-60to30", "--source cockatoo --bg-size 320x180 --bg-fps 60 "
        "--duration 5 --fg-rect 0,0,320,146 --fg-fps 30 --fg-start 0.5 "
        "--fg-duration 4", 0.99, 1},
  {"scaled-50", "--source cockatoo --bg-size 320x180 --bg-fps 25 "
        "--duration 5 --fg-rect 80,40,160,88 --fg-size 80x44 --fg-fps 25 "
        "--fg-start 0.4 --fg-duration 4", 0.99, 1},
  {"letterbox", "--source cockatoo --bg-size 320x180 --bg-fps 30 "
        "--duration 5 --fg-rect 50,30,160,90 --fg-fps 30 --fg-start 0.7 "
        "--fg-duration 4 --letterbox 10", 0.99, 1},
  /* formats without an 8-bit luma plane, as screen recordings and 10-bit
   * phone videos decode to: their luma converted (vkluma.c), both modes */
  {"formats", "--source cockatoo --bg-size 320x180 --bg-fps 24 "
        "--duration 6 --fg-rect 41,31,160,90 --fg-fps 30 --fg-start 1.0 "
        "--fg-duration 4", 0.99, 1, NULL, "I420_10LE", "BGRx"},
  {"formats-streaming", "--source cockatoo --bg-size 320x180 --bg-fps 30 "
        "--duration 6 --fg-rect 41,31,160,90 --fg-fps 30 --fg-start 1.0 "
        "--fg-duration 4", 0.99, 1, "mode=streaming latency=2000000000",
      "YUY2", "RGBA"},
};

/* "videoconvert ! video/x-raw,format=@format ! ", or "" */
static gchar *
convert_to (const gchar * format)
{
  return format ? g_strdup_printf ("videoconvert ! video/x-raw,format=%s ! ",
      format) : g_strdup ("");
}

static gchar *tmpdir;

static void
make_pair (const AlignCase * c)
{
  vk_check_make_pair (tmpdir, c->name, c->args);
}

/* The final vidkompy-alignment message gives the fg's rectangle in the bg
 * (`width`, `height`, bg pixels): the truth's within a pixel (its size
 * times the scale, rounded, where vidkompycomposite puts it). */
static void
check_rectangle (GstElement * pipeline, VkTruth * truth)
{
  gint tw = g_ascii_strtoll (vk_truth_get_param (truth, "rect_w"), NULL, 10);
  gint th = g_ascii_strtoll (vk_truth_get_param (truth, "rect_h"), NULL, 10);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean seen = FALSE;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    const GstStructure *st = gst_message_get_structure (msg);
    gint w, h;

    if (gst_structure_has_name (st, "vidkompy-alignment")
        && !g_strcmp0 (gst_structure_get_string (st, "stage"), "final")) {
      fail_unless (gst_structure_get_int (st, "width", &w)
          && gst_structure_get_int (st, "height", &h));
      fail_unless (ABS (w - tw) <= 1 && ABS (h - th) <= 1,
          "rectangle %dx%d, truth %dx%d", w, h, tw, th);
      seen = TRUE;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  fail_unless (seen, "no final vidkompy-alignment message");
}

/* @appsink got frames of @format (NULL: anything) */
static void
check_format (GstElement * appsink, const gchar * format)
{
  GstPad *pad = gst_element_get_static_pad (appsink, "sink");
  GstCaps *caps = gst_pad_get_current_caps (pad);

  fail_unless (caps != NULL);
  if (format)
    fail_unless_equals_string (gst_structure_get_string
        (gst_caps_get_structure (caps, 0), "format"), format);
  gst_caps_unref (caps);
  gst_object_unref (pad);
}

GST_START_TEST (test_align_generated)
{
  const AlignCase *c = &cases[__i__];
  gchar *desc, *truth_path;
  GstElement *pipeline, *fgsink, *bgsink;
  GError *err = NULL;
  VkTruth *truth;
  GThread *t;
  GArray *fg, *bg;
  gchar *bgconv = convert_to (c->bg_format), *fgconv =
      convert_to (c->fg_format);
  guint i, exact = 0, n;
  gint max_err = 0, backwards = 0, tx, ty, tw;
  gdouble tscale;
  VkOutFrame *f0;
  GPtrArray *sums;
  gchar *bg_path;

  make_pair (c);
  truth_path = g_strdup_printf ("%s/%s-truth.csv", tmpdir, c->name);
  truth = vk_truth_load (truth_path, &err);
  fail_unless (truth != NULL, "%s", err ? err->message : "");

  desc = g_strdup_printf ("vidkompyalign name=a %s "
      "filesrc location=%s/%s-bg.mp4 ! decodebin ! %sa.bg_sink "
      "filesrc location=%s/%s-fg.mp4 ! decodebin ! %sa.fg_sink "
      "a.fg_src ! appsink name=fg sync=false "
      "a.bg_src ! appsink name=bg sync=false", c->props ? c->props : "",
      tmpdir, c->name, bgconv, tmpdir, c->name, fgconv);
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "");
  fgsink = gst_bin_get_by_name (GST_BIN (pipeline), "fg");
  bgsink = gst_bin_get_by_name (GST_BIN (pipeline), "bg");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);

  t = vk_check_pull_in_thread (bgsink);
  fg = vk_check_pull_all (fgsink);
  bg = g_thread_join (t);
  /* the outputs keep their input's format */
  check_format (fgsink, c->fg_format);
  check_format (bgsink, c->bg_format);

  bg_path = g_strdup_printf ("%s/%s-bg.mp4", tmpdir, c->name);
  sums = vk_check_frame_checksums (bg_path);
  g_free (bg_path);

  n = truth->rows->len;
  fail_unless_equals_int (fg->len, n);
  fail_unless_equals_int (bg->len, n);

  tx = g_ascii_strtoll (vk_truth_get_param (truth, "rect_x"), NULL, 10);
  ty = g_ascii_strtoll (vk_truth_get_param (truth, "rect_y"), NULL, 10);
  tw = g_ascii_strtoll (vk_truth_get_param (truth, "rect_w"), NULL, 10);

  for (i = 0; i < n; i++) {
    VkTruthRow *row = &g_array_index (truth->rows, VkTruthRow, i);
    VkOutFrame *f = &g_array_index (fg, VkOutFrame, i);
    VkOutFrame *b = &g_array_index (bg, VkOutFrame, i);
    gint e = (gint) b->bg_index - (gint) row->bg_index;

    /* fg: every frame, its own timestamps; bg: the same timestamps */
    fail_unless_equals_uint64 (f->fg_index, i);
    fail_unless (ABS ((gint64) f->pts - (gint64) row->fg_pts) < GST_MSECOND,
        "fg frame %u at %" GST_TIME_FORMAT, i, GST_TIME_ARGS (f->pts));
    fail_unless_equals_uint64 (b->pts, f->pts);
    fail_unless_equals_uint64 (b->duration, f->duration);
    fail_unless_equals_uint64 (b->bg_index, f->bg_index);
    if (i > 0 && b->bg_index < g_array_index (bg, VkOutFrame, i - 1).bg_index)
      backwards++;
    /* a bg frame identical to the truth's counts as exact */
    if (vk_check_same_content (sums, b->bg_index, row->bg_index))
      e = 0;
    if (e == 0)
      exact++;
    max_err = MAX (max_err, ABS (e));
  }

  tscale = (gdouble) tw / g_ascii_strtoll (vk_truth_get_param (truth,
          "fg_width"), NULL, 10);
  f0 = &g_array_index (fg, VkOutFrame, 0);
  GST_INFO ("%s: %u/%u exact, max error %d, position %d,%d scale %.4f "
      "(truth %d,%d scale %.4f)", c->name, exact, n, max_err, f0->x, f0->y,
      f0->scale, tx, ty, tscale);

  fail_unless_equals_int (backwards, 0);
  fail_unless (exact >= c->min_exact * n, "%s: only %u of %u exact",
      c->name, exact, n);
  fail_unless (max_err <= c->max_error, "%s: max error %d", c->name, max_err);
  if (tscale == 1.0) {
    fail_unless_equals_int (f0->x, tx);
    fail_unless_equals_int (f0->y, ty);
    fail_unless_equals_float (f0->scale, 1.0);
  } else {
    fail_unless (ABS (f0->x - tx) <= 1 && ABS (f0->y - ty) <= 1,
        "position %d,%d, truth %d,%d", f0->x, f0->y, tx, ty);
    fail_unless (fabs (f0->scale / tscale - 1.0) < 0.005, "scale %.4f, "
        "truth %.4f", f0->scale, tscale);
  }
  check_rectangle (pipeline, truth);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (fgsink);
  gst_object_unref (bgsink);
  gst_object_unref (pipeline);
  g_array_unref (fg);
  g_array_unref (bg);
  vk_truth_free (truth);
  g_ptr_array_unref (sums);
  g_free (truth_path);
  g_free (desc);
  g_free (bgconv);
  g_free (fgconv);
}

GST_END_TEST;

static void
push_gray_frames (GstElement * src, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, 64 * 48, NULL);

    gst_buffer_memset (buf, 0, i * 10, 64 * 48);
    GST_BUFFER_PTS (buf) = i * GST_SECOND / 25;
    GST_BUFFER_DURATION (buf) = GST_SECOND / 25;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src), buf),
        GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
}

GST_START_TEST (test_not_seekable)
{
  GstElement *pipeline, *bg, *fg;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;

  /* streams that cannot be replayed, in global mode (mode=auto takes the
   * streaming mode for them): a clear error, no hang */
  pipeline = gst_parse_launch ("vidkompyalign name=a mode=global "
      "appsrc name=bg format=time caps=video/x-raw,format=GRAY8,width=64,"
      "height=48,framerate=25/1 ! a.bg_sink "
      "appsrc name=fg format=time caps=video/x-raw,format=GRAY8,width=64,"
      "height=48,framerate=25/1 ! a.fg_sink "
      "a.fg_src ! fakesink a.bg_src ! fakesink", &err);
  fail_unless (pipeline != NULL);
  bg = gst_bin_get_by_name (GST_BIN (pipeline), "bg");
  fg = gst_bin_get_by_name (GST_BIN (pipeline), "fg");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  push_gray_frames (bg, 3);
  push_gray_frames (fg, 3);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "not seekable"), "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bg);
  gst_object_unref (fg);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* a fg that is not in the bg: a warning and output, or with strict an
 * error, never a hang */
GST_START_TEST (test_fg_not_in_bg)
{
  static const AlignCase bg_case = { "nib-bg", "--source cockatoo "
        "--bg-size 320x180 --bg-fps 25 --duration 3 --fg-rect 0,0,160,90",
    0, 0
  };
  static const AlignCase fg_case = { "nib-fg",
    "--source \"videotestsrc pattern=pinwheel\" --bg-size 320x180 "
        "--bg-fps 25 --duration 3 --fg-rect 0,0,160,90", 0, 0
  };
  gboolean strict;

  make_pair (&bg_case);
  make_pair (&fg_case);

  for (strict = FALSE; strict <= TRUE; strict++) {
    gchar *desc = g_strdup_printf ("vidkompyalign name=a strict=%d "
        "filesrc location=%s/nib-bg-bg.mp4 ! decodebin ! a.bg_sink "
        "filesrc location=%s/nib-fg-fg.mp4 ! decodebin ! a.fg_sink "
        "a.fg_src ! fakesink a.bg_src ! fakesink", strict, tmpdir, tmpdir);
    GstElement *pipeline = gst_parse_launch (desc, NULL);
    GstBus *bus = gst_element_get_bus (pipeline);
    GstMessage *msg;
    GError *err = NULL;
    gchar *warned;

    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
    fail_unless (msg != NULL, "no warning or error");
    if (strict) {
      fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
      gst_message_parse_error (msg, &err, NULL);
    } else {
      fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_WARNING);
      gst_message_parse_warning (msg, &err, NULL);
    }
    fail_unless (strstr (err->message, "does not seem to be in the "
            "background"), "%s", err->message);
    warned = g_strdup (err->message);
    g_error_free (err);
    gst_message_unref (msg);
    if (!strict) {
      /* the warning gives the confidences of the final alignment message
       * (it gave the coarse spatial score before, 0.92 against 0.54) */
      gdouble warned_t = -1, warned_s = -1, t = -1, sp = -1;
      gchar *got, *want;

      fail_unless (sscanf (strstr (warned, "(temporal confidence "),
              "(temporal confidence %lf, spatial confidence %lf)",
              &warned_t, &warned_s) == 2, "%s", warned);
      while ((msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
                  GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
        const GstStructure *st = gst_message_get_structure (msg);

        if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
          break;
        if (gst_structure_has_name (st, "vidkompy-alignment")
            && !g_strcmp0 (gst_structure_get_string (st, "stage"), "final")) {
          vk_check_alignment_fields (st, "global");
          gst_structure_get_double (st, "confidence", &t);
          gst_structure_get_double (st, "spatial-confidence", &sp);
        }
        gst_message_unref (msg);
      }
      got = g_strdup_printf ("%.2f %.2f", t, sp);
      want = g_strdup_printf ("%.2f %.2f", warned_t, warned_s);
      fail_unless_equals_string (got, want);
      g_free (got);
      g_free (want);
      /* the output goes on to the end */
      fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
      gst_message_unref (msg);
    }
    g_free (warned);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (pipeline);
    g_free (desc);
  }
}

GST_END_TEST;

/* an unlinked input: an error naming it, not a wait forever */
GST_START_TEST (test_unlinked_pad)
{
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *err = NULL;

  pipeline = gst_parse_launch ("vidkompyalign name=a "
      "videotestsrc num-buffers=10 ! video/x-raw,format=I420 ! a.bg_sink "
      "a.fg_src ! fakesink a.bg_src ! fakesink", &err);
  fail_unless (pipeline != NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, 15 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "fg_sink is not linked"), "%s",
      err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* No copy of each frame: the aligner's inputs take a decoder's own buffers
 * (a pool without a maximum, GstVideoMeta; avdec copied every frame
 * before), and the vidkompy bin's videoflips pass frames through when no
 * tag asks for a turn (they copied every frame). */
GST_START_TEST (test_no_frame_copies)
{
  static const gchar *pads[] = { "bg_sink", "fg_sink" };
  static const gchar *flips[] = { "bg_orient", "fg_orient" };
  GstElement *align = gst_element_factory_make ("vidkompyalign", NULL);
  GstElement *bin = gst_element_factory_make ("vidkompy", NULL);
  GstCaps *caps = gst_caps_from_string ("video/x-raw,format=I420,"
      "width=1920,height=1080,framerate=30/1");
  guint i;

  fail_unless (align != NULL && bin != NULL);
  for (i = 0; i < G_N_ELEMENTS (pads); i++) {
    GstPad *pad = gst_element_get_static_pad (align, pads[i]);
    GstQuery *q = gst_query_new_allocation (caps, TRUE);
    GstBufferPool *pool = NULL;
    GstElement *flip;
    guint size, min, max;

    fail_unless (gst_pad_query (pad, q), "%s", pads[i]);
    fail_unless_equals_int (gst_query_get_n_allocation_pools (q), 1);
    gst_query_parse_nth_allocation_pool (q, 0, &pool, &size, &min, &max);
    fail_unless (pool != NULL);
    fail_unless_equals_int (max, 0);
    fail_unless (size >= 1920 * 1080 * 3 / 2);
    fail_unless (gst_query_find_allocation_meta (q, GST_VIDEO_META_API_TYPE,
            NULL));
    gst_object_unref (pool);
    gst_query_unref (q);
    gst_object_unref (pad);

    flip = gst_bin_get_by_name (GST_BIN (bin), flips[i]);
    fail_unless (flip != NULL);
    fail_unless (gst_base_transform_is_passthrough (GST_BASE_TRANSFORM
            (flip)), "%s", flips[i]);
    gst_object_unref (flip);
  }
  gst_caps_unref (caps);
  gst_object_unref (align);
  gst_object_unref (bin);
}

GST_END_TEST;

static void
setup (void)
{
  tmpdir = vk_check_tmpdir_new ();
}

static void
teardown (void)
{
  vk_check_tmpdir_remove (tmpdir);
}

static Suite *
align_element_suite (void)
{
  Suite *s = suite_create ("vidkompyalign");
  TCase *tc = tcase_create ("generated");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_loop_test (tc, test_align_generated, 0, G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_not_seekable);
  tcase_add_test (tc, test_fg_not_in_bg);
  tcase_add_test (tc, test_unlinked_pad);
  tcase_add_test (tc, test_no_frame_copies);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_element);
