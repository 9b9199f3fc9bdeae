#!/bin/bash
# Builds earlynet's Debian package once (test/e2e/package.sh: dpkg-buildpackage
# in a copy of this tree, the .deb unpacked into CACHE_DIR/package/root), then
# runs e2e scenarios JOBS at a time on images made from it (each boot takes
# one core; each scenario has its own namespace, work dir and servers, and
# the images are built once under a lock), then prints the package build's
# report, each scenario's in the order given and a summary line. Exit status
# 1 if any failed; if the package does not build, every scenario fails
# (none runs). Killed (meson's timeout), it still prints what finished.
#
#   run_parallel.sh JOBS CACHE_DIR SCENARIO...
#
# meson runs it as one test that starts first (the boots are the longest
# part of the suite), so the namespace tests share the time beside it.
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 JOBS CACHE_DIR SCENARIO..." >&2; exit 2; }
jobs=$1 cache=$2
shift 2
scenarios=("$@")
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/e2e-parallel.XXXXXX)
reported=0

report() {
    local s rc passed=0 failed=0
    [ "$reported" = 0 ] || return 0
    reported=1
    echo "==== e2e package"
    [ -f "$out/package.out" ] && cat "$out/package.out"
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
# The package first, once: every image is made from it.
if ! bash "$here/package.sh" "$cache/package" > "$out/package.out" 2>&1; then
    report "the package did not build: see the e2e package report above"
    exit 1
fi
pkg=$cache/package/root
# The images next, once: the scenarios would wait on the lock anyway, and
# without images none of them can boot.
bash "$here/run_e2e.sh" --cache "$cache" "$pkg" image > "$out/image.out" 2>&1
echo $? > "$out/image.rc"
if [ "$(cat "$out/image.rc")" = 0 ]; then
    printf '%s\n' "${scenarios[@]}" | grep -vx image | xargs -P "$jobs" -I{} \
        sh -c 'bash "$1" --cache "$2" "$3" "$4" > "$5/$4.out" 2>&1; echo $? > "$5/$4.rc"' \
        sh "$here/run_e2e.sh" "$cache" "$pkg" {} "$out"
fi
report "the image scenario failed"
