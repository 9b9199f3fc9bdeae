#!/bin/sh
# initqueue/online hook: sourced by the network handler with $1 = interface.
read -r _e2e_up _ < /proc/uptime
printf 'E2E-ONLINE iface=%s netif=%s uptime=%s\n' "$1" "$netif" "$_e2e_up" > /dev/console
: > "/tmp/e2e-online.$1"
unset _e2e_up
