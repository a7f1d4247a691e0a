/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Option values checked against the element property they set: an enum
 * option takes the nicks of the property's GEnumClass, a number the
 * property's range (converted to the option's unit). The messages name
 * what is allowed. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vkoptcheck.h"

/* a maximum this large (in the option's unit) is no limit a user meets */
#define NO_LIMIT 1e9

/* "a, b or c": the nicks of @pspec's enum. */
gchar *
vk_opt_enum_choices (GParamSpec * pspec)
{
  GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < klass->n_values; i++) {
    if (i > 0)
      g_string_append (s, i + 1 == klass->n_values ? " or " : ", ");
    g_string_append (s, klass->values[i].value_nick);
  }
  return g_string_free (s, FALSE);
}

/* TRUE when @value is a nick of the enum property @pspec. */
gboolean
vk_opt_check_enum (GParamSpec * pspec, const gchar * option,
    const gchar * value, GError ** error)
{
  gchar *choices;

  g_return_val_if_fail (G_IS_PARAM_SPEC_ENUM (pspec), FALSE);
  if (g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (pspec)->enum_class, value))
    return TRUE;
  choices = vk_opt_enum_choices (pspec);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "%s takes %s, not \"%s\"", option, choices, value);
  g_free (choices);
  return FALSE;
}

static gboolean
pspec_range (GParamSpec * pspec, gdouble * min, gdouble * max)
{
  if (G_IS_PARAM_SPEC_INT (pspec)) {
    *min = G_PARAM_SPEC_INT (pspec)->minimum;
    *max = G_PARAM_SPEC_INT (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_UINT (pspec)) {
    *min = G_PARAM_SPEC_UINT (pspec)->minimum;
    *max = G_PARAM_SPEC_UINT (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_INT64 (pspec)) {
    *min = G_PARAM_SPEC_INT64 (pspec)->minimum;
    *max = G_PARAM_SPEC_INT64 (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_UINT64 (pspec)) {
    *min = G_PARAM_SPEC_UINT64 (pspec)->minimum;
    *max = G_PARAM_SPEC_UINT64 (pspec)->maximum;
  } else if (G_IS_PARAM_SPEC_DOUBLE (pspec)) {
    *min = G_PARAM_SPEC_DOUBLE (pspec)->minimum;
    *max = G_PARAM_SPEC_DOUBLE (pspec)->maximum;
  } else {
    return FALSE;
  }
  return TRUE;
}

/* TRUE when @value (in the option's unit: @unit property units per option
 * unit, named @unit_name or NULL) is in the range of the numeric property
 * @pspec. */
gboolean
vk_opt_check_range (GParamSpec * pspec, const gchar * option, gdouble value,
    gdouble unit, const gchar * unit_name, GError ** error)
{
  gdouble min, max;
  gchar *range;

  g_return_val_if_fail (pspec_range (pspec, &min, &max), FALSE);
  if (value * unit >= min && value * unit <= max)
    return TRUE;
  if (max / unit >= NO_LIMIT)
    range = g_strdup_printf ("%g or more", min / unit);
  else
    range = g_strdup_printf ("%g to %g", min / unit, max / unit);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "%s takes %s%s%s, not %g", option, range, unit_name ? " " : "",
      unit_name ? unit_name : "", value);
  g_free (range);
  return FALSE;
}

/* Option names of the Python vidkompy (and of its spec), '_' written
 * '-', and what this command takes instead. */
static const struct
{
  const gchar *name, *hint;
} vidkompy_names[] = {
  {"margin", "did you mean --border?"},
  {"x-shift", "did you mean --x?"},
  {"y-shift", "did you mean --y?"},
  {"engine", "did you mean --match-region (auto, mask or full) or "
        "--quality (fast, balanced or precise)?"},
  {"tolerance", "did you mean --drift-tolerance (ms)?"},
  {"drift-interval", "did you mean --drift-tolerance (ms)?"},
  {"matching-quality", "did you mean --quality?"},
  {"max-keyframes", "did you mean --quality?"},
  {"align-precision", "did you mean --quality? (vidkompy align takes "
        "--precision)"},
  {"spatial-precision", "did you mean --quality? (vidkompy align takes "
        "--precision)"},
  {"precision", "did you mean --quality? (vidkompy align takes "
        "--precision)"},
  {"blend", "did you mean --smooth?"},
  {"gpu", "there is no GPU option: the aligner runs on the CPU (drop it)"},
};

static gboolean
is_entry (const GOptionEntry * entries, const gchar * name)
{
  const GOptionEntry *e;

  for (e = entries; e->long_name; e++)
    if (g_str_equal (e->long_name, name))
      return TRUE;
  return FALSE;
}

/* A hint for the command-line argument @arg ("--name" or "--name=value")
 * when it is not one of @entries: the name with '-' for '_', or what
 * replaces an option of the Python vidkompy. NULL when there is none. */
gchar *
vk_opt_suggest (const gchar * arg, const GOptionEntry * entries)
{
  const gchar *eq;
  gchar *name, *hint = NULL;
  guint i;

  if (!g_str_has_prefix (arg, "--") || arg[2] == '\0')
    return NULL;
  eq = strchr (arg, '=');
  name = eq ? g_strndup (arg + 2, eq - arg - 2) : g_strdup (arg + 2);
  if (is_entry (entries, name)) {
    g_free (name);
    return NULL;
  }
  g_strdelimit (name, "_", '-');
  if (is_entry (entries, name))
    hint = g_strdup_printf ("did you mean --%s?", name);
  for (i = 0; hint == NULL && i < G_N_ELEMENTS (vidkompy_names); i++)
    if (g_str_equal (vidkompy_names[i].name, name))
      hint = g_strdup (vidkompy_names[i].hint);
  g_free (name);
  return hint;
}
