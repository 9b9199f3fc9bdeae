#!/bin/bash
# dhcp6_bench.sh — ip=dhcp6 in network namespaces against
# dnsmasq: earlynet `run --configure-and-quit` beside dhclient -6, dhcpcd -6
# and NetworkManager --configure-and-quit=initrd, in one run.  Prints time to
# address and time to exit (min / median / max), when the DHCPv6 messages went
# by on the wire, and peak RSS.  A benchmark, not a test: it fails only when
# it cannot measure.
#
#   test/bench/dhcp6_bench.sh [-n N] [-t SECONDS] [-o DIR] [--dad] [--no-install] EARLYNET [TOOL...]
#
# EARLYNET is the earlynet binary or a build directory holding it.  TOOL...
# is a subset of: earlynet dhclient dhcpcd nm (default: all four).  N
# (default 10, or $BENCH_N) measured trials per tool plus one warm-up (round
# 0, not counted), tools interleaved round by round so drift on the machine
# hits every tool alike.  -t: seconds per trial before it counts as failed
# (default 30).  DIR (default a new /tmp/earlynet-dhcp6-bench.XXXXXX) keeps
# every trial's logs, capture and address events.
#
# Duplicate address detection: by default the client namespace has
# net.ipv6.conf.{all,default,eth0}.accept_dad=0, for every tool alike, so the
# kernel's DAD (a random 0-1 s delay, then 1 s, for the link-local address
# and again for the leased one) does not swamp the tools' own differences.
# --dad keeps the kernel's default (accept_dad=1) and then time to address is
# when the leased address stops being tentative.
#
# Needs root.  Everything happens in network namespaces the script creates
# and deletes (also on failure or Ctrl-C); host interfaces, routes, resolver
# and files are not touched (each tool runs in a sandbox: tmpfs /run and
# state directories, read-only / and /sys).  Missing Debian packages are
# installed with apt-get (network-manager under a policy-rc.d that stops its
# postinst from starting NetworkManager on the host):
#   isc-dhcp-client dhcpcd-base network-manager dnsmasq-base tcpdump time iproute2 util-linux
#
# Through meson:  meson test -C BUILD --benchmark --suite dhcp6 -v   (BENCH_N=3 for a short run)
set -euo pipefail
export LC_ALL=C
BENCH_NAME=dhcp6_bench.sh
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

N=${BENCH_N:-10}
TIMEOUT=30
OUT=""
DAD=0
INSTALL=1
usage() { sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift 2 ;;
	-t) TIMEOUT=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	--dad) DAD=1; shift ;;
	--no-install) INSTALL=0; shift ;;
	-h | --help) usage ;;
	-*) usage 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage 2
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "dhcp6_bench.sh: -n wants a positive number" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "dhcp6_bench.sh: must run as root (network namespaces)" >&2; exit 1; }
EARLYNET=$(bench_earlynet "$1")
shift
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(earlynet dhclient dhcpcd nm)
for t in "${TOOLS[@]}"; do
	case $t in earlynet | dhclient | dhcpcd | nm) ;; *) echo "dhcp6_bench.sh: unknown tool '$t'" >&2; exit 2 ;; esac
done

IF=eth0                   # the client's interface, inside its namespace
PREFIX=2001:db8:77        # documentation prefix; exists only in our namespaces
SERVER_IP=$PREFIX::1
RANGE_RE="^$PREFIX::1[0-9a-f][0-9a-f]\$" # the addresses dnsmasq leases (::100-::1ff)

# ------------------------------------------------------------- packages ---
if [ "$INSTALL" = 1 ]; then
	bench_install isc-dhcp-client dhcpcd-base network-manager dnsmasq-base tcpdump time iproute2 util-linux
fi
NM_GEN=$(bench_nm_generator)
for c in ip unshare dnsmasq tcpdump /usr/bin/time; do
	command -v "$c" >/dev/null || die "needs $c"
done

# ---------------------------------------------------------------- tools ---
# tool_NAME runs once per trial with T (the trial directory, writable in the
# sandbox) and sets CMDV (the timed command), PRE (untimed shell code run in
# the sandbox just before it, cwd $T) and DESC.  Every tool gets the same
# interface, down at the start: it has to bring the link up itself, as in an
# initramfs.  Every tool logs verbosely (its --debug or -v), to a file.

tool_earlynet() {
	bench_earlynet_tool "ip=$IF:dhcp6"
}

tool_dhclient() {
	# A minimal script in the manner of dracut's network-legacy
	# dhclient-script.sh: PREINIT6 brings the link up and waits until the
	# link-local address is usable (dhclient -6 binds to it and gives up
	# without one), BOUND6 and friends add the address.
	cat >"$T/dhclient6.script" <<-'EOF'
	#!/bin/sh
	case $reason in
	PREINIT6)
		ip link set dev "$interface" up
		i=0
		while [ $i -lt 1000 ]; do
			if ip -6 addr show dev "$interface" scope link | grep -q inet6 &&
				! ip -6 addr show dev "$interface" scope link tentative | grep -q inet6; then
				break
			fi
			sleep 0.01
			i=$((i + 1))
		done
		;;
	BOUND6 | REBOOT6 | RENEW6 | REBIND6)
		if [ -n "$new_ip6_address" ]; then
			ip -6 addr replace "$new_ip6_address/$new_ip6_prefixlen" dev "$interface" \
				valid_lft "$new_max_life" preferred_lft "$new_preferred_life"
		fi
		;;
	esac
	exit 0
	EOF
	chmod 0755 "$T/dhclient6.script"
	echo 'request dhcp6.name-servers, dhcp6.domain-search;' >"$T/dhclient6.conf"
	CMDV=(dhclient -6 -1 -v -sf "$T/dhclient6.script" -cf "$T/dhclient6.conf"
		-lf /run/dhclient6.leases -pf /run/dhclient6.pid "$IF")
	DESC="ISC dhclient -6 -1 -v, minimal /bin/sh script with ip (PREINIT6: link up, wait for link-local); forks to the background once bound"
}

tool_dhcpcd() {
	# Debian's /etc/dhcpcd.conf, as shipped; no hook script (dhcpcd adds
	# addresses and routes itself).
	cat >"$T/dhcpcd.conf" <<-'EOF'
	duid
	persistent
	vendorclassid
	option domain_name_servers, domain_name, domain_search
	option classless_static_routes
	option interface_mtu
	option host_name
	option rapid_commit
	require dhcp_server_identifier
	slaac private
	EOF
	CMDV=(dhcpcd -f "$T/dhcpcd.conf" --script "" -6 -1 -B -d --waitip=6 -t "$TIMEOUT" -j "$T/dhcpcd.log" "$IF")
	DESC="dhcpcd -6 -1 -B --waitip=6 (oneshot, IPv6 only, no fork), Debian's dhcpcd.conf, no hook script"
}

tool_nm() { bench_nm_tool "ip=$IF:dhcp6"; }

# The sandbox each tool runs in, the namespaces and their teardown: see
# bench_lib.sh.

# --------------------------------------------------------------- netns ---
# A trial's network: client namespace, a veth pair into the server
# namespace, dnsmasq there, a capture on its end, and the address monitor in
# the client namespace.
setup_trial_net() { # $1 serial, $2 trial dir
	local k=$1 t=$2
	bench_trial_netns "$k" "b6v$k" "b6-$$-c$k"
	ip netns exec "$CNS" sysctl -q -w net.ipv6.conf."$IF".accept_dad="$([ "$DAD" = 1 ] && echo 1 || echo 0)"
	if [ "$DAD" = 0 ]; then
		# the kernel uses the larger of "all" and the interface's value
		ip netns exec "$CNS" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	fi
	# The server's addresses are there and usable before the link has a
	# carrier: fe80::1 instead of the kernel's link-local address, which would
	# only come with the carrier, when the tool brings eth0 up.  dnsmasq
	# ignores a router solicitation that comes before it has seen its own
	# link-local address and advertises up to a second later instead
	# (measured: +757 ms in one trial), a race of this harness, not the tool.
	ip netns exec "$SRV" sysctl -q -w net.ipv6.conf."$VS".addr_gen_mode=1
	ip -n "$SRV" addr add fe80::1/64 dev "$VS" nodad
	ip -n "$SRV" addr add "$SERVER_IP/64" dev "$VS" nodad
	ip -n "$SRV" link set "$VS" up
	# dnsmasq: DHCPv6 from a /64 range with 2 min leases (its minimum), and
	# router advertisements with the M flag (a range that is not `slaac` or
	# `ra-only`), which ip=dhcp6's ipv6.method=auto waits for; the prefix is
	# advertised on-link only (no A flag), so no SLAAC address competes.
	# Daemon mode: dnsmasq's parent returns once the child has bound its
	# sockets, so the server is ready on return; stopped by its pid file.
	ip netns exec "$SRV" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
		--interface="$VS" --bind-interfaces --except-interface=lo \
		--enable-ra --dhcp-range="$PREFIX::100,$PREFIX::1ff,64,2m" \
		--dhcp-option=option6:dns-server,"[$SERVER_IP]" \
		--dhcp-leasefile="$t/dnsmasq.leases" --pid-file="$t/dnsmasq.pid" \
		--log-dhcp --log-facility="$t/dnsmasq.log"
	PIDS+=("$(cat "$t/dnsmasq.pid")")
	# Server-side capture: RS/RA (ICMPv6 133/134) and DHCPv6, epoch stamps.
	bench_start_capture "$t" '(icmp6 and (ip6[40] == 133 or ip6[40] == 134)) or udp port 546 or udp port 547'
	# The client's address events, for time to address.
	bench_start_monitor "$t" -6 fd00:b6::1/128
}

# ---------------------------------------------------------------- trial ---
COLS="tool round ok rc addr_ms exit_ms maxrss_kib cpu_ms rs_ms ra_ms solicit_ms reply_ms ra_to_solicit_ms reply_to_addr_ms dhcp6_msgs addr rs_lost"

# The first moment a leased (::100-::1ff), non-tentative global address is on
# $IF, from the monitor's stamps, in epoch seconds; empty if none.
addr_time() { # $1 monitor.txt
	local line
	line=$(awk -v ifname="$IF" -v re="$RANGE_RE" '
		/^\[/ && $0 !~ /Deleted/ && $3 == ifname && $4 == "inet6" {
			split($5, a, "/")
			if (a[1] ~ re && $0 ~ /scope global/ && $0 !~ /tentative|dadfailed/) { print $1, a[1] "/" a[2]; exit }
		}' "$1")
	[ -n "$line" ] || return 0
	echo "$(bench_epoch "${line%% *}") ${line#* }"
}

# From the server-side capture: when the router solicitation, router
# advertisement, first SOLICIT and first REPLY went by, relative to t0 (ms),
# and the DHCPv6 exchange as letters (S solicit, A advertise, Q request, R reply).
parse_capture() { # $1 capture, $2 t0
	awk -v t0="$2" '
	function ms(ts) { return sprintf("%.1f", (ts - t0) * 1000) }
	/router solicitation/ && rs == "" { rs = ms($1) }
	/router advertisement/ && ra == "" { ra = ms($1) }
	/dhcp6 solicit/ { seq = seq "S"; if (sol == "") sol = ms($1) }
	/dhcp6 advertise/ { seq = seq "A" }
	/dhcp6 request/ { seq = seq "Q" }
	/dhcp6 reply/ { seq = seq "R"; if (rep == "") rep = ms($1) }
	END {
		printf "%s %s %s %s %s\n", (rs == "" ? -1 : rs), (ra == "" ? -1 : ra),
			(sol == "" ? -1 : sol), (rep == "" ? -1 : rep), (seq == "" ? "-" : seq)
	}' "$1"
}

SERIAL=0
run_trial() { # $1 tool, $2 round (0 = warm-up)
	local tool=$1 round=$2 t
	SERIAL=$((SERIAL + 1))
	t=$OUT/trials/$tool/$round
	mkdir -p "$t"
	T=$t
	PRE="" DESC=""
	"tool_$tool"
	bench_prepare_trial "$t"
	setup_trial_net "$SERIAL" "$t"
	bench_start_tool "$t"
	bench_wait_tool "$t" addr_time || true
	# dhclient's background half, a tool past the deadline: stopped by PID
	end_trial_procs

	local t0 rc at addr a="" ex rss cpu cap
	bench_trial_figures "$t"
	t0=$T0 rc=$RC ex=$EXIT_MS rss=$RSS cpu=$CPU_MS
	# earlynet's worker may outlive the started process: what it logged of
	# itself (peak RSS, CPU with its hooks) counts too
	local lrss lcpu
	lrss=$(bench_logged peak-rss "$t/tool.log")
	[ "$lrss" -gt "$rss" ] && rss=$lrss
	lcpu=$(bench_logged cpu-ms "$t/tool.log")
	[ "$lcpu" -gt 0 ] && cpu=$(awk -v a="$cpu" -v b="$lcpu" 'BEGIN { printf "%.0f", a + b }')
	read -r at addr < <(addr_time "$t/monitor.txt"; echo) || true
	[ -n "${at:-}" ] && a=$(bench_ms "$at" "$t0")
	cap=$(parse_capture "$t/capture.txt" "$t0")
	local ok=0
	[ -n "$a" ] && [ "$rc" = 0 ] && ok=1
	read -r rs ra sol rep seq <<<"$cap"
	# the client's reaction to the router's M flag (for the tools that wait
	# for it: a SOLICIT before the RA has no such figure), and the time from
	# the server's REPLY to a usable address
	local ra2s=-1 r2a=-1
	[ "$ra" != -1 ] && [ "$sol" != -1 ] && ra2s=$(awk -v a="$sol" -v b="$ra" 'BEGIN { printf "%.1f", (a >= b ? a - b : -1) }')
	[ -n "$a" ] && [ "$rep" != -1 ] && r2a=$(awk -v a="$a" -v b="$rep" 'BEGIN { printf "%.1f", a - b }')
	# A harness race, rare (about 1 trial in 30 here): a router solicitation
	# sent the moment the link comes up (the kernel's, which earlynet and
	# dhclient rely on) is sometimes never seen by dnsmasq (no RTR-SOLICIT in
	# its log), and the RA then comes with dnsmasq's next unsolicited one,
	# up to a second later.  Counted, so such a trial can be told apart.
	local rs_lost=0
	[ "$rs" != -1 ] && ! grep -q RTR-SOLICIT "$t/dnsmasq.log" && rs_lost=1
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$ok" "$rc" \
		"${a:--1}" "$ex" "$rss" "$cpu" "$rs" "$ra" "$sol" "$rep" "$ra2s" "$r2a" "$seq" "${addr:--}" "$rs_lost" >>"$OUT/trials.tsv"
	printf '[%s %s/%s] %-9s addr %8s ms  exit %8s ms  rc %s  maxrss %6s KiB  RA %7s  SOLICIT %7s  REPLY %7s  %s%s\n' \
		"$([ "$round" = 0 ] && echo warm-up || echo round)" "$round" "$N" "$tool" "${a:--}" "$ex" "$rc" "$rss" \
		"$ra" "$sol" "$rep" "$seq" "$([ $ok = 1 ] || echo "  FAILED, see $t")" >&2
}

# --------------------------------------------------------------- tables ---
# col, mmm, med, common, okcount: bench_lib.sh
rslost() { # tool -> measured trials whose router solicitation dnsmasq never saw
	awk -F'\t' -v tool="$1" '$1 == tool && $2 != 0 { n += $17 } END { print n + 0 }' "$OUT/trials.tsv"
}

# ----------------------------------------------------------------- main ---
bench_outdir earlynet-dhcp6-bench
bench_traps
SRV=b6-$$-srv
ip netns add "$SRV"
ip -n "$SRV" link set lo up
# A router: forwarding on, so its kernel sends no router solicitations of
# its own (the capture's RS is the client's) and answers none; dnsmasq does.
ip netns exec "$SRV" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.all.forwarding=1

{
	bench_env_header isc-dhcp-client dhcpcd-base network-manager dnsmasq-base
	echo "N=$N timeout=${TIMEOUT}s DAD=$([ "$DAD" = 1 ] && echo "kernel default (accept_dad=1)" || echo "off (accept_dad=0)")"
	echo "/etc/machine-id: $([ -s /etc/machine-id ] && echo present || echo absent)"
} | tee "$OUT/environment.txt" >&2
say "dhcp6_bench.sh: results in $OUT"

for r in $(seq 0 "$N"); do
	for tool in "${TOOLS[@]}"; do run_trial "$tool" "$r"; done
done

{
	echo
	echo "## dhcp6_bench: ip=$IF:dhcp6, $N trials per tool, one run (median (min–max), ms from the tool's start)"
	echo
	echo "DAD: $([ "$DAD" = 1 ] && echo "the kernel's (accept_dad=1): time to address is when the leased address stops being tentative" ||
		echo "off in the client namespace (accept_dad=0 for all, default and $IF), for every tool alike")"
	echo
	echo "| tool | ok | time to address | time to exit | peak RSS (KiB) | CPU (ms) | RS on wire | RA on wire | first SOLICIT | RA→SOLICIT | first REPLY | REPLY→address | DHCPv6 exchange | RS lost |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
	for tool in "${TOOLS[@]}"; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$tool" "$(okcount "$tool")" \
			"$(mmm "$tool" addr_ms)" "$(mmm "$tool" exit_ms)" "$(med "$tool" maxrss_kib)" "$(med "$tool" cpu_ms | cut -d. -f1)" \
			"$(med "$tool" rs_ms)" "$(med "$tool" ra_ms)" "$(mmm "$tool" solicit_ms)" "$(med "$tool" ra_to_solicit_ms)" \
			"$(mmm "$tool" reply_ms)" "$(med "$tool" reply_to_addr_ms)" "$(common "$tool" dhcp6_msgs)" "$(rslost "$tool")"
	done
	echo
	echo "time to address: from just before the tool's execve() (bash \$EPOCHREALTIME, then GNU time"
	echo "starts it) to the kernel's RTM_NEWADDR for a leased address (::100-::1ff), not tentative,"
	echo "on $IF, stamped by \`ip -ts -6 monitor address\` in the client namespace.  time to exit:"
	echo "until the started process exits (dhclient: its foreground process; it forks to the"
	echo "background once bound and is stopped by PID afterwards).  peak RSS: ru_maxrss (GNU time"
	echo "%M) of the started process and the children it reaped.  CPU: user+sys, 10 ms ticks."
	echo "RS/RA/SOLICIT/REPLY: first seen by tcpdump on the server's end (RS from the kernel or the"
	echo "tool); RA→SOLICIT: the client's reaction to the M flag; exchange: S solicit, A advertise,"
	echo "Q request, R reply (its most frequent form).  Single figures are medians; only ok trials."
	echo "RS lost: trials whose router solicitation dnsmasq never saw (a race of this harness at"
	echo "link-up, see the script); their RA is dnsmasq's next unsolicited one, up to ~1 s later."
	echo "$IF is down when each tool starts; each brings it up.  Warm-up round not counted."
	echo
	echo "Commands:"
	for tool in "${TOOLS[@]}"; do
		T=$OUT/trials/$tool/$N
		"tool_$tool"
		echo "- $tool: $DESC"
		echo "  \`$(cat "$T/cmd")\`"
	done
	echo
	echo "Raw data: $OUT (trials.tsv; trials/TOOL/ROUND/: tool.log, monitor.txt, capture.txt, dnsmasq.log)"
} | tee "$OUT/summary.md"
