#!/bin/sh
# Configures (once) and builds earlynet in BUILD_DIR (default: build).
#   scripts/build.sh [BUILD_DIR] [MESON_OPTION...]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
if [ ! -f "$dir/build.ninja" ]; then
	meson setup "$dir" "$@" >/dev/null
else
	meson configure "$dir" "$@" >/dev/null 2>&1 || true
fi
# Quiet when it works; the whole log when it does not.
if ! ninja -C "$dir" >"$dir/ninja.log" 2>&1; then
	cat "$dir/ninja.log" >&2
	exit 1
fi
