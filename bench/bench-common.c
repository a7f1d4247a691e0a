/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

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
