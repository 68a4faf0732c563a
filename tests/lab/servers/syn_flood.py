#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Send COUNT TCP SYNs to ADDR:PORT, each from its own spoofed source (a SYN flood).

usage: syn_flood.py ADDR PORT COUNT [REPEAT]

Sources are taken in order from 198.18.0.0/15 (the benchmarking range, routed nowhere:
the backends' answers go nowhere either) with source ports 1024 and up, so that every
SYN is a flow never seen before. Each SYN is sent REPEAT times in a row (default 1), as
a sender that retransmits would: a flow seen twice is one that a table keeping recently
used entries keeps. The SYNs leave from every CPU at once, a share each: a flood from
many sources reaches a NIC on all its queues, and a veth hands a frame to XDP on the
CPU that sent it. IPv4 only, through a raw socket (the kernel fills in the IP
checksum; the TCP checksum is computed here). Prints "sent N".
"""
import os
import socket
import struct
import sys

SRC_BASE = 0xC6120000	# 198.18.0.0
SRC_HOSTS = 1 << 17	# /15


def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn(src, dst, sport, dport):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64,
                     socket.IPPROTO_TCP, 0, src, dst)
    return ip + tcp


def flood(addr, dst, dport, flows, repeat):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in flows:
        packet = syn(struct.pack("!I", SRC_BASE + i), dst, 1024 + i % 64512, dport)
        for _ in range(repeat):
            sock.sendto(packet, (addr, 0))


def main():
    if len(sys.argv) not in (4, 5) or not all(a.isdigit() for a in sys.argv[2:]):
        print("usage: syn_flood.py ADDR PORT COUNT [REPEAT]", file=sys.stderr)
        sys.exit(2)
    dst = socket.inet_aton(sys.argv[1])
    dport, count = int(sys.argv[2]), int(sys.argv[3])
    repeat = int(sys.argv[4]) if len(sys.argv) == 5 else 1
    if count > SRC_HOSTS:
        print("syn_flood.py: at most %d SYNs" % SRC_HOSTS, file=sys.stderr)
        sys.exit(2)
    cpus = sorted(os.sched_getaffinity(0))
    children = []
    for k, cpu in enumerate(cpus):
        pid = os.fork()
        if pid == 0:
            os.sched_setaffinity(0, {cpu})
            flood(sys.argv[1], dst, dport, range(k, count, len(cpus)), repeat)
            os._exit(0)
        children.append(pid)
    failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in children)
    if failed:
        print("syn_flood.py: %d senders failed" % failed, file=sys.stderr)
        sys.exit(1)
    print("sent", count * repeat)


if __name__ == "__main__":
    main()
