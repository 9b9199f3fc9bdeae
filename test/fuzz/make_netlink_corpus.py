#!/usr/bin/env python3
"""Writes the seed corpus of the netlink fuzz target: receive buffers as the
kernel fills them for RTM_GETLINK/GETADDR/GETROUTE dumps and RTNLGRP_*
notifications (one or several messages each), built here byte by byte with
the layouts of <linux/rtnetlink.h>, so the seeds do not depend on the machine.

    test/fuzz/make_netlink_corpus.py test/fuzz/corpus/netlink

Files already in the directory are kept (grown corpus, crash-* inputs)."""
import os
import socket
import struct
import sys

RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE, RTM_DELROUTE = 16, 17, 20, 21, 24, 25
NLMSG_DONE, NLMSG_ERROR = 3, 2
NLM_F_MULTI = 2
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER = 1, 3, 4, 5, 10
IFLA_OPERSTATE, IFLA_LINKINFO, IFLA_CARRIER, IFLA_PERM_ADDRESS = 16, 18, 33, 54
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS = 1, 2, 3, 4, 6, 8
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC, RTA_METRICS, RTA_TABLE = 1, 4, 5, 6, 7, 8, 15
RTAX_MTU = 2
NLA_F_NESTED = 0x8000
IFF_UP, IFF_BROADCAST, IFF_RUNNING, IFF_MULTICAST, IFF_LOWER_UP = 0x1, 0x2, 0x40, 0x1000, 0x10000
IFA_F_PERMANENT, IFA_F_TENTATIVE, IFA_F_DADFAILED, IFA_F_NOPREFIXROUTE = 0x80, 0x40, 0x08, 0x200
RTM_F_CLONED, RTNH_F_ONLINK = 0x200, 0x4


def align4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def attr(kind: int, payload: bytes) -> bytes:
    return align4(struct.pack("=HH", 4 + len(payload), kind) + payload)


def u8(kind, v):
    return attr(kind, struct.pack("=B", v))


def u32(kind, v):
    return attr(kind, struct.pack("=I", v))


def strz(kind, s):
    return attr(kind, s.encode() + b"\0")


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def v4(s):
    return socket.inet_pton(socket.AF_INET, s)


def v6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def message(kind, header: bytes, *attrs, flags=0, seq=0):
    body = align4(header) + b"".join(attrs)
    return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body


def ifinfo(index, flags, family=0, dev_type=1):
    return struct.pack("=BxHiII", family, dev_type, index, flags, 0xFFFFFFFF)


def ifaddr(family, prefix, flags, scope, index):
    return struct.pack("=BBBBI", family, prefix, flags, scope, index)


def rtmsg(family, dst_len, table, protocol, scope, rtype, flags=0):
    return struct.pack("=BBBBBBBBI", family, dst_len, 0, 0, table, protocol, scope, rtype, flags)


def link(index, name, flags, mac=None, kind=None, mtu=1500, oper=6, carrier=1, master=None, parent=None, perm=None,
         msg=RTM_NEWLINK):
    attrs = [strz(IFLA_IFNAME, name), u32(IFLA_MTU, mtu), u8(IFLA_OPERSTATE, oper), u8(IFLA_CARRIER, carrier)]
    if mac:
        attrs.append(attr(IFLA_ADDRESS, bytes(mac)))
    if perm:
        attrs.append(attr(IFLA_PERM_ADDRESS, bytes(perm)))
    if master:
        attrs.append(u32(IFLA_MASTER, master))
    if parent:
        attrs.append(u32(IFLA_LINK, parent))
    if kind:
        attrs.append(nest(IFLA_LINKINFO, strz(IFLA_INFO_KIND, kind), nest(IFLA_INFO_DATA, struct.pack("=HHH", 6, 1, 5))))
    return message(msg, ifinfo(index, flags), *attrs, flags=NLM_F_MULTI)


def cacheinfo(preferred, valid):
    return attr(IFA_CACHEINFO, struct.pack("=IIII", preferred, valid, 100, 200))


def addr4(index, local, prefix, peer=None, brd=None, flags=IFA_F_PERMANENT, msg=RTM_NEWADDR, label="eth0"):
    attrs = [attr(IFA_ADDRESS, v4(peer or local)), attr(IFA_LOCAL, v4(local)), strz(IFA_LABEL, label)]
    if brd:
        attrs.append(attr(IFA_BROADCAST, v4(brd)))
    attrs += [u32(IFA_FLAGS, flags), cacheinfo(0xFFFFFFFF, 0xFFFFFFFF) if flags & IFA_F_PERMANENT else cacheinfo(1800, 3600)]
    return message(msg, ifaddr(socket.AF_INET, prefix, flags & 0xFF, 0, index), *attrs)


def addr6(index, address, prefix, flags, scope=0, msg=RTM_NEWADDR):
    attrs = [attr(IFA_ADDRESS, v6(address)), cacheinfo(14400, 86400), u32(IFA_FLAGS, flags)]
    return message(msg, ifaddr(socket.AF_INET6, prefix, flags & 0xFF, scope, index), *attrs)


def route(family, dst, dst_len, gw=None, oif=2, metric=None, table=254, proto=16, scope=0, rtype=1, prefsrc=None,
          mtu=None, flags=0, msg=RTM_NEWROUTE):
    pack = v4 if family == socket.AF_INET else v6
    attrs = [u32(RTA_TABLE, table)]
    if dst:
        attrs.append(attr(RTA_DST, pack(dst)))
    if gw:
        attrs.append(attr(RTA_GATEWAY, pack(gw)))
    if oif:
        attrs.append(u32(RTA_OIF, oif))
    if metric is not None:
        attrs.append(u32(RTA_PRIORITY, metric))
    if prefsrc:
        attrs.append(attr(RTA_PREFSRC, pack(prefsrc)))
    if mtu:
        attrs.append(nest(RTA_METRICS, u32(RTAX_MTU, mtu)))
    return message(msg, rtmsg(family, dst_len, min(table, 252) if table > 255 else table, proto, scope, rtype, flags),
                   *attrs)


def done():
    return message(NLMSG_DONE, struct.pack("=i", 0), flags=NLM_F_MULTI)


MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]
UP = IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP

SEEDS = {
    "link-dump": link(1, "lo", IFF_UP | 0x8 | IFF_RUNNING | IFF_LOWER_UP, mac=[0] * 6, mtu=65536, oper=0)
    + link(2, "eth0", UP, mac=MAC, perm=MAC) + link(3, "eth1", IFF_BROADCAST, mac=MAC[:5] + [0x57], oper=2, carrier=0)
    + done(),
    "link-bond-and-ports": link(4, "bond0", UP, mac=MAC, kind="bond")
    + link(5, "eth2", UP, mac=MAC, master=4, perm=MAC[:5] + [0x99])
    + link(6, "eth3", UP, mac=MAC, master=4),
    "link-vlan": link(7, "eth0.5", UP, mac=MAC, kind="vlan", parent=2),
    "link-bridge": link(8, "br0", IFF_UP | IFF_BROADCAST, mac=MAC, kind="bridge", oper=7, carrier=0),
    "link-veth-self-parent": link(9, "veth0", UP, mac=MAC, kind="veth", parent=9),
    "link-infiniband": link(10, "ib0", UP, mac=[0x80, 0, 2, 8] + [0xfe, 0x80] + [0] * 8 + [2, 0xc9, 3, 0, 0, 0x0f],
                            mtu=2044),
    "link-carrier-change": link(2, "eth0", UP, mac=MAC) + link(2, "eth0", UP & ~IFF_LOWER_UP & ~IFF_RUNNING,
                                                             mac=MAC, oper=2, carrier=0)
    + link(2, "eth0", UP, mac=MAC, mtu=9000) + link(2, "eth0", UP, mac=MAC, msg=RTM_DELLINK),
    "link-no-carrier-attr": message(RTM_NEWLINK, ifinfo(11, UP), strz(IFLA_IFNAME, "eth4")),
    "addr-dump": addr4(2, "192.0.2.10", 24, brd="192.0.2.255") + addr4(2, "192.0.2.11", 24, brd="192.0.2.255",
                                                                        flags=0x01 | IFA_F_NOPREFIXROUTE)
    + addr6(2, "2001:db8::10", 64, IFA_F_PERMANENT) + addr6(2, "fe80::5054:ff:fe12:3456", 64, IFA_F_PERMANENT, scope=253)
    + done(),
    "addr-dhcp-lifetimes": addr4(2, "10.77.0.23", 24, brd="10.77.0.255", flags=0),
    "addr-peer": addr4(12, "10.0.0.2", 32, peer="10.0.0.1", label="ppp0"),
    "addr-ipv6-dad": addr6(2, "2001:db8::20", 64, IFA_F_TENTATIVE) + addr6(2, "2001:db8::20", 64, 0)
    + addr6(2, "2001:db8::21", 64, IFA_F_TENTATIVE) + addr6(2, "2001:db8::21", 64, IFA_F_DADFAILED | IFA_F_TENTATIVE)
    + addr6(2, "2001:db8::21", 64, IFA_F_DADFAILED | IFA_F_TENTATIVE, msg=RTM_DELADDR),
    "addr-removed": addr4(2, "192.0.2.10", 24) + addr4(2, "192.0.2.10", 24, msg=RTM_DELADDR),
    "addr-only-address-attr": message(RTM_NEWADDR, ifaddr(socket.AF_INET, 8, 0, 254, 1), attr(IFA_ADDRESS, v4("127.0.0.1"))),
    "route-dump": route(socket.AF_INET, None, 0, gw="192.0.2.1", metric=100)
    + route(socket.AF_INET, "192.0.2.0", 24, proto=2, scope=253, prefsrc="192.0.2.10", metric=100)
    + route(socket.AF_INET, "192.0.2.10", 32, table=255, proto=2, scope=254, rtype=2, prefsrc="192.0.2.10")
    + route(socket.AF_INET6, "2001:db8::", 64, proto=2, metric=256)
    + route(socket.AF_INET6, None, 0, gw="fe80::1", proto=9, metric=1024, mtu=1400) + done(),
    "route-onlink-table": route(socket.AF_INET, "10.0.0.0", 8, gw="203.0.113.1", table=1000, flags=RTNH_F_ONLINK),
    "route-types": route(socket.AF_INET, "198.51.100.0", 24, oif=None, rtype=6)
    + route(socket.AF_INET, "198.51.100.255", 32, table=255, rtype=3) + route(socket.AF_INET6, "ff00::", 8, rtype=5),
    "route-cloned": route(socket.AF_INET, "192.0.2.99", 32, flags=RTM_F_CLONED),
    "route-changed-removed": route(socket.AF_INET, None, 0, gw="192.0.2.1", metric=100)
    + route(socket.AF_INET, None, 0, gw="192.0.2.254", metric=100)
    + route(socket.AF_INET, None, 0, gw="192.0.2.254", metric=100, msg=RTM_DELROUTE),
    "mixed-notifications": link(2, "eth0", UP, mac=MAC) + addr4(2, "192.0.2.10", 24)
    + route(socket.AF_INET, "192.0.2.0", 24, proto=2, scope=253) + addr6(2, "2001:db8::10", 64, IFA_F_TENTATIVE)
    + link(2, "eth0", UP, mac=MAC, msg=RTM_DELLINK),
    "error-ack": message(NLMSG_ERROR, struct.pack("=i", -17) + struct.pack("=IHHII", 32, RTM_NEWADDR, 5, 1, 0)),
    "truncated-header": link(2, "eth0", UP, mac=MAC)[:20],
    "truncated-attribute": (lambda m: struct.pack("=I", len(m) - 4) + m[4:-4])(link(2, "eth0", UP, mac=MAC)),
    "wrong-sizes": message(RTM_NEWLINK, ifinfo(13, UP), strz(IFLA_IFNAME, "x" * 20), attr(IFLA_MTU, b"\1\2"),
                           attr(IFLA_ADDRESS, bytes(40)), attr(IFLA_OPERSTATE, b""))
    + message(RTM_NEWADDR, ifaddr(socket.AF_INET, 200, 0, 0, 2), attr(IFA_LOCAL, v6("2001:db8::1")),
              attr(IFA_ADDRESS, v4("10.0.0.1")))
    + message(RTM_NEWROUTE, rtmsg(socket.AF_INET6, 129, 254, 4, 0, 1), attr(RTA_DST, v4("10.0.0.0")),
              attr(RTA_GATEWAY, v6("fe80::1"))),
}


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
