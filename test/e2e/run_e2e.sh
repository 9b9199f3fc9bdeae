#!/bin/bash
# Boot test: a dracut initramfs made from earlynet's Debian package (its
# dracut modules and binary) boots Debian's kernel in qemu (TCG); the guest's
# NIC is on a tap in a private network namespace where this script runs
# dnsmasq and nbd-server.
#
#   run_e2e.sh [--cache DIR] PACKAGE SCENARIO...
#   PACKAGE: earlynet_*.deb, or the directory test/e2e/package.sh unpacked it into
#   scenarios: image dhcp static nbdroot dhcproot ipv6only dualstack nodhcp hostile systemd bond handover
#              handover-nm handover-networkd handover-nm-initrd   (all: every one)
#
# Each scenario prints PASS or FAIL with its reasons; the exit status is 1 if
# any failed. The initramfs and root image are built once into the cache dir
# (rebuilt when the package or the test's files change). Needs root. KEEP=1
# keeps the work dir (serial logs, dnsmasq logs).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

cache=""
if [ "${1:-}" = --cache ]; then
    cache=$2
    shift 2
fi
[ $# -ge 2 ] || { echo "usage: $0 [--cache DIR] PACKAGE SCENARIO..." >&2; exit 2; }
package=$1
shift
scenarios=("$@")
[ "${scenarios[*]}" = all ] && scenarios=(image dhcp static nbdroot dhcproot idlenics ipv6only dualstack nodhcp hostile systemd bond handover handover-nm handover-networkd handover-nm-initrd)

e2e_init e2e-run
e2e_require || { echo "FAIL: e2e: requirements missing"; exit 1; }
e2e_package "$package" || { echo "FAIL: e2e: the package is broken or missing ($package)"; exit 1; }
cache=${cache:-$E2E_WORK/cache}
mkdir -p "$cache"

# Build (or reuse) the images; one flock so parallel scenarios build once.
stale() { # stale TARGET SOURCES...: TARGET missing or older than a source
    local t=$1 s
    shift
    [ -e "$t" ] || return 0
    for s in "$@"; do
        [ -n "$(find "$s" -newer "$t" -print -quit)" ] && return 0
    done
    return 1
}
# stale_pkg TARGET SOURCES...: stale, or made from another package
# (TARGET.package holds the digest of the one it was made from).
stale_pkg() {
    [ "$(cat "$1.package" 2> /dev/null)" = "$E2E_PKG_SUM" ] || return 0
    stale "$@"
}
made_from_pkg() { echo "$E2E_PKG_SUM" > "$1.package"; }
initrd=$cache/earlynet-initrd.img
initrd_systemd=$cache/earlynet-initrd-systemd.img
rootfs=$cache/rootfs.ext4
sdroot=$cache/systemd-root.ext4
nm_initrd=$cache/nm-initrd.img
need_systemd=0 need_sdroot=0 need_nm_initrd=0
for s in "${scenarios[@]}"; do
    case $s in
    systemd | image) need_systemd=1 ;;
    handover*) need_sdroot=1 ;;
    esac
    [ "$s" = handover-nm-initrd ] && need_nm_initrd=1
done
(
    flock 9
    if stale_pkg "$initrd" "$E2E_DIR/dracut" "$E2E_DIR/lib.sh" "$E2E_DIR/run_e2e.sh"; then
        t0=$(date +%s)
        # the modules a network-root image has: earlynet as the handler of dracut's "network"
        e2e_build_initrd "$initrd" "bash base earlynet nbd e2ereport" --filesystems ext4 \
            || { echo "FAIL: e2e: dracut failed"; exit 1; }
        made_from_pkg "$initrd"
        e2e_log "initramfs built in $(($(date +%s) - t0)) s: $(du -h "$initrd" | cut -f1)"
    fi
    if [ "$need_systemd" = 1 ] && stale_pkg "$initrd_systemd" "$E2E_DIR/dracut" "$E2E_DIR/lib.sh" "$E2E_DIR/run_e2e.sh"; then
        t0=$(date +%s)
        # dracut's systemd init: earlynet-initrd.service does the work
        e2e_build_initrd "$initrd_systemd" "bash systemd systemd-initrd dracut-systemd base earlynet e2ereport" \
            || { echo "FAIL: e2e: dracut failed (systemd image)"; exit 1; }
        made_from_pkg "$initrd_systemd"
        e2e_log "systemd initramfs built in $(($(date +%s) - t0)) s: $(du -h "$initrd_systemd" | cut -f1)"
    fi
    if [ "$need_nm_initrd" = 1 ] && stale "$nm_initrd" "$E2E_DIR/dracut" "$E2E_DIR/lib.sh" "$E2E_DIR/run_e2e.sh"; then
        t0=$(date +%s)
        # the reference: NetworkManager's own initrd (dracut's network-manager
        # module in a systemd initramfs; qemu for the virtio bus driver)
        e2e_build_initrd "$nm_initrd" "bash systemd systemd-initrd dracut-systemd udev-rules base kernel-network-modules qemu qemu-net network-manager nbd e2ereport" \
            --filesystems ext4 || { echo "FAIL: e2e: dracut failed (network-manager image)"; exit 1; }
        e2e_log "network-manager initramfs built in $(($(date +%s) - t0)) s: $(du -h "$nm_initrd" | cut -f1)"
    fi
    if stale_pkg "$rootfs" "$E2E_DIR/rootfs-init.sh" "$E2E_DIR/lib.sh"; then
        e2e_build_rootfs "$rootfs" || { echo "FAIL: e2e: root image not built"; exit 1; }
        made_from_pkg "$rootfs"
    fi
    if [ "$need_sdroot" = 1 ] && stale_pkg "$sdroot" "$E2E_DIR/realroot" "$E2E_DIR/lib.sh"; then
        t0=$(date +%s)
        e2e_build_systemd_rootfs "$sdroot" || { echo "FAIL: e2e: systemd root image not built"; exit 1; }
        made_from_pkg "$sdroot"
        e2e_log "systemd real root built in $(($(date +%s) - t0)) s"
    fi
) 9> "$cache/.lock" || exit 1

failures=()
check() { # check DESCRIPTION COMMAND...: record a failed expectation
    local what=$1
    shift
    "$@" || failures+=("$what")
}
has() { grep -a -q -F -- "$2" "$1"; }
has_re() { grep -a -q -E -- "$2" "$1"; }
not_has() { ! grep -a -q -F -- "$2" "$1"; }
not() { ! "$@"; }
# listed LSINITRD_OUTPUT PATH: an entry is PATH or ends in PATH (or PATH.xz, .zst: compressed modules)
listed() {
    awk -v f="$2" '{ p = $NF; sub(/\.(xz|zst|gz)$/, "", p) }
        p == f || (substr(f, 1, 1) == "/" && substr(p, length(p) - length(f) + 1) == f) { found = 1 }
        END { exit !found }' "$1"
}

finish() { # finish NAME: PASS or FAIL, with the serial log's tail on failure
    local name=$1 f
    if [ ${#failures[@]} -eq 0 ]; then
        echo "PASS: $name (qemu ${E2E_WALL}s)"
        return 0
    fi
    echo "FAIL: $name (qemu exit $E2E_RC, ${E2E_WALL}s)"
    for f in "${failures[@]}"; do echo "  - $f"; done
    echo "  ---- serial console (tail) ----"
    [ -f "$E2E_WORK/$name.serial" ] && tail -n 60 "$E2E_WORK/$name.serial" | sed 's/^/  | /'
    [ -f "$E2E_WORK/$name.dnsmasq.log" ] && { echo "  ---- dnsmasq ----"; tail -n 20 "$E2E_WORK/$name.dnsmasq.log" | sed 's/^/  | /'; }
    return 1
}

dhcp_options=(--dhcp-host="$E2E_MAC,$E2E_GUEST_IP,guest1"
    --dhcp-option=option:router,$E2E_SERVER --dhcp-option=option:dns-server,$E2E_SERVER
    --dhcp-option=option:domain-name,e2e.test)

# (a) ip=dhcp: the lease dnsmasq hands out, with its root-path, reaches dracut's files and hooks.
scenario_dhcp() {
    local log=$E2E_WORK/dhcp.serial
    e2e_net_up && e2e_dnsmasq dhcp "${dhcp_options[@]}" \
        --dhcp-option=option:root-path,nfs:$E2E_SERVER:/srv/root || { failures+=("test network not set up"); return; }
    e2e_boot dhcp "$initrd" "ip=dhcp rd.neednet=1 rd.e2e=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "report printed" has "$log" "E2E-REPORT-END"
    check "online hook fired for eth0 with \$1 and \$netif" has "$log" "E2E-ONLINE iface=eth0 netif=eth0"
    check "address 10.77.0.42/24 on eth0" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    check "default route via the DHCP router" has "$log" "E2E-ROUTE default via 10.77.0.1 dev eth0"
    check "dhcpopts: address, mask, router, server" has "$log" "E2E-SOURCED /tmp/dhclient.eth0.dhcpopts ip=10.77.0.42 mask=255.255.255.0 routers=10.77.0.1 server=10.77.0.1 "
    check "dhcpopts: root-path" has "$log" " root_path=nfs:10.77.0.1:/srv/root "
    check "dhcpopts: host name and domain" has "$log" " host_name=guest1 domain=e2e.test"
    check "resolv.conf has the DHCP DNS server" has "$log" "E2E-FILE /etc/resolv.conf: nameserver 10.77.0.1"
    check "host name from DHCP" has "$log" "E2E-HOSTNAME guest1"
    check "earlynet status shows the lease" has_re "$log" "^E2E-STATUS .*10\.77\.0\.42"
    check "dnsmasq leased 10.77.0.42 to the guest" grep -q "$E2E_MAC $E2E_GUEST_IP" "$E2E_WORK/dhcp.leases"
}

# (b) static ip= with a gateway and nameserver=: no DHCP at all; rd.ethtool=
# forces the speed (virtio_net reports none, -1, unless it is set).
scenario_static() {
    local log=$E2E_WORK/static.serial
    e2e_net_up && e2e_dnsmasq static "${dhcp_options[@]}" || { failures+=("test network not set up"); return; }
    e2e_boot static "$initrd" \
        "ip=10.77.0.50::10.77.0.1:255.255.255.0:static1:eth0:none nameserver=10.77.0.53 rd.ethtool=eth0:off:100 rd.neednet=1 rd.e2e=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "report printed" has "$log" "E2E-REPORT-END"
    check "online hook fired for eth0" has "$log" "E2E-ONLINE iface=eth0 netif=eth0"
    check "address 10.77.0.50/24 on eth0" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.50/24"
    check "default route via the ip= gateway" has "$log" "E2E-ROUTE default via 10.77.0.1 dev eth0"
    check "resolv.conf has nameserver=" has "$log" "E2E-FILE /etc/resolv.conf: nameserver 10.77.0.53"
    check "host name from ip=" has "$log" "E2E-HOSTNAME static1"
    check "rd.ethtool= forced 100 Mbit/s full duplex" has "$log" "E2E-LINK eth0 speed=100 duplex=full"
    check "/tmp/net.eth0.override has the ip= fields" has_re "$log" "E2E-FILE /tmp/net.eth0.override: ip='?10\.77\.0\.50"
    check "no DHCP lease was taken" not_has "$E2E_WORK/static.leases" "$E2E_MAC"
}

# (g) a bond of the guest's two NICs (active-backup) gets the lease; the
# qemu kernel has the bonding module this machine's kernel lacks.
scenario_bond() {
    local log=$E2E_WORK/bond.serial
    e2e_net_up && e2e_dnsmasq bond "${dhcp_options[@]}" || { failures+=("test network not set up"); return; }
    E2E_NICS=2 e2e_boot bond "$initrd" \
        "bond=bond0:eth0,eth1:mode=active-backup,miimon=100 ip=bond0:dhcp rd.neednet=1 rd.e2e=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "earlynet created the bond" has "$log" "bond0: created bond"
    check "eth0 and eth1 attached to bond0" has_re "$log" "eth1: attached to bond0"
    check "online hook fired for bond0" has "$log" "E2E-ONLINE iface=bond0 netif=bond0"
    check "address 10.77.0.42/24 on bond0 (the first port's MAC)" has_re "$log" "^E2E-ADDR .*bond0 +inet 10\.77\.0\.42/24"
    check "default route via the DHCP router on bond0" has "$log" "E2E-ROUTE default via 10.77.0.1 dev bond0"
    check "dhcpopts for bond0" has "$log" "E2E-SOURCED /tmp/dhclient.bond0.dhcpopts ip=10.77.0.42"
}

# (c) root on NBD: dracut's nbd module mounts it through earlynet's network; the
# real root finds earlynet's state under /run/earlynet.
scenario_nbdroot() {
    local log=$E2E_WORK/nbdroot.serial
    e2e_net_up && e2e_dnsmasq nbdroot "${dhcp_options[@]}" && e2e_nbd nbdroot "$rootfs" \
        || { failures+=("test network not set up"); return; }
    e2e_boot nbdroot "$initrd" "root=nbd:$E2E_SERVER:root:ext4 ro rd.e2e.continue=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "initrd report: the lease on eth0" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    check "switch_root into the NBD root (its /sbin/init ran)" has "$log" "E2E-REALROOT-BEGIN"
    check "/ is /dev/nbd0" has_re "$log" "^E2E-REALROOT-MOUNT /dev/(nbd0|root) "
    check "state under /run/earlynet/state in the real root" has_re "$log" "^E2E-REALROOT-STATE eth0\.json: .*10\.77\.0\.42"
    check "earlynet status in the real root shows the lease" has_re "$log" "^E2E-REALROOT-STATUS .*10\.77\.0\.42"
    check "the address is still on eth0 after switch_root" has_re "$log" "^E2E-REALROOT-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    check "real root finished" has "$log" "E2E-REALROOT-END"
}

# (c'') the handover across switch_root, one scenario per manager of the
# real root: an NBD root whose lease (2 minutes, dnsmasq's shortest, T1 at
# 30 s) renews only after switch_root, and a real root booting systemd
# (e2e_build_systemd_rootfs) where earlynet-import.service, NetworkManager or
# systemd-networkd takes the device over from earlynet's files in /run while
# e2e-handover.service reads the root device and watches the addresses until
# the manager's first renewal. Nothing may be lost: no DISCOVER after the
# first ACK, no address removed, no stall of the root of a second or more.
realroot_handover() { # realroot_handover SCENARIO MANAGER "KERNEL ARGS" [INITRD LABEL]
    local name=$1 manager=$2 args=$3 image=${4:-$initrd} label=${5:-$2}
    local log=$E2E_WORK/$name.serial dlog=$E2E_WORK/$name.dnsmasq.log
    e2e_net_up && e2e_dnsmasq "$name" --dhcp-host="$E2E_MAC,$E2E_GUEST_IP,guest1,2m" \
        --dhcp-option=option:router,$E2E_SERVER --dhcp-option=58,30 --dhcp-option=59,60 \
        && e2e_nbd "$name" "$sdroot" || { failures+=("test network not set up"); return; }
    e2e_boot "$name" "$image" "root=nbd:$E2E_SERVER:root:ext4 rw rd.e2e.continue=1 e2e.handover=$manager e2e.addr=$E2E_GUEST_IP e2e.limit=100 $args" 300
    e2e_stop_all
    local line acks renewed seconds
    line=$(grep -a "^E2E-HANDOVER " "$log" | head -n1)
    # DISCOVERs the server saw after its first ACK
    ho_discovers=$(awk '/DHCPACK\(br0\)/ { acked = 1 } acked && /DHCPDISCOVER\(br0\)/ { n++ } END { print n + 0 }' "$dlog")
    acks=$(grep -c "DHCPACK(br0)" "$dlog")
    ho_removals=$(sed -n 's/.* removals=\([0-9]*\).*/\1/p' <<< "$line")
    ho_stall=$(sed -n 's/.* longest_stall_ms=\([0-9]*\).*/\1/p' <<< "$line")
    ho_control=$(sed -n 's/.* control_ms=\([0-9]*\).*/\1/p' <<< "$line")
    renewed=$(sed -n 's/.* renewed=\([a-z]*\).*/\1/p' <<< "$line")
    seconds=$(sed -n 's/.* seconds=\([0-9]*\).*/\1/p' <<< "$line")
    echo "handover $label: discovers $ho_discovers, removals ${ho_removals:-?}, longest stall ${ho_stall:-?} ms," \
        "first renewal ${seconds:-?} s after the manager's start ($acks ACKs; guest: ${line#E2E-HANDOVER })"
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "the real root's systemd started the observer" has "$log" "E2E-REALROOT-BEGIN manager=$manager"
    check "the manager ran in the real root" has_re "$log" "^E2E-UNIT [^ ]+ active"
    check "$manager renewed the lease in the real root" test "$renewed" = yes
    check "a renewal the server ACKed (initrd ACK + renewal ACK)" test "$acks" -ge 2
}

# handover_goals: nothing lost across the handover just measured.
handover_goals() {
    local log=$E2E_WORK/$1.serial
    # The guest's clock can lose time to a busy host (TCG): the reader's
    # control thread measures that, and the root's stall is judged beyond it.
    check "no DISCOVER after the first ACK" test "$ho_discovers" = 0
    check "no address removed in the real root" test "${ho_removals:-x}" = 0
    check "the root never stalled for a second (${ho_stall:-?} ms, clock ${ho_control:-?} ms)" \
        test $((${ho_stall:-99999} - ${ho_control:-0})) -lt 1000
    check "no read of the root failed" has "$log" " failures=0 "
    check "the address is still on eth0 at the end" has_re "$log" "^E2E-REALROOT-ADDR .*eth0 +inet 10\.77\.0\.42/24"
}

scenario_handover() {
    realroot_handover handover earlynet ""
    handover_goals handover
    check "earlynet-import.service continued the initrd's lease" \
        has_re "$E2E_WORK/handover.serial" "^E2E-JOURNAL .*continuing lease 10\.77\.0\.42/24"
}
scenario_handover-nm() {
    realroot_handover handover-nm NetworkManager \
        "systemd.mask=earlynet-import.service systemd.wants=NetworkManager.service"
    handover_goals handover-nm
}
scenario_handover-networkd() {
    realroot_handover handover-networkd networkd \
        "systemd.mask=earlynet-import.service systemd.wants=systemd-networkd.service"
    handover_goals handover-networkd
}
# The reference earlynet is measured against: NetworkManager's own initrd
# (nm-initrd.service, the same root= and nothing else), then NetworkManager
# in the real root. Its figures are printed, not judged; the boot must get
# through switch_root and the renewal.
scenario_handover-nm-initrd() {
    realroot_handover handover-nm-initrd NetworkManager \
        "systemd.mask=earlynet-import.service systemd.wants=NetworkManager.service" "$nm_initrd" nm-initrd
    check "NetworkManager's initrd took the lease" has_re "$E2E_WORK/handover-nm-initrd.serial" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
}

# (c') root=dhcp: the root is named by the DHCP root-path; dracut's netroot reads
# it from earlynet's dhcpopts, re-runs the root parsers, and dracut's nbd module
# connects /dev/nbd0 to it. The test stops there: dracut 059 itself cannot mount
# a root=dhcp NBD root, whatever the network handler (shell init: fs-lib.sh's
# write_fs_tab only appends to an /etc/fstab entry that already exists, so the
# nbd mount hook finds no entry; systemd init: nothing pulls in the sysroot.mount
# that nbdroot.sh describes in a drop-in).
scenario_dhcproot() {
    local log=$E2E_WORK/dhcproot.serial
    e2e_net_up && e2e_dnsmasq dhcproot "${dhcp_options[@]}" \
        --dhcp-option=option:root-path,nbd:$E2E_SERVER:root:ext4 && e2e_nbd dhcproot "$rootfs" \
        || { failures+=("test network not set up"); return; }
    e2e_boot dhcproot "$initrd" "root=dhcp ro rd.e2e.continue=1"
    e2e_stop_all
    check "qemu ended by itself (not the timeout)" test "$E2E_RC" != 124
    check "dhcpopts: root-path nbd:10.77.0.1:root:ext4" has "$log" " root_path=nbd:10.77.0.1:root:ext4 "
    check "netroot had no complaint about the root-path" not_has "$log" "No dhcp root-path received"
    check "dracut's nbd module connected /dev/nbd0 to the root-path's export" has "$log" "Connected /dev/nbd0"
    check "the kernel sees the export's 96 MiB on nbd0" has "$log" "nbd0: detected capacity change from 0 to 196608"
}

# (c'') idle NICs do not hold the boot: an NBD root, ip=dhcp (every NIC),
# eth0 cabled and three NICs without a carrier. earlynet returns once eth0 is
# online (the carrier timeout, 30 s here, would otherwise hold the boot), the
# three keep trying in the background, dracut's cleanup hook stops that
# earlynet before switch_root and the real root finds their state.
scenario_idlenics() {
    local log=$E2E_WORK/idlenics.serial online root began
    e2e_net_up && e2e_dnsmasq idlenics "${dhcp_options[@]}" && e2e_nbd idlenics "$rootfs" \
        || { failures+=("test network not set up"); return; }
    E2E_IDLE_NICS=3 e2e_boot idlenics "$initrd" \
        "ip=dhcp root=nbd:$E2E_SERVER:root:ext4 ro rd.e2e.continue=1 rd.net.timeout.carrier=60"
    e2e_stop_all
    online=$(e2e_uptime_of "$log" '^E2E-ONLINE iface=eth0')
    root=$(e2e_uptime_of "$log" '^E2E-REALROOT-BEGIN')
    # the kernel's stamp of dracut's line as earlynet starts
    began=$(grep -a -m1 'dracut: earlynet: bringing the network up' "$log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
    e2e_log "idlenics: earlynet started at ${began:-?} s, eth0 online at ${online:-?} s, real root at ${root:-?} s (guest uptime)"
    check "qemu ended by itself (not the timeout)" test "$E2E_RC" != 124
    check "the three idle NICs had no carrier" has "$log" "eth3: waiting up to 60 s for carrier"
    check "earlynet let the boot go on once eth0 was up" has "$log" "the network root's device is up: the boot goes on"
    check "dracut's nbd module connected /dev/nbd0" has "$log" "Connected /dev/nbd0"
    check "the real root came before the idle NICs' carrier timeout" \
        awk -v r="${root:-999}" -v b="${began:-0}" 'BEGIN { exit !(r < b + 60) }'
    check "the cleanup hook stopped the background earlynet" has "$log" "stopping, addresses stay configured"
    check "... and did not have to give up waiting for it" not_has "$log" "background earlynet did not stop"
    check "the real root has eth0's lease" has_re "$log" "^E2E-REALROOT-STATUS .*10\.77\.0\.42"
    check "the real root has the idle NICs' state" has "$log" "E2E-REALROOT-STATE eth3.json:"
}

# DHCPv6 from dnsmasq on br0 (after e2e_net_v6): router advertisements with
# the M and O flags and the on-link prefix 2001:db8::/64 without the A flag
# (no SLAAC address: the only global address is the leased one); the guest's
# MAC gets 2001:db8::42, with DNS server and search list options.
dhcp6_options=(--enable-ra "--dhcp-range=2001:db8::100,2001:db8::1ff,64,1h"
    "--dhcp-host=$E2E_MAC,[$E2E_GUEST_IP6]"
    "--dhcp-option=option6:dns-server,[$E2E_SERVER6]" "--dhcp-option=option6:domain-search,e2e6.test")

# v6_checks NAME: what the DHCPv6 exchange left, in dnsmasq's log and the guest.
v6_checks() {
    local log=$E2E_WORK/$1.serial dlog=$E2E_WORK/$1.dnsmasq.log
    check "dnsmasq saw a SOLICIT from the guest" has "$dlog" "DHCPSOLICIT(br0)"
    check "dnsmasq replied with $E2E_GUEST_IP6" has_re "$dlog" "DHCPREPLY\(br0\) $E2E_GUEST_IP6 "
    check "earlynet logged the DHCPv6 lease" has "$log" "eth0: DHCPv6 lease $E2E_GUEST_IP6/128"
    check "initrd report: $E2E_GUEST_IP6/128 on eth0" has_re "$log" "^E2E-ADDR6 .*eth0 +inet6 $E2E_GUEST_IP6/128 "
    check "the on-link route of the RA's prefix" has_re "$log" "^E2E-ROUTE6 2001:db8::/64 dev eth0 "
    check "resolv.conf has the DHCPv6 DNS server" has "$log" "E2E-FILE /etc/resolv.conf: nameserver $E2E_SERVER6"
    check "resolv.conf has the DHCPv6 search list" has_re "$log" "^E2E-FILE /etc/resolv.conf: search .*e2e6\.test"
    check "$E2E_GUEST_IP6/128 still on eth0 after switch_root" \
        has_re "$log" "^E2E-REALROOT-ADDR6 .*eth0 +inet6 $E2E_GUEST_IP6/128 "
    check "the DHCPv6 lease in earlynet status in the real root" \
        has_re "$log" "^E2E-REALROOT-STATUS +lease6 $E2E_GUEST_IP6/128, valid "
    check "the DHCPv6 lease's DUID in /run/earlynet/state" has_re "$log" '^E2E-REALROOT-STATE eth0\.json: +"client_duid": "000[34]'
}

# (c''') an IPv6-only network root: ip=dhcp6 (ipv6.method=auto, so the RA's
# M flag starts DHCPv6), no IPv4 on the guest at all, the NBD root reached at
# [2001:db8::1] (dracut's nbd module takes a bracketed host and hands
# nbd-client the bare address). dnsmasq would give DHCPv4 too: the guest
# must not ask.
scenario_ipv6only() {
    local log=$E2E_WORK/ipv6only.serial dlog=$E2E_WORK/ipv6only.dnsmasq.log
    e2e_net_up && e2e_net_v6 && e2e_dnsmasq ipv6only "${dhcp_options[@]}" "${dhcp6_options[@]}" \
        && e2e_nbd ipv6only "$rootfs" "$E2E_SERVER6" || { failures+=("test network not set up"); return; }
    e2e_boot ipv6only "$initrd" "ip=dhcp6 rd.neednet=1 root=nbd:[$E2E_SERVER6]:root:ext4 ro rd.e2e.continue=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    v6_checks ipv6only
    check "online hook fired for eth0" has "$log" "E2E-ONLINE iface=eth0 netif=eth0"
    check "dracut's nbd module connected /dev/nbd0 over IPv6" has "$log" "Connected /dev/nbd0"
    check "switch_root into the NBD root (its /sbin/init ran)" has "$log" "E2E-REALROOT-BEGIN"
    check "/ is /dev/nbd0" has_re "$log" "^E2E-REALROOT-MOUNT /dev/(nbd0|root) "
    check "no IPv4 address on eth0 in the initrd" not has_re "$log" "^E2E-ADDR .*eth0 +inet "
    check "no IPv4 address on eth0 after switch_root" not has_re "$log" "^E2E-REALROOT-ADDR .*eth0 +inet "
    check "no DHCPv4 packet reached dnsmasq" not has_re "$dlog" "DHCP(DISCOVER|REQUEST|INFORM)\(br0\)"
    check "no DHCPv4 lease" not grep -q "$E2E_GUEST_IP" "$E2E_WORK/ipv6only.leases"
    check "earlynet status ran in the real root" has "$log" "E2E-REALROOT-STATUS "
    check "real root finished" has "$log" "E2E-REALROOT-END"
}

# (c'''') dual stack: ip=dhcp,dhcp6 (one ip= with both: nm-initrd-generator
# keeps only the last of "ip=dhcp ip=dhcp6", earlynet refuses that pair),
# the NBD root over IPv4 as in nbdroot; both leases on eth0 after switch_root.
scenario_dualstack() {
    local log=$E2E_WORK/dualstack.serial
    e2e_net_up && e2e_net_v6 && e2e_dnsmasq dualstack "${dhcp_options[@]}" "${dhcp6_options[@]}" \
        && e2e_nbd dualstack "$rootfs" || { failures+=("test network not set up"); return; }
    e2e_boot dualstack "$initrd" "ip=dhcp,dhcp6 rd.neednet=1 root=nbd:$E2E_SERVER:root:ext4 ro rd.e2e.continue=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "online hook fired for eth0" has "$log" "E2E-ONLINE iface=eth0 netif=eth0"
    check "dnsmasq leased $E2E_GUEST_IP to the guest" grep -q "$E2E_MAC $E2E_GUEST_IP" "$E2E_WORK/dualstack.leases"
    check "initrd report: $E2E_GUEST_IP/24 on eth0" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    v6_checks dualstack
    check "switch_root into the NBD root (its /sbin/init ran)" has "$log" "E2E-REALROOT-BEGIN"
    check "/ is /dev/nbd0" has_re "$log" "^E2E-REALROOT-MOUNT /dev/(nbd0|root) "
    check "$E2E_GUEST_IP/24 still on eth0 after switch_root" has_re "$log" "^E2E-REALROOT-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    check "the DHCPv4 lease in /run/earlynet/state" has_re "$log" "^E2E-REALROOT-STATE eth0\.json: .*10\.77\.0\.42"
    check "earlynet status in the real root shows the DHCPv4 lease" has_re "$log" "^E2E-REALROOT-STATUS .*10\.77\.0\.42"
    check "real root finished" has "$log" "E2E-REALROOT-END"
}

# (d) no DHCP server: earlynet gives up after rd.net.timeout.dhcp, says why,
# and dracut refuses to continue (FATAL, emergency action) - quickly.
scenario_nodhcp() {
    local log=$E2E_WORK/nodhcp.serial up t0
    e2e_net_up || { failures+=("test network not set up"); return; }
    e2e_boot nodhcp "$initrd" "ip=dhcp rd.neednet=1 rd.net.timeout.dhcp=3 rd.e2e=1" 90
    e2e_stop_all
    check "qemu ended by itself (not the timeout)" test "$E2E_RC" != 124
    check "earlynet says eth0 got no lease" has_re "$log" "eth0: failed: .*(DHCP|lease)"
    check "dracut refused to continue (FATAL)" has "$log" "FATAL: earlynet: the network is needed and did not come up"
    check "the boot did not go on to pre-mount" not_has "$log" "E2E-REPORT-BEGIN"
    check "no online hook fired" not_has "$log" "E2E-ONLINE"
    # kernel timestamps: earlynet's start and dracut's FATAL (the DHCP timeout is 3 s;
    # dracut's own give-up would be rd.retry=30 s of initqueue loops later)
    t0=$(grep -a -m1 'dracut: earlynet: bringing the network up' "$log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
    up=$(grep -a -m1 'dracut: FATAL: earlynet' "$log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
    check "FATAL within 20 s of earlynet's start (${t0:-?} s -> ${up:-?} s)" \
        awk -v a="${t0:-0}" -v b="${up:-999}" 'BEGIN { exit !(b - a < 20) }'
}

# (e) a hostile DHCP server: shell code in host-name, domain-name and root-path
# must stay data - the files are sourced, and nothing runs.
scenario_hostile() {
    local log=$E2E_WORK/hostile.serial
    # shellcheck disable=SC2016
    e2e_net_up && e2e_dnsmasq hostile --dhcp-host="$E2E_MAC,$E2E_GUEST_IP" \
        --dhcp-option=option:router,$E2E_SERVER \
        --dhcp-option-force=12,'$(touch /tmp/e2e-pwned)' \
        --dhcp-option-force=15,"x'\$(touch /run/e2e-pwned)'" \
        --dhcp-option-force=17,'nbd:10.77.0.1:`touch /e2e-pwned`' || { failures+=("test network not set up"); return; }
    e2e_boot hostile "$initrd" "ip=dhcp rd.neednet=1 rd.e2e=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "report printed" has "$log" "E2E-REPORT-END"
    check "the lease was taken" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    # shellcheck disable=SC2016
    check 'host-name reached the guest as data: $(touch /tmp/e2e-pwned)' has "$log" ' host_name=$(touch /tmp/e2e-pwned) '
    # shellcheck disable=SC2016
    check "domain-name with a quote reached the guest as data" has "$log" " domain=x'\$(touch /run/e2e-pwned)'"
    # shellcheck disable=SC2016
    check 'root-path with backquotes reached the guest as data' has "$log" ' root_path=nbd:10.77.0.1:`touch /e2e-pwned` '
    check "no payload ran (no e2e-pwned file)" not_has "$log" "E2E-PWNED"
    check "the hostile host name was not set" not_has "$log" "E2E-HOSTNAME \$(touch"
}

# (0) the images hold what earlynet needs and no other network handler; dracut
# refuses an image with two handlers.
scenario_image() {
    local list=$E2E_WORK/image.list f out
    E2E_RC=0 E2E_WALL=0
    lsinitrd "$initrd" > "$list" 2> /dev/null || { failures+=("lsinitrd failed"); return; }
    for f in usr/sbin/earlynet usr/lib/dracut/hooks/cmdline/99-earlynet-generate.sh \
        usr/lib/dracut/hooks/initqueue/settled/99-earlynet-run.sh usr/lib/earlynet-lib.sh \
        usr/sbin/netroot usr/lib/net-lib.sh usr/sbin/nbdroot \
        /bonding.ko /8021q.ko /bridge.ko /virtio_net.ko /nbd.ko; do
        check "image has $f" listed "$list" "$f"
    done
    for f in NetworkManager nm-initrd-generator dhclient dbus-daemon dbus-broker systemd-networkd; do
        check "image has no $f" not listed "$list" "/$f"
    done
    if [ "$need_systemd" = 1 ]; then
        check "systemd image enables earlynet-initrd.service" \
            sh -c "lsinitrd '$initrd_systemd' 2> /dev/null | grep -q 'initrd.target.wants/earlynet-initrd.service'"
    fi
    out=$(e2e_build_initrd "$E2E_WORK/two.img" "bash base earlynet network-manager" 2>&1)
    check "dracut refuses earlynet + network-manager" test ! -e "$E2E_WORK/two.img"
    check "... saying why" grep -q "the network handler 'network-manager' is requested too" <<< "$out"
    # the package the images were made from
    check "the package's dracut modules are hooks/dracut's, file for file, with their modes" \
        same_tree "$E2E_SRC/hooks/dracut" "$E2E_PKG/usr/lib/dracut/modules.d"
    for f in usr/share/man/man8/earlynet.8.gz usr/share/man/man7/earlynet.cmdline.7.gz; do
        check "the package has /$f" test -s "$E2E_PKG/$f"
    done
}
files_modes() { (cd "$1" && find . ! -type d -printf '%y %m %p\n' | LC_ALL=C sort); }
same_tree() { # same_tree A B: the same files, with the same modes and contents
    diff <(files_modes "$1") <(files_modes "$2") && diff -r "$1" "$2"
}

# (f) dracut's systemd init: earlynet-initrd.service brings eth0 up before
# dracut-initqueue.service, online hooks fire, the initqueue waits for the done flag.
scenario_systemd() {
    local log=$E2E_WORK/systemd.serial
    e2e_net_up && e2e_dnsmasq systemd "${dhcp_options[@]}" \
        --dhcp-option=option:root-path,nfs:$E2E_SERVER:/srv/root || { failures+=("test network not set up"); return; }
    e2e_boot systemd "$initrd_systemd" "ip=dhcp rd.neednet=1 rd.e2e=1"
    e2e_stop_all
    check "qemu powered off (exit 0)" test "$E2E_RC" = 0
    check "earlynet-initrd.service ran" has_re "$log" "earlynet: info: eth0: lease 10\.77\.0\.42/24"
    check "online hook fired for eth0" has "$log" "E2E-ONLINE iface=eth0 netif=eth0"
    check "report printed (pre-mount ran)" has "$log" "E2E-REPORT-END"
    check "address 10.77.0.42/24 on eth0" has_re "$log" "^E2E-ADDR .*eth0 +inet 10\.77\.0\.42/24"
    check "dhcpopts: root-path" has "$log" " root_path=nfs:10.77.0.1:/srv/root "
    check "earlynet status shows the lease" has_re "$log" "^E2E-STATUS .*10\.77\.0\.42"
}

status=0
for s in "${scenarios[@]}"; do
    failures=()
    E2E_RC="" E2E_WALL=""
    if ! declare -F "scenario_$s" > /dev/null; then
        echo "FAIL: $s (no such scenario)"
        status=1
        continue
    fi
    "scenario_$s"
    finish "$s" || status=1
done
exit $status
