/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/*
 * composite-bench: throughput of vidkompycomposite against compositor, and
 * of the blend kernels (ORC against plain C).
 *
 * Pipeline cases.  bg 1920x1080, fg 1920x870 at (0,0), both 30 fps.  A few
 * random frames per input are made once; a pushing thread per input then
 * pushes shallow copies of them (new GstBuffers sharing the frames' memory,
 * only the timestamps differ) into an appsrc (block=true, max-buffers=2),
 * with PTS i/30 s, then EOS.  The sink is fakesink sync=false.  A run is
 * timed from the switch to PLAYING to the EOS message on the bus
 * (monotonic clock), together with the process CPU time (getrusage) spent
 * meanwhile.  Every case is run --reps times, the cases interleaved so that
 * load bursts on a shared machine do not hit one case only, and the median
 * is reported.
 *
 * Kernel cases.  vk_blend_frame () on a single band of a 1080p frame with
 * the 1920x870 fg, border 16 on all edges, with vk_blend_kernels_orc and
 * vk_blend_kernels_c, and the variable-weight row kernels alone on rows of
 * 1920 samples.  The medians are of single frames (or of batches of 1000
 * rows).
 *
 * See bench/README.md.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <gst/gst.h>

#include "bench-common.h"
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "vkblend.h"
#include "vkmask.h"

#ifndef VK_BENCH_PLUGIN_DIR
#error "VK_BENCH_PLUGIN_DIR must be defined (the build's gst/ directory)"
#endif

#define BG_WIDTH 1920
#define BG_HEIGHT 1080
#define FG_WIDTH 1920
#define FG_HEIGHT 870
#define FPS_N 30
#define FPS_D 1
#define BORDER 16

/* distinct input frames per stream, pushed round robin */
#define N_DISTINCT 3
/* appsrc queue length */
#define SRC_MAX_BUFFERS 2
/* frames of the untimed warm-up run of every case */
#define WARMUP_FRAMES 30
/* a single run taking longer than this is an error */
#define RUN_TIMEOUT (180 * GST_SECOND)

#define STRIP_SAMPLES 1920
#define STRIP_ROWS 1000

/* targets */
#define TARGET_FEATHER_COST 1.25
#define TARGET_VS_ALPHA_RAMP 5.0

typedef enum
{
  ELEM_VK,
  ELEM_COMP,
  ELEM_NONE,                    /* inputs straight into fakesinks */
} BenchElem;

/* alpha ramp baked into the fg's alpha channel (compositor cases) */
typedef enum
{
  RAMP_NONE,
  RAMP_BOTTOM,
  RAMP_ALL,
} BenchRamp;

typedef struct
{
  const gchar *id;
  const gchar *what;
  BenchElem elem;
  GstVideoFormat bg_format;
  GstVideoFormat fg_format;
  GstVideoFormat mix_format;    /* output of the mixer */
  GstVideoFormat out_format;    /* videoconvert to this when it differs */
  guint border;                 /* vidkompycomposite: fg_sink::border */
  const gchar *edges;           /* vidkompycomposite: fg_sink::border-edges */
  BenchRamp ramp;               /* compositor: alpha ramp in the fg */
  guint threads;                /* max-threads, 0 = auto */
  const gchar *peer;            /* id of the row this one is compared to */
  gboolean quick;               /* also run with --quick */

  /* results, one per rep */
  GArray *wall_ms;              /* per frame */
  GArray *cpu_ms;               /* per frame */
  gboolean failed;
} BenchCase;

#define I420 GST_VIDEO_FORMAT_I420
#define AYUV GST_VIDEO_FORMAT_AYUV
#define BGRA GST_VIDEO_FORMAT_BGRA

static BenchCase cases[] = {
  /* id, what, element, bg, fg, mixer out, out, border, edges, ramp,
   * threads, peer, in --quick */
  {"feed", "I420 inputs only, no mixer", ELEM_NONE, I420, I420, I420, I420,
      0, NULL, RAMP_NONE, 0, NULL, TRUE},
  {"a", "I420 hard edge", ELEM_VK, I420, I420, I420, I420, 0, "auto",
      RAMP_NONE, 0, "a-comp", TRUE},
  {"a-comp", "I420 hard edge", ELEM_COMP, I420, I420, I420, I420, 0, NULL,
      RAMP_NONE, 0, NULL, TRUE},
  {"a-t1", "I420 hard edge", ELEM_VK, I420, I420, I420, I420, 0, "auto",
      RAMP_NONE, 1, "a-comp-t1", FALSE},
  {"a-comp-t1", "I420 hard edge", ELEM_COMP, I420, I420, I420, I420, 0,
      NULL, RAMP_NONE, 1, NULL, FALSE},
  {"b", "I420 feather 16 auto (bottom)", ELEM_VK, I420, I420, I420, I420,
      BORDER, "auto", RAMP_NONE, 0, "a", TRUE},
  {"b2", "I420 feather 16 all edges", ELEM_VK, I420, I420, I420, I420,
      BORDER, "all", RAMP_NONE, 0, "a", TRUE},
  {"b-t1", "I420 feather 16 auto (bottom)", ELEM_VK, I420, I420, I420, I420,
      BORDER, "auto", RAMP_NONE, 1, "a-t1", FALSE},
  {"c", "AYUV fg ramp bottom, ->AYUV->I420", ELEM_COMP, I420, AYUV, AYUV,
      I420, 0, NULL, RAMP_BOTTOM, 0, "b", TRUE},
  {"c2", "AYUV fg ramp all, ->AYUV->I420", ELEM_COMP, I420, AYUV, AYUV, I420,
      0, NULL, RAMP_ALL, 0, "b2", FALSE},
  {"c-ayuv", "AYUV fg ramp bottom, ->AYUV only", ELEM_COMP, I420, AYUV, AYUV,
      AYUV, 0, NULL, RAMP_BOTTOM, 0, "b", FALSE},
  {"d", "BGRA hard edge", ELEM_VK, BGRA, BGRA, BGRA, BGRA, 0, "auto",
      RAMP_NONE, 0, "d-comp", TRUE},
  {"d-b", "BGRA feather 16 auto (bottom)", ELEM_VK, BGRA, BGRA, BGRA, BGRA,
      BORDER, "auto", RAMP_NONE, 0, "d-comp", TRUE},
  {"d-comp", "BGRA hard edge", ELEM_COMP, BGRA, BGRA, BGRA, BGRA, 0, NULL,
      RAMP_NONE, 0, NULL, TRUE},
  {"d-comp-b", "BGRA fg alpha ramp bottom", ELEM_COMP, BGRA, BGRA, BGRA,
      BGRA, 0, NULL, RAMP_BOTTOM, 0, "d-b", FALSE},
};

#undef I420
#undef AYUV
#undef BGRA

/* A set of prepared input frames. */
typedef struct
{
  GstVideoFormat format;
  gint width, height;
  BenchRamp ramp;
  GstVideoInfo info;
  GstBuffer *frames[N_DISTINCT];
} FrameSet;

static GPtrArray *frame_sets;   /* FrameSet */

/* command line */
/* -1: the default, which depends on --quick */
static gint opt_frames = -1;
static gint opt_reps = -1;
static gint opt_iterations = -1;
static gboolean opt_quick = FALSE;
static gboolean opt_no_pipelines = FALSE;
static gboolean opt_no_kernels = FALSE;
static gchar *opt_only = NULL;
static gboolean opt_verbose = FALSE;

static GOptionEntry opt_entries[] = {
  {"frames", 'n', 0, G_OPTION_ARG_INT, &opt_frames,
      "Frames per pipeline run (default 300, --quick 100)", "N"},
  {"reps", 'r', 0, G_OPTION_ARG_INT, &opt_reps,
      "Repetitions of every case; the median is reported (default 5)", "N"},
  {"iterations", 'i', 0, G_OPTION_ARG_INT, &opt_iterations,
        "Frames per repetition of the kernel cases (default 200, --quick 40)",
      "N"},
  {"quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
      "Fewer frames and cases (a quarter of a minute)", NULL},
  {"only", 0, 0, G_OPTION_ARG_STRING, &opt_only,
      "Run only the pipeline cases whose ids are in this comma-separated "
        "list (plus the rows they are compared to)", "IDS"},
  {"no-pipelines", 0, 0, G_OPTION_ARG_NONE, &opt_no_pipelines,
      "Skip the pipeline cases", NULL},
  {"no-kernels", 0, 0, G_OPTION_ARG_NONE, &opt_no_kernels,
      "Skip the kernel micro-benchmark", NULL},
  {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
      "Print every run and the negotiated caps", NULL},
  {NULL}
};

/* ------------------------------------------------------------------------ */
/* Helpers */

/* median of @arr, NAN when empty */
static gdouble
median (GArray * arr)
{
  return arr ? vk_bench_median ((const gdouble *) arr->data, arr->len) : NAN;
}

static gdouble
minimum (GArray * arr)
{
  gdouble m = INFINITY;
  guint i;

  for (i = 0; arr && i < arr->len; i++)
    m = MIN (m, g_array_index (arr, gdouble, i));
  return m;
}

static void
fill_random (GRand * rand, guint8 * data, gsize size)
{
  gsize i;

  for (i = 0; i + 4 <= size; i += 4) {
    guint32 v = g_rand_int (rand);

    memcpy (data + i, &v, 4);
  }
  for (; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
}

static GstBuffer *
new_random_frame (GRand * rand, const GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info),
      NULL);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  fill_random (rand, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  return buf;
}

static void
set_video_info (GstVideoInfo * info, GstVideoFormat format, gint width,
    gint height)
{
  gst_video_info_set_format (info, format, width, height);
  GST_VIDEO_INFO_FPS_N (info) = FPS_N;
  GST_VIDEO_INFO_FPS_D (info) = FPS_D;
}

/* The weight vidkompycomposite gives a pixel with a linear 16 px border on
 * @edges, as an 8-bit alpha. */
static guint8
ramp_alpha (gint x, gint y, gint width, gint height, guint edges)
{
  gdouble wx = vk_feather_weight (x + 0.5, width, edges & VK_EDGE_LEFT,
      edges & VK_EDGE_RIGHT, BORDER, VK_BORDER_PROFILE_LINEAR);
  gdouble wy = vk_feather_weight (y + 0.5, height, edges & VK_EDGE_TOP,
      edges & VK_EDGE_BOTTOM, BORDER, VK_BORDER_PROFILE_LINEAR);
  gint v = (gint) (255.0 * MIN (wx, wy) + 0.5);

  return (guint8) CLAMP (v, 0, 255);
}

/* Sets the alpha of every pixel of a packed 4-byte frame: opaque without a
 * ramp, else the feather weight. */
static void
set_alpha (GstBuffer * buf, const GstVideoInfo * info, BenchRamp ramp)
{
  GstVideoFrame frame;
  gint a_off = GST_VIDEO_INFO_COMP_OFFSET (info, GST_VIDEO_COMP_A);
  gint w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  guint edges = ramp == RAMP_ALL ? VK_EDGE_ALL : ramp == RAMP_BOTTOM ?
      VK_EDGE_BOTTOM : 0;
  guint8 *colw;
  gint x, y;

  g_assert (GST_VIDEO_INFO_HAS_ALPHA (info));
  /* separable: min of a per-column and a per-row weight */
  colw = g_malloc (w);
  for (x = 0; x < w; x++)
    colw[x] = ramp_alpha (x, h / 2, w, h, edges & (VK_EDGE_LEFT |
            VK_EDGE_RIGHT));

  gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE);
  for (y = 0; y < h; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
        + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    guint8 rw = ramp_alpha (w / 2, y, w, h, edges & (VK_EDGE_TOP |
            VK_EDGE_BOTTOM));

    for (x = 0; x < w; x++)
      row[4 * x + a_off] = MIN (colw[x], rw);
  }
  gst_video_frame_unmap (&frame);
  g_free (colw);
}

/* Converts @src (of @src_info) to a new buffer of @dst_info. */
static GstBuffer *
convert_frame (GstBuffer * src, const GstVideoInfo * src_info,
    const GstVideoInfo * dst_info)
{
  GstVideoConverter *conv = gst_video_converter_new (src_info, dst_info,
      NULL);
  GstBuffer *dst = gst_buffer_new_allocate (NULL,
      GST_VIDEO_INFO_SIZE (dst_info), NULL);
  GstVideoFrame in, out;

  gst_video_frame_map (&in, src_info, src, GST_MAP_READ);
  gst_video_frame_map (&out, dst_info, dst, GST_MAP_WRITE);
  gst_video_converter_frame (conv, &in, &out);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  gst_video_converter_free (conv);
  return dst;
}

static void
frame_set_free (gpointer data)
{
  FrameSet *fs = data;
  guint i;

  for (i = 0; i < N_DISTINCT; i++)
    gst_clear_buffer (&fs->frames[i]);
  g_free (fs);
}

static FrameSet *
get_frame_set (GstVideoFormat format, gint width, gint height, BenchRamp ramp)
{
  FrameSet *fs;
  GRand *rand;
  guint i;

  for (i = 0; i < frame_sets->len; i++) {
    fs = g_ptr_array_index (frame_sets, i);
    if (fs->format == format && fs->width == width && fs->height == height
        && fs->ramp == ramp)
      return fs;
  }

  fs = g_new0 (FrameSet, 1);
  fs->format = format;
  fs->width = width;
  fs->height = height;
  fs->ramp = ramp;
  set_video_info (&fs->info, format, width, height);

  /* deterministic content */
  rand = g_rand_new_with_seed (0x5eed0000u + width + height);
  for (i = 0; i < N_DISTINCT; i++) {
    if (format == GST_VIDEO_FORMAT_AYUV) {
      /* the fg "a user must prepare today": its I420 frame converted once */
      FrameSet *yuv = get_frame_set (GST_VIDEO_FORMAT_I420, width, height,
          RAMP_NONE);

      fs->frames[i] = convert_frame (yuv->frames[i], &yuv->info, &fs->info);
    } else {
      fs->frames[i] = new_random_frame (rand, &fs->info);
    }
    if (GST_VIDEO_INFO_HAS_ALPHA (&fs->info))
      set_alpha (fs->frames[i], &fs->info, ramp);
  }
  g_rand_free (rand);

  g_ptr_array_add (frame_sets, fs);
  return fs;
}

/* ------------------------------------------------------------------------ */
/* Pipeline runs */

typedef struct
{
  GstAppSrc *src;
  FrameSet *fs;
  gint n_frames;
  GThread *thread;
} Pusher;

static gpointer
push_thread (gpointer data)
{
  Pusher *p = data;
  gint i;

  for (i = 0; i < p->n_frames; i++) {
    /* a new buffer sharing the frame's memory: no pixel is copied */
    GstBuffer *buf = gst_buffer_copy (p->fs->frames[i % N_DISTINCT]);

    GST_BUFFER_PTS (buf) = gst_util_uint64_scale (i, GST_SECOND * FPS_D, FPS_N);
    GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (i + 1,
        GST_SECOND * FPS_D, FPS_N) - GST_BUFFER_PTS (buf);
    GST_BUFFER_OFFSET (buf) = i;
    if (gst_app_src_push_buffer (p->src, buf) != GST_FLOW_OK)
      return NULL;              /* flushing: the run failed */
  }
  gst_app_src_end_of_stream (p->src);
  return NULL;
}

static GstPadProbeReturn
count_buffers (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static gchar *
pipeline_description (const BenchCase * c)
{
  GString *d = g_string_new (NULL);

  if (c->elem == ELEM_NONE) {
    g_string_append (d, "appsrc name=bg ! fakesink name=sink sync=false "
        "enable-last-sample=false appsrc name=fg ! fakesink name=sink2 "
        "sync=false enable-last-sample=false");
    return g_string_free (d, FALSE);
  }
  /* the fg_sink properties are set in configure_mixer (): GStreamer 1.22's
   * gst_parse_launch () leaks a reference to an existing child it sets a
   * property on (fg_sink::xpos=...) */
  if (c->elem == ELEM_VK)
    g_string_append_printf (d, "vidkompycomposite name=mix max-threads=%u ",
        c->threads);
  else
    g_string_append_printf (d, "compositor name=mix max-threads=%u "
        "sink_0::zorder=0 sink_1::zorder=1 sink_1::xpos=0 sink_1::ypos=0 ",
        c->threads);
  g_string_append_printf (d, "! video/x-raw,format=%s,width=%d,height=%d ",
      gst_video_format_to_string (c->mix_format), BG_WIDTH, BG_HEIGHT);
  if (c->out_format != c->mix_format)
    g_string_append_printf (d, "! videoconvert n-threads=%u "
        "! video/x-raw,format=%s ", c->threads,
        gst_video_format_to_string (c->out_format));
  g_string_append_printf (d, "! fakesink name=sink sync=false "
      "enable-last-sample=false appsrc name=bg ! mix.%s appsrc name=fg "
      "! mix.%s", c->elem == ELEM_VK ? "bg_sink" : "sink_0",
      c->elem == ELEM_VK ? "fg_sink" : "sink_1");

  return g_string_free (d, FALSE);
}

static void
configure_mixer (GstElement * pipeline, const BenchCase * c)
{
  GstElement *mix;
  GstPad *fg;

  if (c->elem != ELEM_VK)
    return;
  mix = gst_bin_get_by_name (GST_BIN (pipeline), "mix");
  fg = gst_element_get_static_pad (mix, "fg_sink");
  g_object_set (fg, "xpos", 0, "ypos", 0, "border", c->border, NULL);
  gst_util_set_object_arg (G_OBJECT (fg), "border-edges", c->edges);
  gst_object_unref (fg);
  gst_object_unref (mix);
}

static void
setup_appsrc (GstElement * pipeline, const gchar * name, Pusher * p,
    FrameSet * fs, gint n_frames)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), name);
  GstCaps *caps = gst_video_info_to_caps (&fs->info);

  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "is-live",
      FALSE, "block", TRUE, "max-buffers", (guint64) SRC_MAX_BUFFERS,
      "max-bytes", (guint64) 0, "max-time", (guint64) 0, "emit-signals",
      FALSE, NULL);
  gst_caps_unref (caps);

  p->src = GST_APP_SRC (src);   /* owns the ref */
  p->fs = fs;
  p->n_frames = n_frames;
  p->thread = NULL;
}

/* Runs @c once; on success stores wall and CPU time per frame when
 * @record. */
static gboolean
run_case (BenchCase * c, gint n_frames, gboolean record)
{
  GError *err = NULL;
  gchar *desc = pipeline_description (c);
  GstElement *pipeline, *sink;
  GstPad *sinkpad;
  GstBus *bus;
  GstMessage *msg;
  Pusher pushers[2];
  gint count = 0, expected = n_frames;
  gint64 t0, t1;
  gdouble cpu0, cpu1;
  gboolean ok = FALSE;
  guint i;

  pipeline = gst_parse_launch (desc, &err);
  if (pipeline == NULL || err != NULL) {
    g_printerr ("%s: cannot build \"%s\": %s\n", c->id, desc,
        err ? err->message : "?");
    g_clear_error (&err);
    gst_clear_object (&pipeline);
    g_free (desc);
    return FALSE;
  }

  configure_mixer (pipeline, c);
  setup_appsrc (pipeline, "bg", &pushers[0],
      get_frame_set (c->bg_format, BG_WIDTH, BG_HEIGHT, RAMP_NONE), n_frames);
  setup_appsrc (pipeline, "fg", &pushers[1],
      get_frame_set (c->fg_format, FG_WIDTH, FG_HEIGHT, c->ramp), n_frames);

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_buffers,
      &count, NULL);
  if (c->elem == ELEM_NONE) {
    GstElement *sink2 = gst_bin_get_by_name (GST_BIN (pipeline), "sink2");
    GstPad *pad2 = gst_element_get_static_pad (sink2, "sink");

    /* both inputs are counted: 2 n_frames buffers */
    gst_pad_add_probe (pad2, GST_PAD_PROBE_TYPE_BUFFER, count_buffers,
        &count, NULL);
    gst_object_unref (pad2);
    gst_object_unref (sink2);
    expected = 2 * n_frames;
  }

  bus = gst_element_get_bus (pipeline);

  cpu0 = vk_bench_cpu_seconds ();
  t0 = g_get_monotonic_time ();
  for (i = 0; i < G_N_ELEMENTS (pushers); i++)
    pushers[i].thread = g_thread_new (i ? "push-fg" : "push-bg", push_thread,
        &pushers[i]);
  /* on failure an error message follows on the bus */
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    g_printerr ("%s: cannot start the pipeline\n", c->id);
  msg = gst_bus_timed_pop_filtered (bus, RUN_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  t1 = g_get_monotonic_time ();
  cpu1 = vk_bench_cpu_seconds ();

  if (msg == NULL) {
    g_printerr ("%s: no EOS after %" GST_TIME_FORMAT "\n", c->id,
        GST_TIME_ARGS (RUN_TIMEOUT));
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("%s: error from %s: %s\n  %s\n", c->id,
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
  } else if (g_atomic_int_get (&count) != expected) {
    g_printerr ("%s: %d output frames, expected %d\n", c->id,
        g_atomic_int_get (&count), expected);
  } else {
    ok = TRUE;
  }
  gst_clear_message (&msg);

  if (opt_verbose) {
    GstCaps *caps = gst_pad_get_current_caps (sinkpad);
    gchar *s = caps ? gst_caps_to_string (caps) : g_strdup ("none");

    g_printerr ("  %s: %.1f ms, cpu %.1f ms, %d frames, output %s\n", c->id,
        (t1 - t0) / 1e3, (cpu1 - cpu0) * 1e3, g_atomic_int_get (&count), s);
    g_free (s);
    gst_clear_caps (&caps);
  }

  /* flushes the appsrcs, which unblocks the pushers after a failure */
  gst_element_set_state (pipeline, GST_STATE_NULL);
  for (i = 0; i < G_N_ELEMENTS (pushers); i++) {
    if (pushers[i].thread)
      g_thread_join (pushers[i].thread);
    gst_object_unref (pushers[i].src);
  }

  if (ok && record) {
    gdouble wall = (t1 - t0) / 1e3 / n_frames;
    gdouble cpu = (cpu1 - cpu0) * 1e3 / n_frames;

    g_array_append_val (c->wall_ms, wall);
    g_array_append_val (c->cpu_ms, cpu);
  }

  gst_object_unref (sinkpad);
  gst_object_unref (sink);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (desc);
  return ok;
}

static BenchCase *
find_case (const gchar * id)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    if (g_strcmp0 (cases[i].id, id) == 0)
      return &cases[i];
  return NULL;
}

static gboolean
case_selected (const BenchCase * c, gchar ** only)
{
  guint i;

  if (only == NULL)
    return !opt_quick || c->quick;
  for (i = 0; only[i]; i++) {
    const BenchCase *o = find_case (only[i]);

    if (o == c || (o && g_strcmp0 (o->peer, c->id) == 0))
      return TRUE;
  }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Kernel micro-benchmark */

typedef struct
{
  const gchar *id;
  const gchar *what;
  const gchar *unit;
  gdouble orc_us;
  gdouble c_us;
  gboolean same;
} KernelResult;

static void
kernel_result_init (KernelResult * res, const gchar * id, const gchar * what,
    const gchar * unit)
{
  memset (res, 0, sizeof (*res));
  res->id = id;
  res->what = what;
  res->unit = unit;
}

static void
make_frame (GRand * rand, const GstVideoInfo * info, GstBuffer ** buf,
    GstVideoFrame * frame, GstMapFlags flags)
{
  *buf = new_random_frame (rand, info);
  gst_video_frame_map (frame, info, *buf, flags);
}

static void
bench_blend_frame (GstVideoFormat format, KernelResult * res, gint iters,
    gint reps)
{
  const VkBlendKernels *kernels[2] = { &vk_blend_kernels_orc,
    &vk_blend_kernels_c
  };
  GstVideoInfo out_info, fg_info;
  GstBuffer *out_buf[2], *bg_buf, *fg_buf;
  GstVideoFrame out[2], bg, fg;
  GArray *times[2];
  VkPlacement placement;
  VkMask mask;
  GRand *rand = g_rand_new_with_seed (42);
  gint r, i, k;
  guint p;

  set_video_info (&out_info, format, BG_WIDTH, BG_HEIGHT);
  set_video_info (&fg_info, format, FG_WIDTH, FG_HEIGHT);
  make_frame (rand, &out_info, &out_buf[0], &out[0], GST_MAP_WRITE);
  make_frame (rand, &out_info, &out_buf[1], &out[1], GST_MAP_WRITE);
  make_frame (rand, &out_info, &bg_buf, &bg, GST_MAP_READ);
  make_frame (rand, &fg_info, &fg_buf, &fg, GST_MAP_READ);

  memset (&placement, 0, sizeof (placement));
  placement.x = 0;
  placement.y = 0;
  placement.width = FG_WIDTH;
  placement.height = FG_HEIGHT;
  placement.border = BORDER;
  placement.profile = VK_BORDER_PROFILE_LINEAR;
  placement.edges = VK_EDGE_ALL;
  placement.alpha = 1.0;
  memset (&mask, 0, sizeof (mask));
  vk_mask_update (&mask, &placement, &out_info);

  for (k = 0; k < 2; k++) {
    times[k] = g_array_new (FALSE, FALSE, sizeof (gdouble));
    /* warm up caches and orc's code generation */
    for (i = 0; i < 3; i++)
      vk_blend_frame (&out[k], &bg, &fg, &mask, kernels[k], 0, 1);
  }

  /* interleaved, so that a load burst hits both alike */
  for (r = 0; r < reps; r++) {
    for (k = 0; k < 2; k++) {
      for (i = 0; i < iters; i++) {
        gint64 t0 = g_get_monotonic_time ();
        gdouble us;

        vk_blend_frame (&out[k], &bg, &fg, &mask, kernels[k], 0, 1);
        us = g_get_monotonic_time () - t0;
        g_array_append_val (times[k], us);
      }
    }
  }

  res->orc_us = median (times[0]);
  res->c_us = median (times[1]);
  res->same = TRUE;
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&out[0]); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint h, row_bytes, y;

    gst_video_format_info_component (out_info.finfo, p, comp);
    h = GST_VIDEO_FRAME_COMP_HEIGHT (&out[0], comp[0]);
    row_bytes = GST_VIDEO_FRAME_COMP_WIDTH (&out[0], comp[0])
        * GST_VIDEO_FRAME_COMP_PSTRIDE (&out[0], comp[0]);
    for (y = 0; y < h; y++) {
      if (memcmp ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out[0], p)
              + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&out[0], p),
              (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&out[1], p)
              + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&out[1], p),
              row_bytes) != 0)
        res->same = FALSE;
    }
  }

  for (k = 0; k < 2; k++) {
    g_array_unref (times[k]);
    gst_video_frame_unmap (&out[k]);
    gst_buffer_unref (out_buf[k]);
  }
  gst_video_frame_unmap (&bg);
  gst_video_frame_unmap (&fg);
  gst_buffer_unref (bg_buf);
  gst_buffer_unref (fg_buf);
  vk_mask_clear (&mask);
  g_rand_free (rand);
}

static void
call_row (const VkBlendKernels * k, guint bytes_per_sample, guint8 * d,
    const guint8 * fg, const guint8 * bg, const guint8 * w, gint n)
{
  switch (bytes_per_sample) {
    case 1:
      k->row1 (d, fg, bg, w, n);
      break;
    case 2:
      k->row2 (d, fg, bg, w, n);
      break;
    default:
      k->row4 (d, fg, bg, w, n);
      break;
  }
}

/* @bytes_per_sample-byte samples, STRIP_SAMPLES per row, in batches of
 * STRIP_ROWS rows; the medians are per batch. */
static void
bench_row_kernel (guint bytes_per_sample, KernelResult * res, gint reps)
{
  const VkBlendKernels *kernels[2] = { &vk_blend_kernels_orc,
    &vk_blend_kernels_c
  };
  gsize n_bytes = (gsize) STRIP_SAMPLES * bytes_per_sample;
  guint8 *fg = g_malloc (n_bytes), *bg = g_malloc (n_bytes);
  guint8 *d[2] = { g_malloc (n_bytes), g_malloc (n_bytes) };
  guint8 *w = g_malloc (STRIP_SAMPLES);
  GArray *times[2];
  GRand *rand = g_rand_new_with_seed (7);
  gint r, b, i, k;
  /* ~10 batches per rep, at least 5 */
  gint batches = MAX (5, opt_iterations / 20);

  fill_random (rand, fg, n_bytes);
  fill_random (rand, bg, n_bytes);
  fill_random (rand, w, STRIP_SAMPLES);

  for (k = 0; k < 2; k++) {
    times[k] = g_array_new (FALSE, FALSE, sizeof (gdouble));
    for (i = 0; i < 100; i++)
      call_row (kernels[k], bytes_per_sample, d[k], fg, bg, w, STRIP_SAMPLES);
  }

  for (r = 0; r < reps; r++) {
    for (k = 0; k < 2; k++) {
      for (b = 0; b < batches; b++) {
        gint64 t0 = g_get_monotonic_time ();
        gdouble us;

        for (i = 0; i < STRIP_ROWS; i++)
          call_row (kernels[k], bytes_per_sample, d[k], fg, bg, w,
              STRIP_SAMPLES);
        us = g_get_monotonic_time () - t0;
        g_array_append_val (times[k], us);
      }
    }
  }

  res->orc_us = median (times[0]);
  res->c_us = median (times[1]);
  res->same = memcmp (d[0], d[1], n_bytes) == 0;

  for (k = 0; k < 2; k++) {
    g_array_unref (times[k]);
    g_free (d[k]);
  }
  g_free (fg);
  g_free (bg);
  g_free (w);
  g_rand_free (rand);
}

/* ------------------------------------------------------------------------ */
/* Report */

static const gchar *
elem_name (const BenchCase * c)
{
  switch (c->elem) {
    case ELEM_VK:
      return "vidkompycomposite";
    case ELEM_COMP:
      return "compositor";
    default:
      return "appsrc->fakesink";
  }
}

static gboolean
case_has_result (const BenchCase * c)
{
  return c != NULL && c->wall_ms != NULL && c->wall_ms->len > 0;
}

static void
print_pipeline_table (gint n_frames, gint reps)
{
  guint i;

  g_print ("Pipelines: bg %dx%d, fg %dx%d at (0,0), %d/%d fps, %d frames, "
      "median of %d runs\n", BG_WIDTH, BG_HEIGHT, FG_WIDTH, FG_HEIGHT, FPS_N,
      FPS_D, n_frames, reps);
  g_print ("%-10s %-17s %-34s %-4s %8s %8s %8s %8s  %s\n", "case",
      "element", "what", "thr", "ms/frame", "fps", "CPU ms/f", "best ms",
      "time vs peer");
  g_print ("%-10s %-17s %-34s %-4s %8s %8s %8s %8s  %s\n", "----",
      "-------", "----", "---", "--------", "---", "--------", "-------",
      "------------");
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    BenchCase *c = &cases[i];
    BenchCase *peer = c->peer ? find_case (c->peer) : NULL;
    gchar thr[16], vs[48] = "";
    gdouble ms, cpu;

    if (c->wall_ms == NULL)
      continue;
    g_snprintf (thr, sizeof (thr), "%s", c->threads ? "1" : "auto");
    if (!case_has_result (c)) {
      g_print ("%-10s %-17s %-34s %-4s %8s\n", c->id, elem_name (c),
          c->what, thr, "FAILED");
      continue;
    }
    ms = median (c->wall_ms);
    cpu = median (c->cpu_ms);
    if (case_has_result (peer))
      g_snprintf (vs, sizeof (vs), "%5.2fx %s", ms / median (peer->wall_ms),
          peer->id);
    g_print ("%-10s %-17s %-34s %-4s %8.3f %8.1f %8.3f %8.3f%s%s\n", c->id,
        elem_name (c), c->what, thr, ms, 1e3 / ms, cpu, minimum (c->wall_ms),
        *vs ? "  " : "", vs);
  }
  g_print ("(ms/frame, CPU: medians; best: fastest run; time vs peer: this "
      "row's median ms/frame / the peer row's, < 1 = faster than the peer)\n");
}

static void
print_kernel_table (KernelResult * res, guint n, gint iters, gint reps)
{
  guint i;

  g_print ("\nKernels (no pipeline, one band): median of %d x %d frames, "
      "or of batches of %d rows of %d samples\n", reps, iters, STRIP_ROWS,
      STRIP_SAMPLES);
  g_print ("%-8s %-42s %-12s %9s %9s %6s  %s\n", "case", "what", "unit",
      "ORC", "C", "C/ORC", "C == ORC");
  g_print ("%-8s %-42s %-12s %9s %9s %6s  %s\n", "----", "----", "----",
      "---", "-", "-----", "--------");
  for (i = 0; i < n; i++)
    g_print ("%-8s %-42s %-12s %9.1f %9.1f %6.2f  %s\n", res[i].id,
        res[i].what, res[i].unit, res[i].orc_us, res[i].c_us,
        res[i].c_us / res[i].orc_us, res[i].same ? "yes" : "NO");
  g_print ("(vk_blend_kernels_default is \"%s\")\n",
      vk_blend_kernels_default->name);
}

/* Prints one target: time (@num_id) / time (@den_id) must be at least
 * (@at_least) or at most @limit. */
static void
print_target (const gchar * text, const gchar * num_id, const gchar * den_id,
    gdouble limit, gboolean at_least)
{
  BenchCase *num = find_case (num_id), *den = find_case (den_id);
  gdouble ratio;
  gboolean pass;

  if (!case_has_result (num) || !case_has_result (den)) {
    g_print ("  [ -- ] %s: not measured\n", text);
    return;
  }
  ratio = median (num->wall_ms) / median (den->wall_ms);
  pass = at_least ? ratio >= limit : ratio <= limit;
  g_print ("  [%s] %s: %.3f (needs %s %.2f)\n", pass ? "PASS" : "FAIL", text,
      ratio, at_least ? ">=" : "<=", limit);
}

static void
print_targets (void)
{
  g_print ("\nTargets\n");
  print_target ("(a) ours >= compositor: fps(a)/fps(a-comp)", "a-comp", "a",
      1.0, TRUE);
  print_target ("(b) feather cost: time(b)/time(a)", "b", "a",
      TARGET_FEATHER_COST, FALSE);
  print_target ("(b) vs compositor + alpha ramp: time(c)/time(b)", "c", "b",
      TARGET_VS_ALPHA_RAMP, TRUE);
}

static gchar *
cpu_model (void)
{
  gchar *contents = NULL, *model = NULL;
  gchar **lines;
  guint i;

  if (!g_file_get_contents ("/proc/cpuinfo", &contents, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (contents, "\n", -1);
  for (i = 0; lines[i] && !model; i++) {
    if (g_str_has_prefix (lines[i], "model name")) {
      const gchar *colon = strchr (lines[i], ':');

      if (colon)
        model = g_strstrip (g_strdup (colon + 1));
    }
  }
  g_strfreev (lines);
  g_free (contents);
  return model ? model : g_strdup ("unknown");
}

/* ------------------------------------------------------------------------ */

static gboolean
check_element (const gchar * name)
{
  return vk_bench_check_element ("composite-bench", name, VK_BENCH_PLUGIN_DIR);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  gchar **only = NULL;
  gchar *model, *date, *version;
  GDateTime *now;
  KernelResult kres[5];
  guint n_kres = 0;
  gint rep, n_failed = 0;
  guint i;
  gint64 t_start;

  vk_bench_set_plugin_path (VK_BENCH_PLUGIN_DIR);

  ctx = g_option_context_new ("- vidkompycomposite vs compositor benchmark");
  g_option_context_add_main_entries (ctx, opt_entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("composite-bench: %s\n", err->message);
    g_clear_error (&err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  gst_init (&argc, &argv);

  if (opt_frames < 0)
    opt_frames = opt_quick ? 100 : 300;
  if (opt_reps < 0)
    opt_reps = 5;
  if (opt_iterations < 0)
    opt_iterations = opt_quick ? 40 : 200;
  if (opt_frames < 1 || opt_reps < 1 || opt_iterations < 1) {
    g_printerr ("composite-bench: --frames, --reps and --iterations must be "
        "positive\n");
    return 2;
  }
  if (opt_only)
    only = g_strsplit (opt_only, ",", -1);

  if (!opt_no_pipelines && (!check_element ("vidkompycomposite")
          || !check_element ("compositor") || !check_element ("appsrc")
          || !check_element ("videoconvert")))
    return 1;

  now = g_date_time_new_now_local ();
  date = g_date_time_format (now, "%Y-%m-%d %H:%M");
  model = cpu_model ();
  version = gst_version_string ();
  g_print ("composite-bench %s, %s, %u CPUs (%s), %s\n\n", VERSION, date,
      g_get_num_processors (), model, version);
  g_free (version);
  t_start = g_get_monotonic_time ();

  if (!opt_no_pipelines) {
    frame_sets = g_ptr_array_new_with_free_func (frame_set_free);
    for (i = 0; i < G_N_ELEMENTS (cases); i++) {
      if (!case_selected (&cases[i], only))
        continue;
      cases[i].wall_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
      cases[i].cpu_ms = g_array_new (FALSE, FALSE, sizeof (gdouble));
      /* the inputs are made here, outside any timing */
      get_frame_set (cases[i].bg_format, BG_WIDTH, BG_HEIGHT, RAMP_NONE);
      get_frame_set (cases[i].fg_format, FG_WIDTH, FG_HEIGHT, cases[i].ramp);
    }

    /* rep -1 warms up (code generation, first allocations), untimed */
    for (rep = -1; rep < opt_reps; rep++) {
      if (rep < 0)
        g_printerr ("pipelines: warm-up\n");
      else
        g_printerr ("pipelines: run %d/%d\n", rep + 1, opt_reps);
      for (i = 0; i < G_N_ELEMENTS (cases); i++) {
        if (cases[i].wall_ms == NULL)
          continue;
        if (!run_case (&cases[i], rep < 0 ? MIN (opt_frames, WARMUP_FRAMES) :
                opt_frames, rep >= 0))
          cases[i].failed = TRUE;
      }
    }
    g_ptr_array_unref (frame_sets);
    frame_sets = NULL;
  }

  if (!opt_no_kernels) {
    g_printerr ("kernels\n");
    kernel_result_init (&kres[n_kres], "k-i420",
        "vk_blend_frame I420, border 16, all edges", "us/frame");
    bench_blend_frame (GST_VIDEO_FORMAT_I420, &kres[n_kres++],
        opt_iterations, opt_reps);
    kernel_result_init (&kres[n_kres], "k-bgra",
        "vk_blend_frame BGRA, border 16, all edges", "us/frame");
    bench_blend_frame (GST_VIDEO_FORMAT_BGRA, &kres[n_kres++],
        opt_iterations, opt_reps);
    kernel_result_init (&kres[n_kres], "k-row1",
        "row1: 1-byte samples (planar)", "us/1000 rows");
    bench_row_kernel (1, &kres[n_kres++], opt_reps);
    kernel_result_init (&kres[n_kres], "k-row2",
        "row2: 2-byte samples (NV12 chroma)", "us/1000 rows");
    bench_row_kernel (2, &kres[n_kres++], opt_reps);
    kernel_result_init (&kres[n_kres], "k-row4",
        "row4: 4-byte samples (packed RGBA)", "us/1000 rows");
    bench_row_kernel (4, &kres[n_kres++], opt_reps);
  }

  if (!opt_no_pipelines)
    print_pipeline_table (opt_frames, opt_reps);
  if (n_kres)
    print_kernel_table (kres, n_kres, opt_iterations, opt_reps);
  if (!opt_no_pipelines)
    print_targets ();
  g_print ("\ntotal %.1f s\n", (g_get_monotonic_time () - t_start) / 1e6);

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (cases[i].failed)
      n_failed++;
    if (cases[i].wall_ms) {
      g_array_unref (cases[i].wall_ms);
      g_array_unref (cases[i].cpu_ms);
    }
  }
  g_strfreev (only);
  g_free (model);
  g_free (date);
  g_date_time_unref (now);

  return n_failed ? 1 : 0;
}
