/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A straightforward double-precision reference of vidkompycomposite's
 * specified blend, shared by the element test (composite_blend) and the
 * blend fuzzer (tests/fuzz/fuzz-blend.c):
 *
 *   For a plane with subsampling sx x sy, the output sample (i, j) has its
 *   centre at cx = sx*i + sx/2 - x, cy = sy*j + sy/2 - y in fg luma
 *   coordinates; it is covered by fg sample (floor (cx/sx), floor (cy/sy))
 *   when that lies inside the fg plane. A covered sample gets
 *   w = alpha * min over the active edges of profile (clamp (dist/border)),
 *   dist = cx, W - cx, cy, H - cy, and out = round (fg*w + bg*(1 - w)) for
 *   each of its bytes. Samples not covered keep the bg.
 *
 * No gst-check here: the caller decides how to fail. */

#ifndef __VK_BLEND_REF_H__
#define __VK_BLEND_REF_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct
{
  gint bg_w, bg_h;
  gint fg_w, fg_h;
  gint x, y;
  guint border;
  gdouble alpha;
  gboolean smooth;              /* smoothstep profile, else linear */
  /* feathered edges */
  gboolean left, right, top, bottom;
} VkRefBlend;

typedef struct
{
  guint n_bad;                  /* bytes off by more than the tolerance */
  guint n_covered;              /* output samples covered by the fg */
  gint max_diff;
  gchar *first;                 /* the first mismatch, or NULL; g_free */
} VkRefBlendResult;

gboolean vk_ref_blend_set_edges (VkRefBlend * rb, const gchar * nick);

gdouble vk_ref_blend_weight (const VkRefBlend * rb, gdouble cx, gdouble cy);

gboolean vk_ref_blend_check (const VkRefBlend * rb, const GstVideoFrame * bg,
    const GstVideoFrame * fg, const GstVideoFrame * out, gint tolerance,
    VkRefBlendResult * res);

G_END_DECLS

#endif /* __VK_BLEND_REF_H__ */
