#!/usr/bin/env python3
"""A test backend: answers every TCP request and UDP datagram with its own name.

TCP speaks just enough HTTP/1.0 for curl and for traffic.py: it reads the request head and
answers 200 with the name as the body, then closes.
"""
import argparse
import socket
import socketserver
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--tcp", type=int, default=8080)
    p.add_argument("--udp", type=int, default=5353)
    args = p.parse_args()
    body = args.name.encode()

    class Tcp(socketserver.StreamRequestHandler):
        def handle(self):
            self.request.settimeout(5)
            try:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass

    class Udp(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            sock.sendto(body + b" " + data, self.client_address)

    class TcpServer(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 128

    tcp = TcpServer(("0.0.0.0", args.tcp), Tcp)
    udp = socketserver.ThreadingUDPServer(("0.0.0.0", args.udp), Udp)
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    tcp.serve_forever()


if __name__ == "__main__":
    main()
