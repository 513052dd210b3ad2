#!/usr/bin/env python3
"""Long-lived TCP connections through VIPs, watched until stopped: whether each one survives.

Each target VIP:PORT gets --connections connections to a backend's echo server (backend.py
--echo: its name on a line first, then every byte echoed). Each connection sends a numbered line
every --interval seconds and waits for its echo; a connection is alive while its echoes come
back, in order, on the same socket. It fails on a reset, a close, a wrong echo, or no echo for
--stall seconds (TCP's retransmissions cover a failover's pause well inside that).

With --push the client sends "push" once and then only reads: the backend sends a numbered line
every 50 ms (so after a move the first packet a new forwarder sees is the backend's, never the
client's); it fails on a number out of order, a reset, a close, or --stall seconds of silence.

  longlived.py --target 198.18.0.230:7777 [--target ...] [--source ADDR] [--push] --stop-file F

Prints "ready" on stdout once every connection has had its first echo (or failed), then, once
the stop file exists, one JSON object: {"connections": [{"target", "backend", "echoes",
"first_ms", "last_ms", "max_gap_ms", "error"}]} (times in epoch milliseconds). With
--status-file the same object is also written there (atomically) every 0.2 s while running.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time


def now_ms():
    return int(time.time() * 1000)


class Connection:
    def __init__(self, target, source, interval, stall, stop, push=False):
        self.push = push
        self.target = target
        self.source = source
        self.interval = interval
        self.stall = stall
        self.stop = stop
        self.backend = None
        self.echoes = 0
        self.first_ms = None
        self.last_ms = None
        self.max_gap_ms = 0
        self.error = None
        self.started = threading.Event()

    def result(self):
        return {"target": self.target, "backend": self.backend, "echoes": self.echoes,
                "first_ms": self.first_ms, "last_ms": self.last_ms, "max_gap_ms": self.max_gap_ms,
                "error": self.error}

    def run(self):
        host, port = self.target.rsplit(":", 1)
        try:
            s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
            if self.source:
                s.bind((self.source, 0))
            s.settimeout(self.stall)
            s.connect((host.strip("[]"), int(port)))
            f = s.makefile("rb")
            self.backend = f.readline().decode().strip()
            if not self.backend:
                raise ConnectionError("closed before the backend named itself")
            seq = 0
            if self.push:
                s.sendall(b"push\n")
            while not self.stop.is_set():
                seq += 1
                line = b"%d\n" % seq
                if not self.push:
                    s.sendall(line)
                echo = f.readline()
                if echo != line:
                    raise ConnectionError("got %r, expected %r" % (echo, line))
                t = now_ms()
                if self.last_ms is not None:
                    self.max_gap_ms = max(self.max_gap_ms, t - self.last_ms)
                else:
                    self.first_ms = t
                self.last_ms = t
                self.echoes += 1
                self.started.set()
                if not self.push:
                    self.stop.wait(self.interval)
            s.close()
        except (OSError, ConnectionError) as e:
            self.error = "%s: %s" % (type(e).__name__, e)
        finally:
            self.started.set()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", action="append", required=True, help="VIP:PORT ([V6]:PORT)")
    p.add_argument("--source", help="the client address to connect from")
    p.add_argument("--connections", type=int, default=2, help="per target")
    p.add_argument("--interval", type=float, default=0.05)
    p.add_argument("--push", action="store_true", help="the backend sends, the client only reads")
    p.add_argument("--stall", type=float, default=30.0)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--status-file", help="the running state, rewritten every 0.2 s")
    p.add_argument("--duration", type=float, default=600, help="stop after this many seconds at most")
    args = p.parse_args()
    stop = threading.Event()
    conns = [Connection(t, args.source, args.interval, args.stall, stop, args.push)
             for t in args.target for _ in range(args.connections)]
    threads = [threading.Thread(target=c.run, daemon=True) for c in conns]
    for t in threads:
        t.start()
    for c in conns:
        c.started.wait()
    print("ready", flush=True)
    deadline = time.monotonic() + args.duration
    next_status = 0
    while not os.path.exists(args.stop_file) and time.monotonic() < deadline:
        if args.status_file and time.monotonic() >= next_status:
            with open(args.status_file + ".tmp", "w") as f:
                json.dump({"connections": [c.result() for c in conns]}, f)
            os.replace(args.status_file + ".tmp", args.status_file)
            next_status = time.monotonic() + 0.2
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(args.stall + 5)
    json.dump({"connections": [c.result() for c in conns]}, sys.stdout)
    print(flush=True)


if __name__ == "__main__":
    main()
