#!/usr/bin/env python3
"""Writes the hand-made seed corpus of the keyfile fuzz target.

    test/fuzz/make_keyfile_corpus.py test/fuzz/corpus/keyfile

Each seed is a .nmconnection as nm-initrd-generator (Debian 12, 1.42) or
earlynet writes it, or one with a feature of the format the reader must
handle (escapes, lists, numbered keys, the old key names) or refuse.
Files already in the directory are kept (the fuzzer's grown corpus and
crash-* inputs live beside the seeds)."""
import os
import sys

USER = "[user]\norg.freedesktop.NetworkManager.origin=nm-initrd-generator\n"
IP_AUTO = "[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n\n[proxy]\n\n"

SEEDS = {
    "seed-ethernet-dhcp": "[connection]\nid=eth0\nuuid=1c4ff8d5-4f1e-4a2c-8d6a-2b9d4c1e9f00\ntype=ethernet\n"
    "autoconnect-priority=-100\nautoconnect-retries=1\ninterface-name=eth0\nmulti-connect=1\n"
    "wait-device-timeout=60000\n\n[ethernet]\n\n[ipv4]\ndhcp-timeout=90\nmay-fail=false\nmethod=auto\n"
    "required-timeout=20000\n\n[ipv6]\ndhcp-timeout=90\nmethod=auto\n\n[proxy]\n\n" + USER,
    "seed-reference-header": "# Created by nm-initrd-generator\n\n[connection]\nid=Wired Connection\n"
    "uuid=26b239f0-9107-484a-8c16-156c165d9053\ntype=ethernet\nmulti-connect=3\n\n[ethernet]\n\n" + IP_AUTO + USER,
    "seed-static": "[connection]\nid=eth1\nuuid=u\ntype=802-3-ethernet\ninterface-name=eth1\n\n"
    "[802-3-ethernet]\nmac-address=52:54:00:12:34:56\nmtu=9000\nauto-negotiate=true\nspeed=1000\nduplex=full\n"
    "cloned-mac-address=stable\n\n[ipv4]\naddress1=192.0.2.10/24,192.0.2.1\naddress2=198.51.100.7/25\n"
    "dad-timeout=200\ndns=192.0.2.53;192.0.2.54;\nignore-auto-dns=true\nmethod=manual\n"
    "route1=10.0.0.0/8,192.0.2.254,100\nroute2=10.1.0.0/16\nroute3=10.2.0.0/16,,5\n"
    "dhcp-hostname=client\ndhcp-vendor-class-identifier=earlynet\n\n"
    "[ipv6]\naddress1=2001:db8::10/64\ngateway=2001:db8::1\ndns=2001:db8::53;\nmethod=manual\n"
    "route1=2001:db8:1::/48,2001:db8::fe\n\n" + USER,
    "seed-bond": "[connection]\nid=bond0\nuuid=26b239f0-9107-484a-8c16-156c165d9053\ntype=bond\n"
    "interface-name=bond0\n\n[ethernet]\n\n[bond]\nmiimon=100\nmode=active-backup\narp_ip_target=10.0.0.1,10.0.0.2\n\n"
    "[ipv4]\ndns=1.1.1.1;\nmethod=auto\n\n[ipv6]\nmethod=auto\n\n" + USER,
    "seed-bond-port": "[connection]\nid=eth1\nuuid=ecb1296e-04e1-4447-bb20-acfed836d4c1\ntype=ethernet\n"
    "interface-name=eth1\nmaster=26b239f0-9107-484a-8c16-156c165d9053\nmulti-connect=1\nslave-type=bond\n\n"
    "[ethernet]\n\n" + USER,
    "seed-bridge": "[connection]\nid=br0\nuuid=b\ntype=bridge\ninterface-name=br0\n\n[ethernet]\n\n"
    "[bridge]\nstp=false\n\n" + IP_AUTO + USER,
    "seed-bridge-port-new-names": "[connection]\nid=eth2\nuuid=p\ntype=ethernet\ninterface-name=eth2\n"
    "controller=b\nport-type=bridge\n\n[ethernet]\n\n[bridge-port]\n\n" + USER,
    "seed-team": "[connection]\nid=team0\nuuid=t\ntype=team\ninterface-name=team0\n\n[team]\n\n" + IP_AUTO + USER,
    "seed-team-port": "[connection]\nid=eth3\nuuid=q\ntype=ethernet\nmaster=t\nslave-type=team\n\n"
    "[ethernet]\n\n[team-port]\n\n" + USER,
    "seed-vlan": "[connection]\nid=vlan5\nuuid=v\ntype=vlan\ninterface-name=eth0.5\n\n[ethernet]\n\n"
    "[vlan]\nflags=1\nid=5\nparent=eth0\n\n" + IP_AUTO + USER,
    "seed-infiniband": "[connection]\nid=ib0\nuuid=i\ntype=infiniband\ninterface-name=ib0.8001\n\n"
    "[infiniband]\nmac-address=80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:00:0f:65\np-key=32769\n"
    "parent=ib0\ntransport-mode=connected\n\n" + IP_AUTO + USER,
    "seed-s390": "[connection]\nid=enc600\nuuid=s\ntype=ethernet\n\n[ethernet]\ns390-nettype=qeth\n"
    "s390-subchannels=0.0.0600;0.0.0601;0.0.0602;\n\n[ethernet-s390-options]\nlayer2=1\nportno=0\n\n" + IP_AUTO + USER,
    "seed-ipv6-methods": "[connection]\nid=x\nuuid=x\ntype=ethernet\n\n[ipv4]\nmethod=disabled\n\n"
    "[ipv6]\nmethod=dhcp\naddr-gen-mode=eui64\n\n[ipv6]\nmethod=link-local\nip6-privacy=0\n",
    "seed-methods-v4": "[connection]\nid=y\nuuid=y\ntype=ethernet\n\n[ipv4]\nmethod=shared\nmay-fail=true\n\n"
    "[ipv6]\nmethod=ignore\n",
    "seed-escapes": "[connection]\nid=\\sleading and trailing\\s\nuuid=e\ntype=ethernet\n"
    "interface-name=a\\tb\\\\c\\;d\\x\n\n[ethernet]\ns390-subchannels=a\\;b;c\\\\;\\s;\n"
    "cloned-mac-address=line\\nbreak\\r\n\n[ipv4]\ndhcp-hostname= spaced \t\ndns=192.0.2.1;192.0.2.2\n"
    "method=auto\n",
    "seed-numbered-keys": "[connection]\nid=n\nuuid=n\ntype=ethernet\n\n[ipv4]\naddress10=10.0.0.10/8\n"
    "address2=10.0.0.2\naddress01=10.0.0.1/32,10.0.0.254\naddress-data=x\nroute007=0.0.0.0/0,10.0.0.254\n"
    "route1_options=mtu=1400\nmethod=manual\n",
    "seed-whitespace-crlf": "  [connection]  \r\n\tid = spaced \r\nuuid=c\r\ntype=ethernet\r\n# comment\r\n\r\n",
    "seed-unknown-groups": "[connection]\nid=u\nuuid=u\ntype=ethernet\npermissions=\nzone=trusted\n\n"
    "[ethtool]\nfeature-rx=true\n\n[match]\ninterface-name=eth*\n\n[]\n=empty key\n",
    "bad-type": "[connection]\nid=w\nuuid=w\ntype=wifi\n",
    "bad-no-connection": "[ethernet]\nmtu=1500\n",
    "bad-unterminated-group": "[connection\nid=x\n",
    "bad-key-outside-group": "id=x\n[connection]\n",
    "bad-mtu": "[connection]\nid=m\nuuid=m\ntype=ethernet\n\n[ethernet]\nmtu=-1\n",
    "bad-mac": "[connection]\nid=m\nuuid=m\ntype=ethernet\n\n[ethernet]\nmac-address=52:54:00:12:34\n",
    "bad-address-family": "[connection]\nid=f\nuuid=f\ntype=ethernet\n\n[ipv4]\naddress1=2001:db8::1/64\n",
    "bad-prefix": "[connection]\nid=f\nuuid=f\ntype=ethernet\n\n[ipv4]\naddress1=192.0.2.1/33\n",
    "bad-route": "[connection]\nid=r\nuuid=r\ntype=ethernet\n\n[ipv4]\nroute1=10.0.0.0/8,1.2.3.4,5,6\n",
    "bad-method": "[connection]\nid=d\nuuid=d\ntype=ethernet\n\n[ipv4]\nmethod=dhcp\n",
    "bad-bool": "[connection]\nid=b\nuuid=b\ntype=bridge\n\n[bridge]\nstp=maybe\n",
    "bad-vlan-id": "[connection]\nid=v\nuuid=v\ntype=vlan\n\n[vlan]\nid=4095\n",
    "bad-slave-type": "[connection]\nid=s\nuuid=s\ntype=ethernet\nslave-type=ovs-port\n",
}


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in SEEDS.items():
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)


if __name__ == "__main__":
    main()
