/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vk-docgen: the element reference, generated from the built plugins.
 *
 *   vk-docgen --plugin-dir build/gst --messages-dir docs/reference/messages \
 *       --json docs/gst_plugins_cache.json --markdown-dir docs/reference
 *
 * Loads every plugin library found under --plugin-dir (recursively, in
 * name order), introspects each element factory of those plugins and
 * writes
 *  - the plugins cache JSON in the schema of upstream GStreamer's
 *    gst_plugins_cache.json (as written by gst-plugins-doc-cache-generator:
 *    keys sorted, 4-space indent), and
 *  - one Markdown page per element, <markdown-dir>/<element>.md, with pad
 *    templates and caps, properties, pad properties, enums, signals and the
 *    hand-written messages section <messages-dir>/<element>.md.
 *
 * The output is deterministic: every list is sorted and property defaults
 * are the GParamSpec defaults (not values read from an instance, which may
 * depend on the machine). See docs/reference/README.md.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <gst/gst.h>
#include <json-glib/json-glib.h>

/* ---------- JSON output, formatted like Python's json.dump (indent=4,
 * sort_keys=True, ensure_ascii=False), so the file is byte-identical to what
 * upstream's cache generator would write for the same data ---------- */

static void
json_write_string (GString * out, const gchar * s)
{
  /* escaped as Python's json module does with ensure_ascii=False */
  static const gchar special[] = "\"\\\n\r\t\b\f", letter[] = "\"\\nrtbf";

  g_string_append_c (out, '"');
  for (; *s; s++) {
    guchar c = (guchar) * s;
    const gchar *sp = c ? strchr (special, c) : NULL;

    if (sp)
      g_string_append_printf (out, "\\%c", letter[sp - special]);
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, (gchar) c);
  }
  g_string_append_c (out, '"');
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

/* The member names of @obj, sorted; free with g_ptr_array_unref(). */
static GPtrArray *
sorted_members (JsonObject * obj)
{
  GList *members = json_object_get_members (obj), *l;
  GPtrArray *names = g_ptr_array_new ();

  for (l = members; l; l = l->next)
    g_ptr_array_add (names, l->data);
  g_list_free (members);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

static void
json_write_indent (GString * out, guint depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth * 4; i++)
    g_string_append_c (out, ' ');
}

static void
json_write_node (GString * out, JsonNode * node, guint depth)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_OBJECT:{
      JsonObject *obj = json_node_get_object (node);
      GPtrArray *names = sorted_members (obj);

      if (names->len == 0) {
        g_string_append (out, "{}");
      } else {
        g_string_append_c (out, '{');
        for (guint i = 0; i < names->len; i++) {
          const gchar *name = g_ptr_array_index (names, i);

          json_write_indent (out, depth + 1);
          json_write_string (out, name);
          g_string_append (out, ": ");
          json_write_node (out, json_object_get_member (obj, name), depth + 1);
          if (i + 1 < names->len)
            g_string_append_c (out, ',');
        }
        json_write_indent (out, depth);
        g_string_append_c (out, '}');
      }
      g_ptr_array_unref (names);
      break;
    }
    case JSON_NODE_ARRAY:{
      JsonArray *arr = json_node_get_array (node);
      guint n = json_array_get_length (arr);

      if (n == 0) {
        g_string_append (out, "[]");
        break;
      }
      g_string_append_c (out, '[');
      for (guint i = 0; i < n; i++) {
        json_write_indent (out, depth + 1);
        json_write_node (out, json_array_get_element (arr, i), depth + 1);
        if (i + 1 < n)
          g_string_append_c (out, ',');
      }
      json_write_indent (out, depth);
      g_string_append_c (out, ']');
      break;
    }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      else
        json_write_string (out, json_node_get_string (node));
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
  }
}

/* ---------- introspection into the cache schema ---------- */

static JsonObject *
object_member (JsonObject * parent, const gchar * name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

static gchar *
format_double (gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof (buf), "%g", v));
}

/* Caps as upstream's cache shows them: "name:\n" then one "%15s: value\n"
 * line per field ("(string)" dropped from format and rate lists). */
static gchar *
caps_to_doc_string (const GstCaps * caps)
{
  GString *s;

  if (gst_caps_is_any (caps))
    return g_strdup ("ANY");
  if (gst_caps_is_empty (caps))
    return g_strdup ("EMPTY");

  s = g_string_new (NULL);
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    const GstStructure *st = gst_caps_get_structure (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (caps, i);

    if (f && (gst_caps_features_is_any (f) || !gst_caps_features_is_equal (f,
                GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY))) {
      gchar *fs = gst_caps_features_to_string (f);

      g_string_append_printf (s, "%s%s(%s):\n", i ? "\n" : "",
          gst_structure_get_name (st), fs);
      g_free (fs);
    } else {
      g_string_append_printf (s, "%s:\n", gst_structure_get_name (st));
    }
    for (gint k = 0; k < gst_structure_n_fields (st); k++) {
      const gchar *field = gst_structure_nth_field_name (st, k);
      gchar *v = gst_value_serialize (gst_structure_get_value (st, field));

      if (!strcmp (field, "format") || !strcmp (field, "rate")) {
        gchar **parts = g_strsplit (v, "(string)", -1);

        g_free (v);
        v = g_strjoinv ("", parts);
        g_strfreev (parts);
      }
      g_string_append_printf (s, "%15s: %s\n", field, v);
      g_free (v);
    }
  }
  return g_string_free (s, FALSE);
}

/* "enum-nick (value)" / "a+b" / "(none)", as upstream. */
static gchar *
enum_or_flags_to_string (GType type, const GValue * v)
{
  if (G_TYPE_IS_ENUM (type)) {
    GEnumClass *klass = g_type_class_ref (type);
    GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (v));
    gchar *s = g_strdup_printf ("%s (%d)", ev ? ev->value_nick : "",
        g_value_get_enum (v));

    g_type_class_unref (klass);
    return s;
  } else {
    GFlagsClass *klass = g_type_class_ref (type);
    guint flags = g_value_get_flags (v);
    GString *s = g_string_new (NULL);

    for (guint i = 0; i < klass->n_values; i++)
      if (klass->values[i].value == flags) {
        g_string_assign (s, klass->values[i].value_nick);
        goto done;
      }
    for (gint i = (gint) klass->n_values - 1; i >= 0 && flags; i--) {
      guint fv = klass->values[i].value;

      if (fv && (flags & fv) == fv) {
        g_string_append_printf (s, "%s%s", s->len ? "+" : "",
            klass->values[i].value_nick);
        flags &= ~fv;
      }
    }
    if (s->len == 0)
      g_string_assign (s, "(none)");
  done:
    g_type_class_unref (klass);
    return g_string_free (s, FALSE);
  }
}

#define SET_RANGE(o, fmt, def, min, max) G_STMT_START {                   \
    gchar *d_ = g_strdup_printf (fmt, def), *lo_ = g_strdup_printf (fmt, min), \
        *hi_ = g_strdup_printf (fmt, max);                                 \
    json_object_set_string_member (o, "default", d_);                      \
    json_object_set_string_member (o, "min", lo_);                         \
    json_object_set_string_member (o, "max", hi_);                         \
    g_free (d_); g_free (lo_); g_free (hi_);                               \
  } G_STMT_END

/* default, min and max of @spec into @o */
static void
add_property_values (JsonObject * o, GParamSpec * spec)
{
  GValue v = G_VALUE_INIT;
  GType t = spec->value_type;

  g_value_init (&v, t);
  g_param_value_set_default (spec, &v);

  if (t == G_TYPE_STRING) {
    const gchar *s = g_value_get_string (&v);

    json_object_set_string_member (o, "default", s ? s : "NULL");
  } else if (t == G_TYPE_BOOLEAN) {
    json_object_set_string_member (o, "default",
        g_value_get_boolean (&v) ? "true" : "false");
  } else if (t == G_TYPE_INT) {
    GParamSpecInt *p = G_PARAM_SPEC_INT (spec);

    SET_RANGE (o, "%d", g_value_get_int (&v), p->minimum, p->maximum);
  } else if (t == G_TYPE_UINT) {
    GParamSpecUInt *p = G_PARAM_SPEC_UINT (spec);

    SET_RANGE (o, "%u", g_value_get_uint (&v), p->minimum, p->maximum);
  } else if (t == G_TYPE_INT64) {
    GParamSpecInt64 *p = G_PARAM_SPEC_INT64 (spec);

    SET_RANGE (o, "%" G_GINT64_FORMAT, g_value_get_int64 (&v), p->minimum,
        p->maximum);
  } else if (t == G_TYPE_UINT64) {
    GParamSpecUInt64 *p = G_PARAM_SPEC_UINT64 (spec);

    SET_RANGE (o, "%" G_GUINT64_FORMAT, g_value_get_uint64 (&v), p->minimum,
        p->maximum);
  } else if (t == G_TYPE_DOUBLE || t == G_TYPE_FLOAT) {
    gdouble def, lo, hi;
    gchar *s;

    if (t == G_TYPE_DOUBLE) {
      GParamSpecDouble *p = G_PARAM_SPEC_DOUBLE (spec);

      def = g_value_get_double (&v);
      lo = p->minimum;
      hi = p->maximum;
    } else {
      GParamSpecFloat *p = G_PARAM_SPEC_FLOAT (spec);

      def = g_value_get_float (&v);
      lo = p->minimum;
      hi = p->maximum;
    }
    json_object_set_string_member (o, "default", s = format_double (def));
    g_free (s);
    json_object_set_string_member (o, "min", s = format_double (lo));
    g_free (s);
    json_object_set_string_member (o, "max", s = format_double (hi));
    g_free (s);
  } else if (G_TYPE_IS_ENUM (t) || G_TYPE_IS_FLAGS (t)) {
    gchar *s = enum_or_flags_to_string (t, &v);

    json_object_set_string_member (o, "default", s);
    g_free (s);
  } else if (GST_IS_PARAM_SPEC_FRACTION (spec)) {
    GstParamSpecFraction *p = GST_PARAM_SPEC_FRACTION (spec);
    gchar *s;

    s = g_strdup_printf ("%d/%d", gst_value_get_fraction_numerator (&v),
        gst_value_get_fraction_denominator (&v));
    json_object_set_string_member (o, "default", s);
    g_free (s);
    s = g_strdup_printf ("%d/%d", p->min_num, p->min_den);
    json_object_set_string_member (o, "min", s);
    g_free (s);
    s = g_strdup_printf ("%d/%d", p->max_num, p->max_den);
    json_object_set_string_member (o, "max", s);
    g_free (s);
  } else if (t == GST_TYPE_CAPS && gst_value_get_caps (&v)) {
    gchar *s = gst_caps_to_string (gst_value_get_caps (&v));

    json_object_set_string_member (o, "default", s);
    g_free (s);
  }
  g_value_unset (&v);
}

static void add_type (JsonObject * other_types, GType type);

/* The properties of @klass owned by @owner (not inherited ones), as the
 * cache's "properties" object; plugin-API value types go to @other_types. */
static JsonObject *
properties_json (GObjectClass * klass, GType owner, JsonObject * other_types)
{
  JsonObject *props = json_object_new ();
  guint n;
  GParamSpec **specs = g_object_class_list_properties (klass, &n);

  for (guint i = 0; i < n; i++) {
    GParamSpec *spec = specs[i];
    JsonObject *o;
    const gchar *mutable;

    if (spec->owner_type != owner)
      continue;
    o = json_object_new ();
    json_object_set_string_member (o, "blurb",
        g_param_spec_get_blurb (spec) ? g_param_spec_get_blurb (spec) : "");
    json_object_set_boolean_member (o, "construct",
        !!(spec->flags & G_PARAM_CONSTRUCT));
    json_object_set_boolean_member (o, "construct-only",
        !!(spec->flags & G_PARAM_CONSTRUCT_ONLY));
    json_object_set_boolean_member (o, "controllable",
        !!(spec->flags & GST_PARAM_CONTROLLABLE));
    json_object_set_boolean_member (o, "conditionally-available",
        !!(spec->flags & GST_PARAM_CONDITIONALLY_AVAILABLE));
    json_object_set_boolean_member (o, "readable",
        !!(spec->flags & G_PARAM_READABLE));
    json_object_set_boolean_member (o, "writable",
        !!(spec->flags & G_PARAM_WRITABLE));
    if (spec->flags & GST_PARAM_MUTABLE_PLAYING)
      mutable = "playing";
    else if (spec->flags & GST_PARAM_MUTABLE_PAUSED)
      mutable = "paused";
    else if (spec->flags & GST_PARAM_MUTABLE_READY)
      mutable = "ready";
    else
      mutable = "null";
    json_object_set_string_member (o, "mutable", mutable);
    json_object_set_string_member (o, "type", g_type_name (spec->value_type));
    add_property_values (o, spec);
    add_type (other_types, spec->value_type);
    json_object_set_object_member (props, spec->name, o);
  }
  g_free (specs);
  return props;
}

static const gchar *
signal_when (GSignalFlags f)
{
  if (f & G_SIGNAL_RUN_FIRST)
    return "first";
  if (f & G_SIGNAL_RUN_LAST)
    return "last";
  if (f & G_SIGNAL_RUN_CLEANUP)
    return "cleanup";
  return NULL;
}

static JsonObject *
signals_json (GType type, JsonObject * other_types)
{
  JsonObject *sigs = json_object_new ();
  guint n, *ids = g_signal_list_ids (type, &n);

  for (guint i = 0; i < n; i++) {
    GSignalQuery q;
    JsonObject *o = json_object_new ();
    JsonArray *args = json_array_new ();
    const gchar *when;

    g_signal_query (ids[i], &q);
    for (guint j = 0; j < q.n_params; j++) {
      JsonObject *a = json_object_new ();
      gchar *name = g_strdup_printf ("arg%u", j);
      GType pt = q.param_types[j] & ~G_SIGNAL_TYPE_STATIC_SCOPE;

      json_object_set_string_member (a, "name", name);
      json_object_set_string_member (a, "type", g_type_name (pt));
      json_array_add_object_element (args, a);
      add_type (other_types, pt);
      g_free (name);
    }
    json_object_set_array_member (o, "args", args);
    json_object_set_string_member (o, "return-type",
        g_type_name (q.return_type & ~G_SIGNAL_TYPE_STATIC_SCOPE));
    if ((when = signal_when (q.signal_flags)))
      json_object_set_string_member (o, "when", when);
    if (q.signal_flags & G_SIGNAL_NO_RECURSE)
      json_object_set_boolean_member (o, "no-recurse", TRUE);
    if (q.signal_flags & G_SIGNAL_DETAILED)
      json_object_set_boolean_member (o, "detailed", TRUE);
    if (q.signal_flags & G_SIGNAL_ACTION)
      json_object_set_boolean_member (o, "action", TRUE);
    if (q.signal_flags & G_SIGNAL_NO_HOOKS)
      json_object_set_boolean_member (o, "no-hooks", TRUE);
    json_object_set_object_member (sigs, q.signal_name, o);
  }
  g_free (ids);
  return sigs;
}

static JsonArray *
hierarchy_json (GType type)
{
  JsonArray *h = json_array_new ();

  for (GType t = type; t; t = g_type_parent (t))
    json_array_add_string_element (h, g_type_name (t));
  return h;
}

/* "hierarchy", "interfaces", "properties", "signals" of @type (an object
 * whose class is @klass) into @o; empty members are left out, as upstream */
static void
add_object_details (JsonObject * o, GType type, JsonObject * other_types)
{
  GObjectClass *klass = g_type_class_ref (type);
  JsonObject *props, *sigs;
  guint n_ifaces;
  GType *ifaces = g_type_interfaces (type, &n_ifaces);

  json_object_set_array_member (o, "hierarchy", hierarchy_json (type));
  for (GType t = type; t; t = g_type_parent (t))
    add_type (other_types, t);
  if (n_ifaces) {
    JsonArray *a = json_array_new ();

    for (guint i = 0; i < n_ifaces; i++)
      json_array_add_string_element (a, g_type_name (ifaces[i]));
    json_object_set_array_member (o, "interfaces", a);
  }
  g_free (ifaces);

  props = properties_json (klass, type, other_types);
  if (json_object_get_size (props))
    json_object_set_object_member (o, "properties", props);
  else
    json_object_unref (props);
  sigs = signals_json (type, other_types);
  if (json_object_get_size (sigs))
    json_object_set_object_member (o, "signals", sigs);
  else
    json_object_unref (sigs);
  g_type_class_unref (klass);
}

/* one enum or flags value, as upstream's cache lists it */
static void
add_value (JsonArray * values, const gchar * name, const gchar * nick,
    gchar * num)
{
  JsonObject *v = json_object_new ();

  json_object_set_string_member (v, "desc", name);
  json_object_set_string_member (v, "name", nick);
  json_object_set_string_member (v, "value", num);
  json_array_add_object_element (values, v);
  g_free (num);
}

static void
add_enum_values (JsonObject * o, GType type)
{
  JsonArray *values = json_array_new ();

  if (G_TYPE_IS_ENUM (type)) {
    GEnumClass *k = g_type_class_ref (type);

    json_object_set_string_member (o, "kind", "enum");
    for (guint i = 0; i < k->n_values; i++)
      add_value (values, k->values[i].value_name, k->values[i].value_nick,
          g_strdup_printf ("%d", k->values[i].value));
    g_type_class_unref (k);
  } else {
    GFlagsClass *k = g_type_class_ref (type);

    json_object_set_string_member (o, "kind", "flags");
    for (guint i = 0; i < k->n_values; i++)
      add_value (values, k->values[i].value_name, k->values[i].value_nick,
          g_strdup_printf ("0x%08x", k->values[i].value));
    g_type_class_unref (k);
  }
  json_object_set_array_member (o, "values", values);
}

/* A plugin-API type (gst_type_mark_as_plugin_api()) into "other-types",
 * once, as upstream does. */
static void
add_type (JsonObject * other_types, GType type)
{
  GstPluginAPIFlags api_flags;
  const gchar *name = g_type_name (type);
  JsonObject *o;

  if (!name || json_object_has_member (other_types, name) ||
      !gst_type_is_plugin_api (type, &api_flags))
    return;
  o = object_member (other_types, name);
  if (G_TYPE_IS_ENUM (type) || G_TYPE_IS_FLAGS (type)) {
    if (G_TYPE_IS_ENUM (type) &&
        (api_flags & GST_PLUGIN_API_FLAG_IGNORE_ENUM_MEMBERS)) {
      json_object_set_string_member (o, "kind", "enum");
      json_object_set_boolean_member (o, "ignore-enum-members", TRUE);
    } else {
      add_enum_values (o, type);
    }
  } else if (g_type_is_a (type, G_TYPE_OBJECT) || G_TYPE_IS_INTERFACE (type)) {
    json_object_set_string_member (o, "kind",
        G_TYPE_IS_INTERFACE (type) ? "interface" : "object");
    if (!G_TYPE_IS_INTERFACE (type))
      add_object_details (o, type, other_types);
  }
}

static const gchar *
rank_name (guint rank, gchar buf[32])
{
  static const guint ranks[] = { GST_RANK_NONE, GST_RANK_MARGINAL,
    GST_RANK_SECONDARY, GST_RANK_PRIMARY
  };
  static const gchar *names[] = { "none", "marginal", "secondary", "primary" };
  guint best = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ranks); i++) {
    if (rank == ranks[i])
      return names[i];
    if (ABS ((gint) rank - (gint) ranks[i]) <
        ABS ((gint) rank - (gint) ranks[best]))
      best = i;
  }
  g_snprintf (buf, 32, "%s %c %d", names[best],
      rank > ranks[best] ? '+' : '-', ABS ((gint) rank - (gint) ranks[best]));
  return buf;
}

static const gchar *
direction_name (GstPadDirection d)
{
  return d == GST_PAD_SRC ? "src" : d == GST_PAD_SINK ? "sink" : "unknown";
}

static const gchar *
presence_name (GstPadPresence p)
{
  return p == GST_PAD_ALWAYS ? "always" : p == GST_PAD_SOMETIMES ?
      "sometimes" : p == GST_PAD_REQUEST ? "request" : "unknown";
}

static JsonObject *
pad_templates_json (GstElementFactory * factory, GstElementClass * eklass,
    JsonObject * other_types)
{
  JsonObject *pads = json_object_new ();
  const GList *l;

  for (l = gst_element_factory_get_static_pad_templates (factory); l;
      l = l->next) {
    GstStaticPadTemplate *st = l->data;
    GstPadTemplate *tmpl = gst_element_class_get_pad_template (eklass,
        st->name_template);
    GstCaps *caps = gst_pad_template_get_documentation_caps (tmpl);
    gchar *caps_str = caps_to_doc_string (caps);
    gchar **parts = g_strsplit (st->name_template, "%", -1);
    gchar *name = g_strjoinv ("%%", parts);
    JsonObject *o = json_object_new ();
    GType pad_type = GST_PAD_TEMPLATE_GTYPE (tmpl);

    json_object_set_string_member (o, "caps", caps_str);
    json_object_set_string_member (o, "direction",
        direction_name (st->direction));
    json_object_set_string_member (o, "presence", presence_name (st->presence));
    if (pad_type != G_TYPE_NONE && pad_type != GST_TYPE_PAD) {
      json_object_set_string_member (o, "type", g_type_name (pad_type));
      add_type (other_types, pad_type);
    }
    json_object_set_object_member (pads, name, o);
    gst_caps_unref (caps);
    g_free (caps_str);
    g_free (name);
    g_strfreev (parts);
  }
  return pads;
}

static JsonObject *
element_json (GstElementFactory * factory, JsonObject * other_types)
{
  JsonObject *o = json_object_new ();
  GstElementClass *eklass;
  GType type;
  gchar **keys, rank_buf[32];
  JsonObject *pads;
  const gchar *fname = GST_OBJECT_NAME (factory);

  /* loads the plugin and registers the type */
  factory = GST_ELEMENT_FACTORY (gst_plugin_feature_load (GST_PLUGIN_FEATURE
          (factory)));
  if (!factory || !(type = gst_element_factory_get_element_type (factory)))
    g_error ("vk-docgen: cannot load the element %s", fname);
  eklass = g_type_class_ref (type);

  json_object_set_string_member (o, "rank",
      rank_name (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (factory)),
          rank_buf));
  keys = gst_element_factory_get_metadata_keys (factory);
  for (gchar ** k = keys; k && *k; k++)
    json_object_set_string_member (o, *k,
        gst_element_factory_get_metadata (factory, *k));
  g_strfreev (keys);
  add_object_details (o, type, other_types);
  pads = pad_templates_json (factory, eklass, other_types);
  if (json_object_get_size (pads))
    json_object_set_object_member (o, "pad-templates", pads);
  else
    json_object_unref (pads);
  g_type_class_unref (eklass);
  gst_object_unref (factory);
  return o;
}

static gint
compare_features (gconstpointer a, gconstpointer b)
{
  return strcmp (GST_OBJECT_NAME (a), GST_OBJECT_NAME (b));
}

static JsonObject *
plugin_json (GstPlugin * plugin, const gchar * path)
{
  JsonObject *o = json_object_new ();
  JsonObject *elements = json_object_new ();
  JsonObject *other_types = json_object_new ();
  GList *features, *l;
  gchar *base = g_path_get_basename (path), *dot = strchr (base, '.');

  if (dot)
    *dot = '\0';
  json_object_set_string_member (o, "description",
      gst_plugin_get_description (plugin));
  json_object_set_string_member (o, "filename",
      g_str_has_prefix (base, "lib") ? base + 3 : base);
  json_object_set_string_member (o, "license", gst_plugin_get_license (plugin));
  json_object_set_string_member (o, "package", gst_plugin_get_package (plugin));
  json_object_set_string_member (o, "source", gst_plugin_get_source (plugin));
  json_object_set_string_member (o, "url", gst_plugin_get_origin (plugin));
  g_free (base);

  features = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      gst_plugin_get_name (plugin));
  features = g_list_sort (features, compare_features);
  for (l = features; l; l = l->next) {
    if (GST_IS_ELEMENT_FACTORY (l->data) &&
        !gst_element_factory_get_skip_documentation (l->data))
      json_object_set_object_member (elements, GST_OBJECT_NAME (l->data),
          element_json (l->data, other_types));
  }
  json_object_set_object_member (o, "elements", elements);
  json_object_set_object_member (o, "tracers", json_object_new ());
  for (l = features; l; l = l->next)
    if (GST_IS_TRACER_FACTORY (l->data))
      json_object_set_object_member (json_object_get_object_member (o,
              "tracers"), GST_OBJECT_NAME (l->data), json_object_new ());
  json_object_set_object_member (o, "other-types", other_types);
  gst_plugin_feature_list_free (features);
  return o;
}

/* ---------- Markdown ---------- */

/* Markdown table cell text: no newlines, pipes escaped */
static void
md_cell (GString * out, const gchar * s)
{
  for (; s && *s; s++) {
    if (*s == '|')
      g_string_append (out, "\\|");
    else if (*s == '\n')
      g_string_append_c (out, ' ');
    else
      g_string_append_c (out, *s);
  }
}

static const gchar *
str_member (JsonObject * o, const gchar * name)
{
  return json_object_has_member (o, name) ?
      json_object_get_string_member (o, name) : NULL;
}

static void
md_enum_values (GString * out, GType type)
{
  GEnumClass *k;

  if (!G_TYPE_IS_ENUM (type) && !G_TYPE_IS_FLAGS (type))
    return;
  g_string_append_printf (out, "\n`%s` (%s):\n\n| value | nick | meaning |\n"
      "| --- | --- | --- |\n", g_type_name (type),
      G_TYPE_IS_ENUM (type) ? "enum" : "flags");
  if (G_TYPE_IS_ENUM (type)) {
    k = g_type_class_ref (type);
    for (guint i = 0; i < k->n_values; i++) {
      g_string_append_printf (out, "| %d | `%s` | ", k->values[i].value,
          k->values[i].value_nick);
      md_cell (out, k->values[i].value_name);
      g_string_append (out, " |\n");
    }
    g_type_class_unref (k);
  } else {
    GFlagsClass *f = g_type_class_ref (type);

    for (guint i = 0; i < f->n_values; i++) {
      g_string_append_printf (out, "| 0x%08x | `%s` | ", f->values[i].value,
          f->values[i].value_nick);
      md_cell (out, f->values[i].value_name);
      g_string_append (out, " |\n");
    }
    g_type_class_unref (f);
  }
}

static void
md_properties (GString * out, JsonObject * props)
{
  GPtrArray *names = sorted_members (props);
  GPtrArray *enum_types = g_ptr_array_new ();

  g_string_append (out, "| name | type | range | default | flags | "
      "description |\n| --- | --- | --- | --- | --- | --- |\n");
  for (guint i = 0; i < names->len; i++) {
    const gchar *name = g_ptr_array_index (names, i);
    JsonObject *p = json_object_get_object_member (props, name);
    const gchar *type = str_member (p, "type"), *def = str_member (p,
        "default");
    GString *flags = g_string_new (NULL);

    g_string_append (flags, json_object_get_boolean_member (p, "readable") ?
        "r" : "");
    g_string_append (flags, json_object_get_boolean_member (p, "writable") ?
        "w" : "");
    if (json_object_get_boolean_member (p, "construct-only"))
      g_string_append (flags, ", construct-only");
    if (json_object_get_boolean_member (p, "controllable"))
      g_string_append (flags, ", controllable");
    if (strcmp (str_member (p, "mutable"), "null"))
      g_string_append_printf (flags, ", changeable in %s",
          str_member (p, "mutable"));

    g_string_append_printf (out, "| `%s` | `%s` | ", name, type);
    if (str_member (p, "min"))
      g_string_append_printf (out, "%s – %s", str_member (p, "min"),
          str_member (p, "max"));
    g_string_append (out, " | ");
    if (def) {
      g_string_append (out, "`");
      md_cell (out, def);
      g_string_append (out, "`");
    }
    g_string_append_printf (out, " | %s | ", flags->str);
    md_cell (out, str_member (p, "blurb"));
    g_string_append (out, " |\n");
    g_string_free (flags, TRUE);
    if (G_TYPE_IS_ENUM (g_type_from_name (type)) ||
        G_TYPE_IS_FLAGS (g_type_from_name (type)))
      g_ptr_array_add (enum_types, (gpointer) type);
  }
  g_ptr_array_sort (enum_types, compare_strings);
  for (guint i = 0; i < enum_types->len; i++)
    if (i == 0 || strcmp (g_ptr_array_index (enum_types, i),
            g_ptr_array_index (enum_types, i - 1)))
      md_enum_values (out, g_type_from_name (g_ptr_array_index (enum_types,
                  i)));
  g_ptr_array_unref (enum_types);
  g_ptr_array_unref (names);
}

/* Properties @type inherits from its parents below GstObject (names and
 * owners only: they are documented upstream). */
static void
md_inherited_properties (GString * out, GType type, GType stop)
{
  GObjectClass *klass = g_type_class_ref (type);
  guint n;
  GParamSpec **specs = g_object_class_list_properties (klass, &n);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    if (specs[i]->owner_type != type && !g_type_is_a (stop,
            specs[i]->owner_type))
      g_ptr_array_add (lines, g_strdup_printf ("`%s` (%s)", specs[i]->name,
              g_type_name (specs[i]->owner_type)));
  g_ptr_array_sort (lines, compare_strings);
  if (lines->len) {
    g_string_append (out, "\nInherited (documented upstream): ");
    for (guint i = 0; i < lines->len; i++)
      g_string_append_printf (out, "%s%s", i ? ", " : "",
          (gchar *) g_ptr_array_index (lines, i));
    g_string_append (out, ".\n");
  }
  g_ptr_array_unref (lines);
  g_free (specs);
  g_type_class_unref (klass);
}

static void
md_signals (GString * out, JsonObject * sigs)
{
  GPtrArray *names = sorted_members (sigs);

  g_string_append (out, "| signal | arguments | returns | flags |\n"
      "| --- | --- | --- | --- |\n");
  for (guint i = 0; i < names->len; i++) {
    const gchar *name = g_ptr_array_index (names, i);
    JsonObject *s = json_object_get_object_member (sigs, name);
    JsonArray *args = json_object_get_array_member (s, "args");

    g_string_append_printf (out, "| `%s` | ", name);
    for (guint j = 0; j < json_array_get_length (args); j++)
      g_string_append_printf (out, "%s`%s`", j ? ", " : "",
          str_member (json_array_get_object_element (args, j), "type"));
    g_string_append_printf (out, " | `%s` | %s%s |\n",
        str_member (s, "return-type"),
        json_object_has_member (s, "action") ? "action, " : "",
        str_member (s, "when") ? str_member (s, "when") : "");
  }
  g_ptr_array_unref (names);
}

static gchar *
md_element (const gchar * name, JsonObject * el, JsonObject * plugin,
    const gchar * plugin_name, const gchar * messages_dir)
{
  GString *out = g_string_new (NULL);
  JsonObject *pads = json_object_has_member (el, "pad-templates") ?
      json_object_get_object_member (el, "pad-templates") : NULL;
  JsonArray *h = json_object_get_array_member (el, "hierarchy");
  GType type = g_type_from_name (json_array_get_string_element (h, 0));
  gchar *msg_path, *messages = NULL;

  g_string_append_printf (out, "# %s\n\n<!-- Generated by vk-docgen from the "
      "built plugin; do not edit: run scripts/update-docs.sh "
      "(messages: docs/reference/messages/%s.md). -->\n\n", name, name);
  md_cell (out, str_member (el, "description"));
  g_string_append_printf (out, ".\n\n| | |\n| --- | --- |\n"
      "| long name | %s |\n| klass | `%s` |\n| rank | %s |\n"
      "| plugin | `%s` (`%s`), %s, %s |\n| author | ",
      str_member (el, "long-name"), str_member (el, "klass"),
      str_member (el, "rank"), plugin_name, str_member (plugin, "filename"),
      str_member (plugin, "package"), str_member (plugin, "license"));
  md_cell (out, str_member (el, "author"));
  g_string_append (out, " |\n| hierarchy | ");
  for (guint i = 0; i < json_array_get_length (h); i++)
    g_string_append_printf (out, "%s`%s`", i ? " → " : "",
        json_array_get_string_element (h, i));
  g_string_append (out, " |\n");
  if (json_object_has_member (el, "interfaces")) {
    JsonArray *ifs = json_object_get_array_member (el, "interfaces");

    g_string_append (out, "| interfaces | ");
    for (guint i = 0; i < json_array_get_length (ifs); i++)
      g_string_append_printf (out, "%s`%s`", i ? ", " : "",
          json_array_get_string_element (ifs, i));
    g_string_append (out, " |\n");
  }

  g_string_append_printf (out, "\n```sh\ngst-inspect-1.0 %s\n```\n", name);

  g_string_append (out, "\n## Pad templates\n\n");
  if (pads) {
    GPtrArray *names = sorted_members (pads);

    g_string_append (out, "| pad | direction | presence | pad type |\n"
        "| --- | --- | --- | --- |\n");
    for (guint i = 0; i < names->len; i++) {
      JsonObject *p = json_object_get_object_member (pads,
          g_ptr_array_index (names, i));

      g_string_append_printf (out, "| `%s` | %s | %s | %s%s%s |\n",
          (gchar *) g_ptr_array_index (names, i), str_member (p, "direction"),
          str_member (p, "presence"), str_member (p, "type") ? "`" : "",
          str_member (p, "type") ? str_member (p, "type") : "GstPad",
          str_member (p, "type") ? "`" : "");
    }
    for (guint i = 0; i < names->len; i++) {
      JsonObject *p = json_object_get_object_member (pads,
          g_ptr_array_index (names, i));

      g_string_append_printf (out, "\n`%s` caps:\n\n```text\n%s```\n",
          (gchar *) g_ptr_array_index (names, i), str_member (p, "caps"));
    }
    g_ptr_array_unref (names);
  } else {
    g_string_append (out, "None.\n");
  }

  g_string_append (out, "\n## Properties\n\n");
  if (json_object_has_member (el, "properties"))
    md_properties (out, json_object_get_object_member (el, "properties"));
  else
    g_string_append (out, "None of its own.\n");
  md_inherited_properties (out, type, GST_TYPE_ELEMENT);

  /* properties of the pads' own types */
  if (pads) {
    GPtrArray *names = sorted_members (pads);
    GHashTable *done = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < names->len; i++) {
      JsonObject *p = json_object_get_object_member (pads,
          g_ptr_array_index (names, i));
      const gchar *ptype = str_member (p, "type");
      GObjectClass *pk;
      JsonObject *scratch, *props;

      /* only the plugin's own pad types (base classes are upstream's) */
      if (!ptype || g_hash_table_contains (done, ptype) ||
          !gst_type_is_plugin_api (g_type_from_name (ptype), NULL))
        continue;
      g_hash_table_add (done, (gpointer) ptype);
      g_string_append_printf (out, "\n## Pad properties: `%s`\n\n"
          "On the pads of type `%s` (", ptype, ptype);
      for (guint j = 0, n = 0; j < names->len; j++)
        if (!g_strcmp0 (str_member (json_object_get_object_member (pads,
                        g_ptr_array_index (names, j)), "type"), ptype))
          g_string_append_printf (out, "%s`%s`", n++ ? ", " : "",
              (gchar *) g_ptr_array_index (names, j));
      g_string_append (out, "); set them with `ELEMENT.PAD::property=value`"
          " in gst-launch-1.0.\n\n");
      pk = g_type_class_ref (g_type_from_name (ptype));
      scratch = json_object_new ();
      props = properties_json (pk, g_type_from_name (ptype), scratch);
      md_properties (out, props);
      md_inherited_properties (out, g_type_from_name (ptype), GST_TYPE_PAD);
      json_object_unref (props);
      json_object_unref (scratch);
      g_type_class_unref (pk);
    }
    g_hash_table_unref (done);
    g_ptr_array_unref (names);
  }

  g_string_append (out, "\n## Signals\n\n");
  if (json_object_has_member (el, "signals"))
    md_signals (out, json_object_get_object_member (el, "signals"));
  else
    g_string_append (out, "None of its own.\n");

  g_string_append (out, "\n## Messages\n\n");
  msg_path = g_strdup_printf ("%s/%s.md", messages_dir, name);
  if (messages_dir && g_file_get_contents (msg_path, &messages, NULL, NULL)) {
    g_strstrip (messages);
    g_string_append_printf (out, "%s\n", messages);
  } else {
    g_printerr ("vk-docgen: warning: no messages section for %s (%s)\n",
        name, msg_path);
    g_string_append (out, "None documented.\n");
  }
  g_free (messages);
  g_free (msg_path);
  return g_string_free (out, FALSE);
}

/* ---------- main ---------- */

static void
find_plugins (const gchar * dir, GPtrArray * files)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (!d)
    return;
  while ((name = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, name, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_DIR) &&
        !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
      find_plugins (path, files);
    else if (g_str_has_prefix (name, "libgst") &&
        g_str_has_suffix (name, "." G_MODULE_SUFFIX)) {
      g_ptr_array_add (files, path);
      continue;
    }
    g_free (path);
  }
  g_dir_close (d);
}

static gboolean
write_file (const gchar * path, const gchar * contents)
{
  GError *err = NULL;

  if (!g_file_set_contents (path, contents, -1, &err)) {
    g_printerr ("vk-docgen: %s\n", err->message);
    g_error_free (err);
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  gchar *plugin_dir = NULL, *messages_dir = NULL, *json_path = NULL,
      *md_dir = NULL;
  GOptionEntry entries[] = {
    {"plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &plugin_dir,
        "Directory searched (recursively) for plugin libraries", "DIR"},
    {"messages-dir", 0, 0, G_OPTION_ARG_FILENAME, &messages_dir,
        "Directory of the hand-written messages sections, ELEMENT.md", "DIR"},
    {"json", 0, 0, G_OPTION_ARG_FILENAME, &json_path,
        "Write the plugins cache JSON here", "FILE"},
    {"markdown-dir", 0, 0, G_OPTION_ARG_FILENAME, &md_dir,
        "Write one Markdown page per element here", "DIR"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- write the element reference");
  GError *err = NULL;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  JsonObject *cache = json_object_new ();
  JsonNode *root;
  GString *json;
  gint ret = 0, n_elements = 0;

  setlocale (LC_ALL, "C");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || !plugin_dir) {
    g_printerr ("vk-docgen: %s\n", err ? err->message :
        "--plugin-dir is required");
    return 2;
  }
  g_option_context_free (ctx);
  gst_init (NULL, NULL);

  find_plugins (plugin_dir, files);
  g_ptr_array_sort (files, compare_strings);
  if (files->len == 0) {
    g_printerr ("vk-docgen: no plugin (libgst*.%s) under %s\n",
        G_MODULE_SUFFIX, plugin_dir);
    return 1;
  }
  if (md_dir)
    g_mkdir_with_parents (md_dir, 0755);

  for (guint i = 0; i < files->len; i++) {
    const gchar *path = g_ptr_array_index (files, i);
    GstPlugin *plugin = gst_plugin_load_file (path, &err);
    JsonObject *pj, *elements;
    GList *names, *l;

    if (!plugin) {
      g_printerr ("vk-docgen: cannot load %s: %s\n", path, err->message);
      return 1;
    }
    pj = plugin_json (plugin, path);
    json_object_set_object_member (cache, gst_plugin_get_name (plugin), pj);
    elements = json_object_get_object_member (pj, "elements");
    names = json_object_get_members (elements);
    for (l = names; l && md_dir; l = l->next) {
      gchar *md = md_element (l->data, json_object_get_object_member (elements,
              l->data), pj, gst_plugin_get_name (plugin), messages_dir);
      gchar *md_path = g_strdup_printf ("%s/%s.md", md_dir,
          (gchar *) l->data);

      if (!write_file (md_path, md))
        ret = 1;
      n_elements++;
      g_free (md_path);
      g_free (md);
    }
    g_list_free (names);
    gst_object_unref (plugin);
  }

  root = json_node_init_object (json_node_alloc (), cache);
  json = g_string_new (NULL);
  json_write_node (json, root, 0);
  if (json_path && !write_file (json_path, json->str))
    ret = 1;
  g_print ("vk-docgen: %u plugins, %d element pages\n", files->len, n_elements);

  g_string_free (json, TRUE);
  json_node_unref (root);
  json_object_unref (cache);
  g_ptr_array_unref (files);
  return ret;
}
