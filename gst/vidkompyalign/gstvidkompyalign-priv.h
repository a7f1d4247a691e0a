/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign's private header: the element's state, shared by the files
 * of the element (see docs/design.md, "Code layout"). */

#ifndef __GST_VIDKOMPY_ALIGN_PRIV_H__
#define __GST_VIDKOMPY_ALIGN_PRIV_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/vidkompy/vidkompy.h>

#include "gstvidkompyalign.h"
#include "vkalloc.h"
#include "vklinkcheck.h"
#include "vkstreamstart.h"
#include "vkalignment.h"
#include "vkalignfile.h"
#include "vkfingerprint.h"
#include "vkfound.h"
#include "vkspatial.h"
#include "vkjoint.h"
#include "vktemporal.h"
#include "vkretime.h"
#include "vkstreamrender.h"
#include "vkseek.h"
#include "vkout.h"
#include "vkalignprops.h"
#include "vkalignmsg.h"
#include "vkrefine.h"
#include "vkframepick.h"
#include "vkwait.h"

G_BEGIN_DECLS
/* the element's debug category */
GST_DEBUG_CATEGORY_EXTERN (gst_vidkompy_align_debug);
#define GST_CAT_DEFAULT gst_vidkompy_align_debug

/* mode=auto waits this long (us) for both inputs' caps before deciding */
#define AUTO_WAIT (10 * G_TIME_SPAN_SECOND)

/* Coupled inputs (vkaligncouple.c): the fg's thread holds at most this many
 * bytes of fg frames before it waits for the bg's again (as long as the
 * bg's thread is not upstream VK_UPSTREAM_STALL). A tee's thread gets no
 * further ahead of the bg's than the bg's queue holds (10 MB by default);
 * two threads coupled by a stall of one of them would otherwise let the fg
 * run ahead without bound. */
#define HELD_FG_BYTES (64 * 1024 * 1024)


/* A seek of the outputs on its way to the inputs (GstVidkompyAlign.seek,
 * gst_vidkompy_align_seek_inputs ()); changed by
 * gst_vidkompy_align_set_seek () only:
 *
 *   NONE --a flushing seek sent upstream--> FLUSHING
 *   NONE --a seek without a flush sent upstream--> NEW_PASS
 *   FLUSHING, NEW_PASS --the seek returned, the render state reset to its
 *     position--> NONE
 */
typedef enum
{
  SEEK_NONE,
  /* a flushing seek: no decision until both inputs flushed and restarted
   * (one made now would be from before the seek) */
  SEEK_FLUSHING,
  /* a seek without a flush: the streaming threads go on for it to happen;
   * the frames of its new pass (Stream.new_pass) wait for its reset of the
   * render state */
  SEEK_NEW_PASS,
} SeekState;

/* The element's phase in the global mode (GstVidkompyAlign.phase; the
 * streaming mode leaves it at ANALYSIS until a stop); changed by
 * gst_vidkompy_align_set_phase () only, which wakes every wait:
 *
 *   DONE --READY->PAUSED--> ANALYSIS
 *   ANALYSIS --both inputs analysed to their ends, or a saved alignment of
 *     them found--> ALIGNING --the alignment job's result (or the saved
 *     one's) taken--> RENDER
 *   any --PAUSED->READY, a strict fg not found--> DONE (also the state
 *     of a new element)
 */
typedef enum
{
  /* both inputs' frames are analysed (a low-resolution copy of each) */
  PHASE_ANALYSIS,
  /* the alignment job runs; frames that come meanwhile are dropped */
  PHASE_ALIGNING,
  /* the inputs play again and are rendered */
  PHASE_RENDER,
  /* stopped (or not started): every wait ends, frames get EOS */
  PHASE_DONE,
} Phase;

/* a bg frame that may be shown by a coming fg frame */
typedef struct
{
  guint index;
  GstBuffer *buffer;
  gfloat *desc;
} Cand;

/* Where an input is in the run (global mode): its pass over the frames
 * (Stream.pass); changed by gst_vidkompy_align_set_pass () only:
 *
 *   ANALYSIS --the render starts with a pass to refine the position on
 *     (refine_first ())--> REFINING
 *   ANALYSIS, or REFINING once refined --the flush-stop of the seek back
 *     in the render--> REPLAYING
 *   any --READY->PAUSED, the render's start--> ANALYSIS
 */
typedef enum
{
  /* the analysis; in the render, until the flush of the seek back: the
   * frames from before it are dropped */
  PASS_ANALYSIS,
  /* the refinement pass before rendering (see
   * refine_first () in vkalignjob.c), until the flush of the seek back
   * to the start: nothing is output */
  PASS_REFINING,
  /* the input plays again since the seek back: its frames are rendered,
   * its EOS is the end of the render (even when the seeking job has not
   * yet returned) */
  PASS_REPLAYING,
} InputPass;

/* Whether an input's frames come, it ended its pass or it flushes
 * (Stream.flow); changed by gst_vidkompy_align_input_event () only:
 *
 *   FLOWING --EOS (or SEGMENT_DONE in the render)--> ENDED
 *   FLOWING --FLUSH_START--> FLUSHING
 *   ENDED --FLUSH_START--> FLUSHING_ENDED
 *   ENDED --a new pass (a segment in the render, the render's start)-->
 *     FLOWING (and FLUSHING_ENDED --the same--> FLUSHING)
 *   any --FLUSH_STOP, READY->PAUSED--> FLOWING
 *
 * "Flushing" (VK_IN_FLUSHING ()) and "ended" (VK_IN_ENDED ()) are read
 * from it: an input that ended and then flushes is both until its
 * flush-stop. */
typedef enum
{
  /* its frames come (or may come: no EOS since its last flush or pass) */
  INPUT_FLOWING,
  /* it ended its pass: EOS, or SEGMENT_DONE in the render */
  INPUT_ENDED,
  /* between its FLUSH_START and its FLUSH_STOP: every wait ends */
  INPUT_FLUSHING,
  /* flushing after it ended its pass (a seek after its EOS) */
  INPUT_FLUSHING_ENDED,
} InputFlow;

/* what changes an input's InputFlow (gst_vidkompy_align_input_event ()) */
typedef enum
{
  INPUT_EV_RESET,               /* READY->PAUSED */
  INPUT_EV_END,                 /* gst_vidkompy_align_input_ended () */
  INPUT_EV_NEW_PASS,            /* a segment in the render, its start */
  INPUT_EV_FLUSH_START,
  INPUT_EV_FLUSH_STOP,
} InputEvent;

#define VK_IN_FLUSHING(s) ((s)->flow == INPUT_FLUSHING \
    || (s)->flow == INPUT_FLUSHING_ENDED)
#define VK_IN_ENDED(s) ((s)->flow == INPUT_ENDED \
    || (s)->flow == INPUT_FLUSHING_ENDED)

/* The bg output's decisions in a render pass (GstVidkompyAlign.bg_out);
 * changed by gst_vidkompy_align_bg_out_event () only:
 *
 *   START --a decision (take_decision ())--> DECIDING
 *   START --the bg output's end (gst_vidkompy_align_finish_bg ())-->
 *     FINISHED_EMPTY --a decision--> FINISHED
 *   DECIDING --the bg output's end--> FINISHED
 *   any --the render state reset (the render's start, a seek:
 *     gst_vidkompy_align_render_reset ())--> START
 *
 * "A decision was made" (VK_HAVE_DECISION (): last_decision and
 * last_decided_fg are the last one's) and "the bg output decided its last
 * frames" (VK_BG_FINISHED ()) are read from it. */
typedef enum
{
  /* no decision since the reset */
  BG_OUT_START,
  /* decisions made, the bg output goes on */
  BG_OUT_DECIDING,
  /* the bg output ended before any decision was made */
  BG_OUT_FINISHED_EMPTY,
  /* the bg output ended after decisions */
  BG_OUT_FINISHED,
} BgOutState;

/* what changes the BgOutState (gst_vidkompy_align_bg_out_event ()) */
typedef enum
{
  BG_OUT_EV_RESET,
  BG_OUT_EV_DECIDED,
  BG_OUT_EV_FINISHED,
} BgOutEvent;

#define VK_HAVE_DECISION(self) ((self)->bg_out == BG_OUT_DECIDING \
    || (self)->bg_out == BG_OUT_FINISHED)
#define VK_BG_FINISHED(self) ((self)->bg_out == BG_OUT_FINISHED \
    || (self)->bg_out == BG_OUT_FINISHED_EMPTY)

/* A saved alignment (alignment-location with use-alignment, cache-dir)
 * rendered instead of the analysis' (GstVidkompyAlign.preset_state); changed by
 * gst_vidkompy_align_set_preset () only:
 *
 *   UNCHECKED --the heads of both inputs hashed, with use-alignment or
 *     cache-dir (gst_vidkompy_align_maybe_use_saved ())--> NONE
 *   NONE --a saved alignment of these inputs found: rendered
 *     (render_saved ())--> VERIFYING
 *   VERIFYING --a seek of the outputs--> UNVERIFIED
 *   any --READY->PAUSED, PAUSED->READY--> UNCHECKED
 *
 * "Rendering a saved alignment" is VK_PRESET (): its frame map is
 * rendered as it is. */
typedef enum
{
  /* not looked for: the alignment is analysed */
  PRESET_UNCHECKED,
  /* looked for (once a run); until one found is rendered (render_saved
   * ()), the alignment is the analysis' */
  PRESET_NONE,
  /* rendering a saved alignment; the whole inputs are checked against
   * it at their ends (gst_vidkompy_align_verify_input ()) */
  PRESET_VERIFYING,
  /* rendering a saved alignment after a seek: the inputs are checked on
   * whole passes only, so not any more */
  PRESET_UNVERIFIED,
} PresetState;

#define VK_PRESET(self) ((self)->preset_state == PRESET_VERIFYING \
    || (self)->preset_state == PRESET_UNVERIFIED)

/* Writing the alignment rendered to alignment-location and the cache
 * (GstVidkompyAlign.write_state); changed by gst_vidkompy_align_set_write
 * () only:
 *
 *   PARTIAL, DUE --the render state reset from fg frame 0 (the render's
 *     start, a seek to the start)--> DUE
 *   PARTIAL, DUE --the render state reset from a later fg frame (a seek)-->
 *     PARTIAL
 *   DUE --the bg output past the last fg frame--> WRITTEN
 *   any --READY->PAUSED, PAUSED->READY--> PARTIAL
 *
 * WRITTEN stays until the next run: the alignment is written once. */
typedef enum
{
  /* the render pass did not decide every fg frame from frame 0 on:
   * nothing to write */
  WRITE_PARTIAL,
  /* every fg frame decided since frame 0: written after the last one
   * (push_bg_outputs ()) */
  WRITE_DUE,
  /* written */
  WRITE_WRITTEN,
} WriteState;

/* An input and its output. Its states are enums (pass: InputPass, flow:
 * InputFlow, above; its output's in vkout.h); its booleans are single
 * facts, each independent of the states and of one another: have_info
 * (caps received: they stay across flushes and passes), checked_seekable
 * (a once-per-run check of the analysis) and new_pass (a seek without a
 * flush was sent: set by the seek, cleared by the input's next segment,
 * whether the input flows, ended its pass or flushes meanwhile). */
typedef struct
{
  const gchar *name;
  GstPad *sinkpad, *srcpad;

  /* streaming thread of the stream, or the object lock; have_info and
   * flow are written with the lock (have_info: caps_cond, flow:
   * gst_vidkompy_align_input_ended () when it ends, every condition when
   * it flushes) */
  GstVideoInfo info;
  gboolean have_info;
  GstSegment segment;
  InputFlow flow;               /* gst_vidkompy_align_input_event () */
  /* (atomic) the GThread that last called in with the input's buffer or
   * event: one thread feeding both inputs (a tee or a demuxer without
   * queues) cannot wait in one input for the other */
  gpointer feeder;

  /* analysis: one entry per frame */
  GArray *pts;                  /* GstClockTime */
  GArray *durations;            /* GstClockTime */
  GstClockTime time0;           /* stream time of the first frame */
  GByteArray *low;
  gint low_width, low_height;
  GstClockTime duration;
  gboolean checked_seekable;
  VkIdentityHasher hasher;      /* fingerprints of the frames seen */
  VkRetime retime;              /* timestamps that repeat or go backwards */

  InputPass pass;               /* lock; replay_cond;
                                 * gst_vidkompy_align_set_pass () */
  /* render: its output (vkout.c, of @lock): what the render queues, the
   * task of the src pad pushes (started with the render, halted at a
   * stop) */
  VkOut out;
  /* render: the last frame since the flush (the fg's: desc_cond) */
  gint64 last_seen;
  /* render: a seek without a flush was sent; its segment starts a new
   * pass of the input */
  gboolean new_pass;
  /* render: the input's thread, in its render or upstream, for the other
   * input's waits on it (VK_ALIGN_WAIT_OR_STALL ()); lock */
  VkUpstream up;
} Stream;

/* Locks, in the order they are taken (never the other way round):
 * saved_lock (one look-up of a saved alignment at a time), then lock (the
 * element's state), then the streaming renderer's own lock
 * (vkstreamrender.c), then worker_lock (queueing a job); the object lock
 * guards @prop only and is never held with another. Buffers are pushed
 * (by the outputs' tasks, Stream.out) and seeks sent upstream without a
 * lock; the worker and the tasks are joined without a lock.
 *
 * Waits: each on one named condition of @lock (the GCond fields *_cond
 * below, each next to the state it is about), in a loop on its predicate
 * (VK_ALIGN_WAIT (), vkwait.c). Every change that can make a predicate true
 * broadcasts its condition; what every predicate reads (an input's
 * flushing, the phase) wakes them all: gst_vidkompy_align_wake_all () at a
 * FLUSH_START, gst_vidkompy_align_set_phase () (a stop included); an
 * input's end (gst_vidkompy_align_input_ended ()) wakes the conditions
 * whose predicates read its end.
 *
 * States: the element's and each input's are enums (Phase, SeekState,
 * BgOutState, PresetState, WriteState; per input InputPass, InputFlow;
 * above), each changed with the lock in vkalignstate.c only, which logs
 * the change (GST_DEBUG=vidkompyalign:5). The element's booleans are
 * single facts, independent of those states: mode_decided (the mode is
 * chosen, once a run), replay_seek (the alignment job's seeks back to
 * render are on their way: from the render's start to the job's return; a
 * seek queued before the render goes as one of them, with its own
 * SeekState meanwhile), seek_flush_owed (streaming mode: the outputs did
 * not flush for a queued seek yet), fg_segment_ready (the fg has a
 * segment since its flush or the render's start, whatever its flow and
 * pass), refined (the position, once a render: a seek's reset of the
 * decisions keeps it) and blind (a result of the alignment). */
struct _GstVidkompyAlign
{
  GstElement parent;

  Stream bg, fg;

  /* the properties as set, object lock */
  VkAlignSettings prop;
  /* the properties of this run: copied from @prop at READY->PAUSED, read
   * without a lock until PAUSED->READY (see VkAlignSettings) */
  VkAlignSettings settings;

  /* streaming mode (vkstreamrender.c), set once decided; lock */
  gboolean mode_decided;
  VkStreamRender *streaming;

  /* saved alignments (alignment-location, cache-dir), lock */
  GMutex saved_lock;            /* one look-up at a time */
  PresetState preset_state;     /* gst_vidkompy_align_set_preset () */
  const gchar *source;          /* "analysis", "file" or "cache" */
  VkAlignFile *saved;           /* the file rendered, with VK_PRESET () */
  gchar *saved_path;            /* its path */
  gchar *cache_path;            /* where to cache this alignment */
  WriteState write_state;       /* gst_vidkompy_align_set_write () */
  VkAlignFileOptions file_opts; /* what the alignment was made with */
  VkStreamIdentity bg_id, fg_id;

  /* state, lock */
  GMutex lock;
  /* caps_cond: both inputs negotiated (bg.have_info and fg.have_info; an
   * input's end, a flush or a stop end the wait too): mode=auto's choice
   * and a streaming seek queued before both had caps wait for it */
  GCond caps_cond;
  Phase phase;                  /* gst_vidkompy_align_set_phase () */
  gboolean replay_seek;         /* seeking back to render: flushes of our
                                 * own seeks are swallowed, and a stop
                                 * waits for the seeks to return */
  guint streaming_seeks;        /* streaming seeks on their way upstream:
                                 * a stop waits for them */
  /* seeks_cond: none of our seeks on its way upstream any more
   * (!replay_seek, streaming_seeks == 0): a stop waits for it before the
   * pads are deactivated, a src seek in the render for the seeks back */
  GCond seeks_cond;
  SeekState seek;               /* a src seek on its way upstream */
  /* reset_cond: the seek's reset of the render state is done (seek back
   * to SEEK_NONE): the bg's frames and decisions wait for it */
  GCond reset_cond;
  GstEvent *queued_seek;        /* a src seek before the render */
  gboolean seek_flush_owed;     /* the outputs did not flush for a queued
                                 * streaming seek yet */
  guint32 seek_seqnum;          /* of the last src seek handled */
  gboolean seek_ok;             /* its answer, for its copy on the other
                                 * src pad */
  VkAlignResult result;
  guint next_fg;                /* next fg frame the bg output is for */
  guint seg_end;                /* the fg frame a seek's stop is before */
  guint last_decision;          /* bg frame of the last bg output */
  guint last_decided_fg;        /* and its fg frame */
  /* frames the timing line of the decisions is moved from the
   * alignment's (vk_line_anchor ()): 0 at the render's start, kept over
   * seeks */
  gdouble line_shift;
  guint *decision;              /* bg frame of each fg frame, or G_MAXUINT */
  /* the bg output's decisions: made, finished (VK_HAVE_DECISION (),
   * VK_BG_FINISHED (), gst_vidkompy_align_bg_out_event ()) */
  BgOutState bg_out;
  /* decided_cond: the bg output's decisions moved on (a decision[] made,
   * the bg output of next_fg taken, VK_BG_FINISHED (), or a seek's reset
   * of them done, seek back to SEEK_NONE): each fg frame waits for its bg
   * frame, the fg's end for its held frames' */
  GCond decided_cond;
  guint8 *tie;                  /* per fg frame: the decision was a tie */
  gfloat **fg_desc;             /* descriptor of each fg frame until used */
  /* desc_cond: the fg is done with the fg frame the bg output decides
   * next (its fg_desc[] made, fg.last_seen past it, or the fg ended): the
   * bg output waits for it */
  GCond desc_cond;
  GQueue cands;                 /* Cand: received bg frames still needed */
  /* pass_end_cond: both inputs ended their pass and the bg output made
   * its last decisions (VK_IN_ENDED () of both, VK_BG_FINISHED ()): a
   * seek without a flush waits for it (see pass_ended () in
   * vkalignseek.c) */
  GCond pass_end_cond;
  gint desc_w, desc_h;
  guint radius;                 /* bg frames around the dense choice */
  /* the last fg frame output in this pass (-1): one upstream thread
   * feeding both inputs (a tee) brings the frames of the replay again at
   * the flush of the other input's seek; they are not output twice */
  gint64 fg_rendered;
  /* how far beyond a fg frame's candidates' centre the bg may be wanted
   * for its decision: G_MAXUINT (radius), or what the bg reached when one
   * upstream thread feeds both inputs (a tee: gst_vidkompy_align_couple
   * ()); "the inputs are coupled" is coupled_ahead != G_MAXUINT: set by
   * a stall of either input's wait for the other, G_MAXUINT again at the
   * render's start (gst_vidkompy_align_start_render ()) */
  guint coupled_ahead;
  /* coupled inputs: the fg frames taken whose decision or bg output is
   * not made yet, oldest first (HeldFg, vkaligncouple.c): the fg's thread
   * does not wait for the bg's, it outputs them once both are */
  GQueue fg_held;
  gboolean fg_segment_ready;    /* the fg got its segment since the flush */
  /* replay_cond: an input plays again for the render (its pass became
   * PASS_REPLAYING at the flush of the seek back), or the fg got its
   * segment (fg_segment_ready): the refinement pass' frames and the bg's
   * first candidates wait for it */
  GCond replay_cond;
  GstBuffer *pair_fg;           /* first fg frame, for the refinement */
  /* pair_cond: the fg frame to refine the position on arrived (pair_fg;
   * or the fg ended): the bg thread waits for it to refine */
  GCond pair_cond;
  gboolean refined;
  /* refined_cond: the position is refined (refined), or the bg can no
   * longer give its frames for it (the bg ended, VK_BG_FINISHED ()): the
   * fg's first frame and the refinement pass' job wait for it */
  GCond refined_cond;
  /* the placement of the fg in the outputs (take_place (),
   * gst_vidkompy_align_out_place (), vkalignrefine.c) */
  gint out_x, out_y;
  gdouble out_scale, spatial_confidence;
  gdouble fg_motion;            /* vk_fg_motion () of the analysed fg */
  gboolean blind;               /* the fg matched nowhere: centred */
  gint last_percent;
  guint next_estimate;          /* estimates made during the analysis */
  gint64 t_start, t_analysed, t_aligned;

  VkLinkCheck link_check;
  GMutex worker_lock;           /* @worker's; the last lock taken */
  GThreadPool *worker;          /* the jobs' thread, see vkalignworker.c */
  VkThreadPool *helpers;        /* threads lent to the search */
};

/* gstvidkompyalign.c */
Stream *gst_vidkompy_align_stream_of_pad (GstVidkompyAlign * self,
    GstPad * pad);

/* vkalignworker.c */
void gst_vidkompy_align_start_job (GstVidkompyAlign * self, const gchar * name,
    GstElementCallAsyncFunc func, gpointer data, GDestroyNotify destroy);
void gst_vidkompy_align_join_jobs (GstVidkompyAlign * self);
void gst_vidkompy_align_run_job (GstElement * element, const gchar * name,
    GstElementCallAsyncFunc func, gpointer data);
void gst_vidkompy_align_options (GstVidkompyAlign * self,
    VkAlignOptions * opts);

/* vkalignanalysis.c */
GstFlowReturn gst_vidkompy_align_analyse_frame (GstVidkompyAlign * self,
    Stream * s, GstBuffer * buf);
void gst_vidkompy_align_analysis_done (GstVidkompyAlign * self);
gboolean gst_vidkompy_align_frame_fingerprint (GstVidkompyAlign * self,
    Stream * s, GstBuffer * buf, guint8 * dst);
void gst_vidkompy_align_post_progress (GstVidkompyAlign * self);
gboolean gst_vidkompy_align_starved (GstElement * element, GstPad * pad);
void gst_vidkompy_align_summary_of (const Stream * s, VkStreamSummary * sum);
gdouble gst_vidkompy_align_stream_fps (const Stream * s);
guint gst_vidkompy_align_frame_index (const Stream * s, GstClockTime pts);

/* vkalignjob.c */
void gst_vidkompy_align_and_replay (GstElement * element, gpointer user_data);
gboolean gst_vidkompy_align_confidence_check (GstVidkompyAlign * self,
    gdouble confidence, gdouble spatial);
void gst_vidkompy_align_replay (GstVidkompyAlign * self, GstClockTime bg_start,
    GstClockTime fg_start);
void gst_vidkompy_align_start_render (GstVidkompyAlign * self, guint radius);
gboolean gst_vidkompy_align_replayed_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer ** buf);
void gst_vidkompy_align_warn_inputs (GstVidkompyAlign * self,
    const VkAlignResult * r);

/* vkalignrefine.c */
gboolean gst_vidkompy_align_bg_try_refine (GstVidkompyAlign * self,
    gboolean at_end);
gboolean gst_vidkompy_align_fg_wait_refined (GstVidkompyAlign * self,
    GstBuffer * buf);
void gst_vidkompy_align_offer_pair (GstVidkompyAlign * self, GstBuffer * buf);
void gst_vidkompy_align_set_refined (GstVidkompyAlign * self);
void gst_vidkompy_align_out_place (GstVidkompyAlign * self, gint * x, gint * y,
    gdouble * scale, gdouble * confidence);

/* vkalignrender.c */
void gst_vidkompy_align_cand_free (Cand * c);
GstBuffer *gst_vidkompy_align_cand_buffer (GstVidkompyAlign * self,
    guint index);
guint gst_vidkompy_align_ahead (GstVidkompyAlign * self);
gboolean gst_vidkompy_align_candidate_span (GstVidkompyAlign * self, guint i,
    guint * a, guint * b);
GstClockTime gst_vidkompy_align_fg_duration (GstVidkompyAlign * self, guint i);
void gst_vidkompy_align_finish_bg (GstVidkompyAlign * self);
GstFlowReturn gst_vidkompy_align_render_bg (GstVidkompyAlign * self,
    GstBuffer * buf);
GstFlowReturn gst_vidkompy_align_render_fg (GstVidkompyAlign * self,
    GstBuffer * buf);
GstFlowReturn gst_vidkompy_align_push_fg (GstVidkompyAlign * self, guint i,
    GstBuffer * buf);
gboolean gst_vidkompy_align_forward (GstVidkompyAlign * self, Stream * s,
    GstEvent * event);

/* vkaligncouple.c */
void gst_vidkompy_align_couple (GstVidkompyAlign * self, guint i,
    const gchar * why);
gboolean gst_vidkompy_align_bg_wait_fg_desc (GstVidkompyAlign * self, guint i,
    gboolean at_end);
gboolean gst_vidkompy_align_fg_may_hold (GstVidkompyAlign * self);
gboolean gst_vidkompy_align_fg_hold (GstVidkompyAlign * self, guint i,
    GstBuffer * buf);
GstFlowReturn gst_vidkompy_align_fg_release (GstVidkompyAlign * self,
    gboolean all);
void gst_vidkompy_align_fg_drop_held (GstVidkompyAlign * self);
void gst_vidkompy_align_render_reset (GstVidkompyAlign * self, guint from);
void gst_vidkompy_align_render_state_clear (GstVidkompyAlign * self);

/* vkalignmsg.c */
void gst_vidkompy_align_msg_estimate (VkAlignMsg * m, const VkAlignResult * e);
void gst_vidkompy_align_msg_init (GstVidkompyAlign * self, VkAlignMsg * m,
    const gchar * stage);
void gst_vidkompy_align_on_estimate (const VkAlignResult * e,
    gpointer user_data);
void gst_vidkompy_align_post_alignment (GstVidkompyAlign * self,
    gdouble refine_time);

/* vkalignsaved.c */
gboolean gst_vidkompy_align_maybe_use_saved (GstVidkompyAlign * self);
void gst_vidkompy_align_save_alignment (GstVidkompyAlign * self);
void gst_vidkompy_align_saved_reset (GstVidkompyAlign * self);
void gst_vidkompy_align_stream_identity (Stream * s, gboolean whole,
    VkStreamIdentity * id);
gboolean gst_vidkompy_align_verify_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer * buf);
gboolean gst_vidkompy_align_verify_input (GstVidkompyAlign * self, Stream * s);

/* vkalignwait.c */
void gst_vidkompy_align_conds_init (GstVidkompyAlign * self);
void gst_vidkompy_align_conds_clear (GstVidkompyAlign * self);
void gst_vidkompy_align_wake_all (GstVidkompyAlign * self, const gchar * why);
void gst_vidkompy_align_input_ended (GstVidkompyAlign * self, Stream * s);
/* waits on the named condition @c (a GCond field of @self) with the lock:
 * one wake-up, to be called in a loop on the condition's predicate
 * (vkwait.c); _UNTIL: FALSE when @end_time (monotonic, us) passed */
#define VK_ALIGN_WAIT(self, c) vk_wait_named (gst_vidkompy_align_debug, \
    (self), "", &(self)->c, &(self)->lock, #c)
#define VK_ALIGN_WAIT_UNTIL(self, c, end_time) \
    vk_wait_named_until (gst_vidkompy_align_debug, (self), "", &(self)->c, \
    &(self)->lock, #c, (end_time))
/* ... or until the thread of the other input @s (a Stream) was upstream
 * VK_UPSTREAM_STALL from @since: TRUE then (vk_wait_or_stall ()) */
#define VK_ALIGN_WAIT_OR_STALL(self, c, s, since) \
    vk_wait_or_stall (gst_vidkompy_align_debug, (self), "", &(self)->c, \
    &(self)->lock, #c, &(s)->up, (since))

/* vkalignstate.c: each state's one setter, with the lock; logged */
void gst_vidkompy_align_stream_reset (Stream * s);
void gst_vidkompy_align_set_phase (GstVidkompyAlign * self, Phase phase);
void gst_vidkompy_align_set_seek (GstVidkompyAlign * self, SeekState to,
    const gchar * why);
void gst_vidkompy_align_set_pass (Stream * s, InputPass to, const gchar * why);
void gst_vidkompy_align_input_event (Stream * s, InputEvent ev);
void gst_vidkompy_align_bg_out_event (GstVidkompyAlign * self, BgOutEvent ev);
void gst_vidkompy_align_set_preset (GstVidkompyAlign * self, PresetState to,
    const gchar * why);
void gst_vidkompy_align_set_write (GstVidkompyAlign * self, WriteState to,
    const gchar * why);

/* vkalignmode.c */
gboolean gst_vidkompy_align_streaming_latency (GstVidkompyAlign * self,
    GstQuery * query);
VkStreamRender *gst_vidkompy_align_streaming_of (GstVidkompyAlign * self);

/* vkalignseek.c */
gboolean gst_vidkompy_align_handle_seek (GstVidkompyAlign * self, GstPad * pad,
    GstEvent * event);
gboolean gst_vidkompy_align_seek_inputs (GstVidkompyAlign * self,
    GstEvent * event);
void gst_vidkompy_align_streaming_queued_seek (GstVidkompyAlign * self);

G_END_DECLS
#endif /* __GST_VIDKOMPY_ALIGN_PRIV_H__ */
