/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The 8-bit luma of a frame in any raw video format (see vkluma.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkluma.h"

/**
 * vk_luma_is_plane:
 *
 * Whether frames of @format carry their luma as an 8-bit plane of their
 * own, the first (I420, NV12, Y444, GRAY8 and the like): vidkompyalign
 * reads it in place. Frames of any other format (RGB, packed or
 * high-bit-depth YUV) have their luma converted to GRAY8 first.
 */
gboolean
vk_luma_is_plane (GstVideoFormat format)
{
  const GstVideoFormatInfo *f = gst_video_format_get_info (format);

  return f != NULL && (GST_VIDEO_FORMAT_INFO_IS_YUV (f)
      || GST_VIDEO_FORMAT_INFO_IS_GRAY (f))
      && !GST_VIDEO_FORMAT_INFO_IS_TILED (f)
      && GST_VIDEO_FORMAT_INFO_DEPTH (f, 0) == 8
      && GST_VIDEO_FORMAT_INFO_BITS (f) == 8
      && GST_VIDEO_FORMAT_INFO_PLANE (f, 0) == 0
      && GST_VIDEO_FORMAT_INFO_POFFSET (f, 0) == 0
      && GST_VIDEO_FORMAT_INFO_PSTRIDE (f, 0) == 1;
}

/* @map's frame's luma converted to GRAY8 into @map->grey */
static gboolean
convert (VkLumaMap * map)
{
  const GstVideoInfo *in = &map->frame.info;
  GstVideoInfo out;
  GstVideoConverter *conv;
  GstVideoFrame grey;
  GstBuffer *buf;
  gsize size;

  /* the same frames but for their format (the converter converts no rate,
   * field order or aspect) */
  gst_video_info_set_interlaced_format (&out, GST_VIDEO_FORMAT_GRAY8,
      GST_VIDEO_INFO_INTERLACE_MODE (in), GST_VIDEO_INFO_WIDTH (in),
      GST_VIDEO_INFO_HEIGHT (in));
  GST_VIDEO_INFO_FPS_N (&out) = GST_VIDEO_INFO_FPS_N (in);
  GST_VIDEO_INFO_FPS_D (&out) = GST_VIDEO_INFO_FPS_D (in);
  GST_VIDEO_INFO_PAR_N (&out) = GST_VIDEO_INFO_PAR_N (in);
  GST_VIDEO_INFO_PAR_D (&out) = GST_VIDEO_INFO_PAR_D (in);
  conv = gst_video_converter_new (in, &out, NULL);
  if (conv == NULL)
    return FALSE;
  size = GST_VIDEO_INFO_SIZE (&out);
  map->grey = g_malloc (size);
  buf = gst_buffer_new_wrapped_full (0, map->grey, size, 0, size, NULL, NULL);
  if (!gst_video_frame_map (&grey, &out, buf, GST_MAP_WRITE)) {
    gst_buffer_unref (buf);
    gst_video_converter_free (conv);
    return FALSE;
  }
  gst_video_converter_frame (conv, &map->frame, &grey);
  map->luma.stride = GST_VIDEO_FRAME_PLANE_STRIDE (&grey, 0);
  gst_video_frame_unmap (&grey);
  gst_buffer_unref (buf);
  gst_video_converter_free (conv);
  map->luma.data = map->grey;
  return TRUE;
}

/**
 * vk_luma_map:
 * @map: (out caller-allocates): the frame mapped
 * @info: @buf's format
 *
 * Maps @buf for reading its 8-bit luma, @map->luma: its first plane in
 * place (vk_luma_is_plane ()), else a GRAY8 copy converted with a
 * #GstVideoConverter. Unmap with vk_luma_unmap ().
 *
 * Returns: %FALSE when @buf cannot be mapped or converted
 */
gboolean
vk_luma_map (VkLumaMap * map, const GstVideoInfo * info, GstBuffer * buf)
{
  map->grey = NULL;
  if (!gst_video_frame_map (&map->frame, info, buf, GST_MAP_READ))
    return FALSE;
  map->luma.width = GST_VIDEO_FRAME_WIDTH (&map->frame);
  map->luma.height = GST_VIDEO_FRAME_HEIGHT (&map->frame);
  if (vk_luma_is_plane (GST_VIDEO_FRAME_FORMAT (&map->frame))) {
    map->luma.data = GST_VIDEO_FRAME_PLANE_DATA (&map->frame, 0);
    map->luma.stride = GST_VIDEO_FRAME_PLANE_STRIDE (&map->frame, 0);
    return TRUE;
  }
  if (convert (map))
    return TRUE;
  vk_luma_unmap (map);
  return FALSE;
}

/* unmaps what vk_luma_map () mapped */
void
vk_luma_unmap (VkLumaMap * map)
{
  gst_video_frame_unmap (&map->frame);
  g_clear_pointer (&map->grey, g_free);
}
