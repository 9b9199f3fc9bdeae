#!/bin/sh
# Every C++ file of the repository is as clang-format leaves it (the
# repository's .clang-format, clang-format 14 as Debian 12 ships it: another
# version formats some constructs differently). Lists the files that are not
# and shows the first lines of the difference; `clang-format -i FILE` fixes one.
set -eu
cd "$(dirname "$0")/../.."
format=$(command -v clang-format-14 || true)
if [ -z "$format" ]; then
	echo "clang-format-14 is not installed (scripts/install-deps.sh installs it)" >&2
	exit 1
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "not a git checkout: the files to check are git's" >&2
	exit 1
fi
files=$(git ls-files '*.cc' '*.h' | grep -v '^subprojects/')
# One run over every file; each unformatted place is reported as FILE:LINE:COL.
report=$("$format" --style=file --dry-run -Werror --ferror-limit=3 $files 2>&1) && status=0 || status=$?
bad=$(printf '%s\n' "$report" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p' | sort -u)
for f in $bad; do echo "not formatted: $f"; done
[ $status -eq 0 ] || [ -n "$bad" ] || printf '%s\n' "$report"
echo "$(echo $files | wc -w) files checked, $(echo $bad | wc -w) not formatted"
[ $status -eq 0 ]
