#!/bin/sh
# The cost of vidkompyalign's spatial search, whose coarse stage runs ORC
# kernels (gst/vidkompyalign/vkspatialorc.orc), against the same build with
# ORC's plain C backups (ORC_CODE=backup: the C the .orc file compiles to,
# as a build without ORC runs it) and, with BASE=DIR, another build's
# `vidkompy` (DIR/tools/vidkompy, e.g. the previous commit's): `vidkompy
# align FG BG --json` on two of align-bench's pairs (made by align-bench
# --pairs, which holds their definitions), whose fg is searched over the
# whole scale range (scale 1 does not match): scaled-50 (the cockatoo
# clip's 320x180 at (80,60) scaled to 160x90) and the world case zoom-150
# (a slow zoom on a still picture, the fg scaled 1.5x).
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

# (align-bench aligns each pair once as it makes it: not timed here)
"$B/bench/align-bench" --no-speed --pairs "$DIR" --only scaled-50 \
  >/dev/null 2>&1 || { echo "search-bench: no scaled-50 pair" >&2; exit 1; }
"$B/bench/align-bench" --no-speed --pairs "$DIR" --world --only zoom-150 \
  >/dev/null 2>&1 || { echo "search-bench: no zoom-150 pair" >&2; exit 1; }

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
