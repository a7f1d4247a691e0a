/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The streaming mode (vkstreamrender.c): the decisions, a row of the online
 * DP per fg frame, committed when due, and the lost / recovered match. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkstreamrender-priv.h"

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
    if (r->bad_run++ == 0 && r->find != FIND_LOST)
      r->lost_from = f->index;
    if (r->find != FIND_LOST && r->bad_run >= run) {
      r->find = FIND_LOST;
      vk_stream_post_match (r->cfg.element, TRUE, f->index, f->pts, bg, cost,
          0);
    }
  } else {
    r->bad_run = 0;
    if (r->find == FIND_LOST && ++r->good_run >= run) {
      r->find = FIND_MATCHING;
      vk_stream_post_match (r->cfg.element, FALSE, f->index, f->pts, bg,
          cost, f->index - r->lost_from);
    }
  }
}

/* The bg frame of fg frame @f, as in the global mode's choice
 * (vk_frame_pick_result ()): of the DP's choice @bg and its neighbours
 * (never before the last frame output), the one most similar to the fg
 * frame on full-resolution descriptors (the DP's smoothness follows the
 * rounded line where a frame's motion changes the descriptors less than
 * that: a 24 fps fg of a 30 fps pan got the frame after its own every
 * fourth frame), unless the frame on the search's timing line ties with it
 * (repeated or near-identical content, told apart by compression noise or
 * grain only; a line that followed the decisions drifted by the half frame
 * of their rounding: 2.7 % of the zone plate's frames one late), else the
 * DP's choice if it ties. @tie says whether the best one had a tie. Called
 * with the lock. */
static guint
pick_frame (VkStreamRender * r, const Held * f, guint bg, gboolean * tie)
{
  VkFramePick pick;
  VkFramePickWhy why;
  gint64 chosen;
  guint k;

  vk_frame_pick_init (&pick, vk_line_frame (r->offset, r->rate, f->index), bg);
  for (k = MAX (bg, 1) - 1; k <= bg + 1; k++)
    if ((k == bg || !r->have_out || k >= r->last_out_bg)
        && vk_sr_find_held (&r->bg, k))
      vk_frame_pick_add (&pick, k, 1.0 - vk_sr_raw_cost (r, f->index, k));
  chosen = vk_frame_pick_result (&pick, tie, &why);
  if (chosen < 0)
    return bg;
  if (chosen != bg)
    GST_LOG_OBJECT (r->cfg.element, "fg frame %u: bg frame %u instead of "
        "the DP's %u (%s)", f->index, (guint) chosen, bg,
        why == VK_FRAME_PICK_LINE ? "the line's, a tie" : "more similar");
  return (guint) chosen;
}

/* Keeps decided fg frame @f's costs around the line's bg frame (the DP's
 * costs) for line_evidence (). Called with the lock. */
static void
record_evidence (VkStreamRender * r, const Held * f)
{
  VkLineEvidence e;
  gint64 bg;

  vk_line_evidence_init (&e, f->index, vk_line_frame (r->offset, r->rate,
          f->index));
  for (bg = MAX (e.bg0, 0); bg < e.bg0 + VK_LINE_EVIDENCE_SPAN; bg++)
    if (vk_sr_find_held (&r->bg, (guint) bg))
      vk_line_evidence_set (&e, bg, vk_sr_dp_cost (f->index - r->dp_first,
              (guint) bg, r));
  vk_line_evidence_keep (r->evidence, &e);
}

/* What the fg frames in hand say of the timing line (vk_line_correct ()):
 * the DP's pending rows, and while they are fewer than
 * VK_LINE_EVIDENCE_ROWS the latest decided frames (record_evidence ()).
 * Returns the frames (@ev, to be freed). Called with the lock. */
static guint
line_evidence (VkStreamRender * r, VkLineEvidence ** ev)
{
  guint n = vk_online_n_pending (r->dp), k;
  guint first = r->dp_first + vk_online_n_rows (r->dp) - n;
  guint old = MIN (r->evidence->len, VK_LINE_EVIDENCE_ROWS - MIN (n,
          VK_LINE_EVIDENCE_ROWS));
  gint64 bg;
  gfloat c;

  *ev = g_new (VkLineEvidence, MAX (old + n, 1));
  if (old > 0)
    memcpy (*ev, &g_array_index (r->evidence, VkLineEvidence,
            r->evidence->len - old), old * sizeof (VkLineEvidence));
  for (k = 0; k < n; k++) {
    VkLineEvidence *e = *ev + old + k;

    vk_line_evidence_init (e, first + k, vk_line_frame (r->offset, r->rate,
            first + k));
    for (bg = MAX (e->bg0, 0); bg < e->bg0 + VK_LINE_EVIDENCE_SPAN; bg++)
      if (vk_online_pending_cost (r->dp, k, (guint) bg, &c))
        vk_line_evidence_set (e, bg, c);
  }
  return old + n;
}

/* Moves the timing line before a decision while the frames in hand say
 * it is off (vk_line_correct ()): a frame at a time, in one direction, then
 * by a fraction of a frame. The search's line comes from a second or two
 * of frames, and on slow motion (an eased zoom) a frame or two hide in
 * them; the frame choice follows the line through ties. The frames beyond
 * the held ones are not counted. Called with the lock. */
static void
correct_line (VkStreamRender * r)
{
  VkLineEvidence *ev;
  guint n = line_evidence (r, &ev);
  gdouble phase;
  gint moved;

  r->offset = vk_line_correct (ev, n, r->offset, r->rate, &moved, &phase);
  g_free (ev);
  if (moved != 0)
    GST_INFO_OBJECT (r->cfg.element, "the line moves %d frame(s): bg frame "
        "= %.2f + %.4f * fg frame (the frames %s it matched the fg frames "
        "in hand better)", moved, r->offset - phase, r->rate, moved < 0 ?
        "before" : "after");
  if (phase != 0.0)
    GST_INFO_OBJECT (r->cfg.element, "the line moves %+.2f frame: bg frame = "
        "%.2f + %.4f * fg frame (its rounding gave the fg frames in hand "
        "their most similar bg frame less often)", phase, r->offset, r->rate);
}

/* Queues the outputs of the oldest held fg frame with bg frame @bg (or the
 * nearest held one after it), their matching cost @cost (@tie: another
 * frame matched as well); @decided: @bg is a decision, later ones never go
 * before it and the bg frames before it are let go (an unmatched frame's
 * bg frame is a guess, unmatched_bg ()). Called with the lock. */
static void
emit (VkStreamRender * r, guint bg, gfloat cost, gboolean tie, gboolean decided)
{
  Held *f = g_queue_pop_head (&r->fg), *b = NULL;
  GstBuffer *fgbuf;
  GstClockTime dur;
  VkOutMeta o;
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
  o.tie = tie;
  vk_sr_out_place (r, &o);

  /* the fg's segment of the pass before their first output of the pass
   * (the bg's outputs are on the fg's timeline) */
  vk_out_queue_segment (&r->out[0], &r->pass_seg[1]);
  vk_out_queue_segment (&r->out[1], &r->pass_seg[1]);
  fgbuf = gst_buffer_make_writable (gst_buffer_ref (f->buf));
  GST_BUFFER_PTS (fgbuf) = f->pts;      /* (retimed) */
  dur = GST_BUFFER_DURATION_IS_VALID (fgbuf) ? GST_BUFFER_DURATION (fgbuf) :
      vk_sr_fg_frame_duration (r);
  vk_out_add_meta (fgbuf, &o);
  vk_out_queue (&r->out[1], fgbuf);
  if (b) {
    vk_out_queue (&r->out[0], vk_out_bg_buffer (b->buf, f->pts, dur, &o));
    if (cost <= LOST_COST) {
      VkMatchPoint p = { f->index, b->index, 1.0 };

      g_array_append_val (r->decided, p);
      vk_sr_post_alignment (r, FALSE);
    }
    if (decided) {
      r->have_out = TRUE;
      r->last_out_bg = b->index;
    }
  } else if (r->out[0].caps) {
    /* no bg frame at all yet (none without the bg's caps: a gap needs a
     * segment, which needs caps) */
    vk_out_queue (&r->out[0], gst_event_new_gap (f->pts, dur));
  }
  r->last_out_fg = f->index;
  vk_sr_held_free (f);
  /* the fg's end waits for its last frame's decision */
  if (r->fg.length == 0)
    g_cond_broadcast (&r->fg_done_cond);

  /* bg frames before the last decision are never shown again */
  while (r->have_out && (b = g_queue_peek_head (&r->bg))
      && b->index < r->last_out_bg)
    vk_sr_held_free (g_queue_pop_head (&r->bg));
}

/* the bg index fg frame @i is expected at */
gdouble
vk_sr_expected_bg (VkStreamRender * r, guint i)
{
  guint best;

  /* the newest DP row's best cell: the freshest estimate (the fg may run
   * faster or slower than the nominal rate), unless the match is lost */
  if (r->dp && r->dp_rows > 0 && r->find != FIND_LOST && r->bad_run == 0
      && vk_online_newest_best (r->dp, &best))
    return best + r->rate * ((gdouble) i - (r->dp_first + r->dp_rows - 1));
  if (r->have_out && VK_SR_PLACED (r) && r->last_out_fg >= r->dp_first)
    return r->last_out_bg + r->rate * ((gdouble) i - r->last_out_fg);
  return r->offset + r->rate * i;
}

/* The lowest bg frame a coming decision may pick: none before the DP's
 * band or the last frame output. */
guint
vk_sr_lowest_pick (VkStreamRender * r)
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
  guint margin = vk_stream_dp_margin (r->rate);

  if (r->dp == NULL || last == NULL)
    return;
  for (;;) {
    guint i = r->dp_first + r->dp_rows, lo;
    Held *f = vk_sr_find_held (&r->fg, i);

    if (f == NULL)
      break;
    /* the bg has reached the frame expected, and the fg frame's time */
    if (!(force && i <= upto) && !r->bg_eos
        && (last->index < vk_sr_expected_bg (r, i) + margin
            || last->rt < f->rt + 2 * GST_SECOND / r->bg_fps))
      break;
    lo = MIN (MAX (first->index, vk_sr_lowest_pick (r)), last->index);
    if (!vk_online_push_row (r->dp, lo, last->index, vk_sr_dp_cost, r))
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

  if (r->refined_pairs || r->cfg.opts.fixed_position
      || r->cfg.opts.match_region == VK_MATCH_REGION_FULL
      || raw > REFINE_COST || ++r->good_decisions < REFINE_AFTER)
    return;
  /* the decided bg frame and its neighbours: the pair of the same moment
   * correlates best */
  for (k = 0; k < 5; k++) {
    Held *b = bg + k >= 2 ? vk_sr_find_held (&r->bg, bg + k - 2) : NULL;

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
  if (n == 0 || !vk_sr_refine_full (r, &guess, f->buf, 0, bgbufs, NULL, n,
          NULL, NULL, 0, &out))
    return;
  /* a scale a few percent off 1.0 is often a crop mistaken for a zoom, and
   * the refinement only looks ±3 % around it: try 1.0 itself (as the
   * global mode does) */
  if (r->cfg.opts.prefer_unscaled && out.scale != 1.0
      && fabs (out.scale - 1.0) < VK_UNSCALED_RETRY) {
    VkPlacementEstimate one;
    VkSpatialParams sp;

    vk_spatial_params_init (&sp);
    if (vk_sr_refine_full (r, &guess, f->buf, 0, bgbufs, NULL, n, NULL,
            NULL, 1.0, &one)
        && one.score >= out.score - sp.unscaled_epsilon)
      out = one;
  }
  if (out.score < r->spatial_conf)
    return;
  r->spatial_conf = CLAMP (out.score, 0.0, 1.0);
  GST_INFO_OBJECT (r->cfg.element, "position refined on fg frame %u and bg "
      "frame %u: %d,%d scale %.4f (score %.4f)", f->index, bg,
      (gint) floor (out.x + 0.5), (gint) floor (out.y + 0.5), out.scale,
      out.score);
  /* the same place (the usual case): the descriptors and the DP's costs
   * stand (recomputing them held both inputs 0.13 s at 720p) */
  if (r->out_x == (gint) floor (out.x + 0.5)
      && r->out_y == (gint) floor (out.y + 0.5) && r->out_scale == out.scale)
    return;
  r->out_x = (gint) floor (out.x + 0.5);
  r->out_y = (gint) floor (out.y + 0.5);
  r->out_scale = out.scale;
  /* the bg descriptors were taken at the old position, and the DP's
   * pending costs and the decided frames' evidence with them */
  vk_sr_held_forget (&r->bg, HELD_DESC);
  vk_online_recost (r->dp, vk_sr_dp_cost, r);
  g_array_set_size (r->evidence, 0);
}

/* Forgets a position that never matched (called with the lock) */
static void
unposition (VkStreamRender * r)
{
  GST_INFO_OBJECT (r->cfg.element, "the fg at %d,%d scale %.4f never "
      "matched: searching again", r->out_x, r->out_y, r->out_scale);
  g_clear_pointer (&r->dp, vk_online_free);
  g_array_set_size (r->evidence, 0);
  /* (the next position's may be elsewhere) */
  vk_sr_held_forget (&r->bg, HELD_DESC);
  vk_sr_held_forget (&r->fg, HELD_DESC);
  r->find = FIND_UNPLACED;
  r->refined_pairs = FALSE;
  r->good_decisions = 0;
  r->bad_run = r->good_run = 0;
  r->next_search = r->n_fg;
}

/* the longer frame duration of both inputs */
static GstClockTime
frame_time (VkStreamRender * r)
{
  return MAX (vk_sr_fg_frame_duration (r),
      (GstClockTime) (GST_SECOND / r->bg_fps));
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

/* Whether a fg not found yet has been searched for long enough to say so
 * (oldest held fg frame @f): live inputs, as long as the bg window;
 * non-live ones, once a frame goes out unmatched (the bg ended, or the
 * held fg frames fill what may be held), with strict once the whole bg has
 * been searched (the global mode's verdict: frames beyond what can be held
 * go out unmatched meanwhile). Called with the lock. */
static gboolean
searched_enough (VkStreamRender * r, const Held * f)
{
  if (!r->live)
    return !r->cfg.strict || r->bg_eos;
  return f->index + 1 >= r->fg_fps * vk_sr_window (r) / GST_SECOND;
}

/* strict: the fg not found is an error (the refusal of the last placement
 * found says why, vk_align_not_found ()), and the renderer stops for good
 * (no frame is decided any more: vk_sr_process ()). Called with the
 * lock. */
static void
fail_not_found (VkStreamRender * r)
{
  vk_align_not_found (r->cfg.element, TRUE, r->refused_why ? r->refused_why :
      "no place of the background matches it", NULL);
  r->find = FIND_FAILED;
  vk_sr_halt (r, "strict");
}

/* The bg frame of fg frame @f while the fg is not found: the held one
 * shown at its running time (what a compositor of the two inputs shows: for
 * inputs in step, the fg's own moment), else the oldest held one. A guess:
 * the frames before it stay held for the searches, and the first decision
 * may go back before it. Until 2026-12-07 the oldest held one, the bg's
 * first until the window filled, then up to 2 · latency + 1 s before the
 * fg's moment: live inputs in step at 0.5 s of latency had their first
 * frames up to 22 and 47 bg frames behind, then a jump forward once found
 * (align-bench -m streaming -l 500: scaled-50, zp-30). Called with the
 * lock. */
static Held *
unmatched_bg (VkStreamRender * r, const Held * f)
{
  Held *shown = g_queue_peek_head (&r->bg);
  GList *l;

  for (l = r->bg.head; l; l = l->next) {
    Held *b = l->data;

    if (b->rt > f->rt)
      break;
    shown = b;
  }
  return shown;
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
      gfloat raw = vk_sr_raw_cost (r, f->index, d.bg);
      gboolean tie;
      guint bg;

      GST_LOG_OBJECT (r->cfg.element, "fg frame %u <- bg frame %u, cost "
          "%.4f%s", f->index, d.bg, raw, d.restarted ? " (restart)" : "");
      refine_on_decision (r, f, d.bg, raw);
      correct_line (r);
      track_match (r, f, d.bg, raw);
      if (raw <= LOST_COST)
        r->matched_since_found++;
      record_evidence (r, f);
      bg = pick_frame (r, f, d.bg, &tie);
      if (bg != d.bg)
        raw = vk_sr_raw_cost (r, f->index, bg);
      emit (r, bg, raw, tie, TRUE);
      /* lost before it ever matched: the search was wrong, search again */
      if (r->find == FIND_LOST && r->matched_since_found == 0)
        unposition (r);
      return;
    }
  }
  /* not found yet: unmatched (unmatched_bg ()); once the fg has been
   * searched for long enough, a warning (once), or with strict the
   * error */
  b = unmatched_bg (r, f);
  if (!VK_SR_PLACED (r) && !r->unfound_warned && !VK_SR_FLUSHING (r)
      && !r->stopping && searched_enough (r, f)) {
    r->unfound_warned = TRUE;
    if (r->cfg.strict) {
      fail_not_found (r);
      return;
    }
    vk_stream_warn_not_found (r->cfg.element, (GstClockTime) ((f->index + 1)
            * GST_SECOND / r->fg_fps), r->cfg.latency,
        r->cfg.opts.fixed_position ? "at the given position" :
        "at the centre of the background");
    vk_sr_post_unfound (r, f->index, b ? b->index : 0);
  }
  GST_LOG_OBJECT (r->cfg.element, "fg frame %u unmatched (bg frame %d)",
      f->index, b ? (gint) b->index : -1);
  emit (r, b ? b->index : 0, 1.0f, FALSE, FALSE);
}

/* Live inputs: how long fg frame @f may still wait by the element's clock
 * (its arrival plus the latency, less @margin); G_MAXINT64 without a clock.
 * Called with the lock. */
static GstClockTimeDiff
clock_left (VkStreamRender * r, const Held * f, GstClockTime margin)
{
  if (!r->clock || !GST_CLOCK_TIME_IS_VALID (f->arrival))
    return G_MAXINT64;
  return vk_stream_time_left (f->arrival, gst_clock_get_time (r->clock) -
      r->base_time, r->cfg.latency, margin);
}

/* Waits a while for the running search when fg frame @f can still wait by
 * the element's clock: until its arrival plus the latency less a frame
 * (its bg output leaves with the next bg frame; a test clock that does not
 * move: until the search ends); FALSE when its time is up. One wait on
 * search_cond (the search's end, a flush, a stop) of at most 20 ms: the
 * caller looks again (the clock moves on, new bg frames come meanwhile).
 * Called with the lock. */
static gboolean
wait_search (VkStreamRender * r, const Held * f)
{
  GstClockTimeDiff left = clock_left (r, f, frame_time (r));

  if (left <= 0)
    return FALSE;
  VK_SR_WAIT_UNTIL (r, search_cond, g_get_monotonic_time () +
      MIN (left / GST_USECOND, 20000));
  return TRUE;
}

/* Live inputs: how long until the oldest held fg frame is due by the clock
 * (vk_sr_process ()), G_MAXINT64 when none is held or the inputs are not
 * live. The fg's output task decides it then (vk_sr_out_due ()), so that a
 * frame leaves within the latency even when both sources stall or are
 * starved of CPU (the frames' own times, which are the sources', then
 * stand still). Called with the lock. */
GstClockTimeDiff
vk_sr_due_in (VkStreamRender * r)
{
  Held *oldest = g_queue_peek_head (&r->fg);

  if (!r->live || oldest == NULL)
    return G_MAXINT64;
  /* (while a search runs, it may wait for it: wait_search ()) */
  return clock_left (r, oldest, r->searching ? frame_time (r) :
      decision_margin (r));
}

/* Whether the held fg frames wait for the search rather than go out
 * unmatched. Non-live inputs wait for each other anyway, so a fg that is
 * not found yet is held (with its low-resolution copies searched again as
 * both inputs go on, and the bg read on after the fg's end) instead of
 * being output unmatched once the latency has passed: up to the bg
 * window's span less EXTRA_HOLD of fg frames (older ones could not meet
 * their bg frames) and UNFOUND_HOLD_BYTES. Live inputs cannot wait. Called with the lock. */
gboolean
vk_sr_hold_unfound (VkStreamRender * r)
{
  gsize frame = MAX (1, GST_VIDEO_INFO_SIZE (r->cfg.fg_info));
  guint span;

  if (r->live || VK_SR_PLACED (r) || r->bg_eos || VK_SR_FLUSHING (r)
      || r->stopping || !r->live_checked)
    return FALSE;
  span = (guint) (r->fg_fps * (vk_sr_window (r) - EXTRA_HOLD) / GST_SECOND);
  return r->fg.length < MIN (span, UNFOUND_HOLD_BYTES / frame);
}

/* non-live: whether the bg has reached the frame fg frame @f is expected
 * at (the DP's margin included): a frame due before (held for the search,
 * at the fg's end) waits for it */
static gboolean
bg_reached (VkStreamRender * r, const Held * f)
{
  Held *last = g_queue_peek_tail (&r->bg);

  return r->bg_eos || (last && last->index >= vk_sr_expected_bg (r,
          f->index) + vk_stream_dp_margin (r->rate));
}

/* How much older than the newest fg frame the oldest one is decided (the
 * DP's lag): the latency less the decision's margin; non-live inputs
 * within what NONLIVE_LAG_BYTES holds of fg frames and the bg frames of
 * their time (they wait for each other: the latency need not be used up, and a long
 * lag at a high resolution holds gigabytes) */
static GstClockTime
decision_lag (VkStreamRender * r)
{
  GstClockTime margin = decision_margin (r);
  GstClockTime lag = r->cfg.latency > margin ? r->cfg.latency - margin : 0;
  gdouble per_s = r->fg_fps * GST_VIDEO_INFO_SIZE (r->cfg.fg_info) +
      r->bg_fps * GST_VIDEO_INFO_SIZE (r->cfg.bg_info);

  return r->live ? lag : vk_stream_time_within (lag, NONLIVE_LAG_BYTES, per_s);
}

/* Decides every fg frame that is due: older than the DP's lag
 * (decision_lag ()) relative to the newest fg frame (live inputs: or by the clock,
 * vk_sr_due_in ()), or all at the fg's end; non-live, once the bg has
 * reached it. A frame due while a search runs waits for it as long as its
 * time allows if @may_wait (an input's thread), else is left for later
 * (the fg's output task, which must push what it decides). */
void
vk_sr_process (VkStreamRender * r, gboolean may_wait)
{
  GstClockTime budget = decision_lag (r);
  Held *newest, *oldest;
  guint max_held = (guint) (r->fg_fps * budget / GST_SECOND) + 2;

  vk_sr_try_position (r);
  add_rows (r, FALSE, 0);
  while ((oldest = g_queue_peek_head (&r->fg)) && r->find != FIND_FAILED) {
    GstClockTime now;

    /* the time now: the newest frame's; live inputs are both clocks (the
     * bg tells the time when the fg stalls or has ended) */
    newest = g_queue_peek_tail (&r->fg);
    now = newest->rt;
    if (r->live && (newest = g_queue_peek_tail (&r->bg)))
      now = MAX (now, newest->rt);
    /* (live: also once its time is up by the clock, vk_sr_due_in ()) */
    if (!r->fg_eos && now < oldest->rt + budget && r->fg.length <= max_held
        && vk_sr_due_in (r) > 0)
      break;
    if (vk_sr_hold_unfound (r) || (!r->live && VK_SR_PLACED (r)
            && !bg_reached (r, oldest)))
      break;
    /* a frame is due while a search runs (on the element's worker, so that
     * both inputs keep flowing meanwhile): its result first, as long as
     * the frame can wait (by the clock) */
    if (r->searching && !r->stopping && !VK_SR_FLUSHING (r)) {
      if (!may_wait && vk_sr_due_in (r) > 0)
        break;
      if (may_wait && wait_search (r, oldest)) {
        add_rows (r, FALSE, 0);
        continue;
      }
    }
    decide_oldest (r);
  }
  /* the decisions and the position moved on: bg_after () reads them */
  g_cond_broadcast (&r->admit_cond);
}

/* The time the held bg frames span: twice the latency plus EXTRA_HOLD;
 * non-live inputs at least UNFOUND_WINDOW (they can wait: a longer window
 * finds a fg that starts later in the bg, and holds the bg of the fg
 * frames held meanwhile). */
GstClockTime
vk_sr_window (VkStreamRender * r)
{
  GstClockTime w = 2 * r->cfg.latency + EXTRA_HOLD;

  return r->live ? w : MAX (w, UNFOUND_WINDOW);
}

/* Non-live inputs before the fg is found: how far the bg is read ahead of
 * the fg (plus the scan offset: bg_after ()): the latency, at least
 * NONLIVE_LEAD_MIN, within NONLIVE_LEAD_BYTES of bg frames */
GstClockTime
vk_sr_lead (VkStreamRender * r)
{
  return vk_stream_time_within (MAX (r->cfg.latency, NONLIVE_LEAD_MIN),
      NONLIVE_LEAD_BYTES, r->bg_fps * GST_VIDEO_INFO_SIZE (r->cfg.bg_info));
}

/* the most bg frames held: the window's, within UNFOUND_HOLD_BYTES beyond
 * the live window's */
guint
vk_sr_bg_cap (VkStreamRender * r)
{
  guint live = (guint) ceil (r->bg_fps * (2 * r->cfg.latency + EXTRA_HOLD) /
      GST_SECOND) + 4;
  guint all = (guint) ceil (r->bg_fps * vk_sr_window (r) / GST_SECOND) + 4;
  gsize frame = MAX (1, GST_VIDEO_INFO_SIZE (r->cfg.bg_info));

  return MAX (live, MIN (all, UNFOUND_HOLD_BYTES / frame));
}

/* drops held bg frames beyond the window (the oldest first) */
void
vk_sr_trim_bg (VkStreamRender * r)
{
  guint cap = vk_sr_bg_cap (r);
  Held *b;

  while (r->bg.length > cap) {
    b = g_queue_pop_head (&r->bg);
    GST_LOG_OBJECT (r->cfg.element, "bg frame %u leaves the window", b->index);
    vk_sr_held_free (b);
  }
}
