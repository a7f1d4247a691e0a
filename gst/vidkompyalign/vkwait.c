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
