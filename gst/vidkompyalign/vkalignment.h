/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignment: from the per-frame summaries of both streams (collected in
 * one pass) to the alignment: where the fg sits in the bg, and the bg frame
 * of every fg frame. Pure: no GStreamer objects. */

#ifndef __VK_ALIGNMENT_H__
#define __VK_ALIGNMENT_H__

#include <math.h>
#include <glib.h>

#include "vkparallel.h"

G_BEGIN_DECLS
/* Width of the low-resolution copy of every frame kept for the analysis;
 * the height follows the frame's aspect. 64x36 for 16:9: 2.3 KB a frame. */
#define VK_LOW_WIDTH 64
/**
 * VkStreamSummary:
 * @width: frame width in pixels
 * @height: frame height in pixels
 * @low_width: width of the low-resolution frames
 * @low_height: their height
 * @fps: nominal frame rate (frames per second)
 * @n_frames: number of frames
 * @low: @n_frames low-resolution luma frames, back to back, each
 *   @low_width x @low_height bytes without padding
 */
    typedef struct
{
  gint width, height;
  gint low_width, low_height;
  gdouble fps;
  guint n_frames;
  const guint8 *low;
} VkStreamSummary;

/**
 * VkMatchRegion:
 * @VK_MATCH_REGION_AUTO: compare the fg with the bg area under it, leaving
 *   out black bars of the fg when there are any
 * @VK_MATCH_REGION_MASK: the same, always looking for bars (letterbox,
 *   pillarbox) of the fg
 * @VK_MATCH_REGION_FULL: whole frames: the fg shows the whole bg (no
 *   position search; the scale is the ratio of the widths)
 */
typedef enum
{
  VK_MATCH_REGION_AUTO,
  VK_MATCH_REGION_MASK,
  VK_MATCH_REGION_FULL,
} VkMatchRegion;

/**
 * VkAlignOptions:
 * @fixed_position: use @x, @y (do not detect the position)
 * @x: fg left edge in bg pixels, with @fixed_position
 * @y: fg top edge in bg pixels, with @fixed_position
 * @scale: bg pixels per fg pixel; 0 = detect
 * @prefer_unscaled: take scale 1.0 when it fits nearly as well
 * @window: half width, in bg frames, of the corridor around the coarse
 *   line in which the dense alignment searches
 * @smoothness: weight of the smoothness term of the dense alignment, in
 *   units of the typical one-frame difference of the match cost
 * @match_region: which part of the frames is compared
 * @on_estimate: when not %NULL, called once with the coarse estimate
 *   (position, scale, offset, rate, inlier fraction; no frame map yet) as
 *   soon as it is known, before the dense alignment
 * @user_data: for @on_estimate
 * @estimate_only: stop after the coarse estimate: vk_alignment_compute()
 *   then returns it in its result, without a frame map
 * @parallel: the threads the search may use besides the caller's (none
 *   after vk_align_options_init (): the same result, on one thread)
 */
typedef struct _VkAlignResult VkAlignResult;
typedef struct _VkMomentCheck VkMomentCheck;

typedef struct
{
  gboolean fixed_position;
  gdouble x, y;
  gdouble scale;
  gboolean prefer_unscaled;
  guint window;
  gdouble smoothness;
  VkMatchRegion match_region;
  void (*on_estimate) (const VkAlignResult * estimate, gpointer user_data);
  gpointer user_data;
  gboolean estimate_only;
  VkParallel parallel;
} VkAlignOptions;

/**
 * VkAlignResult:
 * @x: fg left edge in bg pixels (coarse, from the low-resolution frames
 *   unless fixed: refine it on full frames)
 * @y: fg top edge
 * @scale: bg pixels per fg pixel
 * @spatial_score: NCC of the spatial match, -1..1
 * @offset: bg frame at fg frame 0 of the coarse line
 * @rate: bg frames per fg frame of the coarse line
 * @inlier_fraction: share of the sampled fg frames on that line
 * @map: bg frame of every fg frame (non-decreasing)
 * @cost: match cost of every fg frame with its bg frame (0 = identical)
 * @confidence: mean of 1 − cost over the fg frames the bg shows, 0..1
 * @valid_x: the part of the fg that was compared (without its bars), in fg
 *   pixels
 * @valid_y: its top
 * @valid_w: its width
 * @valid_h: its height
 * @covered_start: first fg frame the bg shows (see vk_align_covered ())
 * @covered_end: one past the last; the fg frames before @covered_start are
 *   on bg frame 0 in @map, those from @covered_end on the last bg frame
 * @moment: on moving content (the samples' own placements disagreed: a
 *   pan, a zoom, a scroll), what tells which bg frame shows the moment of
 *   a fg frame once its place is known on full frames (see
 *   vk_moment_check_score ()); %NULL otherwise
 */
struct _VkAlignResult
{
  gdouble x, y, scale, spatial_score;
  gdouble offset, rate, inlier_fraction;
  guint n_fg;
  guint *map;
  gfloat *cost;
  gdouble confidence;
  gint valid_x, valid_y, valid_w, valid_h;
  guint covered_start, covered_end;
  VkMomentCheck *moment;
};

void vk_align_options_init (VkAlignOptions * opts);

gboolean vk_alignment_compute (const VkStreamSummary * bg,
    const VkStreamSummary * fg, const VkAlignOptions * opts,
    VkAlignResult * result, GError ** error);

void vk_align_result_clear (VkAlignResult * result);

void vk_align_covered (const VkAlignResult * result, guint n_bg,
    guint * start, guint * end);

gdouble vk_align_match (const VkAlignResult * result, guint from, guint to);

void vk_low_size (gint width, gint height, gint * low_width, gint * low_height);

/* Size of the descriptors that pick between neighbouring bg frames on full
 * frames: 64 wide, the height from the fg's aspect. */
#define VK_DESC_WIDTH 64

void vk_desc_size (gint width, gint height, gint * desc_width,
    gint * desc_height);

gfloat *vk_desc_compute (const guint8 * luma, gint stride, gint width,
    gint height, gdouble rx, gdouble ry, gdouble rw, gdouble rh,
    gint desc_width, gint desc_height);

gdouble vk_desc_similarity (const gfloat * a, const gfloat * b, gint n);

/* Two bg frames tie for an fg frame when their descriptor similarities
 * differ by at most VK_TIE_SLACK plus VK_TIE_SHARE of the best one's
 * mismatch (1 − similarity) plus VK_TIE_NOISE times its square root: what
 * compression noise makes of frames with the same content (measured:
 * 2e-6 apart for identical frames at quantizer 28, 0.03 and more for
 * neighbours that differ), and what noise of the bg that differs from
 * frame to frame does (grain: when the whole mismatch is noise, the
 * similarities of two frames of the same content spread by about the
 * square root of the mismatch over the descriptor's samples, 1/48 for a
 * 64x36 descriptor; measured: 3e-4 to 5e-4 apart at a mismatch of 0.0045
 * with ±24 grain). The per-frame confidence of a tie is at most
 * VK_TIE_CONFIDENCE. */
#define VK_TIE_SLACK 2e-4
#define VK_TIE_SHARE 0.02
#define VK_TIE_NOISE (1.0 / 48)
#define VK_TIE_CONFIDENCE 0.5

static inline gboolean
vk_is_tie (gdouble best, gdouble other)
{
  gdouble mismatch = MAX (0.0, 1.0 - best);

  return other > -2.0 && best - other <= VK_TIE_SLACK + VK_TIE_SHARE *
      mismatch + VK_TIE_NOISE * sqrt (mismatch);
}

G_END_DECLS
#endif /* __VK_ALIGNMENT_H__ */
