/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Inputs whose timestamps repeat or go backwards: every frame is kept,
 * given a timestamp after the previous frame's (retimed), and found again
 * by its original timestamp when the input is played again. And an
 * input's frame rate, from its caps and its timestamps
 * (vk_fps_estimate ()), both modes. */

#ifndef __VK_RETIME_H__
#define __VK_RETIME_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* an input's frame rate when neither its caps nor its timestamps say it,
 * both modes (it was 25 in the global mode and 30 in the streaming mode
 * until 2026-12-07) */
#define VK_DEFAULT_FPS 30
/* a frame's duration when neither the caps nor the buffer say it */
#define VK_RETIME_DEFAULT_STEP (GST_SECOND / VK_DEFAULT_FPS)
/* caps whose frame rate the mean rate of at least VK_FPS_MIN_FRAMES
 * frames' timestamps misses by more than this share are not taken: the
 * input has a variable frame rate that its caps do not tell (a 25/1 fg
 * with gaps of 1 to 3 frames, 15.7 fps, was not found by the streaming
 * mode until 2026-12-07: its searches' lines ran 57 % off the caps'
 * rate); a live input's jitter moves the mean of 10 frames by a few % */
#define VK_FPS_CAPS_TOLERANCE 0.1
#define VK_FPS_MIN_FRAMES 10
/* a buffer's duration longer than this is not taken as a frame's */
#define VK_RETIME_MAX_STEP GST_SECOND

typedef struct
{
  GArray *raw;                  /* GstClockTime: each frame's own timestamp
                                 * (NULL: not kept, see vk_retime_init) */
  guint n;                      /* frames recorded */
  guint n_retimed;              /* frames given another timestamp */
  guint first;                  /* the first of them */
  GstClockTime first_raw, first_prev;   /* its timestamp, the previous one */
} VkRetime;

void vk_retime_init (VkRetime * rt, gboolean keep);
void vk_retime_reset (VkRetime * rt);
void vk_retime_clear (VkRetime * rt);
GstClockTime vk_retime_add (VkRetime * rt, GstClockTime prev, GstClockTime pts,
    GstClockTime step);
gboolean vk_retime_find (const VkRetime * rt, gint64 after, GstClockTime pts,
    GstClockTime tolerance, guint * index);
gdouble vk_fps_estimate (gint fps_n, gint fps_d, GstClockTime first,
    GstClockTime last, guint n);

G_END_DECLS

#endif /* __VK_RETIME_H__ */
