#!/usr/bin/env python3
"""Sweep of bench/torch_derivatives.py configurations (the paper's Table-1 shape), e.g. on a GPU.

    python3 bench/gpu_sweep.py --plan gpu --out $OUT/gpu.jsonl      # CUDA, see bench/TORCH.md
    /usr/bin/python3 bench/gpu_sweep.py --plan smoke --out /tmp/smoke.jsonl   # tiny, CPU by default

Every configuration runs in a child process (`sys.executable torch_derivatives.py --batch`, the
configurations as a JSON array on stdin). On cuda one child serves one (order, grid) group, to pay
the torch import and CUDA start once per group; torch_derivatives.py catches each configuration on
its own (an OOM is a row with "oom": true and the CUDA cache is emptied), and a child that crashes
or passes its timeout gives error rows for the configurations it did not report. On cpu each
configuration gets its own child, since the CPU memory figure (ru_maxrss) is process-lifetime.

The mollifier kernels come from bench/kernels-unit.json (spacing 1, produced by the TS library:
`node bin/mollifier kernel --family bump --radius 4 --spacing 1 --derivative K --json`), scaled to
the grid spacing h = 1/(n-1) as w / h^K for derivative order K.

Writes one JSON line per configuration to --out and a markdown table on stdout.
This parent process does not import torch. Standard library only (the children need torch).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "torch_derivatives.py")
METHODS = ("data", "autodiff", "mollifier")
KERNEL_ORDER = {"value": 0, "d1": 1, "d2": 2, "d4": 4}


def side_points(order, side):
    """Grid side -> `points` (order 1: a 1D grid of side^2 points, like the 2D grid's count)."""
    return side * side


def plan_groups(plan, device, steps, warmup):
    """-> list of groups, each a list of configuration dicts (without kernels)."""
    groups = []

    def group(order, side, depths, methods, width, st, wu):
        cfgs = []
        for depth in depths:
            for method in methods:
                cfgs.append({"order": order, "depth": depth, "width": width,
                             "points": side_points(order, side), "method": method,
                             "steps": st, "warmup": wu, "threads": 1, "seed": 0,
                             "device": device})
        groups.append(cfgs)

    if plan == "gpu":
        st = 10 if steps is None else steps
        wu = 3 if warmup is None else warmup
        # Table 1 first (64 x 64, 1D: 4096 points), then the larger grids at depth 5.
        for order in (1, 2, 4):
            group(order, 64, (3, 5, 9, 15), METHODS, 128, st, wu)
        for side in (128, 256):
            for order in (1, 2, 4):
                group(order, side, (5,), METHODS, 128, st, wu)
    elif plan == "smoke":
        st = 2 if steps is None else steps
        wu = 1 if warmup is None else warmup
        group(2, 16, (3,), METHODS, 128, st, wu)
    else:
        raise SystemExit("gpu_sweep: unknown plan %r" % plan)
    return groups


def grid_of(cfg):
    n = cfg["points"]
    if cfg["order"] == 1:
        return [n]
    side = int(round(n ** 0.5))
    return [side, side]


def scaled_kernels(unit, cfg):
    n = min(grid_of(cfg))
    h = 1.0 / (n - 1)
    return {name: [w / h ** k for w in unit[name]] for name, k in KERNEL_ORDER.items()
            if name in unit}


def load_unit_kernels(path):
    with open(path) as fh:
        unit = json.load(fh)
    for name in KERNEL_ORDER:
        w = unit.get(name)
        if not isinstance(w, list) or len(w) != 2 * unit["radius"] + 1:
            raise SystemExit("gpu_sweep: %s: kernel %r missing or not of length 2R+1" % (path, name))
    return unit


def run_group(python, cfgs, unit, timeout):
    """Run one child for cfgs; -> (rows aligned with cfgs, wall seconds)."""
    payload = []
    for cfg in cfgs:
        p = dict(cfg)
        if cfg["method"] == "mollifier":
            p["kernels"] = scaled_kernels(unit, cfg)
        payload.append(p)
    rows = [None] * len(cfgs)
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f, \
            tempfile.TemporaryFile() as in_f:
        in_f.write(json.dumps(payload).encode())
        in_f.seek(0)
        proc = subprocess.Popen([python, WORKER, "--batch"], stdin=in_f, stdout=out_f,
                                stderr=err_f, cwd=HERE)
        why = None
        try:
            rc = proc.wait(timeout=timeout)
            if rc != 0:
                why = "child exited with status %d" % rc
        except subprocess.TimeoutExpired:
            proc.kill()  # our own child, by its handle
            proc.wait()
            why = "group timeout after %.1f s" % timeout
        wall = time.monotonic() - t0
        out_f.seek(0)
        err_f.seek(0)
        stdout = out_f.read().decode(errors="replace")
        stderr = err_f.read().decode(errors="replace")
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        i = r.get("index")
        if isinstance(i, int) and 0 <= i < len(rows):
            rows[i] = r
    tail = " ".join(stderr.strip().splitlines()[-3:])[-400:]
    for i, r in enumerate(rows):
        if r is None:
            msg = why or "no output for this configuration"
            rows[i] = {"error": msg + ((": " + tail) if tail else ""), "crashed": True}
    return rows, wall


def fmt_ms(r):
    if r is None:
        return "-"
    if r.get("oom"):
        return "OOM"
    if "msPerStep" not in r:
        return "err"
    return "%.2f" % r["msPerStep"]


def fmt_mib(r):
    if r is None or r.get("oom") or "peakBytes" not in r:
        return fmt_ms(r)
    return "%.1f" % (r["peakBytes"] / 2.0 ** 20)


def table(rows):
    keyed = {}
    order_keys = []
    for r in rows:
        k = (r["order"], r["points"], r["depth"])
        if k not in keyed:
            keyed[k] = {}
            order_keys.append(k)
        keyed[k][r["method"]] = r
    mem_label = "peak MiB (CUDA alloc.)" if any(r.get("device", "cpu") != "cpu" for r in rows) \
        else "peak MiB (RSS)"
    lines = [
        "| order | grid | depth | data ms | autodiff ms | mollifier ms | autodiff / mollifier "
        "| data %s | autodiff %s | mollifier %s |" % (mem_label, mem_label, mem_label),
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k in order_keys:
        order, points, depth = k
        m = keyed[k]
        g = grid_of({"order": order, "points": points})
        grid = str(g[0]) if order == 1 else "%dx%d" % tuple(g)
        a, mo = m.get("autodiff"), m.get("mollifier")
        ratio = "-"
        if a and mo and "msPerStep" in a and "msPerStep" in mo and not a.get("oom") \
                and not mo.get("oom") and mo["msPerStep"] > 0:
            ratio = "%.1fx" % (a["msPerStep"] / mo["msPerStep"])
        lines.append("| %d | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            order, grid, depth, fmt_ms(m.get("data")), fmt_ms(a), fmt_ms(mo), ratio,
            fmt_mib(m.get("data")), fmt_mib(a), fmt_mib(mo)))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plan", choices=("gpu", "smoke"), required=True)
    ap.add_argument("--out", required=True, help="JSON lines file (one row per configuration)")
    ap.add_argument("--device", default=None,
                    help="cpu | cuda | cuda:N (default: cuda for --plan gpu, cpu for smoke)")
    ap.add_argument("--steps", type=int, default=None, help="override the plan's timed steps")
    ap.add_argument("--warmup", type=int, default=None, help="override the plan's warm-up steps")
    ap.add_argument("--group-timeout", type=float, default=120.0,
                    help="seconds for one child process (default 120)")
    ap.add_argument("--budget", type=float, default=330.0,
                    help="total seconds; groups that would start later are skipped (default 330)")
    ap.add_argument("--kernels", default=os.path.join(HERE, "kernels-unit.json"))
    ap.add_argument("--python", default=sys.executable, help="interpreter with torch for the children")
    a = ap.parse_args()

    device = a.device or ("cuda" if a.plan == "gpu" else "cpu")
    unit = load_unit_kernels(a.kernels)
    groups = plan_groups(a.plan, device, a.steps, a.warmup)
    if device == "cpu":  # ru_maxrss is per process: one configuration per child
        groups = [[c] for g in groups for c in g]

    t_start = time.monotonic()
    all_rows = []
    out_dir = os.path.dirname(os.path.abspath(a.out))
    os.makedirs(out_dir, exist_ok=True)
    with open(a.out, "w") as out:
        for gi, cfgs in enumerate(groups):
            left = a.budget - (time.monotonic() - t_start)
            if left < 5:
                rows, wall = [{"error": "skipped: --budget %.0f s spent" % a.budget,
                               "skipped": True} for _ in cfgs], 0.0
            else:
                rows, wall = run_group(a.python, cfgs, unit, min(a.group_timeout, left))
            desc = "order %d, %d points, %d configs" % (cfgs[0]["order"], cfgs[0]["points"], len(cfgs))
            sys.stderr.write("gpu_sweep: group %d/%d (%s): %.1f s%s\n" % (
                gi + 1, len(groups), desc, wall,
                "" if all("msPerStep" in r or r.get("oom") for r in rows) else " (with errors)"))
            for cfg, r in zip(cfgs, rows):
                row = dict(cfg)
                row.update(r)
                row.pop("index", None)
                row["plan"] = a.plan
                row["group"] = gi
                row["groupWallS"] = round(wall, 2)
                if cfg["method"] == "mollifier":
                    row["kernelRadius"] = unit["radius"]
                    row["kernelSpacing"] = 1.0 / (min(grid_of(cfg)) - 1)
                out.write(json.dumps(row) + "\n")
                out.flush()
                all_rows.append(row)

    ok = [r for r in all_rows if "msPerStep" in r]
    info = ok[0] if ok else {}
    print("torch %s, device %s%s, steps %s (median), warm-up %s; total %.0f s; %d/%d rows ok, %d OOM" % (
        info.get("torch", "?"), device, (" (%s)" % info["gpu"]) if info.get("gpu") else "",
        all_rows[0]["steps"] if all_rows else "?", all_rows[0]["warmup"] if all_rows else "?",
        time.monotonic() - t_start, len(ok), len(all_rows),
        sum(1 for r in all_rows if r.get("oom"))))
    print()
    print(table(all_rows))
    errs = [r for r in all_rows if "msPerStep" not in r and not r.get("oom")]
    if errs:
        print()
        for r in errs:
            print("- order %d, %d points, depth %d, %s: %s" % (
                r["order"], r["points"], r["depth"], r["method"], r.get("error", "?")))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
