/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/*
 * align-bench --world: pairs that look like the real world (issue 11),
 * made by vk-mkpair's real-world modes from real sources of Debian packages
 * (python3-imageio: the cockatoo clip, the astronaut and chelsea photos),
 * generated at run time, never committed:
 *
 * - Ken Burns pans and zooms over the still photos and a tall text-like
 *   page scrolling (a screen recording), each with the fg downscaled to 0.5
 *   and 0.33 and upscaled 1.5x from its rectangle;
 * - issue 11's repro: a 1280x720 region of a slow 1080p30 pan, downscaled
 *   to 640x360, 24 fps, from 2 s, with a 5 % speed wobble;
 * - screen captures at 30 fps: a 20 fps video playing in a window (the fg
 *   is the window, quantizer 28: the fg repeats frames, the bg does not,
 *   since a cursor outside the window moves every frame), and a static
 *   page with a clock ticking every second (the fg repeats 30 frames, and
 *   so does the bg);
 * - the clip with a colour-graded fg (gamma, saturation, hue), a sharpened
 *   or denoised fg, a burned-in logo or subtitles on the fg, the fg in
 *   another colour range and matrix, heavy grain on the bg, low texture, a
 *   fg shorter than 1 s, and a sinusoidal speed change of a 30 fps fg over
 *   a 25 fps bg;
 * - low-texture content of another source: the astronaut's face before
 *   the plain backdrop of her portrait, low in contrast, filmed by a slow
 *   handheld camera (a push-in with a drift).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "align-bench.h"

#define IMAGES "/usr/lib/python3/dist-packages/imageio/resources/images"
#define ASTRONAUT IMAGES "/astronaut.png"       /* 512x512, NASA, public domain */
#define CHELSEA IMAGES "/chelsea.png"   /* 451x300, scikit-image, CC0 */

/* colour grading, and the fg in full range BT.601 (the bg: limited BT.709) */
#define GRADE "videobalance saturation=1.4 hue=0.06 brightness=0.03 " \
  "! gamma gamma=1.4"
#define RANGE "videoconvert ! capsfilter caps=\"video/x-raw,colorimetry=1:4:5:4\""
/* an unsharp-mask look (a negative blur) and an edge-preserving denoiser */
#define SHARPEN "videoconvert ! gaussianblur sigma=-2"
#define DENOISE "videoconvert ! smooth tolerance=16 filter-size=5"

#define W(id, what, scene, bf, ff, start, rect, scale, q, warp) \
  {id, what, SRC_WORLD, bf, ff, start, rect, FALSE, q, FALSE, warp, NULL, \
      FALSE, scene, scale, NULL, NULL, 0, 0}
#define LOOK(id, what, scene, filter, burn, grain, fg_dur) \
  {id, what, SRC_WORLD, 30, 30, 0.5, RECT_DEFAULT, FALSE, 0, FALSE, NULL, \
      NULL, FALSE, scene, 0, filter, burn, grain, fg_dur}

static const AccCase cases[] = {
  W ("pan-50", "Ken Burns pan, fg 0.5x", WORLD_PAN, 30, 30, 1.0,
      RECT_DEFAULT, 0.5, 0, NULL),
  W ("pan-33", "Ken Burns pan, fg 0.33x", WORLD_PAN, 30, 30, 1.0,
      RECT_DEFAULT, 1.0 / 3, 0, NULL),
  W ("pan-150", "Ken Burns pan, fg 1.5x", WORLD_PAN, 30, 30, 1.0,
      RECT_DEFAULT, 1.5, 0, NULL),
  W ("zoom-50", "Ken Burns zoom, fg 0.5x", WORLD_ZOOM, 30, 30, 1.0,
      RECT_DEFAULT, 0.5, 0, NULL),
  W ("zoom-33", "Ken Burns zoom, fg 0.33x", WORLD_ZOOM, 30, 30, 1.0,
      RECT_DEFAULT, 1.0 / 3, 0, NULL),
  W ("zoom-150", "Ken Burns zoom, fg 1.5x", WORLD_ZOOM, 30, 30, 1.0,
      RECT_DEFAULT, 1.5, 0, NULL),
  W ("scroll-50", "text page scrolling, fg 0.5x", WORLD_SCROLL, 30, 30, 1.0,
      RECT_DEFAULT, 0.5, 0, NULL),
  W ("scroll-33", "text page scrolling, fg 0.33x", WORLD_SCROLL, 30, 30,
      1.0, RECT_DEFAULT, 1.0 / 3, 0, NULL),
  W ("scroll-150", "text page scrolling, fg 1.5x", WORLD_SCROLL, 30, 30,
      1.0, RECT_DEFAULT, 1.5, 0, NULL),
  W ("pan-1080", "1080p30 pan, 720p region 0.5x, 24 fps, wobble",
      WORLD_PAN_1080, 30, 24, 2.0, RECT_WORLD, 0.5, 0, "0.05,3"),
  W ("window", "20 fps video in a 30 fps capture, q28", WORLD_WINDOW, 30,
      30, 0.5, RECT_WORLD, 1.0, 28, NULL),
  W ("clock", "static page with a ticking clock", WORLD_CLOCK, 30, 30, 0.5,
      RECT_WORLD, 1.0, 0, NULL),
  W ("warp-25-30", "fps 25->30, warp 0.2,4", WORLD_FOOTAGE, 25, 30, 0.5,
      RECT_DEFAULT, 1.0, 0, "0.2,4"),
  LOOK ("graded", "fg colour-graded (gamma, sat., hue)", WORLD_FOOTAGE,
      GRADE, NULL, 0, 0),
  LOOK ("sharpened", "fg sharpened (unsharp mask)", WORLD_FOOTAGE, SHARPEN,
      NULL, 0, 0),
  LOOK ("denoised", "fg denoised (edge-preserving)", WORLD_FOOTAGE, DENOISE,
      NULL, 0, 0),
  LOOK ("logo", "logo burned into the fg", WORLD_FOOTAGE, NULL, "logo", 0,
      0),
  LOOK ("subtitles", "subtitles burned into the fg", WORLD_FOOTAGE, NULL,
      "subtitles", 0, 0),
  LOOK ("range", "fg full-range BT.601, bg BT.709", WORLD_FOOTAGE, RANGE,
      NULL, 0, 0),
  LOOK ("grain", "heavy grain on the bg (+-24)", WORLD_FOOTAGE, NULL, NULL,
      24, 0),
  LOOK ("low-texture", "low texture, low contrast", WORLD_LOW_TEXTURE, NULL,
      NULL, 0, 0),
  LOOK ("short", "fg of 0.8 s", WORLD_FOOTAGE, NULL, NULL, 0, 0.8),
  W ("face", "face before a plain wall, low contrast", WORLD_FACE, 30, 30,
      1.0, RECT_DEFAULT, 1.0, 0, NULL),
};

const AccCase *
world_cases (guint * n)
{
  *n = G_N_ELEMENTS (cases);
  return cases;
}

static gint
even (gdouble v)
{
  return 2 * (gint) floor (v / 2.0 + 0.5);
}

void
world_scale (const AccCase * c, const Scale * sc, Scale * out)
{
  *out = *sc;
  if (c->scene == WORLD_PAN_1080) {
    out->bg_w = 1920;
    out->bg_h = 1080;
  }
}

static void
add (GPtrArray * args, const gchar * opt, gchar * value)
{
  g_ptr_array_add (args, g_strdup (opt));
  g_ptr_array_add (args, value);
}

/* "X,Y,W,H:X,Y,W,H" with every value times @k, rounded to 0.01 */
static gchar *
camera (gdouble k, const gdouble r[8])
{
  return g_strdup_printf ("%.2f,%.2f,%.2f,%.2f:%.2f,%.2f,%.2f,%.2f",
      r[0] * k, r[1] * k, r[2] * k, r[3] * k, r[4] * k, r[5] * k, r[6] * k,
      r[7] * k);
}

/* the screen captures: the page, a window and a clock, in bg pixels */
static void
window_geometry (const Scale * sc, gint * x, gint * y, gint * w, gint * h)
{
  *w = even (sc->bg_w / 2.0);
  *h = even (sc->bg_h / 2.0);
  *x = even (sc->bg_w * 0.3125);
  *y = even (sc->bg_h * 0.28);
}

static gchar *
capture_source (const Scale * sc, gboolean window)
{
  gint x, y, w, h, clock = even (sc->bg_w * 0.075);
  gchar *video, *desc;

  window_geometry (sc, &x, &y, &w, &h);
  video = window ? g_strdup_printf ("filesrc location=\"%s\" ! decodebin "
      "! videoconvert ! videorate ! video/x-raw,framerate=20/1 ! videoscale "
      "! video/x-raw,width=%d,height=%d ! m.sink_2 ", COCKATOO, w, h) :
      g_strdup ("");
  /* the page, the clock and the window; with a window the clock is a
   * ball moving every frame (a cursor), else a seconds display (noise
   * changing once a second) */
  desc = g_strdup_printf ("appsrc name=vk_mkpair_page "
      "caps=video/x-raw,width=%d,height=%d ! imagefreeze ! m.sink_0 "
      "videotestsrc pattern=%s ! video/x-raw,width=%d,height=%d,"
      "framerate=%s ! m.sink_1 %scompositor name=m sink_0::zorder=0 "
      "sink_1::zorder=1 sink_2::zorder=2 sink_1::xpos=%d sink_1::ypos=%d "
      "sink_2::xpos=%d sink_2::ypos=%d ! video/x-raw,framerate=30/1",
      sc->bg_w, sc->bg_h, window ? "ball" : "snow", clock, clock,
      window ? "30/1" : "1/1", video, even (sc->bg_w * 0.85),
      even (sc->bg_h * 0.05), x, y);
  g_free (video);
  return desc;
}

void
world_bg_args (GPtrArray * args, const AccCase * c, const Scale * sc)
{
  gdouble k = sc->bg_w / 640.0;
  /* canvas rects for a 640x360 bg, scaled with the bg */
  static const gdouble pan[8] = { 100, 200, 640, 360, 260, 300, 640, 360 };
  static const gdouble zoom[8] = { 0, 0, 1024, 576, 192, 108, 640, 360 };
  /* a handheld camera: a slow push-in drifting right and down */
  static const gdouble face[8] = { 96, 54, 1024, 576, 192, 108, 896, 504 };
  /* 1080p: 1.5 px a frame over 9 s at 30 fps, on a 2048x2048 canvas */
  static const gdouble pan1080[8] = { 40, 300, 1920, 1080, 120, 700, 1920,
    1080
  };

  switch (c->scene) {
    case WORLD_PAN:
      add (args, "--source", g_strdup_printf ("filesrc location=\"%s\" "
              "! pngdec ! imagefreeze", ASTRONAUT));
      add (args, "--canvas", g_strdup_printf ("%dx%d", even (1024 * k),
              even (1024 * k)));
      add (args, "--camera", camera (k, pan));
      break;
    case WORLD_ZOOM:
      add (args, "--source", g_strdup_printf ("filesrc location=\"%s\" "
              "! pngdec ! imagefreeze", CHELSEA));
      add (args, "--canvas", g_strdup_printf ("%dx%d", even (1024 * k),
              even (680 * k)));
      add (args, "--camera", camera (k, zoom));
      break;
    case WORLD_SCROLL:
      add (args, "--source", g_strdup ("text-page"));
      add (args, "--canvas", g_strdup_printf ("%dx%d", sc->bg_w, 6 * sc->bg_h));
      add (args, "--camera", g_strdup_printf ("0,0,%d,%d:0,%d,%d,%d",
              sc->bg_w, sc->bg_h, 3 * sc->bg_h, sc->bg_w, sc->bg_h));
      break;
    case WORLD_PAN_1080:
      add (args, "--source", g_strdup_printf ("filesrc location=\"%s\" "
              "! pngdec ! imagefreeze", ASTRONAUT));
      add (args, "--canvas", g_strdup ("2048x2048"));
      add (args, "--camera", camera (1.0, pan1080));
      break;
    case WORLD_WINDOW:
    case WORLD_CLOCK:
      add (args, "--source", capture_source (sc, c->scene == WORLD_WINDOW));
      break;
    case WORLD_FACE:
      /* her head before the backdrop (320x180 of the photo from 88,20;
       * the camera keeps the flag and the shuttle out), at 60 % of the
       * contrast */
      add (args, "--source", g_strdup_printf ("filesrc location=\"%s\" "
              "! pngdec ! videocrop left=88 right=104 top=20 bottom=312 "
              "! videoconvert ! videobalance contrast=0.6 ! imagefreeze",
              ASTRONAUT));
      add (args, "--canvas", g_strdup_printf ("%dx%d", even (1280 * k),
              even (720 * k)));
      add (args, "--camera", camera (k, face));
      break;
    case WORLD_LOW_TEXTURE:
      /* the clip at 96x54 stretched back: soft, and a third of the
       * contrast */
      add (args, "--source", g_strdup_printf ("filesrc location=\"%s\" "
              "! decodebin ! videoconvert ! videoscale "
              "! video/x-raw,width=96,height=54 ! videoscale "
              "! video/x-raw,width=%d,height=%d ! videobalance contrast=0.35",
              COCKATOO, sc->bg_w, sc->bg_h));
      break;
    default:
      add (args, "--source", g_strdup ("cockatoo"));
      break;
  }
  if (c->bg_grain)
    add (args, "--bg-grain", g_strdup_printf ("%d", c->bg_grain));
}

void
world_rect (const AccCase * c, const Scale * sc, gint * x, gint * y,
    gint * w, gint * h)
{
  switch (c->scene) {
    case WORLD_PAN_1080:
      *x = 320;
      *y = 180;
      *w = 1280;
      *h = 720;
      break;
    case WORLD_CLOCK:
      /* the page's top right, the clock inside */
      *x = even (sc->bg_w / 2.0);
      *y = 0;
      *w = 4 * (gint) floor (sc->bg_w * 0.4 / 4);
      *h = 4 * (gint) floor (sc->bg_h * 0.4 / 4);
      break;
    default:
      window_geometry (sc, x, y, w, h);
      break;
  }
}

void
world_fg_args (GPtrArray * args, const AccCase * c)
{
  if (c->fg_filter)
    add (args, "--fg-filter", g_strdup (c->fg_filter));
  if (c->burn_in)
    add (args, "--burn-in", g_strdup (c->burn_in));
}
