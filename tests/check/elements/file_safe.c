/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* file_safe: the alignment and cache files are regular files
 * (gst/vidkompyalign/vkfilesafe.c): a FIFO is refused at once instead of
 * blocking, a link to /dev/zero instead of growing memory without end, a
 * file past the limit before it is read; an alignment file is never written
 * over a special file; vk_file_same () sees one file through links. Each
 * test runs under the check timeout, so a blocking read fails it. */

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700       /* symlink, link, mkfifo under -std=c11 */
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "vkalignfile.h"
#include "vkfilesafe.h"
#include "vk-aligncheck.h"

static gchar *dir;

static gchar *
path_in_dir (const gchar * name)
{
  return g_build_filename (dir, name, NULL);
}

static void
setup (void)
{
  dir = vk_check_tmpdir_new ();
}

static void
teardown (void)
{
  vk_check_tmpdir_remove (dir);
  dir = NULL;
}

static gchar *
make_fifo (void)
{
  gchar *p = path_in_dir ("fifo");

  fail_unless_equals_int (mkfifo (p, 0600), 0);
  return p;
}

/* the error of reading @path with vk_file_read_regular () */
static GError *
read_error (const gchar * path, gsize limit)
{
  GError *err = NULL;
  gchar *data = NULL;
  gsize len = 0;

  fail_if (vk_file_read_regular (path, limit, &data, &len, &err));
  fail_unless (data == NULL && len == 0);
  fail_unless (err != NULL);
  return err;
}

GST_START_TEST (test_read_regular)
{
  gchar *file = path_in_dir ("file"), *big = path_in_dir ("big");
  gchar *slink = path_in_dir ("link"), *data = NULL;
  gsize len = 0;
  GError *err = NULL;

  fail_unless (g_file_set_contents (file, "{\"a\": 1}\n", -1, NULL));
  fail_unless (vk_file_read_regular (file, 64, &data, &len, &err));
  fail_unless_equals_string (data, "{\"a\": 1}\n");
  fail_unless_equals_int (len, 9);
  g_free (data);
  /* through a link: the file it names */
  fail_unless_equals_int (symlink (file, slink), 0);
  fail_unless (vk_file_read_regular (slink, 64, &data, &len, &err));
  fail_unless_equals_int (len, 9);
  g_free (data);
  /* exactly the limit, then one byte more */
  fail_unless (vk_file_read_regular (file, 9, &data, &len, &err));
  g_free (data);
  err = read_error (file, 8);
  fail_unless (g_error_matches (err, VK_FILE_SAFE_ERROR,
          VK_FILE_SAFE_ERROR_TOO_LARGE), "%s", err->message);
  fail_unless (strstr (err->message, "too large (9 bytes; at most 8)"),
      "%s", err->message);
  g_clear_error (&err);
  /* missing */
  err = read_error (big, 8);
  fail_unless (g_error_matches (err, VK_FILE_SAFE_ERROR,
          VK_FILE_SAFE_ERROR_IO), "%s", err->message);
  g_clear_error (&err);
  /* a directory */
  err = read_error (dir, 8);
  fail_unless (strstr (err->message, "directory"), "%s", err->message);
  g_clear_error (&err);
  g_free (file);
  g_free (big);
  g_free (slink);
}

GST_END_TEST;

/* A FIFO with no writer: opening it for reading blocked forever before. */
GST_START_TEST (test_read_fifo)
{
  gchar *fifo = make_fifo ();
  gint64 t0 = g_get_monotonic_time ();
  GError *err = read_error (fifo, 1024);

  fail_unless (g_error_matches (err, VK_FILE_SAFE_ERROR,
          VK_FILE_SAFE_ERROR_NOT_REGULAR), "%s", err->message);
  fail_unless (strstr (err->message, "FIFO"), "%s", err->message);
  fail_unless (g_get_monotonic_time () - t0 < G_USEC_PER_SEC);
  g_clear_error (&err);
  g_free (fifo);
}

GST_END_TEST;

/* A link to /dev/zero: read until memory ran out before. */
GST_START_TEST (test_read_device)
{
  gchar *zero = path_in_dir ("zero");
  GError *err;

  fail_unless_equals_int (symlink ("/dev/zero", zero), 0);
  err = read_error (zero, VK_ALIGN_FILE_MAX_SIZE);
  fail_unless (g_error_matches (err, VK_FILE_SAFE_ERROR,
          VK_FILE_SAFE_ERROR_NOT_REGULAR), "%s", err->message);
  fail_unless (strstr (err->message, "character device"), "%s", err->message);
  g_clear_error (&err);
  fail_unless (!vk_file_check_regular (zero, &err));
  g_clear_error (&err);
  g_free (zero);
}

GST_END_TEST;

/* vk_align_file_load () says what the file is, at once. */
GST_START_TEST (test_load_refusals)
{
  gchar *fifo = make_fifo (), *zero = path_in_dir ("zero");
  VkAlignFile f;
  GError *err = NULL;

  fail_if (vk_align_file_load (fifo, &f, &err));
  fail_unless (g_error_matches (err, VK_ALIGN_FILE_ERROR,
          VK_ALIGN_FILE_ERROR_INVALID), "%s", err->message);
  fail_unless (strstr (err->message, "FIFO"), "%s", err->message);
  g_clear_error (&err);
  fail_unless_equals_int (symlink ("/dev/zero", zero), 0);
  fail_if (vk_align_file_load (zero, &f, &err));
  fail_unless (strstr (err->message, "character device"), "%s", err->message);
  g_clear_error (&err);
  g_free (fifo);
  g_free (zero);
}

GST_END_TEST;

/* Writing an alignment file where a FIFO is (a device such as /dev/full
 * the same): refused, the FIFO left as it was; a regular file is
 * replaced. */
GST_START_TEST (test_save_special)
{
  gchar *fifo = make_fifo (), *file = path_in_dir ("a.json");
  VkAlignFile f;
  GError *err = NULL;
  GStatBuf st;
  gchar *text;

  memset (&f, 0, sizeof (f));
  f.bg.width = f.fg.width = 64;
  f.bg.height = f.fg.height = 48;
  f.scale = 1.0;
  f.rate = 1.0;
  fail_if (vk_align_file_save (&f, fifo, &err));
  fail_unless (strstr (err->message, "FIFO"), "%s", err->message);
  fail_unless (strstr (err->message, "not replaced"), "%s", err->message);
  g_clear_error (&err);
  fail_unless_equals_int (g_stat (fifo, &st), 0);
  fail_unless (S_ISFIFO (st.st_mode));
  /* /dev/full by its own name: refused before anything is written */
  fail_unless (!vk_file_check_replaceable ("/dev/full", &err));
  fail_unless (strstr (err->message, "character device"), "%s", err->message);
  g_clear_error (&err);
  /* a regular file, or none yet: written */
  fail_unless (vk_file_check_replaceable (file, NULL));
  fail_unless (g_file_set_contents (file, "old", -1, NULL));
  fail_unless (vk_file_check_replaceable (file, NULL));
  fail_unless (vk_align_file_save (&f, file, &err), "%s",
      err ? err->message : "");
  fail_unless (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  fail_unless (g_file_get_contents (file, &text, NULL, NULL));
  fail_unless (strstr (text, VK_ALIGN_FILE_FORMAT) != NULL, "%s", text);
  g_free (text);
  g_free (fifo);
  g_free (file);
}

GST_END_TEST;

/* One file by whatever path or link. */
GST_START_TEST (test_same)
{
  gchar *file = path_in_dir ("file"), *hard = path_in_dir ("hard");
  gchar *slink = path_in_dir ("link"), *other = path_in_dir ("big");
  gchar *base = g_path_get_basename (dir);
  gchar *dotted = g_build_filename (dir, "..", base, "file", NULL);

  fail_unless (g_file_set_contents (file, "x", -1, NULL));
  fail_unless (g_file_set_contents (other, "x", -1, NULL));
  fail_unless_equals_int (link (file, hard), 0);
  fail_unless_equals_int (symlink (file, slink), 0);
  fail_unless (vk_file_same (file, file));
  fail_unless (vk_file_same (file, hard));
  fail_unless (vk_file_same (slink, file));
  fail_unless (vk_file_same (dotted, file));
  fail_if (vk_file_same (file, other));
  fail_if (vk_file_same (file, NULL));
  g_unlink (other);
  fail_if (vk_file_same (other, other));        /* not there */
  g_free (file);
  g_free (hard);
  g_free (slink);
  g_free (other);
  g_free (base);
  g_free (dotted);
}

GST_END_TEST;

static Suite *
file_safe_suite (void)
{
  Suite *s = suite_create ("file_safe");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 20);
  tcase_add_test (tc, test_read_regular);
  tcase_add_test (tc, test_read_fifo);
  tcase_add_test (tc, test_read_device);
  tcase_add_test (tc, test_load_refusals);
  tcase_add_test (tc, test_save_special);
  tcase_add_test (tc, test_same);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (file_safe);
