/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The strict parser of the alignment file (json-glib): it accepts exactly
 * the format docs/vidkompyalign.md documents, within limits that keep a
 * hostile file from taking time or memory, and says what is wrong
 * otherwise (fuzzed by tests/fuzz/fuzz-alignfile.c). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vkalignfile.h"
#include "vkalignfile-priv.h"
#include "vkfilesafe.h"

/* largest timestamp accepted: 2^62 ns, 146 years */
#define MAX_TIME (G_GINT64_CONSTANT (1) << 62)
#define MAX_COORD 1000000

/* Before json-glib sees the document: its parser recurses on nesting and
 * holds every value, so deep or huge documents are refused here. Counts
 * the values as the commas and containers outside strings (an upper bound
 * of the values, near enough). */
static gboolean
prescan (const gchar * data, gsize length, GError ** error)
{
  gboolean in_string = FALSE, escape = FALSE;
  gint depth = 0;
  guint64 values = 1;
  gsize i;

  for (i = 0; i < length; i++) {
    gchar c = data[i];

    if (in_string) {
      if (escape)
        escape = FALSE;
      else if (c == '\\')
        escape = TRUE;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"') {
      in_string = TRUE;
    } else if (c == ',') {
      values++;
    } else if (c == '[' || c == '{') {
      values++;
      if (++depth > VK_ALIGN_FILE_MAX_DEPTH) {
        g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_INVALID,
            "nested more than %d levels deep", VK_ALIGN_FILE_MAX_DEPTH);
        return FALSE;
      }
    } else if (c == ']' || c == '}') {
      depth--;
    }
    if (values > VK_ALIGN_FILE_MAX_VALUES) {
      g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_INVALID,
          "more than %d values (the largest alignment file, %d frames, has "
          "fewer)", VK_ALIGN_FILE_MAX_VALUES, VK_ALIGN_FILE_MAX_FRAMES);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
invalid (GError ** error, const gchar * format, ...)
G_GNUC_PRINTF (2, 3);

     static gboolean invalid (GError ** error, const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL && *error == NULL)
    *error = g_error_new_valist (VK_ALIGN_FILE_ERROR,
        VK_ALIGN_FILE_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

static JsonNode *
member (JsonObject * o, const gchar * ctx, const gchar * name, GError ** error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL)
    invalid (error, "%s: missing field \"%s\"", ctx, name);
  return n;
}

static gboolean
node_int (JsonNode * n, const gchar * ctx, const gchar * name, gint64 min,
    gint64 max, gint64 * out, GError ** error)
{
  gint64 v;

  if (!JSON_NODE_HOLDS_VALUE (n)
      || json_node_get_value_type (n) != G_TYPE_INT64)
    return invalid (error, "%s: \"%s\" must be an integer", ctx, name);
  v = json_node_get_int (n);
  if (v < min || v > max)
    return invalid (error, "%s: \"%s\" is %" G_GINT64_FORMAT ", out of the "
        "range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, ctx, name, v, min,
        max);
  *out = v;
  return TRUE;
}

static gboolean
node_double (JsonNode * n, const gchar * ctx, const gchar * name, gdouble min,
    gdouble max, gdouble * out, GError ** error)
{
  gdouble v;

  if (!JSON_NODE_HOLDS_VALUE (n) || (json_node_get_value_type (n) !=
          G_TYPE_INT64 && json_node_get_value_type (n) != G_TYPE_DOUBLE))
    return invalid (error, "%s: \"%s\" must be a number", ctx, name);
  v = json_node_get_double (n);
  if (!isfinite (v) || v < min || v > max)
    return invalid (error, "%s: \"%s\" is %g, out of the range %g..%g", ctx,
        name, v, min, max);
  *out = v;
  return TRUE;
}

static gboolean
get_int (JsonObject * o, const gchar * ctx, const gchar * name, gint64 min,
    gint64 max, gint64 * out, GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);

  return n && node_int (n, ctx, name, min, max, out, error);
}

static gboolean
get_double (JsonObject * o, const gchar * ctx, const gchar * name,
    gdouble min, gdouble max, gdouble * out, GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);

  return n && node_double (n, ctx, name, min, max, out, error);
}

static const gchar *
get_string (JsonObject * o, const gchar * ctx, const gchar * name,
    GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n)
      || json_node_get_value_type (n) != G_TYPE_STRING) {
    invalid (error, "%s: \"%s\" must be a string", ctx, name);
    return NULL;
  }
  return json_node_get_string (n);
}

static JsonObject *
get_object (JsonObject * o, const gchar * ctx, const gchar * name,
    GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);

  if (n && !JSON_NODE_HOLDS_OBJECT (n)) {
    invalid (error, "%s: \"%s\" must be an object", ctx, name);
    return NULL;
  }
  return n ? json_node_get_object (n) : NULL;
}

/* an array of @len elements (any length when @len is 0) */
static JsonArray *
get_array (JsonObject * o, const gchar * ctx, const gchar * name, guint len,
    GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);
  JsonArray *a;

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (n)) {
    invalid (error, "%s: \"%s\" must be an array", ctx, name);
    return NULL;
  }
  a = json_node_get_array (n);
  if (len > 0 && json_array_get_length (a) != len) {
    invalid (error, "%s: \"%s\" must have %u elements, not %u", ctx, name,
        len, json_array_get_length (a));
    return NULL;
  }
  return a;
}

static gboolean
get_bool (JsonObject * o, const gchar * ctx, const gchar * name,
    gboolean * out, GError ** error)
{
  JsonNode *n = member (o, ctx, name, error);

  if (n == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n)
      || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return invalid (error, "%s: \"%s\" must be true or false", ctx, name);
  *out = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
get_hash (JsonObject * o, const gchar * ctx, const gchar * name,
    gchar out[65], GError ** error)
{
  const gchar *s = get_string (o, ctx, name, error);
  guint i;

  if (s == NULL)
    return FALSE;
  for (i = 0; s[i]; i++)
    if (i >= 64 || !g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      break;
  if (i != 64 || s[i] != '\0')
    return invalid (error, "%s: \"%s\" must be 64 lower-case hexadecimal "
        "digits (SHA-256)", ctx, name);
  memcpy (out, s, 65);
  return TRUE;
}

static gboolean
parse_identity (JsonObject * root, const gchar * ctx, VkStreamIdentity * id,
    GError ** error)
{
  JsonObject *o = get_object (root, "document", ctx, error);
  JsonArray *fps;
  gint64 w, h, n, d, dur, count;

  if (o == NULL || !get_int (o, ctx, "width", 1, 32768, &w, error)
      || !get_int (o, ctx, "height", 1, 32768, &h, error)
      || !(fps = get_array (o, ctx, "fps", 2, error))
      || !node_int (json_array_get_element (fps, 0), ctx, "fps[0]", 0,
          1000000, &n, error)
      || !node_int (json_array_get_element (fps, 1), ctx, "fps[1]", 1,
          1000000, &d, error)
      || !get_int (o, ctx, "duration", -1, MAX_TIME, &dur, error)
      || !get_int (o, ctx, "frame_count", 1, VK_ALIGN_FILE_MAX_FRAMES, &count,
          error)
      || !get_hash (o, ctx, "head_hash", id->head_hash, error)
      || !get_hash (o, ctx, "stream_hash", id->stream_hash, error))
    return FALSE;
  id->width = w;
  id->height = h;
  id->fps_n = n;
  id->fps_d = d;
  id->duration = dur < 0 ? VK_TIME_NONE : (guint64) dur;
  id->n_frames = count;
  return TRUE;
}

static gboolean
parse_options (JsonObject * root, VkAlignFileOptions * opt, GError ** error)
{
  const gchar *ctx = "options";
  JsonObject *o = get_object (root, "document", ctx, error);
  JsonNode *pos;
  const gchar *region;
  gint64 x, y, window, drift;
  guint i;

  if (o == NULL || !(pos = member (o, ctx, "position", error)))
    return FALSE;
  opt->fixed_position = !JSON_NODE_HOLDS_NULL (pos);
  if (opt->fixed_position) {
    JsonArray *a = get_array (o, ctx, "position", 2, error);

    if (a == NULL || !node_int (json_array_get_element (a, 0), ctx,
            "position[0]", -MAX_COORD, MAX_COORD, &x, error)
        || !node_int (json_array_get_element (a, 1), ctx, "position[1]",
            -MAX_COORD, MAX_COORD, &y, error))
      return FALSE;
    opt->x = x;
    opt->y = y;
  }
  if (!get_double (o, ctx, "scale", 0, 64, &opt->scale, error)
      || !get_bool (o, ctx, "unscaled", &opt->unscaled, error)
      || !get_int (o, ctx, "window", 0, 600 * G_GINT64_CONSTANT (1000000000),
          &window, error)
      || !get_int (o, ctx, "drift_tolerance", 0, 10000, &drift, error)
      || !(region = get_string (o, ctx, "match_region", error)))
    return FALSE;
  opt->window = window;
  opt->drift_tolerance = drift;
  for (i = 0; i < VK_ALIGN_N_REGIONS; i++)
    if (strcmp (region, vk_align_region_nicks[i]) == 0)
      break;
  if (i == VK_ALIGN_N_REGIONS)
    return invalid (error, "options: \"match_region\" must be \"auto\", "
        "\"mask\" or \"full\"");
  opt->match_region = (VkMatchRegion) i;
  return TRUE;
}

static gboolean
parse_results (JsonObject * root, VkAlignFile * f, GError ** error)
{
  JsonObject *sp = get_object (root, "document", "spatial", error);
  JsonObject *tp = sp ? get_object (root, "document", "temporal", error) : NULL;
  gint64 x, y;

  if (tp == NULL || !get_int (sp, "spatial", "x", -MAX_COORD, MAX_COORD, &x,
          error)
      || !get_int (sp, "spatial", "y", -MAX_COORD, MAX_COORD, &y, error)
      || !get_double (sp, "spatial", "scale", 1e-3, 64, &f->scale, error)
      || !get_double (sp, "spatial", "confidence", 0, 1,
          &f->spatial_confidence, error)
      || !get_double (tp, "temporal", "offset", -1e9, 1e9, &f->offset, error)
      || !get_double (tp, "temporal", "rate", 1e-3, 1e3, &f->rate, error)
      || !get_double (tp, "temporal", "confidence", 0, 1, &f->confidence,
          error))
    return FALSE;
  f->x = x;
  f->y = y;
  return TRUE;
}

/* one frame line; @prev is the previous frame or NULL */
static gboolean
parse_frame (JsonNode * n, guint i, const VkAlignFile * f,
    const VkAlignFileFrame * prev, VkAlignFileFrame * out, GError ** error)
{
  gchar ctx[32];
  JsonArray *a;
  gint64 v[4];
  gdouble cost;
  guint k;

  g_snprintf (ctx, sizeof (ctx), "frames[%u]", i);
  if (!JSON_NODE_HOLDS_ARRAY (n)
      || json_array_get_length (a = json_node_get_array (n)) !=
      VK_ALIGN_N_FRAME_FIELDS)
    return invalid (error, "%s: must be an array of %u numbers [fg_pts, "
        "fg_duration, bg_index, bg_pts, cost]", ctx,
        (guint) VK_ALIGN_N_FRAME_FIELDS);
  for (k = 0; k < 4; k++) {
    gint64 min = k == 1 ? -1 : 0;
    gint64 max = k == 2 ? (gint64) f->bg.n_frames - 1 : MAX_TIME;

    if (!node_int (json_array_get_element (a, k), ctx, vk_align_frame_fields[k],
            min, max, &v[k], error))
      return FALSE;
  }
  if (!node_double (json_array_get_element (a, 4), ctx, "cost", 0, 1e6, &cost,
          error))
    return FALSE;
  out->fg_pts = v[0];
  out->fg_duration = v[1] < 0 ? VK_TIME_NONE : (guint64) v[1];
  out->bg_index = v[2];
  out->bg_pts = v[3];
  out->cost = cost;

  if (prev == NULL)
    return TRUE;
  if (out->fg_pts <= prev->fg_pts)
    return invalid (error, "%s: fg_pts %" G_GUINT64_FORMAT " does not follow "
        "the previous frame's %" G_GUINT64_FORMAT " (fg timestamps must "
        "increase)", ctx, out->fg_pts, prev->fg_pts);
  if (out->bg_index < prev->bg_index)
    return invalid (error, "%s: bg_index %u is before the previous frame's "
        "%u (the frame map must not step backwards)", ctx, out->bg_index,
        prev->bg_index);
  if ((out->bg_index == prev->bg_index && out->bg_pts != prev->bg_pts)
      || (out->bg_index > prev->bg_index && out->bg_pts <= prev->bg_pts))
    return invalid (error, "%s: bg_pts %" G_GUINT64_FORMAT " of bg frame %u "
        "does not agree with bg_pts %" G_GUINT64_FORMAT " of bg frame %u in "
        "the previous line (bg timestamps must increase with bg_index)", ctx,
        out->bg_pts, out->bg_index, prev->bg_pts, prev->bg_index);
  return TRUE;
}

static gboolean
parse_frames (JsonObject * root, VkAlignFile * f, GError ** error)
{
  JsonArray *fields, *frames;
  guint i, n;

  if (!(fields = get_array (root, "document", "frame_fields",
              VK_ALIGN_N_FRAME_FIELDS, error)))
    return FALSE;
  for (i = 0; i < VK_ALIGN_N_FRAME_FIELDS; i++) {
    JsonNode *e = json_array_get_element (fields, i);

    if (!JSON_NODE_HOLDS_VALUE (e)
        || json_node_get_value_type (e) != G_TYPE_STRING
        || strcmp (json_node_get_string (e), vk_align_frame_fields[i]) != 0)
      return invalid (error, "document: \"frame_fields\" must be [\"fg_pts\", "
          "\"fg_duration\", \"bg_index\", \"bg_pts\", \"cost\"]");
  }
  if (!(frames = get_array (root, "document", "frames", 0, error)))
    return FALSE;
  n = json_array_get_length (frames);
  if (n != f->fg.n_frames)
    return invalid (error, "\"frames\" has %u lines but the foreground has "
        "%u frames (foreground.frame_count): one line per fg frame", n,
        f->fg.n_frames);
  f->frames = g_new0 (VkAlignFileFrame, n);
  for (i = 0; i < n; i++)
    if (!parse_frame (json_array_get_element (frames, i), i, f,
            i ? &f->frames[i - 1] : NULL, &f->frames[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_root (JsonNode * node, VkAlignFile * f, GError ** error)
{
  JsonObject *root;
  const gchar *format;
  gint64 version;
  JsonNode *v;

  if (node == NULL) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_SYNTAX,
        "not a vidkompy alignment file: empty document");
    return FALSE;
  }
  if (!JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_FORMAT,
        "not a vidkompy alignment file: the document is not a JSON object");
    return FALSE;
  }
  root = json_node_get_object (node);
  format = json_object_get_string_member_with_default (root, "format", NULL);
  if (format == NULL || strcmp (format, VK_ALIGN_FILE_FORMAT) != 0) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_FORMAT,
        "not a vidkompy alignment file: \"format\" must be \"%s\"",
        VK_ALIGN_FILE_FORMAT);
    return FALSE;
  }
  v = json_object_get_member (root, "version");
  if (v == NULL || !JSON_NODE_HOLDS_VALUE (v)
      || json_node_get_value_type (v) != G_TYPE_INT64) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_VERSION,
        "\"version\" is missing or not an integer (this reads version %d "
        "of the format)", VK_ALIGN_FILE_VERSION);
    return FALSE;
  }
  version = json_node_get_int (v);
  if (version != VK_ALIGN_FILE_VERSION) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_VERSION,
        "unsupported version %" G_GINT64_FORMAT " of the alignment file "
        "format (this reads version %d)", version, VK_ALIGN_FILE_VERSION);
    return FALSE;
  }
  return parse_identity (root, "background", &f->bg, error)
      && parse_identity (root, "foreground", &f->fg, error)
      && parse_options (root, &f->options, error)
      && parse_results (root, f, error) && parse_frames (root, f, error);
}

/**
 * vk_align_file_parse:
 * @data: the document
 * @length: its length in bytes
 * @file: (out): the alignment; free with vk_align_file_clear()
 *
 * Parses and validates an alignment file (see docs/vidkompyalign.md).
 *
 * Returns: %FALSE with @error set to what is wrong (and @file cleared).
 */
gboolean
vk_align_file_parse (const gchar * data, gsize length, VkAlignFile * file,
    GError ** error)
{
  JsonParser *parser;
  GError *err = NULL;
  gboolean ok;

  memset (file, 0, sizeof (*file));
  if (length > VK_ALIGN_FILE_MAX_SIZE) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_INVALID,
        "too large (%" G_GSIZE_FORMAT " bytes; at most %d)", length,
        VK_ALIGN_FILE_MAX_SIZE);
    return FALSE;
  }
  if (!g_utf8_validate (data, length, NULL)) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_SYNTAX,
        "not valid UTF-8 text");
    return FALSE;
  }
  if (!prescan (data, length, error))
    return FALSE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &err)) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_SYNTAX,
        "not valid JSON (truncated or corrupt?): %s", err->message);
    g_error_free (err);
    g_object_unref (parser);
    return FALSE;
  }
  ok = parse_root (json_parser_get_root (parser), file, error);
  g_object_unref (parser);
  if (!ok)
    vk_align_file_clear (file);
  return ok;
}

/**
 * vk_align_file_load:
 *
 * Reads and parses the alignment file @path.
 */
gboolean
vk_align_file_load (const gchar * path, VkAlignFile * file, GError ** error)
{
  gchar *data = NULL;
  gsize len;
  GError *err = NULL;
  gboolean ok;

  memset (file, 0, sizeof (*file));
  if (!vk_file_read_regular (path, VK_ALIGN_FILE_MAX_SIZE, &data, &len, &err)) {
    gboolean io = err->code == VK_FILE_SAFE_ERROR_IO;

    /* a FIFO, a device or too large: refused before reading */
    g_set_error (error, VK_ALIGN_FILE_ERROR, io ? VK_ALIGN_FILE_ERROR_IO :
        VK_ALIGN_FILE_ERROR_INVALID, "%s%s", io ? "could not read it: " : "",
        err->message);
    g_error_free (err);
    return FALSE;
  }
  ok = vk_align_file_parse (data, len, file, error);
  g_free (data);
  return ok;
}
