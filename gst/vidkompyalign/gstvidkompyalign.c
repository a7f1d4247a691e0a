/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-vidkompyalign
 * @title: vidkompyalign
 *
 * Aligns a foreground video (fg) to a background video (bg) that shows the
 * same content at another frame rate, start time, speed or framing: it finds
 * where the fg sits in the bg (position and scale) and, for every fg frame,
 * the bg frame that shows the same moment. It outputs every fg frame
 * unmodified, with its own timestamps, on `fg_src`, and exactly one bg
 * buffer per fg frame on `bg_src`: the matched bg frame (pixels untouched;
 * consecutive fg frames that match the same bg frame share its memory) with
 * the fg frame's PTS and duration. Anything that pairs buffers by timestamp,
 * `vidkompycomposite` in particular, then composites them exactly.
 *
 * Both outputs carry a #GstVidkompyAlignmentMeta (fg and bg frame index,
 * the bg frame's original PTS, match cost and confidence, position and
 * scale), which `vidkompycomposite` uses for placement.
 *
 * With `mode=global` (the default `mode=auto` with seekable, non-live
 * inputs) the alignment is global: the element first analyses both inputs
 * to the end, computing a small low-resolution copy of each frame (no
 * decoded frame is held), then aligns, then seeks both inputs back to the
 * start and renders. The inputs must therefore be seekable (files).
 *
 * With `mode=streaming` (`mode=auto` when an input is live or not
 * seekable) the alignment is online: every fg frame is output at most
 * `latency` after it arrives, only the frames of that window are held, and
 * the LATENCY query reports upstream's latency plus `latency`. The position
 * is searched on the first frames; a forward dynamic programme over the
 * held bg frames decides each fg frame after a fixed lag. fg frames whose
 * time is up before the fg is found get the oldest held bg frame with
 * confidence 0. `vidkompy-match-lost` and `vidkompy-match-recovered`
 * messages tell when the fg stops and starts matching the bg.
 *
 * Alignment: the fg is searched in the bg with a multi-scale normalised
 * cross-correlation on low-resolution frames, then refined on the first
 * full-resolution frame pair; both streams are fingerprinted on the same
 * region (the bg cropped to the fg rectangle); a robust line through the
 * best matches of sampled fg frames gives the offset and rate; a monotonic
 * dynamic-programming alignment in a corridor around that line then assigns
 * a bg frame to every fg frame, never stepping backwards, with a smoothness
 * term so that static scenes and ties follow the line.
 *
 * ## Messages
 *
 * `vidkompy-progress` (element message, during the analysis, about every
 * percent): `phase` (string, "analysis"), `percent` (double, 0..100),
 * `frames` (guint64, frames analysed in both streams), `bg-frames`,
 * `fg-frames` (guint64).
 *
 * `vidkompy-alignment` (element message): `stage` (string, "estimate" or
 * "final"), `source` (string: "analysis", "file" or "cache"), `analysed`
 * (double, percent of the analysis behind it: 50 or 100), `x`, `y`
 * (int, fg top-left corner in bg pixels), `scale` (double, bg pixels per fg
 * pixel), `bg-offset` (gint64, ns: bg stream time shown at the fg's first
 * frame: the bg's PTS mapped through its segment, so that an edit list
 * that delays the first PTS does not shift it), `rate` (double, bg time per fg time: 1.0 = same speed),
 * `confidence` (double, 0..1), `spatial-confidence` (double, 0..1),
 * `region-x`, `region-y`, `region-width`, `region-height` (int, fg pixels:
 * the compared part of the fg, see #GstVidkompyAlign:match-region),
 * `frames-matched` (guint, fg frames), `bg-frames` (guint), `analysis-time`,
 * `alignment-time`, `refine-time` (double, seconds).
 *
 * In streaming mode, `vidkompy-alignment` has a `mode` field ("streaming")
 * and is posted when the fg is found; `vidkompy-match-lost` (element
 * message): `fg-index` (guint64), `fg-pts` (guint64, ns), `cost` (double);
 * `vidkompy-match-recovered`: `fg-index`, `fg-pts`, `bg-index`,
 * `lost-frames` (guint64).
 * The sequence: `vidkompy-progress` messages during the analysis; at half
 * of it, a `vidkompy-alignment` with stage "estimate" and `analysed` 50,
 * computed meanwhile from the frames analysed so far (posted only when
 * ready before the analysis ends); once the analysis is complete, another
 * "estimate" (`analysed` 100) as soon as the coarse estimate of the whole
 * streams is known, before the dense per-frame alignment (position and
 * scale from the low-resolution frames, offset and rate of the coarse line,
 * `confidence` = share of the sampled fg frames on that line, no frame
 * map); then, once, before the first output buffer, the refined one with
 * stage "final". An alignment read from a file or the cache posts only the
 * "final" message, with source "file" or "cache".
 *
 * ## Alignment files and cache
 *
 * With `alignment-location`, the alignment rendered (inputs' identities,
 * position, frame map with timestamps; a versioned JSON document described
 * in docs/vidkompyalign.md) is written atomically once every fg frame got
 * its bg frame. With `use-alignment=true` that file is read instead: once
 * the first 16 frames of both inputs are fingerprinted and match the file
 * (frame size, frame rate, duration, hash of their fingerprints), the
 * inputs are rendered with the file's frame map without analysis; a file
 * that does not match the inputs, is of another version or is invalid is
 * refused with an error. `cache-dir` does the same automatically, keyed by
 * the inputs' identities and the options: the second run on a pair skips
 * the analysis.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 vidkompyalign name=a vidkompycomposite name=c fg_sink::border=16 \
 *     ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4 \
 *   filesrc location=bg.mp4 ! decodebin ! a.bg_sink \
 *   filesrc location=fg.mp4 ! decodebin ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| Finds the fg in the bg and composites it there, frame-exactly.
 * |[
 * gst-launch-1.0 vidkompyalign name=a latency=1000000000 \
 *     vidkompycomposite name=c ! videoconvert ! autovideosink \
 *   videotestsrc is-live=true ! video/x-raw,width=640,height=360 ! tee name=t \
 *   t. ! queue ! a.bg_sink \
 *   t. ! queue ! videocrop left=80 top=40 right=240 bottom=140 ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| Streaming mode (live input): at most 1 s of latency.
 * |[
 * gst-launch-1.0 vidkompyalign name=a cache-dir=/var/cache/vidkompy \
 *     alignment-location=out.align.json vidkompycomposite name=c \
 *     ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4 \
 *   filesrc location=bg.mp4 ! decodebin ! a.bg_sink \
 *   filesrc location=fg.mp4 ! decodebin ! a.fg_sink \
 *   a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink
 * ]| The same, writing the alignment to out.align.json and caching it: run
 * again, it renders without analysing. With `use-alignment=true` it renders
 * out.align.json (edited by hand, for example).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
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
#include "vkalignprops.h"

GST_DEBUG_CATEGORY_STATIC (gst_vidkompy_align_debug);
#define GST_CAT_DEFAULT gst_vidkompy_align_debug

/* mode=auto waits this long (us) for both inputs' caps before deciding */
#define AUTO_WAIT (10 * G_TIME_SPAN_SECOND)

/* the position is refined on full-resolution pairs of the first fg frame
 * and the bg frames this far from its match */
#define REFINE_RADIUS 4
/* a refined position correlating within this of 1 is not searched further */
#define REFINE_DONE 1e-3


typedef enum
{
  PHASE_ANALYSIS,
  PHASE_ALIGNING,
  PHASE_RENDER,
  PHASE_DONE,
} Phase;

/* a bg frame that may be shown by a coming fg frame */
typedef struct
{
  guint index;
  GstBuffer *buffer;
  gfloat *desc;
} Cand;

typedef struct
{
  const gchar *name;
  GstPad *sinkpad, *srcpad;

  /* streaming thread of the stream, or the object lock */
  GstVideoInfo info;
  gboolean have_info;
  GstSegment segment;
  gboolean eos;
  gboolean flushing;

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

  /* render: the src pad got its sticky events */
  gboolean src_ready;
  /* render: the refinement pass before rendering (see refine_first ()),
   * until the flush of the seek back to the start; nothing is output */
  gboolean hold;
  gint64 last_seen;             /* render: the last frame since the flush */
  /* render: the input plays again since the seek back (its EOS is the
   * end of the render, even when the seeking job has not yet returned) */
  gboolean replayed;
  /* render: a seek without a flush was sent; its segment starts a new
   * pass of the input */
  gboolean new_pass;
} Stream;

struct _GstVidkompyAlign
{
  GstElement parent;

  Stream bg, fg;

  /* properties, object lock */
  gint x, y;
  gboolean detect_position;
  gdouble scale;
  gboolean unscaled;
  GstClockTime window, drift_tolerance;
  gboolean window_set, drift_set;       /* set explicitly: quality keeps them */
  GstVidkompyUnmatchedFrames unmatched;
  GstVidkompyQuality quality;
  gboolean strict;
  VkMatchRegion match_region;
  GstVidkompyAlignMode mode;
  GstClockTime latency;

  /* streaming mode (vkstreamrender.c), set once decided; lock */
  gboolean mode_decided;
  VkStreamRender *streaming;
  gchar *alignment_location;
  gboolean use_alignment;
  gchar *cache_dir;

  /* saved alignments (alignment-location, cache-dir), lock */
  GMutex saved_lock;            /* one look-up at a time */
  gboolean saved_checked;       /* looked for once the heads are hashed */
  gboolean preset;              /* rendering an alignment read from a file */
  const gchar *source;          /* "analysis", "file" or "cache" */
  VkAlignFile *saved;           /* the file rendered, with preset */
  gchar *saved_path;            /* its path */
  gchar *cache_path;            /* where to cache this alignment */
  gboolean verify;              /* preset: check the whole inputs at EOS */
  gboolean map_complete;        /* every fg frame decided since frame 0 */
  gboolean written;
  VkAlignFileOptions file_opts; /* what the alignment was made with */
  VkStreamIdentity bg_id, fg_id;

  /* state, lock */
  GMutex lock;
  GCond cond;
  Phase phase;
  gboolean replay_seek;         /* seeking back to render: flushes of our
                                 * own seeks are swallowed, and a stop
                                 * waits for the seeks to return */
  gboolean seeking;             /* a src seek is on its way upstream */
  gboolean pass_reset;          /* and it has no flush: the frames of its
                                 * new pass (Stream.new_pass) wait for its
                                 * reset of the render state */
  GstEvent *queued_seek;        /* a src seek before the render */
  guint streaming_seeks;        /* streaming seeks on their way upstream:
                                 * a stop waits for them */
  gboolean seek_flush_owed;     /* the outputs did not flush for a queued
                                 * streaming seek yet */
  guint32 seek_seqnum;          /* of the last src seek handled */
  VkAlignResult result;
  guint next_fg;                /* next fg frame the bg output is for */
  guint seg_end;                /* the fg frame a seek's stop is before */
  guint last_decision;          /* bg frame of the last bg output */
  guint last_decided_fg;        /* and its fg frame */
  gboolean have_decision;
  guint *decision;              /* bg frame of each fg frame, or G_MAXUINT */
  guint8 *tie;                  /* per fg frame: the decision was a tie */
  gfloat **fg_desc;             /* descriptor of each fg frame until used */
  GQueue cands;                 /* Cand: received bg frames still needed */
  gboolean bg_finished;
  gint desc_w, desc_h;
  guint radius;                 /* bg frames around the dense choice */
  gboolean fg_segment_ready;    /* the fg got its segment since the flush */
  GstBuffer *pair_fg;           /* first fg frame, for the refinement */
  gboolean refined;
  gint out_x, out_y;
  gdouble out_scale, spatial_confidence;
  gdouble fg_motion;            /* vk_fg_motion () of the analysed fg */
  gboolean blind;               /* the fg matched nowhere: centred */
  gint last_percent;
  guint next_estimate;          /* estimates made during the analysis */
  gint64 t_start, t_analysed, t_aligned;

  VkLinkCheck link_check;
  GPtrArray *jobs;              /* GThread of the jobs, see start_job () */
};

#define FORMATS "{ I420, YV12, NV12, NV21, Y41B, Y42B, Y444, GRAY8 }"

static GstStaticPadTemplate bg_sink_template =
GST_STATIC_PAD_TEMPLATE ("bg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate fg_sink_template =
GST_STATIC_PAD_TEMPLATE ("fg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate bg_src_template =
GST_STATIC_PAD_TEMPLATE ("bg_src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));
static GstStaticPadTemplate fg_src_template =
GST_STATIC_PAD_TEMPLATE ("fg_src", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (FORMATS)));

#define gst_vidkompy_align_parent_class parent_class
G_DEFINE_TYPE (GstVidkompyAlign, gst_vidkompy_align, GST_TYPE_ELEMENT);

GST_ELEMENT_REGISTER_DEFINE (vidkompyalign, "vidkompyalign", GST_RANK_NONE,
    GST_TYPE_VIDKOMPY_ALIGN);

static Stream *
stream_of_pad (GstVidkompyAlign * self, GstPad * pad)
{
  if (pad == self->bg.sinkpad || pad == self->bg.srcpad)
    return &self->bg;
  return &self->fg;
}

/* ------------------------------------------------------------------------ */
/* Jobs: the alignment and the estimates run in threads of their own */

typedef struct
{
  GstVidkompyAlign *self;
  GstElementCallAsyncFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  job->func (GST_ELEMENT (job->self), job->data);
  if (job->destroy)
    job->destroy (job->data);
  g_free (job);
  return NULL;
}

/* Runs @func (@data) in a thread of its own, which a stop waits for (see
 * join_jobs ()); with the lock. */
static void
start_job (GstVidkompyAlign * self, const gchar * name,
    GstElementCallAsyncFunc func, gpointer data, GDestroyNotify destroy)
{
  Job *job = g_new (Job, 1);

  job->self = self;
  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_ptr_array_add (self->jobs, g_thread_new (name, job_thread, job));
}

/* Waits for the jobs, which return soon once the phase is PHASE_DONE (they
 * check it after each step that takes time). Without the lock. */
static void
join_jobs (GstVidkompyAlign * self)
{
  GPtrArray *jobs;
  guint i;

  g_mutex_lock (&self->lock);
  jobs = self->jobs;
  self->jobs = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (i = 0; i < jobs->len; i++)
    g_thread_join (g_ptr_array_index (jobs, i));
  if (jobs->len > 0)
    GST_DEBUG_OBJECT (self, "joined %u jobs", jobs->len);
  g_ptr_array_unref (jobs);
}

static void
stream_reset (Stream * s)
{
  if (s->pts)
    g_array_set_size (s->pts, 0);
  if (s->durations)
    g_array_set_size (s->durations, 0);
  if (s->low)
    g_byte_array_set_size (s->low, 0);
  s->have_info = FALSE;
  s->eos = FALSE;
  s->flushing = FALSE;
  s->duration = GST_CLOCK_TIME_NONE;
  s->checked_seekable = FALSE;
  s->src_ready = FALSE;
  s->hold = FALSE;
  s->replayed = FALSE;
  s->new_pass = FALSE;
  s->last_seen = -1;
  vk_identity_hasher_reset (&s->hasher);
  vk_retime_reset (&s->retime);
  gst_segment_init (&s->segment, GST_FORMAT_TIME);
}

static gdouble
stream_fps (const Stream * s)
{
  if (s->have_info && GST_VIDEO_INFO_FPS_N (&s->info) > 0)
    return (gdouble) GST_VIDEO_INFO_FPS_N (&s->info) /
        GST_VIDEO_INFO_FPS_D (&s->info);
  /* from the timestamps */
  if (s->pts->len >= 2) {
    GstClockTime first = g_array_index (s->pts, GstClockTime, 0);
    GstClockTime last = g_array_index (s->pts, GstClockTime, s->pts->len - 1);

    if (last > first)
      return (s->pts->len - 1) * (gdouble) GST_SECOND / (last - first);
  }
  return 25.0;
}

static void cand_free (Cand * c);
static gboolean bg_try_refine (GstVidkompyAlign * self, gboolean at_end);
static void render_reset (GstVidkompyAlign * self, guint from);
static void post_alignment (GstVidkompyAlign * self, gdouble refine_time);
static void on_estimate (const VkAlignResult * e, gpointer user_data);
static gboolean replayed_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer ** buf);
static gboolean verify_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer * buf);
static gboolean seek_inputs (GstVidkompyAlign * self, GstEvent * event);
static gpointer estimate_snapshot (GstVidkompyAlign * self, gint percent);
static void estimate_partial (GstElement * element, gpointer user_data);
static void snapshot_free (gpointer data);

static void
render_state_clear (GstVidkompyAlign * self)
{
  guint i;

  g_queue_clear_full (&self->cands, (GDestroyNotify) cand_free);
  gst_clear_buffer (&self->pair_fg);
  if (self->fg_desc)
    for (i = 0; i < self->result.n_fg; i++)
      g_free (self->fg_desc[i]);
  g_clear_pointer (&self->fg_desc, g_free);
  g_clear_pointer (&self->decision, g_free);
  g_clear_pointer (&self->tie, g_free);
}

static void align_options_of (GstVidkompyAlign * self, VkAlignOptions * opts);

/* whether an input can be replayed: seekable and not live (a live
 * videotestsrc answers seekable) */
static gboolean
peer_replayable (GstPad * sinkpad)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_TIME);
  gboolean seekable = FALSE, live = FALSE;

  if (gst_pad_peer_query (sinkpad, q))
    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
  gst_query_unref (q);
  q = gst_query_new_latency ();
  if (gst_pad_peer_query (sinkpad, q))
    gst_query_parse_latency (q, &live, NULL, NULL);
  gst_query_unref (q);
  return seekable && !live;
}

static void
streaming_seek_job (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  GstEvent *event = user_data;
  GstSeekFlags flags;
  gint64 deadline = g_get_monotonic_time () + AUTO_WAIT;
  guint32 seqnum;
  gboolean flush;

  /* both inputs linked and negotiated (decodebin links its pads one after
   * the other), as for mode=auto's decision */
  g_mutex_lock (&self->lock);
  while (!(self->bg.have_info && self->fg.have_info)
      && self->phase != PHASE_DONE)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  g_mutex_unlock (&self->lock);
  gst_event_parse_seek (event, NULL, NULL, &flags, NULL, NULL, NULL, NULL);
  seqnum = gst_event_get_seqnum (event);
  if (!vk_seek_streaming (element, self->streaming, self->bg.sinkpad,
          self->fg.sinkpad, event, (flags & GST_SEEK_FLAG_FLUSH) != 0,
          self->latency)) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Could not seek the inputs "
            "to the position asked for before the streaming mode was "
            "chosen: playing from where they are."), (NULL));
    g_mutex_lock (&self->lock);
    flush = self->seek_flush_owed;
    g_mutex_unlock (&self->lock);
    /* downstream waits for the flush of the seek it sent */
    if (flush)
      vk_seek_flush_outputs (self->bg.srcpad, self->fg.srcpad, seqnum);
  }
  g_mutex_lock (&self->lock);
  self->seek_flush_owed = FALSE;
  self->streaming_seeks--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* A seek queued before the streaming mode started (mode=auto had not
 * chosen, or mode=streaming had no event yet; see handle_seek ()) goes to
 * the inputs from a job, once both have caps: the streaming threads must
 * not seek their own sources. The frames that come meanwhile are from
 * before the seek: the streaming renderer holds them until the inputs
 * flush (a flushing seek). A stop waits for the job (streaming_seeks).
 * With the lock. */
static void
streaming_queued_seek (GstVidkompyAlign * self)
{
  GstEvent *event = g_steal_pointer (&self->queued_seek);
  GstSeekFlags flags;

  if (event == NULL)
    return;
  GST_INFO_OBJECT (self, "streaming: the seek queued before the mode was "
      "chosen goes to the inputs");
  gst_event_parse_seek (event, NULL, NULL, &flags, NULL, NULL, NULL, NULL);
  if (flags & GST_SEEK_FLAG_FLUSH)
    vk_stream_render_seek_begin (self->streaming);
  self->streaming_seeks++;
  start_job (self, "vk-seek", streaming_seek_job, event, NULL);
}

/* Decides once between the global and the streaming mode. Returns the
 * streaming renderer, or NULL in global mode. */
static VkStreamRender *
streaming_of (GstVidkompyAlign * self)
{
  GstVidkompyAlignMode mode;
  VkStreamConfig cfg;
  gboolean streaming;

  g_mutex_lock (&self->lock);
  if (self->mode_decided) {
    g_mutex_unlock (&self->lock);
    return self->streaming;
  }
  g_mutex_unlock (&self->lock);

  GST_OBJECT_LOCK (self);
  mode = self->mode;
  cfg.latency = self->latency;
  align_options_of (self, &cfg.opts);
  GST_OBJECT_UNLOCK (self);

  /* auto: both inputs must be linked and negotiated to be asked (decodebin
   * links its pads one after the other); an input that sends nothing is
   * not waited for more than AUTO_WAIT, and is not asked */
  streaming = mode == GST_VIDKOMPY_ALIGN_MODE_STREAMING;
  if (mode == GST_VIDKOMPY_ALIGN_MODE_AUTO) {
    gint64 deadline = g_get_monotonic_time () + AUTO_WAIT;
    gboolean bg_info, fg_info;

    g_mutex_lock (&self->lock);
    while (!(self->bg.have_info && self->fg.have_info)
        && !self->bg.flushing && !self->fg.flushing
        && !self->bg.eos && !self->fg.eos && self->phase == PHASE_ANALYSIS) {
      if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
        break;
    }
    if (self->bg.flushing || self->fg.flushing || self->phase != PHASE_ANALYSIS) {
      /* stopping or seeking: decided with a later buffer */
      g_mutex_unlock (&self->lock);
      return NULL;
    }
    bg_info = self->bg.have_info;
    fg_info = self->fg.have_info;
    g_mutex_unlock (&self->lock);
    streaming = (bg_info && !peer_replayable (self->bg.sinkpad))
        || (fg_info && !peer_replayable (self->fg.sinkpad));
  }

  g_mutex_lock (&self->lock);
  /* shutting down meanwhile: nothing to decide */
  if (self->phase == PHASE_DONE) {
    g_mutex_unlock (&self->lock);
    return NULL;
  }
  if (!self->mode_decided) {
    self->mode_decided = TRUE;
    GST_INFO_OBJECT (self, "%s mode", streaming ? "streaming" : "global");
    if (streaming) {
      cfg.element = GST_ELEMENT (self);
      cfg.bg_sink = self->bg.sinkpad;
      cfg.fg_sink = self->fg.sinkpad;
      cfg.bg_src = self->bg.srcpad;
      cfg.fg_src = self->fg.srcpad;
      cfg.bg_info = &self->bg.info;
      cfg.fg_info = &self->fg.info;
      cfg.bg_segment = &self->bg.segment;
      cfg.fg_segment = &self->fg.segment;
      self->streaming = vk_stream_render_new (&cfg);
      streaming_queued_seek (self);
    }
  }
  g_mutex_unlock (&self->lock);
  return self->streaming;
}

/* Streaming: upstream's latency (the larger minimum of both inputs) plus
 * ours, which the streaming mode never exceeds. */
static gboolean
streaming_latency (GstVidkompyAlign * self, GstQuery * query)
{
  GstPad *pads[2] = { self->bg.sinkpad, self->fg.sinkpad };
  GstClockTime min = 0, max = GST_CLOCK_TIME_NONE, latency;
  gboolean live = FALSE;
  guint k;

  GST_OBJECT_LOCK (self);
  latency = self->latency;
  GST_OBJECT_UNLOCK (self);
  for (k = 0; k < 2; k++) {
    GstQuery *q = gst_query_new_latency ();
    gboolean l;
    GstClockTime mn, mx;

    if (gst_pad_peer_query (pads[k], q)) {
      gst_query_parse_latency (q, &l, &mn, &mx);
      if (l) {
        live = TRUE;
        min = MAX (min, mn);
        if (GST_CLOCK_TIME_IS_VALID (mx))
          max = GST_CLOCK_TIME_IS_VALID (max) ? MIN (max, mx) : mx;
      }
    }
    gst_query_unref (q);
  }
  min += latency;
  if (GST_CLOCK_TIME_IS_VALID (max))
    max += latency;
  GST_DEBUG_OBJECT (self, "latency: live %d, min %" GST_TIME_FORMAT ", max %"
      GST_TIME_FORMAT, live, GST_TIME_ARGS (min), GST_TIME_ARGS (max));
  gst_query_set_latency (query, live, min, max);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Analysis */

static gboolean
check_seekable (GstVidkompyAlign * self, Stream * s)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_TIME);
  gboolean seekable = FALSE;

  if (gst_pad_peer_query (s->sinkpad, q))
    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
  gst_query_unref (q);

  if (!seekable) {
    GST_ELEMENT_ERROR (self, STREAM, NOT_IMPLEMENTED,
        ("The %s input (%s) is not seekable: vidkompyalign analyses both "
            "inputs to the end and then replays them, which needs files or "
            "other seekable sources.", s->name, GST_PAD_NAME (s->sinkpad)),
        ("SEEKING query on %s answered not seekable",
            GST_PAD_NAME (s->sinkpad)));
    return FALSE;
  }
  if (!gst_pad_peer_query_duration (s->sinkpad, GST_FORMAT_TIME,
          (gint64 *) & s->duration))
    s->duration = GST_CLOCK_TIME_NONE;
  return TRUE;
}

static void
post_progress (GstVidkompyAlign * self)
{
  gdouble p[2] = { 0, 0 };
  Stream *ss[2] = { &self->bg, &self->fg };
  guint64 n_bg, n_fg;
  gint percent;
  guint i;
  gpointer snap;

  for (i = 0; i < 2; i++) {
    Stream *s = ss[i];

    if (s->eos)
      p[i] = 1.0;
    else if (GST_CLOCK_TIME_IS_VALID (s->duration) && s->duration > 0
        && s->pts->len > 0)
      p[i] = MIN (1.0, (gdouble) g_array_index (s->pts, GstClockTime,
              s->pts->len - 1) / s->duration);
  }
  percent = (gint) (50.0 * (p[0] + p[1]));

  g_mutex_lock (&self->lock);
  if (percent <= self->last_percent) {
    g_mutex_unlock (&self->lock);
    return;
  }
  self->last_percent = percent;
  n_bg = self->bg.pts->len;
  n_fg = self->fg.pts->len;
  snap = estimate_snapshot (self, percent);
  g_mutex_unlock (&self->lock);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("vidkompy-progress", "phase", G_TYPE_STRING,
              "analysis", "percent", G_TYPE_DOUBLE, (gdouble) percent,
              "frames", G_TYPE_UINT64, n_bg + n_fg, "bg-frames",
              G_TYPE_UINT64, n_bg, "fg-frames", G_TYPE_UINT64, n_fg, NULL)));
  if (snap) {
    g_mutex_lock (&self->lock);
    start_job (self, "vk-estimate", estimate_partial, snap, snapshot_free);
    g_mutex_unlock (&self->lock);
  }
}

/* The low-resolution copy of the frame's luma (its fingerprint) in @dst,
 * s->low_width x s->low_height bytes. */
static gboolean
frame_fingerprint (GstVidkompyAlign * self, Stream * s, GstBuffer * buf,
    guint8 * dst)
{
  GstVideoFrame frame;
  gint n = s->low_width * s->low_height, k;
  gfloat *tmp;

  if (!gst_video_frame_map (&frame, &s->info, buf, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("%s: could not map a video frame.", GST_PAD_NAME (s->sinkpad)),
        (NULL));
    return FALSE;
  }

  tmp = g_newa (gfloat, n);
  vk_luma_resample (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), GST_VIDEO_FRAME_WIDTH (&frame),
      GST_VIDEO_FRAME_HEIGHT (&frame), 0, 0, GST_VIDEO_FRAME_WIDTH (&frame),
      GST_VIDEO_FRAME_HEIGHT (&frame), tmp, s->low_width, s->low_height);
  gst_video_frame_unmap (&frame);
  for (k = 0; k < n; k++)
    dst[k] = (guint8) CLAMP (floorf (tmp[k] + 0.5f), 0, 255);
  return TRUE;
}

static gboolean maybe_use_saved (GstVidkompyAlign * self);

/* The stream time of @s's first frame, at PTS @pts: the time users count
 * (an MP4 edit list that skips the B-frame delay makes the first frame's
 * PTS 0.067 s at 30 fps but its stream time 0, as players and ffmpeg show
 * it); @pts when the segment does not map it. */
static GstClockTime
first_stream_time (Stream * s, GstClockTime pts)
{
  GstClockTime t = gst_segment_to_stream_time (&s->segment, GST_FORMAT_TIME,
      pts);

  GST_DEBUG_OBJECT (s->sinkpad, "first frame: PTS %" GST_TIME_FORMAT
      ", stream time %" GST_TIME_FORMAT, GST_TIME_ARGS (pts),
      GST_TIME_ARGS (t));
  return GST_CLOCK_TIME_IS_VALID (t) ? t : pts;
}

/* a frame's duration, for a frame retimed after @buf's predecessor: the
 * caps' frame rate's, else the buffer's when plausible (a file whose
 * timestamps go backwards can have any durations) */
static GstClockTime
frame_step (Stream * s, GstBuffer * buf)
{
  if (GST_VIDEO_INFO_FPS_N (&s->info) > 0)
    return gst_util_uint64_scale_int (GST_SECOND,
        GST_VIDEO_INFO_FPS_D (&s->info), GST_VIDEO_INFO_FPS_N (&s->info));
  if (GST_BUFFER_DURATION_IS_VALID (buf) && GST_BUFFER_DURATION (buf) > 0
      && GST_BUFFER_DURATION (buf) <= VK_RETIME_MAX_STEP)
    return GST_BUFFER_DURATION (buf);
  return VK_RETIME_DEFAULT_STEP;
}

/* Keeps the frame's timestamp and a low-resolution copy of its luma. A
 * frame whose timestamp is not after the previous one's gets one a frame
 * after it (see vkretime.c): every frame is analysed and output. */
static GstFlowReturn
analyse_frame (GstVidkompyAlign * self, Stream * s, GstBuffer * buf)
{
  gint n = s->low_width * s->low_height;
  guint8 *fp, *dst;
  GstClockTime pts;

  if (!s->checked_seekable) {
    s->checked_seekable = TRUE;
    if (!check_seekable (self, s))
      return GST_FLOW_ERROR;
  }

  fp = g_newa (guint8, n);
  if (!frame_fingerprint (self, s, buf, fp))
    return GST_FLOW_ERROR;

  g_mutex_lock (&self->lock);
  if (self->phase != PHASE_ANALYSIS) {
    /* a saved alignment was taken meanwhile */
    g_mutex_unlock (&self->lock);
    return GST_FLOW_OK;
  }
  if (s->low->len == 0 && GST_CLOCK_TIME_IS_VALID (s->duration)) {
    /* room for the whole stream at once: growing by doubling would keep up
     * to twice the memory */
    guint64 frames = gst_util_uint64_scale (s->duration,
        (guint64) (stream_fps (s) * 1000 + 0.5), 1000 * GST_SECOND) + 16;

    g_byte_array_unref (s->low);
    s->low = g_byte_array_sized_new (MIN (frames * n, G_MAXUINT / 2));
  }
  g_byte_array_set_size (s->low, s->low->len + n);
  dst = s->low->data + s->low->len - n;
  memcpy (dst, fp, n);
  vk_identity_hasher_add (&s->hasher, fp, n);
  if (s->pts->len == 0)
    s->time0 = first_stream_time (s, GST_BUFFER_PTS (buf));
  pts = vk_retime_add (&s->retime, s->pts->len > 0 ? g_array_index (s->pts,
          GstClockTime, s->pts->len - 1) : GST_CLOCK_TIME_NONE,
      GST_BUFFER_PTS (buf), frame_step (s, buf));
  g_array_append_val (s->pts, pts);
  g_array_append_val (s->durations, GST_BUFFER_DURATION (buf));
  g_mutex_unlock (&self->lock);

  GST_LOG_OBJECT (s->sinkpad, "analysed frame %u at %" GST_TIME_FORMAT
      " (given %" GST_TIME_FORMAT ")", s->pts->len - 1,
      GST_TIME_ARGS (GST_BUFFER_PTS (buf)), GST_TIME_ARGS (pts));
  post_progress (self);
  return maybe_use_saved (self) ? GST_FLOW_OK : GST_FLOW_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Saved alignments: alignment-location, use-alignment, cache-dir */

/* with the object lock */
static void
file_options_of (GstVidkompyAlign * self, VkAlignFileOptions * o)
{
  memset (o, 0, sizeof (*o));
  o->fixed_position = !self->detect_position;
  o->x = o->fixed_position ? self->x : 0;
  o->y = o->fixed_position ? self->y : 0;
  o->scale = self->scale;
  o->unscaled = self->unscaled;
  o->window = self->window;
  o->drift_tolerance = (guint) (self->drift_tolerance / GST_MSECOND);
  o->match_region = self->match_region;
}

/* what identifies the input so far (with @whole: also its frame count and
 * the hash of all its frames); with the lock */
static void
stream_identity (Stream * s, gboolean whole, VkStreamIdentity * id)
{
  memset (id, 0, sizeof (*id));
  id->fps_d = 1;
  if (s->have_info) {
    id->width = GST_VIDEO_INFO_WIDTH (&s->info);
    id->height = GST_VIDEO_INFO_HEIGHT (&s->info);
    id->fps_n = GST_VIDEO_INFO_FPS_N (&s->info);
    id->fps_d = MAX (1, GST_VIDEO_INFO_FPS_D (&s->info));
  }
  id->duration = GST_CLOCK_TIME_IS_VALID (s->duration) ? s->duration :
      VK_TIME_NONE;
  vk_identity_hasher_get (&s->hasher, whole, id);
}

static gboolean
head_ready (Stream * s)
{
  return s->eos || vk_identity_hasher_head_done (&s->hasher);
}

static void render_saved (GstElement * element, gpointer user_data);

/* Once the first frames of both inputs are fingerprinted: with
 * use-alignment, checks alignment-location against the inputs and renders
 * with it (no analysis); with cache-dir, renders with the cached alignment
 * of the pair when there is one. Returns FALSE after posting an error. */
static gboolean
maybe_use_saved (GstVidkompyAlign * self)
{
  gchar *location, *dir, *key, *path = NULL;
  gboolean use, ok = TRUE;
  VkStreamIdentity bg, fg;
  VkAlignFileOptions opts;
  VkAlignFile *file = NULL;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  use = self->use_alignment;
  if (!use && self->cache_dir == NULL) {
    GST_OBJECT_UNLOCK (self);
    return TRUE;
  }
  location = g_strdup (self->alignment_location);
  dir = g_strdup (self->cache_dir);
  file_options_of (self, &opts);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->saved_lock);
  g_mutex_lock (&self->lock);
  if (self->saved_checked || self->phase != PHASE_ANALYSIS || !(use || dir)
      || !head_ready (&self->bg) || !head_ready (&self->fg)) {
    g_mutex_unlock (&self->lock);
    goto done;
  }
  self->saved_checked = TRUE;
  stream_identity (&self->bg, FALSE, &bg);
  stream_identity (&self->fg, FALSE, &fg);
  g_mutex_unlock (&self->lock);

  file = g_new0 (VkAlignFile, 1);
  if (use && location == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("use-alignment is set but alignment-location is not."), (NULL));
    ok = FALSE;
    goto done;
  } else if (use) {
    path = g_strdup (location);
    if (!vk_align_file_load (path, file, &err)
        || !vk_align_file_check_input (file, TRUE, &bg, FALSE, &err)
        || !vk_align_file_check_input (file, FALSE, &fg, FALSE, &err)) {
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("Cannot use the alignment file \"%s\": %s.", path, err->message),
          ("use-alignment is set"));
      g_error_free (err);
      ok = FALSE;
      goto done;
    }
  } else {
    key = vk_align_cache_key (&bg, &fg, &opts);
    path = g_strdup_printf ("%s%s%s.json", dir, G_DIR_SEPARATOR_S, key);
    g_free (key);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
      GST_INFO_OBJECT (self, "no cached alignment (%s): analysing", path);
      goto miss;
    }
    if (!vk_align_file_load (path, file, &err)
        || !vk_align_file_check_input (file, TRUE, &bg, FALSE, &err)
        || !vk_align_file_check_input (file, FALSE, &fg, FALSE, &err)) {
      GST_WARNING_OBJECT (self, "ignoring the cached alignment %s: %s", path,
          err->message);
      g_clear_error (&err);
      goto miss;
    }
  }

  GST_INFO_OBJECT (self, "using the alignment of %s: analysis skipped", path);
  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ANALYSIS) {
    self->saved = g_steal_pointer (&file);
    self->saved_path = g_steal_pointer (&path);
    self->source = use ? "file" : "cache";
    self->phase = PHASE_ALIGNING;
    self->t_analysed = g_get_monotonic_time ();
    start_job (self, "vk-render-saved", render_saved, NULL, NULL);
  }
  g_mutex_unlock (&self->lock);
  goto done;

miss:
  g_mutex_lock (&self->lock);
  g_free (self->cache_path);
  self->cache_path = g_steal_pointer (&path);
  g_mutex_unlock (&self->lock);

done:
  g_mutex_unlock (&self->saved_lock);
  if (file) {
    vk_align_file_clear (file);
    g_free (file);
  }
  g_free (path);
  g_free (location);
  g_free (dir);
  return ok;
}

static void
summary_of (const Stream * s, VkStreamSummary * sum)
{
  sum->width = GST_VIDEO_INFO_WIDTH (&s->info);
  sum->height = GST_VIDEO_INFO_HEIGHT (&s->info);
  sum->low_width = s->low_width;
  sum->low_height = s->low_height;
  sum->fps = stream_fps (s);
  sum->n_frames = s->pts->len;
  sum->low = s->low->data;
}

/* see seek_to () */
#define SEEK_MARGIN GST_MSECOND

/* Seeks @s back to its analysed frame at @position: to the stream's start
 * for its first frame (qtdemux and a decoder can lose the first frames of
 * a file with B-frames after an accurate seek to their timestamp), else a
 * little before the frame (a decoder can give it a timestamp a nanosecond
 * earlier than the first time, and clip it); a retimed input (see
 * vkretime.c) from its start. What comes before the frame is dropped, see
 * replayed_frame (). */
static void
seek_to (GstVidkompyAlign * self, Stream * s, GstClockTime position)
{
  GstClockTime first;
  GstEvent *seek;

  g_mutex_lock (&self->lock);
  first = s->pts->len > 0 ? g_array_index (s->pts, GstClockTime, 0) : 0;
  /* a retimed input's frames are found in their order from the start */
  if (s->retime.n_retimed > 0)
    first = GST_CLOCK_TIME_NONE;
  g_mutex_unlock (&self->lock);
  if (position <= first)
    position = 0;
  else
    position -= MIN (position, SEEK_MARGIN);
  seek = gst_event_new_seek (1.0, GST_FORMAT_TIME,
      GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
      position, GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);

  GST_DEBUG_OBJECT (s->sinkpad, "replaying from %" GST_TIME_FORMAT,
      GST_TIME_ARGS (position));
  if (!gst_pad_push_event (s->sinkpad, seek)) {
    gboolean stopping;

    g_mutex_lock (&self->lock);
    stopping = self->phase == PHASE_DONE;
    g_mutex_unlock (&self->lock);
    if (stopping) {
      GST_DEBUG_OBJECT (s->sinkpad, "seek failed while stopping");
      return;
    }
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Could not seek the %s input back to its start for rendering.",
            s->name), ("seek on %s failed", GST_PAD_NAME (s->sinkpad)));
  }
}

/* the alignment options from the properties; with the object lock */
static void
align_options_of (GstVidkompyAlign * self, VkAlignOptions * opts)
{
  vk_align_options_init (opts);
  if (!self->detect_position) {
    opts->fixed_position = TRUE;
    opts->x = self->x;
    opts->y = self->y;
  }
  opts->scale = self->scale;
  opts->prefer_unscaled = self->unscaled;
  opts->match_region = self->match_region;
}

/* From the alignment in self->result to the render phase; with the
 * lock. */
static void
start_render (GstVidkompyAlign * self, guint radius)
{
  VkAlignResult *r = &self->result;

  render_state_clear (self);
  self->decision = g_new (guint, r->n_fg);
  g_free (self->tie);
  self->tie = g_new0 (guint8, r->n_fg);
  self->fg_desc = g_new0 (gfloat *, r->n_fg);
  render_reset (self, 0);
  self->seg_end = r->n_fg;
  g_queue_init (&self->cands);
  vk_desc_size (r->valid_w, r->valid_h, &self->desc_w, &self->desc_h);
  self->radius = radius;
  self->fg_segment_ready = FALSE;
  self->bg.last_seen = self->fg.last_seen = -1;
  /* the frames are analysed: their copies are not needed any more */
  g_byte_array_unref (self->bg.low);
  g_byte_array_unref (self->fg.low);
  self->bg.low = g_byte_array_new ();
  self->fg.low = g_byte_array_new ();
  self->t_aligned = g_get_monotonic_time ();
  self->phase = PHASE_RENDER;
  self->replay_seek = TRUE;
  self->bg.eos = self->fg.eos = FALSE;
  self->bg.replayed = self->fg.replayed = FALSE;
  self->refined = FALSE;
}

/* seeks the bg to @bg_start and the fg to @fg_start, to render (unless
 * stopping meanwhile) */
static void
replay (GstVidkompyAlign * self, GstClockTime bg_start, GstClockTime fg_start)
{
  gboolean rendering, from_start = TRUE;
  GstEvent *queued;

  for (;;) {
    g_mutex_lock (&self->lock);
    rendering = self->phase == PHASE_RENDER;
    queued = g_steal_pointer (&self->queued_seek);
    if (queued && (self->bg.retime.n_retimed || self->fg.retime.n_retimed)) {
      GST_WARNING_OBJECT (self, "a queued seek is dropped: an input's "
          "timestamps were retimed");
      gst_clear_event (&queued);
    }
    g_mutex_unlock (&self->lock);
    if (!rendering) {
      gst_clear_event (&queued);
      break;
    }
    if (queued) {
      /* a seek of the outputs before the render (see handle_seek ()) */
      if (!seek_inputs (self, queued))
        GST_ELEMENT_ERROR (self, STREAM, FAILED,
            ("Could not seek the inputs to the position asked for before "
                "the render."), (NULL));
    } else if (from_start) {
      seek_to (self, &self->bg, bg_start);
      seek_to (self, &self->fg, fg_start);
    }
    from_start = FALSE;
    /* a seek queued meanwhile */
    g_mutex_lock (&self->lock);
    if (self->queued_seek == NULL) {
      self->replay_seek = FALSE;
      break;
    }
    g_mutex_unlock (&self->lock);
  }
  if (!rendering)
    g_mutex_lock (&self->lock);
  self->replay_seek = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* The bg starts after the fg's content does, and the fg frames before the
 * first one it shows get its first frame: they are output first, with the
 * position, which is refined on a fg frame the bg shows (see
 * bg_try_refine ()). So a pass before rendering seeks the fg to that frame
 * (and the bg to @bg_start) and waits for the refinement; its frames are
 * not output (Stream.hold). Runs in the alignment job. */
static void
refine_first (GstVidkompyAlign * self, GstClockTime bg_start)
{
  GstClockTime fg_pts;

  g_mutex_lock (&self->lock);
  self->bg.hold = self->fg.hold = TRUE;
  fg_pts = g_array_index (self->fg.pts, GstClockTime,
      self->result.covered_start);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "refining the position on fg frame %u before "
      "rendering", self->result.covered_start);

  seek_to (self, &self->bg, bg_start);
  seek_to (self, &self->fg, fg_pts);

  g_mutex_lock (&self->lock);
  while (!self->refined && !self->bg.eos && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  if (!self->refined && self->phase == PHASE_RENDER) {
    /* the bg ended before the frames around the match */
    bg_try_refine (self, TRUE);
    self->refined = TRUE;
  }
  /* the bg outputs wait for the fg's segment of the seek back */
  self->fg_segment_ready = FALSE;
  g_mutex_unlock (&self->lock);
}

/* The fg does not seem to be in the bg because of @reason: with @strict
 * an error ("strict is set" in its details: the application tells this
 * outcome by it) and FALSE, else a warning saying what the output does
 * (@then) and TRUE. */
static gboolean
not_found (GstVidkompyAlign * self, const gchar * reason, gboolean strict,
    const gchar * then)
{
  GST_INFO_OBJECT (self, "the fg does not seem to be in the bg: %s", reason);
  if (strict) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The foreground does not seem to be in the background (%s).",
            reason), ("strict is set"));
    return FALSE;
  }
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("The foreground does not seem to be in the background (%s): %s.",
          reason, then), (NULL));
  return TRUE;
}

/* Whether the fg seems to be in the bg (vk_found (): both confidences,
 * and a near-perfect placement for a fg that does not move); else
 * not_found (). The numbers are the ones the vidkompy-alignment message
 * gives. */
static gboolean
confidence_check (GstVidkompyAlign * self, gdouble confidence,
    gdouble spatial, gboolean strict)
{
  VkFoundVerdict v = vk_found (confidence, spatial, self->fg_motion);
  gchar *reason;
  gboolean ok;

  GST_DEBUG_OBJECT (self, "temporal confidence %.3f, spatial %.3f, fg motion "
      "%.3f: verdict %d", confidence, spatial, self->fg_motion, v);
  if (v == VK_FOUND_YES)
    return TRUE;
  reason = vk_found_reason (v, confidence, spatial, self->fg_motion);
  ok = not_found (self, reason, strict,
      "the output follows the best match found");
  g_free (reason);
  return ok;
}

/* @err of vk_alignment_compute () says that no place of the bg matches
 * the fg at all (as opposed to a bad input or option; a fg without any
 * texture, such as a single pixel, stays an error of its own) */
static gboolean
nowhere_found (const GError * err)
{
  return g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH)
      || g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_FLAT);
}

/* The alignment of a fg found nowhere, with strict unset: at the centre
 * of the bg (scaled down to fit when larger, or at the scale property),
 * the frames still aligned in time on that region. */
static gboolean
align_centred (const VkStreamSummary * bg, const VkStreamSummary * fg,
    VkAlignOptions * opts, VkAlignResult * result, GError ** err)
{
  if (opts->scale <= 0.0)
    opts->scale = MIN (1.0, MIN ((gdouble) bg->width / fg->width,
            (gdouble) bg->height / fg->height));
  if (!opts->fixed_position) {
    opts->x = floor ((bg->width - fg->width * opts->scale) / 2.0);
    opts->y = floor ((bg->height - fg->height * opts->scale) / 2.0);
    opts->fixed_position = TRUE;
  }
  opts->on_estimate = NULL;
  return vk_alignment_compute (bg, fg, opts, result, err);
}

/* Warnings about fg frames the output cannot show as they are: those the
 * bg does not show (it starts late or ends early: they get its first or
 * last frame, or are dropped), and those retimed (see vkretime.c). The
 * final vidkompy-alignment message counts them too. Without the lock. */
static void
warn_inputs (GstVidkompyAlign * self, const VkAlignResult * r)
{
  guint before = MIN (r->covered_start, r->n_fg);
  guint after = r->n_fg - MIN (r->covered_end, r->n_fg);
  Stream *ss[2] = { &self->bg, &self->fg };
  gboolean drop;
  guint k;

  GST_OBJECT_LOCK (self);
  drop = self->unmatched == GST_VIDKOMPY_UNMATCHED_DROP;
  GST_OBJECT_UNLOCK (self);
  if (after > 0)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The background ends before the foreground: the last %u of %u "
            "foreground frames are past its end and %s.", after, r->n_fg,
            drop ? "are dropped (unmatched-frames=drop)" :
            "show its last frame"), ("the bg shows fg frames %u to %u",
            before, r->n_fg - after));
  if (before > 0)
    GST_ELEMENT_WARNING (self, STREAM, FAILED,
        ("The background starts after the foreground: the first %u of %u "
            "foreground frames are before its start and %s.", before,
            r->n_fg, drop ? "are dropped (unmatched-frames=drop)" :
            "show its first frame"), ("the bg shows fg frames %u to %u",
            before, r->n_fg - after));
  for (k = 0; k < 2; k++) {
    const VkRetime *rt = &ss[k]->retime;

    if (rt->n_retimed > 0)
      GST_ELEMENT_WARNING (self, STREAM, FORMAT,
          ("The %s's timestamps repeat or go backwards (%u of %u frames, the "
              "first: frame %u at %" GST_TIME_FORMAT " after %"
              GST_TIME_FORMAT "): these frames were given timestamps one "
              "frame after the previous one's, so that every frame is output.",
              k ? "foreground" : "background", rt->n_retimed,
              ss[k]->pts->len, rt->first, GST_TIME_ARGS (rt->first_raw),
              GST_TIME_ARGS (rt->first_prev)), (NULL));
  }
}

/* Runs in a thread of its own once both inputs are analysed (a job, see
 * start_job ()): aligns, then seeks both inputs back to the start. A stop
 * meanwhile (PHASE_DONE) ends it. */
static void
align_and_replay (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  VkStreamSummary bg, fg;
  GByteArray *bg_low, *fg_low;
  VkAlignOptions opts;
  VkAlignResult result;
  GError *err = NULL;
  GstClockTime bg_start, fg_start;
  guint drift_ms, radius, i;
  gboolean strict, ok, current, first, blind;
  gdouble motion;

  GST_OBJECT_LOCK (self);
  align_options_of (self, &opts);
  drift_ms = (guint) (self->drift_tolerance / GST_MSECOND);
  strict = self->strict;
  opts.on_estimate = on_estimate;
  opts.user_data = self;
  file_options_of (self, &self->file_opts);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  if (self->phase != PHASE_ALIGNING) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (self, "stopped before the alignment");
    return;
  }
  summary_of (&self->bg, &bg);
  summary_of (&self->fg, &fg);
  /* the frames' copies are the job's now (the render does not need them) */
  bg_low = g_steal_pointer (&self->bg.low);
  fg_low = g_steal_pointer (&self->fg.low);
  self->bg.low = g_byte_array_new ();
  self->fg.low = g_byte_array_new ();
  opts.window = (guint) ceil (bg.fps * self->window / GST_SECOND);
  g_mutex_unlock (&self->lock);
  radius = MAX (1, (guint) ceil (bg.fps * drift_ms / 1000.0));

  GST_INFO_OBJECT (self, "aligning %u fg frames (%dx%d, %.3f fps) to %u bg "
      "frames (%dx%d, %.3f fps), window %u bg frames", fg.n_frames, fg.width,
      fg.height, fg.fps, bg.n_frames, bg.width, bg.height, bg.fps, opts.window);

  ok = vk_alignment_compute (&bg, &fg, &opts, &result, &err);
  blind = !ok && nowhere_found (err) && vk_fg_textured (&fg);
  if (blind) {
    /* no place of the bg matches the fg at all (a flat bg, a flat fg): the
     * outcome of a poor match; without strict, the fg goes to the centre */
    GST_INFO_OBJECT (self, "%s", err->message);
    g_clear_error (&err);
    ok = not_found (self, "no place of the background matches it", strict,
        "the output has it at the centre of the background")
        && align_centred (&bg, &fg, &opts, &result, &err);
  }
  motion = ok ? vk_fg_motion (&fg, result.valid_x, result.valid_y,
      result.valid_w, result.valid_h) : 0.0;
  g_byte_array_unref (bg_low);
  g_byte_array_unref (fg_low);
  g_mutex_lock (&self->lock);
  current = self->phase == PHASE_ALIGNING;
  g_mutex_unlock (&self->lock);
  if (!current || (!ok && err == NULL)) {
    /* stopped, or not found with strict (the error is posted) */
    GST_DEBUG_OBJECT (self, "no render: %s", current ? "not found" :
        "stopped during the alignment");
    g_clear_error (&err);
    vk_align_result_clear (&result);
    return;
  }
  if (!ok) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Could not align the foreground to the background: %s.",
            err->message), (NULL));
    g_error_free (err);
    return;
  }

  GST_INFO_OBJECT (self, "coarse alignment: fg at %.1f,%.1f scale %.4f "
      "(score %.3f), bg = %.2f + %.4f * fg (inliers %.2f), confidence %.3f, "
      "compared fg area %dx%d at %d,%d, the bg shows fg frames %u to %u",
      result.x, result.y, result.scale, result.spatial_score, result.offset,
      result.rate, result.inlier_fraction, result.confidence, result.valid_w,
      result.valid_h, result.valid_x, result.valid_y, result.covered_start,
      result.covered_end > 0 ? result.covered_end - 1 : 0);
  for (i = 0; i < result.n_fg; i++)
    GST_LOG_OBJECT (self, "dense alignment: fg frame %u on bg frame %u, cost "
        "%.4f", i, result.map[i], result.cost[i]);

  /* strict: fail before rendering when the temporal confidence is already
   * too low; the spatial one is known once the position is refined, where
   * the check of all is made (refine_position ()), so that the warning
   * gives the confidences of the vidkompy-alignment message */
  if (strict && !blind && result.confidence < VK_FOUND_MIN_MATCH) {
    gchar *reason = vk_found_reason (VK_FOUND_LOW_MATCH, result.confidence,
        result.spatial_score, motion);

    not_found (self, reason, strict, NULL);
    g_free (reason);
    vk_align_result_clear (&result);
    return;
  }

  warn_inputs (self, &result);

  g_mutex_lock (&self->lock);
  if (self->phase != PHASE_ALIGNING) {
    g_mutex_unlock (&self->lock);
    vk_align_result_clear (&result);
    return;
  }
  vk_align_result_clear (&self->result);
  self->result = result;
  self->fg_motion = motion;
  self->blind = blind;
  start_render (self, radius);
  /* the bg is only needed from the first matched frame on */
  bg_start = g_array_index (self->bg.pts, GstClockTime,
      result.map[0] > radius ? result.map[0] - radius : 0);
  bg_start = MAX (bg_start, self->bg.segment.start);
  fg_start = self->fg.segment.start;
  first = !opts.fixed_position && opts.match_region != VK_MATCH_REGION_FULL
      && self->unmatched == GST_VIDKOMPY_UNMATCHED_CLAMP
      && result.covered_start > 0 && result.covered_start < result.n_fg;
  g_mutex_unlock (&self->lock);

  if (first)
    refine_first (self, bg_start);
  replay (self, bg_start, fg_start);
}

/* Runs in a thread of its own when the alignment was read from a file
 * (use-alignment or cache-dir): takes it as the result, timestamps
 * included, and renders it from the inputs' starts. */
static void
render_saved (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  VkAlignResult *r = &self->result;
  VkAlignFile *f;
  guint64 *bg_pts;
  guint i;

  g_mutex_lock (&self->lock);
  f = self->saved;
  if (self->phase != PHASE_ALIGNING || f == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  vk_align_result_clear (r);
  r->n_fg = f->fg.n_frames;
  r->map = g_new (guint, r->n_fg);
  r->cost = g_new (gfloat, r->n_fg);
  r->x = self->out_x = f->x;
  r->y = self->out_y = f->y;
  r->scale = self->out_scale = f->scale;
  r->spatial_score = self->spatial_confidence = f->spatial_confidence;
  r->offset = f->offset;
  r->rate = f->rate;
  r->confidence = f->confidence;
  r->inlier_fraction = 1.0;
  r->valid_w = f->fg.width;
  r->valid_h = f->fg.height;
  g_array_set_size (self->fg.pts, r->n_fg);
  g_array_set_size (self->fg.durations, r->n_fg);
  for (i = 0; i < r->n_fg; i++) {
    r->map[i] = f->frames[i].bg_index;
    r->cost[i] = f->frames[i].cost;
    g_array_index (self->fg.pts, GstClockTime, i) = f->frames[i].fg_pts;
    g_array_index (self->fg.durations, GstClockTime, i) =
        f->frames[i].fg_duration;
  }
  bg_pts = vk_align_file_bg_timestamps (f);
  g_array_set_size (self->bg.pts, 0);
  g_array_append_vals (self->bg.pts, bg_pts, f->bg.n_frames);
  g_free (bg_pts);
  vk_align_covered (r, f->bg.n_frames, &r->covered_start, &r->covered_end);

  self->bg_id = f->bg;
  self->fg_id = f->fg;
  self->file_opts = f->options;

  /* the file's frame map as it is: no choice among neighbours */
  self->preset = TRUE;
  self->verify = TRUE;
  start_render (self, 0);
  self->refined = TRUE;
  post_alignment (self, 0.0);
  g_mutex_unlock (&self->lock);
  warn_inputs (self, r);

  /* from the starts: every frame is fingerprinted again to check that the
   * inputs are those of the file */
  replay (self, self->bg.segment.start, self->fg.segment.start);
}

/* ------------------------------------------------------------------------ */
/* Render */

/* index of the analysed frame with timestamp @pts */
static guint
frame_index (const Stream * s, GstClockTime pts)
{
  const GstClockTime *t = (const GstClockTime *) s->pts->data;
  guint lo = 0, hi = s->pts->len;

  if (hi == 0)
    return 0;
  while (hi - lo > 1) {
    guint mid = (lo + hi) / 2;

    if (t[mid] <= pts)
      lo = mid;
    else
      hi = mid;
  }
  /* nearest of lo and lo + 1 */
  if (pts > t[lo] && lo + 1 < s->pts->len && t[lo + 1] - pts < pts - t[lo])
    lo++;
  return lo;
}

/* a frame seen again has its timestamp within this of the first time */
#define PTS_TOLERANCE (GST_MSECOND / 2)

/* The analysed frame that @buf shows again, in @index; FALSE for a buffer
 * that is none (before the analysed frames after a seek back, or the end
 * of a frame that a decoder clipped at the seek's position). With the
 * lock. */
static gboolean
analysed_frame (GstVidkompyAlign * self, Stream * s, GstBuffer * buf,
    guint * index)
{
  GstClockTime pts = GST_BUFFER_PTS (buf), t;

  if (s->pts->len == 0)
    return FALSE;
  *index = frame_index (s, pts);
  t = g_array_index (s->pts, GstClockTime, *index);
  if ((pts > t ? pts - t : t - pts) <= PTS_TOLERANCE)
    return TRUE;
  GST_DEBUG_OBJECT (s->sinkpad, "%" GST_TIME_FORMAT " is not an analysed "
      "frame (the nearest is frame %u at %" GST_TIME_FORMAT "): dropped",
      GST_TIME_ARGS (pts), *index, GST_TIME_ARGS (t));
  return FALSE;
}

static void
ensure_src_ready (GstVidkompyAlign * self, Stream * s)
{
  GstCaps *caps;

  if (s->src_ready)
    return;
  s->src_ready = TRUE;

  gst_pad_push_event (s->srcpad, vk_stream_start_event (s->sinkpad, s->srcpad));

  caps = gst_video_info_to_caps (&s->info);
  if (s == &self->bg && self->fg.have_info) {
    /* one bg buffer per fg frame: the fg's frame rate */
    gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION,
        GST_VIDEO_INFO_FPS_N (&self->fg.info),
        GST_VIDEO_INFO_FPS_D (&self->fg.info), NULL);
  }
  gst_pad_push_event (s->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);

  /* both outputs are on the fg's timeline */
  gst_pad_push_event (s->srcpad, gst_event_new_segment (&self->fg.segment));
}

static void
add_meta (GstVidkompyAlign * self, GstBuffer * buf, guint fg_index,
    guint bg_index, GstClockTime bg_pts, gfloat cost)
{
  GstVidkompyAlignmentMeta *m = gst_buffer_add_vidkompy_alignment_meta (buf);

  m->fg_index = fg_index;
  m->bg_index = bg_index;
  m->bg_pts = bg_pts;
  m->cost = cost;
  m->confidence = CLAMP (1.0 - cost, 0.0, 1.0);
  if (self->tie && fg_index < self->result.n_fg && self->tie[fg_index])
    m->confidence = MIN (m->confidence, VK_TIE_CONFIDENCE);
  m->x = self->out_x;
  m->y = self->out_y;
  m->scale = self->out_scale;
  m->spatial_confidence = self->spatial_confidence;
}

/* What a vidkompy-alignment message says besides the result */
typedef struct
{
  const gchar *stage;           /* "estimate" or "final" */
  gint x, y;
  gdouble scale, spatial_confidence, confidence, refine_time;
  gdouble bg_fps, fg_fps;       /* of the frames @r counts in */
  GstClockTime bg0;             /* stream time of the bg's first frame */
  guint n_fg, n_bg;             /* frames (analysed so far) */
  gdouble analysed;             /* percent of the analysis behind it */
} AlignMsg;

/* The vidkompy-alignment message of @m->stage ("estimate": @r is a coarse
 * estimate, position from the low-resolution frames, no frame map yet;
 * "final": the alignment rendered). */
static void
post_alignment_message (GstVidkompyAlign * self, const VkAlignResult * r,
    const AlignMsg * m)
{
  GstStructure *st;
  gint64 offset = (gint64) m->bg0 +
      (gint64) (r->offset / m->bg_fps * GST_SECOND);
  gdouble rate = r->rate * m->fg_fps / m->bg_fps;

  GST_INFO_OBJECT (self, "alignment %s (%s, %.0f %% analysed): fg at %d,%d "
      "scale %.4f, bg offset %" G_GINT64_FORMAT " ns, rate %.4f, confidence "
      "%.3f", m->stage, self->source, m->analysed, m->x, m->y, m->scale,
      offset, rate, m->confidence);

  st = gst_structure_new ("vidkompy-alignment",
      "stage", G_TYPE_STRING, m->stage,
      "source", G_TYPE_STRING, self->source,
      "analysed", G_TYPE_DOUBLE, m->analysed,
      "x", G_TYPE_INT, m->x, "y", G_TYPE_INT, m->y,
      "scale", G_TYPE_DOUBLE, m->scale,
      "bg-offset", G_TYPE_INT64, offset,
      "rate", G_TYPE_DOUBLE, rate,
      "confidence", G_TYPE_DOUBLE, m->confidence,
      "spatial-confidence", G_TYPE_DOUBLE, m->spatial_confidence,
      "region-x", G_TYPE_INT, r->valid_x,
      "region-y", G_TYPE_INT, r->valid_y,
      "region-width", G_TYPE_INT, r->valid_w,
      "region-height", G_TYPE_INT, r->valid_h,
      "frames-matched", G_TYPE_UINT, m->n_fg,
      "bg-frames", G_TYPE_UINT, m->n_bg,
      "analysis-time", G_TYPE_DOUBLE,
      (self->t_analysed - self->t_start) / 1e6,
      "alignment-time", G_TYPE_DOUBLE,
      (self->t_aligned - self->t_analysed) / 1e6,
      "refine-time", G_TYPE_DOUBLE, m->refine_time, NULL);
  if (g_str_equal (m->stage, "final"))
    /* the fg frames the bg does not show, and those retimed */
    gst_structure_set (st, "fg-frames-before-bg", G_TYPE_UINT,
        MIN (r->covered_start, r->n_fg), "fg-frames-after-bg", G_TYPE_UINT,
        r->n_fg - MIN (r->covered_end, r->n_fg), "retimed-frames",
        G_TYPE_UINT, self->fg.retime.n_retimed, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), st));
}

/* the message fields of the whole analysis */
static void
align_msg_init (GstVidkompyAlign * self, AlignMsg * m, const gchar * stage)
{
  memset (m, 0, sizeof (*m));
  m->stage = stage;
  m->bg_fps = stream_fps (&self->bg);
  m->fg_fps = stream_fps (&self->fg);
  m->bg0 = self->bg.pts->len ? self->bg.time0 : 0;
  m->n_fg = self->result.n_fg;
  m->n_bg = self->bg.pts->len;
  m->analysed = 100.0;
}

static void
post_alignment (GstVidkompyAlign * self, gdouble refine_time)
{
  AlignMsg m;

  align_msg_init (self, &m, "final");
  m.x = self->out_x;
  m.y = self->out_y;
  m.scale = self->out_scale;
  m.spatial_confidence = self->spatial_confidence;
  m.confidence = self->result.confidence;
  m.refine_time = refine_time;
  post_alignment_message (self, &self->result, &m);
}

/* the estimate fields of @e */
static void
align_msg_estimate (AlignMsg * m, const VkAlignResult * e)
{
  m->x = (gint) floor (e->x + 0.5);
  m->y = (gint) floor (e->y + 0.5);
  m->scale = e->scale;
  m->spatial_confidence = CLAMP (e->spatial_score, 0.0, 1.0);
  /* the share of the sampled fg frames on the coarse line */
  m->confidence = e->inlier_fraction;
}

/* vk_alignment_compute () found the coarse line of the whole streams:
 * tell the application */
static void
on_estimate (const VkAlignResult * e, gpointer user_data)
{
  GstVidkompyAlign *self = user_data;
  AlignMsg m;

  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ALIGNING) {
    self->t_aligned = g_get_monotonic_time ();
    align_msg_init (self, &m, "estimate");
    m.n_fg = self->fg.pts->len;
    align_msg_estimate (&m, e);
    post_alignment_message (self, e, &m);
  }
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* Estimates during the analysis */

/* A subsampled copy of what both streams analysed so far: at most
 * ESTIMATE_FRAMES frames a stream, the same time step in both. */
typedef struct
{
  GstVidkompyAlign *self;
  VkStreamSummary bg, fg;
  AlignMsg msg;
} Snapshot;

#define ESTIMATE_FRAMES 1000

static void
snapshot_free (gpointer data)
{
  Snapshot *snap = data;

  g_free ((guint8 *) snap->bg.low);
  g_free ((guint8 *) snap->fg.low);
  g_free (snap);
}

/* every @k-th frame of @s; with the lock */
static void
subsample (const Stream * s, guint k, VkStreamSummary * sum)
{
  gsize size;
  guint8 *low;
  guint i;

  summary_of (s, sum);
  size = (gsize) sum->low_width * sum->low_height;
  sum->n_frames /= k;
  sum->fps /= k;
  low = g_malloc (MAX (1, sum->n_frames * size));
  for (i = 0; i < sum->n_frames; i++)
    memcpy (low + i * size, s->low->data + (gsize) i * k * size, size);
  sum->low = low;
}

/* with the lock, during the analysis */
static Snapshot *
snapshot_take (GstVidkompyAlign * self, gdouble percent)
{
  Snapshot *snap = g_new0 (Snapshot, 1);
  gdouble bg_fps = stream_fps (&self->bg), fg_fps = stream_fps (&self->fg);
  gdouble step = MAX (self->bg.pts->len / bg_fps,
      self->fg.pts->len / fg_fps) / ESTIMATE_FRAMES;

  snap->self = self;
  subsample (&self->bg, MAX (1, (guint) floor (step * bg_fps + 0.5)),
      &snap->bg);
  subsample (&self->fg, MAX (1, (guint) floor (step * fg_fps + 0.5)),
      &snap->fg);
  align_msg_init (self, &snap->msg, "estimate");
  snap->msg.bg_fps = snap->bg.fps;
  snap->msg.fg_fps = snap->fg.fps;
  snap->msg.n_fg = self->fg.pts->len;
  snap->msg.analysed = percent;
  return snap;
}

/* posted only while the analysis that took the snapshot goes on: an
 * estimate of the whole streams, or the final alignment, never comes
 * before it */
static void
on_partial_estimate (const VkAlignResult * e, gpointer user_data)
{
  Snapshot *snap = user_data;
  GstVidkompyAlign *self = snap->self;

  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ANALYSIS) {
    align_msg_estimate (&snap->msg, e);
    post_alignment_message (self, e, &snap->msg);
  }
  g_mutex_unlock (&self->lock);
}

/* The analysis reached @percent: the snapshot for the next estimate, when
 * one is due (at 10, 25 and 50 % of the analysis, not when a saved
 * alignment may be used instead); with the lock. */
static gpointer
estimate_snapshot (GstVidkompyAlign * self, gint percent)
{
  static const gint at[] = { 50 };
  gboolean saved;

  if (self->phase != PHASE_ANALYSIS || percent >= 100
      || self->next_estimate >= G_N_ELEMENTS (at)
      || percent < at[self->next_estimate])
    return NULL;
  while (self->next_estimate < G_N_ELEMENTS (at)
      && percent >= at[self->next_estimate])
    self->next_estimate++;

  GST_OBJECT_LOCK (self);
  saved = self->use_alignment || (self->cache_dir && !self->saved_checked);
  GST_OBJECT_UNLOCK (self);
  if (saved || self->bg.pts->len == 0 || self->fg.pts->len == 0)
    return NULL;
  GST_DEBUG_OBJECT (self, "estimate at %d %% of the analysis (%u bg, %u fg "
      "frames)", percent, self->bg.pts->len, self->fg.pts->len);
  return snapshot_take (self, percent);
}

/* Runs in a thread of its own: the coarse estimate of a snapshot. */
static void
estimate_partial (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  Snapshot *snap = user_data;
  VkAlignOptions opts;
  VkAlignResult r;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  align_options_of (self, &opts);
  GST_OBJECT_UNLOCK (self);
  opts.on_estimate = on_partial_estimate;
  opts.user_data = snap;
  opts.estimate_only = TRUE;
  GST_DEBUG_OBJECT (self, "estimating from %u bg and %u fg frames",
      snap->bg.n_frames, snap->fg.n_frames);
  if (snap->bg.n_frames == 0 || snap->fg.n_frames == 0
      || !vk_alignment_compute (&snap->bg, &snap->fg, &opts, &r, &err)) {
    GST_DEBUG_OBJECT (self, "no estimate at %.0f %%: %s", snap->msg.analysed,
        err ? err->message : "no frames");
    g_clear_error (&err);
    return;
  }
  vk_align_result_clear (&r);
}

static VkLuma
luma_of (GstVideoFrame * f)
{
  VkLuma l;

  l.data = GST_VIDEO_FRAME_PLANE_DATA (f, 0);
  l.stride = GST_VIDEO_FRAME_PLANE_STRIDE (f, 0);
  l.width = GST_VIDEO_FRAME_WIDTH (f);
  l.height = GST_VIDEO_FRAME_HEIGHT (f);
  return l;
}

static gfloat *fg_descriptor (GstVidkompyAlign * self, GstBuffer * buf);
static gfloat *bg_descriptor (GstVidkompyAlign * self, GstBuffer * buf);

/* orders candidates by their distance to the matched bg frame */
static gint
cand_distance_cmp (gconstpointer a, gconstpointer b, gpointer user_data)
{
  guint m = GPOINTER_TO_UINT (user_data);
  const Cand *ca = a, *cb = b;
  guint da = ca->index > m ? ca->index - m : m - ca->index;
  guint db = cb->index > m ? cb->index - m : m - cb->index;

  return da < db ? -1 : da > db ? 1 : (ca->index < cb->index ? -1 : 1);
}

/* the fg frame the position is refined with: the first one to render
 * that the bg shows; with the lock */
static guint
refine_fg_index (GstVidkompyAlign * self)
{
  const VkAlignResult *r = &self->result;

  return MIN (MAX (self->next_fg, r->covered_start), r->n_fg - 1);
}

/* Moving content: of the @n places found on full frames with the bg frames
 * @b around the match (each nearly perfect for its own moment), those
 * within VK_MOMENT_FULL_MARGIN of the best @best go to the moment check
 * (vkjoint.c), which keeps the one under which the whole fg matches along
 * the line; the timing line goes through that moment. With the lock. */
static void
pick_moment (GstVidkompyAlign * self, const VkPlacementEstimate * places,
    const guint * b, guint n, gdouble best)
{
  VkAlignResult *r = &self->result;
  guint f = refine_fg_index (self), k;
  gdouble margin = MAX (VK_MOMENT_FULL_MARGIN, VK_MOMENT_MISMATCH_SHARE *
      (1.0 - best)), top = -G_MAXDOUBLE;
  gint winner = -1;

  for (k = 0; k < n; k++) {
    gdouble s;

    if (places[k].score < best - margin)
      continue;
    s = vk_moment_check_score (r->moment, places[k].x, places[k].y,
        places[k].scale, f, b[k]);
    GST_DEBUG_OBJECT (self, "moment check: fg frame %u on bg frame %u at "
        "%.2f,%.2f scale %.4f: %.6f", f, b[k], places[k].x, places[k].y,
        places[k].scale, s);
    if (s > top) {
      top = s;
      winner = (gint) k;
    }
  }
  if (winner < 0 || top <= -2.0)
    return;
  self->out_x = (gint) floor (places[winner].x + 0.5);
  self->out_y = (gint) floor (places[winner].y + 0.5);
  self->out_scale = places[winner].scale;
  self->spatial_confidence = CLAMP (places[winner].score, 0.0, 1.0);
  /* the timing line through the moment (found at the coarse place, the
   * alignment's is off by as much as the place was): where the render's
   * choice ties, the frame on this line wins */
  r->rate = vk_moment_check_rate (r->moment);
  r->offset = b[winner] - r->rate * f;
  GST_DEBUG_OBJECT (self, "timing line: bg = %.2f + %.4f * fg", r->offset,
      r->rate);
}

/* The alignment's position is exact to a low-resolution pixel: refine it
 * on full resolution, pairing the first fg frame with each bg frame up to
 * REFINE_RADIUS frames from its match, nearest first, and keep the best
 * (the pair that shows the same moment correlates best). A pair that
 * correlates within REFINE_DONE of perfectly ends the search. Without a
 * pair, the alignment's position is kept. Called with the lock. */
static void
refine_position (GstVidkompyAlign * self, GstBuffer * fgbuf)
{
  VkAlignResult *r = &self->result;
  GstVideoFrame ff, bf;
  gint64 t0 = g_get_monotonic_time ();
  gdouble best = -G_MAXDOUBLE;
  gboolean fixed, strict;
  guint m = r->map[refine_fg_index (self)];
  GList *l, *near;
  VkPlacementEstimate places[2 * REFINE_RADIUS + 1];
  guint place_b[2 * REFINE_RADIUS + 1], n_places = 0;

  GST_OBJECT_LOCK (self);
  /* detect-position=false: the position is the user's (at the scale
   * property, 1.0 when unset), see vk_alignment_compute () */
  fixed = !self->detect_position || self->match_region == VK_MATCH_REGION_FULL
      || self->blind;
  GST_OBJECT_UNLOCK (self);

  self->out_x = (gint) floor (r->x + 0.5);
  self->out_y = (gint) floor (r->y + 0.5);
  self->out_scale = r->scale;
  self->spatial_confidence = CLAMP (r->spatial_score, 0.0, 1.0);

  if (fixed || fgbuf == NULL
      || !gst_video_frame_map (&ff, &self->fg.info, fgbuf, GST_MAP_READ))
    goto done;

  /* nearest first; on moving content every pair is a place for its own
   * moment: all are refined, and the moment check picks one */
  near = g_list_sort_with_data (g_list_copy (self->cands.head),
      cand_distance_cmp, GUINT_TO_POINTER (m));
  for (l = near; l && (r->moment || best < 1.0 - REFINE_DONE); l = l->next) {
    Cand *c = l->data;
    VkLuma fl, bl;
    VkSpatialParams p;
    VkPlacementEstimate guess, out;
    GError *err = NULL;
    gdouble radius = 2.0 * self->bg.info.width / self->bg.low_width + 2.0;

    if (c->index + REFINE_RADIUS < m || c->index > m + REFINE_RADIUS
        || !gst_video_frame_map (&bf, &self->bg.info, c->buffer, GST_MAP_READ))
      continue;
    fl = luma_of (&ff);
    bl = luma_of (&bf);
    vk_spatial_params_init (&p);
    p.prefer_unscaled = self->unscaled;
    p.min_scale = 0.01;
    p.fg_valid.x = r->valid_x;
    p.fg_valid.y = r->valid_y;
    p.fg_valid.w = r->valid_w;
    p.fg_valid.h = r->valid_h;
    guess.x = r->x;
    guess.y = r->y;
    guess.scale = r->scale;
    guess.score = r->spatial_score;
    if (vk_spatial_refine (&bl, &fl, 1, &p, &guess, radius, &out, &err)) {
      GST_DEBUG_OBJECT (self, "with bg frame %u: %.2f,%.2f scale %.4f, "
          "score %.4f", c->index, out.x, out.y, out.scale, out.score);
      if (n_places < G_N_ELEMENTS (places)) {
        places[n_places] = out;
        place_b[n_places++] = c->index;
      }
      if (out.score > best) {
        best = out.score;
        self->out_x = (gint) floor (out.x + 0.5);
        self->out_y = (gint) floor (out.y + 0.5);
        self->out_scale = out.scale;
        self->spatial_confidence = CLAMP (out.score, 0.0, 1.0);
      }
    } else {
      GST_WARNING_OBJECT (self, "refinement failed: %s", err->message);
      g_error_free (err);
    }
    gst_video_frame_unmap (&bf);
  }
  g_list_free (near);
  gst_video_frame_unmap (&ff);
  if (r->moment)
    pick_moment (self, places, place_b, n_places, best);

  /* descriptors made at the coarse placement are stale */
  for (l = self->cands.head; l; l = l->next)
    g_clear_pointer (&((Cand *) l->data)->desc, g_free);

done:
  GST_INFO_OBJECT (self, "fg at %d,%d, scale %.4f (confidence %.3f)",
      self->out_x, self->out_y, self->out_scale, self->spatial_confidence);
  GST_OBJECT_LOCK (self);
  strict = self->strict;
  GST_OBJECT_UNLOCK (self);
  /* (a fg found nowhere was warned about already) */
  if (!self->blind && !confidence_check (self, r->confidence,
          self->spatial_confidence, strict)) {
    /* strict: the streaming threads stop (their waits end, the chain
     * functions return EOS) and the application gets the error */
    self->phase = PHASE_DONE;
    g_cond_broadcast (&self->cond);
    return;
  }
  post_alignment (self, (g_get_monotonic_time () - t0) / 1e6);
}

/* the bg does not show fg frame @i (see vk_align_covered ()) */
static gboolean
fg_frame_outside (GstVidkompyAlign * self, guint i)
{
  return i < self->result.covered_start || i >= self->result.covered_end;
}

static gboolean
fg_frame_dropped (GstVidkompyAlign * self, guint i)
{
  return self->unmatched == GST_VIDKOMPY_UNMATCHED_DROP
      && fg_frame_outside (self, i);
}

/* the fg frame's own duration, or the gap to the next frame */
static GstClockTime
fg_duration (GstVidkompyAlign * self, guint i)
{
  const Stream *fg = &self->fg;
  GstClockTime d = g_array_index (fg->durations, GstClockTime, i);

  if (GST_CLOCK_TIME_IS_VALID (d))
    return d;
  if (i + 1 < fg->pts->len)
    return g_array_index (fg->pts, GstClockTime, i + 1) -
        g_array_index (fg->pts, GstClockTime, i);
  return GST_CLOCK_TIME_NONE;
}

/* The first fg frame waits here until the bg thread has refined the
 * position with it (or the bg has ended). Called with the lock; returns
 * FALSE when flushing or stopping. */
static gboolean
fg_wait_refined (GstVidkompyAlign * self, GstBuffer * buf)
{
  if (self->pair_fg == NULL) {
    self->pair_fg = gst_buffer_ref (buf);
    g_cond_broadcast (&self->cond);
  }
  while (!self->refined && !self->fg.flushing && !self->bg_finished
      && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  if (!self->refined && self->bg_finished && !self->fg.flushing) {
    refine_position (self, NULL);
    self->refined = TRUE;
  }
  return self->refined;
}

/* The bg thread refines the position once the first fg frame and all the
 * bg frames around its match (self->radius on each side) are here, or the
 * bg has ended. Called with the lock; returns FALSE when flushing or
 * stopping. */
static gboolean
bg_try_refine (GstVidkompyAlign * self, gboolean at_end)
{
  Cand *tail = g_queue_peek_tail (&self->cands);
  guint m;

  if (self->refined || self->next_fg >= self->result.n_fg)
    return TRUE;
  m = self->result.map[refine_fg_index (self)];
  if (!at_end && m + self->radius < self->bg.pts->len
      && (tail == NULL || tail->index < m + self->radius))
    return TRUE;                /* more bg frames to come first */

  while (self->pair_fg == NULL && !self->bg.flushing && !self->fg.eos
      && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  if (self->bg.flushing || self->phase != PHASE_RENDER)
    return FALSE;

  refine_position (self, self->pair_fg);
  gst_clear_buffer (&self->pair_fg);
  self->refined = TRUE;
  g_cond_broadcast (&self->cond);
  return TRUE;
}

/* descriptor of a region of @buf's luma, at full resolution */
static gfloat *
frame_descriptor (GstVidkompyAlign * self, const GstVideoInfo * info,
    GstBuffer * buf, gdouble rx, gdouble ry, gdouble rw, gdouble rh)
{
  GstVideoFrame f;
  gfloat *d;

  if (!gst_video_frame_map (&f, info, buf, GST_MAP_READ))
    return NULL;
  d = vk_desc_compute (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
      GST_VIDEO_FRAME_HEIGHT (&f), rx, ry, rw, rh, self->desc_w, self->desc_h);
  gst_video_frame_unmap (&f);
  return d;
}

/* the compared part of the fg frame */
static gfloat *
fg_descriptor (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;

  return frame_descriptor (self, &self->fg.info, buf, r->valid_x, r->valid_y,
      r->valid_w, r->valid_h);
}

/* the bg region under the compared part of the fg */
static gfloat *
bg_descriptor (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;

  return frame_descriptor (self, &self->bg.info, buf,
      self->out_x + r->valid_x * self->out_scale,
      self->out_y + r->valid_y * self->out_scale,
      r->valid_w * self->out_scale, r->valid_h * self->out_scale);
}

static void
cand_free (Cand * c)
{
  gst_buffer_unref (c->buffer);
  g_free (c->desc);
  g_free (c);
}

static GstFlowReturn
render_fg (GstVidkompyAlign * self, GstBuffer * buf)
{
  VkAlignResult *r = &self->result;
  guint i, j;
  GstClockTime bg_pts;
  gfloat *desc;

  g_mutex_lock (&self->lock);
  i = MIN (frame_index (&self->fg, GST_BUFFER_PTS (buf)), r->n_fg - 1);
  if (self->fg.hold && i < r->covered_start) {
    /* the refinement pass of a retimed fg, played from its start */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (self->fg.hold) {
    /* the refinement pass (refine_first ()): the first frame the bg shows
     * is the refinement's; nothing goes out until the seek back */
    if (self->pair_fg == NULL && !self->refined && i >= r->covered_start) {
      self->pair_fg = gst_buffer_ref (buf);
      g_cond_broadcast (&self->cond);
    }
    while (self->fg.hold && !self->fg.flushing && self->phase == PHASE_RENDER)
      g_cond_wait (&self->cond, &self->lock);
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (fg_frame_dropped (self, i)) {
    g_mutex_unlock (&self->lock);
    GST_LOG_OBJECT (self, "fg frame %u is outside the bg: dropped", i);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  if (!self->refined && !fg_wait_refined (self, buf)) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  g_mutex_unlock (&self->lock);

  /* the bg thread picks the bg frame with this, see decide (); a saved
   * frame map is rendered as it is */
  desc = self->preset ? NULL : fg_descriptor (self, buf);

  g_mutex_lock (&self->lock);
  g_free (self->fg_desc[i]);
  self->fg_desc[i] = desc;
  g_cond_broadcast (&self->cond);
  /* (a seek's frames wait for its reset of the render state even when
   * the bg had finished before it) */
  while ((self->seeking || (self->pass_reset && !self->fg.new_pass)
          || (self->decision[i] == G_MAXUINT && !self->bg_finished))
      && !self->fg.flushing && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  if (self->fg.flushing || self->phase != PHASE_RENDER) {
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  j = self->decision[i] != G_MAXUINT ? self->decision[i] : r->map[i];
  bg_pts = g_array_index (self->bg.pts, GstClockTime, j);
  ensure_src_ready (self, &self->fg);
  g_mutex_unlock (&self->lock);

  buf = gst_buffer_make_writable (buf);
  add_meta (self, buf, i, j, bg_pts, r->cost[i]);
  return gst_pad_push (self->fg.srcpad, buf);
}

/* The bg frames fg frame @i may get: around the dense alignment's choice
 * and around the continuation of the frames picked so far (which come from
 * full-resolution comparisons), never before the last one picked. Called
 * with the lock. */
static void
candidate_range (GstVidkompyAlign * self, guint i, guint * lo, guint * hi)
{
  guint m = self->result.map[i], a = m, b = m;

  /* a frame the bg does not show is on its first or last frame; a retimed
   * fg's frames are on the dense alignment's choice (a frame shown again
   * after a later one cannot be on its own bg frame: the bg never steps
   * back, and the nearest pick would run ahead on unrelated frames) */
  if (self->preset || fg_frame_outside (self, i)
      || self->fg.retime.n_retimed > 0) {
    *lo = *hi = m;
    return;
  }
  if (self->have_decision) {
    guint pred = self->last_decision +
        (guint) ceil (self->result.rate * (i - self->last_decided_fg));

    a = MIN (a, pred);
    b = MAX (b, pred);
  }
  *lo = MAX (a > self->radius ? a - self->radius : 0, self->last_decision);
  *hi = MIN (b + self->radius, self->bg.pts->len - 1);
}

/* Picks the bg frame of fg frame @i among the dense alignment's choice and
 * its self->radius neighbours on each side, by comparing full-resolution descriptors (the dense
 * alignment works on low-resolution copies, which cannot always tell
 * neighbouring frames apart). Never steps backwards. Called with the lock,
 * once the position is refined; returns NULL when no candidate has
 * arrived. */
static Cand *
decide (GstVidkompyAlign * self, guint i)
{
  guint m = self->result.map[i], lo, hi;
  gint64 lf = vk_line_frame (self->result.offset, self->result.rate, i);
  Cand *best = NULL, *dense = NULL, *line = NULL;
  gdouble best_score = -G_MAXDOUBLE, dense_score = -G_MAXDOUBLE;
  gdouble line_score = -G_MAXDOUBLE;
  gdouble second_score = -G_MAXDOUBLE;
  const gfloat *fd = self->fg_desc[i];
  GList *l;

  candidate_range (self, i, &lo, &hi);
  for (l = self->cands.head; l; l = l->next) {
    Cand *c = l->data;
    gdouble score;

    if (c->index < lo || c->index > hi)
      continue;
    if (self->preset)
      return c;
    if (c->desc == NULL)
      c->desc = bg_descriptor (self, c->buffer);
    if (fd == NULL || c->desc == NULL) {
      score = c->index == m ? 1.0 : -1.0;
    } else {
      score = vk_desc_similarity (fd, c->desc, self->desc_w * self->desc_h);
    }
    GST_TRACE_OBJECT (self, "fg frame %u: bg frame %u scores %.6f", i,
        c->index, score);
    if (c->index == m) {
      dense = c;
      dense_score = score;
    }
    if ((gint64) c->index == lf) {
      line = c;
      line_score = score;
    }
    if (score > best_score) {
      second_score = best_score;
      best_score = score;
      best = c;
    } else if (score > second_score) {
      second_score = score;
    }
  }
  /* frames that look the same to the fg (their mismatches differ by less
   * than compression noise does): the frame on the timing line wins, else
   * the dense alignment's choice (which follows the line through ties on
   * the low-resolution copies, but not always: on a grainy bg or where an
   * overlay of the fg (a logo) decides between repeated frames, the DP
   * strays from it by a frame) */
  self->tie[i] = best != NULL && vk_is_tie (best_score, second_score);
  if (line && (line == best || vk_is_tie (best_score, line_score))) {
    if (line != best)
      GST_LOG_OBJECT (self, "fg frame %u: bg frame %u (%.6f) ties with %u "
          "(%.6f): the line's", i, line->index, line_score, best->index,
          best_score);
    best = line;
  } else if (dense && dense != best && vk_is_tie (best_score, dense_score)) {
    GST_LOG_OBJECT (self, "fg frame %u: bg frame %u (%.6f) ties with %u "
        "(%.6f): the dense alignment's", i, m, dense_score, best->index,
        best_score);
    best = dense;
  }
  if (best == NULL) {
    /* none in range (frames missing): the latest one received */
    best = g_queue_peek_tail (&self->cands);
  }
  return best;
}

/* Writes the alignment rendered, every frame decided, to
 * alignment-location and to the cache. */
static void
save_alignment (GstVidkompyAlign * self)
{
  VkAlignResult *r = &self->result;
  VkAlignFile f;
  gchar *location, *cache_path;
  GError *err = NULL;
  guint i;

  GST_OBJECT_LOCK (self);
  location = self->use_alignment ? NULL : g_strdup (self->alignment_location);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->lock);
  cache_path = self->preset ? NULL : g_strdup (self->cache_path);
  if (self->bg.retime.n_retimed > 0 || self->fg.retime.n_retimed > 0) {
    /* its timestamps are not those of the input */
    g_mutex_unlock (&self->lock);
    if (location)
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("The alignment was not written to \"%s\": an input's timestamps "
              "repeat or go backwards, which alignment files cannot "
              "describe.", location), (NULL));
    g_free (location);
    g_free (cache_path);
    return;
  }
  if (location == NULL && cache_path == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  memset (&f, 0, sizeof (f));
  f.bg = self->bg_id;
  f.fg = self->fg_id;
  f.options = self->file_opts;
  f.x = self->out_x;
  f.y = self->out_y;
  f.scale = self->out_scale;
  f.spatial_confidence = self->spatial_confidence;
  f.offset = r->offset;
  f.rate = r->rate;
  f.confidence = r->confidence;
  f.frames = g_new (VkAlignFileFrame, r->n_fg);
  for (i = 0; i < r->n_fg; i++) {
    guint j = self->decision[i] != G_MAXUINT ? self->decision[i] : r->map[i];

    f.frames[i].fg_pts = g_array_index (self->fg.pts, GstClockTime, i);
    f.frames[i].fg_duration =
        g_array_index (self->fg.durations, GstClockTime, i);
    f.frames[i].bg_index = j;
    f.frames[i].bg_pts = g_array_index (self->bg.pts, GstClockTime, j);
    f.frames[i].cost = r->cost[i];
  }
  g_mutex_unlock (&self->lock);

  if (location) {
    if (vk_align_file_save (&f, location, &err)) {
      GST_INFO_OBJECT (self, "alignment written to %s", location);
    } else {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
          ("Could not write the alignment to \"%s\": %s.", location,
              err->message), (NULL));
      g_clear_error (&err);
    }
  }
  if (cache_path) {
    gchar *dir = g_path_get_dirname (cache_path);

    if (g_mkdir_with_parents (dir, 0755) != 0) {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("Could not create the cache directory \"%s\": %s.", dir,
              g_strerror (errno)), (NULL));
    } else if (vk_align_file_save (&f, cache_path, &err)) {
      GST_INFO_OBJECT (self, "alignment cached in %s", cache_path);
    } else {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("Could not cache the alignment in \"%s\": %s.", cache_path,
              err->message), (NULL));
      g_clear_error (&err);
    }
    g_free (dir);
  }
  g_free (f.frames);
  g_free (location);
  g_free (cache_path);
}

/* Outputs the bg of every fg frame whose candidates have all arrived (all
 * remaining ones at the bg's end). */
static GstFlowReturn
push_bg_outputs (GstVidkompyAlign * self, gboolean at_end)
{
  VkAlignResult *r = &self->result;
  GstFlowReturn ret = GST_FLOW_OK;

  for (;;) {
    Cand *c, *tail;
    GstBuffer *out;
    GstClockTime bg_pts;
    guint i, m, lo, hi;

    g_mutex_lock (&self->lock);
    /* decisions wait for a seek's reset of the render state */
    while (self->seeking && !self->bg.flushing)
      g_cond_wait (&self->cond, &self->lock);
    if (self->next_fg >= self->seg_end || self->bg.flushing
        || self->phase != PHASE_RENDER) {
      /* (a cached alignment is written to alignment-location too) */
      gboolean save = self->next_fg >= r->n_fg && self->map_complete
          && (!self->preset || g_strcmp0 (self->source, "cache") == 0)
          && !self->written && self->phase == PHASE_RENDER;

      self->written |= save;
      g_mutex_unlock (&self->lock);
      if (save)
        save_alignment (self);
      break;
    }
    i = self->next_fg;
    m = r->map[i];
    if (fg_frame_dropped (self, i)) {
      self->next_fg++;
      g_mutex_unlock (&self->lock);
      continue;
    }
    tail = g_queue_peek_tail (&self->cands);
    candidate_range (self, i, &lo, &hi);
    if (!at_end && (tail == NULL || tail->index < hi)) {
      g_mutex_unlock (&self->lock);
      break;                    /* the next candidate has not arrived yet */
    }
    /* the fg frame's descriptor, unless the fg is gone or past it */
    while (!self->preset && self->fg_desc[i] == NULL && !self->fg.eos
        && self->fg.last_seen <= (gint64) i && !self->fg.flushing
        && !self->bg.flushing && self->phase == PHASE_RENDER)
      g_cond_wait (&self->cond, &self->lock);
    if (self->bg.flushing || self->phase != PHASE_RENDER) {
      g_mutex_unlock (&self->lock);
      break;
    }
    if (!self->preset && self->fg_desc[i] == NULL
        && self->fg.last_seen > (gint64) i) {
      /* the fg did not play this frame again after the seek (a decoder
       * can leave out the first frames): it has no output */
      GST_DEBUG_OBJECT (self, "fg frame %u did not come: no bg output", i);
      self->next_fg++;
      g_mutex_unlock (&self->lock);
      continue;
    }

    c = decide (self, i);
    if (c == NULL) {
      g_mutex_unlock (&self->lock);
      break;
    }
    self->decision[i] = c->index;
    /* a seek back computes it again */
    g_clear_pointer (&self->fg_desc[i], g_free);
    self->last_decision = c->index;
    self->last_decided_fg = i;
    self->have_decision = TRUE;
    self->next_fg++;
    g_cond_broadcast (&self->cond);

    bg_pts = g_array_index (self->bg.pts, GstClockTime, c->index);
    ensure_src_ready (self, &self->bg);

    /* a new buffer sharing the bg frame's memory, on the fg's timeline */
    out = gst_buffer_copy (c->buffer);
    GST_BUFFER_PTS (out) = g_array_index (self->fg.pts, GstClockTime, i);
    GST_BUFFER_DTS (out) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (out) = fg_duration (self, i);
    add_meta (self, out, i, c->index, bg_pts, r->cost[i]);
    GST_LOG_OBJECT (self, "fg frame %u (%" GST_TIME_FORMAT ") <- bg frame %u "
        "(%" GST_TIME_FORMAT "; dense alignment: %u)", i,
        GST_TIME_ARGS (GST_BUFFER_PTS (out)), c->index,
        GST_TIME_ARGS (bg_pts), m);

    /* later fg frames never go back: keep the chosen frame and later ones */
    while ((tail = g_queue_peek_head (&self->cands)) && tail != c
        && tail->index < c->index)
      cand_free (g_queue_pop_head (&self->cands));
    g_mutex_unlock (&self->lock);

    ret = gst_pad_push (self->bg.srcpad, out);
    if (ret != GST_FLOW_OK)
      break;
  }
  return ret;
}

static GstFlowReturn
render_bg (GstVidkompyAlign * self, GstBuffer * buf)
{
  gboolean refined;
  Cand *c;
  guint k, lo = 0, hi;

  g_mutex_lock (&self->lock);
  /* a seek's frames wait for its reset of the render state */
  while ((self->seeking || (self->pass_reset && !self->bg.new_pass))
      && !self->bg.flushing && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  k = frame_index (&self->bg, GST_BUFFER_PTS (buf));
  if (self->next_fg < self->seg_end)
    candidate_range (self, self->next_fg, &lo, &hi);
  if (self->next_fg >= self->seg_end || k < lo) {
    /* not a candidate for any fg frame still to come */
    g_mutex_unlock (&self->lock);
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  /* the bg output is on the fg's timeline: wait for the fg's segment */
  while (!self->fg_segment_ready && !self->bg.flushing
      && self->phase == PHASE_RENDER)
    g_cond_wait (&self->cond, &self->lock);
  c = g_new0 (Cand, 1);
  c->index = k;
  c->buffer = buf;
  if (self->bg.flushing || self->phase != PHASE_RENDER) {
    g_mutex_unlock (&self->lock);
    cand_free (c);
    return GST_FLOW_FLUSHING;
  }
  g_queue_push_tail (&self->cands, c);
  if (!bg_try_refine (self, FALSE)) {
    g_mutex_unlock (&self->lock);
    return GST_FLOW_FLUSHING;
  }
  if (self->bg.hold) {
    /* the refinement pass (refine_first ()): frames until the refinement,
     * then nothing until the seek back */
    while (self->bg.hold && self->refined && !self->bg.flushing
        && self->phase == PHASE_RENDER)
      g_cond_wait (&self->cond, &self->lock);
    refined = self->refined;
    g_mutex_unlock (&self->lock);
    return refined ? GST_FLOW_FLUSHING : GST_FLOW_OK;
  }
  refined = self->refined;
  g_mutex_unlock (&self->lock);

  if (!refined)
    return GST_FLOW_OK;

  return push_bg_outputs (self, FALSE);
}

/* The bg ended: the remaining fg frames get the frames left, or its last
 * frame. */
static void
finish_bg (GstVidkompyAlign * self)
{
  gboolean empty;

  g_mutex_lock (&self->lock);
  empty = g_queue_is_empty (&self->cands);
  if (!empty)
    bg_try_refine (self, TRUE);
  g_mutex_unlock (&self->lock);

  if (empty && self->next_fg < self->seg_end) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("The background ended during rendering before the first matched "
            "frame: it did not play its frames again after the seek back "
            "for rendering (a source with num-buffers set stops after that "
            "many frames, seeks included)."), (NULL));
  } else {
    push_bg_outputs (self, TRUE);
  }
  g_mutex_lock (&self->lock);
  self->bg_finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Forgets what the render pass decided from fg frame @from on (fg
 * descriptors not used yet stay valid: they depend only on the frames).
 * Called with the lock. */
static void
render_reset (GstVidkompyAlign * self, guint from)
{
  guint i;

  for (i = from; i < self->result.n_fg; i++)
    self->decision[i] = G_MAXUINT;
  self->next_fg = from;
  /* from the first frame on, every frame gets its decision again */
  self->map_complete = from == 0;
  self->have_decision = FALSE;
  self->last_decision = 0;
  if (from > 0)
    self->last_decision = MIN (self->result.map[from - 1],
        self->result.map[from]);
  self->bg_finished = FALSE;
}

/* ------------------------------------------------------------------------ */
/* Pads */

static GstFlowReturn
gst_vidkompy_align_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = stream_of_pad (self, pad);
  VkStreamRender *stream;
  Phase phase;

  if (!GST_BUFFER_PTS_IS_VALID (buf)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("%s: received a video buffer without a timestamp; vidkompyalign "
            "needs timestamped frames.", GST_PAD_NAME (pad)), (NULL));
    gst_buffer_unref (buf);
    return GST_FLOW_ERROR;
  }
  if (!s->have_info) {
    gst_buffer_unref (buf);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if ((stream = streaming_of (self)))
    return vk_stream_render_chain (stream, s == &self->fg, buf);

  g_mutex_lock (&self->lock);
  phase = self->phase;
  g_mutex_unlock (&self->lock);

  switch (phase) {
    case PHASE_ANALYSIS:{
      GstFlowReturn ret = analyse_frame (self, s, buf);

      gst_buffer_unref (buf);
      return ret;
    }
    case PHASE_RENDER:
      if (!replayed_frame (self, s, &buf)) {
        gst_buffer_unref (buf);
        return GST_FLOW_OK;
      }
      if (!verify_frame (self, s, buf)) {
        gst_buffer_unref (buf);
        return GST_FLOW_ERROR;
      }
      return s == &self->fg ? render_fg (self, buf) : render_bg (self, buf);
    case PHASE_DONE:
      gst_buffer_unref (buf);
      return GST_FLOW_EOS;
    default:
      /* aligning: frames that arrive before our seek flushes are dropped */
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
  }
}

/* Whether @buf, replayed after the seek back, is the next analysed frame
 * of @s (and not before the analysed ones, a repeat, or the end of a frame
 * that a decoder clipped at the seek's position). */
static gboolean
replayed_frame (GstVidkompyAlign * self, Stream * s, GstBuffer ** buf)
{
  GstClockTime pts = GST_CLOCK_TIME_NONE, duration = GST_CLOCK_TIME_NONE;
  gboolean ok;
  guint i;

  g_mutex_lock (&self->lock);
  if (s->retime.n_retimed > 0) {
    /* by its own timestamp, after the last frame seen; it gets the
     * timestamp it was given in the analysis, and the time to the next
     * frame's as its duration */
    ok = vk_retime_find (&s->retime, s->last_seen, GST_BUFFER_PTS (*buf),
        PTS_TOLERANCE, &i);
    if (ok)
      pts = g_array_index (s->pts, GstClockTime, i);
    if (ok && i + 1 < s->pts->len)
      duration = g_array_index (s->pts, GstClockTime, i + 1) - pts;
  } else {
    ok = analysed_frame (self, s, *buf, &i) && (gint64) i > s->last_seen;
  }
  if (ok)
    s->last_seen = i;
  g_mutex_unlock (&self->lock);
  if (ok && GST_CLOCK_TIME_IS_VALID (pts)) {
    GST_LOG_OBJECT (s->sinkpad, "frame %u at %" GST_TIME_FORMAT " retimed to %"
        GST_TIME_FORMAT, i, GST_TIME_ARGS (GST_BUFFER_PTS (*buf)),
        GST_TIME_ARGS (pts));
    *buf = gst_buffer_make_writable (*buf);
    GST_BUFFER_PTS (*buf) = pts;
    GST_BUFFER_DTS (*buf) = GST_CLOCK_TIME_NONE;
    if (GST_CLOCK_TIME_IS_VALID (duration))
      GST_BUFFER_DURATION (*buf) = duration;
  }
  return ok;
}

/* Rendering a saved alignment: fingerprints the frame for the check of
 * the whole input at its end. */
static gboolean
verify_frame (GstVidkompyAlign * self, Stream * s, GstBuffer * buf)
{
  guint8 *fp;
  gint n = s->low_width * s->low_height;

  if (!self->preset || !self->verify)
    return TRUE;
  fp = g_newa (guint8, n);
  if (!frame_fingerprint (self, s, buf, fp))
    return FALSE;
  g_mutex_lock (&self->lock);
  vk_identity_hasher_add (&s->hasher, fp, n);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Rendering a saved alignment, at the input's end: its frame count and
 * the hash of all its frames must be those of the file (the start was
 * checked before rendering). A cached alignment that fails is removed. */
static gboolean
verify_input (GstVidkompyAlign * self, Stream * s)
{
  VkStreamIdentity id;
  GError *err = NULL;
  gboolean cached;

  g_mutex_lock (&self->lock);
  if (!self->preset || !self->verify) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  stream_identity (s, TRUE, &id);
  if (vk_align_file_check_input (self->saved, s == &self->bg, &id, TRUE, &err)) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (s->sinkpad, "the whole input matches the alignment");
    return TRUE;
  }
  cached = g_strcmp0 (self->source, "cache") == 0;
  if (cached)
    g_unlink (self->saved_path);
  g_mutex_unlock (&self->lock);

  GST_ELEMENT_ERROR (self, STREAM, FAILED,
      ("The alignment %s \"%s\" was not made for these inputs: %s.%s",
          cached ? "in the cache" : "file", self->saved_path, err->message,
          cached ? " It was removed from the cache; run again." : ""), (NULL));
  g_error_free (err);
  return FALSE;
}

static void
analysis_done (GstVidkompyAlign * self)
{
  stream_identity (&self->bg, TRUE, &self->bg_id);
  stream_identity (&self->fg, TRUE, &self->fg_id);
  self->phase = PHASE_ALIGNING;
  self->t_analysed = g_get_monotonic_time ();
  GST_INFO_OBJECT (self, "analysed %u bg and %u fg frames in %.3f s",
      self->bg.pts->len, self->fg.pts->len,
      (self->t_analysed - self->t_start) / 1e6);
  start_job (self, "vk-align", align_and_replay, NULL, NULL);
}

/* VkStarvedFunc: @pad has had no frame and no EOS while analysing */
static gboolean
starved (GstElement * element, GstPad * pad)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  Stream *s = stream_of_pad (self, pad);
  gboolean ret;

  g_mutex_lock (&self->lock);
  ret = self->phase == PHASE_ANALYSIS && s->pts->len == 0 && !s->eos;
  g_mutex_unlock (&self->lock);
  return ret;
}

static gboolean
gst_vidkompy_align_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = stream_of_pad (self, pad);
  VkStreamRender *stream;
  gboolean forward;

  g_mutex_lock (&self->lock);
  forward = self->phase == PHASE_RENDER && !self->replay_seek;
  stream = self->streaming;
  g_mutex_unlock (&self->lock);

  /* streaming mode: the element keeps caps and segments, the rest goes to
   * the streaming renderer (an explicit mode=streaming decides at once) */
  if (stream == NULL && self->mode == GST_VIDKOMPY_ALIGN_MODE_STREAMING)
    stream = streaming_of (self);
  if (stream && GST_EVENT_TYPE (event) != GST_EVENT_CAPS
      && GST_EVENT_TYPE (event) != GST_EVENT_SEGMENT
      && GST_EVENT_TYPE (event) != GST_EVENT_STREAM_START)
    return vk_stream_render_event (stream, s == &self->fg, event);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstVideoInfo info;

      gst_event_parse_caps (event, &caps);
      if (!gst_video_info_from_caps (&info, caps)) {
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: invalid video caps.", GST_PAD_NAME (pad)),
            ("%" GST_PTR_FORMAT, caps));
        gst_event_unref (event);
        return FALSE;
      }
      g_mutex_lock (&self->lock);
      /* (new caps before the first frame are fine: videoflip's
       * video-direction=auto renegotiates when the orientation tag comes
       * after the first caps) */
      if (self->phase == PHASE_ANALYSIS && s->have_info && s->pts->len > 0
          && (info.width != s->info.width || info.height != s->info.height)) {
        g_mutex_unlock (&self->lock);
        GST_ELEMENT_ERROR (self, STREAM, FORMAT,
            ("%s: the frame size changed mid-stream, which vidkompyalign does "
                "not support.", GST_PAD_NAME (pad)), ("%" GST_PTR_FORMAT,
                caps));
        gst_event_unref (event);
        return FALSE;
      }
      s->info = info;
      s->have_info = TRUE;
      vk_low_size (info.width, info.height, &s->low_width, &s->low_height);
      s->src_ready = FALSE;
      /* a mode=auto decision may wait for both inputs' caps */
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_SEGMENT:
      g_mutex_lock (&self->lock);
      gst_event_copy_segment (event, &s->segment);
      if (self->phase == PHASE_RENDER) {
        /* the new segment goes out with the next frame, on both outputs
         * for the fg's; a new pass of the input (after a segment's end,
         * or a seek without a flush): its frames play again */
        s->src_ready = FALSE;
        s->eos = FALSE;
        if (s->new_pass) {
          s->new_pass = FALSE;
          s->last_seen = -1;
          if (s == &self->bg)
            g_queue_clear_full (&self->cands, (GDestroyNotify) cand_free);
        }
        if (s == &self->fg) {
          self->bg.src_ready = FALSE;
          self->fg_segment_ready = TRUE;
          g_cond_broadcast (&self->cond);
        }
      }
      g_mutex_unlock (&self->lock);
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_STREAM_START:
    case GST_EVENT_GAP:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_EOS:
      g_mutex_lock (&self->lock);
      s->eos = TRUE;
      g_cond_broadcast (&self->cond);
      if (self->phase == PHASE_ANALYSIS) {
        Stream *other = s == &self->bg ? &self->fg : &self->bg;
        gboolean ok;

        if (s->pts->len == 0) {
          g_mutex_unlock (&self->lock);
          GST_ELEMENT_ERROR (self, STREAM, FAILED,
              ("The %s input (%s) ended with no frame: there is nothing to "
                  "align.", s == &self->bg ? "background" : "foreground",
                  GST_PAD_NAME (pad)), (NULL));
          gst_event_unref (event);
          return FALSE;
        }
        g_mutex_unlock (&self->lock);
        ok = maybe_use_saved (self);
        /* (before analysis_done (): the render resets the EOS flags) */
        post_progress (self);
        g_mutex_lock (&self->lock);
        if (ok && self->phase == PHASE_ANALYSIS && self->bg.eos && self->fg.eos)
          analysis_done (self);
        else if (ok && self->phase == PHASE_ANALYSIS && other->pts->len == 0)
          vk_link_check_arm_starved (&self->link_check, GST_ELEMENT (self),
              other->sinkpad, GST_PAD_NAME (pad), starved);
        g_mutex_unlock (&self->lock);
        gst_event_unref (event);
        return ok;
      }
      forward = self->phase == PHASE_RENDER && s->replayed;
      g_mutex_unlock (&self->lock);
      if (!forward) {
        gst_event_unref (event);
        return TRUE;
      }
      if (!verify_input (self, s)) {
        gst_event_unref (event);
        return FALSE;
      }
      if (s == &self->bg)
        finish_bg (self);
      GST_DEBUG_OBJECT (s->sinkpad, "EOS");
      return gst_pad_push_event (s->srcpad, event);
    case GST_EVENT_SEGMENT_DONE:
      /* the end of a segment seek's segment: the end of the input for the
       * render, but the event goes on instead of EOS */
      g_mutex_lock (&self->lock);
      forward = self->phase == PHASE_RENDER && s->replayed;
      s->eos |= forward;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      if (forward && s == &self->bg)
        finish_bg (self);
      break;
    case GST_EVENT_FLUSH_START:
      g_mutex_lock (&self->lock);
      s->flushing = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      break;
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      s->flushing = FALSE;
      s->eos = FALSE;
      s->last_seen = -1;
      /* the seek back after the refinement pass: rendering starts */
      if (s->hold && self->refined)
        s->hold = FALSE;
      s->replayed |= self->phase == PHASE_RENDER && !s->hold;
      if (self->preset)
        vk_identity_hasher_reset (&s->hasher);
      if (s == &self->fg)
        self->fg_segment_ready = FALSE;
      else
        g_queue_clear_full (&self->cands, (GDestroyNotify) cand_free);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  if (forward)
    return gst_pad_push_event (s->srcpad, event);
  gst_event_unref (event);
  return TRUE;
}

/* Seeks the inputs for a seek of the outputs (@event, a forward time seek
 * to a position; taken): the fg there (the outputs are on its timeline),
 * the bg to the bg frame matched to the fg frame at that time. */
static gboolean
seek_inputs (GstVidkompyAlign * self, GstEvent * event)
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  GstEvent *bg_seek;
  GstClockTime bg_pos, bg_stop = GST_CLOCK_TIME_NONE;
  guint i, end, j;
  gboolean ok;

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  g_mutex_lock (&self->lock);
  i = MIN (frame_index (&self->fg, start), self->result.n_fg - 1);
  /* a stop: the fg frames before it, the bg a little past their match
   * (a segment seek ends on both inputs with SEGMENT_DONE) */
  end = self->result.n_fg;
  if (stop_type == GST_SEEK_TYPE_SET)
    end = MAX (vk_seek_frames_before (self->fg.pts, stop), i + 1);
  j = self->result.map[end - 1] + VK_SEEK_BG_STOP_FRAMES (self->radius);
  if (end < self->result.n_fg && j < self->bg.pts->len)
    bg_stop = g_array_index (self->bg.pts, GstClockTime, j);
  /* the saved alignment's inputs are checked on whole passes only */
  self->verify = FALSE;
  bg_pos = g_array_index (self->bg.pts, GstClockTime,
      self->result.map[i] > self->radius ?
      self->result.map[i] - self->radius : 0);
  /* no decision until both inputs flushed and restarted: one made now
   * would be from before the seek; without a flush, the streaming
   * threads must go on for the seek to happen: only the frames after
   * its segment (a new pass, such as a segment seek's loop) wait */
  self->seeking = (flags & GST_SEEK_FLAG_FLUSH) != 0;
  self->pass_reset = !self->seeking;
  self->bg.new_pass = self->fg.new_pass = !self->seeking;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "seek to %" GST_TIME_FORMAT " (fg frames %u to "
      "%u), bg from %" GST_TIME_FORMAT " to %" GST_TIME_FORMAT,
      GST_TIME_ARGS (start), i, end, GST_TIME_ARGS (bg_pos),
      GST_TIME_ARGS (bg_stop));
  bg_seek = gst_event_new_seek (rate, GST_FORMAT_TIME,
      flags | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, bg_pos,
      GST_CLOCK_TIME_IS_VALID (bg_stop) ? GST_SEEK_TYPE_SET :
      GST_SEEK_TYPE_NONE, bg_stop);
  gst_event_set_seqnum (bg_seek, gst_event_get_seqnum (event));
  ok = gst_pad_push_event (self->fg.sinkpad, event);
  ok &= gst_pad_push_event (self->bg.sinkpad, bg_seek);

  g_mutex_lock (&self->lock);
  render_reset (self, i);
  self->seg_end = end;
  self->seeking = self->pass_reset = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Seeks of the outputs: forward time seeks to a position (rate > 0, any
 * flags, segment seeks included). Before the render (during the analysis
 * and the alignment) a seek is queued, its flush ended at once (nothing
 * was output), and it is honoured when the render starts (see replay ());
 * while the inputs are seeked back to render, it waits for them. Refused
 * at once, with no effect, otherwise. */
static gboolean
handle_seek (GstVidkompyAlign * self, GstPad * pad, GstEvent * event)
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  guint32 seqnum = gst_event_get_seqnum (event);

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  g_mutex_lock (&self->lock);
  /* a pipeline seek reaches both src pads: handle it once */
  if (seqnum == self->seek_seqnum) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (pad, "seek already handled on the other pad");
    gst_event_unref (event);
    return TRUE;
  }
  if (self->phase == PHASE_DONE || format != GST_FORMAT_TIME || rate <= 0
      || start_type != GST_SEEK_TYPE_SET || start < 0
      || self->bg.retime.n_retimed > 0 || self->fg.retime.n_retimed > 0) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "refusing a seek: only forward time seeks to "
        "a position are supported, and none on inputs whose timestamps "
        "were retimed");
    gst_event_unref (event);
    return FALSE;
  }
  self->seek_seqnum = seqnum;
  if (self->streaming && !(self->bg.have_info && self->fg.have_info)) {
    /* an input is not negotiated yet (decodebin links its pads one after
     * the other): queued, and sent once both are (as before the streaming
     * mode started); the outputs flush with the inputs (the streaming
     * renderer passes their flushes on), or at once if the seek fails */
    GST_INFO_OBJECT (pad, "streaming: seek before both inputs have caps: "
        "queued");
    gst_event_replace (&self->queued_seek, event);
    self->seek_flush_owed = (flags & GST_SEEK_FLAG_FLUSH) != 0;
    streaming_queued_seek (self);
    g_mutex_unlock (&self->lock);
    gst_event_unref (event);
    return TRUE;
  }
  if (self->streaming) {
    gboolean ok;

    /* (a stop waits: the renderer and the pads stay) */
    self->streaming_seeks++;
    g_mutex_unlock (&self->lock);
    ok = vk_seek_streaming (GST_ELEMENT (self), self->streaming,
        self->bg.sinkpad, self->fg.sinkpad, event, FALSE, self->latency);
    g_mutex_lock (&self->lock);
    self->streaming_seeks--;
    g_cond_broadcast (&self->cond);
    g_mutex_unlock (&self->lock);
    return ok;
  }
  /* while the inputs are seeked back to render, frames may go out already
   * (a flush of the outputs now would remove the segment under them): the
   * seek waits for the seeks back and is one of the render */
  while (self->phase == PHASE_RENDER && self->replay_seek)
    g_cond_wait (&self->cond, &self->lock);
  if (self->phase == PHASE_DONE) {
    g_mutex_unlock (&self->lock);
    gst_event_unref (event);
    return FALSE;
  }
  if (self->phase != PHASE_RENDER) {
    GST_INFO_OBJECT (pad, "seek to %" GST_TIME_FORMAT " before the render: "
        "queued", GST_TIME_ARGS (start));
    gst_event_replace (&self->queued_seek, event);
    g_mutex_unlock (&self->lock);
    if (flags & GST_SEEK_FLAG_FLUSH)
      vk_seek_flush_outputs (self->bg.srcpad, self->fg.srcpad, seqnum);
    gst_event_unref (event);
    return TRUE;
  }
  g_mutex_unlock (&self->lock);
  return seek_inputs (self, event);
}

static gboolean
gst_vidkompy_align_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      return handle_seek (self, pad, event);
    case GST_EVENT_QOS:
    case GST_EVENT_NAVIGATION:
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

/* answers @query with @caps (transfer full) intersected with its filter */
static gboolean
answer_caps_query (GstQuery * query, GstCaps * caps)
{
  GstCaps *filter;

  gst_query_parse_caps (query, &filter);
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  gst_query_set_caps_result (query, caps);
  gst_caps_unref (caps);
  return TRUE;
}

static gboolean
gst_vidkompy_align_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (parent);
  Stream *s = stream_of_pad (self, pad);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:
    case GST_QUERY_POSITION:
    case GST_QUERY_SEEKING:
      /* both outputs are on the fg's timeline */
      return gst_pad_peer_query (self->fg.sinkpad, query);
    case GST_QUERY_LATENCY:
      if (streaming_of (self))
        return streaming_latency (self, query);
      return gst_pad_query_default (pad, parent, query);
    case GST_QUERY_CAPS:{
      GstCaps *caps;

      if (s->have_info)
        caps = gst_video_info_to_caps (&s->info);
      else
        caps = gst_pad_get_pad_template_caps (pad);
      if (s == &self->bg) {
        caps = gst_caps_make_writable (caps);
        gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1,
            G_MAXINT, 1, NULL);
      }
      return answer_caps_query (query, caps);
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_vidkompy_align_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_ALLOCATION:
      /* frames are read through their video meta and held (a few to
       * render, latency's worth in streaming mode): a pool without a
       * maximum, into which a decoder writes directly */
      return vk_propose_allocation (query);
    case GST_QUERY_CAPS:
      return answer_caps_query (query, gst_pad_get_pad_template_caps (pad));
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ------------------------------------------------------------------------ */
/* Element */

/* forgets the saved alignment of the last run; with the lock */
static void
saved_reset (GstVidkompyAlign * self)
{
  if (self->saved) {
    vk_align_file_clear (self->saved);
    g_clear_pointer (&self->saved, g_free);
  }
  g_clear_pointer (&self->saved_path, g_free);
  g_clear_pointer (&self->cache_path, g_free);
  self->saved_checked = FALSE;
  self->preset = FALSE;
  self->verify = FALSE;
  self->written = FALSE;
  self->map_complete = FALSE;
  self->source = "analysis";
}

static GstStateChangeReturn
gst_vidkompy_align_change_state (GstElement * element,
    GstStateChange transition)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      GST_OBJECT_LOCK (self);
      if (self->use_alignment && self->alignment_location == NULL) {
        GST_OBJECT_UNLOCK (self);
        GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
            ("use-alignment is set but alignment-location is not: set it "
                "to the alignment file to render."), (NULL));
        return GST_STATE_CHANGE_FAILURE;
      }
      GST_OBJECT_UNLOCK (self);
      vk_link_check_arm (&self->link_check, element);
      g_mutex_lock (&self->lock);
      saved_reset (self);
      stream_reset (&self->bg);
      stream_reset (&self->fg);
      self->phase = PHASE_ANALYSIS;
      self->replay_seek = FALSE;
      self->seek_seqnum = GST_SEQNUM_INVALID;
      gst_clear_event (&self->queued_seek);
      self->refined = FALSE;
      self->last_percent = -1;
      self->next_estimate = 0;
      self->t_start = self->t_analysed = self->t_aligned =
          g_get_monotonic_time ();
      g_mutex_unlock (&self->lock);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      vk_link_check_disarm (&self->link_check);
      /* unblock the streaming threads */
      g_mutex_lock (&self->lock);
      if (self->streaming)
        vk_stream_render_stop (self->streaming);
      self->phase = PHASE_DONE;
      g_cond_broadcast (&self->cond);
      /* an alignment job seeking the inputs back must be done with the
       * pads before they are deactivated (the jobs are joined after) */
      while (self->replay_seek || self->streaming_seeks > 0)
        g_cond_wait (&self->cond, &self->lock);
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    /* before the state they use goes */
    join_jobs (self);
    g_mutex_lock (&self->lock);
    render_state_clear (self);
    vk_align_result_clear (&self->result);
    g_clear_pointer (&self->streaming, vk_stream_render_free);
    gst_clear_event (&self->queued_seek);
    self->mode_decided = FALSE;
    stream_reset (&self->bg);
    stream_reset (&self->fg);
    saved_reset (self);
    g_mutex_unlock (&self->lock);
  }
  return ret;
}

/* with the object lock: the preset's window and drift-tolerance, for those
 * not set explicitly */
static void
apply_quality (GstVidkompyAlign * self)
{
  GstClockTime window, drift;

  vk_align_quality_preset (self->quality, &window, &drift);
  if (!self->window_set)
    self->window = window;
  if (!self->drift_set)
    self->drift_tolerance = drift;
}

static void
gst_vidkompy_align_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_X:
      self->x = g_value_get_int (value);
      break;
    case PROP_Y:
      self->y = g_value_get_int (value);
      break;
    case PROP_DETECT_POSITION:
      self->detect_position = g_value_get_boolean (value);
      break;
    case PROP_SCALE:
      self->scale = g_value_get_double (value);
      break;
    case PROP_UNSCALED:
      self->unscaled = g_value_get_boolean (value);
      break;
    case PROP_WINDOW:
      self->window = g_value_get_uint64 (value);
      self->window_set = TRUE;
      break;
    case PROP_UNMATCHED_FRAMES:
      self->unmatched = g_value_get_enum (value);
      break;
    case PROP_DRIFT_TOLERANCE:
      self->drift_tolerance = g_value_get_uint64 (value);
      self->drift_set = TRUE;
      break;
    case PROP_QUALITY:
      self->quality = g_value_get_enum (value);
      apply_quality (self);
      break;
    case PROP_STRICT:
      self->strict = g_value_get_boolean (value);
      break;
    case PROP_MATCH_REGION:
      self->match_region = g_value_get_enum (value);
      break;
    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;
    case PROP_LATENCY:
      self->latency = g_value_get_uint64 (value);
      break;
    case PROP_ALIGNMENT_LOCATION:
      g_free (self->alignment_location);
      self->alignment_location = g_value_dup_string (value);
      break;
    case PROP_USE_ALIGNMENT:
      self->use_alignment = g_value_get_boolean (value);
      break;
    case PROP_CACHE_DIR:
      g_free (self->cache_dir);
      self->cache_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vidkompy_align_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_X:
      g_value_set_int (value, self->x);
      break;
    case PROP_Y:
      g_value_set_int (value, self->y);
      break;
    case PROP_DETECT_POSITION:
      g_value_set_boolean (value, self->detect_position);
      break;
    case PROP_SCALE:
      g_value_set_double (value, self->scale);
      break;
    case PROP_UNSCALED:
      g_value_set_boolean (value, self->unscaled);
      break;
    case PROP_WINDOW:
      g_value_set_uint64 (value, self->window);
      break;
    case PROP_UNMATCHED_FRAMES:
      g_value_set_enum (value, self->unmatched);
      break;
    case PROP_DRIFT_TOLERANCE:
      g_value_set_uint64 (value, self->drift_tolerance);
      break;
    case PROP_QUALITY:
      g_value_set_enum (value, self->quality);
      break;
    case PROP_STRICT:
      g_value_set_boolean (value, self->strict);
      break;
    case PROP_MATCH_REGION:
      g_value_set_enum (value, self->match_region);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_LATENCY:
      g_value_set_uint64 (value, self->latency);
      break;
    case PROP_ALIGNMENT_LOCATION:
      g_value_set_string (value, self->alignment_location);
      break;
    case PROP_USE_ALIGNMENT:
      g_value_set_boolean (value, self->use_alignment);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vidkompy_align_finalize (GObject * object)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (object);

  render_state_clear (self);
  vk_align_result_clear (&self->result);
  vk_stream_render_free (self->streaming);
  gst_clear_event (&self->queued_seek);
  g_array_unref (self->bg.pts);
  g_array_unref (self->fg.pts);
  g_array_unref (self->bg.durations);
  g_array_unref (self->fg.durations);
  g_byte_array_unref (self->bg.low);
  g_byte_array_unref (self->fg.low);
  vk_identity_hasher_clear (&self->bg.hasher);
  vk_identity_hasher_clear (&self->fg.hasher);
  vk_retime_clear (&self->bg.retime);
  vk_retime_clear (&self->fg.retime);
  saved_reset (self);
  g_free (self->alignment_location);
  g_free (self->cache_dir);
  join_jobs (self);
  g_ptr_array_unref (self->jobs);
  g_mutex_clear (&self->saved_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  vk_link_check_clear (&self->link_check);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_vidkompy_align_class_init (GstVidkompyAlignClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstElementClass *element_class = (GstElementClass *) klass;

  GST_DEBUG_CATEGORY_INIT (gst_vidkompy_align_debug, "vidkompyalign", 0,
      "vidkompy spatial and temporal alignment");

  gobject_class->set_property = gst_vidkompy_align_set_property;
  gobject_class->get_property = gst_vidkompy_align_get_property;
  gobject_class->finalize = gst_vidkompy_align_finalize;

  vk_align_install_properties (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &bg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &fg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &bg_src_template);
  gst_element_class_add_static_pad_template (element_class, &fg_src_template);

  gst_element_class_set_static_metadata (element_class,
      "Vidkompy aligner", "Filter/Analyzer/Video",
      "Finds a foreground video in a background video and retimes the "
      "background onto the foreground, frame by frame",
      "gst-vidkompy developers");

  element_class->change_state = gst_vidkompy_align_change_state;

  gst_type_mark_as_plugin_api (gst_vidkompy_unmatched_frames_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_quality_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_match_region_get_type (), 0);
  gst_type_mark_as_plugin_api (gst_vidkompy_align_mode_get_type (), 0);
}

static void
stream_init (GstVidkompyAlign * self, Stream * s, const gchar * name,
    GstStaticPadTemplate * sink_templ, GstStaticPadTemplate * src_templ)
{
  s->name = name;
  s->sinkpad = gst_pad_new_from_static_template (sink_templ,
      sink_templ->name_template);
  gst_pad_set_chain_function (s->sinkpad, gst_vidkompy_align_chain);
  gst_pad_set_event_function (s->sinkpad, gst_vidkompy_align_sink_event);
  gst_pad_set_query_function (s->sinkpad, gst_vidkompy_align_sink_query);
  gst_element_add_pad (GST_ELEMENT (self), s->sinkpad);

  s->srcpad = gst_pad_new_from_static_template (src_templ,
      src_templ->name_template);
  gst_pad_set_event_function (s->srcpad, gst_vidkompy_align_src_event);
  gst_pad_set_query_function (s->srcpad, gst_vidkompy_align_src_query);
  gst_pad_use_fixed_caps (s->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), s->srcpad);

  s->pts = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  s->durations = g_array_new (FALSE, FALSE, sizeof (GstClockTime));
  s->low = g_byte_array_new ();
  vk_retime_init (&s->retime, TRUE);
  stream_reset (s);
}

static void
gst_vidkompy_align_init (GstVidkompyAlign * self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->saved_lock);
  g_cond_init (&self->cond);
  self->jobs = g_ptr_array_new ();
  vk_link_check_init (&self->link_check);

  self->x = DEFAULT_X;
  self->y = DEFAULT_Y;
  self->detect_position = DEFAULT_DETECT_POSITION;
  self->scale = DEFAULT_SCALE;
  self->unscaled = DEFAULT_UNSCALED;
  self->window = DEFAULT_WINDOW;
  self->unmatched = DEFAULT_UNMATCHED;
  self->drift_tolerance = DEFAULT_DRIFT_TOLERANCE;
  self->quality = DEFAULT_QUALITY;
  self->strict = DEFAULT_STRICT;
  self->mode = DEFAULT_MODE;
  self->latency = DEFAULT_LATENCY;
  self->use_alignment = DEFAULT_USE_ALIGNMENT;
  self->source = "analysis";
  /* until READY_TO_PAUSED: seeks are refused (one queued now would be
   * forgotten at the start) */
  self->phase = PHASE_DONE;

  stream_init (self, &self->bg, "background", &bg_sink_template,
      &bg_src_template);
  stream_init (self, &self->fg, "foreground", &fg_sink_template,
      &fg_src_template);
}
