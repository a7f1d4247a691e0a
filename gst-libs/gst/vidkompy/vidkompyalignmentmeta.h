/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_VIDKOMPY_ALIGNMENT_META_H__
#define __GST_VIDKOMPY_ALIGNMENT_META_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#ifdef BUILDING_GST_VIDKOMPY
#define GST_VIDKOMPY_API GST_API_EXPORT
#else
#define GST_VIDKOMPY_API GST_API_IMPORT
#endif

#define GST_VIDKOMPY_ALIGNMENT_META_API_TYPE \
  (gst_vidkompy_alignment_meta_api_get_type ())
#define GST_VIDKOMPY_ALIGNMENT_META_INFO \
  (gst_vidkompy_alignment_meta_get_info ())

typedef struct _GstVidkompyAlignmentMeta GstVidkompyAlignmentMeta;

/**
 * GstVidkompyAlignmentMeta:
 * @meta: parent #GstMeta
 * @fg_index: index of the foreground frame (0-based, in fg stream order)
 * @bg_index: index of the background frame matched to it (0-based)
 * @bg_pts: original PTS of the matched background frame
 * @cost: match cost of the pair (lower is better; 0 = identical fingerprints)
 * @confidence: temporal match confidence, 0.0 (none) to 1.0 (certain);
 *   at most 0.5 when the fg frame could not tell the chosen bg frame from
 *   another one (same content up to compression noise: a tie, which the
 *   timing line decides)
 * @x: horizontal position of the foreground's top-left corner in the
 *   background, in background pixels (may be negative)
 * @y: vertical position of the foreground's top-left corner in the
 *   background, in background pixels (may be negative)
 * @scale: factor by which the foreground must be scaled to match the
 *   background: the foreground covers (fg_width * @scale) x
 *   (fg_height * @scale) background pixels. 1.0 = unscaled.
 * @spatial_confidence: confidence of @x, @y and @scale, 0.0 to 1.0
 *
 * Alignment of one foreground frame against the background, attached by
 * `vidkompyalign` to the buffers it outputs on both source pads, and read
 * by `vidkompycomposite` when its fg pad has #GstVidkompyCompositePad:auto-position
 * enabled. Applications can read it with
 * gst_buffer_get_vidkompy_alignment_meta().
 *
 * The meta carries no tags, so it survives transformations that keep
 * untagged metas (for example videoconvert and videoscale keep it).
 */
struct _GstVidkompyAlignmentMeta
{
  GstMeta meta;

  guint64 fg_index;
  guint64 bg_index;
  GstClockTime bg_pts;
  gdouble cost;
  gdouble confidence;

  gint x;
  gint y;
  gdouble scale;
  gdouble spatial_confidence;
};

GST_VIDKOMPY_API
GType gst_vidkompy_alignment_meta_api_get_type (void);

GST_VIDKOMPY_API
const GstMetaInfo *gst_vidkompy_alignment_meta_get_info (void);

GST_VIDKOMPY_API
GstVidkompyAlignmentMeta *gst_buffer_add_vidkompy_alignment_meta (GstBuffer *
    buffer);

GST_VIDKOMPY_API
GstVidkompyAlignmentMeta *gst_buffer_get_vidkompy_alignment_meta (GstBuffer *
    buffer);

G_END_DECLS

#endif /* __GST_VIDKOMPY_ALIGNMENT_META_H__ */
