#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Ask a UDP server again and again, one datagram at a time, for SECONDS; count.

usage: udp_steady.py ADDR PORT SECONDS [WAIT]

Prints "sent N answered M". Each question waits up to WAIT seconds (default 1) for
its answer, so a lost datagram (dropped anywhere on the way) shows up as a missing
answer. One socket, one source port: the same flow throughout.
"""
import socket
import sys
import time


def main():
    addr, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    wait = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(wait)
    sent = answered = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sock.sendto(b"q\n", (addr, port))
        sent += 1
        try:
            sock.recv(64)
            answered += 1
        except socket.timeout:
            pass
        except ConnectionRefusedError:
            pass
        # About a thousand questions a second: steady, not a flood.
        time.sleep(0.001)
    print(f"sent {sent} answered {answered}")


if __name__ == "__main__":
    main()
