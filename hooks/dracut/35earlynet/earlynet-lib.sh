#!/bin/sh
# Shared by the hooks of the earlynet dracut module and earlynet-initrd.service.
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

EARLYNET=/usr/sbin/earlynet
EARLYNET_DONE=/tmp/earlynet.done
EARLYNET_NEEDNET=/run/earlynet/initrd/neednet

# earlynet_configure: bring every device with a profile up, fire the online
# hooks and netroot (earlynet does it per device, in dracut's order), write the
# done flag. When the network is needed (rd.neednet, or a network root) and did
# not come up, say why and refuse to continue, as dracut does.
earlynet_configure() {
    local _rc
    _rc=0
    info "earlynet: bringing the network up"
    "$EARLYNET" run --configure-and-quit --hook-dir "$hookdir" --networkd-dir /run/systemd/network || _rc=$?
    # earlynet writes the flag itself; make sure the finished hook can pass
    [ -e "$EARLYNET_DONE" ] || : > "$EARLYNET_DONE"
    [ "$_rc" -eq 0 ] && return 0
    "$EARLYNET" status 2>&1 | vwarn
    if [ -e "$EARLYNET_NEEDNET" ]; then
        die "earlynet: the network is needed and did not come up (earlynet run exited $_rc; see 'earlynet status')"
    fi
    warn "earlynet: the network did not come up (earlynet run exited $_rc); not needed, going on"
    return 0
}
