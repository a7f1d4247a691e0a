#!/bin/sh
# End-to-end cost of `vidkompy comp` against two peers that align nothing,
# in the same run, on three generated pairs (cockatoo footage, fg a crop
# of the bg starting later, both 8 s):
#
#   1080p60  bg 1920x1080 60 fps, fg 1920x870 at (0,0), 60 fps, from 0.5 s
#   720p30   bg 1280x720 30 fps, fg 1280x560 at (0,80), 30 fps, from 1.0 s
#   1080p24  bg 1920x1080 24 fps, fg 1920x870 at (0,0), 24 fps, from 0.5 s
#
# and two more shapes (PAIRS="... late x2fps"): a fg found late in the bg
# at another scale, and a fg at twice the bg's frame rate:
#
#   late     bg 1280x720 25 fps, fg 400x220 = the 800x440 at (200,100)
#            scaled 0.5x, 25 fps, from 3.0 s
#   x2fps    bg 1920x1080 30 fps, fg 1920x870 at (0,105), 60 fps, from 2.0 s
#
# Peers, at the true position and start, with the same encoder and rate
# control as vidkompy comp's defaults (x264 ultrafast, CRF 23):
#   ffmpeg    ffmpeg's overlay filter, libx264 (when ffmpeg is installed)
#   gst       compositor ! x264enc ! mp4mux (a bin with the same decoders)
# and `vidkompy comp` with its defaults. Runs interleaved, REPS times each
# (default 3); prints the medians of wall and CPU (user + system) seconds,
# vidkompy's peak RSS and its ratios to each peer. PAIR_DIR=DIR keeps the
# pairs in DIR (made once, reused by later runs); PAIRS="1080p60 720p30"
# picks pairs; MODE=streaming runs `vidkompy comp --mode streaming` (one
# decode pass) instead of its default.
#
#   BUILD_DIR=build bench/cli-bench.sh [REPS]
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
REPS=${1:-3}
PAIRS=${PAIRS:-1080p60 720p30 1080p24}
if [ -n "${PAIR_DIR:-}" ]; then
  DIR=$PAIR_DIR
  mkdir -p "$DIR"
else
  DIR=$(mktemp -d /tmp/vk-cli-bench.XXXXXX)
  trap 'rm -rf "$DIR"' EXIT
fi
export GST_PLUGIN_PATH="$PWD/$B/gst"
# a registry of this run's own: GStreamer programs run meanwhile with
# other plugin paths (another build) would make it be rebuilt, 0.25 s, in
# the middle of the timed runs of vidkompy and gst (none of ffmpeg's)
export GST_REGISTRY="$DIR/registry.bin"
gst-inspect-1.0 vidkompy >/dev/null 2>&1 || true
HAVE_FFMPEG=0
command -v ffmpeg >/dev/null 2>&1 && HAVE_FFMPEG=1

# the pair's vk-mkpair arguments; X Y START: the truth
pair_args () {
  case $1 in
    1080p60) echo "--bg-size 1920x1080 --bg-fps 60 --fg-rect 0,0,1920,870" \
      "--fg-fps 60 --fg-start 0.5" ;;
    720p30) echo "--bg-size 1280x720 --bg-fps 30 --fg-rect 0,80,1280,560" \
      "--fg-fps 30 --fg-start 1.0" ;;
    1080p24) echo "--bg-size 1920x1080 --bg-fps 24 --fg-rect 0,0,1920,870" \
      "--fg-fps 24 --fg-start 0.5" ;;
    late) echo "--bg-size 1280x720 --bg-fps 25 --fg-rect 200,100,800,440" \
      "--fg-size 400x220 --fg-fps 25 --fg-start 3.0" ;;
    x2fps) echo "--bg-size 1920x1080 --bg-fps 30 --fg-rect 0,105,1920,870" \
      "--fg-fps 60 --fg-start 2.0" ;;
    *) echo "cli-bench: unknown pair $1" >&2; exit 2 ;;
  esac
}
# the fg's place (X, Y; W x H: its size on the bg) and start, the output's
# frame rate (the fg's)
truth () {
  W=0 H=0 FPS=
  case $1 in
    720p30) X=0 Y=80 START=1.0 ;;
    late) X=200 Y=100 W=800 H=440 START=3.0 ;;
    x2fps) X=0 Y=105 START=2.0 FPS=60 ;;
    *) X=0 Y=0 START=0.5 ;;
  esac
}

for p in $PAIRS; do
  if [ ! -f "$DIR/$p-fg.mp4" ]; then
    echo "cli-bench: making the $p pair" >&2
    # shellcheck disable=SC2046
    "$B/tests/media/vk-mkpair" --quiet --source cockatoo --outdir "$DIR" \
      --name "$p" --duration 8 $(pair_args "$p")
  fi
done

# seconds of CPU (user + system) of the finished children of this shell,
# from `times` run in this shell (not in a subshell) into $DIR/cpu
children_cpu () {
  awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
    sub("s", "", a[2]); n += a[1] * 60 + a[2] } print n }' "$DIR/cpu"
}

# "wall cpu" seconds of a command (a shell function)
measure () {
  times >"$DIR/cpu"
  c0=$(children_cpu)
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "cli-bench: failed: $*" >&2; exit 1; }
  e=$(date +%s.%N)
  times >"$DIR/cpu"
  c1=$(children_cpu)
  awk "BEGIN { printf \"%.3f %.3f\\n\", $e - $s, $c1 - $c0 }"
}

run_ffmpeg () {
  truth "$1"
  ffmpeg -nostdin -y -v error -i "$DIR/$1-bg.mp4" -itsoffset "$START" \
    -i "$DIR/$1-fg.mp4" -filter_complex \
    "[0:v]${FPS:+fps=$FPS,}null[b];[1:v]scale=$W:$H[f];[b][f]overlay=$X:$Y" \
    -an -c:v libx264 -preset ultrafast -crf 23 "$DIR/ffmpeg.mp4"
}
run_gst () {
  truth "$1"
  gst-launch-1.0 -q compositor name=c sink_0::zorder=0 sink_1::zorder=1 \
    sink_1::xpos="$X" sink_1::ypos="$Y" sink_1::width="$W" \
    sink_1::height="$H" ! videoconvert \
    ! x264enc speed-preset=ultrafast pass=qual quantizer=23 ! mp4mux \
    ! filesink location="$DIR/gst.mp4" \
    filesrc location="$DIR/$1-bg.mp4" ! decodebin ! c.sink_0 \
    filesrc location="$DIR/$1-fg.mp4" ! decodebin ! c.sink_1
}
run_vidkompy () {
  /usr/bin/time -o "$DIR/rss" -f %M "$B/tools/vidkompy" comp \
    --bg "$DIR/$1-bg.mp4" --fg "$DIR/$1-fg.mp4" -o "$DIR/vidkompy.mp4" \
    --audio none ${MODE:+--mode "$MODE"}
}

PEERS="gst"
[ $HAVE_FFMPEG = 1 ] && PEERS="ffmpeg gst"
: >"$DIR/times"
i=0
while [ $i -lt "$REPS" ]; do
  for p in $PAIRS; do
    for k in $PEERS vidkompy; do
      echo 0 >"$DIR/rss"
      measure "run_$k" "$p" >"$DIR/m"
      echo "$p $k $(cat "$DIR/m") $(cat "$DIR/rss")" >>"$DIR/times"
    done
  done
  i=$((i + 1))
done

# median of field $3 (3: wall, 4: cpu, 5: peak RSS, KB) of pair $1,
# command $2
median () {
  grep "^$1 $2 " "$DIR/times" | cut -d' ' -f"$3" | sort -n |
    awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
[ $HAVE_FFMPEG = 1 ] || echo "(ffmpeg is not installed: no ffmpeg column)"
echo "vidkompy comp${MODE:+ --mode $MODE} against peers that align nothing;" \
  "medians of $REPS runs"
echo "(seconds: wall / CPU; RSS: vidkompy's peak, MB); ratio = vidkompy / peer"
printf "| %-8s | %-13s | %-13s | %-13s | %-5s | %-11s | %-11s |\n" pair \
  ffmpeg gst vidkompy RSS "vs ffmpeg" "vs gst"
for p in $PAIRS; do
  rss=$(median "$p" vidkompy 5)
  vw=$(median "$p" vidkompy 3)
  vc=$(median "$p" vidkompy 4)
  gw=$(median "$p" gst 3)
  gc=$(median "$p" gst 4)
  if [ $HAVE_FFMPEG = 1 ]; then
    fw=$(median "$p" ffmpeg 3)
    fc=$(median "$p" ffmpeg 4)
    fr=$(awk "BEGIN { printf \"%.2f / %.2f\", $vw / $fw, $vc / $fc }")
    fcol=$(printf "%.2f / %.2f" "$fw" "$fc")
  else
    fr="-"
    fcol="-"
  fi
  printf "| %-8s | %-13s | %-13s | %-13s | %-5s | %-11s | %-11s |\n" "$p" \
    "$fcol" "$(printf "%.2f / %.2f" "$gw" "$gc")" \
    "$(printf "%.2f / %.2f" "$vw" "$vc")" \
    "$(awk "BEGIN { printf \"%.0f\", $rss / 1024 }")" "$fr" \
    "$(awk "BEGIN { printf \"%.2f / %.2f\", $vw / $gw, $vc / $gc }")"
done
