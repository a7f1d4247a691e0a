/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: saved alignments (alignment-location, use-alignment,
 * cache-dir). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "gstvidkompyalign-priv.h"

static void render_saved (GstElement * element, gpointer user_data);

/* what identifies the input so far (with @whole: also its frame count and
 * the hash of all its frames); with the lock */
void
gst_vidkompy_align_stream_identity (Stream * s, gboolean whole,
    VkStreamIdentity * id)
{
  memset (id, 0, sizeof (*id));
  id->fps_d = 1;
  if (s->have_info) {
    id->width = GST_VIDEO_INFO_WIDTH (&s->info);
    id->height = GST_VIDEO_INFO_HEIGHT (&s->info);
    id->fps_n = GST_VIDEO_INFO_FPS_N (&s->info);
    id->fps_d = MAX (1, GST_VIDEO_INFO_FPS_D (&s->info));
  }
  id->duration = GST_CLOCK_TIME_IS_VALID (s->duration) ? s->duration :
      VK_TIME_NONE;
  vk_identity_hasher_get (&s->hasher, whole, id);
}

static gboolean
head_ready (Stream * s)
{
  return VK_IN_ENDED (s) || vk_identity_hasher_head_done (&s->hasher);
}

/* Once the first frames of both inputs are fingerprinted: with
 * use-alignment, checks alignment-location against the inputs and renders
 * with it (no analysis); with cache-dir, renders with the cached alignment
 * of the pair when there is one. Returns FALSE after posting an error. */
gboolean
gst_vidkompy_align_maybe_use_saved (GstVidkompyAlign * self)
{
  const gchar *location = self->settings.alignment_location;
  const gchar *dir = self->settings.cache_dir;
  gboolean use = self->settings.use_alignment, ok = TRUE;
  gchar *key, *path = NULL;
  VkStreamIdentity bg, fg;
  VkAlignFileOptions opts;
  VkAlignFile *file = NULL;
  GError *err = NULL;

  if (!use && dir == NULL)
    return TRUE;

  g_mutex_lock (&self->saved_lock);
  g_mutex_lock (&self->lock);
  if (self->preset_state != PRESET_UNCHECKED || self->phase != PHASE_ANALYSIS
      || !(use || dir)
      || !head_ready (&self->bg) || !head_ready (&self->fg)) {
    g_mutex_unlock (&self->lock);
    goto done;
  }
  gst_vidkompy_align_set_preset (self, PRESET_NONE, "looked for once the "
      "inputs' heads are hashed");
  gst_vidkompy_align_stream_identity (&self->bg, FALSE, &bg);
  gst_vidkompy_align_stream_identity (&self->fg, FALSE, &fg);
  g_mutex_unlock (&self->lock);

  file = g_new0 (VkAlignFile, 1);
  if (use && location == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("use-alignment is set but alignment-location is not."), (NULL));
    ok = FALSE;
    goto done;
  } else if (use) {
    path = g_strdup (location);
    if (!vk_align_file_load (path, file, &err)
        || !vk_align_file_check_input (file, TRUE, &bg, FALSE, &err)
        || !vk_align_file_check_input (file, FALSE, &fg, FALSE, &err)) {
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("Cannot use the alignment file \"%s\": %s.", path, err->message),
          ("use-alignment is set"));
      g_error_free (err);
      ok = FALSE;
      goto done;
    }
  } else {
    vk_align_settings_file_options (&self->settings, &opts);
    key = vk_align_cache_key (&bg, &fg, &opts);
    path = g_strdup_printf ("%s%s%s.json", dir, G_DIR_SEPARATOR_S, key);
    g_free (key);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
      GST_INFO_OBJECT (self, "no cached alignment (%s): analysing", path);
      goto miss;
    }
    if (!vk_align_file_load (path, file, &err)
        || !vk_align_file_check_input (file, TRUE, &bg, FALSE, &err)
        || !vk_align_file_check_input (file, FALSE, &fg, FALSE, &err)) {
      GST_WARNING_OBJECT (self, "ignoring the cached alignment %s: %s", path,
          err->message);
      g_clear_error (&err);
      goto miss;
    }
  }

  GST_INFO_OBJECT (self, "using the alignment of %s: analysis skipped", path);
  g_mutex_lock (&self->lock);
  if (self->phase == PHASE_ANALYSIS) {
    self->saved = g_steal_pointer (&file);
    self->saved_path = g_steal_pointer (&path);
    self->source = use ? "file" : "cache";
    gst_vidkompy_align_set_phase (self, PHASE_ALIGNING);
    self->t_analysed = g_get_monotonic_time ();
    gst_vidkompy_align_start_job (self, "vk-render-saved", render_saved, NULL,
        NULL);
  }
  g_mutex_unlock (&self->lock);
  goto done;

miss:
  g_mutex_lock (&self->lock);
  g_free (self->cache_path);
  self->cache_path = g_steal_pointer (&path);
  g_mutex_unlock (&self->lock);

done:
  g_mutex_unlock (&self->saved_lock);
  if (file) {
    vk_align_file_clear (file);
    g_free (file);
  }
  g_free (path);
  return ok;
}

/* Runs in a thread of its own when the alignment was read from a file
 * (use-alignment or cache-dir): takes it as the result, timestamps
 * included, and renders it from the inputs' starts. */
static void
render_saved (GstElement * element, gpointer user_data)
{
  GstVidkompyAlign *self = GST_VIDKOMPY_ALIGN (element);
  VkAlignResult *r = &self->result;
  VkAlignFile *f;
  guint64 *bg_pts;
  guint i;

  g_mutex_lock (&self->lock);
  f = self->saved;
  if (self->phase != PHASE_ALIGNING || f == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  vk_align_result_clear (r);
  r->n_fg = f->fg.n_frames;
  r->map = g_new (guint, r->n_fg);
  r->cost = g_new (gfloat, r->n_fg);
  r->x = self->out_x = f->x;
  r->y = self->out_y = f->y;
  r->scale = self->out_scale = f->scale;
  r->spatial_score = self->spatial_confidence = f->spatial_confidence;
  r->offset = f->offset;
  r->rate = f->rate;
  r->confidence = f->confidence;
  r->inlier_fraction = 1.0;
  r->valid_w = f->fg.width;
  r->valid_h = f->fg.height;
  g_array_set_size (self->fg.pts, r->n_fg);
  g_array_set_size (self->fg.durations, r->n_fg);
  for (i = 0; i < r->n_fg; i++) {
    r->map[i] = f->frames[i].bg_index;
    r->cost[i] = f->frames[i].cost;
    g_array_index (self->fg.pts, GstClockTime, i) = f->frames[i].fg_pts;
    g_array_index (self->fg.durations, GstClockTime, i) =
        f->frames[i].fg_duration;
  }
  bg_pts = vk_align_file_bg_timestamps (f);
  g_array_set_size (self->bg.pts, 0);
  g_array_append_vals (self->bg.pts, bg_pts, f->bg.n_frames);
  g_free (bg_pts);
  vk_align_covered (r, f->bg.n_frames, &r->covered_start, &r->covered_end);

  self->bg_id = f->bg;
  self->fg_id = f->fg;
  self->file_opts = f->options;

  /* the file's frame map as it is: no choice among neighbours */
  gst_vidkompy_align_set_preset (self, PRESET_VERIFYING, self->source);
  gst_vidkompy_align_start_render (self, 0);
  gst_vidkompy_align_set_refined (self);
  gst_vidkompy_align_post_alignment (self, 0.0);
  g_mutex_unlock (&self->lock);
  gst_vidkompy_align_warn_inputs (self, r);

  /* from the starts: every frame is fingerprinted again to check that the
   * inputs are those of the file */
  gst_vidkompy_align_replay (self, self->bg.segment.start,
      self->fg.segment.start);
}

/* Writes the alignment rendered, every frame decided, to
 * alignment-location and to the cache. */
void
gst_vidkompy_align_save_alignment (GstVidkompyAlign * self)
{
  VkAlignResult *r = &self->result;
  VkAlignFile f;
  /* (with use-alignment, the file is the one read) */
  const gchar *location = self->settings.use_alignment ? NULL :
      self->settings.alignment_location;
  gchar *cache_path;
  GError *err = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  cache_path = VK_PRESET (self) ? NULL : g_strdup (self->cache_path);
  if (self->bg.retime.n_retimed > 0 || self->fg.retime.n_retimed > 0) {
    /* its timestamps are not those of the input */
    g_mutex_unlock (&self->lock);
    if (location)
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("The alignment was not written to \"%s\": an input's timestamps "
              "repeat or go backwards, which alignment files cannot "
              "describe.", location), (NULL));
    g_free (cache_path);
    return;
  }
  if (location == NULL && cache_path == NULL) {
    g_mutex_unlock (&self->lock);
    return;
  }
  memset (&f, 0, sizeof (f));
  f.bg = self->bg_id;
  f.fg = self->fg_id;
  f.options = self->file_opts;
  gst_vidkompy_align_out_place (self, &f.x, &f.y, &f.scale,
      &f.spatial_confidence);
  f.offset = r->offset;
  f.rate = r->rate;
  f.confidence = r->confidence;
  f.frames = g_new (VkAlignFileFrame, r->n_fg);
  for (i = 0; i < r->n_fg; i++) {
    guint j = self->decision[i] != G_MAXUINT ? self->decision[i] : r->map[i];

    f.frames[i].fg_pts = g_array_index (self->fg.pts, GstClockTime, i);
    f.frames[i].fg_duration =
        g_array_index (self->fg.durations, GstClockTime, i);
    f.frames[i].bg_index = j;
    f.frames[i].bg_pts = g_array_index (self->bg.pts, GstClockTime, j);
    f.frames[i].cost = r->cost[i];
  }
  g_mutex_unlock (&self->lock);

  if (location) {
    if (vk_align_file_save (&f, location, &err)) {
      GST_INFO_OBJECT (self, "alignment written to %s", location);
    } else {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
          ("Could not write the alignment to \"%s\": %s.", location,
              err->message), (NULL));
      g_clear_error (&err);
    }
  }
  if (cache_path) {
    gchar *dir = g_path_get_dirname (cache_path);

    if (g_mkdir_with_parents (dir, 0755) != 0) {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("Could not create the cache directory \"%s\": %s.", dir,
              g_strerror (errno)), (NULL));
    } else if (vk_align_file_save (&f, cache_path, &err)) {
      GST_INFO_OBJECT (self, "alignment cached in %s", cache_path);
    } else {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("Could not cache the alignment in \"%s\": %s.", cache_path,
              err->message), (NULL));
      g_clear_error (&err);
    }
    g_free (dir);
  }
  g_free (f.frames);
  g_free (cache_path);
}

/* Rendering a saved alignment: fingerprints the frame for the check of
 * the whole input at its end. */
gboolean
gst_vidkompy_align_verify_frame (GstVidkompyAlign * self, Stream * s,
    GstBuffer * buf)
{
  guint8 *fp;
  gint n = s->low_width * s->low_height;

  if (self->preset_state != PRESET_VERIFYING)
    return TRUE;
  fp = g_newa (guint8, n);
  if (!gst_vidkompy_align_frame_fingerprint (self, s, buf, fp))
    return FALSE;
  g_mutex_lock (&self->lock);
  vk_identity_hasher_add (&s->hasher, fp, n);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* Rendering a saved alignment, at the input's end: its frame count and
 * the hash of all its frames must be those of the file (the start was
 * checked before rendering). A cached alignment that fails is removed. */
gboolean
gst_vidkompy_align_verify_input (GstVidkompyAlign * self, Stream * s)
{
  VkStreamIdentity id;
  GError *err = NULL;
  gboolean cached;

  g_mutex_lock (&self->lock);
  if (self->preset_state != PRESET_VERIFYING) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  gst_vidkompy_align_stream_identity (s, TRUE, &id);
  if (vk_align_file_check_input (self->saved, s == &self->bg, &id, TRUE, &err)) {
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (s->sinkpad, "the whole input matches the alignment");
    return TRUE;
  }
  cached = g_strcmp0 (self->source, "cache") == 0;
  if (cached)
    g_unlink (self->saved_path);
  g_mutex_unlock (&self->lock);

  GST_ELEMENT_ERROR (self, STREAM, FAILED,
      ("The alignment %s \"%s\" was not made for these inputs: %s.%s",
          cached ? "in the cache" : "file", self->saved_path, err->message,
          cached ? " It was removed from the cache; run again." : ""), (NULL));
  g_error_free (err);
  return FALSE;
}

/* forgets the saved alignment of the last run; with the lock */
void
gst_vidkompy_align_saved_reset (GstVidkompyAlign * self)
{
  if (self->saved) {
    vk_align_file_clear (self->saved);
    g_clear_pointer (&self->saved, g_free);
  }
  g_clear_pointer (&self->saved_path, g_free);
  g_clear_pointer (&self->cache_path, g_free);
  gst_vidkompy_align_set_preset (self, PRESET_UNCHECKED, "reset");
  gst_vidkompy_align_set_write (self, WRITE_PARTIAL, "reset");
  self->source = "analysis";
}
