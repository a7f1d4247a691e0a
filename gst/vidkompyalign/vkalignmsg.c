/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: the vidkompy-alignment message. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gstvidkompyalign-priv.h"

/* The vidkompy-alignment message of @m->stage ("estimate": @r is a coarse
 * estimate, position from the low-resolution frames, no frame map yet;
 * "final": the alignment rendered). */
void
gst_vidkompy_align_post_alignment_message (GstVidkompyAlign * self,
    const VkAlignResult * r, const AlignMsg * m)
{
  GstStructure *st;
  gint64 offset = (gint64) m->bg0 +
      (gint64) (r->offset / m->bg_fps * GST_SECOND);
  gdouble rate = r->rate * m->fg_fps / m->bg_fps;

  GST_INFO_OBJECT (self, "alignment %s (%s, %.0f %% analysed): fg at %d,%d "
      "scale %.4f, bg offset %" G_GINT64_FORMAT " ns, rate %.4f, confidence "
      "%.3f", m->stage, self->source, m->analysed, m->x, m->y, m->scale,
      offset, rate, m->confidence);

  st = gst_structure_new ("vidkompy-alignment",
      "stage", G_TYPE_STRING, m->stage,
      "source", G_TYPE_STRING, self->source,
      "analysed", G_TYPE_DOUBLE, m->analysed,
      "x", G_TYPE_INT, m->x, "y", G_TYPE_INT, m->y,
      "scale", G_TYPE_DOUBLE, m->scale,
      "bg-offset", G_TYPE_INT64, offset,
      "rate", G_TYPE_DOUBLE, rate,
      "confidence", G_TYPE_DOUBLE, m->confidence,
      "spatial-confidence", G_TYPE_DOUBLE, m->spatial_confidence,
      "region-x", G_TYPE_INT, r->valid_x,
      "region-y", G_TYPE_INT, r->valid_y,
      "region-width", G_TYPE_INT, r->valid_w,
      "region-height", G_TYPE_INT, r->valid_h,
      "frames-matched", G_TYPE_UINT, m->n_fg,
      "bg-frames", G_TYPE_UINT, m->n_bg,
      "analysis-time", G_TYPE_DOUBLE,
      (self->t_analysed - self->t_start) / 1e6,
      "alignment-time", G_TYPE_DOUBLE,
      (self->t_aligned - self->t_analysed) / 1e6,
      "refine-time", G_TYPE_DOUBLE, m->refine_time, NULL);
  if (g_str_equal (m->stage, "final"))
    /* the fg frames the bg does not show, and those retimed */
    gst_structure_set (st, "fg-frames-before-bg", G_TYPE_UINT,
        MIN (r->covered_start, r->n_fg), "fg-frames-after-bg", G_TYPE_UINT,
        r->n_fg - MIN (r->covered_end, r->n_fg), "retimed-frames",
        G_TYPE_UINT, self->fg.retime.n_retimed, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), st));
}

/* the message fields of the whole analysis */
void
gst_vidkompy_align_msg_init (GstVidkompyAlign * self, AlignMsg * m,
    const gchar * stage)
{
  memset (m, 0, sizeof (*m));
  m->stage = stage;
  m->bg_fps = gst_vidkompy_align_stream_fps (&self->bg);
  m->fg_fps = gst_vidkompy_align_stream_fps (&self->fg);
  m->bg0 = self->bg.pts->len ? self->bg.time0 : 0;
  m->n_fg = self->result.n_fg;
  m->n_bg = self->bg.pts->len;
  m->analysed = 100.0;
}

void
gst_vidkompy_align_post_alignment (GstVidkompyAlign * self, gdouble refine_time)
{
  AlignMsg m;

  gst_vidkompy_align_msg_init (self, &m, "final");
  m.x = self->out_x;
  m.y = self->out_y;
  m.scale = self->out_scale;
  m.spatial_confidence = self->spatial_confidence;
  m.confidence = self->result.confidence;
  m.refine_time = refine_time;
  gst_vidkompy_align_post_alignment_message (self, &self->result, &m);
}

/* the estimate fields of @e */
void
gst_vidkompy_align_msg_estimate (AlignMsg * m, const VkAlignResult * e)
{
  m->x = (gint) floor (e->x + 0.5);
  m->y = (gint) floor (e->y + 0.5);
  m->scale = e->scale;
  m->spatial_confidence = CLAMP (e->spatial_score, 0.0, 1.0);
  /* the share of the sampled fg frames on the coarse line */
  m->confidence = e->inlier_fraction;
}

/* vk_alignment_compute () found the coarse line of the whole streams:
 * tell the application */
void
gst_vidkompy_align_on_estimate (const VkAlignResult * e, gpointer user_data)
{
  GstVidkompyAlign *self = user_data;
  AlignMsg m;

  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ALIGNING) {
    self->t_aligned = g_get_monotonic_time ();
    gst_vidkompy_align_msg_init (self, &m, "estimate");
    m.n_fg = self->fg.pts->len;
    gst_vidkompy_align_msg_estimate (&m, e);
    gst_vidkompy_align_post_alignment_message (self, e, &m);
  }
  g_mutex_unlock (&self->lock);
}
