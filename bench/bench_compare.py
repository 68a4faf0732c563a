# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Two benchmark reports side by side: what got slower, beyond the runs' own noise.

Every figure of a report is taken with its rounds (the repeated measurements behind
it): each scenario's ratios to its baselines (live Mpps, micro ns) and the control
plane's times (Maglev builds, applies, status). A figure's noise is the half range
of its rounds over their median, the two sides' added up for a ratio; the noise of
a change is the old report's plus the new one's. A figure regresses when it got
worse by more than that noise and by more than the threshold the user chose: a
real slowdown fails a pipeline, a noisy machine does not.
"""
import json

HIGHER, LOWER = "higher", "lower"   # which way a figure is better


class ReportError(Exception):
    """A report that cannot be read, or is not a sluice-bench report."""


def load(path):
    """The report at path, checked for the keys a comparison reads."""
    try:
        with open(path) as f:
            report = json.load(f)
    except OSError as err:
        raise ReportError(f"{path}: cannot read: {err.strerror}") from None
    except ValueError as err:
        raise ReportError(f"{path}: not JSON: {err}") from None
    if not isinstance(report, dict) or not isinstance(report.get("scenarios"), list):
        raise ReportError(f"{path}: not a sluice-bench report (no list of scenarios)")
    if report.get("version") != 1:
        raise ReportError(f"{path}: report version {report.get('version')!r}, "
                          "this sluice-bench reads version 1")
    for s in report["scenarios"]:
        if not isinstance(s, dict) or not isinstance(s.get("name"), str):
            raise ReportError(f"{path}: a scenario without a name")
    cp = report.get("control_plane")
    if cp is not None and not isinstance(cp, dict):
        raise ReportError(f"{path}: control_plane is not an object")
    return report


def _median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def spread(rounds):
    """Half the range of rounds over their median: 0.05 is +-5 %. None without rounds."""
    rounds = [r for r in rounds or [] if isinstance(r, (int, float)) and r > 0]
    if len(rounds) < 2:
        return None
    return (max(rounds) - min(rounds)) / 2 / _median(rounds)


class Figure:
    """One figure: its value, which way is better, and its noise (None: unknown)."""

    def __init__(self, value, better, noise, unit):
        self.value, self.better, self.noise, self.unit = value, better, noise, unit


def _live(s):
    live = s.get("live") or {}
    rounds = [1000.0 / ns for ns in live.get("ns_per_packet_rounds") or []
              if isinstance(ns, (int, float)) and ns > 0]
    return live.get("mpps"), spread(rounds)


def _micro(s):
    micro = s.get("micro") or {}
    return micro.get("ns_median"), spread(micro.get("ns_rounds"))


def _add_noise(a, b):
    return None if a is None or b is None else a + b


def _ratios(report, figures):
    names = {s["name"]: s for s in report["scenarios"]}
    for s in report["scenarios"]:
        if s.get("status") != "ok":
            continue
        for base in s.get("baselines") or []:
            b = names.get(base)
            if not b or b.get("status") != "ok":
                continue
            for what, read, better in (("live Mpps", _live, HIGHER),
                                       ("micro ns", _micro, LOWER)):
                (sv, sn), (bv, bn) = read(s), read(b)
                if sv and bv:
                    figures[f"{s['name']} {what} / {base}"] = Figure(
                        sv / bv, better, _add_noise(sn, bn), "x")


def _time(figures, name, value, rounds, unit="ms"):
    if isinstance(value, (int, float)) and value > 0:
        figures[name] = Figure(value, LOWER, spread(rounds), unit)


def _control_plane(cp, figures):
    for g in cp.get("maglev") or []:
        n = g.get("backends")
        _time(figures, f"Maglev build, {n} backends, equal weights",
              g.get("build_ms"), g.get("build_ms_rounds"))
        _time(figures, f"Maglev build, {n} backends, weights 1..1000",
              g.get("build_ms_weighted"), g.get("build_ms_weighted_rounds"))
    for a in cp.get("apply") or []:
        if "seconds" in a and a["seconds"] is not None:
            _time(figures, f"apply: {a['change']}", a["seconds"] * 1000,
                  [r * 1000 for r in a.get("seconds_rounds") or []])
    sw = cp.get("table_swap") or {}
    _time(figures, "apply: one backend's weight (3 services of 10, M=65537)",
          sw.get("weight_change_ms"), sw.get("weight_change_ms_rounds"))
    _time(figures, "apply: the same file again (3 services of 10, M=65537)",
          sw.get("unchanged_ms"), sw.get("unchanged_ms_rounds"))
    for c in cp.get("one_backend") or []:
        _time(figures, f"apply: {c.get('change')}", c.get("ms"), c.get("ms_rounds"))
    st = cp.get("status") or {}
    _time(figures, f"status of {st.get('services')} services", st.get("ms"),
          st.get("ms_rounds"))


def figures(report):
    """{name: Figure} of every figure a comparison looks at."""
    out = {}
    _ratios(report, out)
    _control_plane(report.get("control_plane") or {}, out)
    return out


def _fmt(f):
    return f"{f.value:.2f}x" if f.unit == "x" else f"{f.value:.2f} {f.unit}"


def compare(old, new, threshold):
    """(lines, regressions): one line per figure of either report, and how many
    got worse by more than both the noise and threshold (a fraction, 0.05 = 5 %)."""
    a, b = figures(old), figures(new)
    lines = [f"{'figure':<62} {'old':>10} {'new':>10} {'change':>8} {'noise':>7}  verdict"]
    regressions = 0
    for name in list(a) + [n for n in b if n not in a]:
        if name not in b or name not in a:
            side = "old" if name in a else "new"
            lines.append(f"{name:<62} only in the {side} report")
            continue
        o, n = a[name], b[name]
        change = n.value / o.value - 1
        worse = -change if o.better == HIGHER else change
        noise = _add_noise(o.noise, n.noise)
        if noise is None:
            verdict = "noise unknown (no rounds), not judged"
        elif worse > noise and worse > threshold:
            verdict = "WORSE"
            regressions += 1
        elif worse > noise:
            verdict = f"worse, under the {threshold * 100:.0f} % threshold"
        elif -worse > noise:
            verdict = "better"
        else:
            verdict = "within noise"
        lines.append(f"{name:<62} {_fmt(o):>10} {_fmt(n):>10} {change * 100:+7.1f}% "
                     + (f"{noise * 100:6.1f}%" if noise is not None else f"{'-':>7}")
                     + f"  {verdict}")
    lines.append(f"{regressions} figure{'' if regressions == 1 else 's'} worse beyond "
                 f"noise and the {threshold * 100:g} % threshold")
    return lines, regressions
