/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkspatialsmall: the search of a fg that is small at the bg's resolution
 * (see vkspatial.h and docs/design.md, "Spatial search"). The fg images of
 * the search are brought to the bg's resolution, so that scale 1 means the
 * same size in both; a fg upscaled into a large place of the bg (a 106x60
 * fg of a 320x180 region) is then a template of a few pixels (11x6 at a
 * 64-pixel-wide bg), blown up to its place: on fine texture (lines of
 * text) it correlates as well with many wrong places, and the search finds
 * one of them. Its own copy has more detail: above the scale at which the
 * small template gets VK_SMALL_FG_DIM pixels long, the fg is searched at
 * that detail (the coarse stage compares area means of it, the size of its
 * place), and each place found is scored again with the fg brought to its
 * size there (the detail the bg cannot show would lower the score of the
 * right place below that of the small template's wrong ones). Pure. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial.h"
#include "vkfingerprint.h"

/* the place found with the detailed fg is scored again within this many bg
 * pixels of it, with the fg at its size there */
#define SMALL_RESCORE_RADIUS 1.5
/* the small template's lane reaches this share above the detailed lane's
 * lowest scale (a place near the boundary is found by both) */
#define SMALL_LANE_OVERLAP 1.1

/* @r scaled by @k: the pixels of an image @k times larger inside it */
static void
scale_rect (const GstVideoRectangle * r, gdouble k, gint w, gint h,
    GstVideoRectangle * out)
{
  if (r->w <= 0 || r->h <= 0) {
    memset (out, 0, sizeof (*out));
    return;
  }
  out->x = MIN ((gint) ceil (r->x * k - 1e-9), w - 1);
  out->y = MIN ((gint) ceil (r->y * k - 1e-9), h - 1);
  out->w = MAX (1, MIN ((gint) floor ((r->x + r->w) * k + 1e-9), w) - out->x);
  out->h = MAX (1, MIN ((gint) floor ((r->y + r->h) * k + 1e-9), h) - out->y);
}

/* @e (found with the detailed fg @fg, scale in bg pixels per pixel of it)
 * scored again with @fg brought to its size in the bg, around @e: the
 * placement in @fg's pixels, its score with the fg at that size */
static gboolean
rescore_at_size (const VkLuma * bg, const VkLuma * fg, guint n,
    const VkSpatialParams * p, const VkPlacementEstimate * e,
    VkPlacementEstimate * out)
{
  VkLuma *sized = g_new (VkLuma, n);
  guint8 *buf;
  VkSpatialParams q = *p;
  VkPlacementEstimate guess = *e;
  gint w = MAX (1, (gint) floor (fg[0].width * e->scale + 0.5));
  gint h = MAX (1, (gint) floor (fg[0].height * e->scale + 0.5));
  gdouble k = (gdouble) w / fg[0].width;
  gboolean ok;
  guint i;

  buf = g_new (guint8, (gsize) n * w * h);
  for (i = 0; i < n; i++) {
    vk_luma_resample_u8 (fg[i].data, fg[i].stride, fg[i].width, fg[i].height,
        buf + (gsize) i * w * h, w, h);
    sized[i].data = buf + (gsize) i *w * h;
    sized[i].stride = sized[i].width = w;
    sized[i].height = h;
  }
  scale_rect (&p->fg_valid, k, w, h, &q.fg_valid);
  q.prefer_unscaled = FALSE;
  q.min_scale = p->min_scale / k;
  q.max_scale = p->max_scale > 0 ? p->max_scale / k : 0;
  guess.scale = e->scale / k;
  ok = vk_spatial_refine (bg, sized, n, &q, &guess, SMALL_RESCORE_RADIUS,
      out, NULL);
  if (ok)
    out->scale *= k;
  g_free (buf);
  g_free (sized);
  return ok;
}

/**
 * vk_spatial_search_small:
 * @bg: @n_pairs bg planes, as for vk_spatial_search()
 * @fg: @n_pairs fg planes at the bg's resolution (scale 1: the same size in
 *   both), as for vk_spatial_search()
 * @fg_detail: (nullable): the same @n_pairs fg frames with more detail:
 *   @detail times larger than @fg (e.g. the fg's own low-resolution copy);
 *   %NULL: vk_spatial_search()
 * @detail: the size of @fg_detail per @fg's, > 1
 * @n_pairs: number of pairs, at least 1
 * @p: the search's parameters, in @fg's pixels (scales: bg pixels per @fg
 *   pixel; fg_valid: in @fg)
 * @out: the best placement, in @fg's pixels
 * @error: why there is none
 *
 * vk_spatial_search() of a fg that is small at the bg's resolution: up to
 * the scale at which @fg's valid rectangle is VK_SMALL_FG_DIM pixels long
 * (and SMALL_LANE_OVERLAP beyond), @fg is searched as usual; above it,
 * @fg_detail is, and its place is scored again with it brought to its size
 * there (its area means: as much detail as the bg shows). The better of
 * the two wins; with @p's prefer_unscaled, the first lane's scale 1 wins
 * within unscaled_epsilon.
 *
 * Returns: TRUE with @out filled, FALSE with @error set
 */
gboolean
vk_spatial_search_small (const VkLuma * bg, const VkLuma * fg,
    const VkLuma * fg_detail, gdouble detail, guint n_pairs,
    const VkSpatialParams * p, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams small = *p, big = *p;
  VkPlacementEstimate a, b, e;
  gint vw, vh;
  gdouble lowest;
  gboolean has_a = FALSE, has_b = FALSE;

  g_return_val_if_fail (p != NULL && out != NULL, FALSE);

  if (fg_detail == NULL || !(detail > 1.0))
    return vk_spatial_search (bg, fg, n_pairs, p, out, error);
  g_return_val_if_fail (fg != NULL && n_pairs > 0, FALSE);

  vw = p->fg_valid.w > 0 ? p->fg_valid.w : fg[0].width;
  vh = p->fg_valid.h > 0 ? p->fg_valid.h : fg[0].height;
  /* the scale at which the small template gets VK_SMALL_FG_DIM long */
  lowest = MAX (p->min_scale, (gdouble) VK_SMALL_FG_DIM / MAX (vw, vh));
  if (p->max_scale > 0 && lowest > p->max_scale)
    return vk_spatial_search (bg, fg, n_pairs, p, out, error);

  /* the small template below it */
  if (p->min_scale < lowest) {
    small.max_scale = lowest * SMALL_LANE_OVERLAP;
    if (p->max_scale > 0)
      small.max_scale = MIN (small.max_scale, p->max_scale);
    has_a = vk_spatial_search (bg, fg, n_pairs, &small, &a, NULL);
  }
  /* the detailed fg above it, its scales per its own pixels */
  big.min_scale = lowest / detail;
  big.max_scale = p->max_scale > 0 ? p->max_scale / detail : 0;
  big.prefer_unscaled = FALSE;
  scale_rect (&p->fg_valid, detail, fg_detail[0].width, fg_detail[0].height,
      &big.fg_valid);
  if (vk_spatial_search (bg, fg_detail, n_pairs, &big, &e, NULL)) {
    /* a detailed fg larger than its place is compared at its size */
    if (e.scale < 1.0)
      has_b = rescore_at_size (bg, fg_detail, n_pairs, &big, &e, &b);
    else {
      b = e;
      has_b = TRUE;
    }
    b.scale *= detail;
  }

  if (!has_a && !has_b) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH,
        "no position correlates with the fg");
    return FALSE;
  }
  if (has_a && (!has_b || a.score >= b.score || (p->prefer_unscaled
              && a.scale == 1.0 && a.score >= b.score - p->unscaled_epsilon)))
    *out = a;
  else
    *out = b;
  return TRUE;
}
