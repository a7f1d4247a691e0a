/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode of vidkompyalign: every fg frame is output at most
 * `latency` after it arrived, holding only the frames of that window.
 *
 * - Until the position is known, every arriving frame keeps a
 *   low-resolution copy; every half second of fg the held frames are
 *   aligned with vk_alignment_compute () (the global mode's analysis on the
 *   frames at hand) and, when the fg is found, the position is refined on a
 *   full-resolution pair (vk_spatial_refine ()).
 * - Then every fg frame becomes a row of the online DP (vkonline.c) over
 *   the held bg frames, with the full-resolution descriptors of the
 *   global mode's final choice (vk_desc_compute ()) as the cost. A row is
 *   added once the bg has reached the frame the fg frame is expected at
 *   (or when its output is due); the oldest fg frame is committed and
 *   output when the newest fg frame is `latency` minus one frame younger
 *   (at EOS: all).
 * - Held bg frames before the DP's lowest possible choice are released;
 *   at most 2 · latency + 1 s of bg is held (older frames are dropped:
 *   that is how the bg is scanned forward while the fg is not found).
 *   With non-live inputs the bg waits for the fg when it is that far
 *   ahead; live inputs are never blocked.
 * - fg frames due before the position is known are output with the oldest
 *   held bg frame, cost 1 and confidence 0.
 * - Committed costs above LOST_COST for LOST_RUN fg frames post
 *   vidkompy-match-lost; as many below it afterwards post
 *   vidkompy-match-recovered.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

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

/* the element's category (same name: the same category) */
GST_DEBUG_CATEGORY_STATIC (vk_stream_debug);
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
  guint last_out_fg;

  /* match state */
  GstClockTime lag_warned;      /* the largest bg lag warned about, or 0 */
  GstClockTimeDiff content_off; /* bg running time − fg running time of
                                 * the same content (the search's line) */
  gboolean lost;
  guint bad_run, good_run, lost_from;
};

static void start_output (VkStreamRender * r, gint k);

static void
held_free (Held * h)
{
  gst_buffer_unref (h->buf);
  g_free (h->low);
  g_free (h->desc);
  g_free (h);
}

static gdouble
fps_of (const GstVideoInfo * info)
{
  if (GST_VIDEO_INFO_FPS_N (info) > 0 && GST_VIDEO_INFO_FPS_D (info) > 0)
    return (gdouble) GST_VIDEO_INFO_FPS_N (info) / GST_VIDEO_INFO_FPS_D (info);
  return 30.0;
}

VkStreamRender *
vk_stream_render_new (const VkStreamConfig * config)
{
  VkStreamRender *r = g_new0 (VkStreamRender, 1);

  GST_DEBUG_CATEGORY_INIT (vk_stream_debug, "vidkompyalign", 0,
      "vidkompy spatial and temporal alignment");
  r->cfg = *config;
  gst_object_ref (r->cfg.bg_src);
  gst_object_ref (r->cfg.fg_src);
  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  g_queue_init (&r->bg);
  g_queue_init (&r->fg);
  vk_retime_init (&r->retime, FALSE);
  r->last_fg_pts = GST_CLOCK_TIME_NONE;
  g_queue_init (&r->out[0]);
  g_queue_init (&r->out[1]);
  r->bg_fps = r->fg_fps = 30.0;
  r->pass_seg[0] = *config->bg_segment;
  r->pass_seg[1] = *config->fg_segment;
  r->seen_seg[0] = r->pass_seg[0].format == GST_FORMAT_TIME;
  r->seen_seg[1] = r->pass_seg[1].format == GST_FORMAT_TIME;
  r->seg_due = TRUE;
  start_output (r, 0);
  start_output (r, 1);
  return r;
}


/* the state of a pass of both inputs (see switch_pass ()) */
static void
clear_pass (VkStreamRender * r)
{
  g_queue_clear_full (&r->bg, (GDestroyNotify) held_free);
  g_queue_clear_full (&r->fg, (GDestroyNotify) held_free);
  g_clear_pointer (&r->dp, vk_online_free);
  r->generation++;
  r->scan = 0;
  r->n_bg = r->n_fg = 0;
  vk_retime_reset (&r->retime);
  r->last_fg_pts = GST_CLOCK_TIME_NONE;
  r->positioned = FALSE;
  r->refined_pairs = FALSE;
  r->good_decisions = 0;
  r->have_candidate = FALSE;
  r->next_search = 0;
  r->have_out = FALSE;
  r->lost = FALSE;
  r->lag_warned = 0;
  r->bad_run = r->good_run = 0;
  r->bg_eos = r->fg_eos = FALSE;
  r->live_checked = FALSE;
  r->next_pass[0] = r->next_pass[1] = FALSE;
  r->fresh[0] = r->fresh[1] = FALSE;
  r->seg_due = TRUE;
}

/* the whole state (a flush) */
static void
clear_state (VkStreamRender * r)
{
  clear_pass (r);
  g_queue_clear_full (&r->out[0], (GDestroyNotify) gst_mini_object_unref);
  g_queue_clear_full (&r->out[1], (GDestroyNotify) gst_mini_object_unref);
  r->refused_warned = r->unfound_warned = FALSE;
  r->bg_shift = 0;
  r->eos_due[0] = r->eos_due[1] = FALSE;
  r->eos_sent[0] = r->eos_sent[1] = FALSE;
  r->src_ready[0] = r->src_ready[1] = FALSE;
  r->out_flow[0] = r->out_flow[1] = GST_FLOW_OK;
}

void
vk_stream_render_free (VkStreamRender * r)
{
  if (r == NULL)
    return;
  vk_stream_render_stop (r);
  gst_pad_stop_task (r->cfg.bg_src);
  gst_pad_stop_task (r->cfg.fg_src);
  clear_state (r);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  gst_object_unref (r->cfg.bg_src);
  gst_object_unref (r->cfg.fg_src);
  gst_clear_object (&r->clock);
  vk_retime_clear (&r->retime);
  g_free (r);
}

/* Unblocks the streaming threads and the output tasks for good
 * (shutdown; may be called with the element's lock: it never blocks). */
void
vk_stream_render_stop (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  r->stopping = TRUE;
  r->out_flushing[0] = r->out_flushing[1] = TRUE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

/* ------------------------------------------------------------------------ */
/* Frames */

static GstClockTime
fg_frame_duration (VkStreamRender * r)
{
  return (GstClockTime) (GST_SECOND / r->fg_fps);
}

/* whether either input is live (asked once): live inputs are never
 * blocked */
static void
check_live (VkStreamRender * r)
{
  GstPad *pads[2] = { r->cfg.bg_sink, r->cfg.fg_sink };
  guint k;

  if (r->live_checked || GST_VIDEO_INFO_WIDTH (r->cfg.bg_info) == 0
      || GST_VIDEO_INFO_WIDTH (r->cfg.fg_info) == 0)
    return;
  r->live_checked = TRUE;
  r->t_start = g_get_monotonic_time ();
  r->bg_fps = fps_of (r->cfg.bg_info);
  r->fg_fps = fps_of (r->cfg.fg_info);
  vk_low_size (GST_VIDEO_INFO_WIDTH (r->cfg.bg_info),
      GST_VIDEO_INFO_HEIGHT (r->cfg.bg_info), &r->low_w[0], &r->low_h[0]);
  vk_low_size (GST_VIDEO_INFO_WIDTH (r->cfg.fg_info),
      GST_VIDEO_INFO_HEIGHT (r->cfg.fg_info), &r->low_w[1], &r->low_h[1]);
  for (k = 0; k < 2; k++) {
    GstQuery *q = gst_query_new_latency ();
    gboolean live = FALSE;

    if (gst_pad_peer_query (pads[k], q))
      gst_query_parse_latency (q, &live, NULL, NULL);
    gst_query_unref (q);
    r->live |= live;
  }
  GST_INFO_OBJECT (r->cfg.element, "streaming: bg %.3f fps, fg %.3f fps, "
      "latency %" GST_TIME_FORMAT ", %s inputs", r->bg_fps, r->fg_fps,
      GST_TIME_ARGS (r->cfg.latency), r->live ? "live" : "non-live");
}

/* a low-resolution copy of the luma, for the position search */
static guint8 *
low_copy (VkStreamRender * r, gboolean is_fg, GstBuffer * buf)
{
  guint8 *low = g_new (guint8, r->low_w[is_fg] * r->low_h[is_fg]);

  if (!vk_low_copy (is_fg ? r->cfg.fg_info : r->cfg.bg_info, buf,
          r->low_w[is_fg], r->low_h[is_fg], low))
    g_clear_pointer (&low, g_free);
  return low;
}

/* the descriptor of the compared region of a held frame (cached) */
static const gfloat *
held_desc (VkStreamRender * r, gboolean is_fg, Held * h)
{
  const GstVideoInfo *info = is_fg ? r->cfg.fg_info : r->cfg.bg_info;
  gdouble s = is_fg ? 1.0 : r->out_scale;
  gdouble x0 = is_fg ? 0 : r->out_x, y0 = is_fg ? 0 : r->out_y;
  GstVideoFrame f;

  if (h->desc)
    return h->desc;
  if (!gst_video_frame_map (&f, info, h->buf, GST_MAP_READ))
    return NULL;
  h->desc = vk_desc_compute (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), GST_VIDEO_FRAME_WIDTH (&f),
      GST_VIDEO_FRAME_HEIGHT (&f), x0 + r->valid_x * s, y0 + r->valid_y * s,
      r->valid_w * s, r->valid_h * s, r->desc_w, r->desc_h);
  gst_video_frame_unmap (&f);
  h->flat = vk_desc_similarity (h->desc, h->desc, r->desc_w * r->desc_h)
      < 0.5;
  return h->desc;
}

/* the held frame with index @index, or NULL */
static Held *
find_held (GQueue * q, guint index)
{
  Held *first = g_queue_peek_head (q);

  if (first == NULL || index < first->index)
    return NULL;
  return g_queue_peek_nth (q, index - first->index);
}

/* 1 − NCC of the descriptors of fg frame @fg and bg frame @bg */
static gfloat
raw_cost (VkStreamRender * r, guint fg, guint bg)
{
  Held *f = find_held (&r->fg, fg), *b = find_held (&r->bg, bg);
  const gfloat *fd, *bd;

  if (f == NULL || b == NULL)
    return 2.0f;
  fd = held_desc (r, TRUE, f);
  bd = held_desc (r, FALSE, b);
  if (fd == NULL || bd == NULL)
    return 2.0f;
  /* flat regions (no texture) are equal to each other only */
  if (f->flat || b->flat)
    return f->flat && b->flat ? 0.0f : 1.0f;
  return (gfloat) (1.0 - vk_desc_similarity (fd, bd, r->desc_w * r->desc_h));
}

static gfloat
dp_cost (guint row, guint bg, gpointer user_data)
{
  VkStreamRender *r = user_data;

  /* costs of unrelated content are all alike: where the fg is not in the
   * bg the path has no preference, and does not pull earlier rows */
  return MIN (raw_cost (r, r->dp_first + row, bg), CAP_COST) / r->cost_scale;
}

/* ------------------------------------------------------------------------ */
/* Position */

/* contiguous low-resolution frames of a queue */
static guint8 *
summary_of_queue (VkStreamRender * r, gboolean is_fg, VkStreamSummary * s)
{
  GQueue *q = is_fg ? &r->fg : &r->bg;
  const GstVideoInfo *info = is_fg ? r->cfg.fg_info : r->cfg.bg_info;
  gsize n = (gsize) r->low_w[is_fg] * r->low_h[is_fg];
  guint8 *data = g_malloc0 (MAX (1, n * q->length));
  guint k = 0;
  GList *l;

  for (l = q->head; l; l = l->next) {
    Held *h = l->data;

    /* frames that came before the other input's caps */
    if (h->low == NULL)
      h->low = low_copy (r, is_fg, h->buf);
    if (h->low)
      memcpy (data + n * k, h->low, n);
    k++;
  }
  s->width = GST_VIDEO_INFO_WIDTH (info);
  s->height = GST_VIDEO_INFO_HEIGHT (info);
  s->low_width = r->low_w[is_fg];
  s->low_height = r->low_h[is_fg];
  s->fps = is_fg ? r->fg_fps : r->bg_fps;
  s->n_frames = q->length;
  s->low = data;
  return data;
}

/* the position on full resolution (vk_refine_pairs ()) */
static gboolean
refine_full (VkStreamRender * r, const VkAlignResult * res,
    GstBuffer * fgbuf, GstBuffer ** bgbufs, guint n_bg, gdouble fixed_scale,
    VkPlacementEstimate * best)
{
  return vk_refine_pairs (r->cfg.fg_info, fgbuf, r->cfg.bg_info, bgbufs, n_bg,
      res, r->cfg.opts.prefer_unscaled, fixed_scale,
      2.0 * GST_VIDEO_INFO_WIDTH (r->cfg.bg_info) / r->low_w[0] + 2.0, best);
}

/* the typical raw-cost difference between a frame's match and its
 * neighbours: the unit of the DP's costs, as in the global mode */
static gdouble
estimate_cost_scale (VkStreamRender * r, const VkAlignResult * res,
    guint fg0, guint bg0)
{
  gfloat *gaps = g_new (gfloat, res->n_fg);
  guint k, n = 0;
  gdouble s;

  for (k = 0; k < res->n_fg; k++) {
    guint m = bg0 + res->map[k];

    if (res->map[k] > 0 && find_held (&r->bg, m + 1))
      gaps[n++] = MIN (raw_cost (r, fg0 + k, m - 1), raw_cost (r, fg0 + k,
              m + 1)) - raw_cost (r, fg0 + k, m);
  }
  s = vk_stream_cost_unit (gaps, n);
  g_free (gaps);
  return s;
}

static void
free_low_copies (GQueue * q)
{
  GList *l;

  for (l = q->head; l; l = l->next)
    g_clear_pointer (&((Held *) l->data)->low, g_free);
}

/* a search for the position (on the element's worker with live inputs) */
typedef struct
{
  VkStreamRender *r;
  VkStreamSummary bg, fg;
  guint8 *bgd, *fgd;
  guint fg0, bg0;
  guint generation;
  gint64 start;                 /* when the search began */
  gdouble refine_time;          /* seconds refining its placement */
} SearchJob;

/* The vidkompy-alignment message of the placement taken (the same fields
 * as in the global mode: vkalignmsg.c): the line through the search's
 * frames, the frames of the search, the time spent. */
static void
post_alignment (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res)
{
  VkAlignResult line = *res;
  VkAlignMsg m = { 0 };
  gint64 now = g_get_monotonic_time ();

  line.offset = r->offset;
  line.rate = r->rate;
  m.mode = "streaming";
  m.stage = "final";
  m.source = "analysis";
  m.analysed = 100.0;
  m.x = r->out_x;
  m.y = r->out_y;
  m.scale = r->out_scale;
  m.spatial_confidence = r->spatial_conf;
  m.confidence = res->confidence;
  m.bg_fps = r->bg_fps;
  m.fg_fps = r->fg_fps;
  m.n_fg = res->n_fg;
  m.n_bg = r->bg.length;
  m.analysis_time = MAX (0, job->start - r->t_start) / 1e6;
  m.refine_time = job->refine_time;
  m.alignment_time = MAX (0.0, (now - job->start) / 1e6 - m.refine_time);
  m.retimed = r->retime.n_retimed;
  vk_align_msg_post (r->cfg.element, &line, &m);
}

/* The (absolute) bg frame that the line of @job's search @res gives fg
 * frame @fg: through the middle of the search's frames at the nominal rate
 * (see apply_position ()). */
static gdouble
search_line_at (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res, gdouble fg)
{
  gdouble mid = job->fg.n_frames / 2.0;

  return job->bg0 + res->offset + res->rate * mid +
      r->bg_fps / r->fg_fps * (fg - (job->fg0 + mid));
}

/* Takes the search's result (called with the lock). */
static void
apply_position (VkStreamRender * r, SearchJob * job, VkAlignResult * res,
    const VkPlacementEstimate * refined)
{
  VkOnlineParams p;
  guint fg0 = MAX (job->fg0, ((Held *) g_queue_peek_head (&r->fg))->index);

  r->positioned = TRUE;
  r->matched_since_found = 0;
  r->out_x = (gint) floor (res->x + 0.5);
  r->out_y = (gint) floor (res->y + 0.5);
  r->out_scale = res->scale;
  r->spatial_conf = CLAMP (res->spatial_score, 0.0, 1.0);
  if (refined) {
    r->out_x = (gint) floor (refined->x + 0.5);
    r->out_y = (gint) floor (refined->y + 0.5);
    r->out_scale = refined->scale;
    r->spatial_conf = CLAMP (refined->score, 0.0, 1.0);
  }
  r->valid_x = res->valid_x;
  r->valid_y = res->valid_y;
  r->valid_w = res->valid_w;
  r->valid_h = res->valid_h;
  vk_desc_size (r->valid_w, r->valid_h, &r->desc_w, &r->desc_h);

  /* a line fitted on a second or two of frames: its rate is not to be
   * trusted (0.47 for 1.0 seen), so the nominal one through its middle;
   * the DP follows speed changes by itself */
  r->rate = r->bg_fps / r->fg_fps;
  r->offset = search_line_at (r, job, res, 0.0);
  r->cost_scale = estimate_cost_scale (r, res, job->fg0, job->bg0);
  {
    /* the newest fg frame's content may not be in the bg yet (it lags) */
    Held *f = g_queue_peek_tail (&r->fg), *b = g_queue_peek_tail (&r->bg);

    r->content_off = vk_stream_content_offset (f->rt, b->rt, b->index,
        search_line_at (r, job, res, f->index), r->bg_fps);
  }

  /* the DP starts with the oldest fg frame still held (frames output
   * meanwhile went unmatched) */
  vk_online_params_init (&p, r->rate);
  p.smoothness = SMOOTHNESS;
  p.restart = RESTART_RAW / r->cost_scale;
  p.offset = r->offset + r->rate * fg0;
  r->dp = vk_online_new (&p);
  r->dp_first = fg0;
  r->dp_rows = 0;

  GST_INFO_OBJECT (r->cfg.element, "streaming: fg at %d,%d scale %.4f "
      "(confidence %.3f), bg frame = %.2f + %.4f * fg frame, cost unit %.4f",
      r->out_x, r->out_y, r->out_scale, r->spatial_conf, r->offset, r->rate,
      r->cost_scale);
  post_alignment (r, job, res);
  free_low_copies (&r->bg);
  free_low_copies (&r->fg);
}

/* Whether a search's placement is taken (vk_stream_search_verdict ()),
 * on its @spatial score (the lower of the search's and the refined one);
 * a placement that passes the thresholds but is not taken is the next
 * searches' candidate. Before the refinement (@final unset) only the
 * thresholds. Called with the lock. */
static gboolean
taken (VkStreamRender * r, const SearchJob * job, const VkAlignResult * res,
    gdouble match, gdouble spatial, gboolean final)
{
  VkStreamSearch se;
  VkStreamVerdict v;

  se.cand.x = res->x;
  se.cand.y = res->y;
  se.cand.scale = res->scale;
  se.cand.fg_first = job->fg0;
  se.cand.fg_mid = job->fg0 + job->fg.n_frames / 2.0;
  se.cand.bg_at_mid = search_line_at (r, job, res, se.cand.fg_mid);
  se.spatial = spatial;
  se.match = match;
  se.bg_at_prev_mid = search_line_at (r, job, res, r->cand.fg_mid);
  se.bg_per_fg = r->bg_fps / r->fg_fps;
  se.sure_region = r->cfg.opts.fixed_position
      || r->cfg.opts.match_region == VK_MATCH_REGION_FULL;
  se.live = r->live;
  if (!final)
    return vk_stream_search_verdict (&se, NULL) != VK_STREAM_NO_MATCH;
  v = vk_stream_search_verdict (&se, r->have_candidate ? &r->cand : NULL);
  if (v == VK_STREAM_UNCONFIRMED) {
    r->have_candidate = TRUE;
    r->cand = se.cand;
  }
  if (v == VK_STREAM_UNCONFIRMED || v == VK_STREAM_PENDING)
    GST_DEBUG_OBJECT (r->cfg.element, "to be confirmed by a search on "
        "other fg frames");
  return v == VK_STREAM_TAKEN;
}

/* Whether the taken placement (@spatial: refined) is committed: the
 * global mode's verdict (vk_found ()) on the search's fg frames; else the
 * fg stays not found, and a warning (once) says why. Without the lock. */
static gboolean
committed (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res, gdouble match, gdouble spatial)
{
  gdouble motion = vk_fg_motion (&job->fg, res->valid_x, res->valid_y,
      res->valid_w, res->valid_h);
  VkFoundVerdict v = vk_found (match, spatial, motion);
  gchar *why;

  if (v == VK_FOUND_YES || r->cfg.opts.fixed_position)
    return TRUE;
  why = vk_found_reason (v, match, spatial, motion);
  GST_INFO_OBJECT (r->cfg.element, "placement %.0f,%.0f scale %.4f not "
      "committed: %s", res->x, res->y, res->scale, why);
  g_mutex_lock (&r->lock);
  if (!r->refused_warned)
    vk_stream_warn_refused (r->cfg.element, res->x, res->y, res->scale, match,
        spatial, why);
  r->refused_warned = TRUE;
  g_mutex_unlock (&r->lock);
  g_free (why);
  return FALSE;
}

static void
search (GstElement * element, gpointer data)
{
  SearchJob *job = data;
  VkStreamRender *r = job->r;
  VkAlignResult res = { 0 };
  VkPlacementEstimate refined;
  GstBuffer *fgbuf = NULL, *bgbufs[5];
  guint n_bg = 0, k, best_k = G_MAXUINT;
  gboolean ok, have_refined = FALSE;
  gdouble all = 0.0, spatial;
  GError *err = NULL;
  gint64 start = g_get_monotonic_time ();

  job->start = start;
  ok = vk_alignment_compute (&job->bg, &job->fg, &r->cfg.opts, &res, &err);
  if (!ok) {
    GST_DEBUG_OBJECT (r->cfg.element, "fg not found yet: %s", err->message);
    g_clear_error (&err);
  } else {
    GST_DEBUG_OBJECT (r->cfg.element, "search on %u fg x %u bg frames: "
        "%.1f,%.1f scale %.4f score %.3f, bg = %.2f + %.3f * fg, confidence "
        "%.3f (fg frames %u to %u shown)", job->fg.n_frames, job->bg.n_frames,
        res.x, res.y, res.scale, res.spatial_score, res.offset, res.rate,
        res.confidence, res.covered_start, res.covered_end);
    /* the match of all the held fg frames, not only of those the held bg
     * shows (res.confidence): a search waits until the bg window holds
     * most of the fg's content */
    all = vk_align_match (&res, 0, res.n_fg);
  }

  g_mutex_lock (&r->lock);
  ok = ok && taken (r, job, &res, all, res.spatial_score, FALSE);
  if (ok && !r->cfg.opts.fixed_position
      && r->cfg.opts.match_region != VK_MATCH_REGION_FULL) {
    /* the held pair that matched best (the search's fg frames may have
     * left meanwhile), and the bg frames around its match */
    for (k = 0; k < res.n_fg; k++)
      if (find_held (&r->fg, job->fg0 + k) && (best_k == G_MAXUINT
              || res.cost[k] < res.cost[best_k]))
        best_k = k;
    if (best_k != G_MAXUINT)
      fgbuf = gst_buffer_ref (find_held (&r->fg, job->fg0 + best_k)->buf);
    for (k = 0; k < 5 && fgbuf; k++) {
      guint m = res.map[best_k] + k - MIN (2, res.map[best_k]);
      Held *b = find_held (&r->bg, job->bg0 + m);

      if (b)
        bgbufs[n_bg++] = gst_buffer_ref (b->buf);
    }
  }
  g_mutex_unlock (&r->lock);
  if (fgbuf) {
    gint64 t0 = g_get_monotonic_time ();

    have_refined = refine_full (r, &res, fgbuf, bgbufs, n_bg, 0, &refined);
    job->refine_time = (g_get_monotonic_time () - t0) / 1e6;
    gst_buffer_unref (fgbuf);
    for (k = 0; k < n_bg; k++)
      gst_buffer_unref (bgbufs[k]);
  }
  spatial = have_refined ? MIN (refined.score, res.spatial_score) :
      res.spatial_score;
  g_mutex_lock (&r->lock);
  ok = ok && taken (r, job, &res, all, spatial, TRUE);
  g_mutex_unlock (&r->lock);
  ok = ok && committed (r, job, &res, all, have_refined ? refined.score :
      res.spatial_score);

  g_mutex_lock (&r->lock);
  if (ok && job->generation == r->generation && !r->positioned
      && !r->stopping && r->fg.length > 0)
    apply_position (r, job, &res, have_refined ? &refined : NULL);
  else if (!ok && job->generation == r->generation && !r->live)
    r->scan += (2 * r->cfg.latency + EXTRA_HOLD) / 4;
  r->searching = FALSE;
  /* live: the next one after a pause (in fg frames: the time passes with
   * them) */
  if (r->live)
    r->next_search = MAX (r->next_search, r->n_fg + (guint) ceil (r->fg_fps *
            vk_stream_search_pause (g_get_monotonic_time () - start) /
            G_USEC_PER_SEC));
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  if (res.map)
    vk_align_result_clear (&res);
  g_free (job->bgd);
  g_free (job->fgd);
  g_free (job);
}

/* Starts a search for the fg in the held bg frames when one is due, on the
 * element's worker with live inputs (called with the lock, which it may
 * release meanwhile). */
static void
try_position (VkStreamRender * r)
{
  SearchJob *job;

  if (r->positioned || r->searching || !r->live_checked
      || r->n_fg < r->next_search || r->fg.length < 2 || r->bg.length < 2)
    return;
  /* the first search once a few frames show motion */
  if (r->next_search == 0) {
    r->next_search = MAX (2, (guint) (r->fg_fps * MIN (SEARCH_EVERY_S,
                0.75 * r->cfg.latency / GST_SECOND)));
    if (r->n_fg < r->next_search)
      return;
  }
  r->next_search = r->n_fg + MAX (1, (guint) (SEARCH_EVERY_S * r->fg_fps));

  job = g_new0 (SearchJob, 1);
  job->r = r;
  job->fg0 = ((Held *) g_queue_peek_head (&r->fg))->index;
  job->bg0 = ((Held *) g_queue_peek_head (&r->bg))->index;
  job->bgd = summary_of_queue (r, FALSE, &job->bg);
  job->fgd = summary_of_queue (r, TRUE, &job->fg);
  job->generation = r->generation;
  r->searching = TRUE;
  if (!r->live) {
    /* non-live inputs wait for each other anyway: the search in this
     * thread, so that its outcome does not depend on thread timing */
    g_mutex_unlock (&r->lock);
    search (r->cfg.element, job);
    g_mutex_lock (&r->lock);
    return;
  }
  /* (live: on the element's worker, not to hold frames meanwhile) */
  r->cfg.run_job (r->cfg.element, "vk-search", search, job);
}

/* ------------------------------------------------------------------------ */
/* Decisions */

/* lost / recovered bookkeeping for a committed frame */
static void
track_match (VkStreamRender * r, const Held * f, guint bg, gfloat cost)
{
  guint run = MAX (3, (guint) ceil (LOST_RUN_S * r->fg_fps));

  /* a flat fg frame tells nothing */
  if (f->flat)
    return;
  if (cost > LOST_COST) {
    r->good_run = 0;
    if (r->bad_run++ == 0 && !r->lost)
      r->lost_from = f->index;
    if (!r->lost && r->bad_run >= run) {
      r->lost = TRUE;
      vk_stream_post_match (r->cfg.element, TRUE, f->index, f->pts, bg, cost,
          0);
    }
  } else {
    r->bad_run = 0;
    if (r->lost && ++r->good_run >= run) {
      r->lost = FALSE;
      vk_stream_post_match (r->cfg.element, FALSE, f->index, f->pts, bg,
          cost, f->index - r->lost_from);
    }
  }
}

static void add_meta (VkStreamRender * r, GstBuffer * buf, const OutInfo * o);

/* The fg's segment of the pass, on both outputs before the pass's first
 * output (the bg's outputs are on the fg's timeline). Called with the
 * lock. */
static void
queue_segment (VkStreamRender * r)
{
  if (!r->seg_due)
    return;
  r->seg_due = FALSE;
  g_queue_push_tail (&r->out[0], gst_event_new_segment (&r->pass_seg[1]));
  g_queue_push_tail (&r->out[1], gst_event_new_segment (&r->pass_seg[1]));
}

/* Queues the outputs of the oldest held fg frame with bg frame @bg (or the
 * nearest held one after it). Called with the lock. */
static void
emit (VkStreamRender * r, guint bg, gfloat cost)
{
  Held *f = g_queue_pop_head (&r->fg), *b = NULL;
  GstBuffer *fgbuf, *bgbuf;
  GstClockTime dur;
  OutInfo o;
  GList *l;

  if (r->have_out)
    bg = MAX (bg, r->last_out_bg);
  for (l = r->bg.head; l; l = l->next) {
    b = l->data;
    if (b->index >= bg)
      break;
  }
  o.fg_index = f->index;
  o.bg_index = b ? b->index : 0;
  o.bg_pts = b ? b->pts : GST_CLOCK_TIME_NONE;
  o.cost = cost;

  queue_segment (r);
  fgbuf = gst_buffer_make_writable (gst_buffer_ref (f->buf));
  GST_BUFFER_PTS (fgbuf) = f->pts;      /* (retimed) */
  dur = GST_BUFFER_DURATION_IS_VALID (fgbuf) ? GST_BUFFER_DURATION (fgbuf) :
      fg_frame_duration (r);
  add_meta (r, fgbuf, &o);
  g_queue_push_tail (&r->out[1], fgbuf);
  if (b) {
    /* a new buffer sharing the bg frame's memory, on the fg's timeline */
    bgbuf = gst_buffer_copy (b->buf);
    GST_BUFFER_PTS (bgbuf) = f->pts;
    GST_BUFFER_DTS (bgbuf) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (bgbuf) = dur;
    add_meta (r, bgbuf, &o);
    g_queue_push_tail (&r->out[0], bgbuf);
    r->have_out = TRUE;
    r->last_out_bg = b->index;
  } else {
    /* no bg frame at all yet */
    g_queue_push_tail (&r->out[0], gst_event_new_gap (f->pts, dur));
  }
  r->last_out_fg = f->index;
  held_free (f);

  /* bg frames before it are never shown again */
  while ((b = g_queue_peek_head (&r->bg)) && b->index < r->last_out_bg)
    held_free (g_queue_pop_head (&r->bg));
}

/* the bg index fg frame @i is expected at */
static gdouble
expected_bg (VkStreamRender * r, guint i)
{
  guint best;

  /* the newest DP row's best cell: the freshest estimate (the fg may run
   * faster or slower than the nominal rate), unless the match is lost */
  if (r->dp && r->dp_rows > 0 && !r->lost && r->bad_run == 0
      && vk_online_newest_best (r->dp, &best))
    return best + r->rate * ((gdouble) i - (r->dp_first + r->dp_rows - 1));
  if (r->have_out && r->positioned && r->last_out_fg >= r->dp_first)
    return r->last_out_bg + r->rate * ((gdouble) i - r->last_out_fg);
  return r->offset + r->rate * i;
}

/* The lowest bg frame a coming decision may pick: none before the DP's
 * band or the last frame output. */
static guint
lowest_pick (VkStreamRender * r)
{
  guint lo = r->dp ? vk_online_min_bg (r->dp) : 0;

  return r->have_out ? MAX (lo, r->last_out_bg) : lo;
}

/* Adds DP rows for the held fg frames whose bg has arrived; with @force
 * at least up to fg frame @upto. */
static void
add_rows (VkStreamRender * r, gboolean force, guint upto)
{
  Held *last = g_queue_peek_tail (&r->bg), *first = g_queue_peek_head (&r->bg);
  guint margin = (guint) ceil (4 * r->rate) + 2;

  if (r->dp == NULL || last == NULL)
    return;
  for (;;) {
    guint i = r->dp_first + r->dp_rows, lo;
    Held *f = find_held (&r->fg, i);

    if (f == NULL)
      break;
    /* the bg has reached the frame expected, and the fg frame's time */
    if (!(force && i <= upto) && !r->bg_eos
        && (last->index < expected_bg (r, i) + margin
            || last->rt < f->rt + 2 * GST_SECOND / r->bg_fps))
      break;
    lo = MIN (MAX (first->index, lowest_pick (r)), last->index);
    if (!vk_online_push_row (r->dp, lo, last->index, dp_cost, r))
      break;
    r->dp_rows++;
  }
}

/* The search's frame pairs come from a line fitted on a second or two of
 * frames and may be a frame or two apart in time, which a moving picture
 * turns into a shift: once the DP has decided REFINE_AFTER frames that
 * match well, the position is refined once more on such a pair (as the
 * global mode refines on the pairs of its dense alignment). Called with
 * the lock. */
static void
refine_on_decision (VkStreamRender * r, Held * f, guint bg, gfloat raw)
{
  VkAlignResult guess;
  VkPlacementEstimate out;
  GstBuffer *bgbufs[5];
  guint n = 0, k;
  GList *l;

  if (r->refined_pairs || r->cfg.opts.fixed_position
      || r->cfg.opts.match_region == VK_MATCH_REGION_FULL
      || raw > REFINE_COST || ++r->good_decisions < REFINE_AFTER)
    return;
  /* the decided bg frame and its neighbours: the pair of the same moment
   * correlates best */
  for (k = 0; k < 5; k++) {
    Held *b = bg + k >= 2 ? find_held (&r->bg, bg + k - 2) : NULL;

    if (b)
      bgbufs[n++] = b->buf;
  }
  r->refined_pairs = TRUE;
  memset (&guess, 0, sizeof (guess));
  guess.x = r->out_x;
  guess.y = r->out_y;
  guess.scale = r->out_scale;
  guess.spatial_score = r->spatial_conf;
  guess.valid_x = r->valid_x;
  guess.valid_y = r->valid_y;
  guess.valid_w = r->valid_w;
  guess.valid_h = r->valid_h;
  if (n == 0 || !refine_full (r, &guess, f->buf, bgbufs, n, 0, &out))
    return;
  /* a scale a few percent off 1.0 is often a crop mistaken for a zoom, and
   * the refinement only looks ±3 % around it: try 1.0 itself (as the
   * global mode does) */
  if (r->cfg.opts.prefer_unscaled && out.scale != 1.0
      && fabs (out.scale - 1.0) < 0.1) {
    VkPlacementEstimate one;
    VkSpatialParams sp;

    vk_spatial_params_init (&sp);
    if (refine_full (r, &guess, f->buf, bgbufs, n, 1.0, &one)
        && one.score >= out.score - sp.unscaled_epsilon)
      out = one;
  }
  if (out.score < r->spatial_conf)
    return;
  r->out_x = (gint) floor (out.x + 0.5);
  r->out_y = (gint) floor (out.y + 0.5);
  r->out_scale = out.scale;
  r->spatial_conf = CLAMP (out.score, 0.0, 1.0);
  GST_INFO_OBJECT (r->cfg.element, "position refined on fg frame %u and bg "
      "frame %u: %d,%d scale %.4f (score %.4f)", f->index, bg, r->out_x,
      r->out_y, r->out_scale, out.score);
  /* the bg descriptors were taken at the old position, and the DP's
   * pending costs with them */
  for (l = r->bg.head; l; l = l->next)
    g_clear_pointer (&((Held *) l->data)->desc, g_free);
  vk_online_recost (r->dp, dp_cost, r);
}

/* Forgets a position that never matched (called with the lock) */
static void
unposition (VkStreamRender * r)
{
  GST_INFO_OBJECT (r->cfg.element, "the fg at %d,%d scale %.4f never "
      "matched: searching again", r->out_x, r->out_y, r->out_scale);
  g_clear_pointer (&r->dp, vk_online_free);
  r->positioned = FALSE;
  r->refined_pairs = FALSE;
  r->good_decisions = 0;
  r->lost = FALSE;
  r->bad_run = r->good_run = 0;
  r->next_search = r->n_fg;
}

/* the longer frame duration of both inputs */
static GstClockTime
frame_time (VkStreamRender * r)
{
  return MAX (fg_frame_duration (r), (GstClockTime) (GST_SECOND / r->bg_fps));
}

/* What a fg frame's decision leaves of the latency: the bg output goes out
 * with the next bg frame (a frame of each), and some time for the
 * processing itself */
static GstClockTime
decision_margin (VkStreamRender * r)
{
  return frame_time (r) + MIN (100 * GST_MSECOND, r->cfg.latency / 10);
}

/* Live inputs: when fg frame @f is due, how long after it its bg frame
 * comes: the content's offset (the bg shows the fg's content that much
 * later, from the search's line) plus how far the bg stream is behind the
 * fg's (both run in real time: the newest frames' running times). Beyond
 * what the latency lets the aligner wait (with the DP's margin and the
 * decision's), frames are matched before their bg frame arrives: says so,
 * with the lag and the latency needed, and again each time the lag has
 * grown by LAG_STEP (a bg that stalls is seen at first only as far behind
 * as it has stalled so far). Called with the lock. */
static void
check_lag (VkStreamRender * r, const Held * f)
{
  Held *last = g_queue_peek_tail (&r->bg), *newest = g_queue_peek_tail (&r->fg);
  GstClockTimeDiff lag;
  GstClockTime needed;

  if (!r->live || r->bg_eos || last == NULL)
    return;
  lag = r->content_off + MAX (GST_CLOCK_DIFF (last->rt, newest->rt), 0);
  needed = vk_stream_latency_needed (lag, r->rate, r->bg_fps,
      decision_margin (r));
  if (!vk_stream_lag_due (lag, needed, r->cfg.latency, r->lag_warned))
    return;
  r->lag_warned = lag;
  vk_stream_warn_lag (r->cfg.element, lag, r->cfg.latency, needed, f->index,
      r->content_off, newest->rt, last->rt);
}

/* Outputs the oldest fg frame (its time is up). Called with the lock. */
static void
decide_oldest (VkStreamRender * r)
{
  Held *f = g_queue_peek_head (&r->fg), *b;
  VkOnlineDecision d;

  if (r->dp && f->index >= r->dp_first) {
    check_lag (r, f);
    add_rows (r, TRUE, f->index);
    if (r->dp_first + r->dp_rows > f->index
        && vk_online_n_rows (r->dp) - vk_online_n_pending (r->dp) ==
        f->index - r->dp_first && vk_online_commit (r->dp, &d)) {
      gfloat raw = raw_cost (r, f->index, d.bg);

      GST_LOG_OBJECT (r->cfg.element, "fg frame %u <- bg frame %u, cost "
          "%.4f%s", f->index, d.bg, raw, d.restarted ? " (restart)" : "");
      refine_on_decision (r, f, d.bg, raw);
      track_match (r, f, d.bg, raw);
      if (raw <= LOST_COST)
        r->matched_since_found++;
      emit (r, d.bg, raw);
      /* lost before it ever matched: the search was wrong, search again */
      if (r->lost && r->matched_since_found == 0)
        unposition (r);
      return;
    }
  }
  /* not found yet: the oldest held bg frame, unmatched; once the fg has
   * been searched for as long as the bg window, a warning (once) */
  if (!r->positioned && !r->unfound_warned && f->index + 1 >= r->fg_fps *
      (2 * r->cfg.latency + EXTRA_HOLD) / GST_SECOND) {
    r->unfound_warned = TRUE;
    vk_stream_warn_not_found (r->cfg.element, (GstClockTime) ((f->index + 1)
            * GST_SECOND / r->fg_fps), r->cfg.latency);
  }
  b = g_queue_peek_head (&r->bg);
  GST_LOG_OBJECT (r->cfg.element, "fg frame %u unmatched (bg frame %d)",
      f->index, b ? (gint) b->index : -1);
  emit (r, b ? b->index : 0, 1.0f);
}

/* Waits a while for the running search when fg frame @f can still wait by
 * the element's clock: until its arrival plus the latency less a frame
 * (its bg output leaves with the next bg frame; a test clock that does not
 * move: until the search ends); FALSE when its time is up. Called with the
 * lock. */
static gboolean
wait_search (VkStreamRender * r, const Held * f)
{
  GstClockTimeDiff left = G_MAXINT64;

  if (r->clock && GST_CLOCK_TIME_IS_VALID (f->arrival))
    left = vk_stream_time_left (f->arrival, gst_clock_get_time (r->clock) -
        r->base_time, r->cfg.latency, frame_time (r));
  if (left <= 0)
    return FALSE;
  g_cond_wait_until (&r->cond, &r->lock, g_get_monotonic_time () +
      MIN (left / GST_USECOND, 20000));
  return TRUE;
}

/* Decides every fg frame that is due: older than the latency minus one
 * frame relative to the newest fg frame, or all at the fg's end. */
static void
process (VkStreamRender * r)
{
  GstClockTime margin = decision_margin (r);
  GstClockTime budget = r->cfg.latency > margin ? r->cfg.latency - margin : 0;
  Held *newest, *oldest;
  guint max_held = (guint) (r->fg_fps * budget / GST_SECOND) + 2;

  try_position (r);
  add_rows (r, FALSE, 0);
  while ((oldest = g_queue_peek_head (&r->fg))) {
    GstClockTime now;

    /* the time now: the newest frame's; live inputs are both clocks (the
     * bg tells the time when the fg stalls or has ended) */
    newest = g_queue_peek_tail (&r->fg);
    now = newest->rt;
    if (r->live && (newest = g_queue_peek_tail (&r->bg)))
      now = MAX (now, newest->rt);
    if (!r->fg_eos && now < oldest->rt + budget && r->fg.length <= max_held)
      break;
    /* a frame is due while a search runs (on the element's worker, so that
     * both inputs keep flowing meanwhile): its result first, as long as
     * the frame can wait (by the clock) */
    if (r->searching && !r->stopping && !r->flushing && wait_search (r, oldest)) {
      add_rows (r, FALSE, 0);
      continue;
    }
    decide_oldest (r);
  }
}

/* the most bg frames held */
static guint
bg_cap (VkStreamRender * r)
{
  return (guint) ceil (r->bg_fps * (2 * r->cfg.latency + EXTRA_HOLD) /
      GST_SECOND) + 4;
}

/* drops held bg frames beyond the window (the oldest first) */
static void
trim_bg (VkStreamRender * r)
{
  guint cap = bg_cap (r);
  Held *b;

  while (r->bg.length > cap) {
    b = g_queue_pop_head (&r->bg);
    GST_LOG_OBJECT (r->cfg.element, "bg frame %u leaves the window", b->index);
    held_free (b);
  }
}

/* ------------------------------------------------------------------------ */
/* Output */

static void
add_meta (VkStreamRender * r, GstBuffer * buf, const OutInfo * o)
{
  GstVidkompyAlignmentMeta *m = gst_buffer_add_vidkompy_alignment_meta (buf);

  m->fg_index = o->fg_index;
  m->bg_index = o->bg_index;
  m->bg_pts = o->bg_pts;
  m->cost = o->cost;
  m->confidence = CLAMP (1.0 - o->cost, 0.0, 1.0);
  /* a placement forgotten (it never matched) is not the frame's */
  m->x = r->positioned ? r->out_x : 0;
  m->y = r->positioned ? r->out_y : 0;
  m->scale = r->positioned ? r->out_scale : 1.0;
  m->spatial_confidence = r->positioned ? r->spatial_conf : 0.0;
}

/* stream-start and caps (the fg's frame rate: one buffer per fg frame);
 * the segment is queued (queue_segment ()) */
static void
send_headers (VkStreamRender * r, gint k)
{
  GstPad *src = k ? r->cfg.fg_src : r->cfg.bg_src;
  GstPad *sink = k ? r->cfg.fg_sink : r->cfg.bg_sink;
  GstCaps *caps = gst_video_info_to_caps (k ? r->cfg.fg_info : r->cfg.bg_info);

  gst_pad_push_event (src, vk_stream_start_event (sink, src));
  gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION,
      GST_VIDEO_INFO_FPS_N (r->cfg.fg_info),
      GST_VIDEO_INFO_FPS_D (r->cfg.fg_info), NULL);
  gst_pad_push_event (src, gst_event_new_caps (caps));
  gst_caps_unref (caps);
}

/* The task of output @k ([0] bg, [1] fg): pushes what is queued for it,
 * the headers first, then EOS once due. It pauses when the output flushes
 * or stops, and when downstream refuses a buffer (the flow is returned to
 * the input, which stops). */
static void
out_loop (VkStreamRender * r, gint k)
{
  GstPad *src = k ? r->cfg.fg_src : r->cfg.bg_src;
  GstMiniObject *o;
  gboolean headers, eos = FALSE;
  GstFlowReturn fr = GST_FLOW_OK;

  g_mutex_lock (&r->lock);
  while (!r->out_flushing[k] && g_queue_is_empty (&r->out[k])
      && !(r->eos_due[k] && !r->eos_sent[k]))
    g_cond_wait (&r->cond, &r->lock);
  if (r->out_flushing[k]) {
    g_mutex_unlock (&r->lock);
    gst_pad_pause_task (src);
    return;
  }
  o = g_queue_pop_head (&r->out[k]);
  if (o == NULL)
    eos = r->eos_sent[k] = TRUE;
  headers = !r->src_ready[k];
  r->src_ready[k] = TRUE;
  /* room in the queue for the inputs */
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);

  if (headers)
    send_headers (r, k);
  if (eos) {
    GST_DEBUG_OBJECT (src, "EOS");
    gst_pad_push_event (src, gst_event_new_eos ());
    gst_pad_pause_task (src);
    return;
  }
  if (GST_IS_BUFFER (o))
    fr = gst_pad_push (src, GST_BUFFER_CAST (o));
  else
    gst_pad_push_event (src, GST_EVENT_CAST (o));
  /* an unlinked output does not stop the other one */
  if (fr == GST_FLOW_OK || fr == GST_FLOW_NOT_LINKED)
    return;
  GST_DEBUG_OBJECT (src, "pausing: %s", gst_flow_get_name (fr));
  if (fr == GST_FLOW_NOT_NEGOTIATED || fr < GST_FLOW_EOS)
    GST_ELEMENT_FLOW_ERROR (r->cfg.element, fr);
  g_mutex_lock (&r->lock);
  r->out_flow[k] = fr;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  gst_pad_pause_task (src);
}

static void
bg_out_loop (gpointer data)
{
  out_loop (data, 0);
}

static void
fg_out_loop (gpointer data)
{
  out_loop (data, 1);
}

/* (Re)starts the task of output @k */
static void
start_output (VkStreamRender * r, gint k)
{
  g_mutex_lock (&r->lock);
  r->out_flushing[k] = r->stopping;
  g_mutex_unlock (&r->lock);
  if (k)
    gst_pad_start_task (r->cfg.fg_src, fg_out_loop, r, NULL);
  else
    gst_pad_start_task (r->cfg.bg_src, bg_out_loop, r, NULL);
}

/* Output @k ends once what is queued is out. Called with the lock. */
static void
end_output (VkStreamRender * r, gint k)
{
  r->eos_due[k] = TRUE;
  g_cond_broadcast (&r->cond);
}

/* Waits while output @k holds more than OUT_MAX_FRAMES (downstream is
 * slower: the input waits for it, as a queue would). With live inputs,
 * synchronised sinks and aggregators hold each frame until its running
 * time plus the pipeline's latency, and a live input must not wait for
 * that: up to the latency plus EXTRA_HOLD of frames more. Called with the
 * lock. */
static void
wait_output (VkStreamRender * r, gint k)
{
  guint max = OUT_MAX_FRAMES;

  if (r->live)
    max += (guint) (r->fg_fps * (r->cfg.latency + EXTRA_HOLD) / GST_SECOND);
  while (r->out[k].length > max && r->out_flow[k] == GST_FLOW_OK
      && !r->out_flushing[k] && !r->flushing && !r->stopping)
    g_cond_wait (&r->cond, &r->lock);
}

/* ------------------------------------------------------------------------ */
/* Pads */

/* Non-live inputs are merged in stream order, as if one thread read both:
 * a frame is taken in (queued and processed) only once the other input's
 * next frame is known to come after it, so that every search, DP row and
 * decision sees the same frames whatever the threads' timing (they were
 * decided on the frames that happened to have arrived: the same pair gave
 * 100 % then 89 % exact).
 *
 * A fg frame comes after the bg frames up to the one it needs: once found,
 * the bg frame expected for it plus the DP's margin (never beyond what the
 * window can hold above the lowest frame a coming decision may pick);
 * before, the bg frames up to its running time plus the scan offset plus
 * the latency (the search window holds the bg from latency + 1 s before
 * the fg's time to latency after it). Each search that does not find the
 * fg moves the scan offset on by a quarter of the bg window, so the held
 * bg sweeps forward relative to the fg until it holds the fg's content
 * (the bg in between is dropped unseen). */
static gboolean
bg_after (VkStreamRender * r, const Held * f, const Held * b)
{
  if (r->positioned) {
    gdouble need = expected_bg (r, f->index) + ceil (4 * r->rate) + 2;

    return b->index > MIN (need, lowest_pick (r) + bg_cap (r) - 2.0);
  }
  return b->rt > f->rt + r->scan + r->cfg.latency;
}

/* whether the pending frame of input @k ([0] bg, [1] fg) is next in stream
 * order (non-live inputs); called with the lock */
static gboolean
admitted (VkStreamRender * r, gint k)
{
  if (r->live || r->flushing || r->stopping)
    return TRUE;
  if (k)
    return r->bg_eos || (r->pending[0]
        && bg_after (r, r->pending[1], r->pending[0]));
  return r->fg_eos || (r->pending[1]
      && !bg_after (r, r->pending[1], r->pending[0]));
}

/* A fg frame whose timestamp @pts is not after the previous one's gets one
 * a frame after it (vkretime.c, as in the global mode), so that every fg
 * frame is output; the first says so. Called with the lock. */
static GstClockTime
retime (VkStreamRender * r, GstClockTime pts)
{
  r->last_fg_pts = vk_retime_add (&r->retime, r->last_fg_pts, pts,
      fg_frame_duration (r));
  if (r->retime.n_retimed == 1 && r->last_fg_pts != pts)
    vk_stream_warn_retimed (r->cfg.element, r->retime.first,
        r->retime.first_raw, r->retime.first_prev);
  return r->last_fg_pts;
}

GstFlowReturn
vk_stream_render_chain (VkStreamRender * r, gboolean is_fg, GstBuffer * buf)
{
  const GstSegment *seg = is_fg ? r->cfg.fg_segment : r->cfg.bg_segment;
  Held *h = g_new0 (Held, 1);
  GstFlowReturn ret;
  /* (the element's lock before ours, never inside) */
  GstClock *clock = gst_element_get_clock (r->cfg.element);
  GstClockTime base = gst_element_get_base_time (r->cfg.element);

  g_mutex_lock (&r->lock);
  gst_object_replace ((GstObject **) & r->clock, (GstObject *) clock);
  r->base_time = base;
  h->arrival = clock ? gst_clock_get_time (clock) - base : GST_CLOCK_TIME_NONE;
  gst_clear_object (&clock);
  /* a seek of both inputs: the frames of neither are taken in until both
   * have flushed (the state is cleared at each flush-stop); this input's
   * frames before its own flush are dropped */
  while (!r->stopping && !r->in_flush[is_fg] && (r->in_flush[!is_fg]
          || r->await_flush[0] || r->await_flush[1] || r->next_pass[is_fg]))
    g_cond_wait (&r->cond, &r->lock);
  if (r->in_flush[is_fg] || r->stopping) {
    g_mutex_unlock (&r->lock);
    g_free (h);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (!is_fg && r->fg_eos) {
    /* the fg ended: nothing more to align; the fg began a new pass: the
     * bg's frames until its own are dropped */
    ret = r->next_pass[1] ? GST_FLOW_OK : GST_FLOW_EOS;
    g_mutex_unlock (&r->lock);
    g_free (h);
    gst_buffer_unref (buf);
    return ret;
  }
  check_live (r);
  h->buf = buf;
  h->pts = GST_BUFFER_PTS (buf);
  if (is_fg && GST_CLOCK_TIME_IS_VALID (h->pts))
    h->pts = retime (r, h->pts);
  h->rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, h->pts);
  if (!GST_CLOCK_TIME_IS_VALID (h->rt))
    h->rt = 0;
  else if (!is_fg)
    h->rt = (GstClockTime) MAX ((GstClockTimeDiff) h->rt + r->bg_shift, 0);
  GST_LOG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "frame at %"
      GST_TIME_FORMAT ", running time %" GST_TIME_FORMAT,
      GST_TIME_ARGS (h->pts), GST_TIME_ARGS (h->rt));
  if (!r->positioned && r->live_checked) {
    g_mutex_unlock (&r->lock);
    h->low = low_copy (r, is_fg, buf);
    g_mutex_lock (&r->lock);
  }
  h->index = is_fg ? r->n_fg++ : r->n_bg++;
  r->fresh[is_fg] = FALSE;
  r->pending[is_fg] = h;
  g_cond_broadcast (&r->cond);
  while (!admitted (r, is_fg))
    g_cond_wait (&r->cond, &r->lock);
  r->pending[is_fg] = NULL;
  if (r->flushing || r->stopping) {
    held_free (h);
  } else {
    g_queue_push_tail (is_fg ? &r->fg : &r->bg, h);
    if (!is_fg)
      trim_bg (r);
  }
  if (!r->flushing && !r->stopping) {
    process (r);
    g_cond_broadcast (&r->cond);
    wait_output (r, is_fg);
  }
  if (r->in_flush[is_fg] || r->stopping)
    ret = GST_FLOW_FLUSHING;
  else if (r->flushing)
    ret = GST_FLOW_OK;          /* the other input flushes: frame dropped */
  else if (!is_fg && r->fg_eos && !r->next_pass[1])
    ret = GST_FLOW_EOS;         /* the fg ended: nothing more to align */
  else
    ret = r->out_flow[is_fg];
  g_mutex_unlock (&r->lock);
  return ret;
}

/* The fg's pass ended: every held fg frame is decided and queued. Called
 * with the lock. */
static void
end_fg_pass (VkStreamRender * r)
{
  gint64 deadline;

  check_live (r);
  /* live: the bg frames of the last fg frames may still be coming (the fg
   * may run a little ahead of the bg); the bg's time decides them as
   * usual, until the bg ends or for at most the latency */
  deadline = g_get_monotonic_time () + r->cfg.latency / GST_USECOND;
  while (r->live && !r->bg_eos && !r->flushing && !r->stopping
      && r->fg.length > 0) {
    if (!g_cond_wait_until (&r->cond, &r->lock, deadline))
      break;
  }
  r->fg_eos = TRUE;
  process (r);
}

/* The fg ended: every held fg frame is decided and queued, then both
 * outputs end (the bg's outputs are those of the fg's frames): with EOS,
 * or with @done (taken), the SEGMENT_DONE of a segment seek's end. */
static void
finish (VkStreamRender * r, GstEvent * done)
{
  g_mutex_lock (&r->lock);
  end_fg_pass (r);
  queue_segment (r);
  if (done) {
    g_queue_push_tail (&r->out[0], gst_event_copy (done));
    g_queue_push_tail (&r->out[1], done);
    g_cond_broadcast (&r->cond);
  } else {
    end_output (r, 0);
    end_output (r, 1);
  }
  g_mutex_unlock (&r->lock);
}

/* Both inputs have begun a new pass: the last pass's state goes (its
 * outputs are queued), the new pass starts as after a flush, its segment
 * on the outputs before its first frame. Called with the lock. */
static void
switch_pass (VkStreamRender * r)
{
  GST_DEBUG_OBJECT (r->cfg.element, "streaming: a new pass of both inputs "
      "(fg from %" GST_TIME_FORMAT ", bg from %" GST_TIME_FORMAT ")",
      GST_TIME_ARGS (r->next_seg[1].start),
      GST_TIME_ARGS (r->next_seg[0].start));
  clear_pass (r);
  r->pass_seg[0] = r->next_seg[0];
  r->pass_seg[1] = r->next_seg[1];
  r->bg_shift = GST_CLOCK_DIFF (gst_segment_to_running_time (&r->pass_seg[0],
          GST_FORMAT_TIME, r->pass_seg[0].start),
      gst_segment_to_running_time (&r->pass_seg[1], GST_FORMAT_TIME,
          r->pass_seg[1].start));
  g_cond_broadcast (&r->cond);
}

/**
 * vk_stream_render_segment:
 * @event: a segment event of input @is_fg (not taken)
 *
 * A new segment on an input after frames of the current pass of either
 * input (a non-flushing seek, a segment seek's loop after SEGMENT_DONE)
 * ends the input's pass, as GStreamer's non-flushing seeks do: what was
 * queued before it plays out. The fg's held frames are decided on the bg
 * frames of the pass (the bg's pass ends likewise: its later frames of the
 * old position are dropped), and the frames of the new pass wait until
 * both inputs have begun theirs. A segment before any frame (the first
 * one, or after a flush) or one equal to the pass's only replaces it.
 */
void
vk_stream_render_segment (VkStreamRender * r, gboolean is_fg, GstEvent * event)
{
  GstSegment seg;
  guint n, other;
  gboolean ended;

  gst_event_copy_segment (event, &seg);
  g_mutex_lock (&r->lock);
  GST_LOG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "segment %"
      GST_SEGMENT_FORMAT, &seg);
  n = is_fg ? r->n_fg : r->n_bg;
  other = is_fg ? r->n_bg : r->n_fg;
  ended = is_fg ? r->fg_eos : r->bg_eos;
  if (r->next_pass[is_fg]) {
    /* another seek before the other input began its pass */
    r->next_seg[is_fg] = seg;
  } else if (n == 0 && !ended) {
    /* before the input's first frame of the pass: when the other input
     * has frames already, its next frames are of a new pass */
    r->fresh[is_fg] = r->seen_seg[is_fg] && other > 0
        && !gst_segment_is_equal (&seg, &r->pass_seg[is_fg]);
    r->pass_seg[is_fg] = seg;
  } else if (!gst_segment_is_equal (&seg, &r->pass_seg[is_fg])) {
    GST_DEBUG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "streaming: "
        "a new segment after %u frames: the pass ends", is_fg ? r->n_fg :
        r->n_bg);
    if (is_fg && !r->fg_eos)
      end_fg_pass (r);
    r->bg_eos |= !is_fg;
    r->next_pass[is_fg] = TRUE;
    r->next_seg[is_fg] = seg;
    if (r->fresh[!is_fg]) {
      r->next_pass[!is_fg] = TRUE;
      r->next_seg[!is_fg] = r->pass_seg[!is_fg];
    }
    if (r->next_pass[!is_fg])
      switch_pass (r);
    g_cond_broadcast (&r->cond);
  }
  r->seen_seg[is_fg] = TRUE;
  g_mutex_unlock (&r->lock);
}

gboolean
vk_stream_render_event (VkStreamRender * r, gboolean is_fg, GstEvent * event)
{
  GstPad *src = is_fg ? r->cfg.fg_src : r->cfg.bg_src;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_GAP:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_SEGMENT_DONE:
      GST_DEBUG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "%"
          GST_PTR_FORMAT, event);
      /* a segment seek's end: as EOS, but the event goes on (the bg then
       * refuses frames with GST_FLOW_EOS: its source ends its segment) */
      if (is_fg) {
        finish (r, event);
        return TRUE;
      }
      /* fall through */
    case GST_EVENT_EOS:
      gst_event_unref (event);
      if (is_fg) {
        finish (r, NULL);
        return TRUE;
      }
      g_mutex_lock (&r->lock);
      r->bg_eos = TRUE;
      g_cond_broadcast (&r->cond);
      g_mutex_unlock (&r->lock);
      return TRUE;
    case GST_EVENT_FLUSH_START:{
      gboolean res;

      g_mutex_lock (&r->lock);
      r->in_flush[is_fg] = r->flushing = TRUE;
      r->await_flush[is_fg] = FALSE;
      r->out_flushing[is_fg] = TRUE;
      g_cond_broadcast (&r->cond);
      g_mutex_unlock (&r->lock);
      res = gst_pad_push_event (src, event);
      gst_pad_pause_task (src);
      return res;
    }
    case GST_EVENT_FLUSH_STOP:{
      gboolean res;

      g_mutex_lock (&r->lock);
      r->in_flush[is_fg] = FALSE;
      r->flushing = r->in_flush[!is_fg];
      clear_state (r);
      g_cond_broadcast (&r->cond);
      g_mutex_unlock (&r->lock);
      res = gst_pad_push_event (src, event);
      start_output (r, is_fg);
      return res;
    }
    default:
      /* caps and segments are kept by the element and sent with the
       * first output; other events are dropped */
      gst_event_unref (event);
      return TRUE;
  }
}

/* A flushing seek of both inputs is about to go upstream: until each input
 * has flushed (or vk_stream_render_seek_end ()), the frames of neither are
 * taken in, so that no frame from before the seek meets one from after it
 * (the inputs flush one after the other). */
void
vk_stream_render_seek_begin (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  r->await_flush[0] = r->await_flush[1] = TRUE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

/* The seek returned: an input that did not flush (its source could not
 * seek) goes on from where it is. */
void
vk_stream_render_seek_end (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  r->await_flush[0] = r->await_flush[1] = FALSE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}
