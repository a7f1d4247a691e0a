#!/bin/sh
# The README's main command: installs what is missing, builds, makes the
# built-in sample pair from real footage, aligns the fg to the bg and
# composites it there.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
./scripts/build.sh

OUT=${OUT:-demo-out}
mkdir -p "$OUT"
# bg: the cockatoo clip at 1280x720, 25 fps; fg: a 640x360 crop at (333,181)
# starting 1 s into the bg, at 30 fps, re-encoded at a lower quality.
build/tests/media/vk-mkpair --quiet --source cockatoo --outdir "$OUT" \
  --name sample --bg-size 1280x720 --bg-fps 25 --duration 8 \
  --fg-rect 333,181,640,360 --fg-fps 30 --fg-start 1.0 --quality 26

# vidkompyalign finds the fg in the bg and retimes the bg onto the fg;
# vidkompycomposite places the fg where the alignment meta says.
GST_PLUGIN_PATH=$PWD/build/gst gst-launch-1.0 -m \
  vidkompyalign name=a \
  vidkompycomposite name=c fg_sink::border=24 fg_sink::border-profile=smooth \
  ! videoconvert ! x264enc speed-preset=veryfast ! mp4mux \
  ! filesink location="$OUT/composite.mp4" \
  filesrc location="$OUT/sample-bg.mp4" ! decodebin ! a.bg_sink \
  filesrc location="$OUT/sample-fg.mp4" ! decodebin ! a.fg_sink \
  a.bg_src ! c.bg_sink  a.fg_src ! c.fg_sink \
  | sed -n 's/.*vidkompy-alignment, /alignment:    /p' | tr -d ';'

echo "sample pair:  $OUT/sample-bg.mp4 (bg), $OUT/sample-fg.mp4 (fg)"
echo "truth:        $OUT/sample-truth.csv (fg at 333,181, bg offset 1.0 s)"
echo "composite:    $PWD/$OUT/composite.mp4"
