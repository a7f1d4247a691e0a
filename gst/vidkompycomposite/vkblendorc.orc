# Blend kernels of vidkompycomposite.
#
# d = (fg * w + bg * (255 - w)) / 255, rounded, per byte. The weight comes
# from a weight row (one weight per sample, shared by the 1, 2 or 4 bytes of
# the sample) or from a constant.

.function vk_orc_blend_u8
.dest 1 d guint8
.source 1 fg guint8
.source 1 bg guint8
.source 1 w guint8
.temp 2 tw
.temp 2 tiw
.temp 2 t1
.temp 2 t2

convubw tw, w
subw tiw, 255, tw
convubw t1, fg
mullw t1, t1, tw
convubw t2, bg
mullw t2, t2, tiw
addw t1, t1, t2
div255w t1, t1
convwb d, t1


.function vk_orc_blend_2u8
.dest 2 d guint8
.source 2 fg guint8
.source 2 bg guint8
.source 1 w guint8
.temp 2 ww
.temp 4 tw
.temp 4 tiw
.temp 4 t1
.temp 4 t2

splatbw ww, w
x2 convubw tw, ww
x2 subw tiw, 255, tw
x2 convubw t1, fg
x2 mullw t1, t1, tw
x2 convubw t2, bg
x2 mullw t2, t2, tiw
x2 addw t1, t1, t2
x2 div255w t1, t1
x2 convwb d, t1


.function vk_orc_blend_4u8
.dest 4 d guint8
.source 4 fg guint8
.source 4 bg guint8
.source 1 w guint8
.temp 4 ww
.temp 8 tw
.temp 8 tiw
.temp 8 t1
.temp 8 t2

splatbl ww, w
x4 convubw tw, ww
x4 subw tiw, 255, tw
x4 convubw t1, fg
x4 mullw t1, t1, tw
x4 convubw t2, bg
x4 mullw t2, t2, tiw
x4 addw t1, t1, t2
x4 div255w t1, t1
x4 convwb d, t1


.function vk_orc_blend_const_u8
.dest 1 d guint8
.source 1 fg guint8
.source 1 bg guint8
.param 2 w
.temp 2 tiw
.temp 2 t1
.temp 2 t2

subw tiw, 255, w
convubw t1, fg
mullw t1, t1, w
convubw t2, bg
mullw t2, t2, tiw
addw t1, t1, t2
div255w t1, t1
convwb d, t1
