#!/bin/sh
# fresh_demo.sh — how long README's first command (scripts/demo.sh) takes on
# a fresh Debian 12 system: a bookworm root made by debootstrap (its default
# variant: required + important packages, no compiler), a clone of this
# repository's HEAD in it, and `scripts/demo.sh` run there by chroot: apt-get
# update and install, configure, build, the demo itself. A benchmark, not a
# test: it fails only when it cannot measure.
#
#   test/bench/fresh_demo.sh [-m MIRROR]     (as root; debootstrap is installed if missing)
#
# MIRROR defaults to the first Debian URI of the machine's apt sources. The
# system's /proc, /sys and /dev are bound into the root (the demo makes network
# namespaces there, as on a real machine). All of it happens in a mount
# namespace of its own with private propagation, so no unmount can reach the
# machine's mounts and every mount goes with the namespace, however the script
# ends; the root's files are deleted on exit. Downloads come only from MIRROR.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "fresh_demo.sh: must run as root" >&2; exit 1; }
if [ "${EARLYNET_FRESH_DEMO_NS:-}" != private ]; then
	EARLYNET_FRESH_DEMO_NS=private exec unshare --mount --propagation private sh "$0" "$@"
fi
cd "$(dirname "$0")/../.."
mirror=
while [ $# -gt 0 ]; do
	case "$1" in
	-m) mirror=$2; shift 2 ;;
	*) echo "usage: fresh_demo.sh [-m MIRROR]" >&2; exit 2 ;;
	esac
done
if [ -z "$mirror" ]; then
	mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ')
	mirror=${mirror:-http://deb.debian.org/debian}
fi
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

work=$(mktemp -d /tmp/earlynet-fresh-demo.XXXXXX)
root=$work/root
cleanup() {
	umount -R "$root" 2>/dev/null || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)
debootstrap bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
echo "debootstrap bookworm: $(($(date +%s) - t0)) s (not counted)"

# ip netns needs / to be a mount point (it makes it a slave mount).
mount --bind "$root" "$root"
for m in proc sys dev; do mount --rbind "/$m" "$root/$m"; done
mount -t tmpfs tmpfs "$root/run"
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q . "$root/root/earlynet"
echo "demo of $(git rev-parse --short HEAD) on a fresh bookworm root, $(nproc) CPUs:"

log=$work/demo.log
start=$(date +%s%N)
status=0
chroot "$root" sh -c 'cd /root/earlynet && ./scripts/demo.sh' >"$log" 2>&1 || status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [ "$status" -ne 0 ]; then
	tail -n 30 "$log" >&2
	echo "fresh_demo.sh: scripts/demo.sh failed (exit $status)" >&2
	exit 1
fi
grep -q 'still there' "$log" || { tail -n 30 "$log" >&2; echo "fresh_demo.sh: the demo did not finish" >&2; exit 1; }
printf 'scripts/demo.sh: %d.%01d s from a fresh root to the end of the demo (install, build, run)\n' \
	$((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
