/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignprops: the properties of vidkompyalign (ids, defaults, the
 * GParamSpecs with their documentation, the enum types, the quality
 * presets). Private to the element. */

#ifndef __VK_ALIGN_PROPS_H__
#define __VK_ALIGN_PROPS_H__

#include <gst/gst.h>

#include "gstvidkompyalign.h"
#include "vkalignment.h"
#include "vkalignfile.h"

G_BEGIN_DECLS enum
{
  PROP_0,
  PROP_X,
  PROP_Y,
  PROP_DETECT_POSITION,
  PROP_SCALE,
  PROP_UNSCALED,
  PROP_WINDOW,
  PROP_UNMATCHED_FRAMES,
  PROP_DRIFT_TOLERANCE,
  PROP_QUALITY,
  PROP_STRICT,
  PROP_MATCH_REGION,
  PROP_MODE,
  PROP_LATENCY,
  PROP_ALIGNMENT_LOCATION,
  PROP_USE_ALIGNMENT,
  PROP_CACHE_DIR,
};

#define DEFAULT_X 0
#define DEFAULT_Y 0
#define DEFAULT_DETECT_POSITION TRUE
#define DEFAULT_SCALE 0.0
#define DEFAULT_UNSCALED TRUE
#define DEFAULT_QUALITY GST_VIDKOMPY_QUALITY_BALANCED
/* window and drift-tolerance: those of the default quality */
#define DEFAULT_WINDOW (2 * GST_SECOND)
#define DEFAULT_DRIFT_TOLERANCE (150 * GST_MSECOND)
#define DEFAULT_UNMATCHED GST_VIDKOMPY_UNMATCHED_CLAMP
#define DEFAULT_STRICT FALSE
#define DEFAULT_MODE GST_VIDKOMPY_ALIGN_MODE_AUTO
#define DEFAULT_LATENCY (2 * GST_SECOND)
#define DEFAULT_ALIGNMENT_LOCATION NULL
#define DEFAULT_USE_ALIGNMENT FALSE
#define DEFAULT_CACHE_DIR NULL

/**
 * VkAlignSettings:
 *
 * The values of vidkompyalign's properties. The element keeps two: the
 * properties as set (under the object lock), and the settings of the
 * current run, copied from them at READY->PAUSED and read without a lock
 * until PAUSED->READY (the properties are mutable in READY only).
 * @window_set and @drift_set: set explicitly, so that
 * #GstVidkompyAlign:quality keeps them.
 */
typedef struct
{
  gint x, y;
  gboolean detect_position;
  gdouble scale;
  gboolean unscaled;
  GstClockTime window, drift_tolerance;
  gboolean window_set, drift_set;
  GstVidkompyUnmatchedFrames unmatched;
  GstVidkompyQuality quality;
  gboolean strict;
  VkMatchRegion match_region;
  GstVidkompyAlignMode mode;
  GstClockTime latency;
  gchar *alignment_location;
  gboolean use_alignment;
  gchar *cache_dir;
} VkAlignSettings;

void vk_align_install_properties (GObjectClass * klass);

void vk_align_settings_init (VkAlignSettings * s);
void vk_align_settings_copy (VkAlignSettings * dst,
    const VkAlignSettings * src);
void vk_align_settings_clear (VkAlignSettings * s);
gboolean vk_align_settings_set (VkAlignSettings * s, guint prop_id,
    const GValue * value);
gboolean vk_align_settings_get (const VkAlignSettings * s, guint prop_id,
    GValue * value);
void vk_align_settings_options (const VkAlignSettings * s,
    VkAlignOptions * opts);
void vk_align_settings_file_options (const VkAlignSettings * s,
    VkAlignFileOptions * o);

void vk_align_quality_preset (GstVidkompyQuality quality,
    GstClockTime * window, GstClockTime * drift_tolerance);

GType gst_vidkompy_unmatched_frames_get_type (void);
GType gst_vidkompy_quality_get_type (void);
GType gst_vidkompy_match_region_get_type (void);
GType gst_vidkompy_align_mode_get_type (void);

G_END_DECLS
#endif /* __VK_ALIGN_PROPS_H__ */
