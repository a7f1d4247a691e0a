/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_VIDKOMPY_ALIGN_H__
#define __GST_VIDKOMPY_ALIGN_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/**
 * GstVidkompyUnmatchedFrames:
 * @GST_VIDKOMPY_UNMATCHED_CLAMP: fg frames before the bg's start or after
 *   its end get the first or last bg frame
 * @GST_VIDKOMPY_UNMATCHED_DROP: such fg frames are not output
 */
    typedef enum
{
  GST_VIDKOMPY_UNMATCHED_CLAMP,
  GST_VIDKOMPY_UNMATCHED_DROP,
} GstVidkompyUnmatchedFrames;

/**
 * GstVidkompyQuality:
 * @GST_VIDKOMPY_QUALITY_FAST: window 1 s, drift-tolerance 80 ms
 * @GST_VIDKOMPY_QUALITY_BALANCED: window 2 s, drift-tolerance 150 ms
 * @GST_VIDKOMPY_QUALITY_PRECISE: window 4 s, drift-tolerance 250 ms
 *
 * Presets of #GstVidkompyAlign:window and #GstVidkompyAlign:drift-tolerance.
 */
typedef enum
{
  GST_VIDKOMPY_QUALITY_FAST,
  GST_VIDKOMPY_QUALITY_BALANCED,
  GST_VIDKOMPY_QUALITY_PRECISE,
} GstVidkompyQuality;

/**
 * GstVidkompyAlignMode:
 * @GST_VIDKOMPY_ALIGN_MODE_AUTO: global when both inputs answer the SEEKING
 *   query as seekable, else streaming
 * @GST_VIDKOMPY_ALIGN_MODE_GLOBAL: analyse both inputs to the end, align,
 *   seek back and render (seekable inputs only)
 * @GST_VIDKOMPY_ALIGN_MODE_STREAMING: align online with bounded latency
 *   (live and other non-seekable inputs)
 */
typedef enum
{
  GST_VIDKOMPY_ALIGN_MODE_AUTO,
  GST_VIDKOMPY_ALIGN_MODE_GLOBAL,
  GST_VIDKOMPY_ALIGN_MODE_STREAMING,
} GstVidkompyAlignMode;

/* the formats whose luma vidkompyalign reads in place (an 8-bit luma
 * plane, vk_luma_is_plane ()); it takes every other raw format too,
 * converting its luma to grey (vkluma.c) */
#define GST_VIDKOMPY_ALIGN_LUMA_FORMATS \
    "{ I420, YV12, NV12, NV21, Y41B, Y42B, Y444, GRAY8 }"

#define GST_TYPE_VIDKOMPY_ALIGN (gst_vidkompy_align_get_type ())
G_DECLARE_FINAL_TYPE (GstVidkompyAlign, gst_vidkompy_align, GST,
    VIDKOMPY_ALIGN, GstElement);

GST_ELEMENT_REGISTER_DECLARE (vidkompyalign);

G_END_DECLS
#endif /* __GST_VIDKOMPY_ALIGN_H__ */
