/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkonline: online (streaming) temporal alignment with a fixed lag.
 *
 * fg frames are rows, pushed one at a time; each row is matched against a
 * band of bg frames (absolute bg indices, typically the bg frames held at
 * the time). A forward dynamic programme keeps, for every pending
 * (uncommitted) row and every bg frame of its band, the least cost of a
 * path ending there:
 *
 *   acc (i, j) = cost (i, j) + min ( min_{0<=k<=max_jump} acc (i−1, j−k)
 *                                        + λ · |k − e[i]|,
 *                                    min_{j' <= j} acc (i−1, j') + restart )
 *
 where e[i] is the step of the rounded line L(i) = floor (offset + rate·i
 * + 0.5) (as in vk_dp_align ()), so static scenes and ties follow the line,
 * and the restart transition lets the path jump forward by any amount, at
 * a fixed price, to follow a cut (the fg lost and found again, or the fg
 * found far into the bg). Paths never step backwards. A row is computed by
 * vk_dp_row () (vktemporal.c), the recurrence vk_dp_align () runs over the
 * whole fg: the global mode's DP is this one with every row as look-ahead
 * and no restarts (test align_online:test_online_equals_offline).
 *
 * vk_online_commit () fixes the oldest pending row: it backtracks the best
 * path from the newest row to it, and from then on every path must go
 * through the committed cell (the pending rows are recomputed from it, from
 * their stored costs). A row is therefore decided with the evidence of the
 * rows pushed after it (the lag), and the committed bg frames never
 * decrease.
 *
 * Memory: for every pending row its band's costs, path costs and back
 * pointers (17 bytes per bg frame of the band). Time per row: O(band ·
 * (max_jump + 1)) plus O(pending · band · (max_jump + 1)) per commit.
 * Pure: no GStreamer objects, no global state. */

#ifndef __VK_ONLINE_H__
#define __VK_ONLINE_H__

#include <glib.h>

#include "vktemporal.h"

G_BEGIN_DECLS

/**
 * VkOnlineParams:
 * @smoothness: λ >= 0, the cost of one frame of deviation from the step of
 *   the rounded line
 * @max_jump: the largest ordinary step j[i] − j[i−1]
 * @restart: cost of a restart (a forward jump of any size); +INFINITY
 *   disables restarts
 * @offset: the line's bg frame at fg frame 0 (only its fractional part and
 *   the rate matter for the steps)
 * @rate: bg frames per fg frame (e.g. bg fps / fg fps)
 */
typedef struct
{
  gdouble smoothness;
  guint max_jump;
  gdouble restart;
  gdouble offset, rate;
} VkOnlineParams;

/**
 * VkOnlineDecision:
 * @fg: the fg frame (row), 0-based in push order
 * @bg: its bg frame
 * @cost: cost (@fg, @bg)
 * @restarted: the path reached this cell by a restart
 */
typedef struct
{
  guint fg, bg;
  gfloat cost;
  gboolean restarted;
} VkOnlineDecision;

typedef struct _VkOnline VkOnline;

void vk_online_params_init (VkOnlineParams * p, gdouble rate);

VkOnline *vk_online_new (const VkOnlineParams * p);

void vk_online_free (VkOnline * o);

void vk_online_set_line (VkOnline * o, gdouble offset, gdouble rate);

gboolean vk_online_push_row (VkOnline * o, guint bg_lo, guint bg_hi,
    VkCostFunc cost, gpointer user_data);

guint vk_online_n_rows (const VkOnline * o);

guint vk_online_n_pending (const VkOnline * o);

guint vk_online_min_bg (const VkOnline * o);

gboolean vk_online_commit (VkOnline * o, VkOnlineDecision * d);

void vk_online_recost (VkOnline * o, VkCostFunc cost, gpointer user_data);

gboolean vk_online_newest_best (const VkOnline * o, guint * bg);

gboolean vk_online_pending_cost (const VkOnline * o, guint k, guint bg,
    gfloat * cost);

G_END_DECLS

#endif /* __VK_ONLINE_H__ */
