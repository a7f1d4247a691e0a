/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vklow: the low-resolution copies of the streams' frames that the
 * analysis keeps (VkStreamSummary), and the fg's brought to the bg's
 * factor, for the alignment (vkalignment.c) and the joint search of space
 * and time (vkjoint.c, vkjointtime.c). Pure. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkjoint.h"
#include "vkfingerprint.h"

/* a small fg whose own copy is not at least this much larger than its
 * size at the bg's factor has no detail to add */
#define SMALL_MIN_DETAIL 1.5

VkLuma
vk_low_frame (const VkStreamSummary * s, guint i)
{
  VkLuma l;

  l.data = s->low + (gsize) i *s->low_width * s->low_height;
  l.stride = s->low_width;
  l.width = s->low_width;
  l.height = s->low_height;
  return l;
}

/* horizontal and vertical factors from full to low resolution */
void
vk_low_factors (const VkStreamSummary * s, gdouble * kx, gdouble * ky)
{
  *kx = (gdouble) s->low_width / s->width;
  *ky = (gdouble) s->low_height / s->height;
}

/* A low-resolution fg frame brought to the bg's low-resolution factor, so
 * that scale 1.0 means the same in both (for prefer_unscaled). */
guint8 *
vk_fg_at_bg_factor (const VkStreamSummary * bg, const VkStreamSummary * fg,
    guint i, VkLuma * out)
{
  return vk_fg_at_factor (bg, fg, i, 1.0, out);
}

/* the same, @shrink times smaller: an fg larger than its place in the bg
 * brought to that size (no detail the bg cannot show) */
guint8 *
vk_fg_at_factor (const VkStreamSummary * bg, const VkStreamSummary * fg,
    guint i, gdouble shrink, VkLuma * out)
{
  gdouble kbx, kby;
  gint w, h;
  guint8 *img;
  VkLuma l = vk_low_frame (fg, i);

  vk_low_factors (bg, &kbx, &kby);
  w = MAX (1, (gint) floor (fg->width * kbx * shrink + 0.5));
  h = MAX (1, (gint) floor (fg->height * kby * shrink + 0.5));
  img = g_new (guint8, w * h);
  vk_luma_resample_u8 (l.data, l.stride, l.width, l.height, img, w, h);

  out->data = img;
  out->stride = out->width = w;
  out->height = h;
  return img;
}

/**
 * vk_small_fg_detail:
 *
 * Returns: for a fg small at the bg's low-resolution factor (its longer
 *   side shorter than VK_SMALL_FG_DIM there), how much larger its own
 *   low-resolution copy is (the detail vk_spatial_search_small () searches
 *   it with; at most as large as the bg's copy, and at least
 *   SMALL_MIN_DETAIL); 0 otherwise
 */
gdouble
vk_small_fg_detail (const VkStreamSummary * bg, const VkStreamSummary * fg)
{
  gdouble kbx, kby, w, h, d;

  vk_low_factors (bg, &kbx, &kby);
  w = fg->width * kbx;
  h = fg->height * kby;
  if (MAX (w, h) >= VK_SMALL_FG_DIM)
    return 0.0;
  d = MIN ((gdouble) fg->low_width / w, (gdouble) fg->low_height / h);
  d = MIN (d, MIN (bg->low_width / w, bg->low_height / h));
  return d >= SMALL_MIN_DETAIL ? d : 0.0;
}

/* the compared part of the fg in an image of the fg @w pixels wide */
void
vk_valid_in (const VkStreamSummary * fg, const VkAlignResult * r, gint w,
    GstVideoRectangle * rect)
{
  gdouble f = (gdouble) w / fg->width;

  rect->x = (gint) ceil (r->valid_x * f);
  rect->y = (gint) ceil (r->valid_y * f);
  rect->w = (gint) floor ((r->valid_x + r->valid_w) * f) - rect->x;
  rect->h = (gint) floor ((r->valid_y + r->valid_h) * f) - rect->y;
}
