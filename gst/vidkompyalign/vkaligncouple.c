/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign, global mode, render: inputs coupled (fed by one upstream
 * thread), their waits for each other, the fg frames held.
 *
 * One upstream thread feeding both inputs (a tee with a queue on one
 * branch only) brings an input's next frame only once the other input's
 * chain returned. Once the inputs are coupled (gst_vidkompy_align_couple
 * ()), the fg's thread therefore never waits for the bg's: a fg frame whose
 * decision or bg output is not made yet is held (GstVidkompyAlign.fg_held,
 * oldest first), and goes out from the fg's thread after its bg output:
 * at the fg's next frame, or before its next event (all of them, waited
 * for, before its end). Its bg output comes from the bg's thread; pushed
 * from the fg's thread while the bg's is upstream, the fg output would
 * block on a sink prerolling that waits for it (the global mode hung there
 * with a queue on the bg's branch only). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

/* One upstream thread feeds both inputs (a tee) and blocks on the fg's
 * full queue: fg frame @i waited VK_UPSTREAM_STALL for bg frames that did
 * not come, the bg's thread upstream all along, or the bg waited as long
 * for fg frame @i, the fg's thread upstream (@why). From now on the bg is
 * wanted only as far ahead as it got, and neither input waits for the
 * other's thread while it is upstream (the fg's frames are held meanwhile,
 * gst_vidkompy_align_fg_hold ()). Called with the lock. */
void
gst_vidkompy_align_couple (GstVidkompyAlign * self, guint i, const gchar * why)
{
  Cand *tail = g_queue_peek_tail (&self->cands);
  guint a, b;

  gst_vidkompy_align_candidate_span (self, MIN (i, self->result.n_fg - 1), &a,
      &b);
  self->coupled_ahead = tail && tail->index > b ? tail->index - b : 0;
  GST_INFO_OBJECT (self, "fg frame %u: %s: one upstream thread feeds both "
      "inputs (a tee?); the bg is wanted at most %u frames ahead of the dense "
      "alignment's choice", i, why, self->coupled_ahead);
}

/* Waits for the descriptor of fg frame @i, unless the fg is gone or past
 * it, or its thread decided it meanwhile. Before the bg's end, when the
 * fg's thread is upstream: on coupled inputs not at all, else until
 * VK_UPSTREAM_STALL, which couples them; the frame is then decided by the
 * fg's thread (decide_coupled (), vkalignrender.c), and its bg output
 * goes out with the bg's next frame or end. Called with the lock; FALSE
 * when the bg output goes no further now (or flushes, or stops). */
gboolean
gst_vidkompy_align_bg_wait_fg_desc (GstVidkompyAlign * self, guint i,
    gboolean at_end)
{
  gint64 since = g_get_monotonic_time ();

  while (!VK_PRESET (self) && self->fg_desc[i] == NULL
      && !VK_IN_ENDED (&self->fg) && self->fg.last_seen <= (gint64) i
      && !VK_IN_FLUSHING (&self->fg) && self->decision[i] == G_MAXUINT
      && !VK_IN_FLUSHING (&self->bg) && self->phase == PHASE_RENDER) {
    if (at_end) {
      VK_ALIGN_WAIT (self, desc_cond);
    } else if (self->coupled_ahead != G_MAXUINT
        && vk_upstream_away (&self->fg.up)) {
      return FALSE;
    } else if (VK_ALIGN_WAIT_OR_STALL (self, desc_cond, &self->fg, since)) {
      gst_vidkompy_align_couple (self, i, "the fg did not come while the bg "
          "waited for it");
    }
  }
  return !VK_IN_FLUSHING (&self->bg) && self->phase == PHASE_RENDER;
}

/* a fg frame held, its index and its buffer */
typedef struct
{
  guint index;
  GstBuffer *buffer;
} HeldFg;

static void
held_free (HeldFg * h)
{
  gst_buffer_unref (h->buffer);
  g_free (h);
}

/* whether fg frame @i can go out: its bg output is taken (the bg's
 * decisions are past it), or the bg ended. With the lock. */
static gboolean
bg_out_taken (GstVidkompyAlign * self, guint i)
{
  return self->next_fg > i || VK_BG_FINISHED (self);
}

/* Whether the fg's thread may hold one more fg frame (HELD_FG_BYTES).
 * With the lock. */
gboolean
gst_vidkompy_align_fg_may_hold (GstVidkompyAlign * self)
{
  return g_queue_get_length (&self->fg_held) *
      (guint64) GST_VIDEO_INFO_SIZE (&self->fg.info) < HELD_FG_BYTES;
}

/* Holds fg frame @i (@buf, taken) instead of outputting it now: on coupled
 * inputs, when its bg output is not taken yet or frames before it are
 * held. With the lock; FALSE when it goes out now. */
gboolean
gst_vidkompy_align_fg_hold (GstVidkompyAlign * self, guint i, GstBuffer * buf)
{
  HeldFg *h;

  if (self->coupled_ahead == G_MAXUINT || (g_queue_is_empty (&self->fg_held)
          && bg_out_taken (self, i)))
    return FALSE;
  h = g_new (HeldFg, 1);
  h->index = i;
  h->buffer = buf;
  g_queue_push_tail (&self->fg_held, h);
  /* (a tee brings it again at the flush of a seek: not taken twice) */
  self->fg_rendered = MAX (self->fg_rendered, (gint64) i);
  GST_LOG_OBJECT (self, "fg frame %u held until its bg output (%u held)", i,
      g_queue_get_length (&self->fg_held));
  return TRUE;
}

/* Outputs the fg frames held whose bg output is taken, oldest first; with
 * @all, every one, waiting for them (the fg's end: the bg's thread is not
 * held up by the fg's any more). Without the lock. */
GstFlowReturn
gst_vidkompy_align_fg_release (GstVidkompyAlign * self, gboolean all)
{
  GstFlowReturn ret = GST_FLOW_OK;

  while (ret == GST_FLOW_OK) {
    HeldFg *h;
    GstBuffer *buf;
    guint i;

    g_mutex_lock (&self->lock);
    /* (a flush drops the frames held: peeked again after each wait) */
    while (all && (h = g_queue_peek_head (&self->fg_held))
        && !bg_out_taken (self, h->index) && !VK_IN_FLUSHING (&self->fg)
        && self->phase == PHASE_RENDER)
      VK_ALIGN_WAIT (self, decided_cond);
    h = g_queue_peek_head (&self->fg_held);
    if (h == NULL || !bg_out_taken (self, h->index)
        || VK_IN_FLUSHING (&self->fg) || self->phase != PHASE_RENDER) {
      g_mutex_unlock (&self->lock);
      break;
    }
    g_queue_pop_head (&self->fg_held);
    i = h->index;
    buf = h->buffer;
    g_free (h);
    GST_LOG_OBJECT (self, "fg frame %u released", i);
    ret = gst_vidkompy_align_push_fg (self, i, buf);
  }
  return ret;
}

/* Drops the fg frames held (a flush, a stop): they did not go out, and
 * are taken again if they come again. With the lock. */
void
gst_vidkompy_align_fg_drop_held (GstVidkompyAlign * self)
{
  HeldFg *h = g_queue_peek_head (&self->fg_held);

  if (h == NULL)
    return;
  self->fg_rendered = MIN (self->fg_rendered, (gint64) h->index - 1);
  GST_DEBUG_OBJECT (self, "dropping %u fg frames held",
      g_queue_get_length (&self->fg_held));
  g_queue_clear_full (&self->fg_held, (GDestroyNotify) held_free);
}
