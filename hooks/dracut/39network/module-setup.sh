#!/bin/bash
# dracut module "network" with earlynet as one more network handler.
#
# dracut's own 40network (which nfs, iscsi, nbd, cifs, livenet depend on)
# picks its handler from a fixed list (059: network-wicked, connman,
# network-manager, network-legacy, systemd-networkd; dracut-ng:
# network-manager, systemd-networkd, connman, network-legacy). dracut uses the
# lowest-numbered directory of a module name, so this 39network stands in for
# 40network without touching it: when the earlynet module is requested, the
# handler is earlynet; otherwise every function is 40network's own, unchanged.
# Everything 40network installs (059: netroot, net-lib.sh, ifname-genrules,
# dhcp-root) is installed by calling 40network's install(). dracut-ng's
# 40network installs nothing (those files are the net-lib module's, which
# the earlynet module depends on there).

_earlynet_self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# dracut's own network module: the next directory named NNnetwork.
_earlynet_stock_network() {
    local _d
    for _d in "$dracutbasedir"/modules.d/[0-9][0-9]network; do
        [[ $_d -ef $_earlynet_self ]] && continue
        [[ -f $_d/module-setup.sh ]] || continue
        echo "$_d"
        return 0
    done
    derror "network: dracut's own network module (40network) is missing"
    return 1
}

_earlynet_requested() {
    [[ " $dracutmodules $add_dracutmodules $force_add_dracutmodules $mods_to_load $modules_loaded " == *" earlynet "* ]]
}

# _earlynet_stock FUNCTION: run 40network's FUNCTION, in a subshell so that
# sourcing it does not replace our functions.
_earlynet_stock() {
    local _stock
    _stock=$(_earlynet_stock_network) || return 1
    (
        unset -f check depends install installkernel
        # shellcheck disable=SC1091
        . "$_stock/module-setup.sh"
        if declare -F "$1" > /dev/null; then moddir=$_stock "$1"; else true; fi
    )
}

# called by dracut
check() {
    _earlynet_stock check
}

# called by dracut
depends() {
    if _earlynet_requested; then
        # as 40network, with earlynet as the handler. dracut 059's 40network
        # adds qemu-net in a VM (is_qemu_virtualized is dracut 059's helper);
        # dracut-ng's 40network does not (qemu-net adds itself there), nor
        # has it that helper.
        if declare -F is_qemu_virtualized > /dev/null && is_qemu_virtualized; then
            echo -n "qemu-net "
        fi
        echo "kernel-network-modules earlynet"
        return 0
    fi
    _earlynet_stock depends
}

# called by dracut
installkernel() {
    _earlynet_stock installkernel
}

# called by dracut
install() {
    _earlynet_stock install
}
