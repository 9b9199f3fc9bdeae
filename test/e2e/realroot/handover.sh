#!/bin/bash
# Started by e2e-handover.service before the network manager of the real
# root (e2e.handover=earlynet|NetworkManager|networkd names it). Reads the
# manager's binary and libraries into the page cache (preload.* in lib.sh:
# its own page-in over the root device is not a stall of the network), starts
# `ip monitor` and the root reader, and returns, so the manager starts only
# then. The watch it forks ends at the manager's first renewal (the address
# set again) or after e2e.limit seconds, prints what it saw to the console
# and powers off.
manager=$(sed -n 's/.*e2e\.handover=\([A-Za-z]*\).*/\1/p' /proc/cmdline)
limit=$(sed -n 's/.*e2e\.limit=\([0-9]*\).*/\1/p' /proc/cmdline)
case $manager in
earlynet) unit=earlynet-import.service ;;
NetworkManager) unit=NetworkManager.service ;;
networkd) unit=systemd-networkd.service ;;
*) echo "E2E-HANDOVER-ERROR unknown manager '$manager'" > /dev/console; exit 1 ;;
esac
con() { echo "$*" > /dev/console; }
# Milliseconds of uptime (10 ms steps) without a process.
ms() {
    local u
    read -r u _ < /proc/uptime
    u=${u%%.*}${u#*.}
    echo $((10#$u * 10))
}
# A manager's renewal shows as the address set again with the new lease's
# lifetime (earlynet's import leaves it alone until then; NetworkManager and
# networkd set it when their INIT-REBOOT is ACKed). Builtins only: the
# watch must not take the guest's one emulated CPU from the boot it watches.
address_updated() {
    local l
    while IFS= read -r l; do
        case $l in
        Deleted*) ;;
        *" inet "*) return 0 ;;
        esac
    done < /run/e2e-monitor.log
    return 1
}

while IFS= read -r f; do
    busybox cat "$f" > /dev/null 2>&1
done < "/usr/lib/e2e/preload.$manager"
ip -o monitor address > /run/e2e-monitor.log 2>&1 &
monitor=$!
/usr/lib/e2e/e2e-root-reader /dev/nbd0 /run/e2e-stop /run/e2e-reader 2> /run/e2e-reader.err &
start=$(ms)
busybox usleep 300000 # ip monitor has no "listening" signal to wait for

(
    con "E2E-REALROOT-BEGIN manager=$manager unit=$unit uptime=$start ms"
    renewed=no
    while [ $(($(ms) - start)) -lt $((${limit:-100} * 1000)) ]; do
        if address_updated; then
            renewed=yes
            break
        fi
        busybox usleep 200000
    done
    seconds=$((($(ms) - start) / 1000))
    busybox sleep 1
    : > /run/e2e-stop
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
        [ -s /run/e2e-reader ] && break
        busybox usleep 200000
    done
    kill "$monitor"
    journalctl -q -b -o short-monotonic -u "$unit" 2> /dev/null | while IFS= read -r l; do con "E2E-JOURNAL $l"; done
    while IFS= read -r l; do con "E2E-MONITOR $l"; done < /run/e2e-monitor.log
    while IFS= read -r l; do con "E2E-READER-ERROR $l"; done < /run/e2e-reader.err
    busybox tail -n +2 /run/e2e-reader | while IFS= read -r l; do con "E2E-READER $l"; done
    removals=$(grep -c "^Deleted.* inet " /run/e2e-monitor.log)
    con "E2E-UNIT $unit $(systemctl is-active "$unit")"
    ip -4 -o addr show | while IFS= read -r l; do con "E2E-REALROOT-ADDR $l"; done
    con "E2E-HANDOVER manager=$manager renewed=$renewed seconds=$seconds removals=$removals $(busybox head -n1 /run/e2e-reader)"
    con "E2E-REALROOT-END"
    busybox sleep 0.5
    echo o > /proc/sysrq-trigger
) < /dev/null > /dev/null 2>&1 &
exit 0
