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

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <gst/vidkompy/vidkompy.h>

#include <glib/gstdio.h>

#include "vk-aligncheck.h"

/* Runs vk-mkpair (the VK_MKPAIR environment variable) with @args, writing
 * lossless @dir/@name-{bg,fg}.mp4 and @name-truth.csv. */
void
vk_check_make_pair (const gchar * dir, const gchar * name, const gchar * args)
{
  gchar *cmd, *out = NULL, *err = NULL;
  gint status;

  cmd = g_strdup_printf ("%s --quiet --lossless --outdir %s --name %s %s",
      g_getenv ("VK_MKPAIR"), dir, name, args);
  fail_unless (g_spawn_command_line_sync (cmd, &out, &err, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s: %s", cmd, err);
  g_free (cmd);
  g_free (out);
  g_free (err);
}

/* how long to wait for the next frame of a pipeline: 30 s, 90 s under the
 * sanitizers (VK_TEST_SANITIZED), whose runs beside the rest of the suite
 * can take longer than 30 s to the first frame of the global mode */
static GstClockTime
patience (void)
{
  return (g_getenv ("VK_TEST_SANITIZED") ? 90 : 30) * GST_SECOND;
}

/* The buffers of @appsink, waiting @timeout at most for each */
static GArray *
pull (GstElement * appsink, GstClockTime timeout)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (VkOutFrame));
  GstSample *s;

  while ((s = gst_app_sink_try_pull_sample (GST_APP_SINK (appsink), timeout))) {
    GstBuffer *b = gst_sample_get_buffer (s);
    GstVidkompyAlignmentMeta *m = gst_buffer_get_vidkompy_alignment_meta (b);
    VkOutFrame f;

    fail_unless (m != NULL, "output buffer without alignment meta");
    f.pts = GST_BUFFER_PTS (b);
    f.duration = GST_BUFFER_DURATION (b);
    f.fg_index = m->fg_index;
    f.bg_index = m->bg_index;
    f.bg_pts = m->bg_pts;
    f.x = m->x;
    f.y = m->y;
    f.scale = m->scale;
    f.cost = m->cost;
    g_array_append_val (frames, f);
    gst_sample_unref (s);
  }
  return frames;
}

/* Every buffer of @appsink until EOS (30 s at most between two), as
 * VkOutFrame; fails on a buffer without the alignment meta or without
 * EOS. */
GArray *
vk_check_pull_all (GstElement * appsink)
{
  GArray *frames = pull (appsink, patience ());

  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (appsink)), "no EOS");
  return frames;
}

/* The buffers @appsink holds now (after an EOS or an error of the
 * pipeline), as VkOutFrame. */
GArray *
vk_check_pull_queued (GstElement * appsink)
{
  return pull (appsink, 0);
}

static gpointer
pull_thread (gpointer appsink)
{
  return vk_check_pull_all (appsink);
}

/* vk_check_pull_all() in a thread of its own (each output of
 * vidkompyalign has its own streaming thread); g_thread_join() returns the
 * array. */
GThread *
vk_check_pull_in_thread (GstElement * appsink)
{
  return g_thread_new ("vk-pull", pull_thread, appsink);
}

/* A checksum of the luma of every frame of @path, to tell bg frames that
 * show identical content (sources at a lower frame rate repeat frames). */
GPtrArray *
vk_check_frame_checksums (const gchar * path)
{
  GPtrArray *sums = g_ptr_array_new_with_free_func (g_free);
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin ! "
      "videoconvert ! video/x-raw,format=GRAY8 ! appsink name=s sync=false",
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "s");
  GstSample *sample;

  gst_element_set_state (p, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              patience ()))) {
    GstMapInfo map;

    gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
    g_ptr_array_add (sums, g_compute_checksum_for_data (G_CHECKSUM_MD5,
            map.data, map.size));
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
    gst_sample_unref (sample);
  }
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_free (desc);
  return sums;
}

/* Every frame of @path, decoded to I420, with the luma checksums */
VkClip *
vk_check_clip_decode (const gchar * path)
{
  VkClip *c = g_new0 (VkClip, 1);
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin ! "
      "videoconvert ! video/x-raw,format=I420 ! appsink name=s sync=false",
      path);
  GstElement *p = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "s");
  GstSample *sample;

  c->frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  c->sums = vk_check_frame_checksums (path);
  gst_element_set_state (p, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
              patience ()))) {
    if (c->caps == NULL)
      c->caps = gst_caps_ref (gst_sample_get_caps (sample));
    g_ptr_array_add (c->frames, gst_buffer_ref (gst_sample_get_buffer
            (sample)));
    gst_sample_unref (sample);
  }
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)));
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_free (desc);
  fail_unless (c->frames->len > 0 && c->caps != NULL);
  return c;
}

void
vk_check_clip_free (VkClip * c)
{
  g_ptr_array_unref (c->frames);
  g_ptr_array_unref (c->sums);
  gst_caps_unref (c->caps);
  g_free (c);
}

/* TRUE when bg frames @a and @b (indices into @sums) show the same picture */
gboolean
vk_check_same_content (GPtrArray * sums, guint64 a, guint64 b)
{
  return a == b || (a < sums->len && b < sums->len
      && g_str_equal (g_ptr_array_index (sums, a),
          g_ptr_array_index (sums, b)));
}

/* A temporary directory for the pairs of one test */
gchar *
vk_check_tmpdir_new (void)
{
  gchar *dir = g_dir_make_tmp ("vk-align-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

/* Removes @dir and its files, frees @dir */
void
vk_check_tmpdir_remove (gchar * dir)
{
  const gchar *name;
  GDir *d = g_dir_open (dir, 0, NULL);

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (dir, name, NULL);

    g_remove (p);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  fail_unless (g_rmdir (dir) == 0);
  g_free (dir);
}

/* Links every video pad decodebin adds (again after each NULL -> PLAYING:
 * the delayed links of gst_parse_launch () are made only once) to the sink
 * pad @user_data. */
static void
decoder_pad_added (GstElement * dec, GstPad * pad, gpointer user_data)
{
  GstPad *sinkpad = user_data;
  GstCaps *caps = gst_pad_query_caps (pad, NULL);

  if (g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps,
                  0)), "video/") && !gst_pad_is_linked (sinkpad))
    fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_caps_unref (caps);
}

/* the decoder @dec feeds @sinkpad_name of @target */
void
vk_check_link_decoder (GstElement * pipeline, const gchar * dec,
    const gchar * target, const gchar * sinkpad_name)
{
  GstElement *d = gst_bin_get_by_name (GST_BIN (pipeline), dec);
  GstElement *t = gst_bin_get_by_name (GST_BIN (pipeline), target);
  GstPad *sinkpad;

  fail_unless (d && t);
  sinkpad = gst_element_get_static_pad (t, sinkpad_name);
  fail_unless (sinkpad != NULL);
  g_signal_connect_data (d, "pad-added", G_CALLBACK (decoder_pad_added),
      sinkpad, (GClosureNotify) (void (*)(void)) gst_object_unref, 0);
  gst_object_unref (d);
  gst_object_unref (t);
}

/* Fails unless @st, a vidkompy-alignment message, has every documented
 * field with its type, and @mode ("global" or "streaming"): the same fields
 * in both modes (one builder, vkalignmsg.c). */
void
vk_check_alignment_fields (const GstStructure * st, const gchar * mode)
{
  static const struct
  {
    const gchar *name;
    GType type;
  } fields[] = {
    {"mode", G_TYPE_STRING}, {"stage", G_TYPE_STRING},
    {"source", G_TYPE_STRING}, {"analysed", G_TYPE_DOUBLE},
    {"x", G_TYPE_INT}, {"y", G_TYPE_INT}, {"scale", G_TYPE_DOUBLE},
    {"width", G_TYPE_INT}, {"height", G_TYPE_INT},
    {"bg-offset", G_TYPE_INT64}, {"rate", G_TYPE_DOUBLE},
    {"confidence", G_TYPE_DOUBLE}, {"spatial-confidence", G_TYPE_DOUBLE},
    {"region-x", G_TYPE_INT}, {"region-y", G_TYPE_INT},
    {"region-width", G_TYPE_INT}, {"region-height", G_TYPE_INT},
    {"frames-matched", G_TYPE_UINT}, {"bg-frames", G_TYPE_UINT},
    {"analysis-time", G_TYPE_DOUBLE}, {"alignment-time", G_TYPE_DOUBLE},
    {"refine-time", G_TYPE_DOUBLE},
  };
  gint w = 0, h = 0;
  guint k;

  fail_unless (gst_structure_has_name (st, "vidkompy-alignment"));
  for (k = 0; k < G_N_ELEMENTS (fields); k++)
    fail_unless (gst_structure_has_field_typed (st, fields[k].name,
            fields[k].type), "%s: no %s field of type %s in %" GST_PTR_FORMAT,
        mode, fields[k].name, g_type_name (fields[k].type), st);
  fail_unless_equals_string (gst_structure_get_string (st, "mode"), mode);
  fail_unless (gst_structure_get_int (st, "region-width", &w)
      && gst_structure_get_int (st, "region-height", &h) && w > 0 && h > 0,
      "%s: empty region in %" GST_PTR_FORMAT, mode, st);
  if (g_str_equal (gst_structure_get_string (st, "stage"), "final")) {
    fail_unless (gst_structure_has_field_typed (st, "fg-frames-before-bg",
            G_TYPE_UINT) && gst_structure_has_field_typed (st,
            "fg-frames-after-bg", G_TYPE_UINT)
        && gst_structure_has_field_typed (st, "retimed-frames", G_TYPE_UINT),
        "%s: final without the frame counts: %" GST_PTR_FORMAT, mode, st);
  }
}
