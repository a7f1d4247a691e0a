/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkguard: what `vidkompy comp` writes stays what it claims, and a signal
 * always ends the run. */

#ifndef __VK_GUARD_H__
#define __VK_GUARD_H__

#include <glib.h>
#include "vkcliutil.h"

G_BEGIN_DECLS

/* seconds a stop asked by SIGINT/SIGTERM may take before the command
 * removes its temporary output and exits at once (a second signal does
 * that at once too) */
#define VK_GUARD_STOP_GRACE_S 5

typedef struct _VkGuard VkGuard;

VkGuard *vk_guard_new (GSourceFunc on_signal, gpointer user_data);

void vk_guard_set_temp (VkGuard * guard, const gchar * path);

gboolean vk_guard_interrupted (VkGuard * guard);

void vk_guard_free (VkGuard * guard);

VkExit vk_guard_check_files (const gchar * out, const gchar * bg,
    const gchar * fg, const gchar * alignment, const gchar * use_alignment);

G_END_DECLS

#endif /* __VK_GUARD_H__ */
