#!/bin/sh
# The long soak of vidkompyalign ! vidkompycomposite (issue 14 point 8):
#  1. PROCS processes (default 4) of tests/check/soak at once, each with
#     PIPES pipelines (4) in threads, each run CYCLES times (200) from NULL
#     to PLAYING and back with a flushing seek every 4 output frames, in
#     global mode, then the same in streaming mode, under the leaks tracer
#     (a leak fails the process);
#  2. live inputs (videotestsrc is-live=true, the fg a crop of the bg) in
#     streaming mode for LIVE_SECONDS (600), the RSS of the process
#     sampled every 10 s: it must stay within 20 MB of its first sample
#     after a minute.
# Prints the counts (runs, seeks, frames, the longest wait for an output
# frame) and the RSS curve; exits non-zero
# on any failure. The meson test `soak` is its short form.
#
#   BUILD_DIR=build bench/soak.sh
set -eu
cd "$(dirname "$0")/.."
B=${BUILD_DIR:-build}
PROCS=${PROCS:-4}
PIPES=${PIPES:-4}
CYCLES=${CYCLES:-200}
LIVE_SECONDS=${LIVE_SECONDS:-600}
OUT=$(mktemp -d /tmp/vk-soak.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

export GST_PLUGIN_PATH_1_0="$PWD/$B/gst"
export GST_REGISTRY_1_0="$OUT/registry.bin"
export G_DEBUG=fatal-criticals GST_TRACERS=leaks
export VK_MKPAIR="$PWD/$B/tests/media/vk-mkpair"
export VK_SOAK_PIPELINES=$PIPES VK_SOAK_CYCLES=$CYCLES VK_SOAK_FRAMES=12
export VK_SOAK_SEEK_EVERY=4 VK_SOAK_TIMEOUT=36000

echo "soak: $PROCS processes x $PIPES pipelines x $CYCLES cycles, both modes"
start=$(date +%s)
i=0
while [ $i -lt "$PROCS" ]; do
  "$B/tests/check/soak" > "$OUT/proc$i.log" 2>&1 &
  eval "pid$i=\$!"
  i=$((i + 1))
done
fail=0
i=0
while [ $i -lt "$PROCS" ]; do
  eval "pid=\$pid$i"
  if ! wait "$pid"; then
    echo "soak: process $i failed:"
    tail -5 "$OUT/proc$i.log"
    fail=1
  fi
  grep '^soak ' "$OUT/proc$i.log" | sed "s/^/  process $i: /"
  i=$((i + 1))
done
echo "soak: cycles done in $(( $(date +%s) - start )) s"
awk '/^soak /{runs[$2] += $5; seeks[$2] += $7; frames[$2] += $9
  if ($16 > wait[$2]) wait[$2] = $16}
  END {for (m in runs) printf "  total %s %d runs, %d seeks, %d frames, " \
  "longest wait for a frame %.1f s\n", m, runs[m], seeks[m], frames[m],
  wait[m]}' "$OUT"/proc*.log

echo "soak: live inputs, streaming mode, $LIVE_SECONDS s"
unset GST_TRACERS
gst-launch-1.0 -q vidkompyalign name=a mode=streaming latency=1000000000 \
  vidkompycomposite name=c ! fakesink sync=true \
  videotestsrc is-live=true pattern=ball ! \
  video/x-raw,format=I420,width=640,height=360,framerate=25/1 ! tee name=t \
  t. ! queue ! a.bg_sink \
  t. ! queue ! videocrop left=80 top=40 right=240 bottom=140 ! a.fg_sink \
  a.bg_src ! c.bg_sink a.fg_src ! c.fg_sink > "$OUT/live.log" 2>&1 &
live=$!
t=0
first=
max=0
curve=
while [ $t -lt "$LIVE_SECONDS" ]; do
  sleep 10
  t=$((t + 10))
  if ! kill -0 $live 2>/dev/null; then
    echo "soak: the live pipeline stopped at $t s:"
    tail -5 "$OUT/live.log"
    exit 1
  fi
  rss=$(awk '/^VmRSS/{print int($2 / 1024)}' /proc/$live/status)
  curve="$curve $rss"
  [ $t -lt 60 ] && continue
  [ -z "$first" ] && first=$rss
  d=$((rss - first))
  [ $d -gt $max ] && max=$d
done
kill -INT $live
wait $live || true
echo "soak: live RSS (MB, every 10 s):$curve"
echo "soak: growth after the first minute: $max MB (limit 20)"
[ $max -le 20 ] || fail=1
exit $fail
