/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompycomposite: the composite of one output frame (the fg blended on
 * a copy of the bg in horizontal bands on the task pool). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompycomposite-priv.h"

/* bands smaller than this are not worth a thread hop */
#define MIN_BAND_ROWS 64

typedef struct
{
  GstVideoFrame *out;
  const GstVideoFrame *bg;
  const GstVideoFrame *fg;
  const VkMask *mask;
  guint band, n_bands;
} BandJob;

static void
run_band (gpointer data)
{
  BandJob *job = data;

  vk_blend_frame (job->out, job->bg, job->fg, job->mask,
      vk_blend_kernels_default, job->band, job->n_bands);
}

static void
blend_parallel (GstVidkompyComposite * self, GstVideoFrame * out,
    const GstVideoFrame * bg, const GstVideoFrame * fg)
{
  guint n = self->pool ? self->n_bands : 1;
  BandJob jobs[64];
  gpointer ids[64];
  guint i;

  n = MIN (n, G_N_ELEMENTS (jobs));
  n = MIN (n, (guint) MAX (1, GST_VIDEO_FRAME_HEIGHT (out) / MIN_BAND_ROWS));

  for (i = 0; i < n; i++) {
    jobs[i].out = out;
    jobs[i].bg = bg;
    jobs[i].fg = fg;
    jobs[i].mask = &self->mask;
    jobs[i].band = i;
    jobs[i].n_bands = n;
    ids[i] = NULL;
  }
  for (i = 1; i < n; i++) {
    GError *err = NULL;

    ids[i] = gst_task_pool_push (self->pool, run_band, &jobs[i], &err);
    if (err) {
      /* no thread: do it here */
      GST_WARNING_OBJECT (self, "task pool: %s", err->message);
      g_clear_error (&err);
      run_band (&jobs[i]);
      ids[i] = NULL;
    }
  }
  run_band (&jobs[0]);
  for (i = 1; i < n; i++)
    if (ids[i])
      gst_task_pool_join (self->pool, ids[i]);
}

/* the fg frame's alignment meta describes the output frame too */
static void
copy_alignment_meta (GstBuffer * dst, GstBuffer * src)
{
  GstMeta *m = (GstMeta *) gst_buffer_get_vidkompy_alignment_meta (src);
  GstMetaTransformCopy copy = { FALSE, 0, -1 };

  if (m)
    m->info->transform_func (dst, m, src, _gst_meta_transform_copy, &copy);
}

static gboolean
rect_visible (const VkPlacement * p, gint out_w, gint out_h)
{
  return p->width > 0 && p->height > 0 && p->alpha > 0.0
      && p->x < out_w && p->y < out_h
      && (gint64) p->x + p->width > 0 && (gint64) p->y + p->height > 0;
}

GstFlowReturn
gst_vidkompy_composite_render (GstVidkompyComposite * self, GstBuffer * fgbuf,
    GstBuffer ** outbuf)
{
  GstVideoAggregator *vagg = GST_VIDEO_AGGREGATOR (self);
  GstVideoAggregatorClass *vklass = GST_VIDEO_AGGREGATOR_GET_CLASS (vagg);
  GstVideoAggregatorPadClass *fg_class =
      GST_VIDEO_AGGREGATOR_PAD_GET_CLASS (self->fg_pad);
  GstVideoAggregatorPadClass *bg_class =
      GST_VIDEO_AGGREGATOR_PAD_GET_CLASS (self->bg_pad);
  GstVideoAggregatorPad *fg_vpad = GST_VIDEO_AGGREGATOR_PAD (self->fg_pad);
  GstSegment *fg_seg = &GST_AGGREGATOR_PAD (self->fg_pad)->segment;
  GstVideoFrame bg_frame = { 0, }, fg_frame = { 0, }, out_frame;
  gboolean have_fg = FALSE;
  GstClockTime stream_time, duration;
  VkPlacement placement;
  gint out_w = GST_VIDEO_INFO_WIDTH (&vagg->info);
  gint out_h = GST_VIDEO_INFO_HEIGHT (&vagg->info);
  GstFlowReturn ret;

  /* controlled properties follow the fg's stream time */
  GST_OBJECT_LOCK (self->fg_pad);
  stream_time = gst_segment_to_stream_time (fg_seg, GST_FORMAT_TIME,
      GST_BUFFER_PTS (fgbuf));
  GST_OBJECT_UNLOCK (self->fg_pad);
  if (GST_CLOCK_TIME_IS_VALID (stream_time))
    gst_object_sync_values (GST_OBJECT (self->fg_pad), stream_time);

  gst_vidkompy_composite_pad_get_placement (self->fg_pad, fgbuf, out_w, out_h,
      &placement);
  if (vk_mask_update (&self->mask, &placement, &vagg->info))
    GST_DEBUG_OBJECT (self, "mask: fg %dx%d at %d,%d, border %u (%s), "
        "edges 0x%x, alpha %.3f", placement.width, placement.height,
        placement.x, placement.y, placement.border,
        placement.profile == VK_BORDER_PROFILE_SMOOTH ? "smooth" : "linear",
        placement.edges, placement.alpha);

  duration = GST_BUFFER_DURATION (fgbuf);
  if (!GST_CLOCK_TIME_IS_VALID (duration)
      && GST_VIDEO_INFO_FPS_N (&fg_vpad->info) > 0)
    duration = gst_util_uint64_scale_int (GST_SECOND,
        GST_VIDEO_INFO_FPS_D (&fg_vpad->info),
        GST_VIDEO_INFO_FPS_N (&fg_vpad->info));

  gst_aggregator_selected_samples (GST_AGGREGATOR (self),
      GST_BUFFER_PTS (fgbuf), GST_BUFFER_DTS (fgbuf), duration, NULL);

  ret = vklass->create_output_buffer (vagg, outbuf);
  if (ret != GST_FLOW_OK || *outbuf == NULL)
    return ret;

  if (!bg_class->prepare_frame (self->bg_pad, vagg, self->bg_buffer, &bg_frame)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("bg_sink: cannot convert the background to the output format."),
        (NULL));
    ret = GST_FLOW_ERROR;
    goto done;
  }
  if (rect_visible (&placement, out_w, out_h)) {
    if (!fg_class->prepare_frame (fg_vpad, vagg, fgbuf, &fg_frame)) {
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("fg_sink: cannot convert the foreground to the output format."),
          (NULL));
      ret = GST_FLOW_ERROR;
      goto done;
    }
    have_fg = TRUE;
  }

  if (!gst_video_frame_map (&out_frame, &vagg->info, *outbuf, GST_MAP_WRITE)) {
    GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
        ("Could not map the output buffer."), (NULL));
    ret = GST_FLOW_ERROR;
    goto done;
  }
  blend_parallel (self, &out_frame, &bg_frame, have_fg ? &fg_frame : NULL);
  gst_video_frame_unmap (&out_frame);

  GST_BUFFER_PTS (*outbuf) = GST_BUFFER_PTS (fgbuf);
  GST_BUFFER_DTS (*outbuf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (*outbuf) = duration;
  copy_alignment_meta (*outbuf, fgbuf);

done:
  if (have_fg)
    fg_class->clean_frame (fg_vpad, vagg, &fg_frame);
  if (bg_frame.buffer)
    bg_class->clean_frame (self->bg_pad, vagg, &bg_frame);
  if (ret != GST_FLOW_OK)
    gst_clear_buffer (outbuf);
  return ret;
}
