#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Many flows at once, each from its own fixed source port; print who answered each.

usage: flows.py udp ADDR PORT FIRST COUNT
       flows.py tcp ADDR PORT FIRST COUNT

udp: one datagram from each source port FIRST..FIRST+COUNT-1 to ADDR:PORT; prints
"SPORT ANSWER" per flow, ANSWER being the first line answered (the lab's name
servers answer with the backend's name) or "-" when nothing came back after a few
tries. The same ports give the same flows again on a later run, so two runs can be
compared flow by flow.

tcp: holds COUNT connections from source ports FIRST.. open. Prints "SPORT NAME"
(the greeting of the lab's tcp/80 servers) per connection, then "ready". Then, for
every line "check" read on stdin, sends a line on every connection and prints
"SPORT STATUS" per connection (ok: echoed back; reset, closed, silent, or what came
back instead), then "done". Ends at "end" or end of input, closing every connection with a
reset so that its source port is free again at once (no TIME_WAIT).
"""
import select
import socket
import struct
import sys
import time

BATCH = 128	# datagrams in flight: what the servers' receive buffers surely hold
TRIES = 5
WAIT = 0.5	# seconds to wait for the answers of a batch before asking again


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_batch(addr, port, sports, answers):
    socks = {}
    for sport in sports:
        sock = socket.socket(family_of(addr), socket.SOCK_DGRAM)
        sock.bind(("", sport))
        sock.connect((addr, port))
        sock.setblocking(False)
        socks[sock.fileno()] = (sport, sock)
    pending = set(socks)
    for _ in range(TRIES):
        for fd in pending:
            try:
                socks[fd][1].send(b"flow\n")
            except OSError:
                pass	# an ICMP error from an earlier try: ask again
        deadline = time.monotonic() + WAIT
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(list(pending), [], [], left)
            for fd in ready:
                try:
                    data = socks[fd][1].recv(256)
                except OSError:
                    continue
                answers[socks[fd][0]] = data.decode(errors="replace").split("\n")[0]
                pending.discard(fd)
        if not pending:
            break
    for _, sock in socks.values():
        sock.close()


def udp(addr, port, first, count):
    answers = {}
    sports = list(range(first, first + count))
    for i in range(0, count, BATCH):
        udp_batch(addr, port, sports[i:i + BATCH], answers)
    for sport in sports:
        print(sport, answers.get(sport, "-") or "-")


def read_line(sock, timeout):
    """One line from sock, or a word saying why there is none."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return "silent"
        try:
            chunk = sock.recv(256)
        except ConnectionResetError:
            return "reset"
        except OSError as e:
            return "error-" + str(e.errno)
        if not chunk:
            return "closed"
        data += chunk
    return data.decode(errors="replace").rstrip("\n")


def tcp(addr, port, first, count):
    conns = []
    for sport in range(first, first + count):
        sock = socket.socket(family_of(addr), socket.SOCK_STREAM)
        # Close with a reset: no TIME_WAIT, the port may be used again at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.bind(("", sport))
        sock.settimeout(2)
        try:
            sock.connect((addr, port))
            name = read_line(sock, 2)
        except OSError as e:
            name = "connect-error-" + str(e.errno)
        print(sport, name)
        conns.append((sport, sock))
    print("ready", flush=True)
    round_no = 0
    for line in sys.stdin:
        if line.strip() != "check":
            break
        round_no += 1
        for _, sock in conns:
            try:
                sock.send(b"ping-%d\n" % round_no)
            except OSError:
                pass	# the read below says what happened
        for sport, sock in conns:
            got = read_line(sock, 2)
            print(sport, "ok" if got == "ping-%d" % round_no else got)
        print("done", flush=True)
    for _, sock in conns:
        sock.close()


def main():
    if len(sys.argv) != 6 or sys.argv[1] not in ("udp", "tcp") or \
       not all(a.isdigit() for a in sys.argv[3:]):
        print("usage: flows.py udp|tcp ADDR PORT FIRST COUNT", file=sys.stderr)
        sys.exit(2)
    addr, port, first, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    (udp if sys.argv[1] == "udp" else tcp)(addr, port, first, count)


if __name__ == "__main__":
    main()
