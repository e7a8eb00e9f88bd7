"""Where an epoch's time goes, and what holding the training images as uint8 buys.

1. The split of an epoch (the book and video presets, as `fit` runs them, at their own batch
   size and at --batch-size): training, then the measurements after it (accuracy and cost on
   each set `training.epoch_sets` names), then the checkpoint, each as a share of the
   training time; beside the old way in the same run (the whole training set measured, in
   one thread, the checkpoint written before the next epoch starts). In wall time, and in
   CPU time, which a busy machine does not stretch: the measuring's CPU time in all its
   threads, and in its longest thread, which is its wall time when the cores are free; and
   the checkpoint write's own CPU time (in the background: not counted as the training's).
2. The training images as MNIST stores them (uint8, turned into v/255 floats a block at a time
   as mini-batches are gathered) against float32 images: seconds per epoch (median of
   alternating runs), the weights reached (must be bit for bit the same), and the peak memory
   of a fresh process training one epoch each way.

    python bench/bench_epoch.py [--presets book video] [--batch-size 100] [--repeats 3] [--json]
    python bench/bench_epoch.py --split-only --presets book   # part 1 alone, to repeat it

Times vary with the machine and its load; the ratios are measured side by side in one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np

from digitnet.data import Dataset, load_dataset
from digitnet.modelfile import save_model
from digitnet.network import Network, one_hot
from digitnet.training import (
    PRESETS,
    BatchEvent,
    Checkpointer,
    EpochEvent,
    TrainConfig,
    TrainResult,
    _minibatches,
    checkpoint_model,
    epoch_sets,
    train,
    training_split,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_memory import peak_memory_mb  # noqa: E402  (a sibling script, not a package)

TARGET = 0.10  # what an epoch does besides training, as a share of the training


def epoch_split(data: Dataset, config: TrainConfig, old_way: bool, folder: Path) -> dict:
    """Train ``config.epochs`` epochs; medians of: training seconds, and the shares of them
    spent measuring the sets and on the checkpoint.

    New way (what `fit` does): the sets of `epoch_sets`, the checkpoint handed to a
    `Checkpointer`, which writes it while the next epoch trains. Old way: the whole training
    set measured, and each checkpoint written before the next epoch starts. The checkpoint is
    made here, on the epoch's event, so that its call can be timed apart from the measuring."""
    split = training_split(data, config)
    sets = epoch_sets(data, config)
    if old_way:
        sets["train"] = split
    path = folder / f"{'old' if old_way else 'new'}.safetensors"
    marks: dict[str, float] = {}
    rows: list[dict[str, float]] = []
    threads: dict[int, float] = {}  # CPU seconds each thread spent tallying, this epoch
    tally = Network.tally

    def timed_tally(net, X, labels):
        started = time.thread_time()
        try:
            return tally(net, X, labels)
        finally:
            who = threading.get_ident()
            threads[who] = threads.get(who, 0.0) + time.thread_time() - started

    written: list[float] = []  # CPU seconds of each checkpoint write, in whichever thread

    def save(result) -> None:
        started = time.thread_time()
        save_model(checkpoint_model(result, data), path)
        written.append(time.thread_time() - started)

    saver = save if old_way else Checkpointer(save)

    def on_event(event) -> None:
        if isinstance(event, BatchEvent) and event.batch == 1:
            marks["started_cpu"], marks["written"] = time.process_time(), sum(written)
        if isinstance(event, BatchEvent) and event.batch == event.batches:
            marks["trained"], marks["trained_cpu"] = time.perf_counter(), time.process_time()
            marks["written"] = sum(written) - marks["written"]  # a background write, meanwhile
            threads.clear()
        elif isinstance(event, EpochEvent):
            measured, measured_cpu = time.perf_counter(), time.process_time()
            saver(TrainResult(event.network, config, [event.row]))
            saved = time.perf_counter()
            cpu = measured_cpu - marks["trained_cpu"]  # every thread's
            rows.append(
                {
                    "train": event.row["seconds"],
                    "measure": measured - marks["trained"],
                    "checkpoint": saved - measured,
                    "train_cpu": marks["trained_cpu"] - marks["started_cpu"] - marks["written"],
                    "measure_cpu": cpu,
                    "measure_cpu_longest": cpu - sum(threads.values()) + max(threads.values()),
                }
            )

    images = split.pixels if split.pixels is not None else split.images
    with mock.patch.object(Network, "tally", timed_tally):
        if old_way:  # one thread, as it was
            with mock.patch("digitnet.training.MEASURE_THREADS", 1):
                train(config, images, split.labels, evaluate=sets, on_event=on_event)
        else:
            train(config, images, split.labels, evaluate=sets, on_event=on_event)
    if isinstance(saver, Checkpointer):
        saver.close()
    medians = {key: statistics.median(r[key] for r in rows[1:] or rows) for key in rows[0]}
    return {**medians, "checkpoint_cpu": statistics.median(written)}


def weights_sha256(result) -> str:
    return hashlib.sha256(result.network.params.tobytes()).hexdigest()


def gather_seconds(images, labels, config: TrainConfig) -> float:
    """One epoch of the gather alone: every mini-batch made, none trained on."""
    y = one_hot(labels, 10, np.float32)
    rng = np.random.default_rng(config.seed)
    order = rng.permutation(len(labels))
    started = time.perf_counter()
    for _ in _minibatches(images, y, order, config.batch_size, config.shift, rng):
        pass
    return time.perf_counter() - started


def uint8_vs_float(data: Dataset, config: TrainConfig, repeats: int) -> dict:
    """Seconds per epoch (training, and the gather alone) and the weights reached, on uint8
    images and on float32 images, run in turn so that load changes hit both alike."""
    split = training_split(data, config)
    inputs = {"uint8": split.pixels, "float32": split.images}
    seconds: dict[str, list[float]] = {kind: [] for kind in inputs}
    gather: dict[str, list[float]] = {kind: [] for kind in inputs}
    sha: dict[str, str] = {}
    for _ in range(repeats):
        for kind, images in inputs.items():
            result = train(config, images, split.labels)
            seconds[kind].append(result.history[-1]["seconds"])
            sha[kind] = weights_sha256(result)
            gather[kind].append(gather_seconds(images, split.labels, config))
    return {
        **{f"{kind}_s": statistics.median(seconds[kind]) for kind in inputs},
        **{f"{kind}_gather_s": statistics.median(gather[kind]) for kind in inputs},
        "same_weights": sha["uint8"] == sha["float32"],
    }


MEMORY_CHILD = """
import sys
from dataclasses import replace
from digitnet.data import load_dataset
from digitnet.training import PRESETS, train, training_split
config = replace(PRESETS["video"], epochs=1)
split = training_split(load_dataset(progress=False), config)
images = split.pixels if sys.argv[1] == "uint8" else split.images
train(config, images, split.labels)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["book", "video"], choices=list(PRESETS))
    parser.add_argument("--epochs", type=int, default=3, help="epochs per split run")
    parser.add_argument(
        "--batch-size", type=int, default=100, help="a second batch size for the split (100)"
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per way, uint8 vs float")
    parser.add_argument("--split-only", action="store_true", help="part 1 only (the split)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = load_dataset(progress=False)
    report: dict = {"split": {}, "uint8": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.presets:
            for batch in dict.fromkeys([PRESETS[name].batch_size, args.batch_size]):
                config = replace(PRESETS[name], epochs=args.epochs, batch_size=batch)
                for way in ("old", "new"):
                    report["split"][f"{name} b{batch} {way}"] = epoch_split(
                        data, config, way == "old", Path(tmp)
                    )
    for name in [] if args.split_only else args.presets:
        config = replace(PRESETS[name], epochs=1)
        report["uint8"][name] = uint8_vs_float(data, config, args.repeats)
    if not args.split_only:
        report["memory_mb"] = {
            kind: round(peak_memory_mb(MEMORY_CHILD, [kind])[0], 1) for kind in ("float32", "uint8")
        }
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print("an epoch's time, median over epochs after the first (shares of the training time):")
    print(
        f"{'preset, batch, way':<19}{'train s':>8}{'measure':>8}{'checkpoint':>11}"
        f"{'besides':>8} │ {'train CPU s':>11}{'measure CPU':>12}{'longest thread':>15}"
        f"{'ckpt CPU':>9}"
    )
    for key, r in report["split"].items():
        besides = (r["measure"] + r["checkpoint"]) / r["train"]
        on_free_cores = r["measure_cpu_longest"] / r["train_cpu"]
        verdict = "" if key.endswith("old") else ("  PASS" if on_free_cores <= TARGET else "  MISS")
        print(
            f"{key:<19}{r['train']:>8.3f}{r['measure'] / r['train']:>8.1%}"
            f"{r['checkpoint'] / r['train']:>11.1%}{besides:>8.1%} │ {r['train_cpu']:>11.3f}"
            f"{r['measure_cpu'] / r['train_cpu']:>12.1%}{on_free_cores:>15.1%}"
            f"{r['checkpoint_cpu'] / r['train_cpu']:>9.1%}{verdict}"
        )
    print(f"(target: the measuring on free cores, its longest thread's CPU time, ≤ {TARGET:.0%} of")
    print(" the training's CPU time; 'old' = whole training set measured in one thread, checkpoint")
    print(" written before the next epoch; 'new' = what fit does now; the checkpoint is written")
    print(" in the background: its share is the hand-over; 'ckpt CPU' = the write's own CPU time,")
    print(" in the background thread for 'new', on a second core when there is one, and not")
    print(" counted in the training's CPU time)")
    if args.split_only:
        return 0
    print("\ntraining images as uint8 vs float32 (one epoch, median of alternating runs):")
    for name, r in report["uint8"].items():
        same = "same weights, bit for bit" if r["same_weights"] else "DIFFERENT WEIGHTS"
        print(
            f"  {name:<8} epoch: uint8 {r['uint8_s']:.3f} s, float32 {r['float32_s']:.3f} s "
            f"({r['uint8_s'] / r['float32_s']:.2f}×); the gather alone: uint8 "
            f"{r['uint8_gather_s']:.3f} s, float32 {r['float32_gather_s']:.3f} s "
            f"({r['uint8_gather_s'] / r['float32_gather_s']:.2f}×); {same}"
        )
    mem = report["memory_mb"]
    print(
        f"  peak memory, video preset, one epoch in a fresh process: uint8 {mem['uint8']:.0f} MB, "
        f"float32 {mem['float32']:.0f} MB ({mem['uint8'] / mem['float32']:.2f}×)"
    )
    return 0 if all(r["same_weights"] for r in report["uint8"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
