/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-mkpair's real-world modes (issue 11): the pure pixel functions of
 * vk-scene.c, and a lossless pair made with a camera scrolling over the
 * text page, bg grain, a burned-in logo and a fg filter, checked byte for
 * byte against the same scene rebuilt here from the truth file. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "vk-scene.h"
#include "vk-truth.h"

/* ---------------------------------------------------------------------- */
/* pure functions */

GST_START_TEST (test_camera)
{
  VkSceneCamera cam;
  VkSceneRect r;

  fail_unless (vk_scene_parse_camera ("0,10,64,36:20,30.5,32,18", &cam));
  vk_scene_camera_at (&cam, 0.0, &r);
  fail_unless (r.x == 0 && r.y == 10 && r.w == 64 && r.h == 36);
  /* eased: half way at 0.5, 0.104 of the way at 0.2 */
  vk_scene_camera_at (&cam, 0.5, &r);
  fail_unless (fabs (r.x - 10) < 1e-9 && fabs (r.y - 20.25) < 1e-9
      && fabs (r.w - 48) < 1e-9 && fabs (r.h - 27) < 1e-9);
  vk_scene_camera_at (&cam, 0.2, &r);
  fail_unless (fabs (r.x - 20 * 0.104) < 1e-9, "x %f", r.x);
  vk_scene_camera_at (&cam, 2.0, &r);
  fail_unless (r.x == 20 && r.w == 32);
  fail_unless (vk_scene_camera_inside (&cam, 64, 50));
  fail_if (vk_scene_camera_inside (&cam, 63, 50));

  fail_if (vk_scene_parse_camera ("0,0,64,36", &cam));
  fail_if (vk_scene_parse_camera ("0,0,64,36:0,0,0,36", &cam));
  fail_if (vk_scene_parse_camera ("0,0,64,36:1,2,3", &cam));
  fail_if (vk_scene_parse_camera ("0,0,64,36:1,2,3,4:5,6,7,8", &cam));
}

GST_END_TEST;

GST_START_TEST (test_resample)
{
  guint8 src[16 * 8], dst[16 * 8], half[8 * 4];
  VkSceneRect whole = { 0, 0, 16, 8 }, shifted = { 3, 2, 10, 5 };
  VkSceneRect mid = { 0.5, 0, 8, 4 };
  gint x, y;

  for (y = 0; y < 8; y++)
    for (x = 0; x < 16; x++)
      src[y * 16 + x] = (guint8) (x * 13 + y * 7);

  /* the whole plane at its size: a copy */
  vk_scene_resample (src, 16, 16, 8, &whole, dst, 16, 16, 8);
  fail_unless (memcmp (src, dst, sizeof (src)) == 0);

  /* an integer rect at its size: the crop */
  vk_scene_resample (src, 16, 16, 8, &shifted, dst, 16, 10, 5);
  for (y = 0; y < 5; y++)
    for (x = 0; x < 10; x++)
      fail_unless_equals_int (dst[y * 16 + x], src[(y + 2) * 16 + x + 3]);

  /* half a pixel to the right: the mean of two neighbours (a linear ramp
   * in x), rounded */
  vk_scene_resample (src, 16, 16, 8, &mid, half, 8, 8, 4);
  for (x = 0; x < 7; x++)
    fail_unless_equals_int (half[x], (src[x] + src[x + 1] + 1) / 2);
}

GST_END_TEST;

GST_START_TEST (test_grain)
{
  guint8 a[64 * 32], b[64 * 32];
  gint64 sum = 0;
  gint i, max_dev = 0;
  gboolean differs = FALSE;

  memset (a, 128, sizeof (a));
  memset (b, 128, sizeof (b));
  vk_scene_grain (a, 64, 64, 32, 20, 7);
  vk_scene_grain (b, 64, 64, 32, 20, 7);
  fail_unless (memcmp (a, b, sizeof (a)) == 0, "grain is not deterministic");
  for (i = 0; i < 64 * 32; i++) {
    sum += a[i] - 128;
    max_dev = MAX (max_dev, ABS (a[i] - 128));
  }
  fail_unless (max_dev <= 20 && max_dev >= 15, "max deviation %d", max_dev);
  fail_unless (ABS (sum) < 64 * 32, "grain mean %f", (gdouble) sum / (64 * 32));

  /* another frame, another grain; clamped at the ends */
  vk_scene_grain (b, 64, 64, 32, 20, 8);
  differs = memcmp (a, b, sizeof (a)) != 0;
  fail_unless (differs);
  memset (a, 250, sizeof (a));
  vk_scene_grain (a, 64, 64, 32, 20, 7);
  for (i = 0; i < 64 * 32; i++)
    fail_unless (a[i] >= 230);
}

GST_END_TEST;

GST_START_TEST (test_text_and_burn_in)
{
  const gint w = 320, h = 240;
  guint8 *page = g_malloc (w * h), *other = g_malloc (w * h);
  guint8 *burnt = g_malloc (w * h), *later = g_malloc (w * h);
  gint i, ink = 0, changed_top = 0, changed_bottom = 0;
  VkSceneBurn b;

  vk_scene_text_page (page, w, w, h, 1);
  for (i = 0; i < w * h; i++) {
    fail_unless (page[i] == 40 || page[i] == 235);
    ink += page[i] == 40;
  }
  /* text-like: a few to a quarter of the pixels are ink */
  fail_unless (ink > w * h / 50 && ink < w * h / 4, "ink %d", ink);
  vk_scene_text_page (other, w, w, h, 2);
  fail_unless (memcmp (page, other, w * h) != 0);

  /* the logo: only the top right box changes, and it is static */
  memcpy (burnt, page, w * h);
  vk_scene_burn_in (burnt, w, w, h, VK_SCENE_BURN_LOGO, 0.0);
  memcpy (later, page, w * h);
  vk_scene_burn_in (later, w, w, h, VK_SCENE_BURN_LOGO, 7.0);
  fail_unless (memcmp (burnt, later, w * h) == 0);
  for (i = 0; i < w * h; i++) {
    if (burnt[i] == page[i])
      continue;
    fail_unless (i % w >= w / 2 && i / w < h / 3, "logo pixel at %d,%d",
        i % w, i / w);
    changed_top++;
  }
  fail_unless (changed_top > 0);

  /* subtitles: at the bottom, a new line every 2 s */
  memcpy (burnt, page, w * h);
  vk_scene_burn_in (burnt, w, w, h, VK_SCENE_BURN_SUBTITLES, 0.5);
  memcpy (later, page, w * h);
  vk_scene_burn_in (later, w, w, h, VK_SCENE_BURN_SUBTITLES, 2.5);
  fail_unless (memcmp (burnt, later, w * h) != 0);
  for (i = 0; i < w * h; i++) {
    if (burnt[i] == page[i])
      continue;
    fail_unless (i / w >= h * 3 / 4, "subtitle pixel at row %d", i / w);
    changed_bottom++;
  }
  fail_unless (changed_bottom > 0);

  fail_unless (vk_scene_parse_burn ("subtitles", &b)
      && b == VK_SCENE_BURN_SUBTITLES);
  fail_if (vk_scene_parse_burn ("watermark", &b));
  g_free (page);
  g_free (other);
  g_free (burnt);
  g_free (later);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* a whole pair */

#define BG_W 160
#define BG_H 96
#define CANVAS_H 400
#define GRAIN 12
#define RECT_X 40
#define RECT_Y 20
#define RECT_W 64
#define RECT_H 48
/* 116 rows over 59 frames, eased */
#define CAMERA "0,0,160,96:0,116,160,96"

static gchar *
run_mkpair (const gchar * dir)
{
  const gchar *exe = g_getenv ("VK_MKPAIR");
  gchar *argv[] = { (gchar *) exe, (gchar *) "--quiet", (gchar *) "--lossless",
    (gchar *) "--name=s", g_strdup_printf ("--outdir=%s", dir),
    (gchar *) "--source=text-page", (gchar *) "--canvas=160x400",
    (gchar *) "--camera=" CAMERA, (gchar *) "--bg-size=160x96",
    (gchar *) "--bg-fps=30", (gchar *) "--duration=2",
    (gchar *) "--fg-rect=40,20,64,48", (gchar *) "--fg-start=0.3",
    (gchar *) "--bg-grain=12", (gchar *) "--burn-in=logo",
    (gchar *) "--fg-filter=videoflip video-direction=horiz", NULL
  };
  gchar *err = NULL;
  gint status = 0;

  fail_unless (exe != NULL, "VK_MKPAIR is not set (run through meson test)");
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
          NULL, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "vk-mkpair failed: %s", err);
  g_free (err);
  g_free (argv[4]);
  return g_strdup_printf ("%s/s-truth.csv", dir);
}

/* the decoded luma planes of @path, packed, @w x @h each */
static GPtrArray *
decode_luma (const gchar * path, gint w, gint h)
{
  GPtrArray *planes = g_ptr_array_new_with_free_func (g_free);
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! "
      "appsink name=sink sync=false caps=video/x-raw,format=I420", path);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  GstSample *sample;

  fail_unless (gst_element_set_state (p, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              10 * GST_SECOND))) {
    GstVideoInfo info;
    GstVideoFrame f;
    guint8 *luma = g_malloc (w * h);
    gint r;

    fail_unless (gst_video_info_from_caps (&info,
            gst_sample_get_caps (sample)));
    fail_unless (info.width == w && info.height == h);
    fail_unless (gst_video_frame_map (&f, &info,
            gst_sample_get_buffer (sample), GST_MAP_READ));
    for (r = 0; r < h; r++)
      memcpy (luma + r * w, (guint8 *) GST_VIDEO_FRAME_COMP_DATA (&f, 0) +
          r * GST_VIDEO_FRAME_COMP_STRIDE (&f, 0), w);
    gst_video_frame_unmap (&f);
    gst_sample_unref (sample);
    g_ptr_array_add (planes, luma);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)), "%s did not "
      "decode to the end", path);
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_free (desc);
  return planes;
}

GST_START_TEST (test_pair)
{
  gchar *dir = g_dir_make_tmp ("vk-mkscene-XXXXXX", NULL);
  gchar *truth_path = run_mkpair (dir), *path;
  VkTruth *truth = vk_truth_load (truth_path, NULL);
  guint8 *page = g_malloc (BG_W * CANVAS_H);
  guint8 *clean = g_malloc (BG_W * BG_H), *fg = g_malloc (RECT_W * RECT_H);
  GPtrArray *bg_luma, *fg_luma;
  VkSceneCamera cam;
  guint j, i, n_bg;

  fail_unless (truth != NULL);
  fail_unless_equals_string (vk_truth_get_param (truth, "camera"), CAMERA);
  fail_unless_equals_string (vk_truth_get_param (truth, "burn_in"), "logo");
  fail_unless_equals_string (vk_truth_get_param (truth, "bg_grain"), "12");
  path = g_strdup_printf ("%s/s-bg.mp4", dir);
  bg_luma = decode_luma (path, BG_W, BG_H);
  g_free (path);
  path = g_strdup_printf ("%s/s-fg.mp4", dir);
  fg_luma = decode_luma (path, RECT_W, RECT_H);
  g_free (path);
  n_bg = bg_luma->len;
  fail_unless_equals_int (n_bg, 60);
  fail_unless_equals_int (fg_luma->len, truth->rows->len);
  fail_unless (truth->rows->len > 40);

  /* the scene rebuilt: bg frame j = the camera's rect of the page, grain;
   * fg frame i = the clean bg's rect, logo, mirrored */
  vk_scene_text_page (page, BG_W, BG_W, CANVAS_H, 1);
  fail_unless (vk_scene_parse_camera (CAMERA, &cam));
  for (j = 0; j < n_bg; j++) {
    VkSceneRect r;
    guint8 *noisy;

    vk_scene_camera_at (&cam, (gdouble) j / (n_bg - 1), &r);
    vk_scene_resample (page, BG_W, BG_W, CANVAS_H, &r, clean, BG_W, BG_W, BG_H);
    noisy = g_memdup2 (clean, BG_W * BG_H);
    vk_scene_grain (noisy, BG_W, BG_W, BG_H, GRAIN, j);
    fail_unless (memcmp (noisy, g_ptr_array_index (bg_luma, j),
            BG_W * BG_H) == 0, "bg frame %u is not the scene's", j);
    g_free (noisy);

    for (i = 0; i < truth->rows->len; i++) {
      const VkTruthRow *row = &g_array_index (truth->rows, VkTruthRow, i);
      const guint8 *got = g_ptr_array_index (fg_luma, i);
      gint x, y;

      if (row->bg_index != j)
        continue;
      for (y = 0; y < RECT_H; y++)
        memcpy (fg + y * RECT_W, clean + (RECT_Y + y) * BG_W + RECT_X, RECT_W);
      vk_scene_burn_in (fg, RECT_W, RECT_W, RECT_H, VK_SCENE_BURN_LOGO,
          j / 30.0);
      for (y = 0; y < RECT_H; y++)
        for (x = 0; x < RECT_W; x++)
          fail_unless_equals_int (got[y * RECT_W + x],
              fg[y * RECT_W + RECT_W - 1 - x]);
    }
  }

  g_ptr_array_unref (bg_luma);
  g_ptr_array_unref (fg_luma);
  vk_truth_free (truth);
  g_free (page);
  g_free (clean);
  g_free (fg);
  path = g_strdup_printf ("%s/s-bg.mp4", dir);
  g_unlink (path);
  g_free (path);
  path = g_strdup_printf ("%s/s-fg.mp4", dir);
  g_unlink (path);
  g_free (path);
  g_unlink (truth_path);
  g_rmdir (dir);
  g_free (truth_path);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_bad_options)
{
  const gchar *exe = g_getenv ("VK_MKPAIR");
  const gchar *bad[][2] = {
    {"--camera=0,0,10,10:0,0,10", NULL},
    {"--camera=0,0,400,10:0,0,10,10", NULL},
    {"--canvas=640x480", NULL},
    {"--bg-grain=200", NULL},
    {"--burn-in=watermark", NULL},
    {"--fg-filter=nosuchelement", "--lossless"},
  };
  guint k;

  fail_unless (exe != NULL);
  for (k = 0; k < G_N_ELEMENTS (bad); k++) {
    gchar *dir = g_dir_make_tmp ("vk-mkscene-XXXXXX", NULL);
    gchar *outdir = g_strdup_printf ("--outdir=%s", dir);
    gchar *argv[] = { (gchar *) exe, (gchar *) "--quiet", outdir,
      (gchar *) "--duration=0.5", (gchar *) bad[k][0], (gchar *) bad[k][1],
      NULL
    };
    gchar *err = NULL;
    gint status = 0;

    fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL,
            NULL, NULL, &err, &status, NULL));
    fail_if (g_spawn_check_wait_status (status, NULL), "%s was accepted",
        bad[k][0]);
    fail_unless (strstr (err, "vk-mkpair: ") != NULL, "%s: %s", bad[k][0], err);
    g_free (err);
    g_rmdir (dir);
    g_free (dir);
    g_free (outdir);
  }
}

GST_END_TEST;

static Suite *
mkscene_suite (void)
{
  Suite *s = suite_create ("media_mkscene");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_camera);
  tcase_add_test (tc, test_resample);
  tcase_add_test (tc, test_grain);
  tcase_add_test (tc, test_text_and_burn_in);
  tcase_add_test (tc, test_pair);
  tcase_add_test (tc, test_bad_options);
  return s;
}

GST_CHECK_MAIN (mkscene);
