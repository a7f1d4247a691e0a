/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkoptcheck: checks of the vidkompy command's option values against the
 * GParamSpec of the element property they set (so the allowed values come
 * from the element), and hints for the option names of the Python
 * vidkompy. Pure, unit tested (tests/check/tools/cli_units.c). */

#ifndef __VK_OPT_CHECK_H__
#define __VK_OPT_CHECK_H__

#include <glib-object.h>

G_BEGIN_DECLS

gchar *vk_opt_enum_choices (GParamSpec * pspec);

gboolean vk_opt_check_enum (GParamSpec * pspec, const gchar * option,
    const gchar * value, GError ** error);

gboolean vk_opt_check_range (GParamSpec * pspec, const gchar * option,
    gdouble value, gdouble unit, const gchar * unit_name, GError ** error);

gchar *vk_opt_suggest (const gchar * arg, const GOptionEntry * entries);

G_END_DECLS

#endif /* __VK_OPT_CHECK_H__ */
