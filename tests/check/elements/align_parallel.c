/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The parallel for-loop the element lends its threads to the search with
 * (vkparallel.c): every task runs once, on the caller alone without
 * threads, on several threads with a pool, and loops inside tasks of a loop
 * finish on a pool of one thread (the caller takes the tasks no helper
 * has taken). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "vkparallel.h"

#define N_TASKS 100

typedef struct
{
  gint runs;                    /* atomic */
  GThread *thread;
} Task;

static void
count_run (gpointer data)
{
  Task *t = data;

  g_atomic_int_inc (&t->runs);
  t->thread = g_thread_self ();
}

static void
check_each_once (const VkParallel * par)
{
  Task tasks[N_TASKS] = { {0} };
  gpointer ptrs[N_TASKS];
  guint k;

  for (k = 0; k < N_TASKS; k++)
    ptrs[k] = &tasks[k];
  vk_parallel_for (par, count_run, ptrs, N_TASKS);
  for (k = 0; k < N_TASKS; k++)
    fail_unless_equals_int (g_atomic_int_get (&tasks[k].runs), 1);
}

GST_START_TEST (test_serial)
{
  VkParallel none = { NULL, NULL };
  Task t = { 0 };
  gpointer one = &t;

  check_each_once (NULL);
  check_each_once (&none);
  /* without threads, on the caller's */
  vk_parallel_for (NULL, count_run, &one, 1);
  fail_unless (t.thread == g_thread_self ());
}

GST_END_TEST;

GST_START_TEST (test_pool_each_once)
{
  VkThreadPool *pool = vk_thread_pool_new (3);
  VkParallel par;
  guint k;

  vk_thread_pool_lend (pool, &par);
  for (k = 0; k < 20; k++)
    check_each_once (&par);
  vk_thread_pool_free (pool);
}

GST_END_TEST;

/* two tasks that wait for each other: they finish only when they run at
 * the same time, on two threads */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint arrived;
  gboolean timed_out;
} Meet;

static void
meet (gpointer data)
{
  Meet *m = data;
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&m->lock);
  m->arrived++;
  g_cond_broadcast (&m->cond);
  while (m->arrived < 2)
    if (!g_cond_wait_until (&m->cond, &m->lock, deadline)) {
      m->timed_out = TRUE;
      break;
    }
  g_mutex_unlock (&m->lock);
}

GST_START_TEST (test_pool_runs_at_once)
{
  VkThreadPool *pool = vk_thread_pool_new (1);
  VkParallel par;
  Meet m = { 0 };
  gpointer tasks[2] = { &m, &m };

  g_mutex_init (&m.lock);
  g_cond_init (&m.cond);
  vk_thread_pool_lend (pool, &par);
  vk_parallel_for (&par, meet, tasks, 2);
  fail_if (m.timed_out, "the two tasks did not run at the same time");
  vk_thread_pool_free (pool);
  g_mutex_clear (&m.lock);
  g_cond_clear (&m.cond);
}

GST_END_TEST;

/* a task that runs a loop of its own on the same pool */
typedef struct
{
  const VkParallel *par;
  Task inner[8];
} Outer;

static void
outer_run (gpointer data)
{
  Outer *o = data;
  gpointer ptrs[8];
  guint k;

  for (k = 0; k < 8; k++)
    ptrs[k] = &o->inner[k];
  vk_parallel_for (o->par, count_run, ptrs, 8);
}

GST_START_TEST (test_nested_loops)
{
  /* one thread: the outer loop's helper holds it while its task waits for
   * the inner loop, whose helpers cannot start: the callers take the tasks */
  VkThreadPool *pool = vk_thread_pool_new (1);
  VkParallel par;
  Outer outer[4];
  gpointer ptrs[4];
  guint k, j;

  vk_thread_pool_lend (pool, &par);
  memset (outer, 0, sizeof (outer));
  for (k = 0; k < 4; k++) {
    outer[k].par = &par;
    ptrs[k] = &outer[k];
  }
  vk_parallel_for (&par, outer_run, ptrs, 4);
  for (k = 0; k < 4; k++)
    for (j = 0; j < 8; j++)
      fail_unless_equals_int (g_atomic_int_get (&outer[k].inner[j].runs), 1);
  vk_thread_pool_free (pool);
}

GST_END_TEST;

static Suite *
align_parallel_suite (void)
{
  Suite *s = suite_create ("align_parallel");
  TCase *tc = tcase_create ("parallel");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, test_serial);
  tcase_add_test (tc, test_pool_each_once);
  tcase_add_test (tc, test_pool_runs_at_once);
  tcase_add_test (tc, test_nested_loops);
  return s;
}

GST_CHECK_MAIN (align_parallel);
