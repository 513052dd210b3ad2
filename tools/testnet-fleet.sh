#!/usr/bin/env bash
# Adds to a test network (testnet.sh up ID BACKENDS PORTS) what a fleet's NAT and DSR modes need:
#
#   NAT: the client also has NAT_CLIENT (on the LAN's prefix, a second address of its eth0), and
#     every backend routes replies to it through GATEWAY, the address the fleet owns like a VIP
#     (the forwarders' --fleet-gateway): after a move the replies follow ownership.
#   DSR: every backend holds each DSR_VIP on its loopback and never answers ARP for it; it
#     answers clients directly, from the VIP.
#
#   testnet-fleet.sh ID GATEWAY NAT_CLIENT [DSR_VIP...]
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
id=${1:?usage: testnet-fleet.sh ID GATEWAY NAT_CLIENT [DSR_VIP...]}
gateway=${2:?missing GATEWAY}
nat_client=${3:?missing NAT_CLIENT}
shift 3
ns=gt$id
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

in_ns "$ns-client" ip addr add "$nat_client/24" dev eth0
for b in $(ip netns list | awk '{print $1}' | grep -E "^$ns-b[0-9]+$"); do
  in_ns "$b" ip route add "$nat_client/32" via "$gateway"
  for vip in "$@"; do in_ns "$b" ip addr add "$vip/32" dev lo; done
  in_ns "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
done
echo "testnet $id: NAT client $nat_client routed back through $gateway, DSR VIPs: $*"
