"""A grid of structures and settings, each trained over several seeds: test accuracy,
parameter count and time per configuration, as mean ± standard deviation.

Every training run is a task on Dask's distributed scheduler: by default a local cluster of
worker processes started here (one thread each), or any running cluster given by address
(`--scheduler`, or Dask's own DASK_SCHEDULER_ADDRESS). Dask places the runs, retries one whose
worker died on another worker, and keeps track of the workers; this module only says what to
run. The data travels once to each worker (a worker plugin, not sent with every run), and each
finished run is cached, so an interrupted sweep continues where it stopped.

As an experiment (NAME, OPTIONS, run, text, picture): `digitnet experiment sweep`, and
`--study capacity`, every width from 1 to 512 neurons at depths 1 to 3.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import itertools
import json
import logging
import math
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from threadpoolctl import threadpool_limits

from ..errors import SettingError
from ..files import atomic_write_bytes
from ..functions import ACTIVATIONS
from ..network import count_params
from ..training import PRESETS, DivergedError, TrainConfig, fit
from ._common import Inputs, Option, as_image, counted, figure, write_png

TOPIC = "digitnet-sweep"  # the workers' "run started" events, for the progress display


class SweepError(RuntimeError):
    """The cluster cannot be reached, or a run failed there for a reason other than divergence."""


@dataclass(frozen=True)
class Grid:
    """The values to try; every combination is one configuration. An empty tuple keeps the
    base recipe's value (its learning rate, batch size, epochs)."""

    layers: tuple[tuple[int, ...], ...] = ((16, 16), (32, 32), (64, 64))  # hidden sizes
    activations: tuple[str, ...] = ()
    learning_rates: tuple[float, ...] = ()
    batch_sizes: tuple[int, ...] = ()
    epochs: tuple[int, ...] = (3,)

    def _values(self, base: TrainConfig) -> tuple[tuple, ...]:
        return (
            self.layers or (base.sizes[1:-1],),
            self.activations or (base.activation,),
            self.learning_rates or (base.learning_rate,),
            self.batch_sizes or (base.batch_size,),
            self.epochs or (base.epochs,),
        )

    def size(self, base: TrainConfig) -> int:
        """How many configurations: one per combination of values."""
        return math.prod(map(len, self._values(base)))

    def configs(self, base: TrainConfig, seeds: int) -> list[TrainConfig]:
        """Every combination laid over ``base``, once per seed 0 … seeds−1 (validated)."""
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
            for hidden, activation, lr, batch, epochs in itertools.product(*self._values(base))
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
    """Train one configuration and measure it: the task each worker runs.

    One BLAS thread: the runs side by side are the parallelism (and the numbers then do not
    depend on how many cores the worker has). A diverged run is a result, not an error.
    """
    worker = _current_worker()
    if worker is not None:  # "started here": the client's progress display shows it
        worker.log_event(TOPIC, {"task": str(worker.get_current_task()), "name": _name(worker)})
    started = time.perf_counter()
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            history = fit(data, config).history
    except DivergedError:
        history = []
    last = history[-1] if history else {}
    return {
        "config": config.to_dict(),
        "seed": config.seed,
        "parameters": count_params(config.sizes),
        "test_accuracy": last.get("test_accuracy"),
        "test_cost": last.get("test_cost"),
        "validation_accuracy": last.get("validation_accuracy"),
        "train_accuracy": last.get("train_accuracy"),
        "seconds": time.perf_counter() - started,
        "diverged": not history,
        "worker": _name(worker) if worker is not None else "this process",
    }


def _run_task(plugin: str, config: TrainConfig) -> dict[str, Any]:
    """A run as a Dask task: on the dataset the sweep's plugin left on this worker."""
    from .sweep_worker import dataset

    return run_one(dataset(plugin), config)


def _current_worker() -> Any:
    from distributed import get_worker

    try:
        return get_worker()
    except ValueError:  # called outside a Dask worker
        return None


def _name(worker: Any) -> str:
    """A worker's address, with its name when it was given one (``dask worker --name``)."""
    named = worker.name is not None and str(worker.name) != worker.address
    return f"{worker.name} ({worker.address})" if named else str(worker.address)


def scheduler_address(scheduler: str | None) -> str | None:
    """The cluster to use: the address given, else Dask's own setting (the environment
    variable DASK_SCHEDULER_ADDRESS or Dask's configuration), else None: a local cluster."""
    import dask

    return scheduler or dask.config.get("scheduler-address", None)


@contextlib.contextmanager
def connect(
    scheduler: Any = None, workers: int | None = None, timeout: float = 10.0
) -> Iterator[Any]:
    """A Dask client for the sweep, closed (with any cluster it started) on leaving.

    scheduler: a ``distributed.Client`` (used as it is), an address such as
    tcp://HOST:8786, or None: Dask's DASK_SCHEDULER_ADDRESS if set, else a new local cluster
    of ``workers`` processes (default: one per core), one thread each.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    address = scheduler_address(scheduler)
    if address:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            raise SweepError(
                f"cannot reach the Dask scheduler at {address} ({error}); start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`"
            ) from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    with _children_ignore_ctrl_c():
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # this machine only
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its status page: any port
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


@contextlib.contextmanager
def _children_ignore_ctrl_c() -> Iterator[None]:
    """Worker processes started inside this block ignore SIGINT (they inherit it): Ctrl-C in
    a terminal reaches the whole process group, and only the client should answer it, by
    cancelling the runs and closing the cluster, which ends the workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def sweep(
    data: Any,
    grid: Grid | None = None,
    seeds: int = 2,
    *,
    base: TrainConfig = PRESETS["video"],
    cache_path: str | Path | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    on_run: Callable[[dict[str, Any], bool], None] | None = None,
    on_start: Callable[[dict[str, Any], str], None] | None = None,
) -> dict[str, Any]:
    """Train every configuration of ``grid`` over ``seeds`` seeds on a Dask cluster; summarise
    mean ± std.

    scheduler, workers: which cluster (see ``connect``). cache_path: a JSON-lines file of
    finished runs, read first (those runs are skipped) and rewritten atomically after each new
    one, so Ctrl-C (KeyboardInterrupt, raised after the unfinished runs are cancelled) loses
    only the runs in flight. on_run(row, cached) is called for every run, cached ones
    included; on_start(config, worker) when a worker starts one.
    Returns runs (one row per config and seed, each with its worker), summary (one row per
    config), a conclusion, and how the runs went (workers, seconds, data sent).
    """
    grid = grid or Grid()
    if seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds}")
    configs = grid.configs(base, seeds)
    data = data.subset()  # only the splits travel to the workers
    cache = read_cache(cache_path)
    keys = [cache_key(c, data.name) for c in configs]
    done = {k: cache[k] for k in keys if k in cache}
    for key in done:
        if on_run is not None:
            on_run(done[key], True)
    todo = {k: c for c, k in zip(configs, keys) if k not in done}

    def finished(key: str, row: dict[str, Any]) -> None:
        done[key] = cache[key] = {"key": key, **row}
        if cache_path is not None:
            _write_cache(Path(cache_path), cache)
        if on_run is not None:
            on_run(done[key], False)

    started = time.perf_counter()
    cluster: dict[str, Any] = {"workers": 0, "data_seconds": 0.0, "data_bytes": 0}
    if todo:
        with connect(scheduler, workers) as client:
            connected = time.perf_counter()
            cluster = _run_on(client, data, todo, finished, on_start)
            ran = time.perf_counter()
        cluster["start_seconds"] = connected - started  # starting or reaching the cluster
        cluster["close_seconds"] = time.perf_counter() - ran
    runs = [done[k] for k in keys]
    result = {
        "dataset": data.name,
        "seeds": seeds,
        "runs": runs,
        "summary": summarise(runs),
        "new_runs": len(todo),
        "seconds": time.perf_counter() - started,
        **cluster,
    }
    result["conclusion"] = _conclusion(result)
    return result


def _run_on(
    client: Any,
    data: Any,
    todo: dict[str, TrainConfig],
    finished: Callable[[str, dict[str, Any]], None],
    on_start: Callable[[dict[str, Any], str], None] | None,
) -> dict[str, Any]:
    """Send the data to every worker once (a worker plugin: Dask gives it to workers that
    join or restart later too), submit one task per run (the largest first, so the last ones
    to finish are short), and record each result as it arrives."""
    from distributed import as_completed

    from .sweep_worker import DataPlugin

    sent = time.perf_counter()
    plugin = f"digitnet-data-{uuid.uuid4().hex}"
    payload = DataPlugin(plugin, data)  # the splits as stored: a loaded one's uint8 pixels
    client.register_plugin(payload, name=plugin)
    data_seconds = time.perf_counter() - sent
    largest_first = sorted(todo, key=lambda k: _work(todo[k]), reverse=True)
    tasks = {
        f"digitnet-run-{hashlib.sha256(k.encode()).hexdigest()[:16]}": k for k in largest_first
    }
    if on_start is not None:

        def started(event: tuple[float, dict[str, str]]) -> None:
            key = tasks.get(event[1]["task"])
            if key is not None:
                on_start(todo[key].to_dict(), event[1]["name"])

        client.subscribe_topic(TOPIC, started)
    futures = [
        client.submit(_run_task, plugin, todo[key], key=task, priority=_work(todo[key]))
        for task, key in tasks.items()
    ]
    workers = set()
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                row = future.result()
            except Exception as error:  # an import error on the worker, a killed worker…
                raise SweepError(
                    f"a run failed on the cluster: {describe(todo[tasks[future.key]].to_dict())}"
                    f": {type(error).__name__}: {error}"
                ) from error
            workers.add(row["worker"])
            finished(tasks[future.key], row)
    except BaseException:  # Ctrl-C or a failure: stop the rest, keep what finished
        client.cancel(futures)
        raise
    finally:
        if on_start is not None:
            client.unsubscribe_topic(TOPIC)
        with contextlib.suppress(Exception):  # the cluster may be gone (Ctrl-C, lost)
            client.unregister_worker_plugin(plugin)
    return {
        "workers": len(workers),
        "data_seconds": data_seconds,
        "data_bytes": sum(s.stored.nbytes + s.labels.nbytes for s in _splits(payload.data)),
    }


def _splits(data: Any) -> list[Any]:
    return [s for s in (data.train, data.validation, data.test) if s is not None]


def _work(config: TrainConfig) -> int:
    """Roughly how long a run takes, as a task priority: parameters × epochs."""
    return count_params(config.sizes) * config.epochs


def describe(config: dict[str, Any]) -> str:
    """A configuration in a few words: 784-16-16-10 sigmoid, η 1.5, batch 10, 3 epochs."""
    return (
        f"{'-'.join(map(str, config['sizes']))} {config['activation']}, "
        f"η {config['learning_rate']:g}, batch {config['batch_size']}, "
        + counted(config["epochs"], "epoch")
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
                "width": config["sizes"][1],  # neurons in the first hidden layer
                "depth": len(config["sizes"]) - 2,  # hidden layers
                "activation": config["activation"],
                "learning_rate": config["learning_rate"],
                "batch_size": config["batch_size"],
                "epochs": config["epochs"],
                "parameters": group[0]["parameters"],
                "seeds": len(group),
                "diverged": sum(r["diverged"] for r in group),
                "test_accuracy_mean": float(np.mean(accuracy)) if accuracy else None,
                "test_accuracy_std": float(np.std(accuracy)) if accuracy else None,
                "validation_accuracy_mean": _mean(r.get("validation_accuracy") for r in group),
                "seconds_mean": float(np.mean([r["seconds"] for r in group])),
            }
        )
    return rows


def _mean(values: Any) -> float | None:
    """The mean of the values that are there (None if none is)."""
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def _conclusion(r: dict[str, Any]) -> str:
    rows = [row for row in r["summary"] if row["test_accuracy_mean"] is not None]
    if not rows:
        return "every run diverged: try smaller learning rates"
    best = max(rows, key=lambda row: row["test_accuracy_mean"])
    worst = min(rows, key=lambda row: row["test_accuracy_mean"])
    smallest = min(rows, key=lambda row: row["parameters"])
    text = (
        f"{'one configuration' if len(rows) == 1 else 'best'}: {best['configuration']} at "
        f"{best['test_accuracy_mean']:.2%} ± {best['test_accuracy_std']:.2%} over "
        f"{counted(best['seeds'], 'seed')} ({best['parameters']:,} parameters, "
        f"{best['seconds_mean']:.0f} s a run)"
    )
    if len(rows) > 1:
        text += f"; worst: {worst['configuration']} at {worst['test_accuracy_mean']:.2%}"
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
        text += f"; {counted(diverged, 'run')} diverged (learning rate too large for them)"
    return text


def summary_csv(summary: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(summary[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary)
    return buffer.getvalue()


def write_outputs(result: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """NAME.csv (the summary), NAME.json (everything) and NAME.png, written atomically; NAME
    is the study's ("capacity") or "sweep"."""
    out_dir = Path(out_dir)
    name = result.get("study") or "sweep"
    paths = {kind: out_dir / f"{name}.{kind}" for kind in ("csv", "json")}
    paths["picture"] = out_dir / f"{name}.png"
    atomic_write_bytes(paths["csv"], summary_csv(result["summary"]).encode())
    atomic_write_bytes(paths["json"], json.dumps(result, indent=1).encode())
    write_png(draw(result), paths["picture"])
    return paths


def sweep_figure(result: dict[str, Any]):
    """Test accuracy against parameter count, one colour per activation, error bars = ±std;
    each point's label leans toward the middle."""
    fig = figure(8, 4.5)
    ax = fig.subplots()
    rows = [row for row in result["summary"] if row["test_accuracy_mean"] is not None]
    sizes = [row["parameters"] for row in rows] or [1]
    middle = np.sqrt(min(sizes) * max(sizes))  # the middle of the log axis
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
            right = row["parameters"] >= middle  # label toward the middle: never cut off
            ax.annotate(
                f"{row['hidden']} η{row['learning_rate']:g} b{row['batch_size']} e{row['epochs']}",
                (row["parameters"], 100 * row["test_accuracy_mean"]),
                fontsize=7,
                xytext=(-4 if right else 4, 4),
                textcoords="offset points",
                ha="right" if right else "left",
            )
    ax.set_xscale("log")
    if len(set(sizes)) <= 6:  # a tick at each structure's size, written out
        ax.set_xticks(sorted(set(sizes)), [f"{n:,}" for n in sorted(set(sizes))])
        ax.minorticks_off()
    ax.set_xlabel("weights and biases")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"mean ± std over {counted(result['seeds'], 'seed')}")
    ax.legend()
    return fig


# ---- the capacity study: how many neurons does it take to read digits? ---------------------

WIDTHS = tuple(2**k for k in range(10))  # hidden neurons per layer: 1, 2, 4, …, 512
DEPTHS = (1, 2, 3)  # hidden layers
LEVELS = (0.96, 0.98)  # the story's "96%, and 98% with tweaks"
VIDEO = (16, 16)  # the video's hidden layers: 13,002 weights and biases in all


def capacity_grid(epochs: int) -> Grid:
    """Every width × depth, the rest of the recipe left as the base has it."""
    layers = tuple((width,) * depth for depth in DEPTHS for width in WIDTHS)
    return Grid(layers=layers, activations=(), learning_rates=(), batch_sizes=(), epochs=(epochs,))


def capacity_conclusion(summary: Sequence[dict[str, Any]]) -> str:
    """The smallest network reaching each level, the video's network, and where a further
    hidden layer stops helping (a gain larger than twice the seeds' spread counts as help)."""
    rows = sorted(
        (row for row in summary if row["test_accuracy_mean"] is not None),
        key=lambda row: row["parameters"],
    )
    if not rows:
        return "every run diverged"
    parts = []
    for level in LEVELS:
        reached = [row for row in rows if row["test_accuracy_mean"] >= level]
        if reached:
            row = reached[0]
            parts.append(
                f"the smallest network to reach {level:.0%} on average is "
                f"784-{row['hidden']}-10 ({row['parameters']:,} parameters, "
                f"{_pm(row)})"
            )
        else:
            best = max(rows, key=lambda row: row["test_accuracy_mean"])
            parts.append(
                f"none reaches {level:.0%} on average (best: 784-{best['hidden']}-10, {_pm(best)})"
            )
    video = next((row for row in rows if row["hidden"] == "-".join(map(str, VIDEO))), None)
    if video is not None:
        parts.append(f"the video's 784-16-16-10 ({video['parameters']:,}) gets {_pm(video)}")
    by = {(row["depth"], row["width"]): row for row in rows}
    for depth in DEPTHS[1:]:
        helped = []
        for width in WIDTHS:
            deeper, shallower = by.get((depth, width)), by.get((depth - 1, width))
            if deeper is None or shallower is None:
                continue
            gain = deeper["test_accuracy_mean"] - shallower["test_accuracy_mean"]
            noise = max(deeper["test_accuracy_std"], shallower["test_accuracy_std"])
            if gain > 2 * noise:
                helped.append(width)
        layer = {2: "a second hidden layer", 3: "a third"}[depth]
        if not helped:
            parts.append(f"{layer} helps at no width by more than twice the seeds' spread")
        else:
            parts.append(
                f"{layer} helps at widths {_widths(helped)} (by more than twice the seeds' "
                f"spread), at no width above {max(helped)}"
            )
    return "; ".join(parts)


def _pm(row: dict[str, Any]) -> str:
    return f"{row['test_accuracy_mean']:.2%} ± {row['test_accuracy_std']:.2%}"


def _widths(widths: list[int]) -> str:
    return ", ".join(map(str, widths))


def capacity_figure(result: dict[str, Any]):
    """Test accuracy (mean ± std over seeds) against parameter count, a line per depth, on a
    logit scale (so 90%, 96%, 98% and 99% stand apart as well as 20% and 50%), the levels
    96% and 98% marked, the video's network pointed out."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    fig = figure(9, 5.5)
    ax = fig.subplots()
    rows = [row for row in result["summary"] if row["test_accuracy_mean"] is not None]
    for depth in DEPTHS:
        mine = sorted((r for r in rows if r["depth"] == depth), key=lambda r: r["parameters"])
        if not mine:
            continue
        ax.errorbar(
            [r["parameters"] for r in mine],
            [r["test_accuracy_mean"] for r in mine],
            yerr=[r["test_accuracy_std"] for r in mine],
            fmt="o-",
            markersize=4,
            capsize=3,
            label=f"{depth} hidden layer{'s' if depth > 1 else ''} of 1 … 512 neurons",
        )
        for r in mine:
            if r["width"] in (1, 16, 512):
                ax.annotate(
                    str(r["width"]),
                    (r["parameters"], r["test_accuracy_mean"]),
                    xytext=(0, -11 - 4 * depth),
                    textcoords="offset points",
                    ha="center",
                    fontsize=7,
                    color=f"C{depth - 1}",
                )
    for level in LEVELS:
        ax.axhline(level, color="grey", linestyle="--", linewidth=0.8)
        ax.annotate(
            f"{level:.0%}",
            (1, level),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color="grey",
        )
    video = next((r for r in rows if r["hidden"] == "-".join(map(str, VIDEO))), None)
    if video is not None:
        ax.annotate(
            f"the video's 784-16-16-10\n{video['parameters']:,} parameters, {_pm(video)}",
            (video["parameters"], video["test_accuracy_mean"]),
            xytext=(-150, 40),
            textcoords="offset points",
            fontsize=8,
            arrowprops={"arrowstyle": "->", "color": "black"},
        )
    accuracies = [r["test_accuracy_mean"] for r in rows] or [0.5]
    low = max(min(min(accuracies) - 0.05, 0.5), 0.05)
    ax.set_yscale("logit")
    ticks = [t for t in (0.1, 0.2, 0.5, 0.8, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99) if t >= low]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(low, 0.995)
    ax.set_xscale("log")
    ax.set_xlabel("weights and biases (log scale; numbers on the points: neurons per layer)")
    ax.set_ylabel("test accuracy (logit scale)")
    epochs = sorted({r["epochs"] for r in rows})
    ax.set_title(
        f"How many neurons does it take? Mean ± std over {counted(result['seeds'], 'seed')}, "
        f"{', '.join(map(str, epochs))} epoch{'s' if epochs != [1] else ''} each"
    )
    ax.legend(loc="lower right", fontsize=8)
    return fig


# ---- the experiment: `digitnet experiment sweep` ------------------------------------------

NAME = "sweep"
SUMMARY = "train a grid of structures and settings over seeds, as tasks on a Dask cluster"
NEEDS_MODEL = False
FOLDER = "sweep"  # its own folder in the models folder: tables, a picture and the cache
STUDIES = ("capacity",)
CAPACITY_EPOCHS = 3  # what 90 runs cost on two shared cores (docs/experiments.md)
# The recipe the grid's values are laid over: the video's, on the first 50,000 training
# images, so that every run is measured on the validation split too.
BASE = replace(PRESETS["video"], train_set="train")
OPTIONS = (
    Option(
        "layers",
        None,
        "hidden layer sizes of one structure; repeat for more: --layers 16 16 --layers 32 "
        "(default: 16 16, 32 32, 64 64)",
        many=True,
    ),
    Option(
        "activation", [], "σ to try (default: the recipe's)", "choice", tuple(ACTIVATIONS), True
    ),
    Option("lr", [], "learning rates to try (default: the recipe's, 0.5)", "positive", many=True),
    Option("batch_size", [], "mini-batch sizes to try (default: the recipe's, 32)", many=True),
    Option("epochs", [], "epochs to try (default: 3; the capacity study's: 3)", many=True),
    Option("seeds", 3, "seeds per configuration (default 3)"),
    Option("workers", None, "worker processes of the local cluster (default: one per core)"),
    Option(
        "scheduler",
        None,
        "run on this Dask cluster (default: $DASK_SCHEDULER_ADDRESS, else a local cluster)",
        "address",
    ),
    Option(
        "study",
        None,
        "capacity: widths 1, 2, 4, …, 512 at depths 1, 2 and 3 (sets --layers)",
        "choice",
        STUDIES,
    ),
)


def _once(values) -> tuple:
    """Each value once, in order: `--epochs 3 3` trains 3 epochs once, not twice."""
    return tuple(dict.fromkeys(values))


def run(
    inputs: Inputs,
    *,
    layers=None,
    activation=(),
    lr=(),
    batch_size=(),
    epochs=(),
    seeds: int = 3,
    workers: int | None = None,
    scheduler: str | None = None,
    study: str | None = None,
) -> dict[str, Any]:
    """`sweep` over the grid the settings span (or the study's), on the cluster they name;
    runs finished before are read from ``sweep-cache.jsonl`` in the inputs' folder."""
    from .sweep_progress import SweepProgress

    if scheduler and workers:
        raise SettingError("--workers sizes the local cluster; a --scheduler has its own workers")
    if study and layers:
        raise SettingError(f"--study {study} sets the layers itself: leave out --layers")
    if study == "capacity":
        grid = capacity_grid(CAPACITY_EPOCHS)
    else:
        structures = layers or Grid().layers
        structures = [structures] if isinstance(structures[0], int) else structures
        grid = Grid(layers=_once(tuple(s) for s in structures))
    grid = replace(
        grid,
        activations=_once(activation),
        learning_rates=_once(lr),
        batch_sizes=_once(batch_size),
        epochs=_once(epochs) or grid.epochs,
    )
    cache = inputs.folder / "sweep-cache.jsonl"
    total = grid.size(BASE) * seeds
    progress = SweepProgress(total, inputs.progress, describe)
    try:
        result = sweep(
            inputs.data,
            grid,
            seeds,
            base=BASE,
            cache_path=cache,
            scheduler=scheduler,
            workers=workers,
            on_run=progress.finished,
            on_start=progress.started,
        )
    except KeyboardInterrupt:
        raise KeyboardInterrupt(
            f"{progress.count} of {total} runs finished, kept in {cache}; the same command "
            "continues from there"
        ) from None
    finally:
        progress.close()
    if study == "capacity":
        result["conclusion"] = capacity_conclusion(result["summary"])
    return {**result, "study": study, "cache": str(cache)}


def text(result: dict[str, Any]) -> list[str]:
    lines = [f"{'configuration':<58} {'params':>8} {'test accuracy':>17} {'s/run':>6}"]
    for row in result["summary"]:
        accuracy = (
            "diverged"
            if row["test_accuracy_mean"] is None
            else f"{row['test_accuracy_mean']:.2%} ± {row['test_accuracy_std']:.2%}"
        )
        lines.append(
            f"{row['configuration']:<58} {row['parameters']:>8,} {accuracy:>17} "
            f"{row['seconds_mean']:>6.0f}"
        )
    if result["new_runs"]:
        lines.append(
            f"{counted(result['new_runs'], 'run')} in {result['seconds']:.0f} s on "
            f"{counted(result['workers'], 'worker')} (the data sent to each once: "
            f"{result['data_bytes'] / 1e6:.0f} MB in {result['data_seconds']:.1f} s)"
        )
    return lines


def draw(result: dict[str, Any]) -> Image.Image:
    """The study's picture (capacity), or the sweep's: what a notebook shows by itself."""
    return as_image((capacity_figure if result.get("study") else sweep_figure)(result))


def picture(result: dict[str, Any], path: str | Path) -> dict[str, Path]:
    """The picture, with the summary as CSV and everything as JSON beside it."""
    return write_outputs(result, Path(path).parent)
