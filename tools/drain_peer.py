#!/usr/bin/env python3
"""Both ends of the draining checks (e2e_modes, LoadBalancerE2E): long-lived TCP connections
through a VIP.

  drain_peer.py serve --port P --name NAME     answers every line on a connection with NAME,
                                               for as long as the client keeps it open
  drain_peer.py hold --vip V --port P --go F   one connection: a line, prints "first NAME",
                                               waits until file F exists, another line on the
                                               same connection, prints "then NAME"
  drain_peer.py spread --vip V --port P --connections N
                                               N new connections, one line each; prints JSON
                                               {"answers": {NAME: count}, "failed": count}
"""
import argparse
import json
import os
import socket
import socketserver
import sys
import time
from collections import Counter


def serve(port, name):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for _ in iter(self.rfile.readline, b""):
                self.wfile.write(name.encode() + b"\n")
                self.wfile.flush()

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("0.0.0.0", port), Handler) as server:
        server.serve_forever()


def ask(conn, reader):
    conn.sendall(b"which\n")
    line = reader.readline()
    if not line:
        raise OSError("connection closed")
    return line.decode().strip()


def hold(vip, port, go, timeout):
    try:
        with socket.create_connection((vip, port), timeout=5) as conn:
            reader = conn.makefile("rb")
            print("first", ask(conn, reader), flush=True)
            deadline = time.monotonic() + timeout
            while not os.path.exists(go):
                if time.monotonic() > deadline:
                    print("broken: never told to go on", flush=True)
                    return 1
                time.sleep(0.05)
            print("then", ask(conn, reader), flush=True)
            return 0
    except OSError as e:
        print("broken:", e, flush=True)
        return 1


def spread(vip, port, connections):
    answers, failed = Counter(), 0
    for _ in range(connections):
        try:
            with socket.create_connection((vip, port), timeout=2) as conn:
                answers[ask(conn, conn.makefile("rb"))] += 1
        except OSError:
            failed += 1
    print(json.dumps({"answers": answers, "failed": failed}))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["serve", "hold", "spread"])
    p.add_argument("--vip")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--name")
    p.add_argument("--go")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--connections", type=int, default=30)
    a = p.parse_args()
    if a.mode == "serve":
        serve(a.port, a.name)
        return 0
    if a.mode == "hold":
        return hold(a.vip, a.port, a.go, a.timeout)
    return spread(a.vip, a.port, a.connections)


if __name__ == "__main__":
    sys.exit(main())
