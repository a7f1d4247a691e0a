/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign's joint search of space and time (vkjoint.c), the tie
 * rule and the choice of a fg frame's bg frame among its candidates, both
 * modes (vk_is_tie (), vkframepick.c), without a pipeline: on a
 * synthetic eased pan, a placement shifted along the motion matches one
 * moment as well as the truth, but not the whole line of fg samples. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vkalignment.h"
#include "vkframepick.h"
#include "vkjoint.h"
#include "vkrefine.h"
#include "vktemporal.h"

#define BG_W 64
#define BG_H 36
#define N_BG 90
#define FG_W 24
#define FG_H 16
#define FG_X 16
#define FG_Y 8
#define FG_START 10             /* bg frame of fg frame 0 */
#define N_FG 70
#define PAN 30.0                /* canvas pixels over the bg, eased */

/* a smooth texture without repeats in the range used */
static gdouble
texture (gdouble x, gdouble y)
{
  return 128 + 50 * sin (0.31 * x + 0.17 * y) + 40 * sin (0.13 * x - 0.29 * y
      + 1.0) + 20 * sin (0.053 * x * 0.7 + 0.41 * y + 2.0);
}

/* the camera of an eased pan of @pan canvas pixels over @n bg frames */
static gdouble
camera_x_over (guint j, guint n, gdouble pan)
{
  gdouble f = (gdouble) j / (n - 1);

  return 5.0 + pan * f * f * (3.0 - 2.0 * f);
}

static gdouble
camera_x (guint j)
{
  return camera_x_over (j, N_BG, PAN);
}

static void
render (guint8 * out, gint w, gint h, gdouble x0, gdouble y0)
{
  gint x, y;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      out[y * w + x] = (guint8) CLAMP (floor (texture (x0 + x, y0 + y) +
              0.5), 0, 255);
}

typedef struct
{
  guint8 *bg_low, *fg_low;
  VkStreamSummary bg, fg;
  VkLuma bgl[N_BG];
} Pan;

static void
pan_init (Pan * p)
{
  guint j, i;

  p->bg_low = g_malloc (BG_W * BG_H * N_BG);
  p->fg_low = g_malloc (FG_W * FG_H * N_FG);
  for (j = 0; j < N_BG; j++) {
    render (p->bg_low + j * BG_W * BG_H, BG_W, BG_H, camera_x (j), 0);
    p->bgl[j].data = p->bg_low + j * BG_W * BG_H;
    p->bgl[j].stride = p->bgl[j].width = BG_W;
    p->bgl[j].height = BG_H;
  }
  /* fg frame i: the rect of bg frame FG_START + i */
  for (i = 0; i < N_FG; i++)
    render (p->fg_low + i * FG_W * FG_H, FG_W, FG_H,
        camera_x (FG_START + i) + FG_X, FG_Y);
  p->bg = (VkStreamSummary) {
  BG_W, BG_H, BG_W, BG_H, 30.0, N_BG, p->bg_low};
  p->fg = (VkStreamSummary) {
  FG_W, FG_H, FG_W, FG_H, 30.0, N_FG, p->fg_low};
}

static void
pan_clear (Pan * p)
{
  g_free (p->bg_low);
  g_free (p->fg_low);
}

/* the bg frame where fg frame @f matches best under placement @at */
static guint
best_frame (Pan * p, guint f, const VkPlacementEstimate * at, gdouble * score)
{
  VkLuma fl = { p->fg_low + f * FG_W * FG_H, FG_W, FG_W, FG_H };
  GstVideoRectangle all = { 0, 0, FG_W, FG_H };
  guint j, best = 0;

  *score = -G_MAXDOUBLE;
  for (j = 0; j < N_BG; j++) {
    gdouble s = vk_placed_ncc (&p->bgl[j], &fl, &all, at);

    if (s > *score) {
      *score = s;
      best = j;
    }
  }
  return best;
}

GST_START_TEST (test_placed_ncc)
{
  guint8 bg[BG_W * BG_H], fg[FG_W * FG_H], half[12 * 8];
  VkLuma bl = { bg, BG_W, BG_W, BG_H }, fl = { fg, FG_W, FG_W, FG_H };
  VkLuma hl = { half, 12, 12, 8 };
  GstVideoRectangle all = { 0, 0, FG_W, FG_H }, hall = { 0, 0, 12, 8 };
  VkPlacementEstimate at = { FG_X, FG_Y, 1.0, 0 };
  gint x, y;

  render (bg, BG_W, BG_H, 0, 0);
  render (fg, FG_W, FG_H, FG_X, FG_Y);
  fail_unless (vk_placed_ncc (&bl, &fl, &all, &at) > 0.9999);
  at.x += 3;
  fail_unless (vk_placed_ncc (&bl, &fl, &all, &at) < 0.9);
  /* outside the bg */
  at.x = BG_W - FG_W + 2;
  fail_unless_equals_float (vk_placed_ncc (&bl, &fl, &all, &at), -2.0);

  /* the rect at half size: each fg pixel the mean of 2x2 bg pixels */
  for (y = 0; y < 8; y++)
    for (x = 0; x < 12; x++)
      half[y * 12 + x] = (bg[(FG_Y + 2 * y) * BG_W + FG_X + 2 * x]
          + bg[(FG_Y + 2 * y) * BG_W + FG_X + 2 * x + 1]
          + bg[(FG_Y + 2 * y + 1) * BG_W + FG_X + 2 * x]
          + bg[(FG_Y + 2 * y + 1) * BG_W + FG_X + 2 * x + 1] + 2) / 4;
  at.x = FG_X;
  at.scale = 2.0;
  fail_unless (vk_placed_ncc (&bl, &hl, &hall, &at) > 0.999);
}

GST_END_TEST;

GST_START_TEST (test_line_score)
{
  Pan p;
  VkJointLine line;
  VkJointSample samples[8];
  VkPlacementEstimate truth = { FG_X, FG_Y, 1.0, 0 }, shifted = truth;
  gdouble s_truth, s_shifted, single;
  guint k, b_truth, b_shifted;

  pan_init (&p);
  line.bg = p.bgl;
  line.n_bg = N_BG;
  line.valid = (GstVideoRectangle) {
  0, 0, FG_W, FG_H};
  line.rate = 1.0;
  line.tolerance = 3;
  line.tolerance_rate = 0.25;
  line.tolerance_max = 93;
  for (k = 0; k < 8; k++) {
    samples[k].f = (2 * k + 1) * N_FG / 16;
    samples[k].fg.data = p.fg_low + samples[k].f * FG_W * FG_H;
    samples[k].fg.stride = samples[k].fg.width = FG_W;
    samples[k].fg.height = FG_H;
  }

  /* fg frame 35 alone: a placement 3 px to the right matches another
   * moment nearly as well as the truth matches its own */
  b_truth = best_frame (&p, 35, &truth, &single);
  fail_unless_equals_int (b_truth, FG_START + 35);
  shifted.x += 3;
  b_shifted = best_frame (&p, 35, &shifted, &single);
  fail_unless (b_shifted < b_truth && single > 0.98, "shifted: frame %u, "
      "%f", b_shifted, single);

  /* the line of samples tells them apart */
  s_truth = vk_joint_line_score (&line, samples, 8, &truth, b_truth, 35);
  /* under the truth every sample is on its own bg frame */
  for (k = 0; k < 8; k++)
    fail_unless_equals_int (samples[k].best_b, FG_START + samples[k].f);
  s_shifted = vk_joint_line_score (&line, samples, 8, &shifted, b_shifted, 35);
  fail_unless (s_truth > 0.999, "truth %f", s_truth);
  fail_unless (1.0 - s_shifted > 4 * (1.0 - s_truth), "truth %f, shifted "
      "%f", s_truth, s_shifted);
  pan_clear (&p);
}

GST_END_TEST;

/* the whole engine on a long eased pan of the even texture (LONG_BG bg
 * frames, 10 s): each fg sample matches perfectly in every bg frame, at
 * the place of that frame's moment, and the spatial search's candidates,
 * 10 bg frames apart, find the samples perfectly in places that differ;
 * until 2026-12-08 samples found perfectly at scale 1 were taken for a
 * still camera and their pairs' joint place was none of theirs (37.5,18.2
 * at scale 1.087 for 16,8 at 1) */
#define LONG_BG 300
#define LONG_FG 240
#define LONG_START 30
#define LONG_PAN 90.0

GST_START_TEST (test_long_pan)
{
  gsize bg_size = BG_W * BG_H, fg_size = FG_W * FG_H;
  guint8 *bg_low = g_malloc (bg_size * LONG_BG);
  guint8 *fg_low = g_malloc (fg_size * LONG_FG);
  VkStreamSummary bg = { BG_W, BG_H, BG_W, BG_H, 30.0, LONG_BG, bg_low };
  VkStreamSummary fg = { FG_W, FG_H, FG_W, FG_H, 30.0, LONG_FG, fg_low };
  VkAlignOptions opts;
  VkAlignResult r;
  GError *err = NULL;
  guint i, exact = 0;

  for (i = 0; i < LONG_BG; i++)
    render (bg_low + i * bg_size, BG_W, BG_H, camera_x_over (i, LONG_BG,
            LONG_PAN), 0);
  for (i = 0; i < LONG_FG; i++)
    render (fg_low + i * fg_size, FG_W, FG_H, camera_x_over (LONG_START + i,
            LONG_BG, LONG_PAN) + FG_X, FG_Y);
  vk_align_options_init (&opts);
  fail_unless (vk_alignment_compute (&bg, &fg, &opts, &r, &err), "%s",
      err ? err->message : "");
  fail_unless (fabs (r.x - FG_X) <= 0.5 && fabs (r.y - FG_Y) <= 0.5
      && fabs (r.scale - 1.0) < 0.01, "placed at %.2f,%.2f scale %.4f", r.x,
      r.y, r.scale);
  for (i = 0; i < LONG_FG; i++)
    exact += r.map[i] == LONG_START + i;
  fail_unless (exact >= LONG_FG - 2, "%u of %u fg frames on their bg frame",
      exact, LONG_FG);
  vk_align_result_clear (&r);
  g_free (bg_low);
  g_free (fg_low);
}

GST_END_TEST;

GST_START_TEST (test_joint_search)
{
  Pan p;
  VkSpatialParams sp;
  VkJointCandidate c[2];
  VkPlacementEstimate out;
  gdouble single;

  pan_init (&p);
  vk_spatial_params_init (&sp);
  /* the first candidate: the shifted placement at its best moment */
  c[0].est = (VkPlacementEstimate) {
  FG_X + 3, FG_Y, 1.0, 0.99};
  c[0].f = 35;
  c[0].b = best_frame (&p, 35, &c[0].est, &single);
  c[1].est = (VkPlacementEstimate) {
  FG_X, FG_Y, 1.0, 1.0};
  c[1].f = 35;
  c[1].b = FG_START + 35;

  fail_unless (vk_joint_search (&p.bg, &p.fg, &sp, c, 2, &out));
  fail_unless (fabs (out.x - FG_X) < 0.1 && fabs (out.y - FG_Y) < 0.1,
      "found %f,%f", out.x, out.y);
  /* the truth first: kept */
  c[1] = c[0];
  c[0].est = (VkPlacementEstimate) {
  FG_X, FG_Y, 1.0, 1.0};
  c[0].b = FG_START + 35;
  fail_if (vk_joint_search (&p.bg, &p.fg, &sp, c, 2, &out));
  pan_clear (&p);
}

GST_END_TEST;

/* the moment check: the places that fg frame 20 matches perfectly in the
 * bg frames around its own, each shifted by the camera's move since then;
 * only the true moment's place makes the whole fg match along the line */
GST_START_TEST (test_moment_check)
{
  Pan p;
  VkAlignResult r;
  VkMomentCheck *mc;
  guint i, f = 20;
  gint d, best_d = -99;
  gdouble best = -G_MAXDOUBLE;

  pan_init (&p);
  memset (&r, 0, sizeof (r));
  r.n_fg = N_FG;
  r.map = g_new (guint, N_FG);
  /* the dense alignment a frame late: the check must not depend on it */
  for (i = 0; i < N_FG; i++)
    r.map[i] = MIN (FG_START + i + 1, N_BG - 1);
  r.rate = 1.0;
  r.covered_start = 0;
  r.covered_end = N_FG;
  r.valid_w = FG_W;
  r.valid_h = FG_H;
  r.scale = 1.0;
  mc = vk_moment_check_new (&p.bg, &p.fg, &r, VK_MOMENT_RADIUS);
  fail_unless (mc != NULL);
  for (d = -VK_MOMENT_RADIUS; d <= VK_MOMENT_RADIUS; d++) {
    guint b = FG_START + f + d;
    gdouble x = FG_X + camera_x (FG_START + f) - camera_x (b);
    gdouble s = vk_moment_check_score (mc, x, FG_Y, 1.0, f, b);

    if (s > best) {
      best = s;
      best_d = d;
    }
  }
  fail_unless_equals_int (best_d, 0);
  fail_unless (best > 0.999, "%f", best);
  /* a line far from the alignment's: not scored */
  fail_unless_equals_float (vk_moment_check_score (mc, FG_X, FG_Y, 1.0, f,
          FG_START + f + 30), -2.0);
  vk_moment_check_free (mc);
  g_free (r.map);
  pan_clear (&p);
}

GST_END_TEST;

/* a check that can score no place (its bg flat at low resolution, as a
 * small fg's place over text is: a 106x60 crop of the scrolling page at
 * 1x): the place on the line wins when its full-frame correlation ties
 * the best one's; else none is picked */
static void
moment_pick_unscored (Pan * p, const VkAlignResult * r, guint f)
{
  guint8 *flat = g_malloc (BG_W * BG_H * N_BG);
  VkStreamSummary bg = p->bg;
  VkMomentCheck *mc;
  VkPlacementEstimate places[3];
  guint b[3] = { FG_START + f - 4, FG_START + f, FG_START + f + 1 }, k;
  gdouble scores[3];

  memset (flat, 128, BG_W * BG_H * N_BG);
  bg.low = flat;
  mc = vk_moment_check_new (&bg, &p->fg, r, VK_MOMENT_RADIUS);
  fail_unless (mc != NULL);
  for (k = 0; k < 3; k++)
    places[k] = (VkPlacementEstimate) {
    FG_X + k, FG_Y, 1.0, 0.9998};
  /* the one 4 frames early a little better, within a tie */
  places[0].score = 0.99982;
  fail_unless_equals_int (vk_moment_pick (mc, places, b, 3, f, b[1],
          scores), 1);
  for (k = 0; k < 3; k++)
    fail_unless_equals_float (scores[k], -2.0);
  /* beyond a tie: the check cannot tell, nothing is picked */
  places[0].score = 0.9999;
  places[1].score = 0.99;
  fail_unless_equals_int (vk_moment_pick (mc, places, b, 3, f, b[1],
          scores), -1);
  /* no place on the line */
  places[1].score = 0.9998;
  fail_unless_equals_int (vk_moment_pick (mc, places, b, 3, f, b[1] + 10,
          scores), -1);
  vk_moment_check_free (mc);
  g_free (flat);
}

/* the pick among the places of the moments around a match: the true
 * moment's place wins over the line's when clearly better; the line's
 * place is scored even when its full-frame correlation is lower; where
 * the check cannot tell two moments apart, the line's wins; where it can
 * score none, the full-frame correlations decide, ties by the line */
GST_START_TEST (test_moment_pick)
{
  Pan p;
  VkAlignResult r;
  VkMomentCheck *mc;
  VkPlacementEstimate places[2 * VK_MOMENT_RADIUS + 1];
  guint b[2 * VK_MOMENT_RADIUS + 1], i, f = 20, n = 0, truth = 0;
  gdouble scores[2 * VK_MOMENT_RADIUS + 1];
  gint d;

  pan_init (&p);
  memset (&r, 0, sizeof (r));
  r.n_fg = N_FG;
  r.map = g_new (guint, N_FG);
  for (i = 0; i < N_FG; i++)
    r.map[i] = FG_START + i;
  r.rate = 1.0;
  r.covered_end = N_FG;
  r.valid_w = FG_W;
  r.valid_h = FG_H;
  r.scale = 1.0;
  mc = vk_moment_check_new (&p.bg, &p.fg, &r, VK_MOMENT_RADIUS);
  fail_unless (mc != NULL);
  for (d = -VK_MOMENT_RADIUS; d <= VK_MOMENT_RADIUS; d++, n++) {
    b[n] = FG_START + f + d;
    places[n] = (VkPlacementEstimate) {
    FG_X + camera_x (FG_START + f) - camera_x (b[n]), FG_Y, 1.0, 0.999};
    if (d == 0)
      truth = n;
  }
  /* a line 2 frames late: the true moment is clearly better */
  fail_unless_equals_int (vk_moment_pick (mc, places, b, n, f,
          FG_START + f + 2, scores), truth);
  fail_unless (scores[truth] > 0.999);
  /* the truth's full-frame correlation lower than the others' beyond the
   * margin: not scored off the line, scored on it */
  places[truth].score = 0.99;
  fail_unless (vk_moment_pick (mc, places, b, n, f, FG_START + f + 2,
          scores) != (gint) truth);
  fail_unless_equals_float (scores[truth], -2.0);
  fail_unless_equals_int (vk_moment_pick (mc, places, b, n, f,
          FG_START + f, scores), truth);
  /* two entries the check cannot tell apart (the same moment and place):
   * the one on the line wins */
  places[truth].score = 0.999;
  places[truth + 1] = places[truth];
  b[truth + 1] = b[truth] + 1;
  fail_unless_equals_int (vk_moment_pick (mc, places, b, n, f,
          b[truth] + 1, scores), truth);
  b[truth + 1] = b[truth];
  b[truth] = b[truth] - 1;
  fail_unless_equals_int (vk_moment_pick (mc, places, b, n, f,
          b[truth + 1], scores), truth + 1);
  vk_moment_check_free (mc);
  moment_pick_unscored (&p, &r, f);
  g_free (r.map);
  pan_clear (&p);
}

GST_END_TEST;

/* space per candidate time: a place and a line found together 9 frames
 * late (the place shifted by the camera's move over those frames, as a
 * single pair would give) are both brought back to the truth */
GST_START_TEST (test_time_search)
{
  Pan p;
  VkSpatialParams sp;
  VkPlacementEstimate guess, out;
  VkPlacementEstimate line_place;
  gdouble offset;
  guint f = N_FG / 2;

  pan_init (&p);
  vk_spatial_params_init (&sp);
  sp.min_scale = G_MINDOUBLE;
  sp.fg_valid = (GstVideoRectangle) {
  0, 0, FG_W, FG_H};
  guess = (VkPlacementEstimate) {
  FG_X + camera_x (FG_START + f) - camera_x (FG_START + f + 9), FG_Y, 1.0, 0.9};
  fail_unless (fabs (guess.x - FG_X) > 2.0);
  fail_unless (vk_joint_time_search (&p.bg, &p.fg, &sp, 1.0, &guess,
          FG_START + 9, 1.0, 30, &out, &offset, &line_place));
  fail_unless_equals_float (offset, FG_START);
  fail_unless (fabs (out.x - FG_X) < 0.25 && fabs (out.y - FG_Y) < 0.25
      && fabs (out.scale - 1.0) < 0.005, "found %f,%f x%f", out.x, out.y,
      out.scale);
  fail_unless (out.score > 0.999, "%f", out.score);
  /* the place of the line it started from is the shifted one */
  fail_unless (fabs (line_place.x - guess.x) < 0.5, "%f", line_place.x);

  /* the fg samples at half their size (an fg larger than its place): the
   * same line, the place at twice the scale */
  {
    VkLuma half;
    guint8 *img = vk_fg_at_factor (&p.bg, &p.fg, 0, 0.5, &half);

    fail_unless_equals_int (half.width, FG_W / 2);
    fail_unless_equals_int (half.height, FG_H / 2);
    g_free (img);
  }
  sp.fg_valid = (GstVideoRectangle) {
  0, 0, FG_W / 2, FG_H / 2};
  guess.scale = 2.0;
  fail_unless (vk_joint_time_search (&p.bg, &p.fg, &sp, 0.5, &guess,
          FG_START + 9, 1.0, 30, &out, &offset, &line_place));
  fail_unless_equals_float (offset, FG_START);
  fail_unless (fabs (out.x - FG_X) < 0.25 && fabs (out.scale - 2.0) < 0.01,
      "found %f,%f x%f", out.x, out.y, out.scale);
  pan_clear (&p);
}

GST_END_TEST;

GST_START_TEST (test_tie)
{
  /* identical content under compression noise (measured at q28) */
  fail_unless (vk_is_tie (0.999393, 0.999391));
  /* a frame that differs */
  fail_if (vk_is_tie (0.999385, 0.876814));
  /* a static difference (a logo) raises both mismatches */
  fail_unless (vk_is_tie (0.934921, 0.934920));
  fail_if (vk_is_tie (0.943880, 0.748745));
  fail_if (vk_is_tie (0.95, 0.94));
  /* the same content under ±24 grain of the bg, and the next frame
   * (measured: world grain, fg frame 25) */
  fail_unless (vk_is_tie (0.995724, 0.995223));
  fail_if (vk_is_tie (0.995724, 0.938841));
  /* no other candidate */
  fail_if (vk_is_tie (0.9, -G_MAXDOUBLE));
}

GST_END_TEST;

GST_START_TEST (test_whole_region)
{
  /* a 320x180 region at 0.5x (160x90), refined 0.22 % large (measured:
   * world zoom-50, the streaming search's pick) and 0.16 % small */
  fail_unless_equals_float (vk_whole_region_scale (160, 90, 2.0044), 2.0);
  fail_unless_equals_float (vk_whole_region_scale (160, 90, 1.9968), 2.0);
  /* beyond the range: as refined */
  fail_unless_equals_float (vk_whole_region_scale (160, 90, 2.01), 0.0);
  /* 320x180 at 106x60: no scale makes both sides whole near 3.0189 */
  fail_unless_equals_float (vk_whole_region_scale (106, 60, 3.0124), 0.0);
  /* 1280x720 of a 1920x1080 bg at 0.5x (640x360) */
  fail_unless_equals_float (vk_whole_region_scale (640, 360, 1.997), 2.0);
  /* the nearest of several: 1920x1080 has a whole region every 1/120 */
  fail_unless_equals_float (vk_whole_region_scale (1920, 1080, 1.0085),
      121.0 / 120.0);
  fail_unless_equals_float (vk_whole_region_scale (0, 90, 2.0), 0.0);
}

GST_END_TEST;

GST_START_TEST (test_places_move)
{
  /* a slow pan, fg frame 11 on bg frames 39 to 43 (measured: world pan-33,
   * streaming search): every place correlates nearly perfectly, each for
   * its own moment */
  VkPlacementEstimate pan[] = {
    {81.109, 60.113, 3.01294, 0.999443}, {80.591, 59.813, 3.01389, 0.999413},
    {80.179, 59.575, 3.01242, 0.999411}, {79.715, 59.280, 3.01246, 0.999437},
    {79.237, 58.981, 3.01239, 0.999424},
  };
  /* a slow zoom, fg frame 3 on bg frames 29 to 31: the scale follows the
   * moment (world zoom-50) */
  VkPlacementEstimate zoom[] = {
    {80.766, 60.398, 1.99349, 0.998331}, {80.563, 60.289, 1.99525, 0.998252},
    {80.343, 60.192, 1.99713, 0.998099},
  };
  /* a still camera over moving content (zone plate): the same place */
  VkPlacementEstimate still[] = {
    {128.0, 72.0, 1.0, 0.999443}, {128.0, 72.02, 1.0, 0.998541},
    {128.01, 72.0, 1.0, 0.997006},
  };
  /* places that differ but correlate clearly worse than the best one do
   * not count (world scaled-50: wrong moments of a still picture) */
  VkPlacementEstimate apart[] = {
    {78.325, 67.230, 1.94120, 0.988616}, {79.956, 60.022, 2.00019, 0.999045},
    {86.647, 56.195, 2.06003, 0.983011},
  };

  fail_unless (vk_places_move (pan, G_N_ELEMENTS (pan)));
  fail_unless (vk_places_move (zoom, G_N_ELEMENTS (zoom)));
  fail_if (vk_places_move (still, G_N_ELEMENTS (still)));
  fail_if (vk_places_move (apart, G_N_ELEMENTS (apart)));
  fail_if (vk_places_move (pan, 1));
  fail_if (vk_places_move (pan, 0));
}

GST_END_TEST;

GST_START_TEST (test_frame_pick)
{
  VkFramePick p;
  VkFramePickWhy why;
  gboolean tie;

  /* no candidate */
  vk_frame_pick_init (&p, 5, 5);
  fail_unless_equals_int (vk_frame_pick_result (&p, &tie, &why), -1);
  fail_unless (why == VK_FRAME_PICK_NONE && !tie);

  /* a neighbour clearly more similar than the frame on the line and the
   * DP's choice wins (measured: world pan-1080, fg frame 2, 24 fps fg of a
   * 30 fps pan: the line's 62.5 rounds to 63, the fg shows 62) */
  vk_frame_pick_init (&p, 63, 63);
  vk_frame_pick_add (&p, 62, 0.999986);
  vk_frame_pick_add (&p, 63, 0.999419);
  vk_frame_pick_add (&p, 64, 0.997747);
  fail_unless_equals_int (vk_frame_pick_result (&p, &tie, &why), 62);
  fail_unless (why == VK_FRAME_PICK_BEST && !tie);

  /* identical content: the frame on the line wins a tie, even when
   * another is a little more similar */
  vk_frame_pick_init (&p, 11, 10);
  vk_frame_pick_add (&p, 10, 0.999393);
  vk_frame_pick_add (&p, 11, 0.999391);
  vk_frame_pick_add (&p, 12, 0.876814);
  fail_unless_equals_int (vk_frame_pick_result (&p, &tie, &why), 11);
  fail_unless (why == VK_FRAME_PICK_LINE && tie);

  /* the line's frame not among the candidates: the DP's choice wins a
   * tie */
  vk_frame_pick_init (&p, 20, 11);
  vk_frame_pick_add (&p, 10, 0.999393);
  vk_frame_pick_add (&p, 11, 0.999391);
  fail_unless_equals_int (vk_frame_pick_result (&p, &tie, &why), 11);
  fail_unless (why == VK_FRAME_PICK_DENSE && tie);

  /* the best is the line's frame: no tie to report */
  vk_frame_pick_init (&p, 7, 6);
  vk_frame_pick_add (&p, 6, 0.95);
  vk_frame_pick_add (&p, 7, 0.99);
  fail_unless_equals_int (vk_frame_pick_result (&p, &tie, &why), 7);
  fail_unless (why == VK_FRAME_PICK_LINE && !tie);

  /* equal scores: the first one added is the best */
  vk_frame_pick_init (&p, -1, -1);
  vk_frame_pick_add (&p, 3, 0.5);
  vk_frame_pick_add (&p, 4, 0.5);
  fail_unless_equals_int (vk_frame_pick_result (&p, NULL, NULL), 3);
}

GST_END_TEST;

/* vk_line_shift: a line a frame off is told by the frames in hand as a
 * whole, where each frame alone is a tie */
GST_START_TEST (test_line_shift)
{
  /* measured: world zoom-50, files at 2 s, fg frames 5 to 55 in steps of
   * 5 (mismatches of the line's frame less one, the line's, plus one): the
   * search put the line a frame late; the frame before it is more similar
   * on every frame, each time a tie (vk_is_tie ()) */
  static const gfloat late[] = {
    0.00212f, 0.00233f, 0.00267f, 0.00222f, 0.00246f, 0.00283f,
    0.00219f, 0.00244f, 0.00288f, 0.00223f, 0.00253f, 0.00314f,
    0.00216f, 0.00246f, 0.00307f, 0.00213f, 0.00232f, 0.00324f,
    0.00203f, 0.00241f, 0.00324f, 0.00198f, 0.00243f, 0.00334f,
    0.00195f, 0.00247f, 0.00348f, 0.00197f, 0.00252f, 0.00369f,
    0.00192f, 0.00263f, 0.00385f,
  };
  gfloat c[3 * 40];
  guint i, n = G_N_ELEMENTS (late) / 3;

  for (i = 0; i < n; i++)
    fail_unless (vk_is_tie (1.0 - late[3 * i], 1.0 - late[3 * i + 1]));
  fail_unless_equals_int (vk_line_shift (late, n), -1);
  /* too few frames to tell */
  fail_unless_equals_int (vk_line_shift (late, VK_LINE_SHIFT_MIN_FRAMES - 1),
      0);
  /* mirrored: a line a frame early */
  for (i = 0; i < n; i++) {
    c[3 * i] = late[3 * i + 2];
    c[3 * i + 1] = late[3 * i + 1];
    c[3 * i + 2] = late[3 * i];
  }
  fail_unless_equals_int (vk_line_shift (c, n), 1);
  /* frames only noise tells apart: each side wins half of them */
  for (i = 0; i < 40; i++) {
    c[3 * i] = 0.002f + (i % 2 ? 0.0001f : -0.0001f);
    c[3 * i + 1] = 0.002f;
    c[3 * i + 2] = 0.002f + (i % 4 < 2 ? 0.0001f : -0.0001f);
  }
  fail_unless_equals_int (vk_line_shift (c, 40), 0);
  /* one side better on 80 % only: not enough */
  for (i = 0; i < 40; i++)
    c[3 * i] = 0.002f + (i % 5 ? -0.0001f : 0.0001f);
  fail_unless_equals_int (vk_line_shift (c, 40), 0);
  /* 90 %: the line moves; frames with a mismatch not known are not
   * counted */
  for (i = 0; i < 40; i++)
    c[3 * i] = 0.002f + (i % 10 ? -0.0001f : 0.0001f);
  fail_unless_equals_int (vk_line_shift (c, 40), -1);
  for (i = 0; i < 36; i++)
    c[3 * i + 1] = -1.0f;
  fail_unless_equals_int (vk_line_shift (c, 40), 0);
  /* the line's frame a peak: both sides better, no side to move to */
  for (i = 0; i < 40; i++) {
    c[3 * i] = c[3 * i + 2] = 0.001f;
    c[3 * i + 1] = 0.002f;
  }
  fail_unless_equals_int (vk_line_shift (c, 40), 0);
  fail_unless_equals_int (vk_line_shift (c, 0), 0);
}

GST_END_TEST;

/* the costs of the bg frames before, on and after the line's for a fg
 * frame whose most similar bg frame is @truth (the line's frame @line) */
static void
phase_costs (gfloat * c, gint64 line, gint64 truth)
{
  gint d;

  for (d = -1; d <= 1; d++)
    c[d + 1] = line + d == truth ? 0.001f : 0.003f;
}

/* vk_line_phase: a line a fraction of a frame off. A 30 fps fg of a 24 fps
 * bg shows bg frame floor (12 + 0.8 i) (a frame held until the next:
 * vk-mkpair's zp-24-30); a line rounds to the nearest frame, so the lines
 * that give every fg frame its bg frame have offsets 11.5 to 11.7. */
GST_START_TEST (test_line_phase)
{
  gfloat c[3 * 50];
  gdouble frac[50], shift, offset;
  guint i, n = 50;

  /* the live search's line, 12.18: 40 % of the frames a frame late */
  offset = 12.18;
  for (i = 0; i < n; i++) {
    gint64 line = vk_line_frame (offset, 0.8, i);

    frac[i] = offset + 0.8 * i - line;
    phase_costs (c + 3 * i, line, (gint64) floor (12.0 + 0.8 * i));
  }
  shift = vk_line_phase (c, frac, n);
  /* the middle of the lines that agree with every frame */
  fail_unless (fabs (offset + shift - 11.6) < 0.026, "shift %f", shift);
  for (i = 0; i < n; i++)
    fail_unless_equals_int (vk_line_frame (offset + shift, 0.8, i),
        (gint64) floor (12.0 + 0.8 * i));
  /* too few frames to tell */
  fail_unless (vk_line_phase (c, frac, VK_LINE_SHIFT_MIN_FRAMES - 1) == 0.0);
  /* a line within the range is kept */
  offset = 11.55;
  for (i = 0; i < n; i++) {
    gint64 line = vk_line_frame (offset, 0.8, i);

    frac[i] = offset + 0.8 * i - line;
    phase_costs (c + 3 * i, line, (gint64) floor (12.0 + 0.8 * i));
  }
  fail_unless (vk_line_phase (c, frac, n) == 0.0);
  /* frames that tie or only noise tells apart: kept */
  for (i = 0; i < n; i++) {
    c[3 * i] = c[3 * i + 1] = c[3 * i + 2] = 0.002f;
    c[3 * i + (i % 3)] = 0.0019f;
  }
  fail_unless (vk_line_phase (c, frac, n) == 0.0);
}

GST_END_TEST;

/* the evidence of the zp-24-30 fg frames floor (12 + 0.8 i) decided on
 * the line (@offset, 0.8): fg frames @first .. @first + @n − 1 kept in
 * @history */
static void
keep_evidence (GArray * history, gdouble offset, guint first, guint n)
{
  VkLineEvidence e;
  guint i;
  gint64 bg;

  for (i = first; i < first + n; i++) {
    gint64 truth = (gint64) floor (12.0 + 0.8 * i);

    vk_line_evidence_init (&e, i, vk_line_frame (offset, 0.8, i));
    for (bg = e.bg0; bg < e.bg0 + VK_LINE_EVIDENCE_SPAN; bg++)
      fail_unless (vk_line_evidence_set (&e, bg, bg == truth ? 0.001f :
              0.003f));
    fail_if (vk_line_evidence_set (&e, e.bg0 + VK_LINE_EVIDENCE_SPAN, 0.f));
    vk_line_evidence_keep (history, &e);
  }
}

/* vk_line_correct (): on the evidence of fg frames decided on a line a
 * frame late (12.6 for the zp-24-30 frames floor (12 + 0.8 i)) the line
 * moves back a frame; on a line a fraction late (12.18) by the fraction
 * that gives every frame its bg frame (the lines 11.5 to 11.7 do); too few
 * frames keep it. The history keeps the latest VK_LINE_EVIDENCE_ROWS (the
 * streaming mode's evidence of decided frames while its DP has few rows in
 * hand). */
GST_START_TEST (test_line_correct)
{
  GArray *history = g_array_new (FALSE, FALSE, sizeof (VkLineEvidence));
  const VkLineEvidence *ev;
  gdouble phase, to;
  gint moved;
  guint i, n = VK_LINE_EVIDENCE_ROWS;

  keep_evidence (history, 12.6, 0, n + 5);
  fail_unless_equals_int (history->len, n);
  ev = (const VkLineEvidence *) history->data;
  fail_unless_equals_int (ev[0].fg, 5);
  to = vk_line_correct (ev, n, 12.6, 0.8, &moved, &phase);
  fail_unless_equals_int (moved, -1);
  fail_unless (to >= 11.5 && to <= 11.7, "offset %f (phase %f)", to, phase);
  /* too few frames to tell */
  to = vk_line_correct (ev, VK_LINE_SHIFT_MIN_FRAMES - 1, 12.6, 0.8, &moved,
      &phase);
  fail_unless (to == 12.6 && moved == 0 && phase == 0.0);

  g_array_set_size (history, 0);
  keep_evidence (history, 12.18, 0, n);
  ev = (const VkLineEvidence *) history->data;
  to = vk_line_correct (ev, n, 12.18, 0.8, &moved, &phase);
  fail_unless_equals_int (moved, 0);
  fail_unless (fabs (to - 11.6) < 0.026, "offset %f (phase %f)", to, phase);
  for (i = 0; i < 60; i++)
    fail_unless_equals_int (vk_line_frame (to, 0.8, i),
        (gint64) floor (12.0 + 0.8 * i));
  g_array_unref (history);
}

GST_END_TEST;

/* vk_line_anchor (): a still picture held over bg frames 167-169 (the
 * frames 164-166 and 170 show other moments) while the line says 164: it
 * moves the least that makes it round to 167; a line on the run, a run of
 * one or two (a smooth motion's near ties), a candidate within the tie
 * tolerance but several times as far from the fg frame, and all
 * candidates alike keep it */
GST_START_TEST (test_line_anchor)
{
  guint index[7] = { 164, 165, 166, 167, 168, 169, 170 };
  gdouble held[7] = { 0.982, 0.982, 0.982, 0.99947, 0.99947, 0.99946, 0.9966 };
  gdouble smooth[7] = { 0.99, 0.995, 0.99996, 0.99977, 0.995, 0.99, 0.98 };
  gdouble alike[7] = { 0.9994, 0.9994, 0.9994, 0.9994, 0.9994, 0.9994,
    0.9994
  };
  gdouble shift;

  shift = vk_line_anchor (163.76, index, held, 7);
  fail_unless_equals_int (vk_line_frame (163.76 + shift, 1.0, 0), 167);
  fail_unless (fabs (163.76 + shift - (166.5 + VK_LINE_PHASE_STEP)) < 1e-9);
  /* from above: to the top of the run */
  shift = vk_line_anchor (171.2, index, held, 7);
  fail_unless_equals_int (vk_line_frame (171.2 + shift, 1.0, 0), 169);
  fail_unless (vk_line_anchor (167.8, index, held, 7) == 0.0);
  /* 166 and 167 tie within the tolerance, 167 is 7 times as far */
  fail_unless (vk_line_anchor (163.76, index, smooth, 7) == 0.0);
  fail_unless (vk_line_anchor (163.76, index, alike, 7) == 0.0);
}

GST_END_TEST;

static Suite *
align_joint_suite (void)
{
  Suite *s = suite_create ("align_joint");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_placed_ncc);
  tcase_add_test (tc, test_line_score);
  tcase_add_test (tc, test_joint_search);
  tcase_add_test (tc, test_long_pan);
  tcase_add_test (tc, test_moment_check);
  tcase_add_test (tc, test_moment_pick);
  tcase_add_test (tc, test_time_search);
  tcase_add_test (tc, test_tie);
  tcase_add_test (tc, test_frame_pick);
  tcase_add_test (tc, test_line_shift);
  tcase_add_test (tc, test_line_phase);
  tcase_add_test (tc, test_line_correct);
  tcase_add_test (tc, test_line_anchor);
  tcase_add_test (tc, test_places_move);
  tcase_add_test (tc, test_whole_region);
  return s;
}

GST_CHECK_MAIN (align_joint);
