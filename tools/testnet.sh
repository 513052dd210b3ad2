#!/usr/bin/env bash
# The test network: network namespaces and veth pairs on one L2 segment, all addresses in
# 198.18.0.0/24 (RFC 2544 benchmarking space), nothing routed off the machine.
#
#   testnet.sh up ID [BACKENDS [PORTS]]  create hosts, start the servers on every backend;
#                                 PORTS forwarder ports (default 1: a fleet's tests use 3)
#   testnet.sh down ID            remove everything with this ID (safe to repeat)
#   testnet.sh kill ID N          stop backend N's servers; `start ID N` starts them again
#   testnet.sh sick ID N          backend N answers HTTP with 503 (and SCTP with ABORT);
#                                 `well ID N` makes it healthy again
#   testnet.sh reject ID N        backend N's kernel answers TCP 8080 with ICMP port
#                                 unreachable (a firewall's REJECT); `unreject ID N` undoes it
#   testnet.sh slow ID N          backend N drops the first SYN of every connection the
#                                 forwarder (198.18.0.2) opens to TCP 8080 and takes the
#                                 client's retransmission: every SYN-ACK comes 1 s late, the
#                                 probes (from 198.18.0.3) are answered at once; `fast ID N`
#                                 undoes it
#   testnet.sh silent ID N        backend N drops everything it receives (a host that stopped);
#                                 `unsilent ID N` undoes it
#
#   gt<ID>-lan      bridge br0 joining everything (bridge netfilter off: frames pass as sent)
#   gt<ID>-client   198.18.0.100
#   gt<ID>-b<N>     198.18.0.(10+N), answering "backend-N": HTTP on TCP 8080, UDP 5353,
#                   HTTPS on 8443 (only for SNI backend.gatun.test; CA in STATE/tls/ca.crt),
#                   SCTP on 9999 (INIT -> INIT ACK), long-lived echo connections on TCP 7777
#   gt<ID>f         (root namespace) the forwarder's port, opened by DPDK's af_packet PMD;
#                   the forwarder itself is 198.18.0.2 on it. No address, and the kernel never
#                   answers ARP on it: the data plane owns that port.
#   gt<ID>f2, f3..  (root namespace) more forwarder ports on the same segment, when PORTS > 1
#                   (forwarders of one fleet; their addresses are the tests' choice)
#   gt<ID>n         (root namespace) 198.18.0.3: the node's own kernel path to the backends,
#                   which the forwarder agent's health probes take (in production the node's
#                   networking; the DPDK port is an SR-IOV VF).
#
# IDs are short and random per run, so a crashed run never collides with the next. Only one
# test network can exist at a time: the node address 198.18.0.3 is in the root namespace. `up`
# waits for another network to go, and removes one whose owner (GATUN_TESTNET_OWNER, else the
# process that ran `up`) is gone: a run killed before its teardown never blocks the next.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
here=$(cd "$(dirname "$0")" && pwd)

cmd=${1:?usage: testnet.sh up|down|kill|start|sick|well|reject|unreject|slow|fast|silent|unsilent ID [N]}
id=${2:?missing ID}
[[ $id =~ ^[a-z0-9]{1,6}$ ]] || { echo "ID must be 1-6 lowercase letters or digits" >&2; exit 2; }
ns=gt$id
lan=$ns-lan
fwd_if=${ns}f
node_if=${ns}n
node_addr=198.18.0.3
state=/run/gatun-testnet/$id

in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

source "$here/testnet-owner.sh"

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

# A CA and one certificate for every backend's HTTPS: backend.gatun.test.
make_certificates() {
  local d=$state/tls ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  mkdir -p "$d"
  openssl req -x509 "${ec[@]}" -days 2 -subj /CN=gatun-testnet-ca \
    -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj /CN=backend.gatun.test -keyout "$d/backend.key" \
    -out "$d/backend.csr" 2>/dev/null
  printf 'subjectAltName=DNS:backend.gatun.test\n' > "$d/san.ext"
  openssl x509 -req -in "$d/backend.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/san.ext" -out "$d/backend.crt" 2>/dev/null
}

start_backend() {
  local n=$1
  mkdir -p "$state"
  in_ns "$ns-b$n" setsid python3 "$here/backend.py" --name "backend-$n" --tcp 8080 --udp 5353 \
    --https 8443 --tls-cert "$state/tls/backend.crt" --tls-key "$state/tls/backend.key" \
    --tls-sni backend.gatun.test --sctp 9999 --echo 7777 \
    >"$state/b$n.log" 2>&1 < /dev/null &
  echo $! > "$state/b$n.pid"
  for _ in $(seq 50); do  # until it listens
    in_ns "$ns-b$n" ss -ltn 2>/dev/null | grep -q ':8080 ' && return 0
    sleep 0.1
  done
  echo "backend $n did not start: $(cat "$state/b$n.log")" >&2
  return 1
}

kill_backend() { # returns once nothing runs in the backend's namespace any more
  local n=$1
  [ -f "$state/b$n.pid" ] && kill "$(cat "$state/b$n.pid")" 2>/dev/null || true
  rm -f "$state/b$n.pid"
  # Anything else still bound in that namespace.
  ip netns pids "$ns-b$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
  for _ in $(seq 40); do
    [ -z "$(ip netns pids "$ns-b$n" 2>/dev/null)" ] && return 0
    sleep 0.05
  done
  ip netns pids "$ns-b$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
}

signal_backend() { # signal_backend N SIGNAL: the backend is all that runs in its namespace
  local pids
  pids=$(ip netns pids "$ns-b$1" 2>/dev/null)
  [ -n "$pids" ] || { echo "backend $1 is not running" >&2; return 1; }
  kill "-$2" $pids
  # SIGUSR1/2 make it sick/well: wait until it has taken the signal (it writes its state).
  local want
  case $2 in USR1) want=sick ;; USR2) want=well ;; *) return 0 ;; esac
  local pid tries
  for pid in $pids; do
    for tries in $(seq 300); do
      [ "$(cat "/tmp/gatun-backend-$pid.state" 2>/dev/null)" = "$want" ] && break
      sleep 0.1
    done
  done
}

case $cmd in
  up)
    backends=${3:-3}
    "$0" down "$id" 2>/dev/null || true
    # One test network at a time (the node address lives in the root namespace): wait for
    # another one to go, under a lock so two waiting runs do not both take the address.
    mkdir -p /run/gatun-testnet
    exec 9>/run/gatun-testnet/node.lock
    flock 9
    waited=0
    while holder=$(ip -br -4 addr show to "$node_addr/32" | awk '{print $1}' | grep .); do
      holder=${holder%%@*}; held_by=${holder#gt}; held_by=${held_by%n}
      if ! testnet_owner_alive "/run/gatun-testnet/$held_by"; then
        echo "removing test network $held_by: the run that made it is gone" >&2
        "$0" down "$held_by"
        continue
      fi
      [ $waited -eq 0 ] && echo "waiting for test network $held_by to go (one at a time)" >&2
      if [ $waited -ge 900 ]; then
        echo "test network $held_by still holds $node_addr after 15 min;" \
          "remove it with testnet.sh down ID" >&2
        exit 1
      fi
      flock -u 9; sleep 1; waited=$((waited + 1)); flock 9
    done
    trap '"$0" down "$id"' ERR   # a half-built network is removed, never left behind
    # Who this network belongs to, written before the node address is taken (under the lock):
    # a network holding the address without a living owner is stale.
    testnet_record_owner "$state"
    ip netns add "$lan"
    in_ns "$lan" ip link add br0 type bridge
    in_ns "$lan" ip link set br0 up
    in_ns "$lan" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    # With br_netfilter loaded the bridge would validate IPv4/IPv6 headers and silently drop
    # malformed frames before the forwarder sees them: tests send such frames on purpose.
    if in_ns "$lan" test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
      in_ns "$lan" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
        net.bridge.bridge-nf-call-arptables=0
    fi
    host client 198.18.0.100
    for n in $(seq "$backends"); do host "b$n" "198.18.0.$((10 + n))"; done
    ports=${4:-1}
    for p in $(seq "$ports"); do
      if [ "$p" -eq 1 ]; then port_if=$fwd_if; peer=fwd; index=(); else
        port_if=$fwd_if$p; peer=fwd$p
        # DPDK's af_packet PMD names its PACKET_FANOUT group (pid XOR ifindex) & 0xffff, and
        # groups are per namespace: forwarders started one after the other (pids p, p+1) on
        # ports with consecutive indexes (i, i+1) would share a group and the second fail to
        # start (EINVAL). Indexes far apart in bits 13-15 keep their groups apart.
        index=(index $((16384 * (p - 1) + 8192 + RANDOM % 4096)))
      fi
      ip link add "$port_if" "${index[@]}" type veth peer name "$peer" netns "$lan"
      in_ns "$lan" ip link set "$peer" master br0 up
      sysctl -qw "net.ipv6.conf.$port_if.disable_ipv6=1"
      # The kernel must not touch the forwarder's frames: no offloads, no merging.
      ethtool -K "$port_if" tx off rx off gro off gso off tso off >/dev/null 2>&1 || true
      # Address-less, and it must stay that way to the kernel: never answer ARP for the node's
      # addresses on it, never announce them from it, never route what arrives on it.
      sysctl -qw "net.ipv4.conf.$port_if.arp_ignore=1" "net.ipv4.conf.$port_if.arp_announce=2" \
        "net.ipv4.conf.$port_if.forwarding=0"
      # Strict reverse-path filtering too: whatever flips net.ipv4.ip_forward (a Kubernetes node
      # does) resets forwarding=0 above, and the host would then route copies of the frames sent
      # to the forwarder's MAC back onto the LAN, looping until their TTL runs out.
      sysctl -qw "net.ipv4.conf.$port_if.rp_filter=1"
      ip link set "$port_if" up
    done
    # The node's own path to the backends, beside the data plane (health probes use it).
    ip link add "$node_if" type veth peer name node netns "$lan"
    in_ns "$lan" ip link set node master br0 up
    sysctl -qw "net.ipv6.conf.$node_if.disable_ipv6=1"
    ethtool -K "$node_if" tx off >/dev/null
    ip addr add "$node_addr/24" dev "$node_if"
    ip link set "$node_if" up
    flock -u 9   # the node address is ours now
    make_certificates
    for n in $(seq "$backends"); do start_backend "$n"; done
    echo "testnet $id up: client 198.18.0.100, $backends backends, forwarder port $fwd_if," \
      "node $node_addr on $node_if"
    ;;
  down)
    for n in $(ip netns list | awk '{print $1}' | grep "^$ns-" || true); do
      ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
      ip netns delete "$n" 2>/dev/null || true
    done
    ip link delete "$fwd_if" 2>/dev/null || true
    for p in 2 3 4 5 6 7 8; do ip link delete "$fwd_if$p" 2>/dev/null || true; done
    ip link delete "$node_if" 2>/dev/null || true
    rm -rf "$state"
    ;;
  kill) kill_backend "${3:?N}" ;;
  start) start_backend "${3:?N}" ;;
  sick) signal_backend "${3:?N}" USR1 ;;
  well) signal_backend "${3:?N}" USR2 ;;
  reject|unreject|silent|unsilent)
    n=${3:?N}
    case $cmd in
      reject|unreject) rule=(-p tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable) ;;
      *) rule=(-j DROP) ;;
    esac
    case $cmd in
      reject|silent) in_ns "$ns-b$n" iptables -w -I INPUT "${rule[@]}" ;;
      *) in_ns "$ns-b$n" iptables -w -D INPUT "${rule[@]}" ;;
    esac
    ;;
  slow|fast)
    n=${3:?N}
    syn=(-s 198.18.0.2 -p tcp --dport 8080 --syn)
    # The second SYN of a (source, port) within a minute is over the limit of one: accepted.
    again=("${syn[@]}" -m hashlimit --hashlimit-above 1/min --hashlimit-burst 1
      --hashlimit-mode srcip,srcport --hashlimit-name "slow$n" -j ACCEPT)
    if [ "$cmd" = slow ]; then
      in_ns "$ns-b$n" iptables -w -I INPUT 1 "${again[@]}"
      in_ns "$ns-b$n" iptables -w -I INPUT 2 "${syn[@]}" -j DROP
    else
      in_ns "$ns-b$n" iptables -w -D INPUT "${again[@]}"
      in_ns "$ns-b$n" iptables -w -D INPUT "${syn[@]}" -j DROP
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
