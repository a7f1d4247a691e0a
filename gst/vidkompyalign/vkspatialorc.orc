# Kernels of the spatial search's coarse stage (vkspatialcoarse.c).
#
# The correlation map of a template over the positions of a pyramid level
# is built one template sample at a time: the sample's value times the
# level, shifted by the sample's place, added to the whole map at once
# (d[y][x] += t * b[y][x], 2D), so each call runs over the map's positions
# instead of one short template row.

.function vk_orc_mac_f32
.flags 2d
.dest 4 d float
.source 4 b float
.floatparam 4 t
.temp 4 f

mulf f, b, t
addf d, d, f


# four template samples of a row at once: d[y][x] += Σ tk * b[y][x + k]
.function vk_orc_mac4_f32
.flags 2d
.dest 4 d float
.source 4 b0 float
.source 4 b1 float
.source 4 b2 float
.source 4 b3 float
.floatparam 4 t0
.floatparam 4 t1
.floatparam 4 t2
.floatparam 4 t3
.temp 4 f
.temp 4 g

mulf f, b0, t0
mulf g, b1, t1
addf f, f, g
mulf g, b2, t2
addf f, f, g
mulf g, b3, t3
addf f, f, g
addf d, d, f


.function vk_orc_add_f64_f32
.dest 8 d double
.source 4 s float
.temp 8 t

convfd t, s
addd d, d, t

