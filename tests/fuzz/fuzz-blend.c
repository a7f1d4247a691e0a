/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* libFuzzer harness: vidkompycomposite's blend (vk_mask_update () +
 * vk_blend_frame (), gst/vidkompycomposite/) on random formats, sizes,
 * positions, border widths and profiles, edge modes, alpha, kernels (Orc
 * and C) and band splits, with exactly sized buffers (so that AddressSanitizer
 * sees any out-of-bounds access), checked byte for byte against the
 * double-precision reference (tests/common/vk-blend-ref.h) with the
 * element's tolerance of 1. The mask is first built for another random
 * placement and then updated, as the element does when a pad property
 * changes. Any mismatch aborts with its description. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "vkblend.h"
#include "vk-blend-ref.h"

#define TOLERANCE 1

/* the formats vk_blend_frame () handles */
static GstVideoFormat *formats;
static guint n_formats;

static void
init_formats (void)
{
  guint n_raw, i;
  const GstVideoFormat *raw;

  gst_init (NULL, NULL);
  raw = gst_video_formats_raw (&n_raw);

  formats = g_new (GstVideoFormat, n_raw);
  for (i = 0; i < n_raw; i++)
    if (vk_blend_format_supported (raw[i]))
      formats[n_formats++] = raw[i];
  if (n_formats == 0)
    abort ();
}

/* a frame of exactly info->size bytes */
static GstBuffer *
new_frame (const GstVideoInfo * info, guint pattern, GRand * rand)
{
  guint8 *data = g_malloc (info->size);
  gsize i;

  for (i = 0; i < info->size; i++) {
    switch (pattern) {
      case 0:
        data[i] = (guint8) g_rand_int (rand);
        break;
      case 1:                  /* extremes */
        data[i] = g_rand_boolean (rand) ? 255 : 0;
        break;
      default:
        data[i] = (guint8) pattern;
        break;
    }
  }
  return gst_buffer_new_wrapped (data, info->size);
}

static void
read_placement (FuzzInput * in, VkPlacement * pl, const gchar ** edges_nick,
    gint bg_w, gint bg_h)
{
  static const gchar *const nicks[] = { "auto", "all", "none" };

  pl->width = fuzz_range (in, 1, 100);
  pl->height = fuzz_range (in, 1, 100);
  pl->x = fuzz_range (in, -110, 110);
  pl->y = fuzz_range (in, -110, 110);
  pl->border = fuzz_u8 (in) % 64;
  pl->profile = fuzz_u8 (in) & 1 ? VK_BORDER_PROFILE_SMOOTH :
      VK_BORDER_PROFILE_LINEAR;
  pl->alpha = fuzz_unit (in);
  *edges_nick = nicks[fuzz_u8 (in) % 3];
  /* as the pad does (gstvidkompycompositepad.c) */
  if (g_str_equal (*edges_nick, "auto"))
    pl->edges = vk_edges_auto (pl->x, pl->y, pl->width, pl->height, bg_w, bg_h);
  else
    pl->edges = g_str_equal (*edges_nick, "all") ? VK_EDGE_ALL : 0;
}

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  FuzzInput in = { data, size, 0 };
  GstVideoFormat format;
  GstVideoInfo bg_info, fg_info, first_info;
  GstVideoFrame bg, fg, out;
  GstBuffer *bgbuf, *fgbuf, *outbuf;
  VkPlacement first, pl;
  const gchar *first_nick, *nick;
  VkMask mask = { 0, };
  const VkBlendKernels *k;
  VkRefBlend rb;
  VkRefBlendResult res;
  guint n_bands, band, pattern;
  gint bg_w, bg_h;
  GRand *rand;

  if (n_formats == 0)
    init_formats ();

  format = formats[fuzz_u8 (&in) % n_formats];
  bg_w = fuzz_range (&in, 1, 80);
  bg_h = fuzz_range (&in, 1, 64);
  read_placement (&in, &first, &first_nick, bg_w, bg_h);
  read_placement (&in, &pl, &nick, bg_w, bg_h);
  k = fuzz_u8 (&in) & 1 ? &vk_blend_kernels_c : &vk_blend_kernels_orc;
  n_bands = fuzz_range (&in, 1, 4);
  pattern = fuzz_u8 (&in);
  pattern = pattern < 128 ? 0 : pattern < 192 ? 1 : pattern;
  rand = g_rand_new_with_seed (fuzz_seed (&in));

  if (!gst_video_info_set_format (&bg_info, format, bg_w, bg_h)
      || !gst_video_info_set_format (&fg_info, format, pl.width, pl.height))
    abort ();
  first_info = bg_info;
  bgbuf = new_frame (&bg_info, pattern, rand);
  fgbuf = new_frame (&fg_info, pattern, rand);
  outbuf = new_frame (&bg_info, 0, rand);
  if (!gst_video_frame_map (&bg, &bg_info, bgbuf, GST_MAP_READ)
      || !gst_video_frame_map (&fg, &fg_info, fgbuf, GST_MAP_READ)
      || !gst_video_frame_map (&out, &bg_info, outbuf, GST_MAP_WRITE))
    abort ();

  vk_mask_update (&mask, &first, &first_info);
  vk_mask_update (&mask, &pl, &bg_info);
  for (band = 0; band < n_bands; band++)
    vk_blend_frame (&out, &bg, &fg, &mask, k, band, n_bands);

  rb = (VkRefBlend) {
  bg_w, bg_h, pl.width, pl.height, pl.x, pl.y, pl.border, pl.alpha,
        pl.profile == VK_BORDER_PROFILE_SMOOTH};
  vk_ref_blend_set_edges (&rb, nick);
  if (!vk_ref_blend_check (&rb, &bg, &fg, &out, TOLERANCE, &res)) {
    fprintf (stderr, "fuzz-blend: %s bg %dx%d, fg %dx%d at (%d,%d), border "
        "%u %s, edges %s (0x%x), alpha %.5f, %s kernels, %u band(s): %s; "
        "%u byte(s) off by more than %d (max %d)\n",
        gst_video_format_to_string (format), bg_w, bg_h, pl.width,
        pl.height, pl.x, pl.y, pl.border,
        pl.profile == VK_BORDER_PROFILE_SMOOTH ? "smooth" : "linear", nick,
        pl.edges, pl.alpha, k->name, n_bands, res.first, res.n_bad,
        TOLERANCE, res.max_diff);
    abort ();
  }

  vk_mask_clear (&mask);
  gst_video_frame_unmap (&bg);
  gst_video_frame_unmap (&fg);
  gst_video_frame_unmap (&out);
  gst_buffer_unref (bgbuf);
  gst_buffer_unref (fgbuf);
  gst_buffer_unref (outbuf);
  g_rand_free (rand);
  return 0;
}
