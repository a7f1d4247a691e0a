/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-vidkompyalign
 * @title: vidkompyalign
 *
 * Aligns a foreground video (fg) to a background video (bg) that shows the
 * same content at another frame rate, start time, speed or framing: it finds
 * where the fg sits in the bg (position and scale) and, for every fg frame,
 * the bg frame that shows the same moment. It outputs every fg frame
 * unmodified, with its own timestamps, on `fg_src`, and exactly one bg
 * buffer per fg frame on `bg_src`: the matched bg frame (pixels untouched;
 * consecutive fg frames that match the same bg frame share its memory) with
 * the fg frame's PTS and duration. Anything that pairs buffers by timestamp,
 * `vidkompycomposite` in particular, then composites them exactly.
 *
 * The inputs may be in any raw video format, each its own: the element
 * compares luma only, read in place from an 8-bit luma plane (I420, NV12,
 * Y444, GRAY8 and the like, the formats it prefers) and converted to grey
 * for its comparisons from any other (RGB, packed or high-bit-depth YUV, as
 * screen recordings and 10-bit phone videos decode to). Both outputs keep
 * their input's format, the frames untouched.
 *
 * Both outputs carry a #GstVidkompyAlignmentMeta (fg and bg frame index,
 * the bg frame's original PTS, match cost and confidence, position and
 * scale), which `vidkompycomposite` uses for placement.
 *
 * With `mode=global` (the default `mode=auto` with seekable, non-live
 * inputs) the alignment is global: the element first analyses both inputs
 * to the end, computing a small low-resolution copy of each frame (no
 * decoded frame is held), then aligns, then seeks both inputs back to the
 * start and renders. The inputs must therefore be seekable (files).
 *
 * With `mode=streaming` (`mode=auto` when an input is live or not
 * seekable) the alignment is online: every fg frame is output at most
 * `latency` after it arrives, only the frames of that window are held, and
 * the LATENCY query reports upstream's latency plus `latency`. The position
 * is searched on the first frames; a forward dynamic programme over the
 * held bg frames decides each fg frame after a fixed lag. fg frames whose
 * time is up before the fg is found get the held bg frame shown at their
 * running time, with confidence 0. `vidkompy-match-lost` and
 * `vidkompy-match-recovered` messages tell when the fg stops and starts
 * matching the bg.
 *
 * Alignment: the fg is searched in the bg with a multi-scale normalised
 * cross-correlation on low-resolution frames, then refined on the first
 * full-resolution frame pair; both streams are fingerprinted on the same
 * region (the bg cropped to the fg rectangle); a robust line through the
 * best matches of sampled fg frames gives the offset and rate; a monotonic
 * dynamic-programming alignment in a corridor around that line then assigns
 * a bg frame to every fg frame, never stepping backwards, with a smoothness
 * term so that static scenes and ties follow the line.
 *
 * ## Messages
 *
 * `vidkompy-progress` (element message, during the analysis, about every
 * percent): `phase` (string, "analysis"), `percent` (double, 0..100),
 * `frames` (guint64, frames analysed in both streams), `bg-frames`,
 * `fg-frames` (guint64).
 *
 * `vidkompy-alignment` (element message): `mode` (string, "global" or
 * "streaming"), `stage` (string, "estimate" or "final"), `source` (string:
 * "analysis", "file" or "cache"), `analysed` (double, percent of the
 * analysis behind it: 50 or 100), `x`, `y`
 * (int, fg top-left corner in bg pixels), `scale` (double, bg pixels per fg
 * pixel), `width`, `height` (int, the fg's rectangle in bg pixels: its size
 * times `scale`, rounded, as #GstVidkompyComposite places it), `bg-offset` (gint64, ns: bg stream time shown at the fg's first
 * frame: the bg's PTS mapped through its segment, so that an edit list
 * that delays the first PTS does not shift it), `rate` (double, bg time per fg time: 1.0 = same speed),
 * `confidence` (double, 0..1), `spatial-confidence` (double, 0..1),
 * `region-x`, `region-y`, `region-width`, `region-height` (int, fg pixels:
 * the compared part of the fg, see #GstVidkompyAlign:match-region),
 * `frames-matched` (guint, fg frames), `bg-frames` (guint), `analysis-time`,
 * `alignment-time`, `refine-time` (double, seconds).
 *
 * In streaming mode, `vidkompy-alignment` has the same fields and is posted
 * once, with stage "final", when the fg is found (see the messages page of
 * the reference); `vidkompy-match-lost` (element
 * message): `fg-index` (guint64), `fg-pts` (guint64, ns), `cost` (double);
 * `vidkompy-match-recovered`: `fg-index`, `fg-pts`, `bg-index`,
 * `lost-frames` (guint64).
 * The sequence: `vidkompy-progress` messages during the analysis; at half
 * of it, a `vidkompy-alignment` with stage "estimate" and `analysed` 50,
 * computed meanwhile from the frames analysed so far (posted only when
 * ready before the analysis ends); once the analysis is complete, another
 * "estimate" (`analysed` 100) as soon as the coarse estimate of the whole
 * streams is known, before the dense per-frame alignment (position and
 * scale from the low-resolution frames, offset and rate of the coarse line,
 * `confidence` = share of the sampled fg frames on that line, no frame
 * map); then, once, before the first output buffer, the refined one with
 * stage "final". An alignment read from a file or the cache posts only the
 * "final" message, with source "file" or "cache".
 *
 * ## Alignment files and cache
 *
 * With `alignment-location`, the alignment rendered (inputs' identities,
 * position, frame map with timestamps; a versioned JSON document described
 * in docs/vidkompyalign.md) is written atomically once every fg frame got
 * its bg frame. With `use-alignment=true` that file is read instead: once
 * the first 16 frames of both inputs are fingerprinted and match the file
 * (frame size, frame rate, duration, hash of their fingerprints), the
 * inputs are rendered with the file's frame map without analysis; a file
 * that does not match the inputs, is of another version or is invalid is
 * refused with an error. `cache-dir` does the same automatically, keyed by
 * the inputs' identities and the options: the second run on a pair skips
 * the analysis.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 vidkompyalign name=a vidkompycomposite name=c fg_sink::border=16 \
 *     ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4 \
 *   filesrc location=bg.mp4 ! decodebin ! a.bg_sink \
 *   filesrc location=fg.mp4 ! decodebin ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| Finds the fg in the bg and composites it there, frame-exactly.
 * |[
 * gst-launch-1.0 vidkompyalign name=a latency=1000000000 \
 *     vidkompycomposite name=c ! videoconvert ! autovideosink \
 *   videotestsrc is-live=true ! video/x-raw,width=640,height=360 ! tee name=t \
 *   t. ! queue ! a.bg_sink \
 *   t. ! queue ! videocrop left=80 top=40 right=240 bottom=140 ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| Streaming mode (live input): at most 1 s of latency.
 * |[
 * gst-launch-1.0 vidkompyalign name=a cache-dir=/var/cache/vidkompy \
 *     alignment-location=out.align.json vidkompycomposite name=c \
 *     ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4 \
 *   filesrc location=bg.mp4 ! decodebin ! a.bg_sink \
 *   filesrc location=fg.mp4 ! decodebin ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| The same, writing the alignment to out.align.json and caching it: run
 * again, it renders without analysing. With `use-alignment=true` it renders
 * out.align.json (edited by hand, for example).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

GST_DEBUG_CATEGORY (gst_vidkompy_align_debug);

/* the formats whose luma is read in place first, then every other */
#define CAPS GST_VIDEO_CAPS_MAKE (GST_VIDKOMPY_ALIGN_LUMA_FORMATS) "; " \
    GST_VIDEO_CAPS_MAKE (GST_VIDEO_FORMATS_ALL)

static GstStaticPadTemplate bg_sink_template =
GST_STATIC_PAD_TEMPLATE ("bg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (CAPS));
static GstStaticPadTemplate fg_sink_template =
GST_STATIC_PAD_TEMPLATE ("fg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (CAPS));
static GstStaticPadTemplate bg_src_template =
GST_STATIC_PAD_TEMPLATE ("bg_src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (CAPS));
static GstStaticPadTemplate fg_src_template =
GST_STATIC_PAD_TEMPLATE ("fg_src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (CAPS));

#define gst_vidkompy_align_parent_class parent_class
G_DEFINE_TYPE (GstVidkompyAlign, gst_vidkompy_align, GST_TYPE_ELEMENT);

GST_ELEMENT_REGISTER_DEFINE (vidkompyalign, "vidkompyalign", GST_RANK_NONE,
    GST_TYPE_VIDKOMPY_ALIGN);

Stream *
gst_vidkompy_align_stream_of_pad (GstVidkompyAlign * self, GstPad * pad)
{
  if (pad == self->bg.sinkpad || pad == self->bg.srcpad)
    return &self->bg;
  return &self->fg;
}

/* ------------------------------------------------------------------------ */
/* Pads */

/* the render of @s's frame, its thread watched by the other input's waits
 * (VkUpstream) */
static GstFlowReturn
render_watched (GstVidkompyAlign * self, Stream * s, GstBuffer * buf)
{
  GstFlowReturn ret;

  g_mutex_lock (&self->lock);
  vk_upstream_enter (&s->up);
  g_mutex_unlock (&self->lock);
  ret = s == &self->fg ? gst_vidkompy_align_render_fg (self, buf) :
      gst_vidkompy_align_render_bg (self, buf);
  g_mutex_lock (&self->lock);
  vk_upstream_leave (&s->up);
  g_mutex_unlock (&self->lock);
  return ret;
}

static GstFlowReturn
gst_vidkompy_align_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = gst_vidkompy_align_stream_of_pad (self, pad);
  VkStreamRender *stream;
  Phase phase;

  g_atomic_pointer_set (&s->feeder, g_thread_self ());
  if (!GST_BUFFER_PTS_IS_VALID (buf)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("%s: received a video buffer without a timestamp; vidkompyalign "
            "needs timestamped frames.", GST_PAD_NAME (pad)), (NULL));
    gst_buffer_unref (buf);
    return GST_FLOW_ERROR;
  }
  if (!s->have_info) {
    gst_buffer_unref (buf);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if ((stream = gst_vidkompy_align_streaming_of (self)))
    return vk_stream_render_chain (stream, s == &self->fg, buf);

  g_mutex_lock (&self->lock);
  phase = self->phase;
  g_mutex_unlock (&self->lock);

  switch (phase) {
    case PHASE_ANALYSIS:{
      GstFlowReturn ret = gst_vidkompy_align_analyse_frame (self, s, buf);

      gst_buffer_unref (buf);
      return ret;
    }
    case PHASE_RENDER:
      if (!gst_vidkompy_align_replayed_frame (self, s, &buf)) {
        gst_buffer_unref (buf);
        return GST_FLOW_OK;
      }
      if (!gst_vidkompy_align_verify_frame (self, s, buf)) {
        gst_buffer_unref (buf);
        return GST_FLOW_ERROR;
      }
      return render_watched (self, s, buf);
    case PHASE_DONE:
      gst_buffer_unref (buf);
      return GST_FLOW_EOS;
    default:
      /* aligning: frames that arrive before our seek flushes are dropped */
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
  }
}

static gboolean
gst_vidkompy_align_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = gst_vidkompy_align_stream_of_pad (self, pad);
  VkStreamRender *stream;
  gboolean forward;

  /* (not a flush-stop: the thread of whoever seeked sends it, to both
   * inputs) */
  if (GST_EVENT_IS_SERIALIZED (event)
      && GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_STOP)
    g_atomic_pointer_set (&s->feeder, g_thread_self ());
  g_mutex_lock (&self->lock);
  forward = self->phase == PHASE_RENDER && !self->replay_seek;
  stream = self->streaming;
  g_mutex_unlock (&self->lock);

  /* streaming mode: the element keeps caps and segments, the rest goes to
   * the streaming renderer (an explicit mode=streaming decides at once) */
  if (stream == NULL
      && self->settings.mode == GST_VIDKOMPY_ALIGN_MODE_STREAMING)
    stream = gst_vidkompy_align_streaming_of (self);
  if (stream && GST_EVENT_TYPE (event) != GST_EVENT_CAPS
      && GST_EVENT_TYPE (event) != GST_EVENT_SEGMENT
      && GST_EVENT_TYPE (event) != GST_EVENT_STREAM_START)
    return vk_stream_render_event (stream, s == &self->fg, event);

  /* coupled inputs: the fg frames held go out before the fg's events, all
   * of them before its end (vkaligncouple.c) */
  if (s == &self->fg && GST_EVENT_IS_SERIALIZED (event)
      && GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_STOP)
    gst_vidkompy_align_fg_release (self, GST_EVENT_TYPE (event) ==
        GST_EVENT_EOS || GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT_DONE);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstVideoInfo info;

      gst_event_parse_caps (event, &caps);
      if (!gst_video_info_from_caps (&info, caps)) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: invalid video caps.", GST_PAD_NAME (pad)),
            ("%" GST_PTR_FORMAT, caps));
        gst_event_unref (event);
        return FALSE;
      }
      g_mutex_lock (&self->lock);
      /* (new caps before the first frame are fine: videoflip's
       * video-direction=auto renegotiates when the orientation tag comes
       * after the first caps) */
      if (self->phase == PHASE_ANALYSIS && s->have_info && s->pts->len > 0
          && (info.width != s->info.width || info.height != s->info.height)) {
        g_mutex_unlock (&self->lock);
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: the frame size changed mid-stream, which vidkompyalign does "
                "not support.", GST_PAD_NAME (pad)), ("%" GST_PTR_FORMAT,
                caps));
        gst_event_unref (event);
        return FALSE;
      }
      s->info = info;
      s->have_info = TRUE;
      vk_low_size (info.width, info.height, &s->low_width, &s->low_height);
      vk_out_input_caps (&self->bg.out, &self->fg.out, s == &self->fg, &info);
      /* (with the lock: a renderer made meanwhile copies the info) */
      if (self->streaming)
        vk_stream_render_caps (self->streaming, s == &self->fg, &info);
      /* a mode=auto decision may wait for both inputs' caps */
      g_cond_broadcast (&self->caps_cond);
      g_mutex_unlock (&self->lock);
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_SEGMENT:
      g_mutex_lock (&self->lock);
      gst_event_copy_segment (event, &s->segment);
      if (self->phase == PHASE_RENDER) {
        /* a new pass of the input (after a segment's end, or a seek
         * without a flush): its frames play again */
        gst_vidkompy_align_input_event (s, INPUT_EV_NEW_PASS);
        if (s->new_pass) {
          s->new_pass = FALSE;
          s->last_seen = -1;
          if (s == &self->bg)
            g_queue_clear_full (&self->cands,
                (GDestroyNotify) gst_vidkompy_align_cand_free);
        }
        if (s == &self->fg) {
          /* it goes out before the next frame of both outputs */
          vk_out_segment_due (&self->bg.out);
          vk_out_segment_due (&self->fg.out);
          self->fg_segment_ready = TRUE;
          g_cond_broadcast (&self->replay_cond);
        }
      }
      g_mutex_unlock (&self->lock);
      /* streaming: a new segment after frames begins a new pass */
      if (stream)
        vk_stream_render_segment (stream, s == &self->fg, event);
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_STREAM_START:
    case GST_EVENT_GAP:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_EOS:
      g_mutex_lock (&self->lock);
      gst_vidkompy_align_input_ended (self, s);
      if (self->phase == PHASE_ANALYSIS) {
        Stream *other = s == &self->bg ? &self->fg : &self->bg;
        gboolean ok;

        if (s->pts->len == 0) {
          g_mutex_unlock (&self->lock);
          GST_ELEMENT_ERROR (self, STREAM, FAILED,
              ("The %s input (%s) ended with no frame: there is nothing to "
                  "align.", s == &self->bg ? "background" : "foreground",
                  GST_PAD_NAME (pad)), (NULL));
          gst_event_unref (event);
          return FALSE;
        }
        g_mutex_unlock (&self->lock);
        ok = gst_vidkompy_align_maybe_use_saved (self);
        /* (before gst_vidkompy_align_analysis_done (): the render starts a
         * new pass of both inputs, which are no longer ended) */
        gst_vidkompy_align_post_progress (self);
        g_mutex_lock (&self->lock);
        if (ok && self->phase == PHASE_ANALYSIS && VK_IN_ENDED (&self->bg)
            && VK_IN_ENDED (&self->fg)) {
          /* (the other input ended with no frame: it said so itself, and
           * an alignment would fail with another error meanwhile) */
          if (other->pts->len > 0)
            gst_vidkompy_align_analysis_done (self);
        } else if (ok && self->phase == PHASE_ANALYSIS && other->pts->len == 0)
          vk_link_check_arm_starved (&self->link_check, GST_ELEMENT (self),
              other->sinkpad, GST_PAD_NAME (pad), gst_vidkompy_align_starved);
        g_mutex_unlock (&self->lock);
        gst_event_unref (event);
        return ok;
      }
      forward = self->phase == PHASE_RENDER && s->pass == PASS_REPLAYING;
      g_mutex_unlock (&self->lock);
      if (!forward) {
        gst_event_unref (event);
        return TRUE;
      }
      if (!gst_vidkompy_align_verify_input (self, s)) {
        gst_event_unref (event);
        return FALSE;
      }
      if (s == &self->bg)
        gst_vidkompy_align_finish_bg (self);
      GST_DEBUG_OBJECT (s->sinkpad, "EOS");
      return gst_vidkompy_align_forward (self, s, event);
    case GST_EVENT_SEGMENT_DONE:
      /* the end of a segment seek's segment: the end of the input for the
       * render, but the event goes on instead of EOS */
      g_mutex_lock (&self->lock);
      forward = self->phase == PHASE_RENDER && s->pass == PASS_REPLAYING;
      if (forward)
        gst_vidkompy_align_input_ended (self, s);
      g_mutex_unlock (&self->lock);
      if (forward && s == &self->bg)
        gst_vidkompy_align_finish_bg (self);
      break;
    case GST_EVENT_FLUSH_START:
      g_mutex_lock (&self->lock);
      gst_vidkompy_align_input_event (s, INPUT_EV_FLUSH_START);
      if (s == &self->fg)
        gst_vidkompy_align_fg_drop_held (self);
      gst_vidkompy_align_wake_all (self, s == &self->bg ? "the bg flushes" :
          "the fg flushes");
      g_mutex_unlock (&self->lock);
      break;
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      gst_vidkompy_align_input_event (s, INPUT_EV_FLUSH_STOP);
      s->last_seen = -1;
      /* the seek back to render (after the refinement pass, if any):
       * rendering starts */
      if (self->phase == PHASE_RENDER && (s->pass == PASS_ANALYSIS
              || (s->pass == PASS_REFINING && self->refined))) {
        gst_vidkompy_align_set_pass (s, PASS_REPLAYING, "the seek back");
        g_cond_broadcast (&self->replay_cond);
      }
      if (VK_PRESET (self))
        vk_identity_hasher_reset (&s->hasher);
      if (s == &self->fg)
        self->fg_segment_ready = FALSE;
      else
        g_queue_clear_full (&self->cands,
            (GDestroyNotify) gst_vidkompy_align_cand_free);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  if (forward)
    return gst_vidkompy_align_forward (self, s, event);
  gst_event_unref (event);
  return TRUE;
}

static gboolean
gst_vidkompy_align_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      return gst_vidkompy_align_handle_seek (self, pad, event);
    case GST_EVENT_QOS:
    case GST_EVENT_NAVIGATION:
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

/* answers @query with @caps (transfer full) intersected with its filter */
static gboolean
answer_caps_query (GstQuery * query, GstCaps * caps)
{
  GstCaps *filter;

  gst_query_parse_caps (query, &filter);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  gst_query_set_caps_result (query, caps);
  gst_caps_unref (caps);
  return TRUE;
}

static gboolean
gst_vidkompy_align_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = gst_vidkompy_align_stream_of_pad (self, pad);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:
    case GST_QUERY_POSITION:
    case GST_QUERY_SEEKING:
      /* both outputs are on the fg's timeline */
      return gst_pad_peer_query (self->fg.sinkpad, query);
    case GST_QUERY_LATENCY:
      if (gst_vidkompy_align_streaming_of (self))
        return gst_vidkompy_align_streaming_latency (self, query);
      return gst_pad_query_default (pad, parent, query);
    case GST_QUERY_CAPS:{
      GstCaps *caps = NULL;

      /* (the input's thread writes its format with the lock) */
      g_mutex_lock (&self->lock);
      if (s->have_info)
        caps = gst_video_info_to_caps (&s->info);
      g_mutex_unlock (&self->lock);
      if (caps == NULL)
        caps = gst_pad_get_pad_template_caps (pad);
      if (s == &self->bg) {
        caps = gst_caps_make_writable (caps);
        gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1,
            G_MAXINT, 1, NULL);
      }
      return answer_caps_query (query, caps);
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_vidkompy_align_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_ALLOCATION:
      /* frames are read through their video meta and held (a few to
       * render, latency's worth in streaming mode): a pool without a
       * maximum, into which a decoder writes directly */
      return vk_propose_allocation (query);
    case GST_QUERY_CAPS:
      return answer_caps_query (query, gst_pad_get_pad_template_caps (pad));
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ------------------------------------------------------------------------ */
/* Element */

static GstStateChangeReturn
gst_vidkompy_align_change_state (GstElement * element,
    GstStateChange transition)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* the settings of this run (no streaming thread runs yet) */
      GST_OBJECT_LOCK (self);
      vk_align_settings_copy (&self->settings, &self->prop);
      GST_OBJECT_UNLOCK (self);
      GST_DEBUG_OBJECT (self, "settings: mode %d, latency %" GST_TIME_FORMAT
          ", window %" GST_TIME_FORMAT ", drift-tolerance %" GST_TIME_FORMAT
          ", detect-position %d, scale %.3f, strict %d",
          self->settings.mode, GST_TIME_ARGS (self->settings.latency),
          GST_TIME_ARGS (self->settings.window),
          GST_TIME_ARGS (self->settings.drift_tolerance),
          self->settings.detect_position, self->settings.scale,
          self->settings.strict);
      if (self->settings.use_alignment
          && self->settings.alignment_location == NULL) {
        GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
            ("use-alignment is set but alignment-location is not: set it "
                "to the alignment file to render."), (NULL));
        return GST_STATE_CHANGE_FAILURE;
      }
      vk_link_check_arm (&self->link_check, element);
      g_mutex_lock (&self->lock);
      vk_out_begin (&self->bg.out);
      vk_out_begin (&self->fg.out);
      gst_vidkompy_align_saved_reset (self);
      gst_vidkompy_align_stream_reset (&self->bg);
      gst_vidkompy_align_stream_reset (&self->fg);
      gst_vidkompy_align_set_phase (self, PHASE_ANALYSIS);
      self->replay_seek = FALSE;
      self->seek_seqnum = GST_SEQNUM_INVALID;
      gst_clear_event (&self->queued_seek);
      self->refined = FALSE;
      self->last_percent = -1;
      self->next_estimate = 0;
      self->t_start = self->t_analysed = self->t_aligned =
          g_get_monotonic_time ();
      g_mutex_unlock (&self->lock);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      vk_link_check_disarm (&self->link_check);
      /* unblock the streaming threads */
      g_mutex_lock (&self->lock);
      if (self->streaming)
        vk_stream_render_stop (self->streaming);
      vk_out_halt (&self->bg.out, "stop");
      vk_out_halt (&self->fg.out, "stop");
      gst_vidkompy_align_set_phase (self, PHASE_DONE);
      /* an alignment job seeking the inputs back must be done with the
       * pads before they are deactivated (the jobs are joined after) */
      while (self->replay_seek || self->streaming_seeks > 0)
        VK_ALIGN_WAIT (self, seeks_cond);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* before the state they use goes */
    gst_vidkompy_align_join_jobs (self);
    vk_out_join (&self->bg.out);
    vk_out_join (&self->fg.out);
    g_mutex_lock (&self->lock);
    gst_vidkompy_align_render_state_clear (self);
    vk_align_result_clear (&self->result);
    g_clear_pointer (&self->streaming, vk_stream_render_free);
    gst_clear_event (&self->queued_seek);
    self->mode_decided = FALSE;
    gst_vidkompy_align_stream_reset (&self->bg);
    gst_vidkompy_align_stream_reset (&self->fg);
    gst_vidkompy_align_saved_reset (self);
    g_mutex_unlock (&self->lock);
  }
  return ret;
}

static void
gst_vidkompy_align_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);
  gboolean known;

  GST_OBJECT_LOCK (self);
  known = vk_align_settings_set (&self->prop, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_vidkompy_align_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);
  gboolean known;

  GST_OBJECT_LOCK (self);
  known = vk_align_settings_get (&self->prop, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!known)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_vidkompy_align_finalize (GObject * object)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);

  gst_vidkompy_align_render_state_clear (self);
  vk_align_result_clear (&self->result);
  /* (the jobs use the streaming renderer) */
  gst_vidkompy_align_join_jobs (self);
  vk_stream_render_free (self->streaming);
  gst_clear_event (&self->queued_seek);
  g_array_unref (self->bg.pts);
  g_array_unref (self->fg.pts);
  g_array_unref (self->bg.durations);
  g_array_unref (self->fg.durations);
  g_byte_array_unref (self->bg.low);
  g_byte_array_unref (self->fg.low);
  vk_identity_hasher_clear (&self->bg.hasher);
  vk_identity_hasher_clear (&self->fg.hasher);
  vk_retime_clear (&self->bg.retime);
  vk_retime_clear (&self->fg.retime);
  vk_out_clear (&self->bg.out);
  vk_out_clear (&self->fg.out);
  gst_vidkompy_align_saved_reset (self);
  vk_align_settings_clear (&self->prop);
  vk_align_settings_clear (&self->settings);
  vk_thread_pool_free (self->helpers);
  g_mutex_clear (&self->saved_lock);
  g_mutex_clear (&self->worker_lock);
  g_mutex_clear (&self->lock);
  gst_vidkompy_align_conds_clear (self);
  vk_link_check_clear (&self->link_check);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_vidkompy_align_class_init (GstVidkompyAlignClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstElementClass *element_class = (GstElementClass *) klass;

  GST_DEBUG_CATEGORY_INIT (gst_vidkompy_align_debug, "vidkompyalign", 0,
      "vidkompy spatial and temporal alignment");

  gobject_class->set_property = gst_vidkompy_align_set_property;
  gobject_class->get_property = gst_vidkompy_align_get_property;
  gobject_class->finalize = gst_vidkompy_align_finalize;

  vk_align_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &bg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &fg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &bg_src_template);
  gst_element_class_add_static_pad_template (element_class, &fg_src_template);

  gst_element_class_set_static_metadata (element_class,
      "Vidkompy aligner", "Filter/Analyzer/Video",
      "Finds a foreground video in a background video and retimes the "
      "background onto the foreground, frame by frame",
      "gst-vidkompy developers");

  element_class->change_state = gst_vidkompy_align_change_state;

  gst_type_mark_as_plugin_api (gst_vidkompy_unmatched_frames_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_quality_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_match_region_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_align_mode_get_type (), 0);
}

static void
stream_init (GstVidkompyAlign * self, Stream * s, const gchar * name,
    GstStaticPadTemplate * sink_templ, GstStaticPadTemplate * src_templ)
{
  s->name = name;
  s->sinkpad = gst_pad_new_from_static_template (sink_templ,
      sink_templ->name_template);
  gst_pad_set_chain_function (s->sinkpad, gst_vidkompy_align_chain);
  gst_pad_set_event_function (s->sinkpad, gst_vidkompy_align_sink_event);
  gst_pad_set_query_function (s->sinkpad, gst_vidkompy_align_sink_query);
  gst_element_add_pad (GST_ELEMENT (self), s->sinkpad);

  s->srcpad = gst_pad_new_from_static_template (src_templ,
      src_templ->name_template);
  gst_pad_set_event_function (s->srcpad, gst_vidkompy_align_src_event);
  gst_pad_set_query_function (s->srcpad, gst_vidkompy_align_src_query);
  gst_pad_use_fixed_caps (s->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), s->srcpad);

  s->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  s->durations = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  s->low = g_byte_array_new ();
  vk_retime_init (&s->retime, TRUE);
  vk_out_init (&s->out, GST_ELEMENT (self), s->sinkpad, s->srcpad,
      &self->lock, "");
  gst_vidkompy_align_stream_reset (s);
}

static void
gst_vidkompy_align_init (GstVidkompyAlign * self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->saved_lock);
  g_mutex_init (&self->worker_lock);
  gst_vidkompy_align_conds_init (self);
  self->helpers = vk_thread_pool_new (0);
  vk_link_check_init (&self->link_check);

  vk_align_settings_init (&self->prop);
  vk_align_settings_init (&self->settings);
  self->source = "analysis";
  /* until READY_TO_PAUSED: seeks are refused (one queued now would be
   * forgotten at the start) */
  self->phase = PHASE_DONE;

  stream_init (self, &self->bg, "background", &bg_sink_template,
      &bg_src_template);
  stream_init (self, &self->fg, "foreground", &fg_sink_template,
      &fg_src_template);
  vk_out_set_peers (&self->bg.out, &self->fg.out);
}
