"""bench/bench_ball.py runs on synthetic data and reports the positions that reach a client and
the run with and without the ball; no test here looks at a time, only that the numbers are
there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_ball_benchmark_counts_positions_and_times_both_runs():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = [sys.executable, str(ROOT / "bench" / "bench_ball.py"), "--quick", "--json"]
    done = subprocess.run(
        [*argv, "--repeats", "1"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["data"] == "synthetic" and report["epochs"] == 2 and report["positions"] >= 2
    for key in ("cpu_s", "loops_s", "whole_s"):
        assert set(report[key]) == {"with", "without"} and report[key]["with"] > 0
    assert report["slowdown_cpu"] > 0 and set(report["own_share"]) == {"positions", "slices"}
