/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* What the benchmarks share: finding the build's plugins, CPU time and
 * medians. */

#ifndef __VK_BENCH_COMMON_H__
#define __VK_BENCH_COMMON_H__

#include <gst/gst.h>

G_BEGIN_DECLS

void vk_bench_set_plugin_path (const gchar * dir);

gboolean vk_bench_check_element (const gchar * prog, const gchar * name,
    const gchar * dir);

gdouble vk_bench_cpu_seconds (void);

gdouble vk_bench_median (const gdouble * values, guint n);

G_END_DECLS

#endif /* __VK_BENCH_COMMON_H__ */
