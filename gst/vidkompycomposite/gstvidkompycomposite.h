/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_VIDKOMPY_COMPOSITE_H__
#define __GST_VIDKOMPY_COMPOSITE_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideoaggregator.h>

#include "vkmask.h"
#include "vkblend.h"

G_BEGIN_DECLS

/**
 * GstVidkompyBorderEdges:
 * @GST_VIDKOMPY_BORDER_EDGES_AUTO: feather only the edges beyond which the
 *   background remains visible (an edge flush with or outside the
 *   background's edge stays hard), as vidkompy does
 * @GST_VIDKOMPY_BORDER_EDGES_ALL: feather all four edges
 * @GST_VIDKOMPY_BORDER_EDGES_NONE: hard edges whatever the border width
 */
typedef enum
{
  GST_VIDKOMPY_BORDER_EDGES_AUTO,
  GST_VIDKOMPY_BORDER_EDGES_ALL,
  GST_VIDKOMPY_BORDER_EDGES_NONE,
} GstVidkompyBorderEdges;

#define GST_TYPE_VIDKOMPY_BORDER_EDGES (gst_vidkompy_border_edges_get_type ())
GType gst_vidkompy_border_edges_get_type (void);

#define GST_TYPE_VIDKOMPY_BORDER_PROFILE (gst_vidkompy_border_profile_get_type ())
GType gst_vidkompy_border_profile_get_type (void);

#define GST_TYPE_VIDKOMPY_COMPOSITE_PAD (gst_vidkompy_composite_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstVidkompyCompositePad, gst_vidkompy_composite_pad,
    GST, VIDKOMPY_COMPOSITE_PAD, GstVideoAggregatorConvertPad);

/**
 * GstVidkompyCompositePad:
 *
 * The fg_sink pad of vidkompycomposite, with the placement properties.
 */
struct _GstVidkompyCompositePad
{
  GstVideoAggregatorConvertPad parent;

  /* properties, object lock */
  gint xpos, ypos;
  gint width, height;
  gdouble alpha;
  guint border;
  VkBorderProfile profile;
  GstVidkompyBorderEdges edges;
  gboolean auto_position;
  guint user_set;               /* PLACEMENT_SET_* bits */

  /* size the converter scales the fg to, aggregator src thread only */
  gint conv_width, conv_height;
};

void gst_vidkompy_composite_pad_get_placement (GstVidkompyCompositePad * pad,
    GstBuffer * buffer, gint out_width, gint out_height,
    VkPlacement * placement);

#define GST_TYPE_VIDKOMPY_COMPOSITE (gst_vidkompy_composite_get_type ())
G_DECLARE_FINAL_TYPE (GstVidkompyComposite, gst_vidkompy_composite,
    GST, VIDKOMPY_COMPOSITE, GstVideoAggregator);

GST_ELEMENT_REGISTER_DECLARE (vidkompycomposite);

G_END_DECLS

#endif /* __GST_VIDKOMPY_COMPOSITE_H__ */
