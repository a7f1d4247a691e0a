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
void
vk_link_check_arm (VkLinkCheck * lc, GstElement * element)
{
  gboolean all_linked = TRUE;
  GstClock *clock;
  GList *l;

  if (G_UNLIKELY (vk_link_check_debug == NULL))
    GST_DEBUG_CATEGORY_INIT (vk_link_check_debug, "vidkompylinkcheck", 0,
        "gst-vidkompy unlinked pad check");

  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l; l = l->next)
    all_linked &= gst_pad_is_linked (l->data);
  GST_OBJECT_UNLOCK (element);
  if (all_linked)
    return;

  GST_DEBUG_OBJECT (element, "a sink pad is not linked yet, checking again "
      "in %" GST_TIME_FORMAT, GST_TIME_ARGS (VK_LINK_CHECK_TIMEOUT));
  vk_link_check_disarm (lc);
  clock = gst_system_clock_obtain ();
  g_mutex_lock (&lc->lock);
  lc->id = gst_clock_new_single_shot_id (clock,
      gst_clock_get_time (clock) + VK_LINK_CHECK_TIMEOUT);
  gst_clock_id_wait_async (lc->id, check_cb, gst_object_ref (element),
      gst_object_unref);
  g_mutex_unlock (&lc->lock);
  gst_object_unref (clock);
}

/**
 * vk_link_check_disarm:
 *
 * Cancels a pending check. Call when going from PAUSED to READY.
 */
void
vk_link_check_disarm (VkLinkCheck * lc)
{
  GstClockID id;

  g_mutex_lock (&lc->lock);
  id = lc->id;
  lc->id = NULL;
  g_mutex_unlock (&lc->lock);

  if (id) {
    gst_clock_id_unschedule (id);
    gst_clock_id_unref (id);
  }
}
