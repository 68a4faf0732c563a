#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Watch the encapsulated frames arriving on interfaces; on SIGTERM, sum them up.

usage: encap_sniff.py READY OUT IFACE...

Run where the sluice node's ports end (the lab switch's side of them), it sees every
frame sluice sends. Frames whose outer header is IPv4 protocol 4 or IPv6 next header
4/41 are checked field by field (TTL/hop limit 64, IPv4 DF and header checksum,
lengths, DSCP/ECN equal to the inner header's) and counted. READY is created once the
sockets listen; OUT receives a JSON summary when SIGTERM or SIGINT arrives:

  frames, kinds {"4in4": n, "6in6": n, "4in6": n}, by_outer_dst {addr: n},
  by_iface {IFACE: {outer dst: n}},
  flows (distinct inner 5-tuples), sources (distinct outer sources),
  sources_by_outer_dst {addr: n}, flows_with_several_sources, flow_label_zero,
  bad {"ttl", "df", "checksum", "length", "tos": n}, icmp [[outer dst, inner
  family, icmp type, embedded source port, embedded destination port], ...]
"""
import ipaddress
import json
import select
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Summary:
    def __init__(self):
        self.frames = 0
        self.kinds = {}
        self.by_dst = {}
        self.by_iface = {}
        self.sources = set()
        self.sources_by_dst = {}
        self.flow_sources = {}
        self.flow_label_zero = 0
        self.bad = {"ttl": 0, "df": 0, "checksum": 0, "length": 0, "tos": 0}
        self.icmp = []

    def as_dict(self):
        return {
            "frames": self.frames,
            "kinds": self.kinds,
            "by_outer_dst": self.by_dst,
            "by_iface": self.by_iface,
            "flows": len(self.flow_sources),
            "sources": len(self.sources),
            "sources_by_outer_dst": {d: len(s) for d, s in self.sources_by_dst.items()},
            "flows_with_several_sources":
                sum(1 for s in self.flow_sources.values() if len(s) > 1),
            "flow_label_zero": self.flow_label_zero,
            "bad": self.bad,
            "icmp": self.icmp,
        }


def checksum_ok(header):
    total = 0
    for i in range(0, len(header), 2):
        total += (header[i] << 8) | header[i + 1]
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total == 0xffff


def inner_info(family, pkt):
    """(length, tos, key, icmp) of the inner packet, or None if it is cut short."""
    if family == 4:
        if len(pkt) < 20:
            return None
        ihl = (pkt[0] & 0x0f) * 4
        length = struct.unpack_from("!H", pkt, 2)[0]
        tos, proto = pkt[1], pkt[9]
        frag = struct.unpack_from("!H", pkt, 6)[0] & 0x3fff
        src, dst = pkt[12:16], pkt[16:20]
        l4 = pkt[ihl:] if not frag else b""
    else:
        if len(pkt) < 40:
            return None
        length = 40 + struct.unpack_from("!H", pkt, 4)[0]
        tos = (struct.unpack_from("!I", pkt, 0)[0] >> 20) & 0xff
        proto = pkt[6]
        src, dst = pkt[8:24], pkt[24:40]
        l4 = pkt[40:]
    ports = struct.unpack_from("!HH", l4, 0) if proto in (6, 17) and len(l4) >= 4 else (0, 0)
    icmp = None
    if proto in (1, 58) and len(l4) >= 8:
        # The embedded packet's ports tell which flow an ICMP error is about.
        emb = l4[8:]
        emb_ports = (0, 0)
        if family == 4 and len(emb) >= 20 + 4:
            emb_ports = struct.unpack_from("!HH", emb, (emb[0] & 0x0f) * 4)
        elif family == 6 and len(emb) >= 40 + 4:
            emb_ports = struct.unpack_from("!HH", emb, 40)
        icmp = (l4[0], emb_ports[0], emb_ports[1])
    key = (family, proto, bytes(src), bytes(dst)) + tuple(ports)
    return length, tos, key, icmp


def take(summary, iface, frame):
    if len(frame) < 14:
        return
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    pkt = frame[14:]
    if ethertype == 0x0800 and len(pkt) >= 20 and pkt[9] == 4:
        ihl = (pkt[0] & 0x0f) * 4
        outer_len = struct.unpack_from("!H", pkt, 2)[0]
        ttl, tos = pkt[8], pkt[1]
        df = struct.unpack_from("!H", pkt, 6)[0] & 0x4000
        src = str(ipaddress.IPv4Address(pkt[12:16]))
        dst = str(ipaddress.IPv4Address(pkt[16:20]))
        inner_family, inner = 4, pkt[ihl:]
        kind = "4in4"
        if not checksum_ok(pkt[:ihl]):
            summary.bad["checksum"] += 1
        if not df:
            summary.bad["df"] += 1
        header_len = ihl
    elif ethertype == 0x86dd and len(pkt) >= 40 and pkt[6] in (4, 41):
        first = struct.unpack_from("!I", pkt, 0)[0]
        outer_len = 40 + struct.unpack_from("!H", pkt, 4)[0]
        ttl, tos = pkt[7], (first >> 20) & 0xff
        if first & 0xfffff == 0:
            summary.flow_label_zero += 1
        src = str(ipaddress.IPv6Address(pkt[8:24]))
        dst = str(ipaddress.IPv6Address(pkt[24:40]))
        inner_family = 4 if pkt[6] == 4 else 6
        inner = pkt[40:]
        kind = "4in6" if inner_family == 4 else "6in6"
        header_len = 40
    else:
        return
    info = inner_info(inner_family, inner)
    summary.frames += 1
    summary.kinds[kind] = summary.kinds.get(kind, 0) + 1
    summary.by_dst[dst] = summary.by_dst.get(dst, 0) + 1
    per_iface = summary.by_iface.setdefault(iface, {})
    per_iface[dst] = per_iface.get(dst, 0) + 1
    if ttl != 64:
        summary.bad["ttl"] += 1
    if info is None:
        summary.bad["length"] += 1
        return
    length, inner_tos, key, icmp = info
    if outer_len != header_len + length:
        summary.bad["length"] += 1
    if tos != inner_tos:
        summary.bad["tos"] += 1
    summary.sources.add(src)
    summary.sources_by_dst.setdefault(dst, set()).add(src)
    summary.flow_sources.setdefault(key, set()).add(src)
    if icmp is not None:
        summary.icmp.append([dst, inner_family, icmp[0], icmp[1], icmp[2]])


def main():
    if len(sys.argv) < 4:
        print("usage: encap_sniff.py READY OUT IFACE...", file=sys.stderr)
        sys.exit(2)
    ready, out, ifaces = sys.argv[1], sys.argv[2], sys.argv[3:]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    socks = {}
    for iface in ifaces:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sock.bind((iface, 0))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        socks[sock] = iface
    summary = Summary()
    open(ready, "w").close()
    while not stop:
        try:
            readable, _, _ = select.select(list(socks), [], [], 0.2)
        except InterruptedError:
            continue
        for sock in readable:
            frame, addr = sock.recvfrom(65535)
            # Only what the sluice node sent, not what the switch sends it.
            if addr[2] != PACKET_OUTGOING:
                take(summary, socks[sock], frame)
    with open(out, "w") as f:
        json.dump(summary.as_dict(), f)


if __name__ == "__main__":
    main()
