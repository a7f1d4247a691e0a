/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-mkpair's real-world modes on GStreamer buffers: see vk-mkpair.h and
 * tests/media/README.md. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/app/gstappsrc.h>

#include "vk-mkpair.h"

/* bg frame @j of @n_bg: the camera's rect of the canvas frame @canvas,
 * scaled to the bg size; takes @canvas */
GstSample *
vk_mkpair_camera_frame (const VkConfig * c, const GstVideoInfo * bg_info,
    GstSample * canvas, guint64 j, guint64 n_bg, GError ** error)
{
  GstVideoInfo in_info;
  GstVideoFrame in, out;
  GstBuffer *buf = gst_buffer_new_allocate (NULL,
      GST_VIDEO_INFO_SIZE (bg_info), NULL);
  GstCaps *caps = gst_video_info_to_caps (bg_info);
  GstSample *sample = NULL;
  VkSceneRect r;
  guint p;

  vk_scene_camera_at (&c->cam, n_bg > 1 ? (gdouble) j / (n_bg - 1) : 0, &r);
  if (gst_video_info_from_caps (&in_info, gst_sample_get_caps (canvas))
      && gst_video_frame_map (&in, &in_info, gst_sample_get_buffer (canvas),
          GST_MAP_READ)) {
    if (gst_video_frame_map (&out, bg_info, buf, GST_MAP_WRITE)) {
      for (p = 0; p < 3; p++) {
        /* chroma planes: half the coordinates */
        gdouble k = p ? 0.5 : 1.0;
        VkSceneRect pr = { r.x * k, r.y * k, r.w * k, r.h * k };

        vk_scene_resample (GST_VIDEO_FRAME_COMP_DATA (&in, p),
            GST_VIDEO_FRAME_COMP_STRIDE (&in, p),
            GST_VIDEO_FRAME_COMP_WIDTH (&in, p),
            GST_VIDEO_FRAME_COMP_HEIGHT (&in, p), &pr,
            GST_VIDEO_FRAME_COMP_DATA (&out, p),
            GST_VIDEO_FRAME_COMP_STRIDE (&out, p),
            GST_VIDEO_FRAME_COMP_WIDTH (&out, p),
            GST_VIDEO_FRAME_COMP_HEIGHT (&out, p));
      }
      gst_video_frame_unmap (&out);
      sample = gst_sample_new (buf, caps, NULL, NULL);
    }
    gst_video_frame_unmap (&in);
  }
  if (sample == NULL)
    g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot map canvas frame %"
        G_GUINT64_FORMAT, j);
  gst_buffer_unref (buf);
  gst_caps_unref (caps);
  gst_sample_unref (canvas);
  return sample;
}

/* grain on the luma of the bg buffer @buf (writable), seeded by the frame */
void
vk_mkpair_add_grain (const GstVideoInfo * info, GstBuffer * buf, gint amount,
    guint32 seed)
{
  GstVideoFrame f;

  if (!gst_video_frame_map (&f, info, buf, GST_MAP_READWRITE))
    return;
  vk_scene_grain (GST_VIDEO_FRAME_COMP_DATA (&f, 0),
      GST_VIDEO_FRAME_COMP_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
      GST_VIDEO_FRAME_HEIGHT (&f), amount, seed);
  gst_video_frame_unmap (&f);
}

/* the text page into the source's appsrc TEXT_PAGE_APPSRC, if it has one:
 * at the size of the appsrc's caps if they give one, else the canvas's */
gboolean
vk_mkpair_push_text_page (GstElement * source, const VkConfig * c,
    GError ** error)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (source), TEXT_PAGE_APPSRC);
  GstCaps *caps = NULL;
  GstVideoInfo info;
  GstVideoFrame f;
  GstBuffer *buf;
  gint w = c->canvas_w, h = c->canvas_h;

  if (e == NULL)
    return TRUE;
  g_object_get (e, "caps", &caps, NULL);
  if (caps && gst_video_info_from_caps (&info, caps)) {
    w = GST_ROUND_UP_2 (info.width);
    h = GST_ROUND_UP_2 (info.height);
  }
  gst_clear_caps (&caps);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, w, h);
  caps = gst_video_info_to_caps (&info);
  gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, 0, 1, NULL);
  g_object_set (e, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_caps_unref (caps);

  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  if (!gst_video_frame_map (&f, &info, buf, GST_MAP_WRITE)) {
    gst_buffer_unref (buf);
    gst_object_unref (e);
    g_set_error (error, VK_MKPAIR_ERROR, 0, "cannot map the text page");
    return FALSE;
  }
  vk_scene_text_page (GST_VIDEO_FRAME_COMP_DATA (&f, 0),
      GST_VIDEO_FRAME_COMP_STRIDE (&f, 0), w, h, 1);
  memset (GST_VIDEO_FRAME_COMP_DATA (&f, 1), 128,
      GST_VIDEO_FRAME_COMP_STRIDE (&f, 1) * GST_VIDEO_FRAME_COMP_HEIGHT (&f,
          1));
  memset (GST_VIDEO_FRAME_COMP_DATA (&f, 2), 128,
      GST_VIDEO_FRAME_COMP_STRIDE (&f, 2) * GST_VIDEO_FRAME_COMP_HEIGHT (&f,
          2));
  gst_video_frame_unmap (&f);
  GST_BUFFER_PTS (buf) = 0;
  gst_app_src_push_buffer (GST_APP_SRC (e), buf);
  gst_app_src_end_of_stream (GST_APP_SRC (e));
  gst_object_unref (e);
  return TRUE;
}

void
vk_mkpair_scene_params (GString * s, const VkConfig * c)
{
  g_string_append_printf (s, "# canvas=%dx%d\n", c->canvas_w, c->canvas_h);
  if (c->camera)
    g_string_append_printf (s, "# camera=%s\n", c->camera_arg);
  else
    g_string_append (s, "# camera=none\n");
  g_string_append_printf (s, "# bg_grain=%d\n", c->bg_grain);
  g_string_append_printf (s, "# fg_filter=%s\n", c->fg_filter ?
      c->fg_filter : "none");
  g_string_append_printf (s, "# burn_in=%s\n", vk_scene_burn_name (c->burn_in));
}
