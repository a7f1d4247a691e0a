/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The options of `vidkompy comp`: parsed, checked against the properties
 * they set (vkoptcheck.c) and the output folder made (vkcompopts.c); what
 * the pipeline adds for a still bg and odd sizes (vkcompfit.c). */

#ifndef __VK_COMP_OPTS_H__
#define __VK_COMP_OPTS_H__

#include "vkcli.h"

G_BEGIN_DECLS

/* x264's constant quality when neither --crf nor --bitrate is given: 23,
 * ffmpeg's default */
#define VK_DEFAULT_CRF 23

/* an int option not given (a double one not given is NAN) */
#define VK_UNSET G_MININT

typedef struct
{
  gchar *bg, *fg, *output;
  gint x, y;                    /* VK_UNSET: detect */
  gboolean zero_shift, smooth, force;
  gint unscaled;                /* -1: the aligner's default (yes) */
  gdouble scale;                /* NAN: detect */
  gint border;
  gchar *match_region, *quality, *mode;
  gdouble window;
  gint drift_tolerance;
  gchar *alignment, *use_alignment, *cache_dir;
  gboolean verbose, json, no_clobber;
  gchar *audio, *video_encoder, *preset;
  gint bitrate, crf;
} VkCompOptions;

VkExit vk_comp_options_parse (VkCompOptions * o, int argc, char **argv);

const gchar *vk_comp_mode (const VkCompOptions * o, const gchar ** why);

void vk_comp_options_clear (VkCompOptions * o);

VkExit vk_comp_make_output_folder (const gchar * out);

GstElement *vk_comp_still_bg (GstBin * bin, GstPad * bg_sink,
    const VkProbe * fg);

GstElement *vk_comp_even_pad (GstBin * bin, GstElement * enc, gint width,
    gint height, gboolean * missing);

G_END_DECLS

#endif /* __VK_COMP_OPTS_H__ */
