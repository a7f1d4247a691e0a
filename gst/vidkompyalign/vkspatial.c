/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Spatial alignment: where does the fg sit in the bg, and at which scale.
 *
 * Geometry. A hypothesis is (X, Y, s): s = bg pixels per fg pixel, (X, Y) =
 * bg position (full resolution, pixel edges) of the top-left corner of the
 * fg's valid rectangle (vx, vy, vw, vh). The fg's own top-left corner is
 * then (X − vx·s, Y − vy·s).
 *
 * Score. Zero-mean normalised cross-correlation (NCC), averaged over the
 * pairs: invariant to gain and offset (brightness, contrast); a pair whose
 * fg is flat scores 0.
 *
 * Pyramid. Each bg is box-filtered down by 2 per level (level L pixel p
 * covers bg pixels [p·2^L, (p+1)·2^L)). For a level L and a scale s the
 * template is made from the fg's summed-area table (SAT): every template
 * pixel is the exact area mean of the fg over the 2^L/s × 2^L/s fg pixels
 * that one level-L bg pixel covers (for s = 1: the fg's own box pyramid).
 * Template and bg level thus see the scene through the same box filter; at
 * level 0 with s = 1 the template is the fg itself (compared as u8, all
 * rows), so an unscaled fg is found at its exact integer position.
 *
 * 1. Coarse stage: for each scale of a geometric ladder over the scale
 *    range, the level at which the template's longer side is at most
 *    COARSE_MAX_DIM pixels, and there every position (window sums from the
 *    level's SATs, so a position costs one template-sized dot product). The
 *    ladder step moves the template's far edge by COARSE_STEP level pixels.
 *    The best local maxima over all scales are kept, merged when they are
 *    the same hypothesis.
 * 2. Pyramid descent: every candidate goes down one level at a time: a hill
 *    climb over the integer positions of that level (3×3 neighbourhoods
 *    until the centre is the best) and, while the template is at most
 *    SCALE_REFINE_MAX_DIM pixels long, a one-pixel scale ladder around the
 *    current scale with a parabola through the best three. Scale changes
 *    keep the template centre fixed. After every level the weaker half of
 *    the candidates is dropped. Above level 0, templates of more than
 *    MAX_EVAL_PIXELS pixels are compared on every k-th row only.
 * 3. Fine stage (any scale): from level 1, continuous position and scale,
 *    compared on the fg's own grid: every fg sample against the exact area
 *    mean of the bg under it (bilinear reads of the bg's SAT), so sub-pixel
 *    positions and any scale need no resampling of the fg. Line searches
 *    along centre x, centre y, ln scale and the last round's move, first on
 *    a coarse fg pyramid level, then on the fg.
 *
 * Scale 1 has a lane of its own: its own coarse candidates, descended at
 * fixed scale 1 down to integer level-0 positions. With prefer_unscaled,
 * it wins unless the any-scale lane scores clearly better. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial.h"

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
/* hill climb: farthest move from the start, in level pixels */
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

GQuark
vk_spatial_error_quark (void)
{
  return g_quark_from_static_string ("vk-spatial-error-quark");
}

/* ---------------------------------------------------------------------- */
/* Images */

static void
level_build_sats (Level * l)
{
  gint sw = l->w + 1;
  gint x, y;

  if (l->sat)
    return;
  l->sat = g_new0 (gdouble, (gsize) sw * (l->h + 1));
  l->sat2 = g_new0 (gdouble, (gsize) sw * (l->h + 1));
  for (y = 0; y < l->h; y++) {
    const gfloat *p = l->pix ? l->pix + (gsize) y * l->stride : NULL;
    const guint8 *p8 = l->u8 ? l->u8 + (gsize) y * l->stride : NULL;
    const gdouble *a = l->sat + (gsize) y * sw;
    const gdouble *a2 = l->sat2 + (gsize) y * sw;
    gdouble *b = l->sat + (gsize) (y + 1) * sw;
    gdouble *b2 = l->sat2 + (gsize) (y + 1) * sw;
    gdouble r = 0, r2 = 0;

    for (x = 0; x < l->w; x++) {
      gdouble v = p8 ? p8[x] : p[x];

      r += v;
      r2 += v * v;
      b[x + 1] = a[x + 1] + r;
      b2[x + 1] = a2[x + 1] + r2;
    }
  }
}

/* level 0 = the bg plane, then 2×2 box means (odd last row/col dropped) */
static gint
build_pyramid (Pair * pair, const VkLuma * bg, gint max_levels)
{
  Level *l = &pair->lv[0];
  gint x, y, n;

  l->w = bg->width;
  l->h = bg->height;
  l->stride = bg->stride;
  l->u8 = bg->data;

  for (n = 1; n < max_levels; n++) {
    const Level *p = &pair->lv[n - 1];

    l = &pair->lv[n];
    if (p->w / 2 < MIN_LEVEL_DIM || p->h / 2 < MIN_LEVEL_DIM)
      break;
    l->w = p->w / 2;
    l->h = p->h / 2;
    l->stride = l->w;
    l->pix = g_new (gfloat, (gsize) l->w * l->h);
    for (y = 0; y < l->h; y++) {
      gfloat *d = l->pix + (gsize) y * l->w;

      if (p->u8) {
        const guint8 *s0 = p->u8 + (gsize) (2 * y) * p->stride;
        const guint8 *s1 = s0 + p->stride;

        for (x = 0; x < l->w; x++)
          d[x] = 0.25f * (gfloat) (s0[2 * x] + s0[2 * x + 1] + s1[2 * x]
              + s1[2 * x + 1]);
      } else {
        const gfloat *s0 = p->pix + (gsize) (2 * y) * p->stride;
        const gfloat *s1 = s0 + p->stride;

        for (x = 0; x < l->w; x++)
          d[x] = 0.25f * (s0[2 * x] + s0[2 * x + 1] + s1[2 * x]
              + s1[2 * x + 1]);
      }
    }
  }
  return n;
}

/* (w+1) × (h+1) summed-area table of a w × h u8 rectangle; exact for at
 * most 2^32 / 255 pixels (ctx_init checks) */
static guint32 *
sat_u8 (const guint8 * data, gint stride, gint w, gint h)
{
  gint sw = w + 1;
  guint32 *sat = g_new (guint32, (gsize) sw * (h + 1));
  gint x, y;

  memset (sat, 0, sizeof (guint32) * sw);
  for (y = 0; y < h; y++) {
    const guint8 *p = data + (gsize) y * stride;
    const guint32 *a = sat + (gsize) y * sw;
    guint32 *b = sat + (gsize) (y + 1) * sw;
    guint32 r = 0;

    b[0] = 0;
    for (x = 0; x < w; x++) {
      r += p[x];
      b[x + 1] = a[x + 1] + r;
    }
  }
  return sat;
}

/* level @m (≥ 1) of the box pyramid of pair @k's fg valid rect: (vw >> m)
 * × (vh >> m) means of 2^m × 2^m blocks, built on demand; NULL for level 0
 * (the u8 fg itself) */
static const gfloat *
fg_level (Ctx * c, guint k, gint m)
{
  Pair *pair = &c->pairs[k];
  gint w = c->vw >> m, h = c->vh >> m, x, y;
  gfloat *d;

  if (m == 0)
    return NULL;
  if (pair->fgl[m])
    return pair->fgl[m];
  d = g_new (gfloat, (gsize) MAX (w, 1) * MAX (h, 1));
  if (m == 1) {
    const VkLuma *fg = pair->fg;

    for (y = 0; y < h; y++) {
      const guint8 *s0 = fg->data + (gsize) (c->vy + 2 * y) * fg->stride
          + c->vx;
      const guint8 *s1 = s0 + fg->stride;

      for (x = 0; x < w; x++)
        d[(gsize) y * w + x] = 0.25f * (gfloat) (s0[2 * x] + s0[2 * x + 1]
            + s1[2 * x] + s1[2 * x + 1]);
    }
  } else {
    const gfloat *p = fg_level (c, k, m - 1);
    gint pw = c->vw >> (m - 1);

    for (y = 0; y < h; y++) {
      const gfloat *s0 = p + (gsize) (2 * y) * pw;
      const gfloat *s1 = s0 + pw;

      for (x = 0; x < w; x++)
        d[(gsize) y * w + x] = 0.25f * (s0[2 * x] + s0[2 * x + 1]
            + s1[2 * x] + s1[2 * x + 1]);
    }
  }
  pair->fgl[m] = d;
  return d;
}

static void
ctx_clear (Ctx * c)
{
  guint k;
  gint l;

  if (!c->pairs)
    return;
  for (k = 0; k < c->n; k++) {
    for (l = 0; l < MAX_LEVELS; l++) {
      g_free (c->pairs[k].lv[l].pix);
      g_free (c->pairs[k].lv[l].sat);
      g_free (c->pairs[k].lv[l].sat2);
    }
    g_free (c->pairs[k].fg_sat);
    g_free (c->pairs[k].bg_sat);
    for (l = 0; l < MAX_LEVELS; l++)
      g_free (c->pairs[k].fgl[l]);
  }
  g_free (c->pairs);
  c->pairs = NULL;
  g_free (c->tbuf);
  g_free (c->norm2);
  g_free (c->tsum);
  g_free (c->fix);
  g_free (c->ffx);
  g_free (c->fiw);
  g_free (c->g0);
  g_free (c->g1);
  c->tbuf = NULL;
  c->norm2 = c->tsum = NULL;
  c->fix = NULL;
  c->ffx = c->fiw = c->g0 = c->g1 = NULL;
}

static gboolean
plane_ok (const VkLuma * l)
{
  return l->data != NULL && l->width > 0 && l->height > 0
      && l->stride >= l->width;
}

/* Checks the arguments and builds the pyramids (only level 0 without
 * @pyramids). */
static gboolean
ctx_init (Ctx * c, const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, gboolean pyramids, GError ** error)
{
  gboolean textured = FALSE;
  gdouble fit;
  guint k;

  memset (c, 0, sizeof (*c));
  if (bg == NULL || fg == NULL || n_pairs == 0) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "no frame pairs");
    return FALSE;
  }
  for (k = 0; k < n_pairs; k++) {
    if (!plane_ok (&bg[k]) || !plane_ok (&fg[k])) {
      g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
          "pair %u: empty plane or bad stride", k);
      return FALSE;
    }
    if (bg[k].width != bg[0].width || bg[k].height != bg[0].height
        || fg[k].width != fg[0].width || fg[k].height != fg[0].height) {
      g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
          "pair %u: frame sizes differ from pair 0", k);
      return FALSE;
    }
  }
  c->n = n_pairs;
  c->bw = bg[0].width;
  c->bh = bg[0].height;

  if (p->fg_valid.w > 0 && p->fg_valid.h > 0) {
    c->vx = p->fg_valid.x;
    c->vy = p->fg_valid.y;
    c->vw = p->fg_valid.w;
    c->vh = p->fg_valid.h;
  } else {
    c->vw = fg[0].width;
    c->vh = fg[0].height;
  }
  /* row sums of squares must fit into 32 bits, SATs of the fg too */
  if (c->bw > 65535 || fg[0].width > 65535) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "frames wider than 65535 pixels");
    return FALSE;
  }
  if (c->vx < 0 || c->vy < 0 || c->vx + c->vw > fg[0].width
      || c->vy + c->vh > fg[0].height || c->vw < 4 || c->vh < 4
      || (gint64) c->vw * c->vh > G_MAXUINT32 / 255) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "valid rectangle %d,%d %dx%d is not inside the %dx%d fg (or smaller "
        "than 4x4, or larger than 16 Mpixels)", c->vx, c->vy, c->vw, c->vh,
        fg[0].width, fg[0].height);
    return FALSE;
  }

  if (!(p->min_scale > 0) || !(p->max_scale >= 0)
      || (p->max_scale > 0 && p->max_scale < p->min_scale)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "bad scale range %g..%g", p->min_scale, p->max_scale);
    return FALSE;
  }
  fit = MIN ((gdouble) c->bw / c->vw, (gdouble) c->bh / c->vh);
  c->s_min = p->min_scale;
  c->s_max = p->max_scale > 0 ? MIN (p->max_scale, fit) : fit;
  c->s_user_max = p->max_scale > 0 ? p->max_scale : G_MAXDOUBLE;
  if (c->s_max < c->s_min) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_TOO_LARGE,
        "the %dx%d fg%s does not fit into the %dx%d bg at scale %g or "
        "smaller (largest fitting scale %g)", c->vw, c->vh,
        c->vw != fg[0].width || c->vh != fg[0].height ? " valid area" : "",
        c->bw, c->bh, c->s_min, fit);
    return FALSE;
  }

  /* any texture at all? */
  for (k = 0; k < n_pairs && !textured; k++) {
    const guint8 *r0 = fg[k].data + (gsize) c->vy * fg[k].stride + c->vx;
    guint8 lo = r0[0], hi = r0[0];
    gint x, y;

    for (y = 0; y < c->vh && hi - lo < 2; y++) {
      const guint8 *r = r0 + (gsize) y * fg[k].stride;

      for (x = 0; x < c->vw; x++) {
        lo = MIN (lo, r[x]);
        hi = MAX (hi, r[x]);
      }
    }
    textured = hi - lo >= 2;
  }
  if (!textured) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_FLAT,
        "the fg is flat: nothing to match");
    return FALSE;
  }

  c->pairs = g_new0 (Pair, n_pairs);
  c->norm2 = g_new (gdouble, n_pairs);
  c->tsum = g_new (gdouble, n_pairs);
  for (k = 0; k < n_pairs; k++) {
    gint nl;

    c->pairs[k].fg = &fg[k];
    nl = build_pyramid (&c->pairs[k], &bg[k], pyramids ? MAX_LEVELS : 1);
    c->n_levels = nl;
  }
  c->x0 = c->y0 = -G_MAXDOUBLE;
  c->x1 = c->y1 = G_MAXDOUBLE;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Templates */

static void
tmpl_size (const Ctx * c, gint level, gdouble s, gint * tw, gint * th)
{
  gdouble f = ldexp (s, -level);

  *tw = (gint) floor (c->vw * f + 1e-9);
  *th = (gint) floor (c->vh * f + 1e-9);
}

/* F(x, y) = integral of the fg over [0, x) × [0, y) of the valid rect, for
 * the row y and the columns (ix, fx) */
static void
sat_row (const guint32 * sat, gint sw, gint vh, gdouble y, const gint * ix,
    const gdouble * fx, gint n, gdouble * out)
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

/* The template of scale @s at @level: tw × th level pixels, each the area
 * mean of the fg over the fg pixels it covers. Rows are subsampled when it
 * would exceed @max_pixels. Returns FALSE when it does not fit into the
 * level or is degenerate. The pixels live in @c's scratch buffer: valid
 * until the next call. */
static gboolean
tmpl_make (Ctx * c, gint level, gdouble s, gint max_pixels, Tmpl * t)
{
  const Level *lv = &c->pairs[0].lv[level];
  gdouble f = ldexp (1.0, level) / s;   /* fg pixels per template pixel */
  gboolean direct = fabs (f - 1.0) < 1e-9;
  /* scale 1 at level ≥ 1: the fg pyramid level is the template */
  gboolean pyr = !direct && s == 1.0 && level >= 1;
  gint sw = c->vw + 1;
  gint *ix = NULL;
  gdouble *fx = NULL, *g0 = NULL, *g1 = NULL;
  gint i, j, jj;
  guint k;

  memset (t, 0, sizeof (*t));
  tmpl_size (c, level, s, &t->tw, &t->th);
  if (t->tw < 4 || t->th < 4 || t->tw > lv->w || t->th > lv->h)
    return FALSE;
  t->level = level;
  t->s = s;
  t->rstep = 1;
  if ((gint64) t->tw * t->th > max_pixels)
    t->rstep = (gint) (((gint64) t->tw * t->th + max_pixels - 1) / max_pixels);
  t->nrows = (t->th + t->rstep - 1) / t->rstep;
  t->norm2 = c->norm2;
  t->sum = c->tsum;

  if (direct && level == 0) {
    /* compared as they are (corr_u8_u8) */
    t->fg_u8 = TRUE;
    for (k = 0; k < c->n; k++) {
      const VkLuma *fg = c->pairs[k].fg;
      gsize n = (gsize) t->nrows * t->tw;
      guint64 sum = 0, sum2 = 0;
      gdouble var;

      for (jj = 0; jj < t->nrows; jj++) {
        const guint8 *src = fg->data
            + (gsize) (c->vy + jj * t->rstep) * fg->stride + c->vx;

        for (i = 0; i < t->tw; i++) {
          sum += src[i];
          sum2 += (guint32) src[i] * src[i];
        }
      }
      var = sum2 - (gdouble) sum / n * sum;
      c->tsum[k] = (gdouble) sum;
      c->norm2[k] = var > FLAT_VARIANCE * n ? var : 0.0;
    }
    return TRUE;
  }

  if (c->tbuf_len < (gsize) c->n * t->nrows * t->tw) {
    c->tbuf_len = (gsize) c->n * t->nrows * t->tw;
    g_free (c->tbuf);
    c->tbuf = g_new (gfloat, c->tbuf_len);
  }
  t->t = c->tbuf;

  if (!direct && !pyr) {
    ix = g_new (gint, t->tw + 1);
    fx = g_new (gdouble, t->tw + 1);
    g0 = g_new (gdouble, t->tw + 1);
    g1 = g_new (gdouble, t->tw + 1);
    for (i = 0; i <= t->tw; i++) {
      gdouble x = MIN (i * f, (gdouble) c->vw);

      ix[i] = MIN ((gint) x, c->vw - 1);
      fx[i] = x - ix[i];
    }
  }

  for (k = 0; k < c->n; k++) {
    Pair *pair = &c->pairs[k];
    gfloat *out = c->tbuf + (gsize) k * t->nrows * t->tw;
    gdouble sum = 0, sum2 = 0, mean;
    gsize n = (gsize) t->nrows * t->tw, q;
    const gfloat *fl = pyr ? fg_level (c, k, level) : NULL;

    if (!direct && !pyr && !pair->fg_sat)
      pair->fg_sat = sat_u8 (pair->fg->data + (gsize) c->vy * pair->fg->stride
          + c->vx, pair->fg->stride, c->vw, c->vh);

    for (jj = 0; jj < t->nrows; jj++) {
      gfloat *o = out + (gsize) jj * t->tw;

      j = jj * t->rstep;
      if (direct) {
        const guint8 *src = pair->fg->data
            + (gsize) (c->vy + j) * pair->fg->stride + c->vx;

        for (i = 0; i < t->tw; i++)
          o[i] = src[i];
      } else if (pyr) {
        memcpy (o, fl + (gsize) j * t->tw, sizeof (gfloat) * t->tw);
      } else {
        gdouble inv = 1.0 / (f * f);

        /* consecutive rows share their boundary */
        if (jj > 0 && t->rstep == 1) {
          gdouble *tmp = g0;

          g0 = g1;
          g1 = tmp;
        } else {
          sat_row (pair->fg_sat, sw, c->vh, MIN (j * f, (gdouble) c->vh), ix,
              fx, t->tw + 1, g0);
        }
        sat_row (pair->fg_sat, sw, c->vh, MIN ((j + 1) * f, (gdouble) c->vh),
            ix, fx, t->tw + 1, g1);
        for (i = 0; i < t->tw; i++)
          o[i] = (gfloat) ((g1[i + 1] - g1[i] - g0[i + 1] + g0[i]) * inv);
      }
    }
    for (q = 0; q < n; q++)
      sum += out[q];
    mean = sum / n;
    for (q = 0; q < n; q++) {
      out[q] = (gfloat) (out[q] - mean);
      sum2 += (gdouble) out[q] * out[q];
    }
    c->norm2[k] = sum2 > FLAT_VARIANCE * n ? sum2 : 0.0;
  }

  g_free (ix);
  g_free (fx);
  g_free (g0);
  g_free (g1);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Correlation kernels */

/* Σ t·b over the template rows; b advances bstep samples per template row.
 * One body for float and 8-bit images: the type of b is the only
 * difference, and a conversion per sample would cost more than the dot. */
#define DEFINE_CORR_DOT(name, btype)                                    \
static gdouble                                                          \
name (const gfloat * t, gint tw, gint nrows, const btype * b,           \
    gsize bstep)                                                        \
{                                                                       \
  gdouble dot = 0;                                                      \
  gint r, i;                                                            \
                                                                        \
  for (r = 0; r < nrows; r++) {                                         \
    gfloat a0 = 0, a1 = 0, a2 = 0, a3 = 0;                              \
                                                                        \
    for (i = 0; i + 4 <= tw; i += 4) {                                  \
      a0 += t[i] * b[i];                                                \
      a1 += t[i + 1] * b[i + 1];                                        \
      a2 += t[i + 2] * b[i + 2];                                        \
      a3 += t[i + 3] * b[i + 3];                                        \
    }                                                                   \
    for (; i < tw; i++)                                                 \
      a0 += t[i] * b[i];                                                \
    dot += (gdouble) ((a0 + a1) + (a2 + a3));                           \
    t += tw;                                                            \
    b += bstep;                                                         \
  }                                                                     \
  return dot;                                                           \
}

DEFINE_CORR_DOT (corr_dot, gfloat)
    DEFINE_CORR_DOT (corr_dot_u8, guint8)
/* Σ t·b, Σ b, Σ b² */
     static void
         corr_dot_stats (const gfloat * t, gint tw, gint nrows,
    const gfloat * b, gsize bstep, gdouble * dot, gdouble * sb, gdouble * sbb)
{
  gdouble d = 0, s = 0, ss = 0;
  gint r, i;

  for (r = 0; r < nrows; r++) {
    gfloat a0 = 0, a1 = 0, s0 = 0, s1 = 0, q0 = 0, q1 = 0;

    for (i = 0; i + 2 <= tw; i += 2) {
      a0 += t[i] * b[i];
      a1 += t[i + 1] * b[i + 1];
      s0 += b[i];
      s1 += b[i + 1];
      q0 += b[i] * b[i];
      q1 += b[i + 1] * b[i + 1];
    }
    for (; i < tw; i++) {
      a0 += t[i] * b[i];
      s0 += b[i];
      q0 += b[i] * b[i];
    }
    d += (gdouble) (a0 + a1);
    s += (gdouble) (s0 + s1);
    ss += (gdouble) (q0 + q1);
    t += tw;
    b += bstep;
  }
  *dot = d;
  *sb = s;
  *sbb = ss;
}

static void
corr_dot_stats_u8 (const gfloat * t, gint tw, gint nrows, const guint8 * b,
    gsize bstep, gdouble * dot, gdouble * sb, gdouble * sbb)
{
  gdouble d = 0;
  guint64 s = 0, ss = 0;
  gint r, i;

  for (r = 0; r < nrows; r++) {
    gfloat a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    guint32 s0 = 0, q0 = 0;

    for (i = 0; i + 4 <= tw; i += 4) {
      a0 += t[i] * b[i];
      a1 += t[i + 1] * b[i + 1];
      a2 += t[i + 2] * b[i + 2];
      a3 += t[i + 3] * b[i + 3];
    }
    for (; i < tw; i++)
      a0 += t[i] * b[i];
    /* rows are at most 65535 pixels: no overflow */
    for (i = 0; i < tw; i++) {
      s0 += b[i];
      q0 += (guint32) b[i] * b[i];
    }
    d += (gdouble) ((a0 + a1) + (a2 + a3));
    s += s0;
    ss += q0;
    t += tw;
    b += bstep;
  }
  *dot = d;
  *sb = (gdouble) s;
  *sbb = (gdouble) ss;
}

/* Σ t·b, Σ b, Σ b² of two u8 planes; rows are at most 65535 pixels, so
 * the row sums fit into 32 bits */
static void
corr_u8_u8 (const guint8 * t, gsize tstep, gint tw, gint nrows,
    const guint8 * b, gsize bstep, gdouble * dot, gdouble * sb, gdouble * sbb)
{
  guint64 d = 0, s = 0, ss = 0;
  gint r, i;

  for (r = 0; r < nrows; r++) {
    guint32 d0 = 0, d1 = 0, s0 = 0, s1 = 0, q0 = 0, q1 = 0;

    for (i = 0; i + 2 <= tw; i += 2) {
      guint32 b0 = b[i], b1 = b[i + 1];

      d0 += t[i] * b0;
      d1 += t[i + 1] * b1;
      s0 += b0;
      s1 += b1;
      q0 += b0 * b0;
      q1 += b1 * b1;
    }
    if (i < tw) {
      d0 += (guint32) t[i] * b[i];
      s0 += b[i];
      q0 += (guint32) b[i] * b[i];
    }
    d += (guint64) d0 + d1;
    s += s0 + s1;
    ss += (guint64) q0 + q1;
    t += tstep;
    b += bstep;
  }
  *dot = (gdouble) d;
  *sb = (gdouble) s;
  *sbb = (gdouble) ss;
}

static gdouble
ncc_from_sums (gdouble dot, gdouble sb, gdouble sbb, gsize n, gdouble norm2)
{
  gdouble var = sbb - sb * sb / n;
  gdouble r;

  if (norm2 <= 0 || var <= FLAT_VARIANCE * n)
    return 0.0;
  r = dot / sqrt (norm2 * var);
  return CLAMP (r, -1.0, 1.0);
}

/* mean NCC over the pairs of the template at level position (px, py) */
static gdouble
score_at (Ctx * c, const Tmpl * t, gint px, gint py)
{
  gsize n = (gsize) t->nrows * t->tw;
  gdouble total = 0;
  guint k;

  for (k = 0; k < c->n; k++) {
    const Level *l = &c->pairs[k].lv[t->level];
    gsize off = (gsize) py * l->stride + px;
    gdouble dot, sb, sbb;

    if (t->norm2[k] <= 0)
      continue;
    if (t->fg_u8) {
      const VkLuma *fg = c->pairs[k].fg;

      corr_u8_u8 (fg->data + (gsize) c->vy * fg->stride + c->vx,
          (gsize) t->rstep * fg->stride, t->tw, t->nrows, l->u8 + off,
          (gsize) t->rstep * l->stride, &dot, &sb, &sbb);
      /* Σ (t − mean t)·b */
      dot -= t->sum[k] * sb / n;
    } else if (l->u8)
      corr_dot_stats_u8 (t->t + (gsize) k * n, t->tw, t->nrows, l->u8 + off,
          (gsize) t->rstep * l->stride, &dot, &sb, &sbb);
    else
      corr_dot_stats (t->t + (gsize) k * n, t->tw, t->nrows, l->pix + off,
          (gsize) t->rstep * l->stride, &dot, &sb, &sbb);
    total += ncc_from_sums (dot, sb, sbb, n, t->norm2[k]);
  }
  return total / c->n;
}

/* ---------------------------------------------------------------------- */
/* Positions */

/* the range of level positions allowed for the template @t: inside the bg
 * and inside the window (rounded outwards to whole level pixels) */
static gboolean
pos_range (const Ctx * c, const Tmpl * t, gint * px0, gint * px1, gint * py0,
    gint * py1)
{
  const Level *l = &c->pairs[0].lv[t->level];
  gdouble u = ldexp (1.0, t->level);
  gdouble a;

  *px0 = 0;
  *py0 = 0;
  *px1 = l->w - t->tw;
  *py1 = l->h - t->th;
  if (c->x0 > -G_MAXDOUBLE) {
    a = floor ((c->x0 + c->vx * t->s) / u);
    *px0 = MAX (*px0, (gint) CLAMP (a, -1e6, 1e6));
    a = ceil ((c->x1 + c->vx * t->s) / u);
    *px1 = MIN (*px1, (gint) CLAMP (a, -1e6, 1e6));
    a = floor ((c->y0 + c->vy * t->s) / u);
    *py0 = MAX (*py0, (gint) CLAMP (a, -1e6, 1e6));
    a = ceil ((c->y1 + c->vy * t->s) / u);
    *py1 = MIN (*py1, (gint) CLAMP (a, -1e6, 1e6));
  }
  return *px0 <= *px1 && *py0 <= *py1;
}

#define CLIMB_SIDE (2 * CLIMB_MAX + 1)

/* Hill climb over level positions from the one nearest to (X, Y) (bg
 * pixels). Returns FALSE when no position is allowed. */
static gboolean
climb (Ctx * c, const Tmpl * t, gdouble X, gdouble Y, gint * bx, gint * by,
    gdouble * bscore)
{
  gdouble memo[CLIMB_SIDE * CLIMB_SIDE];
  gboolean seen[CLIMB_SIDE * CLIMB_SIDE];
  gdouble u = ldexp (1.0, t->level);
  gint px0, px1, py0, py1, sx, sy, cx, cy, iter;

  if (!pos_range (c, t, &px0, &px1, &py0, &py1))
    return FALSE;
  sx = (gint) CLAMP (floor (X / u + 0.5), px0, px1);
  sy = (gint) CLAMP (floor (Y / u + 0.5), py0, py1);
  memset (seen, 0, sizeof (seen));
  cx = sx;
  cy = sy;
  for (iter = 0; iter < 2 * CLIMB_MAX; iter++) {
    gint nx = cx, ny = cy, dx, dy;
    gdouble best = -G_MAXDOUBLE;

    for (dy = -1; dy <= 1; dy++) {
      for (dx = -1; dx <= 1; dx++) {
        gint x = cx + dx, y = cy + dy, m;

        if (x < px0 || x > px1 || y < py0 || y > py1
            || ABS (x - sx) > CLIMB_MAX || ABS (y - sy) > CLIMB_MAX)
          continue;
        m = (y - sy + CLIMB_MAX) * CLIMB_SIDE + (x - sx + CLIMB_MAX);
        if (!seen[m]) {
          memo[m] = score_at (c, t, x, y);
          seen[m] = TRUE;
        }
        /* ties: keep the centre, then the first in scan order */
        if (memo[m] > best || (memo[m] == best && dx == 0 && dy == 0)) {
          best = memo[m];
          nx = x;
          ny = y;
        }
      }
    }
    *bscore = best;
    if (nx == cx && ny == cy)
      break;
    cx = nx;
    cy = ny;
  }
  *bx = cx;
  *by = cy;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Coarse stage */

static gint
coarse_level (const Ctx * c, gdouble s)
{
  gint l = 0;

  while (l + 1 < c->n_levels) {
    gdouble u = ldexp (1.0, l);

    if (MAX (c->vw, c->vh) * s / u <= COARSE_MAX_DIM
        || MIN (c->vw, c->vh) * s / (2 * u) < COARSE_MIN_DIM)
      break;
    l++;
  }
  return l;
}

static gboolean
same_hypothesis (const Ctx * c, const Cand * a, const Cand * b)
{
  gdouble tol = ldexp (2.0, MAX (a->level, b->level));
  gdouble dcx = (a->X + c->vw * a->s / 2) - (b->X + c->vw * b->s / 2);
  gdouble dcy = (a->Y + c->vh * a->s / 2) - (b->Y + c->vh * b->s / 2);

  return fabs (dcx) <= tol && fabs (dcy) <= tol
      && fabs (log (a->s / b->s)) <= 0.04;
}

/* keeps the @max best distinct candidates in @list */
static void
cand_offer (const Ctx * c, GArray * list, guint max, const Cand * cd)
{
  guint i, worst = 0;

  for (i = 0; i < list->len; i++) {
    Cand *o = &g_array_index (list, Cand, i);

    if (same_hypothesis (c, o, cd)) {
      if (cd->score > o->score)
        *o = *cd;
      return;
    }
  }
  if (list->len < max) {
    g_array_append_val (list, *cd);
    return;
  }
  for (i = 1; i < list->len; i++)
    if (g_array_index (list, Cand, i).score <
        g_array_index (list, Cand, worst).score)
      worst = i;
  if (cd->score > g_array_index (list, Cand, worst).score)
    g_array_index (list, Cand, worst) = *cd;
}

/* every position of scale @s at its coarse level; local maxima go to
 * @list */
static void
coarse_scale (Ctx * c, gdouble s, gboolean fixed, GArray * list, guint max)
{
  gint level = coarse_level (c, s);
  Tmpl t;
  gint px0, px1, py0, py1, nx, ny, x, y;
  gdouble *map, u;
  gsize n;
  guint k;

  if (!tmpl_make (c, level, s, G_MAXINT, &t))
    return;
  if (!pos_range (c, &t, &px0, &px1, &py0, &py1))
    return;
  u = ldexp (1.0, level);
  nx = px1 - px0 + 1;
  ny = py1 - py0 + 1;
  n = (gsize) t.tw * t.th;
  map = g_new0 (gdouble, (gsize) nx * ny);

  for (k = 0; k < c->n; k++) {
    Level *l = &c->pairs[k].lv[level];
    const gfloat *tk = t.t ? t.t + (gsize) k * n : NULL;
    gint sw = l->w + 1;

    if (t.norm2[k] <= 0)
      continue;
    level_build_sats (l);
    for (y = py0; y <= py1; y++) {
      const gdouble *a = l->sat + (gsize) y * sw;
      const gdouble *b = l->sat + (gsize) (y + t.th) * sw;
      const gdouble *a2 = l->sat2 + (gsize) y * sw;
      const gdouble *b2 = l->sat2 + (gsize) (y + t.th) * sw;
      gdouble *m = map + (gsize) (y - py0) * nx - px0;

      for (x = px0; x <= px1; x++) {
        gdouble sb = b[x + t.tw] - b[x] - a[x + t.tw] + a[x];
        gdouble sbb = b2[x + t.tw] - b2[x] - a2[x + t.tw] + a2[x];
        gsize off = (gsize) y * l->stride + x;
        gdouble dot, s1, s2;

        if (t.fg_u8) {
          const VkLuma *fg = c->pairs[k].fg;

          corr_u8_u8 (fg->data + (gsize) c->vy * fg->stride + c->vx,
              fg->stride, t.tw, t.th, l->u8 + off, l->stride, &dot, &s1, &s2);
          dot -= t.sum[k] * sb / n;
        } else if (l->u8) {
          dot = corr_dot_u8 (tk, t.tw, t.th, l->u8 + off, l->stride);
        } else {
          dot = corr_dot (tk, t.tw, t.th, l->pix + off, l->stride);
        }

        m[x] += ncc_from_sums (dot, sb, sbb, n, t.norm2[k]);
      }
    }
  }

  /* local maxima (ties: the first in scan order wins) */
  for (y = 0; y < ny; y++) {
    for (x = 0; x < nx; x++) {
      gdouble v = map[(gsize) y * nx + x];
      gboolean is_max = v > 0;
      gint dx, dy;

      for (dy = -1; dy <= 1 && is_max; dy++) {
        for (dx = -1; dx <= 1 && is_max; dx++) {
          gint xx = x + dx, yy = y + dy;
          gdouble w;

          if ((dx == 0 && dy == 0) || xx < 0 || yy < 0 || xx >= nx || yy >= ny)
            continue;
          w = map[(gsize) yy * nx + xx];
          if (w > v || (w == v && (dy < 0 || (dy == 0 && dx < 0))))
            is_max = FALSE;
        }
      }
      if (is_max) {
        Cand cd;

        cd.level = level;
        cd.X = (px0 + x) * u;
        cd.Y = (py0 + y) * u;
        cd.s = s;
        cd.score = v / c->n;
        cd.fixed = fixed;
        cd.fine = FALSE;
        cd.done = FALSE;
        cand_offer (c, list, max, &cd);
      }
    }
  }
  g_free (map);
}

/* the any-scale lane's coarse stage: the scale ladder over the range */
static void
coarse_free (Ctx * c, GArray * free_list)
{
  gdouble s = c->s_min;

  if (c->s_max <= c->s_min * (1 + 1e-9)) {
    coarse_scale (c, c->s_min, FALSE, free_list, N_FREE_CANDS);
    return;
  }
  while (TRUE) {
    gint level = coarse_level (c, s);
    gdouble md = MAX (c->vw, c->vh) * s / ldexp (1.0, level);

    coarse_scale (c, s, FALSE, free_list, N_FREE_CANDS);
    if (s >= c->s_max)
      break;
    s *= 1.0 + COARSE_STEP / MAX (md, 4.0);
    if (s > c->s_max * (1 - 1e-6))
      s = c->s_max;
  }
}

/* ---------------------------------------------------------------------- */
/* Refinement */

/* Evaluates scale @s at @level from the position that keeps the template
 * centre where it is for the candidate @cd. */
static gboolean
eval_scale (Ctx * c, const Cand * cd, gint level, gdouble s, gdouble * X,
    gdouble * Y, gdouble * score)
{
  Tmpl t;
  gdouble u = ldexp (1.0, level);
  gint bx, by;
  gboolean ok;

  if (s < c->s_min * (1 - 1e-12) || s > c->s_max * (1 + 1e-12))
    return FALSE;
  if (!tmpl_make (c, level, s, level > 0 ? MAX_EVAL_PIXELS : G_MAXINT, &t))
    return FALSE;
  ok = climb (c, &t, cd->X + c->vw * (cd->s - s) / 2,
      cd->Y + c->vh * (cd->s - s) / 2, &bx, &by, score);
  if (ok) {
    *X = bx * u;
    *Y = by * u;
  }
  return ok;
}

/* ---------------------------------------------------------------------- */
/* Fine stage: continuous position and scale, compared on the fg's grid
 * (each fg pixel against the exact area mean of the bg under it, from the
 * bg's SAT), so sub-pixel positions and any scale are compared without
 * resampling the fg. */

/* the fine stage compares fg pyramid level @m (level 0: the fg itself),
 * rows 0, rstep, 2·rstep, ... (at most @max_pixels pixels); sets them up
 * with their statistics */
static void
fine_set_level (Ctx * c, gint m, gint max_pixels)
{
  gint w = c->vw >> m, h = c->vh >> m;
  gsize n;
  guint k;

  c->fine_m = m;
  c->fine_w = w;
  c->fine_h = h;
  c->fine_rstep = 1;
  if ((gint64) w * h > max_pixels)
    c->fine_rstep = (gint) (((gint64) w * h + max_pixels - 1) / max_pixels);
  c->fine_nrows = (h + c->fine_rstep - 1) / c->fine_rstep;
  n = (gsize) c->fine_nrows * w;
  for (k = 0; k < c->n; k++) {
    Pair *pair = &c->pairs[k];
    const VkLuma *fg = pair->fg;
    const gfloat *fl = fg_level (c, k, m);
    gdouble s = 0, ss = 0, var;
    gint i, jj;

    for (jj = 0; jj < c->fine_nrows; jj++) {
      gint j = jj * c->fine_rstep;

      if (fl) {
        const gfloat *f = fl + (gsize) j * w;

        for (i = 0; i < w; i++) {
          s += f[i];
          ss += (gdouble) f[i] * f[i];
        }
      } else {
        const guint8 *f = fg->data + (gsize) (c->vy + j) * fg->stride + c->vx;
        guint32 rs = 0, rss = 0;

        for (i = 0; i < w; i++) {
          rs += f[i];
          rss += (guint32) f[i] * f[i];
        }
        s += rs;
        ss += rss;
      }
    }
    pair->fg_mean = s / n;
    var = ss - s * s / n;
    pair->fg_norm2 = var > FLAT_VARIANCE * n ? var : 0.0;
  }
}

static gboolean
fine_setup (Ctx * c)
{
  guint k;

  if (c->fine_ready)
    return TRUE;
  /* the guint32 SAT of the bg must be exact */
  if ((gint64) c->bw * c->bh > G_MAXUINT32 / 255)
    return FALSE;
  for (k = 0; k < c->n; k++)
    c->pairs[k].bg_sat = sat_u8 (c->pairs[k].lv[0].u8,
        c->pairs[k].lv[0].stride, c->bw, c->bh);
  c->fix = g_new (gint, c->vw + 1);
  c->ffx = g_new (gdouble, c->vw + 1);
  c->fiw = g_new (gdouble, c->vw + 1);
  c->g0 = g_new (gdouble, c->vw + 1);
  c->g1 = g_new (gdouble, c->vw + 1);
  fine_set_level (c, 0, G_MAXINT);
  c->fine_ready = TRUE;
  return TRUE;
}

/* Mean NCC of the valid rect placed with its top-left corner at (X, Y) and
 * scale @s, on the fine level's grid: each compared fg sample against the
 * exact mean of the bg under it. The placed rect may stick out of the bg by
 * up to @margin (< @s) pixels: the samples there are compared with the mean
 * of the part of their footprint inside the bg. FALSE when it sticks out
 * more. */
static gboolean
score_fine (Ctx * c, gdouble X, gdouble Y, gdouble s, gdouble margin,
    gdouble * score)
{
  gint sw = c->bw + 1, w = c->fine_w;
  gsize n = (gsize) c->fine_nrows * w;
  gdouble sm = ldexp (s, c->fine_m);    /* bg pixels per sample */
  gdouble total = 0, prev = 0;
  gint i, jj;
  guint k;

  margin = MIN (margin, 0.5 * s) + 1e-6;
  if (!(X >= -margin && Y >= -margin && X + c->vw * s <= c->bw + margin
          && Y + c->vh * s <= c->bh + margin))
    return FALSE;
  for (i = 0; i <= w; i++) {
    gdouble x = CLAMP (X + i * sm, 0.0, (gdouble) c->bw);

    c->fix[i] = MIN ((gint) x, c->bw - 1);
    c->ffx[i] = x - c->fix[i];
    /* 1 / footprint width inside the bg */
    if (i > 0)
      c->fiw[i - 1] = 1.0 / MAX (x - prev, 1e-9);
    prev = x;
  }
  for (k = 0; k < c->n; k++) {
    const Pair *pair = &c->pairs[k];
    const VkLuma *fg = pair->fg;
    const gfloat *fl = pair->fgl[c->fine_m];
    gdouble d = 0, sb = 0, sbb = 0;
    gdouble *g0 = c->g0, *g1 = c->g1;

    if (pair->fg_norm2 <= 0)
      continue;

    for (jj = 0; jj < c->fine_nrows; jj++) {
      gint j = jj * c->fine_rstep;
      gdouble y0 = CLAMP (Y + j * sm, 0.0, (gdouble) c->bh);
      gdouble y1 = CLAMP (Y + (j + 1) * sm, 0.0, (gdouble) c->bh);
      gdouble ih = 1.0 / MAX (y1 - y0, 1e-9);

      /* consecutive rows share their boundary */
      if (jj > 0 && c->fine_rstep == 1) {
        gdouble *tmp = g0;

        g0 = g1;
        g1 = tmp;
      } else {
        sat_row (pair->bg_sat, sw, c->bh, y0, c->fix, c->ffx, w + 1, g0);
      }
      sat_row (pair->bg_sat, sw, c->bh, y1, c->fix, c->ffx, w + 1, g1);
      if (fl) {
        const gfloat *f = fl + (gsize) j * w;

        for (i = 0; i < w; i++) {
          gdouble b = (g1[i + 1] - g1[i] - g0[i + 1] + g0[i]) * ih * c->fiw[i];

          d += f[i] * b;
          sb += b;
          sbb += b * b;
        }
      } else {
        const guint8 *f = fg->data + (gsize) (c->vy + j) * fg->stride + c->vx;

        for (i = 0; i < w; i++) {
          gdouble b = (g1[i + 1] - g1[i] - g0[i + 1] + g0[i]) * ih * c->fiw[i];

          d += f[i] * b;
          sb += b;
          sbb += b * b;
        }
      }
    }
    total += ncc_from_sums (d - pair->fg_mean * sb, sb, sbb, n, pair->fg_norm2);
  }
  *score = total / c->n;
  return TRUE;
}

/* the fine search may stick out of the bg by this much (bg pixels), so
 * that it can slide along an edge the fg touches */
#define FINE_MARGIN 1.0

/* p = (centre x, centre y, ln scale) */
static gboolean
fine_eval (Ctx * c, const gdouble * p, gdouble * score)
{
  gdouble s = exp (p[2]);
  gdouble X = p[0] - c->vw * s / 2, Y = p[1] - c->vh * s / 2;

  if (s < c->s_min * (1 - 1e-9) || s > c->s_user_max * (1 + 1e-9))
    return FALSE;
  if (X - c->vx * s < c->x0 - 1e-9 || X - c->vx * s > c->x1 + 1e-9
      || Y - c->vy * s < c->y0 - 1e-9 || Y - c->vy * s > c->y1 + 1e-9)
    return FALSE;
  return score_fine (c, X, Y, s, FINE_MARGIN, score);
}

/* vertex of the parabola through three points, x2 between x1 and x3 */
static gdouble
parabola_vertex (gdouble x1, gdouble f1, gdouble x2, gdouble f2, gdouble x3,
    gdouble f3)
{
  gdouble a = (x2 - x1) * (f2 - f3), b = (x2 - x3) * (f2 - f1);
  gdouble den = a - b;

  if (den == 0)
    return x2;
  return x2 - 0.5 * ((x2 - x1) * a - (x2 - x3) * b) / den;
}

/* Line search from @p (score *@best) along the direction @u: a step of
 * ±@u to find the rising side, doubling steps while it keeps rising (at
 * most 8), then the vertex of the parabola through the last three points.
 * Moves @p and updates *@best. */
static void
fine_line (Ctx * c, gdouble * p, const gdouble * u, gdouble * best)
{
  gdouble q[3], fm = 0, fp = 0, fv, ta, fa, tb, fb, tc, fc, step, t;
  gboolean have_m, have_p;
  gint i, d;

#define AT(tt) G_STMT_START { for (d = 0; d < 3; d++) \
    q[d] = p[d] + (tt) * u[d]; } G_STMT_END

  AT (1.0);
  have_p = fine_eval (c, q, &fp);
  AT (-1.0);
  have_m = fine_eval (c, q, &fm);

  if (have_p && fp > *best && (!have_m || fp >= fm)) {
    step = 1.0;
  } else if (have_m && fm > *best) {
    step = -1.0;
  } else {
    /* bracketed by ±u */
    if (have_m && have_p && fm - 2 * *best + fp < 0) {
      t = 0.5 * (fm - fp) / (fm - 2 * *best + fp);
      AT (t);
      if (fine_eval (c, q, &fv) && fv > *best) {
        memcpy (p, q, sizeof (q));
        *best = fv;
      }
    }
    return;
  }

  ta = 0;
  fa = *best;
  tb = step;
  fb = step > 0 ? fp : fm;
  for (i = 0; i < 8; i++) {
    step *= 2;
    tc = tb + step;
    AT (tc);
    if (!fine_eval (c, q, &fc))
      break;
    if (fc <= fb) {
      t = parabola_vertex (ta, fa, tb, fb, tc, fc);
      AT (t);
      if (fine_eval (c, q, &fv) && fv > fb) {
        tb = t;
        fb = fv;
      }
      break;
    }
    ta = tb;
    fa = fb;
    tb = tc;
    fb = fc;
  }
  AT (tb);
  memcpy (p, q, sizeof (q));
  *best = fb;
#undef AT
}

#define FINE_ITERATIONS 8
#define FINE_TOLERANCE (1.0 / 32)
/* the fine search starts on the fg pyramid level with at most this many
 * samples (and at least 16 a side), then finishes on the fg itself */
#define FINE_COARSE_PIXELS (1 << 15)

/* Line searches over centre x, centre y and ln scale, each round followed by
 * one along the round's total move (which follows a diagonal ridge, as where
 * the fg touches a bg edge), with halving initial steps, until a round moves
 * less than FINE_TOLERANCE sample; first on a coarse fg level, then on the
 * fg. Starts from the level-1 (or coarse) estimate of @cd. */
static void
fine_refine (Ctx * c, Cand * cd)
{
  gdouble p[3], best = 0, fit, score;
  gint m = 0, pass;

  if (!fine_setup (c))
    return;
  /* start inside the scale range, the window and the bg */
  fit = MIN ((gdouble) c->bw / c->vw, (gdouble) c->bh / c->vh);
  cd->s = CLAMP (cd->s, c->s_min, MIN (c->s_user_max, fit));
  if (c->x0 > -G_MAXDOUBLE) {
    cd->X = CLAMP (cd->X, c->x0 + c->vx * cd->s, c->x1 + c->vx * cd->s);
    cd->Y = CLAMP (cd->Y, c->y0 + c->vy * cd->s, c->y1 + c->vy * cd->s);
  }
  cd->X = CLAMP (cd->X, 0.0, c->bw - c->vw * cd->s);
  cd->Y = CLAMP (cd->Y, 0.0, c->bh - c->vh * cd->s);
  p[0] = cd->X + c->vw * cd->s / 2;
  p[1] = cd->Y + c->vh * cd->s / 2;
  p[2] = log (cd->s);

  while (m + 1 < MAX_LEVELS
      && (gint64) (c->vw >> m) * (c->vh >> m) > FINE_COARSE_PIXELS
      && (c->vw >> (m + 1)) >= 16 && (c->vh >> (m + 1)) >= 16)
    m++;

  for (pass = m > 0 ? 0 : 1; pass < 2; pass++) {
    gint level = pass == 0 ? m : 0, iter, d;
    gdouble u = ldexp (1.0, level);     /* fg pixels per sample */
    gdouble h[3];

    fine_set_level (c, level, pass == 0 ? G_MAXINT : FINE_MAX_PIXELS);
    if (!fine_eval (c, p, &best)) {
      cd->score = -1;
      return;
    }
    h[0] = h[1] = 0.5 * u * cd->s;
    h[2] = 0.5 * u / (MAX (c->vw, c->vh));
    for (iter = 0; iter < FINE_ITERATIONS; iter++) {
      gdouble start[3], v[3];

      memcpy (start, p, sizeof (p));
      for (d = 0; d < 3; d++) {
        if (d == 2 && (cd->fixed || c->s_max <= c->s_min))
          continue;
        memset (v, 0, sizeof (v));
        v[d] = h[d];
        fine_line (c, p, v, &best);
      }
      for (d = 0; d < 3; d++)
        v[d] = p[d] - start[d];
      /* converged */
      if (fabs (v[0]) < FINE_TOLERANCE * u * cd->s
          && fabs (v[1]) < FINE_TOLERANCE * u * cd->s
          && fabs (v[2]) * MAX (c->vw, c->vh) < FINE_TOLERANCE * u)
        break;
      if (fabs (v[0]) + fabs (v[1]) > 0.1 * h[0] || fabs (v[2]) > 0.1 * h[2])
        fine_line (c, p, v, &best);
      h[0] /= 2;
      h[1] /= 2;
      h[2] /= 2;
    }
  }
  cd->s = exp (p[2]);
  cd->X = p[0] - c->vw * cd->s / 2;
  cd->Y = p[1] - c->vh * cd->s / 2;
  cd->score = best;
  cd->fine = TRUE;

  /* back inside the bg (it may stick out by up to FINE_MARGIN) */
  if (cd->s > fit)
    cd->s = fit;
  cd->X = CLAMP (cd->X, 0.0, c->bw - c->vw * cd->s);
  cd->Y = CLAMP (cd->Y, 0.0, c->bh - c->vh * cd->s);
  if (score_fine (c, cd->X, cd->Y, cd->s, 0.0, &score))
    cd->score = score;
}

#define SCALE_STEPS 4

/* one level down (or the last pass at level 0) */
static void
refine_step (Ctx * c, GArray * list, Cand * cd)
{
  gint level = MAX (cd->level - 1, 0);
  gdouble md = MAX (c->vw, c->vh) * cd->s / ldexp (1.0, level);
  gdouble X, Y, score;

  /* any scale: the fine stage takes over from level 1 */
  if (!cd->fixed && cd->level <= 1 && fine_setup (c)) {
    guint i;

    /* the same as one already done: it would end up there too */
    for (i = 0; i < list->len; i++) {
      const Cand *o = &g_array_index (list, Cand, i);

      if (o != cd && o->done && !o->fixed && o->score > -1
          && same_hypothesis (c, o, cd)) {
        cd->score = -1;
        cd->done = TRUE;
        return;
      }
    }
    fine_refine (c, cd);
    cd->level = 0;
    cd->done = TRUE;
    return;
  }

  if (!cd->fixed && c->s_max > c->s_min && md <= SCALE_REFINE_MAX_DIM) {
    /* scores of s·q^k, k = -SCALE_STEPS..SCALE_STEPS */
    gdouble sc[2 * SCALE_STEPS + 1], xs[2 * SCALE_STEPS + 1],
        ys[2 * SCALE_STEPS + 1];
    gboolean have[2 * SCALE_STEPS + 1];
    gdouble q = 1.0 + 1.0 / md, off = 0.0, s_fit;
    gint kb = 0, k, dir;

    memset (have, 0, sizeof (have));
    for (k = -1; k <= 1; k++)
      have[k + SCALE_STEPS] = eval_scale (c, cd, level, cd->s * pow (q, k),
          &xs[k + SCALE_STEPS], &ys[k + SCALE_STEPS], &sc[k + SCALE_STEPS]);
    if (!have[SCALE_STEPS] && !have[SCALE_STEPS - 1]
        && !have[SCALE_STEPS + 1]) {
      cd->score = -1;
      cd->done = TRUE;
      return;
    }
    for (k = -1; k <= 1; k++)
      if (have[k + SCALE_STEPS] && (!have[kb + SCALE_STEPS]
              || sc[k + SCALE_STEPS] > sc[kb + SCALE_STEPS]))
        kb = k;
    /* walk on while it improves */
    dir = kb;
    while (dir != 0 && ABS (kb) < SCALE_STEPS) {
      k = kb + dir;
      have[k + SCALE_STEPS] = eval_scale (c, cd, level, cd->s * pow (q, k),
          &xs[k + SCALE_STEPS], &ys[k + SCALE_STEPS], &sc[k + SCALE_STEPS]);
      if (!have[k + SCALE_STEPS] || sc[k + SCALE_STEPS] <= sc[kb + SCALE_STEPS])
        break;
      kb = k;
    }
    if (kb > -SCALE_STEPS && kb < SCALE_STEPS && have[kb - 1 + SCALE_STEPS]
        && have[kb + 1 + SCALE_STEPS]) {
      gdouble a = sc[kb - 1 + SCALE_STEPS], b = sc[kb + SCALE_STEPS],
          d = sc[kb + 1 + SCALE_STEPS];
      gdouble den = a - 2 * b + d;

      if (den < 0)
        off = CLAMP (0.5 * (a - d) / den, -0.5, 0.5);
    }
    X = xs[kb + SCALE_STEPS];
    Y = ys[kb + SCALE_STEPS];
    score = sc[kb + SCALE_STEPS];
    s_fit = cd->s * pow (q, kb + off);
    /* the sampled best, moved to the fitted scale around its centre */
    {
      gdouble s_kb = cd->s * pow (q, kb);

      cd->X = X + c->vw * (s_kb - s_fit) / 2;
      cd->Y = Y + c->vh * (s_kb - s_fit) / 2;
      cd->s = s_fit;
      cd->score = score;
      if (level == 0) {
        gdouble fX, fY, fscore;

        /* integer position for the fitted scale; keep the sampled best if
         * the fit does not score */
        if (off != 0.0 && eval_scale (c, cd, 0, s_fit, &fX, &fY, &fscore)
            && fscore >= score - 1e-4) {
          cd->X = fX;
          cd->Y = fY;
          cd->score = fscore;
        } else {
          cd->X = X;
          cd->Y = Y;
          cd->s = s_kb;
        }
      }
    }
  } else {
    if (!eval_scale (c, cd, level, cd->s, &X, &Y, &score)) {
      cd->score = -1;
      cd->done = TRUE;
      return;
    }
    cd->X = X;
    cd->Y = Y;
    cd->score = score;
  }
  cd->level = level;
  if (level == 0)
    cd->done = TRUE;
}

static gint
cand_cmp (gconstpointer a, gconstpointer b)
{
  gdouble sa = ((const Cand *) a)->score, sb = ((const Cand *) b)->score;

  return sa > sb ? -1 : sa < sb ? 1 : 0;
}

/* refines all to level 0, dropping the weaker half after every round; the
 * best is first afterwards */
static void
refine_all (Ctx * c, GArray * list)
{
  while (list->len > 0) {
    gboolean any = FALSE;
    guint i, keep;

    for (i = 0; i < list->len; i++) {
      Cand *cd = &g_array_index (list, Cand, i);

      if (!cd->done) {
        refine_step (c, list, cd);
        any = TRUE;
      }
    }
    g_array_sort (list, cand_cmp);
    while (list->len > 0 && g_array_index (list, Cand, list->len - 1).score
        <= -1)
      g_array_set_size (list, list->len - 1);
    if (!any)
      break;
    keep = MAX (2, (list->len + 1) / 2);
    if (list->len > keep)
      g_array_set_size (list, keep);
  }
}

/* Whether the scale-1 lane's @u fits within @epsilon of the any-scale
 * lane's @f once both are compared on 2^UNIT_DENOISE_LEVEL-pixel area
 * means. At a fractional position (or a scale near 1) every fg pixel is
 * compared with a mean of several bg pixels: on a noisy bg (grain) that
 * mean is a denoised bg, and its correlation is higher than that of the
 * true integer position by more than unscaled_epsilon. On area means the
 * noise is averaged at both places alike. When scale 1 wins, its score
 * becomes its score on the area means. */
static gboolean
unit_wins_denoised (Ctx * c, Cand * u, const Cand * f, gdouble epsilon)
{
  gdouble su, sf;
  gboolean wins;

  if ((c->vw >> UNIT_DENOISE_LEVEL) < 4 || (c->vh >> UNIT_DENOISE_LEVEL) < 4
      || !fine_setup (c))
    return FALSE;
  fine_set_level (c, UNIT_DENOISE_LEVEL, G_MAXINT);
  wins = score_fine (c, u->X, u->Y, u->s, 0.0, &su)
      && score_fine (c, f->X, f->Y, f->s, 0.0, &sf) && su >= sf - epsilon;
  fine_set_level (c, 0, G_MAXINT);
  /* its score on the area means, which the any-scale lane's fractional
   * places reach on their own: comparable with the scores of other pairs
   * (the refinement on several bg frames keeps the best) */
  if (wins)
    u->score = MAX (u->score, su);
  return wins;
}

/* Both lanes, coarse stage and refinement, and the choice between them. */
static gboolean
run_search (Ctx * c, const VkSpatialParams * p, VkPlacementEstimate * out,
    GError ** error)
{
  GArray *free_list = g_array_new (FALSE, FALSE, sizeof (Cand));
  GArray *unit_list = g_array_new (FALSE, FALSE, sizeof (Cand));
  gboolean unit = c->s_min <= 1.0 && c->s_max >= 1.0;
  Cand *best = NULL, *f = NULL, *u = NULL;
  gboolean ok = FALSE;

  /* scale 1 first: with prefer_unscaled, a score within unscaled_epsilon of
   * 1 (the highest possible) cannot lose, so the any-scale lane is skipped */
  if (unit) {
    coarse_scale (c, 1.0, TRUE, unit_list, N_UNIT_CANDS);
    refine_all (c, unit_list);
    if (unit_list->len > 0)
      u = &g_array_index (unit_list, Cand, 0);
  }
  if (!(u && p->prefer_unscaled && u->score >= 1.0 - p->unscaled_epsilon)
      && (!unit || c->s_max > c->s_min * (1 + 1e-9))) {
    coarse_free (c, free_list);
    refine_all (c, free_list);
    if (free_list->len > 0)
      f = &g_array_index (free_list, Cand, 0);
  }
  /* the fine stage scores fewer rows: score its winner on all rows, as
   * level 0 and vk_spatial_score() do */
  if (f && f->fine) {
    gdouble score;

    fine_set_level (c, 0, G_MAXINT);
    if (score_fine (c, f->X, f->Y, f->s, 0.0, &score))
      f->score = score;
  }
  /* a free-scale candidate that ended on scale 1.0 exactly (clamped to the
   * range) has a sub-pixel position, but at scale 1.0 positions are
   * integers: the scale-1 lane answers for it */
  if (u && f)
    best = (u->score >= f->score || f->s == 1.0
        || (p->prefer_unscaled && u->score >= f->score - p->unscaled_epsilon))
        ? u : f;
  else
    best = u ? u : f;
  if (best == f && u && p->prefer_unscaled && unit_wins_denoised (c, u, f,
          p->unscaled_epsilon))
    best = u;

  if (!best || !(best->score > 0)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_NO_MATCH,
        "no position correlates with the fg");
  } else {
    out->scale = best->s;
    out->x = best->X - c->vx * best->s;
    out->y = best->Y - c->vy * best->s;
    out->score = best->score;
    ok = TRUE;
  }
  g_array_unref (free_list);
  g_array_unref (unit_list);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* API */

/**
 * vk_spatial_params_init:
 * @p: parameters to fill
 *
 * Defaults: scales 1.0 (a plain crop) up to as large as the fg fits
 * (max_scale 0; 2.0 = a crop downscaled to 50 %), prefer scale 1.0 within
 * 0.01 of the best score, the whole fg is compared. Set min_scale below 1
 * for a fg that may be upscaled from the bg region.
 */
void
vk_spatial_params_init (VkSpatialParams * p)
{
  g_return_if_fail (p != NULL);

  memset (p, 0, sizeof (*p));
  p->min_scale = 1.0;
  p->max_scale = 0.0;
  p->prefer_unscaled = TRUE;
  p->unscaled_epsilon = 0.01;
}

/**
 * vk_spatial_search:
 * @bg: @n_pairs bg luma planes, all the same size
 * @fg: @n_pairs fg luma planes, all the same size; @fg[i] shows the same
 *   moment as @bg[i]
 * @n_pairs: number of pairs, at least 1
 * @p: (nullable): search parameters, NULL for the defaults
 * @out: the best placement
 * @error: why there is none
 *
 * Full search over every position and the scale range of @p. Cost grows
 * with the number of pairs, with the scale range and with the ratio of the
 * bg area to the fg area (a fg much smaller than the bg means many
 * positions).
 *
 * Returns: TRUE with @out filled, FALSE with @error set
 */
gboolean
vk_spatial_search (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams def;
  Ctx c;
  gboolean ok;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  if (!ctx_init (&c, bg, fg, n_pairs, p, TRUE, error)) {
    ctx_clear (&c);
    return FALSE;
  }
  ok = run_search (&c, p, out, error);
  ctx_clear (&c);
  return ok;
}

/**
 * vk_spatial_refine:
 * @bg: as for vk_spatial_search()
 * @fg: as for vk_spatial_search()
 * @n_pairs: as for vk_spatial_search()
 * @p: (nullable): as for vk_spatial_search(); its scale range is
 *   intersected with ±3 % around @guess's scale (set min_scale = max_scale
 *   = the guess's scale to keep the scale)
 * @guess: a placement known to be close
 * @radius_px: the fg's top-left corner is searched within ±@radius_px bg
 *   pixels of @guess's (in x and in y)
 * @out: the best placement in that neighbourhood
 * @error: why there is none
 *
 * Same as vk_spatial_search() restricted to the neighbourhood of @guess:
 * much faster, for tracking or for confirming an estimate on new frames.
 *
 * Returns: TRUE with @out filled, FALSE with @error set
 */
gboolean
vk_spatial_refine (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, const VkPlacementEstimate * guess,
    gdouble radius_px, VkPlacementEstimate * out, GError ** error)
{
  VkSpatialParams def, rp;
  Ctx c;
  gboolean ok;

  g_return_val_if_fail (guess != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  if (!(guess->scale > 0) || !(radius_px >= 0) || !isfinite (guess->x)
      || !isfinite (guess->y)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "bad guess or radius");
    return FALSE;
  }
  rp = *p;
  rp.min_scale = MAX (p->min_scale, guess->scale * (1 - REFINE_SCALE_RANGE));
  rp.max_scale = guess->scale * (1 + REFINE_SCALE_RANGE);
  if (p->max_scale > 0)
    rp.max_scale = MIN (rp.max_scale, p->max_scale);
  if (rp.max_scale < rp.min_scale) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "the guess's scale %g is outside the scale range", guess->scale);
    return FALSE;
  }
  if (!ctx_init (&c, bg, fg, n_pairs, &rp, TRUE, error)) {
    ctx_clear (&c);
    return FALSE;
  }
  c.x0 = guess->x - radius_px;
  c.x1 = guess->x + radius_px;
  c.y0 = guess->y - radius_px;
  c.y1 = guess->y + radius_px;

  ok = run_search (&c, &rp, out, error);
  ctx_clear (&c);
  return ok;
}

/**
 * vk_spatial_score:
 * @bg: as for vk_spatial_search()
 * @fg: as for vk_spatial_search()
 * @n_pairs: as for vk_spatial_search()
 * @p: (nullable): only @fg_valid is used
 * @at: the placement to score (@at->score is ignored)
 * @score: mean NCC over the pairs of the fg (valid rectangle) against the
 *   bg at exactly @at, compared on the fg's pixel grid
 * @error: why there is no score
 *
 * Scores a given placement, e.g. to check on new frames that a placement
 * found earlier still holds. Fractional positions and any scale are
 * allowed; the placed valid rectangle must lie inside the bg.
 *
 * Returns: TRUE with @score set, FALSE with @error set
 */
gboolean
vk_spatial_score (const VkLuma * bg, const VkLuma * fg, guint n_pairs,
    const VkSpatialParams * p, const VkPlacementEstimate * at,
    gdouble * score, GError ** error)
{
  VkSpatialParams def;
  Ctx c;
  gboolean ok = FALSE;

  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);

  if (!p) {
    vk_spatial_params_init (&def);
    p = &def;
  }
  def = *p;
  /* any scale */
  def.min_scale = G_MINDOUBLE;
  def.max_scale = 0;
  if (!(at->scale > 0) || !isfinite (at->x) || !isfinite (at->y)
      || !isfinite (at->scale)) {
    g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
        "bad placement");
    return FALSE;
  }
  if (ctx_init (&c, bg, fg, n_pairs, &def, FALSE, error)) {
    if (!fine_setup (&c)) {
      g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
          "bg larger than 16 Mpixels");
    } else {
      fine_set_level (&c, 0, G_MAXINT);
      ok = score_fine (&c, at->x + c.vx * at->scale, at->y + c.vy * at->scale,
          at->scale, 0.0, score);
      if (!ok)
        g_set_error (error, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_INVALID,
            "the placed fg is not inside the bg");
    }
  }
  ctx_clear (&c);
  return ok;
}

static gboolean
line_is_black (const VkLuma * frames, guint n, gboolean column, gint index,
    gint from, gint to)
{
  guint k;

  for (k = 0; k < n; k++) {
    const VkLuma *f = &frames[k];
    guint sum = 0, hi = 0;
    gint i;

    for (i = from; i < to; i++) {
      guint v = column ? f->data[(gsize) i * f->stride + index]
          : f->data[(gsize) index * f->stride + i];

      sum += v;
      hi = MAX (hi, v);
    }
    if (hi > BAR_MAX || sum > (guint) BAR_MEAN * (to - from))
      return FALSE;
  }
  return TRUE;
}

/**
 * vk_detect_static_bars:
 * @frames: @n_frames luma planes of the same size (several frames from
 *   different moments make dark scenes less likely to count as bars)
 * @n_frames: number of frames, at least 1
 * @content: the rectangle inside the bars (the whole frame without bars)
 *
 * Finds black letterbox (top/bottom) and pillarbox (left/right) bars: the
 * outermost rows and columns that are black (max ≤ 40, mean ≤ 24) in every
 * frame. @content can be used as #VkSpatialParams.fg_valid; shrinking it by
 * a pixel or two on the sides with bars keeps compression ringing at the
 * bar edges out of the comparison.
 *
 * Returns: FALSE when the frames are black everywhere (or the arguments
 *   are bad); @content is then the whole frame
 */
gboolean
vk_detect_static_bars (const VkLuma * frames, guint n_frames,
    GstVideoRectangle * content)
{
  gint w, h, top = 0, bottom, left = 0, right;
  guint k;

  g_return_val_if_fail (content != NULL, FALSE);
  memset (content, 0, sizeof (*content));
  if (!frames || n_frames == 0 || !plane_ok (&frames[0]))
    return FALSE;
  w = frames[0].width;
  h = frames[0].height;
  content->w = w;
  content->h = h;
  for (k = 1; k < n_frames; k++)
    if (!plane_ok (&frames[k]) || frames[k].width != w || frames[k].height != h)
      return FALSE;

  while (top < h && line_is_black (frames, n_frames, FALSE, top, 0, w))
    top++;
  if (top == h)
    return FALSE;
  bottom = h;
  while (bottom > top + 1
      && line_is_black (frames, n_frames, FALSE, bottom - 1, 0, w))
    bottom--;
  /* columns only over the rows between the horizontal bars */
  right = w;
  while (left < w && line_is_black (frames, n_frames, TRUE, left, top, bottom))
    left++;
  while (right > left + 1
      && line_is_black (frames, n_frames, TRUE, right - 1, top, bottom))
    right--;
  if (left == w)
    return FALSE;

  content->x = left;
  content->y = top;
  content->w = right - left;
  content->h = bottom - top;
  return TRUE;
}
