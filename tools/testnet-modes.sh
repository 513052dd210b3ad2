#!/usr/bin/env bash
# Adds to a test network (testnet.sh up ID) what the forwarding modes need beyond full NAT:
#
#   IPv6 everywhere: client 2001:2::100, backends 2001:2::1N (/64), the forwarder 2001:2::2.
#   NAT (DNAT only): the backends see the client's own address, so the client also has
#     198.18.1.100 / 2001:2:1::100, off the backends' prefix, and the backends route those
#     prefixes back through the forwarder (198.18.0.2 / 2001:2::2).
#   DSR: every backend holds the DSR VIPs 198.18.0.240 and 2001:2::240 on its loopback and
#     never answers ARP/NDP for them; it answers clients directly, from the VIP.
#
#   testnet-modes.sh ID
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
id=${1:?usage: testnet-modes.sh ID}
ns=gt$id
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

enable_ipv6() {
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
    net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0
}

# Neighbour solicitations are multicast: let the bridge flood them without MLD state.
ip -n "$ns-lan" link set br0 type bridge mcast_snooping 0

enable_ipv6 "$ns-client"
in_ns "$ns-client" ip -6 addr add 2001:2::100/64 dev eth0 nodad
in_ns "$ns-client" ip -6 addr add 2001:2:1::100/64 dev eth0 nodad
in_ns "$ns-client" ip addr add 198.18.1.100/24 dev eth0

for b in $(ip netns list | awk '{print $1}' | grep -E "^$ns-b[0-9]+$"); do
  n=${b##*-b}
  enable_ipv6 "$b"
  in_ns "$b" ip -6 addr add "2001:2::$((10 + n))/64" dev eth0 nodad
  in_ns "$b" ip route add 198.18.1.0/24 via 198.18.0.2
  in_ns "$b" ip -6 route add 2001:2:1::/64 via 2001:2::2
  in_ns "$b" ip addr add 198.18.0.240/32 dev lo
  in_ns "$b" ip -6 addr add 2001:2::240/128 dev lo
  in_ns "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
done
# Duplicate address detection keeps a host's new IPv6 addresses tentative for 1-2 s, and
# until its link-local one is usable its kernel sends no neighbour solicitation at all (it
# has no source to send one from). The forwarder solicits the backends itself, but a DSR
# backend's first answer goes to the client, whom it must solicit: a test that starts at
# once lost that answer (CI, 7 Dec: DSR (L2) IPv6's first TCP request timed out while the
# capture still showed the backends' DAD probes). A real host finished DAD long before.
for h in "$ns-client" $(ip netns list | awk '{print $1}' | grep -E "^$ns-b[0-9]+$"); do
  for _ in $(seq 300); do
    [[ -z $(in_ns "$h" ip -6 addr show dev eth0 tentative) ]] && continue 2
    sleep 0.1
  done
  echo "testnet $id: $h still has tentative IPv6 addresses after 30 s:" >&2
  in_ns "$h" ip -6 addr show dev eth0 >&2
  exit 1
done
echo "testnet $id: IPv6, NAT return routes and DSR VIPs added"
