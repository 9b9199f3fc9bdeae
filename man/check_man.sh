#!/bin/sh
# The man pages as a reader gets them:
#   - each built page renders with `man -l` (80 columns, into a pipe), and
#     `man --warnings=w -l` reports nothing (groff's warnings, on stderr);
#   - earlynet(8) names every verb `earlynet --help` lists (a section per
#     verb) and every option `earlynet --help` and `earlynet VERB --help`
#     print: a verb's option in that verb's section or in OPTIONS (-h,
#     --help), so the page cannot fall behind the binary.
#
#   check_man.sh EARLYNET PAGE...     (meson test man-pages)
set -eu

if [ $# -lt 2 ]; then
	echo "usage: check_man.sh EARLYNET PAGE..." >&2
	exit 2
fi
earlynet=$1
shift
if ! command -v man >/dev/null 2>&1; then
	echo "check_man.sh: man not found (Debian: man-db and groff-base)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Only what this script asks for reaches man and groff.
unset MANOPT MANROFFOPT MANPAGER PAGER MAN_KEEP_FORMATTING GROFF_SGR || :
export MANWIDTH=80

failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

page8=
for page in "$@"; do
	name=$(basename "$page")
	case $name in *.8) page8=$page ;; esac
	rc=0
	LC_ALL=C.UTF-8 man --warnings=w -l "$page" >"$tmp/$name.txt" 2>"$tmp/$name.err" || rc=$?
	good=yes
	if [ "$rc" -ne 0 ]; then
		fail "$name: man -l exited $rc"
		good=no
	fi
	if [ -s "$tmp/$name.err" ]; then
		fail "$name: warnings from man --warnings -l:"
		sed 's/^/    /' "$tmp/$name.err"
		good=no
	fi
	if ! grep -q '^NAME$' "$tmp/$name.txt"; then
		fail "$name: rendered without a NAME section"
		good=no
	fi
	if [ "$good" = yes ]; then
		echo "ok: $name renders ($(wc -l <"$tmp/$name.txt") lines), no warnings"
	fi
done

if [ -z "$page8" ]; then
	fail "no section 8 page among: $*"
	exit 1
fi

# earlynet(8) in ASCII (hyphens as '-'), a word broken at a hyphen at the end
# of a line joined again, so that "--network-" + "root" reads --network-root.
LC_ALL=C man -l "$page8" 2>/dev/null | awk '
	{ line = $0 }
	held != "" { sub(/^ +/, "", line); line = held line; held = "" }
	line ~ /[A-Za-z0-9]-$/ { held = line; next }
	{ print line }
	END { if (held != "") print held }' >"$tmp/page8.txt"

# The text of one section of earlynet(8): from its heading to the next.
section() {
	awk -v want="$1" '/^[A-Z][A-Z -]*$/ { inside = ($0 == want); next } inside' "$tmp/page8.txt"
}

# Whether TEXT-FILE names OPTION as a word of its own.
names() {
	grep -qE -e "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" "$1"
}

# The option column of a CLI11 --help ("  -c,--connections-dir TEXT=...").
options_of() {
	"$earlynet" "$@" --help | sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n'
}

section OPTIONS >"$tmp/common.txt"
"$earlynet" --help >"$tmp/usage.txt"
for opt in $(grep -oE -e "(^|[ '])--?[a-z][a-z0-9-]*" "$tmp/usage.txt" | tr -d " '" | sort -u); do
	names "$tmp/page8.txt" "$opt" || fail "earlynet(8) does not name '$opt' (earlynet --help)"
done

verbs=$(sed -n '/^Verbs:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/usage.txt")
[ -n "$verbs" ] || fail "earlynet --help lists no verbs"
checked=0
for verb in $verbs; do
	heading=$(echo "$verb" | tr 'a-z' 'A-Z')
	section "$heading" >"$tmp/$verb.txt"
	if [ ! -s "$tmp/$verb.txt" ]; then
		fail "earlynet(8) has no section $heading for the verb '$verb'"
		continue
	fi
	opts=$(options_of "$verb")
	[ -n "$opts" ] || fail "earlynet $verb --help prints no options"
	for opt in $opts; do
		checked=$((checked + 1))
		names "$tmp/$verb.txt" "$opt" || names "$tmp/common.txt" "$opt" ||
			fail "earlynet(8) does not name '$opt' of 'earlynet $verb --help' in $heading or OPTIONS"
	done
done
if [ "$failed" -eq 0 ]; then
	echo "ok: earlynet(8) names the $checked options of $(echo $verbs | wc -w) verbs"
fi

exit "$failed"
