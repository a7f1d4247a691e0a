/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* What `vidkompy comp` adds to its pipeline so that the inputs fit the
 * aligner and the encoder:
 *
 * - a still image as bg: imagefreeze repeats it at the fg's frame rate
 *   (a nominal one for a variable frame rate fg) for the fg's length (a
 *   still bg under a moving fg);
 * - a bg of odd width or height with an H.264 encoder (4:2:0 needs even
 *   sizes; x264enc refuses to start otherwise): videobox adds one black
 *   column on the right and/or one black row at the bottom. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkcompopts.h"

static GstElement *
add (GstBin * bin, const gchar * factory)
{
  GstElement *e;

  if (!vk_cli_check_element (factory))
    return NULL;
  e = gst_element_factory_make (factory, NULL);
  gst_bin_add (bin, e);
  return e;
}

/* Ends the still bg after the fg's length: imagefreeze keeps its
 * num-buffers count across the aligner's replay seek (and would then end
 * at once), so the end is the first frame at or past the limit
 * (@user_data), after each seek. */
static GstPadProbeReturn
end_still (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstClockTime limit = *(const GstClockTime *) user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

  /* the buffer is then refused (EOS) and imagefreeze pauses */
  if (GST_BUFFER_PTS_IS_VALID (buf) && GST_BUFFER_PTS (buf) >= limit)
    gst_pad_push_event (pad, gst_event_new_eos ());
  return GST_PAD_PROBE_OK;
}

/* imagefreeze ! capsfilter (the fg's nominal rate) linked to @bg_sink, in @bin,
 * for the length of the fg @fg and one frame more (the last fg frame
 * still has a bg frame). Returns the element the image decoder links to,
 * NULL when an element is missing (said). */
GstElement *
vk_comp_still_bg (GstBin * bin, GstPad * bg_sink, const VkProbe * fg)
{
  GstElement *freeze = add (bin, "imagefreeze");
  GstElement *filter = add (bin, "capsfilter");
  GstClockTime limit;
  GstCaps *caps;
  GstPad *src;
  gboolean ok;
  gint fps_n, fps_d;

  if (freeze == NULL || filter == NULL)
    return NULL;
  if (!GST_CLOCK_TIME_IS_VALID (fg->duration)) {
    vk_cli_error ("a still background needs a foreground of known length");
    return NULL;
  }
  /* a variable frame rate fg: the bg at a nominal rate, each fg frame
   * then shows the bg frame at its time */
  vk_probe_nominal_rate (fg, &fps_n, &fps_d);
  caps = gst_caps_new_simple ("video/x-raw", "framerate", GST_TYPE_FRACTION,
      fps_n, fps_d, NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  src = gst_element_get_static_pad (filter, "src");
  limit = fg->duration + gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, end_still,
      g_memdup2 (&limit, sizeof (limit)), g_free);
  ok = gst_element_link (freeze, filter)
      && gst_pad_link (src, bg_sink) == GST_PAD_LINK_OK;
  gst_object_unref (src);
  if (!ok) {
    vk_cli_error ("cannot link the still background image");
    return NULL;
  }
  return freeze;
}

/* TRUE when the encoder @enc takes only even sizes (H.264 4:2:0). */
static gboolean
needs_even (GstElement * enc)
{
  GstElementFactory *f = gst_element_get_factory (enc);
  GstCaps *h264 = gst_caps_new_empty_simple ("video/x-h264");
  gboolean even = f && gst_element_factory_can_src_any_caps (f, h264);

  gst_caps_unref (h264);
  return even;
}

/* The element that pads a @width x @height picture to even sizes for the
 * encoder @enc, added to @bin; NULL when no padding is needed or
 * videobox is missing (*@missing then). */
GstElement *
vk_comp_even_pad (GstBin * bin, GstElement * enc, gint width, gint height,
    gboolean * missing)
{
  GstElement *box;

  *missing = FALSE;
  if ((width % 2 == 0 && height % 2 == 0) || !needs_even (enc))
    return NULL;
  if ((box = add (bin, "videobox")) == NULL) {
    *missing = TRUE;
    return NULL;
  }
  /* negative: add a border (black by default) */
  g_object_set (box, "right", -(width % 2), "bottom", -(height % 2), NULL);
  g_printerr ("vidkompy: note: the output is %dx%d: the %dx%d bg gets a "
      "black %s (H.264 needs even sizes)\n", width + width % 2,
      height + height % 2, width, height, width % 2 && height % 2 ?
      "column on the right and row at the bottom" : width % 2 ?
      "column on the right" : "row at the bottom");
  return box;
}
