#!/usr/bin/env python3
"""Writes the fake Open Firmware device trees of the diff suite (sysfs-ofw/NAME/),
as the kernel shows the device tree under /sys/firmware/devicetree/base: one file
per property, strings NUL-terminated, addresses and MACs as raw bytes. Run it
from anywhere after editing TREES; the trees are committed."""

import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sysfs-ofw")


def s(text):
    return text.encode() + b"\0"


def ip(*parts):
    return bytes(parts)


MAC = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x34])  # 5th and 6th bytes equal: see "mac-bytes"
LLAN = "/vdevice/l-lan@30000002"

# name -> (chosen properties, {device node: properties}, symlinks)
TREES = {
    # IBM PowerVM SMS: server, file, client, gateway, retries, retries, netmask, block size
    "static": ({"bootpath": s(LLAN + ":speed=auto,duplex=auto,192.168.1.13,,192.168.1.102,192.168.1.1,5,5,255.255.255.0,512")},
               {LLAN: {"local-mac-address": MAC, "name": s("l-lan")}}, {}),
    # SLOF / yaboot: speed and duplex, the mask in yaboot's slot with octal-looking zeroes
    "slof": ({"bootpath": s("/ethernet:speed=100,duplex=full,192.168.32.1,yaboot.fedora,192.168.32.2,192.168.32.1,5,5,255.255.000.000,512")}, {}, {}),
    # a number in the mask slot is a prefix length (here the tftp-retries slot's neighbour: /5, as the reference reads it)
    "prefix-slot": ({"bootpath": s(LLAN + ":speed=auto,duplex=auto,192.168.1.13,,192.168.1.102,192.168.1.1,24,5,5,")}, {}, {}),
    "no-gateway": ({"bootpath": s("/ethernet:10.0.0.1,/tftpboot/vmlinux,10.0.0.5,0.0.0.0,255.255.255.0")}, {}, {}),
    "bootp": ({"bootpath": s("/ethernet:bootp,10.0.0.1,,,,"), "client-name": s("node7")},
              {"/ethernet": {"mac-address": MAC}}, {}),
    "dhcp-speed": ({"bootpath": s("/ethernet:speed=1000,duplex=full,dhcp,10.0.0.1,vmlinux"), "client-name": s("node8")}, {}, {}),
    "bootp-response": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,10.0.0.254,255.255.255.0"), "bootp-response": b"\x02\x01\x06\x00"}, {}, {}),
    "device-only": ({"bootpath": s("/pci@800000020000000/ethernet@0")}, {}, {}),
    # binary properties win over the bootpath's text, except for an absent gateway-ip
    "binary": ({"bootpath": s("/ethernet:10.0.0.1,/tftpboot/vmlinux"), "client-ip": ip(10, 43, 2, 3),
                "netmask-ip": ip(255, 255, 255, 0), "gateway-ip": ip(10, 43, 2, 254), "client-name": s("demiurge")},
               {"/ethernet": {"mac-address": bytes([0xac, 0x7f, 0x3e, 0xe5, 0xd8, 0xd8]),
                              "local-mac-address": bytes([0x02, 0x7f, 0x3e, 0xe5, 0xd8, 0xd8])}}, {}),
    "binary-text-gateway": ({"bootpath": s("/ethernet:,,,10.9.9.9"), "client-ip": ip(10, 1, 2, 3), "netmask-ip": ip(255, 255, 0, 0)}, {}, {}),
    "partial": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,10.0.0.254,255.255.255.0"), "netmask-ip": ip(255, 255, 0, 0)}, {}, {}),
    "ipv6": ({"bootpath": s("/ethernet:,,2001:db8::5,2001:db8::1,5,5,64")}, {}, {}),
    # with the iBFT of the default tree beside it
    "with-ibft": ({"bootpath": s("/ethernet:bootp")}, {},
                  {"firmware/ibft": "../../../sysfs/firmware/ibft", "class": "../../sysfs/class"}),
    # differences and errors (deliberate-differences.md)
    "mac-bytes": ({"bootpath": s("/ethernet:bootp")}, {"/ethernet": {"mac-address": bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])}}, {}),
    "empty-gateway": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,,255.255.255.0")}, {}, {}),
    "bad-client": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.300,10.0.0.254,255.255.255.0")}, {}, {}),
    "bad-gateway": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,gateway,255.255.255.0")}, {}, {}),
    "no-netmask": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,10.0.0.254")}, {}, {}),
    "bad-netmask": ({"bootpath": s("/ethernet:10.0.0.1,,10.0.0.5,10.0.0.254,255.0.255.0")}, {}, {}),
    "short-client-ip": ({"bootpath": s("/ethernet"), "client-ip": ip(10, 1, 2), "netmask-ip": ip(255, 255, 0, 0)}, {}, {}),
    "short-mac": ({"bootpath": s("/ethernet:bootp")}, {"/ethernet": {"mac-address": MAC[:5]}}, {}),
}


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    for name, (chosen, devices, links) in TREES.items():
        base = os.path.join(OUT, name, "firmware", "devicetree", "base")
        for node, props in [("/chosen", dict(chosen, name=s("chosen")))] + list(devices.items()):
            os.makedirs(base + node, exist_ok=True)
            for prop, value in props.items():
                with open(os.path.join(base + node, prop), "wb") as f:
                    f.write(value)
        for path, target in links.items():
            full = os.path.join(OUT, name, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.symlink(target, full)


if __name__ == "__main__":
    main()
