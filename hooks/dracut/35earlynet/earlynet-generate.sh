#!/bin/sh
# cmdline hook 99 (sourced): kernel command line -> earlynet profiles, as
# network-manager's nm-config.sh does with nm-initrd-generator.
type earlynet_configure > /dev/null 2>&1 || . /lib/earlynet-lib.sh

# A root on the network (root=nfs:..., root=dhcp, netroot=iscsi:... parsed by
# the cmdline 90/91 hooks) needs the network.
if [ -n "$netroot" ] || [ -e /tmp/net.ifaces ]; then
    echo rd.neednet >> /etc/cmdline.d/35-neednet.conf
fi

rm -f -- /run/earlynet/profiles/*.nmconnection "$EARLYNET_NEEDNET"
# shellcheck disable=SC2046
if ! "$EARLYNET" generate --link-dir /run/systemd/network -- $(getcmdline); then
    die "earlynet: the network arguments of the kernel command line are wrong (see the line above)"
fi

if getargbool 0 rd.neednet; then
    for _earlynet_p in /run/earlynet/profiles/*.nmconnection; do
        [ -f "$_earlynet_p" ] || continue
        # the initqueue waits until earlynet has tried every device
        echo '[ -e /tmp/earlynet.done ]' > "$hookdir"/initqueue/finished/earlynet.sh
        mkdir -p -- "${EARLYNET_NEEDNET%/*}"
        : > "$EARLYNET_NEEDNET"
        break
    done
    unset _earlynet_p
fi
