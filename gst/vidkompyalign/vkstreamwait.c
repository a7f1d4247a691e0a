/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): the named conditions of the
 * renderer (the GCond fields of VkStreamRender, all of its lock, each
 * documented next to the state it is about, each waited on with
 * VK_SR_WAIT (), vkwait.c), and the changes that wake more than one of
 * them: a flush, a stop, a clear of the state, an input's end. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkstreamrender-priv.h"

/* every condition of the renderer, for init, clear and wake_all */
#define FOR_EACH_COND(r, op) VK_CONDS_EACH (op, &(r)->gate_cond,     \
    &(r)->admit_cond, &(r)->search_cond, &(r)->fg_done_cond)

void
vk_sr_conds_init (VkStreamRender * r)
{
  FOR_EACH_COND (r, g_cond_init);
}

void
vk_sr_conds_clear (VkStreamRender * r)
{
  FOR_EACH_COND (r, g_cond_clear);
}

/* Wakes every wait: for a change that all predicates read (a flush, a
 * stop, a clear of the state). With the lock. */
void
vk_sr_wake_all (VkStreamRender * r, const gchar * why)
{
  GST_LOG_OBJECT (r->cfg.element, "streaming: waking every wait: %s", why);
  FOR_EACH_COND (r, g_cond_broadcast);
  /* (the outputs' own: their tasks, the inputs' waits for room) */
  vk_out_wake (&r->out[0]);
  vk_out_wake (&r->out[1]);
}

/* Input @is_fg ended its pass (EOS, SEGMENT_DONE, a new pass): the
 * conditions whose predicates read its eos. With the lock. */
void
vk_sr_set_ended (VkStreamRender * r, gboolean is_fg)
{
  GST_LOG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "streaming: "
      "the pass ended: waking the waits for it");
  if (is_fg) {
    r->fg_eos = TRUE;
  } else {
    r->bg_eos = TRUE;
    /* the fg's end waits for its frames' decisions or the bg's end */
    g_cond_broadcast (&r->fg_done_cond);
  }
  /* the other input's frames no longer wait for this one's */
  g_cond_broadcast (&r->admit_cond);
}
