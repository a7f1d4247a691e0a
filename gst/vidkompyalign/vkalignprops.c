/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The properties of vidkompyalign. Units: times in nanoseconds (as
 * GStreamer's own properties), positions in bg pixels. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vkalignprops.h"

/* The quality presets: window and drift-tolerance (ns), by
 * GstVidkompyQuality. */
static const struct
{
  GstClockTime window, drift_tolerance;
} presets[] = {
  [GST_VIDKOMPY_QUALITY_FAST] = {GST_SECOND, 80 * GST_MSECOND},
  [GST_VIDKOMPY_QUALITY_BALANCED] = {2 * GST_SECOND, 150 * GST_MSECOND},
  [GST_VIDKOMPY_QUALITY_PRECISE] = {4 * GST_SECOND, 250 * GST_MSECOND},
};

/* The window and drift-tolerance of the preset @quality. */
void
vk_align_quality_preset (GstVidkompyQuality quality, GstClockTime * window,
    GstClockTime * drift_tolerance)
{
  if ((guint) quality >= G_N_ELEMENTS (presets))
    quality = DEFAULT_QUALITY;
  *window = presets[quality].window;
  *drift_tolerance = presets[quality].drift_tolerance;
}

/* The defaults of all properties. */
void
vk_align_settings_init (VkAlignSettings * s)
{
  memset (s, 0, sizeof (*s));
  s->x = DEFAULT_X;
  s->y = DEFAULT_Y;
  s->detect_position = DEFAULT_DETECT_POSITION;
  s->scale = DEFAULT_SCALE;
  s->unscaled = DEFAULT_UNSCALED;
  s->window = DEFAULT_WINDOW;
  s->drift_tolerance = DEFAULT_DRIFT_TOLERANCE;
  s->unmatched = DEFAULT_UNMATCHED;
  s->quality = DEFAULT_QUALITY;
  s->strict = DEFAULT_STRICT;
  s->match_region = VK_MATCH_REGION_AUTO;
  s->mode = DEFAULT_MODE;
  s->latency = DEFAULT_LATENCY;
  s->use_alignment = DEFAULT_USE_ALIGNMENT;
}

/* @dst (initialised or cleared) becomes a copy of @src. */
void
vk_align_settings_copy (VkAlignSettings * dst, const VkAlignSettings * src)
{
  vk_align_settings_clear (dst);
  *dst = *src;
  dst->alignment_location = g_strdup (src->alignment_location);
  dst->cache_dir = g_strdup (src->cache_dir);
}

void
vk_align_settings_clear (VkAlignSettings * s)
{
  g_clear_pointer (&s->alignment_location, g_free);
  g_clear_pointer (&s->cache_dir, g_free);
}

/* the preset's window and drift-tolerance, for those not set explicitly */
static void
apply_quality (VkAlignSettings * s)
{
  GstClockTime window, drift;

  vk_align_quality_preset (s->quality, &window, &drift);
  if (!s->window_set)
    s->window = window;
  if (!s->drift_set)
    s->drift_tolerance = drift;
}

/* Sets property @prop_id of @s to @value; FALSE for an unknown id. */
gboolean
vk_align_settings_set (VkAlignSettings * s, guint prop_id, const GValue * value)
{
  switch (prop_id) {
    case PROP_X:
      s->x = g_value_get_int (value);
      break;
    case PROP_Y:
      s->y = g_value_get_int (value);
      break;
    case PROP_DETECT_POSITION:
      s->detect_position = g_value_get_boolean (value);
      break;
    case PROP_SCALE:
      s->scale = g_value_get_double (value);
      break;
    case PROP_UNSCALED:
      s->unscaled = g_value_get_boolean (value);
      break;
    case PROP_WINDOW:
      s->window = g_value_get_uint64 (value);
      s->window_set = TRUE;
      break;
    case PROP_UNMATCHED_FRAMES:
      s->unmatched = g_value_get_enum (value);
      break;
    case PROP_DRIFT_TOLERANCE:
      s->drift_tolerance = g_value_get_uint64 (value);
      s->drift_set = TRUE;
      break;
    case PROP_QUALITY:
      s->quality = g_value_get_enum (value);
      apply_quality (s);
      break;
    case PROP_STRICT:
      s->strict = g_value_get_boolean (value);
      break;
    case PROP_MATCH_REGION:
      s->match_region = g_value_get_enum (value);
      break;
    case PROP_MODE:
      s->mode = g_value_get_enum (value);
      break;
    case PROP_LATENCY:
      s->latency = g_value_get_uint64 (value);
      break;
    case PROP_ALIGNMENT_LOCATION:
      g_free (s->alignment_location);
      s->alignment_location = g_value_dup_string (value);
      break;
    case PROP_USE_ALIGNMENT:
      s->use_alignment = g_value_get_boolean (value);
      break;
    case PROP_CACHE_DIR:
      g_free (s->cache_dir);
      s->cache_dir = g_value_dup_string (value);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}

/* @value of property @prop_id of @s; FALSE for an unknown id. */
gboolean
vk_align_settings_get (const VkAlignSettings * s, guint prop_id, GValue * value)
{
  switch (prop_id) {
    case PROP_X:
      g_value_set_int (value, s->x);
      break;
    case PROP_Y:
      g_value_set_int (value, s->y);
      break;
    case PROP_DETECT_POSITION:
      g_value_set_boolean (value, s->detect_position);
      break;
    case PROP_SCALE:
      g_value_set_double (value, s->scale);
      break;
    case PROP_UNSCALED:
      g_value_set_boolean (value, s->unscaled);
      break;
    case PROP_WINDOW:
      g_value_set_uint64 (value, s->window);
      break;
    case PROP_UNMATCHED_FRAMES:
      g_value_set_enum (value, s->unmatched);
      break;
    case PROP_DRIFT_TOLERANCE:
      g_value_set_uint64 (value, s->drift_tolerance);
      break;
    case PROP_QUALITY:
      g_value_set_enum (value, s->quality);
      break;
    case PROP_STRICT:
      g_value_set_boolean (value, s->strict);
      break;
    case PROP_MATCH_REGION:
      g_value_set_enum (value, s->match_region);
      break;
    case PROP_MODE:
      g_value_set_enum (value, s->mode);
      break;
    case PROP_LATENCY:
      g_value_set_uint64 (value, s->latency);
      break;
    case PROP_ALIGNMENT_LOCATION:
      g_value_set_string (value, s->alignment_location);
      break;
    case PROP_USE_ALIGNMENT:
      g_value_set_boolean (value, s->use_alignment);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, s->cache_dir);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}

/* The alignment options of @s. */
void
vk_align_settings_options (const VkAlignSettings * s, VkAlignOptions * opts)
{
  vk_align_options_init (opts);
  if (!s->detect_position) {
    opts->fixed_position = TRUE;
    opts->x = s->x;
    opts->y = s->y;
  }
  opts->scale = s->scale;
  opts->prefer_unscaled = s->unscaled;
  opts->match_region = s->match_region;
}

/* The options of @s that an alignment file records (those that change the
 * alignment). */
void
vk_align_settings_file_options (const VkAlignSettings * s,
    VkAlignFileOptions * o)
{
  memset (o, 0, sizeof (*o));
  o->fixed_position = !s->detect_position;
  o->x = o->fixed_position ? s->x : 0;
  o->y = o->fixed_position ? s->y : 0;
  o->scale = s->scale;
  o->unscaled = s->unscaled;
  o->window = s->window;
  o->drift_tolerance = (guint) (s->drift_tolerance / GST_MSECOND);
  o->match_region = s->match_region;
}

/* The enum GType @name of @values, registered once in @type. */
static GType
register_enum (GType * type, const gchar * name, const GEnumValue * values)
{
  if (g_once_init_enter (type)) {
    GType t = g_enum_register_static (name, values);
    g_once_init_leave (type, t);
  }
  return *type;
}

GType
gst_vidkompy_unmatched_frames_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VIDKOMPY_UNMATCHED_CLAMP,
        "Give them the first or last bg frame", "clamp"},
    {GST_VIDKOMPY_UNMATCHED_DROP, "Do not output them", "drop"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstVidkompyUnmatchedFrames", values);
}

GType
gst_vidkompy_quality_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VIDKOMPY_QUALITY_FAST, "Window 1 s, drift tolerance 80 ms", "fast"},
    {GST_VIDKOMPY_QUALITY_BALANCED, "Window 2 s, drift tolerance 150 ms",
        "balanced"},
    {GST_VIDKOMPY_QUALITY_PRECISE, "Window 4 s, drift tolerance 250 ms",
        "precise"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstVidkompyQuality", values);
}

GType
gst_vidkompy_match_region_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {VK_MATCH_REGION_AUTO, "The bg area under the fg, leaving out black "
          "bars of the fg when there are any", "auto"},
    {VK_MATCH_REGION_MASK, "The bg area under the fg, always looking for "
          "letterbox/pillarbox bars of the fg", "mask"},
    {VK_MATCH_REGION_FULL, "Whole frames: the fg shows the whole bg",
        "full"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstVidkompyMatchRegion", values);
}

GType
gst_vidkompy_align_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VIDKOMPY_ALIGN_MODE_AUTO, "Global when both inputs are seekable, "
          "else streaming", "auto"},
    {GST_VIDKOMPY_ALIGN_MODE_GLOBAL, "Analyse to the end, then render "
          "(seekable inputs)", "global"},
    {GST_VIDKOMPY_ALIGN_MODE_STREAMING, "Online, bounded latency (live "
          "inputs)", "streaming"},
    {0, NULL, NULL},
  };

  return register_enum (&type, "GstVidkompyAlignMode", values);
}

/* all are taken at READY->PAUSED (VkAlignSettings) */
#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

/* Installs the properties of vidkompyalign on @klass. */
void
vk_align_install_properties (GObjectClass * klass)
{
  /**
   * GstVidkompyAlign:x:
   *
   * Position of the fg's left edge in the bg, in bg pixels, used when
   * #GstVidkompyAlign:detect-position is %FALSE. It may be negative: the
   * fg then hangs over the bg's left edge.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_X,
      g_param_spec_int ("x", "X",
          "Position of the fg's left edge in the bg, bg pixels, used when "
          "detect-position is false (may be negative). Default 0",
          G_MININT, G_MAXINT, DEFAULT_X, RW));
  /**
   * GstVidkompyAlign:y:
   *
   * Position of the fg's top edge in the bg, in bg pixels, used when
   * #GstVidkompyAlign:detect-position is %FALSE. It may be negative.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_Y,
      g_param_spec_int ("y", "Y",
          "Position of the fg's top edge in the bg, bg pixels, used when "
          "detect-position is false (may be negative). Default 0",
          G_MININT, G_MAXINT, DEFAULT_Y, RW));
  /**
   * GstVidkompyAlign:detect-position:
   *
   * %TRUE: the fg's position (and its scale, when #GstVidkompyAlign:scale
   * is 0) is searched in the bg. %FALSE: the fg is at
   * #GstVidkompyAlign:x, #GstVidkompyAlign:y, at #GstVidkompyAlign:scale
   * (1.0 when it is 0); only the time is aligned.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_DETECT_POSITION,
      g_param_spec_boolean ("detect-position", "Detect position",
          "Search the fg's position in the bg; false: take x and y (and "
          "scale, 1.0 when 0). Default true", DEFAULT_DETECT_POSITION, RW));
  /**
   * GstVidkompyAlign:scale:
   *
   * bg pixels per fg pixel: 1.0 when the fg is an unscaled crop of the bg,
   * 0 to detect it (or 1.0 when #GstVidkompyAlign:detect-position is
   * %FALSE).
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_SCALE,
      g_param_spec_double ("scale", "Scale",
          "bg pixels per fg pixel (1.0: the fg is an unscaled crop of the "
          "bg; 0: detect, or 1.0 when detect-position is false). Default 0",
          0.0, 64.0, DEFAULT_SCALE, RW));
  /**
   * GstVidkompyAlign:unscaled:
   *
   * When the scale is detected, prefer 1.0 when it fits nearly as well as
   * the best scale found.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_UNSCALED,
      g_param_spec_boolean ("unscaled", "Prefer unscaled",
          "Prefer scale 1.0 when it fits nearly as well as the best scale. "
          "Default true", DEFAULT_UNSCALED, RW));
  /**
   * GstVidkompyAlign:window:
   *
   * Half width of the temporal search corridor around the coarse
   * offset/rate line, in nanoseconds of bg time. Unless set, the
   * #GstVidkompyAlign:quality preset's (2 s with the default quality);
   * once set, the preset does not change it, whatever the order in which
   * the two are set.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_WINDOW,
      g_param_spec_uint64 ("window", "Window",
          "Half width of the temporal search corridor, ns of bg time. "
          "Default: the quality preset's (2 s with balanced); when set, "
          "quality does not change it", GST_SECOND / 10, 600 * GST_SECOND,
          DEFAULT_WINDOW, RW));
  /**
   * GstVidkompyAlign:drift-tolerance:
   *
   * How far, in nanoseconds of bg time, the final per-frame choice (on
   * full-resolution frames) may move from the dense alignment. Unless
   * set, the #GstVidkompyAlign:quality preset's (150 ms with the default
   * quality); once set, the preset does not change it.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_DRIFT_TOLERANCE,
      g_param_spec_uint64 ("drift-tolerance", "Drift tolerance",
          "How far the final per-frame choice may move from the dense "
          "alignment, ns of bg time. Default: the quality preset's (150 ms "
          "with balanced); when set, quality does not change it",
          0, 10 * GST_SECOND, DEFAULT_DRIFT_TOLERANCE, RW));
  /**
   * GstVidkompyAlign:quality:
   *
   * A preset of #GstVidkompyAlign:window and
   * #GstVidkompyAlign:drift-tolerance: fast (1 s, 80 ms), balanced (2 s,
   * 150 ms), precise (4 s, 250 ms). It sets only those of the two that
   * were not set explicitly, before or after it: the result does not
   * depend on the order of the properties.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_QUALITY,
      g_param_spec_enum ("quality", "Quality",
          "Preset of window and drift-tolerance for those not set "
          "explicitly (in any order). Default balanced",
          gst_vidkompy_quality_get_type (), DEFAULT_QUALITY, RW));
  /**
   * GstVidkompyAlign:unmatched-frames:
   *
   * What the fg frames before the bg's start or after its end get.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_UNMATCHED_FRAMES,
      g_param_spec_enum ("unmatched-frames", "Unmatched frames",
          "What fg frames before the bg's start or after its end get. "
          "Default clamp", gst_vidkompy_unmatched_frames_get_type (),
          DEFAULT_UNMATCHED, RW));
  /**
   * GstVidkompyAlign:match-region:
   *
   * Which part of the frames is compared.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_MATCH_REGION,
      g_param_spec_enum ("match-region", "Match region",
          "Which part of the frames is compared. Default auto",
          gst_vidkompy_match_region_get_type (), VK_MATCH_REGION_AUTO, RW));
  /**
   * GstVidkompyAlign:strict:
   *
   * Fail with an error instead of a warning when the fg does not seem to
   * be in the bg (temporal confidence below 0.7, spatial confidence below
   * 0.5, or below 0.99 for a fg that does not move, or no place of the bg
   * matching it at all).
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_STRICT,
      g_param_spec_boolean ("strict", "Strict",
          "Fail with an error instead of a warning when the fg does not seem "
          "to be in the bg (temporal confidence below 0.7, spatial "
          "confidence below 0.5, or below 0.99 for a fg that does not move, "
          "or no place of the bg matching it at all). Default false",
          DEFAULT_STRICT, RW));
  /**
   * GstVidkompyAlign:alignment-location:
   *
   * Alignment file (JSON, see docs/vidkompyalign.md): written atomically
   * once every frame is rendered; with #GstVidkompyAlign:use-alignment,
   * read instead.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_ALIGNMENT_LOCATION,
      g_param_spec_string ("alignment-location", "Alignment location",
          "Alignment file (JSON, see docs/vidkompyalign.md): written "
          "atomically once every frame is rendered; with use-alignment, "
          "read instead. Default NULL: none", DEFAULT_ALIGNMENT_LOCATION, RW));
  /**
   * GstVidkompyAlign:use-alignment:
   *
   * Read the alignment from #GstVidkompyAlign:alignment-location and
   * render it, without analysis.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_USE_ALIGNMENT,
      g_param_spec_boolean ("use-alignment", "Use alignment",
          "Read the alignment from alignment-location and render it, "
          "without analysis; a file made for other inputs or with another "
          "format version is refused with an error. Default false",
          DEFAULT_USE_ALIGNMENT, RW));
  /**
   * GstVidkompyAlign:cache-dir:
   *
   * Directory of alignment files keyed by the inputs' identities and the
   * alignment options.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_CACHE_DIR,
      g_param_spec_string ("cache-dir", "Cache directory",
          "Directory of alignment files keyed by the inputs' identities and "
          "the alignment options: a pair aligned before is rendered without "
          "analysis, a new one is added. Default NULL: no cache",
          DEFAULT_CACHE_DIR, RW));
  /**
   * GstVidkompyAlign:mode:
   *
   * Global (files) or streaming (live inputs) alignment.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_MODE,
      g_param_spec_enum ("mode", "Mode",
          "global: analyse both inputs to the end, then seek back and render "
          "(seekable inputs); streaming: align online, each fg frame out at "
          "most latency after it arrives (live inputs); auto: global when "
          "both inputs are seekable, else streaming. Default auto",
          gst_vidkompy_align_mode_get_type (), DEFAULT_MODE, RW));
  /**
   * GstVidkompyAlign:latency:
   *
   * Streaming mode: the longest time, in nanoseconds, from a fg frame's
   * arrival to its output, reported in the LATENCY query.
   *
   * Since: 0.1
   */
  g_object_class_install_property (klass, PROP_LATENCY,
      g_param_spec_uint64 ("latency", "Latency",
          "Streaming mode: the longest time, ns, from a fg frame's arrival "
          "to its output, reported in the LATENCY query; the frames of this "
          "window are held. Default 2 s", GST_SECOND / 10, 60 * GST_SECOND,
          DEFAULT_LATENCY, RW));
}
