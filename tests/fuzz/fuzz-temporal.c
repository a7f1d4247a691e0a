/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* libFuzzer harness: vidkompyalign's analysis code (gst/vidkompyalign/,
 * pure functions) on random input. The first byte picks the target:
 *
 *  0  vk_alignment_compute () (fingerprints, spatial search on the
 *     low-resolution frames, coarse line, banded DP) on random frame
 *     sequences: a bg of random noise with repeated (static) stretches and
 *     an fg that shows a random crop of it along a random, possibly
 *     backwards, time map, or unrelated noise; random frame sizes (1x1 up
 *     to 4096 px, the fg not larger than the bg: see below), frame rates
 *     and options (fixed, possibly hostile,
 *     position and scale, window, smoothness, match region).
 *     Invariants on success: one map entry per fg frame, every entry a bg
 *     frame, the map non-decreasing, costs >= 0, confidence and inlier
 *     fraction in [0, 1], a finite position, a scale > 0, the compared
 *     region inside the fg.
 *  1  vk_dp_align () on random bands (valid or not), lines, parameters and
 *     cost tables with +inf and NaN. On success: lo <= path <= hi, steps in
 *     [0, max_jump], a finite total equal to vk_dp_path_cost (); otherwise
 *     an error is set.
 *  2  vk_fit_line_robust () on random points, and vk_band_from_line () on
 *     its line: a rate in the limits, finite outputs, bands non-empty,
 *     inside [0, n_bg) and never decreasing.
 *  3  vk_spatial_search (), vk_spatial_refine (), vk_spatial_score () and
 *     vk_detect_static_bars () on random geometry (planes 1x1 to 96x72,
 *     1-3 pairs, scale ranges from 0.25, valid rectangles that may lie outside the
 *     fg), the fg a scaled crop of the bg or unrelated: on success the
 *     scale is in range, the score in [-1, 1], the valid rectangle of the
 *     placed fg inside the bg, and a scale-1 position integral; otherwise
 *     an error is set.
 *
 * A broken invariant aborts with its description. FUZZ_VERBOSE=1 in the
 * environment prints the parameters of each alignment case. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-input.h"
#include "vkalignment.h"
#include "vkfingerprint.h"
#include "vkspatial.h"
#include "vktemporal.h"

#define EPS 1e-6

#define check(cond, ...) G_STMT_START {                                 \
  if (!(cond)) {                                                        \
    fprintf (stderr, "fuzz-temporal: %s:%d: %s: ", __FILE__, __LINE__,  \
        #cond);                                                         \
    fprintf (stderr, __VA_ARGS__);                                      \
    fprintf (stderr, "\n");                                             \
    abort ();                                                           \
  }                                                                     \
} G_STMT_END

/* Fills @dst (w x h, stride w) with the (sx, sy, sw, sh) crop of @src
 * (src_w x src_h), nearest neighbour, plus noise up to ±@noise. */
static void
crop_nearest (guint8 * dst, gint w, gint h, const guint8 * src, gint src_w,
    gint src_h, gdouble sx, gdouble sy, gdouble sw, gdouble sh, gint noise,
    GRand * rand)
{
  gint i, j;

  for (j = 0; j < h; j++) {
    gint y = CLAMP ((gint) (sy + (j + 0.5) * sh / h), 0, src_h - 1);

    for (i = 0; i < w; i++) {
      gint x = CLAMP ((gint) (sx + (i + 0.5) * sw / w), 0, src_w - 1);
      gint v = src[(gsize) y * src_w + x];

      if (noise > 0)
        v += g_rand_int_range (rand, -noise, noise + 1);
      dst[(gsize) j * w + i] = CLAMP (v, 0, 255);
    }
  }
}

static void
random_bytes (guint8 * dst, gsize n, GRand * rand)
{
  gsize i;

  for (i = 0; i < n; i++)
    dst[i] = (guint8) g_rand_int (rand);
}

/* bg frames: noise, each repeated a random number of times (static
 * stretches), unless the bytes run out */
static void
make_bg (guint8 * low, guint n, gsize frame_size, FuzzInput * in, GRand * rand)
{
  guint i = 0;

  while (i < n) {
    guint rep = 1 + fuzz_u8 (in) % 8;

    random_bytes (low + i * frame_size, frame_size, rand);
    for (i++; i < n && --rep > 0; i++)
      memcpy (low + i * frame_size, low + (i - 1) * frame_size, frame_size);
  }
}

/* ---------------------------------------------------------------------- */
/* 0: the whole analysis */

static void
fuzz_alignment (FuzzInput * in)
{
  VkStreamSummary bg, fg;
  VkAlignOptions opts;
  VkAlignResult res;
  GError *err = NULL;
  guint8 *bglow, *fglow;
  gsize bgsize, fgsize;
  gdouble cx, cy, cw, ch, t0, step;
  gint noise;
  gboolean related;
  GRand *rand;
  guint i;

  memset (&bg, 0, sizeof (bg));
  memset (&fg, 0, sizeof (fg));
  bg.width = fuzz_range (in, 1, 4096);
  bg.height = fuzz_range (in, 1, 4096);
  fg.width = fuzz_range (in, 1, 4096);
  fg.height = fuzz_range (in, 1, 4096);
  bg.fps = fuzz_range (in, 1, 240) / (gdouble) fuzz_range (in, 1, 4);
  fg.fps = fuzz_range (in, 1, 240) / (gdouble) fuzz_range (in, 1, 4);
  bg.n_frames = fuzz_range (in, 0, 90);
  fg.n_frames = fuzz_range (in, 0, 90);
  vk_low_size (bg.width, bg.height, &bg.low_width, &bg.low_height);
  vk_low_size (fg.width, fg.height, &fg.low_width, &fg.low_height);
  /* keep a case fast: tall, thin frames have tall low-resolution copies */
  if (bg.low_height > 256 || fg.low_height > 256)
    return;
  /* Known issue (docs/hardening.md, inputs in tests/fuzz/slow/): a fg
   * larger than the bg makes the search try scales far below 1, and one
   * alignment of 11-16 fg frames takes 4-12 s (minutes with the
   * sanitizers); left out until that is fixed, so that the fuzzer can look
   * for other things. */
  if (fg.width > bg.width || fg.height > bg.height)
    return;

  vk_align_options_init (&opts);
  opts.fixed_position = fuzz_u8 (in) < 48;
  opts.x = fuzz_range (in, -600, 5000);
  opts.y = fuzz_range (in, -600, 5000);
  opts.scale = fuzz_u8 (in) < 128 ? 0 : fuzz_range (in, 1, 800) / 100.0;
  opts.prefer_unscaled = fuzz_u8 (in) & 1;
  opts.window = fuzz_u8 (in) < 200 ? opts.window : fuzz_range (in, 0, 400);
  opts.smoothness = fuzz_u8 (in) < 200 ? opts.smoothness :
      fuzz_range (in, 0, 1000) / 100.0;
  opts.match_region = fuzz_u8 (in) % 3;

  /* the fg: a crop of the bg (in bg low-resolution pixels) along a line
   * in time with random jitter, or unrelated noise */
  related = fuzz_u8 (in) < 200;
  cw = 1 + fuzz_unit (in) * (bg.low_width - 1);
  ch = 1 + fuzz_unit (in) * (bg.low_height - 1);
  cx = fuzz_unit (in) * (bg.low_width - cw);
  cy = fuzz_unit (in) * (bg.low_height - ch);
  t0 = fuzz_range (in, -20, 60);
  step = (fuzz_range (in, 0, 400) - 100) / 100.0;
  noise = fuzz_u8 (in) % 24;
  rand = g_rand_new_with_seed (fuzz_seed (in));
  in->pos = 0;                  /* the bytes again, for the static stretches */

  bgsize = (gsize) bg.low_width * bg.low_height;
  fgsize = (gsize) fg.low_width * fg.low_height;
  bglow = g_malloc (MAX (1, bgsize * bg.n_frames));
  fglow = g_malloc (MAX (1, fgsize * fg.n_frames));
  make_bg (bglow, bg.n_frames, bgsize, in, rand);
  for (i = 0; i < fg.n_frames; i++) {
    gint t = (gint) floor (t0 + step * i + g_rand_double_range (rand, -1, 1));

    if (related && bg.n_frames > 0)
      crop_nearest (fglow + i * fgsize, fg.low_width, fg.low_height,
          bglow + CLAMP (t, 0, (gint) bg.n_frames - 1) * bgsize,
          bg.low_width, bg.low_height, cx, cy, cw, ch, noise, rand);
    else
      random_bytes (fglow + i * fgsize, fgsize, rand);
  }
  bg.low = bglow;
  fg.low = fglow;
  if (g_getenv ("FUZZ_VERBOSE"))
    fprintf (stderr, "alignment: bg %dx%d (low %dx%d) %u frames %.3f fps, "
        "fg %dx%d (low %dx%d) %u frames %.3f fps, fixed %d at %g,%g scale "
        "%g, unscaled %d, window %u, smoothness %g, region %d; fg %s\n",
        bg.width, bg.height, bg.low_width, bg.low_height, bg.n_frames,
        bg.fps, fg.width, fg.height, fg.low_width, fg.low_height,
        fg.n_frames, fg.fps, opts.fixed_position, opts.x, opts.y, opts.scale,
        opts.prefer_unscaled, opts.window, opts.smoothness,
        opts.match_region, related ? "a crop of the bg" : "unrelated");

  if (vk_alignment_compute (&bg, &fg, &opts, &res, &err)) {
    check (res.n_fg == fg.n_frames, "%u map entries for %u fg frames",
        res.n_fg, fg.n_frames);
    for (i = 0; i < res.n_fg; i++) {
      check (res.map[i] < bg.n_frames, "map[%u] = %u of %u bg frames", i,
          res.map[i], bg.n_frames);
      check (i == 0 || res.map[i] >= res.map[i - 1], "map[%u] = %u < "
          "map[%u] = %u", i, res.map[i], i - 1, res.map[i - 1]);
      check (res.cost[i] >= 0 && isfinite (res.cost[i]), "cost[%u] = %g", i,
          res.cost[i]);
    }
    check (res.confidence >= 0 && res.confidence <= 1, "confidence %g",
        res.confidence);
    check (res.inlier_fraction >= 0 && res.inlier_fraction <= 1 + EPS,
        "inlier fraction %g", res.inlier_fraction);
    check (isfinite (res.x) && isfinite (res.y) && isfinite (res.offset)
        && isfinite (res.rate), "x %g y %g offset %g rate %g", res.x, res.y,
        res.offset, res.rate);
    check (res.scale > 0 && isfinite (res.scale), "scale %g", res.scale);
    check (res.valid_x >= 0 && res.valid_y >= 0 && res.valid_w > 0
        && res.valid_h > 0 && res.valid_x + res.valid_w <= fg.width
        && res.valid_y + res.valid_h <= fg.height, "valid region %d,%d "
        "%dx%d of a %dx%d fg", res.valid_x, res.valid_y, res.valid_w,
        res.valid_h, fg.width, fg.height);
    vk_align_result_clear (&res);
  } else {
    check (err != NULL, "failed without an error");
    g_clear_error (&err);
  }

  g_free (bglow);
  g_free (fglow);
  g_rand_free (rand);
}

/* ---------------------------------------------------------------------- */
/* 1: the banded DP */

typedef struct
{
  guint n_bg;
  const gfloat *table;
} CostTable;

static gfloat
table_cost (guint fg, guint bg, gpointer user_data)
{
  const CostTable *t = user_data;

  return t->table[(gsize) fg * t->n_bg + bg];
}

static void
fuzz_dp (FuzzInput * in)
{
  guint n_fg = fuzz_range (in, 0, 150);
  guint n_bg = fuzz_range (in, 0, 300);
  gdouble offset = fuzz_range (in, -400, 400) / 4.0;
  gdouble rate = fuzz_range (in, 0, 1600) / 400.0;
  gint half = fuzz_range (in, -2, 40);
  gboolean from_line = fuzz_u8 (in) < 160;
  VkDpParams params;
  CostTable t;
  gfloat *table;
  gint *lo, *hi;
  guint *path;
  gdouble total, again;
  GError *err = NULL;
  GRand *rand;
  guint i, n_inf;

  params.smoothness = fuzz_u8 (in) < 240 ? fuzz_range (in, 0, 400) / 100.0 :
      (fuzz_u8 (in) & 1 ? -1.0 : NAN);
  params.max_jump = fuzz_u8 (in) < 240 ? fuzz_range (in, 0, 12) :
      fuzz_range (in, 0, 300);
  n_inf = fuzz_u8 (in);
  rand = g_rand_new_with_seed (fuzz_seed (in));

  table = g_new (gfloat, MAX (1, (gsize) n_fg * n_bg));
  for (i = 0; i < n_fg * n_bg; i++) {
    guint r = g_rand_int_range (rand, 0, 256);

    table[i] = r < n_inf / 8 ? INFINITY : r == 255 && n_inf > 128 ? NAN :
        (gfloat) g_rand_double (rand);
  }
  lo = g_new (gint, MAX (1, n_fg));
  hi = g_new (gint, MAX (1, n_fg));
  path = g_new0 (guint, MAX (1, n_fg));
  if (from_line && n_bg > 0 && half >= 0) {
    vk_band_from_line (n_fg, n_bg, offset, rate, half, lo, hi);
  } else {
    for (i = 0; i < n_fg; i++) {
      lo[i] = g_rand_int_range (rand, -5, n_bg + 5);
      hi[i] = lo[i] + g_rand_int_range (rand, -3, 20);
    }
  }
  t.n_bg = n_bg;
  t.table = table;

  if (vk_dp_align (n_fg, n_bg, lo, hi, offset, rate, &params, table_cost, &t,
          path, &total, &err)) {
    check (n_fg > 0 && n_bg > 0, "success on %u x %u", n_fg, n_bg);
    for (i = 0; i < n_fg; i++) {
      check ((gint) path[i] >= lo[i] && (gint) path[i] <= hi[i]
          && path[i] < n_bg, "path[%u] = %u outside [%d, %d] (n_bg %u)", i,
          path[i], lo[i], hi[i], n_bg);
      check (i == 0 || (path[i] >= path[i - 1]
              && path[i] - path[i - 1] <= params.max_jump), "step %u -> %u "
          "at %u, max_jump %u", path[i - 1], path[i], i, params.max_jump);
    }
    check (isfinite (total), "total cost %g", total);
    again = vk_dp_path_cost (n_fg, n_bg, path, offset, rate, &params,
        table_cost, &t);
    check (fabs (again - total) <= 1e-6 * MAX (1.0, fabs (total)),
        "total %.9g, vk_dp_path_cost %.9g", total, again);
  } else {
    check (err != NULL, "failed without an error");
    g_clear_error (&err);
  }

  g_free (table);
  g_free (lo);
  g_free (hi);
  g_free (path);
  g_rand_free (rand);
}

/* ---------------------------------------------------------------------- */
/* 2: the robust line fit and the bands */

static void
fuzz_line (FuzzInput * in)
{
  guint n = fuzz_range (in, 0, 120), i;
  gdouble max_ratio = fuzz_range (in, -1, 8);
  gdouble tol = fuzz_range (in, 1, 40) / 4.0;
  VkMatchPoint *pts = g_new (VkMatchPoint, MAX (1, n));
  gdouble offset = 0, rate = 0, frac = -1;

  for (i = 0; i < n; i++) {
    pts[i].fg = fuzz_range (in, -100, 1000) / (fuzz_u8 (in) & 1 ? 1.0 : 3.0);
    pts[i].bg = fuzz_range (in, -100, 3000) / (fuzz_u8 (in) & 1 ? 1.0 : 3.0);
    pts[i].weight = (fuzz_range (in, 0, 40) - 4) / 8.0;
  }

  if (vk_fit_line_robust (pts, n, max_ratio, tol, &offset, &rate, &frac)) {
    guint n_fg = fuzz_range (in, 1, 400), n_bg = fuzz_range (in, 1, 400);
    gint half = fuzz_range (in, 0, 50);
    gint *lo = g_new (gint, n_fg), *hi = g_new (gint, n_fg);

    check (isfinite (offset) && isfinite (rate) && rate > 0, "offset %g "
        "rate %g", offset, rate);
    if (max_ratio > 0)
      check (rate >= 1.0 / max_ratio - EPS && rate <= max_ratio + EPS,
          "rate %g outside 1/%g .. %g", rate, max_ratio, max_ratio);
    check (frac >= 0 && frac <= 1 + EPS, "inlier fraction %g", frac);

    vk_band_from_line (n_fg, n_bg, offset, rate, half, lo, hi);
    for (i = 0; i < n_fg; i++) {
      check (lo[i] >= 0 && lo[i] <= hi[i] && hi[i] < (gint) n_bg,
          "band %u: [%d, %d] of %u bg frames", i, lo[i], hi[i], n_bg);
      check (i == 0 || (lo[i] >= lo[i - 1] && hi[i] >= hi[i - 1]),
          "band %u [%d, %d] after [%d, %d]", i, lo[i], hi[i], lo[i - 1],
          hi[i - 1]);
    }
    g_free (lo);
    g_free (hi);
  }
  g_free (pts);
}

/* ---------------------------------------------------------------------- */
/* 3: the spatial search */

#define MAX_PAIRS 3

static void
check_placement (const VkPlacementEstimate * e, const VkSpatialParams * p,
    const GstVideoRectangle * valid, gint bg_w, gint bg_h, const gchar * fn)
{
  gdouble x0 = e->x + valid->x * e->scale, y0 = e->y + valid->y * e->scale;
  gdouble x1 = x0 + valid->w * e->scale, y1 = y0 + valid->h * e->scale;

  check (isfinite (e->x) && isfinite (e->y) && e->scale > 0
      && isfinite (e->scale), "%s: x %g y %g scale %g", fn, e->x, e->y,
      e->scale);
  check (e->scale >= p->min_scale - EPS && (p->max_scale <= 0
          || e->scale <= p->max_scale + EPS), "%s: scale %g outside "
      "[%g, %g]", fn, e->scale, p->min_scale, p->max_scale);
  check (e->score >= -1 - EPS && e->score <= 1 + EPS, "%s: score %g", fn,
      e->score);
  check (x0 >= -EPS && y0 >= -EPS && x1 <= bg_w + EPS && y1 <= bg_h + EPS,
      "%s: valid rectangle at (%g,%g)-(%g,%g) (x %g y %g scale %g) outside "
      "the %dx%d bg", fn, x0, y0, x1, y1, e->x, e->y, e->scale, bg_w, bg_h);
  if (e->scale == 1.0)
    check (e->x == floor (e->x) && e->y == floor (e->y), "%s: scale 1 at "
        "(%g,%g)", fn, e->x, e->y);
}

static void
fuzz_spatial (FuzzInput * in)
{
  gint bg_w = fuzz_range (in, 1, 96), bg_h = fuzz_range (in, 1, 72);
  gint fg_w = fuzz_range (in, 1, 96), fg_h = fuzz_range (in, 1, 72);
  guint n_pairs = fuzz_range (in, 1, MAX_PAIRS), i;
  gdouble true_scale = fuzz_range (in, 50, 400) / 100.0;
  gdouble tx = fuzz_unit (in), ty = fuzz_unit (in);
  gboolean related = fuzz_u8 (in) < 220;
  gint noise = fuzz_u8 (in) % 16;
  VkSpatialParams p;
  VkLuma bg[MAX_PAIRS], fg[MAX_PAIRS];
  guint8 *bgdata[MAX_PAIRS], *fgdata[MAX_PAIRS];
  VkPlacementEstimate est, ref;
  GstVideoRectangle valid, content;
  GError *err = NULL;
  gdouble score, cw, ch;
  GRand *rand;

  vk_spatial_params_init (&p);
  if (fuzz_u8 (in) < 100) {
    /* (smaller scales are valid too, but take seconds a case: see
     * docs/hardening.md) */
    p.min_scale = fuzz_range (in, 25, 300) / 100.0;
    p.max_scale = fuzz_u8 (in) < 64 ? 0 : fuzz_range (in, 10, 500) / 100.0;
  }
  p.prefer_unscaled = fuzz_u8 (in) & 1;
  if (fuzz_u8 (in) < 64) {
    p.fg_valid.x = fuzz_range (in, -4, fg_w + 4);
    p.fg_valid.y = fuzz_range (in, -4, fg_h + 4);
    p.fg_valid.w = fuzz_range (in, -2, fg_w + 4);
    p.fg_valid.h = fuzz_range (in, -2, fg_h + 4);
  }
  rand = g_rand_new_with_seed (fuzz_seed (in));

  /* the fg: the crop of the bg it would cover at the true scale */
  cw = MIN (bg_w, fg_w * true_scale);
  ch = MIN (bg_h, fg_h * true_scale);
  for (i = 0; i < n_pairs; i++) {
    bgdata[i] = g_malloc ((gsize) bg_w * bg_h);
    fgdata[i] = g_malloc ((gsize) fg_w * fg_h);
    random_bytes (bgdata[i], (gsize) bg_w * bg_h, rand);
    if (related)
      crop_nearest (fgdata[i], fg_w, fg_h, bgdata[i], bg_w, bg_h,
          tx * (bg_w - cw), ty * (bg_h - ch), cw, ch, noise, rand);
    else
      random_bytes (fgdata[i], (gsize) fg_w * fg_h, rand);
    bg[i] = (VkLuma) {
    bgdata[i], bg_w, bg_w, bg_h};
    fg[i] = (VkLuma) {
    fgdata[i], fg_w, fg_w, fg_h};
  }

  valid = p.fg_valid;
  if (valid.w <= 0 || valid.h <= 0)
    valid = (GstVideoRectangle) {
    0, 0, fg_w, fg_h};

  if (vk_spatial_search (bg, fg, n_pairs, &p, &est, &err)) {
    check_placement (&est, &p, &valid, bg_w, bg_h, "search");
    if (vk_spatial_refine (bg, fg, n_pairs, &p, &est, fuzz_range (in, 0, 8),
            &ref, &err)) {
      check_placement (&ref, &p, &valid, bg_w, bg_h, "refine");
    } else {
      check (err != NULL, "refine failed without an error");
      g_clear_error (&err);
    }
    if (vk_spatial_score (bg, fg, n_pairs, &p, &est, &score, &err)) {
      check (score >= -1 - EPS && score <= 1 + EPS, "score %g", score);
    } else {
      check (err != NULL, "score failed without an error");
      g_clear_error (&err);
    }
  } else {
    check (err != NULL, "search failed without an error");
    g_clear_error (&err);
  }

  if (vk_detect_static_bars (fg, n_pairs, &content))
    check (content.x >= 0 && content.y >= 0 && content.w > 0 && content.h > 0
        && content.x + content.w <= fg_w && content.y + content.h <= fg_h,
        "content %d,%d %dx%d of a %dx%d fg", content.x, content.y, content.w,
        content.h, fg_w, fg_h);

  for (i = 0; i < n_pairs; i++) {
    g_free (bgdata[i]);
    g_free (fgdata[i]);
  }
  g_rand_free (rand);
}

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  FuzzInput in = { data, size, 0 };

  switch (fuzz_u8 (&in) % 4) {
    case 0:
      in.data++, in.size = size > 0 ? size - 1 : 0, in.pos = 0;
      fuzz_alignment (&in);
      break;
    case 1:
      fuzz_dp (&in);
      break;
    case 2:
      fuzz_line (&in);
      break;
    default:
      fuzz_spatial (&in);
      break;
  }
  return 0;
}
