/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Spatial alignment (vkspatial.c): the fine stage: continuous position
 * and scale, compared on the fg's grid, refined from the coarse candidates. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkspatial-priv.h"

/* ---------------------------------------------------------------------- */
/* Fine stage: continuous position and scale, compared on the fg's grid
 * (each fg pixel against the exact area mean of the bg under it, from the
 * bg's SAT), so sub-pixel positions and any scale are compared without
 * resampling the fg. */

/* the fine stage compares fg pyramid level @m (level 0: the fg itself),
 * rows 0, rstep, 2·rstep, ... (at most @max_pixels pixels); sets them up
 * with their statistics */
void
vk_sp_fine_set_level (Ctx * c, gint m, gint max_pixels)
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
    const gfloat *fl = vk_sp_fg_level (c, k, m);
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

gboolean
vk_sp_fine_setup (Ctx * c)
{
  guint k;

  if (c->fine_ready)
    return TRUE;
  /* the guint32 SAT of the bg must be exact */
  if ((gint64) c->bw * c->bh > G_MAXUINT32 / 255)
    return FALSE;
  for (k = 0; k < c->n; k++)
    c->pairs[k].bg_sat = vk_sp_sat_u8 (c->pairs[k].lv[0].u8,
        c->pairs[k].lv[0].stride, c->bw, c->bh);
  c->fix = g_new (gint, c->vw + 1);
  c->ffx = g_new (gdouble, c->vw + 1);
  c->fiw = g_new (gdouble, c->vw + 1);
  c->g0 = g_new (gdouble, c->vw + 1);
  c->g1 = g_new (gdouble, c->vw + 1);
  vk_sp_fine_set_level (c, 0, G_MAXINT);
  c->fine_ready = TRUE;
  return TRUE;
}

/* Mean NCC of the valid rect placed with its top-left corner at (X, Y) and
 * scale @s, on the fine level's grid: each compared fg sample against the
 * exact mean of the bg under it. The placed rect may stick out of the bg by
 * up to @margin (< @s) pixels: the samples there are compared with the mean
 * of the part of their footprint inside the bg. FALSE when it sticks out
 * more. */
gboolean
vk_sp_score_fine (Ctx * c, gdouble X, gdouble Y, gdouble s, gdouble margin,
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
        vk_sp_sat_row (pair->bg_sat, sw, c->bh, y0, c->fix, c->ffx, w + 1, g0);
      }
      vk_sp_sat_row (pair->bg_sat, sw, c->bh, y1, c->fix, c->ffx, w + 1, g1);
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
    total +=
        vk_sp_ncc_from_sums (d - pair->fg_mean * sb, sb, sbb, n,
        pair->fg_norm2);
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
  return vk_sp_score_fine (c, X, Y, s, FINE_MARGIN, score);
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

  if (!vk_sp_fine_setup (c))
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

    vk_sp_fine_set_level (c, level, pass == 0 ? G_MAXINT : FINE_MAX_PIXELS);
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
  if (vk_sp_score_fine (c, cd->X, cd->Y, cd->s, 0.0, &score))
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
  if (!cd->fixed && cd->level <= 1 && vk_sp_fine_setup (c)) {
    guint i;

    /* the same as one already done: it would end up there too */
    for (i = 0; i < list->len; i++) {
      const Cand *o = &g_array_index (list, Cand, i);

      if (o != cd && o->done && !o->fixed && o->score > -1
          && vk_sp_same_hypothesis (c, o, cd)) {
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
      have[k + SCALE_STEPS] =
          vk_sp_eval_scale (c, cd, level, cd->s * pow (q, k),
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
      have[k + SCALE_STEPS] =
          vk_sp_eval_scale (c, cd, level, cd->s * pow (q, k),
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
        if (off != 0.0 && vk_sp_eval_scale (c, cd, 0, s_fit, &fX, &fY, &fscore)
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
    if (!vk_sp_eval_scale (c, cd, level, cd->s, &X, &Y, &score)) {
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
void
vk_sp_refine_all (Ctx * c, GArray * list)
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
