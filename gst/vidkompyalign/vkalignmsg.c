/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: the vidkompy-alignment message (its builder, for both
 * modes, and the global mode's fields). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gstvidkompyalign-priv.h"

/**
 * vk_align_not_found:
 * @element: the aligner
 * @strict: its strict property
 * @reason: why the fg does not seem to be in the bg
 * @then: what the output does (without strict)
 *
 * The verdict "not found" of both modes: with @strict an error ("strict is
 * set" in its details: the application tells this outcome by it) and
 * FALSE, else a warning saying what the output does and TRUE.
 */
gboolean
vk_align_not_found (GstElement * element, gboolean strict,
    const gchar * reason, const gchar * then)
{
  GST_INFO_OBJECT (element, "the fg does not seem to be in the bg: %s", reason);
  if (strict) {
    GST_ELEMENT_ERROR (element, STREAM, FAILED,
        ("The foreground does not seem to be in the background (%s).",
            reason), ("strict is set"));
    return FALSE;
  }
  GST_ELEMENT_WARNING (element, STREAM, FAILED,
      ("The foreground does not seem to be in the background (%s): %s.",
          reason, then), (NULL));
  return TRUE;
}

/* the fg frames of @r before the bg's start and past its end */
static void
uncovered (const VkAlignResult * r, guint * before, guint * after)
{
  *before = MIN (r->covered_start, r->n_fg);
  *after = r->n_fg - MIN (r->covered_end, r->n_fg);
}

/**
 * vk_align_msg_post:
 * @element: the aligner
 * @r: the alignment: offset and rate (in frames of @m's frame rates,
 *   from @m->bg0), the compared region, and at the "final" stage the fg
 *   frames the bg shows
 * @m: the rest
 *
 * Posts the vidkompy-alignment message of @m->stage ("estimate": @r is a
 * coarse estimate, position from the low-resolution frames, no frame map
 * yet; "final": the alignment rendered), with the same fields in both
 * modes.
 */
void
vk_align_msg_post (GstElement * element, const VkAlignResult * r,
    const VkAlignMsg * m)
{
  GstStructure *st;
  gint64 offset = (gint64) m->bg0 +
      (gint64) (r->offset / m->bg_fps * GST_SECOND);
  gdouble rate = r->rate * m->fg_fps / m->bg_fps;

  GST_INFO_OBJECT (element, "alignment %s (%s mode, %s, %.0f %% analysed): "
      "fg at %d,%d scale %.4f, bg offset %" G_GINT64_FORMAT " ns, rate %.4f, "
      "confidence %.3f", m->stage, m->mode, m->source, m->analysed, m->x,
      m->y, m->scale, offset, rate, m->confidence);

  st = gst_structure_new ("vidkompy-alignment",
      "mode", G_TYPE_STRING, m->mode,
      "stage", G_TYPE_STRING, m->stage,
      "source", G_TYPE_STRING, m->source,
      "analysed", G_TYPE_DOUBLE, m->analysed,
      "x", G_TYPE_INT, m->x, "y", G_TYPE_INT, m->y,
      "scale", G_TYPE_DOUBLE, m->scale,
      /* the fg's rectangle in the bg, as vidkompycomposite places it */
      "width", G_TYPE_INT, MAX (1, (gint) floor (m->fg_width * m->scale +
              0.5)),
      "height", G_TYPE_INT, MAX (1, (gint) floor (m->fg_height * m->scale +
              0.5)),
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
      "analysis-time", G_TYPE_DOUBLE, m->analysis_time,
      "alignment-time", G_TYPE_DOUBLE, m->alignment_time,
      "refine-time", G_TYPE_DOUBLE, m->refine_time, NULL);
  if (g_str_equal (m->stage, "final")) {
    guint before, after;

    /* the fg frames the bg does not show, and those retimed */
    uncovered (r, &before, &after);
    gst_structure_set (st, "fg-frames-before-bg", G_TYPE_UINT, before,
        "fg-frames-after-bg", G_TYPE_UINT, after, "retimed-frames",
        G_TYPE_UINT, m->retimed, NULL);
  }
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), st));
}

/* the message fields of the whole analysis */
void
gst_vidkompy_align_msg_init (GstVidkompyAlign * self, VkAlignMsg * m,
    const gchar * stage)
{
  memset (m, 0, sizeof (*m));
  m->mode = "global";
  m->stage = stage;
  m->source = self->source;
  m->bg_fps = gst_vidkompy_align_stream_fps (&self->bg);
  m->fg_fps = gst_vidkompy_align_stream_fps (&self->fg);
  m->fg_width = GST_VIDEO_INFO_WIDTH (&self->fg.info);
  m->fg_height = GST_VIDEO_INFO_HEIGHT (&self->fg.info);
  m->bg0 = self->bg.pts->len ? self->bg.time0 : 0;
  m->n_fg = self->result.n_fg;
  m->n_bg = self->bg.pts->len;
  m->analysed = 100.0;
  m->analysis_time = (self->t_analysed - self->t_start) / 1e6;
  m->alignment_time = (self->t_aligned - self->t_analysed) / 1e6;
  m->retimed = self->fg.retime.n_retimed;
}

void
gst_vidkompy_align_post_alignment (GstVidkompyAlign * self, gdouble refine_time)
{
  VkAlignMsg m;

  gst_vidkompy_align_msg_init (self, &m, "final");
  gst_vidkompy_align_out_place (self, &m.x, &m.y, &m.scale,
      &m.spatial_confidence);
  m.confidence = self->result.confidence;
  m.refine_time = refine_time;
  vk_align_msg_post (GST_ELEMENT (self), &self->result, &m);
}

/* the estimate fields of @e */
void
gst_vidkompy_align_msg_estimate (VkAlignMsg * m, const VkAlignResult * e)
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
  VkAlignMsg m;

  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ALIGNING) {
    self->t_aligned = g_get_monotonic_time ();
    gst_vidkompy_align_msg_init (self, &m, "estimate");
    m.n_fg = self->fg.pts->len;
    gst_vidkompy_align_msg_estimate (&m, e);
    vk_align_msg_post (GST_ELEMENT (self), e, &m);
  }
  g_mutex_unlock (&self->lock);
}

/**
 * vk_align_warn_uncovered:
 * @element: the aligner
 * @r: the alignment rendered (its fg frames the bg shows)
 * @drop: the others are not output (unmatched-frames=drop)
 * @cut: the bg's analysis was stopped before its end (an EOS from the
 *   application)
 *
 * The warnings, in both modes, that a rendered alignment has fg frames
 * the bg does not show (the final message's fg-frames-before-bg and
 * fg-frames-after-bg), and what they got.
 */
void
vk_align_warn_uncovered (GstElement * element, const VkAlignResult * r,
    gboolean drop, gboolean cut)
{
  guint before, after, n_fg = r->n_fg;

  uncovered (r, &before, &after);
  if (after > 0)
    GST_ELEMENT_WARNING (element, STREAM, FAILED,
        ("The background %s before the foreground: the last %u of %u "
            "foreground frames are past its %s and %s.", cut ?
            "was stopped (an end of stream before its end)" : "ends",
            after, n_fg, cut ? "last analysed frame" : "end",
            drop ? "are dropped (unmatched-frames=drop)" :
            cut ? "show that frame" : "show its last frame"),
        ("the bg shows fg frames %u to %u", before, n_fg - after));
  if (before > 0)
    GST_ELEMENT_WARNING (element, STREAM, FAILED,
        ("The background starts after the foreground: the first %u of %u "
            "foreground frames are before its start and %s.", before,
            n_fg, drop ? "are dropped (unmatched-frames=drop)" :
            "show its first frame"), ("the bg shows fg frames %u to %u",
            before, n_fg - after));
}
