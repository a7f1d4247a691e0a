/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign, global mode, phase 2: the alignment job (align, check that
 * the fg was found, seek the inputs back to render). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "gstvidkompyalign-priv.h"

static void seek_to (GstVidkompyAlign * self, Stream * s,
    GstClockTime position);

/* see seek_to () */
#define SEEK_MARGIN GST_MSECOND
/* see analysed_end () */
#define ANALYSED_END_MARGIN GST_SECOND

/* The stream time of @s's analysed frame at @pts, in which a seek counts:
 * a demuxer's segment maps the first PTS of a file to its stream time
 * (an MKV muxed with a start offset: PTS 5 s, stream time 0; an MP4 whose
 * edit list skips the B-frame delay: 0.1 s and 0), and a seek to the PTS
 * went that much too far (past the end of a 4-s MKV with a 5-s offset:
 * nothing replayed). With the lock. */
static GstClockTime
stream_time_of (Stream * s, GstClockTime pts)
{
  GstClockTime first = s->pts->len > 0 ? g_array_index (s->pts, GstClockTime,
      0) : GST_CLOCK_TIME_NONE;

  if (!GST_CLOCK_TIME_IS_VALID (first) || !GST_CLOCK_TIME_IS_VALID (pts)
      || pts < first)
    return pts;
  return s->time0 + (pts - first);
}

/* Where the render of @s may stop: a little after its last analysed frame
 * when the analysis ended ANALYSED_END_MARGIN or more before the input's
 * duration (an EOS sent by the application, as gst-launch-1.0 -e sends on
 * Ctrl-C: the render then went on decoding the rest of the input for
 * frames past the alignment, which it drops), else none. With the lock. */
static GstClockTime
analysed_end (Stream * s)
{
  GstClockTime first, last, end;
  guint n = s->pts->len;

  if (n == 0 || s->retime.n_retimed > 0
      || !GST_CLOCK_TIME_IS_VALID (s->duration))
    return GST_CLOCK_TIME_NONE;
  first = g_array_index (s->pts, GstClockTime, 0);
  last = g_array_index (s->pts, GstClockTime, n - 1);
  if (!GST_CLOCK_TIME_IS_VALID (first) || !GST_CLOCK_TIME_IS_VALID (last)
      || last < first)
    return GST_CLOCK_TIME_NONE;
  /* (the duration is in stream time, which starts at time0) */
  end = stream_time_of (s, last) + ANALYSED_END_MARGIN;
  if (end >= s->duration)
    return GST_CLOCK_TIME_NONE;
  return end;
}

/* analysed_end () of @s, unless a saved alignment is rendered (it is
 * rendered whole: its analysis may have been cut short on purpose when it
 * was taken). With the lock. */
static GstClockTime
replay_stop (GstVidkompyAlign * self, Stream * s)
{
  return VK_PRESET (self) ? GST_CLOCK_TIME_NONE : analysed_end (s);
}

/* Seeks @s back to its analysed frame at PTS @position (at its stream
 * time, stream_time_of ()): to the stream's start
 * for its first frame (qtdemux and a decoder can lose the first frames of
 * a file with B-frames after an accurate seek to their timestamp), else a
 * little before the frame (a decoder can give it a timestamp a nanosecond
 * earlier than the first time, and clip it); a retimed input (see
 * vkretime.c) from its start. What comes before the frame is dropped, see
 * gst_vidkompy_align_replayed_frame (). */
static void
seek_to (GstVidkompyAlign * self, Stream * s, GstClockTime position)
{
  GstClockTime first, stop;
  GstEvent *seek;

  g_mutex_lock (&self->lock);
  first = s->pts->len > 0 ? g_array_index (s->pts, GstClockTime, 0) : 0;
  /* a retimed input's frames are found in their order from the start */
  if (s->retime.n_retimed > 0)
    first = GST_CLOCK_TIME_NONE;
  stop = replay_stop (self, s);
  if (position <= first)
    position = 0;
  else {
    position = stream_time_of (s, position);
    position -= MIN (position, SEEK_MARGIN);
  }
  g_mutex_unlock (&self->lock);
  seek = gst_event_new_seek (1.0, GST_FORMAT_TIME,
      GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
      position, GST_CLOCK_TIME_IS_VALID (stop) ? GST_SEEK_TYPE_SET :
      GST_SEEK_TYPE_NONE, stop);

  if (GST_CLOCK_TIME_IS_VALID (stop))
    GST_INFO_OBJECT (s->sinkpad, "replaying from %" GST_TIME_FORMAT " to %"
        GST_TIME_FORMAT ": the analysis ended before the input's duration %"
        GST_TIME_FORMAT, GST_TIME_ARGS (position), GST_TIME_ARGS (stop),
        GST_TIME_ARGS (s->duration));
  else
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

/* From the alignment in self->result to the render phase; with the
 * lock. */
void
gst_vidkompy_align_start_render (GstVidkompyAlign * self, guint radius)
{
  VkAlignResult *r = &self->result;

  gst_vidkompy_align_render_state_clear (self);
  self->decision = g_new (guint, r->n_fg);
  g_free (self->tie);
  self->tie = g_new0 (guint8, r->n_fg);
  self->fg_desc = g_new0 (gfloat *, r->n_fg);
  gst_vidkompy_align_render_reset (self, 0);
  self->seg_end = r->n_fg;
  g_queue_init (&self->cands);
  vk_desc_size (r->valid_w, r->valid_h, &self->desc_w, &self->desc_h);
  self->radius = radius;
  self->line_shift = 0.0;
  self->coupled_ahead = G_MAXUINT;
  /* (no input's thread is upstream before its first frame of the render) */
  vk_upstream_enter (&self->bg.up);
  vk_upstream_enter (&self->fg.up);
  self->fg_segment_ready = FALSE;
  self->bg.last_seen = self->fg.last_seen = -1;
  /* the frames are analysed: their copies are not needed any more */
  g_byte_array_unref (self->bg.low);
  g_byte_array_unref (self->fg.low);
  self->bg.low = g_byte_array_new ();
  self->fg.low = g_byte_array_new ();
  self->t_aligned = g_get_monotonic_time ();
  self->replay_seek = TRUE;
  gst_vidkompy_align_input_event (&self->bg, INPUT_EV_NEW_PASS);
  gst_vidkompy_align_input_event (&self->fg, INPUT_EV_NEW_PASS);
  gst_vidkompy_align_set_pass (&self->bg, PASS_ANALYSIS, "the render starts");
  gst_vidkompy_align_set_pass (&self->fg, PASS_ANALYSIS, "the render starts");
  self->refined = FALSE;
  gst_vidkompy_align_set_phase (self, PHASE_RENDER);
}

/* seeks the bg to @bg_start and the fg to @fg_start, to render (unless
 * stopping meanwhile) */
void
gst_vidkompy_align_replay (GstVidkompyAlign * self, GstClockTime bg_start,
    GstClockTime fg_start)
{
  gboolean rendering, from_start = TRUE;
  GstEvent *queued;

  /* the outputs' tasks push what the render queues */
  vk_out_start (&self->bg.out);
  vk_out_start (&self->fg.out);
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
      /* a seek of the outputs before the render (see gst_vidkompy_align_handle_seek ()) */
      if (!gst_vidkompy_align_seek_inputs (self, queued))
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
  g_cond_broadcast (&self->seeks_cond);
  g_mutex_unlock (&self->lock);
}

/* The bg starts after the fg's content does, and the fg frames before the
 * first one it shows get its first frame: they are output first, with the
 * position, which is refined on a fg frame the bg shows (see
 * gst_vidkompy_align_bg_try_refine ()). So a pass before rendering seeks the fg to that frame
 * (and the bg to @bg_start) and waits for the refinement; its frames are
 * not output (PASS_REFINING). Runs in the alignment job. */
static void
refine_first (GstVidkompyAlign * self, GstClockTime bg_start)
{
  GstClockTime fg_pts;

  g_mutex_lock (&self->lock);
  gst_vidkompy_align_set_pass (&self->bg, PASS_REFINING, "refining first");
  gst_vidkompy_align_set_pass (&self->fg, PASS_REFINING, "refining first");
  fg_pts = g_array_index (self->fg.pts, GstClockTime,
      self->result.covered_start);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "refining the position on fg frame %u before "
      "rendering", self->result.covered_start);

  seek_to (self, &self->bg, bg_start);
  seek_to (self, &self->fg, fg_pts);

  g_mutex_lock (&self->lock);
  while (!self->refined && !VK_IN_ENDED (&self->bg)
      && self->phase == PHASE_RENDER)
    VK_ALIGN_WAIT (self, refined_cond);
  if (!self->refined && self->phase == PHASE_RENDER) {
    /* the bg ended before the frames around the match */
    gst_vidkompy_align_bg_try_refine (self, TRUE);
    gst_vidkompy_align_set_refined (self);
  }
  /* the bg outputs wait for the fg's segment of the seek back */
  self->fg_segment_ready = FALSE;
  g_mutex_unlock (&self->lock);
}

/* The fg does not seem to be in the bg: vk_align_not_found () */
static gboolean
not_found (GstVidkompyAlign * self, const gchar * reason, const gchar * then)
{
  return vk_align_not_found (GST_ELEMENT (self), self->settings.strict,
      reason, then);
}

/* Whether the fg seems to be in the bg (vk_found (): both confidences,
 * and a near-perfect placement for a fg that does not move); else
 * not_found (). The numbers are the ones the vidkompy-alignment message
 * gives. */
gboolean
gst_vidkompy_align_confidence_check (GstVidkompyAlign * self,
    gdouble confidence, gdouble spatial)
{
  VkFoundVerdict v = vk_found (confidence, spatial, self->fg_motion);
  gchar *reason;
  gboolean ok;

  GST_DEBUG_OBJECT (self, "temporal confidence %.3f, spatial %.3f, fg motion "
      "%.3f: verdict %d", confidence, spatial, self->fg_motion, v);
  if (v == VK_FOUND_YES)
    return TRUE;
  reason = vk_found_reason (v, confidence, spatial, self->fg_motion);
  ok = not_found (self, reason, "the output follows the best match found");
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
  gdouble x, y;

  vk_found_centre (bg->width, bg->height, fg->width, fg->height,
      &opts->scale, &x, &y);
  if (!opts->fixed_position) {
    opts->x = x;
    opts->y = y;
    opts->fixed_position = TRUE;
  }
  opts->on_estimate = NULL;
  return vk_alignment_compute (bg, fg, opts, result, err);
}

/* Warnings about fg frames the output cannot show as they are: those the
 * bg does not show (it starts late or ends early: they get its first or
 * last frame, or are dropped), and those retimed (see vkretime.c). The
 * final vidkompy-alignment message counts them too. Without the lock. */
void
gst_vidkompy_align_warn_inputs (GstVidkompyAlign * self,
    const VkAlignResult * r)
{
  Stream *ss[2] = { &self->bg, &self->fg };
  gboolean drop, cut;
  guint k;

  drop = self->settings.unmatched == GST_VIDKOMPY_UNMATCHED_DROP;
  g_mutex_lock (&self->lock);
  /* (the application ended the bg's analysis: gst-launch-1.0 -e) */
  cut = GST_CLOCK_TIME_IS_VALID (replay_stop (self, &self->bg));
  g_mutex_unlock (&self->lock);
  vk_align_warn_uncovered (GST_ELEMENT (self), r, drop, cut);
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
 * gst_vidkompy_align_start_job ()): aligns, then seeks both inputs back to the start. A stop
 * meanwhile (PHASE_DONE) ends it. */
void
gst_vidkompy_align_and_replay (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  VkStreamSummary bg, fg;
  GByteArray *bg_low, *fg_low;
  VkAlignOptions opts;
  VkAlignResult result;
  GError *err = NULL;
  GstClockTime bg_start, fg_start;
  guint radius, i;
  gboolean ok, current, first, blind;
  gdouble motion;

  gst_vidkompy_align_options (self, &opts);
  opts.on_estimate = gst_vidkompy_align_on_estimate;
  opts.user_data = self;
  vk_align_settings_file_options (&self->settings, &self->file_opts);

  g_mutex_lock (&self->lock);
  if (self->phase != PHASE_ALIGNING) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (self, "stopped before the alignment");
    return;
  }
  gst_vidkompy_align_summary_of (&self->bg, &bg);
  gst_vidkompy_align_summary_of (&self->fg, &fg);
  /* the frames' copies are the job's now (the render does not need them) */
  bg_low = g_steal_pointer (&self->bg.low);
  fg_low = g_steal_pointer (&self->fg.low);
  self->bg.low = g_byte_array_new ();
  self->fg.low = g_byte_array_new ();
  opts.window = (guint) ceil (bg.fps * self->settings.window / GST_SECOND);
  g_mutex_unlock (&self->lock);
  radius = MAX (1, (guint) ceil (bg.fps * self->settings.drift_tolerance /
          GST_SECOND));

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
    ok = not_found (self, "no place of the background matches it",
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
  if (self->settings.strict && !blind && result.confidence < VK_FOUND_MIN_MATCH) {
    gchar *reason = vk_found_reason (VK_FOUND_LOW_MATCH, result.confidence,
        result.spatial_score, motion);

    not_found (self, reason, NULL);
    g_free (reason);
    vk_align_result_clear (&result);
    return;
  }

  gst_vidkompy_align_warn_inputs (self, &result);

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
  gst_vidkompy_align_start_render (self, radius);
  /* the bg is only needed from the first matched frame on */
  bg_start = g_array_index (self->bg.pts, GstClockTime,
      result.map[0] > radius ? result.map[0] - radius : 0);
  bg_start = MAX (bg_start, self->bg.segment.start);
  fg_start = self->fg.segment.start;
  first = !opts.fixed_position && opts.match_region != VK_MATCH_REGION_FULL
      && self->settings.unmatched == GST_VIDKOMPY_UNMATCHED_CLAMP
      && result.covered_start > 0 && result.covered_start < result.n_fg;
  g_mutex_unlock (&self->lock);

  if (first)
    refine_first (self, bg_start);
  gst_vidkompy_align_replay (self, bg_start, fg_start);
}

/* ------------------------------------------------------------------------ */
/* The frames replayed after the seek back */

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
  *index = gst_vidkompy_align_frame_index (s, pts);
  t = g_array_index (s->pts, GstClockTime, *index);
  if ((pts > t ? pts - t : t - pts) <= PTS_TOLERANCE)
    return TRUE;
  GST_DEBUG_OBJECT (s->sinkpad, "%" GST_TIME_FORMAT " is not an analysed "
      "frame (the nearest is frame %u at %" GST_TIME_FORMAT "): dropped",
      GST_TIME_ARGS (pts), *index, GST_TIME_ARGS (t));
  return FALSE;
}

/* Whether @buf, replayed after the seek back, is the next analysed frame
 * of @s (and not before the analysed ones, a repeat, or the end of a frame
 * that a decoder clipped at the seek's position). */
gboolean
gst_vidkompy_align_replayed_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer ** buf)
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
  if (ok) {
    s->last_seen = i;
    /* the bg output may wait for an fg frame this one is past */
    if (s == &self->fg)
      g_cond_broadcast (&self->desc_cond);
  }
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
