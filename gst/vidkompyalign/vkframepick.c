/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Which bg frame a fg frame gets among its candidates (see vkframepick.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "vkalignment.h"
#include "vkframepick.h"
#include "vktemporal.h"

/**
 * vk_frame_pick_init:
 * @p: (out caller-allocates): the choice
 * @line: the bg frame on the timing line (vk_line_frame ()), -1 for none
 * @dense: the dense alignment's choice (the DP's), -1 for none
 */
void
vk_frame_pick_init (VkFramePick * p, gint64 line, gint64 dense)
{
  p->line = line;
  p->dense = dense;
  p->best = -1;
  p->best_score = p->second_score = -G_MAXDOUBLE;
  p->line_score = p->dense_score = -G_MAXDOUBLE;
}

/**
 * vk_frame_pick_add:
 * @p: the choice
 * @index: a candidate bg frame
 * @score: its similarity with the fg frame (vk_desc_similarity ())
 *
 * Adds a candidate; of equal scores the first one added is the best.
 */
void
vk_frame_pick_add (VkFramePick * p, guint index, gdouble score)
{
  if ((gint64) index == p->line)
    p->line_score = score;
  if ((gint64) index == p->dense)
    p->dense_score = score;
  if (score > p->best_score) {
    p->second_score = p->best_score;
    p->best_score = score;
    p->best = index;
  } else if (score > p->second_score) {
    p->second_score = score;
  }
}

/**
 * vk_frame_pick_result:
 * @p: the choice
 * @tie: (out) (optional): whether another candidate ties with the best one
 *   (vk_is_tie ()): the fg cannot tell them apart
 * @why: (out) (optional): which rule chose
 *
 * Frames that look the same to the fg (their mismatches differ by less than
 * compression noise does, vk_is_tie ()) tie: the frame on the timing line
 * wins, else the dense alignment's choice (which follows the line through
 * ties on low-resolution copies, but strays from it by a frame where a logo
 * burned into the fg or the bg's grain decides between repeated frames);
 * otherwise the candidate most similar to the fg frame.
 *
 * Returns: the bg frame chosen, -1 without candidates
 */
gint64
vk_frame_pick_result (const VkFramePick * p, gboolean * tie,
    VkFramePickWhy * why)
{
  VkFramePickWhy w = VK_FRAME_PICK_BEST;
  gint64 bg = p->best;

  if (p->best < 0)
    w = VK_FRAME_PICK_NONE;
  else if (p->line_score > -G_MAXDOUBLE && (p->line == p->best
          || vk_is_tie (p->best_score, p->line_score))) {
    w = VK_FRAME_PICK_LINE;
    bg = p->line;
  } else if (p->dense_score > -G_MAXDOUBLE && p->dense != p->best
      && vk_is_tie (p->best_score, p->dense_score)) {
    w = VK_FRAME_PICK_DENSE;
    bg = p->dense;
  }
  if (tie)
    *tie = p->best >= 0 && vk_is_tie (p->best_score, p->second_score);
  if (why)
    *why = w;
  return bg;
}

/**
 * vk_line_shift:
 * @costs: (array): for each of @n fg frames, three mismatches (1 −
 *   similarity, or any cost that grows with it): of the bg frame one before
 *   the line's, of the line's, of the one after it; a negative one is not
 *   known (the frame is not counted)
 * @n: fg frames
 *
 * Whether the timing line is a frame off: a side whose frames are strictly
 * more similar than the line's on at least VK_LINE_SHIFT_SHARE of the
 * frames counted (at least VK_LINE_SHIFT_MIN_FRAMES), the other side not.
 *
 * Returns: −1 or +1, the side the line should move to; 0 to keep it
 */
gint
vk_line_shift (const gfloat * costs, guint n)
{
  guint counted = 0, before = 0, after = 0, i;
  gboolean to_before, to_after;

  for (i = 0; i < n; i++) {
    const gfloat *c = costs + 3 * i;

    if (!(c[0] >= 0 && c[1] >= 0 && c[2] >= 0))
      continue;
    counted++;
    before += c[0] < c[1];
    after += c[2] < c[1];
  }
  if (counted < VK_LINE_SHIFT_MIN_FRAMES)
    return 0;
  to_before = before >= VK_LINE_SHIFT_SHARE * counted;
  to_after = after >= VK_LINE_SHIFT_SHARE * counted;
  if (to_before == to_after)
    return 0;
  return to_before ? -1 : 1;
}

/* how many of the @n frames (@pref: the bg frame most similar to each, −1,
 * 0 or +1 from the line's; 2: none) the line moved by @delta gives their
 * most similar frame (@frac: where the unrounded line falls in each
 * line's frame, −0.5 .. 0.5) */
static guint
phase_agreement (const gint8 * pref, const gdouble * frac, guint n,
    gdouble delta)
{
  guint i, agree = 0;

  for (i = 0; i < n; i++)
    agree += pref[i] != 2 && (gint) floor (frac[i] + delta + 0.5) == pref[i];
  return agree;
}

/**
 * vk_line_phase:
 * @costs: (array): as vk_line_shift ()'s
 * @frac: (array): for each of the @n fg frames, where the unrounded line
 *   falls within the line's frame: x − floor (x + 0.5), −0.5 .. 0.5
 * @n: fg frames
 *
 * Whether the timing line is a fraction of a frame off: the frames whose
 * bg frame (of the three) is strictly the most similar are counted; when
 * the line's rounding gives that frame on fewer than VK_LINE_SHIFT_SHARE
 * of them, the shifts under a frame, in steps of VK_LINE_PHASE_STEP, are
 * tried: of those that agree best (with at least that share), the middle
 * of the run around the nearest one.
 *
 * Returns: the shift, in frames (0: keep the line)
 */
gdouble
vk_line_phase (const gfloat * costs, const gdouble * frac, guint n)
{
  gint steps = (gint) (1.0 / VK_LINE_PHASE_STEP + 0.5), k, best = 0, lo, hi;
  gint8 *pref = g_new (gint8, MAX (n, 1));
  guint *agree = g_new0 (guint, 2 * steps + 1);
  guint counted = 0, i;

  for (i = 0; i < n; i++) {
    const gfloat *c = costs + 3 * i;

    pref[i] = 2;
    if (!(c[0] >= 0 && c[1] >= 0 && c[2] >= 0))
      continue;
    if (c[0] < c[1] && c[0] < c[2])
      pref[i] = -1;
    else if (c[1] < c[0] && c[1] < c[2])
      pref[i] = 0;
    else if (c[2] < c[0] && c[2] < c[1])
      pref[i] = 1;
    counted += pref[i] != 2;
  }
  /* (agree[steps + k]: the line moved by k steps, under a frame: whole
   * frames are vk_line_shift ()'s; the line kept, the common case, costs
   * one count) */
  if (counted < VK_LINE_SHIFT_MIN_FRAMES
      || phase_agreement (pref, frac, n, 0.0) >= VK_LINE_SHIFT_SHARE * counted)
    goto keep;
  for (k = 1 - steps; k < steps; k++)
    agree[steps + k] = phase_agreement (pref, frac, n, k * VK_LINE_PHASE_STEP);
  /* the nearest shift that agrees best, then the middle of the shifts
   * around it that agree as well (as far from both roundings' edges as
   * the frames say) */
  for (k = 1; k < steps; k++) {
    if (agree[steps - k] > agree[steps + best])
      best = -k;
    if (agree[steps + k] > agree[steps + best])
      best = k;
  }
  if (agree[steps + best] < VK_LINE_SHIFT_SHARE * counted) {
    best = 0;
    goto keep;
  }
  for (lo = best; lo > 1 - steps && agree[steps + lo - 1] == agree[steps +
          best]; lo--);
  for (hi = best; hi < steps - 1 && agree[steps + hi + 1] == agree[steps +
          best]; hi++);
  g_free (pref);
  g_free (agree);
  return (lo + hi) / 2.0 * VK_LINE_PHASE_STEP;

keep:
  g_free (pref);
  g_free (agree);
  return 0.0;
}

/**
 * vk_line_evidence_init:
 * @e: (out caller-allocates): the evidence
 * @fg: its fg frame
 * @line: the timing line's bg frame of @fg (vk_line_frame ())
 *
 * Centres @e on @line, every cost not known.
 */
void
vk_line_evidence_init (VkLineEvidence * e, guint fg, gint64 line)
{
  guint k;

  e->fg = fg;
  e->bg0 = line - VK_LINE_EVIDENCE_SPAN / 2;
  for (k = 0; k < VK_LINE_EVIDENCE_SPAN; k++)
    e->cost[k] = -1.0f;
}

/**
 * vk_line_evidence_set:
 * @e: the evidence
 * @bg: a bg frame
 * @cost: the fg frame's cost of @bg
 *
 * Returns: FALSE when @bg is outside @e's span (nothing kept)
 */
gboolean
vk_line_evidence_set (VkLineEvidence * e, gint64 bg, gfloat cost)
{
  if (bg < e->bg0 || bg >= e->bg0 + VK_LINE_EVIDENCE_SPAN)
    return FALSE;
  e->cost[bg - e->bg0] = cost;
  return TRUE;
}

/**
 * vk_line_evidence_keep:
 * @history: (element-type VkLineEvidence): the decided fg frames' evidence,
 *   oldest first
 * @e: a decided fg frame's
 *
 * Appends @e, keeping the latest VK_LINE_EVIDENCE_ROWS.
 */
void
vk_line_evidence_keep (GArray * history, const VkLineEvidence * e)
{
  if (history->len >= VK_LINE_EVIDENCE_ROWS)
    g_array_remove_range (history, 0, history->len - VK_LINE_EVIDENCE_ROWS + 1);
  g_array_append_val (history, *e);
}

/* the costs of vk_line_shift () and the fractions of vk_line_phase () of
 * the @n frames of @ev on the line (@offset, @rate) */
static void
line_costs (const VkLineEvidence * ev, guint n, gdouble offset, gdouble rate,
    gfloat * costs, gdouble * frac)
{
  guint i;
  gint d;

  for (i = 0; i < n; i++) {
    gdouble x = offset + rate * ev[i].fg;
    gint64 line = vk_line_frame (offset, rate, ev[i].fg), k;

    frac[i] = x - line;
    for (d = -1; d <= 1; d++) {
      k = line + d - ev[i].bg0;
      costs[3 * i + d + 1] = k >= 0 && k < VK_LINE_EVIDENCE_SPAN ?
          ev[i].cost[k] : -1.0f;
    }
  }
}

/**
 * vk_line_correct:
 * @ev: (array length=n): what the fg frames in hand say of the line
 * @n: their number
 * @offset: the timing line: bg frame = @offset + @rate · fg frame
 * @rate: its slope
 * @moved: (out): whole frames the line moved
 * @phase: (out): the fraction of a frame it moved then
 *
 * Moves the timing line while the frames say it is off: a frame at a time
 * (vk_line_shift ()), in one direction, then by a fraction of a frame
 * (vk_line_phase ()). Frames whose span no longer covers the moved line
 * are not counted.
 *
 * Returns: the line's new offset
 */
gdouble
vk_line_correct (const VkLineEvidence * ev, guint n, gdouble offset,
    gdouble rate, gint * moved, gdouble * phase)
{
  gfloat *costs = g_new (gfloat, 3 * MAX (n, 1));
  gdouble *frac = g_new (gdouble, MAX (n, 1));
  gint shift;

  *moved = 0;
  for (;;) {
    line_costs (ev, n, offset, rate, costs, frac);
    shift = vk_line_shift (costs, n);
    if (shift == 0 || (*moved != 0 && (shift < 0) != (*moved < 0)))
      break;
    offset += shift;
    *moved += shift;
  }
  *phase = vk_line_phase (costs, frac, n);
  g_free (costs);
  g_free (frac);
  return offset + *phase;
}

/**
 * vk_line_anchor:
 * @x: the unrounded timing line at a fg frame (offset + rate · fg)
 * @index: (array length=n): the candidate bg frames of that fg frame
 * @score: (array length=n): their similarity with it (vk_desc_similarity ())
 * @n: candidates
 *
 * How far the timing line that decides ties must move to give a fg frame
 * of still content its moment. A still picture held over several bg
 * frames: at least VK_LINE_ANCHOR_RUN candidates tie with the most
 * similar one (vk_is_tie ()), each no more than VK_LINE_ANCHOR_SAME times
 * as far from the fg frame (a smooth motion's best frame has neighbours
 * within the tie tolerance but several times as far: those near ties are
 * the frame choice's, and the line stays). When the line's frame is not
 * one of them, and not every candidate is (a still fg region tells
 * nothing), the line moves the least that makes it round to the nearest
 * one (VK_LINE_PHASE_STEP inside its rounding).
 *
 * A line fitted on low-resolution copies of mostly still content (a screen
 * recording: a terminal where a few keys are typed) is a few frames off:
 * through the ties of the still stretches it chose bg frames a few frames
 * early, or, its frame out of the candidates, the dense alignment's choice
 * ran ahead and the frames after it could not step back.
 *
 * Returns: the shift, in frames (0: the line stays)
 */
gdouble
vk_line_anchor (gdouble x, const guint * index, const gdouble * score, guint n)
{
  gint64 line = (gint64) floor (x + 0.5), nearest = -1;
  gdouble best = -G_MAXDOUBLE;
  guint k, tied = 0;

  for (k = 0; k < n; k++)
    best = MAX (best, score[k]);
  for (k = 0; k < n; k++) {
    gint64 f = index[k];

    if (score[k] != best && (!vk_is_tie (best, score[k])
            || 1.0 - score[k] > VK_LINE_ANCHOR_SAME * (1.0 - best)))
      continue;
    if (f == line)
      return 0.0;
    tied++;
    if (nearest < 0 || ABS (f - line) < ABS (nearest - line))
      nearest = f;
  }
  if (tied < VK_LINE_ANCHOR_RUN || tied == n)
    return 0.0;
  if (nearest > line)
    return nearest - 0.5 + VK_LINE_PHASE_STEP - x;
  return nearest + 0.5 - VK_LINE_PHASE_STEP - x;
}
