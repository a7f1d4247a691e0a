/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy comp`: one pipeline,
 *
 *   uridecodebin(BG, video) ! queue ! vidkompy.bg_sink
 *   uridecodebin(FG, video) ! queue ! vidkompy.fg_sink
 *   vidkompy ! ENC ! queue ! MUX ! filesink (OUT's temp name)
 *   uridecodebin(FG or BG, audio) ! queue ! audioconvert
 *       ! scaletempo (bg) ! audioconvert ! audioresample ! AENC ! queue ! MUX
 *
 * The audio comes from its own decoder: the aligner seeks its inputs back
 * to the start after the analysis, which would flush an audio branch fed
 * by the same demuxer. The video decoders leave the audio undecoded and
 * the audio decoder the video. The bg's audio (used when the fg has none)
 * is held until the alignment is known (vkcompaudio.c: at the latest until
 * the encoded video queued in front of the muxer is full), then cut so
 * that the bg time shown at the fg's first frame plays at time 0, played
 * at the alignment's rate (scaletempo stretches it to the fg's time) and
 * cut at the fg's end.
 * Either sound enters the encoder advanced by the encoder's priming
 * (vkpriming.c). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/audio/audio.h>

#include "vkcomp.h"
#include "vkcompopts.h"
#include "vkguard.h"
#include "vkpriming.h"

#define TICK_MS 250
/* decoded frames queued in front of each input of vidkompy, at most so
 * many and so many bytes (8 at 720p, 4 at 1080p: the streaming mode's
 * memory is held frames): a decoder goes on while the aligner holds its
 * thread (a search, the other input's stream order) instead of waiting
 * with it */
#define INPUT_QUEUE_FRAMES 8
#define INPUT_QUEUE_BYTES (12 * 1024 * 1024)
/* a frame out lasting less than this has no usable length (a variable
 * frame rate fg's frames often have none, or 1 ns): it gets its gap from
 * the frame before, for the muxer's last sample (mp4mux writes the last
 * sample's length from its buffer's: 0, and qtdemux then drops it) */
#define MIN_FRAME_DURATION (GST_MSECOND)

/* ---------- pipeline building ---------- */

static GstElement *
add_element (Comp * c, const gchar * factory, const gchar * name)
{
  GstElement *e;

  if (!vk_cli_check_element (factory))
    return NULL;
  e = gst_element_factory_make (factory, name);
  gst_bin_add (GST_BIN (c->pipeline), e);
  return e;
}

static gboolean
has_property (gpointer object, const gchar * name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (object),
      name) != NULL;
}

/* Sets the vidkompy property @name from its string form; a clear error
 * when the installed vidkompyalign does not have it. */
static gboolean
set_vk (Comp * c, const gchar * option, const gchar * name, const gchar * value)
{
  if (!has_property (c->vk, name)) {
    vk_cli_error ("%s needs the vidkompyalign property \"%s\", which the "
        "installed gst-vidkompy does not have yet", option, name);
    return FALSE;
  }
  gst_util_set_object_arg (G_OBJECT (c->vk), name, value);
  return TRUE;
}

static gboolean
configure_vk (Comp * c)
{
  VkCompOptions *o = c->o;
  gchar buf[64];
  gboolean ok = TRUE;

  /* (the preset sets only what --window/--drift-tolerance leave) */
  if (o->quality)
    ok &= set_vk (c, "--quality", "quality", o->quality);
  if (o->zero_shift) {
    o->x = o->y = 0;
    o->scale = 1.0;
  }
  if (o->x != VK_UNSET || o->y != VK_UNSET) {
    g_object_set (c->vk, "x", o->x == VK_UNSET ? 0 : o->x,
        "y", o->y == VK_UNSET ? 0 : o->y, NULL);
    ok &= set_vk (c, "--x/--y", "detect-position", "false");
  }
  /* an explicit position is kept only with a known scale: 1.0 unless
   * given (vidkompyalign refines x/y when the scale is detected) */
  if (o->scale == 0.0)
    o->scale = NAN;             /* detect */
  if (o->x != VK_UNSET && isnan (o->scale))
    o->scale = 1.0;
  if (o->unscaled >= 0)
    g_object_set (c->vk, "unscaled", (gboolean) o->unscaled, NULL);
  if (o->scale > 0.0)
    g_object_set (c->vk, "scale", o->scale, NULL);
  if (o->match_region)
    ok &= set_vk (c, "--match-region", "match-region", o->match_region);
  if (!isnan (o->window)) {
    g_snprintf (buf, sizeof (buf), "%" G_GUINT64_FORMAT,
        (guint64) (o->window * GST_SECOND));
    ok &= set_vk (c, "--window", "window", buf);
  }
  if (o->drift_tolerance != VK_UNSET) {
    /* ms on the command line, ns in the property */
    g_snprintf (buf, sizeof (buf), "%" G_GUINT64_FORMAT,
        (guint64) o->drift_tolerance * GST_MSECOND);
    ok &= set_vk (c, "--drift-tolerance", "drift-tolerance", buf);
  }
  c->mode = vk_comp_mode (o, &c->mode_why);
  ok &= set_vk (c, "--mode", "mode", c->mode);
  if (o->alignment)
    ok &= set_vk (c, "--alignment", "alignment-location", o->alignment);
  if (o->use_alignment) {
    ok &= set_vk (c, "--use-alignment", "alignment-location", o->use_alignment);
    ok = ok && set_vk (c, "--use-alignment", "use-alignment", "true");
  }
  if (o->cache_dir)
    ok &= set_vk (c, "--cache-dir", "cache-dir", o->cache_dir);
  if (o->smooth && o->border == VK_UNSET)
    o->border = 8;
  if (o->border != VK_UNSET)
    g_object_set (c->vk, "border", (guint) o->border, NULL);
  if (o->smooth)
    gst_util_set_object_arg (G_OBJECT (c->vk), "border-profile", "smooth");
  g_object_set (c->vk, "strict", !o->force, NULL);
  return ok;
}

/* Constant quality unless a bitrate is given; encoder speed from the
 * quality preset. */
static void
configure_encoder (Comp * c, GstElement * enc)
{
  VkCompOptions *o = c->o;
  const gchar *q = o->quality ? o->quality : "balanced";
  gboolean fast = g_str_equal (q, "fast"), precise = g_str_equal (q, "precise");

  /* x264: ultrafast keeps the whole run within 10 s on the 8-s 1080p60
   * pair on 2 cores (bench/cli-bench.sh); quality comes from the constant
   * quantizer */
  if (has_property (enc, "speed-preset"))
    gst_util_set_object_arg (G_OBJECT (enc), "speed-preset",
        o->preset ? o->preset : precise ? "veryfast" : "ultrafast");
  if (o->bitrate <= 0 && has_property (enc, "pass")
      && has_property (enc, "quantizer")) {
    gst_util_set_object_arg (G_OBJECT (enc), "pass", "qual");
    g_object_set (enc, "quantizer", (guint) (o->crf != VK_UNSET ? o->crf :
            VK_DEFAULT_CRF), NULL);
  } else if (has_property (enc, "bitrate")) {
    gchar *v = g_strdup_printf ("%d", o->bitrate > 0 ? o->bitrate : 4000);
    gst_util_set_object_arg (G_OBJECT (enc), "bitrate", v);
    g_free (v);
  } else if (has_property (enc, "target-bitrate")) {
    gchar *v = g_strdup_printf ("%d", (o->bitrate > 0 ? o->bitrate : 4000)
        * 1000);
    gst_util_set_object_arg (G_OBJECT (enc), "target-bitrate", v);
    g_free (v);
  }
  /* mp4mux (1.22) writes no edit list for the B-frame delay: the video
   * would start 2 frames late against the audio */
  if (has_property (enc, "bframes"))
    g_object_set (enc, "bframes", 0u, NULL);
  if (has_property (enc, "deadline"))
    g_object_set (enc, "deadline", (gint64) 1, NULL);
  if (has_property (enc, "cpu-used"))
    g_object_set (enc, "cpu-used", fast ? 8 : precise ? 2 : 5, NULL);
  if (has_property (enc, "row-mt"))
    g_object_set (enc, "row-mt", TRUE, NULL);
  /* libvpx's realtime deadline with a look-ahead and row-mt loses the
   * last frame at the drain on some content (109 of 110 frames out of
   * vp9enc in cli:test_containers_encoders_and_default_name); realtime
   * encodes take no look-ahead */
  if (has_property (enc, "lag-in-frames"))
    g_object_set (enc, "lag-in-frames", 0, NULL);
}

/* Keep decoding only @user_data's media ("video/" or "audio/"): other
 * elementary streams are exposed undecoded (and left unlinked). Containers
 * (e.g. video/quicktime) are always demuxed. */
static gboolean
autoplug_continue (GstElement * bin, GstPad * pad, GstCaps * caps,
    gpointer user_data)
{
  const gchar *keep = user_data;
  const gchar *media = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  static GList *demuxers;
  GList *fit;
  gboolean container;

  if (g_str_has_prefix (media, keep) || (!g_str_has_prefix (media, "video/")
          && !g_str_has_prefix (media, "audio/")))
    return TRUE;
  if (g_once_init_enter (&demuxers)) {
    GList *l = gst_element_factory_list_get_elements
        (GST_ELEMENT_FACTORY_TYPE_DEMUXER, GST_RANK_MARGINAL);
    g_once_init_leave (&demuxers, l ? l : g_list_prepend (NULL, NULL));
  }
  fit = demuxers->data ? gst_element_factory_list_filter (demuxers, caps,
      GST_PAD_SINK, FALSE) : NULL;
  container = fit != NULL;
  gst_plugin_feature_list_free (fit);
  return container;
}

static void
pad_added (GstElement * dec, GstPad * pad, gpointer user_data)
{
  Comp *c = user_data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const gchar *media = caps ? gst_structure_get_name (gst_caps_get_structure
      (caps, 0)) : "";
  const gchar *name = GST_ELEMENT_NAME (dec);
  GstPad *sink = NULL;

  if (g_str_has_prefix (name, "bgvideo") && g_str_equal (media, "video/x-raw"))
    sink = gst_element_get_static_pad (c->bg_still ? c->bg_still :
        c->vqueue[0], "sink");
  else if (g_str_has_prefix (name, "fgvideo")
      && g_str_equal (media, "video/x-raw"))
    sink = gst_element_get_static_pad (c->vqueue[1], "sink");
  else if (g_str_equal (name, "audio") && g_str_equal (media, "audio/x-raw")
      && c->aqueue_head)
    sink = gst_element_get_static_pad (c->aqueue_head, "sink");

  if (sink && !gst_pad_is_linked (sink)) {
    if (g_str_equal (name, "audio") && g_str_equal (c->audio_from, "bg"))
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
          GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, vk_comp_bg_audio_probe, c, NULL);
    if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
      GST_ELEMENT_ERROR (dec, CORE, NEGOTIATION,
          ("Could not link the decoded %s stream.", media), (NULL));
  }
  if (sink)
    gst_object_unref (sink);
  if (caps)
    gst_caps_unref (caps);
}

static GstElement *
add_decoder (Comp * c, const gchar * name, const gchar * uri,
    const gchar * keep)
{
  GstElement *dec = add_element (c, "uridecodebin", name);

  if (dec == NULL)
    return NULL;
  g_object_set (dec, "uri", uri, NULL);
  g_signal_connect (dec, "autoplug-continue", G_CALLBACK (autoplug_continue),
      (gpointer) keep);
  g_signal_connect (dec, "pad-added", G_CALLBACK (pad_added), c);
  return dec;
}

/* a queue of decoded frames into vidkompy's pad @pad_name
 * (INPUT_QUEUE_FRAMES, INPUT_QUEUE_BYTES) */
static GstElement *
add_input_queue (Comp * c, const gchar * pad_name)
{
  GstElement *q = add_element (c, "queue", NULL);

  if (q == NULL)
    return NULL;
  g_object_set (q, "max-size-buffers", INPUT_QUEUE_FRAMES, "max-size-bytes",
      INPUT_QUEUE_BYTES, "max-size-time", (guint64) 0, NULL);
  if (!gst_element_link_pads (q, "src", c->vk, pad_name))
    return NULL;
  return q;
}

/* every frame out: counted, and given a length when it has none (the gap
 * from the frame before: its own timestamp is kept) */
static GstPadProbeReturn
frame_out (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Comp *c = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime prev = c->prev_pts_out;

  g_atomic_int_inc (&c->frames_out);
  c->prev_pts_out = GST_BUFFER_PTS (buf);
  if (GST_CLOCK_TIME_IS_VALID (prev) && GST_BUFFER_PTS_IS_VALID (buf)
      && GST_BUFFER_PTS (buf) > prev && (!GST_BUFFER_DURATION_IS_VALID (buf)
          || GST_BUFFER_DURATION (buf) < MIN_FRAME_DURATION)) {
    buf = gst_buffer_make_writable (buf);
    GST_BUFFER_DURATION (buf) = GST_BUFFER_PTS (buf) - prev;
    GST_PAD_PROBE_INFO_DATA (info) = buf;
  }
  /* the progress, by time (a variable frame rate fg has no frame count) */
  if (GST_BUFFER_PTS_IS_VALID (buf)) {
    g_mutex_lock (&c->lock);
    c->time_out = GST_BUFFER_PTS (buf) + (GST_BUFFER_DURATION_IS_VALID (buf)
        ? GST_BUFFER_DURATION (buf) : 0);
    g_mutex_unlock (&c->lock);
  }
  return GST_PAD_PROBE_OK;
}

static gboolean
link_chain (GstElement ** chain, guint n)
{
  guint i;

  for (i = 0; i + 1 < n; i++)
    if (!gst_element_link (chain[i], chain[i + 1]))
      return FALSE;
  return TRUE;
}

static VkExit
build_pipeline (Comp * c)
{
  static const gchar *venc[] = { NULL, "x264enc", "x264enc", "vp9enc" };
  static const gchar *aenc[] = { NULL, "avenc_aac", "avenc_aac", "opusenc" };
  static const gchar *mux[] = { NULL, "mp4mux", "matroskamux", "webmmux" };
  GstElement *v[5], *a[8], *sink, *enc, *mux_e, *mux_queue;
  GstPad *src;
  gboolean missing;
  guint n = 0;

  c->pipeline = gst_pipeline_new ("vidkompy-comp");
  if (!(c->vk = add_element (c, "vidkompy", "vidkompy")))
    return VK_EXIT_FAILED;
  if (!configure_vk (c))
    return VK_EXIT_USAGE;
  if (!add_decoder (c, "bgvideo", c->bgp.uri, "video/")
      || !add_decoder (c, "fgvideo", c->fgp.uri, "video/"))
    return VK_EXIT_FAILED;
  if (!(c->vqueue[1] = add_input_queue (c, "fg_sink")))
    return VK_EXIT_FAILED;
  if (!c->bgp.is_image && !(c->vqueue[0] = add_input_queue (c, "bg_sink")))
    return VK_EXIT_FAILED;
  if (c->bgp.is_image) {
    GstPad *bg_sink = gst_element_get_static_pad (c->vk, "bg_sink");

    c->bg_still = vk_comp_still_bg (GST_BIN (c->pipeline), bg_sink, &c->fgp);
    gst_object_unref (bg_sink);
    if (c->bg_still == NULL)
      return VK_EXIT_FAILED;
  }

  v[n++] = c->vk;               /* converts to what the encoder takes */
  enc = add_element (c, c->o->video_encoder ? c->o->video_encoder :
      venc[c->container], "venc");
  c->out_w = c->bgp.width;
  c->out_h = c->bgp.height;
  if (enc && (v[n] = vk_comp_even_pad (GST_BIN (c->pipeline), enc,
              c->bgp.width, c->bgp.height, &missing))) {
    n++;
    c->out_w += c->out_w % 2;
    c->out_h += c->out_h % 2;
  }
  v[n++] = enc;
  v[n++] = mux_queue = add_element (c, "queue", NULL);
  v[n++] = mux_e = add_element (c, mux[c->container], "mux");
  sink = add_element (c, "filesink", "sink");
  if (!enc || missing || !v[n - 2] || !mux_e || !sink)
    return VK_EXIT_FAILED;
  configure_encoder (c, enc);
  g_object_set (sink, "location", c->tmp, NULL);
  if (!link_chain (v, n) || !gst_element_link (mux_e, sink)) {
    vk_cli_error ("cannot link %s to %s (choose an encoder the container "
        "takes)", GST_OBJECT_NAME (gst_element_get_factory (enc)),
        mux[c->container]);
    return VK_EXIT_FAILED;
  }
  src = gst_element_get_static_pad (c->vk, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, frame_out, c, NULL);
  gst_object_unref (src);

  if (c->audio_from == NULL)
    return VK_EXIT_OK;
  if (!add_decoder (c, "audio", g_str_equal (c->audio_from, "fg") ?
          c->fgp.uri : c->bgp.uri, "audio/"))
    return VK_EXIT_FAILED;
  /* the bg's sound follows the bg's rate: its segment carries the rate,
   * scaletempo stretches it to the fg's time (pitch kept) */
  a[0] = c->aqueue_head = add_element (c, "queue", NULL);
  a[1] = add_element (c, "audioconvert", NULL);
  a[2] = add_element (c, g_str_equal (c->audio_from, "bg") ? "scaletempo" :
      "identity", NULL);
  a[3] = add_element (c, "audioconvert", NULL);
  a[4] = add_element (c, "audioresample", NULL);
  a[5] = add_element (c, aenc[c->container], "aenc");
  a[6] = add_element (c, "queue", NULL);
  a[7] = mux_e;
  if (!a[0] || !a[1] || !a[2] || !a[3] || !a[4] || !a[5] || !a[6])
    return VK_EXIT_FAILED;
  if (g_str_equal (c->audio_from, "bg"))
    vk_comp_audio_watch (c, mux_queue);
  /* AAC's 1024 samples of priming: the audio goes in that much early */
  vk_cli_compensate_priming (a[5]);
  /* the audio queue holds what arrives during the analysis */
  g_object_set (a[0], "max-size-time", (guint64) 0, "max-size-buffers", 0u,
      "max-size-bytes", 0u, NULL);
  if (!link_chain (a, 8)) {
    vk_cli_error ("cannot link the audio encoder to %s", mux[c->container]);
    return VK_EXIT_FAILED;
  }
  return VK_EXIT_OK;
}

/* ---------- bus ---------- */

static void
stop (Comp * c, VkExit code)
{
  if (c->exit_code == VK_EXIT_OK)
    c->exit_code = code;
  vk_comp_release_audio (c, FALSE, 0, 1.0);
  g_main_loop_quit (c->loop);
}

/* A vidkompy-alignment message with the final alignment: the aligner of
 * issue 4 posts a coarse estimate (stage "estimate") first. */
static gboolean
is_final_alignment (const GstStructure * s)
{
  const gchar *stage;

  if (s == NULL || !gst_structure_has_name (s, "vidkompy-alignment"))
    return FALSE;
  stage = gst_structure_get_string (s, "stage");
  return stage == NULL || g_str_equal (stage, "final");
}

/* The alignment is needed in the streaming thread of the bg audio: take it
 * from the message as soon as it is posted. */
static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Comp *c = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  gint64 offset = 0;
  gdouble rate = 1.0;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT && is_final_alignment (s)) {
    gst_structure_get_int64 (s, "bg-offset", &offset);
    gst_structure_get_double (s, "rate", &rate);
    vk_comp_release_audio (c, TRUE, offset, rate);
  }
  return GST_BUS_PASS;
}

static void
handle_error (Comp * c, GstMessage * msg)
{
  GError *err = NULL;
  gchar *debug = NULL;
  VkExit code = VK_EXIT_FAILED;
  GstElement *sink = gst_bin_get_by_name (GST_BIN (c->pipeline), "sink");

  gst_message_parse_error (msg, &err, &debug);
  vk_comp_end_line (c);
  if (debug && strstr (debug, "strict is set")) {
    vk_cli_error ("no overlap: %s", err->message);
    vk_cli_hint ("check that the foreground shows a part of the "
        "background (were --bg and --fg swapped?), give the position with "
        "--x/--y, or use --force to composite with the best match found");
    code = VK_EXIT_NO_OVERLAP;
  } else if (GST_MESSAGE_SRC (msg) == GST_OBJECT (sink)) {
    vk_cli_error ("cannot write %s: %s", c->out, err->message);
    code = VK_EXIT_OUTPUT;
  } else {
    vk_cli_error ("%s", err->message);
  }
  if (c->o->verbose && debug)
    g_printerr ("  (%s: %s)\n", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), debug);
  g_clear_error (&err);
  g_free (debug);
  gst_clear_object (&sink);
  stop (c, code);
}

static gboolean
bus_watch (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Comp *c = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      handle_error (c, msg);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      vk_comp_end_line (c);
      g_printerr ("vidkompy: warning: %s\n", err->message);
      g_clear_error (&err);
      g_free (debug);
      break;
    case GST_MESSAGE_EOS:
      c->t_end = g_get_monotonic_time ();
      vk_comp_tick (c);
      c->phase = PHASE_DONE;
      g_main_loop_quit (c->loop);
      break;
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "vidkompy-progress")) {
        gst_structure_get_double (s, "percent", &c->an_percent);
        gst_structure_get_uint64 (s, "frames", &c->an_frames);
      } else if (is_final_alignment (s)) {
        c->an_percent = 100.0;
        vk_comp_tick (c);
        vk_comp_end_line (c);
        if (c->alignment)
          gst_structure_free (c->alignment);
        c->alignment = gst_structure_copy (s);
        if (c->o->verbose) {
          gchar *t = gst_structure_to_string (s);
          g_printerr ("vidkompy: %s\n", t);
          g_free (t);
        }
        if (c->phase == PHASE_ANALYSIS) {
          c->phase = PHASE_RENDER;
          c->t_render = g_get_monotonic_time ();
        }
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  Comp *c = user_data;

  vk_comp_end_line (c);
  g_printerr ("vidkompy: interrupted, stopping\n");
  stop (c, VK_EXIT_INTERRUPTED);
  return G_SOURCE_CONTINUE;
}

/* ---------- the command ---------- */

static VkExit
check_options (Comp * c)
{
  VkCompOptions *o = c->o;
  gboolean overwrite;
  VkExit r;

  c->out = o->output ? g_strdup (o->output) :
      vk_cli_default_output (o->bg, o->fg);
  c->container = vk_cli_container_for (c->out);
  if (c->container == VK_CONTAINER_UNKNOWN) {
    vk_cli_error ("cannot tell the output format from %s: use a .mp4, "
        ".mkv or .webm name", c->out);
    return VK_EXIT_USAGE;
  }
  if ((r = vk_comp_make_output_folder (c->out)) != VK_EXIT_OK
      || (r = vk_guard_check_files (c->out, o->bg, o->fg, o->alignment,
              o->use_alignment)) != VK_EXIT_OK)
    return r;
  overwrite = g_file_test (c->out, G_FILE_TEST_EXISTS);
  if (overwrite && o->no_clobber) {
    vk_cli_error ("%s exists (--no-clobber given)", c->out);
    return VK_EXIT_OUTPUT;
  }
  if (overwrite)
    g_printerr ("vidkompy: note: %s exists and will be overwritten\n", c->out);
  return VK_EXIT_OK;
}

static VkExit
probe_inputs (Comp * c)
{
  VkExit r;
  const gchar *want = c->o->audio;

  if ((r = vk_probe_file (c->o->bg, "background", &c->bgp)) != VK_EXIT_OK
      || (r = vk_probe_file (c->o->fg, "foreground", &c->fgp)) != VK_EXIT_OK)
    return r;
  /* a variable frame rate fg (caps 0/1) is a video: its frames keep their
   * own times in the output */
  if (c->fgp.is_image) {
    vk_cli_error ("the foreground %s is a still image, not a video", c->o->fg);
    return VK_EXIT_NO_VIDEO;
  }
  if (want == NULL)
    c->audio_from = c->fgp.has_audio ? "fg" : c->bgp.has_audio ? "bg" : NULL;
  else if (g_str_equal (want, "none"))
    c->audio_from = NULL;
  else if ((g_str_equal (want, "fg") ? c->fgp.has_audio : c->bgp.has_audio))
    c->audio_from = g_str_equal (want, "fg") ? "fg" : "bg";
  else
    g_printerr ("vidkompy: note: the %s has no audio: the output has none\n",
        g_str_equal (want, "fg") ? "foreground" : "background");
  return VK_EXIT_OK;
}

static VkExit
run (Comp * c)
{
  GstBus *bus;
  guint timer;
  VkExit r;

  if ((r = check_options (c)) != VK_EXIT_OK || (r = probe_inputs (c)) !=
      VK_EXIT_OK)
    return r;
  c->tmp = vk_cli_temp_name (c->out, (guint) getpid ());
  vk_guard_set_temp (c->guard, c->tmp);
  if ((r = build_pipeline (c)) != VK_EXIT_OK)
    return r;

  bus = gst_element_get_bus (c->pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, c, NULL);
  gst_bus_add_watch (bus, bus_watch, c);
  timer = g_timeout_add (TICK_MS, vk_comp_tick, c);
  c->tty = isatty (STDERR_FILENO);
  c->last_plain[0] = c->last_plain[1] = -1;
  c->t_start = c->t_render = c->t_end = g_get_monotonic_time ();

  if (c->o->verbose) {
    gchar *rate = vk_probe_rate_text (&c->fgp);

    g_printerr ("vidkompy: %s (%dx%d) + %s (%dx%d, %s) -> %s, audio "
        "from %s\n", c->o->bg, c->bgp.width, c->bgp.height, c->o->fg,
        c->fgp.width, c->fgp.height, rate, c->out,
        c->audio_from ? c->audio_from : "nowhere");
    g_free (rate);
  }
  if (vk_guard_interrupted (c->guard))  /* Ctrl-C during the checks */
    stop (c, VK_EXIT_INTERRUPTED);
  else if (gst_element_set_state (c->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* e.g. the output cannot be opened: the element said why */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (msg) {
      handle_error (c, msg);
      gst_message_unref (msg);
    } else {
      vk_cli_error ("the pipeline could not start");
      stop (c, VK_EXIT_FAILED);
    }
  } else
    g_main_loop_run (c->loop);

  g_source_remove (timer);
  vk_comp_release_audio (c, FALSE, 0, 1.0);
  vk_comp_end_line (c);
  gst_element_set_state (c->pipeline, GST_STATE_NULL);
  /* messages posted while stopping (errors of the shutdown) */
  gst_bus_set_flushing (bus, TRUE);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);

  if (c->exit_code == VK_EXIT_OK) {
    if (c->o->no_clobber && g_file_test (c->out, G_FILE_TEST_EXISTS)) {
      vk_cli_error ("%s appeared meanwhile (--no-clobber given)", c->out);
      c->exit_code = VK_EXIT_OUTPUT;
    } else if (g_rename (c->tmp, c->out) != 0) {
      vk_cli_error ("cannot rename %s to %s: %s", c->tmp, c->out,
          g_strerror (errno));
      c->exit_code = VK_EXIT_OUTPUT;
    }
  }
  if (c->exit_code != VK_EXIT_OK)
    g_unlink (c->tmp);
  else
    vk_comp_print_summary (c);
  return c->exit_code;
}

VkExit
vk_cli_comp (int argc, char **argv)
{
  VkCompOptions o;
  Comp c = { 0 };
  VkExit r;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  c.loop = g_main_loop_new (NULL, FALSE);
  /* from here on Ctrl-C stops cleanly, always (vkguard.c) */
  c.guard = vk_guard_new (on_signal, &c);
  c.o = &o;
  c.prev_pts_out = GST_CLOCK_TIME_NONE;
  r = vk_comp_options_parse (&o, argc, argv);
  if (r == VK_EXIT_OK)
    r = run (&c);
  vk_guard_free (c.guard);

  if (c.pipeline)
    gst_object_unref (c.pipeline);
  if (c.loop)
    g_main_loop_unref (c.loop);
  if (c.alignment)
    gst_structure_free (c.alignment);
  vk_probe_clear (&c.bgp);
  vk_probe_clear (&c.fgp);
  g_free (c.out);
  g_free (c.tmp);
  vk_comp_options_clear (&o);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  return r;
}
