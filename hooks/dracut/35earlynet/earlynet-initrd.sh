#!/bin/sh
# ExecStart of earlynet-initrd.service (dracut's systemd init). The root
# handlers that earlynet runs per device (netroot, nfsroot, nbdroot, ...) read
# $root, $netroot and $NEWROOT: take them from the state dracut-cmdline left.
[ -f /dracut-state.sh ] && . /dracut-state.sh 2> /dev/null
export DRACUT_SYSTEMD=1
export NEWROOT="${NEWROOT:-/sysroot}"
type earlynet_configure > /dev/null 2>&1 || . /lib/earlynet-lib.sh

[ -e "$EARLYNET_DONE" ] && exit 0
earlynet_configure
