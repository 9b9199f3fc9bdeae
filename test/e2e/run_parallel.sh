#!/bin/bash
# Runs e2e scenarios JOBS at a time (each boot takes one core; each scenario
# has its own namespace, work dir and servers, and the images are built once
# under a lock), then prints each scenario's report in the order given and
# a summary line. Exit status 1 if any failed. Killed (meson's timeout), it
# still prints what finished.
#
#   run_parallel.sh JOBS CACHE_DIR EARLYNET_BINARY SCENARIO...
#
# meson runs it as one test that starts first (the boots are the longest
# part of the suite), so the namespace tests share the time beside it.
set -uo pipefail
[ $# -ge 4 ] || { echo "usage: $0 JOBS CACHE_DIR EARLYNET_BINARY SCENARIO..." >&2; exit 2; }
jobs=$1 cache=$2 bin=$3
shift 3
scenarios=("$@")
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/e2e-parallel.XXXXXX)
reported=0

report() {
    local s rc passed=0 failed=0
    [ "$reported" = 0 ] || return 0
    reported=1
    for s in "${scenarios[@]}"; do
        echo "==== e2e-$s"
        if [ -f "$out/$s.out" ]; then cat "$out/$s.out"; else echo "FAIL: $s (did not run${1:+: $1})"; fi
        rc=$(cat "$out/$s.rc" 2> /dev/null || echo 1)
        if [ "$rc" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "e2e: $passed passed, $failed failed"
    [ "$failed" = 0 ]
}
trap 'report "stopped"; rm -rf "$out"; exit 143' TERM INT
trap 'rm -rf "$out"' EXIT

mkdir -p "$cache"
# The images first, once: the scenarios would wait on the lock anyway, and
# without images none of them can boot.
bash "$here/run_e2e.sh" --cache "$cache" "$bin" image > "$out/image.out" 2>&1
echo $? > "$out/image.rc"
if [ "$(cat "$out/image.rc")" = 0 ]; then
    printf '%s\n' "${scenarios[@]}" | grep -vx image | xargs -P "$jobs" -I{} \
        sh -c 'bash "$1" --cache "$2" "$3" "$4" > "$5/$4.out" 2>&1; echo $? > "$5/$4.rc"' \
        sh "$here/run_e2e.sh" "$cache" "$bin" {} "$out"
fi
report "the image scenario failed"
