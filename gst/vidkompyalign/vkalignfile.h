/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignfile: the alignment file of vidkompyalign (a versioned JSON
 * document, see docs/vidkompyalign.md), its strict parser, the identities
 * of the inputs it was made for and the cache key. Pure: no pipeline. */

#ifndef __VK_ALIGN_FILE_H__
#define __VK_ALIGN_FILE_H__

#include <glib.h>

#include "vkalignment.h"

G_BEGIN_DECLS

#define VK_ALIGN_FILE_FORMAT "vidkompy-alignment"
#define VK_ALIGN_FILE_VERSION 1

/* frames whose fingerprints make the head hash, checked before rendering */
#define VK_IDENTITY_HEAD_FRAMES 16

/* limits of what the parser accepts: 2^21 fg frames (19 h at 30 fps, 9.7 h
 * at 60 fps; about 125 MB of file), and as many JSON values as such a file
 * has (json-glib holds the whole document, about 110 bytes a value: a
 * hostile file of small values cannot take more memory than the largest
 * valid one) */
#define VK_ALIGN_FILE_MAX_SIZE (192 * 1024 * 1024)
#define VK_ALIGN_FILE_MAX_FRAMES (2 * 1024 * 1024)
#define VK_ALIGN_FILE_MAX_VALUES (6 * VK_ALIGN_FILE_MAX_FRAMES + 4096)
#define VK_ALIGN_FILE_MAX_DEPTH 8

/* no timestamp / duration (GST_CLOCK_TIME_NONE), -1 in the file */
#define VK_TIME_NONE G_MAXUINT64

#define VK_ALIGN_FILE_ERROR (vk_align_file_error_quark ())
GQuark vk_align_file_error_quark (void);

typedef enum
{
  VK_ALIGN_FILE_ERROR_IO,
  VK_ALIGN_FILE_ERROR_SYNTAX,
  VK_ALIGN_FILE_ERROR_FORMAT,
  VK_ALIGN_FILE_ERROR_VERSION,
  VK_ALIGN_FILE_ERROR_INVALID,
  VK_ALIGN_FILE_ERROR_MISMATCH,
} VkAlignFileError;

/**
 * VkStreamIdentity:
 * @width: frame width in pixels
 * @height: frame height in pixels
 * @fps_n: frame rate numerator of the caps (0/1 when variable)
 * @fps_d: its denominator
 * @duration: duration the upstream answered to the DURATION query, ns, or
 *   VK_TIME_NONE
 * @n_frames: number of frames (0 while unknown)
 * @head_hash: SHA-256 (hex) of the fingerprints of the first
 *   VK_IDENTITY_HEAD_FRAMES frames (all of them when fewer)
 * @stream_hash: SHA-256 (hex) of the fingerprints of all frames ("" while
 *   unknown)
 *
 * A fingerprint is the low-resolution luma copy of the analysis: 64 pixels
 * wide (VK_LOW_WIDTH), the height from the frame's aspect, 8 bits, rows
 * without padding.
 */
typedef struct
{
  gint width, height;
  gint fps_n, fps_d;
  guint64 duration;
  guint n_frames;
  gchar head_hash[65];
  gchar stream_hash[65];
} VkStreamIdentity;

/* Computes both hashes of a stream from its fingerprints, frame by frame. */
typedef struct
{
  GChecksum *head, *whole;
  guint n_frames;
  gchar head_hash[65];
} VkIdentityHasher;

void vk_identity_hasher_init (VkIdentityHasher * h);
void vk_identity_hasher_clear (VkIdentityHasher * h);
void vk_identity_hasher_reset (VkIdentityHasher * h);
void vk_identity_hasher_add (VkIdentityHasher * h, const guint8 * fp,
    gsize size);
gboolean vk_identity_hasher_head_done (const VkIdentityHasher * h);
void vk_identity_hasher_get (VkIdentityHasher * h, gboolean whole,
    VkStreamIdentity * id);

/**
 * VkAlignFileOptions:
 * @fixed_position: the position was given (@x, @y), not detected
 * @x: the given left edge, bg pixels
 * @y: the given top edge
 * @scale: the given scale, 0 = detected
 * @unscaled: scale 1.0 preferred when it fits nearly as well
 * @window: half width of the temporal corridor, ns
 * @drift_tolerance: ms
 * @match_region: compared region
 *
 * The element options that change the alignment.
 */
typedef struct
{
  gboolean fixed_position;
  gint x, y;
  gdouble scale;
  gboolean unscaled;
  guint64 window;
  guint drift_tolerance;
  VkMatchRegion match_region;
} VkAlignFileOptions;

typedef struct
{
  guint64 fg_pts;
  guint64 fg_duration;          /* VK_TIME_NONE: up to the next frame */
  guint bg_index;
  guint64 bg_pts;
  gfloat cost;
} VkAlignFileFrame;

/**
 * VkAlignFile:
 * @bg: identity of the bg input
 * @fg: identity of the fg input (@fg.n_frames frames in @frames)
 * @options: the options the alignment was made with
 * @x: fg left edge in the bg, bg pixels
 * @y: fg top edge
 * @scale: bg pixels per fg pixel
 * @spatial_confidence: 0..1
 * @offset: bg frame at fg frame 0 of the coarse line
 * @rate: bg frames per fg frame of the coarse line
 * @confidence: temporal confidence, 0..1
 * @frames: one entry per fg frame
 */
typedef struct
{
  VkStreamIdentity bg, fg;
  VkAlignFileOptions options;
  gint x, y;
  gdouble scale, spatial_confidence;
  gdouble offset, rate, confidence;
  VkAlignFileFrame *frames;
} VkAlignFile;

gchar *vk_align_file_to_string (const VkAlignFile * file);

gboolean vk_align_file_save (const VkAlignFile * file, const gchar * path,
    GError ** error);

gboolean vk_align_file_parse (const gchar * data, gsize length,
    VkAlignFile * file, GError ** error);

gboolean vk_align_file_load (const gchar * path, VkAlignFile * file,
    GError ** error);

void vk_align_file_clear (VkAlignFile * file);

gboolean vk_align_file_check_input (const VkAlignFile * file,
    gboolean background, const VkStreamIdentity * id, gboolean complete,
    GError ** error);

gchar *vk_align_cache_key (const VkStreamIdentity * bg,
    const VkStreamIdentity * fg, const VkAlignFileOptions * options);

guint64 *vk_align_file_bg_timestamps (const VkAlignFile * file);

const gchar *vk_match_region_nick (VkMatchRegion region);

G_END_DECLS

#endif /* __VK_ALIGN_FILE_H__ */
