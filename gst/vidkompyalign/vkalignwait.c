/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: the named conditions of the element (the GCond fields of
 * GstVidkompyAlign, all of its lock, each documented next to the state it
 * is about, each waited on with VK_ALIGN_WAIT (), vkwait.c), and the
 * changes that wake more than one of them: the phase (in vkalignstate.c),
 * a flush, an input's end. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

/* every condition of the element, for init, clear and wake_all */
#define FOR_EACH_COND(self, op) VK_CONDS_EACH (op, &(self)->caps_cond, \
    &(self)->seeks_cond, &(self)->reset_cond, &(self)->decided_cond,   \
    &(self)->desc_cond, &(self)->pass_end_cond, &(self)->replay_cond,  \
    &(self)->pair_cond, &(self)->refined_cond)

void
gst_vidkompy_align_conds_init (GstVidkompyAlign * self)
{
  FOR_EACH_COND (self, g_cond_init);
}

void
gst_vidkompy_align_conds_clear (GstVidkompyAlign * self)
{
  FOR_EACH_COND (self, g_cond_clear);
}

/* Wakes every wait: for a change that all predicates read (an input's
 * flushing, the phase). With the lock. */
void
gst_vidkompy_align_wake_all (GstVidkompyAlign * self, const gchar * why)
{
  GST_LOG_OBJECT (self, "waking every wait: %s", why);
  FOR_EACH_COND (self, g_cond_broadcast);
  /* (the outputs' own: their tasks, the inputs' waits for room) */
  vk_out_wake (&self->bg.out);
  vk_out_wake (&self->fg.out);
}

/* @s ended its pass (EOS, or SEGMENT_DONE in the render): the conditions
 * whose predicates read its end. With the lock. */
void
gst_vidkompy_align_input_ended (GstVidkompyAlign * self, Stream * s)
{
  GST_LOG_OBJECT (s->sinkpad, "the %s ended its pass: waking the waits "
      "for it", s->name);
  gst_vidkompy_align_input_event (s, INPUT_EV_END);
  /* mode=auto's choice does not wait for an input that ended */
  g_cond_broadcast (&self->caps_cond);
  g_cond_broadcast (&self->pass_end_cond);
  if (s == &self->bg) {
    /* the refinement pass refines on the frames that came */
    g_cond_broadcast (&self->refined_cond);
  } else {
    /* the bg refines without the fg frame, and decides without the
     * descriptors of the fg frames that did not come */
    g_cond_broadcast (&self->pair_cond);
    g_cond_broadcast (&self->desc_cond);
  }
}
