#!/bin/bash
# Benchmark (not part of the test suite): earlynet against dracut's
# network-manager module in the same initramfs, on the same kernel, qemu and
# test network. Prints the image sizes and, over N boots of each (interleaved,
# so both see the same machine load), the guest's uptime when dracut's
# initqueue/online hook fired ("online") and when the initqueue was done.
#
#   test/e2e/boot_bench.sh PACKAGE [N]      (as root; N defaults to 5)
#
# PACKAGE: earlynet_*.deb or the directory test/e2e/package.sh unpacked it into.
#
# Images, all with dracut's systemd init (network-manager's module needs D-Bus,
# and so systemd; dracut's shell init cannot run it): "SYSTEMD HANDLER network
# e2ereport" + the drivers virtio_pci virtio_net for the boots (ip=dhcp
# rd.neednet=1). dracut's network module is what every network-root image has;
# without it network-manager's module neither makes the initqueue run (so its
# online hooks never fire) nor brings a NIC driver. "SYSTEMD HANDLER nbd" (the
# same + the NBD root handler) for sizes. SYSTEMD = "bash systemd
# systemd-initrd dracut-systemd base".
# KEEP=1 keeps the serial logs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 PACKAGE [N]" >&2; exit 2; }
n=${2:-5}
e2e_init e2e-bench
e2e_require || exit 1
e2e_package "$1" || exit 1
command -v NetworkManager > /dev/null || { echo "network-manager is not installed" >&2; exit 1; }

img=$E2E_WORK/img
mkdir -p "$img"
size_row() { # size_row LABEL IMAGE
    printf '%-46s %8.1f MiB %8.1f MiB %6d files\n' "$1" \
        "$(awk -v b="$(stat -c %s "$2")" 'BEGIN { print b / 1048576 }')" \
        "$(zstd -dc "$2" | wc -c | awk '{ print $1 / 1048576 }')" \
        "$(zstd -dc "$2" | cpio -it 2> /dev/null | wc -l)"
}
sd="bash systemd systemd-initrd dracut-systemd base"
for h in earlynet network-manager; do
    e2e_log "building images with $h"
    e2e_build_initrd "$img/$h.img" "$sd $h network e2ereport" --add-drivers "virtio_pci virtio_net" || exit 1
    e2e_build_initrd "$img/$h-nbd.img" "$sd $h nbd" --filesystems ext4 || exit 1
done

echo "== initramfs size (zstd; unpacked; entries)"
for h in earlynet network-manager; do
    size_row "systemd + $h + network + e2ereport" "$img/$h.img"
done
for h in earlynet network-manager; do
    size_row "systemd + $h + nbd" "$img/$h-nbd.img"
done

declare -A online done_
for i in $(seq "$n"); do
    for h in earlynet network-manager; do
        tag=$h-$i
        e2e_net_up && e2e_dnsmasq "$tag" --dhcp-host="$E2E_MAC,$E2E_GUEST_IP,guest1" \
            --dhcp-option=option:router,$E2E_SERVER || exit 1
        e2e_boot "$tag" "$img/$h.img" "ip=dhcp rd.neednet=1 rd.e2e=1"
        e2e_stop_all
        o=$(e2e_uptime_of "$E2E_WORK/$tag.serial" '^E2E-ONLINE iface=eth0')
        d=$(e2e_uptime_of "$E2E_WORK/$tag.serial" '^E2E-REPORT-BEGIN')
        if [ -z "$o" ] || ! grep -a -q -E "^E2E-ADDR .*inet $E2E_GUEST_IP/" "$E2E_WORK/$tag.serial"; then
            echo "$tag: no lease/online hook (qemu exit $E2E_RC); serial log tail:" >&2
            tail -n 30 "$E2E_WORK/$tag.serial" >&2
            exit 1
        fi
        online[$h]+="$o "
        done_[$h]+="$d "
        printf '%-20s online at %6.2f s, initqueue done at %6.2f s (qemu %s s)\n' "$tag" "$o" "$d" "$E2E_WALL"
    done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "== guest uptime (kernel start -> ...), median of $n boots, qemu TCG -smp 1"
printf '%-18s %10s %16s\n' handler online initqueue-done
for h in earlynet network-manager; do
    printf '%-18s %9.2fs %15.2fs\n' "$h" "$(echo "${online[$h]}" | median)" "$(echo "${done_[$h]}" | median)"
done
