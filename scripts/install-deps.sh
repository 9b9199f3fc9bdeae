#!/bin/sh
# Installs the Debian 12 packages earlynet needs. Idempotent: only packages
# not yet installed are asked for (and nothing at all when none is missing).
# Nothing is downloaded from anywhere but the machine's apt sources.
#
#   scripts/install-deps.sh          everything: build, man pages, every test suite
#   scripts/install-deps.sh demo     what scripts/demo.sh needs: the binary's
#                                    build dependencies (no GoogleTest, no scdoc)
#                                    and the programs the demo runs
#
# The boot test (test/e2e) builds earlynet's Debian package first
# (dpkg-buildpackage: dpkg-dev, debhelper, build-essential and the
# Build-Depends of debian/control, which the lists below hold), then needs
# qemu, dracut (with its network modules), nbd-server/nbd-client, busybox,
# e2fsprogs and a Debian kernel. The kernel is installed with INITRD=No: its
# postinst then builds no initramfs for this machine (the test builds its
# own with dracut and never boots the host from it), and no boot loader is
# touched.
#
# network-manager is installed only for its nm-initrd-generator binary (the
# reference of the differential tests). A temporary policy-rc.d keeps the
# package scripts from starting NetworkManager, which would otherwise take over
# this machine's interfaces (and any other service a package would start).
set -eu

mode=${1:-all}
case "$mode" in
all | demo) ;;
*)
	echo "usage: install-deps.sh [demo]" >&2
	exit 2
	;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (apt-get install)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# What the earlynet binary needs to build (meson -Dtests=false -Dman=disabled).
BINARY_PACKAGES="meson ninja-build g++ pkg-config
	libmnl-dev libsystemd-dev
	libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev"
# What scripts/demo.sh runs besides earlynet (ip netns, dnsmasq; the rest is
# in Debian's essential set: coreutils, sed, dash).
DEMO_PACKAGES="iproute2 dnsmasq-base"
# The test suites and the man pages.
BUILD_PACKAGES="$BINARY_PACKAGES
	libgtest-dev libgmock-dev
	scdoc"
TEST_PACKAGES="python3 iproute2 iputils-ping time dnsmasq-base radvd clang clang-format libclang-rt-14-dev network-manager strace man-db groff-base varlink-go"
E2E_PACKAGES="dpkg-dev debhelper build-essential
	qemu-system-x86 dracut-core dracut-network nbd-server nbd-client busybox e2fsprogs zstd
	udev systemd linux-image-amd64"

if [ "$mode" = demo ]; then
	wanted="$BINARY_PACKAGES $DEMO_PACKAGES"
else
	wanted="$BUILD_PACKAGES $TEST_PACKAGES $E2E_PACKAGES"
fi

missing=""
for p in $wanted; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	made_policy=yes
fi
cleanup() { if [ "$made_policy" = yes ]; then rm -f "$policy"; fi; }
trap cleanup EXIT INT TERM

apt-get update -qq
# shellcheck disable=SC2086
INITRD=No apt-get install -y -qq --no-install-recommends $missing >/dev/null
