/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompycomposite's private header: the element's state, shared by the
 * files of the element. */

#ifndef __GST_VIDKOMPY_COMPOSITE_PRIV_H__
#define __GST_VIDKOMPY_COMPOSITE_PRIV_H__

#include <gst/vidkompy/vidkompy.h>

#include "gstvidkompycomposite.h"
#include "vklinkcheck.h"

G_BEGIN_DECLS

/* the element's debug category */
GST_DEBUG_CATEGORY_EXTERN (gst_vidkompy_composite_debug);
#define GST_CAT_DEFAULT gst_vidkompy_composite_debug

struct _GstVidkompyComposite
{
  GstVideoAggregator parent;

  GstVideoAggregatorPad *bg_pad;
  GstVidkompyCompositePad *fg_pad;

  /* properties, object lock */
  guint max_threads;

  /* streaming state, aggregator src thread */
  GstBuffer *bg_buffer;         /* bg frame currently shown */
  GstClockTime bg_end;          /* its end, running time, or NONE */
  gboolean bg_pending;          /* caps change waiting for the next bg buffer */
  GstVideoInfo bg_pending_info;
  VkMask mask;
  GstTaskPool *pool;
  guint n_bands;
  guint64 n_frames;

  VkLinkCheck link_check;
};

/* vkcompositecaps.c */
void gst_vidkompy_composite_find_best_format (GstVideoAggregator * vagg,
    GstCaps * downstream_caps, GstVideoInfo * best_info,
    gboolean * at_least_one_alpha);
GstCaps *gst_vidkompy_composite_fixate_src_caps (GstAggregator * agg,
    GstCaps * caps);
gboolean gst_vidkompy_composite_negotiated_src_caps (GstAggregator * agg,
    GstCaps * caps);
GstFlowReturn gst_vidkompy_composite_update_src_caps (GstAggregator * agg,
    GstCaps * downstream_caps, GstCaps ** ret);
gboolean gst_vidkompy_composite_has_caps (GstVideoAggregatorPad * pad);

/* vkcompositerender.c */
GstFlowReturn gst_vidkompy_composite_render (GstVidkompyComposite * self,
    GstBuffer * fgbuf, GstBuffer ** outbuf);

G_END_DECLS

#endif /* __GST_VIDKOMPY_COMPOSITE_PRIV_H__ */
