/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The alignment file: writer, input identities and cache key, and the
 * checks of a loaded file against the inputs. The format is documented in
 * docs/vidkompyalign.md; its strict parser is vkalignfileparse.c. */

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

G_DEFINE_QUARK (vk - align - file - error - quark, vk_align_file_error);

const gchar *const vk_align_frame_fields[VK_ALIGN_N_FRAME_FIELDS] =
    { "fg_pts", "fg_duration", "bg_index", "bg_pts", "cost" };

const gchar *const vk_align_region_nicks[VK_ALIGN_N_REGIONS] =
    { "auto", "mask", "full" };

const gchar *
vk_match_region_nick (VkMatchRegion region)
{
  return (guint) region < VK_ALIGN_N_REGIONS ?
      vk_align_region_nicks[region] : "auto";
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
  for (i = 0; i < VK_ALIGN_N_FRAME_FIELDS; i++)
    g_string_append_printf (s, "%s\"%s\"", i ? ", " : "",
        vk_align_frame_fields[i]);
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
