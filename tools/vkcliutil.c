/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vkcliutil.h"

/* The file name of @path without folder and without its last extension. */
gchar *
vk_cli_stem (const gchar * path)
{
  gchar *base = g_path_get_basename (path);
  gchar *dot = strrchr (base, '.');

  if (dot && dot != base)
    *dot = '\0';
  return base;
}

/* "{bg-stem}_overlay_{fg-stem}.mp4", in the current folder. */
gchar *
vk_cli_default_output (const gchar * bg, const gchar * fg)
{
  gchar *b = vk_cli_stem (bg), *f = vk_cli_stem (fg);
  gchar *out = g_strdup_printf ("%s_overlay_%s.mp4", b, f);

  g_free (b);
  g_free (f);
  return out;
}

/* The container for the output file name's extension (case-insensitive). */
VkContainer
vk_cli_container_for (const gchar * path)
{
  const gchar *dot = strrchr (path, '.');
  static const struct
  {
    const gchar *ext;
    VkContainer c;
  } exts[] = {
    {".mp4", VK_CONTAINER_MP4}, {".m4v", VK_CONTAINER_MP4},
    {".mov", VK_CONTAINER_MP4}, {".mkv", VK_CONTAINER_MKV},
    {".webm", VK_CONTAINER_WEBM},
  };
  guint i;

  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR))
    return VK_CONTAINER_UNKNOWN;
  for (i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (dot, exts[i].ext) == 0)
      return exts[i].c;
  return VK_CONTAINER_UNKNOWN;
}

/* The temporary name the output is written to: a hidden file in the same
 * folder (so the final rename is atomic), "DIR/.NAME.UNIQUE.part". */
gchar *
vk_cli_temp_name (const gchar * out, guint unique)
{
  gchar *dir = g_path_get_dirname (out), *base = g_path_get_basename (out);
  gchar *name = g_strdup_printf (".%s.%u.part", base, unique);
  gchar *tmp = g_build_filename (dir, name, NULL);

  g_free (dir);
  g_free (base);
  g_free (name);
  return tmp;
}

/* "m:ss", or "h:mm:ss" from an hour on; "--:--" when unknown (< 0). */
gchar *
vk_cli_format_time (gdouble seconds)
{
  guint s;

  if (!(seconds >= 0) || seconds > 1e7)
    return g_strdup ("--:--");
  s = (guint) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

/* Seconds left after @elapsed seconds at @percent done, at the same
 * speed; -1 when not known yet. */
gdouble
vk_cli_eta (gdouble elapsed, gdouble percent)
{
  if (percent <= 0.0 || elapsed <= 0.0)
    return -1.0;
  if (percent >= 100.0)
    return 0.0;
  return elapsed * (100.0 - percent) / percent;
}

/* One progress line: "render    [#####.....]  50%   120 fps  0:04 left".
 * @bar_width 0: no bar (the plain lines written when stderr is not a
 * terminal). */
gchar *
vk_cli_progress_text (const gchar * phase, gdouble percent, gdouble fps,
    gdouble eta, gint bar_width)
{
  GString *s = g_string_new (NULL);
  gchar *left = vk_cli_format_time (eta);
  gdouble p = CLAMP (percent, 0.0, 100.0);

  g_string_append_printf (s, "%-9s", phase);
  if (bar_width > 0) {
    gint full = (gint) floor (p / 100.0 * bar_width + 1e-9), i;

    g_string_append_c (s, '[');
    for (i = 0; i < bar_width; i++)
      g_string_append_c (s, i < full ? '#' : '.');
    g_string_append (s, "] ");
  }
  g_string_append_printf (s, "%3.0f%%  %5.0f fps  %s left", floor (p), fps,
      left);
  g_free (left);
  return g_string_free (s, FALSE);
}

/* Shifts the bg's audio @segment (TIME) so that the bg stream time @offset
 * (the bg time shown at the fg's first frame, may be negative) plays at
 * running time 0, at @rate bg seconds per fg second (the segment's rate:
 * a time-stretching element such as scaletempo downstream makes the sound
 * follow), and cuts it @duration of running time later
 * (GST_CLOCK_TIME_NONE: no cut). Audio before @offset falls outside the
 * segment (clip it); a negative @offset delays the start instead. FALSE
 * for a segment that is not in TIME or a rate <= 0. */
gboolean
vk_cli_shift_segment (GstSegment * segment, gint64 offset, gdouble rate,
    GstClockTime duration)
{
  gint64 p0;

  if (segment->format != GST_FORMAT_TIME || !(rate > 0))
    return FALSE;
  segment->rate = rate;
  /* the position (buffer time) showing stream time @offset */
  p0 = (gint64) segment->start + offset - (gint64) segment->time;
  if (p0 >= (gint64) segment->start) {
    segment->time += p0 - segment->start;
    segment->start = p0;
    segment->base = 0;
  } else {
    segment->base = (guint64) ((segment->start - p0) / rate);
  }
  segment->position = segment->start;
  /* running time (stop - p0) / rate = @duration, both ways */
  if (GST_CLOCK_TIME_IS_VALID (duration)) {
    gint64 stop = MAX (p0 + (gint64) (duration * rate),
        (gint64) segment->start);

    if (!GST_CLOCK_TIME_IS_VALID (segment->stop)
        || stop < (gint64) segment->stop)
      segment->stop = stop;
  }
  return TRUE;
}
