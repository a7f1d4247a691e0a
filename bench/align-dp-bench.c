/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/*
 * align-dp-bench: time and memory of vidkompyalign's temporal alignment
 * pieces (vkalign_dep) at full scale.
 *
 * DP cases. A one-hour pair at 30 fps: 108 000 fg frames against 108 000
 * bg frames. The truth is bg = 123.4 + fg + 10 sin (2π fg / 3000) (a
 * slow ±10-frame wobble around the line), the band is the line ± --band
 * frames (vk_band_from_line ()), max_jump --max-jump. Cost callbacks:
 *
 *   synthetic   |j − truth (i)| capped at 8, plus hash noise in [0, 0.4);
 *               λ 0.3. No memory traffic: the DP alone.
 *   thumb-f32   1 − NCC of two precomputed VkFingerprint arrays (1040
 *               bytes each: 2 x 112 MB) via vk_thumb_distance (); λ 0.005.
 *   thumb-i8    the same thumbnails quantised to 8 bits (256 bytes plus a
 *               float scale each: 2 x 28 MB), integer dot product.
 *
 * The thumbnails are synthetic: the bg ones a random walk in 256-D (so
 * neighbouring frames are similar: distance about 0.04), every fg one the
 * bg one at its true frame plus noise, all normalised. Every run happens in
 * a child process of its own (fork), which builds its data, then times
 * vk_dp_align () alone (wall clock and CPU time from getrusage); the
 * parent takes the child's peak RSS (ru_maxrss) from wait4 (). "setup RSS"
 * is the child's peak before the DP (data arrays, band), so the DP's own
 * share is about the difference. The cases are interleaved over --reps
 * repetitions and the medians reported, with the share of fg frames the DP
 * put on their true bg frame.
 *
 *   online      the synthetic costs through the streaming mode's online
 *               DP (vk_online_push_row () per fg frame over the same band,
 *               vk_online_commit () with a lag of --lag rows, 60 = 2 s at
 *               30 fps): what the DP costs per frame in streaming mode,
 *               against the global DP above; its memory does not grow
 *               with the length.
 *
 * Fingerprint case. vk_luma_resample () of a whole 1920x1080 8-bit luma
 * plane to 32x32, and of a fractional 1357.3x763.4 rectangle inside it,
 * followed by vk_fingerprint_from_thumb (); the median over 200 frames
 * (cycling through 4 distinct synthetic frames) in µs per frame.
 *
 * Targets: DP (synthetic) below 2 s and 256 MB; fingerprint well under
 * 1 ms per 1080p frame.
 *
 * Linux only (fork, wait4, ru_maxrss in kB).
 */

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE         /* wait4 */
#endif

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <glib.h>

#include "vkfingerprint.h"
#include "vktemporal.h"
#include "vkonline.h"

#include "bench-common.h"

#define TARGET_DP_SECONDS 2.0
#define TARGET_DP_MB 256.0
#define TARGET_FP_US 1000.0

#define FP_FRAMES 200
#define FP_DISTINCT 4
#define FRAME_W 1920
#define FRAME_H 1080

static gint opt_reps = 3;
static gint opt_minutes = 60;
static gint opt_band = 60;
static gint opt_max_jump = 4;
static gint opt_lag = 60;

static GOptionEntry opt_entries[] = {
  {"reps", 'r', 0, G_OPTION_ARG_INT, &opt_reps,
      "Repetitions of every DP case; the median is reported (default 3)", "N"},
  {"minutes", 'm', 0, G_OPTION_ARG_INT, &opt_minutes,
      "Length of the pair at 30 fps (default 60)", "MIN"},
  {"band", 'b', 0, G_OPTION_ARG_INT, &opt_band,
      "Half width of the band around the line (default 60)", "FRAMES"},
  {"max-jump", 'j', 0, G_OPTION_ARG_INT, &opt_max_jump,
      "Largest bg step per fg frame (default 4)", "FRAMES"},
  {"lag", 'l', 0, G_OPTION_ARG_INT, &opt_lag,
      "Rows the online DP waits before deciding one (default 60)", "ROWS"},
  {NULL}
};

typedef enum
{
  COST_SYNTHETIC,
  COST_THUMB_F32,
  COST_THUMB_I8,
  COST_ONLINE,
  N_COSTS
} CostKind;

static const gchar *cost_names[] = { "synthetic", "thumb-f32", "thumb-i8",
  "online"
};

static const gdouble cost_lambda[] = { 0.3, 0.005, 0.005, 0.3 };

/* what a child reports through its pipe */
typedef struct
{
  gdouble wall_s;
  gdouble cpu_s;
  gdouble setup_rss_mb;
  gdouble exact;                /* fraction of fg frames on the truth */
  gdouble cost_calls;
  gint ok;
} ChildResult;

/* per case and rep, the parent's view */
typedef struct
{
  gdouble wall_s, cpu_s, peak_rss_mb, setup_rss_mb, exact, cost_calls;
  gboolean ok;
} RunResult;

static gdouble
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static gdouble
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static guint32
hash32 (guint32 a, guint32 b)
{
  guint32 h = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u) * 0x85ebca6bu;

  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  h *= 0x297a2d39u;
  h ^= h >> 15;
  return h;
}

/* uniform in [-1, 1) */
static gfloat
noise (guint32 a, guint32 b)
{
  return (gfloat) (hash32 (a, b) / 2147483648.0 - 1.0);
}

static gint
truth_frame (guint i)
{
  return (gint) floor (123.4 + i + 10.0 * sin (2 * G_PI * i / 3000.0));
}

/* ---------------------------------------------------------------------- */
/* Cost callbacks */

typedef struct
{
  const gint *truth;
  guint64 calls;
} SynthData;

static gfloat
synthetic_cost (guint fg, guint bg, gpointer user_data)
{
  SynthData *d = user_data;
  gint dist = ABS ((gint) bg - d->truth[fg]);

  d->calls++;
  return (gfloat) MIN (dist, 8) + 0.2f * (noise (fg, bg) + 1.0f);
}

typedef struct
{
  const VkFingerprint *fg, *bg;
  guint64 calls;
} F32Data;

static gfloat
thumb_f32_cost (guint fg, guint bg, gpointer user_data)
{
  F32Data *d = user_data;

  d->calls++;
  return vk_thumb_distance (&d->fg[fg], &d->bg[bg]);
}

typedef struct
{
  gint8 v[VK_FINE_SIZE];
  gfloat scale;
} Thumb8;

typedef struct
{
  const Thumb8 *fg, *bg;
  guint64 calls;
} I8Data;

static gfloat
thumb_i8_cost (guint fg, guint bg, gpointer user_data)
{
  I8Data *d = user_data;
  const gint8 *a = d->fg[fg].v, *b = d->bg[bg].v;
  gint32 s = 0;
  gint k;

  d->calls++;
  for (k = 0; k < VK_FINE_SIZE; k++)
    s += a[k] * b[k];
  return 1.0f - d->fg[fg].scale * d->bg[bg].scale * (gfloat) s;
}

static void
normalise (gfloat * v)
{
  gdouble s = 0.0;
  gint k;

  for (k = 0; k < VK_FINE_SIZE; k++)
    s += v[k] * v[k];
  s = 1.0 / sqrt (s);
  for (k = 0; k < VK_FINE_SIZE; k++)
    v[k] = (gfloat) (v[k] * s);
}

static void
quantise (const gfloat * v, Thumb8 * t)
{
  gfloat m = 0.0f;
  gint k;

  for (k = 0; k < VK_FINE_SIZE; k++)
    m = MAX (m, fabsf (v[k]));
  if (m == 0.0f)
    m = 1.0f;
  for (k = 0; k < VK_FINE_SIZE; k++)
    t->v[k] = (gint8) lrintf (127.0f * v[k] / m);
  t->scale = m / 127.0f;
}

static void
store_thumb (const gfloat * v, guint idx, VkFingerprint * f, Thumb8 * t)
{
  if (f) {
    memcpy (f[idx].thumb, v, sizeof (f[idx].thumb));
    f[idx].phash = 0;
    f[idx].mean = 128.0f;
    f[idx].stddev = 30.0f;
  }
  if (t)
    quantise (v, &t[idx]);
}

/* The synthetic thumbnails, in one sweep over the bg (no float copies are
 * kept for the 8-bit ones): the bg ones are a random walk, every fg one is
 * the bg one at its true frame (@truth: non-decreasing, within [0, n_bg))
 * plus noise; all normalised. */
static void
make_thumbs (guint n_fg, guint n_bg, const gint * truth, VkFingerprint * ffg,
    VkFingerprint * fbg, Thumb8 * tfg, Thumb8 * tbg)
{
  gfloat cur[VK_FINE_SIZE], fv[VK_FINE_SIZE];
  guint i = 0, j;
  gint k;

  for (j = 0; j < n_bg; j++) {
    for (k = 0; k < VK_FINE_SIZE; k++)
      cur[k] = j == 0 ? noise (0, k) : cur[k] + 0.02f * noise (j, k);
    normalise (cur);
    store_thumb (cur, j, fbg, tbg);
    for (; i < n_fg && truth[i] == (gint) j; i++) {
      for (k = 0; k < VK_FINE_SIZE; k++)
        fv[k] = cur[k] + 0.01f * noise (i + 7777777, k);
      normalise (fv);
      store_thumb (fv, i, ffg, tfg);
    }
  }
  g_assert (i == n_fg);
}

/* ---------------------------------------------------------------------- */
/* One DP run (in a child) */

/* the streaming mode's DP: one row per fg frame, decided --lag rows later */
static gboolean
online_align (guint n, const gint * lo, const gint * hi, gdouble offset,
    gdouble rate, VkCostFunc func, gpointer data, guint * path)
{
  VkOnlineParams p;
  VkOnline *o;
  VkOnlineDecision d;
  guint i, done = 0;

  vk_online_params_init (&p, rate);
  p.smoothness = cost_lambda[COST_ONLINE];
  p.max_jump = (guint) opt_max_jump;
  p.offset = offset;
  o = vk_online_new (&p);
  for (i = 0; i < n; i++) {
    guint l = MAX ((guint) lo[i], vk_online_min_bg (o));

    if (!vk_online_push_row (o, l, MAX (l, (guint) hi[i]), func, data))
      break;
    while (vk_online_n_pending (o) > (guint) opt_lag
        && vk_online_commit (o, &d))
      path[done++] = d.bg;
  }
  while (vk_online_commit (o, &d))
    path[done++] = d.bg;
  vk_online_free (o);
  return done == n;
}

static void
dp_run (CostKind kind, ChildResult * res)
{
  guint n = (guint) (opt_minutes * 60 * 30), i, n_exact = 0;
  gint *truth = g_new (gint, n), *lo = g_new (gint, n), *hi = g_new (gint, n);
  guint *path = g_new (guint, n);
  VkFingerprint *ffg = NULL, *fbg = NULL;
  Thumb8 *tfg = NULL, *tbg = NULL;
  SynthData sd;
  F32Data fd;
  I8Data id;
  VkCostFunc func;
  gpointer data;
  guint64 *calls;
  VkDpParams params;
  GError *err = NULL;
  gdouble t0, c0;
  const gdouble offset = 123.4, rate = 1.0;

  /* the fg runs a little past the end of the bg: those frames belong on
   * the last one */
  for (i = 0; i < n; i++)
    truth[i] = MIN (truth_frame (i), (gint) n - 1);

  switch (kind) {
    case COST_SYNTHETIC:
    case COST_ONLINE:
      sd.truth = truth;
      sd.calls = 0;
      func = synthetic_cost;
      data = &sd;
      calls = &sd.calls;
      break;
    case COST_THUMB_F32:
      ffg = g_new (VkFingerprint, n);
      fbg = g_new (VkFingerprint, n);
      make_thumbs (n, n, truth, ffg, fbg, NULL, NULL);
      fd.fg = ffg;
      fd.bg = fbg;
      fd.calls = 0;
      func = thumb_f32_cost;
      data = &fd;
      calls = &fd.calls;
      break;
    case COST_THUMB_I8:
    default:
      tfg = g_new (Thumb8, n);
      tbg = g_new (Thumb8, n);
      make_thumbs (n, n, truth, NULL, NULL, tfg, tbg);
      id.fg = tfg;
      id.bg = tbg;
      id.calls = 0;
      func = thumb_i8_cost;
      data = &id;
      calls = &id.calls;
      break;
  }

  vk_band_from_line (n, n, offset, rate, opt_band, lo, hi);
  params.smoothness = cost_lambda[kind];
  params.max_jump = (guint) opt_max_jump;
  res->setup_rss_mb = peak_rss_mb ();

  t0 = now_seconds ();
  c0 = vk_bench_cpu_seconds ();
  if (kind == COST_ONLINE)
    res->ok = online_align (n, lo, hi, offset, rate, func, data, path);
  else
    res->ok = vk_dp_align (n, n, lo, hi, offset, rate, &params, func, data,
        path, NULL, &err);
  res->cpu_s = vk_bench_cpu_seconds () - c0;
  res->wall_s = now_seconds () - t0;
  res->cost_calls = (gdouble) * calls;

  if (!res->ok) {
    g_printerr ("%s: %s\n", cost_names[kind], err->message);
    g_error_free (err);
  } else {
    for (i = 0; i < n; i++)
      n_exact += (gint) path[i] == truth[i];
  }
  res->exact = (gdouble) n_exact / n;

  g_free (truth);
  g_free (lo);
  g_free (hi);
  g_free (path);
  g_free (ffg);
  g_free (fbg);
  g_free (tfg);
  g_free (tbg);
}

static gboolean
dp_run_in_child (CostKind kind, RunResult * out)
{
  ChildResult res;
  struct rusage ru;
  gint fds[2], status = 0;
  pid_t pid;
  gssize got = 0;

  memset (out, 0, sizeof (*out));
  if (pipe (fds) != 0)
    return FALSE;
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0) {
    close (fds[0]);
    close (fds[1]);
    return FALSE;
  }
  if (pid == 0) {
    memset (&res, 0, sizeof (res));
    close (fds[0]);
    dp_run (kind, &res);
    if (write (fds[1], &res, sizeof (res)) != (gssize) sizeof (res))
      _exit (2);
    _exit (0);
  }

  close (fds[1]);
  while (got < (gssize) sizeof (res)) {
    gssize r = read (fds[0], (gchar *) & res + got, sizeof (res) - got);

    if (r <= 0)
      break;
    got += r;
  }
  close (fds[0]);
  if (wait4 (pid, &status, 0, &ru) != pid || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0 || got != (gssize) sizeof (res))
    return FALSE;

  out->wall_s = res.wall_s;
  out->cpu_s = res.cpu_s;
  out->setup_rss_mb = res.setup_rss_mb;
  out->peak_rss_mb = ru.ru_maxrss / 1024.0;
  out->exact = res.exact;
  out->cost_calls = res.cost_calls;
  out->ok = res.ok;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Fingerprints per 1080p frame */

static void
render_frame (guint8 * img, gint seed)
{
  gint x, y;

  for (y = 0; y < FRAME_H; y++) {
    for (x = 0; x < FRAME_W; x++) {
      gdouble v = 120 + 60 * sin (0.004 * x + seed) * cos (0.006 * y - seed)
          + 30 * sin (0.02 * (x + y) + 2 * seed);

      v += 8 * noise (x + FRAME_W * y, seed);
      img[y * FRAME_W + x] = (guint8) CLAMP (v, 0, 255);
    }
  }
}

static void
bench_fingerprints (void)
{
  static const gdouble rects[][4] = {
    {0, 0, FRAME_W, FRAME_H},
    {211.6, 97.2, 1357.3, 763.4},
  };
  static const gchar *rect_names[] = {
    "1920x1080 whole frame", "1357.3x763.4 at (211.6, 97.2)",
  };
  guint8 *frames[FP_DISTINCT];
  gdouble t_res[FP_FRAMES], t_fp[FP_FRAMES], t_all[FP_FRAMES];
  gfloat img[VK_THUMB_W * VK_THUMB_H];
  VkFingerprint fp;
  guint r, f, k;

  for (k = 0; k < FP_DISTINCT; k++) {
    frames[k] = g_malloc (FRAME_W * FRAME_H);
    render_frame (frames[k], k + 1);
  }

  printf ("\nfingerprint per 1080p luma frame, median of %d frames (us)\n",
      FP_FRAMES);
  printf ("%-32s %10s %10s %10s %8s\n", "source rectangle -> 32x32",
      "resample", "fingerpr.", "total", "target");
  for (r = 0; r < G_N_ELEMENTS (rects); r++) {
    gdouble med;

    /* warm-up */
    for (f = 0; f < 10; f++)
      vk_fingerprint_from_luma (&fp, frames[f % FP_DISTINCT], FRAME_W,
          FRAME_W, FRAME_H, rects[r][0], rects[r][1], rects[r][2], rects[r][3]);
    for (f = 0; f < FP_FRAMES; f++) {
      gdouble t0 = now_seconds (), t1, t2;

      vk_luma_resample (frames[f % FP_DISTINCT], FRAME_W, FRAME_W, FRAME_H,
          rects[r][0], rects[r][1], rects[r][2], rects[r][3], img,
          VK_THUMB_W, VK_THUMB_H);
      t1 = now_seconds ();
      vk_fingerprint_from_thumb (&fp, img);
      t2 = now_seconds ();
      t_res[f] = 1e6 * (t1 - t0);
      t_fp[f] = 1e6 * (t2 - t1);
      t_all[f] = 1e6 * (t2 - t0);
    }
    med = vk_bench_median (t_all, FP_FRAMES);
    printf ("%-32s %10.1f %10.1f %10.1f %8s\n", rect_names[r],
        vk_bench_median (t_res, FP_FRAMES), vk_bench_median (t_fp, FP_FRAMES),
        med, med < TARGET_FP_US ? "ok" : "MISSED");
  }

  for (k = 0; k < FP_DISTINCT; k++)
    g_free (frames[k]);
}

/* ---------------------------------------------------------------------- */

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *err = NULL;
  RunResult runs[N_COSTS][16];
  guint n_fg, c, rep;
  gboolean all_ok = TRUE;

  ctx = g_option_context_new ("- vidkompyalign temporal alignment benchmark");
  g_option_context_add_main_entries (ctx, opt_entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  opt_reps = CLAMP (opt_reps, 1, 16);
  opt_minutes = MAX (opt_minutes, 1);
  opt_band = MAX (opt_band, 0);
  opt_max_jump = CLAMP (opt_max_jump, 1, VK_DP_MAX_JUMP);
  n_fg = (guint) (opt_minutes * 60 * 30);

  printf ("banded DP: %u fg x %u bg frames (%d min at 30 fps), band +-%d, "
      "max_jump %d, median of %d runs\n", n_fg, n_fg, opt_minutes, opt_band,
      opt_max_jump, opt_reps);

  /* interleaved: a load burst does not hit one case only */
  for (rep = 0; rep < (guint) opt_reps; rep++) {
    for (c = 0; c < N_COSTS; c++) {
      if (!dp_run_in_child (c, &runs[c][rep]) || !runs[c][rep].ok) {
        g_printerr ("%s: run %u failed\n", cost_names[c], rep);
        all_ok = FALSE;
      }
    }
  }

  printf ("%-10s %7s %8s %8s %10s %10s %9s %8s %8s\n", "cost", "lambda",
      "wall s", "cpu s", "peak MB", "setup MB", "calls M", "exact %", "target");
  for (c = 0; c < N_COSTS; c++) {
    gdouble wall[16], cpu[16], rss[16], setup[16], exact[16], calls[16];
    gdouble mw, mr;
    const gchar *verdict = "-";

    for (rep = 0; rep < (guint) opt_reps; rep++) {
      wall[rep] = runs[c][rep].wall_s;
      cpu[rep] = runs[c][rep].cpu_s;
      rss[rep] = runs[c][rep].peak_rss_mb;
      setup[rep] = runs[c][rep].setup_rss_mb;
      exact[rep] = 100.0 * runs[c][rep].exact;
      calls[rep] = runs[c][rep].cost_calls / 1e6;
    }
    mw = vk_bench_median (wall, opt_reps);
    mr = vk_bench_median (rss, opt_reps);
    if (c == COST_SYNTHETIC)
      verdict = mw < TARGET_DP_SECONDS && mr < TARGET_DP_MB ? "ok" : "MISSED";
    if (c == COST_ONLINE) {
      gdouble sw[16];

      for (rep = 0; rep < (guint) opt_reps; rep++)
        sw[rep] = runs[COST_SYNTHETIC][rep].wall_s;
      printf
          ("%-10s %7.3f %8.3f %8.3f %10.1f %10.1f %9.2f %8.3f  %.2f us/frame, "
          "%.2fx synthetic (lag %d)\n", cost_names[c], cost_lambda[c], mw,
          vk_bench_median (cpu, opt_reps), mr, vk_bench_median (setup,
              opt_reps), vk_bench_median (calls, opt_reps),
          vk_bench_median (exact, opt_reps), 1e6 * mw / n_fg,
          mw / vk_bench_median (sw, opt_reps), opt_lag);
      continue;
    }
    printf ("%-10s %7.3f %8.3f %8.3f %10.1f %10.1f %9.2f %8.3f %8s\n",
        cost_names[c], cost_lambda[c], mw, vk_bench_median (cpu, opt_reps), mr,
        vk_bench_median (setup, opt_reps), vk_bench_median (calls, opt_reps),
        vk_bench_median (exact, opt_reps), verdict);
  }

  bench_fingerprints ();

  return all_ok ? 0 : 1;
}
