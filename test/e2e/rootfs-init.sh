#!/bin/sh
# /sbin/init of the NBD root image: the real root reads what earlynet left
# under /run (moved there by switch_root), prints it, powers off. With
# e2e.handover=SECONDS it first runs `earlynet run --import` (as
# earlynet-import.service would) until its first renewal or SECONDS, while a
# reader reads the root device and `ip monitor` watches the addresses.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
busybox mount -t proc proc /proc
busybox mount -t sysfs sysfs /sys
con() { busybox echo "$*" > /dev/console; }
read -r up _ < /proc/uptime
con "E2E-REALROOT-BEGIN uptime=$up"
busybox awk '$2 == "/" { print "E2E-REALROOT-MOUNT " $1 " " $3 " " $4 }' /proc/mounts > /dev/console
# Milliseconds of uptime (10 ms steps) without a process: the reader's own
# cost must not be what it measures.
ms() {
    read -r u _ < /proc/uptime
    u=${u%%.*}${u#*.}
    echo $((${u#0} * 10))
}
handover=$(busybox sed -n 's/.*e2e\.handover=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$handover" ]; then
    /sbin/ip -o monitor address > /run/e2e-monitor.log 2>&1 &
    monitor=$!
    /usr/sbin/earlynet run --import > /run/e2e-import.log 2>&1 &
    import=$!
    # Distinct 4 KiB blocks of the root device, one after the other: none is
    # in the page cache, so each read crosses the network. The longest gap
    # between two reads is the root's longest stall.
    start=$(ms)
    (
        i=0 last=$(ms) worst=0
        while [ ! -e /run/e2e-stop ]; do
            busybox dd if=/dev/nbd0 of=/dev/null bs=4096 count=1 skip=$i 2> /dev/null
            now=$(ms)
            [ $((now - last)) -gt "$worst" ] && worst=$((now - last)) && echo "$worst at $((now - start))" > /run/e2e-worst
            last=$now i=$((i + 1))
        done
        echo "$i" > /run/e2e-reads
    ) &
    renewed=no
    while [ $(($(ms) - start)) -lt $((handover * 1000)) ]; do
        if busybox grep -q "renewed for" /run/e2e-import.log; then
            renewed=yes
            break
        fi
        busybox sleep 0.5
    done
    busybox touch /run/e2e-stop
    busybox sleep 1
    kill "$import" "$monitor"
    busybox sleep 0.5
    while IFS= read -r l; do con "E2E-IMPORT $l"; done < /run/e2e-import.log
    while IFS= read -r l; do con "E2E-MONITOR $l"; done < /run/e2e-monitor.log
    removals=$(busybox grep -c "^Deleted.* inet " /run/e2e-monitor.log)
    con "E2E-HANDOVER renewed=$renewed removals=$removals longest_stall_ms=$(busybox cat /run/e2e-worst) ms reads=$(busybox cat /run/e2e-reads 2> /dev/null) seconds=$((($(ms) - start) / 1000))"
fi
for f in /run/earlynet/state/*; do
    [ -f "$f" ] || continue
    while IFS= read -r l || [ -n "$l" ]; do con "E2E-REALROOT-STATE ${f##*/}: $l"; done < "$f"
done
/usr/sbin/earlynet status --state-dir /run/earlynet/state 2>&1 | while IFS= read -r l; do con "E2E-REALROOT-STATUS $l"; done
busybox ip -4 -o addr show | while IFS= read -r l; do con "E2E-REALROOT-ADDR $l"; done
con "E2E-REALROOT-END"
busybox sleep 0.5
echo o > /proc/sysrq-trigger
busybox sleep 30
