#!/bin/sh
# cleanup hook 99 (sourced by dracut before switch_root, in both inits): with
# the root on the network, `earlynet run --configure-and-quit` returned once
# the root's device was up and left the devices still trying (NICs without a
# carrier) to a background earlynet. Stop it now: it writes their state, which
# `earlynet run --import` continues in the real root. Its PID file goes away
# once the state is written.
type earlynet_stop_background > /dev/null 2>&1 || . /lib/earlynet-lib.sh
earlynet_stop_background
