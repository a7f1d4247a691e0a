/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkguard: the outputs of `vidkompy comp` never replace an input or a
 * special file, and SIGINT/SIGTERM always end the run.
 *
 * The signals are watched by a thread of its own: the main loop, where the
 * command stops the pipeline, does not run while the pipeline is being
 * stopped, so a stop that blocked (a streaming thread stuck in a file it
 * should not have opened, an element that never returns) could not be
 * interrupted. The first signal asks the main loop to stop the run as
 * usual; if the process has not ended VK_GUARD_STOP_GRACE_S seconds later,
 * or on a second signal, the guard removes the temporary output and exits
 * with 130 at once. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "vkcli.h"
#include "vkfilesafe.h"
#include "vkguard.h"

struct _VkGuard
{
  GMainContext *context;        /* the guard thread's */
  GMainLoop *loop;
  GThread *thread;
  GSourceFunc on_signal;
  gpointer user_data;
  gint signals;                 /* atomic: signals received */
  GMutex lock;
  gchar *temp;                  /* removed on a forced exit */
};

static void
force_exit (VkGuard * g, const gchar * why)
{
  g_mutex_lock (&g->lock);
  if (g->temp)
    g_unlink (g->temp);
  g_mutex_unlock (&g->lock);
  g_printerr ("\nvidkompy: %s: exiting now\n", why);
  _exit (VK_EXIT_INTERRUPTED);
}

static gboolean
grace_over (gpointer user_data)
{
  force_exit (user_data, "stopping took more than "
      G_STRINGIFY (VK_GUARD_STOP_GRACE_S) " s");
  return G_SOURCE_REMOVE;
}

/* in the main context: the command's own stop, once */
static gboolean
ask_stop (gpointer user_data)
{
  VkGuard *g = user_data;

  g->on_signal (g->user_data);
  return G_SOURCE_REMOVE;
}

static void
attach (GMainContext * context, GSource * source, GSourceFunc func,
    gpointer data)
{
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  VkGuard *g = user_data;

  if (g_atomic_int_add (&g->signals, 1) > 0)
    force_exit (g, "interrupted again");
  attach (g_main_context_default (), g_idle_source_new (), ask_stop, g);
  attach (g->context, g_timeout_source_new_seconds (VK_GUARD_STOP_GRACE_S),
      grace_over, g);
  return G_SOURCE_CONTINUE;
}

static gpointer
guard_thread (gpointer user_data)
{
  VkGuard *g = user_data;

  g_main_context_push_thread_default (g->context);
  g_main_loop_run (g->loop);
  g_main_context_pop_thread_default (g->context);
  return NULL;
}

/**
 * vk_guard_new:
 * @on_signal: called in the main context on the first SIGINT or SIGTERM
 *
 * Starts watching SIGINT and SIGTERM (see above).
 */
VkGuard *
vk_guard_new (GSourceFunc on_signal, gpointer user_data)
{
  VkGuard *g = g_new0 (VkGuard, 1);

  g->on_signal = on_signal;
  g->user_data = user_data;
  g_mutex_init (&g->lock);
  g->context = g_main_context_new ();
  g->loop = g_main_loop_new (g->context, FALSE);
  attach (g->context, g_unix_signal_source_new (SIGINT), on_unix_signal, g);
  attach (g->context, g_unix_signal_source_new (SIGTERM), on_unix_signal, g);
  g->thread = g_thread_new ("vk-guard", guard_thread, g);
  return g;
}

/* The file to remove when the guard ends the process. */
void
vk_guard_set_temp (VkGuard * g, const gchar * path)
{
  g_mutex_lock (&g->lock);
  g_free (g->temp);
  g->temp = g_strdup (path);
  g_mutex_unlock (&g->lock);
}

/* TRUE once a signal was received. */
gboolean
vk_guard_interrupted (VkGuard * g)
{
  return g_atomic_int_get (&g->signals) > 0;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
vk_guard_free (VkGuard * g)
{
  /* from the loop itself: a quit before the thread ran it would be lost */
  attach (g->context, g_idle_source_new (), quit_loop, g->loop);
  g_thread_join (g->thread);
  g_main_loop_unref (g->loop);
  /* (its signal sources gone, GLib puts back the default actions) */
  g_main_context_unref (g->context);
  /* The run is over, its output renamed into place or removed: a signal
   * from now on would kill the process with that outcome already decided
   * (exit -2 with the output written, cli_safety:test_signals once in
   * three runs): it is ignored. */
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  g_mutex_clear (&g->lock);
  g_free (g->temp);
  g_free (g);
}

/* check_output:
 * @option: the option that names @path, for the message ("-o")
 *
 * An output is written to a temporary file renamed to @path at the end: it
 * must not be an input (the same file as @bg or @fg, by whatever path or
 * link), and not a special file (a device, a FIFO), which the rename would
 * replace.
 *
 * Returns: %VK_EXIT_OK, or %VK_EXIT_OUTPUT after saying why. */
static VkExit
check_output (const gchar * option, const gchar * path,
    const gchar * bg, const gchar * fg)
{
  const gchar *input = vk_file_same (path, bg) ? "--bg" :
      vk_file_same (path, fg) ? "--fg" : NULL;
  GError *err = NULL;

  if (input) {
    vk_cli_error ("%s %s is the same file as the %s input %s: vidkompy "
        "never writes over its inputs (choose another %s)", option, path,
        input, g_str_equal (input, "--bg") ? bg : fg, option);
    return VK_EXIT_OUTPUT;
  }
  if (!vk_file_check_replaceable (path, &err)) {
    vk_cli_error ("%s: %s", option, err->message);
    g_error_free (err);
    return VK_EXIT_OUTPUT;
  }
  return VK_EXIT_OK;
}

/* check_input:
 * @option: the option that names @path, for the message ("--use-alignment")
 *
 * A file the command reads besides the media (an alignment file) must be
 * a regular file: a FIFO would block, a device (a link to /dev/zero) never
 * end.
 *
 * Returns: %VK_EXIT_OK, or %VK_EXIT_INPUT after saying why. */
static VkExit
check_input (const gchar * option, const gchar * path)
{
  GError *err = NULL;

  if (vk_file_check_regular (path, &err))
    return VK_EXIT_OK;
  vk_cli_error ("%s %s cannot be read: %s", option, path, err->message);
  g_error_free (err);
  return VK_EXIT_INPUT;
}

/**
 * vk_guard_check_files:
 * @out: the output file
 * @alignment: (nullable): the alignment file to write
 * @use_alignment: (nullable): the alignment file to read
 *
 * The files of a run besides the media inputs (checked by the probe): the
 * outputs never replace an input or a special file (%VK_EXIT_OUTPUT), the
 * alignment file read is a regular file (%VK_EXIT_INPUT).
 */
VkExit
vk_guard_check_files (const gchar * out, const gchar * bg, const gchar * fg,
    const gchar * alignment, const gchar * use_alignment)
{
  VkExit r = check_output ("-o", out, bg, fg);

  if (r == VK_EXIT_OK && alignment)
    r = check_output ("--alignment", alignment, bg, fg);
  if (r == VK_EXIT_OK && use_alignment)
    r = check_input ("--use-alignment", use_alignment);
  return r;
}
