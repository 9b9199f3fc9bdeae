#!/bin/sh
# Benchmark of `earlynet generate` against nm-initrd-generator on the same
# ~4 KiB, 200-argument command line: whole-process wall time (fork + exec +
# parse + output), median of N runs, and peak RSS; plus the in-process figure.
#   test/bench/generate.sh BUILD_DIR [RUNS]
set -eu
build=${1:?build dir}
runs=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
cmdline=$(cat "$here/cmdline-200.txt")
ref=/usr/lib/NetworkManager/nm-initrd-generator
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

"$build/test/bench/generate_bench" "$here/cmdline-200.txt" 2000

# median wall time in microseconds of RUNS executions of "$@"
median_us() {
	i=0
	: >"$out/times"
	while [ $i -lt "$runs" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$out/times"
		i=$((i + 1))
	done
	sort -n "$out/times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

peak_rss_kib() {
	/usr/bin/env time -f %M "$@" 2>&1 >/dev/null | tail -n 1
}

floor_us=$(median_us /bin/true)
printf 'process start floor (/bin/true):   median %6d us   (fork+exec cost of this machine)\n' "$floor_us"
# shellcheck disable=SC2086
en_us=$(median_us "$build/earlynet" generate --stdout -p /nonexistent -- $cmdline)
# shellcheck disable=SC2086
en_rss=$(peak_rss_kib "$build/earlynet" generate --stdout -p /nonexistent -- $cmdline || echo "?")
printf 'earlynet generate (process):       median %6d us   peak RSS %s KiB\n' "$en_us" "$en_rss"
if [ -x "$ref" ]; then
	# shellcheck disable=SC2086
	ref_us=$(median_us "$ref" --stdout -p /nonexistent -- $cmdline)
	# shellcheck disable=SC2086
	ref_rss=$(peak_rss_kib "$ref" --stdout -p /nonexistent -- $cmdline || echo "?")
	printf 'nm-initrd-generator (process):     median %6d us   peak RSS %s KiB\n' "$ref_us" "$ref_rss"
else
	echo "nm-initrd-generator: not installed, no comparison"
fi
printf 'binary size: earlynet %s bytes' "$(stat -c %s "$build/earlynet")"
[ -x "$ref" ] && printf ', nm-initrd-generator %s bytes' "$(stat -c %s "$ref")"
echo
