/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A parallel for-loop by claiming: the caller and the helpers it spawned
 * take the next task not yet taken until none is left, so the caller never
 * waits for a helper that has not started (a pool whose threads are all
 * busy, or a loop inside a task of another loop, cannot deadlock), and it
 * waits only for the tasks that helpers are running. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vkparallel.h"

typedef struct
{
  VkTaskFunc func;
  gpointer *tasks;
  guint n;
  gint next;                    /* atomic: the next task to take */
  GMutex lock;
  GCond cond;
  guint done;                   /* lock: tasks finished */
} Loop;

static void
loop_clear (gpointer data)
{
  Loop *l = data;

  g_mutex_clear (&l->lock);
  g_cond_clear (&l->cond);
}

/* takes and runs tasks until none is left */
static void
claim (Loop * l)
{
  guint i, ran = 0;

  while ((i = (guint) g_atomic_int_add (&l->next, 1)) < l->n) {
    l->func (l->tasks[i]);
    ran++;
  }
  if (ran == 0)
    return;
  g_mutex_lock (&l->lock);
  l->done += ran;
  if (l->done == l->n)
    g_cond_signal (&l->cond);
  g_mutex_unlock (&l->lock);
}

/* GFunc of a helper: the loop is released after (the caller may be gone) */
static void
helper (gpointer data, gpointer unused)
{
  claim (data);
  g_atomic_rc_box_release_full (data, loop_clear);
}

/**
 * vk_parallel_for:
 * @par: (nullable): the threads lent; %NULL: none
 * @func: the loop's body
 * @tasks: (array length=n): its argument for each iteration
 * @n: the number of iterations
 *
 * Runs @func on each of @tasks, in any order and possibly at once, and
 * returns when all have run. The result must not depend on the order.
 */
void
vk_parallel_for (const VkParallel * par, VkTaskFunc func, gpointer * tasks,
    guint n)
{
  Loop *l;
  guint k;

  if (par == NULL || par->spawn == NULL || n < 2) {
    for (k = 0; k < n; k++)
      func (tasks[k]);
    return;
  }
  l = g_atomic_rc_box_new0 (Loop);
  l->func = func;
  l->tasks = tasks;
  l->n = n;
  g_mutex_init (&l->lock);
  g_cond_init (&l->cond);
  for (k = 1; k < n; k++)
    par->spawn (helper, g_atomic_rc_box_acquire (l), par->user_data);
  claim (l);
  g_mutex_lock (&l->lock);
  while (l->done < l->n)
    g_cond_wait (&l->cond, &l->lock);
  g_mutex_unlock (&l->lock);
  g_atomic_rc_box_release_full (l, loop_clear);
}

/* ------------------------------------------------------------------------ */
/* Threads to lend: a GThreadPool */

struct _VkThreadPool
{
  GThreadPool *pool;
};

/* a function spawned on the pool */
typedef struct
{
  GFunc func;
  gpointer data;
} Spawned;

static void
run_spawned (gpointer item, gpointer unused)
{
  Spawned *s = item;

  s->func (s->data, NULL);
  g_free (s);
}

static void
pool_spawn (GFunc func, gpointer data, gpointer user_data)
{
  VkThreadPool *p = user_data;
  Spawned *s = g_new (Spawned, 1);

  s->func = func;
  s->data = data;
  g_thread_pool_push (p->pool, s, NULL);
}

/**
 * vk_thread_pool_new:
 * @max_threads: threads at most; 0: as many as processors (with the
 *   caller's, one more: tasks of unequal lengths, such as the three samples
 *   of the search on two cores, then share the cores to the end instead of
 *   leaving one idle: 1.5 times as fast as one thread fewer)
 *
 * Threads to lend to vk_parallel_for (), started when needed (from GLib's
 * shared threads) and kept at most @max_threads at once.
 */
VkThreadPool *
vk_thread_pool_new (guint max_threads)
{
  VkThreadPool *p = g_new0 (VkThreadPool, 1);

  if (max_threads == 0)
    max_threads = g_get_num_processors ();
  p->pool = g_thread_pool_new (run_spawned, NULL, (gint) max_threads, FALSE,
      NULL);
  return p;
}

/* Fills @par so that vk_parallel_for () uses @pool's threads. */
void
vk_thread_pool_lend (VkThreadPool * pool, VkParallel * par)
{
  par->spawn = pool_spawn;
  par->user_data = pool;
}

/* Waits for the helpers spawned on @pool to return, and frees it. */
void
vk_thread_pool_free (VkThreadPool * pool)
{
  if (pool == NULL)
    return;
  g_thread_pool_free (pool->pool, FALSE, TRUE);
  g_free (pool);
}
