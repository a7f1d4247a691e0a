/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The bad-input matrix of docs/bad-input.md, for the elements: each test
 * feeds vidkompyalign ! vidkompycomposite one kind of bad input and checks
 * what the user sees (an error message that says what is wrong, or correct
 * output), never a crash or a hang (every wait has a timeout).
 *
 * The inputs are seekable appsrcs that serve frames from memory (the
 * aligner needs seekable inputs: it reads them twice), so any frame size,
 * format, caps and timestamps can be made up: the bg is noise that changes
 * every frame, the fg a crop of it at (FG_X, FG_Y). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gst/vidkompy/vidkompy.h>

#include "vk-aligncheck.h"

/* generous: element_memcheck runs these tests under valgrind */
/* the longest wait for an outcome, times VK_CHECK_SLOWDOWN (element_memcheck
 * sets it: under valgrind on a loaded machine, the search for a fg that is
 * not in the bg took 31 s, and the whole case over 180 s) */
#define WAIT (180 * GST_SECOND * slowdown ())

static guint
slowdown (void)
{
  const gchar *v = g_getenv ("VK_CHECK_SLOWDOWN");

  return v ? CLAMP (atoi (v), 1, 100) : 1;
}

#define FPS 25

/* ---------------------------------------------------------------------- */
/* A seekable source of made-up frames */

typedef struct
{
  GstVideoInfo info;
  const gchar *interlace;       /* caps interlace-mode, or NULL */
  guint n_frames;
  const GstClockTime *pts;      /* or NULL: i / FPS */
  gboolean no_pts;              /* buffers without timestamps */
  /* the frame content: a crop at (crop_x, crop_y) of a bg_w x bg_h noise
   * picture that depends on the content frame index: content[i], or
   * without content, pts * FPS */
  const guint *content;
  gint crop_x, crop_y, bg_w, bg_h;
  GMutex lock;
  guint next;
} FrameSrc;

static GstClockTime
frame_pts (FrameSrc * fs, guint i)
{
  return fs->pts ? fs->pts[i] : gst_util_uint64_scale (i, GST_SECOND, FPS);
}

static guint8
noise (guint frame, gint x, gint y)
{
  guint32 h = (frame * 73856093u) ^ ((guint32) x * 19349663u) ^
      ((guint32) y * 83492791u);

  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  return (guint8) h;
}

static GstBuffer *
make_frame (FrameSrc * fs, guint i)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, fs->info.size, NULL);
  GstClockTime pts = frame_pts (fs, i);
  guint content = fs->content ? fs->content[i] :
      (guint) gst_util_uint64_scale (pts, FPS, GST_SECOND);
  GstVideoFrame f;
  guint p;

  fail_unless (gst_video_frame_map (&f, &fs->info, buf, GST_MAP_WRITE));
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&f); p++) {
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&f, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, p);
    gint w = GST_VIDEO_FRAME_COMP_WIDTH (&f, p) *
        GST_VIDEO_FRAME_COMP_PSTRIDE (&f, p);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (&f, p), x, y;

    for (y = 0; y < h; y++)
      for (x = 0; x < w; x++)
        d[(gsize) y * stride + x] = p == 0 ? noise (content, fs->crop_x + x,
            fs->crop_y + y) : 128;
  }
  gst_video_frame_unmap (&f);
  if (!fs->no_pts) {
    GST_BUFFER_PTS (buf) = pts;
    GST_BUFFER_DURATION (buf) = i + 1 < fs->n_frames ?
        frame_pts (fs, i + 1) - pts : GST_SECOND / FPS;
  }
  return buf;
}

static void
need_data (GstAppSrc * src, guint length, gpointer user_data)
{
  FrameSrc *fs = user_data;
  guint i;

  g_mutex_lock (&fs->lock);
  i = fs->next++;
  g_mutex_unlock (&fs->lock);
  if (i >= fs->n_frames)
    gst_app_src_end_of_stream (src);
  else
    gst_app_src_push_buffer (src, make_frame (fs, i));
}

static gboolean
seek_data (GstAppSrc * src, guint64 offset, gpointer user_data)
{
  FrameSrc *fs = user_data;
  guint i;

  g_mutex_lock (&fs->lock);
  for (i = 0; i < fs->n_frames && frame_pts (fs, i) < offset; i++);
  fs->next = i;
  g_mutex_unlock (&fs->lock);
  return TRUE;
}

/* @bg_w x @bg_h: the noise picture the frames are crops of */
static void
frame_src_init (FrameSrc * fs, GstVideoFormat format, gint width,
    gint height, guint n_frames, gint crop_x, gint crop_y)
{
  memset (fs, 0, sizeof (*fs));
  fail_unless (gst_video_info_set_format (&fs->info, format, width, height));
  GST_VIDEO_INFO_FPS_N (&fs->info) = FPS;
  GST_VIDEO_INFO_FPS_D (&fs->info) = 1;
  fs->n_frames = n_frames;
  fs->crop_x = crop_x;
  fs->crop_y = crop_y;
  g_mutex_init (&fs->lock);
}

static void
frame_src_attach (FrameSrc * fs, GstElement * appsrc)
{
  GstAppSrcCallbacks cb = { need_data, NULL, seek_data };
  GstCaps *caps = gst_video_info_to_caps (&fs->info);

  if (fs->interlace)
    gst_caps_set_simple (caps, "interlace-mode", G_TYPE_STRING,
        fs->interlace, NULL);
  g_object_set (appsrc, "caps", caps, "format", GST_FORMAT_TIME,
      "stream-type", GST_APP_STREAM_TYPE_SEEKABLE, "max-buffers",
      (guint64) 2, NULL);
  gst_caps_unref (caps);
  gst_app_src_set_callbacks (GST_APP_SRC (appsrc), &cb, fs, NULL);
}

/* ---------------------------------------------------------------------- */
/* Running align ! composite */

typedef struct
{
  guint n_out;                  /* composite output frames */
  GArray *bg_index;             /* guint64 per output frame (meta) */
  GArray *pts;                  /* GstClockTime per output frame */
  gint out_w, out_h;
  gchar *error;                 /* the first error message, or NULL */
  gchar *warning;               /* the warning messages, one a line */
  GstStructure *alignment;      /* the final vidkompy-alignment, or NULL */
  gboolean eos;
} Outcome;

static void
outcome_clear (Outcome * o)
{
  g_array_unref (o->bg_index);
  g_array_unref (o->pts);
  g_free (o->error);
  g_free (o->warning);
  if (o->alignment)
    gst_structure_free (o->alignment);
}

static gchar *
message_text (GstMessage * msg)
{
  GError *err = NULL;
  gchar *dbg = NULL, *text;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    gst_message_parse_error (msg, &err, &dbg);
  else
    gst_message_parse_warning (msg, &err, &dbg);
  text = g_strdup_printf ("%s [%s]", err->message, dbg ? dbg : "");
  g_error_free (err);
  g_free (dbg);
  return text;
}

/* Keeps what @msg says in @o: the first error, every warning, the final
 * vidkompy-alignment message. */
static void
outcome_take (Outcome * o, GstMessage * msg)
{
  const GstStructure *st = gst_message_get_structure (msg);

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && o->error == NULL) {
    o->error = message_text (msg);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    gchar *text = message_text (msg), *all;

    all = g_strconcat (o->warning ? o->warning : "", text, "\n", NULL);
    g_free (o->warning);
    g_free (text);
    o->warning = all;
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (st, "vidkompy-alignment")
      && g_strcmp0 (gst_structure_get_string (st, "stage"), "final") == 0) {
    if (o->alignment)
      gst_structure_free (o->alignment);
    o->alignment = gst_structure_copy (st);
  }
  gst_message_unref (msg);
}

#define KEPT_MESSAGES \
  (GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT)

/* Runs "@bg_desc ! a.bg_sink @fg_desc ! a.fg_sink vidkompyalign name=a
 * @align_props ! vidkompycomposite ! appsink" until EOS or an error, with
 * FrameSrcs for the appsrcs named bgsrc / fgsrc. */
static void
run (const gchar * bg_desc, const gchar * fg_desc, const gchar * align_props,
    FrameSrc * bg, FrameSrc * fg, Outcome * o)
{
  gchar *desc = g_strdup_printf ("vidkompyalign name=a %s "
      "vidkompycomposite name=c ! appsink name=out sync=false "
      "%s ! a.bg_sink %s ! a.fg_sink a.bg_src ! c.bg_sink a.fg_src ! c.fg_sink",
      align_props, bg_desc, fg_desc);
  GError *err = NULL;
  GstElement *p = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_NONE,
      &err);
  GstElement *sink, *e;
  GstBus *bus;
  GstSample *s;
  GstMessage *msg;
  gint64 t0;

  memset (o, 0, sizeof (*o));
  o->bg_index = g_array_new (FALSE, FALSE, sizeof (guint64));
  o->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  fail_unless (p != NULL, "%s: %s", desc, err ? err->message : "");
  g_clear_error (&err);
  if (bg && (e = gst_bin_get_by_name (GST_BIN (p), "bgsrc"))) {
    frame_src_attach (bg, e);
    gst_object_unref (e);
  }
  if (fg && (e = gst_bin_get_by_name (GST_BIN (p), "fgsrc"))) {
    frame_src_attach (fg, e);
    gst_object_unref (e);
  }
  sink = gst_bin_get_by_name (GST_BIN (p), "out");
  bus = gst_element_get_bus (p);

  gst_element_set_state (p, GST_STATE_PLAYING);
  t0 = g_get_monotonic_time ();
  /* until EOS, an error or WAIT */
  while (g_get_monotonic_time () - t0 < WAIT / GST_USECOND) {
    GstBuffer *b;
    GstVidkompyAlignmentMeta *m;
    GstVideoInfo info;
    guint64 bi;

    s = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), GST_SECOND / 10);
    if (s == NULL) {
      if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
      /* (gst_bus_pop_filtered () drops the messages of other types) */
      while ((msg = gst_bus_pop_filtered (bus, KEPT_MESSAGES)))
        outcome_take (o, msg);
      if (o->error)
        break;
      continue;
    }
    b = gst_sample_get_buffer (s);
    m = gst_buffer_get_vidkompy_alignment_meta (b);
    bi = m ? m->bg_index : G_MAXUINT64;
    fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (s)));
    o->out_w = GST_VIDEO_INFO_WIDTH (&info);
    o->out_h = GST_VIDEO_INFO_HEIGHT (&info);
    g_array_append_val (o->bg_index, bi);
    g_array_append_val (o->pts, GST_BUFFER_PTS (b));
    o->n_out++;
    gst_sample_unref (s);
  }
  o->eos = gst_app_sink_is_eos (GST_APP_SINK (sink));

  while ((msg = gst_bus_pop_filtered (bus, KEPT_MESSAGES)))
    outcome_take (o, msg);
  GST_INFO ("%s: %u frames%s, error: %s, warning: %s", desc, o->n_out,
      o->eos ? ", EOS" : "", o->error, o->warning);

  /* stopped before any check can fail: the FrameSrcs live on the caller's
   * stack, and without a fork a failed test does not return */
  fail_unless_equals_int (gst_element_set_state (p, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (p);
  fail_unless (o->eos || o->error, "%s: neither EOS nor an error within %"
      GST_TIME_FORMAT " (hang?)", desc, GST_TIME_ARGS (WAIT));
  g_free (desc);
}

#define APPSRCS "appsrc name=bgsrc", "appsrc name=fgsrc"

static void
assert_error (const Outcome * o, const gchar * what)
{
  fail_unless (o->error != NULL, "no error (%u frames)", o->n_out);
  fail_unless (strstr (o->error, what) != NULL, "error '%s' does not say "
      "'%s'", o->error, what);
}

/* ---------------------------------------------------------------------- */
/* Rows */

/* zero frames on one input: an error naming the empty input */
GST_START_TEST (test_zero_frames)
{
  FrameSrc bg, fg;
  Outcome o;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, __i__ == 0 ? 0 : 20,
      0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 32, 24, __i__ == 0 ? 20 : 0,
      16, 8);
  run (APPSRCS, "", &bg, &fg, &o);
  assert_error (&o, __i__ == 0 ? "(bg_sink) ended with no frame" :
      "(fg_sink) ended with no frame");
  outcome_clear (&o);
}

GST_END_TEST;

/* The fg larger than the bg (128x96 on 64x48, its top-left quarter the
 * bg): it cannot be inside the bg, so it is "not in the bg" (the scales
 * below 1 that the search considers are for a fg that is an upscaled bg
 * region, which this is not): the warning, and every fg frame out on the
 * bg's size (with strict=true, the same as an error). */
GST_START_TEST (test_fg_larger_than_bg)
{
  FrameSrc bg, fg;
  Outcome o;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 128, 96, 20, 0, 0);
  run (APPSRCS, "", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, 20);
  fail_unless_equals_int (o.out_w, 64);
  fail_unless_equals_int (o.out_h, 48);
  fail_unless (o.warning && strstr (o.warning, "The foreground does not seem "
          "to be in the background"), "warnings: %s", o.warning);
  outcome_clear (&o);

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 128, 96, 20, 0, 0);
  run (APPSRCS, "strict=true", &bg, &fg, &o);
  assert_error (&o, "The foreground does not seem to be in the background");
  outcome_clear (&o);
}

GST_END_TEST;

/* 1x1 frames: fg 1x1 in a 64x48 bg, and both 1x1: a single pixel has
 * nothing to match: the error says the fg could not be found */
GST_START_TEST (test_1x1_frames)
{
  FrameSrc bg, fg;
  Outcome o;
  gint bw = __i__ == 0 ? 64 : 1, bh = __i__ == 0 ? 48 : 1;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, bw, bh, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 1, 1, 20, bw / 2, bh / 2);
  run (APPSRCS, "", &bg, &fg, &o);
  assert_error (&o, "Could not align the foreground to the background: the "
      "foreground could not be found in the background.");
  outcome_clear (&o);
}

GST_END_TEST;

/* 8K frames: a 7680x4320 bg with a 1920x1080 crop as fg: every fg frame
 * comes out, on the bg's size, on the right bg frame */
GST_START_TEST (test_8k_frames)
{
  FrameSrc bg, fg;
  Outcome o;
  guint i;

  frame_src_init (&bg, GST_VIDEO_FORMAT_GRAY8, 7680, 4320, 6, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_GRAY8, 1920, 1080, 6, 2880, 1620);
  run (APPSRCS, "detect-position=false x=2880 y=1620", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, 6);
  fail_unless_equals_int (o.out_w, 7680);
  fail_unless_equals_int (o.out_h, 4320);
  for (i = 0; i < o.n_out; i++)
    fail_unless_equals_uint64 (g_array_index (o.bg_index, guint64, i), i);
  outcome_clear (&o);
}

GST_END_TEST;

/* gaps of 1 to 3 frames of FPS: the timestamps of @n frames of a variable
 * frame rate input, in @pts; returns the frames of FPS they span */
static guint
vfr_timestamps (GstClockTime * pts, guint n)
{
  static const guint steps[] = { 1, 2, 1, 3, 1, 1, 2 };
  guint i, t = 0;

  for (i = 0; i < n; i++) {
    pts[i] = gst_util_uint64_scale (t, GST_SECOND, FPS);
    t += steps[i % G_N_ELEMENTS (steps)];
  }
  return t;
}

/* Asserts that the @n frames of @o went out with the timestamps @pts, on
 * the bg frames @want within one, and on that very frame on at least 90 %
 * of them; the message gives the counts and the largest error. */
static void
assert_vfr_frames (const Outcome * o, const GstClockTime * pts,
    const guint64 * want, guint n)
{
  guint i, exact = 0, off = 0, first_off = 0;
  gint64 max_err = 0;

  fail_unless (o->error == NULL, "%s", o->error);
  fail_unless_equals_int (o->n_out, n);
  for (i = 0; i < n; i++) {
    gint64 err = (gint64) g_array_index (o->bg_index, guint64, i) -
        (gint64) want[i];

    fail_unless_equals_uint64 (g_array_index (o->pts, GstClockTime, i), pts[i]);
    GST_INFO ("fg frame %u at %" GST_TIME_FORMAT ": bg frame %"
        G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT, i,
        GST_TIME_ARGS (pts[i]), g_array_index (o->bg_index, guint64, i),
        want[i]);
    if (ABS (err) > 1 && off++ == 0)
      first_off = i;
    max_err = MAX (max_err, ABS (err));
    exact += err == 0;
  }
  GST_INFO ("%u of %u exact, %u off by more than one, max error %"
      G_GINT64_FORMAT, exact, n, off, max_err);
  fail_unless (off == 0 && exact >= n * 9 / 10, "%u of %u exact, %u "
      "off by more than one (the first: fg frame %u, bg frame %"
      G_GUINT64_FORMAT " for %" G_GUINT64_FORMAT "), max error %"
      G_GINT64_FORMAT, exact, n, off, first_off,
      g_array_index (o->bg_index, guint64, first_off), want[first_off],
      max_err);
}

/* an input of one frame (a still: an image, a 1-frame clip) in the
 * global mode (@__i__ 0, 1) and the streaming mode (2, 3), the fg (@__i__
 * even) or the bg (odd): the fg found at its place, every fg frame out.
 * Until 2026-12-08 the streaming mode searched inputs of two frames or
 * more only, and put the fg at the bg's centre */
GST_START_TEST (test_one_frame_input)
{
  guint still[20] = { 0 };
  gboolean one_fg = __i__ % 2 == 0;
  FrameSrc bg, fg;
  Outcome o;
  gint x = -1, y = -1;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, one_fg ? 20 : 1, 0, 0);
  /* (not at the bg's centre, 32,24, where an unmatched fg goes) */
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, one_fg ? 1 : 20, 16, 40);
  /* (a still fg over the bg's one frame) */
  if (!one_fg)
    fg.content = still;
  run (APPSRCS, __i__ >= 2 ? "mode=streaming" : "", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, one_fg ? 1 : 20);
  fail_unless (o.alignment != NULL, "no final vidkompy-alignment");
  gst_structure_get_int (o.alignment, "x", &x);
  gst_structure_get_int (o.alignment, "y", &y);
  fail_unless (x == 16 && y == 40, "placed at %d,%d", x, y);
  /* (not found: a warning says so; a bg of one frame may be said to end
   * before the fg's 20) */
  fail_unless (o.warning == NULL || (!one_fg && strstr (o.warning,
              "The background ends before the foreground")), "%s", o.warning);
  outcome_clear (&o);
}

GST_END_TEST;

/* the streaming mode's warnings: a property of the global mode only set
 * (named, until 2026-12-08 ignored without a word) and a bg that ends
 * before the fg (the global mode's warning, until 2026-12-08 none in this
 * mode); every fg frame comes out */
GST_START_TEST (test_streaming_warnings)
{
  FrameSrc bg, fg;
  Outcome o;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, 40, 16, 40);
  run (APPSRCS, "mode=streaming unmatched-frames=drop", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, 40);
  fail_unless (o.warning && strstr (o.warning, "unmatched-frames=drop "
          "applies to the global mode only"), "%s", o.warning);
  fail_unless (strstr (o.warning, "The background ends before the "
          "foreground: the last 20 of 40 foreground frames are past its end "
          "and show its last frame"), "%s", o.warning);
  outcome_clear (&o);
}

GST_END_TEST;

/* a variable frame rate fg (gaps of 1 to 3 frames), its caps saying 25/1
 * or, as a variable-rate file does, 0/1 (@__i__ odd), in the global mode
 * (@__i__ 0, 1) and in the streaming mode (2, 3): every fg frame comes
 * out with its own timestamp, on the bg frame of its time (and no
 * critical: 0/1 gave "denom != 0" in the compositor until 2026-12-06) */
GST_START_TEST (test_vfr_fg)
{
  GstClockTime pts[40];
  guint64 want[G_N_ELEMENTS (pts)];
  FrameSrc bg, fg;
  Outcome o;
  guint i, t;

  t = vfr_timestamps (pts, G_N_ELEMENTS (pts));
  for (i = 0; i < G_N_ELEMENTS (pts); i++)
    want[i] = gst_util_uint64_scale (pts[i], FPS, GST_SECOND);
  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, t + 2, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, G_N_ELEMENTS (pts),
      32, 24);
  fg.pts = pts;
  if (__i__ % 2 == 1)
    GST_VIDEO_INFO_FPS_N (&fg.info) = 0;
  run (APPSRCS, __i__ >= 2 ? "mode=streaming" : "", &bg, &fg, &o);
  assert_vfr_frames (&o, pts, want, G_N_ELEMENTS (pts));
  outcome_clear (&o);
}

GST_END_TEST;

/* a variable frame rate bg (gaps of 1 to 3 frames, caps 25/1 or 0/1 with
 * @__i__ odd), as a screen recorder makes one (a frame only when the
 * picture changes), under a regular 25 fps fg of the same screen, in the
 * global mode (@__i__ 0, 1) and in the streaming mode (2, 3): every fg
 * frame comes out with its own timestamp, on the bg frame shown at its
 * time (the last one at or before it) or a neighbour, and on that very
 * frame on at least 90 % of the fg frames */
GST_START_TEST (test_vfr_bg)
{
  GstClockTime pts[60], at[100];
  guint64 want[G_N_ELEMENTS (at)];
  guint content[G_N_ELEMENTS (at)];
  FrameSrc bg, fg;
  Outcome o;
  guint i, n_fg;

  n_fg = vfr_timestamps (pts, G_N_ELEMENTS (pts)) - 2;
  fail_unless (n_fg <= G_N_ELEMENTS (at));
  for (i = 0; i < n_fg; i++) {
    at[i] = gst_util_uint64_scale (i, GST_SECOND, FPS);
    for (want[i] = 0; want[i] + 1 < G_N_ELEMENTS (pts)
        && pts[want[i] + 1] <= at[i]; want[i]++);
    content[i] = (guint) gst_util_uint64_scale (pts[want[i]], FPS, GST_SECOND);
  }
  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, G_N_ELEMENTS (pts),
      0, 0);
  bg.pts = pts;
  if (__i__ % 2 == 1)
    GST_VIDEO_INFO_FPS_N (&bg.info) = 0;
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, n_fg, 32, 24);
  fg.content = content;
  run (APPSRCS, __i__ >= 2 ? "mode=streaming" : "", &bg, &fg, &o);
  assert_vfr_frames (&o, at, want, n_fg);
  outcome_clear (&o);
}

GST_END_TEST;

/* a fg whose timestamps repeat (@__i__ 0, 2) or go backwards (1, 3), as
 * badly muxed files have, in global mode (0, 1) and in streaming mode (2,
 * 3): every fg frame comes out, with timestamps that increase (a retimed
 * frame a frame after the one before), a warning says so, and the final
 * vidkompy-alignment message of the global mode counts them. Until
 * 2026-12-06 the frames were dropped silently (global), or went out with
 * their timestamps, the compositor dropping them, without a word
 * (streaming). */
GST_START_TEST (test_fg_timestamps_not_increasing)
{
  /* content frame of each fg frame, its timestamp / FPS */
  static const guint repeat[] = { 0, 1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10,
    10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 21, 22, 23, 24
  };
  static const guint backward[] = { 0, 1, 2, 3, 5, 4, 6, 7, 8, 10, 9, 11,
    12, 13, 14, 16, 15, 17, 18, 19, 20, 21, 23, 22, 24, 25, 26, 27, 28, 29
  };
  const guint *content = __i__ % 2 == 0 ? repeat : backward;
  guint n = __i__ % 2 == 0 ? G_N_ELEMENTS (repeat) : G_N_ELEMENTS (backward);
  gboolean streaming = __i__ >= 2;
  GstClockTime pts[G_N_ELEMENTS (repeat)], prev = 0;
  FrameSrc bg, fg;
  Outcome o;
  guint i, retimed = 0, last = 0, highest = 0, exact = 0;

  /* a frame not after the one before is given its time + 1 / FPS */
  for (i = 0; i < n; i++) {
    pts[i] = gst_util_uint64_scale (content[i], GST_SECOND, FPS);
    if (i > 0 && content[i] <= last)
      retimed++, last++;
    else
      last = content[i];
  }
  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, 40, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, n, 32, 24);
  fg.pts = pts;
  run (APPSRCS, streaming ? "mode=streaming" : "", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, n);
  for (i = 0; i < o.n_out; i++) {
    GstClockTime t = g_array_index (o.pts, GstClockTime, i);
    guint64 bi = g_array_index (o.bg_index, guint64, i);

    fail_unless (i == 0 || t > prev, "output %u at %" GST_TIME_FORMAT
        " after %" GST_TIME_FORMAT, i, GST_TIME_ARGS (t), GST_TIME_ARGS (prev));
    prev = t;
    /* the bg never steps back: a frame shown after a later one is not on
     * its own bg frame; the others are on theirs (the dense alignment's
     * smoothness can move the neighbours of a swap by up to two) */
    fail_unless (i == 0 || bi >= g_array_index (o.bg_index, guint64, i - 1));
    /* (the streaming mode searches the fg first: its first frames go out
     * unmatched) */
    if (!streaming && (i == 0 || content[i] > highest)) {
      fail_unless (ABS ((gint64) bi - (gint64) content[i]) <= 2, "fg frame "
          "%u (content %u) on bg frame %" G_GUINT64_FORMAT, i, content[i], bi);
      exact += bi == content[i];
      highest = content[i];
    }
  }
  fail_unless (streaming || exact >= n * 3 / 4, "%u of %u on their bg "
      "frame", exact, n);
  fail_unless (o.warning && strstr (o.warning, "The foreground's timestamps "
          "repeat or go backwards"), "warnings: %s", o.warning);
  if (!streaming) {
    fail_unless (o.alignment != NULL);
    fail_unless (gst_structure_get_uint (o.alignment, "retimed-frames", &i));
    fail_unless_equals_int (i, retimed);
  }
  outcome_clear (&o);
}

GST_END_TEST;

/* a bg that ends before the fg (it shows the first 28 of 40 fg frames, a
 * bg cut at 70 %): every fg frame comes out, those past its end on its
 * last frame, and a warning and the final vidkompy-alignment message say
 * how many (until 2026-12-06 nothing said so) */
GST_START_TEST (test_bg_ends_early)
{
  FrameSrc bg, fg;
  Outcome o;
  guint i, after = 0, before = 99;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 128, 96, 28, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 64, 48, 40, 32, 24);
  run (APPSRCS, "", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, 40);
  for (i = 0; i < o.n_out; i++)
    fail_unless_equals_uint64 (g_array_index (o.bg_index, guint64, i),
        MIN (i, 27));
  fail_unless (o.alignment != NULL);
  fail_unless (gst_structure_get_uint (o.alignment, "fg-frames-after-bg",
          &after));
  fail_unless (gst_structure_get_uint (o.alignment, "fg-frames-before-bg",
          &before));
  fail_unless_equals_int (after, 12);
  fail_unless_equals_int (before, 0);
  fail_unless (o.warning && strstr (o.warning, "The background ends before "
          "the foreground: the last 12 of 40 foreground frames"),
      "warnings: %s", o.warning);
  outcome_clear (&o);
}

GST_END_TEST;

/* fg buffers without timestamps: an error saying so */
GST_START_TEST (test_missing_timestamps)
{
  FrameSrc bg, fg;
  Outcome o;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 32, 24, 20, 16, 8);
  fg.no_pts = TRUE;
  run (APPSRCS, "", &bg, &fg, &o);
  assert_error (&o, "without a timestamp");
  outcome_clear (&o);
}

GST_END_TEST;

/* interlaced caps on both inputs: the compositor refuses them with an error
 * that says to deinterlace first */
GST_START_TEST (test_interlaced)
{
  FrameSrc bg, fg;
  Outcome o;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, 20, 0, 0);
  frame_src_init (&fg, GST_VIDEO_FORMAT_I420, 32, 24, 20, 16, 8);
  bg.interlace = fg.interlace = "interleaved";
  run (APPSRCS, "", &bg, &fg, &o);
  assert_error (&o, "interlaced");
  outcome_clear (&o);
}

GST_END_TEST;

/* A fg in a format without an 8-bit luma plane (RGB; 10-bit), straight
 * into the aligner (its luma converted, vkluma.c): every frame out, no
 * error. Until 2026-12-07 both failed negotiation without a videoconvert in
 * front (align_element's "formats" cases check the frame map). */
GST_START_TEST (test_other_formats)
{
  FrameSrc bg, fg;
  Outcome o;
  GstVideoFormat fmt = __i__ == 0 ? GST_VIDEO_FORMAT_RGB :
      GST_VIDEO_FORMAT_I420_10LE;

  frame_src_init (&bg, GST_VIDEO_FORMAT_I420, 64, 48, 20, 0, 0);
  frame_src_init (&fg, fmt, 32, 24, 20, 16, 8);
  run ("appsrc name=bgsrc", "appsrc name=fgsrc ! capsfilter", "", &bg, &fg, &o);
  fail_unless (o.error == NULL, "%s", o.error);
  fail_unless_equals_int (o.n_out, 20);
  outcome_clear (&o);
}

GST_END_TEST;

/* a fg input that is not video (audio): it cannot be linked, and the
 * aligner says which input is missing instead of waiting */
GST_START_TEST (test_non_video_input)
{
  GstElement *p, *a;
  GstPad *sink;
  GstCaps *audio;
  GstBus *bus;
  GstMessage *msg;
  gchar *text;

  p = gst_parse_launch ("vidkompyalign name=a "
      "videotestsrc num-buffers=20 ! video/x-raw,format=I420,width=64,"
      "height=48 ! a.bg_sink a.bg_src ! fakesink a.fg_src ! fakesink", NULL);
  fail_unless (p != NULL);
  a = gst_bin_get_by_name (GST_BIN (p), "a");
  sink = gst_element_get_static_pad (a, "fg_sink");
  audio = gst_caps_from_string ("audio/x-raw,format=S16LE,rate=44100,"
      "channels=1,layout=interleaved");
  fail_if (gst_pad_query_accept_caps (sink, audio), "audio accepted");
  gst_caps_unref (audio);

  gst_element_set_state (p, GST_STATE_PLAYING);
  bus = gst_element_get_bus (p);
  msg = gst_bus_timed_pop_filtered (bus, WAIT, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error");
  text = message_text (msg);
  fail_unless (strstr (text, "fg_sink is not linked") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (a);
  gst_object_unref (p);
}

GST_END_TEST;

/* a truncated file (the first half of an MP4 made by vk-mkpair): the
 * demuxer's error, no hang */
GST_START_TEST (test_truncated_file)
{
  gchar *dir = g_dir_make_tmp ("vk-bad-XXXXXX", NULL);
  gchar *cmd, *bg, *fg, *contents, *desc_bg, *desc_fg;
  gsize len;
  Outcome o;

  vk_check_make_pair (dir, "t", "--bg-size 160x120 --duration 1");
  bg = g_strdup_printf ("%s/t-bg.mp4", dir);
  fg = g_strdup_printf ("%s/t-fg.mp4", dir);
  fail_unless (g_file_get_contents (fg, &contents, &len, NULL));
  fail_unless (g_file_set_contents (fg, contents, len / 2, NULL));

  desc_bg = g_strdup_printf ("filesrc location=%s ! decodebin", bg);
  desc_fg = g_strdup_printf ("filesrc location=%s ! decodebin", fg);
  run (desc_bg, desc_fg, "", NULL, NULL, &o);
  fail_unless (o.error != NULL, "no error for a truncated file");
  GST_INFO ("truncated file: %s", o.error);
  outcome_clear (&o);

  cmd = g_strdup_printf ("rm -rf %s", dir);
  fail_unless (system (cmd) == 0);
  g_free (cmd);
  g_free (contents);
  g_free (desc_bg);
  g_free (desc_fg);
  g_free (bg);
  g_free (fg);
  g_free (dir);
}

GST_END_TEST;

static Suite *
bad_input_suite (void)
{
  Suite *s = suite_create ("bad_input");
  TCase *tc = tcase_create ("bad_input");

  tcase_set_timeout (tc, 180);
  tcase_add_loop_test (tc, test_zero_frames, 0, 2);
  tcase_add_test (tc, test_fg_larger_than_bg);
  tcase_add_loop_test (tc, test_1x1_frames, 0, 2);
  tcase_add_test (tc, test_8k_frames);
  tcase_add_loop_test (tc, test_vfr_fg, 0, 4);
  tcase_add_loop_test (tc, test_vfr_bg, 0, 4);
  tcase_add_loop_test (tc, test_one_frame_input, 0, 4);
  tcase_add_test (tc, test_streaming_warnings);
  tcase_add_test (tc, test_missing_timestamps);
  tcase_add_loop_test (tc, test_fg_timestamps_not_increasing, 0, 4);
  tcase_add_test (tc, test_bg_ends_early);
  tcase_add_test (tc, test_interlaced);
  tcase_add_loop_test (tc, test_other_formats, 0, 2);
  tcase_add_test (tc, test_non_video_input);
  tcase_add_test (tc, test_truncated_file);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (bad_input);
