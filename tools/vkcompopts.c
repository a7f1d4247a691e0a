/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The options of `vidkompy comp`. Every option that sets an element
 * property is checked against that property (its enum nicks or its
 * range, from the installed element: one place for the allowed values)
 * before anything is probed, and refused with exit 2 naming what is
 * allowed. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "vkcompopts.h"
#include "vkoptcheck.h"

/* the encoder whose options --crf and --preset set */
#define X264 "x264enc"

typedef enum
{
  KIND_STRING,
  KIND_INT,
  KIND_DOUBLE,
} Kind;

/* The options checked against an element property: @unit property units
 * per option unit. */
static const struct
{
  const gchar *option, *factory, *property;
  Kind kind;
  gsize offset;
  gdouble unit;
  const gchar *unit_name;
} checks[] = {
  {"--quality", "vidkompy", "quality", KIND_STRING,
      offsetof (VkCompOptions, quality)},
  {"--mode", "vidkompy", "mode", KIND_STRING, offsetof (VkCompOptions, mode)},
  {"--match-region", "vidkompy", "match-region", KIND_STRING,
      offsetof (VkCompOptions, match_region)},
  {"--scale", "vidkompy", "scale", KIND_DOUBLE,
      offsetof (VkCompOptions, scale), 1.0, NULL},
  {"--border", "vidkompy", "border", KIND_INT,
      offsetof (VkCompOptions, border), 1.0, "pixels"},
  {"--window", "vidkompy", "window", KIND_DOUBLE,
      offsetof (VkCompOptions, window), GST_SECOND, "seconds"},
  {"--drift-tolerance", "vidkompy", "drift-tolerance", KIND_INT,
      offsetof (VkCompOptions, drift_tolerance), GST_MSECOND, "ms"},
  {"--crf", X264, "quantizer", KIND_INT, offsetof (VkCompOptions, crf), 1.0,
      NULL},
  {"--preset", X264, "speed-preset", KIND_STRING,
      offsetof (VkCompOptions, preset)},
};

/* The property @name of the element @factory (a ref on its class in
 * @klass), NULL when the element does not have it (the pipeline's build
 * says so). */
static GParamSpec *
find_property (const gchar * factory, const gchar * name, GObjectClass ** klass)
{
  GstElementFactory *found;
  GstPluginFeature *loaded;
  GType type = G_TYPE_INVALID;

  *klass = NULL;
  if (!vk_cli_check_element (factory))
    return NULL;
  found = gst_element_factory_find (factory);
  loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (found));
  gst_object_unref (found);
  if (loaded) {
    type = gst_element_factory_get_element_type (GST_ELEMENT_FACTORY (loaded));
    gst_object_unref (loaded);
  }
  if (type == G_TYPE_INVALID)
    return NULL;
  *klass = g_type_class_ref (type);
  return g_object_class_find_property (*klass, name);
}

static gboolean
is_given (Kind kind, gconstpointer value)
{
  switch (kind) {
    case KIND_STRING:
      return *(gchar * const *) value != NULL;
    case KIND_INT:
      return *(const gint *) value != VK_UNSET;
    default:
      return !isnan (*(const gdouble *) value);
  }
}

static VkExit
check_values (VkCompOptions * o)
{
  GError *err = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (checks) && err == NULL; i++) {
    gconstpointer value = (const guint8 *) o + checks[i].offset;
    GObjectClass *klass;
    GParamSpec *pspec;

    if (!is_given (checks[i].kind, value))
      continue;
    pspec = find_property (checks[i].factory, checks[i].property, &klass);
    if (klass == NULL)
      return VK_EXIT_FAILED;    /* not installed: said */
    if (pspec == NULL);
    else if (checks[i].kind == KIND_STRING)
      vk_opt_check_enum (pspec, checks[i].option, *(gchar * const *) value,
          &err);
    else
      vk_opt_check_range (pspec, checks[i].option,
          checks[i].kind == KIND_INT ? *(const gint *) value :
          *(const gdouble *) value, checks[i].unit, checks[i].unit_name, &err);
    g_type_class_unref (klass);
  }
  if (err) {
    vk_cli_error ("%s", err->message);
    g_error_free (err);
    return VK_EXIT_USAGE;
  }
  return VK_EXIT_OK;
}

/* What the options say together. */
static VkExit
check_combinations (VkCompOptions * o)
{
  static const gchar *const audio[] = { "fg", "bg", "none", NULL };
  gboolean webm = o->output
      && vk_cli_container_for (o->output) == VK_CONTAINER_WEBM;

  if (!o->bg || !o->fg) {
    vk_cli_error ("comp needs --bg BG and --fg FG (see vidkompy comp --help)");
    return VK_EXIT_USAGE;
  }
  if (o->audio && !g_strv_contains (audio, o->audio)) {
    vk_cli_error ("--audio takes fg, bg or none, not \"%s\"", o->audio);
    return VK_EXIT_USAGE;
  }
  if ((o->x == VK_UNSET) != (o->y == VK_UNSET)) {
    vk_cli_error ("--x and --y go together");
    return VK_EXIT_USAGE;
  }
  if (o->bitrate != VK_UNSET && o->bitrate <= 0) {
    vk_cli_error ("--bitrate takes a positive number of kbit/s, not %d",
        o->bitrate);
    return VK_EXIT_USAGE;
  }
  if (o->crf != VK_UNSET && o->bitrate != VK_UNSET) {
    vk_cli_error ("--crf (constant quality) and --bitrate exclude each other");
    return VK_EXIT_USAGE;
  }
  if ((o->crf != VK_UNSET || o->preset) && (o->video_encoder ?
          !g_str_equal (o->video_encoder, X264) : webm)) {
    vk_cli_error ("--crf and --preset set x264enc's options (H.264: .mp4, "
        ".mkv), not %s's", o->video_encoder ? o->video_encoder : "vp9enc");
    return VK_EXIT_USAGE;
  }
  return VK_EXIT_OK;
}

static VkCompOptions *parsing;  /* the options being parsed */

static gboolean
parse_unscaled (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  if (value == NULL || g_str_equal (value, "yes") || g_str_equal (value,
          "true"))
    parsing->unscaled = TRUE;
  else if (g_str_equal (value, "no") || g_str_equal (value, "false"))
    parsing->unscaled = FALSE;
  else {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--unscaled takes yes or no, not \"%s\"", value);
    return FALSE;
  }
  return TRUE;
}

/* The alignment mode of the job and why: --mode when given (and not
 * auto), else one decode pass of each input (the aligner's streaming mode
 * on the files: it holds the frames of the temporal band only), unless
 * what is asked needs the whole alignment before the render: two passes
 * (global mode: an analysis, then a replay). @why: a phrase for the
 * summary. */
const gchar *
vk_comp_mode (const VkCompOptions * o, const gchar ** why)
{
  if (o->mode && g_strcmp0 (o->mode, "auto") != 0) {
    *why = "--mode";
    return o->mode;
  }
  if (o->alignment || o->use_alignment || o->cache_dir) {
    *why = o->use_alignment ? "--use-alignment reads a whole alignment" :
        o->alignment ? "--alignment writes the whole alignment" :
        "--cache-dir keeps whole alignments";
    return "global";
  }
  *why = "the default for files";
  return "streaming";
}

/* Parses and checks the options of `vidkompy comp` into @o; prints the
 * error. */
VkExit
vk_comp_options_parse (VkCompOptions * o, int argc, char **argv)
{
  GOptionEntry entries[] = {
    {"bg", 0, 0, G_OPTION_ARG_FILENAME, &o->bg,
          "Background video or still image (any format GStreamer decodes)",
        "BG"},
    {"fg", 0, 0, G_OPTION_ARG_FILENAME, &o->fg,
        "Foreground video: every frame of it is in the output", "FG"},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
        "Output file (default {bg-stem}_overlay_{fg-stem}.mp4 in the "
          "current folder; missing folders are made); .mp4/.m4v/.mov: "
          "H.264 + AAC, .mkv: H.264 + AAC, .webm: VP9 + Opus", "OUT"},
    {"x", 0, 0, G_OPTION_ARG_INT, &o->x,
        "fg left edge in the bg, pixels (with --y: no position search; "
          "scale 1.0 unless --scale is given)", "X"},
    {"y", 0, 0, G_OPTION_ARG_INT, &o->y, "fg top edge in the bg, pixels",
        "Y"},
    {"zero-shift", 0, 0, G_OPTION_ARG_NONE, &o->zero_shift,
        "Put the fg at 0,0, unscaled (no position or scale search)", NULL},
    {"scale", 0, 0, G_OPTION_ARG_DOUBLE, &o->scale,
        "bg pixels per fg pixel (default: detect)", "S"},
    {"unscaled", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,
          parse_unscaled, "Prefer scale 1.0 when it fits nearly as well "
          "(yes, the default; --unscaled=no: take the best scale)",
        "yes|no"},
    {"border", 0, 0, G_OPTION_ARG_INT, &o->border,
        "Width of the feathered fg border, pixels (default 0, 8 with "
          "--smooth)", "N"},
    {"smooth", 0, 0, G_OPTION_ARG_NONE, &o->smooth,
        "Smooth (smoothstep) border instead of a linear one", NULL},
    {"match-region", 0, 0, G_OPTION_ARG_STRING, &o->match_region,
        "Compared region: auto, mask (ignore fg bars) or full", "REGION"},
    {"window", 0, 0, G_OPTION_ARG_DOUBLE, &o->window,
        "Half width of the temporal search corridor, seconds (default from "
          "--quality)", "SEC"},
    {"drift-tolerance", 0, 0, G_OPTION_ARG_INT, &o->drift_tolerance,
        "How far the per-frame choice may move from the dense alignment, "
          "ms", "MS"},
    {"quality", 0, 0, G_OPTION_ARG_STRING, &o->quality,
        "fast, balanced (default) or precise: the aligner's preset and the "
          "encoder's speed", "Q"},
    {"mode", 0, 0, G_OPTION_ARG_STRING, &o->mode,
          "Alignment mode: auto (default: streaming, one decode pass of each "
          "input; global with --alignment, --use-alignment or --cache-dir), "
          "global (two passes: analysis, then render) or streaming",
        "MODE"},
    {"alignment", 0, 0, G_OPTION_ARG_FILENAME, &o->alignment,
        "Write the alignment (JSON) to FILE", "FILE"},
    {"use-alignment", 0, 0, G_OPTION_ARG_FILENAME, &o->use_alignment,
        "Read the alignment from FILE instead of analysing", "FILE"},
    {"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->cache_dir,
        "Keep alignments in DIR and reuse them for the same pair", "DIR"},
    {"audio", 0, 0, G_OPTION_ARG_STRING, &o->audio,
        "Audio from fg, bg or none (default: the fg's, else the bg's cut "
          "to the matched start)", "SRC"},
    {"video-encoder", 0, 0, G_OPTION_ARG_STRING, &o->video_encoder,
        "GStreamer video encoder element (default x264enc; vp9enc for "
          ".webm)", "ELEMENT"},
    {"crf", 0, 0, G_OPTION_ARG_INT, &o->crf,
        "x264 constant quality, 0 (lossless) to 50: lower is better and "
          "larger (default 23, as ffmpeg's)", "N"},
    {"preset", 0, 0, G_OPTION_ARG_STRING, &o->preset,
          "x264 speed preset, ultrafast to veryslow (default: ultrafast, "
          "veryfast with --quality precise; ultrafast writes Constrained "
          "Baseline H.264, about 1.5x the size of veryfast's or ffmpeg's "
          "medium)",
        "NAME"},
    {"bitrate", 0, 0, G_OPTION_ARG_INT, &o->bitrate,
        "Video bitrate, kbit/s (default: constant quality)", "KBPS"},
    {"force", 0, 0, G_OPTION_ARG_NONE, &o->force,
        "Composite even when the fg does not seem to be in the bg", NULL},
    {"no-clobber", 'n', 0, G_OPTION_ARG_NONE, &o->no_clobber,
        "Refuse to overwrite an existing output", NULL},
    {"json", 0, 0, G_OPTION_ARG_NONE, &o->json,
          "Print the summary as JSON (and errors: exit-code, error, hint)",
        NULL},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
        "Tell more (the alignment message, warnings' details)", NULL},
    {NULL}
  };
  VkExit r;

  memset (o, 0, sizeof (*o));
  o->x = o->y = o->border = o->drift_tolerance = o->crf = o->bitrate = VK_UNSET;
  o->scale = o->window = NAN;
  o->unscaled = -1;
  parsing = o;
  if (!vk_cli_parse ("comp", "- align and composite a foreground video "
          "onto a background video", "Output: the bg's size (padded to "
          "even with black for H.264), the fg's frame rate and length "
          "(every fg frame at its own time: a variable frame rate fg gives "
          "a variable frame rate output).\n\n" VK_EXIT_CODES_HELP, entries,
          &argc, &argv))
    return VK_EXIT_USAGE;
  if (argc > 1) {
    vk_cli_error ("unexpected argument \"%s\" (inputs go with --bg and "
        "--fg)", argv[1]);
    return VK_EXIT_USAGE;
  }
  if ((r = check_combinations (o)) != VK_EXIT_OK)
    return r;
  return check_values (o);
}

void
vk_comp_options_clear (VkCompOptions * o)
{
  gchar **strings[] = { &o->bg, &o->fg, &o->output, &o->match_region,
    &o->quality, &o->mode, &o->alignment, &o->use_alignment, &o->cache_dir,
    &o->audio, &o->video_encoder, &o->preset
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (strings); i++)
    g_clear_pointer (strings[i], g_free);
}

/* Makes the folder of the output file @out when it is missing; an error
 * naming the folder when it cannot be made or written. */
VkExit
vk_comp_make_output_folder (const gchar * out)
{
  gchar *dir = g_path_get_dirname (out);
  VkExit r = VK_EXIT_OK;

  if (g_mkdir_with_parents (dir, 0777) != 0) {
    vk_cli_error ("cannot make the output folder %s: %s", dir,
        g_strerror (errno));
    r = VK_EXIT_OUTPUT;
  } else if (g_access (dir, W_OK) != 0) {
    vk_cli_error ("cannot write in the output folder %s: %s", dir,
        g_strerror (errno));
    r = VK_EXIT_OUTPUT;
  }
  g_free (dir);
  return r;
}
