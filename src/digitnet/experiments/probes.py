"""What the network says about things that are not digits: noise, a blank image, letters,
shapes, inverted digits. Then a confidence threshold as "I don't know": how many test digits
it still answers, how accurately, and how much of the non-digit input it turns away.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..images import to_mnist
from ..network import Network
from ._common import DRAWING, Inputs, Option, as_image, auroc, figure, thumbnail, write_png

NAME = "probe"
SUMMARY = "non-digits in (noise, letters, shapes…); a confidence threshold"
NEEDS_MODEL = True
OPTIONS = (
    Option("n", 200, "images per noise category"),
    Option("seed", 0, "random seed", "index"),
)
LETTERS = "AEFHKMNPRTVWXY"  # letters that look least like digits
THRESHOLDS = (0.3, 0.5, 0.7, 0.9)  # the table's confidence thresholds


def letters() -> np.ndarray:
    """Capital letters in Pillow's default font, made MNIST-like: (len(LETTERS), 784)."""
    font = ImageFont.load_default(size=48)
    rows = []
    for letter in LETTERS:
        im = Image.new("L", (64, 64), 255)
        ImageDraw.Draw(im).text((32, 32), letter, fill=0, font=font, anchor="mm")
        rows.append(to_mnist(np.asarray(im) / 255.0))
    return np.array(rows)


def shapes() -> np.ndarray:
    """A circle, a disc, a square, a triangle and two crosses, drawn white on black: (6, 784)."""
    drawings = [
        lambda d: d.ellipse((8, 8, 56, 56), outline=255, width=6),
        lambda d: d.ellipse((12, 12, 52, 52), fill=255),
        lambda d: d.rectangle((10, 10, 54, 54), outline=255, width=6),
        lambda d: d.polygon([(32, 6), (58, 56), (6, 56)], outline=255, width=6),
        lambda d: (d.line((8, 8, 56, 56), 255, 6), d.line((8, 56, 56, 8), 255, 6)),
        lambda d: (d.line((32, 6, 32, 58), 255, 6), d.line((6, 32, 58, 32), 255, 6)),
    ]
    rows = []
    for draw in drawings:
        im = Image.new("L", (64, 64), 0)
        draw(ImageDraw.Draw(im))
        rows.append(to_mnist(np.asarray(im) / 255.0))
    return np.array(rows)


def probe_inputs(test_images: np.ndarray, n: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    """The non-digit inputs, by category, each (count, 784) float32 in [0, 1]."""
    rng = np.random.default_rng(seed)
    return {
        "uniform noise": rng.random((n, 784), dtype=np.float32),
        "gaussian noise": np.clip(rng.normal(0.5, 0.25, (n, 784)), 0, 1).astype(np.float32),
        "blank": np.zeros((1, 784), dtype=np.float32),
        "letters": letters(),
        "shapes": shapes(),
        "inverted digits": 1 - np.asarray(test_images[:n], dtype=np.float32),
    }


def probe(
    net: Network, test_images: np.ndarray, test_labels: np.ndarray, seed: int = 0, n: int = 200
) -> dict[str, Any]:
    """Outputs on non-digits, and a confidence threshold's coverage, accuracy and rejection.

    Returns categories (per category: count, mean_outputs (10), mean_max, mean_sum, answers),
    thresholds (rows: threshold, coverage and accuracy on test digits, rejected non-digits),
    auroc (max output of test digits vs each category, and vs all non-digits),
    outputs_sum_to_one (True only for a softmax network) and a conclusion.
    """
    if net.sizes[0] != 784:
        raise ValueError(f"probe needs a network with 784 inputs, got {net.sizes[0]}")
    inputs = probe_inputs(test_images, n, seed)
    digit_out = net.feedforward(test_images)
    digit_max = digit_out.max(axis=1)
    correct = digit_out.argmax(axis=1) == np.asarray(test_labels)
    categories, maxima = {}, {}
    for name, X in inputs.items():
        out = net.feedforward(X)
        maxima[name] = out.max(axis=1)
        categories[name] = {
            "count": len(X),
            "mean_outputs": out.mean(axis=0).round(4).tolist(),
            "mean_max": float(maxima[name].mean()),
            "mean_sum": float(out.sum(axis=1).mean()),
            "answers": np.bincount(out.argmax(axis=1), minlength=net.sizes[-1]).tolist(),
        }
    others = np.concatenate(list(maxima.values()))
    table = [_threshold_row(t, digit_max, correct, others) for t in THRESHOLDS]
    result = {
        "test_images": len(digit_max),
        "test_accuracy": float(correct.mean()),
        "test_mean_max": float(digit_max.mean()),
        "test_mean_sum": float(digit_out.sum(axis=1).mean()),
        "outputs_sum_to_one": net.cost.name == "cross-entropy",
        "categories": categories,
        "thresholds": table,
        "curve": [_threshold_row(t, digit_max, correct, others) for t in np.linspace(0, 1, 41)],
        "auroc": {name: auroc(digit_max, m) for name, m in maxima.items()}
        | {"all non-digits": auroc(digit_max, others)},
    }
    result["conclusion"] = _conclusion(result)
    return result


def _threshold_row(t: float, digit_max, correct, others) -> dict[str, float | None]:
    """Answer only when the largest output reaches t; otherwise say "I don't know"."""
    answered = digit_max >= t
    return {
        "threshold": round(float(t), 3),
        "coverage": float(answered.mean()),
        "accuracy": float(correct[answered].mean()) if answered.any() else None,
        "rejected_non_digits": float((others < t).mean()),
    }


def _conclusion(r: dict[str, Any]) -> str:
    cats = r["categories"]
    loudest = max(cats, key=lambda c: cats[c]["mean_max"])
    parts = [
        f"its largest output averages {r['test_mean_max']:.2f} on test digits and "
        f"{cats[loudest]['mean_max']:.2f} on {loudest}, the non-digit it is surest about"
    ]
    if not r["outputs_sum_to_one"]:
        sums = [c["mean_sum"] for c in cats.values()]
        parts.append(
            f"its ten outputs sum to {min(sums):.2f}–{max(sums):.2f} on non-digits "
            f"(and {r['test_mean_sum']:.2f} on digits): sigmoid outputs are ten separate "
            "yes/no answers, not probabilities, so nothing makes them add up to 1"
        )
    usable = [row for row in r["thresholds"] if row["coverage"] >= 0.9] or r["thresholds"][:1]
    row = usable[-1]
    accuracy = "n/a" if row["accuracy"] is None else f"{row['accuracy']:.1%}"
    parts.append(
        f'saying "I don\'t know" below {row["threshold"]:.1f} keeps {row["coverage"]:.0%} of '
        f"test digits at {accuracy} accuracy (vs {r['test_accuracy']:.1%} answering all) and "
        f"turns away {row['rejected_non_digits']:.0%} of the non-digits"
    )
    a = r["auroc"]["uniform noise"]
    if a >= 0.9:
        how = "separates them well"
    elif a >= 0.7:
        how = "separates them only partly"
    elif a >= 0.5:
        how = "barely separates them"
    else:
        how = "is higher on noise: noise looks more digit-like to it than digits do"
    parts.append(f"AUROC of max output, digits vs uniform noise: {a:.2f}, so confidence {how}")
    return "; ".join(parts)


def run(inputs: Inputs, *, n: int = 200, seed: int = 0) -> dict[str, Any]:
    """`probe` on the inputs' network and test set; the result keeps the probes for the picture."""
    net, test = inputs.net(), inputs.data.test
    result = probe(net, test.images, test.labels, seed, n)
    drawing = {"inputs": probe_inputs(test.images, n, seed), "network": net}
    return {"model": str(inputs.model), **result, DRAWING: drawing}


def text(result: dict[str, Any]) -> list[str]:
    lines = [f"{result['model']}: what it says about things that are not digits", ""]
    lines.append(f"  {'input':<16} {'count':>6} {'mean max':>9} {'mean sum':>9}  answers")
    lines.append(
        f"  {'test digits':<16} {result['test_images']:>6} {result['test_mean_max']:>9.3f} "
        f"{result['test_mean_sum']:>9.3f}"
    )
    for name, c in result["categories"].items():
        answers = " ".join(f"{d}:{n}" for d, n in enumerate(c["answers"]) if n)
        lines.append(
            f"  {name:<16} {c['count']:>6} {c['mean_max']:>9.3f} {c['mean_sum']:>9.3f}  {answers}"
        )
    lines += ["", "  threshold  digits answered  accuracy on those  non-digits turned away"]
    for row in result["thresholds"]:
        accuracy = "—" if row["accuracy"] is None else f"{row['accuracy']:.2%}"
        lines.append(
            f"  {row['threshold']:>9.1f}  {row['coverage']:>15.1%}  {accuracy:>17}  "
            f"{row['rejected_non_digits']:>22.1%}"
        )
    lines += ["", "  AUROC of max output, test digits vs:"]
    lines += [f"    {name:<16} {value:.3f}" for name, value in result["auroc"].items()]
    return lines


def draw(result: dict[str, Any]) -> Image.Image:
    """One example of each category with the network's answer, and the threshold curve."""
    inputs, net = result[DRAWING]["inputs"], result[DRAWING]["network"]
    fig = figure(10, 5.6)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.6])
    axes = top.subplots(1, len(inputs))
    for ax, (name, X) in zip(axes, inputs.items()):
        out = net.feedforward(X[:1])[0]
        thumbnail(ax, X[0], f"{name}\n→ {out.argmax()} ({out.max():.2f})")
    left, right = bottom.subplots(1, 2)
    cats = result["categories"]
    names = ["test digits", *cats]
    values = [result["test_mean_max"], *(c["mean_max"] for c in cats.values())]
    left.barh(names, values, color=["tab:blue"] + ["tab:red"] * len(cats))
    left.set_xlim(0, 1)
    left.invert_yaxis()
    left.set_xlabel("mean largest output")
    curve = result["curve"]
    t = [row["threshold"] for row in curve]
    right.plot(t, [row["coverage"] for row in curve], label="test digits answered")
    right.plot(t, [row["accuracy"] or np.nan for row in curve], label="accuracy on those")
    right.plot(t, [row["rejected_non_digits"] for row in curve], label="non-digits turned away")
    right.set_xlabel("confidence threshold")
    right.set_ylim(0, 1.02)
    right.legend(fontsize=8)
    return as_image(fig)


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)
