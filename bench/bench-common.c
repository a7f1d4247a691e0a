/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bench-common.h"

/**
 * vk_bench_set_plugin_path:
 * @dir: the build's plugin directory
 *
 * Prepends @dir to the plugin path GStreamer reads (GST_PLUGIN_PATH_1_0
 * when it is set, else GST_PLUGIN_PATH). Call before gst_init().
 */
void
vk_bench_set_plugin_path (const gchar * dir)
{
  const gchar *var = g_getenv ("GST_PLUGIN_PATH_1_0") ?
      "GST_PLUGIN_PATH_1_0" : "GST_PLUGIN_PATH";
  const gchar *old = g_getenv (var);
  gchar *path;

  if (old && *old)
    path = g_strconcat (dir, G_SEARCHPATH_SEPARATOR_S, old, NULL);
  else
    path = g_strdup (dir);
  g_setenv (var, path, TRUE);
  g_free (path);
}

/**
 * vk_bench_check_element:
 *
 * Returns: whether element @name exists; prints why not for @prog.
 */
gboolean
vk_bench_check_element (const gchar * prog, const gchar * name,
    const gchar * dir)
{
  GstElementFactory *f = gst_element_factory_find (name);

  if (f == NULL) {
    g_printerr ("%s: element \"%s\" not found (plugin path %s)\n", prog, name,
        dir);
    return FALSE;
  }
  gst_object_unref (f);
  return TRUE;
}

/**
 * vk_bench_cpu_seconds:
 *
 * Returns: user + system CPU time of the process so far, in seconds
 */
gdouble
vk_bench_cpu_seconds (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0.0;
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
      + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

/**
 * vk_bench_median:
 *
 * Returns: the median of @n values (left untouched), NAN when @n is 0
 */
gdouble
vk_bench_median (const gdouble * values, guint n)
{
  gdouble *s, m;

  if (n == 0)
    return NAN;
  s = g_memdup2 (values, n * sizeof (gdouble));
  qsort (s, n, sizeof (gdouble), compare_doubles);
  m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  g_free (s);
  return m;
}
