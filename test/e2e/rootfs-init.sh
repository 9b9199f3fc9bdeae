#!/bin/sh
# /sbin/init of the NBD root image: the real root reads what earlynet left
# under /run (moved there by switch_root), prints it, powers off. (The
# handover scenarios boot a systemd real root instead: realroot/.)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
busybox mount -t proc proc /proc
busybox mount -t sysfs sysfs /sys
con() { busybox echo "$*" > /dev/console; }
read -r up _ < /proc/uptime
con "E2E-REALROOT-BEGIN uptime=$up"
busybox awk '$2 == "/" { print "E2E-REALROOT-MOUNT " $1 " " $3 " " $4 }' /proc/mounts > /dev/console
for f in /run/earlynet/state/*; do
    [ -f "$f" ] || continue
    while IFS= read -r l || [ -n "$l" ]; do con "E2E-REALROOT-STATE ${f##*/}: $l"; done < "$f"
done
/usr/sbin/earlynet status --state-dir /run/earlynet/state 2>&1 | while IFS= read -r l; do con "E2E-REALROOT-STATUS $l"; done
busybox ip -4 -o addr show | while IFS= read -r l; do con "E2E-REALROOT-ADDR $l"; done
busybox ip -6 -o addr show | while IFS= read -r l; do con "E2E-REALROOT-ADDR6 $l"; done
busybox ip -6 route show | while IFS= read -r l; do con "E2E-REALROOT-ROUTE6 $l"; done
/usr/sbin/earlynet status --json --state-dir /run/earlynet/state 2>&1 | while IFS= read -r l; do con "E2E-REALROOT-JSON $l"; done
con "E2E-REALROOT-END"
busybox sleep 0.5
echo o > /proc/sysrq-trigger
busybox sleep 30
