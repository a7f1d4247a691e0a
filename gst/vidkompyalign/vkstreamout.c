/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): its side of the outputs (one
 * VkOut per src pad, vkout.c): the place in their meta, their caps, the
 * fg task's hook, the inputs' wait for room. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkstreamrender-priv.h"

/* ------------------------------------------------------------------------ */
/* Output */

/* The placement of fg frames not matched (yet): the fixed position
 * (detect-position=false), else the centre, as the global mode has a fg
 * found nowhere (vk_found_centre ()). */
void
vk_sr_unmatched_place (VkStreamRender * r, gint * x, gint * y, gdouble * scale)
{
  gdouble cx, cy;

  if (r->cfg.opts.fixed_position) {
    *x = (gint) r->cfg.opts.x;
    *y = (gint) r->cfg.opts.y;
    *scale = r->cfg.opts.scale > 0.0 ? r->cfg.opts.scale : 1.0;
    return;
  }
  *scale = r->cfg.opts.scale;
  vk_found_centre (GST_VIDEO_INFO_WIDTH (r->cfg.bg_info),
      GST_VIDEO_INFO_HEIGHT (r->cfg.bg_info),
      GST_VIDEO_INFO_WIDTH (r->cfg.fg_info),
      GST_VIDEO_INFO_HEIGHT (r->cfg.fg_info), scale, &cx, &cy);
  *x = (gint) cx;
  *y = (gint) cy;
}

/* The place in the meta of the outputs: the one found, or where an
 * unmatched fg goes (vk_sr_unmatched_place ()). Called with the lock. */
void
vk_sr_out_place (VkStreamRender * r, VkOutMeta * m)
{
  if (VK_SR_PLACED (r)) {
    m->x = r->out_x;
    m->y = r->out_y;
    m->scale = r->out_scale;
    m->spatial_confidence = r->spatial_conf;
  } else {
    vk_sr_unmatched_place (r, &m->x, &m->y, &m->scale);
    m->spatial_confidence = 0.0;
  }
}

/**
 * vk_stream_render_caps:
 * @info: the new format of input @is_fg
 *
 * Each output has the caps of its input at the fg's frame rate
 * (vk_out_input_caps ()).
 */
void
vk_stream_render_caps (VkStreamRender * r, gboolean is_fg,
    const GstVideoInfo * info)
{
  g_mutex_lock (&r->lock);
  vk_out_input_caps (&r->out[0], &r->out[1], is_fg, info);
  g_mutex_unlock (&r->lock);
}

/* The hook of the fg output's task (VkOut.due, live inputs): the oldest
 * held fg frame due by the clock is decided there (vk_sr_due_in ()): the
 * inputs' threads decide only as frames come, and a source may stall.
 * Returns how long the task may wait. Called with the lock. */
GstClockTimeDiff
vk_sr_out_due (gpointer data)
{
  VkStreamRender *r = data;
  GstClockTimeDiff left = vk_sr_due_in (r);
  gconstpointer oldest = g_queue_peek_head (&r->fg);

  if (left == G_MAXINT64)
    return left;
  if (left <= 0 && !VK_SR_FLUSHING (r) && !r->stopping) {
    vk_sr_process (r, FALSE);
    if (g_queue_peek_head (&r->fg) != oldest)
      return 0;
    /* not decided (it waits for something else): look again soon */
    left = DUE_RETRY;
  }
  return MAX (left, DUE_RETRY);
}

/* Waits while output @k holds more than VK_OUT_MAX_FRAMES (downstream is
 * slower: the input waits for it, as a queue would). With live inputs,
 * synchronised sinks and aggregators hold each frame until its running
 * time plus the pipeline's latency, and a live input must not wait for
 * that: up to the latency plus EXTRA_HOLD of frames more. Called with the
 * lock. */
void
vk_sr_wait_output (VkStreamRender * r, gint k)
{
  guint max = VK_OUT_MAX_FRAMES;

  if (r->live)
    max += (guint) (r->fg_fps * (r->cfg.latency + EXTRA_HOLD) / GST_SECOND);
  while (vk_out_full (&r->out[k], max) && !VK_SR_FLUSHING (r) && !r->stopping)
    vk_out_wait_drained (&r->out[k]);
}
