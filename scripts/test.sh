#!/bin/sh
# The README's test command: installs what is missing, builds with -Werror
# in build-ci/ and runs the whole test suite.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
BUILD_DIR=build-ci ./scripts/build.sh --werror
set +e
meson test -C build-ci --print-errorlogs --num-processes 2
rc=$?
set -e
python3 - build-ci/meson-logs/testlog.json <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): ok += 1
    elif r == "SKIP": skip += 1
    else: bad += 1
print(f"{ok} passed, {bad} failed, {skip} skipped")
PY
exit $rc
