/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Spatial alignment (vkspatial.c): the coarse stage, on integer positions
 * of the pyramid levels (the correlation kernels, the hill climb, the
 * candidates of each scale), with the kernels in the same file as their
 * hot loops. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial-priv.h"
#include "vkspatialorc.h"

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
void
vk_sp_corr_u8_u8 (const guint8 * t, gsize tstep, gint tw, gint nrows,
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

      vk_sp_corr_u8_u8 (fg->data + (gsize) c->vy * fg->stride + c->vx,
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
    total += vk_sp_ncc_from_sums (dot, sb, sbb, n, t->norm2[k]);
  }
  return total / c->n;
}

/* ---------------------------------------------------------------------- */
/* Positions */

/* the range of level positions allowed for the template @t: inside the bg
 * and inside the window (rounded outwards to whole level pixels) */
gboolean
vk_sp_pos_range (const Ctx * c, const Tmpl * t, gint * px0, gint * px1,
    gint * py0, gint * py1)
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

/* Hill vk_sp_climb over level positions from the one nearest to (X, Y) (bg
 * pixels). Returns FALSE when no position is allowed. */
gboolean
vk_sp_climb (Ctx * c, const Tmpl * t, gdouble X, gdouble Y, gint * bx,
    gint * by, gdouble * bscore)
{
  gdouble memo[CLIMB_SIDE * CLIMB_SIDE];
  gboolean seen[CLIMB_SIDE * CLIMB_SIDE];
  gdouble u = ldexp (1.0, t->level);
  gint px0, px1, py0, py1, sx, sy, cx, cy, iter;

  if (!vk_sp_pos_range (c, t, &px0, &px1, &py0, &py1))
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

gboolean
vk_sp_same_hypothesis (const Ctx * c, const Cand * a, const Cand * b)
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

    if (vk_sp_same_hypothesis (c, o, cd)) {
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

/* Σ t·b of the template @tk (t->th rows of t->tw) at the @nx × @ny
 * positions of the level plane @b (floats, @stride per row) from its first
 * sample on, into @dot (nx × ny). Each template sample adds its value
 * times the plane, shifted by its place, to the whole map (ORC): in float
 * within a template row and in double across rows, as score_at () sums;
 * @row is scratch of nx × ny floats. */
static void
coarse_dots (const gfloat * b, gint stride, const gfloat * tk,
    const Tmpl * t, gint nx, gint ny, gfloat * row, gdouble * dot)
{
  gsize len = (gsize) nx * ny;
  gint bs = stride * sizeof (gfloat), r, i;

  memset (dot, 0, len * sizeof (gdouble));
  for (r = 0; r < t->th; r++, tk += t->tw, b += stride) {
    memset (row, 0, len * sizeof (gfloat));
    for (i = 0; i + 4 <= t->tw; i += 4)
      vk_orc_mac4_f32 (row, nx * sizeof (gfloat), b + i, bs, b + i + 1, bs,
          b + i + 2, bs, b + i + 3, bs, tk[i], tk[i + 1], tk[i + 2],
          tk[i + 3], nx, ny);
    for (; i < t->tw; i++)
      vk_orc_mac_f32 (row, nx * sizeof (gfloat), b + i, bs, tk[i], nx, ny);
    vk_orc_add_f64_f32 (dot, row, len);
  }
}

/* every position of scale @s at its coarse level; local maxima go to
 * @list */
void
vk_sp_coarse_scale (Ctx * c, gdouble s, gboolean fixed, GArray * list,
    guint max)
{
  gint level = coarse_level (c, s);
  Tmpl t;
  gint px0, px1, py0, py1, nx, ny, x, y;
  gdouble *map, *dots = NULL, u;
  gfloat *row = NULL;
  gsize n;
  guint k;

  if (!vk_sp_tmpl_make (c, level, s, G_MAXINT, &t))
    return;
  if (!vk_sp_pos_range (c, &t, &px0, &px1, &py0, &py1))
    return;
  u = ldexp (1.0, level);
  nx = px1 - px0 + 1;
  ny = py1 - py0 + 1;
  n = (gsize) t.tw * t.th;
  map = g_new0 (gdouble, (gsize) nx * ny);
  if (!t.fg_u8) {
    dots = g_new (gdouble, (gsize) nx * ny);
    row = g_new (gfloat, (gsize) nx * ny);
  }

  for (k = 0; k < c->n; k++) {
    Level *l = &c->pairs[k].lv[level];
    const gfloat *tk = t.t ? t.t + (gsize) k * n : NULL;
    gint sw = l->w + 1;

    if (t.norm2[k] <= 0)
      continue;
    vk_sp_level_build_sats (l);
    if (!t.fg_u8) {
      gint fstride;
      const gfloat *f = vk_sp_level_floats (l, &fstride);

      coarse_dots (f + (gsize) py0 * fstride + px0, fstride, tk, &t, nx, ny,
          row, dots);
    }
    for (y = py0; y <= py1; y++) {
      const gdouble *a = l->sat + (gsize) y * sw;
      const gdouble *b = l->sat + (gsize) (y + t.th) * sw;
      const gdouble *a2 = l->sat2 + (gsize) y * sw;
      const gdouble *b2 = l->sat2 + (gsize) (y + t.th) * sw;
      gdouble *m = map + (gsize) (y - py0) * nx - px0;
      const gdouble *d = dots ? dots + (gsize) (y - py0) * nx - px0 : NULL;

      for (x = px0; x <= px1; x++) {
        gdouble sb = b[x + t.tw] - b[x] - a[x + t.tw] + a[x];
        gdouble sbb = b2[x + t.tw] - b2[x] - a2[x + t.tw] + a2[x];
        gdouble dot, s1, s2;

        if (t.fg_u8) {
          const VkLuma *fg = c->pairs[k].fg;

          vk_sp_corr_u8_u8 (fg->data + (gsize) c->vy * fg->stride + c->vx,
              fg->stride, t.tw, t.th,
              l->u8 + (gsize) y * l->stride + x, l->stride, &dot, &s1, &s2);
          dot -= t.sum[k] * sb / n;
        } else {
          dot = d[x];
        }

        m[x] += vk_sp_ncc_from_sums (dot, sb, sbb, n, t.norm2[k]);
      }
    }
  }
  g_free (dots);
  g_free (row);

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
void
vk_sp_coarse_free (Ctx * c, GArray * free_list)
{
  gdouble s = c->s_min;

  if (c->s_max <= c->s_min * (1 + 1e-9)) {
    vk_sp_coarse_scale (c, c->s_min, FALSE, free_list, N_FREE_CANDS);
    return;
  }
  while (TRUE) {
    gint level = coarse_level (c, s);
    gdouble md = MAX (c->vw, c->vh) * s / ldexp (1.0, level);

    vk_sp_coarse_scale (c, s, FALSE, free_list, N_FREE_CANDS);
    if (s >= c->s_max)
      break;
    s *= 1.0 + COARSE_STEP / MAX (md, 4.0);
    if (s > c->s_max * (1 - 1e-6))
      s = c->s_max;
  }
}
