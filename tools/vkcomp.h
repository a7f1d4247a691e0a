/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Private to `vidkompy comp`: its state, shared by the pipeline and bus
 * code (vkcomp.c) and the progress and summary lines (vkcompsummary.c). */

#ifndef __VK_COMP_H__
#define __VK_COMP_H__

#include <gst/gst.h>
#include <gst/audio/audio.h>

#include "vkcli.h"
#include "vkcompopts.h"
#include "vkguard.h"

G_BEGIN_DECLS

typedef enum
{
  PHASE_ANALYSIS,
  PHASE_RENDER,
  PHASE_DONE,
} Phase;

typedef struct
{
  VkCompOptions *o;
  VkProbe bgp, fgp;
  VkContainer container;
  gchar *out, *tmp;
  const gchar *audio_from;      /* "fg", "bg" or NULL */
  const gchar *mode, *mode_why; /* the aligner's (vk_comp_mode ()) */
  gint out_w, out_h;            /* the bg's size, padded to even for H.264 */

  GstElement *pipeline, *vk, *bg_still, *aqueue_head;
  GstElement *vqueue[2];        /* decoded video into vk ([0] bg, [1] fg) */
  GMainLoop *loop;
  VkExit exit_code;
  VkGuard *guard;               /* signals */

  /* bg audio gate (streaming threads vs bus sync handler) */
  GMutex lock;
  GCond cond;
  gboolean offset_known, cancelled;
  gint64 bg_offset;
  gdouble bg_rate;
  gint64 first_offset;          /* the bg time of the first frame out */
  GstSegment audio_segment;
  GstAudioInfo audio_info;

  /* progress */
  Phase phase;
  gint64 t_start, t_render, t_end;
  gdouble an_percent;
  guint64 an_frames;
  gint frames_out;              /* atomic */
  GstClockTime time_out;        /* the end of the last frame out (lock) */
  GstClockTime prev_pts_out;    /* (vidkompy's src pad's thread) */
  GstStructure *alignment;
  gboolean tty;
  gint last_plain[2];
  gboolean line_open;
} Comp;

void vk_comp_end_line (Comp * c);

gboolean vk_comp_tick (gpointer user_data);

void vk_comp_print_summary (Comp * c);

/* vkcompaudio.c */
void vk_comp_release_audio (Comp * c, gboolean known, gint64 offset,
    gdouble rate);

GstPadProbeReturn vk_comp_bg_audio_probe (GstPad * pad,
    GstPadProbeInfo * info, gpointer user_data);

void vk_comp_audio_watch (Comp * c, GstElement * mux_queue);

G_END_DECLS

#endif /* __VK_COMP_H__ */
