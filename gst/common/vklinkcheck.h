/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Internal to the plugins of gst-vidkompy: an error, instead of a wait
 * forever, for an element whose always sink pads are not all linked, or
 * one of which gets no data while another has ended. */

#ifndef __VK_LINK_CHECK_H__
#define __VK_LINK_CHECK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* how long a sink pad may stay unlinked after going to PAUSED */
#define VK_LINK_CHECK_TIMEOUT (5 * GST_SECOND)

/* how long a sink pad may stay without data after another one ended */
#define VK_STARVE_CHECK_TIMEOUT (10 * GST_SECOND)

/* TRUE when @pad of @element still has had no data */
typedef gboolean (*VkStarvedFunc) (GstElement * element, GstPad * pad);

typedef struct
{
  GMutex lock;
  GstClockID id;
  GstClockID starve_id;
} VkLinkCheck;

void vk_link_check_init (VkLinkCheck * lc);
void vk_link_check_clear (VkLinkCheck * lc);
void vk_link_check_arm (VkLinkCheck * lc, GstElement * element);
void vk_link_check_disarm (VkLinkCheck * lc);
void vk_link_check_arm_starved (VkLinkCheck * lc, GstElement * element,
    GstPad * pad, const gchar * ended, VkStarvedFunc still_starved);

G_END_DECLS

#endif /* __VK_LINK_CHECK_H__ */
