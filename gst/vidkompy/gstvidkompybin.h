/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_VIDKOMPY_BIN_H__
#define __GST_VIDKOMPY_BIN_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_VIDKOMPY_BIN (gst_vidkompy_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstVidkompyBin, gst_vidkompy_bin, GST, VIDKOMPY_BIN,
    GstBin);

GST_ELEMENT_REGISTER_DECLARE (vidkompy);

G_END_DECLS

#endif /* __GST_VIDKOMPY_BIN_H__ */
