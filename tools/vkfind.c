/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `vidkompy align FG BG`: finds an image or video frame (FG) inside an
 * image or video (BG) with the aligner's own search and prints position,
 * scale and confidence:
 *
 * - the fg frame and the bg are decoded at the same time, upright as
 *   vidkompy comp turns them; the bg once: the low-resolution luma of
 *   every frame, as vidkompyalign keeps it (its VkStreamSummary);
 * - vk_alignment_compute () finds the position and scale (both ways: an
 *   upscaled or a downscaled fg region) and the bg frame that shows the fg
 *   frame, as it does for the element;
 * - vk_spatial_refine () refines the placement on that bg frame at the
 *   resolution --precision asks for, as the element does before rendering.
 *
 * --precision: 0 and 1 refine at 1/4 and 1/2 of the resolution; 2 (the
 * default) at full resolution; on the bg frame of the match and the one on
 * each side of it (3 and 4: 2 and 3 on each side); a neighbour wins only
 * when it shows the fg better than a tie.
 * Below the aligner's threshold for a fg that does not move (vkfound.h:
 * a near-perfect match, as one frame cannot move) the command
 * exits with 5 (no overlap). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gst/app/app.h>
#include <gst/video/video.h>

#include "vkcli.h"
#include "vkalignment.h"
#include "vkjoint.h"
#include "vkfingerprint.h"
#include "vkfound.h"
#include "vkspatial.h"
#include "vkalloc.h"
#include "vkorient.h"

/* how far (bg pixels) a found fg may reach outside the bg: rounding */
#define INSIDE_SLACK 1.0
#define PREROLL_TIMEOUT (30 * GST_SECOND)
/* how often a read checks the bus for errors */
#define PULL_POLL (100 * GST_MSECOND)
/* a fg whose aspect ratio is within this of the bg's may be a whole bg
 * frame (sweep_moments ()) */
#define FULL_FRAME_ASPECT 0.01
/* how far (bg low-resolution pixels) the sweep's placement is refined */
#define SWEEP_RADIUS 2.0
/* a frame clipped to less than this by a seek is the tail of the frame
 * before the one seeked to (shows ()) */
#define CLIPPED_TAIL GST_MSECOND
/* decoded frames an appsink holds before the decoder waits */
#define READ_AHEAD 4

/* A decoded grey frame. */
typedef struct
{
  guint8 *data;
  gint width, height;
  GstClockTime time, duration;
} Grey;

/* An input decoded upright (videoflip video-direction=auto, as vidkompy
 * comp turns it) into an appsink: 8-bit YUV or grey at full resolution
 * (the luma is plane 0), or GRAY8 @factor times smaller than @width x
 * @height. */
typedef struct
{
  GstElement *pipeline;
  GstAppSink *sink;
} Reader;

/* appsink answers no allocation query: as the aligner's pads, it takes
 * the decoder's own buffers (no copy of each frame, vk_propose_allocation) */
static GstPadProbeReturn
propose_allocation (GstPad * pad, GstPadProbeInfo * info, gpointer unused)
{
  GstQuery *q = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (q) != GST_QUERY_ALLOCATION || !vk_propose_allocation (q))
    return GST_PAD_PROBE_OK;
  /* answered: the query returns TRUE */
  return GST_PAD_PROBE_HANDLED;
}

/* Starts @r towards @state (asynchronously): PLAYING to pull every frame,
 * PAUSED to seek and take one. */
static gboolean
reader_open (Reader * r, const gchar * uri, gint width, gint height,
    gint factor, GstState state)
{
  gchar *caps = factor == 1 ?
      g_strdup ("video/x-raw,format={I420,YV12,NV12,NV21,Y41B,Y42B,Y444,"
      "GRAY8}") :
      g_strdup_printf ("videoscale ! video/x-raw,format=GRAY8,width=%d,"
      "height=%d,pixel-aspect-ratio=1/1", MAX (1, width / factor),
      MAX (1, height / factor));
  gchar *desc = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! "
      "videoflip name=f ! %s ! appsink name=s sync=false max-buffers=%d", uri,
      caps, READ_AHEAD);
  GstElement *flip;
  GError *err = NULL;
  GstPad *pad;

  r->pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  g_free (caps);
  if (r->pipeline == NULL) {
    vk_cli_error ("%s", err->message);
    g_error_free (err);
    return FALSE;
  }
  r->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (r->pipeline), "s"));
  flip = gst_bin_get_by_name (GST_BIN (r->pipeline), "f");
  vk_orient_setup (flip);
  gst_object_unref (flip);
  pad = gst_element_get_static_pad (GST_ELEMENT (r->sink), "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      propose_allocation, NULL, NULL);
  gst_object_unref (pad);
  return gst_element_set_state (r->pipeline, state) != GST_STATE_CHANGE_FAILURE;
}

static void
reader_close (Reader * r)
{
  if (r->pipeline == NULL)
    return;
  gst_object_unref (r->sink);
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_clear_object (&r->pipeline);
}

/* The next frame of a playing @r; NULL at its end or on an error (a
 * decoding error ends the pipeline without an EOS). */
static GstSample *
reader_pull (Reader * r)
{
  GstBus *bus;
  GstSample *sample = NULL;
  GstMessage *msg = NULL;
  gint64 deadline = g_get_monotonic_time () + PREROLL_TIMEOUT / GST_USECOND;

  /* a pipeline that could not be made gives no frame (input_failed ()
   * says why), not a wait for one */
  if (r->pipeline == NULL)
    return NULL;
  bus = gst_element_get_bus (r->pipeline);
  while (sample == NULL && msg == NULL && !gst_app_sink_is_eos (r->sink)
      && g_get_monotonic_time () < deadline) {
    sample = gst_app_sink_try_pull_sample (r->sink, PULL_POLL);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  }
  if (msg && sample)
    g_clear_pointer (&sample, gst_sample_unref);
  if (msg)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return sample;
}

/* A copy of the luma of @sample's frame into @out. */
static gboolean
grey_from_sample (GstSample * sample, Grey * out)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  gint row;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample),
          GST_MAP_READ))
    return FALSE;
  out->width = GST_VIDEO_INFO_WIDTH (&info);
  out->height = GST_VIDEO_INFO_HEIGHT (&info);
  /* a still image may have no timestamp: it is the frame at 0 */
  out->time = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
  out->duration = GST_BUFFER_DURATION (gst_sample_get_buffer (sample));
  if (!GST_CLOCK_TIME_IS_VALID (out->time))
    out->time = 0;
  out->data = g_malloc ((gsize) out->width * out->height);
  for (row = 0; row < out->height; row++)
    memcpy (out->data + (gsize) row * out->width,
        (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        (gsize) row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), out->width);
  gst_video_frame_unmap (&frame);
  return TRUE;
}

/* The frame of a paused @r at @time (seconds; < 0: the current one). */
static gboolean
grab (Reader * r, GstClockTime time, Grey * out)
{
  GstSample *sample;
  gboolean ok;

  if (r->pipeline == NULL)
    return FALSE;
  if (gst_element_get_state (r->pipeline, NULL, NULL, PREROLL_TIMEOUT) ==
      GST_STATE_CHANGE_FAILURE)
    return FALSE;
  if (GST_CLOCK_TIME_IS_VALID (time)
      && !gst_element_seek_simple (r->pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, time))
    return FALSE;
  sample = gst_app_sink_try_pull_preroll (r->sink, PREROLL_TIMEOUT);
  if (sample == NULL)
    return FALSE;
  ok = grey_from_sample (sample, out);
  gst_sample_unref (sample);
  return ok;
}

static VkLuma
luma (const Grey * g)
{
  VkLuma l = { g->data, g->width, g->width, g->height };
  return l;
}

/* Whether the frame @g shows @time (GST_CLOCK_TIME_NONE: any). An
 * accurate seek to a frame's own timestamp can give the frame before it
 * first: its duration, rounded up, reaches 1 ns past that time, and the
 * decoder clips it to that nanosecond (its timestamp becomes the seek's). */
static gboolean
shows (const Grey * g, GstClockTime time)
{
  if (!GST_CLOCK_TIME_IS_VALID (time)
      || !GST_CLOCK_TIME_IS_VALID (g->duration))
    return TRUE;
  return g->duration >= CLIPPED_TAIL && g->time + g->duration / 2 >= time;
}

/* The frames of a paused @r from @times[0] (GST_CLOCK_TIME_NONE: the
 * current one): @n consecutive frames, the first by a seek, the others as
 * they come. */
static GArray *
read_frames (Reader * r, const GstClockTime * times, guint n)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (Grey));
  Grey g = { 0 };
  GstSample *sample;

  if (n == 0 || !grab (r, times[0], &g))
    return frames;
  if (shows (&g, times[0]))
    g_array_append_val (frames, g);
  else
    g_free (g.data);
  if (frames->len < n)
    gst_element_set_state (r->pipeline, GST_STATE_PLAYING);
  /* appsink hands out the prerolled frame again as the first sample */
  while (frames->len < n && (sample = reader_pull (r))) {
    if (grey_from_sample (sample, &g)) {
      const Grey *last = frames->len ?
          &g_array_index (frames, Grey, frames->len - 1) : NULL;

      if (last ? g.time > last->time : shows (&g, times[0]))
        g_array_append_val (frames, g);
      else
        g_free (g.data);
    }
    gst_sample_unref (sample);
  }
  return frames;
}

/* The frames of @uri at the @n @times, @factor times smaller than @width x
 * @height, from a pipeline of their own. */
static GArray *
read_frames_at (const gchar * uri, gint width, gint height, gint factor,
    const GstClockTime * times, guint n)
{
  Reader r = { 0 };
  GArray *frames;

  if (!reader_open (&r, uri, width, height, factor, GST_STATE_PAUSED)) {
    reader_close (&r);
    return g_array_new (FALSE, TRUE, sizeof (Grey));
  }
  frames = read_frames (&r, times, n);
  reader_close (&r);
  return frames;
}

static void
summary_init (VkStreamSummary * sum, gint width, gint height, gdouble fps)
{
  memset (sum, 0, sizeof (*sum));
  sum->width = width;
  sum->height = height;
  sum->fps = fps > 0 ? fps : 25.0;
  vk_low_size (width, height, &sum->low_width, &sum->low_height);
}

/* Plays the playing bg @r once: the low-resolution luma of every frame
 * into @sum (its @low is a new block; its size and rate from the first
 * frame's caps) and the frames' timestamps into @times. FALSE when
 * no frame can be decoded. */
static gboolean
read_summary (Reader * r, VkStreamSummary * sum, GArray * times)
{
  GByteArray *low = g_byte_array_new ();
  GstSample *sample;
  gsize n = 0;

  memset (sum, 0, sizeof (*sum));
  while ((sample = reader_pull (r))) {
    GstBuffer *buf = gst_sample_get_buffer (sample);
    GstVideoInfo info;
    GstVideoFrame f;

    if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
        && times->len == 0)
      summary_init (sum, info.width, info.height,
          info.fps_d > 0 ? (gdouble) info.fps_n / info.fps_d : 0);
    n = (gsize) sum->low_width * sum->low_height;
    /* the aligner takes one frame size: frames of another are left out */
    if (GST_VIDEO_INFO_WIDTH (&info) == sum->width
        && GST_VIDEO_INFO_HEIGHT (&info) == sum->height
        && gst_video_frame_map (&f, &info, buf, GST_MAP_READ)) {
      /* the frame's own timestamp, to seek back to it exactly */
      GstClockTime t = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf) :
          (GstClockTime) (times->len * GST_SECOND / sum->fps);

      g_byte_array_set_size (low, low->len + n);
      vk_luma_resample_u8 (GST_VIDEO_FRAME_PLANE_DATA (&f, 0),
          GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0), sum->width, sum->height,
          low->data + low->len - n, sum->low_width, sum->low_height);
      g_array_append_val (times, t);
      gst_video_frame_unmap (&f);
    }
    gst_sample_unref (sample);
  }
  sum->n_frames = times->len;
  sum->low = g_byte_array_free (low, FALSE);
  return sum->n_frames > 0;
}

static void
free_frames (GArray * frames)
{
  guint i;

  for (i = 0; i < frames->len; i++)
    g_free (g_array_index (frames, Grey, i).data);
  g_array_free (frames, TRUE);
}

typedef struct
{
  gint precision;
  gboolean json;
  gdouble fg_time, bg_time;
} FindOptions;

static void
print_result (const FindOptions * o, const gchar * fg, const gchar * bg,
    const VkStreamSummary * fgf, const Grey * bgf,
    const VkPlacementEstimate * r, gdouble ms)
{
  if (o->json) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    vk_json_string (b, "fg", fg);
    vk_json_string (b, "bg", bg);
    vk_json_double (b, "bg-time", bgf->time / (gdouble) GST_SECOND);
    vk_json_double (b, "x", r->x);
    vk_json_double (b, "y", r->y);
    vk_json_double (b, "scale", r->scale);
    vk_json_double (b, "width", fgf->width * r->scale);
    vk_json_double (b, "height", fgf->height * r->scale);
    vk_json_double (b, "confidence", r->score);
    vk_json_int (b, "precision", o->precision);
    vk_json_double (b, "time", ms / 1000.0);
    json_builder_end_object (b);
    vk_cli_print_json (b);
    return;
  }
  printf ("fg:          %s (%dx%d)\n", fg, fgf->width, fgf->height);
  printf ("bg:          %s (frame at %.3f s)\n", bg,
      bgf->time / (gdouble) GST_SECOND);
  printf ("position:    %.1f, %.1f\n", r->x, r->y);
  printf ("scale:       %.4f (fg covers %.0fx%.0f bg pixels)\n", r->scale,
      fgf->width * r->scale, fgf->height * r->scale);
  printf ("confidence:  %.3f\n", r->score);
  printf ("precision:   %d (%.0f ms)\n", o->precision, ms);
}

/* Refines the placement @r (full-resolution pixels) with the fg frame @fg
 * on the bg frames @bgs, all @factor times smaller, around the match @c
 * (neighbouring frames are alike: the low-resolution search may choose
 * the one next to the best, and a nearby place looks best there). The
 * best into @best (full resolution) and its bg frame into @best_i. */
static void
refine (const Grey * fg, GArray * bgs, guint c, gint factor,
    const VkAlignResult * r, gint low_width, VkPlacementEstimate * best,
    guint * best_i)
{
  VkLuma fl = luma (fg);
  VkSpatialParams p;
  VkPlacementEstimate guess = { r->x / factor, r->y / factor, r->scale,
    r->spatial_score
  }, centre = {.score = -2.0 };
  guint i;

  *best_i = c;
  vk_spatial_params_init (&p);
  p.min_scale = 0.01;
  p.fg_valid.x = r->valid_x / factor;
  p.fg_valid.y = r->valid_y / factor;
  p.fg_valid.w = MIN (r->valid_w / factor, fl.width - p.fg_valid.x);
  p.fg_valid.h = MIN (r->valid_h / factor, fl.height - p.fg_valid.y);
  for (i = 0; i < bgs->len; i++) {
    VkLuma bl = luma (&g_array_index (bgs, Grey, i));
    VkPlacementEstimate out;
    /* the element's radius: two low-resolution pixels and two more */
    gdouble radius = 2.0 * bl.width / low_width + 2.0;

    if (!vk_spatial_refine (&bl, &fl, 1, &p, &guess, radius, &out, NULL))
      continue;
    out.x *= factor;
    out.y *= factor;
    if (i == c)
      centre = out;
    if (out.score > best->score) {
      *best = out;
      *best_i = i;
    }
  }
  /* a neighbour that shows the fg as well as the match (a tie: compression
   * noise or a change of exposure decides) leaves the match's frame, as
   * ties follow the timing line in the aligner */
  if (*best_i != c && centre.score > -2.0
      && vk_is_tie (best->score, centre.score)) {
    *best = centre;
    *best_i = c;
  }
}

/* The bg frame where the low-resolution fg @fl shows best at @at (bg
 * low-resolution pixels), its score into @score. */
static guint
best_moment (const VkStreamSummary * bg, const VkLuma * fl,
    const VkSpatialParams * p, const VkPlacementEstimate * at, gdouble * score)
{
  guint b, best = 0;

  *score = -2.0;
  for (b = 0; b < bg->n_frames; b++) {
    VkLuma bl = vk_low_frame (bg, b);
    gdouble sc;

    if (vk_spatial_score (&bl, fl, 1, p, at, &sc, NULL) && sc > *score) {
      *score = sc;
      best = b;
    }
  }
  return best;
}

/* One fg frame in a bg that moves: the alignment samples SPATIAL_BG
 * candidates of the bg and narrows down around the best, which can miss
 * the moment (and then a place nearby looks best). Every bg frame is
 * scored (low resolution) under the placement found and, for a fg of the
 * bg's shape, under the whole frame (a screenshot of the video); the
 * placement is searched again on the frame that shows it best, and kept
 * with that frame when it matches better than the alignment's on its
 * frame @m. */
static void
sweep_moments (const VkStreamSummary * bg, const VkStreamSummary * fg,
    VkAlignResult * r, guint * m)
{
  VkSpatialParams p;
  VkPlacementEstimate hyp[2], found;
  VkLuma fl, bl;
  guint8 *img = vk_fg_at_bg_factor (bg, fg, 0, &fl);
  gdouble kbx, kby, score, best_score = -2.0, here;
  guint n_hyp = 1, k, b, best_b = *m;
  gint best_k = -1;

  vk_low_factors (bg, &kbx, &kby);
  vk_spatial_params_init (&p);
  p.min_scale = 0.01;
  hyp[0].x = r->x * kbx;
  hyp[0].y = r->y * kby;
  hyp[0].scale = r->scale * fg->width * kbx / fl.width;
  if (fabs ((gdouble) fg->width * bg->height / (fg->height * bg->width) -
          1.0) < FULL_FRAME_ASPECT) {
    hyp[1].x = hyp[1].y = 0;
    hyp[1].scale = (gdouble) bg->low_width / fl.width;
    n_hyp = 2;
  }
  bl = vk_low_frame (bg, *m);
  if (!vk_spatial_score (&bl, &fl, 1, &p, &hyp[0], &here, NULL))
    here = -2.0;
  for (k = 0; k < n_hyp; k++) {
    b = best_moment (bg, &fl, &p, &hyp[k], &score);
    if (score > best_score) {
      best_score = score;
      best_b = b;
      best_k = k;
    }
  }
  if (best_k < 0 || (best_b == *m && best_k == 0) || best_score <= here)
    goto done;
  bl = vk_low_frame (bg, best_b);
  if (vk_spatial_refine (&bl, &fl, 1, &p, &hyp[best_k], SWEEP_RADIUS,
          &found, NULL) && found.score > here) {
    r->x = found.x / kbx;
    r->y = found.y / kby;
    r->scale = found.scale * fl.width / (fg->width * kbx);
    r->spatial_score = found.score;
    *m = best_b;
  }
done:
  g_free (img);
}

/* The alignment options, with the processors lent to the search (threads
 * kept for the whole command). */
static void
find_options (VkAlignOptions * opts)
{
  static gsize pool = 0;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, (gsize) vk_thread_pool_new (0));
  vk_align_options_init (opts);
  vk_thread_pool_lend ((VkThreadPool *) pool, &opts->parallel);
}

/* TRUE when the fg @fg (one frame), larger than the bg frame @m of @bg,
 * matches better as a part of it than it in that bg frame (@r): the
 * files were given the other way round. */
static gboolean
swapped (const VkStreamSummary * bg, const VkStreamSummary * fg, guint m,
    const VkAlignResult * r)
{
  VkStreamSummary one = *bg;
  VkAlignOptions opts;
  VkAlignResult back = { 0 };
  gboolean better;

  if (fg->width <= bg->width || fg->height <= bg->height)
    return FALSE;
  one.n_frames = 1;
  one.low = bg->low + (gsize) m *bg->low_width * bg->low_height;
  find_options (&opts);
  better = vk_alignment_compute (fg, &one, &opts, &back, NULL)
      && back.spatial_score > r->spatial_score;
  vk_align_result_clear (&back);
  return better;
}

/* @t seconds (< 0: none) as a GstClockTime, rounded to the nanosecond */
static GstClockTime
seconds (gdouble t)
{
  return t >= 0 ? (GstClockTime) llround (t * GST_SECOND) : GST_CLOCK_TIME_NONE;
}

/* Says why @path gave no frame: the probe's message (not media, no video
 * stream), or that no frame could be decoded. */
static VkExit
input_failed (const gchar * path, const gchar * role)
{
  VkProbe p;
  VkExit ret = vk_probe_file (path, role, &p);

  vk_probe_clear (&p);
  if (ret != VK_EXIT_OK)
    return ret;
  vk_cli_error ("cannot decode a frame of %s", path);
  return VK_EXIT_INPUT;
}

/* The low-resolution copy of one frame as a one-frame stream. */
static void
summary_of_frame (const Grey * g, gdouble fps, VkStreamSummary * sum)
{
  guint8 *low;

  summary_init (sum, g->width, g->height, fps);
  low = g_malloc ((gsize) sum->low_width * sum->low_height);
  vk_luma_resample_u8 (g->data, g->width, g->width, g->height, low,
      sum->low_width, sum->low_height);
  sum->low = low;
  sum->n_frames = 1;
}

/* The fg (one frame) and the bg (the frame --bg-time names, or every
 * frame) are decoded at the same time, each by its own pipeline; the
 * search runs on their low-resolution copies, then the placement is
 * refined on the matched bg frame (and its neighbours with --precision 3
 * and 4) at the resolution --precision asks for. With --precision 2, the
 * bg's pipeline is paused and seeked back to that frame. */
static VkExit
find (const FindOptions * o, const gchar * fg, const gchar * bg)
{
  static const gint factors[] = { 4, 2, 1, 1, 1 };
  VkExit ret;
  Reader fgr = { 0 }, bgr = { 0 };
  gchar *fg_uri = NULL, *bg_uri = NULL;
  GArray *fgs = NULL, *bgs = NULL, *times = g_array_new (FALSE, FALSE,
      sizeof (GstClockTime));
  VkStreamSummary bgsum, fgsum;
  VkAlignOptions opts;
  VkAlignResult r = { 0 };
  VkPlacementEstimate best = {.score = -2 };
  GError *err = NULL;
  guint best_i = 0, m, i, n_times = 0;
  gint64 t0 = g_get_monotonic_time ();
  gboolean inside, one_bg = o->bg_time >= 0;
  VkFoundVerdict verdict;
  gint factor = factors[o->precision];
  /* the bg frames on each side of the match refined too */
  guint side = MAX (1, o->precision - 1), centre = 0;
  GstClockTime bg_t[7], fg_t = seconds (o->fg_time), bg_t0 =
      seconds (o->bg_time);
  const Grey *fgf, *bgf;

  memset (&bgsum, 0, sizeof (bgsum));
  memset (&fgsum, 0, sizeof (fgsum));
  if ((ret = vk_probe_path (fg, "foreground", &fg_uri)) != VK_EXIT_OK
      || (ret = vk_probe_path (bg, "background", &bg_uri)) != VK_EXIT_OK)
    goto out;

  /* both inputs start decoding at once */
  reader_open (&fgr, fg_uri, 0, 0, 1, GST_STATE_PAUSED);
  reader_open (&bgr, bg_uri, 0, 0, 1, one_bg ? GST_STATE_PAUSED :
      GST_STATE_PLAYING);
  if (one_bg) {
    bgs = read_frames (&bgr, &bg_t0, 1);
    if (bgs->len) {
      summary_of_frame (&g_array_index (bgs, Grey, 0), 0, &bgsum);
      g_array_append_val (times, bg_t0);
    }
  } else {
    read_summary (&bgr, &bgsum, times);
  }
  if (bgsum.n_frames == 0) {
    ret = input_failed (bg, "background");
    goto out;
  }
  fgs = read_frames (&fgr, &fg_t, 1);
  reader_close (&fgr);
  if (fgs->len == 0) {
    ret = input_failed (fg, "foreground");
    goto out;
  }
  fgf = &g_array_index (fgs, Grey, 0);
  summary_of_frame (fgf, bgsum.fps, &fgsum);

  find_options (&opts);
  if (!vk_alignment_compute (&bgsum, &fgsum, &opts, &r, &err)) {
    vk_cli_error ("no overlap: %s%s", err->message,
        g_error_matches (err, VK_SPATIAL_ERROR, VK_SPATIAL_ERROR_TOO_LARGE)
        ? " (the fg must be a part of the bg: were FG and BG swapped?)" : "");
    vk_cli_hint ("check that FG shows a part of BG (FG comes first)");
    g_clear_error (&err);
    ret = VK_EXIT_NO_OVERLAP;
    goto out;
  }

  /* the matched bg frame (and its neighbours) at the refinement's
   * resolution */
  m = MIN (r.map[0], bgsum.n_frames - 1);
  if (bgsum.n_frames > 1)
    sweep_moments (&bgsum, &fgsum, &r, &m);
  if (swapped (&bgsum, &fgsum, m, &r)) {
    vk_cli_error ("no overlap: BG is found inside FG (not FG inside BG)");
    vk_cli_hint ("FG comes first: vidkompy align %s %s", bg, fg);
    ret = VK_EXIT_NO_OVERLAP;
    goto out;
  }
  if (!one_bg || factor != 1) {
    for (i = m - MIN (m, side); i <= MIN (m + side, bgsum.n_frames - 1); i++) {
      centre = i == m ? n_times : centre;
      bg_t[n_times++] = g_array_index (times, GstClockTime, i);
    }
    if (bgs)
      free_frames (bgs);
    if (factor == 1) {
      gst_element_set_state (bgr.pipeline, GST_STATE_PAUSED);
      bgs = read_frames (&bgr, bg_t, n_times);
    } else {
      gint fw = fgf->width, fh = fgf->height;

      bgs = read_frames_at (bg_uri, bgsum.width, bgsum.height, factor, bg_t,
          n_times);
      free_frames (fgs);
      fgs = read_frames_at (fg_uri, fw, fh, factor, &fg_t, 1);
    }
  }
  reader_close (&bgr);
  if (fgs->len == 0 || bgs->len == 0) {
    ret = input_failed (fgs->len ? bg : fg, fgs->len ? "background" :
        "foreground");
    goto out;
  }
  fgf = &g_array_index (fgs, Grey, 0);
  best.x = r.x;
  best.y = r.y;
  best.scale = r.scale;
  best.score = r.spatial_score;
  refine (fgf, bgs, centre, factor, &r, bgsum.low_width, &best, &best_i);

  bgf = &g_array_index (bgs, Grey, best_i);
  inside = best.x >= -INSIDE_SLACK && best.y >= -INSIDE_SLACK
      && best.x + fgsum.width * best.scale <= bgsum.width + INSIDE_SLACK
      && best.y + fgsum.height * best.scale <= bgsum.height + INSIDE_SLACK;
  /* the aligner's decision (vkfound.h): one frame does not move, so only
   * a near-perfect match says that it is in the bg */
  verdict = vk_found (r.confidence, best.score, 0.0);
  /* with --json, stdout holds one object: the result or the error */
  if (!o->json || (inside && verdict == VK_FOUND_YES))
    print_result (o, fg, bg, &fgsum, bgf, &best,
        (g_get_monotonic_time () - t0) / 1000.0);
  if (!inside) {
    vk_cli_error ("no overlap: the best match (confidence %.2f) lies partly "
        "outside BG", MAX (best.score, 0.0));
    vk_cli_hint ("check that FG shows a part of BG (FG comes first), "
        "or try another frame with --fg-time/--bg-time");
    ret = VK_EXIT_NO_OVERLAP;
  } else if (verdict == VK_FOUND_LOW_MATCH) {
    vk_cli_error ("no overlap: the bg frame found does not look like FG "
        "(match %.2f, below %.2f)", MAX (r.confidence, 0.0),
        VK_FOUND_MIN_MATCH);
  } else if (verdict != VK_FOUND_YES) {
    vk_cli_error ("no overlap: the best match has confidence %.2f (one "
        "frame needs at least %.2f)", MAX (best.score, 0.0),
        VK_FOUND_MIN_SPATIAL_STATIC);
  }
  if (inside && verdict != VK_FOUND_YES) {
    vk_cli_hint ("check that FG shows a part of BG (FG comes first), "
        "or try another frame with --fg-time/--bg-time or --precision 4");
    ret = VK_EXIT_NO_OVERLAP;
  }
out:
  reader_close (&fgr);
  reader_close (&bgr);
  vk_align_result_clear (&r);
  g_free ((gpointer) fgsum.low);
  g_free ((gpointer) bgsum.low);
  if (fgs)
    free_frames (fgs);
  if (bgs)
    free_frames (bgs);
  g_free (fg_uri);
  g_free (bg_uri);
  g_array_free (times, TRUE);
  return ret;
}

VkExit
vk_cli_align (int argc, char **argv)
{
  FindOptions o = {.precision = 2,.fg_time = -1,.bg_time = -1 };
  GOptionEntry entries[] = {
    {"precision", 'p', 0, G_OPTION_ARG_INT, &o.precision,
        "0 (fastest, 1/4 resolution) to 4 (refined, more bg frames); "
          "default 2", "0-4"},
    {"fg-time", 0, 0, G_OPTION_ARG_DOUBLE, &o.fg_time,
        "Take the fg frame at this time, seconds (default: the first)", "SEC"},
    {"bg-time", 0, 0, G_OPTION_ARG_DOUBLE, &o.bg_time,
        "Take the bg frame at this time, seconds (default: try frames "
          "spread over the bg)", "SEC"},
    {"json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print JSON", NULL},
    {NULL}
  };
  if (!vk_cli_parse ("align", "FG BG - find the image or video frame FG "
          "inside the image or video BG", VK_EXIT_CODES_HELP, entries, &argc,
          &argv))
    return VK_EXIT_USAGE;
  if (argc != 3 || o.precision < 0 || o.precision > 4) {
    vk_cli_error ("align needs FG and BG, and --precision between 0 and 4 "
        "(see vidkompy align --help)");
    return VK_EXIT_USAGE;
  }
  return find (&o, argv[1], argv[2]);
}
