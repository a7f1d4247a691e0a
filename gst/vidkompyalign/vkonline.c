/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Online temporal alignment with a fixed lag, see vkonline.h. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkonline.h"

/* a finite stand-in for "no restarts", so that every cell at or after the
 * committed one stays reachable */
#define NO_RESTART 1e30

/* a pending row: its band and, per bg frame of it, the cost, the path
 * cost and how the path got there (vk_dp_row ()) */
typedef struct
{
  guint lo, hi;                 /* band, inclusive */
  gfloat *cost;
  gdouble *acc;
  guint8 *back;
  guint *from;
} Row;

struct _VkOnline
{
  VkOnlineParams p;
  GPtrArray *pending;           /* Row, oldest first */
  guint n_rows;                 /* rows pushed */
  gboolean have_committed;
  Row committed;                /* one cell: the last committed bg frame */
  gfloat committed_cost;
  gdouble committed_acc;
};

/**
 * vk_online_params_init:
 * @rate: bg frames per fg frame
 *
 * Defaults: smoothness 0.2, max_jump ceil (2 · rate) + 2, restart 4, the
 * line through bg frame 0 at fg frame 0.
 */
void
vk_online_params_init (VkOnlineParams * p, gdouble rate)
{
  memset (p, 0, sizeof (*p));
  p->smoothness = VK_DP_SMOOTHNESS;
  p->rate = rate > 0 && isfinite (rate) ? rate : 1.0;
  p->max_jump = vk_dp_max_jump (p->rate);
  p->restart = 4.0;
}

static void
row_free (gpointer data)
{
  Row *r = data;

  g_free (r->cost);
  g_free (r->acc);
  g_free (r->back);
  g_free (r->from);
  g_free (r);
}

VkOnline *
vk_online_new (const VkOnlineParams * p)
{
  VkOnline *o = g_new0 (VkOnline, 1);

  o->p = *p;
  o->p.max_jump = MIN (o->p.max_jump, VK_DP_MAX_JUMP);
  if (!(o->p.restart < INFINITY))
    o->p.restart = NO_RESTART;
  o->pending = g_ptr_array_new_with_free_func (row_free);
  o->committed.cost = &o->committed_cost;
  o->committed.acc = &o->committed_acc;
  return o;
}

void
vk_online_free (VkOnline * o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref (o->pending);
  g_free (o);
}

/**
 * vk_online_set_line:
 *
 * Sets the line the smoothness term refers to, for the rows computed from
 * now on (e.g. once a first alignment is known).
 */
void
vk_online_set_line (VkOnline * o, gdouble offset, gdouble rate)
{
  if (!isfinite (offset) || !(rate > 0) || !isfinite (rate))
    return;
  o->p.offset = offset;
  o->p.rate = rate;
}

guint
vk_online_n_rows (const VkOnline * o)
{
  return o->n_rows;
}

guint
vk_online_n_pending (const VkOnline * o)
{
  return o->pending->len;
}

static Row *
pending_row (const VkOnline * o, guint k)
{
  return g_ptr_array_index (o->pending, k);
}

/* the row before pending row @k: the previous pending row, the committed
 * cell, or NULL at the very start */
static Row *
row_before (VkOnline * o, guint k)
{
  if (k > 0)
    return pending_row (o, k - 1);
  return o->have_committed ? &o->committed : NULL;
}

/**
 * vk_online_min_bg:
 *
 * Returns: the smallest bg frame a coming decision can pick: bg frames
 * before it are not needed any more.
 */
guint
vk_online_min_bg (const VkOnline * o)
{
  if (o->pending->len > 0)
    return pending_row (o, 0)->lo;
  return o->have_committed ? o->committed.lo : 0;
}

/* (Re)computes the path costs of row @r (fg frame @i) from @prev. */
static void
compute_row (const VkOnline * o, guint i, const Row * prev, Row * r)
{
  VkDpParams dp = { o->p.smoothness, o->p.max_jump };
  gint64 e = i > 0 ? vk_line_frame (o->p.offset, o->p.rate, i) -
      vk_line_frame (o->p.offset, o->p.rate, i - 1) : 0;

  vk_dp_row (&dp, o->p.restart, e, prev ? prev->acc : NULL,
      prev ? prev->lo : 0, prev ? prev->hi : 0, r->lo, r->hi, r->cost,
      r->acc, r->back, r->from);
}

/* the frame of the row before where the path through cell @j of @r came
 * from */
static guint
came_from (const Row * r, guint j)
{
  guint k = j - r->lo;

  return r->from[k] != VK_DP_NO_RESTART ? r->from[k] : j - r->back[k];
}

static gfloat
sanitize (gfloat c)
{
  return isnan (c) || c > 1e20f ? 1e20f : c;
}

/**
 * vk_online_push_row:
 * @o: the aligner
 * @bg_lo: first bg frame of the new row's band
 * @bg_hi: last bg frame of the band (inclusive); must not be smaller than
 *   the previous row's
 * @cost: the matching cost of (fg row, bg frame), both absolute indices;
 *   called once per cell of the band, never for bg frames before
 *   vk_online_min_bg ()
 * @user_data: for @cost
 *
 * Adds the next fg frame (row vk_online_n_rows ()). The band is clipped to
 * start no earlier than the previous row's band and the committed bg frame.
 *
 * Returns: FALSE (nothing added) when the clipped band is empty.
 */
gboolean
vk_online_push_row (VkOnline * o, guint bg_lo, guint bg_hi, VkCostFunc cost,
    gpointer user_data)
{
  Row *prev = row_before (o, o->pending->len), *r;
  guint n, j;

  if (prev)
    bg_lo = MAX (bg_lo, prev->lo);
  if (bg_lo > bg_hi || (prev && bg_hi < prev->hi))
    return FALSE;

  r = g_new0 (Row, 1);
  r->lo = bg_lo;
  r->hi = bg_hi;
  n = bg_hi - bg_lo + 1;
  r->cost = g_new (gfloat, n);
  r->acc = g_new (gdouble, n);
  r->back = g_new (guint8, n);
  r->from = g_new (guint, n);
  for (j = bg_lo; j <= bg_hi; j++)
    r->cost[j - bg_lo] = sanitize (cost (o->n_rows, j, user_data));
  compute_row (o, o->n_rows, prev, r);
  g_ptr_array_add (o->pending, r);
  o->n_rows++;
  return TRUE;
}

/**
 * vk_online_commit:
 * @o: the aligner
 * @d: (out): the decision
 *
 * Decides the oldest pending row: the bg frame of the best path through
 * all rows pushed so far (on ties the one nearest the line, then the
 * smaller one), and constrains every later path to go through it.
 *
 * Returns: FALSE when no row is pending.
 */
gboolean
vk_online_commit (VkOnline * o, VkOnlineDecision * d)
{
  Row *last, *r;
  guint first = o->n_rows - o->pending->len, k, i;
  gint64 j;

  if (o->pending->len == 0)
    return FALSE;

  last = pending_row (o, o->pending->len - 1);
  j = vk_dp_row_end (last->acc, last->lo, last->hi,
      vk_line_frame (o->p.offset, o->p.rate, o->n_rows - 1));
  /* restarts reach every cell */
  g_return_val_if_fail (j >= 0, FALSE);
  /* back to the oldest pending row */
  for (k = o->pending->len - 1; k > 0; k--)
    j = came_from (pending_row (o, k), (guint) j);

  r = pending_row (o, 0);
  d->fg = first;
  d->bg = (guint) j;
  d->cost = r->cost[j - r->lo];
  d->restarted = r->from[j - r->lo] != VK_DP_NO_RESTART;

  o->have_committed = TRUE;
  o->committed.lo = o->committed.hi = (guint) j;
  o->committed_cost = d->cost;
  o->committed_acc = 0;
  g_ptr_array_remove_index (o->pending, 0);

  /* every later path goes through the committed cell */
  for (k = 0, i = first + 1; k < o->pending->len; k++, i++) {
    Row *p = pending_row (o, k);

    if (p->lo < (guint) j) {
      /* cells before the committed frame are unreachable: drop them */
      guint cut = (guint) j - p->lo, n = p->hi - (guint) j + 1;

      memmove (p->cost, p->cost + cut, n * sizeof (gfloat));
      p->lo = (guint) j;
    }
    compute_row (o, i, row_before (o, k), p);
  }
  return TRUE;
}

/**
 * vk_online_recost:
 * @o: the aligner
 * @cost: the new matching cost
 * @user_data: for @cost
 *
 * Asks the cost of every cell of the pending rows again (e.g. after the
 * compared region moved) and recomputes their paths; committed decisions
 * stay.
 */
void
vk_online_recost (VkOnline * o, VkCostFunc cost, gpointer user_data)
{
  guint first = o->n_rows - o->pending->len, k, j;

  for (k = 0; k < o->pending->len; k++) {
    Row *r = pending_row (o, k);

    for (j = r->lo; j <= r->hi; j++)
      r->cost[j - r->lo] = sanitize (cost (first + k, j, user_data));
    compute_row (o, first + k, row_before (o, k), r);
  }
}

/**
 * vk_online_newest_best:
 * @o: the aligner
 * @bg: (out): the bg frame of the cheapest path ending in the newest row
 *
 * Returns: FALSE when no row is pending.
 */
gboolean
vk_online_newest_best (const VkOnline * o, guint * bg)
{
  Row *r;
  gint64 j;

  if (o->pending->len == 0)
    return FALSE;
  r = pending_row (o, o->pending->len - 1);
  /* on ties the smaller frame */
  j = vk_dp_row_end (r->acc, r->lo, r->hi, r->lo);
  *bg = j >= 0 ? (guint) j : r->lo;
  return TRUE;
}

/**
 * vk_online_pending_cost:
 * @o: the aligner
 * @k: a pending row, 0 the oldest
 * @bg: a bg frame
 * @cost: (out): its cost as pushed
 *
 * Returns: FALSE when row @k is not pending or @bg is outside its band.
 */
gboolean
vk_online_pending_cost (const VkOnline * o, guint k, guint bg, gfloat * cost)
{
  Row *r;

  if (k >= o->pending->len)
    return FALSE;
  r = pending_row (o, k);
  if (bg < r->lo || bg > r->hi)
    return FALSE;
  *cost = r->cost[bg - r->lo];
  return TRUE;
}
