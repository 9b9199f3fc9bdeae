#!/bin/bash
# scale_bench.sh — earlynet at scale, against ISC dhclient and NetworkManager
# --configure-and-quit=initrd in the same run, with one dnsmasq as the
# server.  Two scenarios, each tool interleaved round by round:
#
#  1. One client with many NICs (--nics, default 64): one client namespace
#     with eth0..eth63, each a veth into the server namespace's bridge br0
#     (10.78.0.1/16, one dnsmasq), every link down at the start; the tool is
#     told ip=dhcp (every interface) and has to bring them all up.  The same
#     with one NIC, for the ratio "64 NICs / 1 NIC" (target: <= 1.5).
#  2. Many clients at once (--clients, default 256; a rack after a power
#     cut): that many client namespaces, each with eth0 a veth into the same
#     bridge, each tool process started (sandbox, untimed preparation) and
#     then released at the same instant through a FIFO; the release is the
#     start stamp.  Compared with one client (target: all online <= 2 x one
#     client's time, no client with more than one retransmission).
#
# Measured per NIC / client: time to the leased address (the kernel's
# RTM_NEWADDR, from one `ip -ts -4 monitor address all-nsid` in the server
# namespace at real-time priority, which sees every client namespace), time
# to exit, and from a capture on br0 (tcpdump, kernel stamps) the DISCOVERs,
# REQUESTs, OFFERs, ACKs and ARP probes by chaddr: retransmissions, when the
# last client's first DISCOVER went out, and dnsmasq's DISCOVER->OFFER
# turnaround.  Per trial, for the limit: the machine's CPU (/proc/stat:
# user, system, softirq, idle, steal) between the release and the moment all
# were online, dnsmasq's own CPU (schedstat), the clients' (the sandbox's
# `times`), backlog drops (/proc/net/softnet_stat), UDP receive-buffer drops
# in the server namespace (nstat UdpRcvbufErrors), drops on br0 and its
# ports, and tcpdump's own drops.
#
#   test/bench/scale_bench.sh [-n N] [-o DIR] [--clients 256] [--nics 64] [--no-install] EARLYNET [TOOL...]
#
# EARLYNET is the earlynet binary or a build directory holding it.  TOOL...
# is a subset of: earlynet-noacd (the main row: ipv4.dad-timeout=0 added to
# the [ipv4] section of every profile `earlynet generate` wrote) earlynet
# (ACD at its default) dhclient nm (default: all four).  N (default 5, or
# $BENCH_N) measured rounds plus one warm-up round (0, not counted); each
# round runs every tool in every configuration.  DIR (default a new
# /tmp/earlynet-scale-bench.XXXXXX) keeps every trial's logs, captures and
# address events, trials.tsv (one row a trial), per-client clients.tsv and
# summary.md.  More options:
#   -t SECONDS         a trial's cap, from the release (default 90): a tool
#                      not done by then is stopped and its row says so
#   --scenario nics|clients|both   (default both)
#   --curve "64 128"   more client counts for scenario 2, to see the curve
#   --dnsmasq-wrap "CMD ARGS"      run dnsmasq under e.g. "nice -n 19",
#                      "taskset -c 1" or "chrt -f 10" (to find the limit)
#   --client-wrap "CMD ARGS"       the same for every client's tool
#   --lease-on-disk    dnsmasq's lease file on this disk (it fsync()s the
#                      whole file after every change) instead of a tmpfs
#   --nice N           run the whole benchmark (dnsmasq, every client) at
#                      nice N, e.g. -10 on a machine that is busy with builds
#   --plain-bridge     the server ends of the veths up from the start (see
#                      "link partner" below: a DISCOVER sent the instant the
#                      NIC has carrier can then be lost at the bridge)
#   --report DIR       print the tables again from a finished run
# ($SCALE_CAPTURE_IF=any captures on every interface of the server
# namespace instead of br0, to see frames that reached a port but not the
# bridge; the DISCOVER counts then include every copy of the flood.)
#
# Every tool runs in the sandbox of bench_lib.sh's kind (private mount
# namespace, tmpfs /run and state directories, read-only / and /sys; here
# with the release barrier added), its untimed preparation first:
# earlynet `generate -- ip=dhcp` (one catch-all profile, multi-connect=3,
# used by every NIC) with every path under the client's directory and its
# state on a tmpfs; nm-initrd-generator -- ip=dhcp; dhclient -4 -1 on every
# interface at once with a minimal script (PREINIT: link up, wait for
# carrier; BOUND: address and default route).  dnsmasq: range 10.78.1.0-10.78.255.254, 1 h leases,
# --dhcp-lease-max >= 1000, --no-ping, its lease file on a tmpfs; a fresh
# server namespace, bridge and dnsmasq (empty lease file) every trial.  The
# server end of each veth starts down and a small helper (the "link
# partner", C, built at the start with gcc) sets it up the moment the tool
# sets the NIC up, so the bridge port forwards before the tool sees carrier.
#
# Needs root.  Everything happens in network namespaces the script creates
# and deletes (also on failure or Ctrl-C); host interfaces, routes,
# resolver and files outside DIR are not touched, and only processes in
# those namespaces (all ours) are stopped, by PID.  Missing Debian packages
# are installed with apt-get (see bench_lib.sh):
#   isc-dhcp-client network-manager dnsmasq-base tcpdump time iproute2 util-linux gcc libc6-dev
#
# Through meson:  meson test -C BUILD --benchmark --suite scale -v   (BENCH_N=2 for a short run)
set -euo pipefail
export LC_ALL=C TZ=UTC # TZ: `ip -ts` stamps and awk's mktime() agree
BENCH_NAME=scale_bench.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# From bench_lib.sh: say, die, bench_install, bench_nm_generator,
# bench_earlynet.  Its sandbox and netns helpers are for one client
# namespace per trial; the ones here are for many.
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
. "$HERE/bench_lib.sh"

N=${BENCH_N:-5}
TIMEOUT=90
GRACE=10 # after every started process has exited, how long to wait for the last addresses
OUT=""
INSTALL=1
NICS=64
CLIENTS=256
CURVE=""
SCENARIO=both
DNSMASQ_WRAP=()
CLIENT_WRAP=()
LEASE_DISK=0
PLAIN_BRIDGE=0
NICE=""
REPORT=""
usage() { sed -n '2,82p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift 2 ;;
	-t) TIMEOUT=$2; shift 2 ;;
	-o) OUT=$2; shift 2 ;;
	--clients) CLIENTS=$2; shift 2 ;;
	--nics) NICS=$2; shift 2 ;;
	--curve) CURVE=$2; shift 2 ;;
	--scenario) SCENARIO=$2; shift 2 ;;
	--dnsmasq-wrap) read -r -a DNSMASQ_WRAP <<<"$2"; shift 2 ;;
	--client-wrap) read -r -a CLIENT_WRAP <<<"$2"; shift 2 ;;
	--lease-on-disk) LEASE_DISK=1; shift ;;
	--plain-bridge) PLAIN_BRIDGE=1; shift ;;
	--nice) NICE=$2; shift 2 ;;
	--no-install) INSTALL=0; shift ;;
	--report) REPORT=$2; shift 2 ;;
	-h | --help) usage ;;
	-*) usage 2 ;;
	*) break ;;
	esac
done
num() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive number, not '$2'"; }
num -n "$N"
num -t "$TIMEOUT"
num --clients "$CLIENTS"
num --nics "$NICS"
[ "$CLIENTS" -le 4000 ] || die "--clients: at most 4000"
[ "$NICS" -le 1000 ] || die "--nics: at most 1000"
for c in $CURVE; do num --curve "$c"; done
case $SCENARIO in nics | clients | both) ;; *) die "--scenario nics, clients or both" ;; esac
[ -z "$NICE" ] || [[ $NICE =~ ^-?[0-9]+$ ]] || die "--nice wants a number"

# --------------------------------------------------------------- tables ---
# trials.tsv: one row a trial.  cfg is NSxNICS (1x64: one client namespace
# with 64 NICs; 256x1: 256 namespaces with one NIC each; 1x1: one client).
COLS="cfg tool round ok nns nics n_total n_addr addr_min addr_med addr_max exit_med exit_max n_rc0
disc_total req_total retr_any retr_multi retr_max naks declines probes_med last_disc1 first_disc1
turn_off_med turn_off_max turn_ack_med turn_ack_max bcast_replies replies dup_addrs cpu_clients
rss_med rss_max skew_max up_med up_max upcar_med upcar_max blocked activated window_ms cpu_user cpu_sys cpu_softirq cpu_idle cpu_steal
dnsmasq_cpu softnet_drop softnet_squeeze udp_rcvbuf udp_inerr srv_drops tcpdump_drop load1 capped"

# The values of a column over the measured rounds (and only the trials that
# were ok, unless a 5th argument "all" is given).
col() { # cfg tool column [all]
	awk -F'\t' -v cfg="$1" -v tool="$2" -v name="$3" -v all="${4:-}" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) k = i; next }
		$1 == cfg && $2 == tool && $3 != 0 && (all == "all" || $4 == 1) && $k != "" && $k + 0 >= 0 { print $k }' "$OUT/trials.tsv"
}
stat4() { # values on stdin -> "min median max count", or "- - - 0"
	sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) { print "- - - 0"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		print a[1], m, a[NR], NR }'
}
fmt() { awk -v v="$1" 'BEGIN { printf (v >= 100 || v <= -100 ? "%.0f" : "%.1f"), v }'; }
mmm() { # cfg tool column [all] -> "median (min–max)", or "—"
	col "$@" | stat4 | awk '$4 == 0 { print "—"; exit } {
		f = ($2 >= 100 ? "%.0f" : "%.1f")
		if ($1 == $3) printf f "\n", $2; else printf f " (" f "–" f ")\n", $2, $1, $3 }'
}
med() { # cfg tool column [all] -> median, or "—"
	col "$@" | stat4 | awk '$4 == 0 { print "—"; exit } { printf ($2 >= 100 ? "%.0f\n" : "%.1f\n"), $2 }'
}
medraw() { col "$@" | stat4 | awk '{ print $2 }'; } # median unrounded, "-" if none
maxall() { col "$1" "$2" "$3" all | sort -g | tail -n 1; }
okcount() {
	awk -F'\t' -v cfg="$1" -v tool="$2" '$1 == cfg && $2 == tool && $3 != 0 { n++; ok += $4 } END { printf "%d/%d", ok, n }' "$OUT/trials.tsv"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"; else printf "%.2f\n", a / b }'; }
have_cfg() { awk -F'\t' -v cfg="$1" -v tool="$2" '$1 == cfg && $2 == tool && $3 != 0 { f = 1 } END { exit !f }' "$OUT/trials.tsv"; }
cfgs_of() { # 1 (scenario 1: NICs) or 2 (scenario 2: clients) -> cfgs in the run
	awk -F'\t' -v s="$1" 'NR > 1 && !seen[$1]++ {
		split($1, a, "x")
		if (s == 1 && a[1] == 1) print a[2], $1
		if (s == 2 && a[2] == 1) print a[1], $1 }' "$OUT/trials.tsv" | sort -n | cut -d' ' -f2
}

print_tables() {
	local tools cfg tool nics m one r1 r2 all1 c
	mapfile -t tools < <(awk -F'\t' 'NR > 1 && !seen[$2]++ { print $2 }' "$OUT/trials.tsv")
	local nr
	nr=$(awk -F'\t' 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$OUT/trials.tsv")
	echo
	echo "# scale_bench: $nr measured rounds per tool and configuration (median (min–max) over the rounds; ms from the release)"
	echo
	sed 's/^/    /' "$OUT/environment.txt"
	echo
	mapfile -t S1 < <(cfgs_of 1)
	mapfile -t S2 < <(cfgs_of 2)
	if [ ${#S1[@]} -gt 0 ]; then
		echo "## 1. One client, many NICs (ip=dhcp; every link down at the start)"
		echo
		echo "| tool | NICs | ok | first address | all NICs addressed | time to exit | NICs addressed (worst) | DISCOVERs | NICs retransmitting | tool says activated | CPU (ms) | peak RSS (KiB) |"
		echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for tool in "${tools[@]}"; do
			for cfg in "${S1[@]}"; do
				have_cfg "$cfg" "$tool" || continue
				nics=${cfg#1x}
				printf '| %s | %s | %s | %s | %s | %s | %s/%s | %s | %s | %s | %s | %s |\n' "$tool" "$nics" "$(okcount "$cfg" "$tool")" \
					"$(mmm "$cfg" "$tool" addr_min)" "$(mmm "$cfg" "$tool" addr_max)" "$(mmm "$cfg" "$tool" exit_max)" \
					"$(col "$cfg" "$tool" n_addr all | sort -g | head -n 1)" "$nics" \
					"$(med "$cfg" "$tool" disc_total all)" "$(med "$cfg" "$tool" retr_any all)" "$(med "$cfg" "$tool" activated all)" \
					"$(med "$cfg" "$tool" cpu_clients)" "$(med "$cfg" "$tool" rss_max)"
			done
		done
		echo
		echo "first address / all NICs addressed: the kernel's RTM_NEWADDR for a leased address, first and last"
		echo "NIC.  time to exit: the started process (dhclient: its foreground process, which"
		echo "forks to the background once the FIRST interface is bound; the rest are bound by the"
		echo "background process).  tool says activated: earlynet \`status\` (devices activated),"
		echo "NetworkManager's \"device activated\" log lines; dhclient has no such figure (—)."
		echo
		for tool in "${tools[@]}"; do
			for cfg in "${S1[@]}"; do
				[ "$cfg" = 1x1 ] && continue
				if ! have_cfg "$cfg" "$tool" || ! have_cfg 1x1 "$tool"; then continue; fi
				r1=$(ratio "$(medraw "$cfg" "$tool" exit_max)" "$(medraw 1x1 "$tool" exit_max)")
				r2=$(ratio "$(medraw "$cfg" "$tool" addr_max)" "$(medraw 1x1 "$tool" addr_max)")
				c=""
				case $tool in earlynet*) c=" (target <= 1.5: $(awk -v r="$r1" 'BEGIN { print (r != "-" && r <= 1.5) ? "met" : "NOT met" }'))" ;; esac
				echo "- $tool: ${cfg#1x} NICs / 1 NIC, startup complete (exit): $r1$c; all addressed: $r2"
			done
		done
		echo
	fi
	if [ ${#S2[@]} -gt 0 ]; then
		echo "## 2. Many clients released at once (one NIC each, ip=dhcp)"
		echo
		echo "| tool | clients | ok | per-client address (median) | all online | time to exit (median) | time to exit (last) | online (worst trial) | DISCOVERs (max per client) | clients retransmitting (≥1 / >1) | NAKs | last link up | last first DISCOVER | dnsmasq DISCOVER→OFFER (median / max) |"
		echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for tool in "${tools[@]}"; do
			for cfg in "${S2[@]}"; do
				have_cfg "$cfg" "$tool" || continue
				m=${cfg%x1}
				printf '| %s | %s | %s | %s | %s | %s | %s | %s/%s | %s | %s / %s | %s | %s | %s | %s / %s |\n' "$tool" "$m" "$(okcount "$cfg" "$tool")" \
					"$(mmm "$cfg" "$tool" addr_med)" "$(mmm "$cfg" "$tool" addr_max)" "$(mmm "$cfg" "$tool" exit_med)" \
					"$(mmm "$cfg" "$tool" exit_max)" "$(col "$cfg" "$tool" n_addr all | sort -g | head -n 1)" "$m" \
					"$(maxall "$cfg" "$tool" retr_max | awk '{ print $1 + 1 }')" \
					"$(mmm "$cfg" "$tool" retr_any all)" "$(mmm "$cfg" "$tool" retr_multi all)" "$(med "$cfg" "$tool" naks all)" \
					"$(mmm "$cfg" "$tool" up_max all)" "$(mmm "$cfg" "$tool" last_disc1 all)" "$(med "$cfg" "$tool" turn_off_med all)" "$(med "$cfg" "$tool" turn_off_max all)"
			done
		done
		echo
		echo "per-client address: each trial's median client; all online: its last client (only trials in"
		echo "which every client got its address within the cap).  DISCOVERs: the most any one client sent"
		echo "in any trial (1 = no retransmission).  clients retransmitting: clients that sent more than one"
		echo "DISCOVER or REQUEST (≥1 retransmission) / more than one retransmission in all.  last link up:"
		echo "when the last tool set its NIC up (the kernel's RTM_NEWLINK).  last first DISCOVER: when the"
		echo "last client's first DISCOVER reached br0.  DISCOVER→OFFER: dnsmasq's"
		echo "turnaround, first OFFER minus first DISCOVER of a client, both as seen on br0."
		echo "NOTE: every client here shares this machine's $(nproc) CPUs with the others (and dnsmasq, and the"
		echo "kernel's bridge), where a rack has a CPU per client: until "last link up" the clients mostly"
		echo "wait for a CPU; from there on it is the network, the server and the client's own exchange."
		echo
		for tool in "${tools[@]}"; do
			have_cfg 1x1 "$tool" || continue
			one=$(medraw 1x1 "$tool" addr_max)
			for cfg in "${S2[@]}"; do
				[ "$cfg" = 1x1 ] && continue
				have_cfg "$cfg" "$tool" || continue
				m=${cfg%x1}
				all1=$(medraw "$cfg" "$tool" addr_max)
				local multi cap
				multi=$(maxall "$cfg" "$tool" retr_multi)
				cap=$(awk -F'\t' -v cfg="$cfg" -v tool="$tool" '$1 == cfg && $2 == tool && $3 != 0 && $NF == 1 { n++ } END { print n + 0 }' "$OUT/trials.tsv")
				r1=$(ratio "$all1" "$one")
				echo "- $tool, $m clients: all online $(fmt "${all1/-/-1}") ms vs one client $(fmt "${one/-/-1}") ms = $r1 x (target <= 2: $(awk -v r="$r1" 'BEGIN { print (r != "-" && r <= 2) ? "met" : "NOT met" }')); clients with more than one retransmission: ${multi:-?} in the worst trial (target 0: $([ "${multi:-1}" = 0 ] && echo met || echo "NOT met"))$([ "$cap" -gt 0 ] && echo "; $cap trial(s) hit the ${TIMEOUT_SHOWN:-?} s cap")"
			done
		done
		echo
	fi
	echo "## Where the time went (medians over the rounds, all trials; window = release to all online)"
	echo
	echo "| tool | cfg | window (ms) | busy % of $(nproc) CPUs | user | system | softirq | steal | dnsmasq CPU | clients' CPU | per client | backlog drops | UdpRcvbufErrors | br0+ports drops | capture drops | start skew (max) | link up→carrier (median / max) | replies broadcast | load (1 min) |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for tool in "${tools[@]}"; do
		for cfg in $(printf '%s\n' "${S1[@]}" "${S2[@]}" | awk '!seen[$0]++'); do
			have_cfg "$cfg" "$tool" || continue
			local w busy
			w=$(medraw "$cfg" "$tool" window_ms all)
			busy=$(awk -F'\t' -v cfg="$cfg" -v tool="$tool" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
				$1 == cfg && $2 == tool && $3 != 0 && $h["window_ms"] > 0 {
					b = $h["cpu_user"] + $h["cpu_sys"] + $h["cpu_softirq"]; t = b + $h["cpu_idle"] + $h["cpu_steal"]
					if (t > 0) print 100 * b / t }' "$OUT/trials.tsv" | stat4 | awk '$4 == 0 { print "—"; exit } { printf "%.0f\n", $2 }')
			local cc pc
			cc=$(medraw "$cfg" "$tool" cpu_clients all)
			pc=$(awk -v c="$cc" -v n="${cfg%x*}" -v m="${cfg#*x}" 'BEGIN { if (c == "-") print "—"; else printf "%.1f\n", c / (n > 1 ? n : 1) }')
			printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s/%s | %s |\n' "$tool" "$cfg" \
				"$(fmt "${w/-/-1}")" "$busy" "$(med "$cfg" "$tool" cpu_user all)" "$(med "$cfg" "$tool" cpu_sys all)" \
				"$(med "$cfg" "$tool" cpu_softirq all)" "$(med "$cfg" "$tool" cpu_steal all)" "$(med "$cfg" "$tool" dnsmasq_cpu all)" \
				"$(med "$cfg" "$tool" cpu_clients all)" "$pc" "$(med "$cfg" "$tool" softnet_drop all)" "$(med "$cfg" "$tool" udp_rcvbuf all)" \
				"$(med "$cfg" "$tool" srv_drops all)" "$(med "$cfg" "$tool" tcpdump_drop all)" "$(med "$cfg" "$tool" skew_max all)" \
				"$(med "$cfg" "$tool" upcar_med all)" "$(med "$cfg" "$tool" upcar_max all)" \
				"$(med "$cfg" "$tool" bcast_replies all)" "$(med "$cfg" "$tool" replies all)" "$(med "$cfg" "$tool" load1 all)"
		done
	done
	echo
	echo "CPU figures in ms: user/system/softirq/steal are the whole machine's (/proc/stat) over the window,"
	echo "dnsmasq's its own schedstat run time, clients' every client process (the tool and all it forked,"
	echo "also what outlived it) from the release on (cgroup cpu.stat; see environment).  backlog drops:"
	echo "/proc/net/softnet_stat (veth -> the per-CPU backlog, the whole machine); UdpRcvbufErrors: nstat in"
	echo "the server namespace (dnsmasq's socket full).  start skew: from the release until the last client"
	echo "process ran (its own stamp).  link up→carrier: from the tool's IFF_UP to the NIC's carrier, both"
	echo "the kernel's events: the harness's own latency (the link partner; see the script).  replies"
	echo "broadcast: OFFERs+ACKs sent to ff:ff:ff:ff:ff:ff / all.  load: the 1-minute load average at the"
	echo "release (the machine is shared: what else runs is in user/system too, not in the two CPU columns)."
	echo
	echo "Commands (client k's directory is T):"
	sed 's/^/- /' "$OUT/commands.txt"
	echo
	echo "Raw data: $OUT (trials.tsv; trials/CFG/TOOL/ROUND/: clients.tsv, monitor.txt, capture.pcap, dnsmasq.log,"
	echo "cK/: tool.log, pre.log, status.txt)"
}

if [ -n "$REPORT" ]; then
	OUT=$(cd "$REPORT" && pwd)
	[ -f "$OUT/trials.tsv" ] || die "$OUT has no trials.tsv"
	TIMEOUT_SHOWN=$(sed -n 's/^.*cap \([0-9]*\) s.*$/\1/p' "$OUT/environment.txt" | head -n 1)
	print_tables | tee "$OUT/summary.md"
	exit 0
fi

[ $# -ge 1 ] || usage 2
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
EARLYNET=$(bench_earlynet "$1")
shift
TOOLS=("$@")
[ ${#TOOLS[@]} -gt 0 ] || TOOLS=(earlynet-noacd earlynet dhclient nm)
for t in "${TOOLS[@]}"; do
	case $t in earlynet | earlynet-noacd | dhclient | nm) ;; *) die "unknown tool '$t'" ;; esac
done
TIMEOUT_SHOWN=$TIMEOUT

# ------------------------------------------------------------- packages ---
[ "$INSTALL" = 1 ] && bench_install isc-dhcp-client network-manager dnsmasq-base tcpdump time iproute2 util-linux gcc libc6-dev
NM_GEN=$(bench_nm_generator)
for c in ip unshare nsenter chrt dnsmasq tcpdump nstat gcc /usr/bin/time; do
	command -v "$c" >/dev/null || die "needs $c"
done

# ---------------------------------------------------------------- tools ---
# tool_NAME runs once per client with T (the client's directory, writable
# in its sandbox), TD (the trial's directory, read-only there) and IFACES
# (its interfaces), and sets CMDV (the timed command), PRE (untimed shell
# code run in the sandbox before the release, cwd $T), POST (shell code run
# in the sandbox after every client is done, or empty), ACT (a command
# line run afterwards, outside, printing how many devices the tool says it
# activated, or empty) and DESC.

earlynet_common() { # 1 = ACD off
	local en
	en=$(printf %q "$EARLYNET")
	# shellcheck disable=SC2016 # expanded in the sandbox
	PRE='mkdir -p "$T/rt" && mount -t tmpfs -o mode=0755 earlynet-bench "$T/rt"
mkdir -p "$T/rt/state" "$T/rt/tmp" "$T/rt/hooks" "$T/rt/nm"
'"$en"' generate -c "$T/profiles" -r "$T/conf" -i "$T/initrd" -- ip=dhcp >"$T/generate.log" 2>&1'
	if [ "$1" = 1 ]; then
		# shellcheck disable=SC2016
		PRE+='
sed -i "/^\[ipv4\]\$/a dad-timeout=0" "$T"/profiles/*.nmconnection
for p in "$T"/profiles/*.nmconnection; do grep -q "^dad-timeout=0\$" "$p"; done'
	fi
	# shellcheck disable=SC2016
	PRE+='
ls "$T/profiles" >"$T/profiles.ls"'
	# shellcheck disable=SC2016
	POST="$en"' status --api-socket '' --state-dir "$T/rt/state" >"$T/status.txt" 2>&1'
	ACT="grep -c ': activated\$' $(printf %q "$T/status.txt")"
	CMDV=("$EARLYNET" run --configure-and-quit --debug -c "$T/profiles" -r "$T/conf" -i "$T/initrd"
		--state-dir "$T/rt/state" --api-socket "$T/rt/api.sock" --tmp-dir "$T/rt/tmp" --hook-dir "$T/rt/hooks"
		--netroot '' --nm-run-dir "$T/rt/nm" --resolv-conf "$T/rt/resolv.conf" --hostname-file '')
}
tool_earlynet() {
	earlynet_common 0
	DESC="earlynet generate -- ip=dhcp (untimed), then earlynet run --configure-and-quit --debug, every path in the client's directory, state on a tmpfs; ACD at its default"
}
tool_earlynet_noacd() {
	earlynet_common 1
	DESC="as earlynet, plus dad-timeout=0 in the [ipv4] section of the generated profile (no ACD)"
}

tool_dhclient() {
	# Once per trial: what dracut's network-legacy dhclient.conf asks for,
	# and a minimal script (link up and carrier at PREINIT, address and
	# default route at BOUND; the route fails harmlessly on all NICs but
	# the first).
	if [ ! -f "$TD/dhclient.script" ]; then
		cat >"$TD/dhclient.script" <<-'EOF'
		#!/bin/sh
		case $reason in
		PREINIT)
			# up, then wait for carrier (up to 10 s), as dracut's
			# network-legacy does before it runs dhclient: a DISCOVER
			# sent before it is lost, and retried only 4-8 s later
			ip link set dev "$interface" up
			i=0
			while [ "$(cat "/sys/class/net/$interface/carrier" 2>/dev/null)" != 1 ] && [ $i -lt 1000 ]; do
				sleep 0.01
				i=$((i + 1))
			done
			;;
		BOUND | REBOOT | RENEW | REBIND)
			ip -4 addr add "$new_ip_address/$new_subnet_mask" \
				${new_broadcast_address:+broadcast "$new_broadcast_address"} dev "$interface"
			for r in $new_routers; do
				ip -4 route add default via "$r" dev "$interface" 2>/dev/null
				break
			done
			;;
		esac
		exit 0
		EOF
		chmod 0755 "$TD/dhclient.script"
		printf '%s\n' 'request subnet-mask, broadcast-address, time-offset, routers,' \
			'	domain-name, domain-name-servers, host-name, root-path, interface-mtu;' >"$TD/dhclient.conf"
	fi
	PRE=":" POST="" ACT=""
	CMDV=(dhclient -4 -1 -v -sf "$TD/dhclient.script" -cf "$TD/dhclient.conf"
		-lf /run/dhclient.leases -pf /run/dhclient.pid "${IFACES[@]}")
	DESC="ISC dhclient -4 -1 -v on every interface at once, minimal /bin/sh script with ip (PREINIT: link up, wait for carrier; BOUND: address, default route); forks to the background once the first interface is bound"
}

tool_nm() {
	bench_nm_tool "ip=dhcp"
	# shellcheck disable=SC2016 # PRE is shell code, expanded in the sandbox
	PRE+='
ls /run/NetworkManager/system-connections >"$T/profiles.ls"'
	POST=""
	ACT="grep -Ec 'device \\(eth[0-9]+\\): Activation: successful, device activated' $(printf %q "$T/tool.log")"
}

# --------------------------------------------------------- link partner ---
# The switch side of every client NIC.  A veth into a bridge has a race of
# its own: when a tool sets its NIC up, the kernel's link watcher reports
# the NIC's carrier (to the tool) before it has told the bridge that the
# server end has one too, and a DISCOVER sent at once (earlynet does, within
# a fraction of a millisecond) reaches a bridge port that is still
# disabled and is dropped; the retransmission comes 4 +- 1 s later (RFC
# 2131).  Measured here: about half the clients of an 8-client trial.  So
# the server ends start down, and this program (in the server namespace,
# at real-time priority) sets a server end up as soon as the kernel reports
# its client NIC up (RTM_NEWLINK with IFF_UP, from any client namespace,
# NETLINK_LISTEN_ALL_NSID), and in the same write asks for the port
# (RTM_GETLINK runs the link watcher for that one device at once): then the
# bridge port forwards before the NIC's carrier is reported, as with a
# switch port that has link when the NIC gets it.  (Setting the port up
# alone is not enough: a tool that asks for its NIC with RTM_GETLINK has the
# NIC's event run first; NetworkManager lost ~3% of its first DISCOVERs at
# the bridge that way with 64 clients.)  The cost: the port needs the RTNL
# lock, so under load the NIC's carrier comes later (links.txt; up->carrier
# in the tables).  --plain-bridge keeps the server ends up from the start,
# to show the race.  Prints "ready", then "EPOCH K I" per NIC.
LINKPARTNER_C='
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#ifndef NETLINK_LISTEN_ALL_NSID
#define NETLINK_LISTEN_ALL_NSID 8
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
int main(int argc, char **argv) {
	if (argc != 4) { fprintf(stderr, "usage: linkpartner NNS NNIC BASE-IFINDEX\n"); return 2; }
	int nns = atoi(argv[1]), nnic = atoi(argv[2]), base = atoi(argv[3]), one = 1, big = 16 << 20;
	char *done = calloc((size_t)nns * nnic + 1, 1);
	int ev = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int cmd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (!done || ev < 0 || cmd < 0) { perror("linkpartner"); return 1; }
	setsockopt(ev, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
	if (setsockopt(ev, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one, sizeof one) < 0) { perror("NETLINK_LISTEN_ALL_NSID"); return 1; }
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	if (bind(ev, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
	printf("ready\n");
	fflush(stdout);
	static char buf[1 << 16], junk[1 << 12];
	char cbuf[CMSG_SPACE(sizeof(int)) * 2];
	for (;;) {
		struct iovec iov = { buf, sizeof buf };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
		ssize_t got = recvmsg(ev, &mh, 0);
		if (got < 0) {
			if (errno == EINTR) continue;
			if (errno == ENOBUFS) { printf("overrun\n"); fflush(stdout); continue; }
			perror("recvmsg");
			return 1;
		}
		int nsid = -1, len = (int)got;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID) memcpy(&nsid, CMSG_DATA(c), sizeof nsid);
		if (nsid < 1 || nsid > nns) continue;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type != RTM_NEWLINK) continue;
			struct ifinfomsg *ifi = NLMSG_DATA(h);
			if (!(ifi->ifi_flags & IFF_UP)) continue;
			int alen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *ifi), i = -1;
			for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
				if (a->rta_type == IFLA_IFNAME && sscanf(RTA_DATA(a), "eth%d", &i) != 1) i = -1;
			if (i < 0 || i >= nnic) continue;
			int j = (nsid - 1) * nnic + i + 1;
			if (done[j]) continue;
			done[j] = 1;
			/* set it up, and in the same write ask for it: rtnl_getlink()
			   runs the link watcher for that device at once (as a tool
			   asking for its NIC would for the NIC), so the bridge port
			   forwards before the own carrier event of the NIC is out */
			struct { struct nlmsghdr h; struct ifinfomsg i; } req[2] = {
				{ .h = { .nlmsg_len = sizeof req[0], .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = (unsigned)j },
				  .i = { .ifi_family = AF_UNSPEC, .ifi_index = base + j, .ifi_flags = IFF_UP, .ifi_change = IFF_UP } },
				{ .h = { .nlmsg_len = sizeof req[1], .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = (unsigned)j },
				  .i = { .ifi_family = AF_UNSPEC, .ifi_index = base + j } } };
			struct sockaddr_nl to = { .nl_family = AF_NETLINK };
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			if (sendto(cmd, &req, sizeof req, 0, (struct sockaddr *)&to, sizeof to) < 0) perror("sendto");
			printf("%lld.%06ld %d %d\n", (long long)ts.tv_sec, ts.tv_nsec / 1000, nsid, i);
			fflush(stdout);
		}
		while (recv(cmd, junk, sizeof junk, 0) > 0) {}
	}
}
'

# ------------------------------------------------------------- sandbox ---
# bench_lib.sh's sandbox, with a barrier: run as `ip netns exec CLIENT
# unshare --uts -- bash -c "$SANDBOX" sandbox T GO END -- CMD...`.  ip netns
# exec gives a private mount namespace (/ a recursive slave, nothing
# propagates back), unshare a private hostname; writes anywhere but $T fail
# (read-only /), /run and the clients' state directories are empty tmpfs,
# /etc/resolv.conf a throw-away file, /sys read-only.  Then the untimed PRE
# ($T/pre.sh), T/ready, and it blocks opening the FIFO GO for reading until
# the harness opens it (the release: every client's open() returns at
# once).  Then the timed command under GNU time (peak RSS), and after it
# exits, POST ($T/post.sh) once the harness opens END (every client done):
#   T/t0, T/t1   $EPOCHREALTIME after the release / after the command exited
#   T/rc         its exit status;  T/time  maxrss_kib
#   T/times0, T/times   bash's `times` before the release and after the
#                command (their difference: the command's CPU, not PRE's)
# shellcheck disable=SC2016 # expanded by the sandbox's bash, not here
SANDBOX='set -eu
T=$1 GO=$2 END=$3
shift 3
[ "$1" = -- ] && shift
'"$BENCH_SANDBOX_MOUNTS"'times >"$T/times0"
: >"$T/ready"
exec 3<"$GO"
exec 3<&-
echo "$EPOCHREALTIME" >"$T/t0"
set +e
/usr/bin/time -f "%M" -o "$T/time" "$@" >"$T/tool.log" 2>&1
rc=$?
echo "$EPOCHREALTIME" >"$T/t1"
echo "$rc" >"$T/rc"
times >"$T/times"
if [ -f "$T/post.sh" ]; then
	exec 3<"$END"
	exec 3<&-
	. "$T/post.sh" >"$T/post.log" 2>&1
fi'

# --------------------------------------------------------------- netns ---
SRVNS=""
CG="" # our cgroup (v2, no controllers: only its cpu.stat), when there is one
NSLIST=() # every namespace of this trial, server first
BGPIDS=() # what we started in the background this trial (to reap)
GOFD="" ENDFD=""
TCPDUMP_PID="" DNSMASQ_PID="" CAPTURE_END="" CAPTURE_FILE=""

ns_pids() { # NETNS-NAME... -> the PIDs of the processes in them (ours: we made the namespaces)
	[ $# -gt 0 ] || return 0
	local paths=() n
	for n in "$@"; do [ -e "/run/netns/$n" ] && paths+=("/run/netns/$n"); done
	[ ${#paths[@]} -gt 0 ] || return 0
	# shellcheck disable=SC2012
	{ stat -L -c 'NS %i' "${paths[@]}" 2>/dev/null; stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null; } |
		awk '$1 == "NS" { want[$2] = 1; next } ($1 in want) { split($2, p, "/"); if (p[3] != "self" && p[3] != "thread-self") print p[3] }' |
		grep -vx "$$" || true
}
stop_ns_procs() { # NETNS-NAME...: TERM each process in them by PID, then KILL what is left after 3 s
	local pids pid i
	mapfile -t pids < <(ns_pids "$@")
	[ ${#pids[@]} -gt 0 ] || return 0
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for i in $(seq 60); do
		local left=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1 && break; done
		[ $left = 0 ] && return 0
		sleep 0.05
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
teardown() {
	local i n pid
	[ -n "$GOFD" ] && { exec {GOFD}>&-; GOFD=""; }
	[ -n "$ENDFD" ] && { exec {ENDFD}>&-; ENDFD=""; }
	if [ -n "$TCPDUMP_PID" ]; then
		# It reads the kernel's ring a block at a time, a block handed over
		# when full or 1 s old (no --immediate-mode: no wake-up per packet
		# while the clients run); then SIGINT so it writes out what it has.
		while [ -n "$CAPTURE_END" ] && [ "$(awk -v a="$EPOCHREALTIME" -v b="$CAPTURE_END" 'BEGIN { print (a - b < 1.2) }')" = 1 ]; do sleep 0.1; done
		# and until it has written what it got (its file stops growing)
		local size=-1
		for i in $(seq 30); do
			[ "$(stat -c %s "$CAPTURE_FILE" 2>/dev/null || echo 0)" = "$size" ] && break
			size=$(stat -c %s "$CAPTURE_FILE" 2>/dev/null || echo 0)
			sleep 0.2
		done
		kill -INT "$TCPDUMP_PID" 2>/dev/null || true
		for i in $(seq 100); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.03; done
		TCPDUMP_PID="" CAPTURE_END=""
	fi
	if [ ${#NSLIST[@]} -gt 0 ]; then
		stop_ns_procs "${NSLIST[@]}"
	fi
	for pid in "${BGPIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	BGPIDS=()
	DNSMASQ_PID=""
	if [ ${#NSLIST[@]} -gt 1 ]; then
		for n in "${NSLIST[@]:1}"; do ip netns del "$n" 2>/dev/null || true; done
		# the kernel takes the veths down with the namespaces, in a worker:
		# wait until the server's ports are gone (so the next trial does not
		# share the CPU with it)
		for i in $(seq 200); do
			[ "$(ip -n "$SRVNS" -o link show master br0 2>/dev/null | grep -vc ' anchor@')" = 0 ] && break
			sleep 0.05
		done
	fi
	[ -n "$SRVNS" ] && { ip netns del "$SRVNS" 2>/dev/null || true; }
	NSLIST=() SRVNS=""
}
cleanup() {
	local rc=$?
	set +e
	teardown
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	exit $rc
}

# The clients' CPU time: every client's sandbox goes into one cgroup (v2,
# no controllers enabled, only for its cpu.stat) once it is ready, so what
# the tools fork off and do not wait for (earlynet's worker after it hands
# back, dhclient's background half) is counted too; bash's `times` in the
# sandbox is the fallback.  Removed again at the end.
cg_setup() {
	local root
	for root in /sys/fs/cgroup/unified /sys/fs/cgroup; do
		if [ "$(stat -fc %T "$root" 2>/dev/null)" != cgroup2fs ] || [ ! -f "$root/cgroup.procs" ]; then continue; fi
		if mkdir "$root/scale-bench-$$" 2>/dev/null && [ -f "$root/scale-bench-$$/cpu.stat" ]; then
			CG=$root/scale-bench-$$
			return 0
		fi
	done
	say "scale_bench.sh: no cgroup v2 for the clients' CPU time; from bash's times (misses what a tool leaves running)"
}
cg_usage() { # -> usage_usec of our cgroup (0 without one)
	if [ -n "$CG" ]; then awk '$1 == "usage_usec" { print $2 }' "$CG/cpu.stat"; else echo 0; fi
}

mac_of() { printf -v MAC '02:78:%02x:%02x:%02x:%02x' $(($1 >> 8)) $(($1 & 255)) $(($2 >> 8)) $(($2 & 255)); } # client k, NIC i -> MAC

# A trial's network: the server namespace (IPv6 off; br0 with 10.78.0.1/16
# and an always-up port, so br0 has a carrier before any client's link is
# up: a bridge without one drops what dnsmasq sends), NNS client namespaces
# with NNIC veths each into br0 (eth0.., down, MAC 02:78:kk:kk:ii:ii; the
# server end's ifindex 1000+ is never its peer's, whose carrier change
# would otherwise be a non-urgent link-watch event, up to 1 s late), one
# nsid per client namespace (k) for the monitor, dnsmasq, tcpdump on br0
# and the address monitor, all ready.
setup_net() { # DIR NNS NNIC
	local t=$1 nns=$2 nnic=$3 k i j=0 lm leasedir
	SRVNS=sc$$-s
	NSLIST=("$SRVNS")
	ip netns add "$SRVNS"
	ip netns exec "$SRVNS" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$SRVNS" link set lo up
	ip -n "$SRVNS" link add br0 type bridge forward_delay 0 stp_state 0
	ip -n "$SRVNS" link add anchor index 999 type veth peer name anchor-peer index 998
	ip -n "$SRVNS" link set anchor master br0 up
	ip -n "$SRVNS" link set anchor-peer up
	ip -n "$SRVNS" addr add 10.78.0.1/16 dev br0
	ip -n "$SRVNS" link set br0 up
	for k in $(seq "$nns"); do
		ip netns add "sc$$-c$k"
		NSLIST+=("sc$$-c$k")
		ip -n "$SRVNS" netns set "sc$$-c$k" "$k"
	done
	for k in $(seq "$nns"); do
		for i in $(seq 0 $((nnic - 1))); do
			j=$((j + 1))
			mac_of "$k" "$i"
			echo "link add p$j index $((1000 + j)) type veth peer name eth$i address $MAC netns sc$$-c$k"
			if [ "$PLAIN_BRIDGE" = 1 ]; then
				echo "link set p$j master br0 up"
			else
				echo "link set p$j master br0"
			fi
		done
	done | ip -n "$SRVNS" -batch -
	for k in $(seq "$nns"); do ip -n "sc$$-c$k" link set lo up; done

	# dnsmasq: 10.78.1.0-10.78.255.254 (65 000 addresses), 1 h leases, no
	# ping before an OFFER, authoritative, router and root path as a netroot
	# server would.  Its lease file on a tmpfs in its own mount namespace
	# (dnsmasq rewrites and fsync()s the whole file after every change;
	# --lease-on-disk puts it on this disk).  Daemon mode: the parent
	# returns once the child has bound its sockets.
	lm=$((nns * nnic * 2))
	[ $lm -ge 1000 ] || lm=1000
	mkdir -p "$t/srv"
	leasedir=$t/srv
	local mnt=':'
	# shellcheck disable=SC2016 # $1 is the sh -c's
	[ "$LEASE_DISK" = 1 ] || mnt='mount -t tmpfs -o mode=0755 scale-bench-leases "$1"'
	# shellcheck disable=SC2016
	ip netns exec "$SRVNS" "${DNSMASQ_WRAP[@]}" sh -c "$mnt"' && shift && exec "$@"' sh "$leasedir" \
		dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=0 \
		--interface=br0 --bind-interfaces --except-interface=lo \
		--dhcp-range=10.78.1.0,10.78.255.254,255.255.0.0,1h --dhcp-lease-max="$lm" \
		--no-ping --dhcp-authoritative \
		--dhcp-option=option:router,10.78.0.1 --dhcp-option=option:root-path,10.78.0.1:/srv/root \
		--dhcp-leasefile="$leasedir/dnsmasq.leases" --pid-file="$t/dnsmasq.pid" --log-facility="$t/dnsmasq.log"
	DNSMASQ_PID=$(cat "$t/dnsmasq.pid")

	# DHCP and ARP on br0: what the clients broadcast and every reply
	# dnsmasq sends, with the kernel's stamps; 32 MiB of buffer.
	ip netns exec "$SRVNS" tcpdump -i "${SCALE_CAPTURE_IF:-br0}" -n -B 32768 -U -w "$t/capture.pcap" \
		'udp port 67 or udp port 68 or arp' 2>"$t/tcpdump.err" &
	TCPDUMP_PID=$!
	CAPTURE_FILE=$t/capture.pcap
	BGPIDS+=("$TCPDUMP_PID")
	for i in $(seq 300); do grep -qs "listening on" "$t/tcpdump.err" && break; sleep 0.01; done
	grep -qs "listening on" "$t/tcpdump.err" || die "tcpdump did not start: $(cat "$t/tcpdump.err")"

	# Every client namespace's IPv4 address events, in one process in the
	# server namespace (all-nsid: events of every namespace it has an nsid
	# for), at real-time priority so its stamps are when the kernel sent
	# them even with every CPU busy.  Ready once it reported a marker
	# address on client 1's lo (removed again).
	ip netns exec "$SRVNS" chrt -f 50 ip -ts -4 monitor address all-nsid >"$t/monitor.txt" 2>&1 &
	BGPIDS+=($!)
	# and their links (when the kernel reported each NIC's carrier)
	ip netns exec "$SRVNS" chrt -f 50 ip -ts monitor link all-nsid >"$t/links.txt" 2>&1 &
	BGPIDS+=($!)
	if [ "$PLAIN_BRIDGE" = 0 ]; then
		# the switch side of each NIC comes up when the tool sets the NIC up
		ip netns exec "$SRVNS" chrt -f 60 "$LINKPARTNER" "$nns" "$nnic" 1000 >"$t/linkup.txt" 2>"$t/linkpartner.err" &
		BGPIDS+=($!)
		for i in $(seq 300); do grep -qs "^ready" "$t/linkup.txt" && break; sleep 0.01; done
		grep -qs "^ready" "$t/linkup.txt" || die "the link partner did not start: $(cat "$t/linkpartner.err")"
	fi
	for i in $(seq 300); do
		ip -n "sc$$-c1" addr replace 10.255.255.1/32 dev lo
		grep -qsF "10.255.255.1" "$t/monitor.txt" && break
		sleep 0.01
	done
	grep -qsF "10.255.255.1" "$t/monitor.txt" || die "ip monitor did not start"
	ip -n "sc$$-c1" addr del 10.255.255.1/32 dev lo
}

snap() { # FILE: now, the machine's CPU, the backlog drops, dnsmasq's run time
	{
		echo "now $EPOCHREALTIME"
		head -n 1 /proc/stat
		while read -r p d s _; do echo "softnet $((16#$p)) $((16#$d)) $((16#$s))"; done </proc/net/softnet_stat
		echo "dnsmasq $(cut -d' ' -f1 "/proc/$DNSMASQ_PID/schedstat" 2>/dev/null || echo 0)"
		echo "clients $(cg_usage)"
	} >"$1"
}

# ---------------------------------------------------------------- trial ---
# The first leased address (10.78.x.x, not the server's) per client
# namespace (nsid) and NIC, from the monitor: "k i epoch address".
parse_monitor() { # monitor.txt
	awk '
	/^\[/ && !/Deleted/ && match($0, /\[nsid [0-9]+\]/) {
		ns = substr($0, RSTART + 6, RLENGTH - 7)
		# "IDX: ifIDX inet A/16 brd B scope global dynamic LABEL": the
		# monitor cannot name a device of another namespace, the label (its
		# name, unless a tool gave another) can
		n = split(substr($0, RSTART + RLENGTH), f, " ")
		if (n < 4 || f[3] != "inet" || $NF !~ /^eth[0-9]+$/) next
		a = f[4]; sub(/\/.*/, "", a)
		if (a !~ /^10\.78\./ || a == "10.78.0.1") next
		i = substr($NF, 4) + 0
		if ((ns, i) in seen) next
		seen[ns, i] = 1
		ts = substr($1, 2, length($1) - 2)
		split(ts, d, /[-T:]/)
		s = d[6] + 0
		printf "%d\t%d\t%.6f\t%s\n", ns, i, mktime(d[1] " " d[2] " " d[3] " " d[4] " " d[5] " " int(s)) + (s - int(s)), a
	}' "$1"
}

# When each tool set its NIC up (the first RTM_NEWLINK with IFF_UP) and when
# the kernel reported its carrier (LOWER_UP without NO-CARRIER), from the
# link monitor: "k i up-epoch carrier-epoch" (-1 for none).
parse_links() { # links.txt
	awk '
	function epoch(t,    d, s) {
		t = substr(t, 2, length(t) - 2)
		split(t, d, /[-T:]/)
		s = d[6] + 0
		return mktime(d[1] " " d[2] " " d[3] " " d[4] " " d[5] " " int(s)) + (s - int(s))
	}
	/^\[/ && !/Deleted/ && match($0, /\[nsid [0-9]+\]/) {
		ns = substr($0, RSTART + 6, RLENGTH - 7)
		n = split(substr($0, RSTART + RLENGTH), f, " ")
		dev = f[2]; sub(/@.*/, "", dev); sub(/:$/, "", dev)
		if (dev !~ /^eth[0-9]+$/) next
		i = substr(dev, 4) + 0
		k = ns SUBSEP i
		if (!(k in seen)) { seen[k] = 1; keys[++nk] = k; K[k] = ns; I[k] = i }
		if (!(k in up) && f[3] ~ /[<,]UP[,>]/) up[k] = epoch($1)
		if (!(k in car) && f[3] ~ /LOWER_UP/ && f[3] !~ /NO-CARRIER/) car[k] = epoch($1)
	}
	END {
		for (x = 1; x <= nk; x++) {
			k = keys[x]
			printf "%d\t%d\t%.6f\t%.6f\n", K[k], I[k], (k in up ? up[k] : -1), (k in car ? car[k] : -1)
		}
	}' "$1"
}

# DHCP messages and ARP probes on br0: "epoch type chaddr src-mac dst-mac"
# (type Discover, Offer, Request, ACK, NACK, Decline, Release, ...; PROBE for
# an ARP request from 0.0.0.0, chaddr then the sender's MAC).
parse_capture() { # capture.pcap
	tcpdump -r "$1" -n -tt -e -vv 2>/dev/null | awk -v OFS='\t' '
	function flush() { if (ts != "" && type != "") print ts, type, (ch != "" ? ch : src), src, dst; ts = ""; type = ""; ch = "" }
	/^[0-9]+\.[0-9]+ / {
		flush()
		ts = $1; src = $2; dst = $4; sub(/,$/, "", dst)
		if ($0 ~ /ethertype ARP/) {
			if ($0 ~ /who-has/ && $0 ~ /tell 0\.0\.0\.0/) print ts, "PROBE", src, src, dst
			ts = ""
		}
		next
	}
	/Client-Ethernet-Address/ { ch = $2 }
	/DHCP-Message \(53\)/ { type = $NF }
	END { flush() }'
}

SERIAL=0
run_trial() { # tool round NNS NNIC
	local tool=$1 round=$2 nns=$3 nnic=$4 cfg t k i T TD
	cfg=${nns}x${nnic}
	SERIAL=$((SERIAL + 1))
	t=$OUT/trials/$cfg/$tool/$round
	mkdir -p "$t"
	TD=$t
	setup_net "$t" "$nns" "$nnic"
	local GO=$t/go END=$t/end
	mkfifo "$GO" "$END"

	# every client: its directory, pre.sh, post.sh, the command; then its
	# sandbox, which prepares and blocks on the barrier
	local sbp=() act=()
	IFACES=()
	for i in $(seq 0 $((nnic - 1))); do IFACES+=("eth$i"); done
	for k in $(seq "$nns"); do
		T=$t/c$k
		mkdir -p "$T"
		PRE="" POST="" ACT="" DESC=""
		"tool_${tool//-/_}"
		printf 'T=%q\n%s\n' "$T" "$PRE" >"$T/pre.sh"
		[ -n "$POST" ] && printf 'T=%q\n%s\n' "$T" "$POST" >"$T/post.sh"
		act[k]=$ACT
		printf '%q ' "${CLIENT_WRAP[@]}" "${CMDV[@]}" >"$T/cmd"
		ip netns exec "sc$$-c$k" unshare --uts -- bash -c "$SANDBOX" sandbox "$T" "$GO" "$END" -- \
			"${CLIENT_WRAP[@]}" "${CMDV[@]}" >"$T/sandbox.log" 2>&1 &
		sbp[k]=$!
		BGPIDS+=("${sbp[k]}")
	done
	if [ "$round" = 0 ] && [ ! -f "$OUT/cmd.$tool" ]; then
		echo "$tool: $DESC; \`$(cat "$t/c1/cmd")\`" >>"$OUT/commands.txt"
		: >"$OUT/cmd.$tool"
	fi

	# until every client is ready (or died), then until every live one is
	# blocked on the barrier (wchan), at most 5 min / 10 s
	local deadline=$((SECONDS + 300)) n dead blocked=0 w
	while :; do
		n=0 dead=0
		for k in $(seq "$nns"); do
			if [ -e "$t/c$k/ready" ]; then n=$((n + 1)); elif ! kill -0 "${sbp[k]}" 2>/dev/null; then dead=$((dead + 1)); fi
		done
		[ $((n + dead)) -ge "$nns" ] && break
		[ $SECONDS -ge $deadline ] && { say "$cfg $tool round $round: only $n of $nns clients got ready in 300 s"; break; }
		sleep 0.1
	done
	[ "$dead" = 0 ] || say "$cfg $tool round $round: $dead client(s) failed before the release, see $t/c*/pre.log"
	deadline=$((SECONDS + 10))
	while :; do
		blocked=0
		for k in $(seq "$nns"); do
			w=-
			read -r w <"/proc/${sbp[k]}/wchan" 2>/dev/null || true
			[ "$w" = wait_for_partner ] && blocked=$((blocked + 1))
		done
		[ "$blocked" -ge "$n" ] || [ $SECONDS -ge $deadline ] && break
		sleep 0.05
	done

	if [ -n "$CG" ]; then
		for k in $(seq "$nns"); do echo "${sbp[k]}" >"$CG/cgroup.procs" 2>/dev/null || true; done
	fi

	# the release: every client's open() of GO returns (O_RDWR: never
	# blocks, and counts as the writer; kept open so a late one passes too)
	snap "$t/snap0"
	read -r LOAD1 _ </proc/loadavg
	local REL=$EPOCHREALTIME
	exec {GOFD}<>"$GO"
	echo "$REL" >"$t/release"

	# until every started process has exited and every NIC has its address
	# (after they have all exited, at most GRACE s more), or the cap
	local total=$((nns * nnic)) ndone=0 naddr=0 capped=0 exited_at=""
	deadline=$((SECONDS + TIMEOUT))
	shopt -s nullglob
	while :; do
		local rcs=("$t"/c*/rc)
		ndone=${#rcs[@]}
		naddr=$(parse_monitor "$t/monitor.txt" | wc -l)
		if [ "$ndone" -ge "$nns" ]; then
			[ "$naddr" -ge "$total" ] && break
			[ -z "$exited_at" ] && exited_at=$SECONDS
			[ $((SECONDS - exited_at)) -ge "$GRACE" ] && break
		fi
		[ $SECONDS -ge $deadline ] && { capped=1; break; }
		sleep 0.1
	done
	shopt -u nullglob
	snap "$t/snap1"
	CAPTURE_END=$EPOCHREALTIME
	ip netns exec "$SRVNS" env NSTAT_HISTORY="$t/.nstat" nstat -asz >"$t/nstat.txt" 2>&1 || true
	ip netns exec "$SRVNS" cat /proc/net/dev >"$t/srv-netdev.txt"
	# POST (earlynet status) now that nobody is timed any more
	exec {ENDFD}<>"$END"
	deadline=$((SECONDS + 30))
	for k in $(seq "$nns"); do
		while kill -0 "${sbp[k]}" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
	done
	nsenter -t "$DNSMASQ_PID" -m cat "$t/srv/dnsmasq.leases" >"$t/dnsmasq.leases" 2>/dev/null || true
	teardown

	# ------------------------------------------------------------ figures ---
	parse_monitor "$t/monitor.txt" >"$t/addr.tsv"
	parse_capture "$t/capture.pcap" >"$t/dhcp.tsv"
	parse_links "$t/links.txt" >"$t/links.tsv"
	for k in $(seq "$nns"); do
		for i in $(seq 0 $((nnic - 1))); do
			mac_of "$k" "$i"
			printf '%d\t%d\t%s\n' "$k" "$i" "$MAC"
		done
	done >"$t/expected.tsv"
	local nact=0 a any_act=0
	for k in $(seq "$nns"); do
		T=$t/c$k
		local t0 t1 rc rss times times0
		t0=$(cat "$T/t0" 2>/dev/null || echo -)
		t1=$(cat "$T/t1" 2>/dev/null || echo -)
		rc=$(cat "$T/rc" 2>/dev/null || echo killed)
		rss=$(tail -n 1 "$T/time" 2>/dev/null || echo -)
		times=$(sed -n 2p "$T/times" 2>/dev/null || echo "- -")
		times0=$(sed -n 2p "$T/times0" 2>/dev/null || echo "- -")
		printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$t0" "$t1" "$rc" "$rss" "${times/ /$'\t'}" "${times0/ /$'\t'}"
		if [ -n "${act[k]}" ]; then
			any_act=1
			a=$(eval "${act[k]}" 2>/dev/null || true)
			nact=$((nact + ${a:-0}))
		fi
	done >"$t/procs.tsv"
	[ "$any_act" = 1 ] || nact=-1
	# one row per NIC, and the trial's figures
	local fig
	fig=$(awk -F'\t' -v rel="$REL" -v OFS='\t' -v out="$t/clients.tsv" '
	function sortv(a, n,    i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x } }
	function median(a, n) { if (!n) return -1; sortv(a, n); return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	function maxv(a, n,    i, m) { if (!n) return -1; m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
	function minv(a, n,    i, m) { if (!n) return -1; m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
	function cpu_ms(s,    p, m) { if (s !~ /m/) return 0; split(s, p, "m"); sub(/s$/, "", p[2]); return (p[1] * 60 + p[2]) * 1000 }
	FILENAME == ARGV[1] { key = $1 SUBSEP $2; keys[++nk] = key; K[key] = $1; I[key] = $2; mac[key] = $3; bymac[$3] = key; next }
	FILENAME == ARGV[2] { key = $1 SUBSEP $2; at[key] = ($3 - rel) * 1000; ad[key] = $4; owners[$4]++; next }
	FILENAME == ARGV[3] {
		if (!($3 in bymac)) next
		key = bymac[$3]; ms = ($1 - rel) * 1000; ty = $2
		if (ty == "Discover") { nd[key]++; if (!(key in d1)) d1[key] = ms }
		else if (ty == "Request") { nr[key]++; if (!(key in r1)) r1[key] = ms }
		else if (ty == "Offer" || ty == "ACK") {
			replies++; if ($5 == "ff:ff:ff:ff:ff:ff") bc++
			if (ty == "Offer" && !(key in o1)) o1[key] = ms
			if (ty == "ACK" && !(key in a1)) a1[key] = ms
		}
		else if (ty == "NACK") nn[key]++
		else if (ty == "Decline") nde[key]++
		else if (ty == "PROBE") np[key]++
		next
	}
	FILENAME == ARGV[5] {
		if ($3 > 0) up[$1 SUBSEP $2] = ($3 - rel) * 1000
		if ($4 > 0) car[$1 SUBSEP $2] = ($4 - rel) * 1000
		next
	}
	FILENAME == ARGV[4] {
		k = $1; np0++
		if ($2 != "-") { sk[++nsk] = ($2 - rel) * 1000 }
		if ($3 != "-" && $2 != "-") { ex[++nex] = ($3 - rel) * 1000 }
		if ($4 == "0") rc0++
		if ($5 ~ /^[0-9]+$/) rs[++nrs] = $5
		# $6 $7: user and system of the children of the sandbox after the
		# command, $8 $9 before the release (PRE): the difference is the
		# command and its children
		cpu += cpu_ms($6) + cpu_ms($7) - cpu_ms($8) - cpu_ms($9)
		pexit[k] = ($3 != "-" && $2 != "-") ? sprintf("%.1f", ($3 - rel) * 1000) : -1
		prc[k] = $4
		next
	}
	END {
		print "k", "nic", "mac", "addr", "addr_ms", "exit_ms", "rc", "discovers", "requests", "naks", "declines", "probes", "disc1_ms", "offer1_ms", "req1_ms", "ack1_ms", "up_ms", "carrier_ms" >out
		for (x = 1; x <= nk; x++) {
			key = keys[x]
			if (key in at) { A[++na] = at[key]; if (owners[ad[key]] > 1) dup++ }
			disc += nd[key]; req += nr[key]; nak += nn[key]; dec += nde[key]
			r = (nd[key] > 1 ? nd[key] - 1 : 0) + (nr[key] > 1 ? nr[key] - 1 : 0)
			if (r > 0) rany++
			if (r > 1) rmulti++
			if (r > rmax) rmax = r
			P[x] = np[key] + 0
			if (key in d1) D1[++nd1] = d1[key]
			if ((key in d1) && (key in o1)) TO[++nto] = o1[key] - d1[key]
			if ((key in r1) && (key in a1)) TA[++nta] = a1[key] - r1[key]
			if (key in up) U[++nu] = up[key]
			if ((key in up) && (key in car)) C[++nc] = car[key] - up[key]
			print K[key], I[key], mac[key], (key in ad ? ad[key] : "-"), (key in at ? sprintf("%.1f", at[key]) : -1), \
				pexit[K[key]], prc[K[key]], nd[key] + 0, nr[key] + 0, nn[key] + 0, nde[key] + 0, np[key] + 0, \
				(key in d1 ? sprintf("%.1f", d1[key]) : -1), (key in o1 ? sprintf("%.1f", o1[key]) : -1), \
				(key in r1 ? sprintf("%.1f", r1[key]) : -1), (key in a1 ? sprintf("%.1f", a1[key]) : -1), \
				(key in up ? sprintf("%.1f", up[key]) : -1), (key in car ? sprintf("%.1f", car[key]) : -1) >out
		}
		f = "%.1f"
		printf "%d\t%d\t" f "\t" f "\t" f "\t" f "\t" f "\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t" f "\t" f "\t" f "\t" f "\t" f "\t" f "\t" f "\t%d\t%d\t%d\t%.0f\t%.0f\t%.0f\t" f "\t" f "\t" f "\t" f "\t" f "\n", \
			nk, na, minv(A, na), median(A, na), maxv(A, na), median(ex, nex), maxv(ex, nex), rc0 + 0, \
			disc + 0, req + 0, rany + 0, rmulti + 0, rmax + 0, nak + 0, dec + 0, median(P, nk), \
			maxv(D1, nd1), minv(D1, nd1), median(TO, nto), maxv(TO, nto), median(TA, nta), maxv(TA, nta), \
			bc + 0, replies + 0, dup + 0, cpu, median(rs, nrs), maxv(rs, nrs), maxv(sk, nsk), \
			median(U, nu), maxv(U, nu), median(C, nc), maxv(C, nc)
	}' "$t/expected.tsv" "$t/addr.tsv" "$t/dhcp.tsv" "$t/procs.tsv" "$t/links.tsv")
	# the machine between the release and the end of the wait
	local machine
	machine=$(awk '
		FNR == 1 { f++ }
		$1 == "now" { now[f] = $2 }
		$1 == "cpu" { u[f] = $2 + $3; s[f] = $4 + $7; sq[f] = $8; id[f] = $5 + $6; st[f] = $9 }
		$1 == "softnet" { dr[f] += $3; sqz[f] += $4 }
		$1 == "dnsmasq" { dn[f] = $2 }
		$1 == "clients" { cl[f] = $2 }
		END { tick = 10
			printf "%.0f\t%d\t%d\t%d\t%d\t%d\t%.1f\t%d\t%d\t%.0f\n", (now[2] - now[1]) * 1000, (u[2] - u[1]) * tick, (s[2] - s[1]) * tick,
				(sq[2] - sq[1]) * tick, (id[2] - id[1]) * tick, (st[2] - st[1]) * tick, (dn[2] - dn[1]) / 1e6, dr[2] - dr[1], sqz[2] - sqz[1],
				(cl[2] - cl[1]) / 1000 }' \
		"$t/snap0" "$t/snap1")
	local rcvbuf inerr srvdrops tdrop
	rcvbuf=$(awk '$1 == "UdpRcvbufErrors" { print $2; f = 1 } END { if (!f) print 0 }' "$t/nstat.txt")
	inerr=$(awk '$1 == "UdpInErrors" { print $2; f = 1 } END { if (!f) print 0 }' "$t/nstat.txt")
	srvdrops=$(awk -F'[: ]+' '/^ *(br0|p[0-9]+):/ { sub(/^ +/, ""); split($0, a, /[: ]+/); d += a[5] + a[13] } END { print d + 0 }' "$t/srv-netdev.txt")
	tdrop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$t/tcpdump.err" | head -n 1)
	local tcap tgot
	tcap=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$t/tcpdump.err" | head -n 1)
	tgot=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$t/tcpdump.err" | head -n 1)
	[ "${tcap:-0}" = "${tgot:-0}" ] || say "$cfg $tool round $round: tcpdump wrote $tcap of the $tgot packets it matched"
	local ok=0 n_addr n_rc0 dup
	n_addr=$(cut -f2 <<<"$fig")
	n_rc0=$(cut -f8 <<<"$fig")
	dup=$(cut -f25 <<<"$fig")
	[ "$capped" = 0 ] && [ "$n_addr" = "$total" ] && [ "$n_rc0" = "$nns" ] && [ "$dup" = 0 ] && ok=1
	# the clients' CPU from the cgroup (the last figure of $machine) in
	# place of the sum of their `times` (the 26th figure of $fig)
	local cgcpu
	cgcpu=${machine##*$'\t'}
	machine=${machine%$'\t'*}
	if [ -n "$CG" ]; then
		fig=$(awk -F'\t' -v OFS='\t' -v c="$cgcpu" '{ $26 = c; print }' <<<"$fig")
	fi
	local row=("$cfg" "$tool" "$round" "$ok" "$nns" "$nnic" "$fig" "$blocked" "$nact" "$machine" "$rcvbuf" "$inerr" "$srvdrops" "${tdrop:-0}" "$LOAD1" "$capped")
	(IFS=$'\t'; echo "${row[*]}") >>"$OUT/trials.tsv"
	awk -F'\t' -v r="$round" -v N="$N" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } END {
		printf "[%s %s/%s] %-14s %-6s ok %s  addressed %s/%s  first %s  median %s  all %s ms  exit %s ms  last link up %s  DISCOVERs %s  retransmitting %s (>1: %s)  last 1st DISCOVER %s  dnsmasq CPU %s ms  clients CPU %s ms%s\n",
			(r == 0 ? "warm-up" : "round"), r, N, $h["tool"], $h["cfg"], $h["ok"], $h["n_addr"], $h["n_total"], $h["addr_min"], $h["addr_med"],
			($h["n_addr"] == $h["n_total"] ? $h["addr_max"] : "—"), $h["exit_max"], $h["up_max"], $h["disc_total"], $h["retr_any"],
			$h["retr_multi"], $h["last_disc1"], $h["dnsmasq_cpu"], $h["cpu_clients"], ($h["capped"] == 1 ? "  CAPPED" : "") }' "$OUT/trials.tsv" >&2
}

# ----------------------------------------------------------------- main ---
if [ -z "$OUT" ]; then
	OUT=$(mktemp -d /tmp/earlynet-scale-bench.XXXXXX)
else
	mkdir -p "$OUT"
	OUT=$(cd "$OUT" && pwd)
fi
case $OUT in /run/* | /var/lib/* | /var/run/*) die "-o must not be under /run or /var/lib: the sandbox hides those" ;; esac
[ -e "$OUT/trials.tsv" ] && die "$OUT already holds a run"
# shellcheck disable=SC2086 # one line, a tab between names
echo $COLS | tr ' ' '\t' >"$OUT/trials.tsv"

trap cleanup EXIT
trap 'exit 130' INT TERM
# every process started from here on inherits it (the monitors and the
# link partner run at real-time priority anyway)
[ -z "$NICE" ] || renice -n "$NICE" -p $$ >/dev/null
cg_setup
LINKPARTNER=$OUT/linkpartner
gcc -O2 -Wall -Wextra -o "$LINKPARTNER" -x c - <<<"$LINKPARTNER_C" || die "cannot build the link partner"

# the configurations, in the order each round runs them
CFGS=()
case $SCENARIO in nics | both) CFGS+=("1 $NICS") ;; esac
CFGS+=("1 1")
if [ "$SCENARIO" != nics ]; then
	for c in $CURVE; do [ "$c" != 1 ] && [ "$c" != "$CLIENTS" ] && CFGS+=("$c 1"); done
	[ "$CLIENTS" != 1 ] && CFGS+=("$CLIENTS 1")
fi
mapfile -t CFGS < <(printf '%s\n' "${CFGS[@]}" | awk '!seen[$0]++')

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); load at start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "earlynet: $EARLYNET, $(stat -c %s "$EARLYNET") bytes, modified $(date -u -r "$EARLYNET" +%Y-%m-%dT%H:%M:%SZ), sha256 $(sha256sum "$EARLYNET" | cut -c1-16)"
	for p in isc-dhcp-client network-manager dnsmasq-base tcpdump iproute2; do
		dpkg-query -W -f '${Package} ${Version}\n' "$p" 2>/dev/null || echo "$p not installed"
	done
	echo "configurations (NSxNICS): $(printf '%s ' "${CFGS[@]/ /x}"); tools: ${TOOLS[*]}; N=$N measured rounds + 1 warm-up; cap $TIMEOUT s a trial"
	echo "switch side: $([ "$PLAIN_BRIDGE" = 1 ] && echo "plain bridge, server ends up from the start (--plain-bridge: the carrier race is in)" || echo "bridge, each server end set up by the link partner when the tool sets its NIC up")"
	echo "priority: $([ -n "$NICE" ] && echo "nice $NICE for dnsmasq and every client (--nice)" || echo "nice $(nice) (unchanged)")"
	echo "dnsmasq: leases on $([ "$LEASE_DISK" = 1 ] && echo "this disk (fsync per change)" || echo "a tmpfs")$([ ${#DNSMASQ_WRAP[@]} -gt 0 ] && echo ", run under: ${DNSMASQ_WRAP[*]}")$([ ${#CLIENT_WRAP[@]} -gt 0 ] && echo "; clients run under: ${CLIENT_WRAP[*]}")"
	echo "clients' CPU time: $([ -n "$CG" ] && echo "cgroup v2 cpu.stat ($CG), every process of every client" || echo "bash times in each sandbox (what a tool forks off and does not wait for is missed)")"
	echo "sysctl: net.core.netdev_max_backlog=$(cat /proc/sys/net/core/netdev_max_backlog) rmem_default=$(cat /proc/sys/net/core/rmem_default) fs.inotify.max_user_instances=$(cat /proc/sys/fs/inotify/max_user_instances)"
	echo "other network namespaces on the machine at start: $(ip netns list | wc -l)"
} | tee "$OUT/environment.txt" >&2
: >"$OUT/commands.txt"
say "scale_bench.sh: results in $OUT"

for r in $(seq 0 "$N"); do
	for tool in "${TOOLS[@]}"; do
		for c in "${CFGS[@]}"; do
			# shellcheck disable=SC2086
			run_trial "$tool" "$r" $c
			sleep 0.5
		done
	done
done
echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/environment.txt"
rm -f "$OUT"/cmd.*

print_tables | tee "$OUT/summary.md"
