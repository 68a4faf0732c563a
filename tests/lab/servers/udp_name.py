#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Answer every UDP datagram with one line: a name (the lab backend's).

usage: udp_name.py NAME PORT ADDR...

One socket bound to each address, so that an answer always leaves from the
address its datagram was sent to: under direct server return that is the VIP,
which the client expects to hear from. One process serves them all: socat's
process-per-datagram mode loses answers when datagrams arrive together.
"""
import selectors
import socket
import sys


def serve(name, port, addrs):
    answer = (name + "\n").encode()
    sel = selectors.DefaultSelector()
    for addr in addrs:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.bind((addr, port))
        sock.setblocking(False)
        sel.register(sock, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            try:
                _, peer = key.fileobj.recvfrom(65535)
                key.fileobj.sendto(answer, peer)
            except BlockingIOError:
                # A full send queue drops the answer, as UDP may.
                pass


def main():
    if len(sys.argv) < 4 or not sys.argv[2].isdigit():
        print("usage: udp_name.py NAME PORT ADDR...", file=sys.stderr)
        sys.exit(2)
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3:])


if __name__ == "__main__":
    main()
