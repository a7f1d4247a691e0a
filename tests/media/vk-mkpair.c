/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/*
 * vk-mkpair: make a background/foreground video pair with known ground truth.
 *
 * The background (bg) is a source rendered at --bg-size/--bg-fps for
 * --duration seconds.  The foreground (fg) shows a crop (--fg-rect) of the
 * bg, optionally scaled (--fg-size), at its own frame rate (--fg-fps),
 * starting at bg time --fg-start and running at --speed, optionally with a
 * sinusoidal time warp (--warp) and freezes (--freeze).  Everything runs in a
 * single streaming pass holding one raw bg frame at a time:
 *
 *   SOURCE ! videoconvert ! videoscale ! videorate ! I420,BWxBH,BF ! appsink
 *     bg frame j  -> appsrc ! x264enc ! mp4mux ! filesink   (NAME-bg.mp4)
 *     fg frame i  -> appsrc ! x264enc ! mp4mux ! filesink   (NAME-fg.mp4)
 *
 * Time model.  fg frame i has fg time t = i / FF and PTS t.  Freezes turn t
 * into the content time u = t - sum_k clamp (t - T_k, 0, LEN_k), i.e. between
 * T and T + LEN the content stays where it was at T and afterwards the rest
 * of the timeline is shifted by LEN.  The bg (source) time is
 *
 *   s = fg_start + speed * warp (u),
 *   warp (u) = u + (A * P / (2 pi)) * sin (2 pi u / P)   (--warp A,P)
 *
 * (instantaneous speed 1 + A cos (2 pi u / P); warp (u) = u without --warp),
 * and fg frame i shows bg frame j = floor (s * BF + 1e-6), the bg frame whose
 * interval [j / BF, (j + 1) / BF) contains s; bg frame j has PTS j / BF.
 * The fg ends at the first frame whose j would be before bg frame 0 or at or
 * after the last bg frame.
 *
 * Truth file (NAME-truth.csv).  Lines starting with '#' are comments;
 * those of the form "# key=value" are parameters:
 *
 *   format          vk-mkpair-truth/1
 *   generator       vk-mkpair VERSION
 *   source          --source as given; source_pipeline: the launch fragment
 *   bg_file/fg_file basenames of the two videos
 *   bg_width, bg_height, bg_fps (N/D), bg_frames
 *   fg_width, fg_height, fg_fps (N/D), frames (number of fg frames = rows)
 *   rect_x, rect_y, rect_w, rect_h   crop of the bg shown by the fg
 *   letterbox       height of the black bars painted at the top and bottom
 *                   of every fg frame (0 = none)
 *   fg_start, speed, warp ("A,P" or "none"), freeze ("T,LEN;..." or "none")
 *   quantizer       x264 constant quantizer (0 = lossless)
 *
 * followed by the header line
 *
 *   fg_index,fg_pts_ns,bg_index,bg_pts_ns,x,y,w,h
 *
 * and one row per fg frame: its index and PTS (ns), the bg frame it shows
 * and that frame's PTS (ns), and the rectangle x,y,w,h in bg pixels that the
 * fg frame shows (scaled to fg_width x fg_height).  tests/media/vk-truth.h
 * reads this file.
 *
 * Pixels.  bg frame j is the j-th frame the source pipeline delivers.  An
 * unscaled fg frame is a byte-exact copy of the rect's luma (chroma is
 * resampled when X or Y is odd, since I420 chroma covers 2x2 pixels); a
 * scaled one is GstVideoConverter's scale of the rect.  --letterbox then
 * paints luma rows [0, N) and [H - N, H) black (16, chroma 128 on every
 * chroma row touching them).
 *
 * Outputs are deterministic: x264enc runs single-threaded with a fixed
 * preset, and the mp4 creation/modification times, which mp4mux takes from
 * the wall clock, are zeroed after muxing.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "vk-mkpair.h"

#ifndef VERSION
#define VERSION "unknown"
#endif

#define COCKATOO_PATH \
  "/usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4"
#define DEFAULT_SOURCE "videotestsrc pattern=smpte horizontal-speed=3"

/* raw frames queued in front of each encoder */
#define ENCODER_MAX_QUEUED 4
#define ENCODER_KEY_INT_MAX 60
#define ENCODER_PRESET "ultrafast"

/* largest moov box we are willing to patch in memory */
#define MAX_MOOV_SIZE (64 * 1024 * 1024)


typedef struct
{
  const gchar *what;
  gchar *path;
  GstElement *pipeline;
  GstAppSrc *src;
  GstBus *bus;
  guint64 n_frames;
} VkEncoder;

typedef struct
{
  const VkConfig *c;
  GstVideoInfo bg_info;
  GstVideoInfo fg_info;
  /* bg -> fg crop/scale: one converter for even rect positions; for odd
   * ones (which GstVideoConverter rounds down to the I420 chroma grid) an
   * even-aligned crop to Y444 and then the exact crop from that */
  GstVideoConverter *convert;
  GstVideoConverter *convert_444;
  GstVideoInfo mid_info;
  GstBuffer *mid_buf;
  VkEncoder bg_enc;
  VkEncoder fg_enc;
  GString *rows;
  guint64 n_fg_max;             /* G_MAXUINT64: unlimited */
  guint64 next_i;               /* next fg frame to produce */
  gint64 next_j;                /* bg frame it shows */
  gboolean fg_done;
} VkState;

/* command line */
static gchar *opt_source = NULL;
static gchar *opt_bg_size = NULL;
static gchar *opt_bg_fps = NULL;
static gdouble opt_duration = 4.0;
static gchar *opt_fg_rect = NULL;
static gchar *opt_fg_size = NULL;
static gchar *opt_fg_fps = NULL;
static gdouble opt_fg_start = 0.0;
static gdouble opt_fg_duration = -1.0;
static gdouble opt_speed = 1.0;
static gchar *opt_warp = NULL;
static gchar **opt_freeze = NULL;
static gint opt_letterbox = 0;
static gint opt_quality = 18;
static gboolean opt_lossless = FALSE;
static gchar *opt_outdir = NULL;
static gchar *opt_name = NULL;
static gboolean opt_quiet = FALSE;
static gchar *opt_canvas = NULL;
static gchar *opt_camera = NULL;
static gint opt_bg_grain = 0;
static gchar *opt_fg_filter = NULL;
static gchar *opt_burn_in = NULL;

static GOptionEntry opt_entries[] = {
  {"source", 0, 0, G_OPTION_ARG_STRING, &opt_source,
      "gst-launch fragment producing video, or 'cockatoo' (default: \""
        DEFAULT_SOURCE "\")", "DESC"},
  {"bg-size", 0, 0, G_OPTION_ARG_STRING, &opt_bg_size,
      "Background frame size (default 320x240)", "WxH"},
  {"bg-fps", 0, 0, G_OPTION_ARG_STRING, &opt_bg_fps,
      "Background frame rate (default 30)", "N[/D]"},
  {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt_duration,
      "Background length in seconds (default 4)", "SEC"},
  {"fg-rect", 0, 0, G_OPTION_ARG_STRING, &opt_fg_rect,
      "Crop of the background shown by the foreground "
        "(default: centred half-size rectangle)", "X,Y,W,H"},
  {"fg-size", 0, 0, G_OPTION_ARG_STRING, &opt_fg_size,
      "Foreground frame size (default: W x H of the rect)", "WxH"},
  {"fg-fps", 0, 0, G_OPTION_ARG_STRING, &opt_fg_fps,
      "Foreground frame rate (default: background rate)", "N[/D]"},
  {"fg-start", 0, 0, G_OPTION_ARG_DOUBLE, &opt_fg_start,
      "Background time of the first foreground frame (default 0)", "SEC"},
  {"fg-duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt_fg_duration,
      "Foreground length (default: as long as the background allows)", "SEC"},
  {"speed", 0, 0, G_OPTION_ARG_DOUBLE, &opt_speed,
      "Background seconds per foreground second (default 1.0)", "R"},
  {"warp", 0, 0, G_OPTION_ARG_STRING, &opt_warp,
      "Sinusoidal time warp: speed 1 + A*cos(2*pi*t/P), |A| <= 1", "A,P"},
  {"freeze", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_freeze,
        "Hold the content from foreground time T for LEN seconds (repeatable)",
      "T,LEN"},
  {"letterbox", 0, 0, G_OPTION_ARG_INT, &opt_letterbox,
      "Paint N-pixel black bars at the top and bottom of the foreground", "N"},
  {"quality", 0, 0, G_OPTION_ARG_INT, &opt_quality,
      "x264 constant quantizer 0-50 (default 18)", "Q"},
  {"lossless", 0, 0, G_OPTION_ARG_NONE, &opt_lossless,
      "Lossless encoding (quantizer 0)", NULL},
  {"outdir", 0, 0, G_OPTION_ARG_FILENAME, &opt_outdir,
      "Output directory (default .)", "DIR"},
  {"name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
      "Output name prefix (default \"pair\")", "NAME"},
  {"canvas", 0, 0, G_OPTION_ARG_STRING, &opt_canvas,
      "Render the source at this size; --camera picks the bg from it "
        "(default: the bg size)", "WxH"},
  {"camera", 0, 0, G_OPTION_ARG_STRING, &opt_camera,
      "The canvas rectangle each bg frame shows, moving (eased in and out) from the "
        "first to the last bg frame (pan, zoom, scroll)", "X,Y,W,H:X,Y,W,H"},
  {"bg-grain", 0, 0, G_OPTION_ARG_INT, &opt_bg_grain,
      "Add grain of amplitude N (luma levels) to the bg only", "N"},
  {"fg-filter", 0, 0, G_OPTION_ARG_STRING, &opt_fg_filter,
      "gst-launch fragment applied to the fg before encoding (colour "
        "grading, colorimetry)", "DESC"},
  {"burn-in", 0, 0, G_OPTION_ARG_STRING, &opt_burn_in,
      "Burn a logo or subtitles into the fg only", "logo|subtitles"},
  {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet,
      "Print nothing but warnings and errors", NULL},
  {NULL}
};

GQuark
vk_mkpair_error_quark (void)
{
  return g_quark_from_static_string ("vk-mkpair-error-quark");
}

/* ---------------------------------------------------------------------- */
/* option parsing */

/* exactly @n integers separated by @sep */
static gboolean
parse_ints (const gchar * s, gchar sep, gint * out, guint n)
{
  const gchar *p = s;
  guint k;

  for (k = 0; k < n; k++) {
    gchar *end = NULL;
    gint64 v;

    while (g_ascii_isspace (*p))
      p++;
    v = g_ascii_strtoll (p, &end, 10);
    if (end == p || v < G_MININT || v > G_MAXINT)
      return FALSE;
    out[k] = (gint) v;
    p = end;
    while (g_ascii_isspace (*p))
      p++;
    if (k + 1 < n) {
      if (g_ascii_tolower (*p) != sep)
        return FALSE;
      p++;
    }
  }
  return *p == '\0';
}

/* exactly @n numbers separated by ',' */
static gboolean
parse_doubles (const gchar * s, gdouble * out, guint n)
{
  const gchar *p = s;
  guint k;

  for (k = 0; k < n; k++) {
    gchar *end = NULL;

    while (g_ascii_isspace (*p))
      p++;
    out[k] = g_ascii_strtod (p, &end);
    if (end == p || !isfinite (out[k]))
      return FALSE;
    p = end;
    while (g_ascii_isspace (*p))
      p++;
    if (k + 1 < n) {
      if (*p != ',')
        return FALSE;
      p++;
    }
  }
  return *p == '\0';
}

static gboolean
parse_size (const gchar * opt, const gchar * s, gint * w, gint * h,
    GError ** error)
{
  gint v[2];

  if (!parse_ints (s, 'x', v, 2) || v[0] <= 0 || v[1] <= 0) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--%s: expected WxH with positive W and H, got '%s'", opt, s);
    return FALSE;
  }
  *w = v[0];
  *h = v[1];
  return TRUE;
}

/* "N", "N/D" or a decimal such as "29.97" */
static gboolean
parse_fps (const gchar * opt, const gchar * s, gint * n, gint * d,
    GError ** error)
{
  gint v[2];

  if (parse_ints (s, '/', v, 2)) {
    *n = v[0];
    *d = v[1];
  } else if (parse_ints (s, '/', v, 1)) {
    *n = v[0];
    *d = 1;
  } else {
    gdouble f;

    if (!parse_doubles (s, &f, 1) || f <= 0.0 || f > 1000.0)
      goto bad;
    if (fabs (f * 1.001 - round (f * 1.001)) < 1e-3) {
      /* 23.976, 29.97, 59.94: the NTSC rates */
      *n = (gint) round (f * 1.001) * 1000;
      *d = 1001;
    } else {
      gst_util_double_to_fraction (f, n, d);
    }
  }
  if (*n > 0 && *d > 0) {
    gint g = gst_util_greatest_common_divisor (*n, *d);

    *n /= g;
    *d /= g;
    return TRUE;
  }

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "--%s: expected a positive frame rate N[/D], got '%s'", opt, s);
  return FALSE;
}

static gint
compare_freezes (gconstpointer a, gconstpointer b)
{
  const VkFreeze *fa = a, *fb = b;

  return (fa->t > fb->t) - (fa->t < fb->t);
}

/* the real-world modes: canvas and camera, grain, fg filter, burn-in */
static gboolean
build_scene_config (VkConfig * c, GError ** error)
{
  c->canvas_w = c->bg_w;
  c->canvas_h = c->bg_h;
  if (opt_canvas && !parse_size ("canvas", opt_canvas, &c->canvas_w,
          &c->canvas_h, error))
    return FALSE;
  if (c->canvas_w % 2 || c->canvas_h % 2) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--canvas %dx%d: width and height must be even (I420)", c->canvas_w,
        c->canvas_h);
    return FALSE;
  }
  c->camera = opt_camera != NULL;
  c->camera_arg = opt_camera;
  if (c->camera && (!vk_scene_parse_camera (opt_camera, &c->cam)
          || !vk_scene_camera_inside (&c->cam, c->canvas_w, c->canvas_h))) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--camera: expected X,Y,W,H:X,Y,W,H, two non-empty rectangles "
        "inside the %dx%d canvas, got '%s'", c->canvas_w, c->canvas_h,
        opt_camera);
    return FALSE;
  }
  if (!c->camera && (c->canvas_w != c->bg_w || c->canvas_h != c->bg_h)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--canvas differs from --bg-size: give --camera too");
    return FALSE;
  }
  c->bg_grain = opt_bg_grain;
  if (c->bg_grain < 0 || c->bg_grain > 127) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--bg-grain %d: must be within 0..127", c->bg_grain);
    return FALSE;
  }
  c->fg_filter = opt_fg_filter ? g_strdelimit (g_strdup (opt_fg_filter),
      "\r\n", ' ') : NULL;
  if (opt_burn_in && !vk_scene_parse_burn (opt_burn_in, &c->burn_in)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--burn-in: expected logo or subtitles, got '%s'", opt_burn_in);
    return FALSE;
  }
  return TRUE;
}

static gboolean
build_config (VkConfig * c, GError ** error)
{
  guint k;

  memset (c, 0, sizeof (*c));
  c->freezes = g_array_new (FALSE, FALSE, sizeof (VkFreeze));

  /* source */
  c->source_arg = g_strdup (opt_source ? opt_source : DEFAULT_SOURCE);
  g_strstrip (c->source_arg);
  if (strcmp (c->source_arg, "cockatoo") == 0) {
    if (!g_file_test (COCKATOO_PATH, G_FILE_TEST_IS_REGULAR)) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--source cockatoo: %s not found; install it with "
          "'apt-get install python3-imageio'", COCKATOO_PATH);
      return FALSE;
    }
    c->source_desc =
        g_strdup_printf ("filesrc location=\"%s\" ! decodebin", COCKATOO_PATH);
  } else if (*c->source_arg == '\0') {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--source: empty description");
    return FALSE;
  } else if (strcmp (c->source_arg, TEXT_PAGE_SOURCE) == 0) {
    c->source_desc = g_strdup ("appsrc name=" TEXT_PAGE_APPSRC
        " ! imagefreeze");
  } else {
    c->source_desc = g_strdup (c->source_arg);
  }
  /* the description ends up on one truth-file line */
  g_strdelimit (c->source_arg, "\r\n", ' ');
  g_strdelimit (c->source_desc, "\r\n", ' ');

  /* background */
  c->bg_w = 320;
  c->bg_h = 240;
  if (opt_bg_size && !parse_size ("bg-size", opt_bg_size, &c->bg_w, &c->bg_h,
          error))
    return FALSE;
  if (c->bg_w % 2 || c->bg_h % 2) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--bg-size %dx%d: width and height must be even (x264, I420)",
        c->bg_w, c->bg_h);
    return FALSE;
  }
  c->bg_fps_n = 30;
  c->bg_fps_d = 1;
  if (opt_bg_fps && !parse_fps ("bg-fps", opt_bg_fps, &c->bg_fps_n,
          &c->bg_fps_d, error))
    return FALSE;
  c->duration = opt_duration;
  if (!(c->duration > 0.0) || !isfinite (c->duration)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--duration must be positive");
    return FALSE;
  }

  if (!build_scene_config (c, error))
    return FALSE;

  /* foreground geometry */
  if (opt_fg_rect) {
    gint v[4];

    if (!parse_ints (opt_fg_rect, ',', v, 4)) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--fg-rect: expected X,Y,W,H, got '%s'", opt_fg_rect);
      return FALSE;
    }
    c->rect_x = v[0];
    c->rect_y = v[1];
    c->rect_w = v[2];
    c->rect_h = v[3];
  } else {
    c->rect_w = (c->bg_w / 2) & ~1;
    c->rect_h = (c->bg_h / 2) & ~1;
    c->rect_x = (c->bg_w - c->rect_w) / 2;
    c->rect_y = (c->bg_h - c->rect_h) / 2;
  }
  if (c->rect_x < 0 || c->rect_y < 0 || c->rect_w <= 0 || c->rect_h <= 0
      || c->rect_w > c->bg_w - c->rect_x || c->rect_h > c->bg_h - c->rect_y) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--fg-rect %d,%d,%d,%d is not a non-empty rectangle inside the "
        "%dx%d background", c->rect_x, c->rect_y, c->rect_w, c->rect_h,
        c->bg_w, c->bg_h);
    return FALSE;
  }
  c->fg_w = c->rect_w;
  c->fg_h = c->rect_h;
  if (opt_fg_size && !parse_size ("fg-size", opt_fg_size, &c->fg_w, &c->fg_h,
          error))
    return FALSE;
  if (c->fg_w % 2 || c->fg_h % 2) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "foreground size %dx%d: width and height must be even (x264, I420); "
        "use an even --fg-rect size or pass --fg-size", c->fg_w, c->fg_h);
    return FALSE;
  }

  /* foreground timing */
  c->fg_fps_n = c->bg_fps_n;
  c->fg_fps_d = c->bg_fps_d;
  if (opt_fg_fps && !parse_fps ("fg-fps", opt_fg_fps, &c->fg_fps_n,
          &c->fg_fps_d, error))
    return FALSE;
  c->fg_start = opt_fg_start;
  if (!(c->fg_start >= 0.0) || !isfinite (c->fg_start)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--fg-start must be >= 0");
    return FALSE;
  }
  c->fg_duration = opt_fg_duration;
  if (c->fg_duration >= 0.0 && (c->fg_duration == 0.0
          || !isfinite (c->fg_duration))) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--fg-duration must be positive");
    return FALSE;
  }
  c->speed = opt_speed;
  if (!(c->speed > 0.0) || !isfinite (c->speed)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--speed must be positive");
    return FALSE;
  }
  if (opt_warp) {
    gdouble v[2];

    if (!parse_doubles (opt_warp, v, 2) || fabs (v[0]) > 1.0 || v[1] <= 0.0) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--warp: expected A,P with |A| <= 1 and P > 0, got '%s'", opt_warp);
      return FALSE;
    }
    c->warp = v[0] != 0.0;
    c->warp_a = v[0];
    c->warp_p = v[1];
  }
  for (k = 0; opt_freeze && opt_freeze[k]; k++) {
    gdouble v[2];
    VkFreeze f;

    if (!parse_doubles (opt_freeze[k], v, 2) || v[0] < 0.0 || v[1] <= 0.0) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--freeze: expected T,LEN with T >= 0 and LEN > 0, got '%s'",
          opt_freeze[k]);
      return FALSE;
    }
    f.t = v[0];
    f.len = v[1];
    g_array_append_val (c->freezes, f);
  }
  g_array_sort (c->freezes, compare_freezes);
  for (k = 1; k < c->freezes->len; k++) {
    const VkFreeze *a = &g_array_index (c->freezes, VkFreeze, k - 1);
    const VkFreeze *b = &g_array_index (c->freezes, VkFreeze, k);

    if (b->t < a->t + a->len) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--freeze %g,%g overlaps --freeze %g,%g", b->t, b->len, a->t, a->len);
      return FALSE;
    }
  }

  /* looks */
  c->letterbox = opt_letterbox;
  if (c->letterbox < 0 || 2 * c->letterbox >= c->fg_h) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--letterbox %d: must be >= 0 and leave part of the %d-pixel-high "
        "foreground visible", c->letterbox, c->fg_h);
    return FALSE;
  }
  c->quantizer = opt_lossless ? 0 : opt_quality;
  if (c->quantizer < 0 || c->quantizer > 50) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--quality %d: must be within 0..50", c->quantizer);
    return FALSE;
  }
  c->quiet = opt_quiet;

  /* outputs */
  {
    const gchar *dir = opt_outdir ? opt_outdir : ".";
    const gchar *name = opt_name ? opt_name : "pair";
    gchar *file;

    if (*name == '\0' || strchr (name, G_DIR_SEPARATOR) != NULL) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--name '%s': must be a non-empty file name prefix", name);
      return FALSE;
    }
    if (g_mkdir_with_parents (dir, 0755) != 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot create --outdir '%s': %s", dir, g_strerror (errno));
      return FALSE;
    }
    file = g_strdup_printf ("%s-bg.mp4", name);
    c->bg_path = g_build_filename (dir, file, NULL);
    g_free (file);
    file = g_strdup_printf ("%s-fg.mp4", name);
    c->fg_path = g_build_filename (dir, file, NULL);
    g_free (file);
    file = g_strdup_printf ("%s-truth.csv", name);
    c->truth_path = g_build_filename (dir, file, NULL);
    g_free (file);
  }

  return TRUE;
}

static void
clear_config (VkConfig * c)
{
  g_free (c->source_arg);
  g_free (c->source_desc);
  g_free (c->fg_filter);
  if (c->freezes)
    g_array_unref (c->freezes);
  g_free (c->bg_path);
  g_free (c->fg_path);
  g_free (c->truth_path);
  memset (c, 0, sizeof (*c));
}

/* ---------------------------------------------------------------------- */
/* time model */

static gdouble
fg_content_time (const VkConfig * c, gdouble t)
{
  gdouble u = t;
  guint k;

  for (k = 0; k < c->freezes->len; k++) {
    const VkFreeze *f = &g_array_index (c->freezes, VkFreeze, k);

    if (t > f->t)
      u -= MIN (t - f->t, f->len);
  }
  return u;
}

static gdouble
source_time (const VkConfig * c, guint64 i)
{
  gdouble t = (gdouble) i * c->fg_fps_d / c->fg_fps_n;
  gdouble u = fg_content_time (c, t);

  if (c->warp)
    u += c->warp_a * c->warp_p / (2.0 * G_PI) * sin (2.0 * G_PI * u /
        c->warp_p);
  return c->fg_start + c->speed * u;
}

static gint64
source_frame (const VkConfig * c, guint64 i)
{
  gdouble s = source_time (c, i);

  return (gint64) floor (s * c->bg_fps_n / c->bg_fps_d + 1e-6);
}

static GstClockTime
frame_pts (guint64 n, gint fps_n, gint fps_d)
{
  return gst_util_uint64_scale (n, (guint64) fps_d * GST_SECOND, fps_n);
}

/* ---------------------------------------------------------------------- */
/* pipelines */

static void
set_error_from_message (GstMessage * msg, const gchar * what, GError ** error)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  gst_message_parse_error (msg, &err, &dbg);
  g_set_error (error, VK_MKPAIR_ERROR, 0, "%s pipeline: %s: %s%s%s", what,
      GST_MESSAGE_SRC_NAME (msg), err->message, dbg ? "\n  " : "",
      dbg ? dbg : "");
  g_clear_error (&err);
  g_free (dbg);
}

/* pop an error from @bus (waiting at most @timeout); TRUE if there was one */
static gboolean
bus_take_error (GstBus * bus, const gchar * what, GstClockTime timeout,
    GError ** error)
{
  GstMessage *msg;

  msg = gst_bus_timed_pop_filtered (bus, timeout, GST_MESSAGE_ERROR);
  if (msg == NULL)
    return FALSE;
  set_error_from_message (msg, what, error);
  gst_message_unref (msg);
  return TRUE;
}

static GstElement *
add_element (GstElement * bin, const gchar * factory, const gchar * package,
    GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL) {
    g_set_error (error, VK_MKPAIR_ERROR, 0,
        "GStreamer element '%s' not found (install %s)", factory, package);
    return NULL;
  }
  gst_bin_add (GST_BIN (bin), e);
  return e;
}

/* FILTER ! videoconvert ! I420 in front of @enc; returns FILTER's bin */
static GstElement *
add_filter (GstElement * pipeline, const gchar * filter, GstElement * enc,
    GError ** error)
{
  GError *err = NULL;
  GstElement *bin = gst_parse_bin_from_description (filter, TRUE, &err);
  GstElement *conv, *caps;

  if (bin == NULL) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "--fg-filter '%s': %s", filter,
        err ? err->message : "cannot parse");
    g_clear_error (&err);
    return NULL;
  }
  g_clear_error (&err);
  gst_bin_add (GST_BIN (pipeline), bin);
  if (!(conv = add_element (pipeline, "videoconvert", "gst-plugins-base",
              error))
      || !(caps = add_element (pipeline, "capsfilter", "gstreamer", error)))
    return NULL;
  gst_util_set_object_arg (G_OBJECT (caps), "caps", "video/x-raw,format=I420");
  if (!gst_element_link_many (bin, conv, caps, enc, NULL)) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "--fg-filter '%s': cannot link "
        "it to the encoder", filter);
    return NULL;
  }
  return bin;
}

static gboolean
encoder_start (VkEncoder * e, const gchar * what, const gchar * path,
    const GstVideoInfo * info, gint quantizer, const gchar * filter,
    GError ** error)
{
  GstElement *src, *enc, *mux, *sink, *first;
  GstCaps *caps;

  e->what = what;
  e->path = g_strdup (path);
  e->pipeline = gst_pipeline_new (what);
  e->bus = gst_element_get_bus (e->pipeline);

  if (!(src = add_element (e->pipeline, "appsrc", "gst-plugins-base", error))
      || !(enc = add_element (e->pipeline, "x264enc", "gst-plugins-ugly",
              error))
      || !(mux = add_element (e->pipeline, "mp4mux", "gst-plugins-good", error))
      || !(sink = add_element (e->pipeline, "filesink", "gstreamer", error)))
    return FALSE;

  e->src = GST_APP_SRC (src);
  caps = gst_video_info_to_caps (info);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME,
      "is-live", FALSE, NULL);
  gst_caps_unref (caps);

  /* one thread and a fixed preset: same input, same bytes */
  g_object_set (enc, "threads", 1, "quantizer", (guint) quantizer,
      "key-int-max", ENCODER_KEY_INT_MAX, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "pass", "quant");
  gst_util_set_object_arg (G_OBJECT (enc), "speed-preset", ENCODER_PRESET);

  g_object_set (sink, "location", path, NULL);

  first = enc;
  if (filter && !(first = add_filter (e->pipeline, filter, enc, error)))
    return FALSE;
  if (!gst_element_link (src, first)
      || !gst_element_link_many (enc, mux, sink, NULL)) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "%s: could not link %s",
        what, "appsrc ! x264enc ! mp4mux ! filesink");
    return FALSE;
  }

  if (gst_element_set_state (e->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    if (!bus_take_error (e->bus, what, 0, error))
      g_set_error (error, VK_MKPAIR_ERROR, 0, "%s: could not start encoder "
          "writing %s", what, path);
    return FALSE;
  }
  return TRUE;
}

/* takes ownership of @buf */
static gboolean
encoder_push (VkEncoder * e, GstBuffer * buf, GError ** error)
{
  GstFlowReturn ret;

  /* throttle without blocking inside appsrc, so that an encoder error can
   * never leave us stuck in a full queue */
  while (gst_app_src_get_current_level_buffers (e->src) >= ENCODER_MAX_QUEUED) {
    if (bus_take_error (e->bus, e->what, 2 * GST_MSECOND, error)) {
      gst_buffer_unref (buf);
      return FALSE;
    }
  }

  ret = gst_app_src_push_buffer (e->src, buf);
  if (ret != GST_FLOW_OK) {
    if (!bus_take_error (e->bus, e->what, 0, error))
      g_set_error (error, VK_MKPAIR_ERROR, 0, "%s: push failed: %s",
          e->what, gst_flow_get_name (ret));
    return FALSE;
  }
  e->n_frames++;
  return TRUE;
}

static gboolean
encoder_wait_eos (VkEncoder * e, GError ** error)
{
  GstMessage *msg;
  gboolean ok = TRUE;

  msg = gst_bus_timed_pop_filtered (e->bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    set_error_from_message (msg, e->what, error);
    ok = FALSE;
  }
  gst_message_unref (msg);
  gst_element_set_state (e->pipeline, GST_STATE_NULL);
  return ok;
}

static void
encoder_clear (VkEncoder * e)
{
  if (e->pipeline) {
    gst_element_set_state (e->pipeline, GST_STATE_NULL);
    gst_object_unref (e->pipeline);
  }
  if (e->bus)
    gst_object_unref (e->bus);
  g_free (e->path);
  memset (e, 0, sizeof (*e));
}

/* ---------------------------------------------------------------------- */
/* mp4 post-processing: zero the creation/modification times that mp4mux
 * takes from the wall clock, so that equal inputs give equal files */

static void
zero_mp4_times (guint8 * data, guint64 len)
{
  guint64 off = 0;

  while (len - off >= 8) {
    guint8 *box = data + off;
    guint64 size = GST_READ_UINT32_BE (box);
    guint hdr = 8;

    if (size == 1) {
      if (len - off < 16)
        return;
      size = GST_READ_UINT64_BE (box + 8);
      hdr = 16;
    } else if (size == 0) {
      size = len - off;
    }
    if (size < hdr || size > len - off)
      return;

    if (memcmp (box + 4, "moov", 4) == 0 || memcmp (box + 4, "trak", 4) == 0
        || memcmp (box + 4, "mdia", 4) == 0) {
      zero_mp4_times (box + hdr, size - hdr);
    } else if (memcmp (box + 4, "mvhd", 4) == 0
        || memcmp (box + 4, "tkhd", 4) == 0
        || memcmp (box + 4, "mdhd", 4) == 0) {
      /* full box: version(1) flags(3) creation modification ... */
      guint8 *body = box + hdr;
      guint times = (size - hdr >= 1 && body[0] == 1) ? 16 : 8;

      if (size - hdr >= 4 + times)
        memset (body + 4, 0, times);
    }
    off += size;
  }
}

static gboolean
patch_mp4_times (const gchar * path, GError ** error)
{
  FILE *f;
  guint8 hdr[16];
  guint64 pos = 0;
  gboolean ok = FALSE;

  f = g_fopen (path, "r+b");
  if (f == NULL) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open %s: %s", path, g_strerror (errno));
    return FALSE;
  }

  for (;;) {
    guint64 size;

    if (fseek (f, (long) pos, SEEK_SET) != 0 || fread (hdr, 1, 8, f) != 8)
      break;
    size = GST_READ_UINT32_BE (hdr);
    if (size == 1) {
      if (fread (hdr + 8, 1, 8, f) != 8)
        break;
      size = GST_READ_UINT64_BE (hdr + 8);
    }
    if (size < 8 || pos + size > (guint64) G_MAXLONG)
      break;                    /* size 0 (to end of file) or broken */

    if (memcmp (hdr + 4, "moov", 4) == 0) {
      guint8 *moov;

      if (size > MAX_MOOV_SIZE)
        break;
      moov = g_malloc (size);
      if (fseek (f, (long) pos, SEEK_SET) == 0
          && fread (moov, 1, size, f) == size) {
        zero_mp4_times (moov, size);
        ok = fseek (f, (long) pos, SEEK_SET) == 0
            && fwrite (moov, 1, size, f) == size;
      }
      g_free (moov);
      break;
    }
    pos += size;
  }

  if (fclose (f) != 0)
    ok = FALSE;
  if (!ok)
    g_set_error (error, VK_MKPAIR_ERROR, 0,
        "%s: could not find or rewrite the moov box", path);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* the pass */

static GstSample *
source_pull (GstAppSink * sink, GstBus * bus, gboolean * eos, GError ** error)
{
  *eos = FALSE;
  for (;;) {
    GstSample *sample = gst_app_sink_try_pull_sample (sink, 50 * GST_MSECOND);

    if (sample)
      return sample;
    if (bus_take_error (bus, "source", 0, error))
      return NULL;
    if (gst_app_sink_is_eos (sink)) {
      *eos = TRUE;
      return NULL;
    }
  }
}

static void
fill_rows (GstVideoFrame * frame, guint comp, gint row0, gint row1, guint8 v)
{
  guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, comp);
  gint stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, comp);
  gint width = GST_VIDEO_FRAME_COMP_WIDTH (frame, comp);
  gint r;

  for (r = row0; r < row1; r++)
    memset (data + (gsize) r * stride, v, width);
}

/* black bars of @n luma rows; chroma rows touching a bar are painted too */
static void
paint_letterbox (GstVideoFrame * frame, gint n)
{
  gint h = GST_VIDEO_FRAME_HEIGHT (frame);
  gint ch = GST_VIDEO_FRAME_COMP_HEIGHT (frame, 1);

  fill_rows (frame, 0, 0, n, 16);
  fill_rows (frame, 0, h - n, h, 16);
  fill_rows (frame, 1, 0, (n + 1) / 2, 128);
  fill_rows (frame, 2, 0, (n + 1) / 2, 128);
  fill_rows (frame, 1, (h - n) / 2, ch, 128);
  fill_rows (frame, 2, (h - n) / 2, ch, 128);
}

static void
advance_fg (VkState * st)
{
  st->next_i++;
  if (st->next_i >= st->n_fg_max) {
    st->fg_done = TRUE;
    return;
  }
  st->next_j = source_frame (st->c, st->next_i);
  if (st->next_j < 0)
    st->fg_done = TRUE;
}

/* @generic: avoid the converter's fast paths; GStreamer 1.22's planar
 * Y444 -> I420 fast path crashes on odd source offsets.  Any dither
 * quantization other than 1 disables the fast paths, and with
 * GST_VIDEO_DITHER_NONE it changes no pixel. */
static GstVideoConverter *
new_crop_converter (const GstVideoInfo * in_info, const GstVideoInfo * out_info,
    gint x, gint y, gint w, gint h, gboolean generic)
{
  GstVideoInfo out = *out_info;
  GstStructure *config;

  /* the converter insists on equal frame rates; it only does space */
  GST_VIDEO_INFO_FPS_N (&out) = GST_VIDEO_INFO_FPS_N (in_info);
  GST_VIDEO_INFO_FPS_D (&out) = GST_VIDEO_INFO_FPS_D (in_info);

  config = gst_structure_new ("vk-mkpair-crop",
      GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT, x,
      GST_VIDEO_CONVERTER_OPT_SRC_Y, G_TYPE_INT, y,
      GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT, w,
      GST_VIDEO_CONVERTER_OPT_SRC_HEIGHT, G_TYPE_INT, h,
      GST_VIDEO_CONVERTER_OPT_MATRIX_MODE, GST_TYPE_VIDEO_MATRIX_MODE,
      GST_VIDEO_MATRIX_MODE_NONE,
      GST_VIDEO_CONVERTER_OPT_GAMMA_MODE, GST_TYPE_VIDEO_GAMMA_MODE,
      GST_VIDEO_GAMMA_MODE_NONE,
      GST_VIDEO_CONVERTER_OPT_PRIMARIES_MODE,
      GST_TYPE_VIDEO_PRIMARIES_MODE, GST_VIDEO_PRIMARIES_MODE_NONE,
      GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
      GST_VIDEO_DITHER_NONE,
      GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL);
  if (generic)
    gst_structure_set (config, GST_VIDEO_CONVERTER_OPT_DITHER_QUANTIZATION,
        G_TYPE_UINT, 2, NULL);

  return gst_video_converter_new (in_info, &out, config);
}

static gboolean
setup_converters (VkState * st, GError ** error)
{
  const VkConfig *c = st->c;

  if (((c->rect_x | c->rect_y) & 1) == 0) {
    st->convert = new_crop_converter (&st->bg_info, &st->fg_info,
        c->rect_x, c->rect_y, c->rect_w, c->rect_h, FALSE);
  } else {
    /* smallest rect on the chroma grid holding the crop; bg_w, bg_h even */
    gint x0 = c->rect_x & ~1, y0 = c->rect_y & ~1;
    gint x1 = GST_ROUND_UP_2 (c->rect_x + c->rect_w);
    gint y1 = GST_ROUND_UP_2 (c->rect_y + c->rect_h);

    gst_video_info_set_format (&st->mid_info, GST_VIDEO_FORMAT_Y444,
        x1 - x0, y1 - y0);
    GST_VIDEO_INFO_FPS_N (&st->mid_info) = c->bg_fps_n;
    GST_VIDEO_INFO_FPS_D (&st->mid_info) = c->bg_fps_d;
    st->mid_info.colorimetry = st->bg_info.colorimetry;
    st->mid_info.chroma_site = st->bg_info.chroma_site;
    st->mid_buf = gst_buffer_new_allocate (NULL,
        GST_VIDEO_INFO_SIZE (&st->mid_info), NULL);

    st->convert_444 = new_crop_converter (&st->bg_info, &st->mid_info,
        x0, y0, x1 - x0, y1 - y0, FALSE);
    st->convert = new_crop_converter (&st->mid_info, &st->fg_info,
        c->rect_x - x0, c->rect_y - y0, c->rect_w, c->rect_h, TRUE);
  }

  if (st->convert == NULL || (st->mid_buf && st->convert_444 == NULL)) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot create the crop/scale "
        "converter");
    return FALSE;
  }
  return TRUE;
}

/* crop/scale bg frame @in into a new fg buffer */
static GstBuffer *
crop_frame (VkState * st, const GstVideoFrame * in, gdouble t)
{
  GstBuffer *out = gst_buffer_new_allocate (NULL,
      GST_VIDEO_INFO_SIZE (&st->fg_info), NULL);
  GstVideoFrame out_frame, mid_frame;

  if (!gst_video_frame_map (&out_frame, &st->fg_info, out, GST_MAP_WRITE)) {
    gst_buffer_unref (out);
    return NULL;
  }

  if (st->convert_444) {
    if (!gst_video_frame_map (&mid_frame, &st->mid_info, st->mid_buf,
            GST_MAP_READWRITE)) {
      gst_video_frame_unmap (&out_frame);
      gst_buffer_unref (out);
      return NULL;
    }
    gst_video_converter_frame (st->convert_444, in, &mid_frame);
    gst_video_converter_frame (st->convert, &mid_frame, &out_frame);
    gst_video_frame_unmap (&mid_frame);
  } else {
    gst_video_converter_frame (st->convert, in, &out_frame);
  }

  if (st->c->letterbox > 0)
    paint_letterbox (&out_frame, st->c->letterbox);
  vk_scene_burn_in (GST_VIDEO_FRAME_COMP_DATA (&out_frame, 0),
      GST_VIDEO_FRAME_COMP_STRIDE (&out_frame, 0),
      GST_VIDEO_FRAME_WIDTH (&out_frame), GST_VIDEO_FRAME_HEIGHT (&out_frame),
      st->c->burn_in, t);
  gst_video_frame_unmap (&out_frame);
  return out;
}

/* produce all fg frames showing bg frame @j (never the last bg frame) */
static gboolean
emit_fg_frames (VkState * st, guint64 j, GstSample * bg_sample, GError ** error)
{
  const VkConfig *c = st->c;
  GstBuffer *bg_buf = gst_sample_get_buffer (bg_sample);
  GstVideoInfo in_info;
  GstVideoFrame in_frame;
  GstBuffer *image;

  if (st->fg_done || st->next_j != (gint64) j)
    return TRUE;

  if (!gst_video_info_from_caps (&in_info, gst_sample_get_caps (bg_sample))
      || !gst_video_frame_map (&in_frame, &in_info, bg_buf, GST_MAP_READ)) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot map bg frame %"
        G_GUINT64_FORMAT, j);
    return FALSE;
  }

  /* several fg frames may show bg frame j: crop once, share the memory */
  image = crop_frame (st, &in_frame, (gdouble) j * c->bg_fps_d / c->bg_fps_n);
  gst_video_frame_unmap (&in_frame);
  if (image == NULL) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot map fg frame");
    return FALSE;
  }

  while (!st->fg_done && st->next_j == (gint64) j) {
    guint64 i = st->next_i;
    GstClockTime pts = frame_pts (i, c->fg_fps_n, c->fg_fps_d);
    GstBuffer *out = gst_buffer_copy (image);

    GST_BUFFER_PTS (out) = pts;
    GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (out) =
        frame_pts (i + 1, c->fg_fps_n, c->fg_fps_d) - pts;
    if (!encoder_push (&st->fg_enc, out, error)) {
      gst_buffer_unref (image);
      return FALSE;
    }

    g_string_append_printf (st->rows, "%" G_GUINT64_FORMAT ",%"
        G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
        ",%d,%d,%d,%d\n", i, (guint64) pts, j,
        (guint64) frame_pts (j, c->bg_fps_n, c->bg_fps_d), c->rect_x,
        c->rect_y, c->rect_w, c->rect_h);

    advance_fg (st);
  }

  gst_buffer_unref (image);
  return TRUE;
}

static gchar *
format_double (gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof (buf), "%.9g", v));
}

static gboolean
write_truth (const VkState * st, guint64 n_bg, GError ** error)
{
  const VkConfig *c = st->c;
  GString *s = g_string_new (NULL);
  gchar *bg_file = g_path_get_basename (c->bg_path);
  gchar *fg_file = g_path_get_basename (c->fg_path);
  gchar *fg_start = format_double (c->fg_start);
  gchar *speed = format_double (c->speed);
  gboolean ok;
  guint k;

  g_string_append (s, "# vk-mkpair ground truth: fg frame -> bg frame and "
      "bg rectangle\n");
  g_string_append (s, "# format=vk-mkpair-truth/1\n");
  g_string_append_printf (s, "# generator=vk-mkpair %s\n", VERSION);
  g_string_append_printf (s, "# source=%s\n", c->source_arg);
  g_string_append_printf (s, "# source_pipeline=%s\n", c->source_desc);
  g_string_append_printf (s, "# bg_file=%s\n", bg_file);
  g_string_append_printf (s, "# fg_file=%s\n", fg_file);
  g_string_append_printf (s, "# bg_width=%d\n# bg_height=%d\n", c->bg_w,
      c->bg_h);
  g_string_append_printf (s, "# bg_fps=%d/%d\n", c->bg_fps_n, c->bg_fps_d);
  g_string_append_printf (s, "# bg_frames=%" G_GUINT64_FORMAT "\n", n_bg);
  g_string_append_printf (s, "# fg_width=%d\n# fg_height=%d\n", c->fg_w,
      c->fg_h);
  g_string_append_printf (s, "# fg_fps=%d/%d\n", c->fg_fps_n, c->fg_fps_d);
  g_string_append_printf (s, "# frames=%" G_GUINT64_FORMAT "\n",
      st->fg_enc.n_frames);
  g_string_append_printf (s, "# rect_x=%d\n# rect_y=%d\n# rect_w=%d\n"
      "# rect_h=%d\n", c->rect_x, c->rect_y, c->rect_w, c->rect_h);
  g_string_append_printf (s, "# letterbox=%d\n", c->letterbox);
  g_string_append_printf (s, "# fg_start=%s\n# speed=%s\n", fg_start, speed);
  if (c->warp) {
    gchar *a = format_double (c->warp_a);
    gchar *p = format_double (c->warp_p);

    g_string_append_printf (s, "# warp=%s,%s\n", a, p);
    g_free (a);
    g_free (p);
  } else {
    g_string_append (s, "# warp=none\n");
  }
  g_string_append (s, "# freeze=");
  for (k = 0; k < c->freezes->len; k++) {
    const VkFreeze *f = &g_array_index (c->freezes, VkFreeze, k);
    gchar *t = format_double (f->t);
    gchar *len = format_double (f->len);

    g_string_append_printf (s, "%s%s,%s", k ? ";" : "", t, len);
    g_free (t);
    g_free (len);
  }
  g_string_append (s, c->freezes->len ? "\n" : "none\n");
  g_string_append_printf (s, "# quantizer=%d\n", c->quantizer);
  vk_mkpair_scene_params (s, c);
  g_string_append (s, "fg_index,fg_pts_ns,bg_index,bg_pts_ns,x,y,w,h\n");
  g_string_append_len (s, st->rows->str, st->rows->len);

  ok = g_file_set_contents (c->truth_path, s->str, s->len, error);

  g_string_free (s, TRUE);
  g_free (bg_file);
  g_free (fg_file);
  g_free (fg_start);
  g_free (speed);
  return ok;
}

static gboolean
run (const VkConfig * c, GError ** error)
{
  VkState st;
  GstElement *source = NULL;
  GstAppSink *sink = NULL;
  GstBus *bus = NULL;
  GstSample *prev = NULL;
  gchar *desc;
  guint64 n_bg, j = 0;
  gboolean ok = FALSE;
  GError *parse_err = NULL;

  memset (&st, 0, sizeof (st));
  st.c = c;
  st.rows = g_string_new (NULL);
  gst_video_info_set_format (&st.bg_info, GST_VIDEO_FORMAT_I420, c->bg_w,
      c->bg_h);
  GST_VIDEO_INFO_FPS_N (&st.bg_info) = c->bg_fps_n;
  GST_VIDEO_INFO_FPS_D (&st.bg_info) = c->bg_fps_d;
  gst_video_info_set_format (&st.fg_info, GST_VIDEO_FORMAT_I420, c->fg_w,
      c->fg_h);
  GST_VIDEO_INFO_FPS_N (&st.fg_info) = c->fg_fps_n;
  GST_VIDEO_INFO_FPS_D (&st.fg_info) = c->fg_fps_d;

  /* pixels are copied and scaled, never colour converted */
  st.fg_info.colorimetry = st.bg_info.colorimetry;
  st.fg_info.chroma_site = st.bg_info.chroma_site;

  if (!setup_converters (&st, error))
    goto done;

  n_bg = (guint64) floor (c->duration * c->bg_fps_n / c->bg_fps_d + 0.5);
  if (n_bg < 2) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "--duration %g gives fewer than "
        "2 background frames", c->duration);
    goto done;
  }
  st.n_fg_max = G_MAXUINT64;
  if (c->fg_duration >= 0.0)
    st.n_fg_max = (guint64) floor (c->fg_duration * c->fg_fps_n / c->fg_fps_d
        + 0.5);
  st.next_i = 0;
  st.next_j = source_frame (c, 0);
  st.fg_done = st.n_fg_max == 0 || st.next_j < 0;

  /* source */
  desc = g_strdup_printf ("%s ! videoconvert ! videoscale add-borders=false "
      "! videorate ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=%d/%d,pixel-aspect-ratio=1/1 ! appsink name=vk_mkpair_sink "
      "sync=false max-buffers=2 enable-last-sample=false", c->source_desc,
      c->canvas_w, c->canvas_h, c->bg_fps_n, c->bg_fps_d);
  source = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &parse_err);
  g_free (desc);
  if (source == NULL) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "--source '%s': %s",
        c->source_arg, parse_err ? parse_err->message : "cannot parse");
    g_clear_error (&parse_err);
    goto done;
  }
  g_clear_error (&parse_err);   /* recoverable warnings */
  if (!GST_IS_BIN (source) || !(sink = GST_APP_SINK (gst_bin_get_by_name
              (GST_BIN (source), "vk_mkpair_sink")))) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "--source '%s': unusable "
        "description", c->source_arg);
    goto done;
  }
  bus = gst_element_get_bus (source);

  /* encoders */
  if (!encoder_start (&st.bg_enc, "bg", c->bg_path, &st.bg_info,
          c->quantizer, NULL, error)
      || !encoder_start (&st.fg_enc, "fg", c->fg_path, &st.fg_info,
          c->quantizer, c->fg_filter, error)
      || !vk_mkpair_push_text_page (source, c, error))
    goto done;

  if (gst_element_set_state (source, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    if (!bus_take_error (bus, "source", 0, error))
      g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot start --source '%s'",
          c->source_arg);
    goto done;
  }

  /* bg frame j arrives; fg frames showing j - 1 are emitted once we know
   * that j - 1 is not the last bg frame */
  for (j = 0; j < n_bg; j++) {
    GstSample *sample;
    GstBuffer *buf;
    gboolean eos;
    GstClockTime pts = frame_pts (j, c->bg_fps_n, c->bg_fps_d);

    sample = source_pull (sink, bus, &eos, error);
    if (sample == NULL) {
      if (!eos)
        goto done;
      g_printerr ("warning: the source ended after %" G_GUINT64_FORMAT
          " frames (%.3f s); --duration asked for %" G_GUINT64_FORMAT "\n",
          j, (gdouble) pts / GST_SECOND, n_bg);
      break;
    }

    if (c->camera && !(sample = vk_mkpair_camera_frame (c, &st.bg_info,
                sample, j, n_bg, error)))
      goto done;
    buf = gst_buffer_copy (gst_sample_get_buffer (sample));
    if (c->bg_grain)
      vk_mkpair_add_grain (&st.bg_info, buf, c->bg_grain, (guint32) j);
    GST_BUFFER_PTS (buf) = pts;
    GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (buf) = frame_pts (j + 1, c->bg_fps_n,
        c->bg_fps_d) - pts;
    GST_BUFFER_OFFSET (buf) = GST_BUFFER_OFFSET_NONE;
    GST_BUFFER_OFFSET_END (buf) = GST_BUFFER_OFFSET_NONE;
    if (!encoder_push (&st.bg_enc, buf, error)) {
      gst_sample_unref (sample);
      goto done;
    }

    if (prev) {
      gboolean emitted = emit_fg_frames (&st, j - 1, prev, error);

      gst_sample_unref (prev);
      prev = NULL;
      if (!emitted) {
        gst_sample_unref (sample);
        goto done;
      }
    }
    prev = sample;
  }
  n_bg = j;

  gst_element_set_state (source, GST_STATE_NULL);
  if (prev) {
    gst_sample_unref (prev);
    prev = NULL;
  }

  if (st.fg_enc.n_frames == 0) {
    g_set_error (error, VK_MKPAIR_ERROR, 0, "the foreground would be empty: "
        "its first frame shows bg frame %" G_GINT64_FORMAT " but the "
        "background has %" G_GUINT64_FORMAT " frames (check --fg-start and "
        "--duration)", source_frame (c, 0), n_bg);
    goto done;
  }
  if (st.n_fg_max != G_MAXUINT64 && st.fg_enc.n_frames < st.n_fg_max)
    g_printerr ("warning: --fg-duration %g s cut to %.3f s (%"
        G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " frames): the background "
        "ends first\n", c->fg_duration, (gdouble) frame_pts
        (st.fg_enc.n_frames, c->fg_fps_n, c->fg_fps_d) / GST_SECOND,
        st.fg_enc.n_frames, st.n_fg_max);

  gst_app_src_end_of_stream (st.bg_enc.src);
  gst_app_src_end_of_stream (st.fg_enc.src);
  if (!encoder_wait_eos (&st.bg_enc, error)
      || !encoder_wait_eos (&st.fg_enc, error)
      || !patch_mp4_times (c->bg_path, error)
      || !patch_mp4_times (c->fg_path, error)
      || !write_truth (&st, n_bg, error))
    goto done;

  if (!c->quiet) {
    g_print ("bg:    %s  (%" G_GUINT64_FORMAT " frames, %dx%d @ %d/%d)\n",
        c->bg_path, st.bg_enc.n_frames, c->bg_w, c->bg_h, c->bg_fps_n,
        c->bg_fps_d);
    g_print ("fg:    %s  (%" G_GUINT64_FORMAT " frames, %dx%d @ %d/%d, "
        "bg frames %" G_GUINT64_FORMAT "..%" G_GINT64_FORMAT ")\n",
        c->fg_path, st.fg_enc.n_frames, c->fg_w, c->fg_h, c->fg_fps_n,
        c->fg_fps_d, (guint64) source_frame (c, 0),
        source_frame (c, st.fg_enc.n_frames - 1));
    g_print ("truth: %s  (%" G_GUINT64_FORMAT " rows)\n", c->truth_path,
        st.fg_enc.n_frames);
  }
  ok = TRUE;

done:
  if (prev)
    gst_sample_unref (prev);
  if (source) {
    gst_element_set_state (source, GST_STATE_NULL);
    gst_object_unref (source);
  }
  if (sink)
    gst_object_unref (sink);
  if (bus)
    gst_object_unref (bus);
  encoder_clear (&st.bg_enc);
  encoder_clear (&st.fg_enc);
  if (st.convert)
    gst_video_converter_free (st.convert);
  if (st.convert_444)
    gst_video_converter_free (st.convert_444);
  if (st.mid_buf)
    gst_buffer_unref (st.mid_buf);
  g_string_free (st.rows, TRUE);

  if (!ok) {
    /* no half-written pair */
    g_unlink (c->bg_path);
    g_unlink (c->fg_path);
    g_unlink (c->truth_path);
  }
  return ok;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  VkConfig c;
  gboolean ok;

  ctx = g_option_context_new ("- make a bg/fg video pair with known "
      "ground truth");
  g_option_context_set_summary (ctx, "Writes DIR/NAME-bg.mp4, "
      "DIR/NAME-fg.mp4 and DIR/NAME-truth.csv; see tests/media/README.md.");
  g_option_context_add_main_entries (ctx, opt_entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("vk-mkpair: %s\n", error->message);
    g_clear_error (&error);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (argc > 1) {
    g_printerr ("vk-mkpair: unexpected argument '%s' (see --help)\n", argv[1]);
    return 2;
  }

  if (!build_config (&c, &error)) {
    g_printerr ("vk-mkpair: %s\n", error->message);
    g_clear_error (&error);
    clear_config (&c);
    return 2;
  }

  ok = run (&c, &error);
  if (!ok) {
    g_printerr ("vk-mkpair: %s\n", error ? error->message : "failed");
    g_clear_error (&error);
  }

  clear_config (&c);
  gst_deinit ();
  return ok ? 0 : 1;
}
