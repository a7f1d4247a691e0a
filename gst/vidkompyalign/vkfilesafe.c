/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Regular files only: see vkfilesafe.h. */

#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700       /* O_CLOEXEC, S_ISSOCK under -std=c11 */
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vkfilesafe.h"

/* what a file that is not a regular one is, for the messages */
static const gchar *
kind_of (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

G_DEFINE_QUARK (vk - file - safe - error - quark, vk_file_safe_error);

static void
set_errno (GError ** error)
{
  g_set_error (error, VK_FILE_SAFE_ERROR, VK_FILE_SAFE_ERROR_IO, "%s",
      g_strerror (errno));
}

/* @stat_result: what stat () or fstat () returned for @st; FALSE with
 * @error set unless it is a regular file */
static gboolean
is_regular (int stat_result, const struct stat *st, GError ** error)
{
  if (stat_result != 0) {
    set_errno (error);
    return FALSE;
  }
  if (!S_ISREG (st->st_mode)) {
    g_set_error (error, VK_FILE_SAFE_ERROR, VK_FILE_SAFE_ERROR_NOT_REGULAR,
        "it is %s, not a regular file", kind_of (st->st_mode));
    return FALSE;
  }
  return TRUE;
}

/**
 * vk_file_read_regular:
 * @path: the file
 * @limit: the largest size accepted, bytes
 * @data: (out): its contents, NUL-terminated; free with g_free()
 * @length: (out): their length
 *
 * Reads the regular file @path (or the regular file a link names). The
 * file is opened non-blocking, so that opening a FIFO cannot block, and
 * checked with fstat() before anything is read: a FIFO, a device (such as
 * a link to /dev/zero), a socket or a directory is refused, and so is a
 * file larger than @limit, or one that grows past it while it is read.
 *
 * Returns: %FALSE with @error set (#VK_FILE_SAFE_ERROR) when it is
 * refused or cannot be read.
 */
gboolean
vk_file_read_regular (const gchar * path, gsize limit, gchar ** data,
    gsize * length, GError ** error)
{
  struct stat st;
  gchar *buf = NULL;
  gsize size = 0, cap;
  int fd;

  *data = NULL;
  *length = 0;
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0) {
    set_errno (error);
    return FALSE;
  }
  if (!is_regular (fstat (fd, &st), &st, error))
    goto fail;
  if ((guint64) st.st_size > limit) {
    g_set_error (error, VK_FILE_SAFE_ERROR, VK_FILE_SAFE_ERROR_TOO_LARGE,
        "too large (%" G_GUINT64_FORMAT " bytes; at most %" G_GSIZE_FORMAT
        ")", (guint64) st.st_size, limit);
    goto fail;
  }
  /* the size read may differ from fstat's: read to the end, within the
   * limit (one byte more tells a file past it) */
  cap = (gsize) st.st_size + 1;
  buf = g_malloc (cap + 1);
  for (;;) {
    gssize n;

    if (size == cap) {
      if (cap > limit)
        goto too_large;
      cap = MIN (2 * cap, limit + 1);
      buf = g_realloc (buf, cap + 1);
    }
    n = read (fd, buf + size, cap - size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_errno (error);
      goto fail;
    }
    if (n == 0)
      break;
    size += n;
  }
  if (size > limit)
    goto too_large;
  g_close (fd, NULL);
  buf[size] = '\0';
  *data = buf;
  *length = size;
  return TRUE;

too_large:
  g_set_error (error, VK_FILE_SAFE_ERROR, VK_FILE_SAFE_ERROR_TOO_LARGE,
      "too large (it grew past %" G_GSIZE_FORMAT " bytes while read)", limit);
fail:
  g_free (buf);
  g_close (fd, NULL);
  return FALSE;
}

/**
 * vk_file_check_regular:
 *
 * Whether @path is a regular file (or a link to one), without opening it.
 *
 * Returns: %FALSE with @error set (%VK_FILE_SAFE_ERROR_IO when it does not
 * exist, %VK_FILE_SAFE_ERROR_NOT_REGULAR for a FIFO, a device, ...).
 */
gboolean
vk_file_check_regular (const gchar * path, GError ** error)
{
  struct stat st;

  return is_regular (stat (path, &st), &st, error);
}

/**
 * vk_file_check_replaceable:
 *
 * Whether a file may be written at @path by writing a new file and renaming
 * it there: when nothing is there yet, or a regular file (or a link to
 * one). A FIFO, a device (e.g. /dev/full), a socket or a directory would be
 * replaced by the rename: refused.
 *
 * Returns: %FALSE with @error set (%VK_FILE_SAFE_ERROR_NOT_REGULAR) when
 * refused.
 */
gboolean
vk_file_check_replaceable (const gchar * path, GError ** error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || S_ISREG (st.st_mode))
    return TRUE;
  g_set_error (error, VK_FILE_SAFE_ERROR, VK_FILE_SAFE_ERROR_NOT_REGULAR,
      "%s is %s, not a regular file: it is not replaced", path,
      kind_of (st.st_mode));
  return FALSE;
}

/**
 * vk_file_same:
 *
 * Whether the paths @a and @b name the same existing file (the same inode
 * on the same device, whatever links or other paths lead there).
 */
gboolean
vk_file_same (const gchar * a, const gchar * b)
{
  GStatBuf sa, sb;

  return a && b && g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0
      && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
