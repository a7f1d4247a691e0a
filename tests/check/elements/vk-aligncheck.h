/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Helpers of the vidkompyalign element tests: generated pairs and the
 * outputs read back with their alignment meta. */

#ifndef __VK_ALIGN_CHECK_H__
#define __VK_ALIGN_CHECK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* one output buffer of vidkompyalign */
    typedef struct
{
  GstClockTime pts, duration;
  guint64 fg_index, bg_index;
  GstClockTime bg_pts;          /* the bg frame's original PTS */
  gint x, y;
  gdouble scale;
  gfloat cost;
} VkOutFrame;

/* every frame of a file, decoded to I420 */
typedef struct
{
  GPtrArray *frames;            /* GstBuffer */
  GstCaps *caps;
  GPtrArray *sums;              /* luma checksum of every frame */
} VkClip;

VkClip *vk_check_clip_decode (const gchar * path);
void vk_check_clip_free (VkClip * c);
void vk_check_make_pair (const gchar * dir, const gchar * name,
    const gchar * args);
GArray *vk_check_pull_all (GstElement * appsink);
GArray *vk_check_pull_queued (GstElement * appsink);
GThread *vk_check_pull_in_thread (GstElement * appsink);
GPtrArray *vk_check_frame_checksums (const gchar * path);
gboolean vk_check_same_content (GPtrArray * sums, guint64 a, guint64 b);
gchar *vk_check_tmpdir_new (void);
void vk_check_tmpdir_remove (gchar * dir);
void vk_check_link_decoder (GstElement * pipeline, const gchar * dec,
    const gchar * target, const gchar * sinkpad_name);
void vk_check_alignment_fields (const GstStructure * st, const gchar * mode);

G_END_DECLS
#endif /* __VK_ALIGN_CHECK_H__ */
