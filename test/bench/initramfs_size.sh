#!/bin/bash
# initramfs_size.sh — what earlynet costs in a dracut initramfs, beside the
# peers (dracut's network-manager, network-legacy and systemd-networkd
# modules). A benchmark, not a test: it fails only when it cannot measure.
#
#   test/bench/initramfs_size.sh [-o DIR] [--no-install] EARLYNET_BINARY   (as root)
#
# EARLYNET_BINARY is the earlynet binary or a build directory holding it.
# -o DIR keeps the images (ID.img), their listings (ID.list: path, type,
# size, link target), dracut's messages (ID.log) and the report (report.md);
# without it everything is made in a temp dir and deleted on exit.
# --no-install: do not apt-get the missing Debian packages (dracut-core
# dracut-network zstd cpio binutils network-manager isc-dhcp-client
# iputils-arping); rows whose handler is missing are then skipped.
# network-manager is installed under a policy-rc.d that exits 101, so its
# postinst does not start NetworkManager on the host.
#
# Every image is built as test/e2e/lib.sh's e2e_build_initrd builds the e2e
# images (sourced from there): from a private copy of dracut's module tree
# with hooks/dracut/35earlynet and 39network added, an empty dracut.conf
# (the host's /etc/dracut.conf.d is not read), --no-hostonly, zstd, no early
# microcode, the Debian kernel's modules (the newest /lib/modules/V that has
# a /boot/vmlinuz-V, else --no-kernel) + the NIC drivers virtio_net and
# virtio_pci. Nothing is written to /boot.
#
# Two kinds of image, each with the same base in every row:
#   systemd init: --modules "bash systemd systemd-initrd dracut-systemd base"
#   shell init:   --modules "bash base" --omit systemd
# and per kind: no network module; + earlynet; + network-manager;
# + network-legacy; + systemd-networkd; then the same handlers + dracut's
# `network` module (what every network root - nfs, nbd, iscsi - brings: netroot,
# net-lib.sh and kernel-network-modules, i.e. every wired NIC driver).
# dracut refuses network-manager and systemd-networkd without systemd (they
# need D-Bus); those rows print dracut's reason.
#
# For each image: zstd size, unpacked (cpio stream) size and entries, the
# delta over the "no network" image of the same kind, the files the network
# module adds split into kernel modules and the rest, and the 15 largest
# added files outside /lib/modules (plus the 5 largest kernel modules).
# Then earlynet's shared libraries with whether each is already in the base
# images (shared with systemd), and the binary's "footprint beyond glibc":
# the sum of the sizes of its shared libraries (ldd, symlinks resolved)
# other than glibc's own (libc, libm, libpthread, libdl, librt, libresolv,
# libutil, libanl, ld-linux, linux-vdso). Markdown tables on stdout.
#
# Through meson:  meson test -C BUILD --benchmark --suite size -v
set -euo pipefail
export LC_ALL=C

OUT=""
INSTALL=1
usage() { sed -n '2,46p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case $1 in
        -o) [ $# -ge 2 ] || usage 2; OUT=$2; shift 2 ;;
        --no-install) INSTALL=0; shift ;;
        -h | --help) usage ;;
        -*) usage 2 ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || usage 2
say() { printf '%s\n' "$*" >&2; }
die() { say "initramfs_size.sh: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (dracut, cpio of device nodes)"
BIN=$1
[ -d "$BIN" ] && BIN=$BIN/earlynet
BIN=$(readlink -f "$BIN")
[ -x "$BIN" ] || die "no earlynet binary at $1"

# ------------------------------------------------------------- packages ---
if [ "$INSTALL" = 1 ]; then
    missing=()
    for p in dracut-core dracut-network zstd cpio binutils network-manager isc-dhcp-client iputils-arping; do
        dpkg-query -W -f '${Status}\n' "$p" 2> /dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "initramfs_size.sh: apt-get install ${missing[*]}"
        # network-manager's postinst would start NetworkManager on the host,
        # which would take over its interfaces: a policy-rc.d that says 101
        # ("action forbidden") stops it; ours only if there is none already.
        made_policy=""
        trap '[ -z "$made_policy" ] || rm -f "$made_policy"' EXIT
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 0755 /usr/sbin/policy-rc.d
            made_policy=/usr/sbin/policy-rc.d
        fi
        rc=0
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
        [ -z "$made_policy" ] || rm -f "$made_policy"
        made_policy=""
        trap - EXIT
        [ "$rc" = 0 ] || die "apt-get install failed"
    fi
fi
for c in dracut zstd cpio strip ldd find awk; do
    command -v "$c" > /dev/null || die "needs $c"
done

# --------------------------------------------------------------- set up ---
# shellcheck source-path=SCRIPTDIR source=../e2e/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_init earlynet-size # E2E_WORK, and a trap that deletes it on exit
if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    OUT=$(cd "$OUT" && pwd)
    D=$OUT
else
    D=$E2E_WORK/out
    mkdir -p "$D"
fi

KERNEL_ARGS=(--add-drivers "virtio_pci virtio_net")
E2E_KVER=$(e2e_kernel_version) || E2E_KVER=""
if [ -z "$E2E_KVER" ]; then
    for k in /lib/modules/*/modules.dep; do
        [ -e "$k" ] || continue
        k=${k%/modules.dep}
        E2E_KVER=$(printf '%s\n%s\n' "$E2E_KVER" "${k##*/}" | sed '/^$/d' | sort -V | tail -n1)
    done
fi
if [ -n "$E2E_KVER" ]; then
    KERNEL_NOTE="kernel modules of $E2E_KVER"
else
    E2E_KVER=$(uname -r)
    KERNEL_ARGS=(--no-kernel)
    KERNEL_NOTE="--no-kernel (no /lib/modules/V/modules.dep here): no kernel modules at all"
fi

SD_BASE="bash systemd systemd-initrd dracut-systemd base"
SH_BASE="bash base"

NM_GEN=""
for g in /usr/lib/NetworkManager/nm-initrd-generator /usr/libexec/nm-initrd-generator /usr/lib/nm-initrd-generator; do
    [ -x "$g" ] && { NM_GEN=$g; break; }
done
# why_missing HANDLER NETWORK: what the build host lacks for HANDLER's dracut
# module (and for dracut's network module when NETWORK is 1), or nothing
why_missing() {
    case $1 in
        network-manager)
            command -v NetworkManager > /dev/null && [ -n "$NM_GEN" ] || echo "NetworkManager or nm-initrd-generator not installed (network-manager)"
            ;;
        network-legacy)
            command -v dhclient > /dev/null || echo "dhclient not installed (isc-dhcp-client)"
            command -v arping > /dev/null || echo "arping not installed (iputils-arping)"
            ;;
        systemd-networkd)
            [ -x /lib/systemd/systemd-networkd ] && command -v networkctl > /dev/null || echo "systemd-networkd not installed (systemd)"
            ;;
    esac
    case $1 in network-manager | network-legacy) ;; *) [ "$2" = 1 ] || return 0 ;; esac
    [ -d /usr/lib/dracut/modules.d/40network ] || echo "dracut's network modules not installed (dracut-network)"
}

# ---------------------------------------------------------------- build ---
# rows: ID KIND HANDLER NETWORK(0/1) EXPECT(ok/refuse)
ROWS=(
    "sd-none sd none 0 ok"
    "sd-earlynet sd earlynet 0 ok"
    "sd-nm sd network-manager 0 ok"
    "sd-legacy sd network-legacy 0 ok"
    "sd-networkd sd systemd-networkd 0 ok"
    "sd-earlynet-net sd earlynet 1 ok"
    "sd-nm-net sd network-manager 1 ok"
    "sd-legacy-net sd network-legacy 1 ok"
    "sd-networkd-net sd systemd-networkd 1 ok"
    "sh-none sh none 0 ok"
    "sh-earlynet sh earlynet 0 ok"
    "sh-legacy sh network-legacy 0 ok"
    "sh-nm sh network-manager 0 refuse"
    "sh-networkd sh systemd-networkd 0 refuse"
    "sh-earlynet-net sh earlynet 1 ok"
    "sh-legacy-net sh network-legacy 1 ok"
)
declare -A STATUS NOTE

# listing IMAGE OUT: one line per entry: path, type (find's %y), size, link target
listing() {
    local x
    x=$(mktemp -d "$E2E_WORK/x.XXXXXX")
    (cd "$x" && zstd -dc "$1" | cpio -id --quiet --no-absolute-filenames)
    (cd "$x" && find . -mindepth 1 -printf '%P\t%y\t%s\t%l\n') | sort > "$2"
    rm -rf "$x"
}

for row in "${ROWS[@]}"; do
    read -r id kind handler net expect <<< "$row"
    mods=$SD_BASE
    args=("${KERNEL_ARGS[@]}")
    if [ "$kind" = sh ]; then
        mods=$SH_BASE
        args+=(--omit systemd)
    fi
    [ "$handler" = none ] || mods="$mods $handler"
    [ "$net" = 0 ] || mods="$mods network"
    why=""
    [ "$handler" = none ] || why=$(why_missing "$handler" "$net")
    if [ -n "$why" ]; then
        STATUS[$id]=skipped
        rm -f "$D/$id.img" "$D/$id.list"
        NOTE[$id]="skipped: $(echo "$why" | paste -sd ';' | sed 's/;/; /g')"
        say "== $id: ${NOTE[$id]}"
        continue
    fi
    say "== $id: dracut --modules \"$mods\" ${args[*]}"
    rm -f "$D/$id.img" "$D/$id.list"
    if e2e_build_initrd "$D/$id.img" "$BIN" "$mods" "${args[@]}" 2> "$D/$id.log"; then
        STATUS[$id]=built
        listing "$D/$id.img" "$D/$id.list"
        [ "$expect" = ok ] || NOTE[$id]="dracut built it, though it was expected to refuse"
    else
        STATUS[$id]=refused
        NOTE[$id]="dracut refuses: $(grep -v '^$' "$D/$id.log" | sed 's/^dracut: //' | paste -sd '|' | sed 's/|/; /g')"
        say "   ${NOTE[$id]}"
        [ "$expect" = refuse ] || die "$id: dracut failed (expected an image); its messages: $(cat "$D/$id.log")"
    fi
done

# --------------------------------------------------------------- report ---
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
skib() { awk -v b="$1" 'BEGIN { printf "%+.1f", b / 1024 }'; }
declare -A ZST RAW ENT
for row in "${ROWS[@]}"; do
    read -r id _ <<< "$row"
    [ "${STATUS[$id]}" = built ] || continue
    ZST[$id]=$(stat -c %s "$D/$id.img")
    RAW[$id]=$(zstd -dc "$D/$id.img" | wc -c)
    ENT[$id]=$(zstd -dc "$D/$id.img" | cpio -it --quiet 2> /dev/null | wc -l)
done

# added BASE_LIST LIST: the entries of LIST that BASE_LIST lacks: size, type, path, target
added() {
    awk -F'\t' -v OFS='\t' 'NR == FNR { b[$1] = 1; next } !($1 in b) { print $3, $2, $1, $4 }' "$1" "$2"
}
# split BASE_LIST LIST: "KMOD_BYTES KMOD_FILES USER_BYTES USER_FILES CHANGED_FILES CHANGED_BYTES"
split_delta() {
    awk -F'\t' 'NR == FNR { t[$1] = $2; s[$1] = $3; next }
        !($1 in t) { if ($2 != "f") next
                     if ($1 ~ /^(usr\/)?lib\/modules\//) { kb += $3; kf++ } else { ub += $3; uf++ }
                     next }
        $2 == "f" && t[$1] == "f" && s[$1] != $3 { cf++; cb += $3 - s[$1] }
        END { printf "%d %d %d %d %d %d\n", kb, kf, ub, uf, cf, cb }' "$1" "$2"
}

label() { # label ID
    local kind handler net
    read -r _ kind handler net _ <<< "$(printf '%s\n' "${ROWS[@]}" | awk -v id="$1" '$1 == id')"
    local s
    if [ "$handler" = none ]; then s="no network module"; else s="+ $handler"; fi
    [ "$net" = 0 ] || s="$s + network"
    echo "$s"
}

report() {
    local kind base title id handler net expect k kf u uf cf cb
    echo "# earlynet initramfs size"
    echo
    echo "earlynet: \`$BIN\`; dracut $(dracut --version 2> /dev/null | awk '{ print $2 }'), $KERNEL_NOTE, \`--add-drivers \"virtio_pci virtio_net\"\` in every row, --no-hostonly, zstd (dracut's level), no early microcode, dracut strips binaries (\`strip -g\`)."
    echo "Base of every systemd row: \`$SD_BASE\`; of every shell-init row: \`$SH_BASE\` + \`--omit systemd\`."
    echo "\"+ network\" rows add dracut's \`network\` module (netroot, net-lib.sh, kernel-network-modules = every wired NIC driver), what any nfs/nbd/iscsi root brings; earlynet's goes through hooks/dracut/39network."
    echo "Δ = over the \"no network module\" image of the same kind. \"kmods\" = added files under /lib/modules, \"other\" = every other added file (sizes as in the image); \"changed\" = files in both whose size differs (modules.dep, ld.so.cache, ...)."
    for kind in sd sh; do
        base=$kind-none
        if [ "$kind" = sd ]; then title="systemd init"; else title="shell init (no systemd)"; fi
        echo
        echo "## $title"
        echo
        echo "| image | zstd MiB | unpacked MiB | entries | Δ zstd KiB | Δ unpacked KiB | Δ entries | added kmods KiB (files) | added other KiB (files) | changed files (KiB) | note |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        for row in "${ROWS[@]}"; do
            read -r id k handler net expect <<< "$row"
            [ "$k" = "$kind" ] || continue
            if [ "${STATUS[$id]}" != built ]; then
                echo "| $(label "$id") | — | — | — | — | — | — | — | — | — | ${NOTE[$id]:-} |"
                continue
            fi
            if [ "$id" = "$base" ]; then
                echo "| $(label "$id") | $(mib "${ZST[$id]}") | $(mib "${RAW[$id]}") | ${ENT[$id]} | — | — | — | — | — | — | the base |"
                continue
            fi
            read -r k kf u uf cf cb <<< "$(split_delta "$D/$base.list" "$D/$id.list")"
            echo "| $(label "$id") | $(mib "${ZST[$id]}") | $(mib "${RAW[$id]}") | ${ENT[$id]} |" \
                "$(skib $((ZST[$id] - ZST[$base]))) | $(skib $((RAW[$id] - RAW[$base]))) | $(printf '%+d' $((ENT[$id] - ENT[$base]))) |" \
                "$(kib "$k") ($kf) | $(kib "$u") ($uf) | $cf ($(skib "$cb")) | ${NOTE[$id]:-} |"
        done
    done

    echo
    echo "## What each network module adds"
    echo
    echo "The 15 largest files each image has and the \"no network module\" image of its kind lacks, outside /lib/modules (a file that is already in the base, such as a library systemd uses, is not added and not listed); then the kernel modules it adds."
    for row in "${ROWS[@]}"; do
        read -r id kind handler net expect <<< "$row"
        if [ "$handler" = none ] || [ "${STATUS[$id]}" != built ]; then continue; fi
        base=$kind-none
        echo
        if [ "$kind" = sd ]; then title="systemd init"; else title="shell init"; fi
        echo "### $title $(label "$id")"
        echo
        echo "| added file | KiB |"
        echo "|---|---:|"
        added "$D/$base.list" "$D/$id.list" | awk -F'\t' '$2 == "f" && $3 !~ /^(usr\/)?lib\/modules\//' \
            | sort -t$'\t' -k1,1nr -k3,3 | head -n 15 \
            | while IFS=$'\t' read -r s _ p _; do echo "| /$p | $(kib "$s") |"; done
        added "$D/$base.list" "$D/$id.list" | awk -F'\t' '$2 == "f" && $3 ~ /^(usr\/)?lib\/modules\//' \
            | sort -t$'\t' -k1,1nr -k3,3 > "$E2E_WORK/kmods"
        if [ -s "$E2E_WORK/kmods" ]; then
            printf '\nkernel modules added: %d, %s KiB; largest: %s\n' "$(wc -l < "$E2E_WORK/kmods")" \
                "$(awk -F'\t' '{ s += $1 } END { printf "%.1f", s / 1024 }' "$E2E_WORK/kmods")" \
                "$(head -n 5 "$E2E_WORK/kmods" | awk -F'\t' '{ n = $3; sub(/.*\//, "", n); printf "%s%s %.0f KiB", (NR > 1 ? ", " : ""), n, $1 / 1024 }')"
        else
            printf '\nkernel modules added: none\n'
        fi
    done

    echo
    echo "## earlynet's binary and its shared libraries"
    echo
    local ondisk gstrip fstrip tmp
    tmp=$E2E_WORK/strip.tmp
    ondisk=$(stat -c %s "$BIN")
    strip -g -o "$tmp" "$BIN" && gstrip=$(stat -c %s "$tmp")
    strip -o "$tmp" "$BIN" && fstrip=$(stat -c %s "$tmp")
    rm -f "$tmp"
    echo "| earlynet | KiB |"
    echo "|---|---:|"
    echo "| on disk | $(kib "$ondisk") |"
    echo "| \`strip -g\` (as dracut installs it) | $(kib "$gstrip") |"
    echo "| \`strip\` (all symbols) | $(kib "$fstrip") |"
    echo
    local libs lib real base_sd base_sh ins sum=0 sumimg=0 n=0 inimg new_sd=0 new_sh=0
    libs=$(ldd "$BIN" 2> /dev/null | awk '/=>/ && $3 ~ /^\// { print $3 }' || true)
    if [ -z "$libs" ]; then
        echo "ldd: no shared libraries (static binary): footprint beyond glibc 0 KiB."
        return 0
    fi
    echo "Shared libraries beyond glibc (ldd, symlinks resolved; \"in image\" = its size in the systemd + earlynet image, stripped by dracut; \"already in base\" = the no-network image of that kind has it):"
    echo
    echo "| library | file | KiB on disk | KiB in image | already in systemd base | already in shell base |"
    echo "|---|---|---:|---:|---|---|"
    for lib in $libs; do
        case ${lib##*/} in
            libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | libresolv.so.* | libutil.so.* | libanl.so.* | ld-linux*) continue ;;
        esac
        real=$(readlink -f "$lib")
        ins=$(stat -c %s "$real")
        sum=$((sum + ins))
        n=$((n + 1))
        inimg=""
        [ "${STATUS[sd-earlynet]}" != built ] || inimg=$(awk -F'\t' -v f="${real##*/}" '$2 == "f" { n = $1; sub(/.*\//, "", n); if (n == f) { print $3; exit } }' "$D/sd-earlynet.list")
        [ -z "$inimg" ] || sumimg=$((sumimg + inimg))
        base_sd=no
        base_sh=no
        [ "${STATUS[sd-none]}" != built ] || ! awk -F'\t' -v f="${real##*/}" '$2 == "f" { n = $1; sub(/.*\//, "", n); if (n == f) { found = 1; exit } } END { exit !found }' "$D/sd-none.list" || base_sd=yes
        [ "${STATUS[sh-none]}" != built ] || ! awk -F'\t' -v f="${real##*/}" '$2 == "f" { n = $1; sub(/.*\//, "", n); if (n == f) { found = 1; exit } } END { exit !found }' "$D/sh-none.list" || base_sh=yes
        [ "$base_sd" = yes ] || new_sd=$((new_sd + ins))
        [ "$base_sh" = yes ] || new_sh=$((new_sh + ins))
        echo "| ${lib##*/} | ${real##*/} | $(kib "$ins") | ${inimg:+$(kib "$inimg")} | $base_sd | $base_sh |"
    done
    echo
    echo "| footprint | KiB |"
    echo "|---|---:|"
    echo "| shared libraries beyond glibc ($n), on disk = **footprint beyond glibc** | **$(kib "$sum")** |"
    echo "| the same, as installed in the image (stripped) | $(kib "$sumimg") |"
    echo "| of it, not already in the systemd base image | $(kib "$new_sd") |"
    echo "| of it, not already in the shell-init base image | $(kib "$new_sh") |"
    echo "| binary (\`strip -g\`) + footprint beyond glibc | $(kib $((gstrip + sum))) |"
}

if [ -n "$OUT" ]; then
    report | tee "$OUT/report.md"
    say "kept in $OUT: images, listings, dracut logs, report.md"
else
    report
fi
