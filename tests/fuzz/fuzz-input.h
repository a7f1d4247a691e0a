/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Reads the parameters of a fuzz case from libFuzzer's bytes: each getter
 * takes the next bytes, 0 once they run out, so every input is a valid
 * case. */

#ifndef __VK_FUZZ_INPUT_H__
#define __VK_FUZZ_INPUT_H__

#include <glib.h>

typedef struct
{
  const guint8 *data;
  gsize size, pos;
} FuzzInput;

static inline guint8
fuzz_u8 (FuzzInput * in)
{
  return in->pos < in->size ? in->data[in->pos++] : 0;
}

static inline guint
fuzz_u16 (FuzzInput * in)
{
  guint hi = fuzz_u8 (in);

  return (hi << 8) | fuzz_u8 (in);
}

/* an integer in [lo, hi] */
static inline gint
fuzz_range (FuzzInput * in, gint lo, gint hi)
{
  guint span = (guint) (hi - lo) + 1;

  return lo + (gint) (span <= 256 ? fuzz_u8 (in) % span :
      fuzz_u16 (in) % span);
}

/* a double in [0, 1] */
static inline gdouble
fuzz_unit (FuzzInput * in)
{
  return fuzz_u16 (in) / 65535.0;
}

/* A reproducible pseudo-random byte stream seeded from the rest of the
 * input (for pixel data: libFuzzer inputs stay small). */
static inline guint32
fuzz_seed (FuzzInput * in)
{
  guint32 seed = 0x9e3779b9u;

  while (in->pos < in->size)
    seed = (seed ^ in->data[in->pos++]) * 0x01000193u;
  return seed;
}

#endif /* __VK_FUZZ_INPUT_H__ */
