/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): the states of its inputs
 * (FlushState, PassState in vkstreamrender-priv.h; its outputs' are in
 * vkout.c) and of the pass's message (MsgState), each changed here only,
 * with the lock; every change is logged (GST_DEBUG=vidkompyalign:5), on
 * the input's sink pad. And a seek's begin and return, which announce and withdraw the
 * inputs' flushes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkstreamrender-priv.h"

static const gchar *const flush_names[] = {
  [FLUSH_NONE] = "none",
  [FLUSH_SEEK_DUE] = "seek-due",
  [FLUSH_FLUSHING] = "flushing",
  [FLUSH_FLUSHING_SEEK_DUE] = "flushing-seek-due",
};

static const gchar *const flush_event_names[] = {
  [FLUSH_EV_SEEK_BEGIN] = "a seek begins",
  [FLUSH_EV_SEEK_END] = "the seek returned",
  [FLUSH_EV_START] = "flush-start",
  [FLUSH_EV_STOP] = "flush-stop",
};

static const gchar *const pass_names[] = {
  [PASS_UNSEGMENTED] = "unsegmented",
  [PASS_CURRENT] = "current",
  [PASS_FRESH] = "fresh",
  [PASS_NEXT] = "next",
};

static const gchar *const msg_names[] = {
  [MSG_NONE] = "none",
  [MSG_KEPT] = "kept",
  [MSG_POSTED] = "posted",
};

static GstPad *
in_pad (VkStreamRender * r, gint k)
{
  return k ? r->cfg.fg_sink : r->cfg.bg_sink;
}

/* input k's FlushState after @ev in @s (the transitions drawn at
 * FlushState) */
static FlushState
flush_next (FlushState s, FlushEvent ev)
{
  switch (ev) {
    case FLUSH_EV_SEEK_BEGIN:
      if (s == FLUSH_NONE)
        return FLUSH_SEEK_DUE;
      if (s == FLUSH_FLUSHING)
        return FLUSH_FLUSHING_SEEK_DUE;
      return s;
    case FLUSH_EV_SEEK_END:
      if (s == FLUSH_SEEK_DUE)
        return FLUSH_NONE;
      if (s == FLUSH_FLUSHING_SEEK_DUE)
        return FLUSH_FLUSHING;
      return s;
    case FLUSH_EV_START:
      return FLUSH_FLUSHING;
    case FLUSH_EV_STOP:
      if (s == FLUSH_FLUSHING)
        return FLUSH_NONE;
      if (s == FLUSH_FLUSHING_SEEK_DUE)
        return FLUSH_SEEK_DUE;
      return s;
  }
  g_return_val_if_reached (s);
}

/* A flushing seek of both inputs is about to go upstream: until each input
 * has flushed (or vk_stream_render_seek_end ()), the frames of neither are
 * taken in, so that no frame from before the seek meets one from after it
 * (the inputs flush one after the other). */
void
vk_stream_render_seek_begin (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  /* (no wait waits for this) */
  vk_sr_flush_event (r, 0, FLUSH_EV_SEEK_BEGIN);
  vk_sr_flush_event (r, 1, FLUSH_EV_SEEK_BEGIN);
  g_mutex_unlock (&r->lock);
}

/* The seek returned: an input that did not flush (its source could not
 * seek) goes on from where it is. */
void
vk_stream_render_seek_end (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  vk_sr_flush_event (r, 0, FLUSH_EV_SEEK_END);
  vk_sr_flush_event (r, 1, FLUSH_EV_SEEK_END);
  g_cond_broadcast (&r->gate_cond);
  g_mutex_unlock (&r->lock);
}

/* Input @k's flush state at @ev. With the lock; the caller wakes the
 * waits that read it. */
void
vk_sr_flush_event (VkStreamRender * r, gint k, FlushEvent ev)
{
  FlushState to = flush_next (r->flush[k], ev);

  if (to == r->flush[k])
    return;
  GST_DEBUG_OBJECT (in_pad (r, k), "streaming: flush %s -> %s (%s)",
      flush_names[r->flush[k]], flush_names[to], flush_event_names[ev]);
  r->flush[k] = to;
}

/* With the lock. */
void
vk_sr_set_pass (VkStreamRender * r, gint k, PassState to, const gchar * why)
{
  if (to == r->pass[k])
    return;
  GST_DEBUG_OBJECT (in_pad (r, k), "streaming: pass %s -> %s (%s)",
      pass_names[r->pass[k]], pass_names[to], why);
  r->pass[k] = to;
}

/* The pass's message. With the lock. */
void
vk_sr_set_msg (VkStreamRender * r, MsgState to, const gchar * why)
{
  if (to == r->msg_state)
    return;
  GST_DEBUG_OBJECT (r->cfg.element, "streaming: message %s -> %s (%s)",
      msg_names[r->msg_state], msg_names[to], why);
  r->msg_state = to;
}

/* Stops the renderer for good (@why: a stop, a strict fg not found): the
 * outputs' tasks pause, every wait wakes. With the lock. */
void
vk_sr_halt (VkStreamRender * r, const gchar * why)
{
  GST_DEBUG_OBJECT (r->cfg.element, "streaming: stopping (%s)", why);
  r->stopping = TRUE;
  vk_out_halt (&r->out[0], why);
  vk_out_halt (&r->out[1], why);
  vk_sr_wake_all (r, why);
}
