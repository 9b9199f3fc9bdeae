#!/bin/sh
# A fuzzing campaign for one target, outside the test suite:
#   test/fuzz/campaign.sh BUILD_DIR NAME RUNS WORK_DIR [LIBFUZZER_OPTION...]
#   e.g. test/fuzz/campaign.sh build keyfile 10000000 /tmp/fuzz-keyfile -max_len=4096
# NAME is a key of libfuzzer_targets in test/fuzz/meson.build (cmdline,
# keyfile, dhcp_message, dhcp6_message, state, netlink, varlink_message). Builds BUILD_DIR/test/fuzz/NAME_libfuzzer,
# fuzzes a copy of the seed corpus for RUNS executions at the lowest priority
# (resumable: WORK_DIR/corpus is kept), then merges what it found into
# WORK_DIR/new: the inputs that reach edges the checked-in corpus does not
# (merged without hit counters, which keeps the corpus small). Copy those into
# test/fuzz/corpus/NAME/; a crash is in WORK_DIR/artifacts and goes into the
# corpus as crash-<what> once fixed.
set -eu
build=$1
name=$2
runs=$3
work=$4
shift 4
src=$(cd "$(dirname "$0")/../.." && pwd)
ninja -C "$build" "test/fuzz/${name}_libfuzzer"
binary=$(cd "$build" && pwd)/test/fuzz/${name}_libfuzzer
mkdir -p "$work/corpus" "$work/artifacts"
cp -n "$src/test/fuzz/corpus/$name"/* "$work/corpus/"
cd "$work"
nice -n 19 "$binary" -runs="$runs" -timeout=10 -print_final_stats=1 -artifact_prefix=artifacts/ "$@" corpus \
	2>&1 | tee -a campaign.log | grep -E '^(stat::|==|SUMMARY|#[0-9]+ +(pulse|DONE))'
rm -rf base new
mkdir base new
cp "$src/test/fuzz/corpus/$name"/* base/
"$binary" -merge=1 -use_counters=0 base corpus >merge.log 2>&1
for f in base/*; do
	[ -e "$src/test/fuzz/corpus/$name/$(basename "$f")" ] || mv "$f" new/
done
echo "$(ls new | wc -l) new inputs in $work/new"
