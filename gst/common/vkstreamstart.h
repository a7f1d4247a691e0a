/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal to the plugins of gst-vidkompy: the stream-start event of an
 * output of an element with several sink pads. */

#ifndef __VK_STREAM_START_H__
#define __VK_STREAM_START_H__

#include <gst/gst.h>

G_BEGIN_DECLS

GstEvent *vk_stream_start_event (GstPad * sinkpad, GstPad * srcpad);

G_END_DECLS

#endif /* __VK_STREAM_START_H__ */
