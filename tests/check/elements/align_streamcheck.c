/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* align_streamcheck: the streaming mode's decisions as pure functions
 * (vkstreamcheck.c): when a search's placement is taken, confirmed by a
 * later search only on other fg frames; the content offset and the
 * latency a lagging bg needs; when its warning is due. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/check/gstcheck.h>

#include "vkretime.h"
#include "vkstreamcheck.h"

/* a search at 100,50 scale 1 on fg frames @first.. (30 of them), its line
 * bg = fg + 10 */
static VkStreamSearch
search_at (gdouble spatial, gdouble match, gdouble first, gboolean live)
{
  VkStreamSearch s = { {0} };

  s.cand.x = 100;
  s.cand.y = 50;
  s.cand.scale = 1.0;
  s.cand.fg_first = first;
  s.cand.fg_mid = first + 15;
  s.cand.bg_at_mid = s.cand.fg_mid + 10;
  s.spatial = spatial;
  s.match = match;
  s.bg_per_fg = 1.0;
  s.rate = 1.0;
  s.live = live;
  return s;
}

GST_START_TEST (test_search_thresholds)
{
  VkStreamSearch s;

  /* below the search's thresholds: the spatial score, the temporal match
   * (the global mode's VK_FOUND_MIN_MATCH), an upscaled fg's score */
  s = search_at (VK_FOUND_STREAM_MIN_SPATIAL - 0.01, 0.99, 0, TRUE);
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_NO_MATCH);
  s = search_at (0.99, VK_FOUND_MIN_MATCH - 0.01, 0, TRUE);
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_NO_MATCH);
  s = search_at (0.9, 0.99, 0, TRUE);
  s.cand.scale = 0.4;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_NO_MATCH);
  /* sure: one search (live); non-live needs a sure temporal match too */
  s = search_at (VK_FOUND_STREAM_SURE_SPATIAL, 0.9, 0, TRUE);
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
  s.live = FALSE;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_UNCONFIRMED);
  s.match = VK_FOUND_STREAM_SURE_MATCH;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
  /* ... and a line near the nominal rate (a drifting line on a scroll: the
   * place and the moment may both be off), as a ratio (fg at 24 fps, bg at
   * 30: 1.25 nominal) */
  s.rate = 1.0 + VK_FOUND_STREAM_SURE_RATE + 0.01;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_UNCONFIRMED);
  s.rate = 1.0 - VK_FOUND_STREAM_SURE_RATE - 0.01;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL),
      VK_STREAM_UNCONFIRMED);
  /* (a still fg's line may have any rate: it tells no bg time) */
  s.still = TRUE;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
  s.still = FALSE;
  s.bg_per_fg = 1.25;
  s.rate = 1.25 * (1.0 + VK_FOUND_STREAM_SURE_RATE - 0.01);
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
  s.live = TRUE;
  s.rate = 2.0;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
  /* a fixed position or whole frames: no spatial doubt */
  s = search_at (0.85, 0.9, 0, TRUE);
  s.sure_region = TRUE;
  fail_unless_equals_int (vk_stream_search_verdict (&s, NULL), VK_STREAM_TAKEN);
}

GST_END_TEST;

/* A placement short of sure is confirmed by a later search of the same
 * placement and bg time on other fg frames only: on mostly the same frames
 * it is pending (the same chance match), elsewhere or at another bg time
 * it replaces the candidate. */
/* the verdict on a still fg's search (non-live) from fg frame @first, @dx
 * px right of @prev, its line 8 bg frames before @prev's */
static VkStreamVerdict
still_verdict (const VkStreamCandidate * prev, gdouble first, gdouble dx)
{
  VkStreamSearch s = search_at (0.92, 0.93, first, FALSE);

  s.still = TRUE;
  s.cand.x += dx;
  s.bg_at_prev_mid = prev->bg_at_mid - 8;
  return vk_stream_search_verdict (&s, prev);
}

GST_START_TEST (test_search_confirmation)
{
  VkStreamSearch cand0 = search_at (0.95, 0.85, 0, TRUE), s;

  fail_unless_equals_int (vk_stream_search_verdict (&cand0, NULL),
      VK_STREAM_UNCONFIRMED);
  /* 15 frames later: half of its frames are the candidate's */
  s = search_at (0.95, 0.85, 15, TRUE);
  s.bg_at_prev_mid = cand0.cand.bg_at_mid;
  fail_unless_equals_int (vk_stream_search_verdict (&s, &cand0.cand),
      VK_STREAM_PENDING);
  /* past the candidate's middle frame: confirmed */
  s = search_at (0.95, 0.85, 16, TRUE);
  s.bg_at_prev_mid = cand0.cand.bg_at_mid;
  fail_unless_equals_int (vk_stream_search_verdict (&s, &cand0.cand),
      VK_STREAM_TAKEN);
  /* within 2 px, 2 % of scale and 3 bg frames: the same */
  s.cand.x += 2;
  s.cand.scale = 1.019;
  s.bg_at_prev_mid += 3;
  fail_unless_equals_int (vk_stream_search_verdict (&s, &cand0.cand),
      VK_STREAM_TAKEN);
  /* elsewhere, or another bg time: a new candidate */
  s.cand.x += 1;
  fail_unless_equals_int (vk_stream_search_verdict (&s, &cand0.cand),
      VK_STREAM_UNCONFIRMED);
  s = search_at (0.95, 0.85, 16, TRUE);
  s.bg_at_prev_mid = cand0.cand.bg_at_mid + 4;
  fail_unless_equals_int (vk_stream_search_verdict (&s, &cand0.cand),
      VK_STREAM_UNCONFIRMED);
  /* a still fg tells no bg time (world clock, non-live: its searches'
   * lines 8 frames apart within the same second of a static page): the
   * same placement confirms it at any bg time, not elsewhere, and not on
   * mostly the same frames */
  fail_unless_equals_int (still_verdict (&cand0.cand, 16, 0), VK_STREAM_TAKEN);
  fail_unless_equals_int (still_verdict (&cand0.cand, 16, 3),
      VK_STREAM_UNCONFIRMED);
  fail_unless_equals_int (still_verdict (&cand0.cand, 15, 0),
      VK_STREAM_PENDING);
}

GST_END_TEST;

GST_START_TEST (test_lag)
{
  GstClockTime needed;

  /* fg frame at 5 s; the newest bg frame, 120, at 4 s (30 fps): the line
   * gives bg frame 150 (5 s) for it: the same moment */
  fail_unless_equals_int64 (vk_stream_content_offset (5 * GST_SECOND,
          4 * GST_SECOND, 120, 150, 30.0), 0);
  /* bg frame 210: the bg shows it 2 s later (not arrived yet) */
  fail_unless_equals_int64 (vk_stream_content_offset (5 * GST_SECOND,
          4 * GST_SECOND, 120, 210, 30.0), 2 * GST_SECOND);
  /* 30 frames earlier: 1 s before */
  fail_unless_equals_int64 (vk_stream_content_offset (5 * GST_SECOND,
          4 * GST_SECOND, 120, 120, 30.0), -GST_SECOND);
  /* the latency needed: the lag, the DP's margin (4 · rate + 2 bg frames)
   * and the decision's */
  needed = vk_stream_latency_needed (GST_SECOND, 1.0, 30.0, 100 * GST_MSECOND);
  fail_unless_equals_uint64 (needed, GST_SECOND + 200 * GST_MSECOND +
      100 * GST_MSECOND);
  fail_unless_equals_uint64 (vk_stream_latency_needed (-GST_SECOND, 1.0,
          30.0, 0), 200 * GST_MSECOND);
  /* due when the latency cannot wait that long, again once it has grown
   * by VK_STREAM_LAG_STEP */
  fail_unless (!vk_stream_lag_due (GST_SECOND, needed, 2 * GST_SECOND, 0));
  fail_unless (vk_stream_lag_due (GST_SECOND, needed, GST_SECOND, 0));
  fail_unless (!vk_stream_lag_due (GST_SECOND, needed, GST_SECOND, GST_SECOND));
  fail_unless (!vk_stream_lag_due (GST_SECOND + VK_STREAM_LAG_STEP - 1,
          needed, GST_SECOND, GST_SECOND));
  fail_unless (vk_stream_lag_due (GST_SECOND + VK_STREAM_LAG_STEP, needed,
          GST_SECOND, GST_SECOND));
  fail_unless (!vk_stream_lag_due (0, needed, GST_SECOND, 0));
}

GST_END_TEST;

/* searches take at most a quarter of the time; a frame may wait until its
 * arrival plus the latency less the decision's margin; the cost unit is
 * the median positive gap */
GST_START_TEST (test_budget)
{
  gfloat gaps[] = { -0.1f, 0.02f, 0.0f, 0.04f, 0.03f }, none[] = { -1.0f };

  fail_unless_equals_int64 (vk_stream_search_pause (1000), 3000);
  fail_unless_equals_int64 (vk_stream_search_pause (-5), 0);
  fail_unless_equals_int64 (vk_stream_time_left (GST_SECOND,
          GST_SECOND + 200 * GST_MSECOND, 500 * GST_MSECOND,
          100 * GST_MSECOND), 200 * GST_MSECOND);
  fail_unless (vk_stream_time_left (GST_SECOND, 2 * GST_SECOND,
          500 * GST_MSECOND, 0) < 0);
  fail_unless_equals_float (vk_stream_cost_unit (gaps, 5), 0.03f);
  fail_unless_equals_float (vk_stream_cost_unit (none, 1), 0.05);
}

GST_END_TEST;

/* the non-live inputs' byte budgets (NONLIVE_LAG_BYTES, NONLIVE_LEAD_BYTES:
 * 192 MB each): the frames held over the time they give fit in them; at
 * 1080p60 (cli-bench's pair: a 1920x1080 bg, a 1920x870 fg, I420) the
 * DP's lag (fg and bg frames) is 0.60 s and the bg's lead 1.08 s of the
 * latency's 2 s, at 720p30 the latency's */
GST_START_TEST (test_held_bytes)
{
  const gdouble budget = 192.0 * 1024 * 1024;
  const gdouble bg = 1920 * 1080 * 1.5, fg = 1920 * 870 * 1.5;
  GstClockTime lag, lead;

  lag = vk_stream_time_within (2 * GST_SECOND, budget, 60 * (fg + bg));
  lead = vk_stream_time_within (2 * GST_SECOND, budget, 60 * bg);
  fail_unless (lag > 590 * GST_MSECOND && lag < 605 * GST_MSECOND);
  fail_unless (lead > 1070 * GST_MSECOND && lead < 1085 * GST_MSECOND);
  /* what is held over that time (whole frames) fits */
  fail_unless (floor (60.0 * lag / GST_SECOND) * (fg + bg) <= budget);
  fail_unless (floor (60.0 * lead / GST_SECOND) * bg <= budget);
  fail_unless_equals_uint64 (vk_stream_time_within (2 * GST_SECOND, budget,
          30 * 1280 * 720 * 1.5 * 2), 2 * GST_SECOND);
  /* unknown sizes: the cap */
  fail_unless_equals_uint64 (vk_stream_time_within (GST_SECOND, budget, 0),
      GST_SECOND);
}

GST_END_TEST;

/* the streaming mode's retiming (vkretime.c without the raw timestamps):
 * a frame not after the previous one goes a frame after it; the first
 * such frame is remembered */
GST_START_TEST (test_retime)
{
  VkRetime rt;
  GstClockTime ms = GST_MSECOND, prev = GST_CLOCK_TIME_NONE;
  GstClockTime in[] = { 0, 40 * ms, 40 * ms, 20 * ms, 200 * ms };
  GstClockTime want[] = { 0, 40 * ms, 80 * ms, 120 * ms, 200 * ms };
  guint i;

  vk_retime_init (&rt, FALSE);
  for (i = 0; i < G_N_ELEMENTS (in); i++) {
    prev = vk_retime_add (&rt, prev, in[i], 40 * ms);
    fail_unless_equals_uint64 (prev, want[i]);
  }
  fail_unless (rt.raw == NULL);
  fail_unless_equals_int (rt.n, 5);
  fail_unless_equals_int (rt.n_retimed, 2);
  fail_unless_equals_int (rt.first, 2);
  fail_unless_equals_uint64 (rt.first_raw, 40 * ms);
  fail_unless_equals_uint64 (rt.first_prev, 40 * ms);
  vk_retime_reset (&rt);
  fail_unless_equals_int (rt.n_retimed, 0);
  vk_retime_clear (&rt);
}

GST_END_TEST;

/* an input's frame rate, both modes (vk_fps_estimate ()): the caps'; the
 * timestamps' mean when the caps have none (0/1) or when at least 10
 * frames miss the caps' rate by more than 10 %; else 30 */
GST_START_TEST (test_fps_estimate)
{
  GstClockTime s = GST_SECOND, none = GST_CLOCK_TIME_NONE;

  /* caps, nothing else */
  fail_unless_equals_float (vk_fps_estimate (25, 1, none, none, 0), 25.0);
  fail_unless_equals_float (vk_fps_estimate (30000, 1001, none, none, 0),
      30000.0 / 1001);
  /* no caps rate: the timestamps' mean, else the default */
  fail_unless_equals_float (vk_fps_estimate (0, 1, 0, 2 * s, 51), 25.0);
  fail_unless_equals_float (vk_fps_estimate (0, 1, s, 3 * s, 32), 15.5);
  fail_unless_equals_float (vk_fps_estimate (0, 1, 0, 0, 5), VK_DEFAULT_FPS);
  fail_unless_equals_float (vk_fps_estimate (0, 1, 0, s, 1), VK_DEFAULT_FPS);
  fail_unless_equals_float (vk_fps_estimate (0, 1, none, s, 9), VK_DEFAULT_FPS);
  fail_unless_equals_float (vk_fps_estimate (0, 0, none, none, 0),
      VK_DEFAULT_FPS);
  /* caps whose timestamps agree, within 10 %: the caps' (a dropped frame,
   * a live input's jitter) */
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, 2 * s, 51), 25.0);
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, 2 * s, 47), 25.0);
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, 2 * s, 55), 25.0);
  /* caps they miss: the timestamps' mean (gaps of 1 to 3 frames of
   * 25/1), unless fewer than 10 frames say it */
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, 2 * s, 32), 15.5);
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, s, 9), 25.0);
  fail_unless_equals_float (vk_fps_estimate (25, 1, 0, s, 10), 9.0);
}

GST_END_TEST;

static Suite *
align_streamcheck_suite (void)
{
  Suite *s = suite_create ("align_streamcheck");
  TCase *tc = tcase_create ("streamcheck");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_search_thresholds);
  tcase_add_test (tc, test_search_confirmation);
  tcase_add_test (tc, test_lag);
  tcase_add_test (tc, test_budget);
  tcase_add_test (tc, test_held_bytes);
  tcase_add_test (tc, test_retime);
  tcase_add_test (tc, test_fps_estimate);
  return s;
}

GST_CHECK_MAIN (align_streamcheck);
