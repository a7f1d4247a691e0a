/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign, global mode, phase 1: the analysis (a low-resolution copy
 * of every frame of both inputs, progress, estimates on the way). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gstvidkompyalign-priv.h"

static void snapshot_free (gpointer data);
static gpointer estimate_snapshot (GstVidkompyAlign * self, gint percent);
static void estimate_partial (GstElement * element, gpointer user_data);

static gboolean
check_seekable (GstVidkompyAlign * self, Stream * s)
{
  if (!vk_seek_peer_seekable (s->sinkpad)) {
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

void
gst_vidkompy_align_post_progress (GstVidkompyAlign * self)
{
  gdouble p[2] = { 0, 0 };
  Stream *ss[2] = { &self->bg, &self->fg };
  guint64 n_bg, n_fg;
  gint percent;
  guint i;
  gpointer snap;

  for (i = 0; i < 2; i++) {
    Stream *s = ss[i];

    if (VK_IN_ENDED (s))
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
    gst_vidkompy_align_start_job (self, "vk-estimate", estimate_partial, snap,
        snapshot_free);
    g_mutex_unlock (&self->lock);
  }
}

/* The low-resolution copy of the frame's luma (its fingerprint) in @dst,
 * s->low_width x s->low_height bytes. */
gboolean
gst_vidkompy_align_frame_fingerprint (GstVidkompyAlign * self, Stream * s,
    GstBuffer * buf, guint8 * dst)
{
  if (!vk_low_copy (&s->info, buf, s->low_width, s->low_height, dst)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("%s: could not map a video frame.", GST_PAD_NAME (s->sinkpad)),
        (NULL));
    return FALSE;
  }
  return TRUE;
}

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
GstFlowReturn
gst_vidkompy_align_analyse_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer * buf)
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
  if (!gst_vidkompy_align_frame_fingerprint (self, s, buf, fp))
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
        (guint64) (gst_vidkompy_align_stream_fps (s) * 1000 + 0.5),
        1000 * GST_SECOND) + 16;

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
  gst_vidkompy_align_post_progress (self);
  return gst_vidkompy_align_maybe_use_saved (self) ? GST_FLOW_OK :
      GST_FLOW_ERROR;
}

void
gst_vidkompy_align_summary_of (const Stream * s, VkStreamSummary * sum)
{
  sum->width = GST_VIDEO_INFO_WIDTH (&s->info);
  sum->height = GST_VIDEO_INFO_HEIGHT (&s->info);
  sum->low_width = s->low_width;
  sum->low_height = s->low_height;
  sum->fps = gst_vidkompy_align_stream_fps (s);
  sum->n_frames = s->pts->len;
  sum->low = s->low->data;
}

/* ------------------------------------------------------------------------ */
/* Estimates during the analysis */

/* A subsampled copy of what both streams analysed so far: at most
 * ESTIMATE_FRAMES frames a stream, the same time step in both. */
typedef struct
{
  GstVidkompyAlign *self;
  VkStreamSummary bg, fg;
  VkAlignMsg msg;
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

  gst_vidkompy_align_summary_of (s, sum);
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
  gdouble bg_fps = gst_vidkompy_align_stream_fps (&self->bg), fg_fps =
      gst_vidkompy_align_stream_fps (&self->fg);
  gdouble step = MAX (self->bg.pts->len / bg_fps,
      self->fg.pts->len / fg_fps) / ESTIMATE_FRAMES;

  snap->self = self;
  subsample (&self->bg, MAX (1, (guint) floor (step * bg_fps + 0.5)),
      &snap->bg);
  subsample (&self->fg, MAX (1, (guint) floor (step * fg_fps + 0.5)),
      &snap->fg);
  gst_vidkompy_align_msg_init (self, &snap->msg, "estimate");
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
    gst_vidkompy_align_msg_estimate (&snap->msg, e);
    vk_align_msg_post (GST_ELEMENT (self), e, &snap->msg);
  }
  g_mutex_unlock (&self->lock);
}

/* The analysis reached @percent: the snapshot for the next estimate, when
 * one is due (at 50 % of the analysis, not when a saved
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

  saved = self->settings.use_alignment || (self->settings.cache_dir
      && self->preset_state == PRESET_UNCHECKED);
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

  gst_vidkompy_align_options (self, &opts);
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

void
gst_vidkompy_align_analysis_done (GstVidkompyAlign * self)
{
  gst_vidkompy_align_stream_identity (&self->bg, TRUE, &self->bg_id);
  gst_vidkompy_align_stream_identity (&self->fg, TRUE, &self->fg_id);
  gst_vidkompy_align_set_phase (self, PHASE_ALIGNING);
  self->t_analysed = g_get_monotonic_time ();
  GST_INFO_OBJECT (self, "analysed %u bg and %u fg frames in %.3f s",
      self->bg.pts->len, self->fg.pts->len,
      (self->t_analysed - self->t_start) / 1e6);
  gst_vidkompy_align_start_job (self, "vk-align",
      gst_vidkompy_align_and_replay, NULL, NULL);
}

/* VkStarvedFunc: @pad has had no frame and no EOS while analysing */
gboolean
gst_vidkompy_align_starved (GstElement * element, GstPad * pad)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  Stream *s = gst_vidkompy_align_stream_of_pad (self, pad);
  gboolean ret;

  g_mutex_lock (&self->lock);
  ret = self->phase == PHASE_ANALYSIS && s->pts->len == 0 && !VK_IN_ENDED (s);
  g_mutex_unlock (&self->lock);
  return ret;
}

/* the frame rate of @s: its caps', or its timestamps' (vk_fps_estimate ()) */
gdouble
gst_vidkompy_align_stream_fps (const Stream * s)
{
  guint n = s->pts->len;

  return vk_fps_estimate (s->have_info ? GST_VIDEO_INFO_FPS_N (&s->info) : 0,
      s->have_info ? GST_VIDEO_INFO_FPS_D (&s->info) : 0,
      n ? g_array_index (s->pts, GstClockTime, 0) : GST_CLOCK_TIME_NONE,
      n ? g_array_index (s->pts, GstClockTime, n - 1) : GST_CLOCK_TIME_NONE, n);
}

/* index of the analysed frame with timestamp @pts */
guint
gst_vidkompy_align_frame_index (const Stream * s, GstClockTime pts)
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
