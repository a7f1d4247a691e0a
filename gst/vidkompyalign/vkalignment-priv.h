/* gst-vidkompy
 * Copyright (C) 2026 gst-vidkompy developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* vkalignment's private header: what its files share (vkalignment.c,
 * vkalignplace.c). */

#ifndef __VK_ALIGNMENT_PRIV_H__
#define __VK_ALIGNMENT_PRIV_H__

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vkalignment.h"
#include "vkjoint.h"
#include "vkfingerprint.h"
#include "vkspatial.h"
#include "vktemporal.h"

G_BEGIN_DECLS

/* fg frames searched for the spatial match, bg frames each is tried in */
#define SPATIAL_FG_SAMPLES 3
/* match-region=auto: the bg under the fg's bars counts as bars too when its
 * mean luma is at most this above theirs */
#define AUTO_BAR_LUMA 12.0
#define SPATIAL_BG_CANDIDATES 32
/* a fg sample found this much worse than the best sample shows content the
 * bg may not have (a bg that starts late or ends early): it is left out of
 * the joint position search */
#define SPATIAL_SAMPLE_MARGIN 0.03
/* likewise in the refinement: a pair whose cost is above this many times
 * the best pair's (and above UNSHOWN_MIN_COST) */
#define UNSHOWN_COST_FACTOR 4.0f
#define UNSHOWN_MIN_COST 0.02f
/* samples whose own placements are this close to their joint one agree
 * (bg low-resolution pixels, relative scale): no joint space-time search */
#define SPATIAL_AGREE_PX 0.5
#define SPATIAL_AGREE_SCALE 0.01
/* fg frames matched against every bg frame for the coarse line */
#define LINE_SAMPLES 400
/* a low-resolution fg must stay at least this wide in the bg */
#define MIN_LOW_FG_WIDTH 8

/* vkalignplace.c */
gboolean vk_al_coarse_spatial (const VkStreamSummary * bg,
    const VkStreamSummary * fg, const VkAlignOptions * opts, VkAlignResult * r,
    gboolean * moving, gboolean * exact, GError ** error);

G_END_DECLS

#endif /* __VK_ALIGNMENT_PRIV_H__ */
