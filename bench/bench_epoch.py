"""Where an epoch's time goes, and what holding the training images as uint8 buys.

1. An epoch of `fit` (the book and video presets, at their own batch size and at
   --batch-size) beside the same training alone, no measuring and no checkpoint: the
   epoch's wall time from one epoch's first mini-batch to the next's, the median over the
   epochs between the first and the last, of runs made in turn. `fit` measures each epoch's
   network (accuracy and cost on the sets `training.epoch_sets` names) on another core
   while the next epoch trains, and writes the checkpoint in the background: what is left
   in the training's wall time is the target (≤ 10%). Beside it, the old way in the same
   run (the whole training set measured in one thread and the checkpoint written before the
   next epoch starts); the CPU time the measuring costs, moved to another core, not gone;
   and the last epoch's measuring, which has no next epoch to hide behind.
2. The training images as MNIST stores them (uint8, turned into v/255 floats a block at a time
   as mini-batches are gathered) against float32 images: seconds per epoch (median of
   alternating runs), the weights reached (must be bit for bit the same), and the peak memory
   of a fresh process training one epoch each way.

    python bench/bench_epoch.py [--presets book video] [--batch-size 100] [--repeats 3] [--json]
    python bench/bench_epoch.py --split-only --presets book   # part 1 alone, to repeat it

Wall times need free cores: on a busy machine the other core is not free to measure on.
Times vary with the machine and its load; the ratios are measured side by side in one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np

from digitnet.data import Dataset, load_dataset
from digitnet.modelfile import save_model
from digitnet.network import one_hot
from digitnet.training import (
    PRESETS,
    BatchEvent,
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

TARGET = 0.10  # what an epoch of `fit` adds to the training's wall time
WAYS = ("alone", "fit", "old")


def epoch_times(data: Dataset, config: TrainConfig, way: str, folder: Path) -> dict:
    """Train ``config.epochs`` (≥ 3) epochs one way: "alone" (no measuring, no checkpoint),
    "fit" (what `fit` does) or "old" (the whole training set measured in one thread, the
    checkpoint written before the next epoch). Returns the wall and CPU seconds from each
    epoch's first mini-batch to the next's (the first epoch and the last left out), and the
    wall seconds from the last mini-batch to the end of the run (the last epoch's measuring)."""
    split = training_split(data, config)
    images = split.pixels if split.pixels is not None else split.images
    starts: list[tuple[float, float]] = []
    ended: list[float] = []
    path = folder / f"{way}.safetensors"

    def save(result: TrainResult) -> None:
        save_model(checkpoint_model(result, data), path)

    def on_event(event) -> None:
        if isinstance(event, BatchEvent) and event.batch == 1:
            starts.append((time.perf_counter(), time.process_time()))
        elif isinstance(event, BatchEvent) and event.epoch == config.epochs:
            ended[:] = [time.perf_counter()]  # the last mini-batch so far
        elif isinstance(event, EpochEvent) and way == "old":
            save(TrainResult(event.network, config, [event.row]))

    if way == "alone":
        train(config, images, split.labels, on_event=on_event)
    elif way == "fit":
        sets = epoch_sets(data, config)
        train(config, images, split.labels, evaluate=sets, on_event=on_event, checkpoint=save)
    else:
        sets = {**epoch_sets(data, config), "train": split}
        with mock.patch("digitnet.training.MEASURE_THREADS", 1):  # one thread, in turn
            train(config, images, split.labels, evaluate=sets, on_event=on_event)
    finished = time.perf_counter()
    pairs = list(zip(starts[1:-1], starts[2:]))
    return {
        "wall": [b[0] - a[0] for a, b in pairs],
        "cpu": [b[1] - a[1] for a, b in pairs],
        "tail": finished - ended[0],
    }


def epoch_split(data: Dataset, config: TrainConfig, repeats: int, folder: Path) -> dict:
    """Medians of `epoch_times` for each way, over ``repeats`` runs made in turn."""
    runs: dict[str, list[dict]] = {way: [] for way in WAYS}
    for _ in range(repeats):
        for way in WAYS:
            runs[way].append(epoch_times(data, config, way, folder))
    return {
        way: {
            "wall": statistics.median(t for r in rows for t in r["wall"]),
            "cpu": statistics.median(t for r in rows for t in r["cpu"]),
            "tail": statistics.median(r["tail"] for r in rows),
        }
        for way, rows in runs.items()
    }


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
    parser.add_argument("--epochs", type=int, default=10, help="epochs per split run (≥ 3)")
    parser.add_argument(
        "--batch-size", type=int, default=100, help="a second batch size for the split (100)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per way")
    parser.add_argument("--split-only", action="store_true", help="part 1 only (the split)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.epochs < 3:
        parser.error("--epochs must be at least 3: the first and the last epoch are left out")
    if args.repeats < 1 or args.batch_size < 1:
        parser.error("--repeats and --batch-size must be at least 1")
    data = load_dataset(progress=False)
    report: dict = {"load_average": [os.getloadavg()[0]], "split": {}, "uint8": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.presets:
            for batch in dict.fromkeys([PRESETS[name].batch_size, args.batch_size]):
                config = replace(PRESETS[name], epochs=args.epochs, batch_size=batch)
                split = epoch_split(data, config, args.repeats, Path(tmp))
                report["split"][f"{name} b{batch}"] = split
    report["load_average"].append(os.getloadavg()[0])
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
    before, after = report["load_average"]
    print("an epoch's wall time beside the same training alone (the median of epochs")
    print(
        f"2..{args.epochs - 1} of {args.repeats} runs made in turn; load average {before:.1f} "
        f"before, {after:.1f} after):"
    )
    print(
        f"{'preset, batch':<14}{'alone s':>8}{'fit s':>8}{'besides':>8}{'':6}{'old way':>8}"
        f" │ {'measuring CPU':>13} │ {'last epoch':>10}"
    )
    for key, r in report["split"].items():
        alone, fit, old = r["alone"], r["fit"], r["old"]
        besides = fit["wall"] / alone["wall"] - 1
        verdict = "PASS" if besides <= TARGET else "MISS"
        print(
            f"{key:<14}{alone['wall']:>8.3f}{fit['wall']:>8.3f}{besides:>+8.1%}  {verdict}"
            f"{old['wall'] / alone['wall'] - 1:>+8.1%} │ {fit['cpu'] / alone['cpu'] - 1:>+13.1%}"
            f" │ {fit['tail'] - alone['tail']:>+9.3f}s"
        )
    print(f"(target: 'besides' = fit's epoch over the training alone, ≤ +{TARGET:.0%}, on free")
    print(" cores; 'old way' = the whole training set measured in one thread, the checkpoint")
    print(" written before the next epoch; 'measuring CPU' = what fit's epoch costs in CPU time")
    print(" in all threads, over the training alone: the measuring, moved to another core;")
    print(" 'last epoch' = the last epoch's measuring, which has no next epoch to hide behind)")
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
