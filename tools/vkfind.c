/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy align FG BG`: finds an image or video frame (FG) inside an
 * image or video (BG) with the aligner's own search and prints position,
 * scale and confidence:
 *
 * - the bg is read once: the low-resolution luma of every frame, as
 *   vidkompyalign keeps it (its VkStreamSummary);
 * - vk_alignment_compute () finds the position and scale (both ways: an
 *   upscaled or a downscaled fg region) and the bg frame that shows the fg
 *   frame, as it does for the element;
 * - vk_spatial_refine () refines the placement on that bg frame at the
 *   resolution --precision asks for, as the element does before rendering.
 *
 * --precision: 0 and 1 refine at 1/4 and 1/2 of the resolution; 2 (the
 * default) at full resolution; 3 and 4 also on the 1 or 2 bg frames on each
 * side of the match. Below the aligner's spatial threshold the command
 * exits with 5 (no overlap). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

#include "vkcli.h"
#include "vkalignment.h"
#include "vkfingerprint.h"
#include "vkspatial.h"

/* the aligner's spatial threshold (vidkompyalign's strict) */
#define MIN_CONFIDENCE 0.5
/* how far (bg pixels) a found fg may reach outside the bg: rounding */
#define INSIDE_SLACK 1.0
#define PREROLL_TIMEOUT (30 * GST_SECOND)

/* A decoded grey frame. */
typedef struct
{
  guint8 *data;
  gint width, height;
  GstClockTime time;
} Grey;

/* Opens @uri as GRAY8 frames downscaled @factor times (1, 2 or 4). */
static GstElement *
open_frames (const gchar * uri, gint width, gint height, gint factor,
    GstAppSink ** sink)
{
  gchar *desc = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! "
      "videoscale ! video/x-raw,format=GRAY8,width=%d,height=%d,"
      "pixel-aspect-ratio=1/1 ! appsink name=s sync=false", uri,
      MAX (1, width / factor), MAX (1, height / factor));
  GError *err = NULL;
  GstElement *p = gst_parse_launch (desc, &err);

  g_free (desc);
  if (p == NULL) {
    vk_cli_error ("%s", err->message);
    g_error_free (err);
    return NULL;
  }
  *sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "s"));
  gst_element_set_state (p, GST_STATE_PAUSED);
  if (gst_element_get_state (p, NULL, NULL, PREROLL_TIMEOUT) ==
      GST_STATE_CHANGE_FAILURE) {
    vk_cli_error ("cannot decode %s", uri);
    gst_object_unref (*sink);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (p);
    return NULL;
  }
  return p;
}

/* The frame at @time (seconds; < 0: the current one). */
static gboolean
grab (GstElement * p, GstAppSink * sink, gdouble time, Grey * out)
{
  GstSample *sample;
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  gint row;

  if (time > 0 && !gst_element_seek_simple (p, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE,
          (gint64) (time * GST_SECOND)))
    return FALSE;
  sample = gst_app_sink_try_pull_preroll (sink, PREROLL_TIMEOUT);
  if (sample == NULL)
    return FALSE;
  buf = gst_sample_get_buffer (sample);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, buf, GST_MAP_READ)) {
    gst_sample_unref (sample);
    return FALSE;
  }
  out->width = GST_VIDEO_INFO_WIDTH (&info);
  out->height = GST_VIDEO_INFO_HEIGHT (&info);
  out->time = GST_BUFFER_PTS (buf);
  out->data = g_malloc ((gsize) out->width * out->height);
  for (row = 0; row < out->height; row++)
    memcpy (out->data + (gsize) row * out->width,
        (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        (gsize) row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), out->width);
  gst_video_frame_unmap (&frame);
  gst_sample_unref (sample);
  return TRUE;
}

static void
close_frames (GstElement * p, GstAppSink * sink)
{
  gst_object_unref (sink);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (p);
}

static VkLuma
luma (const Grey * g)
{
  VkLuma l = { g->data, g->width, g->width, g->height };
  return l;
}

/* The frames of @probe at the @n @times (seconds). */
static GArray *
read_frames (const VkProbe * probe, const gdouble * times, guint n, gint factor)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (Grey));
  GstAppSink *sink;
  GstElement *p = open_frames (probe->uri, probe->width, probe->height,
      factor, &sink);
  guint i;

  if (p == NULL)
    return frames;
  for (i = 0; i < n; i++) {
    Grey g = { 0 };

    if (grab (p, sink, times[i], &g))
      g_array_append_val (frames, g);
  }
  close_frames (p, sink);
  return frames;
}

/* The low-resolution luma of @g, as the aligner keeps it, into @dst. */
static void
low_luma (const guint8 * data, gint stride, gint width, gint height,
    gint low_w, gint low_h, guint8 * dst)
{
  gfloat *tmp = g_new (gfloat, low_w * low_h);
  gint k;

  vk_luma_resample (data, stride, width, height, 0, 0, width, height, tmp,
      low_w, low_h);
  for (k = 0; k < low_w * low_h; k++)
    dst[k] = (guint8) CLAMP (floorf (tmp[k] + 0.5f), 0, 255);
  g_free (tmp);
}

static void
summary_init (VkStreamSummary * sum, gint width, gint height, gdouble fps)
{
  memset (sum, 0, sizeof (*sum));
  sum->width = width;
  sum->height = height;
  sum->fps = fps > 0 ? fps : 25.0;
  vk_low_size (width, height, &sum->low_width, &sum->low_height);
}

/* Plays the bg @probe once: the low-resolution luma of every frame into
 * @sum (its @low is a new block) and the frames' times (seconds) into
 * @times. FALSE when it cannot be decoded. */
static gboolean
read_summary (const VkProbe * probe, VkStreamSummary * sum, GArray * times)
{
  gchar *desc = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! "
      "video/x-raw,format={I420,YV12,NV12,NV21,Y41B,Y42B,Y444,GRAY8} ! "
      "appsink name=s sync=false", probe->uri);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstAppSink *sink;
  GByteArray *low = g_byte_array_new ();
  GstSample *sample;
  gsize n;

  g_free (desc);
  summary_init (sum, probe->width, probe->height, probe->fps_d > 0 ?
      (gdouble) probe->fps_n / probe->fps_d : 0);
  n = (gsize) sum->low_width * sum->low_height;
  if (p == NULL) {
    g_byte_array_free (low, TRUE);
    return FALSE;
  }
  sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (p), "s"));
  gst_element_set_state (p, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (sink))) {
    GstBuffer *buf = gst_sample_get_buffer (sample);
    GstVideoInfo info;
    GstVideoFrame f;

    if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
        && GST_VIDEO_INFO_WIDTH (&info) == sum->width
        && GST_VIDEO_INFO_HEIGHT (&info) == sum->height
        && gst_video_frame_map (&f, &info, buf, GST_MAP_READ)) {
      gdouble t = GST_BUFFER_PTS (buf) / (gdouble) GST_SECOND;

      g_byte_array_set_size (low, low->len + n);
      low_luma (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
          GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), sum->width, sum->height,
          sum->low_width, sum->low_height, low->data + low->len - n);
      g_array_append_val (times, t);
      gst_video_frame_unmap (&f);
    }
    gst_sample_unref (sample);
  }
  close_frames (p, sink);
  sum->n_frames = times->len;
  sum->low = g_byte_array_free (low, FALSE);
  return sum->n_frames > 0;
}

static void
free_frames (GArray * frames)
{
  guint i;

  for (i = 0; i < frames->len; i++)
    g_free (g_array_index (frames, Grey, i).data);
  g_array_free (frames, TRUE);
}

typedef struct
{
  gint precision;
  gboolean json;
  gdouble fg_time, bg_time;
} FindOptions;

static void
print_result (const FindOptions * o, const gchar * fg, const gchar * bg,
    const VkProbe * fgp, const Grey * bgf, const VkPlacementEstimate * r,
    gdouble ms)
{
  if (o->json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    vk_json_string (b, "fg", fg);
    vk_json_string (b, "bg", bg);
    vk_json_double (b, "bg-time", bgf->time / (gdouble) GST_SECOND);
    vk_json_double (b, "x", r->x);
    vk_json_double (b, "y", r->y);
    vk_json_double (b, "scale", r->scale);
    vk_json_double (b, "width", fgp->width * r->scale);
    vk_json_double (b, "height", fgp->height * r->scale);
    vk_json_double (b, "confidence", r->score);
    vk_json_int (b, "precision", o->precision);
    vk_json_double (b, "time", ms / 1000.0);
    json_builder_end_object (b);
    vk_cli_print_json (b);
    return;
  }
  printf ("fg:          %s (%dx%d)\n", fg, fgp->width, fgp->height);
  printf ("bg:          %s (frame at %.3f s)\n", bg,
      bgf->time / (gdouble) GST_SECOND);
  printf ("position:    %.1f, %.1f\n", r->x, r->y);
  printf ("scale:       %.4f (fg covers %.0fx%.0f bg pixels)\n", r->scale,
      fgp->width * r->scale, fgp->height * r->scale);
  printf ("confidence:  %.3f\n", r->score);
  printf ("precision:   %d (%.0f ms)\n", o->precision, ms);
}

/* Refines @coarse (full-resolution pixels) on the bg frames @bgs with the
 * fg frame @fg, both @factor times smaller: the best into @best (full
 * resolution) and its bg frame into @best_i. */
static void
refine (const Grey * fg, GArray * bgs, gint factor, const VkAlignResult * r,
    gint low_width, VkPlacementEstimate * best, guint * best_i)
{
  VkLuma fl = luma (fg);
  VkSpatialParams p;
  VkPlacementEstimate guess = { r->x / factor, r->y / factor, r->scale,
    r->spatial_score
  };
  guint i;

  vk_spatial_params_init (&p);
  p.min_scale = 0.01;
  p.fg_valid.x = r->valid_x / factor;
  p.fg_valid.y = r->valid_y / factor;
  p.fg_valid.w = MIN (r->valid_w / factor, fl.width - p.fg_valid.x);
  p.fg_valid.h = MIN (r->valid_h / factor, fl.height - p.fg_valid.y);
  for (i = 0; i < bgs->len; i++) {
    VkLuma bl = luma (&g_array_index (bgs, Grey, i));
    VkPlacementEstimate out;
    /* the element's radius: two low-resolution pixels and two more */
    gdouble radius = 2.0 * bl.width / low_width + 2.0;

    if (vk_spatial_refine (&bl, &fl, 1, &p, &guess, radius, &out, NULL)
        && out.score > best->score) {
      *best = out;
      best->x *= factor;
      best->y *= factor;
      *best_i = i;
    }
  }
}

/* TRUE when the fg @fg (one frame), larger than the bg frame @m of @bg,
 * matches better as a part of it than it in that bg frame (@r): the
 * files were given the other way round. */
static gboolean
swapped (const VkStreamSummary * bg, const VkStreamSummary * fg, guint m,
    const VkAlignResult * r)
{
  VkStreamSummary one = *bg;
  VkAlignOptions opts;
  VkAlignResult back = { 0 };
  gboolean better;

  if (fg->width <= bg->width || fg->height <= bg->height)
    return FALSE;
  one.n_frames = 1;
  one.low = bg->low + (gsize) m *bg->low_width * bg->low_height;
  vk_align_options_init (&opts);
  better = vk_alignment_compute (fg, &one, &opts, &back, NULL)
      && back.spatial_score > r->spatial_score;
  vk_align_result_clear (&back);
  return better;
}

static VkExit
find (const FindOptions * o, const gchar * fg, const gchar * bg)
{
  static const gint factors[] = { 4, 2, 1, 1, 1 };
  VkProbe fgp, bgp;
  VkExit ret = VK_EXIT_OK;
  GArray *fgs = NULL, *bgs = NULL, *times = g_array_new (FALSE, FALSE,
      sizeof (gdouble));
  VkStreamSummary bgsum, fgsum;
  VkAlignOptions opts;
  VkAlignResult r = { 0 };
  VkPlacementEstimate best = {.score = -2 };
  GError *err = NULL;
  guint best_i = 0, m, i;
  gint64 t0;
  gboolean inside;
  gint factor = factors[o->precision], side = MAX (0, o->precision - 2);
  gdouble fg_t = MAX (o->fg_time, 0.0), bg_t[5];
  guint8 *fg_low = NULL;

  memset (&bgsum, 0, sizeof (bgsum));
  if ((ret = vk_probe_file (fg, "foreground", &fgp)) != VK_EXIT_OK)
    goto out_times;
  if ((ret = vk_probe_file (bg, "background", &bgp)) != VK_EXIT_OK) {
    vk_probe_clear (&fgp);
    goto out_times;
  }
  t0 = g_get_monotonic_time ();
  fgs = read_frames (&fgp, &fg_t, 1, 1);
  if (o->bg_time >= 0 || bgp.is_image) {
    /* one bg frame */
    bg_t[0] = MAX (o->bg_time, 0.0);
    bgs = read_frames (&bgp, bg_t, 1, 1);
    summary_init (&bgsum, bgp.width, bgp.height, 0);
    bgsum.n_frames = bgs->len;
    if (bgs->len) {
      const Grey *g = &g_array_index (bgs, Grey, 0);

      bgsum.low = g_malloc ((gsize) bgsum.low_width * bgsum.low_height);
      low_luma (g->data, g->width, g->width, g->height, bgsum.low_width,
          bgsum.low_height, (guint8 *) bgsum.low);
      g_array_append_val (times, bg_t[0]);
    }
  } else if (!read_summary (&bgp, &bgsum, times)) {
    bgsum.n_frames = 0;
  }
  if (fgs->len == 0 || bgsum.n_frames == 0) {
    vk_cli_error ("cannot decode a frame of %s", fgs->len ? bg : fg);
    ret = VK_EXIT_INPUT;
    goto out;
  }

  /* the fg frame as a one-frame stream */
  {
    const Grey *g = &g_array_index (fgs, Grey, 0);

    summary_init (&fgsum, g->width, g->height, bgsum.fps);
    fg_low = g_malloc ((gsize) fgsum.low_width * fgsum.low_height);
    low_luma (g->data, g->width, g->width, g->height, fgsum.low_width,
        fgsum.low_height, fg_low);
    fgsum.low = fg_low;
    fgsum.n_frames = 1;
  }
  vk_align_options_init (&opts);
  if (!vk_alignment_compute (&bgsum, &fgsum, &opts, &r, &err)) {
    vk_cli_error ("no overlap: %s%s", err->message,
        g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_TOO_LARGE)
        ? " (the fg must be a part of the bg: were FG and BG swapped?)" : "");
    vk_cli_hint ("check that FG shows a part of BG (FG comes first)");
    g_clear_error (&err);
    ret = VK_EXIT_NO_OVERLAP;
    goto out;
  }

  /* the matched bg frame (and its neighbours) at the refinement's
   * resolution */
  m = MIN (r.map[0], bgsum.n_frames - 1);
  if (swapped (&bgsum, &fgsum, m, &r)) {
    vk_cli_error ("no overlap: BG is found inside FG (not FG inside BG)");
    vk_cli_hint ("FG comes first: vidkompy align %s %s", bg, fg);
    ret = VK_EXIT_NO_OVERLAP;
    goto out;
  }
  if (bgs == NULL || factor != 1) {
    guint from = m - MIN (m, (guint) side);
    guint to = MIN (m + side, bgsum.n_frames - 1), n = 0;

    for (i = from; i <= to; i++)
      bg_t[n++] = g_array_index (times, gdouble, i);
    if (bgs)
      free_frames (bgs);
    bgs = read_frames (&bgp, bg_t, n, factor);
    if (factor != 1) {
      free_frames (fgs);
      fgs = read_frames (&fgp, &fg_t, 1, factor);
    }
  }
  best.x = r.x;
  best.y = r.y;
  best.scale = r.scale;
  best.score = r.spatial_score;
  if (fgs->len && bgs->len)
    refine (&g_array_index (fgs, Grey, 0), bgs, factor, &r,
        bgsum.low_width, &best, &best_i);
  if (bgs->len == 0) {
    vk_cli_error ("cannot decode a frame of %s", bg);
    ret = VK_EXIT_INPUT;
    goto out;
  }
  inside = best.x >= -INSIDE_SLACK && best.y >= -INSIDE_SLACK
      && best.x + fgp.width * best.scale <= bgp.width + INSIDE_SLACK
      && best.y + fgp.height * best.scale <= bgp.height + INSIDE_SLACK;
  /* with --json, stdout holds one object: the result or the error */
  if (!o->json || (inside && best.score >= MIN_CONFIDENCE))
    print_result (o, fg, bg, &fgp, &g_array_index (bgs, Grey, best_i),
        &best, (g_get_monotonic_time () - t0) / 1000.0);
  if (!inside) {
    vk_cli_error ("no overlap: the best match (confidence %.2f) lies partly "
        "outside BG", MAX (best.score, 0.0));
    vk_cli_hint ("check that FG shows a part of BG (FG comes first), "
        "or try another frame with --fg-time/--bg-time");
    ret = VK_EXIT_NO_OVERLAP;
  } else if (best.score < MIN_CONFIDENCE) {
    vk_cli_error ("no overlap: the best match has confidence %.2f (below "
        "%.1f)", MAX (best.score, 0.0), MIN_CONFIDENCE);
    vk_cli_hint ("check that FG shows a part of BG (FG comes first), "
        "or try another frame with --fg-time/--bg-time or --precision 4");
    ret = VK_EXIT_NO_OVERLAP;
  }
out:
  vk_align_result_clear (&r);
  g_free (fg_low);
  g_free ((gpointer) bgsum.low);
  if (fgs)
    free_frames (fgs);
  if (bgs)
    free_frames (bgs);
  vk_probe_clear (&fgp);
  vk_probe_clear (&bgp);
out_times:
  g_array_free (times, TRUE);
  return ret;
}

VkExit
vk_cli_align (int argc, char **argv)
{
  FindOptions o = {.precision = 2,.fg_time = -1,.bg_time = -1 };
  GOptionEntry entries[] = {
    {"precision", 'p', 0, G_OPTION_ARG_INT, &o.precision,
        "0 (fastest, 1/4 resolution) to 4 (refined, more bg frames); "
          "default 2", "0-4"},
    {"fg-time", 0, 0, G_OPTION_ARG_DOUBLE, &o.fg_time,
        "Take the fg frame at this time, seconds (default: the first)", "SEC"},
    {"bg-time", 0, 0, G_OPTION_ARG_DOUBLE, &o.bg_time,
        "Take the bg frame at this time, seconds (default: try frames "
          "spread over the bg)", "SEC"},
    {"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print JSON", NULL},
    {NULL}
  };
  if (!vk_cli_parse ("align", "FG BG - find the image or video frame FG "
          "inside the image or video BG", VK_EXIT_CODES_HELP, entries, &argc,
          &argv))
    return VK_EXIT_USAGE;
  if (argc != 3 || o.precision < 0 || o.precision > 4) {
    vk_cli_error ("align needs FG and BG, and --precision between 0 and 4 "
        "(see vidkompy align --help)");
    return VK_EXIT_USAGE;
  }
  return find (&o, argv[1], argv[2]);
}
