/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* align-bench's accuracy cases: the 16 classic ones (align-bench.c) and
 * the real-world ones (align-bench-world.c, --world). */

#ifndef __ALIGN_BENCH_H__
#define __ALIGN_BENCH_H__

#include <glib.h>

G_BEGIN_DECLS

#define COCKATOO \
  "/usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4"

typedef enum
{
  SRC_COCKATOO,                 /* the cockatoo clip (real footage) */
  SRC_STILL,                    /* a still frame with a small moving window */
  SRC_ZONE_PLATE,               /* ZONE_PLATE */
  SRC_WORLD,                    /* a real-world scene: align-bench-world.c */
} SourceKind;

typedef enum
{
  RECT_DEFAULT,                 /* half size, left of centre and high */
  RECT_FULL_WIDTH,              /* (0,0), full width, 870/1080 of the height */
  RECT_CENTRED,                 /* 60 % of each side, centred */
  RECT_WORLD,                   /* the scene's: align-bench-world.c */
} RectKind;

/* the real-world scenes (SRC_WORLD) */
typedef enum
{
  WORLD_NONE,
  WORLD_PAN,                    /* Ken Burns pan over a still photo */
  WORLD_ZOOM,                   /* Ken Burns zoom into a still photo */
  WORLD_SCROLL,                 /* a tall text-like page scrolling */
  WORLD_PAN_1080,               /* issue 11's repro: a slow 1080p30 pan */
  WORLD_WINDOW,                 /* a 20 fps video in a window of a 30 fps
                                 * screen capture, a moving cursor outside */
  WORLD_CLOCK,                  /* a static page with a ticking clock */
  WORLD_FOOTAGE,                /* the cockatoo clip with the look below */
  WORLD_LOW_TEXTURE,            /* the clip blurred and low in contrast */
  WORLD_FACE,                   /* a face before a plain wall, low contrast,
                                 * a slow handheld camera */
} WorldScene;

typedef struct
{
  const gchar *id;
  const gchar *what;
  SourceKind source;
  gint bg_fps, fg_fps;
  gdouble fg_start;             /* s */
  RectKind rect;
  gboolean half;                /* fg = the rect scaled to 50 % */
  gint quality;                 /* x264 quantizer, 0 = vk-mkpair's default */
  gboolean letterbox;
  const gchar *warp;            /* --warp A,P */
  const gchar *freeze;          /* --freeze T,LEN */
  gboolean quick;               /* also run with --quick */
  /* real-world cases only */
  WorldScene scene;
  gdouble fg_scale;             /* fg size / rect size (0: by half) */
  const gchar *fg_filter;       /* vk-mkpair --fg-filter */
  const gchar *burn_in;         /* vk-mkpair --burn-in */
  gint bg_grain;                /* vk-mkpair --bg-grain */
  gdouble fg_duration;          /* s, 0: the bench's */
} AccCase;

typedef struct
{
  gint bg_w, bg_h;
  gdouble duration, fg_duration;
} Scale;

/* align-bench-world.c */
const AccCase *world_cases (guint * n);
/* the bg size of @c at scale @sc (the 1080p scene has its own) */
void world_scale (const AccCase * c, const Scale * sc, Scale * out);
/* vk-mkpair's --source and the camera and grain options of @c's bg */
void world_bg_args (GPtrArray * args, const AccCase * c, const Scale * sc);
/* the fg rectangle of @c's scene in the bg */
void world_rect (const AccCase * c, const Scale * sc, gint * x, gint * y,
    gint * w, gint * h);
/* vk-mkpair's options of @c's fg look */
void world_fg_args (GPtrArray * args, const AccCase * c);

G_END_DECLS

#endif /* __ALIGN_BENCH_H__ */
