/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Drives the real vidkompycomposite element (appsrc bg + appsrc fg ->
 * vidkompycomposite -> appsink) with one random frame on each input and
 * compares every sample byte of the output with a straightforward
 * double-precision reference of the specified blend (tests/common/
 * vk-blend-ref.h, shared with tests/fuzz/fuzz-blend.c). The element may be
 * off by one.
 *
 * Also: fg scaling through the pad's width/height, and conversion of a fg
 * in another format than the bg. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "vk-blend-ref.h"

#define FPS_N 30
#define FPS_D 1
#define PULL_TIMEOUT (5 * GST_SECOND)
#define TOLERANCE 1

/* ---------------------------------------------------------------------- */
/* Cases */

static const GstVideoFormat blend_formats[] = {
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12, GST_VIDEO_FORMAT_NV12,
  GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_Y41B, GST_VIDEO_FORMAT_Y42B,
  GST_VIDEO_FORMAT_Y444, GST_VIDEO_FORMAT_AYUV, GST_VIDEO_FORMAT_BGRA,
  GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_ARGB, GST_VIDEO_FORMAT_ABGR,
  GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_xRGB,
  GST_VIDEO_FORMAT_xBGR, GST_VIDEO_FORMAT_GRAY8,
};

#define N_FORMATS G_N_ELEMENTS (blend_formats)

typedef struct
{
  const gchar *name;
  gint bg_w, bg_h;
  gint fg_w, fg_h;
  gint x, y;
  guint border;
  gdouble alpha;
  const gchar *profile;         /* nick: linear, smooth */
  const gchar *edges;           /* nick: auto, all, none */
} BlendCase;

/* run on every format */
static const BlendCase geometry_cases[] = {
  {"inside-odd", 67, 45, 23, 17, 5, 3, 3, 1.0, "linear", "auto"},
  {"negative-pos", 67, 45, 24, 18, -7, -5, 8, 0.5, "smooth", "auto"},
  {"out-right-bottom", 67, 45, 23, 17, 60, 40, 3, 1.0, "linear", "all"},
  {"fg-larger", 67, 45, 80, 60, -3, -2, 8, 1.0, "smooth", "all"},
  {"fg-larger-auto", 67, 45, 80, 60, -3, -2, 8, 0.5, "linear", "auto"},
  {"outside-far", 67, 45, 23, 17, 200, 200, 3, 1.0, "linear", "all"},
  {"outside-left", 67, 45, 23, 17, -30, 0, 3, 1.0, "linear", "all"},
  {"border-gt-half", 67, 45, 23, 17, 6, 4, 20, 1.0, "linear", "all"},
  {"border-1", 67, 45, 24, 18, 11, 9, 1, 1.0, "smooth", "auto"},
  {"alpha-0", 67, 45, 23, 17, 5, 3, 8, 0.0, "linear", "all"},
  {"hard-flush", 67, 45, 24, 18, 0, 0, 0, 1.0, "linear", "auto"},
  {"flush-right-bottom", 67, 45, 23, 17, 44, 28, 8, 0.75, "smooth", "auto"},
  {"edges-none", 67, 45, 24, 18, 7, 5, 3, 1.0, "linear", "none"},
  /* tall enough for the element to blend in two bands on two cores */
  {"banded", 160, 150, 101, 77, 13, -9, 8, 0.8, "smooth", "all"},
};

#define N_GEOMETRY_CASES G_N_ELEMENTS (geometry_cases)

static const GstVideoFormat profile_formats[] = {
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_ARGB,
};

/* run with every profile x edge mode on profile_formats */
static const BlendCase profile_geometries[] = {
  {"inside", 67, 45, 23, 17, 5, 3, 8, 1.0, NULL, NULL},
  {"corner", 67, 45, 24, 18, -7, 32, 3, 0.5, NULL, NULL},
};

static const gchar *const profile_nicks[] = { "linear", "smooth" };
static const gchar *const edge_nicks[] = { "auto", "all", "none" };

#define N_PROFILE_CASES (G_N_ELEMENTS (profile_formats) * \
    G_N_ELEMENTS (profile_geometries) * G_N_ELEMENTS (profile_nicks) * \
    G_N_ELEMENTS (edge_nicks))

static gchar *
describe_case (GstVideoFormat format, const BlendCase * bc)
{
  return g_strdup_printf ("%s '%s' (bg %dx%d, fg %dx%d at (%d,%d), "
      "border %u %s, edges %s, alpha %.2f)",
      gst_video_format_to_string (format), bc->name, bc->bg_w, bc->bg_h,
      bc->fg_w, bc->fg_h, bc->x, bc->y, bc->border, bc->profile, bc->edges,
      bc->alpha);
}

/* ---------------------------------------------------------------------- */
/* Frames */

static void
video_info_init (GstVideoInfo * info, GstVideoFormat format, gint width,
    gint height)
{
  fail_unless (gst_video_info_set_format (info, format, width, height));
  GST_VIDEO_INFO_FPS_N (info) = FPS_N;
  GST_VIDEO_INFO_FPS_D (info) = FPS_D;
}

static GstBuffer *
new_frame_buffer (const GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);

  GST_BUFFER_PTS (buf) = 0;
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int (GST_SECOND, FPS_D,
      FPS_N);
  return buf;
}

/* every byte random, padding included */
static GstBuffer *
random_frame (const GstVideoInfo * info, GRand * rand)
{
  GstBuffer *buf = new_frame_buffer (info);
  GstMapInfo map;
  gsize i;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (i = 0; i < map.size; i++)
    map.data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* A flat colour: @colour[p * 4 + k] is byte k of every sample of plane p. */
static GstBuffer *
flat_frame (const GstVideoInfo * info, const guint8 * colour)
{
  GstBuffer *buf = new_frame_buffer (info);
  GstVideoFrame frame;
  guint p;

  gst_buffer_memset (buf, 0, 0, gst_buffer_get_size (buf));
  fail_unless (gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE));
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint ps, w, h, i, j, k;

    gst_video_format_info_component (frame.info.finfo, p, comp);
    ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, comp[0]);
    w = GST_VIDEO_FRAME_COMP_WIDTH (&frame, comp[0]);
    h = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, comp[0]);
    for (j = 0; j < h; j++) {
      guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, p) +
          j * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);

      for (i = 0; i < w; i++)
        for (k = 0; k < ps; k++)
          row[i * ps + k] = colour[p * 4 + k];
    }
  }
  gst_video_frame_unmap (&frame);
  return buf;
}

/* ---------------------------------------------------------------------- */
/* Pipeline */

typedef struct
{
  gint xpos, ypos;
  gint width, height;           /* 0: not set */
  gdouble alpha;
  guint border;
  const gchar *profile;
  const gchar *edges;
  /* GstVideoResamplerMethod of the fg converter, or -1: the default */
  gint resampler;
} FgProps;

static GstCaps *
caps_from_info (const GstVideoInfo * info)
{
  GstCaps *caps = gst_video_info_to_caps (info);

  fail_unless (caps != NULL);
  return caps;
}

static gchar *
pop_error (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gchar *text;

  if (msg) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    text = g_strdup_printf ("%s (%s)", err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    gst_message_unref (msg);
  } else {
    text = g_strdup ("no error on the bus");
  }
  gst_object_unref (bus);
  return text;
}

/* Runs appsrc bg + appsrc fg -> vidkompycomposite -> appsink on one frame
 * each and returns the only output sample. @out_format NULL: the appsink
 * takes any format. */
static GstSample *
run_composite (const GstVideoInfo * bg_info, GstBuffer * bg,
    const GstVideoInfo * fg_info, GstBuffer * fg, const gchar * out_format,
    const FgProps * props, const gchar * what)
{
  GstElement *pipeline, *bgsrc, *fgsrc, *comp, *sink;
  GstPad *fgpad;
  GstCaps *caps;
  GstSample *sample, *extra;
  gchar *err;

  pipeline = gst_pipeline_new (NULL);
  bgsrc = gst_element_factory_make ("appsrc", "bg");
  fgsrc = gst_element_factory_make ("appsrc", "fg");
  comp = gst_element_factory_make ("vidkompycomposite", "c");
  sink = gst_element_factory_make ("appsink", "out");
  fail_unless (bgsrc && fgsrc && sink, "appsrc/appsink missing");
  fail_unless (comp != NULL, "vidkompycomposite not found; "
      "GST_PLUGIN_PATH_1_0=%s", g_getenv ("GST_PLUGIN_PATH_1_0"));
  gst_bin_add_many (GST_BIN (pipeline), bgsrc, fgsrc, comp, sink, NULL);

  caps = caps_from_info (bg_info);
  g_object_set (bgsrc, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);
  caps = caps_from_info (fg_info);
  g_object_set (fgsrc, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);
  if (out_format) {
    caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
        out_format, NULL);
    g_object_set (sink, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  g_object_set (sink, "sync", FALSE, NULL);

  fail_unless (gst_element_link_pads (bgsrc, "src", comp, "bg_sink"));
  fail_unless (gst_element_link_pads (fgsrc, "src", comp, "fg_sink"));
  fail_unless (gst_element_link (comp, sink));

  fgpad = gst_element_get_static_pad (comp, "fg_sink");
  fail_unless (fgpad != NULL);
  g_object_set (fgpad, "xpos", props->xpos, "ypos", props->ypos,
      "alpha", props->alpha, "border", props->border, NULL);
  if (props->width > 0)
    g_object_set (fgpad, "width", props->width, NULL);
  if (props->height > 0)
    g_object_set (fgpad, "height", props->height, NULL);
  gst_util_set_object_arg (G_OBJECT (fgpad), "border-profile", props->profile);
  gst_util_set_object_arg (G_OBJECT (fgpad), "border-edges", props->edges);
  if (props->resampler >= 0) {
    GstStructure *config = gst_structure_new ("GstVideoConverter",
        GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
        GST_TYPE_VIDEO_RESAMPLER_METHOD, props->resampler, NULL);

    g_object_set (fgpad, "converter-config", config, NULL);
    gst_structure_free (config);
  }
  gst_object_unref (fgpad);

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE, "%s: cannot start the pipeline", what);

  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (bgsrc),
          gst_buffer_ref (bg)), GST_FLOW_OK);
  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (fgsrc),
          gst_buffer_ref (fg)), GST_FLOW_OK);
  fail_unless_equals_int (gst_app_src_end_of_stream (GST_APP_SRC (bgsrc)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_app_src_end_of_stream (GST_APP_SRC (fgsrc)),
      GST_FLOW_OK);

  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_TIMEOUT);
  if (sample == NULL) {
    err = pop_error (pipeline);
    fail ("%s: no output frame: %s", what, err);
    g_free (err);
  }
  /* exactly one output frame, then EOS */
  extra = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_TIMEOUT);
  if (extra) {
    gst_sample_unref (extra);
    fail ("%s: more than one output frame for one fg frame", what);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)),
      "%s: no EOS after the only fg frame", what);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);

  return sample;
}

/* maps @sample's buffer with the info of its caps, checks size and timing */
static void
map_output (GstSample * sample, GstVideoFormat format, gint width,
    gint height, GstVideoFrame * frame, const gchar * what)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstVideoInfo info;

  fail_unless (buf != NULL);
  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)),
      "%s: bad output caps", what);
  fail_unless (GST_VIDEO_INFO_FORMAT (&info) == format,
      "%s: output format %s, expected %s", what,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
      gst_video_format_to_string (format));
  fail_unless (GST_VIDEO_INFO_WIDTH (&info) == width
      && GST_VIDEO_INFO_HEIGHT (&info) == height,
      "%s: output size %dx%d, expected %dx%d", what,
      GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info), width,
      height);
  fail_unless (GST_BUFFER_PTS (buf) == 0, "%s: output PTS %" GST_TIME_FORMAT,
      what, GST_TIME_ARGS (GST_BUFFER_PTS (buf)));
  fail_unless (GST_BUFFER_DURATION (buf) ==
      gst_util_uint64_scale_int (GST_SECOND, FPS_D, FPS_N),
      "%s: output duration %" GST_TIME_FORMAT, what,
      GST_TIME_ARGS (GST_BUFFER_DURATION (buf)));
  fail_unless (gst_video_frame_map (frame, &info, buf, GST_MAP_READ));
}

/* ---------------------------------------------------------------------- */
/* Reference */

/* Compares every sample byte of @out with the reference blend of @bg and
 * @fg (tests/common/vk-blend-ref.c); fails with the first mismatch. */
static void
check_blend (GstVideoFormat format, const BlendCase * bc,
    const GstVideoFrame * bg, const GstVideoFrame * fg,
    const GstVideoFrame * out)
{
  VkRefBlend rb = { bc->bg_w, bc->bg_h, bc->fg_w, bc->fg_h, bc->x, bc->y,
    bc->border, bc->alpha, g_str_equal (bc->profile, "smooth")
  };
  VkRefBlendResult res;
  gchar *what = describe_case (format, bc);

  fail_unless (vk_ref_blend_set_edges (&rb, bc->edges));
  vk_ref_blend_check (&rb, bg, fg, out, TOLERANCE, &res);
  GST_INFO ("%s: %u covered samples, max diff %d", what, res.n_covered,
      res.max_diff);
  if (res.n_bad)
    fail ("%s: %s; %u byte(s) off by more than %d (max %d)", what, res.first,
        res.n_bad, TOLERANCE, res.max_diff);

  g_free (res.first);
  g_free (what);
}

static void
run_blend_case (GstVideoFormat format, const BlendCase * bc, guint32 seed)
{
  GstVideoInfo bg_info, fg_info;
  GstVideoFrame bg_frame, fg_frame, out_frame;
  GstBuffer *bg, *fg;
  GstSample *sample;
  GRand *rand = g_rand_new_with_seed (seed);
  FgProps props = { bc->x, bc->y, 0, 0, bc->alpha, bc->border, bc->profile,
    bc->edges, -1
  };
  gchar *what = describe_case (format, bc);

  video_info_init (&bg_info, format, bc->bg_w, bc->bg_h);
  video_info_init (&fg_info, format, bc->fg_w, bc->fg_h);
  bg = random_frame (&bg_info, rand);
  fg = random_frame (&fg_info, rand);

  sample = run_composite (&bg_info, bg, &fg_info, fg,
      gst_video_format_to_string (format), &props, what);

  map_output (sample, format, bc->bg_w, bc->bg_h, &out_frame, what);
  fail_unless (gst_video_frame_map (&bg_frame, &bg_info, bg, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&fg_frame, &fg_info, fg, GST_MAP_READ));

  check_blend (format, bc, &bg_frame, &fg_frame, &out_frame);

  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&bg_frame);
  gst_video_frame_unmap (&fg_frame);
  gst_sample_unref (sample);
  gst_buffer_unref (bg);
  gst_buffer_unref (fg);
  g_rand_free (rand);
  g_free (what);
}

/* ---------------------------------------------------------------------- */
/* Tests */

/* every format x every geometry case */
GST_START_TEST (test_blend_formats)
{
  guint f = __i__ / N_GEOMETRY_CASES;
  guint c = __i__ % N_GEOMETRY_CASES;

  run_blend_case (blend_formats[f], &geometry_cases[c], 0x5eed0000 + __i__);
}

GST_END_TEST;

/* every profile x edge mode on two formats and two geometries */
GST_START_TEST (test_blend_profiles_edges)
{
  guint i = __i__;
  guint e = i % G_N_ELEMENTS (edge_nicks);
  guint pr = (i /= G_N_ELEMENTS (edge_nicks)) % G_N_ELEMENTS (profile_nicks);
  guint g = (i /= G_N_ELEMENTS (profile_nicks)) %
      G_N_ELEMENTS (profile_geometries);
  guint f = i / G_N_ELEMENTS (profile_geometries);
  BlendCase bc = profile_geometries[g];

  bc.profile = profile_nicks[pr];
  bc.edges = edge_nicks[e];
  run_blend_case (profile_formats[f], &bc, 0xed6e0000 + __i__);
}

GST_END_TEST;

typedef struct
{
  GstVideoFormat format;
  guint8 bg[GST_VIDEO_MAX_PLANES * 4];
  guint8 fg[GST_VIDEO_MAX_PLANES * 4];
} FlatColours;

static const FlatColours scale_colours[] = {
  {GST_VIDEO_FORMAT_I420, {30, 0, 0, 0, 140, 0, 0, 0, 100},
      {200, 0, 0, 0, 60, 0, 0, 0, 180}},
  {GST_VIDEO_FORMAT_BGRA, {90, 20, 240, 128}, {10, 200, 100, 255}},
};

/* A flat 20x10 fg scaled by the pad's width/height to 40x30 at (8,6) on a
 * flat 67x45 bg, hard edges: the fg colour exactly on [8,48)x[6,36), the bg
 * colour elsewhere. Chroma samples are checked where they lie entirely
 * inside or outside that rectangle. @resampler: the fg converter's
 * resampler method, -1 for the element's default. */
static void
run_scaling_case (const FlatColours * fc, gint resampler)
{
  const gint x0 = 8, y0 = 6, sw = 40, sh = 30;
  GstVideoInfo bg_info, fg_info;
  GstVideoFrame out;
  GstBuffer *bg, *fg;
  GstSample *sample;
  FgProps props = { x0, y0, sw, sh, 1.0, 0, "linear", "auto", resampler };
  const gchar *fmt = gst_video_format_to_string (fc->format);
  gchar *what;
  guint p;

  if (resampler >= 0) {
    GEnumClass *klass = g_type_class_ref (GST_TYPE_VIDEO_RESAMPLER_METHOD);
    GEnumValue *v = g_enum_get_value (klass, resampler);

    what = g_strdup_printf ("scaling %s: fg 20x10 -> %dx%d at (%d,%d), "
        "converter resampler-method %s", fmt, sw, sh, x0, y0,
        v ? v->value_nick : "?");
    g_type_class_unref (klass);
  } else {
    what = g_strdup_printf ("scaling %s: fg 20x10 -> %dx%d at (%d,%d), "
        "default converter config", fmt, sw, sh, x0, y0);
  }

  video_info_init (&bg_info, fc->format, 67, 45);
  video_info_init (&fg_info, fc->format, 20, 10);
  bg = flat_frame (&bg_info, fc->bg);
  fg = flat_frame (&fg_info, fc->fg);

  sample = run_composite (&bg_info, bg, &fg_info, fg, fmt, &props, what);
  map_output (sample, fc->format, 67, 45, &out, what);

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&out); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint sx, sy, ps, pw, ph, i, j, k, n_in = 0;

    gst_video_format_info_component (out.info.finfo, p, comp);
    sx = 1 << GST_VIDEO_FORMAT_INFO_W_SUB (out.info.finfo, comp[0]);
    sy = 1 << GST_VIDEO_FORMAT_INFO_H_SUB (out.info.finfo, comp[0]);
    ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&out, comp[0]);
    pw = GST_VIDEO_FRAME_COMP_WIDTH (&out, comp[0]);
    ph = GST_VIDEO_FRAME_COMP_HEIGHT (&out, comp[0]);

    for (j = 0; j < ph; j++) {
      const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out,
          p) + (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (&out, p);
      /* luma rows [ly0, ly1) this sample covers */
      gint ly0 = j * sy, ly1 = (j + 1) * sy;
      gboolean in_y = ly0 >= y0 && ly1 <= y0 + sh;
      gboolean out_y = ly1 <= y0 || ly0 >= y0 + sh;

      for (i = 0; i < pw; i++) {
        gint lx0 = i * sx, lx1 = (i + 1) * sx;
        gboolean in_x = lx0 >= x0 && lx1 <= x0 + sw;
        gboolean out_x = lx1 <= x0 || lx0 >= x0 + sw;
        const guint8 *expected;

        if (in_x && in_y)
          expected = &fc->fg[p * 4];
        else if (out_x || out_y)
          expected = &fc->bg[p * 4];
        else
          continue;
        if (in_x && in_y)
          n_in++;

        for (k = 0; k < ps; k++) {
          if (ABS ((gint) row[i * ps + k] - expected[k]) > 1)
            fail ("%s: plane %u sample (%d,%d) byte %d (%s): expected %d, "
                "got %d", what, p, i, j, k, in_x
                && in_y ? "inside" : "outside", expected[k], row[i * ps + k]);
        }
      }
    }
    fail_unless_equals_int (n_in, (sw / sx) * (sh / sy));
  }

  gst_video_frame_unmap (&out);
  gst_sample_unref (sample);
  gst_buffer_unref (bg);
  gst_buffer_unref (fg);
  g_free (what);
}

/* the placement and scaled size, with a scaler that keeps flat colours flat
 * (linear; cubic, the converter's default, rings by a few LSB at some
 * ratios, as with compositor and videoscale method=bicubic) */
GST_START_TEST (test_scaling)
{
  run_scaling_case (&scale_colours[__i__], GST_VIDEO_RESAMPLER_METHOD_LINEAR);
}

GST_END_TEST;

/* The reference colour: @fg_info's flat @colour converted by
 * GstVideoConverter to @out_info's format and colorimetry. */
static void
convert_colour (const GstVideoInfo * fg_info, const guint8 * colour,
    const GstVideoInfo * out_info, guint8 * converted)
{
  GstVideoInfo conv_info;
  GstVideoConverter *conv;
  GstVideoFrame src, dst;
  GstBuffer *src_buf, *dst_buf;
  guint p;

  fail_unless (gst_video_info_set_format (&conv_info,
          GST_VIDEO_INFO_FORMAT (out_info), GST_VIDEO_INFO_WIDTH (fg_info),
          GST_VIDEO_INFO_HEIGHT (fg_info)));
  conv_info.colorimetry = out_info->colorimetry;
  conv_info.chroma_site = out_info->chroma_site;
  GST_VIDEO_INFO_FPS_N (&conv_info) = GST_VIDEO_INFO_FPS_N (fg_info);
  GST_VIDEO_INFO_FPS_D (&conv_info) = GST_VIDEO_INFO_FPS_D (fg_info);

  src_buf = flat_frame (fg_info, colour);
  dst_buf = gst_buffer_new_allocate (NULL, conv_info.size, NULL);
  fail_unless (gst_video_frame_map (&src, fg_info, src_buf, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&dst, &conv_info, dst_buf, GST_MAP_WRITE));
  conv = gst_video_converter_new ((GstVideoInfo *) fg_info, &conv_info, NULL);
  fail_unless (conv != NULL);
  gst_video_converter_frame (conv, &src, &dst);
  gst_video_converter_free (conv);

  memset (converted, 0, GST_VIDEO_MAX_PLANES * 4);
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&dst); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint ps, k;
    const guint8 *centre;

    gst_video_format_info_component (dst.info.finfo, p, comp);
    ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&dst, comp[0]);
    centre = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&dst, p) +
        (GST_VIDEO_FRAME_COMP_HEIGHT (&dst, comp[0]) / 2) *
        GST_VIDEO_FRAME_PLANE_STRIDE (&dst, p) +
        (GST_VIDEO_FRAME_COMP_WIDTH (&dst, comp[0]) / 2) * ps;
    for (k = 0; k < ps; k++)
      converted[p * 4 + k] = centre[k];
  }

  gst_video_frame_unmap (&src);
  gst_video_frame_unmap (&dst);
  gst_buffer_unref (src_buf);
  gst_buffer_unref (dst_buf);
}

/* bg I420, fg BGRA: the output is I420 and the fg area has the fg colour
 * converted to I420 (±2), the rest the bg colour. */
GST_START_TEST (test_convert_fg)
{
  static const guint8 bg_colour[GST_VIDEO_MAX_PLANES * 4] =
      { 30, 0, 0, 0, 140, 0, 0, 0, 100 };
  static const guint8 fg_colour[GST_VIDEO_MAX_PLANES * 4] =
      { 40, 200, 100, 255 };
  const gint x0 = 5, y0 = 3, fw = 23, fh = 17;
  guint8 expected_fg[GST_VIDEO_MAX_PLANES * 4];
  GstVideoInfo bg_info, fg_info, out_info;
  GstVideoFrame out;
  GstBuffer *bg, *fg;
  GstSample *sample;
  GstStructure *s;
  FgProps props = { x0, y0, 0, 0, 1.0, 0, "linear", "auto", -1 };
  const gchar *what = "convert: bg I420, fg BGRA 23x17 at (5,3)";
  guint p;

  video_info_init (&bg_info, GST_VIDEO_FORMAT_I420, 67, 45);
  video_info_init (&fg_info, GST_VIDEO_FORMAT_BGRA, fw, fh);
  bg = flat_frame (&bg_info, bg_colour);
  fg = flat_frame (&fg_info, fg_colour);

  /* no format forced at the output: the element must pick the bg's */
  sample = run_composite (&bg_info, bg, &fg_info, fg, NULL, &props, what);
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "I420");
  map_output (sample, GST_VIDEO_FORMAT_I420, 67, 45, &out, what);
  out_info = out.info;

  convert_colour (&fg_info, fg_colour, &out_info, expected_fg);
  GST_INFO ("BGRA %d,%d,%d converted to Y %d U %d V %d", fg_colour[0],
      fg_colour[1], fg_colour[2], expected_fg[0], expected_fg[4],
      expected_fg[8]);
  /* sanity: a clearly coloured fg, unlike the bg */
  fail_unless (ABS ((gint) expected_fg[0] - bg_colour[0]) > 20);

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&out); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint sx, sy, pw, ph, i, j, n_in = 0;

    gst_video_format_info_component (out.info.finfo, p, comp);
    sx = 1 << GST_VIDEO_FORMAT_INFO_W_SUB (out.info.finfo, comp[0]);
    sy = 1 << GST_VIDEO_FORMAT_INFO_H_SUB (out.info.finfo, comp[0]);
    pw = GST_VIDEO_FRAME_COMP_WIDTH (&out, comp[0]);
    ph = GST_VIDEO_FRAME_COMP_HEIGHT (&out, comp[0]);

    for (j = 0; j < ph; j++) {
      const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out,
          p) + (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (&out, p);
      gint ly0 = j * sy, ly1 = (j + 1) * sy;
      gboolean in_y = ly0 >= y0 && ly1 <= y0 + fh;
      gboolean out_y = ly1 <= y0 || ly0 >= y0 + fh;

      for (i = 0; i < pw; i++) {
        gint lx0 = i * sx, lx1 = (i + 1) * sx;
        gboolean in_x = lx0 >= x0 && lx1 <= x0 + fw;
        gboolean out_x = lx1 <= x0 || lx0 >= x0 + fw;
        gint expected, tol;

        if (in_x && in_y) {
          expected = expected_fg[p * 4];
          tol = 2;
          n_in++;
        } else if (out_x || out_y) {
          expected = bg_colour[p * 4];
          tol = 1;
        } else {
          continue;
        }
        if (ABS ((gint) row[i] - expected) > tol)
          fail ("%s: plane %u sample (%d,%d) (%s): expected %d, got %d",
              what, p, i, j, in_x && in_y ? "inside" : "outside", expected,
              row[i]);
      }
    }
    fail_unless (n_in > 0);
  }

  gst_video_frame_unmap (&out);
  gst_sample_unref (sample);
  gst_buffer_unref (bg);
  gst_buffer_unref (fg);
}

GST_END_TEST;

static Suite *
composite_blend_suite (void)
{
  Suite *s = suite_create ("composite_blend");
  TCase *tc;

  tc = tcase_create ("blend");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_blend_formats, 0, N_FORMATS * N_GEOMETRY_CASES);
  tcase_add_loop_test (tc, test_blend_profiles_edges, 0, N_PROFILE_CASES);

  tc = tcase_create ("scaling");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_scaling, 0, G_N_ELEMENTS (scale_colours));

  tc = tcase_create ("convert");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_convert_fg);

  return s;
}

GST_CHECK_MAIN (composite_blend);
