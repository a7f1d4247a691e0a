/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Synthetic content for the pure tests (deterministic noise, a smooth
 * moving picture) and a check of a DP's frame map. */

#ifndef __VK_SYNTH_H__
#define __VK_SYNTH_H__

#include <glib.h>

#include "vktemporal.h"

G_BEGIN_DECLS gdouble vk_synth_noise (guint a, guint b, guint32 seed);
guint8 vk_synth_clamp (gdouble v);
void vk_synth_render (guint8 * img, gint w, gint h, gdouble t,
    gdouble noise, guint32 seed);
void vk_check_dp_path (const gchar * name, guint n_fg, guint n_bg,
    const gint * lo, const gint * hi, const guint * path, gdouble offset,
    gdouble rate, const VkDpParams * params, VkCostFunc cost, gpointer data,
    gdouble total);

G_END_DECLS
#endif /* __VK_SYNTH_H__ */
