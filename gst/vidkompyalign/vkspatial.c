/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Spatial alignment: where does the fg sit in the bg, and at which scale.
 *
 * Geometry. A hypothesis is (X, Y, s): s = bg pixels per fg pixel, (X, Y) =
 * bg position (full resolution, pixel edges) of the top-left corner of the
 * fg's valid rectangle (vx, vy, vw, vh). The fg's own top-left corner is
 * then (X − vx·s, Y − vy·s).
 *
 * Score. Zero-mean normalised cross-correlation (NCC), averaged over the
 * pairs: invariant to gain and offset (brightness, contrast); a pair whose
 * fg is flat scores 0.
 *
 * Pyramid. Each bg is box-filtered down by 2 per level (level L pixel p
 * covers bg pixels [p·2^L, (p+1)·2^L)). For a level L and a scale s the
 * template is made from the fg's summed-area table (SAT): every template
 * pixel is the exact area mean of the fg over the 2^L/s × 2^L/s fg pixels
 * that one level-L bg pixel covers (for s = 1: the fg's own box pyramid).
 * Template and bg level thus see the scene through the same box filter; at
 * level 0 with s = 1 the template is the fg itself (compared as u8, all
 * rows), so an unscaled fg is found at its exact integer position.
 *
 * 1. Coarse stage: for each scale of a geometric ladder over the scale
 *    range, the level at which the template's longer side is at most
 *    COARSE_MAX_DIM pixels, and there every position (window sums from the
 *    level's SATs, so a position costs one template-sized dot product). The
 *    ladder step moves the template's far edge by COARSE_STEP level pixels.
 *    The best local maxima over all scales are kept, merged when they are
 *    the same hypothesis.
 * 2. Pyramid descent: every candidate goes down one level at a time: a hill
 *    vk_sp_climb over the integer positions of that level (3×3 neighbourhoods
 *    until the centre is the best) and, while the template is at most
 *    SCALE_REFINE_MAX_DIM pixels long, a one-pixel scale ladder around the
 *    current scale with a parabola through the best three. Scale changes
 *    keep the template centre fixed. After every level the weaker half of
 *    the candidates is dropped. Above level 0, templates of more than
 *    MAX_EVAL_PIXELS pixels are compared on every k-th row only.
 * 3. Fine stage (any scale): from level 1, continuous position and scale,
 *    compared on the fg's own grid: every fg sample against the exact area
 *    mean of the bg under it (bilinear reads of the bg's SAT), so sub-pixel
 *    positions and any scale need no resampling of the fg. Line searches
 *    along centre x, centre y, ln scale and the last round's move, first on
 *    a coarse fg pyramid level, then on the fg.
 *
 * Scale 1 has a lane of its own: its own coarse candidates, descended at
 * fixed scale 1 down to integer level-0 positions. With prefer_unscaled,
 * it wins unless the any-scale lane scores clearly better. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial-priv.h"

GQuark
vk_spatial_error_quark (void)
{
  return g_quark_from_static_string ("vk-spatial-error-quark");
}

/* ---------------------------------------------------------------------- */
/* Refinement */

/* Evaluates scale @s at @level from the position that keeps the template
 * centre where it is for the candidate @cd. */
gboolean
vk_sp_eval_scale (Ctx * c, const Cand * cd, gint level, gdouble s, gdouble * X,
    gdouble * Y, gdouble * score)
{
  Tmpl t;
  gdouble u = ldexp (1.0, level);
  gint bx, by;
  gboolean ok;

  if (s < c->s_min * (1 - 1e-12) || s > c->s_max * (1 + 1e-12))
    return FALSE;
  if (!vk_sp_tmpl_make (c, level, s, level > 0 ? MAX_EVAL_PIXELS : G_MAXINT,
          &t))
    return FALSE;
  ok = vk_sp_climb (c, &t, cd->X + c->vw * (cd->s - s) / 2,
      cd->Y + c->vh * (cd->s - s) / 2, &bx, &by, score);
  if (ok) {
    *X = bx * u;
    *Y = by * u;
  }
  return ok;
}

/* Whether the scale-1 lane's @u fits within @epsilon of the any-scale
 * lane's @f once both are compared on 2^UNIT_DENOISE_LEVEL-pixel area
 * means. At a fractional position (or a scale near 1) every fg pixel is
 * compared with a mean of several bg pixels: on a noisy bg (grain) that
 * mean is a denoised bg, and its correlation is higher than that of the
 * true integer position by more than unscaled_epsilon. On area means the
 * noise is averaged at both places alike. When scale 1 wins, its score
 * becomes its score on the area means. */
static gboolean
unit_wins_denoised (Ctx * c, Cand * u, const Cand * f, gdouble epsilon)
{
  gdouble su, sf;
  gboolean wins;

  if ((c->vw >> UNIT_DENOISE_LEVEL) < 4 || (c->vh >> UNIT_DENOISE_LEVEL) < 4
      || !vk_sp_fine_setup (c))
    return FALSE;
  vk_sp_fine_set_level (c, UNIT_DENOISE_LEVEL, G_MAXINT);
  wins = vk_sp_score_fine (c, u->X, u->Y, u->s, 0.0, &su)
      && vk_sp_score_fine (c, f->X, f->Y, f->s, 0.0, &sf) && su >= sf - epsilon;
  vk_sp_fine_set_level (c, 0, G_MAXINT);
  /* its score on the area means, which the any-scale lane's fractional
   * places reach on their own: comparable with the scores of other pairs
   * (the refinement on several bg frames keeps the best) */
  if (wins)
    u->score = MAX (u->score, su);
  return wins;
}

/* Both lanes, coarse stage and refinement, and the choice between them. */
static gboolean
run_search (Ctx * c, const VkSpatialParams * p, VkPlacementEstimate * out,
    GError ** error)
{
  GArray *free_list = g_array_new (FALSE, FALSE, sizeof (Cand));
  GArray *unit_list = g_array_new (FALSE, FALSE, sizeof (Cand));
  gboolean unit = c->s_min <= 1.0 && c->s_max >= 1.0;
  Cand *best = NULL, *f = NULL, *u = NULL;
  gboolean ok = FALSE;

  /* scale 1 first: with prefer_unscaled, a score within unscaled_epsilon of
   * 1 (the highest possible) cannot lose, so the any-scale lane is skipped */
  if (unit) {
    vk_sp_coarse_scale (c, 1.0, TRUE, unit_list, N_UNIT_CANDS);
    vk_sp_refine_all (c, unit_list);
    if (unit_list->len > 0)
      u = &g_array_index (unit_list, Cand, 0);
  }
  if (!(u && p->prefer_unscaled && u->score >= 1.0 - p->unscaled_epsilon)
      && (!unit || c->s_max > c->s_min * (1 + 1e-9))) {
    vk_sp_coarse_free (c, free_list);
    vk_sp_refine_all (c, free_list);
    if (free_list->len > 0)
      f = &g_array_index (free_list, Cand, 0);
  }
  /* the fine stage scores fewer rows: score its winner on all rows, as
   * level 0 and vk_spatial_score() do */
  if (f && f->fine) {
    gdouble score;

    vk_sp_fine_set_level (c, 0, G_MAXINT);
    if (vk_sp_score_fine (c, f->X, f->Y, f->s, 0.0, &score))
      f->score = score;
  }
  /* a free-scale candidate that ended on scale 1.0 exactly (clamped to the
   * range) has a sub-pixel position, but at scale 1.0 positions are
   * integers: the scale-1 lane answers for it */
  if (u && f)
    best = (u->score >= f->score || f->s == 1.0
        || (p->prefer_unscaled && u->score >= f->score - p->unscaled_epsilon))
        ? u : f;
  else
    best = u ? u : f;
  if (best == f && u && p->prefer_unscaled && unit_wins_denoised (c, u, f,
          p->unscaled_epsilon))
    best = u;

  if (!best || !(best->score > 0)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH,
        "no position correlates with the fg");
  } else {
    out->scale = best->s;
    out->x = best->X - c->vx * best->s;
    out->y = best->Y - c->vy * best->s;
    out->score = best->score;
    ok = TRUE;
  }
  g_array_unref (free_list);
  g_array_unref (unit_list);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* API */

/**
 * vk_spatial_params_init:
 * @p: parameters to fill
 *
 * Defaults: scales 1.0 (a plain crop) up to as large as the fg fits
 * (max_scale 0; 2.0 = a crop downscaled to 50 %), prefer scale 1.0 within
 * 0.01 of the best score, the whole fg is compared. Set min_scale below 1
 * for a fg that may be upscaled from the bg region.
 */
void
vk_spatial_params_init (VkSpatialParams * p)
{
  g_return_if_fail (p != NULL);

  memset (p, 0, sizeof (*p));
  p->min_scale = 1.0;
  p->max_scale = 0.0;
  p->prefer_unscaled = TRUE;
  p->unscaled_epsilon = 0.01;
}

/**
 * vk_spatial_search:
 * @bg: @n_pairs bg luma planes, all the same size
 * @fg: @n_pairs fg luma planes, all the same size; @fg[i] shows the same
 *   moment as @bg[i]
 * @n_pairs: number of pairs, at least 1
 * @p: (nullable): search parameters, NULL for the defaults
 * @out: the best placement
 * @error: why there is none
 *
 * Full search over every position and the scale range of @p. Cost grows
 * with the number of pairs, with the scale range and with the ratio of the
 * bg area to the fg area (a fg much smaller than the bg means many
 * positions).
 *
 * Returns: TRUE with @out filled, FALSE with @error set
 */
gboolean
vk_spatial_search (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams def;
  Ctx c;
  gboolean ok;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  if (!vk_sp_ctx_init (&c, bg, fg, n_pairs, p, TRUE, error)) {
    vk_sp_ctx_clear (&c);
    return FALSE;
  }
  ok = run_search (&c, p, out, error);
  vk_sp_ctx_clear (&c);
  return ok;
}

/**
 * vk_spatial_refine:
 * @bg: as for vk_spatial_search()
 * @fg: as for vk_spatial_search()
 * @n_pairs: as for vk_spatial_search()
 * @p: (nullable): as for vk_spatial_search(); its scale range is
 *   intersected with ±3 % around @guess's scale (set min_scale = max_scale
 *   = the guess's scale to keep the scale)
 * @guess: a placement known to be close
 * @radius_px: the fg's top-left corner is searched within ±@radius_px bg
 *   pixels of @guess's (in x and in y)
 * @out: the best placement in that neighbourhood
 * @error: why there is none
 *
 * Same as vk_spatial_search() restricted to the neighbourhood of @guess:
 * much faster, for tracking or for confirming an estimate on new frames.
 *
 * Returns: TRUE with @out filled, FALSE with @error set
 */
gboolean
vk_spatial_refine (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, const VkPlacementEstimate * guess,
    gdouble radius_px, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams def, rp;
  Ctx c;
  gboolean ok;

  g_return_val_if_fail (guess != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  if (!(guess->scale > 0) || !(radius_px >= 0) || !isfinite (guess->x)
      || !isfinite (guess->y)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "bad guess or radius");
    return FALSE;
  }
  rp = *p;
  rp.min_scale = MAX (p->min_scale, guess->scale * (1 - REFINE_SCALE_RANGE));
  rp.max_scale = guess->scale * (1 + REFINE_SCALE_RANGE);
  if (p->max_scale > 0)
    rp.max_scale = MIN (rp.max_scale, p->max_scale);
  if (rp.max_scale < rp.min_scale) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "the guess's scale %g is outside the scale range", guess->scale);
    return FALSE;
  }
  if (!vk_sp_ctx_init (&c, bg, fg, n_pairs, &rp, TRUE, error)) {
    vk_sp_ctx_clear (&c);
    return FALSE;
  }
  c.x0 = guess->x - radius_px;
  c.x1 = guess->x + radius_px;
  c.y0 = guess->y - radius_px;
  c.y1 = guess->y + radius_px;

  ok = run_search (&c, &rp, out, error);
  vk_sp_ctx_clear (&c);
  return ok;
}

/**
 * vk_spatial_score:
 * @bg: as for vk_spatial_search()
 * @fg: as for vk_spatial_search()
 * @n_pairs: as for vk_spatial_search()
 * @p: (nullable): only @fg_valid is used
 * @at: the placement to score (@at->score is ignored)
 * @score: mean NCC over the pairs of the fg (valid rectangle) against the
 *   bg at exactly @at, compared on the fg's pixel grid
 * @error: why there is no score
 *
 * Scores a given placement, e.g. to check on new frames that a placement
 * found earlier still holds. Fractional positions and any scale are
 * allowed; the placed valid rectangle must lie inside the bg.
 *
 * Returns: TRUE with @score set, FALSE with @error set
 */
gboolean
vk_spatial_score (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, const VkPlacementEstimate * at,
    gdouble * score, GError ** error)
{
  VkSpatialParams def;
  Ctx c;
  gboolean ok = FALSE;

  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  def = *p;
  /* any scale */
  def.min_scale = G_MINDOUBLE;
  def.max_scale = 0;
  if (!(at->scale > 0) || !isfinite (at->x) || !isfinite (at->y)
      || !isfinite (at->scale)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "bad placement");
    return FALSE;
  }
  if (vk_sp_ctx_init (&c, bg, fg, n_pairs, &def, FALSE, error)) {
    if (!vk_sp_fine_setup (&c)) {
      g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
          "bg larger than 16 Mpixels");
    } else {
      vk_sp_fine_set_level (&c, 0, G_MAXINT);
      ok = vk_sp_score_fine (&c, at->x + c.vx * at->scale,
          at->y + c.vy * at->scale, at->scale, 0.0, score);
      if (!ok)
        g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
            "the placed fg is not inside the bg");
    }
  }
  vk_sp_ctx_clear (&c);
  return ok;
}

static gboolean
line_is_black (const VkLuma * frames, guint n, gboolean column, gint index,
    gint from, gint to)
{
  guint k;

  for (k = 0; k < n; k++) {
    const VkLuma *f = &frames[k];
    guint sum = 0, hi = 0;
    gint i;

    for (i = from; i < to; i++) {
      guint v = column ? f->data[(gsize) i * f->stride + index]
          : f->data[(gsize) index * f->stride + i];

      sum += v;
      hi = MAX (hi, v);
    }
    if (hi > BAR_MAX || sum > (guint) BAR_MEAN * (to - from))
      return FALSE;
  }
  return TRUE;
}

/**
 * vk_detect_static_bars:
 * @frames: @n_frames luma planes of the same size (several frames from
 *   different moments make dark scenes less likely to count as bars)
 * @n_frames: number of frames, at least 1
 * @content: the rectangle inside the bars (the whole frame without bars)
 *
 * Finds black letterbox (top/bottom) and pillarbox (left/right) bars: the
 * outermost rows and columns that are black (max ≤ 40, mean ≤ 24) in every
 * frame. @content can be used as #VkSpatialParams.fg_valid; shrinking it by
 * a pixel or two on the sides with bars keeps compression ringing at the
 * bar edges out of the comparison.
 *
 * Returns: FALSE when the frames are black everywhere (or the arguments
 *   are bad); @content is then the whole frame
 */
gboolean
vk_detect_static_bars (const VkLuma * frames, guint n_frames,
    GstVideoRectangle * content)
{
  gint w, h, top = 0, bottom, left = 0, right;
  guint k;

  g_return_val_if_fail (content != NULL, FALSE);
  memset (content, 0, sizeof (*content));
  if (!frames || n_frames == 0 || !vk_sp_plane_ok (&frames[0]))
    return FALSE;
  w = frames[0].width;
  h = frames[0].height;
  content->w = w;
  content->h = h;
  for (k = 1; k < n_frames; k++)
    if (!vk_sp_plane_ok (&frames[k]) || frames[k].width != w
        || frames[k].height != h)
      return FALSE;

  while (top < h && line_is_black (frames, n_frames, FALSE, top, 0, w))
    top++;
  if (top == h)
    return FALSE;
  bottom = h;
  while (bottom > top + 1
      && line_is_black (frames, n_frames, FALSE, bottom - 1, 0, w))
    bottom--;
  /* columns only over the rows between the horizontal bars */
  right = w;
  while (left < w && line_is_black (frames, n_frames, TRUE, left, top, bottom))
    left++;
  while (right > left + 1
      && line_is_black (frames, n_frames, TRUE, right - 1, top, bottom))
    right--;
  if (left == w)
    return FALSE;

  content->x = left;
  content->y = top;
  content->w = right - left;
  content->h = bottom - top;
  return TRUE;
}

/* how far @v is from the nearest whole number */
static gdouble
off_whole (gdouble v)
{
  return fabs (v - floor (v + 0.5));
}

/**
 * vk_whole_region_scale:
 * @fg_width: the fg's size
 * @fg_height:
 * @scale: a refined scale (bg pixels per fg pixel)
 *
 * A fg made from the bg is a region of whole bg pixels, resized: the scale
 * within VK_WHOLE_REGION_RANGE of @scale under which both of the region's
 * sides are within VK_WHOLE_REGION_PX of a whole number of bg pixels, the
 * nearest to @scale of those.
 *
 * Returns: that scale, or 0 when there is none
 */
gdouble
vk_whole_region_scale (gint fg_width, gint fg_height, gdouble scale)
{
  gdouble best = 0.0, lo = scale * (1.0 - VK_WHOLE_REGION_RANGE);
  gdouble hi = scale * (1.0 + VK_WHOLE_REGION_RANGE);
  gint w;

  if (fg_width <= 0 || fg_height <= 0 || scale <= 0.0)
    return 0.0;
  for (w = (gint) ceil (lo * fg_width); w <= (gint) floor (hi * fg_width); w++) {
    gdouble s = (gdouble) w / fg_width;

    if (off_whole (s * fg_height) <= VK_WHOLE_REGION_PX
        && (best == 0.0 || fabs (s - scale) < fabs (best - scale)))
      best = s;
  }
  return best;
}
