/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_VIDKOMPY_H__
#define __GST_VIDKOMPY_H__

#include <gst/vidkompy/vidkompyalignmentmeta.h>

#endif /* __GST_VIDKOMPY_H__ */
