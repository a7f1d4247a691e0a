/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The vidkompy command: its subcommands and what they share. */

#ifndef __VK_CLI_H__
#define __VK_CLI_H__

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include "vkcliutil.h"

G_BEGIN_DECLS

/**
 * VkProbe:
 * What the command needs to know about an input file before the pipeline
 * is built (from GstDiscoverer).
 */
typedef struct
{
  gchar *uri;
  gboolean has_video, has_audio, is_image;
  gint width, height;
  gint fps_n, fps_d;            /* 0/1: a variable frame rate */
  GstClockTime duration;
} VkProbe;

VkExit vk_probe_path (const gchar * path, const gchar * role, gchar ** uri);

VkExit vk_probe_file (const gchar * path, const gchar * role, VkProbe * out);

void vk_probe_clear (VkProbe * p);

gboolean vk_probe_has_rate (const VkProbe * p);

void vk_probe_nominal_rate (const VkProbe * p, gint * fps_n, gint * fps_d);

gchar *vk_probe_rate_text (const VkProbe * p);

void vk_cli_error (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

void vk_cli_hint (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

void vk_cli_json_errors (int argc, char **argv);

int vk_cli_finish (int code);

gboolean vk_cli_check_element (const gchar * factory);

void vk_cli_print_json (JsonBuilder * builder);

void vk_json_double (JsonBuilder * b, const gchar * name, gdouble value);

void vk_json_int (JsonBuilder * b, const gchar * name, gint64 value);

void vk_json_string (JsonBuilder * b, const gchar * name,
    const gchar * value);

gboolean vk_cli_parse (const gchar * cmd, const gchar * usage,
    const gchar * description, const GOptionEntry * entries, int *argc,
    char ***argv);

VkExit vk_cli_comp (int argc, char **argv);

VkExit vk_cli_align (int argc, char **argv);

G_END_DECLS

#endif /* __VK_CLI_H__ */
