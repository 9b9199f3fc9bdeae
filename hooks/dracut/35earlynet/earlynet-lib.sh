#!/bin/sh
# Shared by the hooks of the earlynet dracut module and earlynet-initrd.service.
type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh

EARLYNET=/usr/sbin/earlynet
EARLYNET_DONE=/tmp/earlynet.done
EARLYNET_NEEDNET=/run/earlynet/initrd/neednet
EARLYNET_PIDFILE=/tmp/earlynet.pid

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

# earlynet_stop_background: stop the earlynet that kept trying devices after
# the boot went on (its PID file names it), and wait up to 5 s for it to write
# their state and remove the file. Only a process that is earlynet is stopped.
earlynet_stop_background() {
    local _pid _i _comm
    [ -f "$EARLYNET_PIDFILE" ] || return 0
    read -r _pid < "$EARLYNET_PIDFILE" || return 0
    case "$_pid" in '' | *[!0-9]*) return 0 ;; esac
    read -r _comm 2> /dev/null < "/proc/$_pid/comm" || return 0
    [ "$_comm" = earlynet ] || return 0
    info "earlynet: handing the devices still trying over to the real root"
    kill -TERM "$_pid" 2> /dev/null || return 0
    _i=0
    while [ -f "$EARLYNET_PIDFILE" ] && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    [ -f "$EARLYNET_PIDFILE" ] && warn "earlynet: the background earlynet did not stop within 5 s"
    return 0
}
