/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The reference blend: see vk-blend-ref.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vk-blend-ref.h"

/**
 * vk_ref_blend_set_edges:
 * @nick: the border-edges nick: "auto" (edges beyond which bg remains
 *   visible), "all" or "none"
 *
 * Sets the feathered edges of @rb (its geometry must be set).
 *
 * Returns: %FALSE for an unknown nick.
 */
gboolean
vk_ref_blend_set_edges (VkRefBlend * rb, const gchar * nick)
{
  if (g_str_equal (nick, "all")) {
    rb->left = rb->right = rb->top = rb->bottom = TRUE;
  } else if (g_str_equal (nick, "none")) {
    rb->left = rb->right = rb->top = rb->bottom = FALSE;
  } else if (g_str_equal (nick, "auto")) {
    rb->left = rb->x > 0;
    rb->right = (gint64) rb->x + rb->fg_w < rb->bg_w;
    rb->top = rb->y > 0;
    rb->bottom = (gint64) rb->y + rb->fg_h < rb->bg_h;
  } else {
    return FALSE;
  }
  return TRUE;
}

static gdouble
ref_profile (gdouble t, gboolean smooth)
{
  t = CLAMP (t, 0.0, 1.0);
  return smooth ? t * t * (3.0 - 2.0 * t) : t;
}

/**
 * vk_ref_blend_weight:
 *
 * Returns: the weight (alpha included) of a covered sample centred at
 * (@cx, @cy) in fg luma coordinates.
 */
gdouble
vk_ref_blend_weight (const VkRefBlend * rb, gdouble cx, gdouble cy)
{
  gdouble m = 1.0;

  if (rb->border > 0) {
    if (rb->left)
      m = MIN (m, ref_profile (cx / rb->border, rb->smooth));
    if (rb->right)
      m = MIN (m, ref_profile ((rb->fg_w - cx) / rb->border, rb->smooth));
    if (rb->top)
      m = MIN (m, ref_profile (cy / rb->border, rb->smooth));
    if (rb->bottom)
      m = MIN (m, ref_profile ((rb->fg_h - cy) / rb->border, rb->smooth));
  }
  return rb->alpha * m;
}

static void
add_mismatch (VkRefBlendResult * res, gchar * what)
{
  res->n_bad++;
  if (res->first == NULL)
    res->first = what;
  else
    g_free (what);
}

/* the frames' plane geometry must agree with the one the reference
 * computes from @rb */
static gboolean
check_plane_sizes (const VkRefBlend * rb, const GstVideoFrame * fg,
    const GstVideoFrame * out, guint p, gint comp, gint sx, gint sy,
    VkRefBlendResult * res)
{
  gint pw = GST_VIDEO_FRAME_COMP_WIDTH (out, comp);
  gint ph = GST_VIDEO_FRAME_COMP_HEIGHT (out, comp);
  gint fpw = GST_VIDEO_FRAME_COMP_WIDTH (fg, comp);
  gint fph = GST_VIDEO_FRAME_COMP_HEIGHT (fg, comp);

  if (pw == (rb->bg_w + sx - 1) / sx && ph == (rb->bg_h + sy - 1) / sy
      && fpw == (rb->fg_w + sx - 1) / sx && fph == (rb->fg_h + sy - 1) / sy)
    return TRUE;

  add_mismatch (res, g_strdup_printf ("plane %u: output plane %dx%d, fg "
          "plane %dx%d do not match bg %dx%d, fg %dx%d", p, pw, ph, fpw, fph,
          rb->bg_w, rb->bg_h, rb->fg_w, rb->fg_h));
  return FALSE;
}

/**
 * vk_ref_blend_check:
 * @bg: the background frame
 * @fg: the fg frame, same format as @out, @rb's fg size
 * @out: the blended frame, same format and size as @bg
 * @tolerance: allowed difference per byte
 * @res: (out): filled; free res->first
 *
 * Compares every sample byte of @out with the reference blend of @bg and
 * @fg.
 *
 * Returns: %TRUE when no byte differs by more than @tolerance.
 */
gboolean
vk_ref_blend_check (const VkRefBlend * rb, const GstVideoFrame * bg,
    const GstVideoFrame * fg, const GstVideoFrame * out, gint tolerance,
    VkRefBlendResult * res)
{
  const GstVideoFormatInfo *finfo = out->info.finfo;
  guint p;

  res->n_bad = res->n_covered = 0;
  res->max_diff = 0;
  res->first = NULL;

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (out); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint sx, sy, ps, pw, ph, fpw, fph, i, j, k;

    gst_video_format_info_component (finfo, p, comp);
    sx = 1 << GST_VIDEO_FORMAT_INFO_W_SUB (finfo, comp[0]);
    sy = 1 << GST_VIDEO_FORMAT_INFO_H_SUB (finfo, comp[0]);
    ps = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0]);
    if (!check_plane_sizes (rb, fg, out, p, comp[0], sx, sy, res))
      continue;
    pw = GST_VIDEO_FRAME_COMP_WIDTH (out, comp[0]);
    ph = GST_VIDEO_FRAME_COMP_HEIGHT (out, comp[0]);
    fpw = GST_VIDEO_FRAME_COMP_WIDTH (fg, comp[0]);
    fph = GST_VIDEO_FRAME_COMP_HEIGHT (fg, comp[0]);

    for (j = 0; j < ph; j++) {
      const guint8 *orow = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (out,
          p) + (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (out, p);
      const guint8 *brow = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (bg,
          p) + (gsize) j * GST_VIDEO_FRAME_PLANE_STRIDE (bg, p);
      gdouble cy = sy * j + sy / 2.0 - rb->y;
      gint fy = (gint) floor (cy / sy);

      for (i = 0; i < pw; i++) {
        gdouble cx = sx * i + sx / 2.0 - rb->x;
        gint fx = (gint) floor (cx / sx);
        gboolean covered = fx >= 0 && fx < fpw && fy >= 0 && fy < fph;
        const guint8 *frow = NULL;
        gdouble w = 0.0;

        if (covered) {
          frow = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (fg, p) +
              (gsize) fy *GST_VIDEO_FRAME_PLANE_STRIDE (fg, p);
          w = vk_ref_blend_weight (rb, cx, cy);
          res->n_covered++;
        }

        for (k = 0; k < ps; k++) {
          gint b = brow[i * ps + k];
          gint got = orow[i * ps + k];
          gint expected, diff;

          if (covered)
            expected = (gint) floor (frow[fx * ps + k] * w + b * (1.0 - w)
                + 0.5);
          else
            expected = b;
          diff = ABS (got - expected);
          res->max_diff = MAX (res->max_diff, diff);
          if (diff > tolerance)
            add_mismatch (res, g_strdup_printf ("plane %u sample (%d,%d) "
                    "byte %d: expected %d, got %d (%s, bg %d, fg %s%d, "
                    "w %.4f)", p, i, j, k, expected, got,
                    covered ? "covered" : "not covered", b,
                    covered ? "" : "-", covered ? frow[fx * ps + k] : 0, w));
        }
      }
    }
  }

  return res->n_bad == 0;
}
