/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode's decisions about a search and the bg's lag: see
 * vkstreamcheck.h. Pure functions. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>

#include "vkstreamcheck.h"

/**
 * vk_stream_search_verdict:
 * @s: a search's outcome
 * @prev: the previous search's candidate, or %NULL
 *
 * Whether a streaming search's placement is taken: its spatial score and
 * the temporal match of all its fg frames must reach the search's
 * thresholds (vkfound.h); then it is taken from this search alone when its
 * spatial score leaves no doubt (with non-live inputs, whose bg is scanned
 * forward, its temporal match too, and its line's rate @s->rate within
 * VK_FOUND_STREAM_SURE_RATE of the nominal one: on half a second of a
 * scroll, a pan or a zoom another place matches at a drifting moment
 * nearly as well, a line of rate 1.45 for 1.0 placed a scrolling page
 * 30 px too low; a still fg's line has any rate), else only when @prev
 * (the candidate of an earlier search) is the same placement at the same
 * bg time, found on other fg frames: the search's first fg frame after
 * the candidate's middle one (two searches on mostly the same frames find the same chance
 * match: a bg that lags the fg by more than the window showed a fg at the
 * wrong place and scale, confirmed that way, until 2026-12-06). A still fg
 * (@s->still) tells no bg time: any bg frame of the same content fits it,
 * and each search's line lands on another (a static page whose clock
 * ticks once a second: the first of the bg frames held); the same
 * placement confirms it, and vk_found () then asks it a near-perfect
 * spatial match (VK_FOUND_MIN_SPATIAL_STATIC), the DP finding its frames.
 *
 * Returns: the verdict; the caller keeps @s->cand as the candidate of the
 * next searches when it is VK_STREAM_UNCONFIRMED
 */
VkStreamVerdict
vk_stream_search_verdict (const VkStreamSearch * s,
    const VkStreamCandidate * prev)
{
  gdouble tolerance;
  gboolean sure, same;

  g_return_val_if_fail (s != NULL, VK_STREAM_NO_MATCH);

  if (s->spatial < VK_FOUND_STREAM_MIN_SPATIAL
      || s->match < VK_FOUND_MIN_MATCH || (s->cand.scale < 0.5
          && s->spatial < VK_FOUND_STREAM_MIN_SPATIAL_UPSCALED))
    return VK_STREAM_NO_MATCH;
  sure = s->spatial >= VK_FOUND_STREAM_SURE_SPATIAL || s->sure_region;
  tolerance = VK_FOUND_STREAM_SAME_LINE_FRAMES * MAX (1.0, s->bg_per_fg);
  same = prev != NULL && prev->scale > 0
      && fabs (s->cand.x - prev->x) <= 2.0
      && fabs (s->cand.y - prev->y) <= 2.0
      && fabs (s->cand.scale / prev->scale - 1.0) <= 0.02
      && (s->still || fabs (s->bg_at_prev_mid - prev->bg_at_mid) <= tolerance);
  if (sure && (s->live || (s->match >= VK_FOUND_STREAM_SURE_MATCH
              && (s->still || fabs (s->rate / s->bg_per_fg - 1.0) <=
                  VK_FOUND_STREAM_SURE_RATE))))
    return VK_STREAM_TAKEN;
  if (same)
    return s->cand.fg_first > prev->fg_mid ? VK_STREAM_TAKEN :
        VK_STREAM_PENDING;
  return VK_STREAM_UNCONFIRMED;
}

/**
 * vk_stream_content_offset:
 * @fg_rt: a fg frame's running time
 * @bg_rt: the running time of a held bg frame (the reference)
 * @bg_index: that bg frame's index
 * @line_bg: the bg frame (fractional index) that shows the fg frame's
 *   content, from the search's line; it may not have arrived yet
 * @bg_fps: the bg's frame rate
 *
 * Returns: how much later (running time) the bg shows the fg frame's
 * content than the fg does: @line_bg's running time, counted from the
 * reference at the bg's rate, minus @fg_rt (negative: the bg shows it
 * earlier)
 */
GstClockTimeDiff
vk_stream_content_offset (GstClockTime fg_rt, GstClockTime bg_rt,
    gdouble bg_index, gdouble line_bg, gdouble bg_fps)
{
  gdouble t = (gdouble) bg_rt + (line_bg - bg_index) * GST_SECOND / bg_fps;

  return (GstClockTimeDiff) floor (t + 0.5) - (GstClockTimeDiff) fg_rt;
}

/**
 * vk_stream_dp_margin:
 * @rate: bg frames per fg frame
 *
 * Returns: the bg frames the online DP looks beyond the frame a fg frame
 *   is expected at (its steps reach 2 · @rate + 2 a row; two rows of
 *   them): a row is added, and a frame decided, once the bg has them
 */
guint
vk_stream_dp_margin (gdouble rate)
{
  return (guint) ceil (4 * rate) + 2;
}

/**
 * vk_stream_latency_needed:
 * @lag: how long after a fg frame is due its bg frame comes
 * @rate: bg frames per fg frame
 * @bg_fps: the bg's frame rate
 * @decision_margin: what a decision leaves of the latency (a frame and
 *   some processing time)
 *
 * Returns: the latency that lets the aligner wait for that bg frame: @lag
 * plus the online DP's margin (4 · @rate + 2 bg frames) and
 * @decision_margin
 */
GstClockTime
vk_stream_latency_needed (GstClockTimeDiff lag, gdouble rate, gdouble bg_fps,
    GstClockTime decision_margin)
{
  return (GstClockTime) MAX (lag, 0) + (GstClockTime) (vk_stream_dp_margin
      (rate) * GST_SECOND / bg_fps) + decision_margin;
}

/**
 * vk_stream_lag_due:
 * @lag: the bg's lag now
 * @needed: vk_stream_latency_needed () of it
 * @latency: the latency set
 * @warned: the largest lag warned about so far, or 0
 *
 * Returns: whether a warning about the lag is due: the latency needed is
 * beyond @latency, and the lag is new or has grown by VK_STREAM_LAG_STEP
 * since the last warning (a bg that stalls is seen at first only as far
 * behind as it has stalled so far)
 */
gboolean
vk_stream_lag_due (GstClockTimeDiff lag, GstClockTime needed,
    GstClockTime latency, GstClockTime warned)
{
  if (lag <= 0 || needed <= latency)
    return FALSE;
  return warned == 0 || (GstClockTime) lag >= warned + VK_STREAM_LAG_STEP;
}

/**
 * vk_stream_search_pause:
 * @duration: how long the last search took (any unit)
 *
 * Returns: how long to wait after it before the next search (same unit),
 * so that the searches take at most VK_STREAM_SEARCH_SHARE of the time: a
 * fg that is not in the bg is searched for all along, and back-to-back
 * searches of a second each took ~190 % CPU with the decoders
 */
gint64
vk_stream_search_pause (gint64 duration)
{
  return (gint64) (MAX (duration, 0) * (1.0 - VK_STREAM_SEARCH_SHARE) /
      VK_STREAM_SEARCH_SHARE);
}

/**
 * vk_stream_time_left:
 * @arrival: the clock's running time when a fg frame arrived
 * @now: the clock's running time now
 * @latency: the longest time from a fg frame's arrival to its output
 * @margin: what its decision and output take
 *
 * Returns: how long the frame may still wait before it is decided (ns;
 * 0 or less: now)
 */
GstClockTimeDiff
vk_stream_time_left (GstClockTime arrival, GstClockTime now,
    GstClockTime latency, GstClockTime margin)
{
  return GST_CLOCK_DIFF (now, arrival + latency) - (GstClockTimeDiff) margin;
}

static gint
compare_float (gconstpointer a, gconstpointer b)
{
  gfloat x = *(const gfloat *) a, y = *(const gfloat *) b;

  return x < y ? -1 : x > y;
}

/**
 * vk_stream_cost_unit:
 * @gaps: (inout): for frames matched by a search, how much more their
 *   neighbouring bg frames cost than their match (sorted in place)
 * @n: their number
 *
 * Returns: the unit of the online DP's costs, as in the global mode: the
 * median of the positive gaps (0.05 without any), at least 1e-4
 */
gdouble
vk_stream_cost_unit (gfloat * gaps, guint n)
{
  guint k, m = 0;

  for (k = 0; k < n; k++)
    if (gaps[k] > 0)
      gaps[m++] = gaps[k];
  if (m == 0)
    return 0.05;
  qsort (gaps, m, sizeof (gfloat), compare_float);
  return MAX (gaps[m / 2], 1e-4);
}

/**
 * vk_stream_time_within:
 * @cap: the longest time
 * @bytes: a byte budget of held frames
 * @per_s: the bytes of frames that come in a second (0: unknown)
 *
 * Returns: how long @bytes of frames last at @per_s bytes a second, at
 * most @cap (ns): the frames held over that time fit in @bytes (the
 * non-live inputs' byte budgets, vkstreamrender-priv.h)
 */
GstClockTime
vk_stream_time_within (GstClockTime cap, gdouble bytes, gdouble per_s)
{
  if (per_s <= 0.0)
    return cap;
  return MIN (cap, (GstClockTime) (bytes / per_s * GST_SECOND));
}
