/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstvidkompyalignmentmeta
 * @title: GstVidkompyAlignmentMeta
 * @short_description: per-frame foreground/background alignment
 *
 * See #GstVidkompyAlignmentMeta.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vidkompyalignmentmeta.h"

GType
gst_vidkompy_alignment_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType _type =
        gst_meta_api_type_register ("GstVidkompyAlignmentMetaAPI", tags);
    g_once_init_leave (&type, _type);
  }
  return type;
}

static gboolean
gst_vidkompy_alignment_meta_init (GstMeta * meta, gpointer params,
    GstBuffer * buffer)
{
  GstVidkompyAlignmentMeta *m = (GstVidkompyAlignmentMeta *) meta;

  m->fg_index = 0;
  m->bg_index = 0;
  m->bg_pts = GST_CLOCK_TIME_NONE;
  m->cost = 0.0;
  m->confidence = 0.0;
  m->x = 0;
  m->y = 0;
  m->scale = 1.0;
  m->spatial_confidence = 0.0;
  return TRUE;
}

static gboolean
gst_vidkompy_alignment_meta_transform (GstBuffer * dest, GstMeta * meta,
    GstBuffer * buffer, GQuark type, gpointer data)
{
  GstVidkompyAlignmentMeta *src = (GstVidkompyAlignmentMeta *) meta;
  GstVidkompyAlignmentMeta *dst;

  /* The alignment describes the frame, not its bytes: it stays valid across
   * copies and across conversions of the same frame. */
  dst = gst_buffer_add_vidkompy_alignment_meta (dest);
  if (dst == NULL)
    return FALSE;

  dst->fg_index = src->fg_index;
  dst->bg_index = src->bg_index;
  dst->bg_pts = src->bg_pts;
  dst->cost = src->cost;
  dst->confidence = src->confidence;
  dst->x = src->x;
  dst->y = src->y;
  dst->scale = src->scale;
  dst->spatial_confidence = src->spatial_confidence;
  return TRUE;
}

const GstMetaInfo *
gst_vidkompy_alignment_meta_get_info (void)
{
  static const GstMetaInfo *meta_info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & meta_info)) {
    const GstMetaInfo *mi =
        gst_meta_register (GST_VIDKOMPY_ALIGNMENT_META_API_TYPE,
        "GstVidkompyAlignmentMeta", sizeof (GstVidkompyAlignmentMeta),
        gst_vidkompy_alignment_meta_init, NULL,
        gst_vidkompy_alignment_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & meta_info, (GstMetaInfo *) mi);
  }
  return meta_info;
}

/**
 * gst_buffer_add_vidkompy_alignment_meta:
 * @buffer: a writable #GstBuffer
 *
 * Adds a #GstVidkompyAlignmentMeta with default values (scale 1.0, zero
 * position and confidence, bg_pts %GST_CLOCK_TIME_NONE) to @buffer.
 *
 * Returns: (transfer none): the new meta
 */
GstVidkompyAlignmentMeta *
gst_buffer_add_vidkompy_alignment_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  return (GstVidkompyAlignmentMeta *) gst_buffer_add_meta (buffer,
      GST_VIDKOMPY_ALIGNMENT_META_INFO, NULL);
}

/**
 * gst_buffer_get_vidkompy_alignment_meta:
 * @buffer: a #GstBuffer
 *
 * The alignment meta of @buffer (a function, not a macro, so that bindings
 * such as Python's see it).
 *
 * Returns: (nullable) (transfer none): the #GstVidkompyAlignmentMeta of
 *   @buffer, or %NULL
 */
GstVidkompyAlignmentMeta *
gst_buffer_get_vidkompy_alignment_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  return (GstVidkompyAlignmentMeta *) gst_buffer_get_meta (buffer,
      GST_VIDKOMPY_ALIGNMENT_META_API_TYPE);
}
