#!/bin/sh
# cli_teardown: `vidkompy comp` stops cleanly when the fg is not in the bg,
# RUNS times (default 10; the long form: `cli_teardown.sh 50`), alternating
# the two audio paths: the bg's sound (held until the alignment is known,
# then through scaletempo) and the fg's. Every run must exit 5 with the "no
# overlap" error, leave no output and no hidden .part file, and print
# nothing else on stderr: no GStreamer warning or critical ("Got data flow
# before segment event"), no crash, no sanitizer report. Run by meson in the
# plain and the ASan+UBSan trees (tests/check/meson.build) with VIDKOMPY
# set.
set -eu
runs=${1:-10}
VIDKOMPY=${VIDKOMPY:-vidkompy}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the media, with the system's plugins (gst-launch-1.0 is not instrumented:
# it cannot load the plugins of the ASan tree)
launch () {
  env -u GST_PLUGIN_PATH_1_0 -u GST_PLUGIN_SYSTEM_PATH_1_0 \
    -u GST_REGISTRY_FORK -u GST_TRACERS GST_REGISTRY_1_0="$tmp/launch.bin" \
    gst-launch-1.0 -q -e "$@"
}
# bg: 3 s of moving content with a tone; fg: a bouncing ball (not in the
# bg), with and without sound
launch videotestsrc pattern=zone-plate kx2=20 ky2=20 kt=1 num-buffers=75 \
  ! video/x-raw,width=320,height=180,framerate=25/1 \
  ! x264enc speed-preset=ultrafast ! mp4mux name=m \
  ! filesink location="$tmp/bg.mp4" \
  audiotestsrc num-buffers=150 samplesperbuffer=960 ! audioconvert \
  ! avenc_aac ! queue ! m.
launch videotestsrc pattern=ball num-buffers=45 \
  ! video/x-raw,width=160,height=90,framerate=30/1 \
  ! x264enc speed-preset=ultrafast ! mp4mux ! filesink location="$tmp/fg.mp4"
launch videotestsrc pattern=ball num-buffers=45 \
  ! video/x-raw,width=160,height=90,framerate=30/1 \
  ! x264enc speed-preset=ultrafast ! mp4mux name=m \
  ! filesink location="$tmp/fg-sound.mp4" \
  audiotestsrc num-buffers=75 samplesperbuffer=960 wave=ticks \
  ! audioconvert ! avenc_aac ! queue ! m.

failed=0
i=1
while [ "$i" -le "$runs" ]; do
  fg=fg.mp4
  [ $((i % 2)) = 0 ] && fg=fg-sound.mp4
  rc=0
  (cd "$tmp" && "$VIDKOMPY" comp --bg bg.mp4 --fg "$fg" -o out.mp4 \
    >stdout 2>stderr) || rc=$?
  # stderr: progress lines, the error and its hint, nothing else
  other=$(grep -v -e '^analysis ' -e '^render ' -e '^vidkompy: error: no overlap' \
    -e '^hint: ' -e '^$' "$tmp/stderr" || true)
  left=$(cd "$tmp" && ls -a | grep -e '\.part$' -e '^out\.mp4$' || true)
  if [ "$rc" != 5 ] || [ -n "$other" ] || [ -n "$left" ] \
    || ! grep -q '^vidkompy: error: no overlap' "$tmp/stderr"; then
    echo "run $i ($fg): exit $rc (expected 5); left behind: ${left:-nothing}"
    echo "stderr:"
    cat "$tmp/stderr"
    failed=$((failed + 1))
    rm -f "$tmp"/.out.mp4.* "$tmp/out.mp4"
  fi
  i=$((i + 1))
done
echo "$runs runs, $failed failed"
[ "$failed" = 0 ]
