#!/bin/sh
# Records the replay suite's captures from a real dnsmasq: runs the netns
# client tests with EARLYNET_CAPTURE_DIR pointing here (root needed).
#   test/replay/capture.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
mkdir -p "$here/captures"
EARLYNET_CAPTURE_DIR="$here/captures" "$build/test/netns/netns_dhcp_client_test" \
	--gtest_filter='*LeaseCarriesEveryOption*:*RenewsAtServerT1*:*NakForAnUnknownAddress*'
ls -l "$here/captures"
