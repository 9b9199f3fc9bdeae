#!/bin/sh
# The main job, for now: install, build, and show `earlynet generate` turning
# representative kernel command lines into NetworkManager profiles, and what it
# says about a malformed one. Writes nothing outside the build directory.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh build

show() {
	printf '\n\033[1m$ earlynet generate --stdout -- %s\033[0m\n' "$*"
	./build/earlynet generate --stdout -- "$@" || printf '(exit status %s)\n' "$?"
}

show ip=dhcp
show ip=192.0.2.10::192.0.2.1:255.255.255.0:node1:eth0:none:192.0.2.53 rd.route=10.0.0.0/8:192.0.2.254
show bond=bond0:eth0,eth1:mode=active-backup,miimon=100 vlan=vlan100:bond0 ip=vlan100:dhcp
show BOOTIF=01-52-54-00-12-34-56 root=nfs:192.0.2.1:/srv/root rd.peerdns=0
show ip=10.0.0.5::10.0.0.1:255.0.255.0::eth0:none
