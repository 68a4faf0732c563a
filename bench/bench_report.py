# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""The benchmark's outputs: a table for people, JSON for machines, an SVG chart.

Ratios to the baselines are the headline: absolute figures depend on the machine,
ratios measured in the same run much less. A scenario's live ratio is its Mpps
over the baseline's; its micro ratio is its ns over the baseline's.
"""
import html
import json
import math
import os

METHOD = (
    "live: bench-gen runs a generator XDP program with BPF_PROG_TEST_RUN in live-frames\n"
    "mode (batches of 64); it redirects each frame into a veth whose peer runs the\n"
    "program under test natively; frames sent back (XDP_TX) are counted on the\n"
    "generator's side. One CPU generates, receives and returns each frame, so ns/pkt\n"
    "is the whole path's kernel time per frame (by the test run's own timer) and Mpps\n"
    "its inverse; the baselines pay the same generator and veth costs.\n"
    "micro: bench-micro, BPF_PROG_TEST_RUN of the attached program, one packet per\n"
    "call, median of the kernel's per-run time; every call's verdict and output\n"
    "checked. The empty program's figure is the floor of that measure.\n"
    "rounds: live, each ~0.25 s call of the generator; micro, 5 runs of consecutive\n"
    "calls; Maglev, 5 runs of consecutive builds. `--compare OLD.json` takes their\n"
    "spread for the noise of a figure.")


def forwards(expect):
    """True for the paths that send every frame back out (XDP_TX)."""
    return expect in ("l2dsr", "swap") or expect.startswith("ipip")


def _by_name(report):
    return {s["name"]: s for s in report["scenarios"]}


def ratios(report, scn):
    """[(baseline, live Mpps ratio or None, micro ns ratio or None)] of one scenario."""
    out = []
    names = _by_name(report)
    for base in scn.get("baselines", []):
        b = names.get(base)
        if not b:
            continue
        live = micro = None
        if scn.get("live", {}).get("mpps") and b.get("live", {}).get("mpps"):
            live = scn["live"]["mpps"] / b["live"]["mpps"]
        if scn.get("micro") and b.get("micro") and b["micro"]["ns_median"]:
            micro = scn["micro"]["ns_median"] / b["micro"]["ns_median"]
        out.append((base, live, micro))
    return out


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def table(report):
    m = report["machine"]
    lines = [
        f"sluice benchmark ({report['mode']}): {m['cpus']} vCPU VM, veth, "
        f"kernel {m['kernel']}, {m['date']}",
        "",
        f"{'scenario':<26} {'program':<11} {'Mpps':>6} {'ns/pkt':>7} {'back':>5} "
        f"{'micro ns':>8}  vs baselines (live Mpps x, micro ns x)",
    ]
    for s in report["scenarios"]:
        head = f"{s['name']:<26} {s['program']:<11}"
        if s["status"] == "not run":
            lines.append(f"{head} not run: {s['reason']}")
            continue
        live = s.get("live", {})
        back = "-"
        if live.get("processed") and forwards(s["expect"]):
            back = f"{min(live['returned_packets'] / live['processed'], 9.99):.2f}"
        micro = s.get("micro", {}).get("ns_median")
        vs = ", ".join(f"{b} {_fmt(lr, '.2f')}x/{_fmt(mr, '.2f')}x"
                       for b, lr, mr in ratios(report, s))
        if "xdp_filter_entries" in s:
            n = s["xdp_filter_entries"]
            vs = f"(xdp-filter holds {n} entr{'y' if n == 1 else 'ies'})"
        lines.append(f"{head} {_fmt(live.get('mpps'), '6.2f')} "
                     f"{_fmt(live.get('ns_per_packet'), '7.1f')} {back:>5} "
                     f"{_fmt(micro, '8d')}  {vs}"
                     + ("" if s["status"] == "ok" else "  FAILED"))
    lines += ["", "back: share of processed frames that came back forwarded."]
    cp = report.get("control_plane")
    if cp:
        lines += ["", "control plane", f"{'Maglev M=65537':<26} {'build ms':>8} "
                  f"{'weighted':>8} {'balance':>8} {'moved -1':>9} {'ideal':>7} "
                  f"{'moved +1':>9} {'ideal':>7}"]
        for g in cp["maglev"]:
            lines.append(f"{str(g['backends']) + ' backends':<26} {g['build_ms']:8.3f} "
                         f"{_fmt(g.get('build_ms_weighted'), '8.3f')} "
                         f"{g['balance']:8.4f} {g['disruption_remove']:9.4f} "
                         f"{g['disruption_ideal_remove']:7.4f} {g['disruption_add']:9.4f} "
                         f"{g['disruption_ideal_add']:7.4f}")
        lines.append("sluice apply (wall time of the command)")
        for a in cp["apply"]:
            took = (f"{a['seconds'] * 1000:8.0f} ms" if "seconds" in a
                    else f"failed: {a['reason']}")
            lines.append(f"  {a['change']:<56} {took}")
        for c in cp.get("one_backend", []):
            took = f"{c['ms']:8.1f} ms" if "ms" in c else f"failed: {c['reason']}"
            lines.append(f"  {c['change']:<56} {took}")
        st = cp.get("status")
        if st:
            took = f"{st['ms']:8.0f} ms" if "ms" in st else f"failed: {st['reason']}"
            lines.append(f"sluice status of {st['services']:,} services (wall time)"
                         f"{'':<18} {took}")
        lines.append("(medians of repeated runs; every run's figure is in report.json)")
        lines += _swap_lines(cp)
        lines += _health_lines(cp)
    lines += ["", METHOD, f"total {report.get('seconds', 0)} s"]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _swap_lines(cp):
    """The swap of one service's Maglev table, from the weight-change applies."""
    sw = cp.get("table_swap")
    if not sw:
        return []
    head = (f"Maglev table swap, one service, M={sw['table_size']}, "
            f"{sw['backends']} backends (median of {sw['rounds']} applies)")
    if "weight_change_ms" not in sw:
        return [head, f"  failed: {sw.get('reason', '')}"]
    build = next((g["build_ms"] for g in cp["maglev"]
                  if g["backends"] == sw["backends"]), None)
    lines = [head,
             f"  {'apply of one backend weight change (wall time)':<56} "
             f"{sw['weight_change_ms']:8.2f} ms",
             f"  {'apply of the same file again (nothing to change)':<56} "
             f"{sw['unchanged_ms']:8.2f} ms",
             f"  {'difference: build, inner map fill, flip':<56} "
             f"{sw['weight_change_ms'] - sw['unchanged_ms']:8.2f} ms"]
    if build is not None:
        lines.append(f"  {'of which the table build (bench-maglev)':<56} {build:8.2f} ms")
    return lines


def _health_lines(cp):
    """What health checks cost the daemon's event loop (bench-health)."""
    h = cp.get("health")
    if not h:
        return []
    head = f"health checks, {h['backends']} TCP backends checked once a second each"
    if "checks_per_second" not in h:
        return [head, f"  failed: {h.get('reason', '')}"]
    return [head,
            f"  {'checks done a second (passed / finished)':<56} "
            f"{h['checks_per_second']:8.0f}  ({h['passed']} / {h['checks']})",
            f"  {'CPU of the checking process, share of one core':<56} "
            f"{h['cpu_share'] * 100:7.1f} %",
            f"  {'CPU time per check':<56} {h['cpu_us_per_check']:8.1f} us"]


COLOURS = {"sluice": "#2b6cb0", "xdp-filter": "#dd8b2b"}
BASELINE_COLOUR = "#8a8a8a"


def _bars(rows, x0, y0, width, title, unit, key, log=False):
    """One panel: a horizontal bar per row (name, program, value); log: a log scale
    from 10 up, for figures that span orders of magnitude."""
    top = max((v for _, _, v in rows if v), default=1) or 1

    def scale(v):
        if log:
            return math.log10(max(v, 10) / 10) / math.log10(max(top, 100) / 10)
        return v / top
    out = [f'<text x="{x0}" y="{y0}" font-weight="bold">{html.escape(title)}</text>']
    y = y0 + 12
    for name, program, value in rows:
        colour = COLOURS.get(program, BASELINE_COLOUR)
        out.append(f'<text x="{x0 + 190}" y="{y + 11}" text-anchor="end">'
                   f'{html.escape(name)}</text>')
        if value is None:
            out.append(f'<text x="{x0 + 196}" y="{y + 11}" fill="#a00">not run</text>')
        else:
            w = max(1.0, (width - 300) * scale(value))
            out.append(f'<rect x="{x0 + 196}" y="{y + 2}" width="{w:.1f}" height="12" '
                       f'fill="{colour}"><title>{html.escape(name)}: {value:.2f} {unit}'
                       f'</title></rect>')
            out.append(f'<text x="{x0 + 200 + w:.1f}" y="{y + 11}">{value:{key}} {unit}'
                       '</text>')
        y += 16
    return out, y


def svg(report):
    """Live Mpps and micro ns of every scenario, grouped, baselines in grey."""
    order = ["filter", "pass", "lb", "rules"]
    scns = sorted(report["scenarios"], key=lambda s: order.index(s["group"]))
    live = [(s["name"], s["program"], s.get("live", {}).get("mpps")) for s in scns]
    micro = [(s["name"], s["program"],
              s["micro"]["ns_median"] if s.get("micro") else None) for s in scns]
    width = 760
    m = report["machine"]
    body = [f'<text x="10" y="20" font-size="14" font-weight="bold">sluice benchmark '
            f'({report["mode"]}): {m["cpus"]} vCPU VM, veth, kernel '
            f'{html.escape(m["kernel"])}</text>',
            '<text x="10" y="36">grey: baselines (empty XDP_DROP / XDP_PASS, MAC-swapping '
            'XDP_TX); orange: xdp-filter; blue: sluice</text>']
    panel, y = _bars(live, 10, 60, width, "live: Mpps on one CPU (higher is better)",
                     "Mpps", ".2f")
    body += panel
    panel, y = _bars(micro, 10, y + 24, width,
                     "micro: ns per packet, BPF_PROG_TEST_RUN (lower is better; log scale)",
                     "ns", ".0f", log=True)
    body += panel
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 10}" '
            f'font-family="sans-serif" font-size="11">\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(body) + "\n</svg>\n")


def write(report, text, out_dir):
    with open(os.path.join(out_dir, "report.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(out_dir, "report.svg"), "w") as f:
        f.write(svg(report))
