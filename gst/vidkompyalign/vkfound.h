/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkfound: is the fg in the bg? The decision from the evidence of an
 * alignment, with its thresholds in one table. */

#ifndef __VK_FOUND_H__
#define __VK_FOUND_H__

#include <glib.h>
#include "vkalignment.h"

G_BEGIN_DECLS

/* The thresholds of the decision (docs/vidkompyalign.md):
 *
 * VK_FOUND_MIN_MATCH: the temporal confidence (mean 1 − thumbnail
 *   distance of the fg frames the bg shows with their bg frames): about
 *   0.5 for unrelated content, above 0.9 for the same content through two
 *   encodes.
 * VK_FOUND_MIN_SPATIAL: the spatial confidence (NCC of the placement,
 *   refined on full-resolution frames) of a fg that moves.
 * VK_FOUND_MIN_MOTION: a fg whose thumbnails change less than this from one
 *   sampled frame to the next, on average (vk_fg_motion ()), is static: its
 *   frames are all alike, so matching them to bg frames says nothing about
 *   where it is (the placement was chosen to match them), and only a
 *   near-perfect spatial match tells that it is in the bg. Re-encoding
 *   noise of a still picture measures 0.00-0.02, a slow pan 0.1 and more.
 * VK_FOUND_MIN_SPATIAL_STATIC: the spatial confidence a static fg needs.
 *   Still crops of a bg, re-encoded or scaled, measure 0.99 and more
 *   (crops of a cockatoo frame at scale 1 and 1.33 through x264: 1.000);
 *   unrelated stills found where they correlate best 0.72 (SMPTE bars),
 *   0.91 (75 % bars), 0.96 (a grey ramp on a smooth sky) over the cockatoo
 *   clip, and 0.988 (75 % bars on the smooth wall of its first seconds,
 *   which a streaming search finds: a staircase correlates with a ramp,
 *   and NCC ignores gain and offset; it was 0.98 until 2026-12-06). The
 *   margin is thin: the same bars at 640x360 and 320x180 measure 0.98-0.99
 *   there (refused, but just); a measure of how distinct the place is (the
 *   score of the placement shifted along the picture) would tell a ramp
 *   from a crop better. */
#define VK_FOUND_MIN_MATCH 0.7
#define VK_FOUND_MIN_SPATIAL 0.5
#define VK_FOUND_MIN_MOTION 0.05
#define VK_FOUND_MIN_SPATIAL_STATIC 0.99

/* The streaming mode's position search (vkstreamcheck.c) looks at a few
 * seconds of frames, where a chance match is likelier than over a whole
 * clip: before its placement is refined and checked by vk_found () as the
 * global mode's is, a search must reach
 *
 * VK_FOUND_STREAM_MIN_SPATIAL: its spatial score (low resolution), and
 *   VK_FOUND_MIN_MATCH for the temporal match of all the searched fg
 *   frames (so it waits until the bg window shows most of them);
 * VK_FOUND_STREAM_MIN_SPATIAL_UPSCALED: the spatial score of an upscaled
 *   fg (scale below 0.5: a small bg area matches chance textures easily);
 * VK_FOUND_STREAM_SURE_SPATIAL: above it one search is enough (with live
 *   inputs; non-live ones need VK_FOUND_STREAM_SURE_MATCH too: the scan of
 *   their bg shows a near-static scene seconds before the fg's content,
 *   which matches it at about 0.93, and a line whose rate is within
 *   VK_FOUND_STREAM_SURE_RATE of the nominal one: on half a second of a
 *   scroll, a pan or a zoom another place matches at another, drifting
 *   moment nearly as well); below, the next search must find the
 *   same placement at the same bg time, within
 *   VK_FOUND_STREAM_SAME_LINE_FRAMES bg frames (chance textures do not
 *   repeat) as one of the VK_FOUND_STREAM_CANDIDATES latest unconfirmed
 *   searches did (a chance match in between does not undo a true one: on
 *   a bg with uneven gaps a search found 338,176 four frames late between
 *   two that found 333,181); a fg that hardly moves (VK_FOUND_MIN_MOTION)
 *   at any bg time (it tells none; VK_FOUND_MIN_SPATIAL_STATIC is then
 *   asked of it). */
#define VK_FOUND_STREAM_MIN_SPATIAL 0.8
#define VK_FOUND_STREAM_MIN_SPATIAL_UPSCALED 0.95
#define VK_FOUND_STREAM_SURE_SPATIAL 0.97
#define VK_FOUND_STREAM_SURE_MATCH 0.98
#define VK_FOUND_STREAM_SURE_RATE 0.2
#define VK_FOUND_STREAM_SAME_LINE_FRAMES 3.0
#define VK_FOUND_STREAM_CANDIDATES 3

/* fg frames sampled (evenly) for vk_fg_motion () */
#define VK_MOTION_SAMPLES 32

/**
 * VkFoundVerdict:
 * @VK_FOUND_YES: the fg is in the bg
 * @VK_FOUND_LOW_MATCH: its frames do not match the bg frames they got
 * @VK_FOUND_LOW_SPATIAL: its placement does not match the bg there
 * @VK_FOUND_STATIC_INEXACT: it does not move and its placement is not a
 *   near-perfect match
 */
typedef enum
{
  VK_FOUND_YES,
  VK_FOUND_LOW_MATCH,
  VK_FOUND_LOW_SPATIAL,
  VK_FOUND_STATIC_INEXACT,
} VkFoundVerdict;

gdouble vk_fg_motion (const VkStreamSummary * fg, gint valid_x, gint valid_y,
    gint valid_w, gint valid_h);

gboolean vk_fg_textured (const VkStreamSummary * fg);

VkFoundVerdict vk_found (gdouble match, gdouble spatial, gdouble motion);

gchar *vk_found_reason (VkFoundVerdict verdict, gdouble match,
    gdouble spatial, gdouble motion);

void vk_found_centre (gint bg_width, gint bg_height, gint fg_width,
    gint fg_height, gdouble * scale, gdouble * x, gdouble * y);

G_END_DECLS

#endif /* __VK_FOUND_H__ */
