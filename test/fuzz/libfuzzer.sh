#!/bin/sh
# Builds the command line fuzz target with clang's libFuzzer (+ASan/UBSan) and
# runs it for a bounded time on a copy of the seed corpus.
#   test/fuzz/libfuzzer.sh [SECONDS]     (default 20)
# Exit status: libFuzzer's (non-zero on a crash or invariant violation).
set -eu
seconds=${1:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
sources=$(sed -n "s/^  '\(.*\.cc\)',$/\1/p" "$src/daemon/meson.build" | sed "s|^|$src/daemon/|")
# shellcheck disable=SC2086
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$src" -DSPDLOG_FMT_EXTERNAL -DSPDLOG_COMPILED_LIB -DSPDLOG_SHARED_LIB \
	"$src/test/fuzz/cmdline_fuzz.cc" $sources -lspdlog -lfmt -o "$work/cmdline_fuzz"
mkdir "$work/corpus"
cp "$src"/test/fuzz/corpus/cmdline/* "$work/corpus/"
"$work/cmdline_fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
	-dict="$src/test/fuzz/cmdline.dict" "$work/corpus" 2>&1 | tail -n 12
