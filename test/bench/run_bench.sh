#!/bin/bash
# run_bench.sh — issue 5 item 8: ip=dhcp in a network namespace against
# dnsmasq, in one run of test/bench/peers/peers.sh: earlynet
# `run --configure-and-quit` (through peers.sh's `custom` hook, so it is timed
# exactly like the peers) against NetworkManager --configure-and-quit=initrd,
# dhcpcd, udhcpc, dhclient and klibc ipconfig.  Prints median time to
# address, time to exit, peak RSS and footprint (with glibc, and beyond it).
#
#   test/bench/run_bench.sh [-n N] [-o DIR] [--no-install] EARLYNET [TOOL...]
#
# As root.  EARLYNET is the binary or a build dir; see dhcp_bench.sh --help
# for the options, the environment and what is installed.  Through meson:
#   meson test -C BUILD --benchmark --suite run -v
exec bash "$(dirname "${BASH_SOURCE[0]}")/dhcp_bench.sh" --suite run "$@"
