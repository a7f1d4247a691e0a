/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The vidkompy command: `vidkompy comp` aligns and composites two media
 * files, `vidkompy align` finds an image or video frame in another. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <locale.h>
#include <stdio.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif

#include "vkcli.h"

/* glibc's malloc arenas of the process (mallopt (M_ARENA_MAX)): one. The
 * decoded frames (2-3 MB each at 1080p) are allocated by the decoders'
 * threads and freed by others (the aligner's, the encoder's), and each of
 * glibc's per-thread arenas keeps the high-water mark of what it held,
 * freed or not: vidkompy comp --mode streaming on the 8-s 1080p60 pair
 * peaked at 650-670 MB of RSS against 550 MB of memory in use (the same
 * run with every frame mmap ()ed), the default mode at 300 against 263 MB;
 * one arena peaks at what is in use, at the same CPU time */
#define MALLOC_ARENAS 1

static void
limit_malloc_arenas (void)
{
#ifdef HAVE_MALLOPT
  mallopt (M_ARENA_MAX, MALLOC_ARENAS);
#endif
}

static void
print_usage (FILE * f)
{
  fprintf (f, "Usage:\n"
      "  vidkompy comp --bg BG --fg FG [-o OUT] [OPTION...]\n"
      "      Finds the foreground video FG inside the background video BG, "
      "retimes BG\n"
      "      onto FG frame by frame and composites FG there into OUT "
      "(default\n"
      "      {bg-stem}_overlay_{fg-stem}.mp4 in the current folder; H.264 "
      "+ AAC in MP4,\n"
      "      .mkv and .webm by extension). `vidkompy comp --help` lists "
      "the options.\n"
      "  vidkompy align FG BG [--precision 0-4] [--json]\n"
      "      Finds the image or video frame FG inside the image or video BG "
      "and prints\n"
      "      its position, scale and confidence.\n"
      "  vidkompy --version\n\n%s", VK_EXIT_CODES_HELP);
}

int
main (int argc, char **argv)
{
  /* (before any thread is made) */
  limit_malloc_arenas ();
  setlocale (LC_ALL, "");
  vk_cli_json_errors (argc, argv);
  if (argc < 2 || strcmp (argv[1], "--help") == 0
      || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0) {
    print_usage (argc < 2 ? stderr : stdout);
    return vk_cli_finish (argc < 2 ? VK_EXIT_USAGE : VK_EXIT_OK);
  }
  if (strcmp (argv[1], "--version") == 0) {
    printf ("vidkompy %s (%s)\n", VERSION, GST_PACKAGE_NAME);
    return VK_EXIT_OK;
  }
  if (strcmp (argv[1], "comp") == 0)
    return vk_cli_finish (vk_cli_comp (argc - 1, argv + 1));
  if (strcmp (argv[1], "align") == 0)
    return vk_cli_finish (vk_cli_align (argc - 1, argv + 1));
  vk_cli_error ("unknown command \"%s\" (commands: comp, align; see "
      "vidkompy --help)", argv[1]);
  return vk_cli_finish (VK_EXIT_USAGE);
}
