/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkjoint: the joint search of space and time. On moving content (a pan,
 * a zoom, a scroll) one fg frame matches many bg frames, each at its own
 * placement: a wrong place is the same picture as a wrong time. A
 * placement is right when a whole line of fg samples, spread over the fg,
 * matches the bg over time under it; these functions score candidate
 * placements that way and pick the best. Pure: no GStreamer objects, all
 * in the bg's low-resolution pixels (the fg samples brought to the bg's
 * low-resolution factor, so scale 1 means the same size in both). */

#ifndef __VK_JOINT_H__
#define __VK_JOINT_H__

#include "vkspatial.h"
#include "vkalignment.h"

G_BEGIN_DECLS

/**
 * VkJointSample:
 * @fg: an fg frame at the bg's low-resolution factor
 * @f: its fg frame index
 * @best_b: (out) the bg frame where it matches best under the placement
 *   last scored, or -1
 * @best_score: (out) that match's NCC
 */
typedef struct
{
  VkLuma fg;
  guint f;
  gint best_b;
  gdouble best_score;
} VkJointSample;

/**
 * VkJointLine:
 * @bg: the bg's low-resolution frames
 * @n_bg: their number
 * @valid: the compared part of the fg samples
 * @rate: nominal bg frames per fg frame
 * @tolerance: the bg frames searched around the line, at least (frames)
 * @tolerance_rate: and this share of the distance along the line
 * @tolerance_max: but at most this many frames
 */
typedef struct
{
  const VkLuma *bg;
  guint n_bg;
  GstVideoRectangle valid;
  gdouble rate;
  gdouble tolerance, tolerance_rate, tolerance_max;
} VkJointLine;

gdouble vk_placed_ncc (const VkLuma * bg, const VkLuma * fg,
    const GstVideoRectangle * valid, const VkPlacementEstimate * at);

gdouble vk_joint_line_score (const VkJointLine * line,
    VkJointSample * samples, guint n_samples,
    const VkPlacementEstimate * at, guint anchor_b, guint anchor_f);

/**
 * VkJointCandidate:
 * @est: a placement (bg low-resolution pixels, the fg at the bg's factor)
 * @b: the bg frame it was found in
 * @f: the fg frame found there
 */
typedef struct
{
  VkPlacementEstimate est;
  guint b, f;
} VkJointCandidate;

gboolean vk_joint_search (const VkStreamSummary * bg,
    const VkStreamSummary * fg, const VkSpatialParams * p,
    const VkJointCandidate * cands, guint n_cands, VkPlacementEstimate * out);

gboolean vk_joint_time_search (const VkStreamSummary * bg,
    const VkStreamSummary * fg, const VkSpatialParams * p,
    gdouble shrink, const VkPlacementEstimate * guess, gdouble offset,
    gdouble rate, gdouble window, VkPlacementEstimate * out,
    gdouble * out_offset,
    VkPlacementEstimate * line_place);

gboolean vk_joint_time_refine (const VkStreamSummary * bg,
    const VkStreamSummary * fg, gboolean prefer_unscaled,
    VkAlignResult * r);

/* bg frames on each side of a fg frame's match that a moment check can
 * score (vk_moment_check_new ()); the refinement on full frames pairs a
 * fg frame with as many (VK_REFINE_RADIUS, vkrefine.h, is this) */
#define VK_MOMENT_RADIUS 4
/* the refinement on full frames hands the moment check the placements
 * found on the bg frames around the match that correlate within this
 * (plus VK_MOMENT_MISMATCH_SHARE of the best one's mismatch) of the best:
 * on a pan they all do, each for its own moment */
#define VK_MOMENT_FULL_MARGIN 2e-3
#define VK_MOMENT_MISMATCH_SHARE 0.25
/* those places follow the moment (moving content, vk_places_move ()) when
 * they are this far apart: bg pixels, relative scale (a still camera's are
 * within a few hundredths of a pixel; on a slow pan two frames apart 0.9
 * px, on a slow zoom 0.2 % of the scale) */
#define VK_MOMENT_MOVE_PX 0.5
#define VK_MOMENT_MOVE_SCALE 1e-3

/* the margin of VK_MOMENT_FULL_MARGIN, VK_MOMENT_MISMATCH_SHARE below the
 * best full-frame correlation @best */
static inline gdouble
vk_moment_margin (gdouble best)
{
  return MAX (VK_MOMENT_FULL_MARGIN, VK_MOMENT_MISMATCH_SHARE * (1.0 - best));
}

gboolean vk_places_move (const VkPlacementEstimate * places, guint n);

VkMomentCheck *vk_moment_check_new (const VkStreamSummary * bg,
    const VkStreamSummary * fg, const VkAlignResult * r, guint radius);

gdouble vk_moment_check_score (const VkMomentCheck * mc, gdouble x,
    gdouble y, gdouble scale, guint f, guint b);

gint vk_moment_pick (const VkMomentCheck * mc,
    const VkPlacementEstimate * places, const guint * b, guint n, guint f,
    gdouble line_b, gdouble * scores);

gdouble vk_moment_check_rate (const VkMomentCheck * mc);

void vk_moment_check_free (VkMomentCheck * mc);

/* vklow.c: the low-resolution copies */
VkLuma vk_low_frame (const VkStreamSummary * s, guint i);
void vk_low_factors (const VkStreamSummary * s, gdouble * kx, gdouble * ky);
guint8 *vk_fg_at_bg_factor (const VkStreamSummary * bg,
    const VkStreamSummary * fg, guint i, VkLuma * out);
guint8 *vk_fg_at_factor (const VkStreamSummary * bg,
    const VkStreamSummary * fg, guint i, gdouble shrink, VkLuma * out);
gdouble vk_small_fg_detail (const VkStreamSummary * bg,
    const VkStreamSummary * fg);
void vk_valid_in (const VkStreamSummary * fg, const VkAlignResult * r,
    gint w, GstVideoRectangle * rect);

G_END_DECLS

#endif /* __VK_JOINT_H__ */
