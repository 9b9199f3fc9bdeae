#!/bin/sh
# pre-mount hook: print what the network handler left, then power off
# (unless rd.e2e.continue: the boot goes on to mount the root).
{
    read -r _e2e_up _ < /proc/uptime
    echo "E2E-REPORT-BEGIN uptime=$_e2e_up"
    for _e2e_f in /tmp/dhclient.*.dhcpopts /tmp/net.*.override /tmp/net.*.resolv.conf /etc/resolv.conf \
        /run/earlynet/initrd/hostname; do
        [ -f "$_e2e_f" ] || continue
        while IFS= read -r _e2e_l || [ -n "$_e2e_l" ]; do
            printf 'E2E-FILE %s: %s\n' "$_e2e_f" "$_e2e_l"
        done < "$_e2e_f"
    done
    for _e2e_f in /tmp/dhclient.*.dhcpopts; do
        [ -f "$_e2e_f" ] || continue
        # what a root handler sees when it sources the file (as netroot does)
        (
            . "$_e2e_f"
            printf 'E2E-SOURCED %s ip=%s mask=%s routers=%s server=%s root_path=%s host_name=%s domain=%s\n' \
                "$_e2e_f" "$new_ip_address" "$new_subnet_mask" "$new_routers" "$new_dhcp_server_identifier" \
                "$new_root_path" "$new_host_name" "$new_domain_name"
        )
    done
    for _e2e_f in /tmp/e2e-online.*; do
        [ -f "$_e2e_f" ] && echo "E2E-ONLINE-FIRED ${_e2e_f#/tmp/e2e-online.}"
    done
    ip -4 -o addr show | while IFS= read -r _e2e_l; do echo "E2E-ADDR $_e2e_l"; done
    ip -4 route show | while IFS= read -r _e2e_l; do echo "E2E-ROUTE $_e2e_l"; done
    ip -6 -o addr show | while IFS= read -r _e2e_l; do echo "E2E-ADDR6 $_e2e_l"; done
    ip -6 route show | while IFS= read -r _e2e_l; do echo "E2E-ROUTE6 $_e2e_l"; done
    echo "E2E-HOSTNAME $(cat /proc/sys/kernel/hostname)"
    echo "E2E-LINK eth0 speed=$(cat /sys/class/net/eth0/speed 2>/dev/null) duplex=$(cat /sys/class/net/eth0/duplex 2>/dev/null)"
    if command -v earlynet > /dev/null; then
        earlynet status 2>&1 | while IFS= read -r _e2e_l; do echo "E2E-STATUS $_e2e_l"; done
        earlynet status --json 2>&1 | while IFS= read -r _e2e_l; do echo "E2E-JSON $_e2e_l"; done
    fi
    # the hostile-option scenario's payloads would create these
    for _e2e_f in /tmp/e2e-pwned /e2e-pwned /run/e2e-pwned; do
        [ -e "$_e2e_f" ] && echo "E2E-PWNED $_e2e_f"
    done
    echo "E2E-REPORT-END"
} > /dev/console 2>&1
unset _e2e_f _e2e_l _e2e_up
if ! getargbool 0 rd.e2e.continue; then
    sleep 0.5
    echo o > /proc/sysrq-trigger
    sleep 30
fi
