/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Temporal alignment: which bg frame shows the moment of each fg frame.
 *
 * 1. vk_fit_line_robust () fits bg ≈ offset + rate · fg to candidate frame
 *    matches (e.g. pHash nearest neighbours), most of which may be wrong.
 * 2. vk_band_from_line () turns the line into a search band per fg frame.
 * 3. vk_dp_align () picks, for every fg frame, one bg frame in its band:
 *    never backwards, at most max_jump frames forward per fg frame, with
 *    the least total matching cost plus a smoothness penalty that makes
 *    ties (static or frozen content) follow the line exactly. Its row,
 *    vk_dp_row (), is the one recurrence of both modes: the streaming
 *    mode's online DP (vkonline.h) runs it over the rows of its lag.
 *
 * Frame numbers are 0-based indices. The rounded line is
 * vk_line_frame (offset, rate, i) = floor (offset + rate · i + 0.5). */

#ifndef __VK_TEMPORAL_H__
#define __VK_TEMPORAL_H__

#include <glib.h>

G_BEGIN_DECLS

#define VK_TEMPORAL_ERROR (vk_temporal_error_quark ())

typedef enum
{
  VK_TEMPORAL_ERROR_INVALID,    /* bad arguments */
  VK_TEMPORAL_ERROR_EMPTY_BAND, /* a row's band is empty within [0, n_bg) */
  VK_TEMPORAL_ERROR_UNREACHABLE,        /* no valid path through the bands */
  VK_TEMPORAL_ERROR_NO_MEMORY,
} VkTemporalError;

GQuark vk_temporal_error_quark (void);

/**
 * VkMatchPoint:
 * @fg: fg frame (may be fractional)
 * @bg: bg frame believed to show the same moment (may be fractional)
 * @weight: confidence, > 0; points with weight <= 0 are ignored
 */
typedef struct
{
  gdouble fg, bg, weight;
} VkMatchPoint;

gboolean vk_fit_line_robust (const VkMatchPoint * pts, guint n,
    gdouble max_rate_ratio, gdouble tolerance, gdouble * offset,
    gdouble * rate, gdouble * inlier_fraction);

gint64 vk_line_frame (gdouble offset, gdouble rate, guint fg);

void vk_band_from_line (guint n_fg, guint n_bg, gdouble offset,
    gdouble rate, gint half_width, gint * lo, gint * hi);

/* the largest VkDpParams.max_jump (back pointers are single bytes) */
#define VK_DP_MAX_JUMP 254

/* the DP's λ on the low-resolution thumbnails (vk_alignment_compute (): the
 * global mode's alignment, a streaming search's), in units of the typical
 * cost of a frame's neighbours over its own; also VkOnlineParams' default */
#define VK_DP_SMOOTHNESS 0.2

/* a line's rate within this share of the nominal one (the frame rates')
 * is the nominal one, unless its content says otherwise: a small rate
 * error would shift where static scenes step */
#define VK_RATE_SNAP 0.005

guint vk_dp_max_jump (gdouble rate);

/**
 * VkDpParams:
 * @smoothness: λ >= 0, the cost of one frame of deviation from the slope
 *   of the rounded line, see vk_dp_align ()
 * @max_jump: the largest step j[i] − j[i−1], 0 .. VK_DP_MAX_JUMP
 */
typedef struct
{
  gdouble smoothness;
  guint max_jump;
} VkDpParams;

/**
 * VkCostFunc:
 * @fg: fg frame, 0 .. n_fg − 1
 * @bg: bg frame, 0 .. n_bg − 1
 * @user_data: as given to vk_dp_align ()
 *
 * Returns: the cost of showing bg frame @bg with fg frame @fg, finite, or
 * +INFINITY to forbid the pair (NaN counts as +INFINITY).
 */
typedef gfloat (*VkCostFunc) (guint fg, guint bg, gpointer user_data);

gboolean vk_dp_align (guint n_fg, guint n_bg, const gint * lo,
    const gint * hi, gdouble offset, gdouble rate, const VkDpParams * params,
    VkCostFunc cost, gpointer user_data, guint * path, gdouble * total_cost,
    GError ** error);

void vk_dp_step_order (gint64 e, guint max_jump, guint8 * order);

/* vk_dp_row ()'s back pointer of a cell no step reaches */
#define VK_DP_BACK_NONE 0xff
/* vk_dp_row ()'s previous frame of a cell not reached by a restart */
#define VK_DP_NO_RESTART G_MAXUINT

gdouble vk_dp_row (const VkDpParams * params, gdouble restart, gint64 e,
    const gdouble * prev, guint plo, guint phi, guint lo, guint hi,
    const gfloat * cost, gdouble * acc, guint8 * back, guint * from);

gint64 vk_dp_row_end (const gdouble * acc, guint lo, guint hi,
    gint64 target);

gdouble vk_dp_path_cost (guint n_fg, guint n_bg, const guint * path,
    gdouble offset, gdouble rate, const VkDpParams * params,
    VkCostFunc cost, gpointer user_data);

G_END_DECLS

#endif /* __VK_TEMPORAL_H__ */
