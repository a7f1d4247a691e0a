/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* align_props: the properties of vidkompyalign and of the vidkompy bin
 * that proxies them: quality is a preset that never overrides a window or
 * drift-tolerance set explicitly, whatever the order; times are in
 * nanoseconds; the position is detected unless detect-position is false
 * (x and y have no "detect" value). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#define MS GST_MSECOND

/* @props (gst-launch syntax, in order) set on a new @factory; the window
 * and drift-tolerance it ends with */
static void
set_in_order (const gchar * factory, const gchar * props,
    GstClockTime * window, GstClockTime * drift)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  gchar **kv = g_strsplit (props, " ", -1);
  guint i;

  fail_unless (e != NULL, "no %s element", factory);
  for (i = 0; kv[i]; i++) {
    gchar **pair = g_strsplit (kv[i], "=", 2);

    gst_util_set_object_arg (G_OBJECT (e), pair[0], pair[1]);
    g_strfreev (pair);
  }
  g_object_get (e, "window", window, "drift-tolerance", drift, NULL);
  g_strfreev (kv);
  gst_object_unref (e);
}

static void
check_order (const gchar * factory)
{
  static const struct
  {
    const gchar *props;
    GstClockTime window, drift;
  } cases[] = {
    {"", 2 * GST_SECOND, 150 * MS},
    {"quality=precise", 4 * GST_SECOND, 250 * MS},
    {"quality=fast", GST_SECOND, 80 * MS},
    /* explicit values survive the preset, before or after it */
    {"window=3000000000 quality=fast", 3 * GST_SECOND, 80 * MS},
    {"quality=fast window=3000000000", 3 * GST_SECOND, 80 * MS},
    {"drift-tolerance=40000000 quality=precise", 4 * GST_SECOND, 40 * MS},
    {"quality=precise drift-tolerance=40000000", 4 * GST_SECOND, 40 * MS},
    {"window=500000000 drift-tolerance=0 quality=precise quality=fast",
        500 * MS, 0},
    /* an explicit value equal to the default is explicit too */
    {"window=2000000000 quality=precise", 2 * GST_SECOND, 250 * MS},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstClockTime window, drift;

    set_in_order (factory, cases[i].props, &window, &drift);
    fail_unless_equals_uint64 (window, cases[i].window);
    fail_unless_equals_uint64 (drift, cases[i].drift);
  }
}

GST_START_TEST (test_quality_order)
{
  check_order ("vidkompyalign");
  check_order ("vidkompy");
}

GST_END_TEST;

/* times in nanoseconds, as GStreamer's own properties */
GST_START_TEST (test_time_units)
{
  GstElement *e = gst_element_factory_make ("vidkompyalign", NULL);
  static const gchar *names[] = { "window", "drift-tolerance", "latency" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
        names[i]);

    fail_unless (p != NULL, names[i]);
    fail_unless_equals_int (G_PARAM_SPEC_VALUE_TYPE (p), G_TYPE_UINT64);
    fail_unless (strstr (g_param_spec_get_blurb (p), "ns") != NULL,
        "the description of %s names its unit", names[i]);
  }
  {
    GParamSpecUInt64 *d = (GParamSpecUInt64 *)
        g_object_class_find_property (G_OBJECT_GET_CLASS (e),
        "drift-tolerance");

    fail_unless_equals_uint64 (d->default_value, 150 * MS);
    fail_unless_equals_uint64 (d->maximum, 10 * GST_SECOND);
  }
  gst_object_unref (e);
}

GST_END_TEST;

/* no magic "detect" value: x and y default to 0, take any position
 * (negative: the fg hangs over the bg's edge), and detect-position says
 * whether they are used */
GST_START_TEST (test_detect_position)
{
  static const gchar *factories[] = { "vidkompyalign", "vidkompy" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstElement *e = gst_element_factory_make (factories[i], NULL);
    GObjectClass *k = G_OBJECT_GET_CLASS (e);
    GParamSpecInt *x = (GParamSpecInt *) g_object_class_find_property (k, "x");
    GParamSpecBoolean *d = (GParamSpecBoolean *)
        g_object_class_find_property (k, "detect-position");
    gboolean detect;
    gint v;

    fail_unless (x != NULL && d != NULL, factories[i]);
    fail_unless_equals_int (x->default_value, 0);
    fail_unless (d->default_value);
    g_object_get (e, "detect-position", &detect, "x", &v, NULL);
    fail_unless (detect);
    fail_unless_equals_int (v, 0);
    g_object_set (e, "x", -10, "detect-position", FALSE, NULL);
    g_object_get (e, "detect-position", &detect, "x", &v, NULL);
    fail_if (detect);
    fail_unless_equals_int (v, -10);
    gst_object_unref (e);
  }
}

GST_END_TEST;

static Suite *
align_props_suite (void)
{
  Suite *s = suite_create ("align_props");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_quality_order);
  tcase_add_test (tc, test_time_units);
  tcase_add_test (tc, test_detect_position);
  return s;
}

GST_CHECK_MAIN (align_props);
