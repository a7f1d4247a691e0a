/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkfingerprint.h"
#include "vkstreamrefine.h"

static void
luma_of (const GstVideoFrame * f, VkLuma * l)
{
  l->data = GST_VIDEO_FRAME_PLANE_DATA (f, 0);
  l->stride = GST_VIDEO_FRAME_PLANE_STRIDE (f, 0);
  l->width = GST_VIDEO_FRAME_WIDTH (f);
  l->height = GST_VIDEO_FRAME_HEIGHT (f);
}

/**
 * vk_stream_refine:
 * @res: the placement found (position, scale, score, compared region)
 * @fixed_scale: refine at this scale only (0: around @res's)
 * @radius: how far (bg pixels) the refinement looks around @res's position
 * @best: (out): the best pair's placement
 *
 * Refines @res on full-resolution frames: fg frame @fgbuf against each of
 * the bg frames @bgbufs (those around its match); the pair that correlates
 * best wins.
 *
 * Returns: whether any pair could be refined
 */
gboolean
vk_stream_refine (const GstVideoInfo * fg_info, GstBuffer * fgbuf,
    const GstVideoInfo * bg_info, GstBuffer ** bgbufs, guint n_bg,
    const VkAlignResult * res, gboolean prefer_unscaled, gdouble fixed_scale,
    gdouble radius, VkPlacementEstimate * best)
{
  GstVideoFrame ff, bf;
  gboolean found = FALSE;
  guint k;

  if (!gst_video_frame_map (&ff, fg_info, fgbuf, GST_MAP_READ))
    return FALSE;
  for (k = 0; k < n_bg; k++) {
    VkSpatialParams p;
    VkPlacementEstimate guess, out;
    VkLuma fl, bl;

    if (!gst_video_frame_map (&bf, bg_info, bgbufs[k], GST_MAP_READ))
      continue;
    luma_of (&ff, &fl);
    luma_of (&bf, &bl);
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
    if (vk_spatial_refine (&bl, &fl, 1, &p, &guess, radius, &out, NULL)
        && (!found || out.score > best->score)) {
      *best = out;
      found = TRUE;
    }
    gst_video_frame_unmap (&bf);
  }
  gst_video_frame_unmap (&ff);
  return found;
}

/**
 * vk_stream_low_copy:
 * @width, @height: the copy's size (vk_low_size ())
 *
 * Returns: (transfer full) (nullable): a low-resolution copy of @buf's
 * luma (area average), as the global mode keeps of every frame; %NULL when
 * it cannot be mapped
 */
guint8 *
vk_stream_low_copy (const GstVideoInfo * info, GstBuffer * buf, gint width,
    gint height)
{
  GstVideoFrame f;
  gfloat *tmp;
  guint8 *low;
  gint k;

  if (!gst_video_frame_map (&f, info, buf, GST_MAP_READ))
    return NULL;
  tmp = g_new (gfloat, width * height);
  low = g_new (guint8, width * height);
  vk_luma_resample (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
      GST_VIDEO_FRAME_HEIGHT (&f), 0, 0, GST_VIDEO_FRAME_WIDTH (&f),
      GST_VIDEO_FRAME_HEIGHT (&f), tmp, width, height);
  gst_video_frame_unmap (&f);
  for (k = 0; k < width * height; k++)
    low[k] = (guint8) CLAMP (floorf (tmp[k] + 0.5f), 0, 255);
  g_free (tmp);
  return low;
}
