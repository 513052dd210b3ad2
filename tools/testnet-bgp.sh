#!/usr/bin/env bash
# The BGP test network (BgpE2E, bench/bgp.sh): a router running FRR (zebra, bgpd, bfdd) between
# a client and a LAN of forwarders and backends; VIPs reach the router only by BGP. Addresses in
# 198.18.0.0/15 and 2001:2::/48 only, nothing routed off the machine.
#
#   testnet-bgp.sh up ID [FORWARDERS] [node]  create everything (default 2 forwarders), start
#                                     FRR on the router (empty configuration) and the backends'
#                                     servers; with "node", also a port on the LAN in the root
#                                     namespace for a host-network forwarder pod (NodeInstallE2E)
#   testnet-bgp.sh down ID            remove everything with this ID (safe to repeat)
#   testnet-bgp.sh vtysh ID ARGS...   the router's vtysh (e.g. -c 'show bgp ipv4 unicast json',
#                                     -f FILE)
#
#   gb<ID>-lan     bridge br0 joining the LAN (bridge netfilter off)
#   gb<ID>-r       router: eth0 198.18.1.1/24 2001:2:1::1/64 on the LAN, eth1 198.18.2.1/24
#                  2001:2:2::1/64 to the client; forwarding on, ECMP hashing on L4 ports (so
#                  one client's connections spread over the forwarders); FRR in STATE/frr
#   gb<ID>-client  198.18.2.100 2001:2:2::100, default route via the router
#   gb<ID>-f<N>    forwarder N's namespace: its DPDK port "port" on the LAN (no address: the
#                  forwarder's kernel interface gets 198.18.1.(1+N) 2001:2:1::(1+N)), and "mgmt"
#                  198.18.3.(4N-2)/30 to the root namespace (gb<ID>m<N>, 198.18.3.(4N-3)) for
#                  the control channel and metrics
#   gb<ID>f        (node) the root namespace's port on the LAN, for a forwarder pod on the host
#                  network (DPDK net_af_packet opens it; its kernel interface gets 198.18.1.2
#                  2001:2:1::2 like forwarder 1's): the kernel takes nothing from it (no IPv6,
#                  no ARP, strict reverse-path filter), as in the forwarders' namespaces
#   gb<ID>-b<N>    backends 198.18.1.(10+N) 2001:2:1::(10+N), default route via the router;
#                  backend.py (HTTP 8080, UDP 5353) and drain_peer.py (TCP 7000, long-lived
#                  connections); the DSR VIPs 198.18.9.2 and 2001:2:9::2 on lo
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)

cmd=${1:?usage: testnet-bgp.sh up|down|vtysh ID ...}
id=${2:?missing ID}
[[ $id =~ ^[a-z0-9]{1,6}$ ]] || { echo "ID must be 1-6 lowercase letters or digits" >&2; exit 2; }
ns=gb$id
lan=$ns-lan
state=/run/gatun-testnet-bgp/$id
dsr_vips=(198.18.9.2/32 2001:2:9::2/128)

in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
source "$here/testnet-owner.sh"

# lan_link NS IFNAME: a veth from namespace NS (named IFNAME there) into the LAN bridge.
lan_link() {
  local n=$1 ifname=$2 peer=$3
  ip -n "$lan" link add "$peer" type veth peer name "$ifname" netns "$n"
  ip -n "$lan" link set "$peer" master br0 up
}

host_setup() { # host_setup NS: loopback up, checksums computed by the host (veth)
  in_ns "$1" ip link set lo up
}

start_backend() {
  local n=$1 b=$ns-b$1
  in_ns "$b" setsid python3 "$here/backend.py" --name "backend-$n" --tcp 8080 --udp 5353 \
    >"$state/b$n.log" 2>&1 </dev/null &
  in_ns "$b" setsid python3 "$here/drain_peer.py" serve --port 7000 --name "backend-$n" \
    >"$state/b$n-hold.log" 2>&1 </dev/null &
  for _ in $(seq 100); do
    in_ns "$b" ss -ltn 2>/dev/null | grep -q ':8080 ' && in_ns "$b" ss -ltn | grep -q ':7000 ' && return 0
    sleep 0.1
  done
  echo "backend $n did not start: $(cat "$state/b$n.log" "$state/b$n-hold.log")" >&2
  return 1
}

start_router_frr() {
  local d=$state/frr r=$ns-r
  mkdir -p "$d"
  printf 'frr defaults traditional\nhostname router\n!\n' > "$d/frr.conf"
  : > "$d/vtysh.conf"
  chown -R frr:frr "$d"
  # nice -10, like the forwarders under test (BgpNetwork): BFD at 100 ms x 3 on a machine shared
  # with other builds otherwise misses its 300 ms and the sessions flap.
  for daemon in zebra bfdd bgpd; do
    in_ns "$r" nice -n -10 /usr/lib/frr/$daemon -d --vty_socket "$d" -i "$d/$daemon.pid" -z "$d/zserv.api" \
      -f "$d/frr.conf" --log "file:$d/$daemon.log"
    for _ in $(seq 100); do [ -S "$d/$daemon.vty" ] && break; sleep 0.1; done
    [ -S "$d/$daemon.vty" ] || { echo "router $daemon did not start" >&2; return 1; }
  done
}

case $cmd in
  up)
    forwarders=${3:-2}
    node=${4:-}
    [ -z "$node" ] || [ "$node" = node ] || { echo "the 4th argument is 'node' or nothing" >&2; exit 2; }
    "$0" down "$id" 2>/dev/null || true
    # Networks left by runs that are gone: their root-namespace links hold the same /30s.
    for other in /run/gatun-testnet-bgp/*/; do
      [ -d "$other" ] || continue
      other=$(basename "$other")
      # A state without an owner is a network being made right now, or one older than owners.
      if [ ! -f "/run/gatun-testnet-bgp/$other/owner" ] &&
        [ -z "$(find "/run/gatun-testnet-bgp/$other" -maxdepth 0 -mmin +1)" ]; then
        continue
      fi
      if ! testnet_owner_alive "/run/gatun-testnet-bgp/$other"; then
        echo "removing BGP test network $other: the run that made it is gone" >&2
        "$0" down "$other"
      fi
    done
    trap '"$0" down "$id"' ERR
    testnet_record_owner "$state"
    ip netns add "$lan"
    in_ns "$lan" ip link add br0 type bridge
    in_ns "$lan" ip link set br0 up
    in_ns "$lan" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    if in_ns "$lan" test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
      in_ns "$lan" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
        net.bridge.bridge-nf-call-arptables=0
    fi

    # The router.
    ip netns add "$ns-r"
    host_setup "$ns-r"
    lan_link "$ns-r" eth0 r
    in_ns "$ns-r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
      net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1 \
      net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    in_ns "$ns-r" ip addr add 198.18.1.1/24 dev eth0
    in_ns "$ns-r" ip addr add 2001:2:1::1/64 dev eth0 nodad
    in_ns "$ns-r" ip link set eth0 up
    # Hosts on veth leave checksums to a NIC that is not there; the forwarder (and its kernel
    # interface) see the frame before anything fills them in, so hosts compute their own.
    in_ns "$ns-r" ethtool -K eth0 tx off >/dev/null

    # The client, on its own link behind the router.
    ip netns add "$ns-client"
    host_setup "$ns-client"
    ip -n "$ns-r" link add eth1 type veth peer name eth0 netns "$ns-client"
    in_ns "$ns-r" ip addr add 198.18.2.1/24 dev eth1
    in_ns "$ns-r" ip addr add 2001:2:2::1/64 dev eth1 nodad
    in_ns "$ns-r" ip link set eth1 up
    in_ns "$ns-r" ethtool -K eth1 tx off >/dev/null
    in_ns "$ns-client" ip addr add 198.18.2.100/24 dev eth0
    in_ns "$ns-client" ip addr add 2001:2:2::100/64 dev eth0 nodad
    in_ns "$ns-client" ip link set eth0 up
    in_ns "$ns-client" ip route add default via 198.18.2.1
    in_ns "$ns-client" ip -6 route add default via 2001:2:2::1
    in_ns "$ns-client" ethtool -K eth0 tx off >/dev/null

    # Backends.
    for n in 1 2; do
      b=$ns-b$n
      ip netns add "$b"
      host_setup "$b"
      lan_link "$b" eth0 "b$n"
      in_ns "$b" ip addr add "198.18.1.$((10 + n))/24" dev eth0
      in_ns "$b" ip addr add "2001:2:1::$((10 + n))/64" dev eth0 nodad
      in_ns "$b" ip link set eth0 up
      in_ns "$b" ethtool -K eth0 tx off >/dev/null
      in_ns "$b" ip route add default via 198.18.1.1
      in_ns "$b" ip -6 route add default via 2001:2:1::1
      for v in "${dsr_vips[@]}"; do in_ns "$b" ip addr add "$v" dev lo; done
      # DSR: the VIP is the backend's own; it must neither answer ARP for it on the LAN nor
      # drop replies for leaving by another interface.
      in_ns "$b" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
      start_backend "$n"
    done

    # Forwarders' namespaces: the DPDK port on the LAN, a management link to the root namespace.
    for n in $(seq "$forwarders"); do
      f=$ns-f$n
      ip netns add "$f"
      host_setup "$f"
      lan_link "$f" port "f$n"
      # The port is DPDK's (net_af_packet), but unlike a NIC bound to vfio-pci this veth also
      # hands every frame to the namespace's own stack, which holds the port's addresses (on the
      # kernel interface): it would answer a full-NAT reply to the SNAT address with a TCP reset
      # and a BGP packet twice. The stack gets nothing from it: no IPv6, no ARP, and IPv4 only
      # from where it routes back through the port (nowhere: strict reverse-path filter).
      in_ns "$f" sysctl -qw net.ipv6.conf.port.disable_ipv6=1 net.ipv4.conf.port.rp_filter=1
      in_ns "$f" ip link set port arp off
      in_ns "$f" ethtool -K port tx off rx off gro off gso off tso off >/dev/null 2>&1 || true
      in_ns "$f" ip link set port up
      ip link add "${ns}m$n" type veth peer name mgmt netns "$f"
      ip addr add "198.18.3.$((4 * n - 3))/30" dev "${ns}m$n"
      ip link set "${ns}m$n" up
      in_ns "$f" ip addr add "198.18.3.$((4 * n - 2))/30" dev mgmt
      in_ns "$f" ip link set mgmt up
    done
    if [ -n "$node" ]; then
      ip link add "${ns}f" type veth peer name node netns "$lan"
      ip -n "$lan" link set node master br0 up
      # Per-interface settings: they go with the interface at `down`.
      sysctl -qw "net.ipv6.conf.${ns}f.disable_ipv6=1" "net.ipv4.conf.${ns}f.rp_filter=1"
      ip link set "${ns}f" arp off
      ethtool -K "${ns}f" tx off rx off gro off gso off tso off >/dev/null 2>&1 || true
      ip link set "${ns}f" up
    fi
    start_router_frr
    echo "testnet-bgp $id up: router 198.18.1.1, client 198.18.2.100, $forwarders forwarder namespaces${node:+, node port ${ns}f}"
    ;;
  down)
    if [ -d "$state/frr" ]; then
      for p in "$state"/frr/*.pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || true; done
    fi
    for n in $(ip netns list | awk '{print $1}' | grep "^$ns-" || true); do
      ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    done
    for n in $(ip netns list | awk '{print $1}' | grep "^$ns-" || true); do
      ip netns delete "$n" 2>/dev/null || true
    done
    for n in 1 2 3 4 5 6 7 8; do ip link delete "${ns}m$n" 2>/dev/null || true; done
    ip link delete "${ns}f" 2>/dev/null || true
    rm -rf "$state"
    ;;
  vtysh)
    shift 2
    exec vtysh --vty_socket "$state/frr" --config_dir "$state/frr" "$@"
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
