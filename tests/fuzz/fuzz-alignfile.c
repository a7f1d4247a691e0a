/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* libFuzzer harness of the alignment file parser (vk_align_file_parse).
 * Every input must be parsed or refused with an error, never crash, hang,
 * leak or read out of bounds; what is accepted must be valid (the frame map
 * inside the bg, monotonic) and survive a round trip unchanged.
 *
 * Build and run by hand (from the source tree):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DHAVE_CONFIG_H \
 *     -I build -I gst/vidkompyalign \
 *     $(pkg-config --cflags json-glib-1.0 gstreamer-1.0) \
 *     tests/fuzz/fuzz-alignfile.c gst/vidkompyalign/vkalignfile.c \
 *     $(pkg-config --libs json-glib-1.0 gstreamer-1.0) \
 *     -o /tmp/fuzz-alignfile
 *   mkdir -p /tmp/fuzz-alignfile-corpus
 *   /tmp/fuzz-alignfile -max_total_time=600 -max_len=65536 \
 *     /tmp/fuzz-alignfile-corpus tests/fuzz/corpus/alignfile
 *
 * (the first corpus directory receives what the fuzzer finds; the seed
 * corpus stays untouched). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vkalignfile.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  VkAlignFile f, g;
  GError *err = NULL;
  gchar *text;
  guint i;

  if (!vk_align_file_parse ((const gchar *) data, size, &f, &err)) {
    /* refused: with a message, nothing left allocated */
    if (err == NULL || err->message == NULL || err->message[0] == '\0'
        || f.frames != NULL)
      abort ();
    g_error_free (err);
    return 0;
  }

  /* accepted: what the element relies on holds */
  if (f.fg.n_frames == 0 || f.bg.n_frames == 0)
    abort ();
  for (i = 0; i < f.fg.n_frames; i++) {
    if (f.frames[i].bg_index >= f.bg.n_frames)
      abort ();
    if (i > 0 && (f.frames[i].bg_index < f.frames[i - 1].bg_index
            || f.frames[i].fg_pts <= f.frames[i - 1].fg_pts))
      abort ();
  }
  g_free (vk_align_file_bg_timestamps (&f));

  /* and it is written back as an equivalent document */
  text = vk_align_file_to_string (&f);
  if (!vk_align_file_parse (text, strlen (text), &g, NULL))
    abort ();
  if (g.fg.n_frames != f.fg.n_frames || g.x != f.x || g.scale != f.scale
      || memcmp (g.frames, f.frames, f.fg.n_frames * sizeof (*f.frames)))
    abort ();
  vk_align_file_clear (&g);
  g_free (text);
  vk_align_file_clear (&f);
  return 0;
}
