/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignfile without a pipeline: the alignment file's round trip, every
 * refusal of the parser with its message, identity hashes, the input check,
 * the cache key and the bg timestamps read from a file. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "vkalignfile.h"

#define N_BG 10
#define N_FG 6

#define HASH_A \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
static const gchar *hash_a = HASH_A;
static const gchar *hash_b =
    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/* a small alignment: fg at 30 fps over a bg at 24 fps from bg frame 2 */
static void
make_file (VkAlignFile * f)
{
  guint i;

  memset (f, 0, sizeof (*f));
  f->bg.width = 320;
  f->bg.height = 180;
  f->bg.fps_n = 24;
  f->bg.fps_d = 1;
  f->bg.duration = N_BG * GST_SECOND / 24;
  f->bg.n_frames = N_BG;
  g_strlcpy (f->bg.head_hash, hash_a, 65);
  g_strlcpy (f->bg.stream_hash, hash_b, 65);
  f->fg.width = 160;
  f->fg.height = 90;
  f->fg.fps_n = 30000;
  f->fg.fps_d = 1001;
  f->fg.duration = VK_TIME_NONE;
  f->fg.n_frames = N_FG;
  g_strlcpy (f->fg.head_hash, hash_b, 65);
  g_strlcpy (f->fg.stream_hash, hash_a, 65);
  f->options.fixed_position = TRUE;
  f->options.x = -3;
  f->options.y = 7;
  f->options.scale = 0;
  f->options.unscaled = TRUE;
  f->options.window = 2 * GST_SECOND;
  f->options.drift_tolerance = 150;
  f->options.match_region = VK_MATCH_REGION_MASK;
  f->x = 41;
  f->y = 31;
  f->scale = 1.0 / 3.0;
  f->spatial_confidence = 0.998875874172;
  f->offset = 2.1;
  f->rate = 0.8;
  f->confidence = 0.1;
  f->frames = g_new (VkAlignFileFrame, N_FG);
  for (i = 0; i < N_FG; i++) {
    VkAlignFileFrame *fr = &f->frames[i];

    fr->fg_pts = 1000 + gst_util_uint64_scale (i, 1001 * GST_SECOND, 30000);
    fr->fg_duration = i == N_FG - 1 ? VK_TIME_NONE : 33366666;
    fr->bg_index = 2 + (i * 4) / 5;
    fr->bg_pts = gst_util_uint64_scale (fr->bg_index, GST_SECOND, 24);
    fr->cost = 0.1f * i + 1e-7f;
  }
}

static void
assert_identity_equal (const VkStreamIdentity * a, const VkStreamIdentity * b)
{
  fail_unless_equals_int (a->width, b->width);
  fail_unless_equals_int (a->height, b->height);
  fail_unless_equals_int (a->fps_n, b->fps_n);
  fail_unless_equals_int (a->fps_d, b->fps_d);
  fail_unless_equals_uint64 (a->duration, b->duration);
  fail_unless_equals_int (a->n_frames, b->n_frames);
  fail_unless_equals_string (a->head_hash, b->head_hash);
  fail_unless_equals_string (a->stream_hash, b->stream_hash);
}

static void
assert_file_equal (const VkAlignFile * a, const VkAlignFile * b)
{
  guint i;

  assert_identity_equal (&a->bg, &b->bg);
  assert_identity_equal (&a->fg, &b->fg);
  fail_unless_equals_int (a->options.fixed_position, b->options.fixed_position);
  fail_unless_equals_int (a->options.x, b->options.x);
  fail_unless_equals_int (a->options.y, b->options.y);
  fail_unless (a->options.scale == b->options.scale);
  fail_unless_equals_int (a->options.unscaled, b->options.unscaled);
  fail_unless_equals_uint64 (a->options.window, b->options.window);
  fail_unless_equals_int (a->options.drift_tolerance,
      b->options.drift_tolerance);
  fail_unless_equals_int (a->options.match_region, b->options.match_region);
  fail_unless_equals_int (a->x, b->x);
  fail_unless_equals_int (a->y, b->y);
  /* exact: a file read back renders exactly what was written */
  fail_unless (a->scale == b->scale, "%.17g != %.17g", a->scale, b->scale);
  fail_unless (a->spatial_confidence == b->spatial_confidence);
  fail_unless (a->offset == b->offset);
  fail_unless (a->rate == b->rate);
  fail_unless (a->confidence == b->confidence);
  for (i = 0; i < a->fg.n_frames; i++) {
    fail_unless_equals_uint64 (a->frames[i].fg_pts, b->frames[i].fg_pts);
    fail_unless_equals_uint64 (a->frames[i].fg_duration,
        b->frames[i].fg_duration);
    fail_unless_equals_int (a->frames[i].bg_index, b->frames[i].bg_index);
    fail_unless_equals_uint64 (a->frames[i].bg_pts, b->frames[i].bg_pts);
    fail_unless (a->frames[i].cost == b->frames[i].cost, "frame %u cost", i);
  }
}

GST_START_TEST (test_round_trip)
{
  VkAlignFile f, g;
  GError *err = NULL;
  gchar *text, *dir, *path, **lines;
  guint i, n_frame_lines = 0;
  GDir *d;

  make_file (&f);
  text = vk_align_file_to_string (&f);
  fail_unless (vk_align_file_parse (text, strlen (text), &g, &err), "%s",
      err ? err->message : "");
  assert_file_equal (&f, &g);
  vk_align_file_clear (&g);

  /* readable: pretty printed, one frame a line */
  fail_unless (strstr (text, "\"format\": \"vidkompy-alignment\"") != NULL);
  fail_unless (strstr (text, "\"version\": 1") != NULL);
  fail_unless (strstr (text, "    [1000, 33366666, 2, 83333333, 1e-07],\n")
      != NULL, "%s", text);
  fail_unless (strstr (text, "\"scale\": 0.3333333333333333") != NULL);
  fail_unless (strstr (text, "\"confidence\": 0.1\n") != NULL);
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "    ["))
      n_frame_lines++;
  fail_unless_equals_int (n_frame_lines, N_FG);
  g_strfreev (lines);

  /* through a file; the temporary file of the atomic write is gone */
  dir = g_dir_make_tmp ("vk-alignfile-XXXXXX", NULL);
  path = g_build_filename (dir, "a.json", NULL);
  fail_unless (vk_align_file_save (&f, path, &err), "%s", err->message);
  fail_unless (vk_align_file_load (path, &g, &err), "%s", err->message);
  assert_file_equal (&f, &g);
  vk_align_file_clear (&g);
  d = g_dir_open (dir, 0, NULL);
  fail_unless_equals_string (g_dir_read_name (d), "a.json");
  fail_unless (g_dir_read_name (d) == NULL);
  g_dir_close (d);

  /* an unwritable place: an error, no crash */
  fail_if (vk_align_file_save (&f, "/nonexistent/dir/a.json", &err));
  fail_unless (g_error_matches (err, VK_ALIGN_FILE_ERROR,
          VK_ALIGN_FILE_ERROR_IO));
  g_clear_error (&err);
  fail_if (vk_align_file_load ("/nonexistent/a.json", &g, &err));
  fail_unless (strstr (err->message, "could not read it") != NULL);
  g_clear_error (&err);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (text);
  vk_align_file_clear (&f);
}

GST_END_TEST;

typedef struct
{
  const gchar *name;
  const gchar *find;            /* replaced in the valid document */
  const gchar *replace;
  gint code;
  const gchar *message;         /* part of the error message */
} Refusal;

static const Refusal refusals[] = {
  {"empty", NULL, "", VK_ALIGN_FILE_ERROR_SYNTAX, "empty document"},
  {"only spaces", NULL, " \n ", VK_ALIGN_FILE_ERROR_SYNTAX, "empty document"},
  {"not an object", NULL, "[1, 2]", VK_ALIGN_FILE_ERROR_FORMAT,
      "not a JSON object"},
  {"other format", "\"vidkompy-alignment\"", "\"something\"",
      VK_ALIGN_FILE_ERROR_FORMAT, "\"format\" must be \"vidkompy-alignment\""},
  {"newer version", "\"version\": 1", "\"version\": 2",
      VK_ALIGN_FILE_ERROR_VERSION, "unsupported version 2"},
  {"version as string", "\"version\": 1", "\"version\": \"1\"",
      VK_ALIGN_FILE_ERROR_VERSION, "\"version\" is missing or not an integer"},
  {"missing field", "    \"frame_count\": 10,\n", "",
        VK_ALIGN_FILE_ERROR_INVALID,
      "background: missing field \"frame_count\""},
  {"missing object", "\"spatial\"", "\"spatia\"", VK_ALIGN_FILE_ERROR_INVALID,
      "document: missing field \"spatial\""},
  {"wrong type", "\"width\": 320", "\"width\": \"320\"",
      VK_ALIGN_FILE_ERROR_INVALID, "background: \"width\" must be an integer"},
  {"float for an integer", "\"width\": 320", "\"width\": 320.5",
      VK_ALIGN_FILE_ERROR_INVALID, "\"width\" must be an integer"},
  {"negative size", "\"width\": 160", "\"width\": -160",
        VK_ALIGN_FILE_ERROR_INVALID,
      "foreground: \"width\" is -160, out of the range 1..32768"},
  {"huge integer", "\"window\": 2000000000",
        "\"window\": 99999999999999999999999999",
      VK_ALIGN_FILE_ERROR_INVALID, "window"},
  {"huge number", "\"rate\": 0.8", "\"rate\": 1e999",
      VK_ALIGN_FILE_ERROR_INVALID, "temporal: \"rate\" is inf, out of"},
  {"big number", "\"rate\": 0.8", "\"rate\": 1e300",
      VK_ALIGN_FILE_ERROR_INVALID, "temporal: \"rate\" is 1e+300, out of"},
  {"bad hash", HASH_A, "0123", VK_ALIGN_FILE_ERROR_INVALID,
      "\"head_hash\" must be 64 lower-case hexadecimal digits"},
  {"bad region", "\"mask\"", "\"masked\"", VK_ALIGN_FILE_ERROR_INVALID,
      "\"match_region\" must be \"auto\", \"mask\" or \"full\""},
  {"bad fields", "\"cost\"]", "\"score\"]", VK_ALIGN_FILE_ERROR_INVALID,
      "\"frame_fields\" must be"},
  {"bg index out of range", "[1000, 33366666, 2,", "[1000, 33366666, 10,",
        VK_ALIGN_FILE_ERROR_INVALID,
      "frames[0]: \"bg_index\" is 10, out of the range 0..9"},
  {"short frame line", "[1000, 33366666, 2, 83333333, 1e-07]",
        "[1000, 33366666, 2, 83333333]", VK_ALIGN_FILE_ERROR_INVALID,
      "frames[0]: must be an array of 5 numbers"},
  {"frame count", "\"frame_count\": 6", "\"frame_count\": 7",
        VK_ALIGN_FILE_ERROR_INVALID,
      "\"frames\" has 6 lines but the foreground has 7 frames"},
  {"giant frame count", "\"frame_count\": 6", "\"frame_count\": 900000000",
      VK_ALIGN_FILE_ERROR_INVALID, "out of the range 1..2097152"},
  {"backwards", "[1000, 33366666, 2,", "[1000, 33366666, 4,",
        VK_ALIGN_FILE_ERROR_INVALID,
      "frames[1]: bg_index 2 is before the previous frame's 4"},
  {"fg pts not increasing", "[1000, 33366666, 2,", "[99000000, 33366666, 2,",
        VK_ALIGN_FILE_ERROR_INVALID,
      "frames[1]: fg_pts 33367666 does not follow"},
  {"bg pts disagree", "2, 83333333, 1e-07]", "2, 83333334, 1e-07]",
        VK_ALIGN_FILE_ERROR_INVALID,
      "frames[1]: bg_pts 83333333 of bg frame 2 does not agree"},
  {"negative cost", "1e-07]", "-1]", VK_ALIGN_FILE_ERROR_INVALID,
      "frames[0]: \"cost\" is -1, out of the range"},
  {"NaN", "1e-07]", "NaN]", VK_ALIGN_FILE_ERROR_SYNTAX, "not valid JSON"},
  {"deep nesting", "\"generator\"", "\"x\": [[[[[[[[[[[[1]]]]]]]]]]]],"
        " \"generator\"", VK_ALIGN_FILE_ERROR_INVALID, "nested more than"},
  {"invalid UTF-8", "gst-vidkompy", "gst-vidkompy\xff",
      VK_ALIGN_FILE_ERROR_SYNTAX, "not valid UTF-8"},
};

static gchar *
replace_once (const gchar * text, const gchar * find, const gchar * replace)
{
  const gchar *at = strstr (text, find);

  fail_unless (at != NULL, "\"%s\" not in the document", find);
  return g_strdup_printf ("%.*s%s%s", (gint) (at - text), text, replace,
      at + strlen (find));
}

GST_START_TEST (test_refusals)
{
  const Refusal *r = &refusals[__i__];
  VkAlignFile f, g;
  GError *err = NULL;
  gchar *text, *bad;

  make_file (&f);
  text = vk_align_file_to_string (&f);
  bad = r->find ? replace_once (text, r->find, r->replace) :
      g_strdup (r->replace);
  fail_if (vk_align_file_parse (bad, strlen (bad), &g, &err), "%s accepted",
      r->name);
  fail_unless (err != NULL);
  GST_INFO ("%s: %s", r->name, err->message);
  fail_unless (err->domain == VK_ALIGN_FILE_ERROR);
  fail_unless_equals_int (err->code, r->code);
  fail_unless (strstr (err->message, r->message) != NULL,
      "%s: \"%s\" does not say \"%s\"", r->name, err->message, r->message);
  fail_unless (g.frames == NULL);
  g_error_free (err);
  g_free (bad);
  g_free (text);
  vk_align_file_clear (&f);
}

GST_END_TEST;

/* every prefix of a valid document (a truncated file) is refused */
GST_START_TEST (test_truncated)
{
  VkAlignFile f, g;
  gchar *text;
  gsize len, i;

  make_file (&f);
  text = vk_align_file_to_string (&f);
  len = strlen (text);
  for (i = 0; i < len; i++) {
    GError *err = NULL;

    /* the closing brace and the newline after it are all that may go */
    if (i >= len - 1)
      break;
    fail_if (vk_align_file_parse (text, i, &g, &err), "prefix of %u bytes "
        "accepted", (guint) i);
    g_error_free (err);
  }
  g_free (text);
  vk_align_file_clear (&f);
}

GST_END_TEST;

/* hostile sizes are refused before json-glib builds the document */
GST_START_TEST (test_hostile_sizes)
{
  VkAlignFile f;
  GError *err = NULL;
  GString *doc = g_string_new ("{\"format\": \"vidkompy-alignment\", "
      "\"x\": [0");
  gchar *dir, *path;
  gint fd;
  guint i;

  /* a giant array of small values: as much memory as the largest valid
   * file at most */
  for (i = 0; i < VK_ALIGN_FILE_MAX_VALUES; i++)
    g_string_append (doc, ",0");
  g_string_append (doc, "]}");
  fail_if (vk_align_file_parse (doc->str, doc->len, &f, &err));
  fail_unless (strstr (err->message, "more than 12587008 values") != NULL,
      "%s", err->message);
  g_clear_error (&err);
  g_string_free (doc, TRUE);

  /* a file over the size limit (sparse: no disk used) */
  dir = g_dir_make_tmp ("vk-alignfile-XXXXXX", NULL);
  path = g_build_filename (dir, "big.json", NULL);
  fd = g_open (path, O_CREAT | O_WRONLY, 0644);
  fail_unless (fd >= 0);
  fail_unless (ftruncate (fd, VK_ALIGN_FILE_MAX_SIZE + 1) == 0);
  close (fd);
  fail_if (vk_align_file_load (path, &f, &err));
  fail_unless (strstr (err->message, "too large (201326593 bytes; at most "
          "201326592)") != NULL, "%s", err->message);
  g_clear_error (&err);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* a file without its hashes' inputs: what differs is said */
GST_START_TEST (test_check_input)
{
  static const struct
  {
    const gchar *field;
    const gchar *message;
  } cases[] = {
    {"size", "the background input does not match the alignment file: its "
          "frame size is 640x360, the file was made for 320x180"},
    {"fps", "its frame rate is 25/1, the file was made for 24/1"},
    {"duration", "its duration is -1 ns"},
    {"head", "content (head_hash of the first frames)"},
    {"count", "its frame count is 11, the file was made for 10"},
    {"stream", "content (stream_hash of all frames)"},
  };
  VkAlignFile f;
  guint i;

  make_file (&f);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    VkStreamIdentity id = f.bg;
    GError *err = NULL;

    fail_unless (vk_align_file_check_input (&f, TRUE, &id, TRUE, NULL));
    if (i == 0)
      id.width = 640, id.height = 360;
    else if (i == 1)
      id.fps_n = 25;
    else if (i == 2)
      id.duration = VK_TIME_NONE;
    else if (i == 3)
      id.head_hash[0] = 'f';
    else if (i == 4)
      id.n_frames = 11;
    else
      id.stream_hash[0] = '0';
    fail_if (vk_align_file_check_input (&f, TRUE, &id, TRUE, &err), "%s "
        "accepted", cases[i].field);
    fail_unless (g_error_matches (err, VK_ALIGN_FILE_ERROR,
            VK_ALIGN_FILE_ERROR_MISMATCH));
    fail_unless (strstr (err->message, cases[i].message) != NULL,
        "%s: %s", cases[i].field, err->message);
    g_error_free (err);
    /* before the end, the count and the whole hash are not compared */
    fail_unless_equals_int (vk_align_file_check_input (&f, TRUE, &id, FALSE,
            NULL), i >= 4);
  }
  /* the fg is told apart from the bg */
  fail_if (vk_align_file_check_input (&f, FALSE, &f.bg, FALSE, NULL));
  fail_unless (vk_align_file_check_input (&f, FALSE, &f.fg, TRUE, NULL));
  vk_align_file_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_hasher)
{
  VkIdentityHasher h;
  VkStreamIdentity id;
  guint8 fp[4] = { 1, 2, 3, 4 };
  gchar *first16 = NULL;
  GChecksum *c;
  guint i;

  vk_identity_hasher_init (&h);
  vk_identity_hasher_get (&h, TRUE, &id);
  /* SHA-256 of nothing */
  fail_unless_equals_string (id.head_hash,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  fail_unless_equals_string (id.stream_hash, id.head_hash);
  fail_unless_equals_int (id.n_frames, 0);

  c = g_checksum_new (G_CHECKSUM_SHA256);
  for (i = 0; i < 40; i++) {
    fp[0] = i;
    vk_identity_hasher_add (&h, fp, sizeof (fp));
    g_checksum_update (c, fp, sizeof (fp));
    if (i + 1 == VK_IDENTITY_HEAD_FRAMES) {
      GChecksum *head = g_checksum_copy (c);

      first16 = g_strdup (g_checksum_get_string (head));
      g_checksum_free (head);
    }
    fail_unless_equals_int (vk_identity_hasher_head_done (&h),
        i + 1 >= VK_IDENTITY_HEAD_FRAMES);
  }
  vk_identity_hasher_get (&h, FALSE, &id);
  fail_unless_equals_string (id.head_hash, first16);
  fail_unless_equals_string (id.stream_hash, "");
  fail_unless_equals_int (id.n_frames, 0);
  vk_identity_hasher_get (&h, TRUE, &id);
  fail_unless_equals_string (id.stream_hash, g_checksum_get_string (c));
  fail_unless_equals_int (id.n_frames, 40);

  vk_identity_hasher_reset (&h);
  fail_if (vk_identity_hasher_head_done (&h));
  vk_identity_hasher_clear (&h);
  g_checksum_free (c);
  g_free (first16);
}

GST_END_TEST;

GST_START_TEST (test_cache_key)
{
  VkAlignFile f;
  VkAlignFileOptions o;
  VkStreamIdentity bg;
  gchar *k0, *k;

  make_file (&f);
  k0 = vk_align_cache_key (&f.bg, &f.fg, &f.options);
  fail_unless_equals_int (strlen (k0), 64);

  /* the frame count and whole hash are not known before the end: not in
   * the key */
  bg = f.bg;
  bg.n_frames = 0;
  bg.stream_hash[0] = '\0';
  k = vk_align_cache_key (&bg, &f.fg, &f.options);
  fail_unless_equals_string (k, k0);
  g_free (k);

  /* inputs swapped, another head, another option: other keys */
  k = vk_align_cache_key (&f.fg, &f.bg, &f.options);
  fail_if (g_str_equal (k, k0));
  g_free (k);
  bg.head_hash[5] = 'f';
  k = vk_align_cache_key (&bg, &f.fg, &f.options);
  fail_if (g_str_equal (k, k0));
  g_free (k);
  o = f.options;
  o.drift_tolerance = 80;
  k = vk_align_cache_key (&f.bg, &f.fg, &o);
  fail_if (g_str_equal (k, k0));
  g_free (k);
  o = f.options;
  o.fixed_position = FALSE;
  k = vk_align_cache_key (&f.bg, &f.fg, &o);
  fail_if (g_str_equal (k, k0));
  g_free (k);

  g_free (k0);
  vk_align_file_clear (&f);
}

GST_END_TEST;

GST_START_TEST (test_bg_timestamps)
{
  VkAlignFile f;
  guint64 *t;
  guint j;

  /* mapped bg frames 2, 2, 3, 4, 5, 6 at 1/24 s: the others continue at
   * 24 fps */
  make_file (&f);
  t = vk_align_file_bg_timestamps (&f);
  for (j = 0; j < N_BG; j++)
    fail_unless (ABS ((gint64) t[j] - (gint64) gst_util_uint64_scale (j,
                GST_SECOND, 24)) <= 1, "bg frame %u at %" G_GUINT64_FORMAT,
        j, t[j]);
  g_free (t);

  /* a hand-edited map that skips bg frames: interpolated between them */
  f.frames[3].bg_index = 6;
  f.frames[3].bg_pts = 300000000;
  f.frames[4].bg_index = f.frames[5].bg_index = 8;
  f.frames[4].bg_pts = f.frames[5].bg_pts = 400000000;
  t = vk_align_file_bg_timestamps (&f);
  fail_unless_equals_uint64 (t[6], 300000000);
  fail_unless_equals_uint64 (t[7], 350000000);
  fail_unless_equals_uint64 (t[8], 400000000);
  for (j = 1; j < N_BG; j++)
    fail_unless (t[j] >= t[j - 1]);
  g_free (t);
  vk_align_file_clear (&f);
}

GST_END_TEST;

static Suite *
align_file_suite (void)
{
  Suite *s = suite_create ("vkalignfile");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_round_trip);
  tcase_add_loop_test (tc, test_refusals, 0, G_N_ELEMENTS (refusals));
  tcase_add_test (tc, test_truncated);
  tcase_add_test (tc, test_hostile_sizes);
  tcase_add_test (tc, test_check_input);
  tcase_add_test (tc, test_hasher);
  tcase_add_test (tc, test_cache_key);
  tcase_add_test (tc, test_bg_timestamps);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (align_file);
