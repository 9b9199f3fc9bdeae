#!/usr/bin/env python3
"""Seeds of the dhcp6_message corpus, laid out from RFC 8415 sections 8 and 21
(and RFC 3646, 4075, 5970 for DNS, SNTP and the boot file URL): a REPLY with
an address, DNS, a search list and a boot file URL; an ADVERTISE with no
address (status NoAddrsAvail) and SOL_MAX_RT; a SOLICIT with rapid commit;
the REPLY to an INFORMATION-REQUEST. Writes them into the directory given
(test/fuzz/corpus/dhcp6_message)."""
import ipaddress
import os
import sys


def opt(code, data):
    return code.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data


def u32(v):
    return v.to_bytes(4, "big")


def a6(s):
    return ipaddress.IPv6Address(s).packed


client_duid = bytes([0, 3, 0, 1, 0x52, 0x54, 0, 0xE2, 0xE0, 1])  # DUID-LL
server_duid = bytes([0, 1, 0, 1, 0x2C, 0x4B, 0x1A, 0, 10, 11, 12, 13, 14, 15])  # DUID-LLT
ia = (u32(0x0A0B0C0D) + u32(1800) + u32(2880)
      + opt(5, a6("2001:db8:77::42") + u32(3000) + u32(3600)) + opt(13, b"\x00\x00ok"))
seeds = {
    "reply-rapid-commit-boot": bytes([7, 0x12, 0x34, 0x56]) + opt(1, client_duid) + opt(2, server_duid)
    + opt(3, ia) + opt(23, a6("2001:db8:77::1") + a6("2001:db8::53"))
    + opt(24, b"\x03lab\x07example\x00\x07example\x00") + opt(59, b"http://[2001:db8:77::1]/boot.ipxe"),
    "advertise-noaddrsavail": bytes([2, 0xAB, 0xCD, 0xEF]) + opt(1, client_duid) + opt(2, server_duid)
    + opt(7, b"\xff") + opt(3, u32(1) + u32(0) + u32(0) + opt(13, b"\x00\x02no addresses available"))
    + opt(82, u32(120)),
    "solicit": bytes([1, 0xAB, 0xCD, 0xEF]) + opt(1, client_duid) + opt(8, b"\x00\x00") + opt(14, b"")
    + opt(6, b"\x00\x17\x00\x18\x00\x3b") + opt(3, u32(1) + u32(0) + u32(0)),
    "information-reply": bytes([7, 0, 0, 9]) + opt(2, server_duid) + opt(1, client_duid)
    + opt(23, a6("2001:db8::53")) + opt(32, u32(86400)) + opt(31, a6("2001:db8::123")),
}
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "dhcp6_message")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
