#!/bin/sh
# The README's main command: installs what is missing, builds, makes the
# built-in sample pair from real footage, aligns the fg to the bg and
# composites it there with the vidkompy command.
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

# `vidkompy comp` finds the fg in the bg, retimes the bg onto the fg frame
# by frame and composites the fg there (vidkompyalign ! vidkompycomposite),
# with a 24 px smooth border; it prints the output path and a summary.
rm -f "$OUT/composite.mp4"
GST_PLUGIN_PATH=$PWD/build/gst build/tools/vidkompy comp \
  --bg "$OUT/sample-bg.mp4" --fg "$OUT/sample-fg.mp4" \
  -o "$OUT/composite.mp4" --border 24 --smooth

echo "sample pair:  $OUT/sample-bg.mp4 (bg), $OUT/sample-fg.mp4 (fg)"
echo "truth:        $OUT/sample-truth.csv (fg at 333,181, bg offset 1.0 s)"
echo
echo "To run vidkompy and the elements of this build yourself (gst-launch-1.0,"
echo "gst-inspect-1.0 vidkompy, Python with the alignment meta), in this shell:"
echo "  export PATH=\"$PWD/build/tools:\$PATH\" GST_PLUGIN_PATH=\"$PWD/build/gst\" GI_TYPELIB_PATH=\"$PWD/build/gst-libs/gst/vidkompy\""
