/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vk-truth.h"

#define VK_TRUTH_HEADER "fg_index,fg_pts_ns,bg_index,bg_pts_ns,x,y,w,h"
#define VK_TRUTH_N_COLUMNS 8

G_DEFINE_QUARK (vk-truth-error-quark, vk_truth_error);

/* "# key=value" (or "#key=value"); comment lines without '=' are ignored */
static void
parse_param_line (VkTruth * t, const gchar * line)
{
  const gchar *eq;
  gchar *key, *value;

  line++;                       /* skip '#' */
  eq = strchr (line, '=');
  if (eq == NULL)
    return;

  key = g_strstrip (g_strndup (line, eq - line));
  value = g_strstrip (g_strdup (eq + 1));
  if (*key == '\0') {
    g_free (key);
    g_free (value);
    return;
  }
  g_hash_table_replace (t->params, key, value);
}

static gboolean
parse_u64 (const gchar * s, guint64 * out)
{
  gchar *end = NULL;

  if (*s == '\0' || *s == '-')
    return FALSE;
  *out = g_ascii_strtoull (s, &end, 10);
  return end != s && *end == '\0';
}

static gboolean
parse_int (const gchar * s, gint * out)
{
  gchar *end = NULL;
  gint64 v;

  if (*s == '\0')
    return FALSE;
  v = g_ascii_strtoll (s, &end, 10);
  if (end == s || *end != '\0' || v < G_MININT || v > G_MAXINT)
    return FALSE;
  *out = (gint) v;
  return TRUE;
}

static gboolean
parse_row_line (const gchar * line, VkTruthRow * row)
{
  gchar **f;
  guint64 fg_pts, bg_pts;
  gboolean ok;
  guint i;

  f = g_strsplit (line, ",", -1);
  ok = g_strv_length (f) == VK_TRUTH_N_COLUMNS;
  for (i = 0; ok && i < VK_TRUTH_N_COLUMNS; i++)
    g_strstrip (f[i]);

  ok = ok && parse_u64 (f[0], &row->fg_index)
      && parse_u64 (f[1], &fg_pts)
      && parse_u64 (f[2], &row->bg_index)
      && parse_u64 (f[3], &bg_pts)
      && parse_int (f[4], &row->x) && parse_int (f[5], &row->y)
      && parse_int (f[6], &row->w) && parse_int (f[7], &row->h);
  if (ok) {
    row->fg_pts = fg_pts;
    row->bg_pts = bg_pts;
  }

  g_strfreev (f);
  return ok;
}

/**
 * vk_truth_load:
 * @path: a NAME-truth.csv file written by vk-mkpair
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the parsed truth, or %NULL with @error set
 * (G_FILE_ERROR when the file cannot be read, VK_TRUTH_ERROR otherwise).
 */
VkTruth *
vk_truth_load (const gchar * path, GError ** error)
{
  gchar *contents = NULL;
  gchar **lines;
  VkTruth *t;
  gboolean have_header = FALSE;
  guint n;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  t = g_new0 (VkTruth, 1);
  t->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t->rows = g_array_new (FALSE, FALSE, sizeof (VkTruthRow));

  lines = g_strsplit (contents, "\n", -1);
  g_free (contents);

  for (n = 0; lines[n] != NULL; n++) {
    gchar *line = g_strstrip (lines[n]);        /* also drops a '\r' */
    VkTruthRow row;

    if (*line == '\0')
      continue;

    if (line[0] == '#') {
      parse_param_line (t, line);
      continue;
    }

    if (!have_header) {
      if (strcmp (line, VK_TRUTH_HEADER) != 0) {
        g_set_error (error, VK_TRUTH_ERROR, VK_TRUTH_ERROR_PARSE,
            "%s:%u: expected header '%s'", path, n + 1, VK_TRUTH_HEADER);
        goto fail;
      }
      have_header = TRUE;
      continue;
    }

    if (!parse_row_line (line, &row)) {
      g_set_error (error, VK_TRUTH_ERROR, VK_TRUTH_ERROR_PARSE,
          "%s:%u: malformed row '%s'", path, n + 1, line);
      goto fail;
    }
    g_array_append_val (t->rows, row);
  }

  if (!have_header) {
    g_set_error (error, VK_TRUTH_ERROR, VK_TRUTH_ERROR_PARSE,
        "%s: no '%s' header line", path, VK_TRUTH_HEADER);
    goto fail;
  }

  g_strfreev (lines);
  return t;

fail:
  g_strfreev (lines);
  vk_truth_free (t);
  return NULL;
}

/**
 * vk_truth_free:
 * @t: (nullable): a #VkTruth
 */
void
vk_truth_free (VkTruth * t)
{
  if (t == NULL)
    return;
  g_hash_table_unref (t->params);
  g_array_unref (t->rows);
  g_free (t);
}

/**
 * vk_truth_get_param:
 * @t: a #VkTruth
 * @key: a parameter name such as "fg_fps"
 *
 * Returns: (nullable) (transfer none): the value of "# @key=value", or %NULL.
 */
const gchar *
vk_truth_get_param (VkTruth * t, const gchar * key)
{
  g_return_val_if_fail (t != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (t->params, key);
}
