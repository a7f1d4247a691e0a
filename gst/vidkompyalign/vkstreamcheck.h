/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkstreamcheck: the streaming mode's decisions about a position search
 * (is its placement taken, and is it committed) and about the bg's lag,
 * as pure functions of numbers (no GStreamer objects): unit-tested in
 * align_streamcheck. The thresholds are those of vkfound.h. */

#ifndef __VK_STREAM_CHECK_H__
#define __VK_STREAM_CHECK_H__

#include <gst/gst.h>

#include "vkfound.h"

G_BEGIN_DECLS

/* a bg lag warned about is warned about again once it has grown by this */
#define VK_STREAM_LAG_STEP (250 * GST_MSECOND)
/* live inputs: the share of the time (of one core) the position search
 * may take while the fg is not found */
#define VK_STREAM_SEARCH_SHARE 0.25

/**
 * VkStreamCandidate:
 * @x, @y, @scale: a search's placement (bg pixels: refined on full
 *   resolution when it could be)
 * @fg_first: the first fg frame of its search (absolute index)
 * @fg_mid: the middle one
 * @bg_at_mid: the bg frame its line gives @fg_mid
 */
typedef struct
{
  gdouble x, y, scale;
  gdouble fg_first, fg_mid, bg_at_mid;
} VkStreamCandidate;

/**
 * VkStreamSearch:
 * @cand: the search's placement
 * @spatial: its spatial score
 * @match: the temporal match of all the searched fg frames (mean of
 *   1 − cost, vk_align_match ())
 * @bg_at_prev_mid: the bg frame its line gives the previous candidate's
 *   middle fg frame
 * @bg_per_fg: nominal bg frames per fg frame
 * @rate: the rate of the search's own line (bg frames per fg frame)
 * @sure_region: a fixed position or whole frames (no spatial doubt)
 * @live: live inputs (they do not wait for a second search when the
 *   spatial score leaves no doubt)
 * @still: the searched fg frames hardly change (vk_fg_motion () below
 *   VK_FOUND_MIN_MOTION): they do not tell their bg time
 */
typedef struct
{
  VkStreamCandidate cand;
  gdouble spatial, match;
  gdouble bg_at_prev_mid;
  gdouble bg_per_fg, rate;
  gboolean sure_region, live, still;
} VkStreamSearch;

/**
 * VkStreamVerdict:
 * @VK_STREAM_TAKEN: the placement is taken (then refined on full-resolution
 *   frames, and committed only when vk_found () says the fg is found)
 * @VK_STREAM_NO_MATCH: below the search's thresholds
 * @VK_STREAM_UNCONFIRMED: to be confirmed by a later search (it is the
 *   candidate now)
 * @VK_STREAM_PENDING: the candidate's placement again, on too many of the
 *   same fg frames to confirm it (the candidate stays)
 */
typedef enum
{
  VK_STREAM_TAKEN,
  VK_STREAM_NO_MATCH,
  VK_STREAM_UNCONFIRMED,
  VK_STREAM_PENDING,
} VkStreamVerdict;

VkStreamVerdict vk_stream_search_verdict (const VkStreamSearch * s,
    const VkStreamCandidate * prev);

GstClockTimeDiff vk_stream_content_offset (GstClockTime fg_rt,
    GstClockTime bg_rt, gdouble bg_index, gdouble line_bg, gdouble bg_fps);

guint vk_stream_dp_margin (gdouble rate);
GstClockTime vk_stream_latency_needed (GstClockTimeDiff lag, gdouble rate,
    gdouble bg_fps, GstClockTime decision_margin);

gboolean vk_stream_lag_due (GstClockTimeDiff lag, GstClockTime needed,
    GstClockTime latency, GstClockTime warned);

gdouble vk_stream_cost_unit (gfloat * gaps, guint n);

gint64 vk_stream_search_pause (gint64 duration);

GstClockTimeDiff vk_stream_time_left (GstClockTime arrival, GstClockTime now,
    GstClockTime latency, GstClockTime margin);

GstClockTime vk_stream_time_within (GstClockTime cap, gdouble bytes,
    gdouble per_s);

G_END_DECLS

#endif /* __VK_STREAM_CHECK_H__ */
