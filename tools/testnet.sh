#!/usr/bin/env bash
# The test network: network namespaces and veth pairs on one L2 segment, all addresses in
# 198.18.0.0/24 (RFC 2544 benchmarking space), nothing routed off the machine.
#
#   testnet.sh up ID [BACKENDS]   create hosts, start a TCP+UDP server on every backend
#   testnet.sh down ID            remove everything with this ID (safe to repeat)
#   testnet.sh kill ID N          stop backend N's servers; `start ID N` starts them again
#
#   gt<ID>-lan      bridge br0 joining everything
#   gt<ID>-client   198.18.0.100
#   gt<ID>-b<N>     198.18.0.(10+N), servers on TCP 8080 and UDP 5353 answering "backend-N"
#   gt<ID>f         (root namespace) the forwarder's port, opened by DPDK's af_packet PMD;
#                   the forwarder itself is 198.18.0.2 on it
#
# IDs are short and random per run, so a crashed run never collides with the next.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)

cmd=${1:?usage: testnet.sh up|down|kill|start ID [N]}
id=${2:?missing ID}
[[ $id =~ ^[a-z0-9]{1,6}$ ]] || { echo "ID must be 1-6 lowercase letters or digits" >&2; exit 2; }
ns=gt$id
lan=$ns-lan
fwd_if=${ns}f
state=/run/gatun-testnet/$id

in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

host() { # host NAME ADDRESS: a namespace with eth0 on the bridge
  local name=$1 addr=$2
  ip netns add "$ns-$name"
  # Made inside the lan namespace: names there only need to be unique there.
  ip -n "$lan" link add "$name" type veth peer name eth0 netns "$ns-$name"
  ip -n "$lan" link set "$name" master br0 up
  in_ns "$ns-$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  in_ns "$ns-$name" ip addr add "$addr/24" dev eth0
  in_ns "$ns-$name" ip link set lo up
  in_ns "$ns-$name" ip link set eth0 up
  # A kernel host leaves checksums to the NIC on veth; the forwarder sees the frame before
  # any NIC would fill them in, so hosts must compute their own.
  in_ns "$ns-$name" ethtool -K eth0 tx off >/dev/null
}

start_backend() {
  local n=$1
  mkdir -p "$state"
  in_ns "$ns-b$n" setsid python3 "$here/backend.py" --name "backend-$n" --tcp 8080 --udp 5353 \
    >"$state/b$n.log" 2>&1 < /dev/null &
  echo $! > "$state/b$n.pid"
  for _ in $(seq 50); do  # until it listens
    in_ns "$ns-b$n" ss -ltn 2>/dev/null | grep -q ':8080 ' && return 0
    sleep 0.1
  done
  echo "backend $n did not start: $(cat "$state/b$n.log")" >&2
  return 1
}

kill_backend() {
  local n=$1
  [ -f "$state/b$n.pid" ] && kill "$(cat "$state/b$n.pid")" 2>/dev/null || true
  rm -f "$state/b$n.pid"
  # Anything else still bound in that namespace.
  ip netns pids "$ns-b$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
}

case $cmd in
  up)
    backends=${3:-3}
    "$0" down "$id" 2>/dev/null || true
    trap '"$0" down "$id"' ERR   # a half-built network is removed, never left behind
    ip netns add "$lan"
    in_ns "$lan" ip link add br0 type bridge
    in_ns "$lan" ip link set br0 up
    in_ns "$lan" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    host client 198.18.0.100
    for n in $(seq "$backends"); do host "b$n" "198.18.0.$((10 + n))"; done
    ip link add "$fwd_if" type veth peer name fwd netns "$lan"
    in_ns "$lan" ip link set fwd master br0 up
    sysctl -qw "net.ipv6.conf.$fwd_if.disable_ipv6=1"
    # The kernel must not touch the forwarder's frames: no offloads, no merging.
    ethtool -K "$fwd_if" tx off rx off gro off gso off tso off >/dev/null 2>&1 || true
    ip link set "$fwd_if" up
    for n in $(seq "$backends"); do start_backend "$n"; done
    echo "testnet $id up: client 198.18.0.100, $backends backends, forwarder port $fwd_if"
    ;;
  down)
    for n in $(ip netns list | awk '{print $1}' | grep "^$ns-" || true); do
      ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
      ip netns delete "$n" 2>/dev/null || true
    done
    ip link delete "$fwd_if" 2>/dev/null || true
    rm -rf "$state"
    ;;
  kill) kill_backend "${3:?N}" ;;
  start) start_backend "${3:?N}" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
