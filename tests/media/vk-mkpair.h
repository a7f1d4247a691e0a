/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-mkpair's configuration, and its real-world modes on GStreamer
 * buffers (vk-mkpair-scene.c; the pixel work is in vk-scene.c). */

#ifndef __VK_MKPAIR_H__
#define __VK_MKPAIR_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "vk-scene.h"

G_BEGIN_DECLS

/* --source text-page: a still page of text-like lines (vk-scene), pushed
 * into an appsrc of this name; any --source may contain one */
#define TEXT_PAGE_SOURCE "text-page"
#define TEXT_PAGE_APPSRC "vk_mkpair_page"

#define VK_MKPAIR_ERROR (vk_mkpair_error_quark ())

typedef struct
{
  gdouble t;
  gdouble len;
} VkFreeze;

typedef struct
{
  gchar *source_arg;
  gchar *source_desc;
  gint bg_w, bg_h;
  gint bg_fps_n, bg_fps_d;
  gdouble duration;
  gint rect_x, rect_y, rect_w, rect_h;
  gint fg_w, fg_h;
  gint fg_fps_n, fg_fps_d;
  gdouble fg_start;
  gdouble fg_duration;          /* < 0: as long as the bg allows */
  gdouble speed;
  gboolean warp;
  gdouble warp_a, warp_p;
  GArray *freezes;              /* VkFreeze, sorted, non-overlapping */
  gint letterbox;
  gint quantizer;
  /* real-world modes (vk-scene.h) */
  gint canvas_w, canvas_h;      /* the source's size */
  gboolean camera;
  const gchar *camera_arg;      /* --camera as given */
  VkSceneCamera cam;
  gint bg_grain;
  gchar *fg_filter;
  VkSceneBurn burn_in;
  gboolean quiet;
  gchar *bg_path, *fg_path, *truth_path;
} VkConfig;

GQuark vk_mkpair_error_quark (void);

GstSample *vk_mkpair_camera_frame (const VkConfig * c,
    const GstVideoInfo * bg_info, GstSample * canvas, guint64 j,
    guint64 n_bg, GError ** error);
void vk_mkpair_add_grain (const GstVideoInfo * info, GstBuffer * buf,
    gint amount, guint32 seed);
gboolean vk_mkpair_push_text_page (GstElement * source, const VkConfig * c,
    GError ** error);
void vk_mkpair_scene_params (GString * s, const VkConfig * c);

G_END_DECLS

#endif /* __VK_MKPAIR_H__ */
