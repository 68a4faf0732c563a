#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""`sluice-bench --compare OLD.json --to NEW.json` on synthetic reports (TAP).

The gate a pipeline relies on: a figure worse beyond its rounds' noise and the
threshold fails (exit 1), one within the noise or under the threshold passes, and
a missing or malformed report is a clear error (exit 2). Reports are written here
with the keys sluice-bench writes; nothing is run live, no root is needed.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sluice-bench")
n = 0
failed = 0


def check(what, ok, why=""):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    if not ok and why:
        print("# " + why.replace("\n", "\n# "))


def rounds(value, noise):
    """Five rounds around value, spread +-noise (a fraction) at the extremes."""
    return [value * (1 + noise * k / 2) for k in (-2, -1, 0, 1, 2)]


def report(lb_mpps=7.0, lb_noise=0.01, micro_ns=100, status_ms=300.0, status_noise=0.02,
           with_rounds=True):
    """A report of one baseline and one sluice scenario, and the control plane."""
    def live(mpps, noise):
        out = {"mpps": mpps, "ns_per_packet": 1000 / mpps, "processed": 1000}
        if with_rounds:
            out["ns_per_packet_rounds"] = [1000 / r for r in rounds(mpps, noise)]
        return out

    def micro(ns):
        out = {"ns_median": ns}
        if with_rounds:
            out["ns_rounds"] = [round(r) for r in rounds(ns, 0.02)]
        return out

    cp = {
        "maglev": [{"backends": 1000, "build_ms": 1.5, "build_ms_weighted": 2.0,
                    "build_ms_rounds": rounds(1.5, 0.05),
                    "build_ms_weighted_rounds": rounds(2.0, 0.05)}],
        "apply": [{"change": "1,000 services of 2 backends, M=251 (from 3 services)",
                   "seconds": 0.5, "seconds_rounds": rounds(0.5, 0.1)}],
        "one_backend": [{"change": "one backend's weight in one of 1,000 services",
                         "ms": 20.0, "ms_rounds": rounds(20.0, 0.1)}],
        "status": {"services": 1000, "ms": status_ms,
                   "ms_rounds": rounds(status_ms, status_noise)},
    }
    if not with_rounds:
        for g in cp["maglev"]:
            del g["build_ms_rounds"], g["build_ms_weighted_rounds"]
        del cp["apply"][0]["seconds_rounds"], cp["one_backend"][0]["ms_rounds"]
        del cp["status"]["ms_rounds"]
    return {
        "version": 1, "mode": "quick",
        "scenarios": [
            {"name": "xdp-tx", "program": "xdp-tx", "status": "ok", "baselines": [],
             "live": live(12.0, 0.01), "micro": micro(35)},
            {"name": "lb-1flow-10be-v4", "program": "sluice", "status": "ok",
             "baselines": ["xdp-tx"], "live": live(lb_mpps, lb_noise),
             "micro": micro(micro_ns)},
        ],
        "control_plane": cp,
    }


def run(tmp, old, new, *extra):
    paths = []
    for name, content in (("old.json", old), ("new.json", new)):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        paths.append(path)
    proc = subprocess.run([sys.executable, BENCH, "--compare", paths[0], "--to", paths[1],
                           *extra], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def line_of(out, name):
    return next((line for line in out.splitlines() if line.startswith(name)), "")


def main():
    with tempfile.TemporaryDirectory(prefix="sluice-compare-") as tmp:
        base = report()
        rc, out, err = run(tmp, base, base)
        check("the same report twice passes", rc == 0 and "0 figures worse" in out,
              out + err)

        # 30 % fewer packets a second, rounds within +-1 %: a real slowdown.
        rc, out, err = run(tmp, base, report(lb_mpps=4.9))
        lb = line_of(out, "lb-1flow-10be-v4 live Mpps / xdp-tx")
        check("a live ratio 30 % worse, beyond +-1 % rounds, fails (exit 1)",
              rc == 1 and "WORSE" in lb and "-30.0%" in lb, out + err)
        check("... and only that figure is called worse",
              out.count("WORSE") == 1 and "1 figure worse" in out, out)

        # 8 % worse, but the new run's rounds move by +-10 %: a noisy machine.
        rc, out, err = run(tmp, base, report(lb_mpps=6.44, lb_noise=0.10))
        lb = line_of(out, "lb-1flow-10be-v4 live Mpps / xdp-tx")
        check("8 % worse within +-10 % rounds passes (exit 0)",
              rc == 0 and "within noise" in lb, out + err)

        # 3 % worse with tight rounds: beyond the noise, under the default 5 %.
        worse3 = report(lb_mpps=6.79, lb_noise=0.002)
        tight = report(lb_noise=0.002)
        rc, out, err = run(tmp, tight, worse3)
        lb = line_of(out, "lb-1flow-10be-v4 live Mpps / xdp-tx")
        check("3 % worse beyond the noise but under the 5 % default passes",
              rc == 0 and "under the 5 % threshold" in lb, out + err)
        rc, out, err = run(tmp, tight, worse3, "--threshold", "2")
        check("... and fails with --threshold 2", rc == 1 and "WORSE" in out, out + err)

        # Micro ns: lower is better, so more ns is worse.
        rc, out, err = run(tmp, base, report(micro_ns=130))
        check("micro ns 30 % higher fails",
              rc == 1 and "WORSE" in line_of(out, "lb-1flow-10be-v4 micro ns / xdp-tx"),
              out + err)
        rc, out, err = run(tmp, base, report(lb_mpps=9.0, micro_ns=80))
        check("faster figures pass and are called better",
              rc == 0 and "better" in line_of(out, "lb-1flow-10be-v4 live Mpps"),
              out + err)

        # Control plane: status twice as slow, rounds within +-2 %.
        rc, out, err = run(tmp, base, report(status_ms=600.0))
        check("status of 1,000 services twice as slow fails",
              rc == 1 and "WORSE" in line_of(out, "status of 1000 services"), out + err)
        rc, out, err = run(tmp, base, report(status_ms=330.0, status_noise=0.2))
        check("status 10 % slower within +-20 % rounds passes", rc == 0, out + err)

        # A report of an older sluice-bench, without rounds: shown, never judged.
        rc, out, err = run(tmp, report(with_rounds=False), report(lb_mpps=4.9))
        check("a figure without rounds on one side is not judged",
              rc == 0 and "noise unknown" in line_of(out, "lb-1flow-10be-v4 live Mpps"),
              out + err)
        fewer = copy.deepcopy(base)
        del fewer["control_plane"]["status"]
        rc, out, err = run(tmp, fewer, base)
        check("a figure only in the new report is named, not judged",
              rc == 0 and "only in the new report" in line_of(out, "status of"), out + err)

        # Mistakes: each a clear error and exit 2.
        missing = os.path.join(tmp, "absent.json")
        proc = subprocess.run([sys.executable, BENCH, "--compare", missing, "--to", missing],
                              capture_output=True, text=True)
        check("a missing report: exit 2, named, 'cannot read'",
              proc.returncode == 2 and f"{missing}: cannot read" in proc.stderr,
              proc.stderr)
        rc, out, err = run(tmp, "{\"version\": 1, \"scen", base)
        check("a truncated report: exit 2, 'not JSON'", rc == 2 and "not JSON" in err, err)
        rc, out, err = run(tmp, base, {"version": 1, "results": []})
        check("JSON that is no report: exit 2, 'not a sluice-bench report'",
              rc == 2 and "not a sluice-bench report" in err, err)
        rc, out, err = run(tmp, dict(base, version=2), base)
        check("another report version: exit 2, named", rc == 2 and "version 2" in err, err)
        rc, out, err = run(tmp, base, base, "--threshold", "-1")
        check("a negative --threshold: exit 2", rc == 2 and "--threshold" in err, err)
        proc = subprocess.run([sys.executable, BENCH, "--to", missing],
                              capture_output=True, text=True)
        check("--to without --compare: exit 2", proc.returncode == 2 and
              "--to needs --compare" in proc.stderr, proc.stderr)
        proc = subprocess.run([sys.executable, BENCH, "--control-plane", "--only", "lb-"],
                              capture_output=True, text=True)
        check("--control-plane with --only: exit 2, says they choose opposite parts",
              proc.returncode == 2 and "--control-plane and --only" in proc.stderr,
              proc.stderr)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
