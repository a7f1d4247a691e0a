/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The vidkompy plugin: one library registering the three elements, as
 * upstream's closedcaption plugin does. The vidkompy bin's class copies its
 * proxied properties from the other two classes, which are in this library,
 * so it has them however the plugin is loaded (a registry scan in a child
 * process, in the process itself with GST_REGISTRY_FORK=no, or a plugin
 * file loaded by path). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvidkompyalign.h"
#include "gstvidkompybin.h"
#include "gstvidkompycomposite.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (vidkompycomposite, plugin);
  ret |= GST_ELEMENT_REGISTER (vidkompyalign, plugin);
  ret |= GST_ELEMENT_REGISTER (vidkompy, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, vidkompy,
    "Finds a foreground video in a background video, retimes the background "
    "onto it frame by frame and composites it there with feathered borders",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
