/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The warnings and match messages of the streaming mode: see
 * vkstreammsg.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkstreammsg.h"

/* the element's category (same name: the same category) */
GST_DEBUG_CATEGORY_STATIC (vk_stream_msg_debug);
#define GST_CAT_DEFAULT vk_stream_msg_debug

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (vk_stream_msg_debug, "vidkompyalign", 0,
        "vidkompy spatial and temporal alignment");
    g_once_init_leave (&done, 1);
  }
}

/* The bg shows fg frame @fg_index's content @lag after the frame is due
 * (@content_off: the content's offset; the newest frames' running times
 * @fg_rt, @bg_rt): frames are matched before their bg frame arrives. */
void
vk_stream_warn_lag (GstElement * element, GstClockTimeDiff lag,
    GstClockTime latency, GstClockTime needed, guint fg_index,
    GstClockTimeDiff content_off, GstClockTime fg_rt, GstClockTime bg_rt)
{
  init_debug ();
  GST_ELEMENT_WARNING_WITH_DETAILS (element, STREAM, FAILED,
      ("The background lags the foreground by %.2f s, more than the "
          "latency (%.2f s) lets vidkompyalign wait: frames are matched "
          "before their background frame arrives. Set latency to at least "
          "%.2f s.", (gdouble) lag / GST_SECOND,
          (gdouble) latency / GST_SECOND, (gdouble) needed / GST_SECOND),
      ("fg frame %u due; content offset %" GST_STIME_FORMAT ", newest fg "
          "%" GST_TIME_FORMAT ", newest bg %" GST_TIME_FORMAT, fg_index,
          GST_STIME_ARGS (content_off), GST_TIME_ARGS (fg_rt),
          GST_TIME_ARGS (bg_rt)),
      ("lag", G_TYPE_UINT64, (guint64) lag, "latency", G_TYPE_UINT64,
          (guint64) latency, "latency-needed", G_TYPE_UINT64,
          (guint64) needed, "fg-index", G_TYPE_UINT64, (guint64) fg_index,
          NULL));
}

/* A search's placement (@x, @y, @scale) is not committed: vk_found ()
 * says @why, from the temporal @match and the refined @spatial
 * confidence. */
void
vk_stream_warn_refused (GstElement * element, gdouble x, gdouble y,
    gdouble scale, gdouble match, gdouble spatial, const gchar * why)
{
  init_debug ();
  GST_ELEMENT_WARNING_WITH_DETAILS (element, STREAM, FAILED,
      ("The foreground's best placement so far (%.0f, %.0f, scale %.3f) is "
          "not used: the foreground does not seem to be there (%s). Its "
          "frames are output unmatched until a placement passes.", x, y,
          scale, why), (NULL),
      ("x", G_TYPE_DOUBLE, x, "y", G_TYPE_DOUBLE, y, "scale", G_TYPE_DOUBLE,
          scale, "confidence", G_TYPE_DOUBLE, match, "spatial-confidence",
          G_TYPE_DOUBLE, spatial, NULL));
}

/* No search has found the fg in the first @searched of it (the window a
 * search can see): it is not in the bg, or the bg shows its content later
 * than the latency lets the aligner wait for. Its frames go @where. */
void
vk_stream_warn_not_found (GstElement * element, GstClockTime searched,
    GstClockTime latency, const gchar * where)
{
  init_debug ();
  GST_ELEMENT_WARNING_WITH_DETAILS (element, STREAM, FAILED,
      ("The foreground has not been found in the background in its first "
          "%.1f s: its frames are output unmatched, %s, until it is. Either "
          "it is not in the background, or the background shows it later "
          "than the latency (%.2f s) lets vidkompyalign wait for: then set a "
          "higher latency.", (gdouble) searched / GST_SECOND, where,
          (gdouble) latency / GST_SECOND), (NULL),
      ("searched", G_TYPE_UINT64, (guint64) searched, "latency",
          G_TYPE_UINT64, (guint64) latency, NULL));
}

/* vidkompy-match-lost (@lost) at fg frame @fg_index (its decided frame's
 * raw @cost), or vidkompy-match-recovered with its bg frame and the fg
 * frames since the loss */
void
vk_stream_post_match (GstElement * element, gboolean lost, guint fg_index,
    GstClockTime fg_pts, guint bg_index, gdouble cost, guint lost_frames)
{
  GstStructure *s;

  init_debug ();
  if (lost)
    s = gst_structure_new ("vidkompy-match-lost",
        "fg-index", G_TYPE_UINT64, (guint64) fg_index,
        "fg-pts", G_TYPE_UINT64, fg_pts, "cost", G_TYPE_DOUBLE, cost, NULL);
  else
    s = gst_structure_new ("vidkompy-match-recovered",
        "fg-index", G_TYPE_UINT64, (guint64) fg_index,
        "fg-pts", G_TYPE_UINT64, fg_pts, "bg-index", G_TYPE_UINT64,
        (guint64) bg_index, "lost-frames", G_TYPE_UINT64,
        (guint64) lost_frames, NULL);
  GST_INFO_OBJECT (element, "%" GST_PTR_FORMAT, s);
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
}

/* fg frame @fg_index's timestamp @pts is not after the previous one's
 * (@prev): it is retimed (the first such frame; the global mode counts
 * them at the end) */
void
vk_stream_warn_retimed (GstElement * element, guint fg_index,
    GstClockTime pts, GstClockTime prev)
{
  init_debug ();
  GST_ELEMENT_WARNING_WITH_DETAILS (element, STREAM, FORMAT,
      ("The foreground's timestamps repeat or go backwards (the first: "
          "frame %u at %" GST_TIME_FORMAT " after %" GST_TIME_FORMAT "): such "
          "frames are given timestamps one frame after the previous one's, "
          "so that every frame is output.", fg_index, GST_TIME_ARGS (pts),
          GST_TIME_ARGS (prev)), (NULL),
      ("fg-index", G_TYPE_UINT64, (guint64) fg_index, "pts", G_TYPE_UINT64,
          (guint64) pts, "previous-pts", G_TYPE_UINT64, (guint64) prev, NULL));
}
