/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkout: one output of vidkompyalign, both modes (see vkout.h): its queue,
 * the task of its src pad, its states (OutState, OutEos: each changed here
 * only, logged on the src pad, GST_DEBUG=vidkompyalign:5) and the sticky
 * events it owes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vkout.h"
#include "vkalignout.h"
#include "vkstreamstart.h"
#include "vkwait.h"

/* the element's category (gstvidkompyalign.c) */
GST_DEBUG_CATEGORY_EXTERN (gst_vidkompy_align_debug);
#define GST_CAT_DEFAULT gst_vidkompy_align_debug

static const gchar *const state_names[] = {
  [OUT_PAUSED] = "paused",
  [OUT_HEADERS_DUE] = "headers-due",
  [OUT_STREAMING] = "streaming",
  [OUT_CAPS_DUE] = "caps-due",
};

static const gchar *const eos_names[] = {
  [OUT_EOS_NONE] = "none",
  [OUT_EOS_DUE] = "due",
  [OUT_EOS_SENT] = "sent",
};

/* one logged wake-up of the task or of the input on @c, a condition of
 * @o (vkwait.c) */
#define OUT_WAIT(o, c) vk_wait_named (gst_vidkompy_align_debug, (o)->src, \
    (o)->prefix, &(o)->c, (o)->lock, #c)
#define OUT_WAIT_UNTIL(o, c, end_time) \
    vk_wait_named_until (gst_vidkompy_align_debug, (o)->src, (o)->prefix, \
    &(o)->c, (o)->lock, #c, (end_time))

void
vk_out_init (VkOut * o, GstElement * element, GstPad * sink, GstPad * src,
    GMutex * lock, const gchar * prefix)
{
  memset (o, 0, sizeof (*o));
  o->lock = lock;
  o->element = element;
  o->sink = gst_object_ref (sink);
  o->src = gst_object_ref (src);
  o->prefix = prefix;
  g_queue_init (&o->queue);
  g_cond_init (&o->queued_cond);
  g_cond_init (&o->drained_cond);
  vk_out_begin (o);
}

/* (its task joined: vk_out_join ()) */
void
vk_out_clear (VkOut * o)
{
  g_queue_clear_full (&o->queue, (GDestroyNotify) gst_mini_object_unref);
  gst_clear_caps (&o->caps);
  g_cond_clear (&o->queued_cond);
  g_cond_clear (&o->drained_cond);
  gst_clear_object (&o->sink);
  gst_clear_object (&o->src);
}

/* @a and @b (of one owner) are each other's peer: the input of one may
 * wait for room only while the other is not idle (vk_out_idle ()), and is
 * woken when the other has pushed. Before the tasks start. */
void
vk_out_set_peers (VkOut * a, VkOut * b)
{
  a->peer = b;
  b->peer = a;
}

/* The owner's work due by the clock, done in the task's wait (before the
 * task starts). */
void
vk_out_set_due (VkOut * o, VkOutDueFunc due, gpointer owner)
{
  o->due = due;
  o->owner = owner;
}

/* A new run: nothing queued, not started, no caps. With the lock (or
 * before the task runs). */
void
vk_out_begin (VkOut * o)
{
  g_queue_clear_full (&o->queue, (GDestroyNotify) gst_mini_object_unref);
  o->state = OUT_PAUSED;
  o->eos = OUT_EOS_NONE;
  o->halted = FALSE;
  gst_clear_caps (&o->caps);
  gst_video_info_init (&o->info);
  o->seg_due = TRUE;
  o->flow = GST_FLOW_OK;
  o->pushing = FALSE;
}

/* Whether one of @o's states (@what, its values named in @names) changes
 * from @from to @to, logged (@why). With the lock. */
static gboolean
changes (VkOut * o, const gchar * what, const gchar * const *names,
    guint from, guint to, const gchar * why)
{
  if (to == from)
    return FALSE;
  GST_DEBUG_OBJECT (o->src, "%s%s %s -> %s (%s)", o->prefix, what,
      names[from], names[to], why);
  return TRUE;
}

/* With the lock; the caller wakes the waits that read it. */
void
vk_out_set_state (VkOut * o, OutState to, const gchar * why)
{
  if (changes (o, "output", state_names, o->state, to, why))
    o->state = to;
}

/* With the lock; the caller wakes the waits that read it. */
void
vk_out_set_eos (VkOut * o, OutEos to, const gchar * why)
{
  if (changes (o, "EOS", eos_names, o->eos, to, why))
    o->eos = to;
}

/* @o's caps from its input's format at the fg's frame rate (@fg_info,
 * unknown before the fg's caps), due before its next push when they
 * change after its first. With the lock. */
static void
update_caps (VkOut * o, const GstVideoInfo * fg_info)
{
  GstCaps *caps;

  if (GST_VIDEO_INFO_FORMAT (&o->info) == GST_VIDEO_FORMAT_UNKNOWN)
    return;
  caps = vk_out_caps (&o->info,
      GST_VIDEO_INFO_FORMAT (fg_info) == GST_VIDEO_FORMAT_UNKNOWN ?
      NULL : fg_info);
  if (o->caps && gst_caps_is_equal (caps, o->caps)) {
    gst_caps_unref (caps);
    return;
  }
  GST_DEBUG_OBJECT (o->src, "caps %" GST_PTR_FORMAT, caps);
  gst_caps_take (&o->caps, caps);
  if (o->state == OUT_STREAMING)
    vk_out_set_state (o, OUT_CAPS_DUE, "its input's caps changed");
}

/* @info: the new format of input @is_fg. Each output has the caps of its
 * input at the fg's frame rate; new caps of an input go out before the
 * next push of its output (of both for the fg's: its frame rate). With
 * the lock. */
void
vk_out_input_caps (VkOut * bg, VkOut * fg, gboolean is_fg,
    const GstVideoInfo * info)
{
  (is_fg ? fg : bg)->info = *info;
  update_caps (is_fg ? fg : bg, &fg->info);
  if (is_fg)
    update_caps (bg, &fg->info);
}

/* Queues @obj (a buffer or a serialized event, taken) for the task. With
 * the lock. */
void
vk_out_queue (VkOut * o, gpointer obj)
{
  g_queue_push_tail (&o->queue, obj);
  g_cond_broadcast (&o->queued_cond);
}

/* A segment is due before the next buffer (a new pass, a flush). With the
 * lock. */
void
vk_out_segment_due (VkOut * o)
{
  o->seg_due = TRUE;
}

/* Queues @seg (the fg's: both outputs are on its timeline) if a segment is
 * due, once the caps are known: sticky events go in the order
 * stream-start, caps, segment. With the lock. */
void
vk_out_queue_segment (VkOut * o, const GstSegment * seg)
{
  if (!o->seg_due || o->caps == NULL)
    return;
  o->seg_due = FALSE;
  vk_out_queue (o, gst_event_new_segment (seg));
}

/* @o ends (EOS) once what is queued is out: once (an EOS pushed is not
 * pushed again before a reset). With the lock. */
void
vk_out_end (VkOut * o, const gchar * why)
{
  if (o->eos == OUT_EOS_NONE)
    vk_out_set_eos (o, OUT_EOS_DUE, why);
  g_cond_broadcast (&o->queued_cond);
}

/* Whether @o's input waits before it queues more: more than @max not
 * taken downstream yet (queued, or being pushed: downstream is slower, the
 * input waits for it as a queue would), the task running and its pushes
 * flowing. With the lock. */
gboolean
vk_out_full (VkOut * o, guint max)
{
  return o->queue.length + (o->pushing ? 1 : 0) > max
      && o->flow == GST_FLOW_OK && o->state != OUT_PAUSED;
}

/* Whether @o has nothing queued nor being pushed while linked: downstream
 * may be waiting for it (a sink in preroll, an aggregator). An unlinked
 * output is never waited for (its pushes return at once: were it idle,
 * the other output's input would never wait, and a file would be read
 * into memory ahead of a synchronised sink). With the lock (the pad's
 * object lock is taken inside it). */
gboolean
vk_out_idle (VkOut * o)
{
  return g_queue_is_empty (&o->queue) && !o->pushing
      && gst_pad_is_linked (o->src);
}

/* One wake-up of the input's wait for room (vk_out_full ()). With the
 * lock. */
void
vk_out_wait_drained (VkOut * o)
{
  OUT_WAIT (o, drained_cond);
}

/* Wakes the task and the input's waits: what the owner's predicates read
 * changed (a flush, a stop). With the lock. */
void
vk_out_wake (VkOut * o)
{
  g_cond_broadcast (&o->queued_cond);
  g_cond_broadcast (&o->drained_cond);
}

/* The task pauses (its input's flush-start: vk_out_forward_flush () then
 * pauses it). With the lock. */
void
vk_out_pause (VkOut * o, const gchar * why)
{
  vk_out_set_state (o, OUT_PAUSED, why);
  vk_out_wake (o);
}

/* Forgets what is queued (a flush-stop): the headers and the segment are
 * due again, the flow is OK. With the lock. */
void
vk_out_reset (VkOut * o, const gchar * why)
{
  g_queue_clear_full (&o->queue, (GDestroyNotify) gst_mini_object_unref);
  vk_out_set_eos (o, OUT_EOS_NONE, why);
  /* (a paused output's headers are due once it restarts) */
  if (o->state == OUT_STREAMING || o->state == OUT_CAPS_DUE)
    vk_out_set_state (o, OUT_HEADERS_DUE, why);
  o->seg_due = TRUE;
  o->flow = GST_FLOW_OK;
  vk_out_wake (o);
}

/* Stops @o for good (until vk_out_begin ()): its task pauses and is not
 * restarted. With the lock; then vk_out_join () without it. */
void
vk_out_halt (VkOut * o, const gchar * why)
{
  o->halted = TRUE;
  vk_out_pause (o, why);
}

/* One wait of the task for something to do; the owner's hook (VkOut.due)
 * may have its own work due by the clock. With the lock. */
static void
wait_queued (VkOut * o)
{
  GstClockTimeDiff left = o->due ? o->due (o->owner) : G_MAXINT64;

  if (left == 0)
    return;
  if (left == G_MAXINT64)
    OUT_WAIT (o, queued_cond);
  else
    OUT_WAIT_UNTIL (o, queued_cond, g_get_monotonic_time () +
        left / GST_USECOND);
}

/* The task: pushes what is queued, the headers first, then EOS once due.
 * It pauses when the output flushes or stops, and when downstream refuses
 * a buffer (the flow is returned to the input, which stops). */
static void
out_loop (gpointer data)
{
  VkOut *o = data;
  GstMiniObject *obj;
  GstCaps *caps = NULL;
  gboolean headers, eos = FALSE;
  GstFlowReturn fr = GST_FLOW_OK;

  g_mutex_lock (o->lock);
  while (o->state != OUT_PAUSED && g_queue_is_empty (&o->queue)
      && o->eos != OUT_EOS_DUE)
    wait_queued (o);
  if (o->state == OUT_PAUSED) {
    g_mutex_unlock (o->lock);
    gst_pad_pause_task (o->src);
    return;
  }
  obj = g_queue_pop_head (&o->queue);
  if (obj == NULL) {
    eos = TRUE;
    vk_out_set_eos (o, OUT_EOS_SENT, "its queue pushed");
  }
  o->pushing = obj != NULL;
  headers = o->state == OUT_HEADERS_DUE;
  /* (none before its input's came: an EOS of an input without any) */
  if (headers || o->state == OUT_CAPS_DUE)
    caps = o->caps ? gst_caps_ref (o->caps) : NULL;
  vk_out_set_state (o, OUT_STREAMING, "pushing");
  /* room in the queue for the input */
  g_cond_broadcast (&o->drained_cond);
  g_mutex_unlock (o->lock);

  /* (the segment is queued: vk_out_queue_segment ()) */
  if (headers)
    gst_pad_push_event (o->src, vk_stream_start_event (o->sink, o->src));
  if (caps)
    gst_pad_push_event (o->src, gst_event_new_caps (caps));
  gst_clear_caps (&caps);
  if (eos) {
    GST_DEBUG_OBJECT (o->src, "EOS");
    gst_pad_push_event (o->src, gst_event_new_eos ());
    gst_pad_pause_task (o->src);
    return;
  }
  if (GST_IS_BUFFER (obj))
    fr = gst_pad_push (o->src, GST_BUFFER_CAST (obj));
  else
    gst_pad_push_event (o->src, GST_EVENT_CAST (obj));
  /* an unlinked output does not stop the other one */
  if (fr != GST_FLOW_OK && fr != GST_FLOW_NOT_LINKED) {
    GST_DEBUG_OBJECT (o->src, "pausing: %s", gst_flow_get_name (fr));
    if (fr == GST_FLOW_NOT_NEGOTIATED || fr < GST_FLOW_EOS)
      GST_ELEMENT_FLOW_ERROR (o->element, fr);
  }
  g_mutex_lock (o->lock);
  o->pushing = FALSE;
  if (fr != GST_FLOW_OK && fr != GST_FLOW_NOT_LINKED)
    o->flow = fr;
  /* taken downstream: room for the input; the peer's input may wait for
   * this one to be idle (vk_out_idle ()) */
  g_cond_broadcast (&o->drained_cond);
  if (o->peer)
    g_cond_broadcast (&o->peer->drained_cond);
  g_mutex_unlock (o->lock);
  if (fr != GST_FLOW_OK && fr != GST_FLOW_NOT_LINKED)
    gst_pad_pause_task (o->src);
}

/* (Re)starts the task; a halted output's pauses at once. Without the
 * lock. */
void
vk_out_start (VkOut * o)
{
  g_mutex_lock (o->lock);
  if (o->halted)
    vk_out_set_state (o, OUT_PAUSED, "stopped");
  else if (o->state == OUT_PAUSED)
    vk_out_set_state (o, OUT_HEADERS_DUE, "restarted");
  g_mutex_unlock (o->lock);
  gst_pad_start_task (o->src, out_loop, o, NULL);
}

/* Passes @event (its input's FLUSH_START or FLUSH_STOP, taken) on, then
 * pauses the task (a flush-start: the owner paused the output before,
 * vk_out_pause ()) or restarts it (a flush-stop: the owner reset it
 * before, vk_out_reset ()). Without the lock. */
gboolean
vk_out_forward_flush (VkOut * o, GstEvent * event)
{
  gboolean start = GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START;
  gboolean res = gst_pad_push_event (o->src, event);

  if (start)
    gst_pad_pause_task (o->src);
  else
    vk_out_start (o);
  return res;
}

/* Joins the task (halted before: vk_out_halt ()). Without the lock. */
void
vk_out_join (VkOut * o)
{
  gst_pad_stop_task (o->src);
}
