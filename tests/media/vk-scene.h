/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-scene: the pixel work of vk-mkpair's real-world modes, as pure
 * functions on 8-bit planes (no GStreamer objects): a camera moving over a
 * canvas (Ken Burns pans and zooms, scrolling), film grain, a text-like page
 * (a screen recording's content) and burned-in logos and subtitles.  Every
 * function is deterministic: the same arguments give the same bytes. */

#ifndef __VK_SCENE_H__
#define __VK_SCENE_H__

#include <glib.h>

G_BEGIN_DECLS

/* a rectangle of the canvas, in canvas pixels (not necessarily integer) */
typedef struct
{
  gdouble x, y, w, h;
} VkSceneRect;

/* the camera: the canvas rectangle the bg shows moves from @from (first
 * bg frame) to @to (last bg frame), eased in and out (smoothstep) */
typedef struct
{
  VkSceneRect from, to;
} VkSceneCamera;

typedef enum
{
  VK_SCENE_BURN_NONE,
  VK_SCENE_BURN_LOGO,           /* a static box with text, top right */
  VK_SCENE_BURN_SUBTITLES,      /* a text line at the bottom, changing */
} VkSceneBurn;

/* "X,Y,W,H:X,Y,W,H" */
gboolean vk_scene_parse_camera (const gchar * s, VkSceneCamera * cam);
/* the rect at @f in [0, 1]: from + (3f² − 2f³)·(to − from) */
void vk_scene_camera_at (const VkSceneCamera * cam, gdouble f,
    VkSceneRect * out);
/* TRUE when every corner of both rects lies inside a @w x @h canvas */
gboolean vk_scene_camera_inside (const VkSceneCamera * cam, gint w, gint h);

/* bilinear resample of rect @r of @src (@sw x @sh) into @dst (@dw x @dh);
 * pixel centres map onto pixel centres, samples outside @src are clamped */
void vk_scene_resample (const guint8 * src, gint sstride, gint sw, gint sh,
    const VkSceneRect * r, guint8 * dst, gint dstride, gint dw, gint dh);

/* adds grain of amplitude @amount (uniform in [-amount, amount], clamped to
 * 0..255) that depends only on @seed and the pixel position */
void vk_scene_grain (guint8 * p, gint stride, gint w, gint h, gint amount,
    guint32 seed);

/* a page of text-like lines (pseudo glyphs in words, ragged lines,
 * paragraphs and headings) in dark ink on a light background, on the luma
 * plane @y; the chroma is left to the caller (neutral) */
void vk_scene_text_page (guint8 * y, gint stride, gint w, gint h,
    guint32 seed);

/* burns @what into a frame's luma (@y, @w x @h); @t is the content time
 * in seconds (the subtitles change with it) */
void vk_scene_burn_in (guint8 * y, gint stride, gint w, gint h,
    VkSceneBurn what, gdouble t);
/* "logo", "subtitles" or "none"; FALSE if unknown */
gboolean vk_scene_parse_burn (const gchar * s, VkSceneBurn * out);
const gchar *vk_scene_burn_name (VkSceneBurn what);

G_END_DECLS

#endif /* __VK_SCENE_H__ */
