#!/bin/sh
# pre-udev hook: the cmdline stage (the network handler's generator included) is over.
read -r _e2e_up _ < /proc/uptime
echo "E2E-PRE-UDEV uptime=$_e2e_up" > /dev/console
unset _e2e_up
