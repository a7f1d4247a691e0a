/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Is the fg in the bg: see vkfound.h. Pure functions. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkfingerprint.h"
#include "vkfound.h"

/**
 * vk_fg_motion:
 * @fg: the fg's low-resolution frames
 * @valid_x: the compared part of the fg (fg pixels, see #VkAlignResult)
 *
 * How much the fg's picture changes: the mean thumbnail distance
 * (vk_thumb_distance ()) between consecutive frames of VK_MOTION_SAMPLES
 * spread evenly over the fg, on its compared part. 0 for a still picture
 * (whatever its brightness does), about 1 for unrelated pictures; 0 for a
 * single frame.
 */
gdouble
vk_fg_motion (const VkStreamSummary * fg, gint valid_x, gint valid_y,
    gint valid_w, gint valid_h)
{
  VkFingerprint prev, cur;
  gdouble kx, ky, sum = 0.0;
  guint n, k;

  g_return_val_if_fail (fg != NULL && fg->width > 0 && fg->height > 0, 0.0);

  n = MIN (VK_MOTION_SAMPLES, fg->n_frames);
  if (n < 2)
    return 0.0;
  kx = (gdouble) fg->low_width / fg->width;
  ky = (gdouble) fg->low_height / fg->height;
  for (k = 0; k < n; k++) {
    guint i = (guint) ((guint64) k * (fg->n_frames - 1) / (n - 1));
    const guint8 *frame = fg->low + (gsize) i * fg->low_width * fg->low_height;

    vk_fingerprint_from_luma (&cur, frame, fg->low_width, fg->low_width,
        fg->low_height, valid_x * kx, valid_y * ky, valid_w * kx, valid_h * ky);
    if (k > 0)
      sum += vk_thumb_distance (&prev, &cur);
    prev = cur;
  }
  return sum / (n - 1);
}

/**
 * vk_fg_textured:
 *
 * Whether the fg's first frame has any texture at the fingerprints'
 * resolution: a fg without (flat, or a single pixel) cannot be looked for,
 * which is another outcome than a fg found nowhere.
 */
gboolean
vk_fg_textured (const VkStreamSummary * fg)
{
  VkFingerprint fp;

  g_return_val_if_fail (fg != NULL, FALSE);

  if (fg->n_frames == 0 || fg->low_width < 2 || fg->low_height < 2)
    return FALSE;
  vk_fingerprint_from_luma (&fp, fg->low, fg->low_width, fg->low_width,
      fg->low_height, 0, 0, fg->low_width, fg->low_height);
  return fp.stddev > 0.0f;
}

/**
 * vk_found:
 * @match: the temporal confidence (#VkAlignResult's confidence)
 * @spatial: the spatial confidence of the placement
 * @motion: vk_fg_motion ()
 *
 * Whether the fg is in the bg: both confidences must clear their
 * thresholds, and a static fg (its motion under VK_FOUND_MIN_MOTION) needs
 * a near-perfect spatial match (see vkfound.h).
 */
VkFoundVerdict
vk_found (gdouble match, gdouble spatial, gdouble motion)
{
  if (match < VK_FOUND_MIN_MATCH)
    return VK_FOUND_LOW_MATCH;
  if (spatial < VK_FOUND_MIN_SPATIAL)
    return VK_FOUND_LOW_SPATIAL;
  if (motion < VK_FOUND_MIN_MOTION && spatial < VK_FOUND_MIN_SPATIAL_STATIC)
    return VK_FOUND_STATIC_INEXACT;
  return VK_FOUND_YES;
}

/**
 * vk_found_reason:
 *
 * Returns: why the fg does not seem to be in the bg (@verdict), with the
 * measures and the threshold missed, for a message ("temporal confidence
 * 0.45, spatial confidence 0.65: the temporal one is below 0.70"); free
 * with g_free ()
 */
gchar *
vk_found_reason (VkFoundVerdict verdict, gdouble match, gdouble spatial,
    gdouble motion)
{
  gchar *why = NULL, *text;

  switch (verdict) {
    case VK_FOUND_LOW_MATCH:
      why = g_strdup_printf (": the temporal one is below %.2f",
          VK_FOUND_MIN_MATCH);
      break;
    case VK_FOUND_LOW_SPATIAL:
      why = g_strdup_printf (": the spatial one is below %.2f",
          VK_FOUND_MIN_SPATIAL);
      break;
    case VK_FOUND_STATIC_INEXACT:
      why = g_strdup_printf (": the foreground hardly moves (motion %.3f), "
          "so the spatial one must be at least %.2f", motion,
          VK_FOUND_MIN_SPATIAL_STATIC);
      break;
    case VK_FOUND_YES:
      break;
  }
  text = g_strdup_printf ("temporal confidence %.2f, spatial confidence "
      "%.2f%s", match, spatial, why ? why : "");
  g_free (why);
  return text;
}

/**
 * vk_found_centre:
 * @scale: (inout): bg pixels per fg pixel; 0: 1.0, or less when the fg
 *   is larger than the bg (it then fits)
 * @x: (out): the fg's left edge, bg pixels
 * @y: (out): its top edge
 *
 * Where a fg found nowhere goes (without strict), in both modes: at the
 * centre of the bg.
 */
void
vk_found_centre (gint bg_width, gint bg_height, gint fg_width,
    gint fg_height, gdouble * scale, gdouble * x, gdouble * y)
{
  g_return_if_fail (fg_width > 0 && fg_height > 0);

  if (*scale <= 0.0)
    *scale = MIN (1.0, MIN ((gdouble) bg_width / fg_width,
            (gdouble) bg_height / fg_height));
  *x = floor ((bg_width - fg_width * *scale) / 2.0);
  *y = floor ((bg_height - fg_height * *scale) / 2.0);
}
