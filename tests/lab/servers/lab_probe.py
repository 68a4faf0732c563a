#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The lab client's probes: fixed flows, uploads, DF datagrams, crafted ICMP errors.

usage:
  lab_probe.py flows tcp|udp ADDR PORT FIRST_SPORT COUNT
      COUNT flows from source ports FIRST_SPORT.. in turn; prints "SPORT ANSWER" for
      each (the backend's name, or "no-answer"). TCP connections read the server's
      greeting and end with a reset, so that no TIME_WAIT keeps the source port: the
      same flows can be sent again at once.
  lab_probe.py upload ADDR PORT BYTES
      sends BYTES over one TCP connection, closes its side, prints the server's
      answer ("NAME BYTES" from tcp_count.py).
  lab_probe.py dgram ADDR PORT SIZE df|nodf [TOS]
      sends one UDP datagram of SIZE bytes (IP header included) with or without DF
      (IPv6 never fragments: df), prints "answer NAME" or "answer none", then
      "mtu N": the path MTU the client's kernel holds for ADDR afterwards.
  lab_probe.py icmp-error VIP VPORT CLIENT CPORT MTU
      sends, from this host, the ICMP error a router would send to VIP about the
      UDP datagram VIP:VPORT -> CLIENT:CPORT it could not forward: IPv4
      "fragmentation needed" or ICMPv6 "packet too big" with next-hop MTU.
Each wait for an answer lasts at most LAB_TIMEOUT seconds (default 2).
"""
import os
import socket
import struct
import sys

TIMEOUT = float(os.environ.get("LAB_TIMEOUT", "2"))
# Linux values; not every Python names them.
IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IP_PMTUDISC_DO, IP_MTU = 10, 0, 2, 14
IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_MTU = 23, 2, 24


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def one_flow(proto, addr, port, sport):
    fam = family_of(addr)
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    with socket.socket(fam, kind) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.settimeout(TIMEOUT)
        sock.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
        try:
            sock.connect((addr, port))
            if proto == "udp":
                sock.send(b"probe\n")
            answer = sock.recv(256).decode(errors="replace").split("\n")[0]
        except OSError:
            answer = ""
        if proto == "tcp":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return answer or "no-answer"


def flows(proto, addr, port, first, count):
    for sport in range(first, first + count):
        print(sport, one_flow(proto, addr, port, sport), flush=True)


def upload(addr, port, size):
    with socket.create_connection((addr, port), timeout=TIMEOUT) as sock:
        # Sending may wait on path MTU discovery and retransmissions: allow longer.
        sock.settimeout(10 * TIMEOUT)
        sock.sendall(b"x" * size)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = sock.recv(256)
            if not chunk:
                break
            answer += chunk
    print(answer.decode(errors="replace").strip() or "no-answer")


def dgram(addr, port, size, df, tos):
    fam = family_of(addr)
    with socket.socket(fam, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT)
        if fam == socket.AF_INET:
            sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER,
                            IP_PMTUDISC_DO if df else IP_PMTUDISC_DONT)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
            payload = size - 20 - 8
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, tos)
            payload = size - 40 - 8
        sock.connect((addr, port))
        answer = "none"
        try:
            sock.send(b"p" * payload)
            answer = sock.recv(256).decode(errors="replace").split("\n")[0] or "none"
        except OSError:
            # EMSGSIZE (the kernel already knows a smaller MTU), the ICMP's error, or
            # the timeout: all mean no answer.
            pass
        if fam == socket.AF_INET:
            mtu = sock.getsockopt(socket.IPPROTO_IP, IP_MTU)
        else:
            mtu = sock.getsockopt(socket.IPPROTO_IPV6, IPV6_MTU)
    print("answer", answer)
    print("mtu", mtu)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def icmp_error(vip, vport, client, cport, mtu):
    # The datagram the router could not forward: from the VIP (the backend answering
    # directly) to the client, full size, of which an ICMP error quotes the start.
    udp = struct.pack("!HHHH", vport, cport, 1400, 0)
    if family_of(vip) == socket.AF_INET:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 1420, 0, 0x4000, 64, 17, 0,
                         socket.inet_pton(socket.AF_INET, vip),
                         socket.inet_pton(socket.AF_INET, client))
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        body = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + ip + udp
        body = body[:2] + struct.pack("!H", checksum(body)) + body[4:]
        with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
            sock.sendto(body, (vip, 0))
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, 1400, 17, 64,
                         socket.inet_pton(socket.AF_INET6, vip),
                         socket.inet_pton(socket.AF_INET6, client))
        # The kernel computes ICMPv6 checksums of raw sockets itself.
        body = struct.pack("!BBHI", 2, 0, 0, mtu) + ip + udp
        with socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                           socket.IPPROTO_ICMPV6) as sock:
            sock.sendto(body, (vip, 0))


def usage():
    print(__doc__.strip().split("\n\n", 1)[1].split("Each wait")[0], file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    try:
        if args[0] == "flows" and len(args) == 6 and args[1] in ("tcp", "udp"):
            flows(args[1], args[2], int(args[3]), int(args[4]), int(args[5]))
        elif args[0] == "upload" and len(args) == 4:
            upload(args[1], int(args[2]), int(args[3]))
        elif args[0] == "dgram" and len(args) in (5, 6) and args[4] in ("df", "nodf"):
            dgram(args[1], int(args[2]), int(args[3]), args[4] == "df",
                  int(args[5]) if len(args) == 6 else 0)
        elif args[0] == "icmp-error" and len(args) == 6:
            icmp_error(args[1], int(args[2]), args[3], int(args[4]), int(args[5]))
        else:
            usage()
    except (IndexError, ValueError):
        usage()


if __name__ == "__main__":
    main()
