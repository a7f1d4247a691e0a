/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-truth: reader for the ground-truth CSV written by vk-mkpair.
 * The file format is documented at the top of vk-mkpair.c and in
 * tests/media/README.md. */

#ifndef __VK_TRUTH_H__
#define __VK_TRUTH_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define VK_TRUTH_ERROR (vk_truth_error_quark ())

typedef enum
{
  VK_TRUTH_ERROR_PARSE
} VkTruthError;

/* One foreground frame: which background frame it shows and where. */
typedef struct
{
  guint64 fg_index;
  GstClockTime fg_pts;
  guint64 bg_index;
  GstClockTime bg_pts;
  gint x, y, w, h;
} VkTruthRow;

typedef struct
{
  GHashTable *params;           /* gchar* key -> gchar* value */
  GArray *rows;                 /* VkTruthRow, in file order */
} VkTruth;

GQuark vk_truth_error_quark (void);

VkTruth *vk_truth_load (const gchar * path, GError ** error);

void vk_truth_free (VkTruth * t);

const gchar *vk_truth_get_param (VkTruth * t, const gchar * key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTruth, vk_truth_free)

G_END_DECLS

#endif /* __VK_TRUTH_H__ */
