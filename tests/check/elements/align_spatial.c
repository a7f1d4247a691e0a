/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of the spatial search (vkspatial.c), without a pipeline under
 * test: bg frames from videotestsrc and from real footage (Debian's
 * cockatoo clip), fg frames cut from them at known rectangles, scaled with
 * GstVideoConverter, disturbed with noise, brightness changes, letterbox
 * bars and real x264 encoding (vk-mkpair pairs), then found again. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>

#include "vkspatial.h"
#include "vk-truth.h"

#define COCKATOO \
  "/usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4"

/* ---------------------------------------------------------------------- */
/* Grey images */

typedef struct
{
  guint8 *data;
  gint w, h;                    /* stride == w */
} Img;

static Img *
img_new (gint w, gint h)
{
  Img *im = g_new0 (Img, 1);

  im->w = w;
  im->h = h;
  im->data = g_malloc0 ((gsize) w * h);
  return im;
}

static void
img_free (Img * im)
{
  if (im) {
    g_free (im->data);
    g_free (im);
  }
}

static VkLuma
luma (const Img * im)
{
  VkLuma l;

  l.data = im->data;
  l.stride = im->w;
  l.width = im->w;
  l.height = im->h;
  return l;
}

static Img *
img_crop (const Img * src, gint x, gint y, gint w, gint h)
{
  Img *im;
  gint r;

  fail_unless (x >= 0 && y >= 0 && x + w <= src->w && y + h <= src->h,
      "crop %d,%d %dx%d outside %dx%d", x, y, w, h, src->w, src->h);
  im = img_new (w, h);
  for (r = 0; r < h; r++)
    memcpy (im->data + (gsize) r * w,
        src->data + (gsize) (y + r) * src->w + x, w);
  return im;
}

/* GstVideoConverter's default scaler, as vk-mkpair uses it */
static Img *
img_scale (const Img * src, gint w, gint h)
{
  GstVideoInfo in_info, out_info;
  GstVideoConverter *conv;
  GstBuffer *in_buf, *out_buf;
  GstVideoFrame in_frame, out_frame;
  Img *im = img_new (w, h);
  gint r;

  gst_video_info_set_format (&in_info, GST_VIDEO_FORMAT_GRAY8, src->w, src->h);
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_GRAY8, w, h);
  in_buf = gst_buffer_new_allocate (NULL, in_info.size, NULL);
  out_buf = gst_buffer_new_allocate (NULL, out_info.size, NULL);
  fail_unless (gst_video_frame_map (&in_frame, &in_info, in_buf,
          GST_MAP_WRITE));
  for (r = 0; r < src->h; r++)
    memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&in_frame, 0)
        + (gsize) r * GST_VIDEO_FRAME_PLANE_STRIDE (&in_frame, 0),
        src->data + (gsize) r * src->w, src->w);
  fail_unless (gst_video_frame_map (&out_frame, &out_info, out_buf,
          GST_MAP_WRITE));
  conv = gst_video_converter_new (&in_info, &out_info, NULL);
  fail_unless (conv != NULL);
  gst_video_converter_frame (conv, &in_frame, &out_frame);
  gst_video_converter_free (conv);
  for (r = 0; r < h; r++)
    memcpy (im->data + (gsize) r * w,
        (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out_frame, 0)
        + (gsize) r * GST_VIDEO_FRAME_PLANE_STRIDE (&out_frame, 0), w);
  gst_video_frame_unmap (&in_frame);
  gst_video_frame_unmap (&out_frame);
  gst_buffer_unref (in_buf);
  gst_buffer_unref (out_buf);
  return im;
}

/* v·gain + offset + uniform noise in [-amp, amp], clamped */
static void
img_disturb (Img * im, gdouble gain, gdouble offset, gint amp, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  gsize i, n = (gsize) im->w * im->h;

  for (i = 0; i < n; i++) {
    gdouble v = im->data[i] * gain + offset;

    if (amp > 0)
      v += g_rand_int_range (rand, -amp, amp + 1);
    im->data[i] = (guint8) CLAMP (floor (v + 0.5), 0, 255);
  }
  g_rand_free (rand);
}

/* black (Y = 16) bars: @tb rows top and bottom, @lr columns left and
 * right */
static void
img_bars (Img * im, gint tb, gint lr)
{
  gint x, y;

  for (y = 0; y < im->h; y++)
    for (x = 0; x < im->w; x++)
      if (y < tb || y >= im->h - tb || x < lr || x >= im->w - lr)
        im->data[(gsize) y * im->w + x] = 16;
}

/* ---------------------------------------------------------------------- */
/* Frames from a pipeline */

static void
free_imgs (GPtrArray * a)
{
  g_ptr_array_unref (a);
}

/* Runs "@src ! videoconvert ! videoscale ! GRAY8 WxH ! appsink" and keeps
 * frames first, first+step, ... (at most @count). */
static GPtrArray *
load_frames (const gchar * src, gint w, gint h, guint first, guint step,
    guint count)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      img_free);
  GError *err = NULL;
  gchar *desc;
  GstElement *pipeline, *sink;
  guint idx = 0;

  desc = g_strdup_printf ("%s ! videoconvert ! videoscale "
      "! video/x-raw,format=GRAY8,width=%d,height=%d,pixel-aspect-ratio=1/1 "
      "! appsink name=sink sync=false", src, w, h);
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL && err == NULL, "%s: %s", desc,
      err ? err->message : "?");
  g_free (desc);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE);

  while (frames->len < count) {
    GstSample *sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
    GstVideoInfo info;
    GstVideoFrame vf;
    Img *im;
    gint r;

    if (!sample)
      break;
    if (idx >= first && (idx - first) % step == 0) {
      fail_unless (gst_video_info_from_caps (&info,
              gst_sample_get_caps (sample)));
      fail_unless (gst_video_frame_map (&vf, &info,
              gst_sample_get_buffer (sample), GST_MAP_READ));
      im = img_new (w, h);
      for (r = 0; r < h; r++)
        memcpy (im->data + (gsize) r * w,
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&vf, 0)
            + (gsize) r * GST_VIDEO_FRAME_PLANE_STRIDE (&vf, 0), w);
      gst_video_frame_unmap (&vf);
      g_ptr_array_add (frames, im);
    }
    idx++;
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  fail_unless (frames->len == count, "%s: got %u of %u frames", src,
      frames->len, count);
  return frames;
}

/* the test media every test needs; missing, a test fails (it never
 * passes on other media) */
static void
require_cockatoo (void)
{
  fail_unless (g_file_test (COCKATOO, G_FILE_TEST_EXISTS), "test media "
      "missing: %s (Debian's python3-imageio, which scripts/setup-debian.sh "
      "installs)", COCKATOO);
}

static GPtrArray *
load_cockatoo (gint w, gint h, guint first, guint step, guint count)
{
  require_cockatoo ();
  return load_frames ("filesrc location=" COCKATOO " ! decodebin", w, h,
      first, step, count);
}

static GPtrArray *
load_testsrc (const gchar * pattern, gint w, gint h, guint count)
{
  gchar *src = g_strdup_printf ("videotestsrc %s num-buffers=%u "
      "! video/x-raw,width=%d,height=%d", pattern, count * 7 + 1, w, h);
  GPtrArray *a = load_frames (src, w, h, 0, 7, count);

  g_free (src);
  return a;
}

static gdouble
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* ---------------------------------------------------------------------- */
/* Running a case */

typedef struct
{
  gint x, y, w, h;              /* bg rectangle shown by the fg */
  gint fw, fh;                  /* fg size (0: the rect's) */
  gint bars;                    /* letterbox rows top and bottom */
  gboolean disturb;             /* ±8 noise and ×0.9 + 10 */
  gdouble min_scale;            /* VkSpatialParams.min_scale, 0: default */
} Case;

/* The fg frames of @c cut from @bgs */
static GPtrArray *
make_fgs (GPtrArray * bgs, const Case * c, guint seed)
{
  GPtrArray *fgs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      img_free);
  guint i;

  for (i = 0; i < bgs->len; i++) {
    Img *crop = img_crop (g_ptr_array_index (bgs, i), c->x, c->y, c->w, c->h);
    Img *fg = crop;

    if (c->fw && (c->fw != c->w || c->fh != c->h)) {
      fg = img_scale (crop, c->fw, c->fh);
      img_free (crop);
    }
    if (c->disturb)
      img_disturb (fg, 0.9, 10, 8, seed + i);
    if (c->bars)
      img_bars (fg, c->bars, 0);
    g_ptr_array_add (fgs, fg);
  }
  return fgs;
}

static void
to_lumas (GPtrArray * imgs, guint n, VkLuma * out)
{
  guint i;

  for (i = 0; i < n; i++)
    out[i] = luma (g_ptr_array_index (imgs, i));
}

#define MAX_PAIRS 8

/* Searches and checks: exact for an unscaled fg, scale within 0.5 % and
 * position within 1 px for a scaled one. Returns the time in ms. */
static gdouble
check_case (const gchar * name, GPtrArray * bgs, GPtrArray * fgs, guint n,
    const VkSpatialParams * p, gdouble tx, gdouble ty, gdouble ts)
{
  VkLuma bl[MAX_PAIRS], fl[MAX_PAIRS];
  VkPlacementEstimate est, truth;
  GError *err = NULL;
  gdouble t0, ms, truth_score;
  gboolean ok;

  fail_unless (n <= MAX_PAIRS && n <= bgs->len && n <= fgs->len);
  to_lumas (bgs, n, bl);
  to_lumas (fgs, n, fl);
  t0 = now_ms ();
  ok = vk_spatial_search (bl, fl, n, p, &est, &err);
  ms = now_ms () - t0;
  fail_unless (ok, "%s: search failed: %s", name, err ? err->message : "?");
  fail_unless (isfinite (est.x) && isfinite (est.y) && isfinite (est.scale)
      && isfinite (est.score));
  truth.x = tx;
  truth.y = ty;
  truth.scale = ts;
  fail_unless (vk_spatial_score (bl, fl, n, p, &truth, &truth_score, &err),
      "%s: %s", name, err ? err->message : "?");
  g_print ("  %-40s x %9.3f (%+.3f) y %9.3f (%+.3f) s %.5f (%+.3f%%) "
      "score %.4f (truth %.4f) %7.1f ms\n", name, est.x, est.x - tx, est.y,
      est.y - ty, est.scale, 100 * (est.scale - ts) / ts, est.score,
      truth_score, ms);
  if (ts == 1.0) {
    fail_unless (est.scale == 1.0 && est.x == tx && est.y == ty,
        "%s: found %g,%g scale %g, expected %g,%g scale 1", name, est.x,
        est.y, est.scale, tx, ty);
    /* vk_spatial_score () gives the search's score for the same placement */
    fail_unless (fabs (truth_score - est.score) < 1e-5, "%s: score %g, "
        "vk_spatial_score %g", name, est.score, truth_score);
  } else {
    fail_unless (fabs (est.scale - ts) / ts < 0.005
        && fabs (est.x - tx) <= 1.0 && fabs (est.y - ty) <= 1.0,
        "%s: found %g,%g scale %g, expected %g,%g scale %g", name, est.x,
        est.y, est.scale, tx, ty, ts);
  }
  fail_unless (est.score > 0.5 && est.score <= 1.0, "%s: score %g", name,
      est.score);
  return ms;
}

static void
run_case (const gchar * src_name, GPtrArray * bgs, guint n, const Case * c)
{
  VkSpatialParams p;
  GPtrArray *fgs = make_fgs (bgs, c, 1234);
  gdouble s = c->fw ? (gdouble) c->w / c->fw : 1.0;
  gchar *name;

  vk_spatial_params_init (&p);
  if (c->min_scale > 0)
    p.min_scale = c->min_scale;
  if (c->bars) {
    VkLuma fl[MAX_PAIRS];

    to_lumas (fgs, n, fl);
    fail_unless (vk_detect_static_bars (fl, n, &p.fg_valid));
    fail_unless_equals_int (p.fg_valid.y, c->bars);
    fail_unless_equals_int (p.fg_valid.h, (c->fh ? c->fh : c->h)
        - 2 * c->bars);
    fail_unless_equals_int (p.fg_valid.x, 0);
    fail_unless_equals_int (p.fg_valid.w, c->fw ? c->fw : c->w);
  }
  name = g_strdup_printf ("%s %d,%d %dx%d%s%s%s%s", src_name, c->x, c->y,
      c->w, c->h, c->fw ? " -> " : "", c->fw ? "scaled" : "",
      c->disturb ? " noisy" : "", c->bars ? " bars" : "");
  check_case (name, bgs, fgs, n, &p, c->x, c->y, s);
  g_free (name);
  free_imgs (fgs);
}

/* ---------------------------------------------------------------------- */
/* Tests */

/* bg 640x360, fg crops without scaling */
static const Case unscaled_cases[] = {
  {0, 0, 640, 290},             /* 1920x870-like at (0,0) */
  {0, 70, 640, 220},            /* full width, centred */
  {120, 70, 400, 220},          /* centred */
  {37, 23, 301, 197},           /* odd position and size */
  {339, 163, 301, 197},         /* touching right and bottom edges */
  {0, 0, 640, 360},             /* fg == bg */
  {11, 260, 160, 90},           /* small, near the bottom */
};

/* Synthetic sources: a zone plate whose phase moves (texture everywhere)
 * and SMPTE bars moving sideways. The top two thirds of the SMPTE bars do
 * not change downwards, so a crop entirely inside them has no unique y: such
 * cases are skipped for it. */
#define ZONE_PLATE "pattern=zone-plate kx2=20 ky2=20 kt=1"
#define SMPTE "pattern=smpte horizontal-speed=3"
#define SMPTE_BARS_END(h) ((h) * 2 / 3)

static void
run_cases (const Case * cases, guint n_cases, gboolean disturb, guint n_max)
{
  GPtrArray *sources[3];
  const gchar *names[3] = { "cockatoo", "zone-plate", "smpte" };
  guint i, k;

  sources[0] = load_cockatoo (640, 360, 20, 30, 3);
  sources[1] = load_testsrc (ZONE_PLATE, 640, 360, 3);
  sources[2] = load_testsrc (SMPTE, 640, 360, 3);
  for (k = 0; k < 3; k++) {
    fail_unless (sources[k] != NULL, "no %s frames", names[k]);
    for (i = 0; i < n_cases; i++) {
      Case c = cases[i];

      if (k == 2 && c.y + c.h <= SMPTE_BARS_END (360))
        continue;
      c.disturb = disturb;
      /* one pair, and several pairs together */
      run_case (names[k], sources[k], 1, &c);
      run_case (names[k], sources[k], n_max, &c);
    }
    free_imgs (sources[k]);
  }
}

static void
run_unscaled (gboolean disturb)
{
  run_cases (unscaled_cases, G_N_ELEMENTS (unscaled_cases), disturb, 2);
}

GST_START_TEST (test_unscaled_exact)
{
  run_unscaled (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_unscaled_noise_brightness)
{
  run_unscaled (TRUE);
}

GST_END_TEST;

/* crops scaled to 50 % (scale 2) and 75 % (scale 4/3) */
static const Case scaled_cases[] = {
  {37, 23, 400, 240, 200, 120},
  {37, 23, 400, 240, 300, 180},
  {0, 0, 640, 290, 320, 145},
  {0, 0, 640, 288, 480, 216},
  {120, 60, 400, 240, 300, 180},
  {240, 120, 400, 240, 200, 120},       /* touching right and bottom */
};

static void
run_scaled (gboolean disturb)
{
  run_cases (scaled_cases, G_N_ELEMENTS (scaled_cases), disturb, 3);
}

GST_START_TEST (test_scaled)
{
  run_scaled (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_scaled_noise_brightness)
{
  run_scaled (TRUE);
}

GST_END_TEST;

/* prefer_unscaled: off, an unscaled fg comes back with a scale very close
 * to 1 and a near position; on, a fg scaled by only 2 % is still found as
 * scaled */
GST_START_TEST (test_prefer_unscaled)
{
  GPtrArray *bgs = load_cockatoo (640, 360, 20, 30, 2);
  Case cu = { 37, 23, 400, 240, 0, 0, 0, TRUE };
  Case c2 = { 37, 23, 357, 204, 350, 200, 0, TRUE };
  GPtrArray *fgs;
  VkLuma bl[2], fl[2];
  VkPlacementEstimate est;
  VkSpatialParams p;

  to_lumas (bgs, 2, bl);

  fgs = make_fgs (bgs, &cu, 11);
  to_lumas (fgs, 2, fl);
  vk_spatial_params_init (&p);
  p.prefer_unscaled = FALSE;
  fail_unless (vk_spatial_search (bl, fl, 2, &p, &est, NULL));
  g_print ("  prefer_unscaled off, unscaled fg: %.3f,%.3f s %.5f score %.4f\n",
      est.x, est.y, est.scale, est.score);
  fail_unless (fabs (est.scale - 1) < 0.002 && fabs (est.x - 37) < 0.5
      && fabs (est.y - 23) < 0.5);
  free_imgs (fgs);

  fgs = make_fgs (bgs, &c2, 12);
  vk_spatial_params_init (&p);
  check_case ("scale 1.02, prefer_unscaled", bgs, fgs, 2, &p, 37, 23, 1.02);
  free_imgs (fgs);
  free_imgs (bgs);
}

GST_END_TEST;

/* fg upscaled from its bg region (scale < 1, only searched when min_scale
 * allows it), and an unscaled fg with that range */
GST_START_TEST (test_upscaled)
{
  static const Case cases[] = {
    {101, 51, 320, 180, 400, 225, 0, FALSE, 0.5},       /* scale 0.8 */
    {240, 120, 200, 120, 400, 240, 0, TRUE, 0.4},       /* 0.5, at the edges */
    {37, 23, 400, 240, 0, 0, 0, TRUE, 0.5},     /* 1 */
  };
  GPtrArray *bgs = load_cockatoo (640, 360, 20, 30, 2);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    run_case ("upscaled", bgs, 1, &cases[i]);
    run_case ("upscaled", bgs, 2, &cases[i]);
  }
  free_imgs (bgs);
}

GST_END_TEST;

/* letterboxed fg: 20-row bars inside the fg, found by
 * vk_detect_static_bars() and left out with fg_valid */
GST_START_TEST (test_letterbox)
{
  static const Case cases[] = {
    {37, 23, 400, 240, 0, 0, 20, TRUE},
    {0, 0, 640, 290, 0, 0, 20, TRUE},
    {37, 23, 400, 240, 200, 120, 20, TRUE},
    {120, 60, 400, 240, 300, 180, 20, FALSE},
  };
  GPtrArray *bgs = load_cockatoo (640, 360, 20, 30, 3);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    run_case ("letterbox", bgs, 1, &cases[i]);
    run_case ("letterbox", bgs, 3, &cases[i]);
  }
  free_imgs (bgs);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Real encodes: vk-mkpair pairs */

static gchar *
mkpair (const gchar * dir, const gchar * name, const gchar * args)
{
  const gchar *mk = g_getenv ("VK_MKPAIR");
  gchar *cmd, *out = NULL, *errout = NULL;
  gint status = 0;

  if (!mk)
    return NULL;
  cmd = g_strdup_printf ("%s --quiet --outdir %s --name %s %s", mk, dir, name,
      args);
  fail_unless (g_spawn_command_line_sync (cmd, &out, &errout, &status, NULL),
      "%s", cmd);
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed: %s",
      cmd, errout);
  g_free (cmd);
  g_free (out);
  g_free (errout);
  return g_strdup_printf ("%s/%s", dir, name);
}

/* decodes pair @base and returns matched (bg, fg) frames for fg frames
 * 0, step, 2·step, ... (count of them) */
static VkTruth *
load_pair (const gchar * base, guint step, guint count, GPtrArray ** bgs_out,
    GPtrArray ** fgs_out)
{
  gchar *path, *src;
  GError *err = NULL;
  VkTruth *truth;
  GPtrArray *bgs, *fgs, *all_bg;
  gint bw, bh, fw, fh;
  guint i;

  path = g_strdup_printf ("%s-truth.csv", base);
  truth = vk_truth_load (path, &err);
  fail_unless (truth != NULL, "%s: %s", path, err ? err->message : "?");
  g_free (path);
  bw = atoi (vk_truth_get_param (truth, "bg_width"));
  bh = atoi (vk_truth_get_param (truth, "bg_height"));
  fw = atoi (vk_truth_get_param (truth, "fg_width"));
  fh = atoi (vk_truth_get_param (truth, "fg_height"));

  src = g_strdup_printf ("filesrc location=%s-fg.mp4 ! decodebin", base);
  fgs = load_frames (src, fw, fh, 0, step, count);
  g_free (src);
  src = g_strdup_printf ("filesrc location=%s-bg.mp4 ! decodebin", base);
  all_bg = load_frames (src, bw, bh, 0, 1,
      atoi (vk_truth_get_param (truth, "bg_frames")));
  g_free (src);
  bgs = g_ptr_array_new_with_free_func ((GDestroyNotify) img_free);
  for (i = 0; i < count; i++) {
    const VkTruthRow *r = &g_array_index (truth->rows, VkTruthRow, i * step);
    Img *b = g_ptr_array_index (all_bg, r->bg_index);

    g_ptr_array_add (bgs, img_crop (b, 0, 0, b->w, b->h));
  }
  g_ptr_array_unref (all_bg);
  *bgs_out = bgs;
  *fgs_out = fgs;
  return truth;
}

GST_START_TEST (test_x264_pairs)
{
  static const struct
  {
    const gchar *name, *args;
    gint bars;
  } pairs[] = {
    /* both videos at x264 quantizer 35 (30 fps unless said otherwise) */
    /* odd position, letterbox bars */
    {"odd-lbox", "--fg-rect 37,23,400,240 --letterbox 20 --quality 35", 20},
    /* full width at the top, another frame rate and speed */
    {"top", "--fg-rect 0,0,640,290 --fg-fps 12 --speed 1.1 --quality 35", 0},
    /* crop scaled to 50 % */
    {"half", "--fg-rect 101,51,400,224 --fg-size 200x112 --quality 35", 0},
    /* crop scaled to 75 %, letterbox bars */
    {"threeq-lbox", "--fg-rect 40,20,400,240 --fg-size 300x180 "
          "--letterbox 10 --quality 35", 10},
  };
  gchar *dir;
  guint i, n;

  fail_unless (g_getenv ("VK_MKPAIR") != NULL, "VK_MKPAIR is not set (run "
      "the test with meson test)");
  require_cockatoo ();
  dir = g_dir_make_tmp ("align_spatial-XXXXXX", NULL);
  fail_unless (dir != NULL);
  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    gchar *args = g_strdup_printf ("--source cockatoo --bg-size 640x360 "
        "--duration 1.2 --bg-fps 10 %s", pairs[i].args);
    gchar *base = mkpair (dir, pairs[i].name, args);
    GPtrArray *bgs, *fgs;
    VkTruth *truth = load_pair (base, 4, 3, &bgs, &fgs);
    const VkTruthRow *r = &g_array_index (truth->rows, VkTruthRow, 0);
    gint fw = atoi (vk_truth_get_param (truth, "fg_width"));
    gdouble s = (gdouble) r->w / fw;

    for (n = 1; n <= 3; n += 2) {
      VkSpatialParams p;
      gchar *name = g_strdup_printf ("x264 %s, %u pair(s)", pairs[i].name, n);
      VkLuma fl[MAX_PAIRS];

      vk_spatial_params_init (&p);
      if (pairs[i].bars) {
        to_lumas (fgs, n, fl);
        fail_unless (vk_detect_static_bars (fl, n, &p.fg_valid));
        /* x264 blurs the bar edges a bit: drop two more rows */
        p.fg_valid.y += 2;
        p.fg_valid.h -= 4;
        fail_unless (ABS (p.fg_valid.y - 2 - pairs[i].bars) <= 1,
            "bars detected: %d", p.fg_valid.y - 2);
      }
      check_case (name, bgs, fgs, n, &p, r->x, r->y, s);
      g_free (name);
    }
    free_imgs (bgs);
    free_imgs (fgs);
    vk_truth_free (truth);
    g_free (base);
    g_free (args);
  }
  /* leave nothing behind */
  {
    GDir *d = g_dir_open (dir, 0, NULL);
    const gchar *f;

    while (d && (f = g_dir_read_name (d))) {
      gchar *p = g_build_filename (dir, f, NULL);

      g_unlink (p);
      g_free (p);
    }
    if (d)
      g_dir_close (d);
    g_rmdir (dir);
  }
  g_free (dir);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */

/* several pairs: the score is the mean over the pairs, and a pair whose
 * fg is flat does not stop the others from being found */
GST_START_TEST (test_multi_pair)
{
  GPtrArray *bgs = load_cockatoo (640, 360, 10, 25, 4);
  Case c = { 37, 23, 400, 240 };
  GPtrArray *fgs;
  VkLuma bl[4], fl[4];
  VkPlacementEstimate one[4], all;
  GError *err = NULL;
  gdouble mean = 0;
  guint i;

  c.disturb = TRUE;
  fgs = make_fgs (bgs, &c, 99);
  to_lumas (bgs, 4, bl);
  to_lumas (fgs, 4, fl);
  for (i = 0; i < 4; i++) {
    fail_unless (vk_spatial_search (&bl[i], &fl[i], 1, NULL, &one[i], NULL));
    fail_unless (one[i].x == 37 && one[i].y == 23 && one[i].scale == 1.0);
    mean += one[i].score / 4;
  }
  fail_unless (vk_spatial_search (bl, fl, 4, NULL, &all, NULL));
  fail_unless (all.x == 37 && all.y == 23 && all.scale == 1.0);
  fail_unless (fabs (all.score - mean) < 1e-6, "score %g, mean %g",
      all.score, mean);

  /* pair 0 flat: contributes 0, the others still find it */
  memset (((Img *) g_ptr_array_index (fgs, 0))->data, 77, 400 * 240);
  fail_unless (vk_spatial_search (bl, fl, 4, NULL, &all, NULL));
  fail_unless (all.x == 37 && all.y == 23 && all.scale == 1.0);
  fail_unless (all.score < 0.76, "score %g", all.score);
  /* ... but alone it is an error */
  fail_if (vk_spatial_search (bl, fl, 1, NULL, &all, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_FLAT));
  g_clear_error (&err);

  free_imgs (fgs);
  free_imgs (bgs);
}

GST_END_TEST;

/* refinement around a nearby guess */
GST_START_TEST (test_refine)
{
  GPtrArray *bgs = load_cockatoo (640, 360, 20, 30, 2);
  Case cu = { 37, 23, 400, 240, 0, 0, 0, TRUE };
  Case cs = { 101, 51, 400, 240, 200, 120, 0, TRUE };
  GPtrArray *fgs;
  VkLuma bl[2], fl[2];
  VkPlacementEstimate guess, est;
  VkSpatialParams p;
  GError *err = NULL;
  gdouble t0, ms;
  gint rep;

  to_lumas (bgs, 2, bl);

  fgs = make_fgs (bgs, &cu, 5);
  to_lumas (fgs, 2, fl);
  guess.x = 40.4;
  guess.y = 20.0;
  guess.scale = 1.012;
  guess.score = 0;
  t0 = now_ms ();
  for (rep = 0; rep < 10; rep++)
    fail_unless (vk_spatial_refine (bl, fl, 2, NULL, &guess, 6, &est, &err),
        "%s", err ? err->message : "?");
  ms = (now_ms () - t0) / 10;
  g_print ("  refine 640x360, 400x240 fg, 2 pairs: %.3f,%.3f s %.5f "
      "score %.4f, %.2f ms\n", est.x, est.y, est.scale, est.score, ms);
  fail_unless (est.x == 37 && est.y == 23 && est.scale == 1.0);

  /* the window is respected: a guess 20 px off with radius 4 cannot reach
   * the truth */
  guess.x = 57;
  guess.y = 23;
  guess.scale = 1.0;
  fail_unless (vk_spatial_refine (bl, fl, 2, NULL, &guess, 4, &est, NULL));
  fail_unless (est.x >= 53 && est.x <= 61, "x %g", est.x);

  /* fixed scale via the range */
  vk_spatial_params_init (&p);
  p.min_scale = p.max_scale = 1.0;
  guess.x = 35;
  guess.y = 25;
  fail_unless (vk_spatial_refine (bl, fl, 2, &p, &guess, 4, &est, NULL));
  fail_unless (est.x == 37 && est.y == 23 && est.scale == 1.0);
  free_imgs (fgs);

  fgs = make_fgs (bgs, &cs, 6);
  to_lumas (fgs, 2, fl);
  guess.x = 103;
  guess.y = 49;
  guess.scale = 1.98;
  t0 = now_ms ();
  for (rep = 0; rep < 10; rep++)
    fail_unless (vk_spatial_refine (bl, fl, 2, NULL, &guess, 6, &est, NULL));
  ms = (now_ms () - t0) / 10;
  g_print ("  refine 640x360, 200x120 fg at scale 2, 2 pairs: %.3f,%.3f "
      "s %.5f score %.4f, %.2f ms\n", est.x, est.y, est.scale, est.score, ms);
  fail_unless (fabs (est.scale - 2.0) / 2.0 < 0.005
      && fabs (est.x - 101) <= 1 && fabs (est.y - 51) <= 1);

  free_imgs (fgs);
  free_imgs (bgs);
}

GST_END_TEST;

/* 1080p: bg 1920x1080, fg 1920x870 at (0,0); timings */
GST_START_TEST (test_speed)
{
  GPtrArray *bgs = load_cockatoo (1920, 1080, 40, 1, 1);
  Case c = { 0, 0, 1920, 870, 0, 0, 0, TRUE };
  Case c2 = { 0, 0, 1920, 870, 960, 435, 0, TRUE };
  GPtrArray *fgs;
  VkLuma bl, fl;
  VkPlacementEstimate guess, est;
  VkSpatialParams p;
  gdouble ms, t0;
  gint rep;

  fgs = make_fgs (bgs, &c, 7);
  to_lumas (bgs, 1, &bl);
  to_lumas (fgs, 1, &fl);

  ms = check_case ("1080p 1920x870 at 0,0", bgs, fgs, 1, NULL, 0, 0, 1);
  fail_unless (ms < 3000, "full 1080p search took %.0f ms", ms);

  vk_spatial_params_init (&p);
  p.min_scale = 1.0;
  p.max_scale = 1.0;
  ms = check_case ("1080p, scale 1 only", bgs, fgs, 1, &p, 0, 0, 1);
  fail_unless (ms < 3000);

  guess.x = 2;
  guess.y = 3;
  guess.scale = 1.0;
  t0 = now_ms ();
  for (rep = 0; rep < 5; rep++)
    fail_unless (vk_spatial_refine (&bl, &fl, 1, NULL, &guess, 4, &est, NULL));
  ms = (now_ms () - t0) / 5;
  g_print ("  refine 1080p (radius 4, default params): %.2f ms\n", ms);
  fail_unless (est.x == 0 && est.y == 0 && est.scale == 1.0);
  t0 = now_ms ();
  for (rep = 0; rep < 5; rep++)
    fail_unless (vk_spatial_refine (&bl, &fl, 1, &p, &guess, 4, &est, NULL));
  ms = (now_ms () - t0) / 5;
  g_print ("  refine 1080p (radius 4, scale fixed): %.2f ms\n", ms);
  fail_unless (est.x == 0 && est.y == 0 && est.scale == 1.0);
  free_imgs (fgs);

  /* the same scaled to 50 % */
  fgs = make_fgs (bgs, &c2, 8);
  ms = check_case ("1080p 1920x870 -> 960x435", bgs, fgs, 1, NULL, 0, 0, 2.0);
  fail_unless (ms < 3000);
  free_imgs (fgs);
  free_imgs (bgs);
}

GST_END_TEST;

/* degenerate inputs: errors, never NaN */
GST_START_TEST (test_errors)
{
  Img *bg = img_new (64, 48), *fg = img_new (80, 40), *flat = img_new (32, 24);
  Img *small;
  VkLuma bl = luma (bg), fl = luma (fg), two[2];
  VkPlacementEstimate est, guess = { 0, 0, 1, 0 };
  VkSpatialParams p;
  GError *err = NULL;
  gint i;

  for (i = 0; i < 64 * 48; i++)
    bg->data[i] = (guint8) ((i * 7919) % 251);
  for (i = 0; i < 80 * 40; i++)
    fg->data[i] = (guint8) ((i * 104729) % 241);
  memset (flat->data, 100, 32 * 24);

  /* fg wider than the bg */
  fail_if (vk_spatial_search (&bl, &fl, 1, NULL, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_TOO_LARGE), "%s", err->message);
  g_clear_error (&err);
  /* ... unless scales below 1 are allowed */
  vk_spatial_params_init (&p);
  p.min_scale = 0.7;
  if (vk_spatial_search (&bl, &fl, 1, &p, &est, NULL))
    fail_unless (isfinite (est.x) && isfinite (est.y) && isfinite (est.score)
        && est.scale >= 0.7 && est.scale <= 0.8);

  /* flat fg */
  fl = luma (flat);
  fail_if (vk_spatial_search (&bl, &fl, 1, NULL, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_FLAT));
  g_clear_error (&err);

  /* flat bg */
  small = img_crop (bg, 5, 5, 32, 24);
  fl = luma (small);
  bl = luma (bg);
  memset (bg->data, 30, 64 * 48);
  fail_if (vk_spatial_search (&bl, &fl, 1, NULL, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_NO_MATCH), "%s", err->message);
  g_clear_error (&err);

  /* bad arguments */
  fail_if (vk_spatial_search (&bl, &fl, 0, NULL, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_INVALID));
  g_clear_error (&err);
  vk_spatial_params_init (&p);
  p.fg_valid.x = 10;
  p.fg_valid.y = 0;
  p.fg_valid.w = 30;
  p.fg_valid.h = 24;
  fail_if (vk_spatial_search (&bl, &fl, 1, &p, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_INVALID));
  g_clear_error (&err);
  vk_spatial_params_init (&p);
  p.min_scale = 2;
  p.max_scale = 1;
  fail_if (vk_spatial_search (&bl, &fl, 1, &p, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_INVALID));
  g_clear_error (&err);
  two[0] = luma (bg);
  two[1] = luma (small);
  fail_if (vk_spatial_search (two, two, 2, NULL, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_INVALID));
  g_clear_error (&err);
  guess.scale = 0;
  fail_if (vk_spatial_refine (&bl, &fl, 1, NULL, &guess, 3, &est, &err));
  fail_unless (g_error_matches (err, VK_SPATIAL_ERROR,
          VK_SPATIAL_ERROR_INVALID));
  g_clear_error (&err);
  guess.scale = NAN;
  fail_if (vk_spatial_refine (&bl, &fl, 1, NULL, &guess, 3, &est, &err));
  g_clear_error (&err);

  img_free (bg);
  img_free (fg);
  img_free (flat);
  img_free (small);
}

GST_END_TEST;

/* bg equal to the fg, tiny images, textured synthetic data */
GST_START_TEST (test_small_synthetic)
{
  Img *bg = img_new (97, 61);
  VkLuma bl = luma (bg), fl;
  VkPlacementEstimate est;
  VkSpatialParams p;
  GError *err = NULL;
  static const gint xs[] = { 0, 1, 17, 38, 50, 72, 73 };
  static const gint ys[] = { 0, 3, 22, 44, 45 };
  gint x, y, cx, cy;

  for (y = 0; y < bg->h; y++)
    for (x = 0; x < bg->w; x++)
      bg->data[y * bg->w + x] = (guint8) (128 + 60 * sin (x * 0.31 + y * 0.05)
          + 50 * cos (y * 0.23 - x * 0.11 + 0.002 * x * y));

  fail_unless (vk_spatial_search (&bl, &bl, 1, NULL, &est, &err), "%s",
      err ? err->message : "?");
  fail_unless (est.x == 0 && est.y == 0 && est.scale == 1.0
      && est.score > 0.999);

  /* positions all over the bg of a 24x16 fg, up to the edges; scales up to
   * 1.5 (all fitting scales of a fg this small would be slow) */
  vk_spatial_params_init (&p);
  p.max_scale = 1.5;
  for (y = 0; y < (gint) G_N_ELEMENTS (ys); y++) {
    for (x = 0; x < (gint) G_N_ELEMENTS (xs); x++) {
      Img *fg;

      cx = xs[x];
      cy = ys[y];
      fg = img_crop (bg, cx, cy, 24, 16);

      fl = luma (fg);
      fail_unless (vk_spatial_search (&bl, &fl, 1, &p, &est, &err), "%s",
          err ? err->message : "?");
      fail_unless (est.x == cx && est.y == cy && est.scale == 1.0,
          "%d,%d: found %g,%g scale %g", cx, cy, est.x, est.y, est.scale);
      img_free (fg);
    }
  }

  /* planes with padding at the end of each row (filled with 255) */
  {
    gint bs = 97 + 13, fs = 31 + 7;
    guint8 *pb = g_malloc ((gsize) bs * 61), *pf = g_malloc ((gsize) fs * 20);

    memset (pb, 255, (gsize) bs * 61);
    memset (pf, 255, (gsize) fs * 20);
    for (y = 0; y < 61; y++)
      memcpy (pb + y * bs, bg->data + y * 97, 97);
    for (y = 0; y < 20; y++)
      memcpy (pf + y * fs, bg->data + (y + 29) * 97 + 41, 31);
    bl.data = pb;
    bl.stride = bs;
    fl.data = pf;
    fl.stride = fs;
    fl.width = 31;
    fl.height = 20;
    fail_unless (vk_spatial_search (&bl, &fl, 1, &p, &est, &err), "%s",
        err ? err->message : "?");
    fail_unless (est.x == 41 && est.y == 29 && est.scale == 1.0,
        "padded: found %g,%g scale %g", est.x, est.y, est.scale);
    g_free (pb);
    g_free (pf);
  }
  img_free (bg);
}

GST_END_TEST;

GST_START_TEST (test_detect_bars)
{
  Img *im = img_new (120, 80);
  VkLuma l = luma (im);
  GstVideoRectangle r;
  gint i;

  for (i = 0; i < 120 * 80; i++)
    im->data[i] = (guint8) (60 + (i * 37) % 150);

  fail_unless (vk_detect_static_bars (&l, 1, &r));
  fail_unless (r.x == 0 && r.y == 0 && r.w == 120 && r.h == 80);

  img_bars (im, 10, 0);
  fail_unless (vk_detect_static_bars (&l, 1, &r));
  fail_unless (r.x == 0 && r.y == 10 && r.w == 120 && r.h == 60);

  img_bars (im, 10, 14);
  fail_unless (vk_detect_static_bars (&l, 1, &r));
  fail_unless (r.x == 14 && r.y == 10 && r.w == 92 && r.h == 60);

  /* full-range black and a little noise still count */
  for (i = 0; i < 120 * 5; i++)
    im->data[i] = (guint8) (i % 7);
  fail_unless (vk_detect_static_bars (&l, 1, &r));
  fail_unless (r.y == 10);

  memset (im->data, 16, 120 * 80);
  fail_if (vk_detect_static_bars (&l, 1, &r));
  img_free (im);
}

GST_END_TEST;

static Suite *
align_spatial_suite (void)
{
  Suite *s = suite_create ("align_spatial");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_detect_bars);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_small_synthetic);
  tcase_add_test (tc, test_unscaled_exact);
  tcase_add_test (tc, test_unscaled_noise_brightness);
  tcase_add_test (tc, test_scaled);
  tcase_add_test (tc, test_scaled_noise_brightness);
  tcase_add_test (tc, test_upscaled);
  tcase_add_test (tc, test_prefer_unscaled);
  tcase_add_test (tc, test_letterbox);
  tcase_add_test (tc, test_multi_pair);
  tcase_add_test (tc, test_refine);
  tcase_add_test (tc, test_x264_pairs);
  tcase_add_test (tc, test_speed);
  return s;
}

GST_CHECK_MAIN (align_spatial);
