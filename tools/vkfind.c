/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy align FG BG`: finds an image or video frame (FG) inside an
 * image or video (BG) with the aligner's spatial search (vkspatial.c) and
 * prints position, scale and confidence. For a bg video, frames spread
 * over its length are tried and the best one is kept.
 *
 * For a bg video, every frame (at most about 600, spread over it) is first
 * compared at a low resolution; the best ones are searched again.
 *
 * --precision: 0 and 1 search at 1/4 and 1/2 of the resolution (the best
 * bg frame); 2 (the default) at full resolution, the 2 best bg frames; 3
 * adds a refinement around the result (3 frames); 4 a wider refinement
 * (5 frames). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

#include "vkcli.h"
#include "vkspatial.h"

#define MIN_CONFIDENCE 0.5
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

/* Plays the bg video @probe at low resolution (@factor) and scores every
 * frame (at most about 600 spread over it) against the fg @fg at the same
 * resolution: the times of the @n best frames into @best (sorted by
 * score). Returns how many were found. */
static guint
scan_video (const VkProbe * probe, const Grey * fg, gint factor,
    gdouble * best, guint n)
{
  GstAppSink *sink;
  GstElement *p = open_frames (probe->uri, probe->width, probe->height,
      factor, &sink);
  gdouble frames = GST_CLOCK_TIME_IS_VALID (probe->duration) ?
      probe->duration / (gdouble) GST_SECOND * probe->fps_n /
      MAX (probe->fps_d, 1) : 0;
  guint stride = MAX (1, (guint) (frames / 600)), i = 0, found = 0, k;
  gdouble scores[16];
  VkSpatialParams params;
  VkLuma fl = luma (fg);
  GstSample *sample;

  if (p == NULL)
    return 0;
  vk_spatial_params_init (&params);
  gst_element_set_state (p, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (sink))) {
    GstBuffer *buf = gst_sample_get_buffer (sample);
    GstVideoInfo info;
    GstVideoFrame f;
    VkPlacementEstimate r;

    if (i++ % stride == 0 && gst_video_info_from_caps (&info,
            gst_sample_get_caps (sample))
        && gst_video_frame_map (&f, &info, buf, GST_MAP_READ)) {
      VkLuma bl = { GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
        GST_VIDEO_FRAME_HEIGHT (&f)
      };

      if (vk_spatial_search (&bl, &fl, 1, &params, &r, NULL)) {
        /* insert into the sorted top @n */
        for (k = MIN (found, n); k > 0 && scores[k - 1] < r.score; k--) {
          if (k < n) {
            scores[k] = scores[k - 1];
            best[k] = best[k - 1];
          }
        }
        if (k < n) {
          scores[k] = r.score;
          best[k] = GST_BUFFER_PTS (buf) / (gdouble) GST_SECOND;
          found = MIN (found + 1, n);
        }
      }
      gst_video_frame_unmap (&f);
    }
    gst_sample_unref (sample);
  }
  close_frames (p, sink);
  return found;
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

/* Searches the fg frame in every bg frame; the best placement, in full
 * resolution pixels, in @best and its bg frame in @best_i. */
static gboolean
search (const FindOptions * o, GArray * fgs, GArray * bgs, gint factor,
    VkPlacementEstimate * best, guint * best_i)
{
  VkSpatialParams params;
  GError *err = NULL;
  VkLuma fl = luma (&g_array_index (fgs, Grey, 0));
  guint i;

  vk_spatial_params_init (&params);
  best->score = -2;
  for (i = 0; i < bgs->len; i++) {
    VkLuma bl = luma (&g_array_index (bgs, Grey, i));
    VkPlacementEstimate r;

    if (!vk_spatial_search (&bl, &fl, 1, &params, &r, &err)) {
      if (!g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH)) {
        vk_cli_error ("%s%s", err->message,
            g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_TOO_LARGE)
            ? " (the fg must be a part of the bg: were FG and BG swapped?)" :
            "");
        g_error_free (err);
        return FALSE;
      }
      g_clear_error (&err);
      continue;
    }
    if (o->precision >= 3 && factor == 1) {
      VkPlacementEstimate refined;

      if (vk_spatial_refine (&bl, &fl, 1, &params, &r,
              o->precision >= 4 ? 4.0 : 2.0, &refined, NULL))
        r = refined;
    }
    if (r.score > best->score) {
      *best = r;
      *best_i = i;
    }
  }
  best->x *= factor;
  best->y *= factor;
  return TRUE;
}

static VkExit
find (const FindOptions * o, const gchar * fg, const gchar * bg)
{
  static const gint factors[] = { 4, 2, 1, 1, 1 };
  static const guint bg_samples[] = { 1, 1, 2, 3, 5 };
  VkProbe fgp, bgp;
  VkExit r;
  GArray *fgs = NULL, *bgs = NULL;
  VkPlacementEstimate best = { 0 };
  guint best_i = 0;
  gint64 t0;
  gint factor = factors[o->precision];
  gdouble fg_t, bg_t[5];
  guint n_bg;

  if ((r = vk_probe_file (fg, "foreground", &fgp)) != VK_EXIT_OK)
    return r;
  if ((r = vk_probe_file (bg, "background", &bgp)) != VK_EXIT_OK) {
    vk_probe_clear (&fgp);
    return r;
  }
  t0 = g_get_monotonic_time ();
  fg_t = MAX (o->fg_time, 0.0);
  fgs = read_frames (&fgp, &fg_t, 1, factor);
  n_bg = 1;
  bg_t[0] = MAX (o->bg_time, 0.0);
  if (o->bg_time < 0 && !bgp.is_image && fgs->len) {
    /* a video bg: find the frames that look most like the fg first, at a
     * low resolution (the fg at least 32 pixels wide) */
    gint low = CLAMP (MIN (bgp.width / 160, fgp.width / 32), 1, 16);
    GArray *fg_low = read_frames (&fgp, &fg_t, 1, low);

    n_bg = fg_low->len ? scan_video (&bgp, &g_array_index (fg_low, Grey, 0),
        low, bg_t, bg_samples[o->precision]) : 0;
    free_frames (fg_low);
  }
  bgs = read_frames (&bgp, bg_t, n_bg, factor);
  if (fgs->len == 0 || bgs->len == 0) {
    vk_cli_error ("cannot decode a frame of %s", fgs->len ? bg : fg);
    r = VK_EXIT_INPUT;
  } else if (!search (o, fgs, bgs, factor, &best, &best_i)) {
    r = VK_EXIT_NO_OVERLAP;
  } else if (best.score < MIN_CONFIDENCE) {
    if (best.score > -2)
      print_result (o, fg, bg, &fgp, &g_array_index (bgs, Grey, best_i),
          &best, (g_get_monotonic_time () - t0) / 1000.0);
    vk_cli_error ("no overlap: the best match has confidence %.2f (below "
        "%.1f)", MAX (best.score, 0.0), MIN_CONFIDENCE);
    vk_cli_hint ("check that FG shows a part of BG (FG comes first), "
        "or try another frame with --fg-time/--bg-time or --precision 4");
    r = VK_EXIT_NO_OVERLAP;
  } else {
    print_result (o, fg, bg, &fgp, &g_array_index (bgs, Grey, best_i), &best,
        (g_get_monotonic_time () - t0) / 1000.0);
  }
  free_frames (fgs);
  free_frames (bgs);
  vk_probe_clear (&fgp);
  vk_probe_clear (&bgp);
  return r;
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
