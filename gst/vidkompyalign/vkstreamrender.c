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
 *   (non-live inputs: within a byte budget, vkstreamdecide.c's
 *   decision_lag (); at EOS: all).
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

#include "vkstreamrender-priv.h"

/* the element's category (same name: the same category) */
GST_DEBUG_CATEGORY (vk_stream_debug);

void
vk_sr_held_free (Held * h)
{
  gst_buffer_unref (h->buf);
  g_free (h->low);
  g_free (h->desc);
  g_free (h);
}

/* frees the @parts of each held frame of @q (taken before the position
 * was found, or at a position that changed); they are made again when
 * needed */
void
vk_sr_held_forget (GQueue * q, HeldParts parts)
{
  GList *l;

  for (l = q->head; l; l = l->next) {
    Held *h = l->data;

    if (parts & HELD_LOW)
      g_clear_pointer (&h->low, g_free);
    if (parts & HELD_DESC)
      g_clear_pointer (&h->desc, g_free);
  }
}

/* the frame rate of an input's caps (0/1: a variable frame rate file)
 * until its held frames' timestamps tell it (fps_from_held ()) */
static gdouble
fps_of (const GstVideoInfo * info)
{
  return vk_fps_estimate (GST_VIDEO_INFO_FPS_N (info),
      GST_VIDEO_INFO_FPS_D (info), GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, 0);
}

VkStreamRender *
vk_stream_render_new (const VkStreamConfig * config)
{
  VkStreamRender *r = g_new0 (VkStreamRender, 1);
  gint k;

  GST_DEBUG_CATEGORY_INIT (vk_stream_debug, "vidkompyalign", 0,
      "vidkompy spatial and temporal alignment");
  r->cfg = *config;
  gst_object_ref (r->cfg.bg_src);
  gst_object_ref (r->cfg.fg_src);
  g_mutex_init (&r->lock);
  vk_sr_conds_init (r);
  g_queue_init (&r->bg);
  g_queue_init (&r->fg);
  r->decided = g_array_new (FALSE, FALSE, sizeof (VkMatchPoint));
  r->evidence = g_array_new (FALSE, FALSE, sizeof (VkLineEvidence));
  vk_retime_init (&r->retime, FALSE);
  r->last_fg_pts = GST_CLOCK_TIME_NONE;
  vk_out_init (&r->out[0], config->element, config->bg_sink, config->bg_src,
      &r->lock, "streaming: ");
  vk_out_init (&r->out[1], config->element, config->fg_sink, config->fg_src,
      &r->lock, "streaming: ");
  vk_out_set_due (&r->out[1], vk_sr_out_due, r);
  r->bg_fps = r->fg_fps = VK_DEFAULT_FPS;
  r->pass_seg[0] = *config->bg_segment;
  r->pass_seg[1] = *config->fg_segment;
  for (k = 0; k < 2; k++)
    r->pass[k] = r->pass_seg[k].format == GST_FORMAT_TIME ? PASS_CURRENT :
        PASS_UNSEGMENTED;
  r->coupled_ahead = G_MAXINT64;
  r->coupled_frames = G_MAXDOUBLE;
  for (k = 0; k < 2; k++) {
    const GstVideoInfo *info = k ? config->fg_info : config->bg_info;

    if (GST_VIDEO_INFO_WIDTH (info) > 0)
      vk_stream_render_caps (r, k, info);
  }
  vk_out_start (&r->out[0]);
  vk_out_start (&r->out[1]);
  return r;
}

/* the state of a pass of both inputs (see switch_pass ()); every wait
 * looks again. Called with the lock. */
static void
clear_pass (VkStreamRender * r)
{
  gint k;

  g_queue_clear_full (&r->bg, (GDestroyNotify) vk_sr_held_free);
  g_queue_clear_full (&r->fg, (GDestroyNotify) vk_sr_held_free);
  g_clear_pointer (&r->dp, vk_online_free);
  g_array_set_size (r->evidence, 0);
  r->generation++;
  r->scan = 0;
  r->n_bg = r->n_fg = 0;
  r->fg_first_late = FALSE;
  vk_retime_reset (&r->retime);
  r->last_fg_pts = GST_CLOCK_TIME_NONE;
  /* (a strict renderer that failed stays failed) */
  if (r->find != FIND_FAILED)
    r->find = FIND_UNPLACED;
  r->refined_pairs = FALSE;
  r->good_decisions = 0;
  r->n_cand = 0;
  r->next_search = r->next_search_bg = 0;
  r->have_out = FALSE;
  vk_sr_set_msg (r, MSG_NONE, "the pass's state cleared");
  g_array_set_size (r->decided, 0);
  r->lag_warned = 0;
  r->bad_run = r->good_run = 0;
  r->bg_eos = r->fg_eos = FALSE;
  r->live_checked = FALSE;
  for (k = 0; k < 2; k++)
    if (r->pass[k] != PASS_UNSEGMENTED)
      vk_sr_set_pass (r, k, PASS_CURRENT, "the pass's state cleared");
  vk_out_segment_due (&r->out[0]);
  vk_out_segment_due (&r->out[1]);
  vk_sr_wake_all (r, "the pass's state cleared");
}

/* the whole state (a flush) */
static void
clear_state (VkStreamRender * r)
{
  clear_pass (r);
  r->refused_warned = r->unfound_warned = FALSE;
  g_clear_pointer (&r->refused_why, g_free);
  r->bg_shift = 0;
  vk_out_reset (&r->out[0], "the state cleared");
  vk_out_reset (&r->out[1], "the state cleared");
}

void
vk_stream_render_free (VkStreamRender * r)
{
  if (r == NULL)
    return;
  vk_stream_render_stop (r);
  vk_out_join (&r->out[0]);
  vk_out_join (&r->out[1]);
  clear_state (r);
  g_mutex_clear (&r->lock);
  vk_sr_conds_clear (r);
  gst_object_unref (r->cfg.bg_src);
  gst_object_unref (r->cfg.fg_src);
  gst_clear_object (&r->clock);
  vk_retime_clear (&r->retime);
  vk_out_clear (&r->out[0]);
  vk_out_clear (&r->out[1]);
  g_array_unref (r->decided);
  g_array_unref (r->evidence);
  g_free (r);
}

/* Unblocks the streaming threads and the output tasks for good
 * (shutdown; may be called with the element's lock: it never blocks). */
void
vk_stream_render_stop (VkStreamRender * r)
{
  g_mutex_lock (&r->lock);
  vk_sr_halt (r, "stop");
  g_mutex_unlock (&r->lock);
}

/* ------------------------------------------------------------------------ */
/* Frames */

GstClockTime
vk_sr_fg_frame_duration (VkStreamRender * r)
{
  return (GstClockTime) (GST_SECOND / r->fg_fps);
}

/* whether the peer of @sinkpad says it is live (LATENCY query) */
gboolean
vk_stream_peer_live (GstPad * sinkpad)
{
  GstQuery *q = gst_query_new_latency ();
  gboolean live = FALSE;

  if (gst_pad_peer_query (sinkpad, q))
    gst_query_parse_latency (q, &live, NULL, NULL);
  gst_query_unref (q);
  return live;
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
  for (k = 0; k < 2; k++)
    r->live |= vk_stream_peer_live (pads[k]);
  if (r->live)
    g_cond_broadcast (&r->admit_cond);  /* (admitted ()) */
  GST_INFO_OBJECT (r->cfg.element, "streaming: bg %.3f fps, fg %.3f fps, "
      "latency %" GST_TIME_FORMAT ", %s inputs", r->bg_fps, r->fg_fps,
      GST_TIME_ARGS (r->cfg.latency), r->live ? "live" : "non-live");
}

/* a low-resolution copy of the luma, for the position search */
guint8 *
vk_sr_low_copy (VkStreamRender * r, gboolean is_fg, GstBuffer * buf)
{
  guint8 *low = g_new (guint8, r->low_w[is_fg] * r->low_h[is_fg]);

  if (!vk_low_copy (is_fg ? r->cfg.fg_info : r->cfg.bg_info, buf,
          r->low_w[is_fg], r->low_h[is_fg], low))
    g_clear_pointer (&low, g_free);
  return low;
}

/* where the descriptor of a frame of one input is taken: the compared
 * region (in the frame's pixels) and the descriptor's size */
typedef struct
{
  gdouble x, y, w, h;
  gint dw, dh;
} DescRegion;

/* the region of input @is_fg's descriptors at the position taken; FALSE
 * when the fg is not positioned. Called with the lock. */
static gboolean
desc_region (VkStreamRender * r, gboolean is_fg, DescRegion * d)
{
  gdouble s = is_fg ? 1.0 : r->out_scale;

  if (!VK_SR_PLACED (r))
    return FALSE;
  d->x = (is_fg ? 0 : r->out_x) + r->valid_x * s;
  d->y = (is_fg ? 0 : r->out_y) + r->valid_y * s;
  d->w = r->valid_w * s;
  d->h = r->valid_h * s;
  d->dw = r->desc_w;
  d->dh = r->desc_h;
  return TRUE;
}

static gboolean
desc_region_equal (const DescRegion * a, const DescRegion * b)
{
  return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h
      && a->dw == b->dw && a->dh == b->dh;
}

/* the descriptor of region @d of @buf (NULL when it cannot be mapped);
 * @flat: it is all zero. Needs no lock. */
static gfloat *
desc_of (const GstVideoInfo * info, GstBuffer * buf, const DescRegion * d,
    gboolean * flat)
{
  gfloat *desc = vk_desc_of_buffer (info, buf, d->x, d->y, d->w, d->h, d->dw,
      d->dh);

  if (desc == NULL)
    return NULL;
  *flat = vk_desc_similarity (desc, desc, d->dw * d->dh) < 0.5;
  return desc;
}

/* the descriptor of the compared region of a held frame (cached; most are
 * made by their input's thread as they come: frame_desc ()) */
static const gfloat *
held_desc (VkStreamRender * r, gboolean is_fg, Held * h)
{
  DescRegion d;

  if (h->desc == NULL && desc_region (r, is_fg, &d))
    h->desc = desc_of (is_fg ? r->cfg.fg_info : r->cfg.bg_info, h->buf, &d,
        &h->flat);
  return h->desc;
}

/* Once positioned, each frame's descriptor is made by its input's thread
 * without the lock as it comes (at 1080p it costs about 0.5 ms, which
 * held_desc () in the DP's rows spent with the lock, holding the other
 * input), at the region of the position then: @d. Called with the lock,
 * which it releases meanwhile. */
static gfloat *
frame_desc (VkStreamRender * r, gboolean is_fg, GstBuffer * buf,
    DescRegion * d, gboolean * flat)
{
  gfloat *desc;

  if (!desc_region (r, is_fg, d))
    return NULL;
  g_mutex_unlock (&r->lock);
  desc = desc_of (is_fg ? r->cfg.fg_info : r->cfg.bg_info, buf, d, flat);
  g_mutex_lock (&r->lock);
  return desc;
}

/* the held frame with index @index, or NULL */
Held *
vk_sr_find_held (GQueue * q, guint index)
{
  Held *first = g_queue_peek_head (q);

  if (first == NULL || index < first->index)
    return NULL;
  return g_queue_peek_nth (q, index - first->index);
}

/* 1 − NCC of the descriptors of fg frame @fg and bg frame @bg */
gfloat
vk_sr_raw_cost (VkStreamRender * r, guint fg, guint bg)
{
  Held *f = vk_sr_find_held (&r->fg, fg), *b = vk_sr_find_held (&r->bg, bg);
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

gfloat
vk_sr_dp_cost (guint row, guint bg, gpointer user_data)
{
  VkStreamRender *r = user_data;

  /* costs of unrelated content are all alike: where the fg is not in the
   * bg the path has no preference, and does not pull earlier rows */
  return MIN (vk_sr_raw_cost (r, r->dp_first + row, bg),
      CAP_COST) / r->cost_scale;
}

/* ------------------------------------------------------------------------ */
/* Pads */

/* A fg frame whose timestamp @pts is not after the previous one's gets one
 * a frame after it (vkretime.c, as in the global mode), so that every fg
 * frame is output; the first says so. Called with the lock. */
GstClockTime
vk_sr_retime (VkStreamRender * r, GstClockTime pts)
{
  r->last_fg_pts = vk_retime_add (&r->retime, r->last_fg_pts, pts,
      vk_sr_fg_frame_duration (r));
  if (r->retime.n_retimed == 1 && r->last_fg_pts != pts)
    vk_stream_warn_retimed (r->cfg.element, r->retime.first,
        r->retime.first_raw, r->retime.first_prev);
  return r->last_fg_pts;
}

static GstFlowReturn
take_frame (VkStreamRender * r, gboolean is_fg, GstBuffer * buf)
{
  const GstSegment *seg = is_fg ? r->cfg.fg_segment : r->cfg.bg_segment;
  Held *h = g_new0 (Held, 1);
  GstFlowReturn ret;
  /* (the element's lock before ours, never inside) */
  GstClock *clock = gst_element_get_clock (r->cfg.element);
  GstClockTime base = gst_element_get_base_time (r->cfg.element);
  /* before both inputs have caps (check_live ()), an input that is live
   * itself is not held back for the other one: a live bg whose fg starts
   * later kept its frames waiting for the fg's first (and a live source
   * feeding both inputs in running-time order hung) */
  gboolean in_live = FALSE;
  gfloat *desc = NULL;
  DescRegion at, now;
  gboolean flat = FALSE;

  g_mutex_lock (&r->lock);
  if (!is_fg)
    vk_upstream_enter (&r->bg_up);
  if (!r->live_checked && !r->live) {
    g_mutex_unlock (&r->lock);
    in_live = vk_stream_peer_live (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink);
    g_mutex_lock (&r->lock);
  }
  if (in_live && !r->live) {
    r->live = TRUE;
    /* live inputs are not merged in stream order (admitted ()) */
    g_cond_broadcast (&r->admit_cond);
  }
  gst_object_replace ((GstObject **) & r->clock, (GstObject *) clock);
  r->base_time = base;
  h->arrival = clock ? gst_clock_get_time (clock) - base : GST_CLOCK_TIME_NONE;
  gst_clear_object (&clock);
  /* a seek of both inputs: the frames of neither are taken in until both
   * have flushed (the state is cleared at each flush-stop); this input's
   * frames before its own flush are dropped */
  while (!r->stopping && !VK_SR_IN_FLUSH (r, is_fg)
      && (VK_SR_IN_FLUSH (r, !is_fg) || VK_SR_SEEK_DUE (r, 0)
          || VK_SR_SEEK_DUE (r, 1) || r->pass[is_fg] == PASS_NEXT))
    VK_SR_WAIT (r, gate_cond);
  if (VK_SR_IN_FLUSH (r, is_fg) || r->stopping) {
    g_mutex_unlock (&r->lock);
    g_free (h);
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  if (!is_fg && r->fg_eos && r->fg.length == 0) {
    /* the fg ended: nothing more to align; the fg began a new pass: the
     * bg's frames until its own are dropped */
    ret = r->pass[1] == PASS_NEXT ? GST_FLOW_OK : GST_FLOW_EOS;
    g_mutex_unlock (&r->lock);
    g_free (h);
    gst_buffer_unref (buf);
    return ret;
  }
  check_live (r);
  h->buf = buf;
  h->pts = GST_BUFFER_PTS (buf);
  if (is_fg && GST_CLOCK_TIME_IS_VALID (h->pts))
    h->pts = vk_sr_retime (r, h->pts);
  h->rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, h->pts);
  if (!GST_CLOCK_TIME_IS_VALID (h->rt))
    h->rt = 0;
  else if (!is_fg)
    h->rt = (GstClockTime) MAX ((GstClockTimeDiff) h->rt + r->bg_shift, 0);
  GST_LOG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "frame at %"
      GST_TIME_FORMAT ", running time %" GST_TIME_FORMAT,
      GST_TIME_ARGS (h->pts), GST_TIME_ARGS (h->rt));
  if (!VK_SR_PLACED (r) && r->live_checked) {
    g_mutex_unlock (&r->lock);
    h->low = vk_sr_low_copy (r, is_fg, buf);
    g_mutex_lock (&r->lock);
  } else {
    desc = frame_desc (r, is_fg, buf, &at, &flat);
  }
  h->index = is_fg ? r->n_fg++ : r->n_bg++;
  if (r->pass[is_fg] == PASS_FRESH)
    vk_sr_set_pass (r, is_fg, PASS_CURRENT, "its first frame");
  r->pending[is_fg] = h;
  g_cond_broadcast (&r->admit_cond);
  vk_sr_wait_admitted (r, is_fg);
  r->pending[is_fg] = NULL;
  if (VK_SR_FLUSHING (r) || r->stopping) {
    vk_sr_held_free (h);
  } else {
    /* (the position may have moved meanwhile) */
    if (desc && desc_region (r, is_fg, &now) && desc_region_equal (&at, &now)) {
      h->desc = g_steal_pointer (&desc);
      h->flat = flat;
    }
    g_queue_push_tail (is_fg ? &r->fg : &r->bg, h);
    if (!is_fg)
      vk_sr_trim_bg (r);
  }
  if (!VK_SR_FLUSHING (r) && !r->stopping) {
    vk_sr_process (r, TRUE);
    vk_sr_wait_output (r, is_fg);
  }
  if (VK_SR_IN_FLUSH (r, is_fg) || r->stopping)
    ret = GST_FLOW_FLUSHING;
  else if (VK_SR_FLUSHING (r))
    ret = GST_FLOW_OK;          /* the other input flushes: frame dropped */
  else if (!is_fg && r->fg_eos && r->fg.length == 0 && r->pass[1] != PASS_NEXT)
    ret = GST_FLOW_EOS;         /* the fg ended: nothing more to align */
  else
    ret = r->out[is_fg].flow;
  g_mutex_unlock (&r->lock);
  g_free (desc);
  return ret;
}

GstFlowReturn
vk_stream_render_chain (VkStreamRender * r, gboolean is_fg, GstBuffer * buf)
{
  GstFlowReturn ret = take_frame (r, is_fg, buf);

  if (!is_fg) {
    /* (the bg's thread goes upstream: vk_sr_wait_admitted ()) */
    g_mutex_lock (&r->lock);
    vk_upstream_leave (&r->bg_up);
    g_mutex_unlock (&r->lock);
  }
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
  while (r->live && !r->bg_eos && !VK_SR_FLUSHING (r) && !r->stopping
      && r->fg.length > 0) {
    if (!VK_SR_WAIT_UNTIL (r, fg_done_cond, deadline))
      break;
  }
  vk_sr_set_ended (r, TRUE);
  vk_sr_process (r, TRUE);
  /* non-live: fg frames held for the search, or whose bg frames are still
   * to come, are decided in the bg's thread as its frames arrive (the bg
   * is read on after the fg's end, vk_sr_hold_unfound ()) */
  while (!r->live && r->fg.length > 0 && !r->bg_eos && !VK_SR_FLUSHING (r)
      && !r->stopping)
    VK_SR_WAIT (r, fg_done_cond);
  vk_sr_process (r, TRUE);
}

/* The fg ended: every held fg frame is decided and queued, then both
 * outputs end (the bg's outputs are those of the fg's frames): with EOS,
 * or with @done (taken), the SEGMENT_DONE of a segment seek's end. */
static void
finish (VkStreamRender * r, GstEvent * done)
{
  g_mutex_lock (&r->lock);
  end_fg_pass (r);
  vk_sr_post_alignment (r, TRUE);
  vk_out_queue_segment (&r->out[0], &r->pass_seg[1]);
  vk_out_queue_segment (&r->out[1], &r->pass_seg[1]);
  if (done) {
    vk_out_queue (&r->out[0], gst_event_copy (done));
    vk_out_queue (&r->out[1], done);
  } else {
    vk_out_end (&r->out[0], "the fg's pass ended");
    vk_out_end (&r->out[1], "the fg's pass ended");
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
  if (r->pass[is_fg] == PASS_NEXT) {
    /* another seek before the other input began its pass */
    r->next_seg[is_fg] = seg;
  } else if (n == 0 && !ended) {
    /* before the input's first frame of the pass: when the other input
     * has frames already, its next frames are of a new pass */
    if (r->pass[is_fg] != PASS_UNSEGMENTED && other > 0
        && !gst_segment_is_equal (&seg, &r->pass_seg[is_fg]))
      vk_sr_set_pass (r, is_fg, PASS_FRESH, "a new segment before its "
          "frames, the other input's came");
    else if (r->pass[is_fg] == PASS_FRESH)
      vk_sr_set_pass (r, is_fg, PASS_CURRENT, "a segment before its frames");
    r->pass_seg[is_fg] = seg;
  } else if (!gst_segment_is_equal (&seg, &r->pass_seg[is_fg])) {
    GST_DEBUG_OBJECT (is_fg ? r->cfg.fg_sink : r->cfg.bg_sink, "streaming: "
        "a new segment after %u frames: the pass ends", is_fg ? r->n_fg :
        r->n_bg);
    if (is_fg && !r->fg_eos)
      end_fg_pass (r);
    if (!is_fg)
      vk_sr_set_ended (r, FALSE);
    vk_sr_set_pass (r, is_fg, PASS_NEXT, "a new segment after frames");
    r->next_seg[is_fg] = seg;
    if (r->pass[!is_fg] == PASS_FRESH) {
      vk_sr_set_pass (r, !is_fg, PASS_NEXT, "the other input's pass ended");
      r->next_seg[!is_fg] = r->pass_seg[!is_fg];
    }
    if (r->pass[!is_fg] == PASS_NEXT)
      switch_pass (r);
  }
  if (r->pass[is_fg] == PASS_UNSEGMENTED)
    vk_sr_set_pass (r, is_fg, PASS_CURRENT, "its first segment");
  g_mutex_unlock (&r->lock);
}

gboolean
vk_stream_render_event (VkStreamRender * r, gboolean is_fg, GstEvent * event)
{
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
      vk_sr_set_ended (r, FALSE);
      g_mutex_unlock (&r->lock);
      return TRUE;
    case GST_EVENT_FLUSH_START:
      g_mutex_lock (&r->lock);
      vk_sr_flush_event (r, is_fg, FLUSH_EV_START);
      vk_out_pause (&r->out[is_fg], "flush-start");
      vk_sr_wake_all (r, "flush-start");
      g_mutex_unlock (&r->lock);
      return vk_out_forward_flush (&r->out[is_fg], event);
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&r->lock);
      vk_sr_flush_event (r, is_fg, FLUSH_EV_STOP);
      /* (clear_state () wakes every wait) */
      clear_state (r);
      g_mutex_unlock (&r->lock);
      return vk_out_forward_flush (&r->out[is_fg], event);
    default:
      /* caps and segments are kept by the element and sent with the
       * first output; other events are dropped */
      gst_event_unref (event);
      return TRUE;
  }
}
