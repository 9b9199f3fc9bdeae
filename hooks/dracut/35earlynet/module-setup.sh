#!/bin/bash
# dracut module "earlynet": earlynet brings the network up in the initramfs,
# in place of network-manager or network-legacy. See hooks/README.md.
#
# The binary comes from $EARLYNET_BIN when set (a build tree, for tests),
# else from the PATH of the build host (/usr/sbin/earlynet).

# The binary to install, or nothing.
_earlynet_binary() {
    if [[ -n ${EARLYNET_BIN:-} ]]; then
        [[ -x $EARLYNET_BIN ]] || return 1
        echo "$EARLYNET_BIN"
        return 0
    fi
    find_binary earlynet
}

# Is earlynet itself asked for (--modules, --add, --force-add,
# add_dracutmodules+=)? dracut calls check() of every module it has when it
# builds an image from "all" modules, whichever handler was asked for; a
# module only probed that way must not complain.
_earlynet_requested() {
    [[ " $dracutmodules $add_dracutmodules $force_add_dracutmodules " == *" earlynet "* ]]
}

# _earlynet_have_module NAME: the dracut being run has a module NAME.
_earlynet_have_module() {
    local _d
    for _d in "$dracutbasedir"/modules.d/[0-9][0-9]"$1"; do
        [[ -f $_d/module-setup.sh ]] && return 0
    done
    return 1
}

# called by dracut
check() {
    local _m
    if ! _earlynet_requested; then
        # Merely probed (another handler, or none, was asked for): quiet.
        # Not added by default either way.
        _earlynet_binary > /dev/null || return 1
        return 255
    fi
    if ! _earlynet_binary > /dev/null; then
        derror "earlynet: no earlynet binary (EARLYNET_BIN='${EARLYNET_BIN:-}', PATH)"
        return 1
    fi
    # Two network handlers would fight over the same devices.
    for _m in network-manager network-legacy systemd-networkd connman network-wicked; do
        if [[ " $dracutmodules $add_dracutmodules $force_add_dracutmodules " == *" $_m "* ]]; then
            derror "earlynet: the network handler '$_m' is requested too; an image has one handler"
            return 1
        fi
    done
    # only when asked for (--add earlynet, add_dracutmodules+=" earlynet ")
    return 255
}

# called by dracut
depends() {
    # /sbin/initqueue, dracut-lib.sh and the hook tree come from base,
    # which every image has.
    # dracut-ng (dracut 100 and later) moved /sbin/netroot, net-lib.sh,
    # dhcp-root.sh and ifname-genrules.sh out of the `network` module into
    # `net-lib`, which each network handler pulls in itself (network-manager,
    # network-legacy, systemd-networkd do). dracut 059 has no net-lib: its
    # `network` module installs them.
    if _earlynet_have_module net-lib; then
        echo net-lib
    fi
    return 0
}

# called by dracut
installkernel() {
    # Virtual links earlynet creates from bond=, vlan=, bridge=, team=.
    hostonly='' instmods bonding 8021q bridge
    hostonly='' instmods team team_mode_activebackup team_mode_roundrobin team_mode_loadbalance
    if [[ $hostonly ]]; then
        # the drivers of this machine's own network devices
        local _if _mods
        for _if in /sys/class/net/*; do
            [[ -e $_if/device ]] || continue
            _mods=$(get_dev_module "$_if")
            # shellcheck disable=SC2086
            [[ -n $_mods ]] && instmods $_mods
        done
    else
        # common wired NICs: virtual machines and the usual server and desktop chips
        hostonly='' instmods virtio_net virtio_pci e1000 e1000e igb igc ixgbe i40e ice \
            r8169 tg3 bnx2 bnxt_en vmxnet3 hv_netvsc xen-netfront ena gve
    fi
    return 0
}

# called by dracut
install() {
    local _bin
    _bin=$(_earlynet_binary) || return 1
    inst_binary "$_bin" /usr/sbin/earlynet || return 1
    inst_simple "$moddir/earlynet-lib.sh" /lib/earlynet-lib.sh
    inst_script "$moddir/earlynet-initrd.sh" /sbin/earlynet-initrd
    # cmdline 99: after every root parser (cmdline 90, dhcp-root 91) set $netroot
    inst_hook cmdline 99 "$moddir/earlynet-generate.sh"
    # dracut's shell init: run once udev has settled, as a child of init
    inst_hook initqueue/settled 99 "$moddir/earlynet-run.sh"
    # both inits: before switch_root, the devices still trying in the
    # background are handed over (their state written)
    inst_hook cleanup 99 "$moddir/earlynet-cleanup.sh"
    if dracut_module_included "systemd"; then
        inst_simple "$moddir/earlynet-initrd.service" "$systemdsystemunitdir/earlynet-initrd.service"
        $SYSTEMCTL -q --root "$initdir" enable earlynet-initrd.service
    fi
    # the initqueue (and dracut-initqueue.service) must run: the finished hook waits for earlynet
    dracut_need_initqueue
}
