/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy comp`: the gate of the bg's sound (vkcomp.c). The bg audio is
 * held at its segment until the alignment is known: the first "final"
 * vidkompy-alignment message (vk_comp_release_audio () from the bus's
 * sync handler) gives the bg time shown at the fg's first frame and the
 * rate. The global mode posts it after its analysis, before any frame is
 * rendered; the streaming mode once a second of fg has matched (or as a
 * fg not found goes out unmatched), while frames are already written.
 * The muxer waits for the sound meanwhile, so the encoded video queues in
 * front of it (vk_comp_audio_watch (): MUX_QUEUE_TIME, MUX_QUEUE_BYTES);
 * when that queue is full, or the video has ended, before the message
 * came, the sound goes on with what is known then: the bg time of the
 * first frame out (its alignment meta) at the fg's own speed. Waiting
 * longer would hold the encoder, then the aligner, forever. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <gst/vidkompy/vidkompyalignmentmeta.h>

#include "vkcomp.h"
#include "vkpriming.h"

/* the encoded video queued in front of the muxer while the bg's sound
 * waits for the alignment: the streaming mode's message comes once 1 s of
 * fg has matched (after the fg frames output unmatched before it: the
 * fg's frames before the bg's start, a fg found late), at most so long
 * and so many bytes */
#define MUX_QUEUE_TIME (5 * GST_SECOND)
#define MUX_QUEUE_BYTES (64 * 1024 * 1024)

/* Holds the caller (a streaming thread of the bg audio) until the
 * alignment is known. FALSE when cancelled. */
static gboolean
wait_offset (Comp * c)
{
  gboolean ok;

  g_mutex_lock (&c->lock);
  while (!c->offset_known && !c->cancelled)
    g_cond_wait (&c->cond, &c->lock);
  ok = !c->cancelled;
  g_mutex_unlock (&c->lock);
  return ok;
}

/* The alignment is @known (else the run stops: the sound goes no
 * further): the bg's sound starts at @offset at @rate, unless a first
 * final message set them already. Any thread. */
void
vk_comp_release_audio (Comp * c, gboolean known, gint64 offset, gdouble rate)
{
  g_mutex_lock (&c->lock);
  if (!known) {
    c->cancelled = TRUE;
  } else if (!c->offset_known) {
    /* (the first final message: the audio goes on with it; the streaming
     * mode's again at the fg's end) */
    c->offset_known = TRUE;
    c->bg_offset = offset;
    /* a rate this close to 1 is no rate change */
    c->bg_rate = rate > 0 && fabs (rate - 1.0) > 0.002 ? rate : 1.0;
  }
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static gboolean
audio_cancelled (Comp * c)
{
  gboolean cancelled;

  g_mutex_lock (&c->lock);
  cancelled = c->cancelled;
  g_mutex_unlock (&c->lock);
  return cancelled;
}

/* Once the run stops (error, interrupt, end), the bg audio goes no further:
 * events are dropped and buffers refused with FLUSHING, which stops the
 * audio decoder. Letting buffers through after the held segment event was
 * dropped sent them downstream with no segment ("data flow before segment
 * event"), and scaletempo then wrote past its output buffer (ASan:
 * heap-buffer-overflow in its transform), which crashed the teardown. */
static GstPadProbeReturn
refuse_audio (GstPadProbeInfo * info)
{
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    gst_buffer_unref (GST_PAD_PROBE_INFO_BUFFER (info));
    GST_PAD_PROBE_INFO_DATA (info) = NULL;
    GST_PAD_PROBE_INFO_FLOW_RETURN (info) = GST_FLOW_FLUSHING;
    return GST_PAD_PROBE_HANDLED;
  }
  return GST_PAD_PROBE_DROP;
}

/* on the bg audio decoder's src pad: its segment waits for the alignment
 * and is shifted by it, its buffers are clipped to the fg's time */
GstPadProbeReturn
vk_comp_bg_audio_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Comp *c = user_data;

  if (audio_cancelled (c))
    return refuse_audio (info);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    const GstSegment *in;
    GstCaps *caps;

    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      gst_event_parse_caps (ev, &caps);
      gst_audio_info_from_caps (&c->audio_info, caps);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      if (!wait_offset (c))
        return refuse_audio (info);
      gst_event_parse_segment (ev, &in);
      gst_segment_copy_into (in, &c->audio_segment);
      if (!vk_cli_shift_segment (&c->audio_segment, c->bg_offset,
              c->bg_rate, c->fgp.duration))
        return GST_PAD_PROBE_OK;
      if (c->o->verbose)
        g_printerr ("vidkompy: bg audio from %.3f s at %.4fx\n",
            c->bg_offset / (gdouble) GST_SECOND, c->bg_rate);
      GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment
          (&c->audio_segment);
      gst_event_unref (ev);
    }
    return GST_PAD_PROBE_OK;
  }
  return vk_cli_clip_audio (info, &c->audio_segment, &c->audio_info);
}

/* The alignment is not known and the video cannot wait any longer for the
 * sound (@why): the bg's sound from the bg time of the first frame out, at
 * the fg's own speed. */
static void
release_unknown (Comp * c, const gchar * why)
{
  gint64 offset;
  gboolean first;

  g_mutex_lock (&c->lock);
  first = !c->offset_known && !c->cancelled;
  offset = c->first_offset;
  g_mutex_unlock (&c->lock);
  if (!first)
    return;
  if (c->o->verbose)
    g_printerr ("vidkompy: %s before the alignment was known: the bg audio "
        "goes on from the bg time of the first frame out\n", why);
  vk_comp_release_audio (c, TRUE, offset, 1.0);
}

/* the mux's video queue is full: the muxer waits for the sound */
static void
mux_queue_full (GstElement * queue, gpointer user_data)
{
  release_unknown (user_data, "the output's video queue is full");
}

/* @buf's alignment meta, by its API's name: the plugins register it (they
 * link libgstvidkompy); the command does not link the library, which an
 * installed tree's command would not find (only its plugins) */
static GstVidkompyAlignmentMeta *
alignment_meta (GstBuffer * buf)
{
  GType api = g_type_from_name ("GstVidkompyAlignmentMetaAPI");

  return api ? (GstVidkompyAlignmentMeta *) gst_buffer_get_meta (buf, api) :
      NULL;
}

/* vidkompy's first frame out: the bg time it shows */
static GstPadProbeReturn
first_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Comp *c = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstVidkompyAlignmentMeta *m = alignment_meta (buf);

  if (m == NULL || !GST_CLOCK_TIME_IS_VALID (m->bg_pts)
      || !GST_BUFFER_PTS_IS_VALID (buf))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&c->lock);
  /* (the bg time at the output's start, the fg at its own speed: the
   * frame is out at its fg frame's own time, whatever the fg's rate) */
  c->first_offset = (gint64) m->bg_pts - (gint64) GST_BUFFER_PTS (buf);
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_REMOVE;
}

/* vidkompy's video ends */
static GstPadProbeReturn
video_end (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    release_unknown (user_data, "the video ended");
  return GST_PAD_PROBE_OK;
}

/**
 * vk_comp_audio_watch:
 * @c: the job, its bg audio gated (audio_from "bg")
 * @mux_queue: the queue of encoded video in front of the muxer
 *
 * Sets @mux_queue's limits (MUX_QUEUE_TIME, MUX_QUEUE_BYTES) and releases
 * the bg's sound, if the alignment is not known yet, when it is full or
 * when vidkompy's video ends.
 */
void
vk_comp_audio_watch (Comp * c, GstElement * mux_queue)
{
  GstPad *src = gst_element_get_static_pad (c->vk, "src");

  g_object_set (mux_queue, "max-size-time", (guint64) MUX_QUEUE_TIME,
      "max-size-bytes", (guint) MUX_QUEUE_BYTES, "max-size-buffers", 0u, NULL);
  g_signal_connect (mux_queue, "overrun", G_CALLBACK (mux_queue_full), c);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, first_frame, c, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, video_end, c,
      NULL);
  gst_object_unref (src);
}
