#!/bin/sh
# Formats C sources (not headers, as upstream)  in the GStreamer style (GNU indent with the options of
# GStreamer's gst-indent). Usage: scripts/gst-indent.sh FILE...
set -eu
for f in "$@"; do
  indent \
    --braces-on-if-line \
    --case-brace-indentation0 \
    --case-indentation2 \
    --braces-after-struct-decl-line \
    --line-length80 \
    --no-tabs \
    --cuddle-else \
    --dont-line-up-parentheses \
    --continuation-indentation4 \
    --honour-newlines \
    --tab-size8 \
    --indent-level2 \
    --leave-preprocessor-space \
    "$f"
  rm -f "$f~"
done
