/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* An AAC encoder's first packet carries no sound of its input (the
 * MDCT's overlap: 1024 samples of "priming"), so every sound comes out
 * 1024 samples late (23 ms at 44.1 kHz) unless the container says to skip
 * them (an MP4 edit list, which mp4mux and matroskamux of GStreamer 1.22
 * do not write). The command compensates: the audio that enters the
 * encoder is advanced by the priming (its first priming-long piece is cut
 * and the rest plays that much earlier), so the encoder's output plays it
 * back in place. Measured on avenc_aac in MP4 and Matroska: a click at
 * 0.400 s decodes at 0.423 s; opusenc's pre-skip is in the Opus header
 * and decoders apply it (decoded at 0.400 s). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/audio/audio.h>

#include "vkpriming.h"

/* The priming of the audio encoders the command uses, in samples at the
 * encoder's rate (0: none or compensated by the decoders). */
static const struct
{
  const gchar *factory;
  guint samples;
} primings[] = {
  {"avenc_aac", 1024},          /* FFmpeg's AAC encoder: one frame */
  {"opusenc", 0},               /* pre-skip in the Opus header */
};

/* The priming of the encoder element @factory, samples (0 when unknown). */
guint
vk_cli_encoder_priming (const gchar * factory)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (primings); i++)
    if (factory && g_str_equal (factory, primings[i].factory))
      return primings[i].samples;
  return 0;
}

/* Advances the forward TIME @segment by @lead of running time: what played
 * at running time @lead + t plays at t, and what played before @lead falls
 * outside (its start moves on, by @lead times the rate, after the base is
 * used up). FALSE (unchanged) for another format or a reverse rate. */
gboolean
vk_cli_advance_segment (GstSegment * segment, GstClockTime lead)
{
  guint64 shift;

  if (segment->format != GST_FORMAT_TIME || !(segment->rate > 0))
    return FALSE;
  if (segment->base >= lead) {
    segment->base -= lead;
    return TRUE;
  }
  shift = (guint64) ((lead - segment->base) * segment->rate);
  segment->base = 0;
  if (GST_CLOCK_TIME_IS_VALID (segment->stop)
      && segment->start + shift > segment->stop)
    shift = segment->stop - segment->start;
  segment->start += shift;
  segment->time += (guint64) (shift * ABS (segment->applied_rate));
  segment->position = segment->start;
  return TRUE;
}

/* For a buffer probe: clips the audio buffer of @info to the TIME
 * @segment (its format from @ai); drops it when it falls outside. Other
 * segments or formats leave it alone. */
GstPadProbeReturn
vk_cli_clip_audio (GstPadProbeInfo * info, const GstSegment * segment,
    const GstAudioInfo * ai)
{
  GstBuffer *buf;

  if (!(GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER)
      || segment->format != GST_FORMAT_TIME || GST_AUDIO_INFO_BPF (ai) <= 0)
    return GST_PAD_PROBE_OK;
  buf = gst_audio_buffer_clip (GST_PAD_PROBE_INFO_BUFFER (info), segment,
      GST_AUDIO_INFO_RATE (ai), GST_AUDIO_INFO_BPF (ai));
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return buf ? GST_PAD_PROBE_OK : GST_PAD_PROBE_HANDLED;
}

typedef struct
{
  guint priming;
  GstAudioInfo info;
  GstSegment segment;
} Priming;

static GstPadProbeReturn
priming_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Priming *p = user_data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    GstCaps *caps;

    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      gst_event_parse_caps (ev, &caps);
      if (!gst_audio_info_from_caps (&p->info, caps))
        gst_audio_info_init (&p->info);
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT
        && GST_AUDIO_INFO_RATE (&p->info) > 0) {
      gst_event_copy_segment (ev, &p->segment);
      if (vk_cli_advance_segment (&p->segment,
              gst_util_uint64_scale_int (p->priming, GST_SECOND,
                  GST_AUDIO_INFO_RATE (&p->info)))) {
        GST_DEBUG_OBJECT (pad, "advanced by the encoder's %u samples of "
            "priming: %" GST_SEGMENT_FORMAT, p->priming, &p->segment);
        GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&p->segment);
        gst_event_unref (ev);
      }
    }
    return GST_PAD_PROBE_OK;
  }
  return vk_cli_clip_audio (info, &p->segment, &p->info);
}

/* Compensates the priming of the audio @encoder (nothing for an encoder
 * without one): a probe on its sink pad advances the segments and clips
 * the buffers. */
void
vk_cli_compensate_priming (GstElement * encoder)
{
  GstElementFactory *f = gst_element_get_factory (encoder);
  guint samples = f ? vk_cli_encoder_priming (GST_OBJECT_NAME (f)) : 0;
  GstPad *sink;
  Priming *p;

  if (samples == 0)
    return;
  p = g_new0 (Priming, 1);
  p->priming = samples;
  gst_audio_info_init (&p->info);
  gst_segment_init (&p->segment, GST_FORMAT_UNDEFINED);
  sink = gst_element_get_static_pad (encoder, "sink");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, priming_probe, p, g_free);
  gst_object_unref (sink);
}
