/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): the search for the position on
 * the held frames, its verdict, and the placement taken. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkstreamrender-priv.h"

/* ------------------------------------------------------------------------ */
/* Position */

/* contiguous low-resolution frames of a queue: @count of them after the
 * first @skip */
static guint8 *
summary_of_queue (VkStreamRender * r, gboolean is_fg, guint skip,
    guint count, VkStreamSummary * s)
{
  GQueue *q = is_fg ? &r->fg : &r->bg;
  const GstVideoInfo *info = is_fg ? r->cfg.fg_info : r->cfg.bg_info;
  gsize n = (gsize) r->low_w[is_fg] * r->low_h[is_fg];
  guint8 *data = g_malloc0 (MAX (1, n * count));
  guint k = 0;
  GList *l;

  for (l = g_queue_peek_nth_link (q, skip); l && k < count; l = l->next) {
    Held *h = l->data;

    /* frames that came before the other input's caps */
    if (h->low == NULL)
      h->low = vk_sr_low_copy (r, is_fg, h->buf);
    if (h->low)
      memcpy (data + n * k, h->low, n);
    k++;
  }
  s->width = GST_VIDEO_INFO_WIDTH (info);
  s->height = GST_VIDEO_INFO_HEIGHT (info);
  s->low_width = r->low_w[is_fg];
  s->low_height = r->low_h[is_fg];
  s->fps = is_fg ? r->fg_fps : r->bg_fps;
  s->n_frames = count;
  s->low = data;
  return data;
}

/* references to @count frames of a queue after the first @skip */
static GstBuffer **
buffers_of_queue (GQueue * q, guint skip, guint count)
{
  GstBuffer **bufs = g_new (GstBuffer *, MAX (1, count));
  guint k = 0;
  GList *l;

  for (l = g_queue_peek_nth_link (q, skip); l && k < count; l = l->next)
    bufs[k++] = gst_buffer_ref (((Held *) l->data)->buf);
  return bufs;
}

static void
free_buffers (GstBuffer ** bufs, guint n)
{
  guint k;

  for (k = 0; k < n; k++)
    gst_buffer_unref (bufs[k]);
  g_free (bufs);
}

/* the position on full resolution (vk_refine_pairs ()); @bg_low, @fg_low:
 * the search's low-resolution copies, or %NULL */
gboolean
vk_sr_refine_full (VkStreamRender * r, VkAlignResult * res, GstBuffer * fgbuf,
    guint fg_index, GstBuffer ** bgbufs, const guint * bg_index, guint n_bg,
    const VkStreamSummary * bg_low, const VkStreamSummary * fg_low,
    gdouble fixed_scale, VkPlacementEstimate * best)
{
  return vk_refine_pairs (r->cfg.fg_info, fgbuf, fg_index, r->cfg.bg_info,
      bgbufs, bg_index, n_bg, res, bg_low, fg_low,
      r->cfg.opts.prefer_unscaled, fixed_scale, r->low_w[0],
      &r->cfg.opts.parallel, best);
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

    if (res->map[k] > 0 && vk_sr_find_held (&r->bg, m + 1))
      gaps[n++] =
          MIN (vk_sr_raw_cost (r, fg0 + k, m - 1), vk_sr_raw_cost (r, fg0 + k,
              m + 1)) - vk_sr_raw_cost (r, fg0 + k, m);
  }
  s = vk_stream_cost_unit (gaps, n);
  g_free (gaps);
  return s;
}

/* a search for the position (on the element's worker with live inputs) */
typedef struct
{
  VkStreamRender *r;
  VkStreamSummary bg, fg;
  guint8 *bgd, *fgd;
  /* the searched frames (refined on after they may have left the
   * window: a search can take longer than the latency) */
  GstBuffer **bgbufs, **fgbufs;
  guint fg0, bg0;
  guint generation;
  gint64 start;                 /* when the search began */
  gdouble motion;               /* of its fg frames on the region found
                                 * (vk_fg_motion ()); G_MAXDOUBLE before */
  gdouble refine_time;          /* seconds refining its placement */
} SearchJob;

/* The vidkompy-alignment message's fields common to a placement taken
 * and to a fg not found (the same fields as in the global mode:
 * vkalignmsg.c), kept to be posted (vk_sr_post_alignment ()); the
 * compared region @region (x, y, width, height). Called with the lock. */
static void
keep_msg (VkStreamRender * r, VkAlignMsg * m, const gint * region,
    gboolean unfound)
{
  m->mode = "streaming";
  m->stage = "final";
  m->source = "analysis";
  m->analysed = 100.0;
  m->fg_width = GST_VIDEO_INFO_WIDTH (r->cfg.fg_info);
  m->fg_height = GST_VIDEO_INFO_HEIGHT (r->cfg.fg_info);
  m->bg_fps = r->bg_fps;
  m->fg_fps = r->fg_fps;
  r->msg = *m;
  memcpy (r->msg_region, region, sizeof (r->msg_region));
  r->msg_unfound = unfound;
  vk_sr_set_msg (r, MSG_KEPT, unfound ? "a fg not found" : "a placement taken");
}

/* The message of the placement taken: the frames of the search, the time
 * spent; posted once the line is known. Called with the lock. */
static void
keep_alignment (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res)
{
  VkAlignMsg m = { 0 };
  gint64 now = g_get_monotonic_time ();
  gint region[4] = { res->valid_x, res->valid_y, res->valid_w, res->valid_h };

  m.confidence = res->confidence;
  m.analysis_time = MAX (0, job->start - r->t_start) / 1e6;
  m.refine_time = job->refine_time;
  m.alignment_time = MAX (0.0, (now - job->start) / 1e6 - m.refine_time);
  keep_msg (r, &m, region, FALSE);
}

/* The vidkompy-alignment message of a fg not found (strict unset), posted
 * as its frames start to go out unmatched (fg frame @fg with bg frame
 * @bg): "final", as the global mode posts one in every run it renders (an
 * application may wait for it: vidkompy comp starts the bg's sound by
 * it), with the placement of the unmatched frames (vk_sr_unmatched_place
 * ()), confidence 0, no frame matched, the whole fg compared, and the line
 * through that pair at the nominal rate; again at the fg's end, and a
 * placement found later posts its own. Called with the lock. */
void
vk_sr_post_unfound (VkStreamRender * r, guint fg, guint bg)
{
  VkAlignMsg m = { 0 };
  gint region[4] = { 0, 0, GST_VIDEO_INFO_WIDTH (r->cfg.fg_info),
    GST_VIDEO_INFO_HEIGHT (r->cfg.fg_info)
  };

  m.analysis_time = MAX (0, g_get_monotonic_time () - r->t_start) / 1e6;
  keep_msg (r, &m, region, TRUE);
  r->unfound_offset = bg - r->bg_fps / r->fg_fps * fg;
  vk_sr_post_alignment (r, FALSE);
}

/* the line through the matched decisions (vk_fit_line_robust ()), its
 * rate the nominal one unless it differs by more than MSG_RATE_SNAP (a
 * frame's jitter on a short span is not a speed change); else the
 * search's line. Called with the lock. */
static void
decided_line (VkStreamRender * r, gdouble * offset, gdouble * rate)
{
  const VkMatchPoint *p = (const VkMatchPoint *) r->decided->data;
  gdouble nominal = r->bg_fps / r->fg_fps, mean_fg = 0.0;
  guint i;

  *offset = r->offset;
  *rate = r->rate;
  if (r->decided->len < 2 || !vk_fit_line_robust (p, r->decided->len, 4.0,
          END_FIT_TOLERANCE, offset, rate, NULL))
    return;
  if (fabs (*rate / nominal - 1.0) > MSG_RATE_SNAP)
    return;
  for (i = 0; i < r->decided->len; i++)
    mean_fg += p[i].fg / r->decided->len;
  *offset += (*rate - nominal) * mean_fg;
  *rate = nominal;
}

/* The vidkompy-alignment message, "final" as the global mode's is, once
 * MSG_AFTER_S of fg frames have matched since the placement (the line of
 * their decisions: a search's line has the nominal rate, and its own rate
 * is too rough on its short span; vidkompy comp stretches the bg's sound
 * by it), or at once for a fg not found (vk_sr_post_unfound ()), and again
 * at the fg's end (@at_end) with the figures of the whole output: the
 * frames matched, the fg frames the bg does not show by that line, the
 * frames retimed. Called with the lock. */
void
vk_sr_post_alignment (VkStreamRender * r, gboolean at_end)
{
  VkAlignResult line = { 0 };
  VkAlignMsg m = r->msg;
  gdouble last = (gdouble) r->n_bg - 0.5, bg;
  guint i;

  if (r->msg_state == MSG_NONE || r->find == FIND_FAILED || (!at_end
          && (r->msg_state == MSG_POSTED
              || (!r->msg_unfound
                  && r->decided->len < r->fg_fps * MSG_AFTER_S))))
    return;
  if (r->msg_unfound) {
    line.offset = r->unfound_offset;
    line.rate = r->bg_fps / r->fg_fps;
    vk_sr_unmatched_place (r, &m.x, &m.y, &m.scale);
  } else {
    decided_line (r, &line.offset, &line.rate);
    m.x = r->out_x;
    m.y = r->out_y;
    m.scale = r->out_scale;
    m.spatial_confidence = r->spatial_conf;
  }
  line.valid_x = r->msg_region[0];
  line.valid_y = r->msg_region[1];
  line.valid_w = r->msg_region[2];
  line.valid_h = r->msg_region[3];
  line.n_fg = r->n_fg;
  line.covered_start = r->n_fg;
  /* (the frames past the bg's end are known at the end) */
  line.covered_end = at_end ? 0 : r->n_fg;
  for (i = 0; i < r->n_fg; i++) {
    bg = line.offset + line.rate * i;
    if (bg >= -0.5) {
      line.covered_start = MIN (line.covered_start, i);
      if (at_end && bg <= last)
        line.covered_end = i + 1;
    }
  }
  m.n_fg = r->decided->len;
  m.n_bg = r->n_bg;
  m.retimed = r->retime.n_retimed;
  vk_sr_set_msg (r, at_end ? MSG_NONE : MSG_POSTED, at_end ? "posted at the "
      "fg's end" : "posted");
  vk_align_msg_post (r->cfg.element, &line, &m);
  /* (the global mode's warnings of the fg frames the bg does not show) */
  if (at_end && !r->msg_unfound)
    vk_align_warn_uncovered (r->cfg.element, &line, FALSE, FALSE);
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
  guint fg0 = ((Held *) g_queue_peek_head (&r->fg))->index;

  r->find = FIND_MATCHING;
  r->matched_since_found = 0;
  /* moving content: the moment check chose the pair of the same moment;
   * the best-correlating pair around a decision is another moment's */
  r->refined_pairs = res->moment != NULL && refined != NULL;
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
   * meanwhile went unmatched; those held for the search before its own
   * are on the line's extension) */
  vk_online_params_init (&p, r->rate);
  p.smoothness = SMOOTHNESS;
  p.restart = RESTART_RAW / r->cost_scale;
  p.offset = r->offset + r->rate * fg0;
  r->dp = vk_online_new (&p);
  r->dp_first = fg0;
  r->dp_rows = 0;
  g_array_set_size (r->evidence, 0);

  GST_INFO_OBJECT (r->cfg.element, "streaming: fg at %d,%d scale %.4f "
      "(confidence %.3f), bg frame = %.2f + %.4f * fg frame, cost unit %.4f",
      r->out_x, r->out_y, r->out_scale, r->spatial_conf, r->offset, r->rate,
      r->cost_scale);
  keep_alignment (r, job, res);
  vk_sr_held_forget (&r->bg, HELD_LOW);
  vk_sr_held_forget (&r->fg, HELD_LOW);
}

/* Non-live inputs whose bg goes on: whether the line of @job's search
 * @res ends within NONLIVE_EDGE of the newest bg frame it had: the fg's
 * content may go on beyond it, and a pan, a zoom or a scroll matches the
 * bg at hand at another moment, at a shifted place; the bg is then read
 * further ahead before the next search (the scan). Called with the
 * lock. */
static gboolean
at_front (VkStreamRender * r, const SearchJob * job, const VkAlignResult * res)
{
  gdouble end = search_line_at (r, job, res, job->fg0 + job->fg.n_frames - 1);
  gdouble front = job->bg0 + job->bg.n_frames - 1.0;

  /* (coupled inputs: the bg cannot be read further ahead, couple ()) */
  if (r->live || r->bg_eos || r->coupled_ahead != G_MAXINT64
      || end <= front - r->bg_fps * NONLIVE_EDGE / GST_SECOND)
    return FALSE;
  GST_DEBUG_OBJECT (r->cfg.element, "the search's line ends at bg frame "
      "%.1f, the newest it had is %.0f: reading the bg further", end, front);
  return TRUE;
}

/* Whether a search's placement is taken (vk_stream_search_verdict ()),
 * on its @spatial score (the lower of the search's and the refined one);
 * a placement that passes the thresholds but is not taken is the next
 * searches' candidate: the @refined one when there is one (the
 * low-resolution one strays where the bg lacks some fg moments: a 20 fps
 * fg over a 10 fps bg had places 5 px apart, 185.9 then 180.7 for 181,
 * on searches whose refinements all gave 333,181: never confirmed, until
 * 2026-12-07). Before the refinement (@final unset) only the thresholds.
 * Called with the lock. */
static gboolean
taken (VkStreamRender * r, const SearchJob * job, const VkAlignResult * res,
    const VkPlacementEstimate * refined, gdouble match, gdouble spatial,
    gboolean final)
{
  VkStreamSearch se;
  VkStreamVerdict v;
  guint k;

  se.cand.x = refined ? refined->x : res->x;
  se.cand.y = refined ? refined->y : res->y;
  se.cand.scale = refined ? refined->scale : res->scale;
  se.cand.fg_first = job->fg0;
  se.cand.fg_mid = job->fg0 + job->fg.n_frames / 2.0;
  se.cand.bg_at_mid = search_line_at (r, job, res, se.cand.fg_mid);
  se.spatial = spatial;
  se.match = match;
  se.bg_per_fg = r->bg_fps / r->fg_fps;
  se.rate = res->rate;
  se.sure_region = r->cfg.opts.fixed_position
      || r->cfg.opts.match_region == VK_MATCH_REGION_FULL;
  se.live = r->live;
  se.still = job->motion < VK_FOUND_MIN_MOTION;
  if (!final)
    return vk_stream_search_verdict (&se, NULL) != VK_STREAM_NO_MATCH;
  /* confirmed by any of the latest candidates, the newest first */
  v = VK_STREAM_UNCONFIRMED;
  for (k = 0; k < MAX (r->n_cand, 1) && v == VK_STREAM_UNCONFIRMED; k++) {
    if (r->n_cand > 0)
      se.bg_at_prev_mid = search_line_at (r, job, res, r->cand[k].fg_mid);
    v = vk_stream_search_verdict (&se, r->n_cand > 0 ? &r->cand[k] : NULL);
  }
  if (v == VK_STREAM_UNCONFIRMED) {
    memmove (r->cand + 1, r->cand, sizeof (r->cand) - sizeof (r->cand[0]));
    r->cand[0] = se.cand;
    r->n_cand = MIN (r->n_cand + 1, VK_FOUND_STREAM_CANDIDATES);
  }
  if (v == VK_STREAM_UNCONFIRMED || v == VK_STREAM_PENDING)
    GST_DEBUG_OBJECT (r->cfg.element, "to be confirmed by a search on "
        "other fg frames");
  return v == VK_STREAM_TAKEN;
}

/* A search's placement below the thresholds: why, for the error of a fg
 * never found with strict (fail_not_found ()), unless a refusal said it
 * already. Called with the lock. */
static void
note_unsure (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res, gdouble match)
{
  VkFoundVerdict v;

  if (r->refused_why)
    return;
  v = vk_found (match, res->spatial_score, job->motion);
  r->refused_why = v != VK_FOUND_YES ? vk_found_reason (v, match,
      res->spatial_score, job->motion) : g_strdup_printf ("the best placement "
      "found, %.0f,%.0f scale %.3f, is not sure enough: temporal confidence "
      "%.2f, spatial confidence %.2f", res->x, res->y, res->scale, match,
      res->spatial_score);
}

/* Whether the taken placement (@spatial: refined) is committed: the
 * global mode's verdict (vk_found ()) on the search's fg frames; else the
 * fg stays not found, and a warning (once) says why. Without the lock. */
static gboolean
committed (VkStreamRender * r, const SearchJob * job,
    const VkAlignResult * res, gdouble match, gdouble spatial)
{
  gdouble motion = job->motion;
  VkFoundVerdict v = vk_found (match, spatial, motion);
  gchar *why;

  if (v == VK_FOUND_YES || r->cfg.opts.fixed_position)
    return TRUE;
  why = vk_found_reason (v, match, spatial, motion);
  GST_INFO_OBJECT (r->cfg.element, "placement %.0f,%.0f scale %.4f not "
      "committed: %s", res->x, res->y, res->scale, why);
  g_mutex_lock (&r->lock);
  /* (strict: the error says it, fail_not_found ()) */
  if (!r->refused_warned && !r->cfg.strict)
    vk_stream_warn_refused (r->cfg.element, res->x, res->y, res->scale, match,
        spatial, why);
  r->refused_warned = TRUE;
  g_free (r->refused_why);
  r->refused_why = why;
  g_mutex_unlock (&r->lock);
  return FALSE;
}

/* The next search once the bg has been read @frames beyond the newest bg
 * frame of @job's search (search_due ()). Called with the lock. */
static void
search_after_bg (VkStreamRender * r, const SearchJob * job, guint frames)
{
  r->next_search_bg = MAX (r->next_search_bg, job->bg0 + job->bg.n_frames +
      frames);
}

/* Non-live inputs, after a search that did not find the fg: when its fg
 * frames tell nothing new to the next search (the fg ended, or they are
 * still: vk_fg_motion () below VK_FOUND_MIN_MOTION), the next waits until
 * half of its bg window is new. Searching the same fg frames again on
 * nearly the same bg frames every SEARCH_EVERY_S repeated the same
 * verdict: a still fg not in the bg (bars over the 14-s cockatoo clip) was
 * searched 6 times, each about the cost of the global mode's whole
 * alignment. Windows that overlap by half still see every place of fg
 * frames spanning half a window (those searched). Called with the lock. */
static void
fresh_bg_next (VkStreamRender * r, const SearchJob * job)
{
  if (r->live || !(r->fg_eos || job->motion < VK_FOUND_MIN_MOTION))
    return;
  search_after_bg (r, job, job->bg.n_frames / 2);
  GST_DEBUG_OBJECT (r->cfg.element, "the next search once bg frame %u has "
      "come (%s)", r->next_search_bg, r->fg_eos ? "the fg ended" :
      "a still fg");
}

static void
search (GstElement * element, gpointer data)
{
  SearchJob *job = data;
  VkStreamRender *r = job->r;
  VkAlignResult res = { 0 };
  VkPlacementEstimate refined;
  GstBuffer *fgbuf = NULL, *bgbufs[VK_REFINE_MAX_PAIRS];
  guint bg_index[VK_REFINE_MAX_PAIRS];
  guint n_bg = 0, k, best_k = G_MAXUINT;
  gboolean ok, edge, have_refined = FALSE;
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
    job->motion = vk_fg_motion (&job->fg, res.valid_x, res.valid_y,
        res.valid_w, res.valid_h);
  }

  g_mutex_lock (&r->lock);
  edge = ok && at_front (r, job, &res);
  ok = ok && !edge;
  if (ok && !taken (r, job, &res, NULL, all, res.spatial_score, FALSE)) {
    ok = FALSE;
    note_unsure (r, job, &res, all);
  }
  g_mutex_unlock (&r->lock);
  if (ok && !r->cfg.opts.fixed_position
      && r->cfg.opts.match_region != VK_MATCH_REGION_FULL) {
    /* the searched pair that matched best, and the bg frames around its
     * match */
    for (k = 0; k < res.n_fg; k++)
      if (best_k == G_MAXUINT || res.cost[k] < res.cost[best_k])
        best_k = k;
    if (best_k != G_MAXUINT)
      fgbuf = job->fgbufs[best_k];
    if (fgbuf)
      n_bg = vk_refine_frames (res.map[best_k], job->bg.n_frames,
          res.moment != NULL, bg_index);
    for (k = 0; k < n_bg; k++)
      bgbufs[k] = job->bgbufs[bg_index[k]];
  }
  if (fgbuf) {
    gint64 t0 = g_get_monotonic_time ();

    /* (on moving content, the moment check picks the pair and puts the
     * search's line through it) */
    have_refined = vk_sr_refine_full (r, &res, fgbuf, best_k, bgbufs,
        bg_index, n_bg, &job->bg, &job->fg, 0, &refined);
    job->refine_time = (g_get_monotonic_time () - t0) / 1e6;
  }
  spatial = have_refined ? MIN (refined.score, res.spatial_score) :
      res.spatial_score;
  g_mutex_lock (&r->lock);
  ok = ok && taken (r, job, &res, have_refined ? &refined : NULL, all,
      spatial, TRUE);
  g_mutex_unlock (&r->lock);
  ok = ok && committed (r, job, &res, all, have_refined ? refined.score :
      res.spatial_score);

  g_mutex_lock (&r->lock);
  if (ok && job->generation == r->generation && !VK_SR_PLACED (r)
      && !r->stopping && r->fg.length > 0)
    apply_position (r, job, &res, have_refined ? &refined : NULL);
  else if (!ok && job->generation == r->generation && !r->live)
    r->scan += edge ? NONLIVE_EDGE_SCAN : vk_sr_window (r) / 4;
  if (!ok && !edge && job->generation == r->generation)
    fresh_bg_next (r, job);
  /* (searched again once the bg has been read further) */
  if (edge && job->generation == r->generation) {
    r->next_search = MIN (r->next_search, r->n_fg + 1);
    search_after_bg (r, job, (guint) ceil (r->bg_fps * NONLIVE_EDGE_SCAN /
            GST_SECOND));
  }
  r->searching = FALSE;
  /* live: once the fg has been searched for longer than the bg window,
   * the next one after a pause (in fg frames: the time passes with them),
   * so that a fg not in the bg, searched for all along, costs at most
   * VK_STREAM_SEARCH_SHARE of the time; before, every SEARCH_EVERY_S
   * (search_due ()), to find the fg while its first frames are held: on a
   * loaded machine the pause after a first search before the fg's content
   * had reached the bg window outlasted a 2-s fg */
  if (r->live && r->n_fg > r->fg_fps * vk_sr_window (r) / GST_SECOND)
    r->next_search = MAX (r->next_search, r->n_fg + (guint) ceil (r->fg_fps *
            vk_stream_search_pause (g_get_monotonic_time () - start) /
            G_USEC_PER_SEC));
  g_cond_broadcast (&r->search_cond);
  /* (the position and the scan offset: bg_after ()) */
  g_cond_broadcast (&r->admit_cond);
  g_mutex_unlock (&r->lock);
  if (res.map)
    vk_align_result_clear (&res);
  g_free (job->bgd);
  g_free (job->fgd);
  free_buffers (job->bgbufs, job->bg.n_frames);
  free_buffers (job->fgbufs, job->fg.n_frames);
  g_free (job);
}

/* Whether a search is due (and when the next one is): every SEARCH_EVERY_S
 * of fg frames, the first after SEARCH_EVERY_S of fg (live inputs: 3/4 of
 * the latency when shorter, as their frames due meanwhile go out
 * unmatched; once when both inputs ended before it; non-live ones are
 * held until found, and a search on 10 fg
 * frames of a slow zoom upscaled 2x placed it 1 px off, its frames 1 to 3
 * late, at 0.5 s of latency: world bench zoom-50), after one at the
 * bg's front once the bg has been read further (at_front ()); non-live inputs
 * whose fg ended before it was found: every SEARCH_EVERY_S of bg frames
 * while the bg goes on (vk_sr_hold_unfound ()); non-live inputs whose fg
 * frames tell nothing new, once half the bg window is new
 * (fresh_bg_next ()). Called with the lock. */
static gboolean
search_due (VkStreamRender * r)
{
  /* both inputs ended before the first search was due (a fg of a frame
   * or a few): one search on what they left */
  if (r->fg_eos && r->bg_eos && r->next_search == 0) {
    r->next_search = G_MAXUINT;
    return TRUE;
  }
  if (r->fg_eos) {
    if (!vk_sr_hold_unfound (r) || r->n_bg < r->next_search_bg)
      return FALSE;
    r->next_search_bg = r->n_bg + MAX (1, (guint) (SEARCH_EVERY_S * r->bg_fps));
    return TRUE;
  }
  if (r->n_fg < r->next_search || r->n_bg < r->next_search_bg)
    return FALSE;
  if (r->next_search == 0) {
    r->next_search = MAX (2, (guint) (r->fg_fps * (r->live ?
                MIN (SEARCH_EVERY_S, 0.75 * r->cfg.latency / GST_SECOND) :
                SEARCH_EVERY_S)));
    if (r->n_fg < r->next_search)
      return FALSE;
  }
  r->next_search = r->n_fg + MAX (1, (guint) (SEARCH_EVERY_S * r->fg_fps));
  return TRUE;
}

/* Until the fg is placed, each input's frame rate from its caps and the
 * timestamps of its held frames (vk_fps_estimate (), the global mode's
 * estimate on all of its frames): their mean rate when the caps have none
 * (0/1: a variable frame rate file, a screen or phone recording) or a
 * rate they miss; the placement's line keeps it. Called with the lock. */
static void
fps_from_held (VkStreamRender * r)
{
  gint k;

  for (k = 0; k < 2; k++) {
    const GstVideoInfo *info = k ? r->cfg.fg_info : r->cfg.bg_info;
    GQueue *q = k ? &r->fg : &r->bg;
    gdouble *fps = k ? &r->fg_fps : &r->bg_fps;
    Held *first, *last;

    if (q->length < 2)
      continue;
    first = g_queue_peek_head (q);
    last = g_queue_peek_tail (q);
    *fps = vk_fps_estimate (GST_VIDEO_INFO_FPS_N (info),
        GST_VIDEO_INFO_FPS_D (info), first->rt, last->rt,
        last->index - first->index + 1);
    GST_LOG_OBJECT (r->cfg.element, "%s: %.3f fps", k ? "fg" : "bg", *fps);
  }
}

/* Starts a search for the fg in the held bg frames when one is due, on the
 * element's worker with live inputs (called with the lock, which it may
 * release meanwhile). */
void
vk_sr_try_position (VkStreamRender * r)
{
  SearchJob *job;
  guint count, skip, first;

  if (VK_SR_PLACED (r) || r->searching || !r->live_checked)
    return;
  fps_from_held (r);
  /* (an input that ended with one frame, a still, is searched on it) */
  if (r->fg.length < (r->fg_eos ? 1 : 2) || r->bg.length < (r->bg_eos ? 1 :
          2) || !search_due (r))
    return;
  if (r->live) {
    /* live inputs: the oldest held fg frames, half the latency's. A fg
     * ahead of the bg shows in its newest frames what the bg window does
     * not hold yet (with the fg 0.5 s ahead and a latency of 1 s, half of
     * the held fg frames): searches on them were refused, or took a wrong
     * place, until the fg had gone by; the oldest ones are in the bg
     * window whether the fg is ahead of the bg (by up to half the
     * latency) or behind it (the window holds twice the latency) */
    skip = 0;
    count = MAX (2, (guint) (r->fg_fps * r->cfg.latency / 2 / GST_SECOND));
  } else {
    /* non-live inputs: the newest fg frames, half the bg window's (the fg
     * frames held longer, waiting for the fg to be found, would not fit in
     * it) */
    count = MAX (2, (guint) (r->fg_fps * vk_sr_window (r) / 2 / GST_SECOND));
    skip = r->fg.length > count ? r->fg.length - count : 0;
  }
  /* a candidate is confirmed on other fg frames (vk_stream_search_verdict
   * ()): those after its middle one, once there are enough of them */
  first = ((Held *) g_queue_peek_head (&r->fg))->index;
  if (r->n_cand > 0 && r->cand[0].fg_mid + 1 > first) {
    guint after = (guint) ceil (r->cand[0].fg_mid + 1) - first;

    if (after + MAX (2, (guint) (SEARCH_EVERY_S * r->fg_fps)) <= r->fg.length)
      skip = MAX (skip, after);
  }
  count = MIN (count, r->fg.length - skip);
  job = g_new0 (SearchJob, 1);
  job->r = r;
  job->motion = G_MAXDOUBLE;
  job->fg0 = ((Held *) g_queue_peek_nth (&r->fg, skip))->index;
  job->bg0 = ((Held *) g_queue_peek_head (&r->bg))->index;
  job->bgd = summary_of_queue (r, FALSE, 0, r->bg.length, &job->bg);
  job->fgd = summary_of_queue (r, TRUE, skip, count, &job->fg);
  job->bgbufs = buffers_of_queue (&r->bg, 0, r->bg.length);
  job->fgbufs = buffers_of_queue (&r->fg, skip, count);
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
