"""The experiments' key numbers on the video network over seeds: the ranges the README quotes.

    python bench/story_seeds.py                              # trains video for seeds 0 1 2
    python bench/story_seeds.py --models s0.safetensors s1.safetensors s2.safetensors

One video model per seed (the preset's full run, or the model files given), then noise,
probe, dream and gradient with their default options on each. A model's last digits, and so
these numbers, also move with the CPU and BLAS that trained it: quote ranges, not one run.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from digitnet.data import load_dataset
from digitnet.experiments import dream, dream_report, gradient, noise, probe
from digitnet.modelfile import load_model
from digitnet.network import Network
from digitnet.training import PRESETS, fit


def numbers(net: Network, data) -> dict[str, float]:
    """The few numbers of each experiment that the README's table quotes."""
    test, train = data.test, data.train
    n = noise(net, test_images=test.images)
    p = probe(net, test.images, test.labels)
    d = dream_report(net, dream(net), test.images, test.labels)
    g = gradient(net, train.images[0], int(train.labels[0]), (train.images, train.labels))
    answers = np.array(n["answers_histogram"])
    keep = next(row for row in p["thresholds"] if row["threshold"] == 0.7)
    sums = [c["mean_sum"] for c in p["categories"].values()]
    return {
        "test_accuracy": p["test_accuracy"],
        "noise_confidence": n["confidence_noise"]["mean"],
        "digit_confidence": n["confidence_digits"]["mean"],
        "noise_top_answer_share": float(answers.max() / answers.sum()),
        "noise_top_answer": int(answers.argmax()),
        "probe_auroc_noise": p["auroc"]["uniform noise"],
        "probe_sum_low": min(sums),
        "probe_sum_high": max(sums),
        "probe_coverage_at_0.7": keep["coverage"],
        "probe_rejected_at_0.7": keep["rejected_non_digits"],
        "dreams_recognised": d["recognised"],
        "dream_likeness": d["likeness"]["dreams_mean"],
        "gradient_top_times_median": g["top_components"][0]["times_median"],
        **{f"cosine_{size}": c["mean"] for size, c in g["cosine"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--models", nargs="+", type=Path, help="video models, one per seed")
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    args = parser.parse_args()
    data = load_dataset(progress=False)
    rows = []
    for i, seed in enumerate(args.seeds if not args.models else range(len(args.models))):
        if args.models:
            net = load_model(args.models[i]).network
        else:
            net = fit(data, replace(PRESETS["video"], seed=seed)).network
        rows.append({"model": str(args.models[i]) if args.models else f"seed {seed}"})
        rows[-1].update(numbers(net, data))
        print(json.dumps(rows[-1]) if args.json else f"{rows[-1]['model']}: done", flush=True)
    if args.json:
        return
    print(f"\n{'':<26}" + "".join(f"{row['model'][-22:]:>24}" for row in rows) + "       range")
    for key in rows[0]:
        if key == "model":
            continue
        values = [row[key] for row in rows]
        print(
            f"{key:<26}"
            + "".join(f"{v:>24.4g}" for v in values)
            + f"   {min(values):.4g}–{max(values):.4g}"
        )


if __name__ == "__main__":
    main()
