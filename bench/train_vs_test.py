"""Why is test accuracy above training accuracy? Measure each suspect after every epoch.

Trains a preset (default: the video recipe, on the first 50,000 images so that the last 10,000
stay unseen) and after each epoch measures the same network on:
  train           the images it trains on, as they are (what the epoch line calls train)
  train shifted   the same images shifted by up to `shift` pixels, as training sees them
  validation      10,000 training-set images it never saw (MNIST's same writers' pool)
  test            the 10,000 test images
plus the epoch's mean mini-batch cost (taken during the epoch) beside the whole training set's
cost (after it). If validation sits below test as well, the test set is easier for this network.

    python bench/train_vs_test.py [--preset video] [--epochs 40] [--seeds 0 1 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import replace

import numpy as np

from digitnet.data import Split, load_dataset
from digitnet.training import PRESETS, EpochEvent, _shifted, train


def shifted(split: Split, shift: int, seed: int) -> Split:
    """Every image moved by a random (dy, dx) in [−shift, shift]², as training moves them."""
    out = np.empty_like(split.images)
    rng = np.random.default_rng(seed)
    _shifted(split.images, np.arange(len(split)), shift, rng, out)
    return Split(out, split.labels)


def measure(preset: str, epochs: int, seed: int, data) -> list[dict[str, float]]:
    config = replace(PRESETS[preset], epochs=epochs, seed=seed, train_set="train")
    train_split = data.train
    sets = {
        "train": train_split,
        "train_shifted": shifted(train_split, max(config.shift, 1), seed),
        "validation": data.validation,
        "test": data.test,
    }
    rows: list[dict[str, float]] = []

    def on_event(event) -> None:
        if isinstance(event, EpochEvent):
            row = {"epoch": event.epoch, "batch_cost": event.row["batch_cost"]}
            for name, split in sets.items():
                accuracy, cost = event.network.evaluate(split.images, split.labels)
                row[f"{name}_accuracy"], row[f"{name}_cost"] = accuracy, cost
            rows.append(row)

    train(config, train_split.images, train_split.labels, on_event=on_event)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="video", choices=list(PRESETS))
    parser.add_argument("--epochs", type=int, default=None, help="default: the preset's")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = load_dataset(progress=False)
    epochs = args.epochs or PRESETS[args.preset].epochs
    runs = {seed: measure(args.preset, epochs, seed, data) for seed in args.seeds}
    if args.json:
        print(json.dumps(runs, indent=1))
        return
    names = ("train", "train_shifted", "validation", "test")
    print(f"preset {args.preset}, {epochs} epochs on the first 50,000 images, seeds {args.seeds}")
    print("epoch  mini-batch cost  train cost |" + "".join(f"{n:>15}" for n in names))
    for k in range(epochs):
        rows = [runs[s][k] for s in args.seeds]
        mean = {key: statistics.mean(r[key] for r in rows) for key in rows[0]}
        accuracies = "".join(f"{mean[f'{n}_accuracy']:>15.2%}" for n in names)
        print(f"{k + 1:>5}  {mean['batch_cost']:>15.4f}  {mean['train_cost']:>10.4f} |{accuracies}")
    last = [runs[s][-1] for s in args.seeds]
    for name in names:
        values = ", ".join(f"{r[f'{name}_accuracy']:.2%}" for r in last)
        print(f"last epoch, {name:>13}: {values}")
    total = sum(len(runs[s]) for s in runs)
    for high, low in (("test", "train"), ("validation", "train"), ("test", "validation")):
        above = sum(r[f"{high}_accuracy"] > r[f"{low}_accuracy"] for s in runs for r in runs[s])
        print(f"{high} above {low} in {above} of {total} epochs")


if __name__ == "__main__":
    main()
