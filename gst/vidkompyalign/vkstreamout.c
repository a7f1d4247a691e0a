/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): the outputs, one task per src pad
 * pushing what the decisions queued. */

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

/* Output @k's caps from the inputs' formats, marked due when they change
 * after its first push. With the lock. */
static void
update_caps (VkStreamRender * r, gint k)
{
  GstCaps *caps;

  if (GST_VIDEO_INFO_FORMAT (&r->in_info[k]) == GST_VIDEO_FORMAT_UNKNOWN)
    return;
  caps = vk_out_caps (&r->in_info[k],
      GST_VIDEO_INFO_FORMAT (&r->in_info[1]) == GST_VIDEO_FORMAT_UNKNOWN ?
      NULL : &r->in_info[1]);
  if (r->out_caps[k] && gst_caps_is_equal (caps, r->out_caps[k])) {
    gst_caps_unref (caps);
    return;
  }
  GST_DEBUG_OBJECT (k ? r->cfg.fg_src : r->cfg.bg_src, "caps %" GST_PTR_FORMAT,
      caps);
  gst_caps_take (&r->out_caps[k], caps);
  if (r->out_state[k] == OUT_STREAMING)
    vk_sr_set_out (r, k, OUT_CAPS_DUE, "its input's caps changed");
}

/**
 * vk_stream_render_caps:
 * @info: the new format of input @is_fg
 *
 * Each output has the caps of its input at the fg's frame rate; new caps
 * of an input go out before the next push of its output (of both for the
 * fg's: its frame rate).
 */
void
vk_stream_render_caps (VkStreamRender * r, gboolean is_fg,
    const GstVideoInfo * info)
{
  g_mutex_lock (&r->lock);
  r->in_info[is_fg] = *info;
  update_caps (r, is_fg);
  if (is_fg)
    update_caps (r, 0);
  g_mutex_unlock (&r->lock);
}

/* The task of output @k ([0] bg, [1] fg): pushes what is queued for it,
 * the headers first, then EOS once due. It pauses when the output flushes
 * or stops, and when downstream refuses a buffer (the flow is returned to
 * the input, which stops). */
/* One wait of output @k's task for something to do. The fg's (live
 * inputs) also wakes when the oldest held fg frame is due by the clock and
 * decides it (vk_sr_due_in ()): the inputs' threads decide only as frames
 * come, and a source may stall. Called with the lock. */
static void
wait_queued (VkStreamRender * r, gint k)
{
  GstClockTimeDiff left = k ? vk_sr_due_in (r) : G_MAXINT64;
  gconstpointer oldest = g_queue_peek_head (&r->fg);

  if (left == G_MAXINT64) {
    VK_SR_WAIT (r, queued_cond[k]);
    return;
  }
  if (left <= 0 && !VK_SR_FLUSHING (r) && !r->stopping) {
    vk_sr_process (r, FALSE);
    if (g_queue_peek_head (&r->fg) != oldest)
      return;
    /* not decided (it waits for something else): look again soon */
    left = DUE_RETRY;
  }
  VK_SR_WAIT_UNTIL (r, queued_cond[k], g_get_monotonic_time () +
      MAX (left, DUE_RETRY) / GST_USECOND);
}

static void
out_loop (VkStreamRender * r, gint k)
{
  GstPad *src = k ? r->cfg.fg_src : r->cfg.bg_src;
  GstMiniObject *o;
  GstCaps *caps = NULL;
  gboolean headers, eos = FALSE;
  GstFlowReturn fr = GST_FLOW_OK;

  g_mutex_lock (&r->lock);
  while (r->out_state[k] != OUT_PAUSED && g_queue_is_empty (&r->out[k])
      && r->out_eos[k] != OUT_EOS_DUE)
    wait_queued (r, k);
  if (r->out_state[k] == OUT_PAUSED) {
    g_mutex_unlock (&r->lock);
    gst_pad_pause_task (src);
    return;
  }
  o = g_queue_pop_head (&r->out[k]);
  if (o == NULL) {
    eos = TRUE;
    vk_sr_set_out_eos (r, k, OUT_EOS_SENT, "its queue pushed");
  }
  headers = r->out_state[k] == OUT_HEADERS_DUE;
  /* (none before its input's came: an EOS of an input without any) */
  if (headers || r->out_state[k] == OUT_CAPS_DUE)
    caps = r->out_caps[k] ? gst_caps_ref (r->out_caps[k]) : NULL;
  vk_sr_set_out (r, k, OUT_STREAMING, "pushing");
  /* room in the queue for the inputs */
  g_cond_broadcast (&r->drained_cond[k]);
  g_mutex_unlock (&r->lock);

  /* (the segment is queued: vk_sr_queue_segment ()) */
  if (headers)
    gst_pad_push_event (src, vk_stream_start_event (k ? r->cfg.fg_sink :
            r->cfg.bg_sink, src));
  if (caps)
    gst_pad_push_event (src, gst_event_new_caps (caps));
  gst_clear_caps (&caps);
  if (eos) {
    GST_DEBUG_OBJECT (src, "EOS");
    gst_pad_push_event (src, gst_event_new_eos ());
    gst_pad_pause_task (src);
    return;
  }
  if (GST_IS_BUFFER (o))
    fr = gst_pad_push (src, GST_BUFFER_CAST (o));
  else
    gst_pad_push_event (src, GST_EVENT_CAST (o));
  /* an unlinked output does not stop the other one */
  if (fr == GST_FLOW_OK || fr == GST_FLOW_NOT_LINKED)
    return;
  GST_DEBUG_OBJECT (src, "pausing: %s", gst_flow_get_name (fr));
  if (fr == GST_FLOW_NOT_NEGOTIATED || fr < GST_FLOW_EOS)
    GST_ELEMENT_FLOW_ERROR (r->cfg.element, fr);
  g_mutex_lock (&r->lock);
  r->out_flow[k] = fr;
  g_cond_broadcast (&r->drained_cond[k]);
  g_mutex_unlock (&r->lock);
  gst_pad_pause_task (src);
}

static void
bg_out_loop (gpointer data)
{
  out_loop (data, 0);
}

static void
fg_out_loop (gpointer data)
{
  out_loop (data, 1);
}

/* (Re)starts the task of output @k */
void
vk_sr_start_output (VkStreamRender * r, gint k)
{
  g_mutex_lock (&r->lock);
  if (r->stopping)
    vk_sr_set_out (r, k, OUT_PAUSED, "stopped");
  else if (r->out_state[k] == OUT_PAUSED)
    vk_sr_set_out (r, k, OUT_HEADERS_DUE, "restarted");
  g_mutex_unlock (&r->lock);
  if (k)
    gst_pad_start_task (r->cfg.fg_src, fg_out_loop, r, NULL);
  else
    gst_pad_start_task (r->cfg.bg_src, bg_out_loop, r, NULL);
}

/* Queues @obj (a buffer or an event, taken) for output @k's task. Called
 * with the lock. */
void
vk_sr_queue_out (VkStreamRender * r, gint k, gpointer obj)
{
  g_queue_push_tail (&r->out[k], obj);
  g_cond_broadcast (&r->queued_cond[k]);
}

/* Output @k ends once what is queued is out. Called with the lock. */
void
vk_sr_end_output (VkStreamRender * r, gint k)
{
  /* (once: an EOS pushed is not pushed again) */
  if (r->out_eos[k] == OUT_EOS_NONE)
    vk_sr_set_out_eos (r, k, OUT_EOS_DUE, "the fg's pass ended");
  g_cond_broadcast (&r->queued_cond[k]);
}

/* Waits while output @k holds more than OUT_MAX_FRAMES (downstream is
 * slower: the input waits for it, as a queue would). With live inputs,
 * synchronised sinks and aggregators hold each frame until its running
 * time plus the pipeline's latency, and a live input must not wait for
 * that: up to the latency plus EXTRA_HOLD of frames more. Called with the
 * lock. */
void
vk_sr_wait_output (VkStreamRender * r, gint k)
{
  guint max = OUT_MAX_FRAMES;

  if (r->live)
    max += (guint) (r->fg_fps * (r->cfg.latency + EXTRA_HOLD) / GST_SECOND);
  while (r->out[k].length > max && r->out_flow[k] == GST_FLOW_OK
      && r->out_state[k] != OUT_PAUSED && !VK_SR_FLUSHING (r) && !r->stopping)
    VK_SR_WAIT (r, drained_cond[k]);
}
