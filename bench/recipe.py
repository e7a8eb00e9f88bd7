"""How the `video` recipe's two settings for other networks were chosen: the short-run warm-up
and the fan-in limit, each on and off, on the validation split.

    python bench/recipe.py [--images 10000] [--seed 0] [--json]

Trains on the first N training images (validation whole), one BLAS thread, and prints the
validation accuracy of each variant: the preset as it is, without its warm-up, and with other
fan-in limits (0: one η for every layer). The test set is not looked at.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

from threadpoolctl import threadpool_limits

from digitnet.data import load_dataset
from digitnet.training import PRESETS, fit

RUNS = [  # (hidden layers, epochs)
    ((16, 16), 1),
    ((32, 32), 1),
    ((512,), 2),
    ((512, 512), 2),
]
VARIANTS = {  # name → the fields changed from the preset
    "as it is": {},
    "no warm-up": {"short_run_warmup": 0.0},
    "fan-in 0": {"fan_in": 0},
    "fan-in 64": {"fan_in": 64},
    "fan-in 256": {"fan_in": 256},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10_000, help="training images (10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = load_dataset(progress=False).subset(args.images)
    video = replace(PRESETS["video"], train_set="train", seed=args.seed)
    rows = []
    with threadpool_limits(limits=1):
        for hidden, epochs in RUNS:
            for name, change in VARIANTS.items():
                config = replace(video, sizes=(784, *hidden, 10), epochs=epochs, **change)
                if "fan_in" in change and max(hidden) <= 64:
                    continue  # no layer that wide: every fan-in limit trains the same
                started = time.perf_counter()
                last = fit(data, config).history[-1]
                rows.append(
                    {
                        "hidden": "-".join(map(str, hidden)),
                        "epochs": epochs,
                        "variant": name,
                        "validation_accuracy": last["validation_accuracy"],
                        "seconds": time.perf_counter() - started,
                    }
                )
                if not args.json:
                    r = rows[-1]
                    print(
                        f"{r['hidden']:>8} {epochs} epochs  {name:<11} "
                        f"{r['validation_accuracy']:7.2%}  ({r['seconds']:.0f} s)",
                        flush=True,
                    )
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
