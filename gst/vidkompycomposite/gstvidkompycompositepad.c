/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The fg_sink pad of vidkompycomposite: placement properties, and the
 * conversion of the fg to the output format at its placed size. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include <gst/vidkompy/vidkompy.h>

#include "gstvidkompycomposite.h"

GST_DEBUG_CATEGORY_EXTERN (gst_vidkompy_composite_debug);
#define GST_CAT_DEFAULT gst_vidkompy_composite_debug

#define DEFAULT_PAD_XPOS 0
#define DEFAULT_PAD_YPOS 0
#define DEFAULT_PAD_WIDTH 0
#define DEFAULT_PAD_HEIGHT 0
#define DEFAULT_PAD_ALPHA 1.0
#define DEFAULT_PAD_BORDER 0
#define DEFAULT_PAD_BORDER_PROFILE VK_BORDER_PROFILE_LINEAR
#define DEFAULT_PAD_BORDER_EDGES GST_VIDKOMPY_BORDER_EDGES_AUTO
#define DEFAULT_PAD_AUTO_POSITION TRUE

/* which placement properties the user set (they win over the meta) */
enum
{
  PLACEMENT_SET_XPOS = 1 << 0,
  PLACEMENT_SET_YPOS = 1 << 1,
  PLACEMENT_SET_WIDTH = 1 << 2,
  PLACEMENT_SET_HEIGHT = 1 << 3,
};

enum
{
  PROP_PAD_0,
  PROP_PAD_XPOS,
  PROP_PAD_YPOS,
  PROP_PAD_WIDTH,
  PROP_PAD_HEIGHT,
  PROP_PAD_ALPHA,
  PROP_PAD_BORDER,
  PROP_PAD_BORDER_PROFILE,
  PROP_PAD_BORDER_EDGES,
  PROP_PAD_AUTO_POSITION,
};

GType
gst_vidkompy_border_edges_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VIDKOMPY_BORDER_EDGES_AUTO,
        "Feather only the edges where background remains visible", "auto"},
    {GST_VIDKOMPY_BORDER_EDGES_ALL, "Feather all four edges", "all"},
    {GST_VIDKOMPY_BORDER_EDGES_NONE, "Hard edges", "none"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVidkompyBorderEdges", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_vidkompy_border_profile_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {VK_BORDER_PROFILE_LINEAR, "Linear ramp", "linear"},
    {VK_BORDER_PROFILE_SMOOTH, "Smoothstep ramp (3t^2 - 2t^3)", "smooth"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVidkompyBorderProfile", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

G_DEFINE_TYPE (GstVidkompyCompositePad, gst_vidkompy_composite_pad,
    GST_TYPE_VIDEO_AGGREGATOR_CONVERT_PAD);

static void
gst_vidkompy_composite_pad_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVidkompyCompositePad *pad = GST_VIDKOMPY_COMPOSITE_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PAD_XPOS:
      g_value_set_int (value, pad->xpos);
      break;
    case PROP_PAD_YPOS:
      g_value_set_int (value, pad->ypos);
      break;
    case PROP_PAD_WIDTH:
      g_value_set_int (value, pad->width);
      break;
    case PROP_PAD_HEIGHT:
      g_value_set_int (value, pad->height);
      break;
    case PROP_PAD_ALPHA:
      g_value_set_double (value, pad->alpha);
      break;
    case PROP_PAD_BORDER:
      g_value_set_uint (value, pad->border);
      break;
    case PROP_PAD_BORDER_PROFILE:
      g_value_set_enum (value, pad->profile);
      break;
    case PROP_PAD_BORDER_EDGES:
      g_value_set_enum (value, pad->edges);
      break;
    case PROP_PAD_AUTO_POSITION:
      g_value_set_boolean (value, pad->auto_position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

static void
gst_vidkompy_composite_pad_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVidkompyCompositePad *pad = GST_VIDKOMPY_COMPOSITE_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PAD_XPOS:
      pad->xpos = g_value_get_int (value);
      pad->user_set |= PLACEMENT_SET_XPOS;
      break;
    case PROP_PAD_YPOS:
      pad->ypos = g_value_get_int (value);
      pad->user_set |= PLACEMENT_SET_YPOS;
      break;
    case PROP_PAD_WIDTH:
      pad->width = g_value_get_int (value);
      pad->user_set |= PLACEMENT_SET_WIDTH;
      break;
    case PROP_PAD_HEIGHT:
      pad->height = g_value_get_int (value);
      pad->user_set |= PLACEMENT_SET_HEIGHT;
      break;
    case PROP_PAD_ALPHA:
      pad->alpha = g_value_get_double (value);
      break;
    case PROP_PAD_BORDER:
      pad->border = g_value_get_uint (value);
      break;
    case PROP_PAD_BORDER_PROFILE:
      pad->profile = g_value_get_enum (value);
      break;
    case PROP_PAD_BORDER_EDGES:
      pad->edges = g_value_get_enum (value);
      break;
    case PROP_PAD_AUTO_POSITION:
      pad->auto_position = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

/* The fg is converted to the output format at its placed size; position
 * and clipping are the blend's business. */
static void
gst_vidkompy_composite_pad_create_conversion_info (GstVideoAggregatorConvertPad
    * cpad, GstVideoAggregator * vagg, GstVideoInfo * conv_info)
{
  GstVidkompyCompositePad *pad = GST_VIDKOMPY_COMPOSITE_PAD (cpad);
  gint width, height;
  GstVideoInfo tmp;

  GST_VIDEO_AGGREGATOR_CONVERT_PAD_CLASS
      (gst_vidkompy_composite_pad_parent_class)->create_conversion_info (cpad,
      vagg, conv_info);
  if (!conv_info->finfo)
    return;

  /* called with the pad's object lock held, from the aggregator's src
   * thread, which is the only writer of conv_width/conv_height */
  width = pad->conv_width;
  height = pad->conv_height;

  if (width <= 0 || height <= 0 || (GST_VIDEO_INFO_WIDTH (conv_info) == width
          && GST_VIDEO_INFO_HEIGHT (conv_info) == height))
    return;

  gst_video_info_set_interlaced_format (&tmp,
      GST_VIDEO_INFO_FORMAT (conv_info), conv_info->interlace_mode, width,
      height);
  tmp.chroma_site = conv_info->chroma_site;
  tmp.colorimetry = conv_info->colorimetry;
  tmp.par_n = conv_info->par_n;
  tmp.par_d = conv_info->par_d;
  tmp.fps_n = conv_info->fps_n;
  tmp.fps_d = conv_info->fps_d;
  tmp.flags = conv_info->flags;
  *conv_info = tmp;

  GST_DEBUG_OBJECT (pad, "fg is scaled to %dx%d", width, height);
}

/**
 * gst_vidkompy_composite_pad_get_placement:
 * @pad: the fg pad, with its controlled values already synced
 * @buffer: the fg buffer about to be composited
 * @out_width: output width
 * @out_height: output height
 * @placement: (out): where the fg lands
 *
 * Resolves the placement of @buffer from the pad properties and, with
 * auto-position, from the buffer's alignment meta for the values the user
 * did not set. Updates the converter when the fg size changes.
 */
void
gst_vidkompy_composite_pad_get_placement (GstVidkompyCompositePad * pad,
    GstBuffer * buffer, gint out_width, gint out_height,
    VkPlacement * placement)
{
  GstVideoAggregatorPad *vpad = GST_VIDEO_AGGREGATOR_PAD (pad);
  GstVidkompyAlignmentMeta *meta = NULL;
  gint in_w = GST_VIDEO_INFO_WIDTH (&vpad->info);
  gint in_h = GST_VIDEO_INFO_HEIGHT (&vpad->info);
  gboolean size_changed;

  GST_OBJECT_LOCK (pad);
  if (pad->auto_position)
    meta = gst_buffer_get_vidkompy_alignment_meta (buffer);

  placement->x = pad->xpos;
  placement->y = pad->ypos;
  placement->width = pad->width > 0 ? pad->width : in_w;
  placement->height = pad->height > 0 ? pad->height : in_h;

  if (meta) {
    if (!(pad->user_set & PLACEMENT_SET_XPOS))
      placement->x = meta->x;
    if (!(pad->user_set & PLACEMENT_SET_YPOS))
      placement->y = meta->y;
    if (meta->scale > 0.0 && meta->scale != 1.0) {
      if (!(pad->user_set & PLACEMENT_SET_WIDTH))
        placement->width = MAX (1, (gint) floor (in_w * meta->scale + 0.5));
      if (!(pad->user_set & PLACEMENT_SET_HEIGHT))
        placement->height = MAX (1, (gint) floor (in_h * meta->scale + 0.5));
    }
  }

  placement->alpha = pad->alpha;
  placement->border = pad->border;
  placement->profile = pad->profile;
  switch (pad->edges) {
    case GST_VIDKOMPY_BORDER_EDGES_AUTO:
      placement->edges = vk_edges_auto (placement->x, placement->y,
          placement->width, placement->height, out_width, out_height);
      break;
    case GST_VIDKOMPY_BORDER_EDGES_ALL:
      placement->edges = VK_EDGE_ALL;
      break;
    default:
      placement->edges = 0;
      break;
  }

  GST_OBJECT_UNLOCK (pad);

  size_changed = placement->width != pad->conv_width
      || placement->height != pad->conv_height;
  pad->conv_width = placement->width;
  pad->conv_height = placement->height;

  if (size_changed) {
    GST_DEBUG_OBJECT (pad, "fg size now %dx%d", placement->width,
        placement->height);
    gst_video_aggregator_convert_pad_update_conversion_info
        (GST_VIDEO_AGGREGATOR_CONVERT_PAD (pad));
  }
}

static void
gst_vidkompy_composite_pad_class_init (GstVidkompyCompositePadClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstVideoAggregatorConvertPadClass *cpad_class =
      (GstVideoAggregatorConvertPadClass *) klass;
  const GParamFlags flags = G_PARAM_READWRITE | GST_PARAM_CONTROLLABLE |
      G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_vidkompy_composite_pad_set_property;
  gobject_class->get_property = gst_vidkompy_composite_pad_get_property;

  /**
   * GstVidkompyCompositePad:xpos:
   *
   * Horizontal position of the fg's left edge in the output, in pixels.
   * Any value: parts outside the output are clipped. Once set, it
   * overrides the alignment meta's position (see
   * #GstVidkompyCompositePad:auto-position).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_XPOS,
      g_param_spec_int ("xpos", "X position",
          "Horizontal position of the fg's left edge in the output, in "
          "pixels (may be negative; clipped). Overrides the alignment meta. "
          "Default 0", G_MININT, G_MAXINT, DEFAULT_PAD_XPOS, flags));
  /**
   * GstVidkompyCompositePad:ypos:
   *
   * Vertical position of the fg's top edge in the output, in pixels. Any
   * value: parts outside the output are clipped. Once set, it overrides
   * the alignment meta's position.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_YPOS,
      g_param_spec_int ("ypos", "Y position",
          "Vertical position of the fg's top edge in the output, in "
          "pixels (may be negative; clipped). Overrides the alignment meta. "
          "Default 0", G_MININT, G_MAXINT, DEFAULT_PAD_YPOS, flags));
  /**
   * GstVidkompyCompositePad:width:
   *
   * Width the fg is scaled to, in pixels; 0: the fg's own width, or its
   * width times the alignment meta's scale.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_WIDTH,
      g_param_spec_int ("width", "Width",
          "Width the fg is scaled to, in pixels (0: the fg's own width, "
          "or its width times the alignment meta's scale). Default 0",
          0, G_MAXINT, DEFAULT_PAD_WIDTH, flags));
  /**
   * GstVidkompyCompositePad:height:
   *
   * Height the fg is scaled to, in pixels; 0: the fg's own height, or its
   * height times the alignment meta's scale.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_HEIGHT,
      g_param_spec_int ("height", "Height",
          "Height the fg is scaled to, in pixels (0: the fg's own height, "
          "or its height times the alignment meta's scale). Default 0",
          0, G_MAXINT, DEFAULT_PAD_HEIGHT, flags));
  /**
   * GstVidkompyCompositePad:alpha:
   *
   * Opacity of the fg, from 0.0 (invisible) to 1.0 (opaque).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_ALPHA,
      g_param_spec_double ("alpha", "Alpha",
          "Opacity of the fg, 0.0 (invisible) to 1.0 (opaque). Default 1.0",
          0.0, 1.0, DEFAULT_PAD_ALPHA, flags));
  /**
   * GstVidkompyCompositePad:border:
   *
   * Width of the feathered border, in pixels: the fg's weight rises from 0
   * at its edge to 1 this far inside (0: a hard edge).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_BORDER,
      g_param_spec_uint ("border", "Border",
          "Width of the feathered border, in pixels (0: hard edge). "
          "Default 0", 0, G_MAXINT, DEFAULT_PAD_BORDER, flags));
  /**
   * GstVidkompyCompositePad:border-profile:
   *
   * How the fg's weight rises across the border.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_BORDER_PROFILE,
      g_param_spec_enum ("border-profile", "Border profile",
          "How the weight rises across the border. Default linear",
          GST_TYPE_VIDKOMPY_BORDER_PROFILE, DEFAULT_PAD_BORDER_PROFILE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstVidkompyCompositePad:border-edges:
   *
   * Which fg edges are feathered (auto: those beyond which the bg remains
   * visible).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_BORDER_EDGES,
      g_param_spec_enum ("border-edges", "Border edges",
          "Which fg edges are feathered (auto: those beyond which the bg "
          "remains visible). Default auto",
          GST_TYPE_VIDKOMPY_BORDER_EDGES, DEFAULT_PAD_BORDER_EDGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /**
   * GstVidkompyCompositePad:auto-position:
   *
   * Take the position and scale from the fg buffers' alignment meta
   * (added by vidkompyalign) for the placement properties
   * (#GstVidkompyCompositePad:xpos, #GstVidkompyCompositePad:ypos,
   * #GstVidkompyCompositePad:width, #GstVidkompyCompositePad:height) not
   * set explicitly.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PAD_AUTO_POSITION,
      g_param_spec_boolean ("auto-position", "Auto position",
          "Take the position and scale from the fg buffers' alignment meta "
          "(added by vidkompyalign) for the placement properties not set "
          "explicitly. Default true", DEFAULT_PAD_AUTO_POSITION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  cpad_class->create_conversion_info =
      gst_vidkompy_composite_pad_create_conversion_info;

  gst_type_mark_as_plugin_api (GST_TYPE_VIDKOMPY_BORDER_EDGES, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VIDKOMPY_BORDER_PROFILE, 0);
}

static void
gst_vidkompy_composite_pad_init (GstVidkompyCompositePad * pad)
{
  pad->xpos = DEFAULT_PAD_XPOS;
  pad->ypos = DEFAULT_PAD_YPOS;
  pad->width = DEFAULT_PAD_WIDTH;
  pad->height = DEFAULT_PAD_HEIGHT;
  pad->alpha = DEFAULT_PAD_ALPHA;
  pad->border = DEFAULT_PAD_BORDER;
  pad->profile = DEFAULT_PAD_BORDER_PROFILE;
  pad->edges = DEFAULT_PAD_BORDER_EDGES;
  pad->auto_position = DEFAULT_PAD_AUTO_POSITION;
}
