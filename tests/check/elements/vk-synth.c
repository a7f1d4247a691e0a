/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Synthetic content for the pure tests (see vk-synth.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vk-synth.h"

/* deterministic noise in [0, 1) from two integers and a seed */
gdouble
vk_synth_noise (guint a, guint b, guint32 seed)
{
  guint32 h = seed ^ 0x9e3779b9u;

  h ^= a * 0x85ebca6bu;
  h = (h << 13) | (h >> 19);
  h = h * 5 + 0xe6546b64u;
  h ^= b * 0xc2b2ae35u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h / 4294967296.0;
}

/* @v rounded into a byte */
guint8
vk_synth_clamp (gdouble v)
{
  return (guint8) CLAMP (floor (v + 0.5), 0.0, 255.0);
}

/* smooth synthetic picture content at time t */
static gdouble
scene_value (gdouble x, gdouble y, gdouble t)
{
  gdouble cx = 60 + 40 * sin (0.11 * t), cy = 50 + 30 * cos (0.07 * t);
  gdouble v = 120 + 50 * sin (0.045 * x + 0.3 * t) * cos (0.06 * y - 0.2 * t);

  v += 70 * exp (-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 300.0);
  v += 25 * sin (0.013 * (x + 2 * y) - 0.05 * t);
  return v;
}

/* The synthetic picture at time @t, @w x @h, with @noise (amplitude, luma
 * levels) from @seed. */
void
vk_synth_render (guint8 * img, gint w, gint h, gdouble t, gdouble noise,
    guint32 seed)
{
  gint x, y;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      img[y * w + x] = vk_synth_clamp (scene_value (x, y, t)
          + noise * (2 * vk_synth_noise (x + 7919 * y, (guint) t, seed) - 1));
}

/* Fails unless @path (a DP's frame map) stays in the band [@lo, @hi],
 * never steps back or jumps more than @params allows, and costs @total. */
/* checks the structural guarantees of a path, and that total_cost is its
 * objective */
void
vk_check_dp_path (const gchar * name, guint n_fg, guint n_bg, const gint * lo,
    const gint * hi, const guint * path, gdouble offset, gdouble rate,
    const VkDpParams * params, VkCostFunc cost, gpointer data, gdouble total)
{
  gdouble obj;
  guint i;

  for (i = 0; i < n_fg; i++) {
    fail_unless (path[i] < n_bg && (gint) path[i] >= MAX (lo[i], 0) &&
        (gint) path[i] <= hi[i], "%s: row %u: %u outside the band [%d, %d]",
        name, i, path[i], lo[i], hi[i]);
    if (i > 0) {
      fail_unless (path[i] >= path[i - 1], "%s: row %u goes backwards: %u "
          "after %u", name, i, path[i], path[i - 1]);
      fail_unless (path[i] - path[i - 1] <= params->max_jump,
          "%s: row %u jumps %u", name, i, path[i] - path[i - 1]);
    }
  }
  obj = vk_dp_path_cost (n_fg, n_bg, path, offset, rate, params, cost, data);
  fail_unless (fabs (obj - total) <= 1e-6 * (1 + fabs (obj)),
      "%s: total_cost %f, objective of the path %f", name, total, obj);
}
