/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkspatial: pure (pipeline-free) spatial alignment. Finds where a
 * foreground picture (fg) sits inside a background picture (bg) that shows
 * the same content: the position of the fg's top-left corner in bg pixels
 * and the scale (bg pixels per fg pixel), from the luma planes of one or
 * more matched frame pairs (pair i: bg[i] and fg[i] show the same moment).
 *
 * All functions are reentrant: no global state, the planes are only read,
 * nothing is kept between calls. Planes up to 65535 pixels wide; the fine
 * (sub-pixel, scaled) stage needs a bg of at most 16 Mpixels. */

#ifndef __VK_SPATIAL_H__
#define __VK_SPATIAL_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

#define VK_SPATIAL_ERROR (vk_spatial_error_quark ())

/**
 * VkSpatialError:
 * @VK_SPATIAL_ERROR_INVALID: bad arguments (NULL planes, sizes that differ
 *   between pairs, an empty or out-of-frame valid rectangle, a bad scale
 *   range)
 * @VK_SPATIAL_ERROR_TOO_LARGE: the fg (its valid rectangle) does not fit
 *   into the bg at any scale of the range
 * @VK_SPATIAL_ERROR_FLAT: the fg has no texture to match (flat in every pair)
 * @VK_SPATIAL_ERROR_NO_MATCH: nothing correlates positively (e.g. a flat bg)
 */
typedef enum
{
  VK_SPATIAL_ERROR_INVALID,
  VK_SPATIAL_ERROR_TOO_LARGE,
  VK_SPATIAL_ERROR_FLAT,
  VK_SPATIAL_ERROR_NO_MATCH,
} VkSpatialError;

/**
 * VkLuma:
 * @data: first pixel of an 8-bit luma (or any grey) plane
 * @stride: bytes from one row to the next
 * @width: width in pixels
 * @height: height in pixels
 *
 * A borrowed view of a grey plane; nothing is copied or freed.
 */
typedef struct
{
  const guint8 *data;
  gint stride;
  gint width, height;
} VkLuma;

/**
 * VkPlacementEstimate:
 * @x: bg x of the fg's top-left corner (left edge of its first column)
 * @y: bg y of the fg's top-left corner (top edge of its first row)
 * @scale: bg pixels per fg pixel: the whole fg covers
 *   fg_width·scale × fg_height·scale bg pixels. 1.0 for a plain crop, 2.0
 *   for a crop that was downscaled to 50 %.
 * @score: mean over the pairs of the zero-mean normalised cross-correlation
 *   of the compared pixels, -1..1 (1: identical up to brightness/contrast)
 *
 * For scale 1.0, @x and @y are exact integers. For other scales the
 * position is estimated to a fraction of a pixel (continuous), and the
 * placed fg (its valid rectangle, see #VkSpatialParams) lies inside the
 * bg.
 */
typedef struct
{
  gdouble x, y;
  gdouble scale;
  gdouble score;
} VkPlacementEstimate;

/**
 * VkSpatialParams:
 * @min_scale: smallest scale (bg px per fg px) to consider, > 0; default
 *   1.0, below 1 only for a fg that may be an upscaled bg region
 * @max_scale: largest scale; 0 means as large as the fg still fits
 * @prefer_unscaled: if 1.0 is in the range, return scale 1.0 whenever its
 *   best score is within @unscaled_epsilon of the overall best score
 * @unscaled_epsilon: see @prefer_unscaled
 * @fg_valid: the fg pixels to compare (e.g. the picture between letterbox
 *   bars, see vk_detect_static_bars()); width or height 0 means the whole
 *   fg. Only this rectangle has to lie inside the bg.
 *
 * Initialise with vk_spatial_params_init().
 */
typedef struct
{
  gdouble min_scale, max_scale;
  gboolean prefer_unscaled;
  gdouble unscaled_epsilon;
  GstVideoRectangle fg_valid;
} VkSpatialParams;

GQuark vk_spatial_error_quark (void);

void vk_spatial_params_init (VkSpatialParams * p);

gboolean vk_spatial_search (const VkLuma * bg, const VkLuma * fg,
    guint n_pairs, const VkSpatialParams * p, VkPlacementEstimate * out,
    GError ** error);

gboolean vk_spatial_refine (const VkLuma * bg, const VkLuma * fg,
    guint n_pairs, const VkSpatialParams * p,
    const VkPlacementEstimate * guess, gdouble radius_px,
    VkPlacementEstimate * out, GError ** error);

gboolean vk_spatial_score (const VkLuma * bg, const VkLuma * fg,
    guint n_pairs, const VkSpatialParams * p, const VkPlacementEstimate * at,
    gdouble * score, GError ** error);

/* a fg whose compared part is shorter than this (its longer side, in bg
 * pixels at scale 1) is small: vk_spatial_search_small () */
#define VK_SMALL_FG_DIM 16

gboolean vk_spatial_search_small (const VkLuma * bg, const VkLuma * fg,
    const VkLuma * fg_detail, gdouble detail, guint n_pairs,
    const VkSpatialParams * p, VkPlacementEstimate * out, GError ** error);

gboolean vk_detect_static_bars (const VkLuma * frames, guint n_frames,
    GstVideoRectangle * content);

/* A scale this close to 1.0 is refined at 1.0 itself too, which wins when
 * it matches within VkSpatialParams.unscaled_epsilon (prefer_unscaled):
 * a scale a few percent off 1.0 is often a crop mistaken for a zoom, and a
 * refinement looks only ±3 % around its scale (both modes:
 * vk_alignment_compute (), the streaming mode's refinement on decisions) */
#define VK_UNSCALED_RETRY 0.1

/* A refined scale this close (relative) to one under which the fg is a
 * resized whole-pixel region of the bg (vk_whole_region_scale ()) is taken
 * as that one: the refinement's own error. On the first half second of a
 * slow eased zoom (world bench zoom-50: the fg a 320x180 region at 0.5x)
 * the true pair refines to scale 2.0033 and the search's pick to 2.0044,
 * and a scale 0.2 % off puts 58 of its 150 fg frames a frame early at a
 * latency of 0.5 s (2.0: all exact) */
#define VK_WHOLE_REGION_RANGE 0.003
/* ... both of the region's sides within this many bg pixels of a whole
 * number */
#define VK_WHOLE_REGION_PX 0.05
/* ... when the pair matches there within this much of the refined score
 * (zoom-50: 0.9976 at 2.0 for 0.9982 at 2.0044; the text of scroll-50
 * and scroll-150, 0.004 less at 2.0 and 2/3, keeps its scale) */
#define VK_WHOLE_REGION_EPSILON 0.001

gdouble vk_whole_region_scale (gint fg_width, gint fg_height, gdouble scale);

G_END_DECLS

#endif /* __VK_SPATIAL_H__ */
