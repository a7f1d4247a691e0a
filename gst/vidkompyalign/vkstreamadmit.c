/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): when an input's frame is taken
 * in. Non-live inputs in stream order, and fed by one upstream thread. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkstreamrender-priv.h"

/* Non-live inputs are merged in stream order, as if one thread read both:
 * a frame is taken in (queued and processed) only once the other input's
 * next frame is known to come after it, so that every search, DP row and
 * decision sees the same frames whatever the threads' timing (they were
 * decided on the frames that happened to have arrived: the same pair gave
 * 100 % then 89 % exact).
 *
 * A fg frame comes after the bg frames up to the one it needs: once found,
 * the bg frame expected for it plus the DP's margin (never beyond what the
 * window can hold above the lowest frame a coming decision may pick);
 * before, the bg frames up to its running time plus the scan offset plus
 * the lead (vk_sr_lead (): the latency, at least 2 s, shorter for large
 * frames; the search window holds the bg from the window less the lead
 * before the fg's time to the lead after it). Each search that does not
 * find the fg moves the scan offset on by a quarter of the bg window, so
 * the held bg sweeps forward relative to the fg until it holds the fg's
 * content (the bg in between is dropped unseen). */
static gboolean
bg_after (VkStreamRender * r, const Held * f, const Held * b)
{
  GstClockTimeDiff ahead;

  if (VK_SR_PLACED (r)) {
    gdouble expected = vk_sr_expected_bg (r, f->index);
    gdouble need = expected + MIN (vk_stream_dp_margin (r->rate),
        r->coupled_frames);

    return b->index > MIN (need,
        vk_sr_lowest_pick (r) + vk_sr_bg_cap (r) - 2.0);
  }
  ahead = MIN ((GstClockTimeDiff) (r->scan + vk_sr_lead (r)), r->coupled_ahead);
  return (GstClockTimeDiff) b->rt > (GstClockTimeDiff) f->rt + ahead;
}

/* One thread feeds both inputs (a tee, a demuxer), @why we know: the fg
 * frame @f waited VK_UPSTREAM_STALL for a bg frame that did not come while
 * the bg's thread was upstream (blocked on the fg's full queue), or @f
 * comes from the thread that fed the bg last (no queue: one_feeder ()).
 * From now on the bg is wanted no further ahead of the fg than it got (so
 * @f is taken in). Called with the lock. */
static void
couple (VkStreamRender * r, const Held * f, const gchar * why)
{
  Held *b = g_queue_peek_tail (&r->bg);

  if (VK_SR_PLACED (r)) {
    r->coupled_frames = b ? (gdouble) b->index - 1.0 -
        vk_sr_expected_bg (r, f->index) : 0.0;
    GST_INFO_OBJECT (r->cfg.element, "fg frame %u: %s: one upstream "
        "thread feeds both inputs (a tee or a demuxer?); the bg is wanted "
        "at most %.1f frames after the expected one", f->index, why,
        r->coupled_frames);
  } else {
    r->coupled_ahead = b ? (GstClockTimeDiff) b->rt -
        (GstClockTimeDiff) f->rt - 1 : 0;
    GST_INFO_OBJECT (r->cfg.element, "fg frame %u: %s: one upstream "
        "thread feeds both inputs (a tee or a demuxer?); the bg is read at "
        "most %" GST_STIME_FORMAT " ahead of the fg", f->index, why,
        GST_STIME_ARGS (r->coupled_ahead));
  }
}

/* whether the calling thread, which feeds input @k, fed the other input
 * last (vk_fed_by_self ()) */
static gboolean
one_feeder (VkStreamRender * r, gint k)
{
  return vk_fed_by_self (k ? r->cfg.bg_feeder : r->cfg.fg_feeder);
}

/* Whether bg frame @b comes after the fg's first frame, were it at the
 * start of the fg's segment: with a fg late to begin its pass
 * (fg_first_late), which is what a tee with a queue on the fg's branch
 * only looks like (the fg's first frame comes after the bg's, from the
 * bg's thread, once it returns). */
static gboolean
fg_start_after (VkStreamRender * r, const Held * b)
{
  Held first = { 0 };
  GstClockTime rt = gst_segment_to_running_time (&r->pass_seg[1],
      GST_FORMAT_TIME, r->pass_seg[1].start);

  first.rt = GST_CLOCK_TIME_IS_VALID (rt) ? rt : 0;
  return bg_after (r, &first, b);
}

/* whether the pending frame of input @k ([0] bg, [1] fg) is next in stream
 * order (non-live inputs); called with the lock */
static gboolean
admitted (VkStreamRender * r, gint k)
{
  if (r->live || VK_SR_FLUSHING (r) || r->stopping)
    return TRUE;
  /* (a fg frame before the newest bg frame taken in is before the next
   * one too) */
  if (k)
    return r->bg_eos || (r->pending[0]
        && bg_after (r, r->pending[1], r->pending[0]))
        || (r->bg.length > 0
        && bg_after (r, r->pending[1], g_queue_peek_tail (&r->bg)));
  if (r->fg_eos)
    return TRUE;
  if (r->n_fg == 0 && r->fg_first_late)
    return !fg_start_after (r, r->pending[0]);
  return r->pending[1] && !bg_after (r, r->pending[1], r->pending[0]);
}

/* Waits until the pending frame of input @k is admitted (admitted ()). A
 * non-live fg frame that waited VK_UPSTREAM_STALL for a bg that did not
 * come meanwhile, the bg's thread upstream all along, couples the inputs
 * (couple ()). A non-live bg frame waits as long for the fg's first frame
 * of the pass, then as if it were at the start of the fg's segment
 * (fg_first_late).
 * Called with the lock. */
void
vk_sr_wait_admitted (VkStreamRender * r, gint k)
{
  gboolean coupled = FALSE;
  gint64 since = g_get_monotonic_time ();
  gint64 stall = since + VK_UPSTREAM_STALL / GST_USECOND;

  while (!admitted (r, k)) {
    if (one_feeder (r, k)) {
      /* the other input's next frame comes after this one, from this
       * thread: taken in as they come, the fg coupled at once */
      if (k)
        couple (r, r->pending[1], "it comes from the thread that fed the bg");
      break;
    }
    if (k == 0 && !r->live && r->n_fg == 0 && !r->fg_first_late) {
      VK_SR_WAIT_UNTIL (r, admit_cond, stall);
      if (g_get_monotonic_time () >= stall && r->n_fg == 0) {
        r->fg_first_late = TRUE;
        GST_INFO_OBJECT (r->cfg.element, "bg frame %u: no fg frame came for "
            "%" GST_TIME_FORMAT " (a tee with a queue on the fg's branch "
            "only?): the bg is taken in as if the fg's first frame were at "
            "the start of its segment", r->pending[0]->index,
            GST_TIME_ARGS (VK_UPSTREAM_STALL));
      }
    } else if (k == 0 || r->live || coupled) {
      VK_SR_WAIT (r, admit_cond);
    } else if (VK_SR_WAIT_OR_STALL (r, admit_cond, since)
        && !admitted (r, k)) {
      couple (r, r->pending[1], "the bg did not come while it waited");
      coupled = TRUE;
    }
  }
}
