#!/usr/bin/env python3
"""Writes the seed corpus of the DHCPv4 message fuzz target.

    test/fuzz/make_dhcp_corpus.py [OUTDIR]   (default: test/fuzz/corpus/dhcp_message)

Each seed is one raw UDP payload. Hand-built messages cover every message
type, overload, RFC 3396 concatenation, compression, one malformed case
per parser rule and the values a hostile server hands out; the dnsmasq captures of test/replay/captures are added as
they are (real server bytes). Output is deterministic.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COOKIE = bytes([0x63, 0x82, 0x53, 0x63])
CHADDR = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])


def ip(text):
    return bytes(int(x) for x in text.split("."))


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


def opt(code, value):
    """One option, split into 255-byte chunks as RFC 3396 says."""
    out = b""
    for i in range(0, max(len(value), 1), 255):
        chunk = value[i:i + 255]
        out += bytes([code, len(chunk)]) + chunk
    return out


def names(*domains):
    out = b""
    for d in domains:
        for label in d.split("."):
            out += bytes([len(label)]) + label.encode()
        out += b"\0"
    return out


def route(dest, width, gw):
    return bytes([width]) + ip(dest)[:(width + 7) // 8] + ip(gw)


def message(options, op=2, yiaddr="0.0.0.0", siaddr="0.0.0.0", sname=b"", file=b"", hlen=6,
            cookie=COOKIE, end=True, pad_to=300, xid=0x3903F326, ciaddr="0.0.0.0", flags=0):
    header = struct.pack("!BBBBIHH", op, 1, hlen, 0, xid, 0, flags)
    header += ip(ciaddr) + ip(yiaddr) + ip(siaddr) + ip("0.0.0.0")
    header += CHADDR.ljust(16, b"\0") + sname.ljust(64, b"\0")[:64] + file.ljust(128, b"\0")[:128]
    body = header + cookie + options + (b"\xff" if end else b"")
    return body.ljust(pad_to, b"\0")


def mtype(t):
    return opt(53, bytes([t]))


SERVER = opt(54, ip("10.77.0.1"))
LEASE = opt(51, u32(3600))
COMMON = (opt(1, ip("255.255.255.0")) + opt(3, ip("10.77.0.1")) + opt(6, ip("10.77.0.1") + ip("10.77.0.2"))
          + opt(15, b"boot.example") + opt(28, ip("10.77.0.255")))
PRL = opt(55, bytes([1, 3, 6, 12, 15, 17, 26, 28, 42, 51, 54, 58, 59, 66, 67, 119, 121]))
CLIENT = opt(57, u16(1472)) + opt(60, b"earlynet:dracut") + opt(61, b"\x01" + CHADDR) + opt(12, b"node1")
FULL = (COMMON + opt(12, b"node1") + opt(17, b"10.77.0.1:/srv/root") + opt(26, u16(1400))
        + opt(42, ip("10.77.0.3")) + opt(43, b"\x01\x04abcd") + opt(58, u32(1800)) + opt(59, u32(3150))
        + opt(66, b"bootsrv\0") + opt(67, b"pxelinux.0\0") + opt(119, names("boot.example", "lab.example"))
        + opt(121, route("192.168.50.0", 24, "10.77.0.1") + route("0.0.0.0", 0, "10.77.0.1"))
        + opt(252, b"http://wpad.example/wpad.dat\n"))
ACK_HEAD = dict(yiaddr="10.77.0.44", siaddr="10.77.0.9")


def seeds():
    s = {}
    # Client messages.
    s["discover"] = message(mtype(1) + PRL + CLIENT, op=1, flags=0x8000)
    s["request-selecting"] = message(mtype(3) + opt(50, ip("10.77.0.44")) + SERVER + PRL + CLIENT, op=1)
    s["request-renewing"] = message(mtype(3) + PRL + CLIENT, op=1, ciaddr="10.77.0.44")
    s["decline"] = message(mtype(4) + opt(50, ip("10.77.0.44")) + SERVER + opt(56, b"address in use"), op=1)
    s["release"] = message(mtype(7) + SERVER, op=1, ciaddr="10.77.0.44")
    s["inform"] = message(mtype(8) + PRL, op=1, ciaddr="10.77.0.44")
    # Server replies.
    s["offer"] = message(mtype(2) + SERVER + LEASE + COMMON, **ACK_HEAD, sname=b"bootsrv", file=b"pxelinux.0")
    s["ack-full"] = message(mtype(5) + SERVER + LEASE + FULL, **ACK_HEAD, sname=b"bootsrv", file=b"pxelinux.0")
    s["ack-minimal"] = message(mtype(5) + SERVER + LEASE, yiaddr="192.168.1.20")
    s["ack-infinite"] = message(mtype(5) + SERVER + opt(51, u32(0xFFFFFFFF)) + COMMON, **ACK_HEAD)
    s["ack-bad-timers"] = message(mtype(5) + SERVER + LEASE + opt(58, u32(4000)) + opt(59, u32(2000)), **ACK_HEAD)
    s["ack-inform"] = message(mtype(5) + SERVER + COMMON)
    s["nak"] = message(mtype(6) + SERVER + opt(56, b"wrong network\0"))
    s["ack-no-end"] = message(mtype(5) + SERVER + LEASE, **ACK_HEAD, end=False, pad_to=0)
    s["ack-pads"] = message(b"\0\0\0" + mtype(5) + b"\0" + SERVER + b"\0\0" + LEASE, **ACK_HEAD)
    s["ack-unknown-options"] = message(mtype(5) + SERVER + LEASE + opt(80, b"") + opt(224, b"\x00\xff\x10"), **ACK_HEAD)
    # Overload (RFC 2132 9.3, RFC 2131 4.1): options in file, sname, both.
    s["overload-file"] = message(mtype(5) + opt(52, b"\x01") + SERVER, **ACK_HEAD, sname=b"srv",
                                 file=LEASE + opt(3, ip("10.77.0.1")) + b"\xff")
    s["overload-sname"] = message(mtype(5) + opt(52, b"\x02") + LEASE, **ACK_HEAD, file=b"boot.efi",
                                  sname=SERVER + opt(12, b"node1") + b"\xff")
    s["overload-both"] = message(mtype(5) + opt(52, b"\x03") + opt(43, b"ab"), **ACK_HEAD,
                                 file=SERVER + opt(43, b"cd") + b"\xff", sname=LEASE + opt(43, b"ef"))
    # RFC 3396 concatenation.
    routes = b"".join(route(f"10.{i}.0.0", 16, "10.77.0.1") for i in range(80))
    s["concat-routes"] = message(mtype(5) + SERVER + LEASE + opt(121, routes), **ACK_HEAD)
    s["concat-vendor"] = message(mtype(5) + SERVER + LEASE + opt(43, bytes(range(256)) * 3), **ACK_HEAD)
    s["concat-search-mid-name"] = message(mtype(5) + SERVER + LEASE + bytes([119, 4, 7]) + b"exa"
                                          + bytes([119, 13]) + b"mple\x03com\x00\x03www" + bytes([119, 2, 0xC0, 0]),
                                          **ACK_HEAD)
    s["search-compressed"] = message(mtype(5) + SERVER + LEASE + opt(
        119, b"\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04\x02hr\xc0\x0f"), **ACK_HEAD)
    # One malformed case per rule.
    s["bad-truncated-header"] = message(mtype(5), pad_to=0)[:200]
    s["bad-no-cookie"] = message(b"", pad_to=0)[:236]
    s["bad-cookie"] = message(mtype(5) + SERVER + LEASE, cookie=b"\x63\x82\x53\x64")
    s["bad-past-field"] = message(mtype(5) + bytes([3, 8]) + ip("10.0.0.1"), end=False, pad_to=0)
    s["bad-routers-length"] = message(mtype(5) + SERVER + LEASE + opt(3, b"\x0a\x00\x00\x01\x0a"), **ACK_HEAD)
    s["bad-search-loop"] = message(mtype(5) + SERVER + LEASE + opt(119, b"\x01a\xc0\x00"), **ACK_HEAD)
    s["bad-search-forward"] = message(mtype(5) + SERVER + LEASE + opt(119, b"\xc0\x02\x01a\x00"), **ACK_HEAD)
    s["bad-route-host-bits"] = message(mtype(5) + SERVER + LEASE + opt(121, b"\x12\xc0\xa8\xc1\x0a\x00\x00\x02"),
                                       **ACK_HEAD)
    s["bad-hlen"] = message(mtype(5) + SERVER + LEASE, hlen=17)
    s["bad-type"] = message(mtype(9) + SERVER)
    s["bad-no-type"] = message(SERVER + LEASE, **ACK_HEAD)
    s["bad-overload-value"] = message(mtype(5) + opt(52, b"\x04"))
    s["bad-overload-nested"] = message(mtype(5) + opt(52, b"\x01"), file=opt(52, b"\x02") + b"\xff")
    s["bad-text-nul"] = message(mtype(5) + SERVER + LEASE + opt(12, b"no\0de"), **ACK_HEAD)
    # Malformed options the lease does without are dropped
    # (with a warning), the lease kept.
    s["lease-dropped-options"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.255.255.0")) + opt(12, b"")
                                         + opt(15, b"\0") + opt(17, b"a\0b") + opt(119, b"\xc0\x00")
                                         + opt(252, b"") + opt(26, b"\x05") + opt(58, b"\x00\x01"), **ACK_HEAD)
    # A hostile server: values no network uses. Dropped
    # one by one with a warning...
    s["hostile-routers"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.255.255.0")) + opt(3, b"".join(
        ip(a) for a in ("0.0.0.0", "255.255.255.255", "224.0.0.1", "127.0.0.1", "10.77.0.44", "10.77.0.0",
                        "10.77.0.255", "10.77.0.1"))), **ACK_HEAD)
    s["hostile-routes"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.255.255.0")) + opt(
        121, route("192.168.1.0", 24, "10.77.0.44") + route("192.168.2.0", 24, "239.1.1.1")
        + route("127.0.0.0", 8, "10.77.0.1") + route("255.255.255.255", 32, "0.0.0.0")
        + route("0.0.0.0", 0, "10.77.0.1")), **ACK_HEAD)
    s["hostile-servers-broadcast"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.255.255.0"))
                                             + opt(6, ip("0.0.0.0") + ip("127.0.0.53")) + opt(42, ip("224.0.1.1"))
                                             + opt(28, ip("10.77.0.1")), **ACK_HEAD)
    # ... or refusing the lease.
    s["hostile-mask-zero"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("0.0.0.0")), **ACK_HEAD)
    s["hostile-yiaddr-broadcast"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.255.255.0")),
                                            yiaddr="10.77.0.255")
    s["hostile-yiaddr-network"] = message(mtype(2) + SERVER + LEASE + opt(1, ip("255.255.252.0")), yiaddr="10.77.4.0")
    s["hostile-server-id"] = message(mtype(5) + opt(54, ip("255.255.255.255")) + LEASE, **ACK_HEAD)
    s["hostile-server-id-malformed"] = message(mtype(5) + opt(54, b"\x0a\x4d\x00") + LEASE, **ACK_HEAD)
    # Parse, but make no lease.
    s["lease-mtu-67"] = message(mtype(5) + SERVER + LEASE + opt(26, u16(67)), **ACK_HEAD)
    s["lease-mask-holes"] = message(mtype(5) + SERVER + LEASE + opt(1, ip("255.0.255.0")), **ACK_HEAD)
    s["lease-loopback"] = message(mtype(5) + SERVER + LEASE, yiaddr="127.0.0.1")
    s["lease-no-server-id"] = message(mtype(5) + LEASE, **ACK_HEAD)
    return s


def captures():
    """Every message of the dnsmasq captures, as `<` / `>` hex lines."""
    folder = os.path.join(HERE, "..", "replay", "captures")
    if not os.path.isdir(folder):
        return {}
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".hex"):
            continue
        with open(os.path.join(folder, name)) as f:
            lines = [line.split()[1] for line in f if line[:1] in "<>" and len(line.split()) == 2]
        for i, hexbytes in enumerate(lines):
            out[f"dnsmasq-{name[:-4]}-{i}"] = bytes.fromhex(hexbytes)
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "dhcp_message")
    os.makedirs(outdir, exist_ok=True)
    for name, data in {**seeds(), **captures()}.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
