"""A grid of structures and settings, each trained over several seeds: test accuracy,
parameter count and time per configuration, as mean ± standard deviation. Runs go to a pool of
processes; each finished run is cached, so an interrupted sweep continues where it stopped.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..files import atomic_write_bytes
from ..network import count_params
from ..training import PRESETS, DivergedError, TrainConfig, fit
from ._common import figure, write_png

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Grid:
    """The values to try; every combination is one configuration."""

    layers: tuple[tuple[int, ...], ...] = ((16, 16), (32, 32), (64, 64))  # hidden sizes
    activations: tuple[str, ...] = ("sigmoid",)
    learning_rates: tuple[float, ...] = (1.5,)
    batch_sizes: tuple[int, ...] = (10,)
    epochs: tuple[int, ...] = (3,)

    @property
    def size(self) -> int:
        """How many configurations: one per combination of values."""
        values = (self.layers, self.activations, self.learning_rates, self.batch_sizes, self.epochs)
        return math.prod(map(len, values))

    def configs(self, base: TrainConfig, seeds: int) -> list[TrainConfig]:
        """Every combination laid over ``base``, once per seed 0 … seeds−1 (validated)."""
        combos = itertools.product(
            self.layers, self.activations, self.learning_rates, self.batch_sizes, self.epochs
        )
        return [
            replace(
                base,
                sizes=(base.sizes[0], *hidden, base.sizes[-1]),
                activation=activation,
                learning_rate=float(lr),
                batch_size=batch,
                epochs=epochs,
                seed=seed,
            )
            for hidden, activation, lr, batch, epochs in combos
            for seed in range(seeds)
        ]


def cache_key(config: TrainConfig, dataset: str) -> str:
    """One run's identity: the dataset and the whole config, seed included."""
    return json.dumps({"dataset": dataset, "config": config.to_dict()}, sort_keys=True)


def read_cache(path: str | Path | None) -> dict[str, dict[str, Any]]:
    """Finished runs by key, from a JSON-lines file (missing file: none; bad lines skipped)."""
    if path is None or not Path(path).exists():
        return {}
    rows = {}
    for line in Path(path).read_text().splitlines():
        with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):
            row = json.loads(line)
            rows[row["key"]] = row
    return rows


def _write_cache(path: Path, rows: dict[str, dict[str, Any]]) -> None:
    text = "".join(json.dumps(row) + "\n" for row in rows.values())
    atomic_write_bytes(path, text.encode())


def run_one(data: Any, config: TrainConfig) -> dict[str, Any]:
    """Train one configuration and measure it (a diverged run is recorded as such)."""
    started = time.perf_counter()
    try:
        history = fit(data, config).history
    except DivergedError:
        history = []
    last = history[-1] if history else {}
    return {
        "config": config.to_dict(),
        "seed": config.seed,
        "parameters": count_params(config.sizes),
        "test_accuracy": last.get("test_accuracy"),
        "validation_accuracy": last.get("validation_accuracy"),
        "train_accuracy": last.get("train_accuracy"),
        "seconds": time.perf_counter() - started,
        "diverged": not history,
    }


_WORKER_DATA: Any = None


def _worker_init(data: Any) -> None:
    global _WORKER_DATA
    _WORKER_DATA = data


def _worker_run(config: TrainConfig) -> dict[str, Any]:
    return run_one(_WORKER_DATA, config)


@contextlib.contextmanager
def _one_thread_each() -> Iterator[None]:
    """Workers started inside this block use one BLAS thread each: the processes are the
    parallelism, and N processes × N threads would fight over the cores."""
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def sweep(
    data: Any,
    grid: Grid | None = None,
    seeds: int = 2,
    workers: int = 2,
    cache_path: str | Path | None = None,
    base: TrainConfig = PRESETS["video"],
    on_run: Callable[[dict[str, Any], bool], None] | None = None,
) -> dict[str, Any]:
    """Train every configuration of ``grid`` over ``seeds`` seeds; summarise mean ± std.

    workers: processes (1 runs everything here, in this process). cache_path: a JSON-lines
    file of finished runs, read first (those runs are skipped) and rewritten atomically after
    each new one. on_run(row, cached) is called for every run, cached ones included.
    Returns runs (one row per config and seed), summary (one row per config) and a conclusion.
    """
    grid = grid or Grid()
    if seeds < 1 or workers < 1:
        raise ValueError(f"seeds and workers must be at least 1, got {seeds} and {workers}")
    configs = grid.configs(base, seeds)
    data = data.subset()  # only the splits travel to the workers
    cache = read_cache(cache_path)
    keys = [cache_key(c, data.name) for c in configs]
    done = {k: cache[k] for k in keys if k in cache}
    for key in done:
        if on_run is not None:
            on_run(done[key], True)
    todo = [c for c, k in zip(configs, keys) if k not in done]

    def finished(config: TrainConfig, row: dict[str, Any]) -> None:
        key = cache_key(config, data.name)
        done[key] = cache[key] = {"key": key, **row}
        if cache_path is not None:
            _write_cache(Path(cache_path), cache)
        if on_run is not None:
            on_run(done[key], False)

    if workers == 1 or len(todo) <= 1:
        for config in todo:
            finished(config, run_one(data, config))
    elif todo:
        context = multiprocessing.get_context("spawn")  # fresh interpreters read the env below
        with (
            _one_thread_each(),
            ProcessPoolExecutor(min(workers, len(todo)), context, _worker_init, (data,)) as pool,
        ):
            futures = {pool.submit(_worker_run, c): c for c in todo}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    runs = [done[k] for k in keys]
    result = {"dataset": data.name, "seeds": seeds, "runs": runs, "summary": summarise(runs)}
    result["conclusion"] = _conclusion(result)
    return result


def describe(config: dict[str, Any]) -> str:
    """A configuration in a few words: 784-16-16-10 sigmoid, η 1.5, batch 10, 3 epochs."""
    return (
        f"{'-'.join(map(str, config['sizes']))} {config['activation']}, "
        f"η {config['learning_rate']:g}, batch {config['batch_size']}, {config['epochs']} epochs"
    )


def summarise(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per configuration (seeds pooled): mean ± std of test accuracy, mean time."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(describe(run["config"]), []).append(run)
    rows = []
    for name, group in groups.items():
        accuracy = [r["test_accuracy"] for r in group if r["test_accuracy"] is not None]
        config = group[0]["config"]
        rows.append(
            {
                "configuration": name,
                "hidden": "-".join(map(str, config["sizes"][1:-1])),
                "activation": config["activation"],
                "learning_rate": config["learning_rate"],
                "batch_size": config["batch_size"],
                "epochs": config["epochs"],
                "parameters": group[0]["parameters"],
                "seeds": len(group),
                "diverged": sum(r["diverged"] for r in group),
                "test_accuracy_mean": float(np.mean(accuracy)) if accuracy else None,
                "test_accuracy_std": float(np.std(accuracy)) if accuracy else None,
                "seconds_mean": float(np.mean([r["seconds"] for r in group])),
            }
        )
    return rows


def _conclusion(r: dict[str, Any]) -> str:
    rows = [row for row in r["summary"] if row["test_accuracy_mean"] is not None]
    if not rows:
        return "every run diverged: try smaller learning rates"
    best = max(rows, key=lambda row: row["test_accuracy_mean"])
    worst = min(rows, key=lambda row: row["test_accuracy_mean"])
    smallest = min(rows, key=lambda row: row["parameters"])
    text = (
        f"best: {best['configuration']} at {best['test_accuracy_mean']:.2%} ± "
        f"{best['test_accuracy_std']:.2%} over {best['seeds']} seeds ({best['parameters']:,} "
        f"parameters, {best['seconds_mean']:.0f} s a run); worst: {worst['configuration']} at "
        f"{worst['test_accuracy_mean']:.2%}"
    )
    if best is not smallest:
        gain = best["test_accuracy_mean"] - smallest["test_accuracy_mean"]
        noise = max(best["test_accuracy_std"], smallest["test_accuracy_std"])
        verdict = "more than" if gain > 2 * noise else "within twice"
        text += (
            f"; going from {smallest['parameters']:,} to {best['parameters']:,} parameters "
            f"gains {gain * 100:.2f} points, {verdict} the seed-to-seed spread"
        )
    diverged = sum(row["diverged"] for row in r["summary"])
    if diverged:
        text += f"; {diverged} runs diverged (learning rate too large for them)"
    return text


def summary_csv(summary: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(summary[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary)
    return buffer.getvalue()


def write_outputs(result: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """sweep.csv (the summary), sweep.json (everything) and sweep.png, written atomically."""
    out_dir = Path(out_dir)
    paths = {
        "csv": out_dir / "sweep.csv",
        "json": out_dir / "sweep.json",
        "picture": out_dir / "sweep.png",
    }
    atomic_write_bytes(paths["csv"], summary_csv(result["summary"]).encode())
    atomic_write_bytes(paths["json"], json.dumps(result, indent=1).encode())
    picture(result, paths["picture"])
    return paths


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """Test accuracy against parameter count, one colour per activation, error bars = ±std."""
    fig = figure(8, 4.5)
    ax = fig.subplots()
    rows = [row for row in result["summary"] if row["test_accuracy_mean"] is not None]
    for activation in sorted({row["activation"] for row in rows}):
        mine = [row for row in rows if row["activation"] == activation]
        ax.errorbar(
            [row["parameters"] for row in mine],
            [100 * row["test_accuracy_mean"] for row in mine],
            yerr=[100 * row["test_accuracy_std"] for row in mine],
            fmt="o",
            capsize=3,
            label=activation,
        )
        for row in mine:
            ax.annotate(
                f"{row['hidden']} η{row['learning_rate']:g} b{row['batch_size']} e{row['epochs']}",
                (row["parameters"], 100 * row["test_accuracy_mean"]),
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.set_xscale("log")
    ax.set_xlabel("weights and biases")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"mean ± std over {result['seeds']} seeds")
    ax.legend()
    return write_png(fig, path)
