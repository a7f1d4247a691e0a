#!/bin/sh
# Makes the small sample media the documentation's commands use, in DIR
# (default: the current directory):
#   bg.mp4        320x180, 25 fps, 3 s of real footage (Debian's cockatoo
#                 clip), H.264, with a 440 Hz tick track (AAC)
#   fg.mp4        a 160x90 crop of it at (80,44), 30 fps, starting 0.5 s
#                 into the bg, H.264, with its own tick track (AAC)
#   fg-silent.mp4 the same fg without audio
#   fg.png        the fg's first frame
#   bg.png        the bg frame it shows (the same moment: vidkompy align
#                 finds it at 80,44, scale 1)
#   pair-truth.csv the ground truth (every fg frame's bg frame)
# Usage: tests/docs/make-doc-media.sh [DIR]   (BUILD_DIR: default build)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$here/build}
out=${1:-.}
mkdir -p "$out"
cd "$out"
"$BUILD_DIR/tests/media/vk-mkpair" --quiet --source cockatoo --name pair \
  --bg-size 320x180 --bg-fps 25 --duration 3 \
  --fg-rect 80,44,160,90 --fg-fps 30 --fg-start 0.5
# add a tick track as long as the video to each file
for s in bg fg; do
  n=144; [ $s = fg ] && n=120
  gst-launch-1.0 -q -e filesrc location=pair-$s.mp4 ! qtdemux ! h264parse \
    ! queue ! mp4mux name=mux ! filesink location=$s.mp4 \
    audiotestsrc wave=ticks num-buffers=$n samplesperbuffer=1000 \
    ! audio/x-raw,rate=48000 ! audioconvert ! avenc_aac ! queue ! mux. >/dev/null
done
gst-launch-1.0 -q filesrc location=pair-fg.mp4 ! decodebin ! videoconvert \
  ! pngenc snapshot=true ! filesink location=fg.png >/dev/null
# the bg frame of the fg's first frame (pair-truth.csv: fg_index, fg_pts_ns,
# bg_index, ...)
b=$(grep -v '^#' pair-truth.csv | awk -F, '$1 == "0" { print $3 }')
gst-launch-1.0 -q filesrc location=pair-bg.mp4 ! decodebin ! videoconvert \
  ! pngenc ! multifilesink location=bg-frame-%03d.png >/dev/null
mv "bg-frame-$(printf %03d "$b").png" bg.png
rm -f bg-frame-*.png
mv pair-fg.mp4 fg-silent.mp4
rm -f pair-bg.mp4
