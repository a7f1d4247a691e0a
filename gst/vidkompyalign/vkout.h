/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkout: one output of vidkompyalign in both modes (VkOut, one per src
 * pad): a queue of buffers and events that the task of its src pad pushes,
 * the sticky events made in one place (stream-start, caps, segment), its
 * end, the flow of its last push (returned to the input that fills it) and
 * the input's wait for room in the queue. No input thread ever pushes, so
 * a downstream that waits for one output (an aggregator, a sink in
 * preroll, a full queue) never blocks the thread that feeds the other (a
 * tee without queues). */

#ifndef __VK_OUT_H__
#define __VK_OUT_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/* frames (and events) on an output of the streaming mode, queued or being
 * pushed, before its input waits for downstream (vk_out_full ()) */
#define VK_OUT_MAX_FRAMES 8

/* the same in the global mode: its input waits until its frame is taken
 * downstream, as when it pushed it itself, unless one thread feeds both
 * inputs (a tee or a demuxer without queues) and the other output is idle
 * (vk_out_idle ()): a sink prerolling on one output, or an aggregator,
 * waits for the other, which only that thread can fill; its decisions
 * make the fg frames and their bg outputs in step, so that stays a few
 * frames (with threads of their own, an input whose output was idle
 * anyway was read ahead of a slow other output: the whole file). Each
 * frame on an output is memory (a 1080p frame 3 MB): 8 queued made
 * `vidkompy comp --mode global` peak 42 MB higher on a 60-s 1080p60 pair
 * (the reverted 38f3a96), 2 about 13 MB */
#define VK_OUT_MAX_FRAMES_GLOBAL 0

/* What an output's task does (VkOut.state); changed by vk_out_set_state ()
 * only:
 *
 *   HEADERS_DUE --its first push--> STREAMING
 *   STREAMING --new caps of its input (vk_out_input_caps ())--> CAPS_DUE
 *   CAPS_DUE --its next push--> STREAMING
 *   STREAMING, CAPS_DUE --reset (a flush-stop, vk_out_reset ())-->
 *     HEADERS_DUE
 *   any --its input's flush-start (vk_out_pause ()), a stop (vk_out_halt
 *     ())--> PAUSED
 *   PAUSED --restarted (vk_out_start (), not halted)--> HEADERS_DUE
 */
typedef enum
{
  /* the task pauses: its input flushes, or the owner stopped (halted) */
  OUT_PAUSED,
  /* running, nothing pushed since it started or was reset: stream-start
   * and caps go before its first push */
  OUT_HEADERS_DUE,
  /* running, its headers pushed */
  OUT_STREAMING,
  /* running, its input's caps changed: they go before its next push */
  OUT_CAPS_DUE,
} OutState;

/* The end of an output (VkOut.eos); changed by vk_out_set_eos () only:
 * NONE --its input's pass ended (vk_out_end ())--> DUE --pushed by the
 * task--> SENT; any --reset (vk_out_reset ())--> NONE */
typedef enum
{
  OUT_EOS_NONE,
  /* EOS once what is queued is pushed */
  OUT_EOS_DUE,
  /* pushed: the task paused; nothing more until a reset */
  OUT_EOS_SENT,
} OutEos;

/* The owner's hook in the task's wait (VkOut.due): the owner's work due
 * by the clock (the streaming mode's live fg frames, vk_sr_out_due ()),
 * done; returns how long the task may wait before calling it again (0:
 * look at the queue at once, G_MAXINT64: until something is queued).
 * Called with the owner's lock. */
typedef GstClockTimeDiff (*VkOutDueFunc) (gpointer owner);

/**
 * VkOut:
 *
 * One output. Every field but the constant ones (lock, element, sink, src,
 * prefix, due, owner, peer) is guarded by the owner's @lock (the streaming
 * renderer's for the streaming mode, the element's for the global mode),
 * so that no new lock order appears; the task takes it, and pushes
 * without it. Its waits are on its two named conditions of @lock:
 * @queued_cond (the task has something to do: something queued, EOS due,
 * its pause) and @drained_cond (its input may queue more: the task took
 * one, its push failed, or vk_out_wake () for the owner's own reasons).
 */
typedef struct _VkOut
{
  GMutex *lock;
  GstElement *element;
  GstPad *sink, *src;           /* its input (stream-start), its pad */
  const gchar *prefix;          /* of its log lines: "streaming: " or "" */
  VkOutDueFunc due;             /* or NULL */
  gpointer owner;

  GQueue queue;                 /* buffers and events, oldest first */
  OutState state;               /* vk_out_set_state () */
  OutEos eos;                   /* vk_out_set_eos () */
  gboolean halted;              /* stopped for good (vk_out_halt ()) */
  /* its caps (vk_out_caps ()) from its input's format @info, NULL until
   * that came (vk_out_input_caps ()) */
  GstCaps *caps;
  GstVideoInfo info;
  /* the segment goes before the next buffer (vk_out_queue_segment ()) */
  gboolean seg_due;
  GstFlowReturn flow;           /* the last push's, returned upstream */
  /* the task pushes what it took from the queue (drained_cond when done) */
  gboolean pushing;
  /* the other output of the owner (vk_out_set_peers ()), or NULL */
  struct _VkOut *peer;
  GCond queued_cond, drained_cond;
} VkOut;

void vk_out_init (VkOut * o, GstElement * element, GstPad * sink,
    GstPad * src, GMutex * lock, const gchar * prefix);
void vk_out_clear (VkOut * o);
void vk_out_set_due (VkOut * o, VkOutDueFunc due, gpointer owner);
void vk_out_set_peers (VkOut * a, VkOut * b);

/* with the owner's lock */
void vk_out_begin (VkOut * o);
void vk_out_set_state (VkOut * o, OutState to, const gchar * why);
void vk_out_set_eos (VkOut * o, OutEos to, const gchar * why);
void vk_out_input_caps (VkOut * bg, VkOut * fg, gboolean is_fg,
    const GstVideoInfo * info);
void vk_out_queue (VkOut * o, gpointer obj);
void vk_out_segment_due (VkOut * o);
void vk_out_queue_segment (VkOut * o, const GstSegment * seg);
void vk_out_end (VkOut * o, const gchar * why);
gboolean vk_out_full (VkOut * o, guint max);
gboolean vk_out_idle (VkOut * o);
void vk_out_wait_drained (VkOut * o);
void vk_out_wake (VkOut * o);
void vk_out_pause (VkOut * o, const gchar * why);
void vk_out_reset (VkOut * o, const gchar * why);
void vk_out_halt (VkOut * o, const gchar * why);

/* without it */
void vk_out_start (VkOut * o);
gboolean vk_out_forward_flush (VkOut * o, GstEvent * event);
void vk_out_join (VkOut * o);

G_END_DECLS

#endif /* __VK_OUT_H__ */
