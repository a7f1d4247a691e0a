/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-scene: see vk-scene.h and tests/media/README.md. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vk-scene.h"

/* text page layout, in pixels of a glyph cell at size 1 */
#define GLYPH_W 5               /* bitmap columns */
#define GLYPH_H 7               /* bitmap rows */
#define N_GLYPHS 40
#define PAGE_PAPER 235          /* luma of the page */
#define PAGE_INK 40             /* luma of the text */
#define PAGE_SIZE 2             /* pixels per glyph bit of body text */
#define PAGE_MARGIN 24
/* burned-in overlays */
#define BURN_BOX 20             /* luma of the boxes behind the text */
#define BURN_TEXT 230
#define SUBTITLE_PERIOD 2.0     /* s a subtitle stays */

/* ---------------------------------------------------------------------- */
/* camera */

static gboolean
parse_rect (const gchar * s, VkSceneRect * r)
{
  gdouble v[4];
  const gchar *p = s;
  gint k;

  for (k = 0; k < 4; k++) {
    gchar *end = NULL;

    v[k] = g_ascii_strtod (p, &end);
    if (end == p || !isfinite (v[k]))
      return FALSE;
    p = end;
    if (k < 3) {
      if (*p != ',')
        return FALSE;
      p++;
    }
  }
  if (*p != '\0' || v[2] <= 0.0 || v[3] <= 0.0)
    return FALSE;
  r->x = v[0];
  r->y = v[1];
  r->w = v[2];
  r->h = v[3];
  return TRUE;
}

gboolean
vk_scene_parse_camera (const gchar * s, VkSceneCamera * cam)
{
  gchar **parts = g_strsplit (s, ":", -1);
  gboolean ok = g_strv_length (parts) == 2
      && parse_rect (parts[0], &cam->from) && parse_rect (parts[1], &cam->to);

  g_strfreev (parts);
  return ok;
}

void
vk_scene_camera_at (const VkSceneCamera * cam, gdouble f, VkSceneRect * out)
{
  f = CLAMP (f, 0.0, 1.0);
  /* eased in and out (smoothstep), as Ken Burns moves and scrolls are: at
   * a constant speed a shift of the picture would be the same as a shift
   * in time, and the truth could not be told from its neighbours */
  f = f * f * (3.0 - 2.0 * f);
  out->x = cam->from.x + f * (cam->to.x - cam->from.x);
  out->y = cam->from.y + f * (cam->to.y - cam->from.y);
  out->w = cam->from.w + f * (cam->to.w - cam->from.w);
  out->h = cam->from.h + f * (cam->to.h - cam->from.h);
}

static gboolean
rect_inside (const VkSceneRect * r, gint w, gint h)
{
  return r->x >= 0.0 && r->y >= 0.0 && r->x + r->w <= w + 1e-9
      && r->y + r->h <= h + 1e-9;
}

gboolean
vk_scene_camera_inside (const VkSceneCamera * cam, gint w, gint h)
{
  return rect_inside (&cam->from, w, h) && rect_inside (&cam->to, w, h);
}

void
vk_scene_resample (const guint8 * src, gint sstride, gint sw, gint sh,
    const VkSceneRect * r, guint8 * dst, gint dstride, gint dw, gint dh)
{
  gdouble sx = r->w / dw, sy = r->h / dh;
  gint *x0 = g_new (gint, dw);
  gint *wx = g_new (gint, dw);  /* weight of x0 + 1, 0..256 */
  gint i, j;

  for (i = 0; i < dw; i++) {
    gdouble x = r->x + (i + 0.5) * sx - 0.5;
    gint xi = (gint) floor (x);

    wx[i] = (gint) floor ((x - xi) * 256.0 + 0.5);
    x0[i] = xi;
  }
  for (j = 0; j < dh; j++) {
    gdouble y = r->y + (j + 0.5) * sy - 0.5;
    gint yi = (gint) floor (y);
    gint wy = (gint) floor ((y - yi) * 256.0 + 0.5);
    const guint8 *r0 = src + (gsize) CLAMP (yi, 0, sh - 1) * sstride;
    const guint8 *r1 = src + (gsize) CLAMP (yi + 1, 0, sh - 1) * sstride;
    guint8 *out = dst + (gsize) j * dstride;

    for (i = 0; i < dw; i++) {
      gint a = CLAMP (x0[i], 0, sw - 1), b = CLAMP (x0[i] + 1, 0, sw - 1);
      gint top = r0[a] * (256 - wx[i]) + r0[b] * wx[i];
      gint bot = r1[a] * (256 - wx[i]) + r1[b] * wx[i];

      out[i] = (guint8) ((top * (256 - wy) + bot * wy + 32768) >> 16);
    }
  }
  g_free (x0);
  g_free (wx);
}

/* ---------------------------------------------------------------------- */
/* noise */

/* a 32-bit integer hash (a variant of the "lowbias32" mixer) */
static guint32
hash32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

void
vk_scene_grain (guint8 * p, gint stride, gint w, gint h, gint amount,
    guint32 seed)
{
  guint32 base = hash32 (seed * 0x9e3779b9U + 1);
  gint x, y;

  if (amount <= 0)
    return;
  for (y = 0; y < h; y++) {
    guint8 *row = p + (gsize) y * stride;

    for (x = 0; x < w; x++) {
      guint32 r = hash32 (base ^ ((guint32) y * 65599U + (guint32) x));
      gint v = row[x] + (gint) (r % (2 * (guint32) amount + 1)) - amount;

      row[x] = (guint8) CLAMP (v, 0, 255);
    }
  }
}

/* ---------------------------------------------------------------------- */
/* text */

typedef struct
{
  guint32 state;
} Rng;

static guint32
rng_next (Rng * r)
{
  r->state = hash32 (r->state + 0x6d2b79f5U);
  return r->state;
}

/* rng value in [lo, hi] */
static gint
rng_range (Rng * r, gint lo, gint hi)
{
  return lo + (gint) (rng_next (r) % (guint32) (hi - lo + 1));
}

/* glyph @g's bitmap: GLYPH_H rows of GLYPH_W bits; letter-like: a few
 * strokes (verticals, horizontals) of a 5x7 cell */
static void
glyph_bits (guint g, guint8 bits[GLYPH_H])
{
  Rng r = { hash32 (g * 2654435761U + 7) };
  gint k, strokes = 2 + (gint) (rng_next (&r) % 3);

  memset (bits, 0, GLYPH_H);
  for (k = 0; k < strokes; k++) {
    guint32 v = rng_next (&r);

    if (v & 1) {
      /* a vertical stroke over part of the height */
      gint col = (gint) ((v >> 1) % GLYPH_W);
      gint top = (gint) ((v >> 4) % 3), bottom = GLYPH_H - (gint) ((v >> 6)
          % 3);
      gint y;

      for (y = top; y < bottom; y++)
        bits[y] |= 1 << col;
    } else {
      /* a horizontal stroke */
      gint row = (gint) ((v >> 1) % GLYPH_H);
      gint left = (gint) ((v >> 4) % 2), right = GLYPH_W - (gint) ((v >> 5)
          % 2);
      gint x;

      for (x = left; x < right; x++)
        bits[row] |= 1 << x;
    }
  }
}

/* draws glyph @g with its top left at (@x, @y), @size pixels per bit,
 * clipped to the plane */
static void
draw_glyph (guint8 * p, gint stride, gint w, gint h, gint x, gint y,
    gint size, guint g, guint8 ink)
{
  guint8 bits[GLYPH_H];
  gint r, c, dy, dx;

  glyph_bits (g, bits);
  for (r = 0; r < GLYPH_H; r++)
    for (c = 0; c < GLYPH_W; c++) {
      if (!(bits[r] & (1 << c)))
        continue;
      for (dy = 0; dy < size; dy++) {
        gint py = y + r * size + dy;

        if (py < 0 || py >= h)
          continue;
        for (dx = 0; dx < size; dx++) {
          gint px = x + c * size + dx;

          if (px >= 0 && px < w)
            p[(gsize) py * stride + px] = ink;
        }
      }
    }
}

/* a line of words drawn from @rng, from @x0 to at most @x1 */
static void
draw_words (guint8 * p, gint stride, gint w, gint h, gint x0, gint x1,
    gint y, gint size, Rng * rng, guint8 ink)
{
  gint cell = (GLYPH_W + 1) * size;
  gint x = x0;

  for (;;) {
    gint n = rng_range (rng, 1, 9), k;

    if (x + n * cell > x1)
      break;
    for (k = 0; k < n; k++, x += cell)
      draw_glyph (p, stride, w, h, x, y, size, rng_next (rng) % N_GLYPHS, ink);
    x += cell;                  /* the space */
  }
}

void
vk_scene_text_page (guint8 * y, gint stride, gint w, gint h, guint32 seed)
{
  Rng rng = { hash32 (seed + 1) };
  gint row, line_h = (GLYPH_H + 4) * PAGE_SIZE;
  gint in_paragraph = 0;

  for (row = 0; row < h; row++)
    memset (y + (gsize) row * stride, PAGE_PAPER, w);

  row = PAGE_MARGIN;
  while (row < h) {
    if (in_paragraph == 0) {
      /* a heading, twice the size, then a paragraph of 3-8 lines */
      row += line_h;
      draw_words (y, stride, w, h, PAGE_MARGIN, w / 2, row, 2 * PAGE_SIZE,
          &rng, PAGE_INK);
      row += 2 * line_h;
      in_paragraph = rng_range (&rng, 3, 8);
      continue;
    }
    /* ragged right: the last line of a paragraph is short */
    draw_words (y, stride, w, h, PAGE_MARGIN, in_paragraph == 1 ?
        w / 3 + rng_range (&rng, 0, w / 3) : w - PAGE_MARGIN -
        rng_range (&rng, 0, 4 * PAGE_SIZE * GLYPH_W), row, PAGE_SIZE, &rng,
        PAGE_INK);
    row += line_h;
    in_paragraph--;
  }
}

/* ---------------------------------------------------------------------- */
/* burned-in overlays */

static void
fill_box (guint8 * p, gint stride, gint x0, gint y0, gint x1, gint y1, guint8 v)
{
  gint r;

  for (r = y0; r < y1; r++)
    memset (p + (gsize) r * stride + x0, v, x1 - x0);
}

void
vk_scene_burn_in (guint8 * y, gint stride, gint w, gint h, VkSceneBurn what,
    gdouble t)
{
  gint size = MAX (1, h / 120);
  gint text_h = (GLYPH_H + 4) * size;

  if (what == VK_SCENE_BURN_LOGO) {
    /* a box of 1/5 of the width in the top right corner */
    gint bw = MAX (w / 5, 8), bh = MIN (2 * text_h, h / 4);
    gint x0 = w - bw - w / 40, y0 = h / 40;
    Rng rng = { 42 };

    fill_box (y, stride, x0, y0, x0 + bw, y0 + bh, BURN_BOX);
    draw_words (y, stride, w, h, x0 + 2 * size, x0 + bw - 2 * size,
        y0 + (bh - GLYPH_H * size) / 2, size, &rng, BURN_TEXT);
  } else if (what == VK_SCENE_BURN_SUBTITLES) {
    /* a line of text on a dark band near the bottom, a new one every
     * SUBTITLE_PERIOD s */
    Rng rng = { hash32 ((guint32) floor (t / SUBTITLE_PERIOD) + 99) };
    gint x0 = w / 6, x1 = w - w / 6, y0 = h - h / 12 - text_h;

    fill_box (y, stride, x0, y0, x1, y0 + text_h, BURN_BOX);
    draw_words (y, stride, w, h, x0 + 2 * size, x1 - 2 * size,
        y0 + 2 * size, size, &rng, BURN_TEXT);
  }
}

static const gchar *const burn_names[] = { "none", "logo", "subtitles" };

gboolean
vk_scene_parse_burn (const gchar * s, VkSceneBurn * out)
{
  guint k;

  for (k = 0; k < G_N_ELEMENTS (burn_names); k++)
    if (g_strcmp0 (s, burn_names[k]) == 0) {
      *out = (VkSceneBurn) k;
      return TRUE;
    }
  return FALSE;
}

const gchar *
vk_scene_burn_name (VkSceneBurn what)
{
  return burn_names[what];
}
