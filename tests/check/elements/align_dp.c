/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Unit tests of vidkompyalign's banded monotonic DP (vktemporal.c),
 * without a pipeline: synthetic cost matrices with a known optimum,
 * against brute force and a full-matrix reference, its error paths. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/check/gstcheck.h>

#include "vkalignment.h"
#include "vkfingerprint.h"
#include "vktemporal.h"
#include "vk-synth.h"

/* ---------------------------------------------------------------------- */
/* Banded DP on synthetic costs */

/* cost (i, j) = |j − truth[i]| (capped) + noise, except: rows with
 * static_row set cost the same everywhere (a static scene: every bg frame
 * looks alike); within tie_radius of the truth the cost is 0 (duplicate
 * or nearly equal bg frames) */
typedef struct
{
  const gint *truth;
  gdouble noise;
  gdouble cap;
  guint32 seed;
  const gboolean *static_row;
  gint tie_radius;
  guint calls;
} SynthCost;

static gfloat
synth_cost (guint fg, guint bg, gpointer user_data)
{
  SynthCost *sc = user_data;
  gdouble d;

  sc->calls++;
  if (sc->static_row && sc->static_row[fg])
    return 0.5f;
  d = fabs ((gdouble) bg - sc->truth[fg]);
  if (d <= sc->tie_radius)
    d = 0.0;
  if (sc->cap > 0 && d > sc->cap)
    d = sc->cap;
  return (gfloat) (d + sc->noise * vk_synth_noise (fg, bg, sc->seed));
}

typedef enum
{
  TRUTH_LINE,
  TRUTH_SINE,
  TRUTH_FREEZE_DELAY,
  TRUTH_FREEZE_CATCHUP,
} TruthKind;

typedef struct
{
  const gchar *name;
  gdouble rate;                 /* bg frames per fg frame */
  gdouble offset;
  TruthKind kind;
  gdouble noise;
  gint tie_radius;
  guint static_from, static_len;        /* static scene rows */
  gint half_width;
  guint max_jump;
} DpCase;

#define DP_ROWS 600

static const DpCase dp_cases[] = {
  {"constant offset", 1.0, 37.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 0.8 (30 -> 24 fps)", 0.8, 12.3, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 2.4 (25 -> 60 fps)", 2.4, 5.6, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 0.5 (60 -> 30 fps)", 0.5, 20.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"rate 2.5 (10 -> 25 fps)", 2.5, 3.0, TRUTH_LINE, 0, 0, 0, 0, 30, 4},
  {"sine speed ±20 %", 1.25, 9.0, TRUTH_SINE, 0, 0, 0, 0, 30, 4},
  {"freeze, then delayed", 1.0, 15.0, TRUTH_FREEZE_DELAY, 0, 0, 0, 0, 45, 4},
  {"freeze, then catching up", 1.0, 15.0, TRUTH_FREEZE_CATCHUP, 0, 0, 0, 0,
      30, 4},
  {"static scene, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0, 0, 200, 120, 30, 4},
  {"static scene, rate 2.4", 2.4, 1.6, TRUTH_LINE, 0, 0, 150, 200, 30, 4},
  {"static start", 0.8, 40.3, TRUTH_LINE, 0, 0, 0, 80, 30, 4},
  {"static end", 2.5, 3.0, TRUTH_LINE, 0, 0, DP_ROWS - 90, 90, 30, 4},
  {"ties ±2, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0, 2, 0, 0, 30, 4},
  {"ties ±3, rate 2.5", 2.5, 3.0, TRUTH_LINE, 0, 3, 0, 0, 30, 4},
  {"noise, rate 0.8", 0.8, 12.3, TRUTH_LINE, 0.4, 0, 0, 0, 30, 4},
  {"noise, sine speed", 1.25, 9.0, TRUTH_SINE, 0.4, 0, 0, 0, 30, 4},
  {"noise and static, rate 2.4", 2.4, 5.6, TRUTH_LINE, 0.4, 0, 300, 100, 30,
      4},
};

#define FREEZE_AT 250
#define FREEZE_LEN 30
#define CATCHUP_LEN 3

static gint
truth_frame (const DpCase * c, guint i)
{
  switch (c->kind) {
    case TRUTH_SINE:{
      /* the speed is rate · (1 + 0.2 cos (2π i / P)) */
      const gdouble period = 200.0;
      gdouble u = i + 0.2 * period / (2 * G_PI) * sin (2 * G_PI * i / period);

      return (gint) floor (c->offset + c->rate * u + 0.5);
    }
    case TRUTH_FREEZE_DELAY:
      if (i >= FREEZE_AT)
        i = i < FREEZE_AT + FREEZE_LEN ? FREEZE_AT : i - FREEZE_LEN;
      return (gint) vk_line_frame (c->offset, c->rate, i);
    case TRUTH_FREEZE_CATCHUP:
      if (i >= FREEZE_AT && i < FREEZE_AT + CATCHUP_LEN)
        i = FREEZE_AT;
      return (gint) vk_line_frame (c->offset, c->rate, i);
    case TRUTH_LINE:
    default:
      return (gint) vk_line_frame (c->offset, c->rate, i);
  }
}

static void
run_dp_case (const DpCase * c, gboolean fitted)
{
  const guint n_fg = DP_ROWS;
  gint truth[DP_ROWS], lo[DP_ROWS], hi[DP_ROWS];
  gboolean static_row[DP_ROWS];
  guint path[DP_ROWS], n_bg, i, n_exact = 0;
  VkDpParams params = { 0.3, c->max_jump };
  SynthCost sc = { truth, c->noise, 0, 77, static_row, c->tie_radius, 0 };
  gdouble offset = c->offset, rate = c->rate, total = -1;
  GError *err = NULL;
  gchar *name;

  for (i = 0; i < n_fg; i++) {
    truth[i] = truth_frame (c, i);
    static_row[i] = i >= c->static_from && i < c->static_from + c->static_len;
  }
  n_bg = truth[n_fg - 1] + 20;

  if (fitted) {
    /* the line from matches at every 3rd row, half of them wrong */
    VkMatchPoint pts[DP_ROWS / 3];
    GRand *rand = g_rand_new_with_seed ((guint32) (c->rate * 1000));

    for (i = 0; i < G_N_ELEMENTS (pts); i++) {
      pts[i].fg = 3 * i;
      pts[i].bg = g_rand_boolean (rand) ? truth[3 * i] :
          g_rand_int_range (rand, 0, n_bg);
      pts[i].weight = 1.0;
    }
    fail_unless (vk_fit_line_robust (pts, G_N_ELEMENTS (pts), 4.0, 2.0,
            &offset, &rate, NULL));
    g_rand_free (rand);
  }
  name = g_strdup_printf ("%s%s", c->name, fitted ? " (fitted line)" : "");

  vk_band_from_line (n_fg, n_bg, offset, rate, c->half_width, lo, hi);
  fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
          synth_cost, &sc, path, &total, &err), "%s: %s", name,
      err ? err->message : "?");
  vk_check_dp_path (name, n_fg, n_bg, lo, hi, path, offset, rate, &params,
      synth_cost, &sc, total);

  for (i = 0; i < n_fg; i++) {
    gint expect = truth[i];

    /* where the scene is static, the truth is unknowable: the path must
     * follow the rounded line it was given, parallel (no jitter) */
    if (static_row[i] && fitted) {
      guint s = c->static_from, e = MIN (n_fg, s + c->static_len) - 1;
      gint64 dev = (gint64) path[s] - vk_line_frame (offset, rate, s);

      fail_unless_equals_int64 ((gint64) path[i] - vk_line_frame (offset,
              rate, i), dev);
      /* it rejoins the truth where the scene moves again */
      if (s > 0)
        fail_unless (dev == path[s - 1] - vk_line_frame (offset, rate, s - 1));
      if (e + 1 < n_fg)
        fail_unless (dev == path[e + 1] - vk_line_frame (offset, rate, e + 1));
      n_exact++;
      continue;
    }
    /* with ties all over the truth, neither is the truth knowable: the
     * path is the rounded fitted line, exactly */
    if (c->tie_radius > 0 && fitted) {
      fail_unless (ABS (vk_line_frame (offset, rate, i) - expect) <=
          c->tie_radius);
      expect = (gint) vk_line_frame (offset, rate, i);
    }
    if ((gint) path[i] == expect)
      n_exact++;
    else
      GST_ERROR ("%s: row %u: %u, truth %d", name, i, path[i], expect);
  }
  fail_unless_equals_int (n_exact, n_fg);
  GST_INFO ("%s: exact, %u cost calls, total %f", name, sc.calls, total);
  g_free (name);
}

GST_START_TEST (test_dp_synthetic)
{
  run_dp_case (&dp_cases[__i__], FALSE);
}

GST_END_TEST;

GST_START_TEST (test_dp_synthetic_fitted)
{
  run_dp_case (&dp_cases[__i__], TRUE);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Brute force */

typedef struct
{
  guint n_bg;
  const gfloat *c;              /* n_fg x n_bg */
} TableCost;

static gfloat
table_cost (guint fg, guint bg, gpointer user_data)
{
  const TableCost *t = user_data;

  return t->c[fg * t->n_bg + bg];
}

typedef struct
{
  guint n_fg, n_bg;
  const gint *lo, *hi;
  gdouble offset, rate;
  const VkDpParams *params;
  TableCost *tc;
  guint path[8];
  gdouble best;
  guint n_valid;
} Enum;

/* every valid path, recursively */
static void
enumerate (Enum * e, guint row)
{
  gint j, jlo = MAX (e->lo[row], 0), jhi = MIN (e->hi[row], (gint)
      e->n_bg - 1);

  if (row > 0) {
    jlo = MAX (jlo, (gint) e->path[row - 1]);
    jhi = MIN (jhi, (gint) (e->path[row - 1] + e->params->max_jump));
  }
  for (j = jlo; j <= jhi; j++) {
    e->path[row] = j;
    if (row + 1 < e->n_fg) {
      enumerate (e, row + 1);
    } else {
      gdouble v = vk_dp_path_cost (e->n_fg, e->n_bg, e->path, e->offset,
          e->rate, e->params, table_cost, e->tc);

      e->n_valid++;
      e->best = MIN (e->best, v);
    }
  }
}

GST_START_TEST (test_dp_exhaustive)
{
  static const gdouble lambdas[] = { 0.0, 0.5, 1.3, 0.25 };
  GRand *rand = g_rand_new_with_seed (1234);
  guint trial, n_feasible = 0;

  for (trial = 0; trial < 3000; trial++) {
    guint n_fg = g_rand_int_range (rand, 1, 7);
    guint n_bg = g_rand_int_range (rand, 1, 8);
    gint lo[8], hi[8];
    gfloat c[8 * 8];
    guint path[8], i;
    VkDpParams params;
    TableCost tc = { n_bg, c };
    Enum e;
    gdouble total = -1;
    gboolean ok;
    GError *err = NULL;

    params.smoothness = lambdas[trial % G_N_ELEMENTS (lambdas)];
    params.max_jump = g_rand_int_range (rand, 0, 4);
    for (i = 0; i < n_fg * n_bg; i++)
      /* small integers make many exact ties */
      c[i] = trial % 2 ? g_rand_int_range (rand, 0, 3) :
          (gfloat) g_rand_double (rand);
    for (i = 0; i < n_fg; i++) {
      lo[i] = g_rand_int_range (rand, -2, n_bg + 1);
      hi[i] = lo[i] + g_rand_int_range (rand, 0, 5);
      if (trial % 3 == 0) {
        lo[i] = 0;
        hi[i] = n_bg - 1;
      }
    }

    e.n_fg = n_fg;
    e.n_bg = n_bg;
    e.lo = lo;
    e.hi = hi;
    e.offset = g_rand_double_range (rand, -2, 4);
    e.rate = g_rand_double_range (rand, 0, 3);
    e.params = &params;
    e.tc = &tc;
    e.best = INFINITY;
    e.n_valid = 0;
    enumerate (&e, 0);

    for (i = 0; i < n_fg; i++)
      path[i] = 999;
    ok = vk_dp_align (n_fg, n_bg, lo, hi, e.offset, e.rate, &params,
        table_cost, &tc, path, &total, &err);
    if (e.n_valid == 0) {
      fail_if (ok, "trial %u: no valid path, yet the DP found one", trial);
      fail_unless (err != NULL);
      fail_unless (path[0] == 999);
      g_clear_error (&err);
      continue;
    }
    n_feasible++;
    fail_unless (ok, "trial %u: %s", trial, err ? err->message : "?");
    vk_check_dp_path ("exhaustive", n_fg, n_bg, lo, hi, path, e.offset, e.rate,
        &params, table_cost, &tc, total);
    fail_unless (fabs (total - e.best) < 1e-6, "trial %u: DP %f, brute "
        "force %f", trial, total, e.best);
  }
  GST_INFO ("%u of 3000 trials had a valid path", n_feasible);
  fail_unless (n_feasible > 1000);
  g_rand_free (rand);
}

GST_END_TEST;

/* a plain full DP over all bg frames, written independently */
static gdouble
full_dp (guint n_fg, guint n_bg, gdouble offset, gdouble rate,
    const VkDpParams * params, const TableCost * tc)
{
  gdouble *d = g_new (gdouble, n_fg * n_bg), best = INFINITY;
  guint i, j, k;

  for (j = 0; j < n_bg; j++)
    d[j] = tc->c[j];
  for (i = 1; i < n_fg; i++) {
    gdouble e = (gdouble) (vk_line_frame (offset, rate, i) -
        vk_line_frame (offset, rate, i - 1));

    for (j = 0; j < n_bg; j++) {
      gdouble m = INFINITY;

      for (k = 0; k <= params->max_jump && k <= j; k++)
        m = MIN (m, d[(i - 1) * n_bg + j - k] + params->smoothness * fabs (k
                - e));
      d[i * n_bg + j] = m + tc->c[i * n_bg + j];
    }
  }
  for (j = 0; j < n_bg; j++)
    best = MIN (best, d[(n_fg - 1) * n_bg + j]);
  g_free (d);
  return best;
}

GST_START_TEST (test_dp_full_reference)
{
  const guint n_fg = 120, n_bg = 150;
  GRand *rand = g_rand_new_with_seed (77);
  gfloat *c = g_new (gfloat, n_fg * n_bg);
  gint lo[120], hi[120], truth[120];
  guint path[120], trial, i, j;
  TableCost tc = { n_bg, c };

  for (trial = 0; trial < 20; trial++) {
    VkDpParams params = { trial % 5 * 0.2, 1 + trial % 4 };
    gdouble rate = g_rand_double_range (rand, 0.4, 1.2);
    gdouble offset = g_rand_double_range (rand, -5, 20), full, total;
    GError *err = NULL;

    for (i = 0; i < n_fg; i++)
      truth[i] = (gint) vk_line_frame (offset, rate, i);
    for (i = 0; i < n_fg; i++)
      for (j = 0; j < n_bg; j++)
        c[i * n_bg + j] = (gfloat) (0.3 * MIN (fabs ((gdouble) j - truth[i]),
                6.0) + 1.5 * g_rand_double (rand));
    full = full_dp (n_fg, n_bg, offset, rate, &params, &tc);

    /* full band: the same optimum */
    for (i = 0; i < n_fg; i++) {
      lo[i] = -3;
      hi[i] = n_bg + 3;
    }
    fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
            table_cost, &tc, path, &total, &err));
    vk_check_dp_path ("full band", n_fg, n_bg, lo, hi, path, offset, rate,
        &params, table_cost, &tc, total);
    fail_unless (fabs (total - full) < 1e-6 * full, "trial %u: DP %f, full "
        "DP %f", trial, total, full);

    /* a band: never better, and equal when it holds the full optimum */
    vk_band_from_line (n_fg, n_bg, offset, rate, 8, lo, hi);
    fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
            table_cost, &tc, path, &total, &err));
    vk_check_dp_path ("band", n_fg, n_bg, lo, hi, path, offset, rate, &params,
        table_cost, &tc, total);
    fail_unless (total >= full - 1e-6 * full);
    GST_INFO ("trial %u: full %f, band ±8 %f", trial, full, total);
  }
  g_free (c);
  g_rand_free (rand);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Errors */

static gfloat
inf_cost_row (guint fg, guint bg, gpointer user_data)
{
  return fg == GPOINTER_TO_UINT (user_data) ? INFINITY : 1.0f;
}

static gfloat
nan_cost (guint fg, guint bg, gpointer user_data)
{
  return bg == 5 ? 0.0f : NAN;
}

static void
expect_error (guint n_fg, guint n_bg, const gint * lo, const gint * hi,
    const VkDpParams * params, VkCostFunc cost, gpointer data, gint code)
{
  guint path[16];
  gdouble total = 42;
  GError *err = NULL;
  guint i;

  for (i = 0; i < 16; i++)
    path[i] = 999;
  fail_if (vk_dp_align (n_fg, n_bg, lo, hi, 0.0, 1.0, params, cost, data,
          path, &total, &err));
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, VK_TEMPORAL_ERROR, code),
      "expected code %d, got %d: %s", code, err->code, err->message);
  GST_INFO ("error as expected: %s", err->message);
  fail_unless (strlen (err->message) > 10);
  for (i = 0; i < 16; i++)
    fail_unless (path[i] == 999);
  fail_unless (total == 42);
  g_error_free (err);
}

GST_START_TEST (test_dp_errors)
{
  gint lo[4] = { 0, 0, 0, 0 }, hi[4] = { 9, 9, 9, 9 };
  VkDpParams params = { 0.3, 4 };
  guint path[4];

  expect_error (0, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  expect_error (4, 0, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.max_jump = 255;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.max_jump = 4;
  params.smoothness = -1;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.smoothness = NAN;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_INVALID);
  params.smoothness = 0.3;

  /* empty bands: lo > hi, or entirely outside [0, n_bg) */
  lo[2] = 5;
  hi[2] = 4;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);
  lo[2] = 12;
  hi[2] = 20;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);
  lo[2] = -20;
  hi[2] = -1;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, NULL,
      VK_TEMPORAL_ERROR_EMPTY_BAND);

  /* unreachable: backwards, or too far forward */
  lo[1] = 6;
  hi[1] = 9;
  lo[2] = 0;
  hi[2] = 5;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (99),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  lo[0] = lo[1] = lo[2] = lo[3] = 0;
  hi[0] = hi[1] = 2;
  lo[2] = 7;
  hi[2] = 9;
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (99),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  hi[0] = hi[1] = hi[2] = hi[3] = 9;
  lo[2] = 0;

  /* a row of infinite costs */
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (2),
      VK_TEMPORAL_ERROR_UNREACHABLE);
  expect_error (4, 10, lo, hi, &params, inf_cost_row, GUINT_TO_POINTER (0),
      VK_TEMPORAL_ERROR_UNREACHABLE);

  /* NaN counts as infinite: the only finite frame is 5 */
  fail_unless (vk_dp_align (4, 10, lo, hi, 0.0, 1.0, &params, nan_cost,
          NULL, path, NULL, NULL));
  fail_unless (path[0] == 5 && path[1] == 5 && path[2] == 5 && path[3] == 5);

  /* infinite costs forbid single cells; the path goes around them */
  fail_unless (vk_dp_align (4, 10, lo, hi, 0.0, 1.0, &params, inf_cost_row,
          GUINT_TO_POINTER (99), path, NULL, NULL));
}

GST_END_TEST;

/* bands clipped at both ends of the bg: the fg starts before the bg and
 * ends after it */
GST_START_TEST (test_dp_clipped_bands)
{
  const guint n_fg = 300, n_bg = 200;
  gint truth[300], lo[300], hi[300];
  guint path[300], i;
  VkDpParams params = { 0.3, 4 };
  SynthCost sc = { truth, 0.0, 0, 1, NULL, 0, 0 };
  gdouble total;
  const gdouble offset = -40.2, rate = 0.9;

  for (i = 0; i < n_fg; i++)
    truth[i] = (gint) vk_line_frame (offset, rate, i);
  vk_band_from_line (n_fg, n_bg, offset, rate, 20, lo, hi);
  /* and some caller bands sticking out further */
  lo[0] -= 100;
  hi[n_fg - 1] += 100;
  fail_unless (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params,
          synth_cost, &sc, path, &total, NULL));
  vk_check_dp_path ("clipped", n_fg, n_bg, lo, hi, path, offset, rate, &params,
      synth_cost, &sc, total);
  for (i = 0; i < n_fg; i++) {
    gint expect = CLAMP (truth[i], 0, (gint) n_bg - 1);

    fail_unless ((gint) path[i] == expect, "row %u: %u, expected %d", i,
        path[i], expect);
  }
}

GST_END_TEST;

static Suite *
align_dp_suite (void)
{
  Suite *s = suite_create ("align_dp");
  TCase *tc;

  tc = tcase_create ("dp");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_dp_synthetic, 0, G_N_ELEMENTS (dp_cases));
  tcase_add_loop_test (tc, test_dp_synthetic_fitted, 0,
      G_N_ELEMENTS (dp_cases));
  tcase_add_test (tc, test_dp_exhaustive);
  tcase_add_test (tc, test_dp_full_reference);
  tcase_add_test (tc, test_dp_errors);
  tcase_add_test (tc, test_dp_clipped_bands);

  return s;
}

GST_CHECK_MAIN (align_dp);
