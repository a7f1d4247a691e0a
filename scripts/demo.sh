#!/bin/sh
# The README's main command: installs what is missing, builds, makes the
# built-in sample pair from real footage and composites it.
#
# Until vidkompyalign exists the fg is placed at the position the sample's
# ground truth gives; its timeline starts with the bg's.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
./scripts/build.sh

OUT=${OUT:-demo-out}
mkdir -p "$OUT"
# bg: the cockatoo clip at 1280x720, 25 fps; fg: a 640x360 crop at (333,181),
# 30 fps, re-encoded at a lower quality.
build/tests/media/vk-mkpair --quiet --source cockatoo --outdir "$OUT" \
  --name sample --bg-size 1280x720 --bg-fps 25 --duration 8 \
  --fg-rect 333,181,640,360 --fg-fps 30 --quality 26

X=$(sed -n 's/^# rect_x=//p' "$OUT/sample-truth.csv")
Y=$(sed -n 's/^# rect_y=//p' "$OUT/sample-truth.csv")

GST_PLUGIN_PATH=$PWD/build/gst gst-launch-1.0 -q \
  vidkompycomposite name=c fg_sink::xpos="$X" fg_sink::ypos="$Y" \
    fg_sink::border=24 fg_sink::border-profile=smooth \
  ! videoconvert ! x264enc speed-preset=veryfast ! mp4mux \
  ! filesink location="$OUT/composite.mp4" \
  filesrc location="$OUT/sample-bg.mp4" ! decodebin ! c.bg_sink \
  filesrc location="$OUT/sample-fg.mp4" ! decodebin ! c.fg_sink

echo "sample pair:  $OUT/sample-bg.mp4 (bg), $OUT/sample-fg.mp4 (fg), $OUT/sample-truth.csv"
echo "composite:    $PWD/$OUT/composite.mp4  (fg at $X,$Y with a 24 px smooth border)"
