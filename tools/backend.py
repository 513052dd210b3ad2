#!/usr/bin/env python3
"""A test backend: answers every TCP request and UDP datagram with its own name.

TCP speaks just enough HTTP/1.0 for curl, traffic.py and health probes: it reads the request
head and answers with the name as the body, then closes. Paths:
  /            200 and the name          /status/NNN   status NNN
  /healthz     200 "ok"                  /host/NAME    200 if the Host header is NAME, else 421
A sick backend (SIGUSR1; SIGUSR2 makes it well again) answers 503 on every path, and SCTP
INITs with ABORT, as an application that is up but failing would.

Optional: --echo PORT (long-lived connections: the name on a line first, then every byte
received sent back, until the client closes; a client whose first line is "push" instead gets
a numbered line every 50 ms and sends nothing more), --https PORT (same HTTP, TLS; with --tls-sni only handshakes naming that server),
--sctp PORT (a tiny SCTP endpoint on a raw socket, since the kernel here has no SCTP: INIT ->
INIT ACK, anything else ignored).
"""
import argparse
import os
import signal
import socket
import socketserver
import ssl
import struct
import threading
import time

sick = threading.Event()


def become(is_sick):
    """Sick or well, then say so in /tmp/gatun-backend-PID.state: testnet.sh waits for it, so a
    test never probes a backend that has not taken the signal yet."""
    if is_sick:
        sick.set()
    else:
        sick.clear()
    with open(f"/tmp/gatun-backend-{os.getpid()}.state", "w") as f:
        f.write("sick" if is_sick else "well")


def http_answer(head, name):
    """The response to one request head (bytes up to the blank line)."""
    lines = head.decode("latin-1").splitlines() or [""]
    method, path = (lines[0].split(" ") + ["", ""])[:2]
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    status, body = 200, name
    if sick.is_set():
        status, body = 503, name + " unavailable"
    elif path.startswith("/status/") and path[8:].isdigit():
        status = int(path[8:])
    elif path.startswith("/host/"):
        host = headers.get("host", "").rsplit(":", 1)[0]
        status = 200 if host == path[6:] else 421
    elif path == "/healthz":
        body = "ok"
    reason = {200: "OK", 421: "Misdirected Request", 503: "Service Unavailable"}.get(status, "Status")
    data = body.encode()
    head = b"HTTP/1.0 %d %s\r\nContent-Length: %d\r\n\r\n" % (status, reason.encode(), len(data))
    return head if method == "HEAD" else head + data


def crc32c(data):
    """CRC32c (Castagnoli), as SCTP checksums packets (RFC 9260 appendix B)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def sctp_packet(src_port, dst_port, tag, chunk):
    packet = struct.pack("!HHII", src_port, dst_port, tag, 0) + chunk
    return packet[:8] + struct.pack("<I", crc32c(packet)) + packet[12:]


def serve_sctp(port):
    """INIT to our port -> INIT ACK (sick: ABORT); the rest of SCTP is not needed by a probe."""
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 132)

    def loop():
        while True:
            data, (src, _) = s.recvfrom(65535)
            ihl = (data[0] & 0x0F) * 4
            sctp = data[ihl:]
            if len(sctp) < 32:
                continue
            their_port, our_port, _tag, checksum = struct.unpack("!HHII", sctp[:12])
            zeroed = sctp[:8] + b"\0\0\0\0" + sctp[12:]
            if our_port != port or sctp[12] != 1 or struct.unpack("<I", sctp[8:12])[0] != crc32c(zeroed):
                continue
            their_tag = struct.unpack("!I", sctp[16:20])[0]
            if sick.is_set():
                chunk = struct.pack("!BBH", 6, 0, 4)  # ABORT
            else:
                cookie = struct.pack("!HH4s", 7, 8, b"gtun")  # state cookie parameter
                chunk = struct.pack("!BBHIIHHI", 2, 0, 20 + len(cookie), 0x5EED5EED, 65535, 1, 1, 1) + cookie
            s.sendto(sctp_packet(port, their_port, their_tag, chunk), (src, 0))

    threading.Thread(target=loop, daemon=True).start()


def serve_udp(port, body):
    """Echoes datagrams after the name, from the address they were sent to: with DSR that
    is the VIP on the loopback, not the interface's own address a plain sendto would pick."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    s.bind(("::", port))
    while True:
        data, ancillary, _, peer = s.recvmsg(65535, socket.CMSG_SPACE(20))
        info = [(level, kind, d) for level, kind, d in ancillary
                if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO]
        s.sendmsg([body + b" " + data], info, 0, peer)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--tcp", type=int, default=8080)
    p.add_argument("--udp", type=int, default=5353)
    p.add_argument("--https", type=int, help="also serve HTTPS on this port")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--tls-sni", help="refuse TLS handshakes that do not name this server")
    p.add_argument("--sctp", type=int, help="answer SCTP INITs to this port")
    p.add_argument("--echo", type=int, help="long-lived connections: name line, then echo")
    args = p.parse_args()
    name = args.name
    body = name.encode()
    signal.signal(signal.SIGUSR1, lambda *_: become(True))
    signal.signal(signal.SIGUSR2, lambda *_: become(False))

    class Http(socketserver.StreamRequestHandler):
        def handle(self):
            self.request.settimeout(5)
            try:
                head = b""
                while True:
                    line = self.rfile.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    head += line
                self.wfile.write(http_answer(head, name))
            except (OSError, ssl.SSLError):
                pass

    class Echo(socketserver.BaseRequestHandler):
        def handle(self):
            try:
                self.request.sendall(body + b"\n")
                first = self.request.recv(65536)
                if first == b"push\n":
                    n = 0
                    while True:
                        n += 1
                        self.request.sendall(b"%d\n" % n)
                        time.sleep(0.05)
                data = first
                while data:
                    self.request.sendall(data)
                    data = self.request.recv(65536)
            except OSError:
                pass

    class TcpServer(socketserver.ThreadingTCPServer):
        # Dual stack: "::" with IPV6_V6ONLY off takes IPv4 (mapped) and IPv6 alike.
        address_family = socket.AF_INET6
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 128

        def server_bind(self):
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            super().server_bind()

    class TlsServer(TcpServer):
        def get_request(self):
            conn, addr = super().get_request()
            return context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False), addr

    if args.sctp:
        serve_sctp(args.sctp)
    if args.echo:
        echo = TcpServer(("::", args.echo), Echo)
        threading.Thread(target=echo.serve_forever, daemon=True).start()
    threading.Thread(target=serve_udp, args=(args.udp, body), daemon=True).start()
    if args.https:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.tls_sni:
            def check_sni(sock, server_name, ctx):
                if server_name != args.tls_sni:
                    return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            context.sni_callback = check_sni
        https = TlsServer(("::", args.https), Http)
        threading.Thread(target=https.serve_forever, daemon=True).start()
    tcp = TcpServer(("::", args.tcp), Http)
    tcp.serve_forever()


if __name__ == "__main__":
    main()
