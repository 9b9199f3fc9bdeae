#!/bin/sh
# Runs a libFuzzer binary (built by meson: test/fuzz/meson.build) for a bounded
# time on a scratch copy of its seed corpus, so the run never writes into the
# source tree.
#   test/fuzz/libfuzzer.sh BINARY CORPUS_DIR [SECONDS [LIBFUZZER_OPTION...]]
# Exit status: libFuzzer's (non-zero on a crash or invariant violation; the
# crashing input is printed as a base64 line by libFuzzer).
set -eu
binary=$1
corpus=$2
seconds=${3:-20}
[ $# -ge 3 ] && shift 3 || shift $#
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/corpus"
cp "$corpus"/* "$work/corpus/"
status=0
"$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" "$@" "$work/corpus" \
	>"$work/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	cat "$work/log"
	for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
		[ -f "$crash" ] && echo "input $(basename "$crash"): $(base64 -w0 "$crash")"
	done
else
	tail -n 12 "$work/log"
fi
exit "$status"
