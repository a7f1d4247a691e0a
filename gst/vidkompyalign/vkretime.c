/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkretime.h"

/* @keep: keep every frame's own timestamp, for vk_retime_find () (an
 * input played again); the streaming mode does not (its memory is bounded
 * whatever the stream's length) */
void
vk_retime_init (VkRetime * rt, gboolean keep)
{
  rt->raw = keep ? g_array_new (FALSE, FALSE, sizeof (GstClockTime)) : NULL;
  vk_retime_reset (rt);
}

void
vk_retime_reset (VkRetime * rt)
{
  if (rt->raw)
    g_array_set_size (rt->raw, 0);
  rt->n = rt->n_retimed = 0;
  rt->first = G_MAXUINT;
  rt->first_raw = rt->first_prev = GST_CLOCK_TIME_NONE;
}

void
vk_retime_clear (VkRetime * rt)
{
  g_clear_pointer (&rt->raw, g_array_unref);
}

/* Records the next frame, of timestamp @pts, after a frame at @prev
 * (GST_CLOCK_TIME_NONE for the first frame; @prev is the timestamp the
 * previous frame was given). Returns the frame's timestamp: @pts, or, when
 * @pts is not after @prev, @prev + @step. */
GstClockTime
vk_retime_add (VkRetime * rt, GstClockTime prev, GstClockTime pts,
    GstClockTime step)
{
  guint i = rt->n++;

  if (rt->raw)
    g_array_append_val (rt->raw, pts);
  if (!GST_CLOCK_TIME_IS_VALID (prev) || pts > prev)
    return pts;
  if (rt->n_retimed++ == 0) {
    rt->first = i;
    rt->first_raw = pts;
    rt->first_prev = prev;
  }
  return prev + MAX (step, 1);
}

/* The first frame after frame @after (−1: from the first) whose own
 * timestamp is @pts (within @tolerance), in @index: a frame played again
 * in order is found even when its timestamp repeats an earlier one's. */
gboolean
vk_retime_find (const VkRetime * rt, gint64 after, GstClockTime pts,
    GstClockTime tolerance, guint * index)
{
  const GstClockTime *t = (const GstClockTime *) rt->raw->data;
  guint i;

  for (i = (guint) MAX (after + 1, 0); i < rt->raw->len; i++) {
    if ((pts > t[i] ? pts - t[i] : t[i] - pts) <= tolerance) {
      *index = i;
      return TRUE;
    }
  }
  return FALSE;
}

/* An input's frame rate, both modes: the mean rate of @n frames whose
 * first and last timestamps are @first and @last when its caps have none
 * (@fps_n 0: a variable frame rate file's caps say 0/1: a screen or phone
 * recording), or when at least VK_FPS_MIN_FRAMES frames miss the caps'
 * @fps_n / @fps_d by more than VK_FPS_CAPS_TOLERANCE; else the caps'
 * rate, else VK_DEFAULT_FPS. */
gdouble
vk_fps_estimate (gint fps_n, gint fps_d, GstClockTime first,
    GstClockTime last, guint n)
{
  gdouble caps = fps_n > 0 && fps_d > 0 ? (gdouble) fps_n / fps_d : 0.0;
  gdouble mean;

  if (n < 2 || !GST_CLOCK_TIME_IS_VALID (first)
      || !GST_CLOCK_TIME_IS_VALID (last) || last <= first)
    return caps > 0.0 ? caps : VK_DEFAULT_FPS;
  mean = (n - 1) * (gdouble) GST_SECOND / (last - first);
  if (caps > 0.0 && (n < VK_FPS_MIN_FRAMES
          || fabs (mean / caps - 1.0) <= VK_FPS_CAPS_TOLERANCE))
    return caps;
  return mean;
}
