#!/bin/bash
# Shared by test/e2e/run_e2e.sh and test/e2e/boot_bench.sh: build a dracut
# initramfs from earlynet's Debian package (the .deb unpacked, not installed:
# its dracut modules in a private module tree, its binary), boot Debian's
# kernel in qemu (TCG) with its NIC on a tap in a private network namespace,
# and clean up everything on exit. Source it, then call e2e_init and
# e2e_package.
#
# Nothing here touches the host's interfaces, routes or resolver: the bridge,
# the tap, dnsmasq and nbd-server live in a namespace made for one boot.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_SRC=$(cd "$E2E_DIR/../.." && pwd)
E2E_MAC=52:54:00:e2:e0:01
E2E_MAC2=52:54:00:e2:e0:02
E2E_SERVER=10.77.0.1
E2E_GUEST_IP=10.77.0.42
# IPv6 on the same bridge (e2e_net_v6): the server, and what DHCPv6 gives the guest.
E2E_SERVER6=2001:db8::1
E2E_GUEST_IP6=2001:db8::42
# dracut's own files and modules (read, never written)
E2E_DRACUT=${E2E_DRACUT:-/usr/lib/dracut}

e2e_log() { printf '%s\n' "$*" >&2; }

# e2e_init WORKDIR_PREFIX: temp dir, cleanup trap.
e2e_init() {
    E2E_WORK=$(mktemp -d "/tmp/${1:-e2e}.XXXXXX")
    E2E_NS=""
    E2E_PIDS=()
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM HUP
}

# e2e_kill PID: SIGTERM, and SIGKILL if it is still there after 2 s; reap it.
e2e_kill() {
    local i
    [ -n "$1" ] || return 0
    kill "$1" 2> /dev/null || return 0
    for i in $(seq 20); do
        kill -0 "$1" 2> /dev/null || break
        sleep 0.1
    done
    kill -9 "$1" 2> /dev/null
    wait "$1" 2> /dev/null
}

# Stop what this run started (by PID), delete its namespace and work dir.
e2e_cleanup() {
    local rc=$?
    set +e
    e2e_stop_all
    if [ "${KEEP:-0}" = 1 ]; then
        e2e_log "kept $E2E_WORK"
    else
        rm -rf "$E2E_WORK"
    fi
    return $rc
}

e2e_require() {
    local missing="" t
    [ "$(id -u)" = 0 ] || { e2e_log "e2e: must run as root (network namespaces, tap)"; return 1; }
    for t in qemu-system-x86_64 dracut dnsmasq nbd-server nbd-client mke2fs busybox ip timeout flock cpio c++ NetworkManager; do
        command -v "$t" > /dev/null || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        e2e_log "e2e: missing:$missing (scripts/install-deps.sh installs them)"
        return 1
    fi
    E2E_KVER=$(e2e_kernel_version) || { e2e_log "e2e: no Debian kernel (linux-image-amd64) in /boot + /lib/modules"; return 1; }
    E2E_KERNEL=/boot/vmlinuz-$E2E_KVER
}

# The newest kernel that has both /boot/vmlinuz-V and /lib/modules/V.
e2e_kernel_version() {
    local d v best=""
    for d in /lib/modules/*; do
        v=${d##*/}
        [ -r "/boot/vmlinuz-$v" ] && [ -e "$d/modules.dep" ] || continue
        best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
    done
    [ -n "$best" ] && echo "$best"
}

# e2e_package PACKAGE: earlynet's package, as a .deb (unpacked here into the
# work dir with dpkg-deb -x) or a directory it was unpacked into
# (test/e2e/package.sh). Sets E2E_PKG (that directory), E2E_BIN (its
# earlynet), E2E_IMPORT_UNIT (its earlynet-import.service) and E2E_PKG_SUM
# (a digest of its file names, modes and contents: the images made from it
# are rebuilt when it changes; its files' times are the changelog's, as
# dpkg-deb clamps them, so they cannot tell). Returns 1, saying what is
# missing, if the package lacks a file the images are made of.
#
# Unpacked, not installed: dpkg -i would change this machine (every dracut
# run here would see the package's modules, its "network" stand-in among
# them), take the dpkg lock and clash with another run testing another
# build; the tests leave the machine as they found it. The files and paths
# are the ones dpkg -i would unpack; what this does not test is the
# maintainer scripts and whether the dependencies resolve.
e2e_package() {
    local pkg=$1 f missing=""
    if [ -f "$pkg" ]; then
        mkdir -p "$E2E_WORK/package"
        dpkg-deb -x "$pkg" "$E2E_WORK/package" || { e2e_log "e2e: dpkg-deb -x $pkg failed"; return 1; }
        pkg=$E2E_WORK/package
    fi
    [ -d "$pkg" ] || { e2e_log "e2e: $pkg: neither a .deb nor an unpacked package"; return 1; }
    E2E_PKG=$(cd "$pkg" && pwd)
    E2E_BIN=$E2E_PKG/usr/sbin/earlynet
    E2E_IMPORT_UNIT=""
    for f in usr/lib/systemd/system lib/systemd/system; do
        [ -f "$E2E_PKG/$f/earlynet-import.service" ] && E2E_IMPORT_UNIT=$E2E_PKG/$f/earlynet-import.service
    done
    [ -x "$E2E_BIN" ] || missing="$missing usr/sbin/earlynet"
    for f in 35earlynet/module-setup.sh 35earlynet/earlynet-lib.sh 39network/module-setup.sh; do
        [ -f "$E2E_PKG/usr/lib/dracut/modules.d/$f" ] || missing="$missing usr/lib/dracut/modules.d/$f"
    done
    [ -n "$E2E_IMPORT_UNIT" ] || missing="$missing lib/systemd/system/earlynet-import.service"
    if [ -n "$missing" ]; then
        e2e_log "e2e: the package ($pkg) has no$missing"
        return 1
    fi
    E2E_PKG_SUM=$(cd "$E2E_PKG" && {
        find . -printf '%y %m %p %l\n' | LC_ALL=C sort
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    } | sha256sum | cut -d' ' -f1)
}

# e2e_module_tree DIR: a fresh dracut module tree (dracutbasedir): the
# package's modules and the test module copied in first, then dracut's own
# files and modules as symlinks, except where a copy is already there (so
# an installed earlynet package's 35earlynet and 39network are left out,
# and no copy ever goes through a symlink into dracut's directory).
e2e_module_tree() {
    local base=$1 f m
    [ ! -e "$base" ] || { e2e_log "e2e: module tree $base already exists"; return 1; }
    mkdir -p "$base/modules.d" || return 1
    for m in "$E2E_PKG"/usr/lib/dracut/modules.d/* "$E2E_DIR"/dracut/*; do
        cp -R "$m" "$base/modules.d/${m##*/}" || return 1
    done
    for f in "$E2E_DRACUT"/*; do
        [ "${f##*/}" = modules.d ] || ln -s "$f" "$base/"
    done
    for m in "$E2E_DRACUT"/modules.d/*; do
        [ -e "$base/modules.d/${m##*/}" ] || ln -s "$m" "$base/modules.d/"
    done
}

# e2e_build_initrd OUT "MODULES" [dracut args...]: from the package (e2e_package)
e2e_build_initrd() {
    local out=$1 mods=$2 tree
    shift 2
    tree=$(mktemp -d "$E2E_WORK/dracut.XXXXXX")
    e2e_module_tree "$tree/base" || { rm -rf "$tree"; return 1; }
    mkdir -p "$tree/conf.d"
    : > "$tree/dracut.conf"
    EARLYNET_BIN=$E2E_BIN dracutbasedir=$tree/base dracut --force --quiet \
        --conf "$tree/dracut.conf" --confdir "$tree/conf.d" \
        --no-hostonly --no-hostonly-cmdline --no-early-microcode \
        --modules "$mods" --compress zstd --kver "$E2E_KVER" "$@" "$out.tmp" \
        || { rm -rf "$tree"; return 1; }
    mv -f "$out.tmp" "$out"
    rm -rf "$tree"
}

# e2e_build_rootfs OUT: an ext4 image whose /sbin/init prints earlynet's
# state from the initrd (under /run, moved by switch_root) and powers off;
# the package's earlynet.
e2e_build_rootfs() {
    local out=$1 bin=$E2E_BIN dir lib
    dir=$(mktemp -d "$E2E_WORK/rootfs.XXXXXX")
    mkdir -p "$dir"/{bin,sbin,usr/sbin,etc,proc,sys,dev,run,tmp,lib64,lib/x86_64-linux-gnu}
    cp /bin/busybox "$dir/bin/busybox"
    cp "$bin" "$dir/usr/sbin/earlynet"
    for lib in $(ldd /bin/busybox "$bin" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u); do
        [ -e "$lib" ] || continue
        mkdir -p "$dir$(dirname "$lib")"
        cp -L "$lib" "$dir$lib"
    done
    ln -s busybox "$dir/bin/sh"
    cp "$E2E_DIR/rootfs-init.sh" "$dir/sbin/init"
    chmod 0755 "$dir/sbin/init"
    echo e2e-realroot > "$dir/etc/hostname"
    mke2fs -q -F -t ext4 -L e2eroot -d "$dir" "$out.tmp" 96M || { rm -rf "$dir"; return 1; }
    mv -f "$out.tmp" "$out"
    rm -rf "$dir"
}

# e2e_files_of TREE FILE...: the files (paths in TREE, as the guest sees
# them) and the shared libraries they load, one per line.
e2e_files_of() {
    local tree=$1 f
    shift
    for f in "$@"; do
        echo "$f"
        ldd "$tree$f" | awk '/=>/ { print $3 }'
    done | sort -u
}

# e2e_build_systemd_rootfs OUT: an ext4 image of a real root
# that boots systemd, with what the handover scenarios need from this
# machine's installed packages: systemd, journald, udevd, systemd-networkd,
# D-Bus and NetworkManager, collected by dracut itself (it copies binaries,
# libraries and units as it does for an initramfs), then made a real root:
# no /init, default.target multi-user, the package's earlynet and
# earlynet-import.service installed and the unit enabled, the e2e observer
# service added.
# The kernel command line picks the manager (e2e.handover=); the others are
# masked there.
e2e_build_systemd_rootfs() {
    local out=$1 bin=$E2E_BIN dir units
    dir=$(mktemp -d "$E2E_WORK/sdroot.XXXXXX")
    mkdir "$dir/no-conf.d"
    dracut --force --quiet --conf /dev/null --confdir "$dir/no-conf.d" \
        --no-hostonly --no-hostonly-cmdline --no-early-microcode --no-kernel --no-compress \
        --modules "systemd systemd-networkd udev-rules dbus network-manager" \
        --kver "$E2E_KVER" "$dir/tree.cpio" || { rm -rf "$dir"; return 1; }
    mkdir "$dir/tree"
    (cd "$dir/tree" && cpio -id --quiet < ../tree.cpio) || { rm -rf "$dir"; return 1; }
    rm -f "$dir/tree.cpio" "$dir/tree/init"
    # dracut enables networkd and NetworkManager's initrd units for an
    # initramfs; here nothing is enabled but what a scenario asks for.
    rm -rf "$dir/tree/etc/systemd/system"/*.wants "$dir/tree/etc/systemd/system/dbus-org.freedesktop.network1.service"
    rm -f "$dir/tree/usr/lib/systemd/system"/nm-*initrd.service
    units=$dir/tree/usr/lib/systemd/system
    ln -sf ../lib/systemd/systemd "$dir/tree/usr/sbin/init"
    ln -sf multi-user.target "$units/default.target"
    cp /bin/busybox "$dir/tree/usr/bin/busybox"
    cp "$bin" "$dir/tree/usr/sbin/earlynet"
    for lib in $(ldd "$bin" | awk '/=>/ {print $3}'); do
        [ -e "$dir/tree$lib" ] || cp -L "$lib" "$dir/tree$lib"
    done
    # NetworkManager as Debian runs it (dracut installs only its initrd units)
    cp /lib/systemd/system/NetworkManager.service "$units/"
    mkdir -p "$dir/tree/etc/NetworkManager" "$dir/tree/var/lib/NetworkManager"
    printf '[main]\nplugins=keyfile\n' > "$dir/tree/etc/NetworkManager/NetworkManager.conf"
    cp "$E2E_IMPORT_UNIT" "$E2E_DIR/realroot/e2e-handover.service" "$units/"
    mkdir -p "$units/multi-user.target.wants" "$units/sysinit.target.wants" "$dir/tree/usr/lib/e2e"
    ln -sf ../earlynet-import.service "$units/multi-user.target.wants/"
    ln -sf ../e2e-handover.service "$units/sysinit.target.wants/"
    cp "$E2E_DIR/realroot/handover.sh" "$dir/tree/usr/lib/e2e/"
    "${CXX:-c++}" -std=c++20 -O2 -static -pthread -o "$dir/tree/usr/lib/e2e/e2e-root-reader" "$E2E_DIR/realroot/root_reader.cc" \
        || { rm -rf "$dir"; return 1; }
    # What each manager loads: read into the page cache before it starts, so
    # that its own page-in over the root device is not counted as a stall.
    e2e_files_of "$dir/tree" /usr/sbin/earlynet > "$dir/tree/usr/lib/e2e/preload.earlynet"
    local plugins=("$dir"/tree/usr/lib/x86_64-linux-gnu/NetworkManager/*/*.so)
    e2e_files_of "$dir/tree" /usr/sbin/NetworkManager "${plugins[@]#"$dir"/tree}" \
        > "$dir/tree/usr/lib/e2e/preload.NetworkManager"
    e2e_files_of "$dir/tree" /lib/systemd/systemd-networkd > "$dir/tree/usr/lib/e2e/preload.networkd"
    echo e2e-realroot > "$dir/tree/etc/hostname"
    # systemd's switch_root (a systemd initramfs) takes only an OS tree
    rm -f "$dir/tree/etc/initrd-release" "$dir/tree/usr/lib/initrd-release" "$dir/tree/etc/os-release"
    cp /usr/lib/os-release "$dir/tree/usr/lib/os-release"
    ln -s ../usr/lib/os-release "$dir/tree/etc/os-release"
    mke2fs -q -F -t ext4 -L e2eroot -d "$dir/tree" "$out.tmp" 192M || { rm -rf "$dir"; return 1; }
    mv -f "$out.tmp" "$out"
    rm -rf "$dir"
}

# e2e_net_up: namespace with a bridge (10.77.0.1/24) and the guest's tap on it.
e2e_net_up() {
    E2E_NS=e2e-$$-$RANDOM
    ip netns add "$E2E_NS" || { E2E_NS=""; return 1; }
    ip -n "$E2E_NS" link set lo up
    ip -n "$E2E_NS" link add br0 type bridge
    ip -n "$E2E_NS" addr add "$E2E_SERVER/24" dev br0
    ip -n "$E2E_NS" link set br0 up
    local tap
    # tap1 is the second NIC's cable, for the bond scenario (E2E_NICS=2).
    for tap in tap0 tap1; do
        ip -n "$E2E_NS" tuntap add dev "$tap" mode tap
        ip -n "$E2E_NS" link set "$tap" master br0
        ip -n "$E2E_NS" link set "$tap" up
    done
}

# e2e_net_v6: the bridge gets 2001:db8::1/64 too (no DAD: nbd-server binds
# it at once) and floods multicast without MLD snooping, so the guest's
# router solicitations and DHCPv6 SOLICITs (ff02::2, ff02::1:2) reach dnsmasq
# whatever the bridge learnt.
e2e_net_v6() {
    ip -n "$E2E_NS" link set br0 type bridge mcast_snooping 0 &&
        ip -n "$E2E_NS" addr add "$E2E_SERVER6/64" dev br0 nodad
}

e2e_net_down() {
    [ -n "$E2E_NS" ] || return 0
    ip -n "$E2E_NS" link del tap0 2> /dev/null
    ip -n "$E2E_NS" link del tap1 2> /dev/null
    ip -n "$E2E_NS" link del br0 2> /dev/null
    ip netns del "$E2E_NS" 2> /dev/null
    E2E_NS=""
}

# e2e_stop_all: end this boot's servers, delete its namespace.
e2e_stop_all() {
    local pid
    for pid in "${E2E_PIDS[@]}"; do
        e2e_kill "$pid"
    done
    E2E_PIDS=()
    e2e_net_down
}

# e2e_dnsmasq TAG [extra dnsmasq args]: DHCP server on br0; the guest's MAC gets 10.77.0.42.
# Its log and lease file are $E2E_WORK/TAG.dnsmasq.log and TAG.leases.
e2e_dnsmasq() {
    local tag=$1 pid i
    shift
    ip netns exec "$E2E_NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root \
        --port=0 --no-resolv --no-hosts --bind-interfaces --interface=br0 \
        --dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h \
        --dhcp-leasefile="$E2E_WORK/$tag.leases" --pid-file="$E2E_WORK/$tag.dnsmasq.pid" \
        --log-dhcp --log-facility="$E2E_WORK/$tag.dnsmasq.log" "$@" &
    pid=$!
    E2E_PIDS+=("$pid")
    for i in $(seq 50); do
        [ -s "$E2E_WORK/$tag.dnsmasq.pid" ] && break
        sleep 0.1
    done
    kill -0 "$pid" 2> /dev/null || { e2e_log "dnsmasq did not start"; return 1; }
}

# e2e_nbd TAG IMAGE [ADDRESS]: nbd-server on ADDRESS (10.77.0.1; 2001:db8::1
# after e2e_net_v6) port 10809 exporting a copy of IMAGE as "root"
# (writable: dracut runs e2fsck on the root before mounting it).
e2e_nbd() {
    local tag=$1 img=$E2E_WORK/$1.root.img addr=${3:-$E2E_SERVER} listen pid i
    listen=$addr
    [[ $addr == *:* ]] && listen="[$addr]"
    cp --sparse=always "$2" "$img" || return 1
    cat > "$E2E_WORK/$tag.nbd.conf" << CONF
[generic]
    listenaddr = $addr
    port = 10809
    allowlist = false
[root]
    exportname = $img
CONF
    ip netns exec "$E2E_NS" nbd-server -d -C "$E2E_WORK/$tag.nbd.conf" > "$E2E_WORK/$tag.nbd.log" 2>&1 &
    pid=$!
    E2E_PIDS+=("$pid")
    for i in $(seq 50); do
        ip netns exec "$E2E_NS" ss -ltn 2> /dev/null | grep -q -F "$listen:10809" && break
        sleep 0.1
    done
    kill -0 "$pid" 2> /dev/null || { e2e_log "nbd-server did not start: $(cat "$E2E_WORK/$tag.nbd.log")"; return 1; }
}

# e2e_boot TAG INITRD "KERNEL ARGS" [TIMEOUT]: boot in the namespace; serial
# console to $E2E_WORK/TAG.serial. Sets E2E_RC (qemu's exit code, 124 =
# timeout) and E2E_WALL (seconds, qemu start to exit).
e2e_boot() {
    local tag=$1 initrd=$2 args=$3 limit=${4:-180} t0 t1 pid
    local cmdline="console=ttyS0 panic=-1 rd.shell=0 rd.emergency=poweroff net.ifnames=0 rd.retry=30 $args"
    local second_nic=() idle=() i
    [ "${E2E_NICS:-1}" = 2 ] && second_nic=(-netdev tap,id=n1,ifname=tap1,script=no,downscript=no
        -device "virtio-net-pci,netdev=n1,mac=$E2E_MAC2")
    # E2E_IDLE_NICS=N: N more NICs without a carrier (a hub of their own each,
    # and their link set off through the monitor before the guest's driver
    # reads it), like the uncabled ports of a server.
    for i in $(seq 1 "${E2E_IDLE_NICS:-0}"); do
        idle+=(-netdev "hubport,id=idle$i,hubid=$((100 + i))"
            -device "virtio-net-pci,netdev=idle$i,mac=52:54:00:e2:e1:$(printf %02x "$i")")
    done
    [ ${#idle[@]} -gt 0 ] && idle+=(-monitor "unix:$E2E_WORK/$tag.monitor,server=on,wait=off")
    : > "$E2E_WORK/$tag.serial"
    t0=$(date +%s%N)
    timeout -k 5 "$limit" ip netns exec "$E2E_NS" \
        qemu-system-x86_64 -accel tcg -machine pc -m 512 -smp 1 \
        -nodefaults -no-user-config -display none -no-reboot \
        -serial "file:$E2E_WORK/$tag.serial" \
        -kernel "$E2E_KERNEL" -initrd "$initrd" -append "$cmdline" \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
        -device "virtio-net-pci,netdev=n0,mac=$E2E_MAC" "${second_nic[@]}" "${idle[@]}" &
    pid=$!
    E2E_PIDS+=("$pid")
    [ "${E2E_IDLE_NICS:-0}" -gt 0 ] && e2e_links_off "$E2E_WORK/$tag.monitor" "${E2E_IDLE_NICS}"
    E2E_RC=0
    wait "$pid" || E2E_RC=$?
    E2E_PIDS=("${E2E_PIDS[@]/$pid/}")
    t1=$(date +%s%N)
    E2E_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
}

# e2e_links_off MONITOR N: set_link idle1..N off on qemu's monitor socket
# (waits up to 5 s for the socket; the kernel takes seconds to probe NICs).
e2e_links_off() {
    python3 - "$1" "$2" <<'PY' || e2e_log "could not set the idle NICs' links off"
import os, socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
for _ in range(500):
    if os.path.exists(path):
        break
    time.sleep(0.01)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
for i in range(1, n + 1):
    s.sendall(b"set_link idle%d off\n" % i)
time.sleep(0.2)
s.close()
PY
}

# The guest uptime on the first console line matching an extended regex with uptime=N.
e2e_uptime_of() {
    grep -a -E "$2" "$1" | head -n1 | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p'
}
