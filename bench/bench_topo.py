# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The benchmark's two namespaces and the veth pair between them.

    sb-gen: sbgen0  10.201.0.1/16 fd00:201::1/64   generator (bench-gen), counter
       |  veth
    sb-dut: sbdut0  10.201.0.2/16 fd00:201::2/64   the program under test, natively

Backends of the load-balancing scenarios are addresses on sbdut0's subnet with
permanent neighbour entries: sluice's l2dsr only rewrites the destination MAC,
so a backend needs nothing but a MAC, and the forwarded frames come back to
sbgen0, where bench-gen counts them. Backend k has MAC 02:be:00:00:k>>8:k&255.
ipip asks the kernel's FIB for the next hop as if sbdut0 forwarded the packet:
sbdut0 forwards IPv4 and IPv6 (the FIB helper reads the receiving interface's own
net.ipv4.conf.IF.forwarding and net.ipv6.conf.IF.forwarding, and sluice's apply
checks the same two), the backends' connected route and permanent neighbours
answer it, and the encapsulated frames leave by sbdut0 (XDP_TX) to sbgen0 too.

Commands run in a namespace with nsenter --net, which keeps the mount namespace
and so bpffs, where sluice pins its maps (ip netns exec would remount /sys).
Every name starts with sb-/sb so that nothing here meets sluice's lab (sl-*, eth0).
"""
import ipaddress
import os
import subprocess

GEN_NS, DUT_NS = "sb-gen", "sb-dut"
GEN_IF, DUT_IF = "sbgen0", "sbdut0"
GEN_IP4, DUT_IP4 = "10.201.0.1", "10.201.0.2"
GEN_IP6, DUT_IP6 = "fd00:201::1", "fd00:201::2"
BACKEND_MAC_PREFIX = "02:be"
MAX_BACKENDS = 2000
# Every backend address is in these: 10.201.16.0/20 and fd00:201::be:0/112.
BACKEND_NET = {4: "10.201.16.0/20", 6: "fd00:201::be:0/112"}
VIP4, VIP6 = "198.51.100.10", "2001:db8:201::10"


class CommandError(Exception):
    """A command failed; the message is its last line of error output."""


def run(cmd, ns=None, check=True, stdin=None):
    """Runs cmd (a list), in namespace ns if given; returns its stdout."""
    if ns:
        cmd = ["nsenter", f"--net=/run/netns/{ns}", "--"] + cmd
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if check and proc.returncode:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise CommandError(lines[-1] if lines else f"{cmd[0]} exited {proc.returncode}")
    return proc.stdout


def backend_addr(k, family=4):
    """Backend k (1-based) of the pool: 10.201.16.0/20 or fd00:201::be:0/112."""
    if family == 6:
        return str(ipaddress.IPv6Address("fd00:201::be:0") + k)
    return str(ipaddress.IPv4Address("10.201.16.0") + k)


def backend_mac(k):
    return f"{BACKEND_MAC_PREFIX}:00:00:{k >> 8:02x}:{k & 0xff:02x}"


def mac_of(ns, ifname):
    return run(["ip", "-br", "link", "show", "dev", ifname], ns=ns).split()[2]


def down():
    """Removes whatever the benchmark made; never fails."""
    for ns in (GEN_NS, DUT_NS):
        if os.path.exists(f"/run/netns/{ns}"):
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True)


def up():
    """Builds the namespaces from scratch (removing an earlier run's first)."""
    down()
    if subprocess.run(["mountpoint", "-q", "/sys/fs/bpf"]).returncode:
        run(["mount", "-t", "bpf", "bpf", "/sys/fs/bpf"])
    for ns in (GEN_NS, DUT_NS):
        run(["ip", "netns", "add", ns])
        # Quiet links: no duplicate address detection, no router solicitations, so
        # that the only frames on the pair are the benchmark's.
        run(["sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
             "net.ipv6.conf.default.accept_dad=0",
             "net.ipv6.conf.default.router_solicitations=0"], ns=ns)
    # A queue per CPU on each end: a frame sent on CPU k goes to queue k of the peer
    # and is processed there, so CPUs that send at once never share a queue.
    queues = str(os.cpu_count() or 1)
    run(["ip", "-n", GEN_NS, "link", "add", GEN_IF, "numtxqueues", queues, "numrxqueues",
         queues, "type", "veth", "peer", "name", DUT_IF, "netns", DUT_NS,
         "numtxqueues", queues, "numrxqueues", queues])
    run(["ip", "-n", GEN_NS, "-batch", "-"], stdin=(
        "link set dev lo up\n"
        f"link set dev {GEN_IF} up\n"
        f"address add {GEN_IP4}/16 dev {GEN_IF}\n"
        f"address add {GEN_IP6}/64 dev {GEN_IF} nodad\n"))
    neigh = "".join(
        f"neighbour add {backend_addr(k, fam)} lladdr {backend_mac(k)} dev {DUT_IF} "
        "nud permanent\n" for k in range(1, MAX_BACKENDS + 1) for fam in (4, 6))
    run(["ip", "-n", DUT_NS, "-batch", "-"], stdin=(
        "link set dev lo up\n"
        f"link set dev {DUT_IF} up\n"
        f"address add {DUT_IP4}/16 dev {DUT_IF}\n"
        f"address add {DUT_IP6}/64 dev {DUT_IF} nodad\n" + neigh))
    run(["sysctl", "-q", "-w", f"net.ipv4.conf.{DUT_IF}.forwarding=1",
         f"net.ipv6.conf.{DUT_IF}.forwarding=1"], ns=DUT_NS)
    return mac_of(GEN_NS, GEN_IF), mac_of(DUT_NS, DUT_IF)


def veth_xdp_packets(ns, ifname):
    """Frames the veth has run through its XDP program, over every queue."""
    total = 0
    for line in run(["ethtool", "-S", ifname], ns=ns).splitlines():
        key, _, value = line.strip().partition(":")
        if key.startswith("rx_queue_") and key.endswith("_xdp_packets"):
            total += int(value)
    return total


def attach_object(obj, ifname=DUT_IF, ns=DUT_NS):
    run(["ip", "link", "set", "dev", ifname, "xdpdrv", "obj", obj, "sec", "xdp"], ns=ns)


def detach_object(ifname=DUT_IF, ns=DUT_NS):
    run(["ip", "link", "set", "dev", ifname, "xdpdrv", "off"], ns=ns, check=False)
