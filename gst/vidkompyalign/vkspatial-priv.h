/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkspatial's private header: the types and functions its files share
 * (vkspatial.c, vkspatialimage.c, vkspatialcoarse.c, vkspatialfine.c). */

#ifndef __VK_SPATIAL_PRIV_H__
#define __VK_SPATIAL_PRIV_H__

#include <math.h>

#include "vkspatial.h"

G_BEGIN_DECLS

/* longest template side in the exhaustive (coarse) stage */
#define COARSE_MAX_DIM 32
/* ... unless the shorter side would get shorter than this */
#define COARSE_MIN_DIM 12
/* coarse scale ladder: far-edge move per step, in level pixels */
#define COARSE_STEP 0.7
/* candidates kept from the coarse stage, any scale / scale 1 */
#define N_FREE_CANDS 6
#define N_UNIT_CANDS 3
/* the scale is refined while the template's longer side is at most this */
#define SCALE_REFINE_MAX_DIM 640
/* at most this many template pixels per comparison (row subsampling) */
#define MAX_EVAL_PIXELS (1 << 18)
/* the same for the fine stage, which compares many more placements */
#define FINE_MAX_PIXELS (1 << 18)
/* hill vk_sp_climb: farthest move from the start, in level pixels */
#define CLIMB_MAX 8
/* pyramid levels stop when a side would get shorter than this */
#define MIN_LEVEL_DIM 8
#define MAX_LEVELS 14
/* prefer_unscaled: scale 1 and the any-scale lane's best are compared
 * again on area means of 2^this fg pixels (see unit_wins_denoised ()) */
#define UNIT_DENOISE_LEVEL 1
/* refinement: scale searched within ±this of the guess */
#define REFINE_SCALE_RANGE 0.03
/* below this variance per pixel, a template or window counts as flat */
#define FLAT_VARIANCE 1e-3
/* letterbox bars: a row/column is black when its max and mean are at most */
#define BAR_MAX 40
#define BAR_MEAN 24
/* Level 0 is the caller's bg plane itself (u8), the others are floats. */
    typedef struct
{
  gint w, h, stride;
  const guint8 *u8;             /* level 0 */
  gfloat *pix;                  /* levels > 0, stride == w */
  gdouble *sat, *sat2;          /* (w+1) × (h+1), built on demand */
  gfloat *u8f;                  /* level 0 as floats, stride w, on demand */
} Level;

typedef struct
{
  const VkLuma *fg;
  Level lv[MAX_LEVELS];
  guint32 *fg_sat;              /* (vw+1) × (vh+1) over the valid rect */
  guint32 *bg_sat;              /* (w+1) × (h+1) of level 0, fine stage */
  gfloat *fgl[MAX_LEVELS];      /* fg pyramid (levels ≥ 1), on demand */
  gdouble fg_mean, fg_norm2;    /* fine stage: fg rows used, 0 when flat */
} Pair;

typedef struct
{
  guint n;
  Pair *pairs;
  gint n_levels;
  gint bw, bh;
  gint vx, vy, vw, vh;
  gdouble s_min, s_max;
  /* window for the fg's top-left corner, bg pixels */
  gdouble x0, x1, y0, y1;
  /* scratch reused by every template (templates are made one at a time) */
  gfloat *tbuf;
  gsize tbuf_len;
  gdouble *norm2, *tsum;
  /* fine stage: rows 0, fine_rstep, ... of the valid rect; scratch */
  gboolean fine_ready;
  gint fine_m, fine_w, fine_h, fine_rstep, fine_nrows;
  gint *fix;
  gdouble *ffx, *fiw, *g0, *g1;
  gdouble s_user_max;           /* the caller's max_scale, or infinity */
} Ctx;

typedef struct
{
  gint level;
  gdouble s;
  gint tw, th;                  /* size in level pixels */
  gint rstep;                   /* compare rows 0, rstep, 2·rstep, ... */
  gint nrows;
  const gfloat *t;              /* n × nrows × tw, zero mean per pair */
  const gdouble *norm2;         /* n: Σt² per pair, 0 when flat */
  /* level 0, scale 1: the fg pixels themselves (t unused) and their sums */
  gboolean fg_u8;
  const gdouble *sum;
} Tmpl;

typedef struct
{
  gint level;
  gdouble X, Y, s;
  gdouble score;
  gboolean fixed;               /* scale fixed (the scale-1 lane) */
  gboolean fine;                /* placed by the fine stage */
  gboolean done;
} Cand;

/* small helpers of the hot loops, inlined in every file */

static inline gdouble
vk_sp_ncc_from_sums (gdouble dot, gdouble sb, gdouble sbb, gsize n,
    gdouble norm2)
{
  gdouble var = sbb - sb * sb / n;
  gdouble r;

  if (norm2 <= 0 || var <= FLAT_VARIANCE * n)
    return 0.0;
  r = dot / sqrt (norm2 * var);
  return CLAMP (r, -1.0, 1.0);
}

/* F(x, y) = integral of the fg over [0, x) × [0, y) of the valid rect, for
 * the row y and the columns (ix, fx) */
static inline void
vk_sp_sat_row (const guint32 * sat, gint sw, gint vh, gdouble y,
    const gint * ix, const gdouble * fx, gint n, gdouble * out)
{
  gint iy = (gint) y;
  gdouble fy;
  const guint32 *r0, *r1;
  gint i;

  if (iy >= vh) {
    iy = vh - 1;
    fy = 1.0;
  } else {
    fy = y - iy;
  }
  r0 = sat + iy * (gsize) sw;
  r1 = r0 + sw;
  for (i = 0; i < n; i++) {
    gdouble a = r0[ix[i]] + fx[i] * (gdouble) (r0[ix[i] + 1] - r0[ix[i]]);
    gdouble b = r1[ix[i]] + fx[i] * (gdouble) (r1[ix[i] + 1] - r1[ix[i]]);

    out[i] = a + fy * (b - a);
  }
}

/* vkspatial.c */
gboolean vk_sp_eval_scale (Ctx * c, const Cand * cd, gint level, gdouble s,
    gdouble * X, gdouble * Y, gdouble * score);

/* vkspatialimage.c */
void vk_sp_ctx_clear (Ctx * c);
gboolean vk_sp_ctx_init (Ctx * c, const VkLuma * bg, const VkLuma * fg,
    guint n_pairs, const VkSpatialParams * p, gboolean pyramids,
    GError ** error);
const gfloat *vk_sp_fg_level (Ctx * c, guint k, gint m);
void vk_sp_level_build_sats (Level * l);
const gfloat *vk_sp_level_floats (Level * l, gint * stride);
gboolean vk_sp_plane_ok (const VkLuma * l);
guint32 *vk_sp_sat_u8 (const guint8 * data, gint stride, gint w, gint h);
gboolean vk_sp_tmpl_make (Ctx * c, gint level, gdouble s, gint max_pixels,
    Tmpl * t);

/* vkspatialcoarse.c */
gboolean vk_sp_same_hypothesis (const Ctx * c, const Cand * a, const Cand * b);
void vk_sp_coarse_scale (Ctx * c, gdouble s, gboolean fixed, GArray * list,
    guint max);
void vk_sp_coarse_free (Ctx * c, GArray * free_list);
gboolean vk_sp_climb (Ctx * c, const Tmpl * t, gdouble X, gdouble Y, gint * bx,
    gint * by, gdouble * bscore);
void vk_sp_corr_u8_u8 (const guint8 * t, gsize tstep, gint tw, gint nrows,
    const guint8 * b, gsize bstep, gdouble * dot, gdouble * sb, gdouble * sbb);
gboolean vk_sp_pos_range (const Ctx * c, const Tmpl * t, gint * px0, gint * px1,
    gint * py0, gint * py1);

/* vkspatialfine.c */
void vk_sp_fine_set_level (Ctx * c, gint m, gint max_pixels);
gboolean vk_sp_fine_setup (Ctx * c);
void vk_sp_refine_all (Ctx * c, GArray * list);
gboolean vk_sp_score_fine (Ctx * c, gdouble X, gdouble Y, gdouble s,
    gdouble margin, gdouble * score);

G_END_DECLS

#endif /* __VK_SPATIAL_PRIV_H__ */
