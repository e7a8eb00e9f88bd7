"""Noise in, confident nonsense out? Feed uniform random images to a trained network and
compare its confidence (its largest output) on them with its confidence on real test digits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..network import Network
from ._common import Classes, Inputs, Option, as_image, figure, summary, write_png

NAME = "noise"
SUMMARY = "random noise in: its answers and confidence vs real digits"
NEEDS_MODEL = True
OPTIONS = (
    Option("n", 1000, "noise images (default 1000)"),
    Option("seed", 0, "random seed", "index"),
)
EDGES = np.linspace(0, 1, 21)  # confidence histogram bins


def noise_images(n: int, seed: int, n_inputs: int) -> np.ndarray:
    """``n`` uniform-noise images, (n, n_inputs) float32 in [0, 1), the same for the same seed."""
    return np.random.default_rng(seed).random((n, n_inputs), dtype=np.float32)


def noise(
    net: Network,
    n: int = 1000,
    seed: int = 0,
    test_images: np.ndarray | None = None,
    dataset: str = "mnist",
) -> dict[str, Any]:
    """The answers and confidence of ``net`` on ``n`` uniform-noise images (pixels in [0, 1]);
    ``dataset``: what the network reads, for the conclusion's words (digits or clothes).

    Returns answers_histogram (counts per digit), confidence_noise and, with ``test_images``,
    confidence_digits (each {mean, median} of the largest output), confidence_histogram
    (bin edges and counts) and a conclusion drawn from those numbers.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    X = noise_images(n, seed, net.sizes[0])
    out = net.feedforward(X)
    confidence = out.max(axis=1)
    result: dict[str, Any] = {
        "dataset": dataset,
        "n": n,
        "seed": seed,
        "answers_histogram": np.bincount(out.argmax(axis=1), minlength=net.sizes[-1]).tolist(),
        "confidence_noise": summary(confidence),
        "confidence_histogram": {
            "edges": EDGES.round(2).tolist(),
            "noise": np.histogram(confidence, EDGES)[0].tolist(),
        },
    }
    if test_images is not None:
        digits = net.feedforward(test_images).max(axis=1)
        result["confidence_digits"] = summary(digits)
        result["confidence_histogram"]["digits"] = np.histogram(digits, EDGES)[0].tolist()
    result["conclusion"] = _conclusion(result)
    return result


def _conclusion(r: dict[str, Any]) -> str:
    words = Classes(r.get("dataset"))
    noise_mean = r["confidence_noise"]["mean"]
    text = f"on {r['n']:,} noise images the network's mean confidence is {noise_mean:.2f}"
    if "confidence_digits" in r:
        digits_mean = r["confidence_digits"]["mean"]
        ratio = noise_mean / digits_mean if digits_mean > 0 else float("inf")
        if ratio > 1.05:
            how = f"more confidently than {words.real}"
        elif ratio >= 0.95:
            how = f"as confidently as {words.real}"
        elif ratio >= 0.75:
            how = f"almost as confidently as {words.real}"
        elif ratio >= 0.5:
            how = f"less confidently than {words.real}, but far from unsure"
        else:
            how = f"much less confidently than {words.real}: here the story's claim does not hold"
        text += f" vs {digits_mean:.2f} on {words.real}: it answers noise {how}"
    counts = np.array(r["answers_histogram"])
    top = int(counts.argmax())
    share = counts[top] / counts.sum()
    text += f"; it calls {share:.0%} of the noise {words.a(top)}"
    if share > 0.5:
        text += f", as if all noise looked like one {words.one} to it"
    elif share < 0.2:
        text += f", spreading its answers over many {words.many}"
    return text


def draw(result: dict[str, Any]) -> Image.Image:
    """Two panels: the answers given to noise, and confidence on noise vs on real images."""
    fig = figure(9, 3.4)
    left, right = fig.subplots(1, 2)
    counts = result["answers_histogram"]
    left.bar(range(len(counts)), counts, color="tab:gray")
    left.set_xticks(range(len(counts)))
    left.set_xlabel("answer")
    left.set_ylabel("noise images")
    left.set_title(f"what it says about {result['n']:,} noise images")
    hist = result["confidence_histogram"]
    edges = np.array(hist["edges"])
    real = Classes(result.get("dataset")).real
    for key, label, colour in (("noise", "noise", "tab:red"), ("digits", real, "tab:blue")):
        if key in hist:
            counts = np.array(hist[key], dtype=float)
            right.stairs(counts / counts.sum(), edges, label=label, color=colour, lw=2)
    right.set_xlabel("confidence (largest output)")
    right.set_ylabel("fraction of images")
    right.legend()
    right.set_title("how sure it is")
    return as_image(fig)


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)


def run(inputs: Inputs, *, n: int = 1000, seed: int = 0) -> dict[str, Any]:
    """`noise` on the inputs' network, its confidence compared with that on the test images."""
    result = noise(inputs.net(), n, seed, inputs.data.test.images, inputs.data.name)
    return {"model": str(inputs.model), **result}


def text(result: dict[str, Any]) -> list[str]:
    noise_c, digits_c = result["confidence_noise"], result["confidence_digits"]
    answers = "  ".join(f"{d}:{c}" for d, c in enumerate(result["answers_histogram"]))
    return [
        f"{result['model']}: {result['n']:,} uniform-noise images (seed {result['seed']})",
        f"  answers:    {answers}",
        f"  confidence on noise: mean {noise_c['mean']:.3f}, median {noise_c['median']:.3f}",
        f"  confidence on {Classes(result.get('dataset')).real}: mean {digits_c['mean']:.3f}, "
        f"median {digits_c['median']:.3f}",
    ]
