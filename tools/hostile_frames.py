#!/usr/bin/env python3
"""Malformed and martian frames, sent raw (AF_PACKET) from a test host to the forwarder's MAC,
for tests that check they reach the data plane and are dropped under their reasons.

  hostile_frames.py --iface eth0 --dst-mac MAC --vip V [--vip6 V6] KIND...

Kinds and the drop reason each must be counted under:
  bad-ip-options        IPv4 option of length 0               bad_ip_options
  bad-ip-checksum       IPv4 header checksum wrong             bad_ip_checksum
  ip-length-beyond      IPv4 total length past the frame       bad_ip_header
  martian-loopback      SYN to the VIP from 127.0.0.1          martian_source
  martian-broadcast     SYN to the VIP from 255.255.255.255    martian_source
  land                  SYN from the VIP to the VIP            martian_source
  v6-length-beyond      IPv6 payload length past the frame     bad_ip_header (needs --vip6)
Prints how many frames it sent.
"""
import argparse
import socket
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_syn(src, dst, sport=40999, dport=80):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
    c = checksum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def ipv4(src, dst, payload, options=b"", total=None, bad_checksum=False):
    ihl = 5 + len(options) // 4
    length = total if total is not None else ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, length, 0x1234, 0x4000, 64, 6, 0,
                      socket.inet_aton(src), socket.inet_aton(dst)) + options
    c = checksum(hdr) ^ (0x5555 if bad_checksum else 0)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6_payload_beyond(src, dst):
    payload = b"\0" * 20
    return struct.pack("!IHBB16s16s", 6 << 28, 500, 6, 64, socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def frames(kind, vip, vip6, client):
    syn = tcp_syn(client, vip)
    if kind == "bad-ip-options":
        return 0x0800, ipv4(client, vip, syn, options=bytes([7, 0, 0, 0]))
    if kind == "bad-ip-checksum":
        return 0x0800, ipv4(client, vip, syn, bad_checksum=True)
    if kind == "ip-length-beyond":
        return 0x0800, ipv4(client, vip, syn, total=400)
    if kind == "martian-loopback":
        return 0x0800, ipv4("127.0.0.1", vip, tcp_syn("127.0.0.1", vip))
    if kind == "martian-broadcast":
        return 0x0800, ipv4("255.255.255.255", vip, tcp_syn("255.255.255.255", vip))
    if kind == "land":
        return 0x0800, ipv4(vip, vip, tcp_syn(vip, vip))
    if kind == "v6-length-beyond":
        return 0x86DD, ipv6_payload_beyond("2001:2::100", vip6)
    raise SystemExit("unknown kind " + kind)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--vip", required=True)
    p.add_argument("--vip6")
    p.add_argument("--client", default="198.18.0.100")
    p.add_argument("kinds", nargs="+")
    args = p.parse_args()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.iface, 0))
    src_mac = s.getsockname()[4]
    dst_mac = bytes.fromhex(args.dst_mac.replace(":", ""))
    for kind in args.kinds:
        ether_type, packet = frames(kind, args.vip, args.vip6, args.client)
        s.send(dst_mac + src_mac + struct.pack("!H", ether_type) + packet)
    print(len(args.kinds))


if __name__ == "__main__":
    main()
