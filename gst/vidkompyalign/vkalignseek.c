/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: seeks of the outputs, in both modes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

static void
streaming_seek_job (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  GstEvent *event = user_data;
  GstSeekFlags flags;
  gint64 deadline = g_get_monotonic_time () + AUTO_WAIT;
  guint32 seqnum;
  gboolean flush;

  /* both inputs linked and negotiated (decodebin links its pads one after
   * the other), as for mode=auto's decision */
  g_mutex_lock (&self->lock);
  while (!(self->bg.have_info && self->fg.have_info)
      && self->phase != PHASE_DONE)
    if (!VK_ALIGN_WAIT_UNTIL (self, caps_cond, deadline))
      break;
  g_mutex_unlock (&self->lock);
  gst_event_parse_seek (event, NULL, NULL, &flags, NULL, NULL, NULL, NULL);
  seqnum = gst_event_get_seqnum (event);
  if (!vk_seek_streaming (element, self->streaming, self->bg.sinkpad,
          self->fg.sinkpad, event, (flags & GST_SEEK_FLAG_FLUSH) != 0,
          self->settings.latency)) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Could not seek the inputs "
            "to the position asked for before the streaming mode was "
            "chosen: playing from where they are."), (NULL));
    g_mutex_lock (&self->lock);
    flush = self->seek_flush_owed;
    g_mutex_unlock (&self->lock);
    /* downstream waits for the flush of the seek it sent */
    if (flush)
      vk_seek_flush_outputs (self->bg.srcpad, self->fg.srcpad, seqnum);
  }
  g_mutex_lock (&self->lock);
  self->seek_flush_owed = FALSE;
  self->streaming_seeks--;
  g_cond_broadcast (&self->seeks_cond);
  g_mutex_unlock (&self->lock);
}

/* A seek queued before the streaming mode started (mode=auto had not
 * chosen, or mode=streaming had no event yet; see gst_vidkompy_align_handle_seek ()) goes to
 * the inputs from a job, once both have caps: the streaming threads must
 * not seek their own sources. The frames that come meanwhile are from
 * before the seek: the streaming renderer holds them until the inputs
 * flush (a flushing seek). A stop waits for the job (streaming_seeks).
 * With the lock. */
void
gst_vidkompy_align_streaming_queued_seek (GstVidkompyAlign * self)
{
  GstEvent *event = g_steal_pointer (&self->queued_seek);
  GstSeekFlags flags;

  if (event == NULL)
    return;
  GST_INFO_OBJECT (self, "streaming: the seek queued before the mode was "
      "chosen goes to the inputs");
  gst_event_parse_seek (event, NULL, NULL, &flags, NULL, NULL, NULL, NULL);
  if (flags & GST_SEEK_FLAG_FLUSH)
    vk_stream_render_seek_begin (self->streaming);
  self->streaming_seeks++;
  gst_vidkompy_align_start_job (self, "vk-seek", streaming_seek_job, event,
      NULL);
}

/* Seeks the inputs for a seek of the outputs (@event, a forward time seek
 * to a position; taken): the fg there (the outputs are on its timeline),
 * the bg to the bg frame matched to the fg frame at that time. */
gboolean
gst_vidkompy_align_seek_inputs (GstVidkompyAlign * self, GstEvent * event)
{
  VkSeekArgs a;
  GstEvent *bg_seek;
  GstClockTime bg_pos, bg_stop = GST_CLOCK_TIME_NONE;
  guint i, end, j;
  gboolean fg_ok, bg_ok;

  vk_seek_parse (event, &a);
  g_mutex_lock (&self->lock);
  i = MIN (gst_vidkompy_align_frame_index (&self->fg, a.start),
      self->result.n_fg - 1);
  /* a stop: the fg frames before it, the bg a little past their match
   * (a segment seek ends on both inputs with SEGMENT_DONE) */
  end = self->result.n_fg;
  if (a.stop_type == GST_SEEK_TYPE_SET)
    end = MAX (vk_seek_frames_before (self->fg.pts, a.stop), i + 1);
  j = self->result.map[end - 1] + VK_SEEK_BG_STOP_FRAMES (self->radius);
  if (end < self->result.n_fg && j < self->bg.pts->len)
    bg_stop = g_array_index (self->bg.pts, GstClockTime, j);
  /* the saved alignment's inputs are checked on whole passes only */
  if (self->preset_state == PRESET_VERIFYING)
    gst_vidkompy_align_set_preset (self, PRESET_UNVERIFIED, "a seek");
  bg_pos = g_array_index (self->bg.pts, GstClockTime,
      self->result.map[i] > self->radius ?
      self->result.map[i] - self->radius : 0);
  /* no decision until both inputs flushed and restarted: one made now
   * would be from before the seek; without a flush, the streaming
   * threads must go on for the seek to happen: only the frames after
   * its segment (a new pass, such as a segment seek's loop) wait */
  gst_vidkompy_align_set_seek (self, (a.flags & GST_SEEK_FLAG_FLUSH) ?
      SEEK_FLUSHING : SEEK_NEW_PASS, "a seek of the outputs sent upstream");
  self->bg.new_pass = self->fg.new_pass = self->seek == SEEK_NEW_PASS;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "seek to %" GST_TIME_FORMAT " (fg frames %u to "
      "%u), bg from %" GST_TIME_FORMAT " to %" GST_TIME_FORMAT,
      GST_TIME_ARGS (a.start), i, end, GST_TIME_ARGS (bg_pos),
      GST_TIME_ARGS (bg_stop));
  bg_seek = gst_event_new_seek (a.rate, GST_FORMAT_TIME,
      a.flags | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, bg_pos,
      GST_CLOCK_TIME_IS_VALID (bg_stop) ? GST_SEEK_TYPE_SET :
      GST_SEEK_TYPE_NONE, bg_stop);
  gst_event_set_seqnum (bg_seek, gst_event_get_seqnum (event));
  fg_ok = gst_pad_push_event (self->fg.sinkpad, event);
  bg_ok = gst_pad_push_event (self->bg.sinkpad, bg_seek);
  GST_DEBUG_OBJECT (self, "the fg's upstream %s the seek, the bg's %s it",
      fg_ok ? "took" : "refused", bg_ok ? "took" : "refused");

  g_mutex_lock (&self->lock);
  gst_vidkompy_align_render_reset (self, i);
  self->seg_end = end;
  gst_vidkompy_align_set_seek (self, SEEK_NONE, "the seek returned, the "
      "render state reset");
  /* the bg's frames and decisions go on, the fg's frames get the
   * decisions of the new position */
  g_cond_broadcast (&self->reset_cond);
  g_cond_broadcast (&self->decided_cond);
  g_mutex_unlock (&self->lock);
  return fg_ok && bg_ok;
}

/* how long a seek without a flush waits for the inputs to end their pass
 * (the application may answer the SEGMENT_DONE message before the events
 * reach us), us; once one input has ended it, how long for the rest (the
 * bg's last decisions, see gst_vidkompy_align_finish_bg ()) */
#define PASS_END_WAIT (500 * G_TIME_SPAN_MILLISECOND)
#define PASS_FINISH_WAIT (10 * G_TIME_SPAN_SECOND)

/* both inputs ended their pass (EOS or SEGMENT_DONE) and the bg output made
 * its last decisions; with the lock */
static gboolean
pass_done (GstVidkompyAlign * self)
{
  return VK_IN_ENDED (&self->bg) && VK_IN_ENDED (&self->fg)
      && VK_BG_FINISHED (self);
}

/* Whether the pass is done (pass_done ()), waiting for it: a seek without
 * a flush is a new pass (a segment seek's loop) only then; in the middle of
 * a pass the render state would move to the new position while the frames
 * queued before it still play out, and before the bg's last decisions it
 * would take them away (a loop answered at once lost bg frames). With the
 * lock. */
static gboolean
pass_ended (GstVidkompyAlign * self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 start_by = now + PASS_END_WAIT, finish_by = now + PASS_FINISH_WAIT;

  while (!pass_done (self) && self->phase == PHASE_RENDER)
    if (!VK_ALIGN_WAIT_UNTIL (self, pass_end_cond,
            VK_IN_ENDED (&self->bg) || VK_IN_ENDED (&self->fg) ? finish_by :
            start_by))
      break;
  return pass_done (self);
}

/* Seeks of the outputs: forward time seeks to a position (rate > 0, any
 * flags, segment seeks included). Before the render (during the analysis
 * and the alignment) a seek is queued, its flush ended at once (nothing
 * was output), and it is honoured when the render starts (see
 * gst_vidkompy_align_replay ()); while the inputs are seeked back to
 * render, it waits for them. In the global mode's render a seek without a
 * flush is honoured at the end of a pass only (see pass_ended ()).
 * Refused at once, with no effect, otherwise. */
static gboolean
handle_seek_once (GstVidkompyAlign * self, GstPad * pad, GstEvent * event)
{
  VkSeekArgs a;
  guint32 seqnum = gst_event_get_seqnum (event);

  vk_seek_parse (event, &a);
  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_DONE || a.format != GST_FORMAT_TIME || a.rate <= 0
      || a.start_type != GST_SEEK_TYPE_SET || a.start < 0
      || self->bg.retime.n_retimed > 0 || self->fg.retime.n_retimed > 0) {
    g_mutex_unlock (&self->lock);
    return vk_seek_refuse (self, event, "refusing a seek: only forward time "
        "seeks to a position are supported, and none on inputs whose "
        "timestamps were retimed");
  }
  self->seek_seqnum = seqnum;
  if (self->streaming && !(self->bg.have_info && self->fg.have_info)) {
    /* an input is not negotiated yet (decodebin links its pads one after
     * the other): queued, and sent once both are (as before the streaming
     * mode started); the outputs flush with the inputs (the streaming
     * renderer passes their flushes on), or at once if the seek fails */
    GST_INFO_OBJECT (pad, "streaming: seek before both inputs have caps: "
        "queued");
    gst_event_replace (&self->queued_seek, event);
    self->seek_flush_owed = (a.flags & GST_SEEK_FLAG_FLUSH) != 0;
    gst_vidkompy_align_streaming_queued_seek (self);
    g_mutex_unlock (&self->lock);
    gst_event_unref (event);
    return TRUE;
  }
  if (self->streaming) {
    gboolean ok;

    /* (a stop waits: the renderer and the pads stay) */
    self->streaming_seeks++;
    g_mutex_unlock (&self->lock);
    ok = vk_seek_streaming (GST_ELEMENT (self), self->streaming,
        self->bg.sinkpad, self->fg.sinkpad, event, FALSE,
        self->settings.latency);
    g_mutex_lock (&self->lock);
    self->streaming_seeks--;
    g_cond_broadcast (&self->seeks_cond);
    g_mutex_unlock (&self->lock);
    return ok;
  }
  /* while the inputs are seeked back to render, frames may go out already
   * (a flush of the outputs now would remove the segment under them): the
   * seek waits for the seeks back and is one of the render */
  while (self->phase == PHASE_RENDER && self->replay_seek)
    VK_ALIGN_WAIT (self, seeks_cond);
  if (self->phase == PHASE_DONE) {
    g_mutex_unlock (&self->lock);
    gst_event_unref (event);
    return FALSE;
  }
  if (self->phase != PHASE_RENDER) {
    GST_INFO_OBJECT (pad, "seek to %" GST_TIME_FORMAT " before the render: "
        "queued", GST_TIME_ARGS (a.start));
    gst_event_replace (&self->queued_seek, event);
    g_mutex_unlock (&self->lock);
    if (a.flags & GST_SEEK_FLAG_FLUSH)
      vk_seek_flush_outputs (self->bg.srcpad, self->fg.srcpad, seqnum);
    gst_event_unref (event);
    return TRUE;
  }
  if (!(a.flags & GST_SEEK_FLAG_FLUSH) && !pass_ended (self)) {
    g_mutex_unlock (&self->lock);
    return vk_seek_refuse (pad, event, "refusing a seek without a flush in "
        "the middle of the render: it is honoured at the end of a pass (a "
        "segment seek's loop); use a flushing seek");
  }
  g_mutex_unlock (&self->lock);
  return gst_vidkompy_align_seek_inputs (self, event);
}

/* A pipeline seek reaches both src pads: handled once (handle_seek_once
 * ()), the other pad's copy gets the same answer. */
gboolean
gst_vidkompy_align_handle_seek (GstVidkompyAlign * self, GstPad * pad,
    GstEvent * event)
{
  guint32 seqnum = gst_event_get_seqnum (event);
  gboolean ok;

  g_mutex_lock (&self->lock);
  if (seqnum == self->seek_seqnum) {
    ok = self->seek_ok;
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (pad, "seek already handled on the other pad: %s",
        ok ? "done" : "refused");
    gst_event_unref (event);
    return ok;
  }
  /* (a copy that comes while the first is handled is answered TRUE) */
  self->seek_ok = TRUE;
  g_mutex_unlock (&self->lock);
  ok = handle_seek_once (self, pad, event);
  g_mutex_lock (&self->lock);
  if (self->seek_seqnum == seqnum)
    self->seek_ok = ok;
  g_mutex_unlock (&self->lock);
  return ok;
}
