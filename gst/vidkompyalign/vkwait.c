/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Waits on named conditions, logged (vkwait.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkwait.h"

/* One wait on @cond (called @name in the log: @cat at level LOG, on @obj,
 * each message after @prefix) with @lock held: one wake-up, to be called
 * in a loop on the condition's predicate. */
void
vk_wait_named (GstDebugCategory * cat, gpointer obj, const gchar * prefix,
    GCond * cond, GMutex * lock, const gchar * name)
{
  GST_CAT_LOG_OBJECT (cat, obj, "%swaiting on %s", prefix, name);
  g_cond_wait (cond, lock);
  GST_CAT_LOG_OBJECT (cat, obj, "%swoken on %s", prefix, name);
}

/* The same until @end_time (monotonic, us); FALSE when it passed. */
gboolean
vk_wait_named_until (GstDebugCategory * cat, gpointer obj,
    const gchar * prefix, GCond * cond, GMutex * lock, const gchar * name,
    gint64 end_time)
{
  gboolean woken;

  GST_CAT_LOG_OBJECT (cat, obj, "%swaiting on %s for at most %"
      G_GINT64_FORMAT " ms", prefix, name,
      (end_time - g_get_monotonic_time ()) / 1000);
  woken = g_cond_wait_until (cond, lock, end_time);
  GST_CAT_LOG_OBJECT (cat, obj, "%s%s on %s", prefix,
      woken ? "woken" : "timed out", name);
  return woken;
}

/* @op on each of the @n_conds conditions of @conds (VK_CONDS_EACH ()) */
void
vk_conds_apply (void (*op) (GCond * cond), GCond * const *conds, guint n_conds)
{
  guint k;

  for (k = 0; k < n_conds; k++)
    op (conds[k]);
}

/* The watched input's thread enters the element's chain function. Called
 * with the lock of the waits. */
void
vk_upstream_enter (VkUpstream * up)
{
  up->left = 0;
}

/* ... and leaves it. Called with the lock of the waits. */
void
vk_upstream_leave (VkUpstream * up)
{
  up->left = g_get_monotonic_time ();
}

/* Whether the watched input's thread is upstream now (it left the chain
 * function since it last entered it). Called with the lock of the waits. */
gboolean
vk_upstream_away (const VkUpstream * up)
{
  return up->left != 0;
}

/* Whether the calling thread is @feeder (atomic: the thread that last
 * fed the other input): one upstream thread without queues feeds both
 * inputs (a tee, a demuxer), and the other input's next frame cannot come
 * while this one waits. */
gboolean
vk_fed_by_self (gpointer * feeder)
{
  return g_atomic_pointer_get (feeder) == (gpointer) g_thread_self ();
}

/* Waits on @cond as vk_wait_named () does, or until a wait that began at
 * @since (monotonic, us) has lasted VK_UPSTREAM_STALL with the thread @up
 * watches upstream for that long. Returns TRUE when it has: that input
 * will not come before the waiting one goes on. (Timed: the watched thread
 * going upstream wakes no one, so that its every frame costs nothing.) */
gboolean
vk_wait_or_stall (GstDebugCategory * cat, gpointer obj, const gchar * prefix,
    GCond * cond, GMutex * lock, const gchar * name, const VkUpstream * up,
    gint64 since)
{
  gint64 left = up->left ? up->left : g_get_monotonic_time ();
  gint64 stall = VK_UPSTREAM_STALL / GST_USECOND;

  if (vk_wait_named_until (cat, obj, prefix, cond, lock, name,
          MAX (left, since) + stall))
    return FALSE;
  if (up->left == 0 || g_get_monotonic_time () - up->left < stall)
    return FALSE;
  GST_CAT_DEBUG_OBJECT (cat, obj, "%s%s: the other input did not come for "
      "%" GST_TIME_FORMAT ", its thread upstream", prefix, name,
      GST_TIME_ARGS (VK_UPSTREAM_STALL));
  return TRUE;
}
