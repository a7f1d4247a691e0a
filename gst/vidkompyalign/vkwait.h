/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Waits on named conditions, for both modes: the element's (vkalignwait.c)
 * and the streaming renderer's (vkstreamwait.c). A named condition is a
 * GCond field of a struct, of that struct's mutex, waited on in a loop on
 * its predicate; each wait and wake-up is logged with its name. */

#ifndef __VK_WAIT_H__
#define __VK_WAIT_H__

#include <gst/gst.h>

G_BEGIN_DECLS
    void vk_wait_named (GstDebugCategory * cat, gpointer obj,
    const gchar * prefix, GCond * cond, GMutex * lock, const gchar * name);

gboolean vk_wait_named_until (GstDebugCategory * cat, gpointer obj,
    const gchar * prefix, GCond * cond, GMutex * lock, const gchar * name,
    gint64 end_time);

void vk_conds_apply (void (*op) (GCond * cond), GCond * const *conds,
    guint n_conds);

/**
 * VkUpstream:
 * @left: when the watched input's streaming thread last left the element's
 *   chain function (monotonic, us); 0 while it is in it, or before its
 *   first buffer
 *
 * Whether an input's thread is upstream, for waits of the other input on
 * it (vk_wait_or_stall ()). Protected by the lock of the waits.
 */
typedef struct
{
  gint64 left;
} VkUpstream;

/* How long an input waits for a bg frame that does not come, the bg's
 * thread upstream all along, before it takes the inputs as fed by one
 * thread (a tee, a demuxer) that blocks on its own full queue: the bg
 * cannot come until the waiting frame is taken. One decoded 720p file
 * through a tee into both inputs, the fg cropped, hung at the bg's seventh
 * frame, the fg's queue full (10 MB). Longer than the thread stalls of a
 * loaded machine (0.7 s seen under the sanitizers). */
#define VK_UPSTREAM_STALL (2 * GST_SECOND)

void vk_upstream_enter (VkUpstream * up);

void vk_upstream_leave (VkUpstream * up);

gboolean vk_upstream_away (const VkUpstream * up);

gboolean vk_fed_by_self (gpointer * feeder);

gboolean vk_wait_or_stall (GstDebugCategory * cat, gpointer obj,
    const gchar * prefix, GCond * cond, GMutex * lock, const gchar * name,
    const VkUpstream * up, gint64 since);

/* applies @op (g_cond_init, g_cond_clear, g_cond_broadcast) to each
 * condition listed (their addresses) */
#define VK_CONDS_EACH(op, ...) G_STMT_START {                         \
  GCond *const vk_conds_[] = { __VA_ARGS__ };                         \
  vk_conds_apply ((op), vk_conds_, G_N_ELEMENTS (vk_conds_));         \
} G_STMT_END

G_END_DECLS
#endif /* __VK_WAIT_H__ */
