/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode's private header: the renderer's state, shared by its
 * files (vkstreamrender.c, vkstreamsearch.c, vkstreamdecide.c,
 * vkstreamout.c). */

#ifndef __VK_STREAM_RENDER_PRIV_H__
#define __VK_STREAM_RENDER_PRIV_H__

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/vidkompy/vidkompy.h>

#include "vkstreamrender.h"
#include "vkalignmsg.h"
#include "vkfingerprint.h"
#include "vkonline.h"
#include "vkretime.h"
#include "vkspatial.h"
#include "vkstreamcheck.h"
#include "vkstreammsg.h"
#include "vkrefine.h"
#include "vkstreamstart.h"

G_BEGIN_DECLS

/* the element's category, vidkompyalign (vkstreamrender.c) */
GST_DEBUG_CATEGORY_EXTERN (vk_stream_debug);
#define GST_CAT_DEFAULT vk_stream_debug

/* raw cost (1 − NCC of the descriptors) above which a frame is unmatched */
#define LOST_COST 0.5
/* well-matching decided frames before the position is refined again */
#define REFINE_AFTER 5
/* ... whose raw cost is at most this */
#define REFINE_COST 0.2
/* the DP's costs are capped here */
#define CAP_COST 0.3
/* weight of a decision that is not a tie in the timing line's offset
 * (an exponential average, so that the line follows slow speed changes) */
#define LINE_FOLLOW 0.1
/* consecutive frames (seconds of fg) that make the match lost or back */
#define LOST_RUN_S 0.25
/* weight of the DP's smoothness term, in units of the typical one-frame
 * cost difference: only a tie breaker (static scenes follow the line); the
 * costs are full-resolution descriptors that tell neighbouring frames
 * apart, as in the global mode's final choice */
#define SMOOTHNESS 0.02
/* cost of a restart of the DP, raw cost units */
#define RESTART_RAW 1.0
/* fg time between two searches for the position */
#define SEARCH_EVERY_S 0.5
/* bg held beyond twice the latency */
#define EXTRA_HOLD (GST_SECOND)
/* non-live inputs wait for each other: their bg window spans at least
 * this (vk_sr_window ()), within UNFOUND_HOLD_BYTES of bg frames beyond
 * the live window; the fg frames held while the fg is not found yet (see
 * vk_sr_hold_unfound ()): the window less EXTRA_HOLD, within
 * UNFOUND_HOLD_BYTES */
#define UNFOUND_WINDOW (4 * GST_SECOND)
#define UNFOUND_HOLD_BYTES (256 * 1024 * 1024)
/* the search's thresholds: vkfound.h */
/* fg frames queued on an output before its input waits for downstream */
#define OUT_MAX_FRAMES 8

typedef struct
{
  GstBuffer *buf;
  guint index;
  GstClockTime pts, rt;
  GstClockTime arrival;         /* the clock's running time at its arrival */
  guint8 *low;                  /* low-resolution luma until positioned */
  gfloat *desc;                 /* descriptor once positioned */
  gboolean flat;                /* the descriptor is all zero */
} Held;

/* what a decision outputs */
typedef struct
{
  guint fg_index, bg_index;
  GstClockTime bg_pts;
  gfloat cost;
} OutInfo;

struct _VkStreamRender
{
  VkStreamConfig cfg;
  gint64 t_start;               /* check_live (): both inputs negotiated */

  GMutex lock;
  GCond cond;                   /* any change of the state below */

  GQueue bg, fg;                /* Held, oldest first */
  guint n_bg, n_fg;             /* frames received */
  VkRetime retime;              /* fg timestamps that repeat or go back */
  GstClockTime last_fg_pts;     /* the last fg frame's (retimed) */
  /* per output ([0] bg, [1] fg): buffers and gap events to push, each by
   * the task of its own src pad (out_loop ()): no input thread ever pushes,
   * so a downstream that waits for one output (an aggregator, a sink in
   * preroll, a full queue) never blocks the thread that feeds the other */
  GQueue out[2];
  gboolean bg_eos, fg_eos, stopping;
  /* flushes: input k flushes from its flush-start to its flush-stop
   * (in_flush[k]); a seek of both inputs announces them (await_flush[k],
   * see vk_stream_render_seek_begin ()); flushing: either input flushes */
  gboolean in_flush[2], await_flush[2], flushing;
  gboolean eos_due[2];          /* EOS once out[k] is empty */
  gboolean eos_sent[2], src_ready[2];
  gboolean out_flushing[2];     /* src k's task pauses (flush, stop) */
  GstFlowReturn out_flow[2];    /* the last push's, returned upstream */
  gboolean live, live_checked;
  /* passes: a new segment on an input after frames of the current pass (a
   * non-flushing seek, a segment seek's loop) ends the input's pass; the
   * frames of its next pass wait (next_pass[k], with its segment
   * next_seg[k]) until both inputs have begun theirs, then the state is
   * reset (switch_pass ()); pass_seg[1], the fg's segment of the pass,
   * goes out on both outputs before the pass's first output (seg_due);
   * fresh[k]: input k's segment changed before any frame of its pass (its
   * next frames are of a new pass already) */
  GstSegment pass_seg[2], next_seg[2];
  gboolean next_pass[2], seg_due, fresh[2], seen_seg[2];
  /* added to the bg's running times in a pass after a seek without a
   * flush: both inputs' segments start at the seek's position, but their
   * running times are those of how long each played before (a segment
   * loop's bg plays up to `latency` past the fg's stop) */
  GstClockTimeDiff bg_shift;
  gdouble bg_fps, fg_fps;
  gint low_w[2], low_h[2];      /* [0] bg, [1] fg */

  /* position */
  gboolean positioned;
  gboolean searching;           /* a search thread is running */
  GstClock *clock;              /* the element's, with its base time */
  GstClockTime base_time;
  guint generation;             /* flushes */
  gboolean refined_pairs;       /* refined on a decided pair */
  guint good_decisions;
  guint matched_since_found;    /* decided frames under LOST_COST */
  gboolean have_candidate, refused_warned, unfound_warned;
  VkStreamCandidate cand;       /* the previous search's placement */
  GstClockTime scan;            /* non-live: how far the bg is ahead */
  Held *pending[2];             /* a frame waiting to be taken in */
  guint next_search;            /* fg frame count of the next search */
  guint next_search_bg;         /* ... bg frame count, after the fg's end */
  gint out_x, out_y;
  gdouble out_scale, spatial_conf;
  gint valid_x, valid_y, valid_w, valid_h;
  gint desc_w, desc_h;
  gdouble offset, rate;         /* bg index ≈ offset + rate · fg index */
  /* the timing line ties follow: offset + rate · fg index, the offset
   * following the decisions that were not ties (tie_follows_line ()) */
  gdouble line_offset;

  /* the online DP: row k is fg frame dp_first + k */
  VkOnline *dp;
  guint dp_first, dp_rows;
  gdouble cost_scale;
  gboolean have_out;
  guint last_out_bg;            /* bg index of the last output */
  guint last_out_fg;

  /* match state */
  GstClockTime lag_warned;      /* the largest bg lag warned about, or 0 */
  GstClockTimeDiff content_off; /* bg running time − fg running time of
                                 * the same content (the search's line) */
  gboolean lost;
  guint bad_run, good_run, lost_from;
};

/* vkstreamrender.c */
gfloat vk_sr_dp_cost (guint row, guint bg, gpointer user_data);
GstClockTime vk_sr_fg_frame_duration (VkStreamRender * r);
Held *vk_sr_find_held (GQueue * q, guint index);
void vk_sr_held_free (Held * h);
guint8 *vk_sr_low_copy (VkStreamRender * r, gboolean is_fg, GstBuffer * buf);
gfloat vk_sr_raw_cost (VkStreamRender * r, guint fg, guint bg);
GstClockTime vk_sr_retime (VkStreamRender * r, GstClockTime pts);

/* vkstreamsearch.c */
gboolean vk_sr_refine_full (VkStreamRender * r, VkAlignResult * res,
    GstBuffer * fgbuf, guint fg_index, GstBuffer ** bgbufs,
    const guint * bg_index, guint n_bg, gdouble fixed_scale,
    VkPlacementEstimate * best);
void vk_sr_try_position (VkStreamRender * r);

/* vkstreamdecide.c */
guint vk_sr_bg_cap (VkStreamRender * r);
GstClockTime vk_sr_window (VkStreamRender * r);
gboolean vk_sr_hold_unfound (VkStreamRender * r);
gdouble vk_sr_expected_bg (VkStreamRender * r, guint i);
guint vk_sr_lowest_pick (VkStreamRender * r);
void vk_sr_process (VkStreamRender * r);
void vk_sr_queue_segment (VkStreamRender * r);
void vk_sr_trim_bg (VkStreamRender * r);

/* vkstreamout.c */
void vk_sr_add_meta (VkStreamRender * r, GstBuffer * buf, const OutInfo * o);
void vk_sr_end_output (VkStreamRender * r, gint k);
void vk_sr_start_output (VkStreamRender * r, gint k);
void vk_sr_wait_output (VkStreamRender * r, gint k);

G_END_DECLS

#endif /* __VK_STREAM_RENDER_PRIV_H__ */
