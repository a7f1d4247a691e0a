#!/bin/sh
# The README's test command: installs what is missing, then
#  1. builds with -Werror in build-ci/ and runs the whole test suite (the
#     gst-check tests with the leaks tracer, some under valgrind's memcheck;
#     failed tests run once more with the leaks tracer's stack traces);
#  1b. runs the alignment accuracy bench (bench/align-bench --check) in
#     both modes, the streaming one on file inputs at 1 and 2 s of latency;
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

# summary WHAT DIR: prints the counts of DIR's last test run; sets FAILED to
# the names of the tests that failed
summary () {
  FAILED=$(python3 - "$1" "$2/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = skip = 0
failed = []
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r["result"] == "SKIP": skip += 1
    else:
        bad += 1
        failed.append(r["name"])
print(f"{sys.argv[1]}: {ok} passed, {bad} failed, {skip} skipped",
      file=sys.stderr)
print(" ".join(failed))
PY
)
}

# run_tests WHAT DIR MESON-TEST-ARGS...
run_tests () {
  what=$1
  dir=$2
  shift 2
  echo "== $what"
  rc=0
  meson test -C "$dir" --print-errorlogs "$@" || rc=$?
  summary "$what" "$dir"
  if [ $rc != 0 ]; then
    status=1
  fi
}

BUILD_DIR=build-ci ./scripts/build.sh --werror
run_tests "tests" build-ci --num-processes 2
if [ -n "$FAILED" ]; then
  # the leaks tracer records where each leaked object was allocated only
  # when asked (a backtrace per object costs time): once more, for the
  # failed tests, with the allocation stacks in their logs
  echo "== failed tests again, with the leaks tracer's stack traces"
  GST_LEAKS_TRACER_STACK_TRACE=1 meson test -C build-ci --print-errorlogs \
    --num-processes 2 $FAILED || true
fi

# the alignment accuracy bench (issue 10): every case, classic and world,
# must meet its targets (align-bench --check) in the global mode and in
# the streaming mode on file inputs at 0.5, 1 and 2 s of latency; the four
# runs share their pairs (about 9 min on a 2-core machine).
pairs=$(mktemp -d)
for set in "" --world; do
  for mode in "-m global" "-m streaming --files -l 500,1000,2000"; do
    echo "== accuracy bench: $mode $set"
    # shellcheck disable=SC2086
    if ! build-ci/bench/align-bench --check --no-speed --pairs "$pairs" \
        $mode $set; then
      echo "== accuracy bench: $mode $set: FAILED"
      status=1
    fi
  done
done
rm -rf "$pairs"

# (the sanitizers slow the tests down 2-5x: longer timeouts)
BUILD_DIR=build-asan ./scripts/build.sh --werror \
  -Db_sanitize=address,undefined -Db_lundef=false -Dbench=disabled
run_tests "tests under ASan+UBSan" build-asan --num-processes 2 \
  --timeout-multiplier 4

BUILD_DIR=build-fuzz CC=clang ./scripts/build.sh --werror -Dfuzz=enabled \
  -Db_sanitize=address,undefined -Db_lundef=false -Dtests=disabled \
  -Dbench=disabled
run_tests "fuzz smoke runs" build-fuzz --suite fuzz --num-processes 2

exit $status
