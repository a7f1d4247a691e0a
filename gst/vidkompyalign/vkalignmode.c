/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: mode=auto's choice between the global and the streaming
 * mode, and the streaming mode's latency. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

/* whether an input can be replayed: seekable and not live (a live
 * videotestsrc answers seekable) */
static gboolean
peer_replayable (GstPad * sinkpad)
{
  return vk_seek_peer_seekable (sinkpad) && !vk_stream_peer_live (sinkpad);
}

/* The properties set that the streaming mode does not support, named for
 * a warning (static), or NULL */
static const gchar *
global_only_set (const VkAlignSettings * st)
{
  if (st->unmatched == GST_VIDKOMPY_UNMATCHED_DROP)
    return "unmatched-frames=drop";
  if (st->alignment_location && *st->alignment_location)
    return "alignment-location";
  if (st->use_alignment)
    return "use-alignment";
  if (st->cache_dir && *st->cache_dir)
    return "cache-dir";
  return NULL;
}

/* Decides once between the global and the streaming mode. Returns the
 * streaming renderer, or NULL in global mode. */
VkStreamRender *
gst_vidkompy_align_streaming_of (GstVidkompyAlign * self)
{
  GstVidkompyAlignMode mode;
  VkStreamConfig cfg;
  gboolean streaming;
  const gchar *ignored = NULL;

  g_mutex_lock (&self->lock);
  if (self->mode_decided) {
    g_mutex_unlock (&self->lock);
    return self->streaming;
  }
  g_mutex_unlock (&self->lock);

  mode = self->settings.mode;
  cfg.latency = self->settings.latency;
  cfg.strict = self->settings.strict;
  gst_vidkompy_align_options (self, &cfg.opts);

  /* auto: both inputs must be linked and negotiated to be asked (decodebin
   * links its pads one after the other); an input that sends nothing is
   * not waited for more than AUTO_WAIT, and is not asked */
  streaming = mode == GST_VIDKOMPY_ALIGN_MODE_STREAMING;
  if (mode == GST_VIDKOMPY_ALIGN_MODE_AUTO) {
    gint64 deadline = g_get_monotonic_time () + AUTO_WAIT;
    gboolean bg_info, fg_info;

    g_mutex_lock (&self->lock);
    while (!(self->bg.have_info && self->fg.have_info)
        && !VK_IN_FLUSHING (&self->bg) && !VK_IN_FLUSHING (&self->fg)
        && !VK_IN_ENDED (&self->bg) && !VK_IN_ENDED (&self->fg)
        && self->phase == PHASE_ANALYSIS) {
      if (!VK_ALIGN_WAIT_UNTIL (self, caps_cond, deadline))
        break;
    }
    if (VK_IN_FLUSHING (&self->bg) || VK_IN_FLUSHING (&self->fg)
        || self->phase != PHASE_ANALYSIS) {
      /* stopping or seeking: decided with a later buffer */
      g_mutex_unlock (&self->lock);
      return NULL;
    }
    bg_info = self->bg.have_info;
    fg_info = self->fg.have_info;
    g_mutex_unlock (&self->lock);
    streaming = (bg_info && !peer_replayable (self->bg.sinkpad))
        || (fg_info && !peer_replayable (self->fg.sinkpad));
  }

  g_mutex_lock (&self->lock);
  /* shutting down meanwhile: nothing to decide */
  if (self->phase == PHASE_DONE) {
    g_mutex_unlock (&self->lock);
    return NULL;
  }
  if (!self->mode_decided) {
    self->mode_decided = TRUE;
    GST_INFO_OBJECT (self, "%s mode", streaming ? "streaming" : "global");
    if (streaming) {
      cfg.element = GST_ELEMENT (self);
      cfg.bg_sink = self->bg.sinkpad;
      cfg.fg_sink = self->fg.sinkpad;
      cfg.bg_src = self->bg.srcpad;
      cfg.fg_src = self->fg.srcpad;
      cfg.bg_info = &self->bg.info;
      cfg.fg_info = &self->fg.info;
      cfg.bg_segment = &self->bg.segment;
      cfg.fg_segment = &self->fg.segment;
      cfg.bg_feeder = &self->bg.feeder;
      cfg.fg_feeder = &self->fg.feeder;
      cfg.run_job = gst_vidkompy_align_run_job;
      self->streaming = vk_stream_render_new (&cfg);
      gst_vidkompy_align_streaming_queued_seek (self);
      ignored = global_only_set (&self->settings);
    }
  }
  g_mutex_unlock (&self->lock);
  if (ignored)
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s applies to the global "
            "mode only: ignored in the streaming mode (mode=global needs "
            "seekable inputs, such as files).", ignored), (NULL));
  return self->streaming;
}

/* Streaming: upstream's latency (the larger minimum of both inputs) plus
 * ours, which the streaming mode never exceeds. */
gboolean
gst_vidkompy_align_streaming_latency (GstVidkompyAlign * self, GstQuery * query)
{
  GstPad *pads[2] = { self->bg.sinkpad, self->fg.sinkpad };
  GstClockTime min = 0, max = GST_CLOCK_TIME_NONE, latency;
  gboolean live = FALSE;
  guint k;

  latency = self->settings.latency;
  for (k = 0; k < 2; k++) {
    GstQuery *q = gst_query_new_latency ();
    gboolean l;
    GstClockTime mn, mx;

    if (gst_pad_peer_query (pads[k], q)) {
      gst_query_parse_latency (q, &l, &mn, &mx);
      if (l) {
        live = TRUE;
        min = MAX (min, mn);
        if (GST_CLOCK_TIME_IS_VALID (mx))
          max = GST_CLOCK_TIME_IS_VALID (max) ? MIN (max, mx) : mx;
      }
    }
    gst_query_unref (q);
  }
  min += latency;
  if (GST_CLOCK_TIME_IS_VALID (max))
    max += latency;
  GST_DEBUG_OBJECT (self, "latency: live %d, min %" GST_TIME_FORMAT ", max %"
      GST_TIME_FORMAT, live, GST_TIME_ARGS (min), GST_TIME_ARGS (max));
  gst_query_set_latency (query, live, min, max);
  return TRUE;
}
