/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vidkompyalign: its worker thread, on which the jobs run one after the
 * other (the alignment, the estimates during the analysis, the render of a
 * saved alignment, a streaming seek queued before both inputs had caps),
 * and the threads it lends to the search (vkparallel.h). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign-priv.h"

typedef struct
{
  GstVidkompyAlign *self;
  const gchar *name;
  GstElementCallAsyncFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Job;

static void
run_job (gpointer data, gpointer unused)
{
  Job *job = data;

  GST_DEBUG_OBJECT (job->self, "job %s starts", job->name);
  job->func (GST_ELEMENT (job->self), job->data);
  if (job->destroy)
    job->destroy (job->data);
  GST_DEBUG_OBJECT (job->self, "job %s done", job->name);
  g_free (job);
}

/* Queues @func (@data) on the worker, which runs the jobs in their order;
 * a stop waits for them (see gst_vidkompy_align_join_jobs ()). Takes only
 * worker_lock (the last of the locks): callable with any other held. */
void
gst_vidkompy_align_start_job (GstVidkompyAlign * self, const gchar * name,
    GstElementCallAsyncFunc func, gpointer data, GDestroyNotify destroy)
{
  Job *job = g_new (Job, 1);

  job->self = self;
  job->name = name;
  job->func = func;
  job->data = data;
  job->destroy = destroy;
  g_mutex_lock (&self->worker_lock);
  if (self->worker == NULL)
    self->worker = g_thread_pool_new (run_job, NULL, 1, TRUE, NULL);
  GST_DEBUG_OBJECT (self, "job %s queued", name);
  g_thread_pool_push (self->worker, job, NULL);
  g_mutex_unlock (&self->worker_lock);
}

/* VkStreamConfig.run_job: the streaming mode's searches on the worker */
void
gst_vidkompy_align_run_job (GstElement * element, const gchar * name,
    GstElementCallAsyncFunc func, gpointer data)
{
  gst_vidkompy_align_start_job (GST_VIDKOMPY_ALIGN (element), name, func,
      data, NULL);
}

/* Waits for the jobs, which return soon once the phase is PHASE_DONE (they
 * check it after each step that takes time), and ends the worker. Without
 * the lock. */
void
gst_vidkompy_align_join_jobs (GstVidkompyAlign * self)
{
  GThreadPool *worker;

  g_mutex_lock (&self->worker_lock);
  worker = g_steal_pointer (&self->worker);
  g_mutex_unlock (&self->worker_lock);
  if (worker == NULL)
    return;
  g_thread_pool_free (worker, FALSE, TRUE);
  GST_DEBUG_OBJECT (self, "worker joined");
}

/* The alignment options of this run, with the threads the search may
 * use. */
void
gst_vidkompy_align_options (GstVidkompyAlign * self, VkAlignOptions * opts)
{
  vk_align_settings_options (&self->settings, opts);
  vk_thread_pool_lend (self->helpers, &opts->parallel);
}
