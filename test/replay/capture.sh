#!/bin/sh
# Records the replay suite's captures from a real dnsmasq: runs the netns
# client tests with EARLYNET_CAPTURE_DIR pointing here (root needed).
#   test/replay/capture.sh [BUILD_DIR]
# After recording DHCPv6 captures, update captures/README.md (provenance) and
# the values in dhcp6_replay_test.cc that depend on the recorded client
# (addresses are read from the captures; lifetimes and T1/T2 are literal).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
mkdir -p "$here/captures"
EARLYNET_CAPTURE_DIR="$here/captures" "$build/test/netns/netns_dhcp_client_test" \
	--gtest_filter='*LeaseCarriesEveryOption*:*RenewsAtServerT1*:*NakForAnUnknownAddress*'
EARLYNET_CAPTURE_DIR="$here/captures" "$build/test/netns/netns_dhcp6_client_test" \
	--gtest_filter='*BootOptionsFromDnsmasq*:*RapidCommitBinds*:*StatelessConfiguration*:*RenewsWithTheServer*:*NoAddrsAvail*'
dnsmasq --version | head -1
ls -l "$here/captures"
