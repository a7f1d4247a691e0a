#!/bin/sh
# The README's test command: installs what is missing, then
#  1. builds with -Werror in build-ci/ and runs the whole test suite;
#  2. builds build-asan/ with AddressSanitizer + UndefinedBehaviorSanitizer
#     and runs the whole test suite again there (any report fails; the
#     suppressions and why: docs/hardening.md);
#  3. builds the libFuzzer harnesses with clang in build-fuzz/ and runs
#     their short smoke runs (the long runs: scripts/fuzz.sh).
# Fails when any step fails, after running all of them.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh

status=0

summary () {
  python3 - "$1" "$2/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[2]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: bad += 1
print(f"{sys.argv[1]}: {ok} passed, {bad} failed, {skip} skipped")
PY
}

run_tests () {
  what=$1
  dir=$2
  shift 2
  echo "== $what"
  if meson test -C "$dir" --print-errorlogs "$@"; then
    summary "$what" "$dir"
  else
    summary "$what" "$dir" || true
    status=1
  fi
}

BUILD_DIR=build-ci ./scripts/build.sh --werror
run_tests "tests" build-ci --num-processes 2

BUILD_DIR=build-asan ./scripts/build.sh --werror \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbench=disabled
run_tests "tests under ASan+UBSan" build-asan --num-processes 2

BUILD_DIR=build-fuzz CC=clang ./scripts/build.sh --werror -Dfuzz=enabled \
  -Db_sanitize=address,undefined -Db_lundef=false -Dtests=disabled \
  -Dbench=disabled
run_tests "fuzz smoke runs" build-fuzz --suite fuzz --num-processes 2

exit $status
