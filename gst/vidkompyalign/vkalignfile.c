/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The alignment file: writer, strict parser (json-glib), input identities
 * and cache key. The format is documented in docs/vidkompyalign.md; the
 * parser accepts exactly that and says what is wrong otherwise. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vkalignfile.h"
#include "vkfilesafe.h"

/* largest timestamp accepted: 2^62 ns, 146 years */
#define MAX_TIME (G_GINT64_CONSTANT (1) << 62)
#define MAX_COORD 1000000

G_DEFINE_QUARK (vk - align - file - error - quark, vk_align_file_error);

static const gchar *frame_fields[] =
    { "fg_pts", "fg_duration", "bg_index", "bg_pts", "cost" };

static const gchar *region_nicks[] = { "auto", "mask", "full" };

const gchar *
vk_match_region_nick (VkMatchRegion region)
{
  return (guint) region < G_N_ELEMENTS (region_nicks) ?
      region_nicks[region] : "auto";
}

/* ------------------------------------------------------------------------ */
/* Identities */

void
vk_identity_hasher_init (VkIdentityHasher * h)
{
  memset (h, 0, sizeof (*h));
  h->head = g_checksum_new (G_CHECKSUM_SHA256);
  h->whole = g_checksum_new (G_CHECKSUM_SHA256);
}

void
vk_identity_hasher_clear (VkIdentityHasher * h)
{
  g_clear_pointer (&h->head, g_checksum_free);
  g_clear_pointer (&h->whole, g_checksum_free);
}

void
vk_identity_hasher_reset (VkIdentityHasher * h)
{
  vk_identity_hasher_clear (h);
  vk_identity_hasher_init (h);
}

/**
 * vk_identity_hasher_add:
 * @h: the hasher
 * @fp: the fingerprint of the next frame
 * @size: its size in bytes
 */
void
vk_identity_hasher_add (VkIdentityHasher * h, const guint8 * fp, gsize size)
{
  g_checksum_update (h->whole, fp, size);
  if (h->n_frames < VK_IDENTITY_HEAD_FRAMES) {
    g_checksum_update (h->head, fp, size);
    if (h->n_frames + 1 == VK_IDENTITY_HEAD_FRAMES)
      g_strlcpy (h->head_hash, g_checksum_get_string (h->head),
          sizeof (h->head_hash));
  }
  h->n_frames++;
}

/* TRUE once the head hash covers VK_IDENTITY_HEAD_FRAMES frames */
gboolean
vk_identity_hasher_head_done (const VkIdentityHasher * h)
{
  return h->n_frames >= VK_IDENTITY_HEAD_FRAMES;
}

static void
checksum_peek (GChecksum * c, gchar out[65])
{
  GChecksum *copy = g_checksum_copy (c);

  g_strlcpy (out, g_checksum_get_string (copy), 65);
  g_checksum_free (copy);
}

/**
 * vk_identity_hasher_get:
 * @h: the hasher
 * @whole: also fill the frame count and the whole-stream hash (else they
 *   are left unknown: 0 and "")
 * @id: (out): gets the hashes; the other fields are not touched
 *
 * The hashes of the frames added so far (the head hash of all of them
 * when fewer than VK_IDENTITY_HEAD_FRAMES).
 */
void
vk_identity_hasher_get (VkIdentityHasher * h, gboolean whole,
    VkStreamIdentity * id)
{
  if (vk_identity_hasher_head_done (h))
    g_strlcpy (id->head_hash, h->head_hash, sizeof (id->head_hash));
  else
    checksum_peek (h->head, id->head_hash);
  id->n_frames = 0;
  id->stream_hash[0] = '\0';
  if (whole) {
    id->n_frames = h->n_frames;
    checksum_peek (h->whole, id->stream_hash);
  }
}

/* the fields known before the streams' ends, one line */
static void
append_early_identity (GString * s, const gchar * name,
    const VkStreamIdentity * id)
{
  g_string_append_printf (s, "%s %dx%d %d/%d %" G_GINT64_FORMAT " %s\n",
      name, id->width, id->height, id->fps_n, id->fps_d,
      id->duration == VK_TIME_NONE ? (gint64) - 1 : (gint64) id->duration,
      id->head_hash);
}

/**
 * vk_align_cache_key:
 *
 * Returns: the cache key (64 hex digits) of a pair of inputs (their
 * identities as known before their ends: size, frame rate, duration, head
 * hash) and the options, for the file format's version.
 */
gchar *
vk_align_cache_key (const VkStreamIdentity * bg, const VkStreamIdentity * fg,
    const VkAlignFileOptions * o)
{
  GString *s = g_string_new (NULL);
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE], *key;

  g_string_append_printf (s, "%s %d\n", VK_ALIGN_FILE_FORMAT,
      VK_ALIGN_FILE_VERSION);
  append_early_identity (s, "bg", bg);
  append_early_identity (s, "fg", fg);
  g_string_append_printf (s, "position %d %d %d scale %s unscaled %d "
      "window %" G_GUINT64_FORMAT " drift %u region %s\n",
      o->fixed_position, o->fixed_position ? o->x : 0,
      o->fixed_position ? o->y : 0, g_ascii_dtostr (buf, sizeof (buf),
          o->scale), o->unscaled != FALSE, o->window, o->drift_tolerance,
      vk_match_region_nick (o->match_region));
  key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, s->str, s->len);
  g_string_free (s, TRUE);
  return key;
}

/* ------------------------------------------------------------------------ */
/* Writer */

/* the shortest of %.15g..%.17g that reads back as @v */
static void
append_double (GString * s, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  const gchar *fmts[] = { "%.15g", "%.16g", "%.17g" };
  guint i;

  if (!isfinite (v))
    v = 0;
  for (i = 0; i < G_N_ELEMENTS (fmts); i++) {
    g_ascii_formatd (buf, sizeof (buf), fmts[i], v);
    if (g_ascii_strtod (buf, NULL) == v)
      break;
  }
  g_string_append (s, buf);
}

/* the shortest of %.6g..%.9g that reads back as @v in single precision */
static void
append_float (GString * s, gfloat v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  const gchar *fmts[] = { "%.6g", "%.7g", "%.8g", "%.9g" };
  guint i;

  if (!isfinite (v))
    v = 0;
  for (i = 0; i < G_N_ELEMENTS (fmts); i++) {
    g_ascii_formatd (buf, sizeof (buf), fmts[i], v);
    if ((gfloat) g_ascii_strtod (buf, NULL) == v)
      break;
  }
  g_string_append (s, buf);
}

static gint64
time_value (guint64 t)
{
  return t == VK_TIME_NONE ? -1 : (gint64) t;
}

static void
append_identity (GString * s, const gchar * name, const VkStreamIdentity * id)
{
  g_string_append_printf (s, "  \"%s\": {\n"
      "    \"width\": %d,\n"
      "    \"height\": %d,\n"
      "    \"fps\": [%d, %d],\n"
      "    \"duration\": %" G_GINT64_FORMAT ",\n"
      "    \"frame_count\": %u,\n"
      "    \"head_hash\": \"%s\",\n"
      "    \"stream_hash\": \"%s\"\n"
      "  },\n", name, id->width, id->height, id->fps_n, id->fps_d,
      time_value (id->duration), id->n_frames, id->head_hash, id->stream_hash);
}

/**
 * vk_align_file_to_string:
 *
 * Returns: the JSON document of @file: pretty printed, one fg frame a line.
 */
gchar *
vk_align_file_to_string (const VkAlignFile * file)
{
  GString *s = g_string_new (NULL);
  const VkAlignFileOptions *o = &file->options;
  guint i;

  g_string_append_printf (s, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n",
      VK_ALIGN_FILE_FORMAT, VK_ALIGN_FILE_VERSION);
  g_string_append_printf (s, "  \"generator\": \"%s %s\",\n", PACKAGE, VERSION);
  append_identity (s, "background", &file->bg);
  append_identity (s, "foreground", &file->fg);

  g_string_append (s, "  \"options\": {\n    \"position\": ");
  if (o->fixed_position)
    g_string_append_printf (s, "[%d, %d]", o->x, o->y);
  else
    g_string_append (s, "null");
  g_string_append (s, ",\n    \"scale\": ");
  append_double (s, o->scale);
  g_string_append_printf (s, ",\n    \"unscaled\": %s,\n"
      "    \"window\": %" G_GUINT64_FORMAT ",\n"
      "    \"drift_tolerance\": %u,\n"
      "    \"match_region\": \"%s\"\n  },\n",
      o->unscaled ? "true" : "false", o->window, o->drift_tolerance,
      vk_match_region_nick (o->match_region));

  g_string_append_printf (s, "  \"spatial\": {\n    \"x\": %d,\n"
      "    \"y\": %d,\n    \"scale\": ", file->x, file->y);
  append_double (s, file->scale);
  g_string_append (s, ",\n    \"confidence\": ");
  append_double (s, file->spatial_confidence);
  g_string_append (s, "\n  },\n  \"temporal\": {\n    \"offset\": ");
  append_double (s, file->offset);
  g_string_append (s, ",\n    \"rate\": ");
  append_double (s, file->rate);
  g_string_append (s, ",\n    \"confidence\": ");
  append_double (s, file->confidence);
  g_string_append (s, "\n  },\n  \"frame_fields\": [");
  for (i = 0; i < G_N_ELEMENTS (frame_fields); i++)
    g_string_append_printf (s, "%s\"%s\"", i ? ", " : "", frame_fields[i]);
  g_string_append (s, "],\n  \"frames\": [\n");
  for (i = 0; i < file->fg.n_frames; i++) {
    const VkAlignFileFrame *f = &file->frames[i];

    g_string_append_printf (s, "    [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
        ", %u, %" G_GINT64_FORMAT ", ", time_value (f->fg_pts),
        time_value (f->fg_duration), f->bg_index, time_value (f->bg_pts));
    append_float (s, f->cost);
    g_string_append (s, i + 1 < file->fg.n_frames ? "],\n" : "]\n");
  }
  g_string_append (s, "  ]\n}\n");
  return g_string_free (s, FALSE);
}

/**
 * vk_align_file_save:
 *
 * Writes @file to @path atomically: a temporary file in the same directory
 * renamed over @path, so that readers see the old file or the new one.
 * Refused when @path is a special file (a device, a FIFO), which the
 * rename would replace.
 */
gboolean
vk_align_file_save (const VkAlignFile * file, const gchar * path,
    GError ** error)
{
  gchar *text;
  GError *err = NULL;
  gboolean ok;

  if (!vk_file_check_replaceable (path, &err)) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_IO,
        "%s", err->message);
    g_error_free (err);
    return FALSE;
  }
  text = vk_align_file_to_string (file);
  ok = g_file_set_contents_full (path, text, -1,
      G_FILE_SET_CONTENTS_CONSISTENT, 0644, &err);
  if (!ok) {
    g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_IO,
        "could not write the alignment file: %s", err->message);
    g_error_free (err);
  }
  g_free (text);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Parser */

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
  for (i = 0; i < G_N_ELEMENTS (region_nicks); i++)
    if (strcmp (region, region_nicks[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (region_nicks))
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
      G_N_ELEMENTS (frame_fields))
    return invalid (error, "%s: must be an array of %u numbers [fg_pts, "
        "fg_duration, bg_index, bg_pts, cost]", ctx,
        (guint) G_N_ELEMENTS (frame_fields));
  for (k = 0; k < 4; k++) {
    gint64 min = k == 1 ? -1 : 0;
    gint64 max = k == 2 ? (gint64) f->bg.n_frames - 1 : MAX_TIME;

    if (!node_int (json_array_get_element (a, k), ctx, frame_fields[k], min,
            max, &v[k], error))
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
              G_N_ELEMENTS (frame_fields), error)))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (frame_fields); i++) {
    JsonNode *e = json_array_get_element (fields, i);

    if (!JSON_NODE_HOLDS_VALUE (e)
        || json_node_get_value_type (e) != G_TYPE_STRING
        || strcmp (json_node_get_string (e), frame_fields[i]) != 0)
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

void
vk_align_file_clear (VkAlignFile * file)
{
  g_free (file->frames);
  memset (file, 0, sizeof (*file));
}

static gboolean
mismatch (GError ** error, const gchar * what, const gchar * field,
    const gchar * have, const gchar * want)
{
  g_set_error (error, VK_ALIGN_FILE_ERROR, VK_ALIGN_FILE_ERROR_MISMATCH,
      "the %s input does not match the alignment file: its %s is %s, the "
      "file was made for %s", what, field, have, want);
  return FALSE;
}

/**
 * vk_align_file_check_input:
 * @file: an alignment file
 * @background: check the bg (else the fg)
 * @id: the input's identity
 * @complete: @id has the frame count and the whole-stream hash (the input
 *   was read to its end); else only size, frame rate, duration and head
 *   hash are compared
 *
 * Returns: %FALSE with @error saying what differs when the input is not
 * the one @file was made for.
 */
gboolean
vk_align_file_check_input (const VkAlignFile * file, gboolean background,
    const VkStreamIdentity * id, gboolean complete, GError ** error)
{
  const VkStreamIdentity *want = background ? &file->bg : &file->fg;
  const gchar *what = background ? "background" : "foreground";
  gchar a[64], b[64];
  gboolean ok = TRUE;

  if (id->width != want->width || id->height != want->height) {
    g_snprintf (a, sizeof (a), "%dx%d", id->width, id->height);
    g_snprintf (b, sizeof (b), "%dx%d", want->width, want->height);
    ok = mismatch (error, what, "frame size", a, b);
  } else if (id->fps_n != want->fps_n || id->fps_d != want->fps_d) {
    g_snprintf (a, sizeof (a), "%d/%d", id->fps_n, id->fps_d);
    g_snprintf (b, sizeof (b), "%d/%d", want->fps_n, want->fps_d);
    ok = mismatch (error, what, "frame rate", a, b);
  } else if (id->duration != want->duration) {
    g_snprintf (a, sizeof (a), "%" G_GINT64_FORMAT " ns",
        time_value (id->duration));
    g_snprintf (b, sizeof (b), "%" G_GINT64_FORMAT " ns",
        time_value (want->duration));
    ok = mismatch (error, what, "duration", a, b);
  } else if (strcmp (id->head_hash, want->head_hash) != 0) {
    ok = mismatch (error, what, "content (head_hash of the first frames)",
        "different", "other pictures");
  } else if (complete && id->n_frames != want->n_frames) {
    g_snprintf (a, sizeof (a), "%u", id->n_frames);
    g_snprintf (b, sizeof (b), "%u", want->n_frames);
    ok = mismatch (error, what, "frame count", a, b);
  } else if (complete && strcmp (id->stream_hash, want->stream_hash) != 0) {
    ok = mismatch (error, what, "content (stream_hash of all frames)",
        "different", "other pictures");
  }
  return ok;
}

/**
 * vk_align_file_bg_timestamps:
 * @file: a valid alignment file
 *
 * The timestamps of all the bg frames, as far as the file tells: those of
 * the mapped frames, the others interpolated between them (and continued
 * at the frame rate beyond them). Non-decreasing.
 *
 * Returns: @file->bg.n_frames timestamps; g_free() them
 */
guint64 *
vk_align_file_bg_timestamps (const VkAlignFile * file)
{
  guint n = file->bg.n_frames, first, last, a, i, j;
  guint64 *t = g_new (guint64, n);
  gdouble d;

  first = file->frames[0].bg_index;
  last = file->frames[file->fg.n_frames - 1].bg_index;
  if (file->bg.fps_n > 0)
    d = 1e9 * file->bg.fps_d / file->bg.fps_n;
  else if (last > first)
    d = (gdouble) (file->frames[file->fg.n_frames - 1].bg_pts -
        file->frames[0].bg_pts) / (last - first);
  else
    d = 1e9 / 25;
  /* a hand-written frame rate of 1/1000000 must not overflow */
  d = CLAMP (d, 0, 1e10);

  /* the mapped frames, and linear between consecutive ones */
  a = first;
  t[a] = file->frames[0].bg_pts;
  for (i = 1; i < file->fg.n_frames; i++) {
    const VkAlignFileFrame *f = &file->frames[i];

    if (f->bg_index == a)
      continue;
    for (j = a + 1; j <= f->bg_index; j++)
      t[j] = t[a] + (guint64) ((gdouble) (f->bg_pts - t[a]) * (j - a) /
          (f->bg_index - a));
    a = f->bg_index;
  }
  for (j = 0; j < first; j++) {
    gdouble v = (gdouble) t[first] - d * (first - j);

    t[j] = v > 0 ? (guint64) v : 0;
  }
  for (j = last + 1; j < n; j++)
    t[j] = t[last] + (guint64) (d * (j - last));
  return t;
}
