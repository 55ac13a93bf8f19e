"""Batch throughput: villages per minute on 1 and 2 local workers, and 100 villages of 100 homes.

Usage::

    .venv/bin/python benchmarks/batch.py [--villages 100] [--format html] [--skip-fixed] [--skip-scaling]

What it measures
----------------
1. ``--villages`` generated candidate villages of 50-200 homes
   (:func:`p2p_size.sample_sites.synthetic.generate_villages`, seed 0, the schema's default
   ``sizing.method`` unless ``--sizing-method`` says otherwise), run by :func:`p2p_size.study.batch.run_batch` exactly as
   ``p2p-size batch DIR --workers N --format FORMAT --force`` does, at 1 and at 2 workers:
   villages per minute (wall clock, worker start-up and the comparison report included)
   and the speed-up. Target: speed-up >= 1.8.
2. 100 villages of exactly 100 homes at the default worker count (all cores).
   Target: <= 300 s.

Each run writes to a fresh folder (``--force``: nothing is resumed). ``--format html``
is the default here: the PDF of each village roughly doubles the time per village;
pass ``--format html,pdf`` to measure the command's own default.

Machines are shared: the load the other processes put on the CPUs during each run is
measured (busy CPU time from /proc/stat minus this process tree's own CPU time, per
second of wall clock) and reported beside the figures. Target checks are printed, not
asserted. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

SPEEDUP_TARGET = 1.8
FIXED_TARGET_S = 300.0


def _busy_cpu_s() -> float:
    """CPU-seconds all processes of the machine have been busy since boot (/proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_batch(sites_dir: Path, out_dir: Path, workers: int | None, formats: tuple[str, ...]) -> dict:
    """One batch run: wall time, failures, and the CPU load others added meanwhile."""
    from p2p_size.study.batch import run_batch

    shutil.rmtree(out_dir, ignore_errors=True)
    busy0, own0, t0 = _busy_cpu_s(), _own_cpu_s(), time.perf_counter()
    result = run_batch([sites_dir], out_dir, workers=workers, formats=formats, resume=False)
    wall = time.perf_counter() - t0
    busy, own = _busy_cpu_s() - busy0, _own_cpu_s() - own0
    n = len(result.outcomes)
    return {
        "villages": n,
        "failed": len(result.failed),
        "wall_s": round(wall, 1),
        "villages_per_minute": round(60.0 * n / wall, 2),
        "mean_village_s_in_worker": round(sum(o.seconds for o in result.outcomes) / max(n, 1), 2),
        "own_cpu_s": round(own, 1),
        "others_load_cores": round(max(0.0, busy - own) / wall, 2),
        "loadavg_1min_end": round(os.getloadavg()[0], 2),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--format", default="html")
    parser.add_argument("--skip-fixed", action="store_true", help="skip the 100 villages of 100 homes")
    parser.add_argument("--skip-scaling", action="store_true",
                        help="skip the 1- and 2-worker runs (only the 100 villages of 100 homes)")
    parser.add_argument("--keep", action="store_true", help="keep the generated villages and outputs")
    parser.add_argument("--sizing-method", default=None, choices=("optimize", "rule_of_thumb"),
                        help="sizing.method written into the villages (default: the schema's default, optimize)")
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())

    from p2p_size.sizing.site import load_site
    from p2p_size.sample_sites.synthetic import generate_villages

    root = Path(tempfile.mkdtemp(prefix="p2p-size-bench-batch-"))
    try:
        varied = root / "varied"
        paths = generate_villages(args.villages, varied, seed=0, homes=(50, 200), sizing_method=args.sizing_method)
        sites = [load_site(p) for p in paths]
        homes = [s.n_homes for s in sites]
        method = sites[0].sizing.method
        print(f"{len(paths)} villages, {min(homes)}-{max(homes)} homes (mean {sum(homes) / len(homes):.0f}), "
              f"sizing.method {method}, formats {','.join(formats)}, "
              f"{os.cpu_count()} cores", flush=True)
        runs = {}
        for workers in () if args.skip_scaling else (1, 2):
            runs[workers] = timed_batch(varied, root / f"out{workers}", workers, formats)
            print(f"workers={workers}: {runs[workers]}", flush=True)
        one, two = runs.get(1, {}), runs.get(2, {})
        speedup = None
        if runs:
            speedup = round(two["villages_per_minute"] / one["villages_per_minute"], 2)
            print(f"speed-up 1 -> 2 workers: {speedup:.2f}x (target >= {SPEEDUP_TARGET}: "
                  f"{'met' if speedup >= SPEEDUP_TARGET else 'NOT met'})", flush=True)
        fixed = None
        if not args.skip_fixed:
            same = root / "hundred"
            generate_villages(100, same, seed=1, homes=(100, 100), sizing_method=args.sizing_method)
            fixed = timed_batch(same, root / "out_hundred", None, formats)
            print(f"100 villages x 100 homes, {os.cpu_count()} workers: {fixed} (target <= {FIXED_TARGET_S:.0f} s: "
                  f"{'met' if fixed['wall_s'] <= FIXED_TARGET_S else 'NOT met'})", flush=True)
        figures = {
            "benchmark": "batch",
            "villages": len(paths), "homes_min": min(homes), "homes_max": max(homes),
            "sizing_method": method, "formats": ",".join(formats), "cores": os.cpu_count(),
            "villages_per_minute_1_worker": one.get("villages_per_minute"),
            "villages_per_minute_2_workers": two.get("villages_per_minute"),
            "speedup_1_to_2": speedup, "speedup_target": SPEEDUP_TARGET,
            "others_load_cores_1_worker": one.get("others_load_cores"),
            "others_load_cores_2_workers": two.get("others_load_cores"),
            "failed": sum(r["failed"] for r in runs.values()) + (fixed["failed"] if fixed else 0),
            "hundred_by_100_homes_s": fixed["wall_s"] if fixed else None,
            "hundred_by_100_homes_target_s": FIXED_TARGET_S,
            "others_load_cores_hundred": fixed["others_load_cores"] if fixed else None,
        }
        print(json.dumps(figures))
        return figures
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
