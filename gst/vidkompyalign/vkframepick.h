/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkframepick: which bg frame a fg frame gets among the candidates
 * compared on full-resolution descriptors, both modes (the global mode's
 * render, the streaming mode's decisions): the best one, unless the frame
 * on the timing line or the dense alignment's choice ties with it. */

#ifndef __VK_FRAME_PICK_H__
#define __VK_FRAME_PICK_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * VkFramePickWhy:
 * @VK_FRAME_PICK_NONE: no candidate
 * @VK_FRAME_PICK_BEST: the candidate most similar to the fg frame
 * @VK_FRAME_PICK_LINE: the frame on the timing line, which ties with the
 *   best one (or is it)
 * @VK_FRAME_PICK_DENSE: the dense alignment's choice, which ties with the
 *   best one
 */
typedef enum
{
  VK_FRAME_PICK_NONE,
  VK_FRAME_PICK_BEST,
  VK_FRAME_PICK_LINE,
  VK_FRAME_PICK_DENSE,
} VkFramePickWhy;

/**
 * VkFramePick:
 *
 * The choice being made (vk_frame_pick_init (), vk_frame_pick_add () for
 * each candidate, vk_frame_pick_result ()); the fields are private.
 */
typedef struct
{
  gint64 line, dense;
  gint64 best;
  gdouble best_score, second_score, line_score, dense_score;
} VkFramePick;

/* The streaming mode's timing line (the search's, on a second or two of
 * frames) is moved by a frame when the bg frames a frame to one side of it
 * match the fg frames in hand strictly better than the line's own on at
 * least VK_LINE_SHIFT_SHARE of them, at least VK_LINE_SHIFT_MIN_FRAMES
 * (vk_line_shift ()). Per frame such a difference is often a tie
 * (vk_is_tie (): compression noise), but on a line a frame off it comes
 * back on nearly every frame (world zoom-50, a slow eased zoom whose
 * search put the line a frame late: 0 % exact); on frames that only noise
 * tells apart each side wins about half of them, and 90 % of 10 or more
 * happens by chance about once in a hundred windows (binomial, p = 1/2). */
#define VK_LINE_SHIFT_SHARE 0.9
#define VK_LINE_SHIFT_MIN_FRAMES 10

gint vk_line_shift (const gfloat * costs, guint n);

/* The line is moved by a fraction of a frame (vk_line_phase ()) in steps
 * of VK_LINE_PHASE_STEP, when its rounding disagrees with the frames in
 * hand on more than 1 − VK_LINE_SHIFT_SHARE of them and a shifted line
 * agrees with at least VK_LINE_SHIFT_SHARE (at least
 * VK_LINE_SHIFT_MIN_FRAMES). A frame-rate conversion holds each bg frame
 * until the next one: a 30 fps fg of a 24 fps bg shows bg frame
 * floor (o + 0.8 i), and a line whose fraction is off by more than a
 * fifth of a frame rounds to the next bg frame on some fg frames (world
 * zone plate 24 -> 30 with live inputs: the search's line 0.58 of a frame
 * late, 36 % of the frames a frame late, each a near tie that the line
 * decides). */
#define VK_LINE_PHASE_STEP 0.05

gdouble vk_line_phase (const gfloat * costs, const gdouble * frac, guint n);

/**
 * VkLineEvidence:
 * @fg: a fg frame
 * @bg0: the first bg frame of @cost
 * @cost: the fg frame's costs (any measure that grows with the mismatch)
 *   of bg frames @bg0 .. @bg0 + VK_LINE_EVIDENCE_SPAN − 1, centred on a
 *   timing line's frame; −1 where not known
 *
 * What a fg frame says of the timing line (vk_line_correct ()). The span
 * keeps 5 bg frames on each side of the line's, so that a decided frame
 * still tells after the line moved a few frames (zp-24-30 at 0.5 s of
 * live latency: the search's line 3 frames late; with 3 on each side the
 * frames decided before that move told nothing for the next 20 decisions,
 * 84-85 % exact, with 5 95 %).
 */
#define VK_LINE_EVIDENCE_SPAN 11
typedef struct
{
  guint fg;
  gint64 bg0;
  gfloat cost[VK_LINE_EVIDENCE_SPAN];
} VkLineEvidence;

/* The line's corrections read the fg frames in hand (the streaming mode's
 * DP rows) and, while they are fewer than this, the latest decided ones
 * (vk_line_evidence_keep ()): at 0.5 s of live latency with a bg that comes
 * late the rows in hand stayed under VK_LINE_SHIFT_MIN_FRAMES, and a
 * 24 -> 30 fps zone plate had every fifth fg frame a frame late all along.
 * Twice that minimum. (The global mode does not correct its line so: its
 * line comes from the whole inputs, and on the frames it decided last the
 * same rules moved it wrongly: align-bench -m global, zoom-33 6 % exact,
 * zp-24-30 90 %, 2026-12-07.) */
#define VK_LINE_EVIDENCE_ROWS 20

void vk_line_evidence_init (VkLineEvidence * e, guint fg, gint64 line);

gboolean vk_line_evidence_set (VkLineEvidence * e, gint64 bg, gfloat cost);

void vk_line_evidence_keep (GArray * history, const VkLineEvidence * e);

gdouble vk_line_correct (const VkLineEvidence * ev, guint n, gdouble offset,
    gdouble rate, gint * moved, gdouble * phase);

void vk_frame_pick_init (VkFramePick * p, gint64 line, gint64 dense);

void vk_frame_pick_add (VkFramePick * p, guint index, gdouble score);

gint64 vk_frame_pick_result (const VkFramePick * p, gboolean * tie,
    VkFramePickWhy * why);

/* vk_line_anchor () moves the line only where at least this many bg
 * frames tie with the most similar one: a still picture held (a smooth
 * motion's best frame has a neighbour within compression noise, the zone
 * plate's near ties, which the best decides) */
#define VK_LINE_ANCHOR_RUN 3
/* ... each no more than this many times as far from the fg frame (1 −
 * similarity) as the best one */
#define VK_LINE_ANCHOR_SAME 2.0

gdouble vk_line_anchor (gdouble x, const guint * index, const gdouble * score,
    guint n);

G_END_DECLS
#endif /* __VK_FRAME_PICK_H__ */
