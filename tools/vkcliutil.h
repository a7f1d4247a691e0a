/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkcliutil: the pure helpers of the vidkompy command (file names,
 * containers, progress text, the audio segment of the bg fallback), unit
 * tested without a pipeline. */

#ifndef __VK_CLI_UTIL_H__
#define __VK_CLI_UTIL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * VkExit:
 * The exit codes of the vidkompy command (listed in `vidkompy --help`).
 */
typedef enum
{
  VK_EXIT_OK = 0,
  VK_EXIT_FAILED = 1,           /* processing failed (a pipeline error) */
  VK_EXIT_USAGE = 2,            /* bad command line */
  VK_EXIT_INPUT = 3,            /* an input is missing or unreadable */
  VK_EXIT_NO_VIDEO = 4,         /* an input has no video */
  VK_EXIT_NO_OVERLAP = 5,       /* the fg was not found in the bg */
  VK_EXIT_OUTPUT = 6,           /* output exists (--no-clobber) or unwritable */
  VK_EXIT_INTERRUPTED = 130,    /* Ctrl-C */
} VkExit;

#define VK_EXIT_CODES_HELP \
  "Exit codes:\n" \
  "  0    success\n" \
  "  1    processing failed (decoding, encoding or alignment error)\n" \
  "  2    bad command line\n" \
  "  3    an input file is missing or unreadable\n" \
  "  4    an input file has no video\n" \
  "  5    no overlap: the foreground was not found in the background\n" \
  "  6    the output exists and --no-clobber was given, it cannot be written,\n" \
  "       or it is an input or a special file (never replaced)\n" \
  "  130  interrupted (Ctrl-C or SIGTERM); no output file is left behind\n"

typedef enum
{
  VK_CONTAINER_UNKNOWN,
  VK_CONTAINER_MP4,
  VK_CONTAINER_MKV,
  VK_CONTAINER_WEBM,
} VkContainer;

gchar *vk_cli_stem (const gchar * path);

gchar *vk_cli_default_output (const gchar * bg, const gchar * fg);

VkContainer vk_cli_container_for (const gchar * path);

gchar *vk_cli_temp_name (const gchar * out, guint unique);

gchar *vk_cli_format_time (gdouble seconds);

gdouble vk_cli_eta (gdouble elapsed, gdouble percent);

gchar *vk_cli_progress_text (const gchar * phase, gdouble percent,
    gdouble fps, gdouble eta, gint bar_width);

gboolean vk_cli_shift_segment (GstSegment * segment, gint64 offset,
    gdouble rate, GstClockTime duration);

G_END_DECLS

#endif /* __VK_CLI_UTIL_H__ */
