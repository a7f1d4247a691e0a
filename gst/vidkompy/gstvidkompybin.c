/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-vidkompy
 * @title: vidkompy
 *
 * One element for the whole job: finds a foreground video (fg) inside a
 * background video (bg) that shows the same content, retimes the bg onto
 * the fg frame by frame and composites the fg there. A #GstBin wrapping
 * `videoconvert ! videoflip ! capsfilter ! vidkompyalign ! vidkompycomposite
 * ! videoconvert` (one `videoconvert`, `videoflip` and `capsfilter` per input
 * and one `videoconvert` for the output, passthrough when the formats
 * already fit: the decoder's output has an 8-bit luma plane, which the
 * inputs' `capsfilter`s ask for, as the compositor blends it; the encoder
 * takes the bg's format), with ghost pads `bg_sink`, `fg_sink` and `src`.
 *
 * Interlaced inputs (1080i broadcast or camcorder footage): each input
 * passes a `deinterlace` (gst-plugins-good) after its `videoconvert`,
 * passthrough for progressive video; an interlaced input comes out at its
 * field rate (the element's default, `fields=all`: 25i gives 50 frames a
 * second). Without that plugin the compositor refuses interlaced video with
 * an error that says so.
 *
 * Orientation: each input's `videoflip` has `video-direction=auto`, so an
 * input with an `image-orientation` tag (what qtdemux reports for an MP4
 * display matrix, e.g. `rotate-90` for a phone video stored 540x960 with a
 * -90 degree matrix, or a `taginject` upstream) is turned upright before
 * it is matched and composited, as players and ffmpeg show it. The output
 * is upright and carries no orientation. Without a tag `videoflip` is
 * passthrough (no copy of the frames: vk_orient_setup ()).
 *
 * The output has the bg's size and one frame per fg frame, with the fg's
 * timestamps. As with `vidkompyalign`, the inputs must be seekable (files):
 * both are analysed to the end first, then replayed.
 *
 * Properties proxied from the children (same names, types, ranges,
 * defaults and descriptions as there; `gst-inspect-1.0 vidkompy` lists
 * them): from `vidkompyalign` `x`, `y`, `scale`, `unscaled`,
 * `detect-position`, `match-region`, `window`, `drift-tolerance`, `quality`,
 * `unmatched-frames`, `strict`, `mode`, `latency`,
 * `alignment-location`, `use-alignment`, `cache-dir`; from the `fg_sink`
 * pad of `vidkompycomposite` `border`, `border-profile`, `border-edges`,
 * `alpha`; from `vidkompycomposite` `max-threads`. The three elements are
 * in one plugin, so the class has these properties however the plugin was
 * loaded.
 *
 * The bus messages of `vidkompyalign` (`vidkompy-progress`,
 * `vidkompy-alignment`) reach the application unchanged.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 vidkompy name=v border=16 ! x264enc ! mp4mux ! filesink location=out.mp4 \
 *   uridecodebin uri=file:///path/bg.mp4 ! v.bg_sink \
 *   uridecodebin uri=file:///path/fg.mp4 ! v.fg_sink
 * ]| Aligns fg.mp4 to bg.mp4 and composites it with a 16-pixel feathered
 * border into out.mp4.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign.h"
#include "gstvidkompybin.h"
#include "gstvidkompycomposite.h"
#include "vkorient.h"

GST_DEBUG_CATEGORY_STATIC (gst_vidkompy_bin_debug);
#define GST_CAT_DEFAULT gst_vidkompy_bin_debug

typedef enum
{
  CHILD_ALIGN,
  CHILD_COMPOSITE,
  CHILD_FG_PAD,                 /* the fg_sink pad of vidkompycomposite */
} ProxyTarget;

typedef struct
{
  ProxyTarget target;
  const gchar *name;
} ProxiedProperty;

/* The proxied properties: one line each. */
static const ProxiedProperty proxied[] = {
  {CHILD_ALIGN, "x"},
  {CHILD_ALIGN, "y"},
  {CHILD_ALIGN, "detect-position"},
  {CHILD_ALIGN, "scale"},
  {CHILD_ALIGN, "unscaled"},
  {CHILD_ALIGN, "match-region"},
  {CHILD_ALIGN, "window"},
  {CHILD_ALIGN, "drift-tolerance"},
  {CHILD_ALIGN, "quality"},
  {CHILD_ALIGN, "unmatched-frames"},
  {CHILD_ALIGN, "strict"},
  {CHILD_ALIGN, "mode"},
  {CHILD_ALIGN, "latency"},
  {CHILD_ALIGN, "alignment-location"},
  {CHILD_ALIGN, "use-alignment"},
  {CHILD_ALIGN, "cache-dir"},
  {CHILD_FG_PAD, "border"},
  {CHILD_FG_PAD, "border-profile"},
  {CHILD_FG_PAD, "border-edges"},
  {CHILD_FG_PAD, "alpha"},
  {CHILD_COMPOSITE, "max-threads"},
};

struct _GstVidkompyBin
{
  GstBin parent;

  GstElement *align, *composite;
  GstPad *fg_pad;               /* composite's fg_sink (owned ref) */
  GstPad *bg_sink, *fg_sink, *src;      /* ghost pads */
  const gchar *missing;         /* first child element that is not installed
                                 * (videoconvert, videoflip) */
};

static GstStaticPadTemplate bg_sink_template = GST_STATIC_PAD_TEMPLATE
    ("bg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate fg_sink_template = GST_STATIC_PAD_TEMPLATE
    ("fg_sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw"));

#define gst_vidkompy_bin_parent_class parent_class
G_DEFINE_TYPE (GstVidkompyBin, gst_vidkompy_bin, GST_TYPE_BIN);

GST_ELEMENT_REGISTER_DEFINE (vidkompy, "vidkompy", GST_RANK_NONE,
    GST_TYPE_VIDKOMPY_BIN);

static GObject *
proxy_target (GstVidkompyBin * self, ProxyTarget target)
{
  switch (target) {
    case CHILD_ALIGN:
      return (GObject *) self->align;
    case CHILD_COMPOSITE:
      return (GObject *) self->composite;
    case CHILD_FG_PAD:
      return (GObject *) self->fg_pad;
  }
  return NULL;
}

/* A copy of a child's property description for the bin: same name, nick,
 * blurb, type, range and default; not controllable (the bin has no
 * controller). NULL for types the bin does not proxy. */
static GParamSpec *
copy_pspec (GParamSpec * p)
{
  const gchar *name = g_param_spec_get_name (p);
  const gchar *nick = g_param_spec_get_nick (p);
  const gchar *blurb = g_param_spec_get_blurb (p);
  GParamFlags flags = p->flags & (G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY
      | GST_PARAM_MUTABLE_PAUSED | GST_PARAM_MUTABLE_PLAYING |
      GST_PARAM_DOC_SHOW_DEFAULT);
  GType t = G_PARAM_SPEC_TYPE (p);

/* numeric types: the same range and default */
#define COPY_RANGE(Spec, make) \
  return make (name, nick, blurb, ((Spec *) p)->minimum, \
      ((Spec *) p)->maximum, ((Spec *) p)->default_value, flags)

  if (t == G_TYPE_PARAM_INT)
    COPY_RANGE (GParamSpecInt, g_param_spec_int);
  if (t == G_TYPE_PARAM_UINT)
    COPY_RANGE (GParamSpecUInt, g_param_spec_uint);
  if (t == G_TYPE_PARAM_INT64)
    COPY_RANGE (GParamSpecInt64, g_param_spec_int64);
  if (t == G_TYPE_PARAM_UINT64)
    COPY_RANGE (GParamSpecUInt64, g_param_spec_uint64);
  if (t == G_TYPE_PARAM_DOUBLE)
    COPY_RANGE (GParamSpecDouble, g_param_spec_double);
  if (t == G_TYPE_PARAM_FLOAT)
    COPY_RANGE (GParamSpecFloat, g_param_spec_float);
#undef COPY_RANGE
  if (t == G_TYPE_PARAM_BOOLEAN)
    return g_param_spec_boolean (name, nick, blurb,
        G_PARAM_SPEC_BOOLEAN (p)->default_value, flags);
  if (t == G_TYPE_PARAM_ENUM)
    return g_param_spec_enum (name, nick, blurb, p->value_type,
        G_PARAM_SPEC_ENUM (p)->default_value, flags);
  if (t == G_TYPE_PARAM_FLAGS)
    return g_param_spec_flags (name, nick, blurb, p->value_type,
        G_PARAM_SPEC_FLAGS (p)->default_value, flags);
  if (t == G_TYPE_PARAM_STRING)
    return g_param_spec_string (name, nick, blurb,
        G_PARAM_SPEC_STRING (p)->default_value, flags);
  return NULL;
}

/* The class of the pad @pad_name of @element's template (a reference). */
static GObjectClass *
pad_class (GObjectClass * element, const gchar * pad_name)
{
  GstPadTemplate *templ =
      gst_element_class_get_pad_template (GST_ELEMENT_CLASS (element),
      pad_name);

  return g_type_class_ref (GST_PAD_TEMPLATE_GTYPE (templ));
}

/* Installs the proxied properties, as copies of the children's (the
 * children are of this plugin: their classes are at hand). */
static void
install_proxied_properties (GObjectClass * klass)
{
  GObjectClass *targets[3];
  guint i;

  targets[CHILD_ALIGN] = g_type_class_ref (GST_TYPE_VIDKOMPY_ALIGN);
  targets[CHILD_COMPOSITE] = g_type_class_ref (GST_TYPE_VIDKOMPY_COMPOSITE);
  targets[CHILD_FG_PAD] = pad_class (targets[CHILD_COMPOSITE], "fg_sink");

  for (i = 0; i < G_N_ELEMENTS (proxied); i++) {
    GObjectClass *target = targets[proxied[i].target];
    GParamSpec *p = g_object_class_find_property (target, proxied[i].name);
    GParamSpec *copy = p ? copy_pspec (p) : NULL;

    /* a programming error: the table names a property the child lacks or
     * of a type copy_pspec () does not know */
    g_return_if_fail (copy != NULL);
    g_object_class_install_property (klass, i + 1, copy);
    GST_DEBUG ("proxying %s of %s", proxied[i].name,
        G_OBJECT_CLASS_NAME (target));
  }
  for (i = 0; i < G_N_ELEMENTS (targets); i++)
    g_type_class_unref (targets[i]);
}

/* The child object of the proxied property @prop_id; NULL (warned) for an
 * unknown one or a missing child. */
static GObject *
target_of (GObject * object, guint prop_id, GParamSpec * pspec)
{
  GObject *target = NULL;

  if (prop_id > 0 && prop_id <= G_N_ELEMENTS (proxied))
    target = proxy_target (GST_VIDKOMPY_BIN (object),
        proxied[prop_id - 1].target);
  if (target == NULL)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  return target;
}

static void
gst_vidkompy_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GObject *target = target_of (object, prop_id, pspec);

  if (target) {
    GST_DEBUG_OBJECT (object, "setting %s", pspec->name);
    g_object_set_property (target, pspec->name, value);
  }
}

static void
gst_vidkompy_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GObject *target = target_of (object, prop_id, pspec);

  if (target)
    g_object_get_property (target, pspec->name, value);
}

static GstElement *
add_child (GstVidkompyBin * self, const gchar * factory, const gchar * name)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL) {
    GST_ERROR_OBJECT (self, "no %s element", factory);
    if (self->missing == NULL)
      self->missing = factory;
    return NULL;
  }
  gst_bin_add (GST_BIN (self), e);
  return e;
}

/* A child whose plugin may be missing: NULL then, without error */
static GstElement *
add_optional_child (GstVidkompyBin * self, const gchar * factory,
    const gchar * name)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL) {
    GST_INFO_OBJECT (self, "no %s element: left out", factory);
    return NULL;
  }
  gst_bin_add (GST_BIN (self), e);
  return e;
}

/* Links @a, @b (when not NULL: an optional child left out), @c and @d */
static void
link_input (GstElement * a, GstElement * b, GstElement * c, GstElement * d)
{
  if (b)
    gst_element_link_many (a, b, c, d, NULL);
  else
    gst_element_link_many (a, c, d, NULL);
}

/* A ghost pad from @templ to @element's pad @target (a pad without target
 * when the child is missing). */
static GstPad *
add_ghost (GstVidkompyBin * self, GstStaticPadTemplate * templ,
    GstElement * element, const gchar * target)
{
  GstPadTemplate *t = gst_static_pad_template_get (templ);
  GstPad *ghost =
      gst_ghost_pad_new_no_target_from_template (templ->name_template, t);
  GstPad *tpad = element ? gst_element_get_static_pad (element, target) : NULL;

  gst_object_unref (t);
  if (tpad) {
    gst_ghost_pad_set_target (GST_GHOST_PAD (ghost), tpad);
    gst_object_unref (tpad);
  }
  gst_element_add_pad (GST_ELEMENT (self), ghost);
  return ghost;
}

static void
gst_vidkompy_bin_init (GstVidkompyBin * self)
{
  GstElement *bgconv = add_child (self, "videoconvert", "bg_convert");
  GstElement *fgconv = add_child (self, "videoconvert", "fg_convert");
  GstElement *outconv = add_child (self, "videoconvert", "out_convert");
  GstElement *bgdeint = add_optional_child (self, "deinterlace",
      "bg_deinterlace");
  GstElement *fgdeint = add_optional_child (self, "deinterlace",
      "fg_deinterlace");
  GstElement *bgflip = add_child (self, "videoflip", "bg_orient");
  GstElement *fgflip = add_child (self, "videoflip", "fg_orient");
  GstElement *bgfmt = add_child (self, "capsfilter", "bg_formats");
  GstElement *fgfmt = add_child (self, "capsfilter", "fg_formats");
  GstCaps *luma = gst_caps_from_string ("video/x-raw, format = (string) "
      GST_VIDKOMPY_ALIGN_LUMA_FORMATS);

  self->align = add_child (self, "vidkompyalign", "align");
  self->composite = add_child (self, "vidkompycomposite", "composite");
  if (self->composite)
    self->fg_pad = gst_element_get_static_pad (self->composite, "fg_sink");

  if (bgflip && fgflip) {
    vk_orient_setup (bgflip);
    vk_orient_setup (fgflip);
  }
  /* the inputs converted to the formats the aligner reads in place, which
   * the compositor blends (the aligner would convert the luma of any other
   * format for itself, and the compositor the whole frame) */
  if (bgfmt && fgfmt) {
    g_object_set (bgfmt, "caps", luma, NULL);
    g_object_set (fgfmt, "caps", luma, NULL);
  }
  gst_caps_unref (luma);
  if (bgconv && fgconv && outconv && bgflip && fgflip && bgfmt && fgfmt
      && self->align && self->composite) {
    link_input (bgconv, bgdeint, bgflip, bgfmt);
    link_input (fgconv, fgdeint, fgflip, fgfmt);
    gst_element_link_pads (bgfmt, "src", self->align, "bg_sink");
    gst_element_link_pads (fgfmt, "src", self->align, "fg_sink");
    gst_element_link_pads (self->align, "bg_src", self->composite, "bg_sink");
    gst_element_link_pads (self->align, "fg_src", self->composite, "fg_sink");
    gst_element_link_pads (self->composite, "src", outconv, "sink");
  }
  self->bg_sink = add_ghost (self, &bg_sink_template, bgconv, "sink");
  self->fg_sink = add_ghost (self, &fg_sink_template, fgconv, "sink");
  self->src = add_ghost (self, &src_template, outconv, "src");
}

static void
gst_vidkompy_bin_finalize (GObject * object)
{
  GstVidkompyBin *self = GST_VIDKOMPY_BIN (object);

  gst_clear_object (&self->fg_pad);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_vidkompy_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstVidkompyBin *self = GST_VIDKOMPY_BIN (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && self->missing) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("The vidkompy element needs the %s element, which is not "
            "installed (check GST_PLUGIN_PATH and gst-inspect-1.0 %s).",
            self->missing, self->missing), (NULL));
    return GST_STATE_CHANGE_FAILURE;
  }
  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

static void
gst_vidkompy_bin_class_init (GstVidkompyBinClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstElementClass *element_class = (GstElementClass *) klass;

  GST_DEBUG_CATEGORY_INIT (gst_vidkompy_bin_debug, "vidkompy", 0,
      "vidkompy bin (vidkompyalign ! vidkompycomposite)");

  gobject_class->set_property = gst_vidkompy_bin_set_property;
  gobject_class->get_property = gst_vidkompy_bin_get_property;
  gobject_class->finalize = gst_vidkompy_bin_finalize;

  gst_element_class_add_static_pad_template (element_class, &bg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &fg_sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  gst_element_class_set_static_metadata (element_class,
      "Vidkompy", "Filter/Editor/Video/Compositor",
      "Finds a foreground video in a background video, retimes the "
      "background onto the foreground frame by frame and composites the "
      "foreground there (vidkompyalign ! vidkompycomposite)",
      "gst-vidkompy developers");

  element_class->change_state = gst_vidkompy_bin_change_state;

  install_proxied_properties (gobject_class);
}
