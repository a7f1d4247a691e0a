/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Frame fingerprints for temporal alignment: a fast area-average resampler
 * of 8-bit luma, a DCT perceptual hash (pHash) and a small mean-removed,
 * normalised thumbnail compared by normalised cross-correlation.
 *
 * Everything here is pure (no GStreamer objects, no global state apart
 * from a cosine table built once), thread-safe and reentrant. Values are
 * expected in luma levels (0..255), but only the flatness threshold below
 * depends on the scale. */

#ifndef __VK_FINGERPRINT_H__
#define __VK_FINGERPRINT_H__

#include <glib.h>

G_BEGIN_DECLS

/* size of the image a fingerprint is computed from */
#define VK_THUMB_W 32
#define VK_THUMB_H 32

/* size of the fine thumbnail stored in a fingerprint (2x2 boxes of the
 * 32x32 image) */
#define VK_FINE_W 16
#define VK_FINE_H 16
#define VK_FINE_SIZE (VK_FINE_W * VK_FINE_H)

/* An image is flat when the standard deviation of its 16x16 thumbnail is
 * at most VK_FLAT_EPSILON * (1 + |mean|). */
#define VK_FLAT_EPSILON 1e-5

/* the largest possible vk_phash_distance (): bit 0 (DC) is always 0 */
#define VK_PHASH_BITS 63

/**
 * VkFingerprint:
 * @phash: DCT perceptual hash. Bit (8 * v + u) belongs to the DCT-II
 *   coefficient of vertical frequency v and horizontal frequency u
 *   (0 <= u, v < 8) of the orthonormal 32x32 DCT-II of the image; it is
 *   set when that coefficient is above the median of the 63 AC
 *   coefficients minus a small dead zone (0.5 % of the largest |AC|, see
 *   vk_fingerprint_from_thumb ()). The DC coefficient is dropped: bit 0 is
 *   always 0, so brightness offsets do not change the hash, and neither do
 *   positive brightness scales. 0 for flat images.
 * @mean: mean of the 16x16 thumbnail before normalisation (input units)
 * @stddev: standard deviation of the 16x16 thumbnail before normalisation
 *   (input units); exactly 0 for flat images
 * @thumb: the 16x16 thumbnail (2x2 box average of the 32x32 image, row
 *   major), minus its mean, divided by its L2 norm, so that the dot
 *   product of two thumbs is their normalised cross-correlation. All zero
 *   for flat images.
 *
 * 1040 bytes; 108 000 of them (one hour at 30 fps) take 112 MB.
 */
typedef struct
{
  guint64 phash;
  gfloat mean;
  gfloat stddev;
  gfloat thumb[VK_FINE_SIZE];
} VkFingerprint;

void vk_luma_resample (const guint8 * src, gint stride, gint src_w,
    gint src_h, gdouble rx, gdouble ry, gdouble rw, gdouble rh,
    gfloat * dst, gint dst_w, gint dst_h);
void vk_luma_resample_u8 (const guint8 * src, gint stride, gint src_w,
    gint src_h, guint8 * dst, gint dst_w, gint dst_h);

void vk_fingerprint_from_thumb (VkFingerprint * fp, const gfloat * img32);

void vk_fingerprint_from_luma (VkFingerprint * fp, const guint8 * src,
    gint stride, gint src_w, gint src_h, gdouble rx, gdouble ry,
    gdouble rw, gdouble rh);

guint vk_phash_distance (guint64 a, guint64 b);

gfloat vk_thumb_distance (const VkFingerprint * a, const VkFingerprint * b);

G_END_DECLS

#endif /* __VK_FINGERPRINT_H__ */
