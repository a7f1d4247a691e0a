/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The full-resolution work both modes of vidkompyalign share (see
 * vkrefine.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkfingerprint.h"
#include "vkjoint.h"
#include "vkluma.h"
#include "vkrefine.h"

/**
 * vk_refine_placement:
 * @bg: a bg frame's luma, full resolution
 * @fg: the fg frame's
 * @res: the placement found on low-resolution frames (position, scale,
 *   score, compared region)
 * @prefer_unscaled: scale 1.0 when it fits nearly as well
 * @fixed_scale: refine at this scale only (0: around @res's)
 * @bg_low_width: the width of the bg's low-resolution copy @res was found
 *   on: the refinement looks two of its pixels around @res's position
 * @out: (out): the refined placement
 * @error: why it could not be refined
 *
 * Refines @res on one full-resolution pair, as both modes do.
 */
gboolean
vk_refine_placement (const VkLuma * bg, const VkLuma * fg,
    const VkAlignResult * res, gboolean prefer_unscaled, gdouble fixed_scale,
    gint bg_low_width, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams p;
  VkPlacementEstimate guess;
  gdouble radius = 2.0 * bg->width / MAX (1, bg_low_width) + 2.0;

  vk_spatial_params_init (&p);
  p.prefer_unscaled = prefer_unscaled;
  p.min_scale = 0.01;
  if (fixed_scale > 0)
    p.min_scale = p.max_scale = fixed_scale;
  p.fg_valid.x = res->valid_x;
  p.fg_valid.y = res->valid_y;
  p.fg_valid.w = res->valid_w;
  p.fg_valid.h = res->valid_h;
  guess.x = res->x;
  guess.y = res->y;
  guess.scale = fixed_scale > 0 ? fixed_scale : res->scale;
  guess.score = res->spatial_score;
  return vk_spatial_refine (bg, fg, 1, &p, &guess, radius, out, error);
}

/**
 * vk_refine_frames:
 * @match: the bg frame a fg frame matched on low-resolution frames
 * @n_frames: the bg frames there are (0 .. @n_frames − 1)
 * @moving: moving content (the moment check picks among the pairs)
 * @index: (out caller-allocates): VK_REFINE_MAX_PAIRS bg frames
 *
 * The bg frames both modes pair the fg frame with to refine its
 * placement on full frames (vk_refine_pairs ()): up to VK_REFINE_RADIUS
 * frames on each side of @match on moving content, VK_REFINE_RADIUS_STILL
 * on still content, nearest first (of two as near, the earlier), so that
 * of pairs that match equally well the nearest to @match wins.
 *
 * Returns: the number of frames in @index
 */
guint
vk_refine_frames (guint match, guint n_frames, gboolean moving, guint * index)
{
  guint radius = moving ? VK_REFINE_RADIUS : VK_REFINE_RADIUS_STILL;
  guint d, n = 0;

  if (match < n_frames)
    index[n++] = match;
  for (d = 1; d <= radius; d++) {
    if (d <= match && match - d < n_frames)
      index[n++] = match - d;
    if (match + d < n_frames)
      index[n++] = match + d;
  }
  return n;
}

/**
 * vk_refine_pick_moment:
 * @res: the alignment, with its moment check (@res->moment: moving content)
 * @places: the placements refined on full frames: fg frame @f (of @res)
 *   against each of the bg frames @b (of @res) around its match
 * @scores: (out): the moment check's score of each
 *
 * On moving content every pair is a nearly perfect place for its own
 * moment: the moment check (vk_moment_pick ()) keeps the one under which
 * the whole fg matches along the line, and @res's timing line is made to
 * go through that moment (the alignment's is off by as much as its coarse
 * place was).
 *
 * Returns: the index of the place kept, or -1 (no moment check, or none
 *   passes it)
 */
gint
vk_refine_pick_moment (VkAlignResult * res, const VkPlacementEstimate * places,
    const guint * b, guint n, guint f, gdouble * scores)
{
  gint winner;

  if (res->moment == NULL || n == 0)
    return -1;
  winner = vk_moment_pick (res->moment, places, b, n, f, res->offset +
      res->rate * f, scores);
  if (winner < 0)
    return -1;
  res->rate = vk_moment_check_rate (res->moment);
  res->offset = b[winner] - res->rate * f;
  return winner;
}

/* one pair of vk_refine_pairs (), a task of its parallel loop */
typedef struct
{
  const VkLuma *fg;
  const GstVideoInfo *bg_info;
  GstBuffer *bgbuf;
  const VkAlignResult *res;
  gboolean prefer_unscaled;
  gdouble fixed_scale;
  gint bg_low_width;
  VkPlacementEstimate place;
  gboolean ok;
} PairTask;

static void
refine_pair (gpointer data)
{
  PairTask *t = data;
  VkLumaMap bf;

  if (!vk_luma_map (&bf, t->bg_info, t->bgbuf))
    return;
  t->ok = vk_refine_placement (&bf.luma, t->fg, t->res, t->prefer_unscaled,
      t->fixed_scale, t->bg_low_width, &t->place, NULL);
  vk_luma_unmap (&bf);
}

/* The pair @t refined once more at the whole-region scale near @best's
 * (vk_whole_region_scale ()), @best replaced when it matches nearly as
 * well there. */
static void
whole_region (PairTask * t, VkPlacementEstimate * best)
{
  gdouble s = t->fixed_scale > 0 ? 0.0 :
      vk_whole_region_scale (t->fg->width, t->fg->height, best->scale);
  PairTask w = *t;

  if (s <= 0.0 || s == best->scale)
    return;
  w.fixed_scale = s;
  w.ok = FALSE;
  refine_pair (&w);
  if (w.ok && w.place.score >= best->score - VK_WHOLE_REGION_EPSILON)
    *best = w.place;
}

/**
 * vk_refine_pairs:
 * @res: the placement found (position, scale, score, compared region);
 *   with a moment check, its line is updated (vk_refine_pick_moment ())
 * @bg_low: (nullable): the low-resolution copies @res was found on, the
 *   bg's: when @res has no moment check but the places found move with the
 *   moment (vk_places_move ()), one is made from them
 * @fg_low: (nullable): the fg's
 * @fg_index: the fg frame of @fgbuf, in @res's frames
 * @bg_index: the bg frame of each of @bgbufs, in @res's frames (%NULL
 *   without a moment check)
 * @fixed_scale: refine at this scale only (0: around @res's)
 * @bg_low_width: see vk_refine_placement ()
 * @par: the threads the pairs may be refined on besides the caller's
 *   (%NULL: none)
 * @best: (out): the placement kept
 *
 * Refines @res on full-resolution frames: fg frame @fgbuf against each of
 * the bg frames @bgbufs (those around its match), the pairs in parallel;
 * on moving content the moment check picks the pair
 * (vk_refine_pick_moment ()), else the pair that correlates best wins
 * (the first of equals, as one after the other). Moving content is what
 * @res's moment check says, or, with @bg_low and @fg_low, places that move
 * with the moment (a search on a short span). The pair kept is refined
 * again at the scale of a whole-pixel region near its own, taken when it
 * matches nearly as well there (whole_region ()).
 *
 * Returns: whether any pair could be refined
 */
gboolean
vk_refine_pairs (const GstVideoInfo * fg_info, GstBuffer * fgbuf,
    guint fg_index, const GstVideoInfo * bg_info, GstBuffer ** bgbufs,
    const guint * bg_index, guint n_bg, VkAlignResult * res,
    const VkStreamSummary * bg_low, const VkStreamSummary * fg_low,
    gboolean prefer_unscaled, gdouble fixed_scale, gint bg_low_width,
    const VkParallel * par, VkPlacementEstimate * best)
{
  VkPlacementEstimate places[VK_REFINE_MAX_PAIRS];
  PairTask tasks[VK_REFINE_MAX_PAIRS];
  gpointer ptrs[VK_REFINE_MAX_PAIRS];
  guint b[VK_REFINE_MAX_PAIRS], task[VK_REFINE_MAX_PAIRS], n = 0, k;
  guint n_tasks = MIN (n_bg, VK_REFINE_MAX_PAIRS);
  gdouble scores[VK_REFINE_MAX_PAIRS];
  /* a moment check can be made from places that move */
  gboolean may_move = bg_low && fg_low && bg_index;
  VkLumaMap ff;
  gint winner;

  if (!vk_luma_map (&ff, fg_info, fgbuf))
    return FALSE;
  for (k = 0; k < n_tasks; k++) {
    PairTask *t = &tasks[k];

    t->fg = &ff.luma;
    t->bg_info = bg_info;
    t->bgbuf = bgbufs[k];
    t->res = res;
    t->prefer_unscaled = prefer_unscaled;
    t->fixed_scale = fixed_scale;
    t->bg_low_width = bg_low_width;
    t->ok = FALSE;
    ptrs[k] = t;
  }
  /* still content with no moment check to make (the alignment's samples
   * said so): the nearest pair first, which is enough when it correlates
   * within VK_REFINE_DONE of perfectly (the pairs of still content show
   * the same picture) */
  k = 0;
  if (res->moment == NULL && !may_move && n_tasks > 1) {
    refine_pair (ptrs[0]);
    k = 1;
    if (tasks[0].ok && tasks[0].place.score >= 1.0 - VK_REFINE_DONE)
      n_tasks = 1;
  }
  vk_parallel_for (par, refine_pair, ptrs + k, n_tasks - k);
  for (k = 0; k < n_tasks; k++) {
    if (!tasks[k].ok)
      continue;
    places[n] = tasks[k].place;
    task[n] = k;
    b[n++] = bg_index ? bg_index[k] : k;
  }
  if (n == 0) {
    vk_luma_unmap (&ff);
    return FALSE;
  }
  /* moving content that the alignment's samples did not tell (a search's
   * short span): the places move with the moment */
  if (res->moment == NULL && may_move && fixed_scale <= 0
      && vk_places_move (places, n))
    res->moment = vk_moment_check_new (bg_low, fg_low, res, VK_MOMENT_RADIUS);
  winner = fixed_scale > 0 ? -1 : vk_refine_pick_moment (res, places, b, n,
      fg_index, scores);
  if (winner < 0) {
    winner = 0;
    for (k = 1; k < n; k++)
      if (places[k].score > places[winner].score)
        winner = (gint) k;
  }
  *best = places[winner];
  whole_region (&tasks[task[winner]], best);
  vk_luma_unmap (&ff);
  return TRUE;
}

/**
 * vk_low_copy:
 * @width: the copy's width (vk_low_size ())
 * @height: its height
 * @dst: (out caller-allocates): @width x @height bytes
 *
 * The low-resolution copy of @buf's luma (area average, rounded), as the
 * global mode keeps of every frame and the streaming mode of the frames it
 * searches.
 *
 * Returns: %FALSE when @buf cannot be mapped
 */
gboolean
vk_low_copy (const GstVideoInfo * info, GstBuffer * buf, gint width,
    gint height, guint8 * dst)
{
  VkLumaMap f;

  if (!vk_luma_map (&f, info, buf))
    return FALSE;
  vk_luma_resample_u8 (f.luma.data, f.luma.stride, f.luma.width,
      f.luma.height, dst, width, height);
  vk_luma_unmap (&f);
  return TRUE;
}

/**
 * vk_desc_of_buffer:
 * @rx: the region of @buf's luma to describe (vk_desc_compute ())
 * @desc_width: the descriptor's size (vk_desc_size ())
 *
 * The descriptor of a region of a full frame, as both modes compare the
 * fg frame with its candidate bg frames.
 *
 * Returns: (transfer full) (nullable): %NULL when @buf cannot be mapped
 */
gfloat *
vk_desc_of_buffer (const GstVideoInfo * info, GstBuffer * buf, gdouble rx,
    gdouble ry, gdouble rw, gdouble rh, gint desc_width, gint desc_height)
{
  VkLumaMap f;
  gfloat *d;

  if (!vk_luma_map (&f, info, buf))
    return NULL;
  d = vk_desc_compute (f.luma.data, f.luma.stride, f.luma.width,
      f.luma.height, rx, ry, rw, rh, desc_width, desc_height);
  vk_luma_unmap (&f);
  return d;
}
