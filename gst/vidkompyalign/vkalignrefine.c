/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign, global mode, render: the position refined on full-resolution
 * frames. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "gstvidkompyalign-priv.h"

/* the fg frame the position is refined with: the first one to render
 * that the bg shows; with the lock */
static guint
refine_fg_index (GstVidkompyAlign * self)
{
  const VkAlignResult *r = &self->result;

  return MIN (MAX (self->next_fg, r->covered_start), r->n_fg - 1);
}

/* The fg's placement in the outputs becomes @x, @y (rounded to whole bg
 * pixels) at @scale, with @score as its confidence. With the lock. */
static void
take_place (GstVidkompyAlign * self, gdouble x, gdouble y, gdouble scale,
    gdouble score)
{
  self->out_x = (gint) floor (x + 0.5);
  self->out_y = (gint) floor (y + 0.5);
  self->out_scale = scale;
  self->spatial_confidence = CLAMP (score, 0.0, 1.0);
}

/* The fg's placement in the outputs (taken before the render, the same
 * during it): its left edge @x and top edge @y in the bg, bg pixels, its
 * @scale and @confidence (0 .. 1), for the meta, the message and the
 * alignment file. */
void
gst_vidkompy_align_out_place (GstVidkompyAlign * self, gint * x, gint * y,
    gdouble * scale, gdouble * confidence)
{
  *x = self->out_x;
  *y = self->out_y;
  *scale = self->out_scale;
  *confidence = self->spatial_confidence;
}

/* The alignment's position is exact to a low-resolution pixel: refine it
 * on full resolution, as the streaming mode does (vk_refine_pairs ()),
 * pairing the first fg frame with the bg frames around its match
 * (vk_refine_frames ()); on moving content the moment check picks the pair
 * and puts the timing line through it. Without a pair, the alignment's
 * position is kept. Called with the lock. */
static void
refine_position (GstVidkompyAlign * self, GstBuffer * fgbuf)
{
  VkAlignResult *r = &self->result;
  gint64 t0 = g_get_monotonic_time ();
  gboolean fixed;
  guint f = refine_fg_index (self);
  guint index[VK_REFINE_MAX_PAIRS], n, k, n_bufs = 0;
  GstBuffer *bufs[VK_REFINE_MAX_PAIRS];
  VkPlacementEstimate best;
  VkParallel par;
  GList *l;

  /* detect-position=false: the position is the user's (at the scale
   * property, 1.0 when unset), see vk_alignment_compute () */
  fixed = !self->settings.detect_position
      || self->settings.match_region == VK_MATCH_REGION_FULL || self->blind;

  take_place (self, r->x, r->y, r->scale, r->spatial_score);
  if (fixed || fgbuf == NULL)
    goto done;

  n = vk_refine_frames (r->map[f], self->bg.pts->len, r->moment != NULL, index);
  for (k = 0; k < n; k++)
    if ((bufs[n_bufs] =
            gst_vidkompy_align_cand_buffer (self, index[k])) != NULL)
      index[n_bufs++] = index[k];
  vk_thread_pool_lend (self->helpers, &par);
  if (n_bufs > 0
      && vk_refine_pairs (&self->fg.info, fgbuf, f, &self->bg.info, bufs, index,
          n_bufs, r, NULL, NULL, self->settings.unscaled, 0.0,
          self->bg.low_width, &par, &best)) {
    take_place (self, best.x, best.y, best.scale, best.score);
    /* (on moving content the timing line goes through the moment: where
     * the render's choice ties, the frame on this line wins) */
    GST_DEBUG_OBJECT (self, "refined on %u pairs around bg frame %u: "
        "%.2f,%.2f scale %.4f, score %.4f; timing line: bg = %.2f + %.4f * "
        "fg", n_bufs, r->map[f], best.x, best.y, best.scale, best.score,
        r->offset, r->rate);
  } else if (n_bufs > 0) {
    GST_WARNING_OBJECT (self, "could not refine the position on full frames "
        "(%u pairs)", n_bufs);
  }

  /* descriptors made at the coarse placement are stale */
  for (l = self->cands.head; l; l = l->next)
    g_clear_pointer (&((Cand *) l->data)->desc, g_free);

done:
  GST_INFO_OBJECT (self, "fg at %d,%d, scale %.4f (confidence %.3f)",
      self->out_x, self->out_y, self->out_scale, self->spatial_confidence);
  /* (a fg found nowhere was warned about already) */
  if (!self->blind && !gst_vidkompy_align_confidence_check (self, r->confidence,
          self->spatial_confidence)) {
    /* strict: the streaming threads stop (their waits end, the chain
     * functions return EOS) and the application gets the error */
    gst_vidkompy_align_set_phase (self, PHASE_DONE);
    return;
  }
  gst_vidkompy_align_post_alignment (self,
      (g_get_monotonic_time () - t0) / 1e6);
}

/* The position is refined: the waits for it end. With the lock. */
void
gst_vidkompy_align_set_refined (GstVidkompyAlign * self)
{
  self->refined = TRUE;
  g_cond_broadcast (&self->refined_cond);
}

/* @buf is the fg frame to refine the position on, unless one is here
 * already: the bg thread waits for it. With the lock. */
void
gst_vidkompy_align_offer_pair (GstVidkompyAlign * self, GstBuffer * buf)
{
  if (self->pair_fg != NULL)
    return;
  self->pair_fg = gst_buffer_ref (buf);
  g_cond_broadcast (&self->pair_cond);
}

/* The first fg frame waits here until the bg thread has refined the
 * position with it (or the bg has ended). Called with the lock; returns
 * FALSE when flushing or stopping. */
gboolean
gst_vidkompy_align_fg_wait_refined (GstVidkompyAlign * self, GstBuffer * buf)
{
  gint64 since = g_get_monotonic_time ();

  gst_vidkompy_align_offer_pair (self, buf);
  while (!self->refined && !VK_IN_FLUSHING (&self->fg)
      && !VK_BG_FINISHED (self)
      && self->phase == PHASE_RENDER) {
    if (VK_ALIGN_WAIT_OR_STALL (self, refined_cond, &self->bg, since)
        && !self->refined && self->pair_fg != NULL) {
      /* one upstream thread feeds both inputs: refined on the bg frames at
       * hand, by this thread (the bg's waits upstream for it to go on) */
      gst_vidkompy_align_couple (self, refine_fg_index (self), "the bg did "
          "not come while it waited for the position");
      refine_position (self, self->pair_fg);
      gst_clear_buffer (&self->pair_fg);
      gst_vidkompy_align_set_refined (self);
    }
  }
  if (!self->refined && VK_BG_FINISHED (self)
      && !VK_IN_FLUSHING (&self->fg)) {
    refine_position (self, NULL);
    gst_vidkompy_align_set_refined (self);
  }
  return self->refined;
}

/* The bg thread refines the position once the first fg frame and all the
 * bg frames around its match (self->radius on each side) are here, or the
 * bg has ended. Called with the lock; returns FALSE when flushing or
 * stopping. */
gboolean
gst_vidkompy_align_bg_try_refine (GstVidkompyAlign * self, gboolean at_end)
{
  Cand *tail = g_queue_peek_tail (&self->cands);
  guint m;

  if (self->refined || self->next_fg >= self->result.n_fg)
    return TRUE;
  m = self->result.map[refine_fg_index (self)];
  if (!at_end && m + gst_vidkompy_align_ahead (self) < self->bg.pts->len
      && (tail == NULL || tail->index < m + gst_vidkompy_align_ahead (self)))
    return TRUE;                /* more bg frames to come first */

  while (self->pair_fg == NULL && !VK_IN_FLUSHING (&self->bg)
      && !VK_IN_ENDED (&self->fg)
      && self->phase == PHASE_RENDER)
    VK_ALIGN_WAIT (self, pair_cond);
  if (VK_IN_FLUSHING (&self->bg) || self->phase != PHASE_RENDER)
    return FALSE;

  refine_position (self, self->pair_fg);
  gst_clear_buffer (&self->pair_fg);
  gst_vidkompy_align_set_refined (self);
  return TRUE;
}
