/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompycomposite: the output caps (format, size and frame rate from
 * the bg, alpha from the fg). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompycomposite-priv.h"

/* GstVideoAggregator's class, which these vfuncs chain up to */
static GstAggregatorClass *
parent_class (void)
{
  return GST_AGGREGATOR_CLASS (g_type_class_peek (GST_TYPE_VIDEO_AGGREGATOR));
}

/* ------------------------------------------------------------------------ */
/* Caps */

gboolean
gst_vidkompy_composite_has_caps (GstVideoAggregatorPad * pad)
{
  return pad->info.finfo != NULL
      && GST_VIDEO_INFO_FORMAT (&pad->info) != GST_VIDEO_FORMAT_UNKNOWN;
}

GstFlowReturn
gst_vidkompy_composite_update_src_caps (GstAggregator * agg,
    GstCaps * downstream_caps, GstCaps ** ret)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  GstAggregatorPad *bg = GST_AGGREGATOR_PAD (self->bg_pad);
  GstAggregatorPad *fg = GST_AGGREGATOR_PAD (self->fg_pad);

  if (!gst_vidkompy_composite_has_caps (self->bg_pad)) {
    if (gst_aggregator_pad_is_eos (bg) && !gst_aggregator_pad_has_buffer (bg)) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("The background (bg_sink) ended without any video frame."),
          ("bg_sink got EOS before caps"));
      return GST_FLOW_ERROR;
    }
    GST_DEBUG_OBJECT (self, "waiting for the bg caps to set the output size");
    gst_pad_mark_reconfigure (agg->srcpad);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }
  if (!gst_vidkompy_composite_has_caps (GST_VIDEO_AGGREGATOR_PAD
          (self->fg_pad))) {
    if (gst_aggregator_pad_is_eos (fg))
      return GST_FLOW_EOS;
    GST_DEBUG_OBJECT (self, "waiting for the fg caps to set the frame rate");
    gst_pad_mark_reconfigure (agg->srcpad);
    return GST_AGGREGATOR_FLOW_NEED_DATA;
  }

  return parent_class ()->update_src_caps (agg, downstream_caps, ret);
}

/* Output format: the bg's when we blend it and downstream takes it, else the
 * first of our formats downstream takes. */
void
gst_vidkompy_composite_find_best_format (GstVideoAggregator * vagg,
    GstCaps * downstream_caps, GstVideoInfo * best_info,
    gboolean * at_least_one_alpha)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (vagg);
  const GstVideoInfo *bg_info = &self->bg_pad->info;
  GstVideoFormat fmt = GST_VIDEO_INFO_FORMAT (bg_info);
  GstCaps *templ, *possible;
  GstStructure *s;
  const GValue *formats;

  *at_least_one_alpha = GST_VIDEO_INFO_HAS_ALPHA (bg_info);

  if (vk_blend_format_supported (fmt)) {
    GstCaps *bg_caps = gst_caps_new_simple ("video/x-raw", "format",
        G_TYPE_STRING, gst_video_format_to_string (fmt), NULL);
    gboolean ok = gst_caps_can_intersect (bg_caps, downstream_caps);

    gst_caps_unref (bg_caps);
    if (ok) {
      *best_info = *bg_info;
      return;
    }
  }

  templ = gst_pad_get_pad_template_caps (GST_AGGREGATOR_SRC_PAD (vagg));
  possible = gst_caps_intersect_full (downstream_caps, templ,
      GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (templ);
  if (!gst_caps_is_empty (possible)) {
    s = gst_caps_get_structure (possible, 0);
    formats = gst_structure_get_value (s, "format");
    if (formats && GST_VALUE_HOLDS_LIST (formats))
      formats = gst_value_list_get_value (formats, 0);
    if (formats && G_VALUE_HOLDS_STRING (formats)) {
      fmt = gst_video_format_from_string (g_value_get_string (formats));
      gst_video_info_set_format (best_info, fmt,
          GST_VIDEO_INFO_WIDTH (bg_info), GST_VIDEO_INFO_HEIGHT (bg_info));
      GST_INFO_OBJECT (self, "bg format %s not usable downstream, output %s",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (bg_info)),
          gst_video_format_to_string (fmt));
    }
  }
  gst_caps_unref (possible);
}

/* The structures of @caps (taken) that intersect @want (taken), when
 * there are any; else @caps */
static GstCaps *
prefer (GstCaps * caps, GstCaps * want)
{
  GstCaps *both;

  gst_caps_set_features_simple (want, gst_caps_features_new_any ());
  both = gst_caps_intersect_full (caps, want, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (want);
  if (gst_caps_is_empty (both)) {
    gst_caps_unref (both);
    return caps;
  }
  gst_caps_unref (caps);
  return both;
}

/* The structures of @caps (taken) that hold the bg's size and, when one
 * does, the fg's frame rate: downstream's preferred caps come first, and
 * a scaler or a rate converter prefers its own output's size or rate
 * (videoscale ! video/x-raw,width=320 offers width 320 first, then any),
 * which the output cannot have: it is the bg's size (when no structure
 * holds it, negotiated_src_caps () says so). */
static GstCaps *
bg_size_first (GstCaps * caps, const GstVideoInfo * bg, const GstVideoInfo * fg)
{
  caps = prefer (caps, gst_caps_new_simple ("video/x-raw", "width",
          G_TYPE_INT, GST_VIDEO_INFO_WIDTH (bg), "height", G_TYPE_INT,
          GST_VIDEO_INFO_HEIGHT (bg), NULL));
  return prefer (caps, gst_caps_new_simple ("video/x-raw", "framerate",
          GST_TYPE_FRACTION, GST_VIDEO_INFO_FPS_N (fg),
          GST_VIDEO_INFO_FPS_D (fg), NULL));
}

/* Output size and pixel-aspect-ratio are the bg's, frame rate the fg's. */
GstCaps *
gst_vidkompy_composite_fixate_src_caps (GstAggregator * agg, GstCaps * caps)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  const GstVideoInfo *bg = &self->bg_pad->info;
  const GstVideoInfo *fg = &GST_VIDEO_AGGREGATOR_PAD (self->fg_pad)->info;
  GstStructure *s;

  caps = bg_size_first (caps, bg, fg);
  caps = gst_caps_make_writable (caps);
  caps = gst_caps_truncate (caps);
  s = gst_caps_get_structure (caps, 0);
  gst_structure_fixate_field_nearest_int (s, "width",
      GST_VIDEO_INFO_WIDTH (bg));
  gst_structure_fixate_field_nearest_int (s, "height",
      GST_VIDEO_INFO_HEIGHT (bg));
  gst_structure_fixate_field_nearest_fraction (s, "framerate",
      GST_VIDEO_INFO_FPS_N (fg), GST_VIDEO_INFO_FPS_D (fg));
  /* (caps without the field accept any: the bg's, not the 1/1 a missing
   * field means to an encoder, which gave a 720x576 16:15 bg's composite a
   * 5:4 display aspect) */
  if (gst_structure_has_field (s, "pixel-aspect-ratio"))
    gst_structure_fixate_field_nearest_fraction (s, "pixel-aspect-ratio",
        GST_VIDEO_INFO_PAR_N (bg), GST_VIDEO_INFO_PAR_D (bg));
  else
    gst_structure_set (s, "pixel-aspect-ratio", GST_TYPE_FRACTION,
        GST_VIDEO_INFO_PAR_N (bg), GST_VIDEO_INFO_PAR_D (bg), NULL);
  caps = gst_caps_fixate (caps);

  GST_DEBUG_OBJECT (self, "output caps %" GST_PTR_FORMAT, caps);
  return caps;
}

/* the frame rate GstVideoAggregator is told about a variable-rate output */
#define NOMINAL_FPS 25

/* A variable-rate output (framerate 0/1, the fg's): GstVideoAggregator
 * (1.22) divides by the frame rate for its latency, a critical with 0/1.
 * It is given the caps at a nominal rate (one frame of latency at
 * NOMINAL_FPS), then the output gets the real caps. The output is timed by
 * the fg's buffers (see aggregate ()), not by the frame rate. */
static gboolean
negotiated_variable_rate (GstAggregator * agg, GstCaps * caps)
{
  GstCaps *nominal = gst_caps_copy (caps);
  gboolean ok;

  gst_caps_set_simple (nominal, "framerate", GST_TYPE_FRACTION, NOMINAL_FPS,
      1, NULL);
  GST_DEBUG_OBJECT (agg, "variable frame rate: negotiated at a nominal %d/1",
      NOMINAL_FPS);
  ok = parent_class ()->negotiated_src_caps (agg, nominal);
  gst_caps_unref (nominal);
  if (ok)
    gst_aggregator_set_src_caps (agg, caps);
  return ok;
}

gboolean
gst_vidkompy_composite_negotiated_src_caps (GstAggregator * agg, GstCaps * caps)
{
  GstVidkompyComposite *self = GST_VIDKOMPY_COMPOSITE (agg);
  GstVideoInfo info;

  if (!gst_video_info_from_caps (&info, caps))
    return FALSE;
  if (GST_VIDEO_INFO_WIDTH (&info) != GST_VIDEO_INFO_WIDTH (&self->bg_pad->info)
      || GST_VIDEO_INFO_HEIGHT (&info) !=
      GST_VIDEO_INFO_HEIGHT (&self->bg_pad->info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Downstream does not accept the background's size %dx%d.",
            GST_VIDEO_INFO_WIDTH (&self->bg_pad->info),
            GST_VIDEO_INFO_HEIGHT (&self->bg_pad->info)),
        ("negotiated %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  if (GST_VIDEO_INFO_FPS_N (&info) == 0)
    return negotiated_variable_rate (agg, caps);

  return parent_class ()->negotiated_src_caps (agg, caps);
}
