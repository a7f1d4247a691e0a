/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal to gst-vidkompy: turning an input upright by its orientation
 * tag without a copy of every frame. */

#ifndef __VK_ORIENT_H__
#define __VK_ORIENT_H__

#include <gst/gst.h>

G_BEGIN_DECLS

void vk_orient_setup (GstElement * flip);

G_END_DECLS

#endif /* __VK_ORIENT_H__ */
