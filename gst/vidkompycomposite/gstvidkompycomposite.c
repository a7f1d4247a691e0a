/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-vidkompycomposite
 * @title: vidkompycomposite
 *
 * Overlays a foreground video (fg) on a background video (bg) with
 * optionally feathered borders. The fg is the timing master: every fg frame
 * gives exactly one output frame, with the fg frame's PTS and duration,
 * showing the bg frame whose interval covers that time (the last bg frame
 * is repeated when the bg ends first; before the bg's first frame, the
 * first bg frame is shown). The output has the bg's size and
 * pixel-aspect-ratio and the fg's frame rate; EOS follows the fg's EOS.
 *
 * The fg is converted to the output format (and scaled to the pad's
 * #GstVidkompyCompositePad:width x #GstVidkompyCompositePad:height) by the
 * aggregator's converter; the blend itself runs natively in I420, YV12,
 * NV12, NV21, Y41B, Y42B, Y444, AYUV, BGRA, RGBA, ARGB, ABGR, BGRx, RGBx,
 * xRGB, xBGR and GRAY8, never through RGB. The output format is the bg's
 * when it is one of those and downstream accepts it.
 *
 * ## Feathering
 *
 * For an fg pixel at distance d from an active fg edge (d = 0 on the
 * outermost row or column), the edge weight is
 * w = clamp ((d + 0.5) / border, 0, 1), passed through the
 * #GstVidkompyCompositePad:border-profile (linear, or smoothstep
 * 3w² − 2w³). The pixel's fg weight is the minimum over the active edges
 * times #GstVidkompyCompositePad:alpha, and out = fg·w + bg·(1 − w),
 * rounded. Samples of subsampled chroma planes use the weight at the chroma
 * sample's centre. Which edges are active is set by
 * #GstVidkompyCompositePad:border-edges: by default only those beyond which
 * the bg remains visible. All channels, alpha included, are blended with
 * the same weight: the fg's own alpha channel does not modulate it.
 *
 * The weights are computed once per change of geometry (two small tables
 * per plane, as the 2-D mask is separable); the opaque interior of the fg
 * is a plain copy and only the border strips pay for per-pixel weights.
 * Frames are processed in horizontal bands on
 * #GstVidkompyComposite:max-threads threads.
 *
 * With #GstVidkompyCompositePad:auto-position (the default), fg buffers that
 * carry a #GstVidkompyAlignmentMeta (as output by `vidkompyalign`) are
 * placed and scaled by it, except for the properties set explicitly.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 vidkompycomposite name=c fg_sink::xpos=160 fg_sink::ypos=120 \
 *     fg_sink::border=16 ! videoconvert ! autovideosink \
 *   videotestsrc pattern=smpte ! video/x-raw,width=640,height=480,framerate=24/1 ! c.bg_sink \
 *   videotestsrc pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! c.fg_sink
 * ]| Overlays a 30 fps ball on a 24 fps test pattern with a 16 px soft
 * border; the output runs at 30 fps.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/vidkompy/vidkompy.h>

#include "gstvidkompycomposite-priv.h"

GST_DEBUG_CATEGORY (gst_vidkompy_composite_debug);

#define DEFAULT_MAX_THREADS 0

enum
{
  PROP_0,
  PROP_MAX_THREADS,
};

#define BLEND_FORMATS "{ I420, YV12, NV12, NV21, Y41B, Y42B, Y444, AYUV, " \
    "BGRA, RGBA, ARGB, ABGR, BGRx, RGBx, xRGB, xBGR, GRAY8 }"

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (BLEND_FORMATS))
    );

/* The formats we blend come first, so that upstream picks one of them
 * when it can; any other raw format is accepted too and converted to the
 * output format by the aggregator's converter. */
#define SINK_CAPS GST_VIDEO_CAPS_MAKE (BLEND_FORMATS) "; " \
    GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL)

static GstStaticPadTemplate bg_template = GST_STATIC_PAD_TEMPLATE ("bg_sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (SINK_CAPS)
    );

static GstStaticPadTemplate fg_template = GST_STATIC_PAD_TEMPLATE ("fg_sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (SINK_CAPS)
    );

static void gst_vidkompy_composite_child_proxy_init (gpointer g_iface,
    gpointer iface_data);

#define gst_vidkompy_composite_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstVidkompyComposite, gst_vidkompy_composite,
    GST_TYPE_VIDEO_AGGREGATOR,
    G_IMPLEMENT_INTERFACE (GST_TYPE_CHILD_PROXY,
        gst_vidkompy_composite_child_proxy_init));

GST_ELEMENT_REGISTER_DEFINE (vidkompycomposite, "vidkompycomposite",
    GST_RANK_NONE, GST_TYPE_VIDKOMPY_COMPOSITE);

/* ------------------------------------------------------------------------ */
/* Events */

/* Answer caps queries in our order of preference (formats we blend first)
 * rather than in the order of the filter, so that upstream elements that
 * can produce anything pick a format we blend without conversion. */
static gboolean
gst_vidkompy_composite_sink_query (GstAggregator * agg,
    GstAggregatorPad * pad, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    GstCaps *filter, *caps, *result;
    GstQuery *unfiltered = gst_query_new_caps (NULL);
    gboolean ret;

    ret = GST_AGGREGATOR_CLASS (parent_class)->sink_query (agg, pad,
        unfiltered);
    if (ret) {
      gst_query_parse_caps (query, &filter);
      gst_query_parse_caps_result (unfiltered, &caps);
      result = filter ? gst_caps_intersect_full (caps, filter,
          GST_CAPS_INTERSECT_FIRST) : gst_caps_ref (caps);
      gst_query_set_caps_result (query, result);
      gst_caps_unref (result);
    }
    gst_query_unref (unfiltered);
    return ret;
  }

  return GST_AGGREGATOR_CLASS (parent_class)->sink_query (agg, pad, query);
}

static gboolean
gst_vidkompy_composite_sink_event (GstAggregator * agg,
    GstAggregatorPad * apad, GstEvent * event)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  GstVideoAggregatorPad *vpad = GST_VIDEO_AGGREGATOR_PAD (apad);
  gboolean is_fg = apad == GST_AGGREGATOR_PAD (self->fg_pad);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstVideoInfo info;
      gboolean had_caps = gst_vidkompy_composite_has_caps (vpad);

      gst_event_parse_caps (event, &caps);
      if (!gst_video_info_from_caps (&info, caps)) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: invalid video caps.", GST_PAD_NAME (apad)),
            ("%" GST_PTR_FORMAT, caps));
        gst_event_unref (event);
        return FALSE;
      }
      if (GST_VIDEO_INFO_IS_INTERLACED (&info)) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: interlaced video cannot be blended; deinterlace it first "
                "(for example with the deinterlace element).",
                GST_PAD_NAME (apad)), ("%" GST_PTR_FORMAT, caps));
        gst_event_unref (event);
        return FALSE;
      }
      GST_INFO_OBJECT (apad, "caps %" GST_PTR_FORMAT, caps);

      if (!had_caps)
        return GST_AGGREGATOR_CLASS (parent_class)->sink_event (agg, apad,
            event);

      /* Later caps are ours to apply: the base class would keep them
       * pending until a buffer is taken by its own aggregate, which we
       * replace. Serialized events reach us once the buffers before them
       * have been dequeued. The fg frames are consumed as they are output,
       * so the fg takes its new caps now; the bg frame being shown may
       * still be needed, so the bg switches when its next buffer is
       * taken. */
      gst_event_unref (event);
      if (is_fg) {
        vpad->info = info;
        gst_video_aggregator_convert_pad_update_conversion_info
            (GST_VIDEO_AGGREGATOR_CONVERT_PAD (vpad));
        gst_pad_mark_reconfigure (agg->srcpad);
      } else {
        self->bg_pending_info = info;
        self->bg_pending = TRUE;
      }
      return TRUE;
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      /* the output timeline is the fg's */
      if (is_fg) {
        gst_event_parse_segment (event, &segment);
        if (segment->format == GST_FORMAT_TIME)
          gst_aggregator_update_segment (agg, segment);
      }
      break;
    }
    default:
      break;
  }

  return GST_AGGREGATOR_CLASS (parent_class)->sink_event (agg, apad, event);
}

/* ------------------------------------------------------------------------ */
/* Aggregation */

/* Running time of the start of @buf in @pad's segment, or NONE when the
 * buffer lies outside the segment. */
static GstClockTime
buffer_running_time (GstAggregatorPad * pad, GstBuffer * buf,
    GstClockTime * end)
{
  GstClockTime start = GST_BUFFER_PTS (buf);
  GstClockTime dur = GST_BUFFER_DURATION (buf);
  GstClockTime rt;
  GstSegment seg;

  GST_OBJECT_LOCK (pad);
  seg = pad->segment;
  GST_OBJECT_UNLOCK (pad);

  if (GST_CLOCK_TIME_IS_VALID (seg.stop) && start >= seg.stop)
    return GST_CLOCK_TIME_NONE;
  if (GST_CLOCK_TIME_IS_VALID (dur) && start + dur <= seg.start)
    return GST_CLOCK_TIME_NONE;

  rt = gst_segment_to_running_time (&seg, GST_FORMAT_TIME,
      MAX (start, seg.start));
  if (end) {
    *end = GST_CLOCK_TIME_NONE;
    if (GST_CLOCK_TIME_IS_VALID (dur) && GST_CLOCK_TIME_IS_VALID (rt))
      *end = gst_segment_to_running_time (&seg, GST_FORMAT_TIME,
          GST_CLOCK_TIME_IS_VALID (seg.stop) ? MIN (start + dur,
              seg.stop) : start + dur);
  }
  return rt;
}

static gboolean
check_timestamp (GstVidkompyComposite * self, GstAggregatorPad * pad,
    GstBuffer * buf)
{
  if (GST_BUFFER_PTS_IS_VALID (buf))
    return TRUE;

  GST_ELEMENT_ERROR (self, STREAM, FAILED,
      ("%s: received a video buffer without a timestamp; "
          "vidkompycomposite needs timestamped frames.", GST_PAD_NAME (pad)),
      ("buffer %" GST_PTR_FORMAT, buf));
  return FALSE;
}

/* Makes self->bg_buffer the bg frame whose interval covers running time
 * @rt. Returns NEED_DATA until that is known, OK once it is. */
static GstFlowReturn
advance_bg (GstVidkompyComposite * self, GstClockTime rt, gboolean timeout)
{
  GstAggregator *agg = GST_AGGREGATOR (self);
  GstAggregatorPad *bg = GST_AGGREGATOR_PAD (self->bg_pad);
  gboolean reconfigure = FALSE;

  for (;;) {
    GstBuffer *buf = gst_aggregator_pad_peek_buffer (bg);
    GstClockTime start, end;

    if (buf == NULL) {
      if (gst_aggregator_pad_is_eos (bg))
        break;                  /* keep showing the last bg frame */
      if (self->bg_buffer && GST_CLOCK_TIME_IS_VALID (self->bg_end)
          && self->bg_end > rt)
        break;                  /* the current one still covers rt */
      if (timeout)
        break;                  /* live and late: show what we have */
      return GST_AGGREGATOR_FLOW_NEED_DATA;
    }

    if (!check_timestamp (self, bg, buf)) {
      gst_buffer_unref (buf);
      return GST_FLOW_ERROR;
    }

    start = buffer_running_time (bg, buf, &end);
    if (!GST_CLOCK_TIME_IS_VALID (start)) {
      GST_LOG_OBJECT (bg, "dropping bg buffer outside the segment");
      gst_aggregator_pad_drop_buffer (bg);
      gst_buffer_unref (buf);
      continue;
    }

    /* Take every bg frame that starts at or before rt; the very first bg
     * frame is also taken when it starts later (shown until it is due). */
    if (self->bg_buffer != NULL && start > rt) {
      gst_buffer_unref (buf);
      break;
    }

    GST_LOG_OBJECT (bg, "taking bg frame %" GST_TIME_FORMAT,
        GST_TIME_ARGS (start));
    gst_buffer_replace (&self->bg_buffer, buf);
    self->bg_end = end;
    gst_aggregator_pad_drop_buffer (bg);
    gst_buffer_unref (buf);

    if (self->bg_pending) {
      GST_DEBUG_OBJECT (bg, "bg caps change takes effect");
      self->bg_pad->info = self->bg_pending_info;
      self->bg_pending = FALSE;
      gst_video_aggregator_convert_pad_update_conversion_info
          (GST_VIDEO_AGGREGATOR_CONVERT_PAD (self->bg_pad));
      reconfigure = TRUE;
    }
  }

  if (self->bg_buffer == NULL) {
    if (gst_aggregator_pad_is_eos (bg)) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("The background (bg_sink) ended without any video frame."), (NULL));
      return GST_FLOW_ERROR;
    }
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }

  if (reconfigure) {
    /* renegotiate the output for the new bg before rendering */
    gst_pad_mark_reconfigure (agg->srcpad);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_vidkompy_composite_aggregate (GstAggregator * agg, gboolean timeout)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  GstVideoAggregator *vagg = GST_VIDEO_AGGREGATOR (agg);
  GstAggregatorPad *fg = GST_AGGREGATOR_PAD (self->fg_pad);
  GstBuffer *fgbuf, *outbuf = NULL;
  GstClockTime rt, end;
  GstFlowReturn ret;

  for (;;) {
    fgbuf = gst_aggregator_pad_peek_buffer (fg);
    if (fgbuf == NULL) {
      if (gst_aggregator_pad_is_eos (fg)) {
        GST_DEBUG_OBJECT (self, "fg is EOS after %" G_GUINT64_FORMAT
            " frames", self->n_frames);
        return GST_FLOW_EOS;
      }
      return GST_AGGREGATOR_FLOW_NEED_DATA;
    }
    if (!check_timestamp (self, fg, fgbuf)) {
      gst_buffer_unref (fgbuf);
      return GST_FLOW_ERROR;
    }
    rt = buffer_running_time (fg, fgbuf, &end);
    if (GST_CLOCK_TIME_IS_VALID (rt))
      break;
    GST_LOG_OBJECT (fg, "dropping fg buffer outside the segment");
    gst_aggregator_pad_drop_buffer (fg);
    gst_buffer_unref (fgbuf);
  }

  if (GST_VIDEO_INFO_FORMAT (&vagg->info) == GST_VIDEO_FORMAT_UNKNOWN) {
    gst_buffer_unref (fgbuf);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }

  ret = advance_bg (self, rt, timeout);
  if (ret != GST_FLOW_OK) {
    gst_buffer_unref (fgbuf);
    return ret;
  }

  GST_LOG_OBJECT (self, "fg %" GST_TIME_FORMAT " (running time %"
      GST_TIME_FORMAT ") over bg %" GST_TIME_FORMAT,
      GST_TIME_ARGS (GST_BUFFER_PTS (fgbuf)), GST_TIME_ARGS (rt),
      GST_TIME_ARGS (GST_BUFFER_PTS (self->bg_buffer)));

  ret = gst_vidkompy_composite_render (self, fgbuf, &outbuf);
  gst_aggregator_pad_drop_buffer (fg);
  if (ret != GST_FLOW_OK) {
    gst_buffer_unref (fgbuf);
    return ret;
  }

  GST_OBJECT_LOCK (agg->srcpad);
  GST_AGGREGATOR_PAD (agg->srcpad)->segment.position =
      GST_BUFFER_PTS (fgbuf) + (GST_CLOCK_TIME_IS_VALID (GST_BUFFER_DURATION
          (outbuf)) ? GST_BUFFER_DURATION (outbuf) : 0);
  GST_OBJECT_UNLOCK (agg->srcpad);
  gst_buffer_unref (fgbuf);

  self->n_frames++;
  return gst_aggregator_finish_buffer (agg, outbuf);
}

/* Live: output each fg frame when it is due (plus latency), whatever the bg
 * has delivered by then. Nothing is due without a fg frame. */
static GstClockTime
gst_vidkompy_composite_get_next_time (GstAggregator * agg)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  GstAggregatorPad *fg = GST_AGGREGATOR_PAD (self->fg_pad);
  GstBuffer *buf = gst_aggregator_pad_peek_buffer (fg);
  GstClockTime rt = GST_CLOCK_TIME_NONE;

  if (buf) {
    if (GST_BUFFER_PTS_IS_VALID (buf))
      rt = buffer_running_time (fg, buf, NULL);
    gst_buffer_unref (buf);
  }
  return rt;
}

static void
reset_stream_state (GstVidkompyComposite * self)
{
  gst_clear_buffer (&self->bg_buffer);
  self->bg_end = GST_CLOCK_TIME_NONE;
}

static GstFlowReturn
gst_vidkompy_composite_flush (GstAggregator * agg)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);

  GST_DEBUG_OBJECT (self, "flush");
  reset_stream_state (self);
  return GST_AGGREGATOR_CLASS (parent_class)->flush (agg);
}

static gboolean
gst_vidkompy_composite_start (GstAggregator * agg)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  guint n;

  GST_OBJECT_LOCK (self);
  n = self->max_threads ? self->max_threads : g_get_num_processors ();
  GST_OBJECT_UNLOCK (self);

  self->n_bands = MAX (1, n);
  if (self->n_bands > 1) {
    self->pool = gst_shared_task_pool_new ();
    gst_shared_task_pool_set_max_threads (GST_SHARED_TASK_POOL (self->pool),
        self->n_bands - 1);
    gst_task_pool_prepare (self->pool, NULL);
  }
  GST_DEBUG_OBJECT (self, "blending in %u band(s) with %s kernels",
      self->n_bands, vk_blend_kernels_default->name);

  self->n_frames = 0;
  self->bg_pending = FALSE;
  reset_stream_state (self);

  return GST_AGGREGATOR_CLASS (parent_class)->start (agg);
}

static gboolean
gst_vidkompy_composite_stop (GstAggregator * agg)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);

  reset_stream_state (self);
  self->bg_pending = FALSE;
  vk_mask_clear (&self->mask);
  if (self->pool) {
    gst_task_pool_cleanup (self->pool);
    gst_clear_object (&self->pool);
  }

  return GST_AGGREGATOR_CLASS (parent_class)->stop (agg);
}

static GstStateChangeReturn
gst_vidkompy_composite_change_state (GstElement * element,
    GstStateChange transition)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    vk_link_check_arm (&self->link_check, element);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY
      || ret == GST_STATE_CHANGE_FAILURE)
    vk_link_check_disarm (&self->link_check);

  return ret;
}

/* ------------------------------------------------------------------------ */
/* GObject */

static void
gst_vidkompy_composite_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (object);

  switch (prop_id) {
    case PROP_MAX_THREADS:
      GST_OBJECT_LOCK (self);
      self->max_threads = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_vidkompy_composite_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (object);

  switch (prop_id) {
    case PROP_MAX_THREADS:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->max_threads);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_vidkompy_composite_finalize (GObject * object)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (object);

  reset_stream_state (self);
  vk_mask_clear (&self->mask);
  vk_link_check_clear (&self->link_check);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_vidkompy_composite_class_init (GstVidkompyCompositeClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstElementClass *element_class = (GstElementClass *) klass;
  GstAggregatorClass *agg_class = (GstAggregatorClass *) klass;
  GstVideoAggregatorClass *vagg_class = (GstVideoAggregatorClass *) klass;

  GST_DEBUG_CATEGORY_INIT (gst_vidkompy_composite_debug, "vidkompycomposite",
      0, "vidkompy foreground-over-background compositor");

  gobject_class->set_property = gst_vidkompy_composite_set_property;
  gobject_class->get_property = gst_vidkompy_composite_get_property;
  gobject_class->finalize = gst_vidkompy_composite_finalize;

  /**
   * GstVidkompyComposite:max-threads:
   *
   * Number of threads the blend is split over, in horizontal bands; 0:
   * the number of processors. Read when going to PAUSED.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_THREADS,
      g_param_spec_uint ("max-threads", "Maximum threads",
          "Number of threads the blend uses, in horizontal bands "
          "(0: the number of processors; read when going to PAUSED). "
          "Default 0",
          0, 64, DEFAULT_MAX_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &src_template, GST_TYPE_AGGREGATOR_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &bg_template, GST_TYPE_VIDEO_AGGREGATOR_CONVERT_PAD);
  gst_element_class_add_static_pad_template_with_gtype (element_class,
      &fg_template, GST_TYPE_VIDKOMPY_COMPOSITE_PAD);

  gst_element_class_set_static_metadata (element_class,
      "Vidkompy compositor", "Filter/Editor/Video/Compositor",
      "Overlays a foreground video on a background video with feathered "
      "borders, one output frame per foreground frame",
      "gst-vidkompy developers");

  element_class->change_state = gst_vidkompy_composite_change_state;

  agg_class->aggregate = gst_vidkompy_composite_aggregate;
  agg_class->sink_event = gst_vidkompy_composite_sink_event;
  agg_class->sink_query = gst_vidkompy_composite_sink_query;
  agg_class->update_src_caps = gst_vidkompy_composite_update_src_caps;
  agg_class->fixate_src_caps = gst_vidkompy_composite_fixate_src_caps;
  agg_class->negotiated_src_caps = gst_vidkompy_composite_negotiated_src_caps;
  agg_class->get_next_time = gst_vidkompy_composite_get_next_time;
  agg_class->flush = gst_vidkompy_composite_flush;
  agg_class->start = gst_vidkompy_composite_start;
  agg_class->stop = gst_vidkompy_composite_stop;

  vagg_class->find_best_format = gst_vidkompy_composite_find_best_format;

  gst_type_mark_as_plugin_api (GST_TYPE_VIDKOMPY_COMPOSITE_PAD, 0);
}

static void
gst_vidkompy_composite_init (GstVidkompyComposite * self)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (self);

  self->max_threads = DEFAULT_MAX_THREADS;
  self->bg_end = GST_CLOCK_TIME_NONE;
  vk_link_check_init (&self->link_check);

  self->bg_pad = g_object_new (GST_TYPE_VIDEO_AGGREGATOR_CONVERT_PAD,
      "name", "bg_sink", "direction", GST_PAD_SINK, "template",
      gst_element_class_get_pad_template (klass, "bg_sink"), NULL);
  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (self->bg_pad));

  self->fg_pad = g_object_new (GST_TYPE_VIDKOMPY_COMPOSITE_PAD,
      "name", "fg_sink", "direction", GST_PAD_SINK, "template",
      gst_element_class_get_pad_template (klass, "fg_sink"), NULL);
  gst_element_add_pad (GST_ELEMENT (self), GST_PAD (self->fg_pad));
}

/* ------------------------------------------------------------------------ */
/* GstChildProxy: fg_sink::xpos=10 on the command line */

static GObject *
gst_vidkompy_composite_child_proxy_get_child_by_index (GstChildProxy * proxy,
    guint index)
{
  GstElement *element = GST_ELEMENT (proxy);
  GObject *obj = NULL;

  GST_OBJECT_LOCK (element);
  obj = g_list_nth_data (element->sinkpads, index);
  if (obj)
    gst_object_ref (obj);
  GST_OBJECT_UNLOCK (element);

  return obj;
}

static guint
gst_vidkompy_composite_child_proxy_get_children_count (GstChildProxy * proxy)
{
  GstElement *element = GST_ELEMENT (proxy);
  guint count;

  GST_OBJECT_LOCK (element);
  count = element->numsinkpads;
  GST_OBJECT_UNLOCK (element);

  return count;
}

static void
gst_vidkompy_composite_child_proxy_init (gpointer g_iface, gpointer iface_data)
{
  GstChildProxyInterface *iface = g_iface;

  iface->get_child_by_index =
      gst_vidkompy_composite_child_proxy_get_child_by_index;
  iface->get_children_count =
      gst_vidkompy_composite_child_proxy_get_children_count;
}
