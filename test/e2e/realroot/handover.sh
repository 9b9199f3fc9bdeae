#!/bin/bash
# Started by e2e-handover.service before the network manager of the real
# root (e2e.handover=earlynet|NetworkManager|networkd names it, e2e.addr= the
# address the initrd leased). Reads the manager's binary and libraries into
# the page cache (preload.* in lib.sh: its own page-in over the root device
# is not a stall of the network), starts `ip monitor` and the root reader,
# and returns, so the manager starts only then. The watch it forks ends
# 5 s after the manager's first renewal (the address set again with a fresh
# lifetime) or after e2e.limit seconds, prints what it saw to the console
# and powers off.
manager=$(sed -n 's/.*e2e\.handover=\([A-Za-z]*\).*/\1/p' /proc/cmdline)
addr=$(sed -n 's/.*e2e\.addr=\([0-9.]*\).*/\1/p' /proc/cmdline)
limit=$(sed -n 's/.*e2e\.limit=\([0-9]*\).*/\1/p' /proc/cmdline)
con() { echo "$*" > /dev/console; }
case $manager in
earlynet) unit=earlynet-import.service ;;
NetworkManager) unit=NetworkManager.service ;;
networkd) unit=systemd-networkd.service ;;
*)
    con "E2E-HANDOVER-ERROR unknown manager '$manager'"
    echo o > /proc/sysrq-trigger
    exit 1
    ;;
esac
# Milliseconds of uptime (10 ms steps) without a process.
ms() {
    local u
    read -r u _ < /proc/uptime
    u=${u%%.*}${u#*.}
    echo $((10#$u * 10))
}
# The manager's renewal: eth0's leased address set again with a fresh
# lifetime (at least 100 s of the 2-minute lease, or forever: networkd's
# KeepConfiguration=). What the initrd left has less by then, and earlynet's
# import leaves it alone until T1. Builtins only.
address_renewed() {
    local l lft
    while IFS= read -r l; do
        case $l in
        Deleted*) ;;
        *": eth0 "*" inet $addr/"*)
            lft=${l##*valid_lft }
            lft=${lft%%sec*}
            case $lft in
            forever*) return 0 ;;
            *[!0-9]* | "") ;;
            *) [ "$lft" -ge 100 ] && return 0 ;;
            esac
            ;;
        esac
    done < /run/e2e-monitor.log
    return 1
}
# Until the monitor's log shows text (it has no "listening" signal).
monitor_shows() {
    local l
    for _ in $(busybox seq 50); do
        while IFS= read -r l; do
            case $l in *"$1"*) return 0 ;; esac
        done < /run/e2e-monitor.log
        busybox usleep 100000
    done
    return 1
}

while IFS= read -r f; do
    busybox cat "$f" > /dev/null 2>&1
done < "/usr/lib/e2e/preload.$manager"
ip -o monitor address > /run/e2e-monitor.log 2>&1 &
monitor=$!
# The monitor listens once it reports an address of ours on lo.
ip addr add 127.0.0.2/8 dev lo
monitor_shows "inet 127.0.0.2/8" || con "E2E-HANDOVER-ERROR ip monitor shows nothing"
ip addr del 127.0.0.2/8 dev lo
/usr/lib/e2e/e2e-root-reader /dev/nbd0 /run/e2e-stop /run/e2e-reader 2> /run/e2e-reader.err &
start=$(ms)

(
    con "E2E-REALROOT-BEGIN manager=$manager unit=$unit uptime=$start ms"
    renewed=no
    while [ $(($(ms) - start)) -lt $((${limit:-100} * 1000)) ]; do
        if address_renewed; then
            renewed=yes
            break
        fi
        busybox usleep 200000
    done
    renewed_at=$(ms)
    busybox sleep 5 # what the renewal may still do (a removal, a stall)
    : > /run/e2e-stop
    for _ in $(busybox seq 15); do
        [ -s /run/e2e-reader ] && break
        busybox usleep 200000
    done
    kill "$monitor"
    unit_start=$(systemctl show -P ExecMainStartTimestampMonotonic "$unit")
    after=$(((renewed_at - ${unit_start:-0} / 1000) / 1000))
    journalctl -q -b -o short-monotonic -u "$unit" 2> /dev/null | while IFS= read -r l; do con "E2E-JOURNAL $l"; done
    while IFS= read -r l; do con "E2E-MONITOR $l"; done < /run/e2e-monitor.log
    while IFS= read -r l; do con "E2E-READER-ERROR $l"; done < /run/e2e-reader.err
    busybox tail -n +2 /run/e2e-reader | while IFS= read -r l; do con "E2E-READER $l"; done
    removals=$(grep -c "^Deleted [0-9]*: eth0 .* inet " /run/e2e-monitor.log)
    con "E2E-UNIT $unit $(systemctl is-active "$unit")"
    ip -4 -o addr show | while IFS= read -r l; do con "E2E-REALROOT-ADDR $l"; done
    con "E2E-HANDOVER manager=$manager renewed=$renewed seconds=$after removals=$removals $(busybox head -n1 /run/e2e-reader)"
    con "E2E-REALROOT-END"
    busybox sleep 0.5
    echo o > /proc/sysrq-trigger
) < /dev/null > /dev/null 2>&1 &
echo $! > /run/e2e-handover.pid
exit 0
