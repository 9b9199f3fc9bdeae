#!/bin/sh
# Runs the netlink benchmark (as root; it unshares its own network namespace,
# so the host's links and routes are never touched).
#   test/bench/netlink_bench.sh BUILD_DIR [ROUTES [ADDRESSES [LINK_EVENTS]]]
set -eu
build=${1:?usage: netlink_bench.sh BUILD_DIR [ROUTES [ADDRESSES [LINK_EVENTS]]]}
shift
if [ "$(id -u)" -ne 0 ]; then
	echo "netlink_bench.sh: must run as root" >&2
	exit 1
fi
exec "$build/test/netns/netlink_bench" "$@"
