"""The benchmark scripts still run against today's code and end with their JSON line.

They are not timed here (machines are shared and noisy); this only catches a script that
a change to the code it drives has broken. The figures live in docs/performance.md.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "dispatch": ([], {"ns_per_home_hour_200", "target_met"}),
    "report": (["--repeats", "0"], {"report_s_cpu", "pdf_pages", "target_met"}),
    "sizing": ([], {"villages", "max_gap"}),
    "batch": (["--villages", "2", "--skip-fixed", "--format", "html"],
              {"villages_per_minute_1_worker", "speedup_1_to_2", "failed"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_benchmark_runs_and_prints_its_figures(name):
    args, keys = CASES[name]
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "NUMBA_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    last = json.loads(done.stdout.strip().splitlines()[-1])
    assert last["benchmark"] == name
    assert keys <= set(last), f"missing {keys - set(last)}"
    if name == "batch":
        assert last["failed"] == 0
