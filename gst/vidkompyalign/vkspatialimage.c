/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Spatial alignment (vkspatial.c): the images it works on, low-resolution
 * pyramids with summed-area tables, and the fg templates at a scale. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial-priv.h"

/* ---------------------------------------------------------------------- */
/* Images */

void
vk_sp_level_build_sats (Level * l)
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

/* the level's samples as floats (the coarse stage's kernels): the level
 * itself above level 0, a copy of level 0's u8 plane made once */
const gfloat *
vk_sp_level_floats (Level * l, gint * stride)
{
  gint x, y;

  if (!l->u8) {
    *stride = l->stride;
    return l->pix;
  }
  if (!l->u8f) {
    l->u8f = g_new (gfloat, (gsize) l->w * l->h);
    for (y = 0; y < l->h; y++)
      for (x = 0; x < l->w; x++)
        l->u8f[(gsize) y * l->w + x] = l->u8[(gsize) y * l->stride + x];
  }
  *stride = l->w;
  return l->u8f;
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
 * most 2^32 / 255 pixels (vk_sp_ctx_init checks) */
guint32 *
vk_sp_sat_u8 (const guint8 * data, gint stride, gint w, gint h)
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
const gfloat *
vk_sp_fg_level (Ctx * c, guint k, gint m)
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
    const gfloat *p = vk_sp_fg_level (c, k, m - 1);
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

void
vk_sp_ctx_clear (Ctx * c)
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
      g_free (c->pairs[k].lv[l].u8f);
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

gboolean
vk_sp_plane_ok (const VkLuma * l)
{
  return l->data != NULL && l->width > 0 && l->height > 0
      && l->stride >= l->width;
}

/* Checks the arguments and builds the pyramids (only level 0 without
 * @pyramids). */
gboolean
vk_sp_ctx_init (Ctx * c, const VkLuma * bg, const VkLuma * fg, guint n_pairs,
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
    if (!vk_sp_plane_ok (&bg[k]) || !vk_sp_plane_ok (&fg[k])) {
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

/* The template of scale @s at @level: tw × th level pixels, each the area
 * mean of the fg over the fg pixels it covers. Rows are subsampled when it
 * would exceed @max_pixels. Returns FALSE when it does not fit into the
 * level or is degenerate. The pixels live in @c's scratch buffer: valid
 * until the next call. */
gboolean
vk_sp_tmpl_make (Ctx * c, gint level, gdouble s, gint max_pixels, Tmpl * t)
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
    /* compared as they are (vk_sp_corr_u8_u8) */
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
    const gfloat *fl = pyr ? vk_sp_fg_level (c, k, level) : NULL;

    if (!direct && !pyr && !pair->fg_sat)
      pair->fg_sat =
          vk_sp_sat_u8 (pair->fg->data + (gsize) c->vy * pair->fg->stride +
          c->vx, pair->fg->stride, c->vw, c->vh);

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
          vk_sp_sat_row (pair->fg_sat, sw, c->vh, MIN (j * f, (gdouble) c->vh),
              ix, fx, t->tw + 1, g0);
        }
        vk_sp_sat_row (pair->fg_sat, sw, c->vh, MIN ((j + 1) * f,
                (gdouble) c->vh), ix, fx, t->tw + 1, g1);
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
