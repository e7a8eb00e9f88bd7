"""The sweep engine's overhead: runs per minute on a local Dask cluster vs a plain pool of
processes, on the same grid, data and number of workers.

Both send the data to each worker once and run the very same task (sweeps.run_one, one BLAS
thread) in spawned processes; the clock covers everything a user waits for: starting the
workers, sending the data, the runs, and shutting down. The two take turns (round-robin) and
the median of the repeats is kept. Target (issue 15): Dask within 10% for runs of a few seconds.
Run: python bench/bench_sweep.py [--quick] [--workers N] [--repeats N] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np

from digitnet.data import Dataset, Split
from digitnet.experiments import sweeps
from digitnet.training import PRESETS

TARGET = 0.9  # Dask's runs per minute at least 90% of the pool's


def synthetic(n: int, seed: int) -> Split:
    """n random 'digits' (noise with one bright band per class): for --quick, no download."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    for d in range(10):
        images[labels == d, 2 + 2 * d : 4 + 2 * d, 4:24] = 1.0
    return Split(images.reshape(n, 784), labels)


_DATA: Any = None


def _keep(data: Any) -> None:
    global _DATA
    _DATA = data


def _run(config: Any) -> dict[str, Any]:
    return sweeps.run_one(_DATA, config)


def with_pool(data: Any, configs: list, workers: int) -> tuple[float, list[dict[str, Any]]]:
    """The baseline: concurrent.futures over spawned processes, data sent once to each."""
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, _keep, (data,)) as pool:
        rows = list(pool.map(_run, configs))
    return time.perf_counter() - started, rows


def with_dask(data: Any, grid: sweeps.Grid, seeds: int, base, workers: int):
    started = time.perf_counter()
    result = sweeps.sweep(data, grid, seeds, base=base, workers=workers)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="synthetic data, short runs")
    parser.add_argument("--workers", type=int, default=2, help="processes for both (2)")
    parser.add_argument("--repeats", type=int, default=3, help="turns for each engine (3)")
    parser.add_argument("--seeds", type=int, default=5, help="runs per structure (5)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    if args.quick:
        data = Dataset("synthetic", synthetic(2000, 1), synthetic(500, 2), synthetic(500, 3))
        base = replace(PRESETS["video"], train_set="train", epochs=10)
    else:
        from digitnet.data import load_dataset

        data = load_dataset("mnist", progress=False)
        base = replace(PRESETS["video"], train_set="train", epochs=2)  # a few seconds a run
    grid = sweeps.Grid(layers=((16, 16), (32, 32)), learning_rates=(), batch_sizes=(), epochs=())
    seeds = args.seeds
    configs = grid.configs(base, seeds)
    splits = data.subset()  # what the sweep sends: the splits, without the file's details

    times: dict[str, list[float]] = {"pool": [], "dask": []}
    fixed: list[float] = []  # Dask's start, data and close: what more runs pay only once
    same = True
    for _ in range(args.repeats):
        pool_seconds, pool_rows = with_pool(splits, configs, args.workers)
        dask_seconds, result = with_dask(data, grid, seeds, base, args.workers)
        times["pool"].append(pool_seconds)
        times["dask"].append(dask_seconds)
        fixed.append(result["start_seconds"] + result["data_seconds"] + result["close_seconds"])
        pool_numbers = [r["test_accuracy"] for r in pool_rows]
        same &= pool_numbers == [r["test_accuracy"] for r in result["runs"]]
    median = {name: statistics.median(values) for name, values in times.items()}
    per_minute = {name: 60 * len(configs) / seconds for name, seconds in median.items()}
    ratio = per_minute["dask"] / per_minute["pool"]
    run_seconds = statistics.median(r["seconds"] for r in result["runs"])
    report = {
        "runs": len(configs),
        "workers": args.workers,
        "median_run_seconds": run_seconds,
        "seconds": median,
        "runs_per_minute": per_minute,
        "dask_vs_pool": ratio,
        "dask_fixed_seconds": statistics.median(fixed),
        "data_bytes": result["data_bytes"],
        "data_seconds": result["data_seconds"],
        "same_numbers": same,
        "load_average": os.getloadavg()[0],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(
        f"{len(configs)} runs of about {run_seconds:.1f} s on {args.workers} workers, median "
        f"of {args.repeats} turns ({report['machine']}, load {report['load_average']:.1f})"
    )
    print(f"{'engine':<22} {'seconds':>8} {'runs/min':>9}")
    for name, label in (("pool", "process pool"), ("dask", "Dask local cluster")):
        print(f"{label:<22} {median[name]:>8.1f} {per_minute[name]:>9.1f}")
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"Dask vs pool: {ratio:.2f}× the runs per minute (target ≥ {TARGET:.2f}: {verdict})")
    print(
        f"Dask's fixed cost (start the cluster, send the data, close): "
        f"{report['dask_fixed_seconds']:.1f} s a sweep, whatever its number of runs"
    )
    print(
        f"data sent to each worker once: {result['data_bytes'] / 1e6:.1f} MB, "
        f"{result['data_seconds']:.2f} s for all {args.workers} workers"
    )
    print(f"same accuracy from both engines, run by run: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
