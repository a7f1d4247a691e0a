#!/bin/sh
# Fuzzes one harness of tests/fuzz/ with libFuzzer (the long, documented
# run; CI only does a short smoke run of each, see tests/fuzz/meson.build).
#
#   scripts/fuzz.sh NAME [SECONDS]     NAME: blend, temporal, ... (the
#                                      tests/fuzz/fuzz-NAME.c harnesses);
#                                      SECONDS: default 600
#
# Builds $BUILD_DIR (default build-fuzz/) with clang, -Dfuzz=enabled and
# AddressSanitizer + UndefinedBehaviorSanitizer, then runs fuzz-NAME on one
# core for SECONDS. New inputs go to $BUILD_DIR/tests/fuzz/corpus-NAME/ (the
# committed seeds in tests/fuzz/corpus/NAME/ are only read); a crashing
# input is written to $BUILD_DIR/tests/fuzz/NAME-crash-* and the run stops.
# Reproduce with: $BUILD_DIR/tests/fuzz/fuzz-NAME FILE
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/fuzz.sh NAME [SECONDS]}
secs=${2:-600}
BUILD_DIR=${BUILD_DIR:-build-fuzz}
export BUILD_DIR
if [ ! -f "tests/fuzz/fuzz-$name.c" ]; then
  echo "fuzz.sh: no harness tests/fuzz/fuzz-$name.c" >&2
  exit 2
fi
CC=clang ./scripts/build.sh -Dfuzz=enabled -Db_sanitize=address,undefined \
  -Db_lundef=false -Dtests=disabled -Dbench=disabled
out=$BUILD_DIR/tests/fuzz
mkdir -p "$out/corpus-$name"
. ./scripts/sanitizer-env.sh
exec "$out/fuzz-$name" -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix="$out/$name-" "$out/corpus-$name" "tests/fuzz/corpus/$name"
