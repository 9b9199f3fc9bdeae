#!/bin/sh
# Configures (once) and builds earlynet in BUILD_DIR (default: build): every
# target, or only the TARGETs given after `--`.
#   scripts/build.sh [BUILD_DIR] [MESON_OPTION...] [-- TARGET...]
# e.g. scripts/build.sh build-demo -Dtests=false -Dman=disabled -- earlynet
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
# Split the arguments at `--`: meson options stay in "$@", targets go apart.
targets=""
after_dashes=no
count=$#
while [ "$count" -gt 0 ]; do
	arg=$1
	shift
	count=$((count - 1))
	if [ "$after_dashes" = yes ]; then
		targets="$targets $arg"
	elif [ "$arg" = -- ]; then
		after_dashes=yes
	else
		set -- "$@" "$arg"
	fi
done
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "$@" >/dev/null
else
	meson configure "$dir" "$@" >/dev/null 2>&1 || true
fi
# Quiet when it works; the whole log when it does not.
# shellcheck disable=SC2086 # target names have no blanks
if ! ninja -C "$dir" $targets >"$dir/ninja.log" 2>&1; then
	cat "$dir/ninja.log" >&2
	exit 1
fi
