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
#include "vkalignout.h"
#include "vkout.h"
#include "vkfingerprint.h"
#include "vkonline.h"
#include "vkretime.h"
#include "vkspatial.h"
#include "vkframepick.h"
#include "vkstreamcheck.h"
#include "vkstreammsg.h"
#include "vkrefine.h"
#include "vkstreamstart.h"
#include "vktemporal.h"
#include "vkwait.h"

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
/* non-live inputs wait for each other, so a fg frame need not wait the
 * latency for its decision: it is decided once the DP has rows of the fg
 * frames after it for as long as the frames held meanwhile (the fg frames
 * and the bg frames of their time) fit in NONLIVE_LAG_BYTES (within the latency
 * less the decision's margin) and the bg has reached it: 1080p60 0.60 s
 * (it held 1.9 s of fg and 2.5 s of bg, 760 MB), 1080p24 1.5 s, 720p30
 * and smaller the latency's. A shorter lag decides on less evidence: a
 * slow zoom upscaled 3x (no cost tells its neighbouring frames apart) put
 * its first 11 frames one late at 0.5 s (world bench zoom-33, 640x360) */
#define NONLIVE_LAG_BYTES (192 * 1024 * 1024)
/* ... before the fg is found their bg is read ahead of the fg (plus the
 * scan offset, which grows by a quarter window per search that does not
 * find the fg) for the latency but at least NONLIVE_LEAD_MIN, within what
 * NONLIVE_LEAD_BYTES holds of bg frames (vk_sr_lead ()): the bg frames of
 * the lead are held full size for the fg's coming frames (2 s held 150 bg
 * frames, 470 MB, at 1080p60): 1080p60 1.08 s, 1080p30 and below 2 s or
 * the latency if longer. A lead shorter than the offset of the fg's
 * content in the bg lets a pan lock on another moment of the bg at hand,
 * at a shifted place: at 1.37 s (a 144-MB budget) the world bench's
 * pan-1080 (1080p30, content 2 s into the bg) was placed 5 px off, 0 %
 * exact; a shorter lead finds such a fg after more searches (at_front ()),
 * but not always: with the latency's 1 s as the lead the world bench's
 * scroll-50, zoom-50 and pan-1080 (content 1 and 2 s into the bg) were
 * placed 1 to 30 px off at another moment, 0 % exact. The lead holds bg
 * frames only: the fg frames still leave within the latency once found */
#define NONLIVE_LEAD_BYTES (192 * 1024 * 1024)
#define NONLIVE_LEAD_MIN (2 * GST_SECOND)
/* ... unless the bg does not come: a fg frame that waited
 * VK_UPSTREAM_STALL (vkwait.h) for it, the bg's thread upstream all along,
 * couples the inputs (couple ()) */
/* ... a search whose line ends within NONLIVE_EDGE of the newest bg frame
 * it had is not taken (at_front ()): the scan moves on by
 * NONLIVE_EDGE_SCAN and the search is made again once the bg has been
 * read that much further (made at the next fg frame, it searched the same
 * frames again with one more bg frame: 3.4 s of 1080p search each, fg at
 * 60 fps on a 30-fps bg, cli-bench's x2fps pair). A
 * pan, a zoom or a scroll whose fg content starts 1 s into the bg matched
 * the bg at hand at another moment, at a shifted place, its line beyond
 * the bg's front (world bench with a lead of 0.5 s: pan-50, pan-150,
 * zoom-150 0 % exact) */
#define NONLIVE_EDGE (GST_SECOND / 10)
#define NONLIVE_EDGE_SCAN (GST_SECOND / 2)
/* the search's thresholds: vkfound.h */
/* live: the fg's output task looks again this soon at a held fg frame due
 * by the clock that was not decided (vk_sr_due_in ()) */
#define DUE_RETRY (5 * GST_MSECOND)
/* the vidkompy-alignment message (vk_sr_post_alignment ()): posted once
 * this much fg has matched (seconds), its line fitted over the decisions
 * (the largest distance of a decision counted on it, bg frames), its rate
 * the nominal one within this share */
#define MSG_AFTER_S 1.0
#define END_FIT_TOLERANCE 2.0
#define MSG_RATE_SNAP 0.01

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

/* what the held frames of a queue forget (vk_sr_held_forget ()) */
typedef enum
{
  HELD_LOW = 1 << 0,            /* their low-resolution copies */
  HELD_DESC = 1 << 1,           /* their descriptors */
} HeldParts;

/* What the renderer knows of the fg's place (VkStreamRender.find). */
typedef enum
{
  /* not found yet: the held fg frames wait for a search (and go out
   * unmatched once they must) */
  FIND_UNPLACED,
  /* placed (apply_position ()): each fg frame's bg frame is decided */
  FIND_MATCHING,
  /* placed, but the last decisions match badly (track_match ()): lost
   * until they match again, or searched for again if none ever did */
  FIND_LOST,
  /* strict and not found (fail_not_found ()): nothing is decided any
   * more, until the renderer is freed (a flush keeps it) */
  FIND_FAILED,
} FindState;

/* the fg's place is known (matching or lost) */
#define VK_SR_PLACED(r) ((r)->find == FIND_MATCHING || (r)->find == FIND_LOST)

/* Where input k ([0] bg, [1] fg) is in a flush (VkStreamRender.flush[k]).
 * A flushing seek of both inputs announces their flushes
 * (vk_stream_render_seek_begin ()): until each input's flush-start, or
 * the seek's return (vk_stream_render_seek_end ()), the frames of neither
 * are taken in. Changed by vk_sr_flush_event () only:
 *
 *   NONE --seek begins--> SEEK_DUE --flush-start--> FLUSHING
 *   SEEK_DUE --seek returns--> NONE
 *   NONE --flush-start--> FLUSHING --flush-stop--> NONE
 *   FLUSHING --seek begins--> FLUSHING_SEEK_DUE --flush-stop--> SEEK_DUE
 *   FLUSHING_SEEK_DUE --seek returns--> FLUSHING, --flush-start--> FLUSHING
 */
typedef enum
{
  /* its frames are taken in (top of vk_stream_render_chain ()) */
  FLUSH_NONE,
  /* a seek's flush of it is due: the frames of both inputs wait */
  FLUSH_SEEK_DUE,
  /* from its flush-start to its flush-stop: its frames are refused
   * (GST_FLOW_FLUSHING), the other input's wait or are dropped */
  FLUSH_FLUSHING,
  /* flushing, and a seek began since its flush-start (which was not the
   * seek's): its flush-stop leaves the seek's flush due */
  FLUSH_FLUSHING_SEEK_DUE,
} FlushState;

/* what changes input k's FlushState (vk_sr_flush_event ()) */
typedef enum
{
  FLUSH_EV_SEEK_BEGIN,          /* vk_stream_render_seek_begin () */
  FLUSH_EV_SEEK_END,            /* vk_stream_render_seek_end () */
  FLUSH_EV_START,               /* its FLUSH_START */
  FLUSH_EV_STOP,                /* its FLUSH_STOP */
} FlushEvent;

/* input k flushes (between its flush-start and its flush-stop) */
#define VK_SR_IN_FLUSH(r, k) ((r)->flush[k] == FLUSH_FLUSHING \
    || (r)->flush[k] == FLUSH_FLUSHING_SEEK_DUE)
/* a seek's flush of input k is due */
#define VK_SR_SEEK_DUE(r, k) ((r)->flush[k] == FLUSH_SEEK_DUE \
    || (r)->flush[k] == FLUSH_FLUSHING_SEEK_DUE)
/* either input flushes: frames and decisions are dropped meanwhile */
#define VK_SR_FLUSHING(r) (VK_SR_IN_FLUSH (r, 0) || VK_SR_IN_FLUSH (r, 1))

/* Where input k is in the passes (VkStreamRender.pass[k], see
 * vk_stream_render_segment ()); changed by vk_sr_set_pass () only:
 *
 *   UNSEGMENTED --a segment--> CURRENT
 *   CURRENT --a changed segment before its first frame, the other input
 *     having frames--> FRESH --its first frame--> CURRENT
 *   CURRENT or FRESH --a changed segment after frames of the pass (or a
 *     changed segment of the other input, when FRESH)--> NEXT
 *   any but UNSEGMENTED --the state of the pass cleared (both inputs
 *     began their next pass: switch_pass (), a flush-stop)--> CURRENT
 */
typedef enum
{
  /* no segment yet (the element's initial one is not in time) */
  PASS_UNSEGMENTED,
  /* its frames are of the current pass of both inputs */
  PASS_CURRENT,
  /* its segment changed before any of its frames of the pass while the
   * other input has frames: its next frames are of a new pass already */
  PASS_FRESH,
  /* its pass ended at a new segment (next_seg[k]): its next frames wait
   * until the other input begins its next pass too */
  PASS_NEXT,
} PassState;

/* The pass's vidkompy-alignment message (VkStreamRender.msg_state,
 * vk_sr_post_alignment ()); changed by vk_sr_set_msg () only: any --a
 * placement taken or a fg not found (keep_msg ())--> KEPT --posted once
 * enough fg matched--> POSTED; KEPT or POSTED --posted at the fg's end,
 * the pass's state cleared--> NONE */
typedef enum
{
  MSG_NONE,
  /* its fields kept (msg, msg_region, msg_unfound), not posted yet */
  MSG_KEPT,
  /* posted; posted again at the fg's end with the whole output's figures */
  MSG_POSTED,
} MsgState;

struct _VkStreamRender
{
  VkStreamConfig cfg;
  gint64 t_start;               /* check_live (): both inputs negotiated */

  /* Locks: @lock guards the state below (cfg and t_start are set before
   * the threads start). Order: the element's lock (vidkompyalign's
   * state) may be held when calling in (vk_stream_render_stop (),
   * vk_stream_render_seek_begin ()), and is never taken inside ours; the
   * element's worker_lock is taken inside ours (a live search queued,
   * VkStreamConfig.run_job). No pad push, no seek and no task start or
   * stop is made with @lock.
   *
   * Waits: each on one named condition of @lock (the GCond fields *_cond
   * below, each next to the state it is about), in a loop on its predicate
   * (VK_SR_WAIT (), vkwait.c). Every change that can make a
   * predicate true broadcasts its condition; what every predicate reads (a
   * flush, a stop, a clear of the state) wakes them all (vk_sr_wake_all ());
   * an input's end (vk_sr_set_ended ()) wakes those that read its eos.
   *
   * States: each input's and each output's are enums (FlushState,
   * PassState, MsgState above; the outputs' OutState, OutEos in vkout.h),
   * each changed in one place with the lock (vkstreamstate.c, vkout.c),
   * which logs the change. */
  GMutex lock;

  /* fg_done_cond: the fg's pass ends (end_fg_pass ()) once the held fg
   * frames are all decided (fg empty: emit ()) or the bg ended (bg_eos) */
  GCond fg_done_cond;
  GQueue bg, fg;                /* Held, oldest first */
  guint n_bg, n_fg;             /* frames received */
  VkRetime retime;              /* fg timestamps that repeat or go back */
  GstClockTime last_fg_pts;     /* the last fg frame's (retimed) */
  /* the outputs ([0] bg, [1] fg, vkout.c, of @lock): buffers and gap
   * events queued for the task of their src pads; the fg's task also
   * decides the live fg frames due by the clock (vk_sr_out_due ()) */
  VkOut out[2];
  gboolean bg_eos, fg_eos, stopping;
  /* flushes and a seek's announced flushes of input k (FlushState,
   * vk_sr_flush_event ()) */
  FlushState flush[2];
  /* gate_cond: input k's frames may be taken in (top of
   * vk_stream_render_chain ()): no seek's flush due (FLUSH_SEEK_DUE left:
   * vk_stream_render_seek_end (), a flush-start), the other input not
   * flushing (a flush-stop) and the input's next pass begun (PASS_NEXT
   * left: switch_pass ()), or input k flushes, or a stop */
  GCond gate_cond;
  gboolean live, live_checked;
  /* passes: a new segment on an input after frames of the current pass (a
   * non-flushing seek, a segment seek's loop) ends the input's pass; the
   * frames of its next pass wait (PASS_NEXT, with its segment next_seg[k])
   * until both inputs have begun theirs, then the state is reset
   * (switch_pass ()); pass_seg[1], the fg's segment of the pass, goes out
   * on output k before its first of the pass (vk_out_queue_segment ());
   * pass[k]: where input k is in them (PassState, vk_sr_set_pass ()) */
  GstSegment pass_seg[2], next_seg[2];
  PassState pass[2];
  /* added to the bg's running times in a pass after a seek without a
   * flush: both inputs' segments start at the seek's position, but their
   * running times are those of how long each played before (a segment
   * loop's bg plays up to `latency` past the fg's stop) */
  GstClockTimeDiff bg_shift;
  gdouble bg_fps, fg_fps;
  gint low_w[2], low_h[2];      /* [0] bg, [1] fg */

  /* position: what is known of the fg's place (FindState) */
  FindState find;
  gboolean searching;           /* a search thread is running */
  /* search_cond: the running search ended (searching cleared: search ());
   * fg frames due meanwhile wait for it a while (wait_search ()) */
  GCond search_cond;
  GstClock *clock;              /* the element's, with its base time */
  GstClockTime base_time;
  guint generation;             /* flushes */
  gboolean refined_pairs;       /* refined on a decided pair */
  guint good_decisions;
  guint matched_since_found;    /* decided frames under LOST_COST */
  gboolean refused_warned, unfound_warned;
  gchar *refused_why;           /* why the last placement was refused */
  /* the latest unconfirmed searches' placements, the newest first */
  VkStreamCandidate cand[VK_FOUND_STREAM_CANDIDATES];
  guint n_cand;
  GstClockTime scan;            /* non-live: how far the bg is ahead */
  Held *pending[2];             /* a frame waiting to be taken in */
  VkUpstream bg_up;             /* the bg's thread (wait_admitted ()) */
  /* non-live inputs fed by one upstream thread (couple ()): how far ahead
   * of a fg frame the bg is wanted at most, before the fg is found
   * (running time; G_MAXINT64 until coupled) and once found (bg frames
   * after the expected one; G_MAXDOUBLE until coupled) */
  GstClockTimeDiff coupled_ahead;
  gdouble coupled_frames;
  /* non-live: the bg waited VK_UPSTREAM_STALL for the fg's first frame of
   * the pass; until it comes, the bg is taken in as if it were at the
   * start of the fg's segment (fg_start_after ()) */
  gboolean fg_first_late;
  /* admit_cond: non-live inputs' stream order (admitted ()): the other
   * input's pending frame is set, or it ended (bg_eos, fg_eos:
   * vk_sr_set_ended ()), or what bg_after () reads moved on (the
   * decisions and the position: the end of vk_sr_process (), a search's
   * end) */
  GCond admit_cond;
  guint next_search;            /* fg frame count of the next search */
  guint next_search_bg;         /* ... bg frame count (after the fg's end,
                                 * or after a search at the bg's front) */
  gint out_x, out_y;
  gdouble out_scale, spatial_conf;
  gint valid_x, valid_y, valid_w, valid_h;
  gint desc_w, desc_h;
  gdouble offset, rate;         /* bg index ≈ offset + rate · fg index */

  /* the online DP: row k is fg frame dp_first + k */
  VkOnline *dp;
  guint dp_first, dp_rows;
  gdouble cost_scale;
  gboolean have_out;
  guint last_out_bg;            /* bg index of the last output */
  /* the pass's message (vk_sr_post_alignment ()): the fields of the
   * placement's (keep_alignment ()), whether it was posted (MsgState,
   * vk_sr_set_msg ()), and the matched decisions (emit ()) */
  VkAlignMsg msg;
  gint msg_region[4];
  MsgState msg_state;
  /* ... the message is of a fg not found (vk_sr_post_unfound ()): its
   * line's offset (bg frames) at the nominal rate */
  gboolean msg_unfound;
  gdouble unfound_offset;
  GArray *decided;              /* VkMatchPoint, cost under LOST_COST */
  /* the latest decided fg frames' costs around the line (VkLineEvidence,
   * oldest first, VK_LINE_EVIDENCE_ROWS; record_evidence ()) */
  GArray *evidence;
  guint last_out_fg;

  /* match state */
  GstClockTime lag_warned;      /* the largest bg lag warned about, or 0 */
  GstClockTimeDiff content_off; /* bg running time − fg running time of
                                 * the same content (the search's line) */
  guint bad_run, good_run, lost_from;
};

/* vkstreamrender.c */
gfloat vk_sr_dp_cost (guint row, guint bg, gpointer user_data);
GstClockTime vk_sr_fg_frame_duration (VkStreamRender * r);
Held *vk_sr_find_held (GQueue * q, guint index);
void vk_sr_held_free (Held * h);
void vk_sr_held_forget (GQueue * q, HeldParts parts);
guint8 *vk_sr_low_copy (VkStreamRender * r, gboolean is_fg, GstBuffer * buf);
gfloat vk_sr_raw_cost (VkStreamRender * r, guint fg, guint bg);
GstClockTime vk_sr_retime (VkStreamRender * r, GstClockTime pts);

/* vkstreamsearch.c */
gboolean vk_sr_refine_full (VkStreamRender * r, VkAlignResult * res,
    GstBuffer * fgbuf, guint fg_index, GstBuffer ** bgbufs,
    const guint * bg_index, guint n_bg, const VkStreamSummary * bg_low,
    const VkStreamSummary * fg_low, gdouble fixed_scale,
    VkPlacementEstimate * best);
void vk_sr_try_position (VkStreamRender * r);
void vk_sr_post_unfound (VkStreamRender * r, guint fg, guint bg);

/* vkstreamdecide.c */
guint vk_sr_bg_cap (VkStreamRender * r);
GstClockTime vk_sr_lead (VkStreamRender * r);
GstClockTime vk_sr_window (VkStreamRender * r);
gboolean vk_sr_hold_unfound (VkStreamRender * r);
gdouble vk_sr_expected_bg (VkStreamRender * r, guint i);
guint vk_sr_lowest_pick (VkStreamRender * r);
void vk_sr_process (VkStreamRender * r, gboolean may_wait);
void vk_sr_post_alignment (VkStreamRender * r, gboolean at_end);
GstClockTimeDiff vk_sr_due_in (VkStreamRender * r);
void vk_sr_trim_bg (VkStreamRender * r);

/* vkstreamout.c */
void vk_sr_out_place (VkStreamRender * r, VkOutMeta * m);
void vk_sr_unmatched_place (VkStreamRender * r, gint * x, gint * y,
    gdouble * scale);
GstClockTimeDiff vk_sr_out_due (gpointer data);
void vk_sr_wait_output (VkStreamRender * r, gint k);

/* vkstreamstate.c */
void vk_sr_flush_event (VkStreamRender * r, gint k, FlushEvent ev);
void vk_sr_set_pass (VkStreamRender * r, gint k, PassState to,
    const gchar * why);
void vk_sr_set_msg (VkStreamRender * r, MsgState to, const gchar * why);
void vk_sr_halt (VkStreamRender * r, const gchar * why);

/* vkstreamadmit.c */
void vk_sr_wait_admitted (VkStreamRender * r, gint k);

/* vkstreamwait.c */
void vk_sr_conds_init (VkStreamRender * r);
void vk_sr_conds_clear (VkStreamRender * r);
void vk_sr_wake_all (VkStreamRender * r, const gchar * why);
void vk_sr_set_ended (VkStreamRender * r, gboolean is_fg);
/* waits on the named condition @c (a GCond field of @r) with the lock: one
 * wake-up, to be called in a loop on the condition's predicate
 * (vkwait.c); _UNTIL: FALSE when @end_time (monotonic, us) passed */
#define VK_SR_WAIT(r, c) vk_wait_named (vk_stream_debug, (r)->cfg.element, \
    "streaming: ", &(r)->c, &(r)->lock, #c)
#define VK_SR_WAIT_UNTIL(r, c, end_time) \
    vk_wait_named_until (vk_stream_debug, (r)->cfg.element, "streaming: ", \
    &(r)->c, &(r)->lock, #c, (end_time))
/* ... or until the bg's thread was upstream VK_UPSTREAM_STALL from @since:
 * TRUE then (vk_wait_or_stall ()) */
#define VK_SR_WAIT_OR_STALL(r, c, since) \
    vk_wait_or_stall (vk_stream_debug, (r)->cfg.element, "streaming: ", \
    &(r)->c, &(r)->lock, #c, &(r)->bg_up, (since))

G_END_DECLS
#endif /* __VK_STREAM_RENDER_PRIV_H__ */
