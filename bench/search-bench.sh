#!/bin/sh
# The cost of vidkompyalign's spatial search, whose coarse stage runs ORC
# kernels (gst/vidkompyalign/vkspatialorc.orc), against the same build with
# ORC's plain C backups (ORC_CODE=backup: the C the .orc file compiles to,
# as a build without ORC runs it) and, with BASE=DIR, another build's
# `vidkompy` (DIR/tools/vidkompy, e.g. the previous commit's): `vidkompy
# align FG BG --json` on two generated pairs whose fg is searched over the
# whole scale range (scale 1 does not match):
#
#   scaled-50  bg 640x360 30 fps (cockatoo), fg its 320x180 at (80,60)
#              scaled to 160x90, from 0.5 s, 5 s
#   zoom-150   bg 640x360 30 fps, a slow zoom on a still picture
#              (chelsea), fg its 320x180 at (80,60) scaled to 480x270,
#              from 1 s, 5 s
#
# Runs interleaved, REPS times each (default 5); prints the medians of the
# alignment's own time (the "time" of the JSON: decoding both files and
# the search) and the ratios to ORC in the same run.
#
#   BUILD_DIR=build [BASE=../base/build] bench/search-bench.sh [REPS]
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
REPS=${1:-5}
DIR=$(mktemp -d /tmp/vk-search-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
export GST_PLUGIN_PATH="$PWD/$B/gst"
export GST_REGISTRY="$DIR/registry.bin"
gst-inspect-1.0 vidkompy >/dev/null 2>&1 || true

CHELSEA=/usr/lib/python3/dist-packages/imageio/resources/images/chelsea.png
"$B/tests/media/vk-mkpair" --quiet --source cockatoo --outdir "$DIR" \
  --name scaled-50 --bg-size 640x360 --bg-fps 30 --duration 9 \
  --fg-rect 80,60,320,180 --fg-size 160x90 --fg-fps 30 --fg-start 0.5 \
  --fg-duration 5
"$B/tests/media/vk-mkpair" --quiet --outdir "$DIR" --name zoom-150 \
  --source "filesrc location=\"$CHELSEA\" ! pngdec ! imagefreeze" \
  --canvas 1024x680 \
  --camera 0.00,0.00,1024.00,576.00:192.00,108.00,640.00,360.00 \
  --bg-size 640x360 --bg-fps 30 --duration 9 --fg-rect 80,60,320,180 \
  --fg-size 480x270 --fg-fps 30 --fg-start 1 --fg-duration 5

# the alignment's time in seconds: VARIANT PAIR
align_time () {
  case $1 in
    orc) set -- "$B/tools/vidkompy" "$2" ;;
    backup) set -- "$B/tools/vidkompy" "$2"; export ORC_CODE=backup ;;
    base) set -- "$BASE/tools/vidkompy" "$2" ;;
  esac
  "$1" align "$DIR/$2-fg.mp4" "$DIR/$2-bg.mp4" --json 2>/dev/null \
    | sed -n 's/^ *"time" *: *\([0-9.]*\).*/\1/p'
  unset ORC_CODE
}

VARIANTS="orc backup"
[ -n "${BASE:-}" ] && VARIANTS="$VARIANTS base"
: >"$DIR/times"
i=0
while [ $i -lt "$REPS" ]; do
  for p in scaled-50 zoom-150; do
    for v in $VARIANTS; do
      t=$(align_time "$v" "$p")
      [ -n "$t" ] || { echo "search-bench: $v failed on $p" >&2; exit 1; }
      echo "$p $v $t" >>"$DIR/times"
    done
  done
  i=$((i + 1))
done

python3 - "$DIR/times" "$REPS" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    pair, variant, t = line.split()
    runs.setdefault((pair, variant), []).append(float(t))
print("vidkompy align, median of %s runs each (s); ratio: to orc" % sys.argv[2])
print("%-10s %-8s %8s %7s" % ("pair", "variant", "time", "ratio"))
for (pair, variant), ts in runs.items():
    t = statistics.median(ts)
    orc = statistics.median(runs[(pair, "orc")])
    print("%-10s %-8s %8.3f %7.2f" % (pair, variant, t, t / orc))
EOF
