/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Shared by the writer (vkalignfile.c) and the parser (vkalignfileparse.c)
 * of the alignment file. */

#ifndef __VK_ALIGN_FILE_PRIV_H__
#define __VK_ALIGN_FILE_PRIV_H__

#include <glib.h>

G_BEGIN_DECLS

/* the fields of a frame row, in their order in the file */
#define VK_ALIGN_N_FRAME_FIELDS 5
extern const gchar *const vk_align_frame_fields[VK_ALIGN_N_FRAME_FIELDS];

/* the nicks of VkMatchRegion, in its order */
#define VK_ALIGN_N_REGIONS 3
extern const gchar *const vk_align_region_nicks[VK_ALIGN_N_REGIONS];

G_END_DECLS

#endif /* __VK_ALIGN_FILE_PRIV_H__ */
