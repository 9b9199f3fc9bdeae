# shellcheck shell=bash disable=SC2034 # the variables it sets are for its caller
# bench_lib.sh — what the DHCP benchmarks (dhcp4_bench.sh, dhcp6_bench.sh)
# share, so there is one copy of each: package installation, the sandbox a
# tool runs in, the per-trial network namespaces and their teardown, stopping
# what we started, and the min / median / max table helpers.  Sourced, not run.
#
# The caller sets BENCH_NAME (its name, for messages), IF (the client's
# interface), TIMEOUT (seconds per trial), OUT (the results directory, once
# made) and, per trial, CMDV / PRE (see bench_prepare_trial).  The netns
# helpers use SRV (the run's server namespace), CNS (this trial's client
# namespace) and PIDS (what we started in this trial).

say() { echo "$*" >&2; }
die() { say "$BENCH_NAME: $*"; exit 1; }

# ------------------------------------------------------------- packages ---
bench_install() { # PACKAGE...: apt-get install those that are missing
	local p missing=() made_policy="" rc=0
	for p in "$@"; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	say "$BENCH_NAME: apt-get install ${missing[*]}"
	# network-manager's postinst would start NetworkManager on the host,
	# which would take over its interfaces: a policy-rc.d that says 101
	# ("action forbidden") stops it; ours only if there is none already.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		made_policy=/usr/sbin/policy-rc.d
	fi
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
	if [ -n "$made_policy" ]; then rm -f "$made_policy"; fi
	[ "$rc" = 0 ] || die "apt-get install failed"
}

bench_nm_generator() { # where nm-initrd-generator is (empty if nowhere)
	local g
	for g in /usr/lib/NetworkManager/nm-initrd-generator /usr/libexec/nm-initrd-generator; do
		[ -x "$g" ] && { echo "$g"; return 0; }
	done
}

bench_earlynet() { # a binary or a build directory -> the binary's absolute path
	local e=$1
	[ -d "$e" ] && e=$e/earlynet
	e=$(readlink -f "$e")
	[ -x "$e" ] || die "no earlynet binary at $e"
	echo "$e"
}

# ------------------------------------------------------------- sandbox ---
# Run as `ip netns exec CLIENT unshare --uts -- bash -c "$BENCH_SANDBOX"
# sandbox T -- CMD...`.  ip netns exec gives a private mount namespace (/
# made a recursive slave, so nothing propagates back), unshare a private
# hostname.  Writes anywhere but $T fail (read-only /), /run and the
# clients' state directories are empty tmpfs, /etc/resolv.conf is a
# throw-away file, /sys is read-only (which also makes NetworkManager skip
# udev, as in a container: no udev runs here).  Then the untimed PRE
# ($T/pre.sh), then the timed command under GNU time (for ru_maxrss):
#   T/t0, T/t1   $EPOCHREALTIME just before the command starts / after it exits
#   T/rc         its exit status;  T/time   "maxrss_kib user_s sys_s"
# shellcheck disable=SC2016 # expanded by the sandbox's bash, not here
# The mounts of every sandbox (this one and scale_bench.sh's), with T set.
BENCH_SANDBOX_MOUNTS='mount -t tmpfs -o mode=0755 bench-run /run
for d in /var/lib/dhcp /var/lib/dhcpcd /var/lib/NetworkManager; do
	if [ -d "$d" ] && [ ! -L "$d" ]; then mount -t tmpfs -o mode=0700 bench-state "$d"; fi
done
: >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf
mount -o remount,bind,ro /sys
mount --bind "$T" "$T"
mount -o remount,bind,ro /
cd "$T"
. "$T/pre.sh" >"$T/pre.log" 2>&1
'
# shellcheck disable=SC2016 # expanded by the sandbox's bash, not here
BENCH_SANDBOX='set -eu
T=$1; shift; [ "$1" = -- ] && shift
'"$BENCH_SANDBOX_MOUNTS"'set +e
echo "$EPOCHREALTIME" >"$T/t0"
/usr/bin/time -f "%M %U %S" -o "$T/time" "$@" >"$T/tool.log" 2>&1
rc=$?
echo "$EPOCHREALTIME" >"$T/t1"
echo "$rc" >"$T/rc"'

bench_prepare_trial() { # DIR: the sandbox's pre.sh (IF, T, then PRE) and the command, for the record
	printf 'IF=%q\nT=%q\n%s\n' "$IF" "$1" "$PRE" >"$1/pre.sh"
	printf '%q ' "${CMDV[@]}" >"$1/cmd"
}

bench_start_tool() { # DIR: CMDV in the sandbox in the client namespace, in the background; SB = its pid
	ip netns exec "$CNS" unshare --uts -- bash -c "$BENCH_SANDBOX" sandbox "$1" -- "${CMDV[@]}" \
		>"$1/sandbox.log" 2>&1 &
	SB=$!
	PIDS+=("$SB")
}

# Wait until the tool has exited and ADDR_FN (given DIR/monitor.txt) prints
# the address, or the tool failed, or TIMEOUT.  The figures come from the
# stamps, not from this loop.  Returns 1 on the timeout.
bench_wait_tool() { # DIR ADDR_FN
	local t=$1 fn=$2 deadline=$((SECONDS + TIMEOUT))
	while [ $SECONDS -lt $deadline ]; do
		if ! kill -0 "$SB" 2>/dev/null; then
			[ -n "$("$fn" "$t/monitor.txt")" ] && return 0
			# a tool that exited without an address will not give one later
			[ -f "$t/rc" ] && [ "$(cat "$t/rc")" != 0 ] && return 0
		fi
		sleep 0.05
	done
	return 1
}

# The figures every trial has, from the sandbox's files: T0 (epoch s; 0 if
# the tool never started), EXIT_MS (-1 if it did not exit), RC ("killed" if
# none), RSS (GNU time's %M, KiB) and CPU_MS (user+sys), -1 when missing.
bench_trial_figures() { # DIR
	local t=$1 t1 u s
	T0=$(cat "$t/t0" 2>/dev/null || echo "")
	[ -n "$T0" ] || { say "$(basename "$(dirname "$t")") round $(basename "$t"): the tool never started, see $t/sandbox.log $t/pre.log"; T0=0; }
	t1=$(cat "$t/t1" 2>/dev/null || echo "")
	RC=$(cat "$t/rc" 2>/dev/null || echo killed)
	EXIT_MS=-1 RSS=-1 CPU_MS=-1
	[ -n "$t1" ] && EXIT_MS=$(bench_ms "$t1" "$T0")
	if [ -s "$t/time" ]; then
		# GNU time writes "Command exited with non-zero status N" first then
		read -r RSS u s < <(tail -n 1 "$t/time")
		CPU_MS=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.0f", (u + s) * 1000 }')
	fi
}

bench_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a - b) * 1000 }'; } # A B (epoch s) -> A-B in ms

bench_epoch() { # an `ip -ts monitor` stamp ([2026-12-03T16:20:01.123456]) -> epoch seconds
	local ts=${1#[}
	date -d "${ts%]}" +%s.%N
}

# --------------------------------------------------------------- netns ---
SRV=""
CNS=""
PIDS=() # dnsmasq, tcpdump, ip monitor, the sandbox: what we started in this trial

stop_pid() { # stop one process we started, TERM then KILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
	kill -KILL "$pid" 2>/dev/null || true
}
stop_netns_procs() { # every process left in namespace $1 (ours: we made it), by PID
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null || true); do stop_pid "$pid"; done
}
netns_others() { # NS -> the pids in it that are not in PIDS (the tool's)
	local pid p mine
	for pid in $(ip netns pids "$1" 2>/dev/null || true); do
		mine=0
		for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] && mine=1; done
		[ "$mine" = 1 ] || echo "$pid"
	done
}
end_trial_procs() {
	local pid
	[ -n "$CNS" ] && stop_netns_procs "$CNS"
	for pid in "${PIDS[@]}"; do
		# tcpdump: SIGINT so it writes out what it has
		kill -INT "$pid" 2>/dev/null || true
		stop_pid "$pid"
		wait "$pid" 2>/dev/null || true
	done
	PIDS=()
	if [ -n "$CNS" ]; then ip netns del "$CNS" 2>/dev/null || true; fi
	CNS=""
}
bench_cleanup() {
	local rc=$?
	set +e
	end_trial_procs
	if [ -n "$SRV" ]; then
		stop_netns_procs "$SRV"
		ip netns del "$SRV" 2>/dev/null
	fi
	exit $rc
}
bench_traps() { # the namespaces go on any exit, Ctrl-C included
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

# A trial's client namespace with $IF down, joined by a veth to the server
# namespace; VS is the server end.  It never gets the client end's ifindex
# (2): a veth whose peer has the same ifindex gets its carrier change through
# the kernel's link watcher as a non-urgent event, up to 1 s late, and tools
# that wait for IFF_RUNNING (dhcpcd) would wait for it too.
bench_trial_netns() { # SERIAL VS-NAME CNS-NAME
	VS=$2
	CNS=$3
	ip netns add "$CNS"
	ip -n "$SRV" link add "$VS" index $((1000 + $1)) type veth peer name "$IF" netns "$CNS"
	ip -n "$CNS" link set lo up # $IF stays down: the tool brings it up
}

# tcpdump on the server end, epoch stamps, each packet as it comes; returns
# once it is capturing.
bench_start_capture() { # DIR FILTER [TCPDUMP-OPTION...]
	local t=$1 filter=$2 i
	shift 2
	ip netns exec "$SRV" tcpdump -i "$VS" --immediate-mode -n -l -tt "$@" "$filter" \
		>"$t/capture.txt" 2>"$t/tcpdump.err" &
	PIDS+=($!)
	for i in $(seq 300); do grep -qs "listening on" "$t/tcpdump.err" && break; sleep 0.01; done
	grep -qs "listening on" "$t/tcpdump.err" || die "tcpdump did not start: $(cat "$t/tcpdump.err")"
}

# The kernel's own address events in the client namespace (time to address
# is read from these).  Ready once it has reported a marker address on lo,
# which is removed again before the tool starts.
bench_start_monitor() { # DIR -4|-6 MARKER/PREFIXLEN
	local t=$1 fam=$2 marker=$3 opt=()
	[ "$fam" = -6 ] && opt=(nodad) # no DAD to wait for; IPv4 has no such flag
	ip -n "$CNS" -ts "$fam" monitor address >"$t/monitor.txt" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 300); do
		ip -n "$CNS" addr replace "$marker" dev lo "${opt[@]}"
		grep -qsF "${marker%/*}" "$t/monitor.txt" && break
		sleep 0.01
	done
	grep -qsF "${marker%/*}" "$t/monitor.txt" || die "ip monitor did not start"
	ip -n "$CNS" addr del "$marker" dev lo
}

# ---------------------------------------------------------------- setup ---
bench_outdir() { # PREFIX: OUT made (or checked) and trials.tsv started with COLS
	if [ -z "$OUT" ]; then
		OUT=$(mktemp -d "/tmp/$1.XXXXXX")
	else
		mkdir -p "$OUT"
		OUT=$(cd "$OUT" && pwd)
	fi
	case $OUT in /run/* | /var/lib/* | /var/run/*) die "-o must not be under /run or /var/lib: the sandbox hides those" ;; esac
	[ -e "$OUT/trials.tsv" ] && die "$OUT already holds a run"
	echo "$COLS" | tr ' ' '\t' >"$OUT/trials.tsv"
}

bench_env_header() { # PACKAGE...: date, kernel, CPUs, load, the binary, package versions
	local p
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); kernel $(uname -r), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "earlynet: $EARLYNET ($(stat -c %s "$EARLYNET") bytes)"
	for p in "$@"; do
		dpkg-query -W -f '${Package} ${Version}\n' "$p" 2>/dev/null || echo "$p not installed"
	done
}

# --------------------------------------------------------------- tables ---
# $OUT/trials.tsv: a header line (column names), then one row per trial whose
# first three columns are tool, round (0 = warm-up) and ok (1/0).
col() { # tool column -> values of the measured, successful rounds
	awk -F'\t' -v tool="$1" -v name="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) k = i; next }
		$1 == tool && $2 != 0 && $3 == 1 && $k + 0 >= 0 { print $k }' "$OUT/trials.tsv"
}
stats() { # tool column -> "min median max count" (unrounded), or "- - - 0"
	col "$1" "$2" | sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) { print "- - - 0"; exit }
		m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		print a[1], m, a[NR], NR }'
}
mmm() { # tool column -> "median (min–max)", or "—"
	stats "$1" "$2" | awk '$4 == 0 { print "—"; exit } {
		f = ($2 >= 100 ? "%.0f" : "%.1f")
		printf f " (" f "–" f ")\n", $2, $1, $3 }'
}
med() { # tool column -> median, or "—"
	stats "$1" "$2" | awk '$4 == 0 { print "—"; exit } { printf ($2 >= 100 ? "%.0f\n" : "%.1f\n"), $2 }'
}
common() { # tool column -> the most frequent value (for the message sequence)
	col "$1" "$2" | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }'
}
okcount() {
	awk -F'\t' -v tool="$1" 'NR > 1 && $1 == tool && $2 != 0 { n++; ok += $3 } END { printf "%d/%d", ok, n }' "$OUT/trials.tsv"
}

# NetworkManager as dracut's network-manager module runs it, in private paths
# under $T: nm-initrd-generator with the kernel argument $1 (untimed, PRE),
# then NetworkManager --configure-and-quit=initrd (CMDV).  /sys is read-only
# in the sandbox, which makes NetworkManager skip udev as in a container (no
# udev here).  Needs NM_GEN (bench_nm_generator).
# shellcheck disable=SC2016 # PRE is shell code, expanded in the sandbox
bench_nm_tool() {
	mkdir -p "$T/nm/conf.d" "$T/nm/system.d" "$T/nm/keyfiles"
	cat >"$T/nm/NetworkManager.conf" <<-EOF
	[main]
	plugins=keyfile
	no-auto-default=*
	dns=none
	rc-manager=unmanaged
	[keyfile]
	path=$T/nm/keyfiles
	[logging]
	level=INFO
	EOF
	PRE="$(printf %q "$NM_GEN") -- $(printf %q "$1")"' >"$T/generate.log" 2>&1'
	CMDV=(/usr/sbin/NetworkManager --configure-and-quit=initrd --no-daemon --debug
		--config="$T/nm/NetworkManager.conf" --config-dir="$T/nm/conf.d"
		--system-config-dir="$T/nm/system.d"
		--state-file=/var/lib/NetworkManager/NetworkManager.state
		--intern-config=/var/lib/NetworkManager/NetworkManager-intern.conf
		--pid-file=/run/NetworkManager/NetworkManager.pid)
	DESC="nm-initrd-generator -- $1 (untimed), then NetworkManager --configure-and-quit=initrd --debug"
}

# The largest N of the lines "earlynet: debug: KEY N" in a tool log, or -1:
# what earlynet's worker logs of itself as it ends (peak-rss KiB, cpu-ms),
# since it may outlive the started process that GNU time waits for.
bench_logged() { # $1 KEY, $2 tool.log
	awk -v key="earlynet: debug: $1 " '{ i = index($0, key); if (!i) next
		v = substr($0, i + length(key)) + 0; if (v > m) m = v }
		END { print (m > 0 ? m : -1) }' "$2"
}

# earlynet as the dracut module runs it, every path under $T and its state on
# a tmpfs (as /run is in an initramfs): `earlynet generate -- $1` (untimed,
# PRE), then `run --configure-and-quit --debug` (CMDV).  Needs EARLYNET.
# shellcheck disable=SC2016 # PRE is shell code, expanded in the sandbox
bench_earlynet_tool() {
	PRE='mkdir -p "$T/rt" && mount -t tmpfs -o mode=0755 earlynet-bench "$T/rt"
mkdir -p "$T/rt/state" "$T/rt/tmp" "$T/rt/hooks" "$T/rt/nm"
'"$(printf %q "$EARLYNET")"' generate -c "$T/profiles" -r "$T/conf" -i "$T/initrd" -- '"$(printf %q "$1")"' >"$T/generate.log" 2>&1'
	CMDV=("$EARLYNET" run --configure-and-quit --debug -c "$T/profiles" -r "$T/conf" -i "$T/initrd"
		--state-dir "$T/rt/state" --api-socket "$T/rt/api.sock" --tmp-dir "$T/rt/tmp" --hook-dir "$T/rt/hooks"
		--netroot '' --nm-run-dir "$T/rt/nm" --resolv-conf "$T/rt/resolv.conf" --hostname-file '')
	DESC="earlynet generate -- $1 (untimed), then earlynet run --configure-and-quit --debug, every path in the trial dir"
}
