#!/bin/bash
# dhcp4_bench.sh — ip=eth0:dhcp in network namespaces against dnsmasq:
# earlynet `run --configure-and-quit` (ACD at its default, and off) beside
# dhcpcd, busybox udhcpc, ISC dhclient, klibc's ipconfig and NetworkManager
# --configure-and-quit=initrd, in one run.  Prints time to address, time to
# exit, peak RSS and CPU (median (min–max)), when the first DISCOVER and ACK
# went by on the wire and how many DISCOVERs it took, earlynet's own
# timeline (the `timeline` lines of its --debug log) and the project's
# targets.  A benchmark, not a test: it fails only when it cannot measure.
#
#   test/bench/dhcp4_bench.sh [-n N] [-t SECONDS] [-o DIR] [--no-install] EARLYNET [TOOL...]
#
# EARLYNET is the earlynet binary or a build directory holding it.  TOOL...
# is a subset of: earlynet earlynet-noacd dhcpcd udhcpc dhclient ipconfig nm
# (default: all).  N (default 10, or $BENCH_N) measured trials per tool plus
# one warm-up (round 0, not counted), tools interleaved round by round so
# drift on the machine hits every tool alike.  -t: seconds per trial before
# it counts as failed (default 30; also ipconfig's -t).  DIR (default a new
# /tmp/earlynet-dhcp4-bench.XXXXXX) keeps every trial's logs, capture and
# address events, and summary.md.
#
# One trial: a fresh client namespace whose eth0 is down (each tool brings
# it up, as in an initramfs), a veth into the run's server namespace, a
# fresh dnsmasq there (10.77.0.10-250/24, 1 h leases, empty lease file),
# tcpdump on the server end and `ip -ts monitor address` in the client
# namespace, all ready before the tool starts; the tool runs in a sandbox
# (see bench_lib.sh) under GNU time.  After the started process exits, the
# trial waits (up to 2 s) until no process of the tool is left in the client
# namespace (earlynet's worker may outlive the started process), then stops
# what is left by PID.
#
# Needs root.  Everything happens in network namespaces the script creates
# and deletes (also on failure or Ctrl-C); host interfaces, routes, resolver
# and files are not touched.  Missing Debian packages are installed with
# apt-get (network-manager under a policy-rc.d that stops its postinst from
# starting NetworkManager on the host):
#   isc-dhcp-client dhcpcd-base busybox klibc-utils network-manager dnsmasq-base tcpdump time iproute2 util-linux
#
# Through meson:  meson test -C BUILD --benchmark --suite dhcp4 -v   (BENCH_N=3 for a short run)
set -euo pipefail
export LC_ALL=C
BENCH_NAME=dhcp4_bench.sh
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"

N=${BENCH_N:-10}
TIMEOUT=30
OUT=""
INSTALL=1
usage() { sed -n '2,39p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift 2 ;;
	-t) TIMEOUT=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	--no-install) INSTALL=0; shift ;;
	-h | --help) usage ;;
	-*) usage 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage 2
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "dhcp4_bench.sh: -n wants a positive number" >&2; exit 2; }
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || { echo "dhcp4_bench.sh: -t wants a positive number" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "dhcp4_bench.sh: must run as root (network namespaces)" >&2; exit 1; }
EARLYNET=$(bench_earlynet "$1")
shift
ALL_TOOLS=(earlynet earlynet-noacd dhcpcd udhcpc dhclient ipconfig nm)
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=("${ALL_TOOLS[@]}")
for t in "${TOOLS[@]}"; do
	case " ${ALL_TOOLS[*]} " in *" $t "*) ;; *) echo "dhcp4_bench.sh: unknown tool '$t'" >&2; exit 2 ;; esac
done

IF=eth0        # the client's interface, inside its namespace
NET=10.77.0    # a private /24 that exists only in our namespaces
SERVER_IP=$NET.1
FIRST=10 LAST=250 # the host part of the addresses dnsmasq leases
ACD_MS=200     # earlynet's default probe (ipv4.dad-timeout unset), for the target line

# ------------------------------------------------------------- packages ---
if [ "$INSTALL" = 1 ]; then
	bench_install isc-dhcp-client dhcpcd-base busybox klibc-utils network-manager dnsmasq-base \
		tcpdump time iproute2 util-linux
fi
NM_GEN=$(bench_nm_generator)
IPCONFIG=/usr/lib/klibc/bin/ipconfig
for c in ip ss unshare dnsmasq tcpdump /usr/bin/time; do
	command -v "$c" >/dev/null || die "needs $c"
done

# ---------------------------------------------------------------- tools ---
# tool_NAME (dashes as underscores) runs once per trial with T (the trial
# directory, writable in the sandbox) and sets CMDV (the timed command), PRE
# (untimed shell code run in the sandbox just before it, cwd $T), DESC, and
# STAYS=1 for a tool that stays in the background by design (it is stopped
# right away, not waited for).  Every tool gets the same interface, down at
# the start, and logs verbosely (its --debug, -d or -v), to a file.

tool_earlynet() {
	bench_earlynet_tool "ip=$IF:dhcp"
	DESC+="; ACD at its default (${ACD_MS} ms probe)"
}

# shellcheck disable=SC2016 # PRE is shell code, expanded in the sandbox
tool_earlynet_noacd() {
	tool_earlynet
	# NetworkManager's switch for ACD, in the profile generate wrote; the
	# grep makes a profile without it fail the trial instead of probing.
	PRE+='
sed -i "/^\[ipv4\]\$/a dad-timeout=0" "$T/profiles/$IF.nmconnection"
grep -qx "dad-timeout=0" "$T/profiles/$IF.nmconnection"'
	DESC="as earlynet, plus dad-timeout=0 in the profile's [ipv4] (no ACD)"
}

tool_dhcpcd() {
	# Debian's /etc/dhcpcd.conf, its IPv4 parts (what an initramfs would
	# copy), plus root_path; no hook script (dhcpcd adds the address and
	# routes itself).  No ARP probe and no random 0-2 s wait, on the command
	# line, so it is compared with earlynet-noacd on equal terms.
	cat >"$T/dhcpcd.conf" <<-'EOF'
	duid
	persistent
	vendorclassid
	option domain_name_servers, domain_name, domain_search
	option classless_static_routes
	option interface_mtu
	option host_name
	option root_path
	option rapid_commit
	require dhcp_server_identifier
	EOF
	CMDV=(dhcpcd -f "$T/dhcpcd.conf" --script "" -4 -1 -B --noarp --nodelay -d --waitip=4
		-t "$TIMEOUT" -j "$T/dhcpcd.log" "$IF")
	DESC="dhcpcd -4 -1 -B --noarp --nodelay --waitip=4 (IPv4, oneshot, no fork, no ARP probe, no initial delay), Debian's dhcpcd.conf (IPv4 parts), no hook script"
}

tool_udhcpc() {
	# What an initramfs event script does, no more: udhcpc does not touch
	# the interface itself.  deconfig comes before the first DISCOVER.
	cat >"$T/udhcpc.script" <<-'EOF'
	#!/bin/sh
	case $1 in
	deconfig)
		ip link set dev "$interface" up
		ip -4 addr flush dev "$interface"
		;;
	bound | renew)
		ip -4 addr replace "$ip/${mask:-24}" ${broadcast:+broadcast "$broadcast"} dev "$interface"
		for r in $router; do
			ip -4 route replace default via "$r" dev "$interface"
			break
		done
		;;
	esac
	exit 0
	EOF
	chmod 0755 "$T/udhcpc.script"
	CMDV=(busybox udhcpc -f -q -n -i "$IF" -O rootpath -s "$T/udhcpc.script")
	DESC="busybox udhcpc -f -q -n (foreground, quit once bound, fail if none), minimal /bin/sh script with ip (deconfig: link up)"
}

tool_dhclient() {
	# A minimal script in the manner of dracut's network-legacy
	# dhclient-script.sh; the conf asks for what dracut's dhclient.conf does.
	cat >"$T/dhclient.script" <<-'EOF'
	#!/bin/sh
	case $reason in
	PREINIT)
		ip link set dev "$interface" up
		;;
	BOUND | RENEW | REBIND | REBOOT)
		ip -4 addr replace "$new_ip_address/$new_subnet_mask" \
			${new_broadcast_address:+broadcast "$new_broadcast_address"} dev "$interface"
		for r in $new_routers; do
			ip -4 route replace default via "$r" dev "$interface"
			break
		done
		;;
	esac
	exit 0
	EOF
	chmod 0755 "$T/dhclient.script"
	cat >"$T/dhclient.conf" <<-'EOF'
	request subnet-mask, broadcast-address, time-offset, routers,
		domain-name, domain-name-servers, host-name, root-path, interface-mtu;
	EOF
	CMDV=(dhclient -4 -1 -v -sf "$T/dhclient.script" -cf "$T/dhclient.conf"
		-lf /run/dhclient.leases -pf /run/dhclient.pid "$IF")
	STAYS=1
	DESC="ISC dhclient -4 -1 -v, minimal /bin/sh script with ip (PREINIT: link up); forks to the background once bound (stopped by PID, not waited for)"
}

tool_ipconfig() {
	# It brings the link up and sets the address itself.  It opens its
	# packet socket while the link is still down, its first send fails with
	# ENETDOWN and it retries 10 s later: what it costs is measured as is.
	CMDV=("$IPCONFIG" -t "$TIMEOUT" -c dhcp "$IF")
	DESC="klibc ipconfig -t $TIMEOUT -c dhcp $IF"
}

tool_nm() { bench_nm_tool "ip=$IF:dhcp"; }

tool_fn() { echo "tool_${1//-/_}"; }
tool_def() { # TOOL: its definition for the trial directory T
	PRE="" DESC="" STAYS=0
	"$(tool_fn "$1")"
}

# --------------------------------------------------------------- netns ---
# A trial's network: client namespace, a veth pair into the server
# namespace, dnsmasq there, a capture on its end, and the address monitor in
# the client namespace, every one of them ready on return.
setup_trial_net() { # $1 serial, $2 trial dir
	local k=$1 t=$2
	bench_trial_netns "$k" "b4v$k" "b4-$$-c$k"
	ip -n "$SRV" addr add "$SERVER_IP/24" dev "$VS"
	ip -n "$SRV" link set "$VS" up
	# dnsmasq as peers were measured before: 1 h leases, router, DNS and a
	# root path; --no-ping (else it pings an address before it offers it,
	# up to 3 s), authoritative.  Daemon mode: its parent returns once the
	# child has bound its sockets; stopped by its pid file.
	ip netns exec "$SRV" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
		--interface="$VS" --bind-interfaces --except-interface=lo \
		--dhcp-range="$NET.$FIRST,$NET.$LAST,255.255.255.0,1h" \
		--dhcp-option=option:router,"$SERVER_IP" \
		--dhcp-option=option:dns-server,"$SERVER_IP" \
		--dhcp-option=option:root-path,"$SERVER_IP:/srv/root" \
		--dhcp-authoritative --no-ping \
		--dhcp-leasefile="$t/dnsmasq.leases" --pid-file="$t/dnsmasq.pid" \
		--log-dhcp --log-facility="$t/dnsmasq.log"
	PIDS+=("$(cat "$t/dnsmasq.pid")")
	# and its DHCP socket is there (belt and braces: it should be by now)
	for _ in $(seq 100); do
		[ -n "$(ip netns exec "$SRV" ss -Hlun 'sport = :67')" ] && break
		sleep 0.01
	done
	[ -n "$(ip netns exec "$SRV" ss -Hlun 'sport = :67')" ] || die "dnsmasq is not listening on port 67"
	# Server-side capture: DHCP (-v for the message types) and ARP.
	bench_start_capture "$t" 'arp or udp port 67 or udp port 68' -v
	# The client's address events, for time to address.
	bench_start_monitor "$t" -4 192.0.2.77/32
}

# ---------------------------------------------------------------- trial ---
COLS="tool round ok rc addr_ms exit_ms maxrss_kib cpu_ms disc_ms offer_ms req_ms ack_ms ack_to_addr_ms discovers arp_probes arp_announces dhcp_msgs addr time_rss_kib logged_rss_kib leftover replies_lost srv_tx_dropped"

# The first moment a leased address ($NET.$FIRST-$LAST) is on $IF, from the
# monitor's stamps, in epoch seconds, and the address; empty if none.
addr_time() { # $1 monitor.txt
	local line
	line=$(awk -v ifname="$IF" -v net="$NET." -v lo="$FIRST" -v hi="$LAST" '
		/^\[/ && $0 !~ /Deleted/ && $3 == ifname && $4 == "inet" {
			split($5, a, "/")
			if (index(a[1], net) == 1) {
				h = substr(a[1], length(net) + 1) + 0
				if (h >= lo && h <= hi) { print $1, $5; exit }
			}
		}' "$1")
	[ -n "$line" ] || return 0
	echo "$(bench_epoch "${line%% *}") ${line#* }"
}

# From the server-side capture, relative to t0 (ms): the first DISCOVER,
# OFFER, REQUEST and ACK, the number of DISCOVERs, the client's ARP probes
# (sender 0.0.0.0) and announcements (sender = target), and the exchange as
# letters (D discover, O offer, R request, A ack, N nak, E decline, L release).
parse_capture() { # $1 capture, $2 t0
	awk -v t0="$2" '
	function ms(ts) { return sprintf("%.1f", (ts - t0) * 1000) }
	/^[0-9]+\.[0-9]+ / {
		ts = $1
		if ($0 ~ /ARP/ && match($0, /who-has [0-9.]+ tell [0-9.]+/)) {
			split(substr($0, RSTART, RLENGTH), w, " ")
			if (w[4] == "0.0.0.0") probes++
			else if (w[2] == w[4]) ann++
		}
		next
	}
	/DHCP-Message \(53\)/ {
		m = $NF
		if (m == "Discover") { seq = seq "D"; nd++; if (d == "") d = ms(ts) }
		else if (m == "Offer") { seq = seq "O"; if (o == "") o = ms(ts) }
		else if (m == "Request") { seq = seq "R"; if (r == "") r = ms(ts) }
		else if (m == "ACK") { seq = seq "A"; if (a == "") a = ms(ts) }
		else if (m == "NACK") seq = seq "N"
		else if (m == "Decline") seq = seq "E"
		else if (m == "Release") seq = seq "L"
		else seq = seq "?"
	}
	END {
		printf "%s %s %s %s %d %d %d %s\n", (d == "" ? -1 : d), (o == "" ? -1 : o), (r == "" ? -1 : r),
			(a == "" ? -1 : a), nd, probes, ann, (seq == "" ? "-" : seq)
	}' "$1"
}

# Replies dnsmasq logged (OFFER, ACK, NAK) that never showed up in the
# capture on its end.  Seen under load: the server end of the veth gets its
# carrier when the tool brings $IF up, but its transmit queue is only
# activated when the kernel's link watcher runs (a work item, which a busy
# machine can delay); until then what dnsmasq sends is dropped before the
# capture point.  A tool that sends its DISCOVER on IFLA_CARRIER, before
# IFF_RUNNING, can hit that window (a harness race: a real server's port
# has been up all along); it then waits for its retransmission.  The server
# end's TX dropped counter (server-link.txt) counts these drops.
replies_lost() { # $1 dnsmasq.log, $2 capture
	local logged seen
	logged=$(grep -cE 'DHCP(OFFER|ACK|NAK)\(' "$1" || true)
	seen=$(grep -cE 'DHCP-Message \(53\), length 1: (Offer|ACK|NACK)$' "$2" || true)
	echo $((logged > seen ? logged - seen : 0))
}

# earlynet's --debug log: "earlynet: debug: timeline EVENT EPOCH" -> one row
# per event (its first occurrence) in $OUT/timeline.tsv, ms from t0.
timeline_rows() { # $1 tool.log, $2 t0, $3 tool, $4 round, $5 ok
	awk -v t0="$2" -v tool="$3" -v round="$4" -v ok="$5" '
	{
		i = index($0, "earlynet: debug: timeline ")
		if (!i) next
		n = split(substr($0, i + 26), f, " ")
		if (n < 2 || f[2] !~ /^[0-9]+(\.[0-9]+)?$/ || seen[f[1]]++) next
		printf "%s\t%s\t%s\t%s\t%.1f\n", tool, round, ok, f[1], (f[2] - t0) * 1000
	}' "$1" >>"$OUT/timeline.tsv"
}
SERIAL=0
run_trial() { # $1 tool, $2 round (0 = warm-up)
	local tool=$1 round=$2 t exited=1 left="" leftover=-1 pid
	SERIAL=$((SERIAL + 1))
	t=$OUT/trials/$tool/$round
	mkdir -p "$t"
	T=$t
	tool_def "$tool"
	bench_prepare_trial "$t"
	setup_trial_net "$SERIAL" "$t"
	bench_start_tool "$t"
	bench_wait_tool "$t" addr_time || exited=0
	# earlynet's started process may return at startup-complete while a
	# forked worker finishes (and logs its peak RSS): the trial ends when
	# nothing of the tool is left in the namespace, or 2 s on (then what is
	# left is killed, and the trial says so).  dhclient stays by design.
	if [ "$exited" = 1 ] && [ "$STAYS" = 0 ]; then
		for _ in $(seq 40); do
			left=$(netns_others "$CNS")
			[ -z "$left" ] && break
			sleep 0.05
		done
		leftover=0
		if [ -n "$left" ]; then
			leftover=$(echo "$left" | wc -w)
			for pid in $left; do
				echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
			done >"$t/leftover.txt"
		fi
	fi
	# the server end's counters (a reply dropped before the wire may show as TX dropped)
	ip -n "$SRV" -s link show "$VS" >"$t/server-link.txt" 2>&1 || true
	end_trial_procs

	local t0 rc at="" addr="" a="" r2a=-1 rss lrss ok=0
	bench_trial_figures "$t"
	t0=$T0 rc=$RC
	read -r at addr < <(addr_time "$t/monitor.txt"; echo) || true
	[ -n "$at" ] && a=$(bench_ms "$at" "$t0")
	[ -n "$a" ] && [ "$rc" = 0 ] && ok=1
	# peak RSS: GNU time's (the started process and the children it reaped)
	# or, if larger, what earlynet's worker logged of itself
	lrss=$(bench_logged peak-rss "$t/tool.log")
	rss=$RSS
	[ "$lrss" -gt "$rss" ] && rss=$lrss
	# CPU: GNU time's, plus what the worker logged of itself and its hooks
	local cpu=$CPU_MS lcpu
	lcpu=$(bench_logged cpu-ms "$t/tool.log")
	[ "$lcpu" -gt 0 ] && cpu=$(awk -v a="$CPU_MS" -v b="$lcpu" 'BEGIN { printf "%.0f", a + b }')
	local disc offer req ack nd probes ann seq lost txd
	read -r disc offer req ack nd probes ann seq < <(parse_capture "$t/capture.txt" "$t0")
	lost=$(replies_lost "$t/dnsmasq.log" "$t/capture.txt")
	txd=$(awk '/TX:/ { getline; print $4 + 0; exit }' "$t/server-link.txt")
	[ -n "$a" ] && [ "$ack" != -1 ] && r2a=$(awk -v a="$a" -v b="$ack" 'BEGIN { printf "%.1f", a - b }')
	timeline_rows "$t/tool.log" "$t0" "$tool" "$round" "$ok"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$tool" "$round" "$ok" "$rc" "${a:--1}" "$EXIT_MS" "$rss" "$cpu" "$disc" "$offer" "$req" "$ack" \
		"$r2a" "$nd" "$probes" "$ann" "$seq" "${addr:--}" "$RSS" "$lrss" "$leftover" "$lost" "${txd:-0}" >>"$OUT/trials.tsv"
	printf '[%s %s/%s] %-14s addr %8s ms  exit %8s ms  rc %s  maxrss %6s KiB  DISCOVER %7s  ACK %7s  %s%s%s%s\n' \
		"$([ "$round" = 0 ] && echo warm-up || echo round)" "$round" "$N" "$tool" "${a:--}" "$EXIT_MS" "$rc" \
		"$rss" "$disc" "$ack" "$seq" "$([ "$leftover" -gt 0 ] && echo "  (killed $leftover left over)")" \
		"$([ "$lost" -gt 0 ] && echo "  ($lost server replies never on the wire, server TX dropped ${txd:-?})")" \
		"$([ $ok = 1 ] || echo "  FAILED, see $t")" >&2
}

# --------------------------------------------------------------- tables ---
# col, stats, mmm, med, common, okcount: bench_lib.sh
counts() { # tool column -> "1×9, 2×1": every value of the measured, ok rounds, with how often
	col "$1" "$2" | sort -g | uniq -c | awk '{ s = s (NR > 1 ? ", " : "") $2 "×" $1 } END { print (s == "" ? "—" : s) }'
}
leftover_cell() { # tool -> trials where something of the tool was left 2 s after its exit
	T=$OUT/scratch
	tool_def "$1"
	[ "$STAYS" = 1 ] && { echo "n/a (stays)"; return; }
	awk -F'\t' -v tool="$1" 'NR > 1 && $1 == tool && $2 != 0 { n++; if ($21 > 0) k++ }
		END { printf "%d/%d killed\n", k, n }' "$OUT/trials.tsv"
}
lost_cell() { # tool -> measured trials in which a server reply never reached the wire
	awk -F'\t' -v tool="$1" 'NR > 1 && $1 == tool && $2 != 0 { n++; if ($22 > 0) k++; d += $23 }
		END { printf "%d/%d%s\n", k, n, (d > 0 ? " (server TX dropped " d ")" : "") }' "$OUT/trials.tsv"
}
timeline_table() { # tool -> its events, in the order of their median
	local rows
	rows=$(awk -F'\t' -v tool="$1" '$1 == tool && $2 != 0 && $3 == 1 { print $4 "\t" $5 }' "$OUT/timeline.tsv" |
		sort -t "$(printf '\t')" -k1,1 -k2,2g | awk -F'\t' '
		function flush() {
			if (ev == "") return
			m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "%.3f\t| %s | %.1f | %.1f | %.1f | %d |\n", m, ev, m, v[1], v[n], n
		}
		$1 != ev { flush(); ev = $1; n = 0 }
		{ v[++n] = $2 }
		END { flush() }' | sort -g | cut -f2-)
	echo "| event | median (ms) | min | max | trials |"
	echo "|---|---:|---:|---:|---:|"
	if [ -n "$rows" ]; then echo "$rows"; else echo "| — | — | — | — | — |"; fi
}
fastest_peer() { # -> "tool median" of the fastest median time to exit among the peers
	local tool
	for tool in "${TOOLS[@]}"; do
		case $tool in earlynet*) continue ;; esac
		stats "$tool" exit_ms | awk -v t="$tool" '$4 > 0 { print t, $2 }'
	done | sort -k2,2g | head -n 1
}
targets() {
	local noacd peer peer_ms acd rss
	if [[ " ${TOOLS[*]} " == *" earlynet-noacd "* ]]; then
		read -r noacd < <(stats earlynet-noacd exit_ms | cut -d' ' -f2)
		read -r peer peer_ms < <(fastest_peer; echo)
		if [ "$noacd" != - ] && [ -n "${peer:-}" ]; then
			awk -v a="$noacd" -v b="$peer_ms" -v p="$peer" 'BEGIN {
				printf "- earlynet-noacd time to exit / fastest peer'"'"'s median time to exit = %.2f (target ≤ 0.5): %.1f ms / %.1f ms (%s): %s\n",
					a / b, a, b, p, (a / b <= 0.5 ? "met" : "NOT met") }'
		else
			echo "- earlynet-noacd time to exit / fastest peer's median time to exit = — (target ≤ 0.5): no figures"
		fi
	fi
	if [[ " ${TOOLS[*]} " == *" earlynet "* ]]; then
		acd=$(stats earlynet exit_ms | cut -d' ' -f2)
		if [ "$acd" != - ]; then
			awk -v a="$acd" -v p="$ACD_MS" 'BEGIN {
				printf "- earlynet (ACD %d ms) time to exit − %d ms = %.1f ms (target ≤ 15): %s\n", p, p, a - p, (a - p <= 15 ? "met" : "NOT met") }'
		else
			echo "- earlynet (ACD $ACD_MS ms) time to exit − $ACD_MS ms = — (target ≤ 15): no figures"
		fi
		# $ACD_MS is the longest the probe phase can take: its waits are
		# RFC 5227's scaled by $ACD_MS/7000, so it takes 3/7 to 7/7 of it
		local r2a d=""
		r2a=$(med earlynet ack_to_addr_ms)
		if [[ " ${TOOLS[*]} " == *" earlynet-noacd "* ]]; then
			d=$(awk -v a="$acd" -v b="$(stats earlynet-noacd exit_ms | cut -d' ' -f2)" \
				'BEGIN { if (a != "-" && b != "-") printf "; earlynet − earlynet-noacd time to exit = %.1f ms", a - b }')
		fi
		echo "  (the probe phase is random, 3/7 to 7/7 of $ACD_MS ms: ACK→address median $r2a ms$d)"
		read -r _ rss rssmax _ < <(stats earlynet maxrss_kib)
		if [ "$rss" != - ]; then
			awk -v a="$rss" -v x="$rssmax" 'BEGIN {
				printf "- earlynet peak RSS = %.0f KiB (target ≤ 2048): %s (max over the trials %.0f KiB)\n", a, (a <= 2048 ? "met" : "NOT met"), x }'
		else
			echo "- earlynet peak RSS = — KiB (target ≤ 2048): no figures"
		fi
	fi
}

# ----------------------------------------------------------------- main ---
bench_outdir earlynet-dhcp4-bench
printf 'tool\tround\tok\tevent\tms\n' >"$OUT/timeline.tsv"
mkdir -p "$OUT/scratch"
bench_traps
SRV=b4-$$-srv
ip netns add "$SRV"
ip -n "$SRV" link set lo up

{
	bench_env_header isc-dhcp-client dhcpcd-base busybox klibc-utils network-manager dnsmasq-base
	echo "N=$N timeout=${TIMEOUT}s tools: ${TOOLS[*]}"
} | tee "$OUT/environment.txt" >&2
say "dhcp4_bench.sh: results in $OUT"

for r in $(seq 0 "$N"); do
	for tool in "${TOOLS[@]}"; do run_trial "$tool" "$r"; done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/environment.txt"

{
	echo
	echo "## dhcp4_bench: ip=$IF:dhcp, $N trials per tool, one run (median (min–max), ms from the tool's start)"
	echo
	sed 's/^/    /' "$OUT/environment.txt"
	echo
	echo "| tool | ok | time to address | time to exit | peak RSS (KiB) | CPU (ms) | first DISCOVER | first ACK | ACK→address | DISCOVERs | ARP probes | DHCP exchange | server replies lost | left over after exit |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---|"
	for tool in "${TOOLS[@]}"; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$tool" "$(okcount "$tool")" \
			"$(mmm "$tool" addr_ms)" "$(mmm "$tool" exit_ms)" "$(mmm "$tool" maxrss_kib)" "$(mmm "$tool" cpu_ms)" \
			"$(mmm "$tool" disc_ms)" "$(mmm "$tool" ack_ms)" "$(med "$tool" ack_to_addr_ms)" \
			"$(counts "$tool" discovers)" "$(med "$tool" arp_probes)" "$(common "$tool" dhcp_msgs)" \
			"$(lost_cell "$tool")" "$(leftover_cell "$tool")"
	done
	echo
	for tool in "${TOOLS[@]}"; do
		case $tool in earlynet*) ;; *) continue ;; esac
		echo "### $tool timeline (its \`--debug\` \`timeline\` lines, ms from the tool's start, ok measured trials)"
		echo
		timeline_table "$tool"
		echo
		echo "peak RSS: GNU time %M $(mmm "$tool" time_rss_kib) KiB, logged by earlynet (\`peak-rss\`) $(mmm "$tool" logged_rss_kib) KiB; the table's figure is the larger of the two, per trial."
		echo
	done
	echo "Targets (medians):"
	echo
	targets
	echo
	echo "time to address: from just before the tool's execve() (bash \$EPOCHREALTIME, then GNU time"
	echo "starts it) to the kernel's RTM_NEWADDR for a leased address ($NET.$FIRST-$LAST) on $IF,"
	echo "stamped by \`ip -ts -4 monitor address\` in the client namespace.  time to exit: until the"
	echo "started process exits (dhclient: its foreground process; it forks to the background once"
	echo "bound and is stopped by PID afterwards).  peak RSS: ru_maxrss (GNU time %M) of the started"
	echo "process and the children it reaped; for earlynet the larger of that and the peak RSS its"
	echo "worker logs (\`peak-rss\`; the worker may outlive the started process).  CPU: user+sys, 10 ms"
	echo "ticks, for earlynet plus what its worker logs of itself and its hooks (\`cpu-ms\`).  Time to exit"
	echo "is the started process's: earlynet's worker may still be closing its sockets (or, with the root"
	echo "on the network, trying NICs without a carrier) after it.  DISCOVER/ACK: first seen by tcpdump on the server's end; DISCOVERs: how many a trial"
	echo "sent (value×trials; more than one is a lost or ignored first exchange); ARP probes: the"
	echo "client's, sender 0.0.0.0; exchange: D discover, O offer, R request, A ack (its most frequent"
	echo "form).  server replies lost: trials where dnsmasq logged an OFFER/ACK that its end's capture"
	echo "never saw: dropped by the kernel on the server end's transmit path (its TX dropped counter),"
	echo "whose queue is only activated when the link watcher has run after the tool brought $IF up: a"
	echo "harness race (see replies_lost in the script); the tool then waits for its retransmission,"
	echo "which shows in DISCOVERs and in max time to address.  left over: trials where something of"
	echo "the tool was still in the client namespace 2 s after the started process exited, and was"
	echo "killed.  Only ok trials count in the figures;"
	echo "$IF is down when each tool starts; each brings it up.  Warm-up round not counted."
	echo
	echo "Commands:"
	for tool in "${TOOLS[@]}"; do
		T=$OUT/trials/$tool/$N
		tool_def "$tool"
		echo "- $tool: $DESC"
		echo "  \`$(cat "$T/cmd")\`"
	done
	echo
	echo "Raw data: $OUT (trials.tsv, timeline.tsv; trials/TOOL/ROUND/: tool.log, monitor.txt, capture.txt, dnsmasq.log)"
} | tee "$OUT/summary.md"
