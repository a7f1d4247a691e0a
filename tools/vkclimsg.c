/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Messages of the vidkompy command: errors and hints on stderr, JSON on
 * stdout. With --json a failing command also prints its error as JSON
 * ({"exit-code", "error", "hint"}) on stdout, so a script reading stdout
 * always gets one object. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "vkcli.h"

static gboolean json_errors;
static gchar *first_error, *first_hint;

/* Prints @prefix and the message on stderr; keeps the first one in
 * @first (the one reported as JSON). */
static void
report (const gchar * prefix, gchar ** first, const gchar * format,
    va_list args)
{
  gchar *msg = g_strdup_vprintf (format, args);

  g_printerr ("%s%s\n", prefix, msg);
  if (*first == NULL)
    *first = msg;
  else
    g_free (msg);
}

/* Prints "vidkompy: error: ..." on stderr. */
void
vk_cli_error (const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  report ("vidkompy: error: ", &first_error, format, args);
  va_end (args);
}

/* Prints "hint: ..." on stderr: what the user can do about the error. */
void
vk_cli_hint (const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  report ("hint: ", &first_hint, format, args);
  va_end (args);
}

/* TRUE when @argv holds --json before a "--": errors are then also
 * reported as JSON (known before the options are parsed, so that a bad
 * option is reported as JSON too). */
void
vk_cli_json_errors (int argc, char **argv)
{
  int i;

  for (i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], "--json") == 0)
      json_errors = TRUE;
}

/* The end of a command that returns @code: with --json, a failure is
 * printed as a JSON object on stdout; then GStreamer is left (gst_deinit),
 * so that its leaks tracer (GST_TRACERS=leaks) reports what the command
 * left alive. Returns @code. */
int
vk_cli_finish (int code)
{
  if (json_errors && code != VK_EXIT_OK) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    vk_json_int (b, "exit-code", code);
    vk_json_string (b, "error", first_error ? first_error :
        code == VK_EXIT_INTERRUPTED ? "interrupted" : "failed");
    vk_json_string (b, "hint", first_hint);
    json_builder_end_object (b);
    vk_cli_print_json (b);
  }
  g_clear_pointer (&first_error, g_free);
  g_clear_pointer (&first_hint, g_free);
  if (gst_is_initialized ())
    gst_deinit ();
  return code;
}

/* Prints the object built by @builder (pretty) on stdout and frees
 * @builder. */
void
vk_cli_print_json (JsonBuilder * builder)
{
  JsonGenerator *g = json_generator_new ();
  JsonNode *root = json_builder_get_root (builder);
  gchar *text;

  json_generator_set_root (g, root);
  json_generator_set_pretty (g, TRUE);
  text = json_generator_to_data (g, NULL);
  printf ("%s\n", text);
  fflush (stdout);
  g_free (text);
  json_node_unref (root);
  g_object_unref (g);
  g_object_unref (builder);
}

void
vk_json_double (JsonBuilder * b, const gchar * name, gdouble value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

void
vk_json_int (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* A string member; NULL: null */
void
vk_json_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}
