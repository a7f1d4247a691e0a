/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The 8-bit luma of a frame in any raw video format, which is all that
 * vidkompyalign looks at. */

#ifndef __VK_LUMA_H__
#define __VK_LUMA_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "vkspatial.h"

G_BEGIN_DECLS
/**
 * VkLumaMap:
 * @frame: the frame, mapped for reading
 * @grey: (nullable): the frame's luma converted to GRAY8, when its first
 *   plane is not an 8-bit luma plane
 * @luma: the frame's 8-bit luma: its first plane or @grey
 *
 * A frame mapped with vk_luma_map (), unmapped with vk_luma_unmap ().
 */
    typedef struct
{
  GstVideoFrame frame;
  guint8 *grey;
  VkLuma luma;
} VkLumaMap;

gboolean vk_luma_is_plane (GstVideoFormat format);

gboolean vk_luma_map (VkLumaMap * map, const GstVideoInfo * info,
    GstBuffer * buf);

void vk_luma_unmap (VkLumaMap * map);

G_END_DECLS
#endif /* __VK_LUMA_H__ */
