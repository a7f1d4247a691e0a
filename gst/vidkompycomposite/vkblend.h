/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __VK_BLEND_H__
#define __VK_BLEND_H__

#include <gst/video/video.h>

#include "vkmask.h"

G_BEGIN_DECLS

/* d[i] = (fg[i] * w + bg[i] * (255 - w)) / 255, rounded, where w is the
 * weight of the sample byte i belongs to (samples of 1, 2 or 4 bytes). */
typedef void (*VkBlendRowFunc) (guint8 * d, const guint8 * fg,
    const guint8 * bg, const guint8 * w, gint n_samples);
/* The same with one weight for all @n_bytes bytes. */
typedef void (*VkBlendConstFunc) (guint8 * d, const guint8 * fg,
    const guint8 * bg, guint w, gint n_bytes);

typedef struct
{
  const gchar *name;
  VkBlendRowFunc row1, row2, row4;
  VkBlendConstFunc row_const;
} VkBlendKernels;

extern const VkBlendKernels vk_blend_kernels_orc;
extern const VkBlendKernels vk_blend_kernels_c;
/* the faster of the two on this machine's benchmark, see bench/ */
extern const VkBlendKernels *vk_blend_kernels_default;

gboolean vk_blend_format_supported (GstVideoFormat format);

void vk_blend_frame (GstVideoFrame * out, const GstVideoFrame * bg,
    const GstVideoFrame * fg, const VkMask * mask,
    const VkBlendKernels * kernels, guint band, guint n_bands);

G_END_DECLS

#endif /* __VK_BLEND_H__ */
