/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkparallel: a parallel for-loop for the pure code, which never starts
 * threads itself: the caller (the element) lends it threads, or none. */

#ifndef __VK_PARALLEL_H__
#define __VK_PARALLEL_H__

#include <glib.h>

G_BEGIN_DECLS typedef void (*VkTaskFunc) (gpointer task);

/**
 * VkParallel:
 * @spawn: runs @func (@data) on another thread, now or once one is free
 *   (a thread pool's push); %NULL: every task runs on the calling thread
 * @user_data: for @spawn
 *
 * The threads a computation may use besides its own.
 */
typedef struct
{
  void (*spawn) (GFunc func, gpointer data, gpointer user_data);
  gpointer user_data;
} VkParallel;

void vk_parallel_for (const VkParallel * par, VkTaskFunc func,
    gpointer * tasks, guint n);

typedef struct _VkThreadPool VkThreadPool;

VkThreadPool *vk_thread_pool_new (guint max_threads);
void vk_thread_pool_lend (VkThreadPool * pool, VkParallel * par);
void vk_thread_pool_free (VkThreadPool * pool);

G_END_DECLS

#endif /* __VK_PARALLEL_H__ */
