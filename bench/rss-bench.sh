#!/bin/sh
# Peak RSS of `vidkompy comp` against the length of the pair (issue 12:
# "memory stays bounded and flat with length"): 1080p60 pairs like
# cli-bench.sh's (bg 1920x1080 60 fps, fg 1920x870 at (0,0), 60 fps, from
# 0.5 s), LENGTHS seconds long (default "60 600"), each run once with the
# default (one decode pass: the streaming mode) and once with --mode global
# (two passes); prints peak RSS (MB, /usr/bin/time's maximum resident set) and wall
# seconds of each in one table.
#
# The footage is Debian's cockatoo.mp4 (python3-imageio, 14 s) looped
# with ffmpeg -stream_loop (a stream copy, no re-encode: a cut at every
# loop); without ffmpeg, vk-mkpair's default moving test pattern. Pairs
# are made once in PAIR_DIR (default /tmp/vk-rss-bench; making the 600-s
# pair takes about 15 min on a loaded 2-core machine, 60 s about 1.5 min),
# and reused by later runs.
#
#   BUILD_DIR=build bench/rss-bench.sh
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
LENGTHS=${LENGTHS:-60 600}
DIR=${PAIR_DIR:-/tmp/vk-rss-bench}
COCKATOO=/usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4
mkdir -p "$DIR"
export GST_PLUGIN_PATH="$PWD/$B/gst"

longest=0
for n in $LENGTHS; do
  [ "$n" -gt "$longest" ] && longest=$n
done
source="videotestsrc pattern=smpte horizontal-speed=3"
if command -v ffmpeg >/dev/null 2>&1 && [ -f "$COCKATOO" ]; then
  if [ ! -f "$DIR/cockatoo-$longest.mp4" ]; then
    ffmpeg -nostdin -v error -y -stream_loop -1 -i "$COCKATOO" \
      -t $((longest + 5)) -an -c copy "$DIR/cockatoo-$longest.mp4"
  fi
  source="filesrc location=$DIR/cockatoo-$longest.mp4 ! decodebin"
else
  echo "rss-bench: no ffmpeg: the test pattern instead of the footage" >&2
fi

for n in $LENGTHS; do
  if [ ! -f "$DIR/${n}s-fg.mp4" ]; then
    echo "rss-bench: making the ${n}-s pair" >&2
    s=$(date +%s)
    "$B/tests/media/vk-mkpair" --quiet --source "$source" --outdir "$DIR" \
      --name "${n}s" --duration "$n" --bg-size 1920x1080 --bg-fps 60 \
      --fg-rect 0,0,1920,870 --fg-fps 60 --fg-start 0.5
    echo "rss-bench: made in $(($(date +%s) - s)) s" >&2
  fi
done

# "peak-RSS-MB wall-s" of vidkompy comp on the pair of $1 seconds, with
# the extra options $2...
run () {
  n=$1
  shift
  s=$(date +%s.%N)
  /usr/bin/time -o "$DIR/rss" -f %M "$B/tools/vidkompy" comp \
    --bg "$DIR/${n}s-bg.mp4" --fg "$DIR/${n}s-fg.mp4" -o "$DIR/out.mp4" \
    --audio none "$@" >/dev/null 2>&1 ||
    { echo "rss-bench: failed: vidkompy comp $* on the ${n}-s pair" >&2; exit 1; }
  e=$(date +%s.%N)
  awk "BEGIN { printf \"%.0f %.1f\", $(cat "$DIR/rss") / 1024, $e - $s }"
}

echo "vidkompy comp, peak RSS (MB) and wall time (s), 1080p60 pairs"
printf "| %-7s | %-18s | %-18s |\n" length "default (one pass)" \
  "--mode global"
for n in $LENGTHS; do
  # shellcheck disable=SC2046
  set -- $(run "$n") $(run "$n" --mode global)
  printf "| %-7s | %-18s | %-18s |\n" "${n} s" "$1 MB, $2 s" "$3 MB, $4 s"
done
rm -f "$DIR/out.mp4" "$DIR/rss"
