/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkpriming: the audio encoder's priming (encoder delay) compensated, so
 * that the vidkompy command's audio is in sync with its video in players
 * that do not know the delay (GStreamer's muxers of 1.22 write no edit
 * list for it), and the clipping of audio buffers to a segment that the
 * bg sound's probe shares. */

#ifndef __VK_PRIMING_H__
#define __VK_PRIMING_H__

#include <gst/gst.h>
#include <gst/audio/audio.h>

G_BEGIN_DECLS

guint vk_cli_encoder_priming (const gchar * factory);

gboolean vk_cli_advance_segment (GstSegment * segment, GstClockTime lead);

void vk_cli_compensate_priming (GstElement * encoder);

GstPadProbeReturn vk_cli_clip_audio (GstPadProbeInfo * info,
    const GstSegment * segment, const GstAudioInfo * ai);

G_END_DECLS

#endif /* __VK_PRIMING_H__ */
