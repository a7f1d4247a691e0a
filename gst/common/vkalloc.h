/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal to gst-vidkompy: the answer to an allocation query of a sink
 * that reads frames by their video meta and may hold many. */

#ifndef __VK_ALLOC_H__
#define __VK_ALLOC_H__

#include <gst/gst.h>

G_BEGIN_DECLS

gboolean vk_propose_allocation (GstQuery * query);

G_END_DECLS

#endif /* __VK_ALLOC_H__ */
