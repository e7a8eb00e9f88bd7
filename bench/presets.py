"""Measure the presets' test accuracy over seeds: the numbers the README quotes.

    python bench/presets.py                      # every preset over seeds 0 1 2
    python bench/presets.py --presets video --seeds 0 1 2 --json
    python bench/presets.py --presets video --dataset fashion-mnist   # the same network on clothes

Trains on the real MNIST (or Fashion-MNIST; fetched and verified by digitnet.data), tunes
nothing: each preset's recipe is fixed in digitnet.training.PRESETS. The test set is only
reported. The same seed can end a few hundredths of a percent apart on another CPU or BLAS
(float32 sums in another order), so the README quotes the range over seeds, not one number.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace

from digitnet.data import load_dataset
from digitnet.training import PRESETS, fit


def measure(preset: str, seed: int, data) -> dict:
    config = replace(PRESETS[preset], seed=seed)
    started = time.perf_counter()
    result = fit(data, config)
    last = result.history[-1]
    return {
        "preset": preset,
        "seed": seed,
        "test_accuracy": last["test_accuracy"],
        "validation_accuracy": last.get("validation_accuracy"),
        "train_seconds": sum(row["seconds"] for row in result.history),
        "wall_seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--presets", nargs="+", default=["video", "book", "tweaked"], choices=list(PRESETS)
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    args = parser.parse_args()
    data = load_dataset(args.dataset, progress=False)
    rows = []
    for preset in args.presets:
        for seed in args.seeds:
            rows.append(measure(preset, seed, data))
            if not args.json:
                r = rows[-1]
                print(
                    f"{preset:8} seed {seed}: test {r['test_accuracy']:.2%}  "
                    f"training {r['train_seconds']:.0f} s",
                    flush=True,
                )
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print("\n| preset | seeds | test accuracy (each) | range | mean | training time per run |")
    print("|---|---|---|---|---|---|")
    for preset in args.presets:
        mine = [r for r in rows if r["preset"] == preset]
        accs = [r["test_accuracy"] for r in mine]
        each = ", ".join(f"{a:.2%}" for a in accs)
        secs = statistics.median(r["train_seconds"] for r in mine)
        print(
            f"| {preset} | {' '.join(str(r['seed']) for r in mine)} | {each} | "
            f"{min(accs):.2%}–{max(accs):.2%} | {statistics.mean(accs):.2%} | {secs:.0f} s |"
        )


if __name__ == "__main__":
    main()
