/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy comp`'s progress line (a bar on a terminal, a line every 10 %
 * otherwise) and its summary (a table, or JSON with --json), from the
 * final vidkompy-alignment message. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "vkcomp.h"

#define BAR_WIDTH 30

static gdouble
now_s (Comp * c, gint64 since)
{
  return (g_get_monotonic_time () - since) / 1e6;
}

void
vk_comp_end_line (Comp * c)
{
  if (c->line_open) {
    g_printerr ("\n");
    c->line_open = FALSE;
  }
}

static void
show_progress (Comp * c, const gchar * phase, gdouble percent, gdouble fps,
    gdouble elapsed)
{
  gint idx = c->phase == PHASE_ANALYSIS ? 0 : 1;
  gchar *text;

  if (c->o->json && !c->tty)
    return;
  if (c->tty) {
    text = vk_cli_progress_text (phase, percent, fps,
        vk_cli_eta (elapsed, percent), BAR_WIDTH);
    g_printerr ("\r%s\033[K", text);
    c->line_open = TRUE;
  } else {
    /* plain lines, every 10 % */
    if ((gint) (percent / 10) <= c->last_plain[idx] && percent < 100.0)
      return;
    if (percent >= 100.0 && c->last_plain[idx] >= 10)
      return;
    c->last_plain[idx] = (gint) (percent / 10);
    text = vk_cli_progress_text (phase, percent, fps,
        vk_cli_eta (elapsed, percent), 0);
    g_printerr ("%s\n", text);
  }
  g_free (text);
}

/* the progress line, every TICK_MS */
gboolean
vk_comp_tick (gpointer user_data)
{
  Comp *c = user_data;

  if (c->phase == PHASE_ANALYSIS) {
    gdouble t = now_s (c, c->t_start);

    show_progress (c, "analysis", c->an_percent, t > 0 ? c->an_frames / t :
        0, t);
  } else if (c->phase == PHASE_RENDER) {
    gdouble t = now_s (c, c->t_render);
    gint n = g_atomic_int_get (&c->frames_out);
    GstClockTime done;

    g_mutex_lock (&c->lock);
    done = c->time_out;
    g_mutex_unlock (&c->lock);
    show_progress (c, "render", GST_CLOCK_TIME_IS_VALID (c->fgp.duration)
        && c->fgp.duration > 0 ? MIN (100.0, 100.0 * done /
            c->fgp.duration) : 0, t > 0 ? n / t : 0, t);
  }
  return G_SOURCE_CONTINUE;
}

static gdouble
field_double (const GstStructure * s, const gchar * name)
{
  gdouble d = 0;

  if (s)
    gst_structure_get_double (s, name, &d);
  return d;
}

static gint
field_int (const GstStructure * s, const gchar * name)
{
  gint i = 0;

  if (s)
    gst_structure_get_int (s, name, &i);
  return i;
}

static guint
field_uint (const GstStructure * s, const gchar * name)
{
  guint u = 0;

  if (s)
    gst_structure_get_uint (s, name, &u);
  return u;
}

/* The fg frames the bg does not show (it starts late or ends early) and
 * those whose timestamps were retimed: a line of the summary when any */
static void
print_coverage (const GstStructure * s, gint frames)
{
  guint before = field_uint (s, "fg-frames-before-bg");
  guint after = field_uint (s, "fg-frames-after-bg");
  guint retimed = field_uint (s, "retimed-frames");

  if (before > 0)
    printf ("coverage:     the bg starts late: the first %u of %d fg frames "
        "show its first frame\n", before, frames);
  if (after > 0)
    printf ("coverage:     the bg ends early: the last %u of %d fg frames "
        "show its last frame\n", after, frames);
  if (retimed > 0)
    printf ("retimed:      %u fg frames whose timestamps repeat or go "
        "backwards\n", retimed);
}

void
vk_comp_print_summary (Comp * c)
{
  const GstStructure *s = c->alignment;
  gint64 offset = 0;
  guint matched = 0;
  gdouble render = (c->t_end - c->t_render) / 1e6;
  gdouble total = (c->t_end - c->t_start) / 1e6;
  gint frames = g_atomic_int_get (&c->frames_out);
  gchar *rate;

  if (s) {
    gst_structure_get_int64 (s, "bg-offset", &offset);
    gst_structure_get_uint (s, "frames-matched", &matched);
  }
  if (c->o->json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    vk_json_string (b, "output", c->out);
    vk_json_int (b, "x", field_int (s, "x"));
    vk_json_int (b, "y", field_int (s, "y"));
    vk_json_double (b, "scale", field_double (s, "scale"));
    vk_json_int (b, "width", field_int (s, "width"));
    vk_json_int (b, "height", field_int (s, "height"));
    vk_json_double (b, "bg-offset", offset / (gdouble) GST_SECOND);
    vk_json_double (b, "rate", field_double (s, "rate"));
    vk_json_double (b, "confidence", field_double (s, "confidence"));
    vk_json_double (b, "spatial-confidence", field_double (s,
            "spatial-confidence"));
    vk_json_int (b, "frames", frames);
    vk_json_int (b, "frames-matched", matched);
    vk_json_int (b, "fg-frames-before-bg", field_uint (s,
            "fg-frames-before-bg"));
    vk_json_int (b, "fg-frames-after-bg", field_uint (s, "fg-frames-after-bg"));
    vk_json_int (b, "retimed-frames", field_uint (s, "retimed-frames"));
    vk_json_string (b, "audio", c->audio_from ? c->audio_from : "none");
    vk_json_string (b, "mode", c->mode);
    vk_json_double (b, "analysis-time", (c->t_render - c->t_start) / 1e6);
    vk_json_double (b, "alignment-time", field_double (s, "alignment-time"));
    vk_json_double (b, "render-time", render);
    vk_json_double (b, "total-time", total);
    json_builder_end_object (b);
    vk_cli_print_json (b);
    return;
  }
  printf ("output:       %s\n", c->out);
  printf ("position:     %d, %d\n", field_int (s, "x"), field_int (s, "y"));
  printf ("scale:        %.4f (the fg covers %dx%d bg pixels)\n",
      field_double (s, "scale"), field_int (s, "width"),
      field_int (s, "height"));
  printf ("start offset: %.3f s (bg time at the fg's first frame)\n",
      offset / (gdouble) GST_SECOND);
  printf ("rate:         %.4f (bg time per fg time)\n",
      field_double (s, "rate"));
  printf ("confidence:   %.2f (spatial %.2f)\n",
      field_double (s, "confidence"), field_double (s, "spatial-confidence"));
  rate = vk_probe_rate_text (&c->fgp);
  printf ("frames:       %d written, %u matched, %dx%d at %s\n", frames,
      matched, c->out_w, c->out_h, rate);
  g_free (rate);
  print_coverage (s, frames);
  printf ("audio:        %s\n", c->audio_from ? c->audio_from : "none");
  printf ("mode:         %s (%s; %s)\n", c->mode,
      g_strcmp0 (c->mode, "global") == 0 ? "two decode passes" :
      "one decode pass", c->mode_why);
  printf ("time:         analysis %.1f s (alignment %.1f s of it), render "
      "%.1f s, total %.1f s\n", (c->t_render - c->t_start) / 1e6,
      field_double (s, "alignment-time") + field_double (s, "refine-time"),
      render, total);
}
