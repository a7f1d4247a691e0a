/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The online fixed-lag DP of the streaming mode (vkonline.c) on synthetic
 * cost matrices with a known optimal path. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vkonline.h"
#include "vktemporal.h"

/* a cost matrix, n_fg x n_bg, row major */
typedef struct
{
  guint n_fg, n_bg;
  gfloat *c;
  guint max_bg_asked;
  guint min_bg_asked;
} Matrix;

static gfloat
matrix_cost (guint fg, guint bg, gpointer user_data)
{
  Matrix *m = user_data;

  fail_unless (fg < m->n_fg && bg < m->n_bg);
  m->max_bg_asked = MAX (m->max_bg_asked, bg);
  m->min_bg_asked = MIN (m->min_bg_asked, bg);
  return m->c[fg * m->n_bg + bg];
}

static Matrix *
matrix_new (guint n_fg, guint n_bg, gfloat fill)
{
  Matrix *m = g_new0 (Matrix, 1);
  guint k;

  m->n_fg = n_fg;
  m->n_bg = n_bg;
  m->c = g_new (gfloat, n_fg * n_bg);
  for (k = 0; k < n_fg * n_bg; k++)
    m->c[k] = fill;
  m->min_bg_asked = G_MAXUINT;
  return m;
}

static void
matrix_free (Matrix * m)
{
  g_free (m->c);
  g_free (m);
}

/* Pushes every row with the band [lo (i), hi (i)] and commits with a lag
 * of @lag rows (every pending row at the end); returns the decisions. */
static guint *
run_online (Matrix * m, const VkOnlineParams * p, guint lag, gint band_lo,
    gint band_w, gdouble band_rate, VkOnlineDecision * decisions)
{
  VkOnline *o = vk_online_new (p);
  guint *path = g_new (guint, m->n_fg), i, n = 0;
  VkOnlineDecision d;

  for (i = 0; i < m->n_fg; i++) {
    gint c = band_lo + (gint) floor (band_rate * i);
    guint lo = (guint) CLAMP (c - band_w, 0, (gint) m->n_bg - 1);
    guint hi = (guint) CLAMP (c + band_w, 0, (gint) m->n_bg - 1);

    /* the band never starts before what is still needed */
    lo = MAX (lo, vk_online_min_bg (o));
    hi = MAX (hi, lo);
    fail_unless (vk_online_push_row (o, lo, hi, matrix_cost, m));
    fail_unless_equals_int (vk_online_n_rows (o), i + 1);
    while (vk_online_n_pending (o) > lag) {
      fail_unless (vk_online_commit (o, &d));
      fail_unless_equals_int (d.fg, n);
      path[n] = d.bg;
      if (decisions)
        decisions[n] = d;
      n++;
    }
  }
  while (vk_online_commit (o, &d)) {
    fail_unless_equals_int (d.fg, n);
    path[n] = d.bg;
    if (decisions)
      decisions[n] = d;
    n++;
  }
  fail_unless_equals_int (n, m->n_fg);
  fail_unless_equals_int (vk_online_n_pending (o), 0);
  vk_online_free (o);
  return path;
}

static void
assert_monotonic (const guint * path, guint n)
{
  guint i;

  for (i = 1; i < n; i++)
    fail_unless (path[i] >= path[i - 1], "backward step at %u: %u -> %u", i,
        path[i - 1], path[i]);
}

/* A zero-cost path along bg = 7 + round (0.8 i) in noise: found exactly,
 * whatever the lag. */
GST_START_TEST (test_online_known_path)
{
  Matrix *m = matrix_new (120, 200, 0);
  GRand *rand = g_rand_new_with_seed (42);
  VkOnlineParams p;
  guint lags[] = { 0, 1, 5, 30, 200 }, l, i;

  for (i = 0; i < m->n_fg * m->n_bg; i++)
    m->c[i] = 1.0f + (gfloat) g_rand_double (rand);
  for (i = 0; i < m->n_fg; i++)
    m->c[i * m->n_bg + (guint) vk_line_frame (7, 0.8, i)] = 0;

  vk_online_params_init (&p, 0.8);
  for (l = 0; l < G_N_ELEMENTS (lags); l++) {
    guint *path = run_online (m, &p, lags[l], 7, 20, 0.8, NULL);

    for (i = 0; i < m->n_fg; i++)
      fail_unless_equals_int (path[i], vk_line_frame (7, 0.8, i));
    g_free (path);
  }
  g_rand_free (rand);
  matrix_free (m);
}

GST_END_TEST;

/* With a lag covering every row and no restarts, the online DP is the
 * offline one: the same optimum as vk_dp_align () on random costs. */
GST_START_TEST (test_online_equals_offline)
{
  GRand *rand = g_rand_new_with_seed (7);
  guint trial;

  for (trial = 0; trial < 20; trial++) {
    Matrix *m = matrix_new (60, 90, 0);
    VkOnlineParams p;
    VkDpParams dp;
    gint *lo = g_new (gint, m->n_fg), *hi = g_new (gint, m->n_fg);
    guint *off = g_new (guint, m->n_fg), *on, i;
    gdouble off_cost, on_cost, rate = 1.0 + 0.25 * (trial % 3);

    for (i = 0; i < m->n_fg * m->n_bg; i++)
      m->c[i] = (gfloat) g_rand_double (rand);
    vk_online_params_init (&p, rate);
    p.restart = INFINITY;
    p.offset = 2;
    /* full bands: the online bands only grow */
    for (i = 0; i < m->n_fg; i++) {
      lo[i] = 0;
      hi[i] = m->n_bg - 1;
    }
    dp.smoothness = p.smoothness;
    dp.max_jump = p.max_jump;
    fail_unless (vk_dp_align (m->n_fg, m->n_bg, lo, hi, p.offset, rate, &dp,
            matrix_cost, m, off, &off_cost, NULL));
    on = run_online (m, &p, m->n_fg, 0, m->n_bg, 0, NULL);
    assert_monotonic (on, m->n_fg);
    on_cost = vk_dp_path_cost (m->n_fg, m->n_bg, on, p.offset, rate, &dp,
        matrix_cost, m);
    fail_unless (fabs (on_cost - off_cost) < 1e-6, "trial %u: online %.9f, "
        "offline %.9f", trial, on_cost, off_cost);
    g_free (on);
    g_free (off);
    g_free (lo);
    g_free (hi);
    matrix_free (m);
  }
  g_rand_free (rand);
}

GST_END_TEST;

/* Row 0 matches bg 3 and bg 12 equally well; only rows 1..6 tell (they
 * continue from 12). A lag of 6 rows or more decides row 0 right, a lag of
 * 0 cannot (it takes the one nearest the line). Committed decisions never
 * change and never go back. */
GST_START_TEST (test_online_lag_commit)
{
  Matrix *m = matrix_new (8, 40, 1.0f);
  VkOnlineParams p;
  guint *path, i;

  m->c[0 * m->n_bg + 3] = 0;
  m->c[0 * m->n_bg + 12] = 0;
  for (i = 1; i < m->n_fg; i++)
    m->c[i * m->n_bg + 12 + i] = 0;
  vk_online_params_init (&p, 1.0);
  p.restart = INFINITY;
  p.offset = 3;

  path = run_online (m, &p, 0, 0, 40, 0, NULL);
  fail_unless_equals_int (path[0], 3);
  assert_monotonic (path, m->n_fg);
  g_free (path);

  path = run_online (m, &p, 6, 0, 40, 0, NULL);
  for (i = 0; i < m->n_fg; i++)
    fail_unless_equals_int (path[i], 12 + i);
  g_free (path);
  matrix_free (m);
}

GST_END_TEST;

/* A cut: rows 0..29 match bg = i, rows 30.. match bg = i + 40 (the fg
 * content jumps ahead in the bg). With restarts the path follows after the
 * cut within the lag; every step is forward; costs of the cells are
 * reported; bg frames before vk_online_min_bg () are never asked for. */
GST_START_TEST (test_online_restart)
{
  Matrix *m = matrix_new (70, 150, 1.0f);
  VkOnlineDecision *d = g_new (VkOnlineDecision, 70);
  VkOnlineParams p;
  guint *path, i, n_restart = 0;

  for (i = 0; i < m->n_fg; i++)
    m->c[i * m->n_bg + (i < 30 ? i : i + 40)] = 0.05f;
  vk_online_params_init (&p, 1.0);
  p.restart = 4.0;
  path = run_online (m, &p, 15, 0, 60, 1.0, d);
  assert_monotonic (path, m->n_fg);
  for (i = 0; i < m->n_fg; i++) {
    fail_unless_equals_int (path[i], i < 30 ? i : i + 40);
    fail_unless (fabs (d[i].cost - 0.05f) < 1e-6);
    if (d[i].restarted)
      n_restart++;
  }
  fail_unless_equals_int (n_restart, 1);
  fail_unless (d[30].restarted);
  g_free (path);

  /* without restarts, max_jump steps catch up only slowly: rows after the
   * cut are wrong for a while */
  p.restart = INFINITY;
  path = run_online (m, &p, 15, 0, 60, 1.0, NULL);
  assert_monotonic (path, m->n_fg);
  fail_if (path[30] == 70);
  g_free (path);
  g_free (d);
  matrix_free (m);
}

GST_END_TEST;

/* Random costs, random lags, random bands: always monotonic, one decision
 * per row in order, never below an earlier decision. */
GST_START_TEST (test_online_monotonic_random)
{
  GRand *rand = g_rand_new_with_seed (99);
  guint trial;

  for (trial = 0; trial < 50; trial++) {
    Matrix *m = matrix_new (80, 300, 0);
    VkOnlineParams p;
    guint *path, i;
    gdouble rate = g_rand_double_range (rand, 1.0 / 3, 3.0);

    for (i = 0; i < m->n_fg * m->n_bg; i++)
      m->c[i] = (gfloat) g_rand_double (rand);
    vk_online_params_init (&p, rate);
    p.restart = g_rand_double_range (rand, 0.5, 10);
    path = run_online (m, &p, g_rand_int_range (rand, 0, 40), 0,
        g_rand_int_range (rand, 1, 30), rate, NULL);
    assert_monotonic (path, m->n_fg);
    g_free (path);
    matrix_free (m);
  }
  g_rand_free (rand);
}

GST_END_TEST;

/* bad arguments: an empty band is refused, nothing to commit is FALSE */
GST_START_TEST (test_online_bad_input)
{
  Matrix *m = matrix_new (4, 10, 0.5f);
  VkOnlineParams p;
  VkOnline *o;
  VkOnlineDecision d;

  vk_online_params_init (&p, 1.0);
  o = vk_online_new (&p);
  fail_if (vk_online_commit (o, &d));
  fail_if (vk_online_push_row (o, 5, 4, matrix_cost, m));
  fail_unless (vk_online_push_row (o, 2, 6, matrix_cost, m));
  /* the band may not shrink at its end */
  fail_if (vk_online_push_row (o, 2, 5, matrix_cost, m));
  fail_unless (vk_online_commit (o, &d));
  fail_unless (d.bg >= 2 && d.bg <= 6);
  fail_unless_equals_int (vk_online_min_bg (o), d.bg);
  vk_online_free (o);
  vk_online_free (NULL);
  matrix_free (m);
}

GST_END_TEST;

/* vk_online_recost: pending rows take the new costs (the path follows
 * them), committed decisions stay; vk_online_newest_best */
GST_START_TEST (test_online_recost)
{
  Matrix *a = matrix_new (10, 30, 1.0f), *b = matrix_new (10, 30, 1.0f);
  VkOnlineParams p;
  VkOnlineDecision d;
  VkOnline *o;
  gfloat c;
  guint i;

  for (i = 0; i < 10; i++) {
    a->c[i * 30 + 5 + i] = 0;
    b->c[i * 30 + 12 + i] = 0;
  }
  vk_online_params_init (&p, 1.0);
  /* a jump is cheaper than catching up in steps */
  p.restart = 0.5;
  o = vk_online_new (&p);
  fail_if (vk_online_newest_best (o, &i));
  for (i = 0; i < 10; i++)
    fail_unless (vk_online_push_row (o, 0, 29, matrix_cost, a));
  /* the end of the cheapest path */
  fail_unless (vk_online_newest_best (o, &i));
  fail_unless_equals_int (i, 14);
  fail_unless (vk_online_commit (o, &d));
  fail_unless_equals_int (d.bg, 5);
  vk_online_recost (o, matrix_cost, b);
  /* the pending rows' costs as pushed now: row 1 is the oldest pending;
   * none outside a row's band or beyond the pending rows */
  fail_unless (vk_online_pending_cost (o, 0, 13, &c));
  fail_unless_equals_float (c, 0.0f);
  fail_unless (vk_online_pending_cost (o, 8, 29, &c));
  fail_unless_equals_float (c, 1.0f);
  fail_if (vk_online_pending_cost (o, 9, 20, &c));
  fail_if (vk_online_pending_cost (o, 0, 30, &c));
  /* row 1 must follow 5; b's path 13, 14, .. is reached by a restart */
  for (i = 1; i < 10; i++) {
    fail_unless (vk_online_commit (o, &d));
    fail_unless_equals_int (d.fg, i);
    fail_unless_equals_int (d.bg, 12 + i);
  }
  vk_online_free (o);
  matrix_free (a);
  matrix_free (b);
}

GST_END_TEST;

static Suite *
align_online_suite (void)
{
  Suite *s = suite_create ("align_online");
  TCase *tc = tcase_create ("online");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_online_known_path);
  tcase_add_test (tc, test_online_equals_offline);
  tcase_add_test (tc, test_online_lag_commit);
  tcase_add_test (tc, test_online_restart);
  tcase_add_test (tc, test_online_monotonic_random);
  tcase_add_test (tc, test_online_bad_input);
  tcase_add_test (tc, test_online_recost);
  return s;
}

GST_CHECK_MAIN (align_online);
