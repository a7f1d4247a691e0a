/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Input checks of the vidkompy command: the file exists and is readable,
 * GStreamer can read it, it has a video stream. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "vkcli.h"
#include "vkfilesafe.h"
#include "vkoptcheck.h"
#include "vkretime.h"

#define PROBE_TIMEOUT (30 * GST_SECOND)

/* Parses the options of the subcommand @cmd with @entries (and
 * GStreamer's); prints the error. */
gboolean
vk_cli_parse (const gchar * cmd, const gchar * usage,
    const gchar * description, const GOptionEntry * entries, int *argc,
    char ***argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  gboolean ok;
  gint i;

  /* option names users bring from the Python vidkompy, or with '_' */
  for (i = 1; i < *argc && strcmp ((*argv)[i], "--") != 0; i++) {
    gchar *hint = vk_opt_suggest ((*argv)[i], entries);

    if (hint) {
      vk_cli_error ("unknown option %.*s: %s (see vidkompy %s --help)",
          (int) strcspn ((*argv)[i], "="), (*argv)[i], hint, cmd);
      g_free (hint);
      return FALSE;
    }
  }
  ctx = g_option_context_new (usage);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  g_option_context_set_description (ctx, description);
  ok = g_option_context_parse (ctx, argc, argv, &err);
  if (!ok) {
    vk_cli_error ("%s (see vidkompy %s --help)", err->message, cmd);
    g_error_free (err);
  }
  g_option_context_free (ctx);
  return ok;
}

/* Adds the plugins installed with this program to the registry: the
 * plugins' folder relative to the program's (a tree installed with
 * --destdir or moved), else the one of the configured prefix. TRUE when
 * one was found. */
static gboolean
scan_own_plugins (void)
{
  gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
  gchar *dir = exe ? g_path_get_dirname (exe) : NULL;
  gchar *near = dir ? g_build_filename (dir, VK_PLUGINDIR_FROM_BINDIR,
      NULL) : NULL;
  gboolean found = FALSE;

  if (near && g_file_test (near, G_FILE_TEST_IS_DIR))
    found = gst_registry_scan_path (gst_registry_get (), near);
  if (!found)
    found = gst_registry_scan_path (gst_registry_get (), VK_PLUGINDIR);
  g_free (near);
  g_free (dir);
  g_free (exe);
  return found;
}

/* TRUE when the element @factory is installed; an error naming the Debian
 * package (or how to install gst-vidkompy's plugin) otherwise. */
gboolean
vk_cli_check_element (const gchar * factory)
{
  static const struct
  {
    const gchar *prefix, *package;
  } packages[] = {
    {"x264", "gstreamer1.0-plugins-ugly"}, {"avenc", "gstreamer1.0-libav"},
    {"vidkompy", NULL},
    {"x265", "gstreamer1.0-plugins-bad"}, {"", "gstreamer1.0-plugins-good"},
  };
  GstElementFactory *f = gst_element_factory_find (factory);
  guint i;

  /* an installed command finds the plugins installed with it, wherever
   * the prefix */
  if (f == NULL && g_str_has_prefix (factory, "vidkompy")
      && scan_own_plugins ())
    f = gst_element_factory_find (factory);
  if (f) {
    gst_object_unref (f);
    return TRUE;
  }
  for (i = 0; i < G_N_ELEMENTS (packages); i++)
    if (g_str_has_prefix (factory, packages[i].prefix))
      break;
  if (packages[i].package == NULL) {
    vk_cli_error ("the GStreamer element %s is not installed: it is in "
        "gst-vidkompy's plugin, libgstvidkompy.so; install it (meson "
        "install) or set GST_PLUGIN_PATH to its folder (a build's "
        "BUILD/gst, an install's LIBDIR/gstreamer-1.0)", factory);
    return FALSE;
  }
  vk_cli_error ("the GStreamer element %s is not installed (Debian package "
      "%s)", factory, packages[i].package);
  return FALSE;
}

void
vk_probe_clear (VkProbe * p)
{
  g_clear_pointer (&p->uri, g_free);
}

/* TRUE when @p's caps have a frame rate; FALSE for a variable frame rate
 * file (its caps say 0/1: a screen or phone recording, its frames at
 * their own times) */
gboolean
vk_probe_has_rate (const VkProbe * p)
{
  return p->fps_n > 0 && p->fps_d > 0;
}

/* A rate for what needs one whatever the input (a still bg repeated under
 * the fg): @p's, else the aligner's default (VK_DEFAULT_FPS) */
void
vk_probe_nominal_rate (const VkProbe * p, gint * fps_n, gint * fps_d)
{
  gboolean has = vk_probe_has_rate (p);

  *fps_n = has ? p->fps_n : VK_DEFAULT_FPS;
  *fps_d = has ? p->fps_d : 1;
}

/* "30/1 fps", or "a variable frame rate" */
gchar *
vk_probe_rate_text (const VkProbe * p)
{
  return vk_probe_has_rate (p) ? g_strdup_printf ("%d/%d fps", p->fps_n,
      p->fps_d) : g_strdup ("a variable frame rate");
}

/* The size as shown: a quarter-turn orientation (an MP4 display matrix,
 * which qtdemux reports as an image-orientation tag, or the tag itself)
 * swaps the stored size, as the vidkompy bin's videoflip does. */
static void
apply_orientation (GstDiscovererStreamInfo * v, VkProbe * out)
{
  const GstTagList *tags = gst_discoverer_stream_info_get_tags (v);
  GstVideoOrientationMethod method;
  gint w = out->width;

  if (tags == NULL || !gst_video_orientation_from_tag ((GstTagList *) tags,
          &method))
    return;
  if (method == GST_VIDEO_ORIENTATION_90R
      || method == GST_VIDEO_ORIENTATION_90L
      || method == GST_VIDEO_ORIENTATION_UL_LR
      || method == GST_VIDEO_ORIENTATION_UR_LL) {
    out->width = out->height;
    out->height = w;
  }
}

static void
probe_streams (GstDiscovererInfo * info, VkProbe * out)
{
  GList *videos = gst_discoverer_info_get_video_streams (info);
  GList *audios = gst_discoverer_info_get_audio_streams (info);

  out->duration = gst_discoverer_info_get_duration (info);
  out->has_audio = audios != NULL;
  if (videos) {
    GstDiscovererVideoInfo *v = videos->data;

    out->has_video = TRUE;
    out->is_image = gst_discoverer_video_info_is_image (v);
    out->width = gst_discoverer_video_info_get_width (v);
    out->height = gst_discoverer_video_info_get_height (v);
    out->fps_n = gst_discoverer_video_info_get_framerate_num (v);
    out->fps_d = gst_discoverer_video_info_get_framerate_denom (v);
    apply_orientation (videos->data, out);
  }
  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_stream_info_list_free (audios);
}

/* Checks the input @path (@role: "background", "foreground") and fills
 * @out. Prints the error and returns its exit code on failure. */
/* The checks every input passes before it is opened: it exists, can be
 * read and is a regular file. Its URI into @uri. */
VkExit
vk_probe_path (const gchar * path, const gchar * role, gchar ** uri)
{
  GError *err = NULL;

  *uri = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    vk_cli_error ("the %s file %s does not exist", role, path);
    return VK_EXIT_INPUT;
  }
  if (g_access (path, R_OK) != 0 || g_file_test (path, G_FILE_TEST_IS_DIR)) {
    vk_cli_error ("the %s file %s cannot be read: %s", role, path,
        g_file_test (path, G_FILE_TEST_IS_DIR) ? "it is a folder" :
        g_strerror (errno));
    return VK_EXIT_INPUT;
  }
  /* the inputs are played twice (analysis, then render): a FIFO or a
   * device cannot be, and opening a FIFO blocks */
  if (!vk_file_check_regular (path, &err)) {
    vk_cli_error ("the %s file %s cannot be read: %s (vidkompy reads its "
        "inputs twice)", role, path, err->message);
    g_error_free (err);
    return VK_EXIT_INPUT;
  }
  *uri = gst_filename_to_uri (path, &err);
  if (*uri == NULL) {
    vk_cli_error ("%s: %s", path, err->message);
    g_error_free (err);
    return VK_EXIT_INPUT;
  }
  return VK_EXIT_OK;
}

VkExit
vk_probe_file (const gchar * path, const gchar * role, VkProbe * out)
{
  GError *err = NULL;
  GstDiscoverer *disc;
  GstDiscovererInfo *info;
  VkExit ret;

  memset (out, 0, sizeof (*out));
  if ((ret = vk_probe_path (path, role, &out->uri)) != VK_EXIT_OK)
    return ret;
  disc = gst_discoverer_new (PROBE_TIMEOUT, &err);
  if (disc == NULL) {
    vk_cli_error ("%s: %s", path, err->message);
    g_error_free (err);
    return VK_EXIT_INPUT;
  }
  info = gst_discoverer_discover_uri (disc, out->uri, &err);
  if (info)
    probe_streams (info, out);
  if (err && !(info && out->has_video
          && gst_discoverer_info_get_result (info) ==
          GST_DISCOVERER_MISSING_PLUGINS)) {
    vk_cli_error ("the %s file %s cannot be read as media: %s", role, path,
        err->message);
    ret = VK_EXIT_INPUT;
  } else if (!out->has_video) {
    vk_cli_error ("the %s file %s has no video stream", role, path);
    ret = VK_EXIT_NO_VIDEO;
  }
  g_clear_error (&err);
  if (info)
    gst_discoverer_info_unref (info);
  g_object_unref (disc);
  return ret;
}
