/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkfilesafe: files are what they claim. The alignment and cache files are
 * read only when they are regular files, within a size limit (a FIFO, a
 * device or a link to one is refused before anything is read), and written
 * only where no special file is; the vidkompy command never writes over one
 * of its inputs. */

#ifndef __VK_FILE_SAFE_H__
#define __VK_FILE_SAFE_H__

#include <glib.h>

G_BEGIN_DECLS

#define VK_FILE_SAFE_ERROR (vk_file_safe_error_quark ())
GQuark vk_file_safe_error_quark (void);

typedef enum
{
  VK_FILE_SAFE_ERROR_IO,        /* cannot be opened or read (errno's text) */
  VK_FILE_SAFE_ERROR_NOT_REGULAR,       /* a FIFO, device, socket, directory */
  VK_FILE_SAFE_ERROR_TOO_LARGE, /* past the limit */
} VkFileSafeError;

gboolean vk_file_read_regular (const gchar * path, gsize limit,
    gchar ** data, gsize * length, GError ** error);

gboolean vk_file_check_regular (const gchar * path, GError ** error);

gboolean vk_file_check_replaceable (const gchar * path, GError ** error);

gboolean vk_file_same (const gchar * a, const gchar * b);

G_END_DECLS

#endif /* __VK_FILE_SAFE_H__ */
