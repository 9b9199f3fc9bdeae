#!/bin/sh
# initqueue/settled hook 99 (sourced by dracut's init once udev has settled):
# runs earlynet as a child of init, once. Under systemd,
# earlynet-initrd.service does it instead.
type earlynet_configure > /dev/null 2>&1 || . /lib/earlynet-lib.sh

if [ -z "$DRACUT_SYSTEMD" ] && [ ! -e "$EARLYNET_DONE" ] && [ -e "$EARLYNET_NEEDNET" ]; then
    earlynet_configure
fi
