/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A run of vidkompyalign on the files of a generated pair, both outputs
 * read back (every fg frame out once on each, on its own timestamp), for
 * the tests that check its frames against the pair's truth. */

#ifndef __VK_PAIR_RUN_H__
#define __VK_PAIR_RUN_H__

#include <gst/gst.h>

#include "vk-truth.h"

G_BEGIN_DECLS

typedef struct
{
  VkTruth *truth;
  GstElement *pipeline;         /* played to its end: its bus holds its
                                 * messages */
  GArray *fg, *bg;              /* VkOutFrame of the aligner's outputs */
  GPtrArray *sums;              /* the bg file's frame checksums
                                 * (vk_check_same_content ()) */
} VkPairRun;

void vk_check_pair_run (VkPairRun * run, const gchar * dir,
    const gchar * name, const gchar * aligner);

void vk_check_pair_run_bg (VkPairRun * run, const gchar * dir,
    const gchar * name, const gchar * aligner, GstPadProbeCallback bg_probe,
    gpointer user_data);

void vk_check_pair_run_clear (VkPairRun * run);

G_END_DECLS

#endif /* __VK_PAIR_RUN_H__ */
