/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Pads are often linked while the pipeline goes to PAUSED (decodebin), so
 * an unlinked sink pad is only an error when it is still unlinked a while
 * later; without this check an element that needs data on all its sink
 * pads would wait for it forever. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vklinkcheck.h"

GST_DEBUG_CATEGORY_STATIC (vk_link_check_debug);
#define GST_CAT_DEFAULT vk_link_check_debug

void
vk_link_check_init (VkLinkCheck * lc)
{
  g_mutex_init (&lc->lock);
  lc->id = NULL;
  lc->starve_id = NULL;
}

void
vk_link_check_clear (VkLinkCheck * lc)
{
  vk_link_check_disarm (lc);
  g_mutex_clear (&lc->lock);
}

static gboolean
check_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstElement *element = user_data;
  GstPad *unlinked = NULL;
  GList *l;

  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l && !unlinked; l = l->next)
    if (!gst_pad_is_linked (l->data))
      unlinked = gst_object_ref (l->data);
  GST_OBJECT_UNLOCK (element);

  if (unlinked) {
    GST_ELEMENT_ERROR (element, CORE, PAD,
        ("%s is not linked: %s needs data on all of its sink pads.",
            GST_PAD_NAME (unlinked), GST_OBJECT_NAME (element)),
        ("still unlinked %u s after going to PAUSED",
            (guint) (VK_LINK_CHECK_TIMEOUT / GST_SECOND)));
    gst_object_unref (unlinked);
  }
  return TRUE;
}

/**
 * vk_link_check_arm:
 *
 * When a sink pad of @element is not linked, checks again after
 * VK_LINK_CHECK_TIMEOUT and posts an error naming it if it still is not.
 * Call when going from READY to PAUSED.
 */
static void
ensure_debug (void)
{
  if (G_UNLIKELY (vk_link_check_debug == NULL))
    GST_DEBUG_CATEGORY_INIT (vk_link_check_debug, "vidkompylinkcheck", 0,
        "gst-vidkompy unlinked pad check");
}

/* a single-shot system clock callback @timeout from now; @id must be
 * NULL, called with the lock */
static GstClockID
schedule (GstClockTime timeout, GstClockCallback func, gpointer data,
    GDestroyNotify notify)
{
  GstClock *clock = gst_system_clock_obtain ();
  GstClockID id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + timeout);

  gst_clock_id_wait_async (id, func, data, notify);
  gst_object_unref (clock);
  return id;
}

void
vk_link_check_arm (VkLinkCheck * lc, GstElement * element)
{
  gboolean all_linked = TRUE;
  GList *l;

  ensure_debug ();
  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l; l = l->next)
    all_linked &= gst_pad_is_linked (l->data);
  GST_OBJECT_UNLOCK (element);
  if (all_linked)
    return;

  GST_DEBUG_OBJECT (element, "a sink pad is not linked yet, checking again "
      "in %" GST_TIME_FORMAT, GST_TIME_ARGS (VK_LINK_CHECK_TIMEOUT));
  vk_link_check_disarm (lc);
  g_mutex_lock (&lc->lock);
  lc->id = schedule (VK_LINK_CHECK_TIMEOUT, check_cb,
      gst_object_ref (element), gst_object_unref);
  g_mutex_unlock (&lc->lock);
}

typedef struct
{
  GstElement *element;
  GstPad *pad;
  gchar *ended;
  VkStarvedFunc still_starved;
} Starve;

static void
starve_free (gpointer data)
{
  Starve *st = data;

  gst_object_unref (st->element);
  gst_object_unref (st->pad);
  g_free (st->ended);
  g_free (st);
}

static gboolean
starve_cb (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  Starve *st = user_data;

  if (st->still_starved (st->element, st->pad))
    GST_ELEMENT_ERROR (st->element, STREAM, FAILED,
        ("%s received no data within %u s after %s ended: %s needs data on "
            "all of its sink pads.", GST_PAD_NAME (st->pad),
            (guint) (VK_STARVE_CHECK_TIMEOUT / GST_SECOND), st->ended,
            GST_OBJECT_NAME (st->element)), (NULL));
  return TRUE;
}

/**
 * vk_link_check_arm_starved:
 * @pad: a sink pad of @element that has had no data yet
 * @ended: the name of the input that ended, for the message
 * @still_starved: tells, VK_STARVE_CHECK_TIMEOUT later, whether @pad still
 *   has had no data
 *
 * Posts an error when @pad still has had no data VK_STARVE_CHECK_TIMEOUT
 * from now. Once per @lc until disarmed.
 */
void
vk_link_check_arm_starved (VkLinkCheck * lc, GstElement * element,
    GstPad * pad, const gchar * ended, VkStarvedFunc still_starved)
{
  Starve *st;

  ensure_debug ();
  g_mutex_lock (&lc->lock);
  if (lc->starve_id == NULL) {
    GST_DEBUG_OBJECT (pad, "no data yet while %s ended, checking again in %"
        GST_TIME_FORMAT, ended, GST_TIME_ARGS (VK_STARVE_CHECK_TIMEOUT));
    st = g_new (Starve, 1);
    st->element = gst_object_ref (element);
    st->pad = gst_object_ref (pad);
    st->ended = g_strdup (ended);
    st->still_starved = still_starved;
    lc->starve_id = schedule (VK_STARVE_CHECK_TIMEOUT, starve_cb, st,
        starve_free);
  }
  g_mutex_unlock (&lc->lock);
}

/**
 * vk_link_check_disarm:
 *
 * Cancels a pending check. Call when going from PAUSED to READY.
 */
void
vk_link_check_disarm (VkLinkCheck * lc)
{
  GstClockID ids[2];
  guint i;

  g_mutex_lock (&lc->lock);
  ids[0] = lc->id;
  ids[1] = lc->starve_id;
  lc->id = lc->starve_id = NULL;
  g_mutex_unlock (&lc->lock);

  for (i = 0; i < G_N_ELEMENTS (ids); i++) {
    if (ids[i]) {
      gst_clock_id_unschedule (ids[i]);
      gst_clock_id_unref (ids[i]);
    }
  }
}
