"""bench/bench_sweep.py runs on synthetic data and reports both engines' throughput; no test
here looks at a time, only that the numbers are there and both engines agree run by run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_sweep_benchmark_compares_the_pool_and_dask_on_the_same_runs():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = [sys.executable, str(ROOT / "bench" / "bench_sweep.py"), "--quick", "--json"]
    done = subprocess.run(
        [*argv, "--repeats", "1", "--seeds", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["runs"] == 2 and report["workers"] == 2 and report["same_numbers"]
    assert set(report["runs_per_minute"]) == {"pool", "dask"}
    assert report["dask_vs_pool"] > 0 and report["data_bytes"] == 3000 * (784 * 4 + 1)
