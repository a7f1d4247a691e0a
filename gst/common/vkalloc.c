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

#include <gst/video/video.h>

#include "vkalloc.h"

/**
 * vk_propose_allocation:
 * @query: an allocation query arriving at a sink pad
 *
 * Answers @query for a sink that maps every frame with GstVideoFrame (so
 * any strides and plane offsets a GstVideoMeta gives) and may hold many
 * frames at once: GstVideoMeta, and a video buffer pool without a maximum
 * (a decoder never waits for a buffer the sink holds).
 *
 * With both, avdec decodes straight into the buffers it passes on; without
 * them it copies every decoded frame (gst-libav 1.22 takes the decoder's
 * own buffers only when downstream proposes a pool and GstVideoMeta).
 *
 * Returns: TRUE (the query is answered), FALSE for caps it cannot read.
 */
gboolean
vk_propose_allocation (GstQuery * query)
{
  GstCaps *caps;
  GstVideoInfo info;
  gboolean need_pool;

  gst_query_parse_allocation (query, &caps, &need_pool);
  if (caps == NULL || !gst_video_info_from_caps (&info, caps))
    return FALSE;
  if (need_pool && gst_query_get_n_allocation_pools (query) == 0) {
    GstBufferPool *pool = gst_video_buffer_pool_new ();
    GstStructure *config = gst_buffer_pool_get_config (pool);

    gst_buffer_pool_config_set_params (config, caps, info.size, 0, 0);
    if (gst_buffer_pool_set_config (pool, config))
      gst_query_add_allocation_pool (query, pool, info.size, 0, 0);
    gst_object_unref (pool);
  }
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}
