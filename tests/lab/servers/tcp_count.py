#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Count what each TCP connection sends; at its end, answer "NAME BYTES".

usage: tcp_count.py NAME PORT

Listens on every address, IPv4 and IPv6 (the lab's VIPs included). A client sends
its bytes, shuts its side down, and reads one line: the backend's name and how many
bytes arrived, so that it knows every byte it sent got through, and to whom.
"""
import socket
import sys
import threading


def count(conn, answer_name):
    with conn:
        received = 0
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += len(chunk)
        conn.sendall(f"{answer_name} {received}\n".encode())


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        print("usage: tcp_count.py NAME PORT", file=sys.stderr)
        sys.exit(2)
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("::", int(sys.argv[2])))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=count, args=(conn, sys.argv[1]), daemon=True).start()


if __name__ == "__main__":
    main()
