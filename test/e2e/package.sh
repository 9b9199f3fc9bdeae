#!/bin/bash
# Builds earlynet's Debian package from this source tree as a packager does
# (dpkg-buildpackage -b, debian/rules) and unpacks it for the boot tests:
#
#   test/e2e/package.sh DIR
#
# leaves in DIR the .deb (with its -dbgsym package, .buildinfo and .changes)
# and DIR/root, the .deb unpacked with dpkg-deb -x: what run_e2e.sh takes.
# The build runs in a copy of the source under DIR/build (the files git
# tracks, as they are in the working tree: uncommitted changes are in, a
# new file is in once it is added to git), removed afterwards, so nothing is
# written into the source tree or beside it. DEB_BUILD_OPTIONS="nocheck
# parallel=N" (the unit suite runs from the build tree anyway). The build
# dependencies must be installed (scripts/install-deps.sh); dpkg-buildpackage
# checks them. When the copy is file for file the one the last package was
# built from (DIR/source.sha256), that package is kept.
#
# Exit 1, with the end of the build's log (DIR/build.log), when the build
# fails or the package's dependencies are not installable here.
set -uo pipefail
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1" && out=$(cd "$1" && pwd) || exit 1
log=$out/build.log
options="nocheck parallel=$(nproc)"

fail() {
    echo "FAIL: e2e: $*"
    [ -s "$log" ] && { echo "  ---- $log (tail) ----"; tail -n 40 "$log" | sed 's/^/  | /'; }
    rm -rf "$out/build"
    exit 1
}

exec 9> "$out/.lock"
flock 9
rm -rf "$out/build"
mkdir -p "$out/build/src" || exit 1
if git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
    (cd "$src" && git ls-files -z --cached | while IFS= read -r -d '' f; do
        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
    done | tar --null --no-recursion -T - -cf -) | tar -C "$out/build/src" -xf - \
        || fail "could not copy the source from $src"
else
    # not a git checkout (a release tarball): everything but meson build dirs
    tar -C "$src" --exclude-vcs --exclude-tag-all=build.ninja -cf - . | tar -C "$out/build/src" -xf - \
        || fail "could not copy the source from $src"
fi
sum=$(cd "$out/build/src" && {
    echo "$options"
    find . -printf '%y %m %p %l\n' | LC_ALL=C sort
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
} | sha256sum | cut -d' ' -f1)

deb() { # the package's .deb in DIR (not the -dbgsym one)
    find "$out" -maxdepth 1 -name 'earlynet_*.deb' | head -n1
}
if [ "$(cat "$out/source.sha256" 2> /dev/null)" = "$sum" ] && [ -n "$(deb)" ] && [ -d "$out/root" ]; then
    echo "package: $(deb) (the source has not changed since it was built)"
    rm -rf "$out/build"
    exit 0
fi

rm -rf "$out/root" "$out/source.sha256"
find "$out" -maxdepth 1 -type f \( -name '*.deb' -o -name '*.ddeb' -o -name '*.buildinfo' -o -name '*.changes' \) -delete
t0=$(date +%s)
(cd "$out/build/src" && DEB_BUILD_OPTIONS=$options dpkg-buildpackage -b -uc -us -Pnocheck) > "$log" 2>&1 \
    || fail "dpkg-buildpackage failed: the package did not build"
find "$out/build" -maxdepth 1 -type f -exec mv -t "$out" {} +
[ -n "$(deb)" ] || fail "dpkg-buildpackage made no earlynet_*.deb"
dpkg-deb -x "$(deb)" "$out/root.tmp" || fail "dpkg-deb -x $(deb) failed"
mv "$out/root.tmp" "$out/root"
# The dependencies resolve here (a simulation: nothing is installed or locked).
apt-get install --simulate -qq "$(deb)" >> "$log" 2>&1 \
    || fail "the package's dependencies cannot be installed (apt-get install --simulate)"
echo "$sum" > "$out/source.sha256"
rm -rf "$out/build"
echo "package: $(deb) built in $(($(date +%s) - t0)) s (DEB_BUILD_OPTIONS=\"$options\")"
