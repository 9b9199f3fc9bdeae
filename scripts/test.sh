#!/bin/sh
# Installs the dependencies, builds with warnings as errors and runs every test
# suite (unit, format, replay, netns, diff, fuzz, e2e). Prints "N passed, M failed" last; non-zero exit on
# any failure.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh build-test -Dwerror=true
status=0
meson test -C build-test --print-errorlogs --num-processes 2 \
	--suite unit --suite format --suite replay --suite netns --suite diff --suite fuzz --suite e2e >build-test/test-output.txt 2>&1 || status=$?
cat build-test/test-output.txt
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' build-test/test-output.txt | tail -n 1)
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' build-test/test-output.txt | tail -n 1)
timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' build-test/test-output.txt | tail -n 1)
echo "${ok:-0} passed, $(( ${fail:-0} + ${timeout:-0} )) failed"
exit "$status"
