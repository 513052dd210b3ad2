#!/usr/bin/env bash
# The iptables baseline's node: a network namespace on a test network's segment (tools/testnet.sh)
# that forwards a LoadBalancer VIP with the rules kube-proxy's iptables mode writes for it, with
# externalTrafficPolicy: Cluster (the default): nat PREROUTING -> KUBE-SERVICES -> KUBE-EXT-*
# (mark for masquerade) -> KUBE-SVC-* (one KUBE-SEP-* per endpoint, picked by
# `-m statistic --mode random --probability` 1/n, 1/(n-1), ...) -> DNAT; POSTROUTING masquerades
# what was marked (--random-fully, as kube-proxy does), conntrack un-NATs the answers. What a
# MetalLB user's node does with a packet to the VIP.
#
#   kube-proxy-node.sh up ID VIP PORT BACKEND:PORT...   create gt<ID>-kp, 198.18.0.4/24
#   kube-proxy-node.sh down ID                          remove it (safe to repeat)
#
# MetalLB's speaker answers ARP for the VIP from the node; here the node holds it as a /32 so the
# kernel answers. The DNAT in PREROUTING rewrites the destination before the route lookup, so the
# packet is forwarded to the endpoint either way. Being a namespace under gt<ID>-, testnet.sh down
# also removes it, with its rules and conntrack table.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

cmd=${1:?usage: kube-proxy-node.sh up ID VIP PORT BACKEND:PORT... | down ID}
id=${2:?missing ID}
[[ $id =~ ^[a-z0-9]{1,6}$ ]] || { echo "ID must be 1-6 lowercase letters or digits" >&2; exit 2; }
ns=gt$id-kp
lan=gt$id-lan
node_addr=198.18.0.4

case $cmd in
  down)
    ip netns delete "$ns" 2>/dev/null || true
    exit 0
    ;;
  up) ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
vip=${3:?missing VIP}
port=${4:?missing PORT}
shift 4
[ $# -ge 1 ] || { echo "at least one BACKEND:PORT" >&2; exit 2; }
ip netns list | grep -q "^$lan\b" || { echo "no test network $id (tools/testnet.sh up $id)" >&2; exit 1; }

"$0" down "$id"
trap '"$0" down "$id"' ERR   # never leave a half-made node behind
ip netns add "$ns"
ip -n "$lan" link add kp type veth peer name eth0 netns "$ns"
ip -n "$lan" link set kp master br0 up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.ip_forward=1
ip -n "$ns" addr add "$node_addr/24" dev eth0
ip -n "$ns" addr add "$vip/32" dev eth0
ip -n "$ns" link set lo up
ip -n "$ns" link set eth0 up

# Chain names as kube-proxy derives them (a hash of the service port / endpoint); fixed here.
svc=KUBE-SVC-GATUNBENCH0000000 ext=KUBE-EXT-GATUNBENCH0000000
rules=$(mktemp)
trap 'rm -f "$rules"' EXIT
{
  echo "*nat"
  echo ":KUBE-SERVICES - [0:0]"
  echo ":KUBE-POSTROUTING - [0:0]"
  echo ":KUBE-MARK-MASQ - [0:0]"
  echo ":KUBE-NODEPORTS - [0:0]"
  echo ":$svc - [0:0]"
  echo ":$ext - [0:0]"
  for i in $(seq $#); do echo ":KUBE-SEP-GATUNBENCH$(printf %06d "$i") - [0:0]"; done
  echo "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
  echo "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"
  echo "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"
  echo "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"
  echo "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN"
  echo "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0"
  echo "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"
  echo "-A KUBE-SERVICES -d $vip/32 -p tcp -m comment --comment \"bench/web:http loadbalancer IP\" -m tcp --dport $port -j $ext"
  echo "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
  echo "-A $ext -m comment --comment \"masquerade traffic for bench/web:http external destinations\" -j KUBE-MARK-MASQ"
  echo "-A $ext -j $svc"
  n=$# i=0
  for ep in "$@"; do
    i=$((i + 1))
    sep=KUBE-SEP-GATUNBENCH$(printf %06d "$i")
    left=$((n - i + 1))
    # kube-proxy's own form: 1/left with 11 decimals, the last endpoint unconditionally.
    if [ "$left" -gt 1 ]; then
      prob=(-m statistic --mode random --probability "$(awk -v l="$left" 'BEGIN { printf "%.11f", 1 / l }')")
    else
      prob=()
    fi
    echo "-A $svc -m comment --comment \"bench/web:http -> $ep\" ${prob[*]} -j $sep"
    echo "-A $sep -s ${ep%:*}/32 -m comment --comment bench/web:http -j KUBE-MARK-MASQ"
    echo "-A $sep -p tcp -m comment --comment bench/web:http -m tcp -j DNAT --to-destination $ep"
  done
  echo "COMMIT"
  echo "*filter"
  echo ":KUBE-FORWARD - [0:0]"
  echo "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD"
  echo "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"
  echo "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT"
  echo "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
  echo "COMMIT"
} > "$rules"
# One atomic write, as kube-proxy makes its own.
ip netns exec "$ns" iptables-restore -w < "$rules"
echo "kube-proxy node $ns up: $node_addr, VIP $vip:$port -> $*"
