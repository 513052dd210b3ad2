#!/usr/bin/env python3
"""Real client traffic to a VIP: N TCP requests (one connection each) and N UDP requests.

Prints one JSON object: answers per backend name and failures, per protocol. With
--duration it keeps going in rounds for that many seconds and also reports a timeline of
every request ([seconds since started_at, protocol, backend or "failed: why"]) for failover
measurements; started_at is the wall clock (Unix seconds) when the first request left.
--progress also writes each request to stderr as it completes ("WALL_CLOCK PROTOCOL OUTCOME",
the wall clock when it left), so a test can wait for what it needs to see instead of sleeping;
--stop-file ends a --duration run early, after the round in which that file appeared.
--udp-retries N sends a UDP request that got no answer again, up to N times, as a resolver
would (UDP promises no delivery); every retry is reported (udp_retried, and in the timeline
and failures as "retried: why"), so a test can say what it tolerated.
"""
import os
import argparse
import json
import socket
import sys
import time
from collections import Counter


def tcp_request(vip, port, timeout, source=None):
    with socket.create_connection((vip, port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as s:
        s.settimeout(timeout)
        s.sendall(b"GET / HTTP/1.0\r\nHost: gatun\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.0 200"):
        # The body names the backend, so a failure can be told apart from one of another backend.
        raise OSError("HTTP %s from %s" % (head[9:12].decode(errors="replace"), body.decode(errors="replace")))
    return body.decode()


def udp_request(vip, port, timeout, seq, size, source=None):
    with socket.socket(socket.AF_INET6 if ":" in vip else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        if source:
            s.bind((source, 0))
        payload = (b"req-%d " % seq).ljust(size, b".")
        s.sendto(payload, (vip, port))
        data, peer = s.recvfrom(65535)
    if socket.inet_pton(s.family, peer[0]) != socket.inet_pton(s.family, vip):
        raise OSError("answer from %s, not from the VIP" % peer[0])
    name, _, echoed = data.partition(b" ")
    if echoed != payload:
        raise OSError("wrong echo")
    return name.decode()


def record(result, args, t, protocol, outcome):
    result["timeline"].append([t, protocol, outcome])
    if args.progress:
        print("%.3f %s %s" % (result["started_at"] + t, protocol, outcome), file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vip", required=True)
    p.add_argument("--tcp-port", type=int, default=80)
    p.add_argument("--udp-port", type=int, default=53)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=0, help="repeat rounds for this many seconds")
    p.add_argument("--no-udp", action="store_true")
    p.add_argument("--no-tcp", action="store_true")
    p.add_argument("--udp-size", type=int, default=0, help="pad UDP requests to this many bytes")
    p.add_argument("--udp-retries", type=int, default=0, help="send an unanswered UDP request again")
    p.add_argument("--source", help="the client address to send from (IPv4 or IPv6, as the VIP)")
    p.add_argument("--rate", type=float, default=0, help="at most this many rounds per second")
    p.add_argument("--progress", action="store_true", help="each request to stderr as it completes")
    p.add_argument("--stop-file", help="end the run once this file exists")
    args = p.parse_args()

    result = {"tcp": Counter(), "udp": Counter(), "tcp_failed": 0, "udp_failed": 0, "udp_retried": 0,
              "timeline": []}
    result["started_at"] = time.time()
    start = time.monotonic()
    seq = 0
    while True:
        for _ in range(args.requests):
            seq += 1
            if args.rate:
                time.sleep(max(0.0, start + seq / args.rate - time.monotonic()))
            if not args.no_tcp:
                t = round(time.monotonic() - start, 3)
                try:
                    name = tcp_request(args.vip, args.tcp_port, args.timeout, args.source)
                    result["tcp"][name] += 1
                    record(result, args, t, "tcp", name)
                except OSError as e:
                    result["tcp_failed"] += 1
                    record(result, args, t, "tcp", "failed: %s" % e)
            for attempt in range(0 if args.no_udp else 1 + args.udp_retries):
                t = round(time.monotonic() - start, 3)
                try:
                    name = udp_request(args.vip, args.udp_port, args.timeout, seq, args.udp_size, args.source)
                    result["udp"][name] += 1
                    record(result, args, t, "udp", name)
                    break
                except socket.timeout as e:
                    if attempt < args.udp_retries:
                        result["udp_retried"] += 1
                        record(result, args, t, "udp", "retried: %s" % (e or "timeout"))
                        continue
                    result["udp_failed"] += 1
                    record(result, args, t, "udp", "failed: %s" % (e or "timeout"))
                except OSError as e:
                    result["udp_failed"] += 1
                    record(result, args, t, "udp", "failed: %s" % e)
                    break
        if time.monotonic() - start >= args.duration:
            break
        if args.stop_file and os.path.exists(args.stop_file):
            break
    # Why each failed request failed, always (the whole timeline only for timed runs).
    result["failures"] = [e for e in result["timeline"] if e[2].startswith(("failed", "retried"))]
    if not args.duration:
        del result["timeline"]
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
