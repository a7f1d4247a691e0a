/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign, global mode, phase 3: the render (the bg frame of each fg
 * frame, chosen on full-resolution frames, and the outputs). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "gstvidkompyalign-priv.h"
#include "vkalignout.h"

void
gst_vidkompy_align_render_state_clear (GstVidkompyAlign * self)
{
  guint i;

  g_queue_clear_full (&self->cands,
      (GDestroyNotify) gst_vidkompy_align_cand_free);
  gst_vidkompy_align_fg_drop_held (self);
  gst_clear_buffer (&self->pair_fg);
  if (self->fg_desc)
    for (i = 0; i < self->result.n_fg; i++)
      g_free (self->fg_desc[i]);
  g_clear_pointer (&self->fg_desc, g_free);
  g_clear_pointer (&self->decision, g_free);
  g_clear_pointer (&self->tie, g_free);
}

/* ------------------------------------------------------------------------ */
/* Render */

/* Queues @buf (taken) on @s's output for its task, with the fg's segment
 * before it when one is due (both outputs are on the fg's timeline), then
 * waits while the output is full (VK_OUT_MAX_FRAMES_GLOBAL: downstream is
 * slower, the input waits for it as a queue would). Returns the flow of
 * the output's pushes. Called without the lock. */
static GstFlowReturn
queue_output (GstVidkompyAlign * self, Stream * s, GstBuffer * buf)
{
  Stream *other = s == &self->bg ? &self->fg : &self->bg;
  GstFlowReturn ret = GST_FLOW_FLUSHING;

  g_mutex_lock (&self->lock);
  if (VK_IN_FLUSHING (s) || self->phase != PHASE_RENDER) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return ret;
  }
  vk_out_queue_segment (&s->out, &self->fg.segment);
  vk_out_queue (&s->out, buf);
  /* (one thread feeding both inputs, a tee or a demuxer without queues,
   * does not wait here while the other output is idle: its downstream
   * may wait for that one, which only this thread can fill) */
  while (vk_out_full (&s->out, VK_OUT_MAX_FRAMES_GLOBAL)
      && !(vk_out_idle (&other->out) && vk_fed_by_self (&other->feeder))
      && !VK_IN_FLUSHING (s) && self->phase == PHASE_RENDER)
    vk_out_wait_drained (&s->out);
  if (!VK_IN_FLUSHING (s) && self->phase == PHASE_RENDER)
    ret = s->out.flow;
  g_mutex_unlock (&self->lock);
  return ret;
}

/* Event @event (taken) of input @s in the render goes out on its output:
 * a flush at once (vk_out_forward_flush ()), a serialized event after
 * what is queued there, EOS once that is out. */
gboolean
gst_vidkompy_align_forward (GstVidkompyAlign * self, Stream * s,
    GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START)
        vk_out_pause (&s->out, "flush-start");
      else
        vk_out_reset (&s->out, "flush-stop");
      g_mutex_unlock (&self->lock);
      return vk_out_forward_flush (&s->out, event);
    case GST_EVENT_EOS:
      gst_event_unref (event);
      g_mutex_lock (&self->lock);
      vk_out_queue_segment (&s->out, &self->fg.segment);
      vk_out_end (&s->out, "its input ended");
      g_mutex_unlock (&self->lock);
      return TRUE;
    default:
      if (!GST_EVENT_IS_SERIALIZED (event))
        return gst_pad_push_event (s->srcpad, event);
      g_mutex_lock (&self->lock);
      /* (a segment's end after the segment: an output with nothing yet) */
      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT_DONE)
        vk_out_queue_segment (&s->out, &self->fg.segment);
      vk_out_queue (&s->out, event);
      g_mutex_unlock (&self->lock);
      return TRUE;
  }
}

/* the meta of fg frame @fg_index's outputs */
static void
out_meta (GstVidkompyAlign * self, guint fg_index, guint bg_index,
    GstClockTime bg_pts, gfloat cost, VkOutMeta * m)
{
  m->fg_index = fg_index;
  m->bg_index = bg_index;
  m->bg_pts = bg_pts;
  m->cost = cost;
  m->tie = self->tie && fg_index < self->result.n_fg && self->tie[fg_index];
  gst_vidkompy_align_out_place (self, &m->x, &m->y, &m->scale,
      &m->spatial_confidence);
}

/* the bg does not show fg frame @i (see vk_align_covered ()) */
static gboolean
fg_frame_outside (GstVidkompyAlign * self, guint i)
{
  return i < self->result.covered_start || i >= self->result.covered_end;
}

static gboolean
fg_frame_dropped (GstVidkompyAlign * self, guint i)
{
  return self->settings.unmatched == GST_VIDKOMPY_UNMATCHED_DROP
      && fg_frame_outside (self, i);
}

/* the fg frame's own duration, or the gap to the next frame */
GstClockTime
gst_vidkompy_align_fg_duration (GstVidkompyAlign * self, guint i)
{
  const Stream *fg = &self->fg;
  GstClockTime d = g_array_index (fg->durations, GstClockTime, i);

  if (GST_CLOCK_TIME_IS_VALID (d))
    return d;
  if (i + 1 < fg->pts->len)
    return g_array_index (fg->pts, GstClockTime, i + 1) -
        g_array_index (fg->pts, GstClockTime, i);
  return GST_CLOCK_TIME_NONE;
}

/* descriptor of a region of @buf's luma, at full resolution */
static gfloat *
frame_descriptor (GstVidkompyAlign * self, const GstVideoInfo * info,
    GstBuffer * buf, gdouble rx, gdouble ry, gdouble rw, gdouble rh)
{
  return vk_desc_of_buffer (info, buf, rx, ry, rw, rh, self->desc_w,
      self->desc_h);
}

/* the compared part of the fg frame */
static gfloat *
fg_descriptor (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;

  return frame_descriptor (self, &self->fg.info, buf, r->valid_x, r->valid_y,
      r->valid_w, r->valid_h);
}

/* the bg region under the compared part of the fg */
static gfloat *
bg_descriptor (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;

  return frame_descriptor (self, &self->bg.info, buf,
      self->out_x + r->valid_x * self->out_scale,
      self->out_y + r->valid_y * self->out_scale,
      r->valid_w * self->out_scale, r->valid_h * self->out_scale);
}

void
gst_vidkompy_align_cand_free (Cand * c)
{
  gst_buffer_unref (c->buffer);
  g_free (c->desc);
  g_free (c);
}

static gboolean decide_coupled (GstVidkompyAlign * self, guint i);

GstFlowReturn
gst_vidkompy_align_render_fg (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;
  GstFlowReturn ret;
  gboolean stalled;
  gfloat *desc;
  gint64 since;
  guint i;

  /* (coupled inputs: the frames held that can go out first) */
  if ((ret = gst_vidkompy_align_fg_release (self, FALSE)) != GST_FLOW_OK) {
    gst_buffer_unref (buf);
    return ret;
  }
  g_mutex_lock (&self->lock);
  i = MIN (gst_vidkompy_align_frame_index (&self->fg, GST_BUFFER_PTS (buf)),
      r->n_fg - 1);
  if (self->fg.pass == PASS_REFINING && i < r->covered_start) {
    /* the refinement pass of a retimed fg, played from its start */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (self->fg.pass == PASS_REFINING) {
    /* the refinement pass (refine_first ()): the first frame the bg shows
     * is the refinement's; nothing goes out until the seek back */
    if (!self->refined && i >= r->covered_start)
      gst_vidkompy_align_offer_pair (self, buf);
    while (self->fg.pass == PASS_REFINING && !VK_IN_FLUSHING (&self->fg)
        && self->phase == PHASE_RENDER)
      VK_ALIGN_WAIT (self, replay_cond);
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (fg_frame_dropped (self, i)) {
    g_mutex_unlock (&self->lock);
    GST_LOG_OBJECT (self, "fg frame %u is outside the bg: dropped", i);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (self->seek == SEEK_NONE && (gint64) i <= self->fg_rendered) {
    g_mutex_unlock (&self->lock);
    GST_LOG_OBJECT (self, "fg frame %u is out already: dropped", i);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (!self->refined && !gst_vidkompy_align_fg_wait_refined (self, buf)) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  g_mutex_unlock (&self->lock);

  /* the bg thread picks the bg frame with this, see decide (); a saved
   * frame map is rendered as it is */
  desc = VK_PRESET (self) ? NULL : fg_descriptor (self, buf);

  g_mutex_lock (&self->lock);
  g_free (self->fg_desc[i]);
  self->fg_desc[i] = desc;
  g_cond_broadcast (&self->desc_cond);
  /* (a seek's frames wait for its reset of the render state even when
   * the bg had finished before it) */
  since = g_get_monotonic_time ();
  stalled = FALSE;
  while ((self->seek == SEEK_FLUSHING || (self->seek == SEEK_NEW_PASS
              && !self->fg.new_pass) || (self->decision[i] == G_MAXUINT
              && !VK_BG_FINISHED (self)))
      && !VK_IN_FLUSHING (&self->fg) && self->phase == PHASE_RENDER) {
    if (decide_coupled (self, i))
      continue;
    /* coupled: the bg's thread may not come before this one returns, the
     * frame is held (gst_vidkompy_align_fg_hold ()); beyond the frames
     * that may be held, only when the bg does not come */
    if (self->coupled_ahead != G_MAXUINT && self->seek == SEEK_NONE
        && (stalled || gst_vidkompy_align_fg_may_hold (self)))
      break;
    stalled = VK_ALIGN_WAIT_OR_STALL (self, decided_cond, &self->bg, since)
        && self->seek == SEEK_NONE && self->decision[i] == G_MAXUINT;
    if (stalled) {
      gst_vidkompy_align_couple (self, i, "the bg did not come while it "
          "waited for its decision");
      since = g_get_monotonic_time ();
    }
  }
  if (VK_IN_FLUSHING (&self->fg) || self->phase != PHASE_RENDER) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (gst_vidkompy_align_fg_hold (self, i, buf)) {
    g_mutex_unlock (&self->lock);
    return GST_FLOW_OK;
  }
  return gst_vidkompy_align_push_fg (self, i, buf);
}

/* Outputs fg frame @i, @buf, with the meta of its decision (the dense
 * alignment's choice after the bg ended). Called with the lock, which it
 * releases (before queueing it). */
GstFlowReturn
gst_vidkompy_align_push_fg (GstVidkompyAlign * self, guint i, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;
  GstClockTime bg_pts;
  VkOutMeta meta;
  guint j;

  j = self->decision[i] != G_MAXUINT ? self->decision[i] : r->map[i];
  bg_pts = g_array_index (self->bg.pts, GstClockTime, j);
  self->fg_rendered = MAX (self->fg_rendered, (gint64) i);
  g_mutex_unlock (&self->lock);

  buf = gst_buffer_make_writable (buf);
  out_meta (self, i, j, bg_pts, r->cost[i], &meta);
  vk_out_add_meta (buf, &meta);
  return queue_output (self, &self->fg, buf);
}

/* The bg frames fg frame @i may get: around the dense alignment's choice
 * and around the continuation of the frames picked so far (which come from
 * full-resolution comparisons), never before the last one picked: those
 * from @a less self->radius to @b plus gst_vidkompy_align_ahead ()
 * (candidate_range ()); FALSE: only @a (== @b). Called with the lock. */
gboolean
gst_vidkompy_align_candidate_span (GstVidkompyAlign * self, guint i,
    guint * a, guint * b)
{
  guint m = self->result.map[i];

  *a = *b = m;
  /* a frame the bg does not show is on its first or last frame; a retimed
   * fg's frames are on the dense alignment's choice (a frame shown again
   * after a later one cannot be on its own bg frame: the bg never steps
   * back, and the nearest pick would run ahead on unrelated frames) */
  if (VK_PRESET (self) || fg_frame_outside (self, i)
      || self->fg.retime.n_retimed > 0)
    return FALSE;
  if (VK_HAVE_DECISION (self)) {
    guint pred = self->last_decision +
        (guint) ceil (self->result.rate * (i - self->last_decided_fg));

    *a = MIN (*a, pred);
    *b = MAX (*b, pred);
  }
  return TRUE;
}

/* how far the bg is wanted beyond the dense choice: self->radius, or less
 * once coupled (gst_vidkompy_align_couple ()). Called with the lock. */
guint
gst_vidkompy_align_ahead (GstVidkompyAlign * self)
{
  return MIN (self->radius, self->coupled_ahead);
}

static void
candidate_range (GstVidkompyAlign * self, guint i, guint * lo, guint * hi)
{
  guint a, b;

  if (!gst_vidkompy_align_candidate_span (self, i, &a, &b)) {
    *lo = *hi = a;
    return;
  }
  *lo = MAX (a > self->radius ? a - self->radius : 0, self->last_decision);
  *hi = MIN (b + gst_vidkompy_align_ahead (self), self->bg.pts->len - 1);
}

/* the received bg frame @index, or NULL. Called with the lock. */
static Cand *
cand_of (GstVidkompyAlign * self, guint index)
{
  GList *l;

  for (l = self->cands.head; l; l = l->next)
    if (((Cand *) l->data)->index == index)
      return l->data;
  return NULL;
}

/* the buffer of the received bg frame @index, or NULL. With the lock. */
GstBuffer *
gst_vidkompy_align_cand_buffer (GstVidkompyAlign * self, guint index)
{
  Cand *c = cand_of (self, index);

  return c ? c->buffer : NULL;
}

/* Picks the bg frame of fg frame @i among the dense alignment's choice and
 * its self->radius neighbours on each side, by comparing full-resolution
 * descriptors (the dense alignment works on low-resolution copies, which
 * cannot always tell neighbouring frames apart). Never steps backwards.
 * The timing line that decides ties first moves onto a still picture held
 * over several bg frames that shows the fg frame's moment elsewhere
 * (vk_line_anchor ()). Called with the lock, once the position is refined;
 * returns NULL when no candidate has arrived. */
static Cand *
decide (GstVidkompyAlign * self, guint i)
{
  guint m = self->result.map[i], lo, hi, max, n = 0, k;
  const gfloat *fd = self->fg_desc[i];
  VkFramePick pick;
  VkFramePickWhy why;
  gint64 chosen;
  gboolean tie;
  Cand **in_range, *best = NULL;
  guint *index;
  gdouble *score, shift = 0.0, offset;
  GList *l;

  candidate_range (self, i, &lo, &hi);
  /* (none when the decisions are past the range) */
  max = hi >= lo ? hi - lo + 1 : 1;
  in_range = g_new (Cand *, max);
  index = g_new (guint, max);
  score = g_new (gdouble, max);
  for (l = self->cands.head; l; l = l->next) {
    Cand *c = l->data;

    if (c->index < lo || c->index > hi)
      continue;
    if (VK_PRESET (self)) {
      best = c;
      goto done;
    }
    if (c->desc == NULL)
      c->desc = bg_descriptor (self, c->buffer);
    if (fd == NULL || c->desc == NULL) {
      score[n] = c->index == m ? 1.0 : -1.0;
    } else {
      score[n] = vk_desc_similarity (fd, c->desc, self->desc_w * self->desc_h);
    }
    GST_TRACE_OBJECT (self, "fg frame %u: bg frame %u scores %.6f", i,
        c->index, score[n]);
    in_range[n] = c;
    index[n++] = c->index;
  }
  /* the line that decides ties, moved onto a still picture held elsewhere
   * that shows the fg frame's moment (vk_line_anchor ()) */
  offset = self->result.offset + self->line_shift;
  if (fd)
    shift = vk_line_anchor (offset + self->result.rate * i, index, score, n);
  if (shift != 0.0) {
    self->line_shift += shift;
    offset += shift;
    GST_DEBUG_OBJECT (self, "fg frame %u: the timing line moves %+.2f "
        "frame(s) to bg frame = %.2f + %.4f * fg frame (a still picture held "
        "elsewhere looks like the fg frame)", i, shift, offset,
        self->result.rate);
  }
  vk_frame_pick_init (&pick, vk_line_frame (offset, self->result.rate, i), m);
  for (k = 0; k < n; k++)
    vk_frame_pick_add (&pick, index[k], score[k]);
  /* the best, unless the frame on the timing line or the dense
   * alignment's choice ties with it (vk_frame_pick_result ()) */
  chosen = vk_frame_pick_result (&pick, &tie, &why);
  self->tie[i] = tie;
  for (k = 0; k < n && chosen >= 0; k++)
    if (index[k] == (guint) chosen)
      best = in_range[k];
  if (why == VK_FRAME_PICK_LINE || why == VK_FRAME_PICK_DENSE)
    GST_LOG_OBJECT (self, "fg frame %u: bg frame %u ties with %u: the %s",
        i, (guint) chosen, (guint) pick.best, why == VK_FRAME_PICK_LINE ?
        "line's" : "dense alignment's");
  if (best == NULL) {
    /* none in range (frames missing): the latest one received */
    best = g_queue_peek_tail (&self->cands);
  }

done:
  g_free (in_range);
  g_free (index);
  g_free (score);
  return best;
}

/* Fg frame @i gets bg frame @c. Called with the lock. */
static void
take_decision (GstVidkompyAlign * self, guint i, Cand * c)
{
  self->decision[i] = c->index;
  /* a seek back computes it again */
  g_clear_pointer (&self->fg_desc[i], g_free);
  self->last_decision = c->index;
  self->last_decided_fg = i;
  gst_vidkompy_align_bg_out_event (self, BG_OUT_EV_DECIDED);
  g_cond_broadcast (&self->decided_cond);
  /* (the bg's thread may wait for the descriptor to decide it) */
  g_cond_broadcast (&self->desc_cond);
}

/* Coupled inputs (gst_vidkompy_align_couple ()): the fg's thread decides
 * fg frame @i once its candidates are here (the bg's thread waits
 * upstream for it to go on); its bg output goes out with the bg's next
 * frame (push_bg_outputs ()). Returns TRUE when decided. Called with the
 * lock. */
static gboolean
decide_coupled (GstVidkompyAlign * self, guint i)
{
  Cand *tail = g_queue_peek_tail (&self->cands), *c;
  guint lo, hi;

  if (self->coupled_ahead == G_MAXUINT || i != self->next_fg
      || self->decision[i] != G_MAXUINT || self->seek != SEEK_NONE
      || tail == NULL || (!VK_PRESET (self) && self->fg_desc[i] == NULL))
    return FALSE;
  candidate_range (self, i, &lo, &hi);
  if (tail->index < hi || (c = decide (self, i)) == NULL)
    return FALSE;
  take_decision (self, i, c);
  return TRUE;
}

/* Outputs the bg of every fg frame whose candidates have all arrived (all
 * remaining ones at the bg's end). */
static GstFlowReturn
push_bg_outputs (GstVidkompyAlign * self, gboolean at_end)
{
  VkAlignResult *r = &self->result;
  GstFlowReturn ret = GST_FLOW_OK;

  for (;;) {
    Cand *c, *tail;
    GstBuffer *out;
    GstClockTime bg_pts;
    VkOutMeta meta;
    guint i, m, lo, hi;

    g_mutex_lock (&self->lock);
    /* decisions wait for a seek's reset of the render state */
    while (self->seek == SEEK_FLUSHING && !VK_IN_FLUSHING (&self->bg)
        && self->phase == PHASE_RENDER)
      VK_ALIGN_WAIT (self, reset_cond);
    if (self->next_fg >= self->seg_end || VK_IN_FLUSHING (&self->bg)
        || self->phase != PHASE_RENDER) {
      /* (a cached alignment is written to alignment-location too) */
      gboolean save = self->next_fg >= r->n_fg
          && self->write_state == WRITE_DUE
          && (!VK_PRESET (self) || g_strcmp0 (self->source, "cache") == 0)
          && self->phase == PHASE_RENDER;

      if (save)
        gst_vidkompy_align_set_write (self, WRITE_WRITTEN, "every fg frame "
            "decided");
      g_mutex_unlock (&self->lock);
      if (save)
        gst_vidkompy_align_save_alignment (self);
      break;
    }
    i = self->next_fg;
    m = r->map[i];
    if (fg_frame_dropped (self, i)) {
      self->next_fg++;
      g_mutex_unlock (&self->lock);
      continue;
    }
    /* decided by the fg's thread (coupled inputs: decide_coupled ()) */
    if (self->decision[i] != G_MAXUINT)
      c = cand_of (self, self->decision[i]);
    else
      c = NULL;
    if (c == NULL) {
      tail = g_queue_peek_tail (&self->cands);
      candidate_range (self, i, &lo, &hi);
      if (!at_end && (tail == NULL || tail->index < hi)) {
        g_mutex_unlock (&self->lock);
        break;                  /* the next candidate has not arrived yet */
      }
      /* the fg frame's descriptor, unless the fg is gone or past it (or
       * its thread decided it meanwhile) */
      if (!gst_vidkompy_align_bg_wait_fg_desc (self, i, at_end)) {
        g_mutex_unlock (&self->lock);
        break;
      }
      if (self->decision[i] != G_MAXUINT)
        c = cand_of (self, self->decision[i]);
      if (c == NULL && !VK_PRESET (self) && self->fg_desc[i] == NULL
          && self->fg.last_seen > (gint64) i) {
        /* the fg did not play this frame again after the seek (a decoder
         * can leave out the first frames): it has no output */
        GST_DEBUG_OBJECT (self, "fg frame %u did not come: no bg output", i);
        self->next_fg++;
        g_mutex_unlock (&self->lock);
        continue;
      }

      if (c == NULL) {
        c = decide (self, i);
        if (c == NULL) {
          g_mutex_unlock (&self->lock);
          break;
        }
        take_decision (self, i, c);
      }
    }
    self->next_fg++;
    /* (held fg frames wait for their bg output to be taken) */
    g_cond_broadcast (&self->decided_cond);

    bg_pts = g_array_index (self->bg.pts, GstClockTime, c->index);

    out_meta (self, i, c->index, bg_pts, r->cost[i], &meta);
    out = vk_out_bg_buffer (c->buffer, g_array_index (self->fg.pts,
            GstClockTime, i), gst_vidkompy_align_fg_duration (self, i), &meta);
    GST_LOG_OBJECT (self, "fg frame %u (%" GST_TIME_FORMAT ") <- bg frame %u "
        "(%" GST_TIME_FORMAT "; dense alignment: %u)", i,
        GST_TIME_ARGS (GST_BUFFER_PTS (out)), c->index,
        GST_TIME_ARGS (bg_pts), m);

    /* later fg frames never go back: keep the chosen frame and later ones */
    while ((tail = g_queue_peek_head (&self->cands)) && tail != c
        && tail->index < c->index)
      gst_vidkompy_align_cand_free (g_queue_pop_head (&self->cands));
    g_mutex_unlock (&self->lock);

    ret = queue_output (self, &self->bg, out);
    if (ret != GST_FLOW_OK)
      break;
  }
  return ret;
}

GstFlowReturn
gst_vidkompy_align_render_bg (GstVidkompyAlign * self, GstBuffer * buf)
{
  gboolean refined;
  Cand *c;
  guint k, lo = 0, hi;

  g_mutex_lock (&self->lock);
  /* a seek's frames wait for its reset of the render state */
  while ((self->seek == SEEK_FLUSHING || (self->seek == SEEK_NEW_PASS
              && !self->bg.new_pass))
      && !VK_IN_FLUSHING (&self->bg) && self->phase == PHASE_RENDER)
    VK_ALIGN_WAIT (self, reset_cond);
  k = gst_vidkompy_align_frame_index (&self->bg, GST_BUFFER_PTS (buf));
  if (self->next_fg < self->seg_end)
    candidate_range (self, self->next_fg, &lo, &hi);
  if (self->next_fg >= self->seg_end || k < lo) {
    /* not a candidate for any fg frame still to come */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  /* the bg output is on the fg's timeline: wait for the fg's segment */
  while (!self->fg_segment_ready && !VK_IN_FLUSHING (&self->bg)
      && self->phase == PHASE_RENDER)
    VK_ALIGN_WAIT (self, replay_cond);
  c = g_new0 (Cand, 1);
  c->index = k;
  c->buffer = buf;
  if (VK_IN_FLUSHING (&self->bg) || self->phase != PHASE_RENDER) {
    g_mutex_unlock (&self->lock);
    gst_vidkompy_align_cand_free (c);
    return GST_FLOW_FLUSHING;
  }
  g_queue_push_tail (&self->cands, c);
  if (!gst_vidkompy_align_bg_try_refine (self, FALSE)) {
    g_mutex_unlock (&self->lock);
    return GST_FLOW_FLUSHING;
  }
  if (self->bg.pass == PASS_REFINING) {
    /* the refinement pass (refine_first ()): frames until the refinement,
     * then nothing until the seek back */
    while (self->bg.pass == PASS_REFINING && self->refined
        && !VK_IN_FLUSHING (&self->bg) && self->phase == PHASE_RENDER)
      VK_ALIGN_WAIT (self, replay_cond);
    refined = self->refined;
    g_mutex_unlock (&self->lock);
    return refined ? GST_FLOW_FLUSHING : GST_FLOW_OK;
  }
  refined = self->refined;
  g_mutex_unlock (&self->lock);

  if (!refined)
    return GST_FLOW_OK;

  return push_bg_outputs (self, FALSE);
}

/* The bg ended: the remaining fg frames get the frames left, or its last
 * frame. */
void
gst_vidkompy_align_finish_bg (GstVidkompyAlign * self)
{
  gboolean empty;

  g_mutex_lock (&self->lock);
  empty = g_queue_is_empty (&self->cands);
  if (!empty)
    gst_vidkompy_align_bg_try_refine (self, TRUE);
  g_mutex_unlock (&self->lock);

  if (empty && self->next_fg < self->seg_end) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The background ended during rendering before the first matched "
            "frame: it did not play its frames again after the seek back "
            "for rendering (a source with num-buffers set stops after that "
            "many frames, seeks included)."), (NULL));
  } else {
    push_bg_outputs (self, TRUE);
  }
  g_mutex_lock (&self->lock);
  gst_vidkompy_align_bg_out_event (self, BG_OUT_EV_FINISHED);
  /* the fg frames left get their decisions, the first one its position
   * (without the bg's frames), a seek without a flush its pass' end */
  g_cond_broadcast (&self->decided_cond);
  g_cond_broadcast (&self->refined_cond);
  g_cond_broadcast (&self->pass_end_cond);
  g_mutex_unlock (&self->lock);
}

/* Forgets what the render pass decided from fg frame @from on (fg
 * descriptors not used yet stay valid: they depend only on the frames).
 * Called with the lock. */
void
gst_vidkompy_align_render_reset (GstVidkompyAlign * self, guint from)
{
  guint i;

  for (i = from; i < self->result.n_fg; i++)
    self->decision[i] = G_MAXUINT;
  self->next_fg = from;
  self->fg_rendered = (gint64) from - 1;
  /* from the first frame on, every frame gets its decision again */
  if (self->write_state != WRITE_WRITTEN)
    gst_vidkompy_align_set_write (self, from == 0 ? WRITE_DUE :
        WRITE_PARTIAL, from == 0 ? "a pass from fg frame 0" :
        "a pass from a later fg frame");
  gst_vidkompy_align_bg_out_event (self, BG_OUT_EV_RESET);
  self->last_decision = 0;
  if (from > 0)
    self->last_decision = MIN (self->result.map[from - 1],
        self->result.map[from]);
}
