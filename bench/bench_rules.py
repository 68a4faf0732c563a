# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Seeded filter rule sets for the benchmark, shaped like real ACLs (ClassBench-like).

Most rules name a source and/or destination prefix of varied length, a protocol
(tcp, udp or any) and a destination port, exact or from a small pool of ranges;
a few name a source port. Every generated rule is checked against the benchmark's
test flows and redrawn if it would match one of them, so that:

- the "last" flows (IPv4 and IPv6) are matched by the last rules of the set only
  (the IPv4 flow by the very last rule, the IPv6 flow by the one before it: one
  rule cannot name both families), and
- the "none" flows match no rule and meet the default policy.

Both actions are deny and so is the default, so every test packet is dropped in
XDP and the figure is the filter's alone, never the kernel stack's.
"""
import ipaddress
import random

# The test flows: the generator varies the source port and the last 16 bits of the
# source address, so a flow set is a source block and a source port range.
SPORT_BASE = 1024
FLOWS = 1000
TEST_FLOWS = {
    "last4": ("10.201.200.0", "10.201.0.2", 5353),
    "none4": ("10.201.200.0", "10.201.0.3", 4444),
    "last6": ("fd00:201::c8:0", "fd00:201::2", 5353),
    "none6": ("fd00:201::c8:0", "fd00:201::3", 4444),
}
LAST_RULES = [
    {"name": "last6", "src": "fd00:201::/64", "dst": "fd00:201::2/128",
     "proto": "udp", "dport": "5000-5999", "action": "deny"},
    {"name": "last4", "src": "10.201.0.0/16", "dst": "10.201.0.2/32",
     "proto": "udp", "dport": "5000-5999", "action": "deny"},
]
WELL_KNOWN = [22, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 636, 993, 995, 1433,
              1521, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200, 11211, 27017]
RANGES = [(0, 1023), (1024, 65535), (6000, 6063), (8000, 8099), (30000, 32767),
          (49152, 65535)]


def _flow_block(src):
    """Every source address a test flow set uses (the generator counts up its last 16 bits)."""
    addr = ipaddress.ip_address(src)
    return ipaddress.ip_network(f"{addr}/{addr.max_prefixlen - 16}", strict=False)


def _ports(text):
    lo, _, hi = str(text).partition("-")
    return int(lo), int(hi or lo)


def _overlap(a, b):
    return a[0] <= b[1] and b[0] <= a[1]


def matches_flows(rule, flow):
    """True if the rule matches any packet of a test flow set (UDP, FLOWS flows)."""
    src, dst, dport = flow
    block = _flow_block(src)
    if rule.get("proto") not in (None, "any", "udp"):
        return False
    if "src" in rule:
        net = ipaddress.ip_network(rule["src"])
        if net.version != block.version or not net.overlaps(block):
            return False
    if "dst" in rule:
        net = ipaddress.ip_network(rule["dst"])
        if net.version != block.version or ipaddress.ip_address(dst) not in net:
            return False
    if "dport" in rule and not _overlap(_ports(rule["dport"]), (dport, dport)):
        return False
    if "sport" in rule and not _overlap(_ports(rule["sport"]),
                                        (SPORT_BASE, SPORT_BASE + FLOWS - 1)):
        return False
    return True


def _prefix(rng, v6):
    """A prefix with ClassBench-like length skew: many /24../32 (v4), /48../64 (v6)."""
    if v6:
        length = rng.choice([32, 40, 48, 48, 56, 64, 64, 64, 128, 128])
        value = (0x2001 << 112) | rng.getrandbits(112)
        net = ipaddress.IPv6Network((value, 128)).supernet(new_prefix=length)
    else:
        length = rng.choice([8, 12, 16, 16, 20, 24, 24, 24, 28, 32, 32, 32])
        net = ipaddress.IPv4Network((rng.getrandbits(32), 32)).supernet(new_prefix=length)
    return str(net)


def _port(rng):
    if rng.random() < 0.6:
        return str(rng.choice(WELL_KNOWN))
    lo, hi = rng.choice(RANGES)
    return f"{lo}-{hi}"


def _rule(rng, i):
    v6 = rng.random() < 0.2
    rule = {"name": f"r{i}"}
    shape = rng.random()
    if shape < 0.45:
        rule["src"] = _prefix(rng, v6)
        rule["dst"] = _prefix(rng, v6)
    elif shape < 0.70:
        rule["src"] = _prefix(rng, v6)
    elif shape < 0.90:
        rule["dst"] = _prefix(rng, v6)
    proto = rng.choices(["tcp", "udp", "any"], [45, 35, 20])[0]
    if proto != "any":
        rule["proto"] = proto
        if rng.random() < 0.8:
            rule["dport"] = _port(rng)
        if rng.random() < 0.1:
            rule["sport"] = rng.choice(["53", "1024-65535"])
    if len(rule) == 1:
        # Neither address nor port: an ACL does not hold a bare "all udp" line.
        rule["proto"] = proto if proto != "any" else "tcp"
        rule["dport"] = _port(rng)
    rule["action"] = rng.choice(["allow", "deny"])
    return rule


def rule_set(n, seed=4):
    """n rules: n-2 generated ones, then the two that the "last" flows match."""
    rng = random.Random(seed * 1000003 + n)
    rules = []
    while len(rules) < n - len(LAST_RULES):
        rule = _rule(rng, len(rules))
        if not any(matches_flows(rule, f) for f in TEST_FLOWS.values()):
            rules.append(rule)
    return rules + LAST_RULES


def _yaml_rule(rule):
    fields = ", ".join(f"{k}: '{v}'" if ":" in str(v) else f"{k}: {v}"
                       for k, v in rule.items())
    return f"    - {{{fields}}}\n"


def config_yaml(rules, default="deny"):
    """A sluice config holding only the filter (default deny, unless told)."""
    return (f"filter:\n  default: {default}\n  rules:\n" +
            "".join(_yaml_rule(r) for r in rules))


def xdp_filter_entries(rules):
    """The rules xdp-filter can hold exactly, as arguments of its commands.

    xdp-filter matches one field per entry, exact values only: a rule qualifies if
    it names nothing but one host address (a /32 or /128), or nothing but a
    protocol and one destination port.
    """
    entries = []
    for rule in rules:
        keys = set(rule) - {"name", "action"}
        if keys in ({"src"}, {"dst"}):
            side = keys.pop()
            net = ipaddress.ip_network(rule[side])
            if net.prefixlen == net.max_prefixlen:
                entries.append(["ip", str(net.network_address), "--mode", side])
        elif keys == {"proto", "dport"} and "-" not in rule["dport"]:
            entries.append(["port", rule["dport"], "--proto", rule["proto"],
                            "--mode", "dst"])
    return entries
