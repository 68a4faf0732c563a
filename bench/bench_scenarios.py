# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""What the benchmark runs: one entry per scenario, data rather than code.

A scenario names the program under test (sluice with a config, a baseline object,
or xdp-filter with entries), the traffic (bench-gen's and bench-micro's frame
options), the path every packet must take (`expect`, checked by bench-micro on
every call; for sluice also a counter that must grow with every live frame), and
the baselines its figures are set against. Adding a scenario is adding an entry.
"""
import os
from dataclasses import dataclass, field

import bench_rules
import bench_topo as topo


@dataclass
class Traffic:
    proto: str
    src: str
    dst: str
    dport: int
    flows: int = 1
    size: int = 64
    sport: int = 1024

    def args(self, src_mac, dst_mac):
        return ["--proto", self.proto, "--src", self.src, "--dst", self.dst,
                "--sport", str(self.sport), "--dport", str(self.dport),
                "--flows", str(self.flows), "--size", str(self.size),
                "--src-mac", src_mac, "--dst-mac", dst_mac]


@dataclass
class Scenario:
    name: str
    group: str              # filter, pass, lb, rules: rows of the chart
    program: str            # sluice, xdp-drop, xdp-pass, xdp-tx, xdp-filter
    traffic: Traffic
    expect: str             # drop, pass, l2dsr, swap, ipip4, ipip6 (bench-micro --help)
    quick: bool = False     # also in --quick
    config: object = None   # sluice: a function returning the YAML text
    # sluice: the counter every live frame must add to, ("global", NAME) or ("rule", NAME)
    counter: tuple = None
    # sluice: counters that must not grow at all while the live traffic runs
    unchanged: list = field(default_factory=list)
    # xdp-filter: (policy, [command arguments...]) and what it holds of the rules
    xdp_filter: tuple = None
    baselines: list = field(default_factory=list)
    note: str = ""
    cpus: int = 1           # live: generators at once, one per CPU, flows of their own
    warmup: float = 0       # live: seconds of the same traffic before anything is timed
    flow_entries: int = 0   # sluice: the flow table's size (flows.size), 0 = default


def _backends(n, family):
    return "".join(f"      - {{addr: {topo.backend_addr(k, family)}}}\n"
                   for k in range(1, n + 1))


# The scaling scenarios' CPUs: every CPU of the machine, at least 2.
CPUS = max(2, os.cpu_count() or 1)

# ipip's outer sources: a flow's hash picks the host part.
ENCAP_SOURCE = {4: "10.255.0.0/24", 6: "fd00:255::/64"}
# The port of the ipip config's IPv4 VIP whose backends are IPv6 (IPv4 in IPv6).
PORT_4IN6 = 8080


def _service(name, vip, port, proto, forward, backends, family, weight=None):
    head = (f"  - name: {name}\n    vip: {vip}\n    port: {port}\n    proto: {proto}\n"
            f"    forward: {forward}\n    table_size: 65537\n")
    if forward == "ipip":
        head += f"    encap_source: [{ENCAP_SOURCE[4]}, '{ENCAP_SOURCE[6]}']\n"
    body = _backends(backends, family)
    if weight:
        # The first backend's weight: a change of it rebuilds this table alone.
        first = f"{{addr: {topo.backend_addr(1, family)}}}"
        body = body.replace(first, first[:-1] + f", weight: {weight}}}", 1)
    return head + "    backends:\n" + body


def lb_config(n, forward="l2dsr", weight=None, flow_entries=0):
    """A small filter and one TCP service per family with n backends each (forward:
    l2dsr or ipip); ipip adds an IPv4 VIP with IPv6 backends (4in6). weight: the
    first backend of web4 gets it; flow_entries: the flow table's size."""
    def text():
        out = (f"flows:\n  size: {flow_entries}\n" if flow_entries else "")
        out += ("filter:\n  default: allow\n  rules:\n"
               "    - {name: no-memcached, proto: udp, dport: 11211, action: deny}\n"
               "    - {name: ssh-admins, proto: tcp, dport: 22, src: 10.201.0.0/24, "
               "action: allow}\n"
               "    - {name: ssh-others, proto: tcp, dport: 22, action: deny}\n"
               "services:\n"
               + _service("web4", topo.VIP4, 80, "tcp", forward, n, 4, weight)
               + _service("web6", topo.VIP6, 80, "tcp", forward, n, 6)
               + _service("dns4", topo.VIP4, 53, "udp", forward, n, 4))
        if forward == "ipip":
            out += _service("web4in6", topo.VIP4, PORT_4IN6, "tcp", forward, n, 6)
        return out
    return text


def services_config(n, backends_each=2):
    """n services on one VIP (ports 10000 up), tables of 251 slots."""
    out = ["services:\n"]
    for i in range(n):
        out.append(f"  - name: s{i}\n    vip: 198.51.100.20\n    port: {10000 + i}\n"
                   "    proto: tcp\n    table_size: 251\n    backends:\n")
        out.append("".join(
            f"      - {{addr: {topo.backend_addr(1 + (i * backends_each + b) % topo.MAX_BACKENDS)}}}\n"
            for b in range(backends_each)))
    return "".join(out)


def rules_config(n):
    return lambda: bench_rules.config_yaml(bench_rules.rule_set(n))


def vips_rules_config(vips, rules):
    """`rules` rules of the seeded set with an allow default, and `vips` TCP services
    of 2 backends, one VIP address each (198.51.100.1 up)."""
    def text():
        out = [bench_rules.config_yaml(bench_rules.rule_set(rules), default="allow"),
               "services:\n"]
        for i in range(vips):
            out.append(f"  - name: v{i}\n    vip: 198.51.100.{1 + i}\n    port: 80\n"
                       "    proto: tcp\n    table_size: 251\n    backends:\n"
                       f"      - {{addr: {topo.backend_addr(1 + 2 * i % topo.MAX_BACKENDS)}}}\n"
                       f"      - {{addr: {topo.backend_addr(2 + 2 * i % topo.MAX_BACKENDS)}}}\n")
        return "".join(out)
    return text


def _src(i, family):
    """A source block of its own per scenario, so that no scenario meets the flows
    another left in sluice's flow table."""
    return f"10.201.{128 + i}.0" if family == 4 else f"fd00:201::{0x80 + i:x}:0"


def _dut(family):
    return topo.DUT_IP4 if family == 4 else topo.DUT_IP6


def _vip(family):
    return topo.VIP4 if family == 4 else topo.VIP6


def scenarios():
    out = []

    def add(**kw):
        out.append(Scenario(**kw))

    # Baselines.
    for size in (64, 512, 1500):
        sfx = "" if size == 64 else f"-{size}B"
        add(name="xdp-drop" + sfx, group="filter", program="xdp-drop", quick=size == 64,
            traffic=Traffic("udp", _src(0, 4), _dut(4), 9, size=size), expect="drop",
            note="empty program: XDP_DROP")
        add(name="xdp-tx" + sfx, group="lb", program="xdp-tx", quick=size == 64,
            traffic=Traffic("tcp", _src(1, 4), _vip(4), 80, size=size), expect="swap",
            note="swaps MACs, XDP_TX")
    add(name=f"xdp-tx-{CPUS}cpu", group="lb", program="xdp-tx", cpus=CPUS,
        traffic=Traffic("tcp", _src(1, 4), _vip(4), 80), expect="swap",
        baselines=["xdp-tx"], note=f"swaps MACs, XDP_TX, {CPUS} CPUs at once")
    add(name="xdp-pass", group="pass", program="xdp-pass", quick=True,
        traffic=Traffic("udp", _src(2, 4), _dut(4), 9), expect="pass",
        note="empty program: XDP_PASS, then the kernel stack")
    add(name="xdp-filter-port", group="filter", program="xdp-filter", quick=True,
        traffic=Traffic("udp", _src(3, 4), _dut(4), 11211), expect="drop",
        xdp_filter=("allow", [["port", "11211", "--proto", "udp", "--mode", "dst"]]),
        note="xdp-filter: deny udp dport 11211")
    for n in (10, 1000, 10000):
        add(name=f"xdp-filter-rules{n}", group="rules", program="xdp-filter",
            quick=n == 1000, traffic=_rule_traffic("none4"), expect="drop",
            xdp_filter=("deny", bench_rules.xdp_filter_entries(bench_rules.rule_set(n))),
            note=f"xdp-filter, default deny, holding the rules of the {n}-rule set it "
                 "can express (one exact address or one exact port each)")

    # sluice.
    for family in (4, 6):
        f = f"-v{family}"
        add(name="filter-drop" + f, group="filter", program="sluice", quick=family == 4,
            traffic=Traffic("udp", _src(10 + family, family), _dut(family), 11211),
            expect="drop", config=lb_config(10), counter=("rule", "no-memcached"),
            baselines=["xdp-drop", "xdp-filter-port"], note="first rule denies udp 11211")
    add(name="pass", group="pass", program="sluice", quick=True,
        traffic=Traffic("udp", _src(20, 4), _dut(4), 9), expect="pass",
        config=lb_config(10), counter=("global", "pass"), baselines=["xdp-pass"],
        note="allowed, not a VIP: to the kernel stack")
    add(name="pass-100vips-10000rules", group="pass", program="sluice",
        traffic=_rule_traffic("none4"), expect="pass", config=vips_rules_config(100, 10000),
        counter=("global", "pass"), baselines=["xdp-pass"],
        note="100 VIPs and 10,000 rules (allow default), not a VIP: to the kernel stack")
    i = 30
    for family in (4, 6):
        for backends in (10, 1000):
            for flows in (1, 1000000):
                quick = family == 4
                fl = "1flow" if flows == 1 else "1Mflows"
                add(name=f"lb-{fl}-{backends}be-v{family}", group="lb", program="sluice",
                    quick=quick, traffic=Traffic("tcp", _src(i, family), _vip(family), 80,
                                                 flows=flows),
                    expect="l2dsr", config=lb_config(backends),
                    counter=("global", "lb_forward"), baselines=["xdp-tx"],
                    note="flow-table hits" if flows == 1 else
                    "flow-table misses (1M flows, 64K-entry LRU)")
                i += 1
    # ipip: the same service and traffic as l2dsr's, encapsulated; set against l2dsr
    # it shows what the outer header and the per-packet FIB lookup cost.
    j = 50
    for kind, family, outer, port in (("4in4", 4, 4, 80), ("6in6", 6, 6, 80),
                                      ("4in6", 4, 6, PORT_4IN6)):
        for flows in (1, 1000000):
            fl = "1flow" if flows == 1 else "1Mflows"
            add(name=f"ipip{kind}-{fl}-10be", group="lb", program="sluice",
                quick=kind == "4in4" and flows == 1,
                traffic=Traffic("tcp", _src(j, family), _vip(family), port,
                                flows=flows),
                expect=f"ipip{outer}", config=lb_config(10, "ipip"),
                counter=("global", "lb_forward"),
                unchanged=[("global", "lb_no_route"), ("global", "lb_no_neigh")],
                baselines=["xdp-tx", f"lb-{fl}-10be-v{family}"],
                note=("flow-table hits" if flows == 1 else "flow-table misses") +
                f", IPv{family} in IPv{outer}, next hop from the FIB")
            j += 1
    # Established flows beyond what caches hold: 1M of them, recorded during the warm-up
    # in a flow table of 1.5M entries, then every packet a hit.
    for family in (4, 6):
        add(name=f"lb-1Mest-10be-v{family}", group="lb", program="sluice",
            traffic=Traffic("tcp", _src(60 + family, family), _vip(family), 80,
                            flows=1000000),
            expect="l2dsr", config=lb_config(10, flow_entries=1500000),
            flow_entries=1500000, warmup=3, counter=("global", "flow_hit"),
            baselines=["xdp-tx", f"lb-1flow-10be-v{family}"],
            note="1M established flows cycled (1.5M-entry table), every packet a hit")
    # Scaling: the same traffic from every CPU at once, each CPU its own flows.
    for k, fl, flows in ((71, "1flow", 1), (72, "1Mflows", 1000000)):
        add(name=f"lb-{fl}-10be-v4-{CPUS}cpu", group="lb", program="sluice", cpus=CPUS,
            traffic=Traffic("tcp", _src(k, 4), _vip(4), 80, flows=flows),
            expect="l2dsr", config=lb_config(10), counter=("global", "lb_forward"),
            baselines=[f"lb-{fl}-10be-v4", f"xdp-tx-{CPUS}cpu"],
            note=f"{CPUS} CPUs at once, " + ("one established flow each" if flows == 1
                                              else "1M new flows each (64K-entry LRU)"))
    add(name="lb-udp-1Mflows-10be-v4", group="lb", program="sluice",
        traffic=Traffic("udp", _src(i, 4), _vip(4), 53, flows=1000000), expect="l2dsr",
        config=lb_config(10), counter=("global", "lb_forward"), baselines=["xdp-tx"],
        note="UDP service, flow-table misses")
    for size in (512, 1500):
        add(name=f"lb-1flow-10be-v4-{size}B", group="lb", program="sluice",
            traffic=Traffic("tcp", _src(i + 1, 4), _vip(4), 80, size=size), expect="l2dsr",
            config=lb_config(10), counter=("global", "lb_forward"),
            baselines=[f"xdp-tx-{size}B"], note=f"{size}-byte frames")
        add(name=f"filter-drop-v4-{size}B", group="filter", program="sluice",
            traffic=Traffic("udp", _src(i + 2, 4), _dut(4), 11211, size=size),
            expect="drop", config=lb_config(10), counter=("rule", "no-memcached"),
            baselines=[f"xdp-drop-{size}B"], note=f"{size}-byte frames")
        i += 2
    for n in (10, 1000, 10000):
        for flow in ("last4", "none4", "last6", "none6"):
            add(name=f"rules{n}-{flow}", group="rules", program="sluice",
                quick=flow.endswith("4"), traffic=_rule_traffic(flow), expect="drop",
                config=rules_config(n),
                counter=("rule", flow) if flow.startswith("last") else
                ("global", "filter_drop"),
                baselines=["xdp-drop"] + ([f"xdp-filter-rules{n}"] if flow == "none4"
                                          else []),
                note=f"{n} rules; " + ("matches the last rule of its family"
                                        if flow.startswith("last") else
                                        "matches none: default deny"))
    return out


def _rule_traffic(flow):
    src, dst, dport = bench_rules.TEST_FLOWS[flow]
    return Traffic("udp", src, dst, dport, flows=bench_rules.FLOWS,
                   sport=bench_rules.SPORT_BASE)
