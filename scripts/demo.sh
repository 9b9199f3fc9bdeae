#!/bin/sh
# The main job, in miniature: a client namespace with one NIC (eth0) cabled by
# a veth to a server namespace running dnsmasq. earlynet generates profiles
# from a kernel command line, brings eth0 up by DHCP with
# `run --configure-and-quit`, fires a dracut-style online hook, and `status`
# shows the lease and timings. Everything lives in two private namespaces and
# a temp directory, removed on exit (also on failure).
set -eu
cd "$(dirname "$0")/.."
# Only what the demo needs: the binary's build dependencies and the programs
# run below (no test suites, no man pages), and only the earlynet target.
./scripts/install-deps.sh demo
./scripts/build.sh build-demo -Dtests=false -Dman=disabled -- earlynet
earlynet=$(pwd)/build-demo/earlynet

tag=earlynet-demo-$$
cli=$tag-client
srv=$tag-server
work=$(mktemp -d)
dnsmasq_pid=
cleanup() {
	[ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null || true
	ip netns delete "$cli" 2>/dev/null || true
	ip netns delete "$srv" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "two namespaces, one veth: $cli/eth0 <-> $srv/srv0, dnsmasq on srv0"
ip netns add "$cli"
ip netns add "$srv"
ip -n "$cli" link add eth0 type veth peer name srv0 netns "$srv"
ip -n "$srv" addr add 192.0.2.1/24 dev srv0
ip -n "$srv" link set srv0 up
ip netns exec "$srv" dnsmasq --port=0 --no-ping --user=root --pid-file="$work/dnsmasq.pid" \
	--leasefile-ro --interface=srv0 --bind-interfaces --log-facility="$work/dnsmasq.log" --log-dhcp \
	--dhcp-range=192.0.2.10,192.0.2.99,255.255.255.0,1h \
	--dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,192.0.2.53 \
	--dhcp-option=option:domain-name,demo.test --dhcp-option=17,192.0.2.1:/srv/nfsroot
dnsmasq_pid=$(cat "$work/dnsmasq.pid")

cmdline="ip=eth0:dhcp root=dhcp rd.net.timeout.carrier=5"
step "earlynet generate -- $cmdline"
"$earlynet" generate -c "$work/profiles" -r "$work/conf" -i "$work/initrd" -- $cmdline
sed -n '/^\[ipv4\]/,/^$/p' "$work/profiles/eth0.nmconnection"

mkdir -p "$work/hooks/initqueue/online"
cat >"$work/hooks/initqueue/online/50-demo.sh" <<'HOOK'
echo "    online hook: \$1=$1 netif=$netif"
HOOK

step "earlynet run --configure-and-quit (in $cli)"
start=$(date +%s%N)
status=0
ip netns exec "$cli" "$earlynet" run --configure-and-quit -c "$work/profiles" -r "$work/conf" \
	-i "$work/initrd" --state-dir "$work/state" --api-socket "$work/api.sock" --tmp-dir "$work/tmp" \
	--hook-dir "$work/hooks" --netroot '' --nm-run-dir "$work/nm" --resolv-conf "$work/resolv.conf" \
	--hostname-file "$work/hostname" || status=$?
end=$(date +%s%N)
echo "exit status $status after $(( (end - start) / 1000000 )) ms"

step "the kernel's view"
ip -n "$cli" -4 addr show dev eth0 | sed -n 's/^ *//p'
ip -n "$cli" -4 route

step "earlynet status"
"$earlynet" status --state-dir "$work/state" --api-socket "$work/api.sock"

step "what dracut's netroot reads: $work/tmp/dhclient.eth0.dhcpopts"
cat "$work/tmp/dhclient.eth0.dhcpopts"
printf 'sourced by sh: new_root_path=%s\n' "$(sh -c '. "$1"; printf %s "$new_root_path"' sh "$work/tmp/dhclient.eth0.dhcpopts")"

step "NetworkManager's view: $work/nm/devices/"
cat "$work/nm/devices/"*

step "after switch_root: earlynet run --import adopts eth0 and continues its lease; asked through its local API, then stopped"
ip netns exec "$cli" "$earlynet" run --import -c "$work/profiles" -r "$work/conf" -i "$work/initrd" \
	--state-dir "$work/state" --api-socket "$work/api.sock" --tmp-dir "$work/tmp" --hook-dir "$work/hooks" --netroot '' \
	--nm-run-dir "$work/nm" --resolv-conf "$work/resolv.conf" --hostname-file "$work/hostname" &
import_pid=$!
"$earlynet" wait-online --api-socket "$work/api.sock" --state-dir /nonexistent --timeout 10
"$earlynet" renew eth0 --api-socket "$work/api.sock" && echo "    earlynet renew eth0: a REQUEST went out"
"$earlynet" status --api-socket "$work/api.sock" --state-dir /nonexistent | sed -n '1,3s/^/    (from the daemon) /p'
sleep 0.5
kill "$import_pid"
wait "$import_pid" || true
ip -n "$cli" -4 addr show dev eth0 | sed -n 's/^ *\(inet .*\)/\1 (still there)/p'
exit "$status"
