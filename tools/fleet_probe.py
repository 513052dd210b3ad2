#!/usr/bin/env python3
"""Looks at and pokes a forwarder fleet from a test host (raw AF_PACKET on its interface).

  fleet_probe.py --iface eth0 whohas ADDRESS [--timeout S]
      sends one ARP request for ADDRESS, prints every MAC that answered within the timeout
      (one per line, lower case); nothing when nobody answered
  fleet_probe.py --iface eth0 owners ADDRESS... [--timeout S]
      whohas for many addresses at once: one request each, then every answer within the timeout
      as "ADDRESS MAC" lines (an address nobody answered has no line)
  fleet_probe.py --iface eth0 watch ADDRESS --old MAC [--timeout S]
      prints "ready", then asks who has ADDRESS every 10 ms and, once a MAC other than MAC
      answers, prints the wall-clock time of that answer (Unix epoch, milliseconds) and exits;
      exits 1 after the timeout (default 30 s). For failover timing without a process per probe.
  fleet_probe.py --iface eth0 forge [--cluster ID] [--id NAME]
      sends a fleet advertisement (EtherType 0x88B5 to 03:00:47:54:4e:00) of cluster ID from
      NAME, priority 255, signed with a key nobody has: it must move nothing and be counted
  fleet_probe.py --iface eth0 garp ADDRESS [--mac MAC]
      sends a gratuitous ARP claiming ADDRESS for MAC (default 02:00:00:00:00:ee, a foreign
      device): the owner must count and report the conflict
"""
import argparse
import hashlib
import hmac
import os
import select
import socket
import struct
import time

ETH_P_ARP = 0x0806
FLEET_TYPE = 0x88B5
FLEET_MAC = bytes.fromhex("030047544e00")
BROADCAST = b"\xff" * 6


def mac_bytes(text):
    return bytes.fromhex(text.replace(":", ""))


def mac_text(b):
    return ":".join("%02x" % x for x in b)


def own(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return mac_bytes(f.read().strip())


def own_ip(iface):
    out = os.popen("ip -4 -o addr show dev %s" % iface).read().split()
    return out[out.index("inet") + 1].split("/")[0]


def arp(op, sender_mac, sender_ip, target_mac, target_ip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sender_mac, socket.inet_aton(sender_ip),
                       target_mac, socket.inet_aton(target_ip))


def whohas(s, iface, address, timeout):
    me = own(iface)
    s.send(BROADCAST + me + struct.pack("!H", ETH_P_ARP) +
           arp(1, me, own_ip(iface), b"\0" * 6, address))
    seen = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        frame = s.recv(2048)
        if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_P_ARP:
            continue
        op, sha, spa = struct.unpack("!H6s4s", frame[20:32])
        if op == 2 and socket.inet_ntoa(spa) == address and mac_text(sha) not in seen:
            seen.append(mac_text(sha))
    for m in seen:
        print(m)


def owners(s, iface, addresses, timeout):
    me, ip = own(iface), own_ip(iface)
    for address in addresses:
        s.send(BROADCAST + me + struct.pack("!H", ETH_P_ARP) + arp(1, me, ip, b"\0" * 6, address))
    seen = []
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        frame = s.recv(2048)
        if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_P_ARP:
            continue
        op, sha, spa = struct.unpack("!H6s4s", frame[20:32])
        answer = (socket.inet_ntoa(spa), mac_text(sha))
        if op == 2 and answer[0] in addresses and answer not in seen:
            seen.append(answer)
    for address, mac in seen:
        print(address, mac)


def watch(s, iface, address, old, timeout):
    me = own(iface)
    request = BROADCAST + me + struct.pack("!H", ETH_P_ARP) + arp(1, me, own_ip(iface), b"\0" * 6, address)
    print("ready", flush=True)
    end = time.monotonic() + timeout
    next_ask = 0.0
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_ask:
            s.send(request)
            next_ask = now + 0.01
        if not select.select([s], [], [], max(0.0, next_ask - time.monotonic()))[0]:
            continue
        frame = s.recv(2048)
        if len(frame) < 42 or struct.unpack("!H", frame[12:14])[0] != ETH_P_ARP:
            continue
        op, sha, spa = struct.unpack("!H6s4s", frame[20:32])
        if op == 2 and socket.inet_ntoa(spa) == address and mac_text(sha) != old:
            print(int(time.time() * 1000), flush=True)
            return 0
    return 1


def forge(s, iface, cluster, name):
    me = own(iface)
    c, n = cluster.encode(), name.encode()
    # version 1, priority 255, flags 0, interval 100 ms, a sequence above any real one
    payload = struct.pack("!BBBHQ", 1, 255, 0, 100, int(time.time() * 1e6) + 10 ** 12)
    payload += bytes([len(c)]) + c + bytes([len(n)]) + n + bytes([4]) + b"evil"
    mac = hmac.new(os.urandom(32), me + payload, hashlib.sha256).digest()
    frame = FLEET_MAC + me + struct.pack("!H", FLEET_TYPE) + payload + mac
    s.send(frame.ljust(60, b"\0"))
    print(1)


def garp(s, address, mac):
    m = mac_bytes(mac)
    s.send(BROADCAST + m + struct.pack("!H", ETH_P_ARP) + arp(1, m, address, b"\0" * 6, address))
    print(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("whohas")
    w.add_argument("address")
    w.add_argument("--timeout", type=float, default=1.0)
    o = sub.add_parser("owners")
    o.add_argument("address", nargs="+")
    o.add_argument("--timeout", type=float, default=1.0)
    w2 = sub.add_parser("watch")
    w2.add_argument("address")
    w2.add_argument("--old", required=True)
    w2.add_argument("--timeout", type=float, default=30.0)
    f = sub.add_parser("forge")
    f.add_argument("--cluster", default="e2e")
    f.add_argument("--id", default="fwd-evil")
    g = sub.add_parser("garp")
    g.add_argument("address")
    g.add_argument("--mac", default="02:00:00:00:00:ee")
    a = p.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((a.iface, 0))
    if a.cmd == "whohas":
        whohas(s, a.iface, a.address, a.timeout)
    elif a.cmd == "owners":
        owners(s, a.iface, a.address, a.timeout)
    elif a.cmd == "watch":
        raise SystemExit(watch(s, a.iface, a.address, a.old.lower(), a.timeout))
    elif a.cmd == "forge":
        forge(s, a.iface, a.cluster, a.id)
    else:
        garp(s, a.address, a.mac)


if __name__ == "__main__":
    main()
