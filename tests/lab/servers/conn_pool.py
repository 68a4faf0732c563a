#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Long-lived TCP connections held open across a test, checked on command.

Reads commands on stdin, answers each with one line of JSON on stdout:
  open ADDR PORT COUNT FIRST_SPORT
      COUNT connections to ADDR:PORT from source ports FIRST_SPORT..; each reads
      its greeting, the backend's name. {"opened", "failed", "backends": {NAME: n}}
  check TAG TIMEOUT
      sends "TAG-i" on every connection still alive, all at once, and waits up to
      TIMEOUT seconds for each echo, which the lab's bgp backends send back as
      "NAME=TAG-i". {"alive", "broken", "moved", "lost", "slowest"}: broken ones
      (closed, reset or silent) are dropped for good and counted in "lost" from
      then on; "moved" counts echoes from another backend than the greeting's;
      "slowest" is the longest wait in seconds (TCP retransmissions show there).
  quit
"""
import json
import selectors
import socket
import sys
import time


class Conn:
    def __init__(self, sock, backend):
        self.sock = sock
        self.backend = backend
        self.buf = b""


def read_line(sock, deadline):
    buf = b""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        chunk = sock.recv(256)
        if not chunk:
            return None
        buf += chunk
    return buf.split(b"\n", 1)[0].decode()


def open_conns(conns, addr, port, count, first_sport):
    opened, failed, backends = 0, 0, {}
    for i in range(count):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", first_sport + i))
            sock.settimeout(3)
            sock.connect((addr, port))
            name = read_line(sock, time.monotonic() + 3)
        except OSError:
            name = None
        if not name:
            sock.close()
            failed += 1
            continue
        conns.append(Conn(sock, name))
        backends[name] = backends.get(name, 0) + 1
        opened += 1
    return {"opened": opened, "failed": failed, "backends": backends}


def check(conns, lost, tag, timeout):
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    pending = {}
    moved = 0
    slowest = 0.0
    broken = []
    for i, c in enumerate(conns):
        try:
            c.sock.setblocking(False)
            c.sock.send(("%s-%d\n" % (tag, i)).encode())
        except OSError:
            broken.append(c)
            continue
        c.buf = b""
        pending[c.sock] = (i, c)
        sel.register(c.sock, selectors.EVENT_READ)
    while pending:
        left = start + timeout - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(left):
            i, c = pending[key.fileobj]
            try:
                chunk = c.sock.recv(256)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk:
                c.buf += chunk
                if b"\n" not in c.buf:
                    continue
                line = c.buf.split(b"\n", 1)[0].decode()
                if line != "%s=%s-%d" % (c.backend, tag, i):
                    moved += 1
                slowest = max(slowest, time.monotonic() - start)
            else:
                broken.append(c)
            sel.unregister(c.sock)
            del pending[key.fileobj]
    for _, c in pending.values():
        sel.unregister(c.sock)
        broken.append(c)
    sel.close()
    for c in broken:
        c.sock.close()
        conns.remove(c)
    return {"alive": len(conns), "broken": len(broken), "moved": moved,
            "lost": lost + len(broken), "slowest": round(slowest, 3)}


def main():
    conns = []
    lost = 0
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "open":
            out = open_conns(conns, words[1], int(words[2]), int(words[3]), int(words[4]))
        elif words[0] == "check":
            out = check(conns, lost, words[1], float(words[2]))
            lost = out["lost"]
        elif words[0] == "quit":
            break
        else:
            out = {"error": "unknown command " + words[0]}
        print(json.dumps(out, sort_keys=True), flush=True)
    for c in conns:
        c.sock.close()


if __name__ == "__main__":
    main()
