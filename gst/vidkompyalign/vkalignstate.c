/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: the states of the element (Phase, SeekState, BgOutState,
 * PresetState, WriteState) and of each input (InputPass, InputFlow), with
 * their transitions drawn where they are declared
 * (gstvidkompyalign-priv.h). Each is changed here only, with the lock;
 * every change is logged (GST_DEBUG=vidkompyalign:5), on the input's sink
 * pad or on the element, with why. The waits that read a state are woken
 * by the caller, except for the phase's (every wait reads it). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

static const gchar *const phase_names[] = {
  [PHASE_ANALYSIS] = "analysis",
  [PHASE_ALIGNING] = "aligning",
  [PHASE_RENDER] = "render",
  [PHASE_DONE] = "done",
};

static const gchar *const seek_names[] = {
  [SEEK_NONE] = "none",
  [SEEK_FLUSHING] = "flushing",
  [SEEK_NEW_PASS] = "new-pass",
};

static const gchar *const pass_names[] = {
  [PASS_ANALYSIS] = "analysis",
  [PASS_REFINING] = "refining",
  [PASS_REPLAYING] = "replaying",
};

static const gchar *const flow_names[] = {
  [INPUT_FLOWING] = "flowing",
  [INPUT_ENDED] = "ended",
  [INPUT_FLUSHING] = "flushing",
  [INPUT_FLUSHING_ENDED] = "flushing-ended",
};

static const gchar *const input_event_names[] = {
  [INPUT_EV_RESET] = "reset",
  [INPUT_EV_END] = "its pass ended",
  [INPUT_EV_NEW_PASS] = "a new pass",
  [INPUT_EV_FLUSH_START] = "flush-start",
  [INPUT_EV_FLUSH_STOP] = "flush-stop",
};

static const gchar *const bg_out_names[] = {
  [BG_OUT_START] = "start",
  [BG_OUT_DECIDING] = "deciding",
  [BG_OUT_FINISHED_EMPTY] = "finished-empty",
  [BG_OUT_FINISHED] = "finished",
};

static const gchar *const bg_out_event_names[] = {
  [BG_OUT_EV_RESET] = "the render state reset",
  [BG_OUT_EV_DECIDED] = "a decision",
  [BG_OUT_EV_FINISHED] = "the bg output's end",
};

static const gchar *const preset_names[] = {
  [PRESET_UNCHECKED] = "unchecked",
  [PRESET_NONE] = "none",
  [PRESET_VERIFYING] = "verifying",
  [PRESET_UNVERIFIED] = "unverified",
};

static const gchar *const write_names[] = {
  [WRITE_PARTIAL] = "partial",
  [WRITE_DUE] = "due",
  [WRITE_WRITTEN] = "written",
};

/* the name of @v in @names (of @n), "?" out of it */
static const gchar *
name_of (const gchar * const *names, guint n, guint v)
{
  return v < n && names[v] ? names[v] : "?";
}

#define NAME(names, v) name_of ((names), G_N_ELEMENTS (names), (v))

/* Forgets what was known of @s's frames and states, for a new run. With
 * the lock (or before any thread runs). */
void
gst_vidkompy_align_stream_reset (Stream * s)
{
  if (s->pts)
    g_array_set_size (s->pts, 0);
  if (s->durations)
    g_array_set_size (s->durations, 0);
  if (s->low)
    g_byte_array_set_size (s->low, 0);
  s->have_info = FALSE;
  gst_vidkompy_align_input_event (s, INPUT_EV_RESET);
  s->duration = GST_CLOCK_TIME_NONE;
  s->checked_seekable = FALSE;
  gst_vidkompy_align_set_pass (s, PASS_ANALYSIS, "reset");
  s->new_pass = FALSE;
  s->last_seen = -1;
  vk_identity_hasher_reset (&s->hasher);
  vk_retime_reset (&s->retime);
  gst_segment_init (&s->segment, GST_FORMAT_TIME);
}

/* The phase becomes @phase; every wait loops on it (a stop, PHASE_DONE,
 * ends them all). */
void
gst_vidkompy_align_set_phase (GstVidkompyAlign * self, Phase phase)
{
  GST_DEBUG_OBJECT (self, "phase %s -> %s", NAME (phase_names, self->phase),
      NAME (phase_names, phase));
  self->phase = phase;
  gst_vidkompy_align_wake_all (self, "phase changed");
}

void
gst_vidkompy_align_set_seek (GstVidkompyAlign * self, SeekState to,
    const gchar * why)
{
  if (to == self->seek)
    return;
  GST_DEBUG_OBJECT (self, "seek %s -> %s (%s)", NAME (seek_names, self->seek),
      NAME (seek_names, to), why);
  self->seek = to;
}

void
gst_vidkompy_align_set_pass (Stream * s, InputPass to, const gchar * why)
{
  if (to == s->pass)
    return;
  GST_DEBUG_OBJECT (s->sinkpad, "pass %s -> %s (%s)", NAME (pass_names,
          s->pass), NAME (pass_names, to), why);
  s->pass = to;
}

/* @s's InputFlow after @ev in @f (the transitions drawn at InputFlow) */
static InputFlow
flow_next (InputFlow f, InputEvent ev)
{
  switch (ev) {
    case INPUT_EV_RESET:
    case INPUT_EV_FLUSH_STOP:
      return INPUT_FLOWING;
    case INPUT_EV_END:
      if (f == INPUT_FLOWING)
        return INPUT_ENDED;
      if (f == INPUT_FLUSHING)
        return INPUT_FLUSHING_ENDED;
      return f;
    case INPUT_EV_NEW_PASS:
      if (f == INPUT_ENDED)
        return INPUT_FLOWING;
      if (f == INPUT_FLUSHING_ENDED)
        return INPUT_FLUSHING;
      return f;
    case INPUT_EV_FLUSH_START:
      if (f == INPUT_FLOWING)
        return INPUT_FLUSHING;
      if (f == INPUT_ENDED)
        return INPUT_FLUSHING_ENDED;
      return f;
  }
  g_return_val_if_reached (f);
}

void
gst_vidkompy_align_input_event (Stream * s, InputEvent ev)
{
  InputFlow to = flow_next (s->flow, ev);

  if (to == s->flow)
    return;
  GST_DEBUG_OBJECT (s->sinkpad, "input %s -> %s (%s)", NAME (flow_names,
          s->flow), NAME (flow_names, to), NAME (input_event_names, ev));
  s->flow = to;
}

/* the BgOutState after @ev in @b (the transitions drawn at BgOutState) */
static BgOutState
bg_out_next (BgOutState b, BgOutEvent ev)
{
  switch (ev) {
    case BG_OUT_EV_RESET:
      return BG_OUT_START;
    case BG_OUT_EV_DECIDED:
      if (b == BG_OUT_START)
        return BG_OUT_DECIDING;
      if (b == BG_OUT_FINISHED_EMPTY)
        return BG_OUT_FINISHED;
      return b;
    case BG_OUT_EV_FINISHED:
      if (b == BG_OUT_START)
        return BG_OUT_FINISHED_EMPTY;
      if (b == BG_OUT_DECIDING)
        return BG_OUT_FINISHED;
      return b;
  }
  g_return_val_if_reached (b);
}

void
gst_vidkompy_align_bg_out_event (GstVidkompyAlign * self, BgOutEvent ev)
{
  BgOutState to = bg_out_next (self->bg_out, ev);

  if (to == self->bg_out)
    return;
  GST_DEBUG_OBJECT (self->bg.srcpad, "decisions %s -> %s (%s)",
      NAME (bg_out_names, self->bg_out), NAME (bg_out_names, to),
      NAME (bg_out_event_names, ev));
  self->bg_out = to;
}

void
gst_vidkompy_align_set_preset (GstVidkompyAlign * self, PresetState to,
    const gchar * why)
{
  if (to == self->preset_state)
    return;
  GST_DEBUG_OBJECT (self, "saved alignment %s -> %s (%s)",
      NAME (preset_names, self->preset_state), NAME (preset_names, to), why);
  self->preset_state = to;
}

void
gst_vidkompy_align_set_write (GstVidkompyAlign * self, WriteState to,
    const gchar * why)
{
  if (to == self->write_state)
    return;
  GST_DEBUG_OBJECT (self, "alignment to write %s -> %s (%s)",
      NAME (write_names, self->write_state), NAME (write_names, to), why);
  self->write_state = to;
}
