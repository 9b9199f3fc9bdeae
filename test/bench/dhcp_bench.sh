#!/bin/bash
# dhcp_bench.sh — earlynet's DHCPv4 against the early-boot peers, measured by
# test/bench/peers/peers.sh in one run, with one method.  A benchmark, not a
# test: it prints figures and fails only when it cannot measure.
#
#   test/bench/dhcp_bench.sh [--suite dhcp|run] [-n N] [-o DIR] [--no-install] EARLYNET [TOOL...]
#   test/bench/dhcp_bench.sh [--suite dhcp|run] --report DIR   (the tables again from DIR)
#
# --suite dhcp (default; issue 4 item 7): time from start to a bound lease
#   against dnsmasq in a namespace, for earlynet with ACD at its default
#   (ipv4.dad-timeout unset = 200 ms) and with ACD off (ipv4.dad-timeout=0
#   in the profile), and every peer peers.sh knows (dhcpcd, udhcpc, dhclient,
#   klibc ipconfig, NetworkManager, each with and without ARP probing).
# --suite run (issue 5 item 8; test/bench/run_bench.sh calls this): ip=dhcp,
#   earlynet `run --configure-and-quit` against NetworkManager
#   --configure-and-quit=initrd, dhcpcd, udhcpc, dhclient and klibc ipconfig:
#   time to address, time to exit, peak RSS and footprint.
#
# EARLYNET is the earlynet binary, or a build directory holding it.  TOOL...
# are peers.sh tool names to run instead of the suite's list; `earlynet` and
# `earlynet-noacd` are ours.  N (default 10, or $BENCH_N) measured trials per
# tool plus one warm-up, tools interleaved round by round.  DIR (default a new
# /tmp/earlynet-bench.XXXXXX) keeps peers.sh's raw data.  Needs root; all of
# it happens in network namespaces that peers.sh creates and deletes (see
# test/bench/peers/README.md); earlynet's every path is in the trial's
# directory.  Peer packages that are missing are installed with apt-get,
# except network-manager (its postinst would start it on the host):
#   apt-get install dhcpcd-base busybox udhcpc isc-dhcp-client klibc-utils tcpdump dnsmasq-base
# ($PEERS overrides where peers.sh is: default test/bench/peers/peers.sh.
# $BENCH_STATE_ON_DISK=1 puts earlynet's state in the
# trial directory on disk instead of a tmpfs, to keep it for inspection.)
#
# Through meson:  meson test -C BUILD --benchmark --suite dhcp -v   (or --suite run)
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

SUITE=dhcp
N=${BENCH_N:-10}
OUT=""
INSTALL=1
REPORT=""
usage() { sed -n '2,33p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--suite) SUITE=$2; shift 2 ;;
	-n) N=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	--no-install) INSTALL=0; shift ;;
	--report) REPORT=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage 2 ;;
	*) break ;;
	esac
done
case $SUITE in dhcp | run) ;; *) echo "dhcp_bench.sh: --suite dhcp or run" >&2; exit 2 ;; esac
if [ -n "$REPORT" ]; then
	# the tables again from a finished run's DIR
	OUT=$(cd "$REPORT" && pwd)
	[ -f "$OUT/trials.tsv" ] || { echo "dhcp_bench.sh: $OUT has no trials.tsv" >&2; exit 1; }
	mapfile -t PTOOLS < <(awk -F'\t' 'NR > 1 && !seen[$1]++ { print $1 }' "$OUT/trials.tsv")
	N=$(awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { print m + 0 }' "$OUT/trials.tsv")
else
	[ $# -ge 1 ] || usage 2
	[ "$(id -u)" = 0 ] || { echo "dhcp_bench.sh: must run as root (network namespaces)" >&2; exit 1; }

	EARLYNET=$1
	shift
	[ -d "$EARLYNET" ] && EARLYNET=$EARLYNET/earlynet
	EARLYNET=$(readlink -f "$EARLYNET")
	[ -x "$EARLYNET" ] || { echo "dhcp_bench.sh: no earlynet binary at $EARLYNET" >&2; exit 1; }
	PEERS=${PEERS:-$HERE/peers/peers.sh}
	[ -f "$PEERS" ] || { echo "dhcp_bench.sh: no peers.sh at $PEERS (set PEERS)" >&2; exit 1; }
	PEERS=$(readlink -f "$PEERS")

	TOOLS=("$@")
	if [ ${#TOOLS[@]} -eq 0 ]; then
		if [ "$SUITE" = dhcp ]; then
			TOOLS=(earlynet earlynet-noacd dhcpcd dhcpcd-noarp dhcpcd-fast udhcpc udhcpc-arp
				dhclient ipconfig ipconfig-linkup nm nm-acd)
		else
			# earlynet-noacd too: earlynet is the only one here that probes by
			# default (NetworkManager's ipv4.dad-timeout=-1 means 0, none)
			TOOLS=(earlynet earlynet-noacd nm dhcpcd udhcpc dhclient ipconfig)
		fi
	fi

	# ------------------------------------------------------------- packages ---
	if [ "$INSTALL" = 1 ]; then
		missing=()
		for p in dhcpcd-base busybox udhcpc isc-dhcp-client klibc-utils tcpdump dnsmasq-base \
			iproute2 gcc binutils; do
			dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
		done
		if [ ${#missing[@]} -gt 0 ]; then
			echo "dhcp_bench.sh: apt-get install ${missing[*]}" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
		fi
	fi
	dpkg-query -W -f '${Status}\n' network-manager 2>/dev/null | grep -q "ok installed" ||
		echo "dhcp_bench.sh: network-manager is not installed: its rows will fail (not installed" \
			"here on purpose: its postinst would start NetworkManager on the host)" >&2

	# -------------------------------------------------------------- earlynet ---
	# earlynet goes in through peers.sh's `custom` hook, so it is started, timed
	# and sandboxed exactly like the peers.  PRE (untimed, in the sandbox, cwd
	# and $T = the trial directory) writes the profiles with `earlynet generate`
	# and mounts a tmpfs for the state: in an initramfs /run is a tmpfs, and the
	# peers' state directories are tmpfs in the sandbox too, so earlynet's
	# fsync()s cost what they cost at boot, not what they cost on this disk.
	# Every path earlynet is given is under $T.
	q() { printf '%q' "$1"; }
	EN=$(q "$EARLYNET")
	if [ "${BENCH_STATE_ON_DISK:-0}" = 1 ]; then
		RT_MOUNT=':'
	else
		RT_MOUNT='mount -t tmpfs -o mode=0755 earlynet-bench "$T/rt"'
	fi
	CUSTOM_PRE_BASE='mkdir -p "$T/rt"
	'"$RT_MOUNT"'
	mkdir -p "$T/rt/state" "$T/rt/tmp" "$T/rt/hooks" "$T/rt/nm"
	s=$(date +%s%N)
	'"$EN"' generate -c "$T/profiles" -r "$T/conf" -i "$T/initrd" -- ip={IF}:dhcp >"$T/generate.log" 2>&1
	e=$(date +%s%N); echo $(( (e - s) / 1000 )) >"$T/pre_us"'
	# ACD off: NetworkManager's switch, in the profile generate wrote.
	CUSTOM_PRE_NOACD="$CUSTOM_PRE_BASE"'
	sed -i "/^\[ipv4\]\$/a dad-timeout=0" "$T"/profiles/*.nmconnection
	grep -q "^dad-timeout=0\$" "$T"/profiles/*.nmconnection'
	export CMD="$EN"' run --configure-and-quit -c $T/profiles -r $T/conf -i $T/initrd --state-dir $T/rt/state --tmp-dir $T/rt/tmp --hook-dir $T/rt/hooks --netroot '"''"' --nm-run-dir $T/rt/nm --resolv-conf $T/rt/resolv.conf --hostname-file '"''"
	export CUSTOM_NAME=earlynet CUSTOM_FILES="$EARLYNET" CUSTOM_ACD=yes
	export CUSTOM_PRE=$CUSTOM_PRE_BASE CUSTOM_PRE_NOACD

	# peers.sh runs one `custom` tool per run.  The ACD-off variant has to be in
	# the same run, so it is a second tool: a bash function exported to peers.sh
	# (bash imports exported functions; peers.sh looks tools up with declare -F).
	# It is tool_custom itself with the other PRE, so the command is identical.
	tool_earlynet_noacd() {
		CUSTOM_PRE=$CUSTOM_PRE_NOACD tool_custom
		ACD=off ACD_VS=""
		DESC="as earlynet, plus ipv4.dad-timeout=0 in the profile (no ACD)"
	}
	export -f tool_earlynet_noacd

	PTOOLS=()
	for t in "${TOOLS[@]}"; do
		case $t in earlynet) PTOOLS+=(custom) ;; *) PTOOLS+=("$t") ;; esac
	done

	if [ -z "$OUT" ]; then
		OUT=$(mktemp -d /tmp/earlynet-bench.XXXXXX)
	fi
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)

	{
		echo "earlynet: $EARLYNET"
		echo "  $(stat -c %s "$EARLYNET") bytes; $(file -b "$EARLYNET" | cut -d, -f1-2,5-)"
		echo "  ldd:"
		ldd "$EARLYNET" | sed 's/^/    /'
		echo "peers.sh: $PEERS"
	} | tee "$OUT/earlynet-binary.txt"

	# peers.sh prints its progress on stderr and its tables on stdout.
	bash "$PEERS" -n "$N" -o "$OUT" "${PTOOLS[@]}"
fi

# ---------------------------------------------------------------- tables ---
# One compact table from peers.sh's raw data (trials.tsv, footprint/*.sum):
# the medians the issues ask for, side by side.
TSV=$OUT/trials.tsv
name_of() { [ "$1" = custom ] && echo earlynet || echo "$1"; }
median() { # tool column -> median over measured, successful rounds, or "—"
	awk -F'\t' -v tool="$1" -v name="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) k = i; next }
		$1 == tool && $3 == 0 && $4 == 1 && $k + 0 >= 0 { print $k }' "$TSV" |
		sort -g | awk '{ a[NR] = $1 } END {
			if (!NR) { print "—"; exit }
			m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			if (m >= 100) printf "%.0f\n", m; else printf "%.1f\n", m }'
}
okcount() {
	awk -F'\t' -v tool="$1" '$1 == tool && $3 == 0 { n++; ok += $4 } END { printf "%d/%d", ok, n }' "$TSV"
}
foot() { # tool -> "ldd-closure-KiB beyond-glibc-KiB as-loaded-KiB"
	local kib files kibl filesl kibm filesm
	read -r kib files kibl filesl kibm filesm <"$OUT/footprint/$1.sum"
	echo "$kibl $kibm $kib"
}
NM_FOOT=""
[ -f "$OUT/footprint/nm.sum" ] && NM_FOOT=$(foot nm | cut -d' ' -f1)

echo
if [ "$SUITE" = dhcp ]; then
	echo "## dhcp_bench: time from start to a bound DHCPv4 lease, medians of $N trials (one run)"
else
	echo "## run_bench: ip=dhcp, medians of $N trials (one run)"
fi
echo
echo "| tool | ok | time-to-address (ms) | time-to-exit (ms) | DHCP ACK on wire (ms) | ACK→address (ms) | ARP probes | CPU (ms) | peak RSS (KiB) | footprint incl. glibc (KiB) | footprint beyond glibc (KiB) | footprint vs NM |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for t in "${PTOOLS[@]}"; do
	read -r fl fb fa < <(foot "$t")
	ratio="—"
	[ -n "$NM_FOOT" ] && ratio=$(awk -v a="$fl" -v b="$NM_FOOT" 'BEGIN { printf "%.3f", a / b }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(name_of "$t")" "$(okcount "$t")" \
		"$(median "$t" addr_ms)" "$(median "$t" exit_ms)" "$(median "$t" ack_ms)" \
		"$(median "$t" ack_to_addr_ms)" "$(median "$t" arp_probes)" "$(median "$t" cpu_ms)" \
		"$(median "$t" maxrss_kib)" "$fl" "$fb" "$ratio"
done
echo
echo "time-to-address: from fork()+execve() to the kernel's RTM_NEWADDR on eth0 (for a client"
echo "with ACD that is after its probe).  time-to-exit: the started process exits (dhclient:"
echo "its foreground process; it stays in the background).  peak RSS: ru_maxrss, largest"
echo "single process.  footprint: the binary and scripts plus their ldd closure, apparent"
echo "sizes; 'incl. glibc' counts libc.so.6 and ld.so, 'beyond glibc' does not (what the tool"
echo "adds to an initramfs that has glibc anyway); 'vs NM' is incl. glibc over NetworkManager's"
echo "incl. glibc (NM's as-loaded figure, with its dlopen()ed plugins, is larger still)."
echo "Raw data: $OUT"

if grep -q "^custom	" "$TSV"; then
	echo
	if grep -q "^earlynet-noacd	" "$TSV"; then
		awk -v a="$(median custom ack_to_addr_ms)" -v b="$(median earlynet-noacd ack_to_addr_ms)" \
			-v c="$(median custom exit_ms)" -v d="$(median earlynet-noacd exit_ms)" 'BEGIN {
			if (a == "—" || b == "—") exit
			printf "earlynet ACD at its default costs %+.0f ms ACK→address and %+.0f ms time-to-exit (medians, vs earlynet-noacd).\n", a - b, c - d }'
	fi
	en_exit=$(median custom exit_ms)
	faster=$(for t in "${PTOOLS[@]}"; do
		case $t in custom | earlynet-*) continue ;; esac
		m=$(median "$t" exit_ms)
		[ "$m" = "—" ] && continue
		awk -v a="$m" -v b="$en_exit" -v t="$(name_of "$t")" 'BEGIN { if (b != "—" && a < b) printf "%s (%s ms) ", t, a }'
	done)
	if [ -z "$faster" ]; then
		echo "earlynet's median time-to-exit ($en_exit ms) is the fastest of this run."
	else
		echo "NOTE: these exit faster than earlynet ($en_exit ms): $faster"
	fi
	if [ -n "$NM_FOOT" ]; then
		read -r fl fb fa < <(foot custom)
		awk -v a="$fl" -v b="$NM_FOOT" 'BEGIN {
			printf "earlynet footprint %d KiB = %.1f%% of NetworkManager'"'"'s %d KiB (target: under 10%%): %s\n",
				a, 100 * a / b, b, (a * 10 < b ? "met" : "NOT met") }'
	fi
	echo
	echo "earlynet's footprint, file by file (bytes):"
	sed 's/^/    /' "$OUT/footprint/custom.txt"
fi
