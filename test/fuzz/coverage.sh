#!/bin/sh
# Line coverage of the parsers that each fuzz target's checked-in corpus
# reaches, with clang source-based coverage. For each target NAME: build
# test/fuzz/NAME_replay in BUILD_DIR, replay test/fuzz/corpus/NAME through it
# with LLVM_PROFILE_FILE in a temporary directory, merge the profile with
# llvm-profdata, print `llvm-cov report` for the files that parse NAME's
# untrusted input, and one line:
#   coverage NAME: L of N lines (P%) in FILES
#
# Usage: test/fuzz/coverage.sh BUILD_DIR [NAME...]   (default: all five targets)
# BUILD_DIR is a separate build configured with clang and instrumentation
# (LLVM_PROFILE_FILE=/dev/null: meson's configure-time test programs are
# instrumented too and would leave default.profraw in the current directory):
#   CC=clang CXX=clang++ CXXFLAGS="-fprofile-instr-generate -fcoverage-mapping" \
#     LDFLAGS="-fprofile-instr-generate" LLVM_PROFILE_FILE=/dev/null \
#     meson setup --buildtype=debug BUILD_DIR
# Environment: NINJA_FLAGS (default -j1; builds run under nice), LLVM_PROFDATA,
# LLVM_COV (tool names), COVERAGE_KEEP=1 keeps the profiles for `llvm-cov show`.
set -eu

die() { echo "coverage.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 BUILD_DIR [NAME...]"
build=$(cd "$1" && pwd -P) || die "no build directory $1"
shift
[ $# -ge 1 ] || set -- cmdline dhcp_message dhcp6_message keyfile state netlink varlink_message
src=$(cd "$(dirname "$0")/../.." && pwd -P)
profdata=${LLVM_PROFDATA:-llvm-profdata}
cov=${LLVM_COV:-llvm-cov}

# The files that parse each target's input (what its LLVMFuzzerTestOneInput
# calls into), relative to the source directory.
files_for() {
    case $1 in
    cmdline) echo cmdline/cmdline_reader.cc cmdline/cmdline_fields.cc profile/cmdline_values.cc \
                  "$(cd "$src" && echo cmdline/arguments/*.cc)" cmdline/bond_options.cc ;;
    dhcp_message) echo dhcp/message.cc dhcp/option_table.cc dhcp/lease.cc dhcp/ipv4_rules.cc dhcp/include/dhcp/wire_reader.h ;;
    dhcp6_message) echo dhcp/dhcp6_message.cc dhcp/include/dhcp/wire_reader.h ;;
    keyfile) echo profile/keyfile_reader.cc profile/cmdline_values.cc ;;
    state) echo state/device_record.cc ;;
    netlink) echo netlink/link.cc netlink/address.cc netlink/route.cc netlink/include/netlink/detail/parse.h \
                  netlink/include/netlink/detail/message.h netlink/monitor_cache.cc ;;
    varlink_message) echo varlink/frame_reader.cc varlink/message.cc ;;
    *) return 1 ;;
    esac
}

[ -f "$build/compile_commands.json" ] || die "$build is not a meson build directory"
# The build must be of this checkout: the profile names its files.
built_src=$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$build/meson-info/meson-info.json" | head -n 1)
[ "$(cd "$built_src" && pwd -P)" = "$src" ] || die "$build was configured for $built_src, not $src"
# The coverage mapping names files as the compiler saw them (BUILD_DIR/../main/x.cc
# for a sibling build directory), llvm-cov as given (SRC/x.cc): map one to the other.
rel=$(sed -n 's|.*"file": *"\(.*\)test/fuzz/replay_main\.cc".*|\1|p' "$build/compile_commands.json" | head -n 1)
dir=$(sed -n 's|.*"directory": *"\([^"]*\)".*|\1|p' "$build/compile_commands.json" | head -n 1)
case $rel in
/*) prefix=${rel%/} ;;
*) prefix=$dir/${rel%/} ;;
esac
prefix_re=$(printf '%s\n' "$prefix" | sed 's/[][\.*^$+?(){}|]/\\&/g')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cov-XXXXXX")
if [ "${COVERAGE_KEEP:-0}" = 1 ]; then
    echo "coverage.sh: profiles kept in $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
fi

status=0
summaries=
for name in "$@"; do
    files=$(files_for "$name") || die "unknown target $name (cmdline dhcp_message dhcp6_message keyfile state netlink varlink_message)"
    corpus=$src/test/fuzz/corpus/$name
    [ -d "$corpus" ] || die "no corpus $corpus"
    for f in $files; do [ -f "$src/$f" ] || die "$name: $f does not exist (update files_for)"; done

    echo "== $name"
    # shellcheck disable=SC2086 # NINJA_FLAGS is a list of words
    nice -n 19 ninja -C "$build" ${NINJA_FLAGS:--j1} "test/fuzz/${name}_replay" >"$tmp/$name-build.log" 2>&1 ||
        { cat "$tmp/$name-build.log" >&2; die "$name: build failed"; }
    bin=$build/test/fuzz/${name}_replay
    LLVM_PROFILE_FILE="$tmp/$name-%p.profraw" "$bin" "$corpus" || die "$name: replay failed (a crash: no profile)"
    ls "$tmp/$name"-*.profraw >/dev/null 2>&1 ||
        die "$name: no profile written: is $build built with -fprofile-instr-generate?"
    "$profdata" merge -sparse -o "$tmp/$name.profdata" "$tmp/$name"-*.profraw

    # llvm-cov silently reports every file when none of those asked for is in
    # the binary: check each one is, so a moved parser is not missed.
    "$cov" export -summary-only "$bin" -instr-profile="$tmp/$name.profdata" |
        grep -o '"filename":"[^"]*"' | sed 's/^"filename":"//; s/"$//' >"$tmp/$name.files"
    paths=
    for f in $files; do
        if grep -qxF "$prefix/$f" "$tmp/$name.files"; then
            paths="$paths $src/$f"
        else
            echo "coverage.sh: $name: $f has no coverage data (not linked into ${name}_replay)" >&2
            status=1
        fi
    done
    [ -n "$paths" ] || { status=1; continue; }
    # shellcheck disable=SC2086 # paths is a list of words without spaces
    "$cov" report "$bin" -instr-profile="$tmp/$name.profdata" -path-equivalence="$prefix,$src" \
        -ignore-filename-regex="^$prefix_re/(subprojects|test)/" $paths >"$tmp/$name.report"
    cat "$tmp/$name.report"
    # TOTAL: regions, missed, %, functions, missed, %, lines, missed lines, %.
    line=$(awk -v name="$name" -v files="$files" '$1 == "TOTAL" {
        printf "coverage %s: %d of %d lines (%s) in %s\n", name, $8 - $9, $8, $10, files }' "$tmp/$name.report")
    [ -n "$line" ] || die "$name: no TOTAL line in llvm-cov report"
    echo "$line"
    summaries="$summaries$line
"
done

if [ -n "$summaries" ]; then
    echo "== summary"
    printf '%s' "$summaries"
fi
exit $status
