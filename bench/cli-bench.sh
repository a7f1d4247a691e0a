#!/bin/sh
# End-to-end time of `vidkompy comp` on the 8-s 1080p60 pair of
# align-bench (bg 1920x1080 60 fps, fg its 1920x870 crop at (0,0), 60 fps,
# starting 0.5 s into the bg, cockatoo footage), against the same files
# through `compositor` at a fixed position (no alignment) ! x264enc !
# mp4mux in the same run. Runs interleaved, REPS times each (default 3);
# prints the medians and the ratios. PAIR_DIR=DIR keeps the pair in DIR
# (made once, reused by later runs).
#
#   BUILD_DIR=build bench/cli-bench.sh [REPS]
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
REPS=${1:-3}
if [ -n "${PAIR_DIR:-}" ]; then
  DIR=$PAIR_DIR
  mkdir -p "$DIR"
else
  DIR=$(mktemp -d /tmp/vk-cli-bench.XXXXXX)
  trap 'rm -rf "$DIR"' EXIT
fi
export GST_PLUGIN_PATH="$PWD/$B/gst"

if [ ! -f "$DIR/p-fg.mp4" ]; then
  echo "cli-bench: making the 1080p60 pair" >&2
  "$B/tests/media/vk-mkpair" --quiet --source cockatoo --outdir "$DIR" \
    --name p --bg-size 1920x1080 --bg-fps 60 --duration 8 \
    --fg-rect 0,0,1920,870 --fg-fps 60 --fg-start 0.5
fi

# seconds of wall time of a command
wall () {
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "cli-bench: failed: $*" >&2; exit 1; }
  e=$(date +%s.%N)
  awk "BEGIN { print $e - $s }"
}

comp_fast () {
  "$B/tools/vidkompy" comp --bg "$DIR/p-bg.mp4" --fg "$DIR/p-fg.mp4" \
    -o "$DIR/fast.mp4" --quality fast
}
comp_default () {
  "$B/tools/vidkompy" comp --bg "$DIR/p-bg.mp4" --fg "$DIR/p-fg.mp4" \
    -o "$DIR/default.mp4"
}
bin_launch () {
  gst-launch-1.0 -q vidkompy name=v ! videoconvert \
    ! x264enc speed-preset=ultrafast ! mp4mux \
    ! filesink location="$DIR/bin.mp4" \
    filesrc location="$DIR/p-bg.mp4" ! decodebin ! v.bg_sink \
    filesrc location="$DIR/p-fg.mp4" ! decodebin ! v.fg_sink
}
baseline () {
  gst-launch-1.0 -q compositor name=c sink_0::zorder=0 sink_1::zorder=1 \
    sink_1::xpos=0 sink_1::ypos=0 ! videoconvert \
    ! x264enc speed-preset=ultrafast ! mp4mux \
    ! filesink location="$DIR/baseline.mp4" \
    filesrc location="$DIR/p-bg.mp4" ! decodebin ! c.sink_0 \
    filesrc location="$DIR/p-fg.mp4" ! decodebin ! c.sink_1
}

: >"$DIR/times"
i=0
while [ $i -lt "$REPS" ]; do
  for k in baseline bin_launch comp_fast comp_default; do
    echo "$k $(wall $k)" >>"$DIR/times"
  done
  i=$((i + 1))
done

median () {
  grep "^$1 " "$DIR/times" | cut -d' ' -f2 | sort -n |
    awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
base=$(median baseline)
echo "8-s 1080p60 pair, median of $REPS runs (wall seconds)"
printf "| %-66s | %6s | %5s |\n" "command" "time" "ratio"
printf "| %-66s | %6.2f | %5.2f |\n" \
  "gst-launch compositor (fixed position) ! x264enc ultrafast ! mp4mux" \
  "$base" 1
for k in bin_launch comp_fast comp_default; do
  m=$(median $k)
  case $k in
    bin_launch) d="gst-launch vidkompy (bin) ! x264enc ultrafast ! mp4mux" ;;
    comp_fast) d="vidkompy comp --quality fast" ;;
    *) d="vidkompy comp (default options)" ;;
  esac
  printf "| %-66s | %6.2f | %5.2f |\n" "$d" "$m" "$(awk "BEGIN { print $m / $base }")"
done
