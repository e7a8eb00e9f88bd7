"""The gradient of one example's cost, made concrete: which weights and biases matter most for
it, what it wishes the last two layers' activations would do, and how well a mini-batch's
average gradient points the way the full-batch gradient does ("stochastic" gradient descent).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..errors import SettingError
from ..network import Network, one_hot
from ._common import DRAWING, Inputs, Option, as_image, figure, thumbnail, write_png

BATCH_SIZES = (1, 10, 100, 1000)
NAME = "gradient"
SUMMARY = "one example's gradient: what matters, nudges, mini-batches"
NEEDS_MODEL = True
OPTIONS = (
    Option("index", 0, "training example (0)", "index"),
    Option("draws", 20, "mini-batches per size"),
    Option("seed", 0, "random seed", "index"),
)


def flat_gradient(net: Network, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """∇C of the mean cost over (X, labels), flat and laid out like ``net.params``."""
    grad_W, grad_b = net.backprop(X, labels)
    return np.concatenate([g.ravel() for g in (*grad_W, *grad_b)])


def describe_param(net: Network, index: int) -> dict[str, Any]:
    """Name the parameter at a flat index: a weight (layer, to-neuron, from-neuron) or a bias.

    Layers are counted as in the story: layer 1 is the input, so weights[l] feeds layer l+2.
    """
    start = 0
    for l, W in enumerate(net.weights):
        if index < start + W.size:
            j, k = divmod(index - start, W.shape[1])
            source = f"pixel ({k // 28}, {k % 28})" if l == 0 and W.shape[1] == 784 else None
            source = source or f"layer {l + 1} neuron {k}"
            return {
                "kind": "weight",
                "layer": l + 2,
                "to": j,
                "from": k,
                "name": f"weight {source} → layer {l + 2} neuron {j}",
            }
        start += W.size
    for l, b in enumerate(net.biases):
        if index < start + b.size:
            j = index - start
            name = f"bias of layer {l + 2} neuron {j}"
            return {"kind": "bias", "layer": l + 2, "to": j, "name": name}
        start += b.size
    raise IndexError(f"parameter index {index} out of range")


def nudges(net: Network, x: np.ndarray, label: int) -> dict[str, list[float]]:
    """−∂C/∂a for the output layer and the layer before it: how one example wants them to move.

    ∂C/∂aᴸ = 2(aᴸ − y) for the quadratic cost (−y/aᴸ for cross-entropy), and
    ∂C/∂aᴸ⁻¹ = (Wᴸ)ᵀ δᴸ: each output's wish, sent back through its weights and summed.
    """
    a0 = net.as_columns(x)
    zs, activations = net.forward(a0)
    y = one_hot(np.array([label]), net.sizes[-1], net.dtype)
    a = activations[-1]
    if net.cost.name == "quadratic":
        dC_da = 2 * (a - y)  # ∂C/∂aᴸ = 2(aᴸ − y)
    else:
        dC_da = -y / np.maximum(a, np.finfo(a.dtype).tiny)  # ∂C/∂aᴸ = −y/aᴸ
    delta = net.cost.output_delta(zs[-1], a, y)  # δᴸ = ∂C/∂zᴸ
    dC_da_prev = net.weights[-1].T @ delta  # ∂C/∂aᴸ⁻¹ = (Wᴸ)ᵀ δᴸ
    return {
        "output": (-dC_da[:, 0]).tolist(),
        "output_activations": a[:, 0].tolist(),
        "previous": (-dC_da_prev[:, 0]).tolist(),
        "previous_activations": activations[-2][:, 0].tolist(),
    }


def gradient(
    net: Network,
    x: np.ndarray,
    label: int,
    batch: tuple[np.ndarray, np.ndarray],
    batch_sizes: Sequence[int] = BATCH_SIZES,
    draws: int = 20,
    top: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """One example's gradient, its nudges, and mini-batch vs full-batch gradients.

    x: one input (784,); label: its digit; batch: (X, labels), the "full batch" whose mean
    gradient the mini-batches (``draws`` random ones of each size, without replacement)
    are compared with by cosine similarity.
    Returns top_components, median_abs, zero_fraction, nudges, cosine (per batch size:
    mean, std) and a conclusion.
    """
    g = flat_gradient(net, np.asarray(x)[None, :], np.array([label]))
    magnitude = np.abs(g.astype(np.float64))
    nonzero = magnitude[magnitude > 0]
    median = float(np.median(nonzero)) if nonzero.size else 0.0
    order = np.argsort(magnitude)[::-1][:top]
    components = [
        describe_param(net, int(i))
        | {"value": float(g[i]), "times_median": float(magnitude[i] / median) if median else None}
        for i in order
    ]
    X, labels = batch
    full = flat_gradient(net, X, labels).astype(np.float64)
    rng = np.random.default_rng(seed)
    cosine = {}
    for size in batch_sizes:
        if size > len(labels):
            continue
        values = []
        for _ in range(draws):
            pick = rng.choice(len(labels), size, replace=False)
            values.append(_cosine(flat_gradient(net, X[pick], labels[pick]), full))
        cosine[str(size)] = {"mean": float(np.mean(values)), "std": float(np.std(values))}
    result = {
        "label": int(label),
        "answer": int(net.predict(np.asarray(x)[None, :])[0]),
        "parameters": int(g.size),
        "top_components": components,
        "median_abs": median,
        "zero_fraction": float((magnitude == 0).mean()),
        "nudges": nudges(net, np.asarray(x), label),
        "full_batch": len(labels),
        "cosine": cosine,
    }
    result["conclusion"] = _conclusion(result)
    return result


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    a = a.astype(np.float64)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm > 0 else 0.0


def _conclusion(r: dict[str, Any]) -> str:
    best = r["top_components"][0]
    parts = [
        f"for this {r['label']} (answered {r['answer']}) the largest of the {r['parameters']:,} "
        f"gradient components is the {best['name']}"
        + (f", {best['times_median']:.3g}× the median non-zero one" if best["times_median"] else "")
        + (
            f"; {r['zero_fraction']:.0%} are exactly 0: weights from black pixels get no blame"
            if r["zero_fraction"] > 0
            else ""
        )
    ]
    wish = np.array(r["nudges"]["output"])
    up = int(wish.argmax())
    parts.append(
        f"the example wants output {up} raised by {wish[up]:.3f} "
        f"and the others lowered by up to {-wish.min():.3f}"
        if wish.min() < 0
        else f"the example wants output {up} raised most, by {wish[up]:.3f}"
    )
    if r["cosine"]:
        sizes = list(r["cosine"])
        means = [r["cosine"][size]["mean"] for size in sizes]
        first, last = means[0], means[-1]
        rising = all(b >= a for a, b in zip(means, means[1:]))
        if last <= first:
            verdict = "here batch size barely changes the direction"
        elif rising:
            verdict = "bigger batches aim better, smaller ones stumble but step far more often"
        else:
            verdict = (
                "the largest batch aims better than the smallest, though not at every size "
                "in between (the draws are noisy)"
            )
        parts.append(
            f"a mini-batch of {sizes[0]} points {first:.2f} of the way along the full-batch "
            f"gradient (cosine), one of {sizes[-1]} {last:.2f}: {verdict}"
        )
    return "; ".join(parts)


def run(inputs: Inputs, *, index: int = 0, draws: int = 20, seed: int = 0) -> dict[str, Any]:
    """`gradient` of one training example, the whole training split as the full batch."""
    train = inputs.data.train
    if index >= len(train.labels):
        raise SettingError(f"--index must be below {len(train.labels):,}, got {index}")
    x, label = train.images[index], int(train.labels[index])
    result = gradient(inputs.net(), x, label, (train.images, train.labels), draws=draws, seed=seed)
    about = {"model": str(inputs.model), "index": index, "label": label}
    return {**about, **result, DRAWING: x}


def text(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{result['model']}: training example {result['index']}, a {result['label']}; "
        "the largest components of ∇C:"
    ]
    for c in result["top_components"]:
        times = f"{c['times_median']:>9.3g}× median" if c["times_median"] else ""
        lines.append(f"  {c['value']:>+10.5f}  {times}  {c['name']}")
    nudges = result["nudges"]
    lines.append("  nudges −∂C/∂a wanted for the output layer:")
    lines.append("    " + "  ".join(f"{d}:{v:+.3f}" for d, v in enumerate(nudges["output"])))
    lines.append("  and for the layer before it:")
    lines.append("    " + "  ".join(f"{j}:{v:+.3f}" for j, v in enumerate(nudges["previous"])))
    lines.append(f"  mini-batch vs full-batch ({result['full_batch']:,}) gradient, cosine:")
    for size, c in result["cosine"].items():
        lines.append(f"    batch {size:>5}: {c['mean']:.3f} ± {c['std']:.3f}")
    return lines


def draw(result: dict[str, Any]) -> Image.Image:
    x = result[DRAWING]
    """The example, the output nudges, the previous layer's nudges, cosine vs batch size."""
    fig = figure(12, 3.2)
    image, out, prev, cos = fig.subplots(1, 4, width_ratios=[0.8, 1, 1.3, 1])
    thumbnail(image, x, f"a {result['label']}")
    for ax, key, title in ((out, "output", "output layer"), (prev, "previous", "layer before")):
        wish = np.array(result["nudges"][key])
        ax.bar(range(len(wish)), wish, color=np.where(wish >= 0, "tab:green", "tab:red"))
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(f"nudges −∂C/∂a, {title}", fontsize=9)
        ax.set_xlabel("neuron")
    sizes = [int(s) for s in result["cosine"]]
    means = [v["mean"] for v in result["cosine"].values()]
    stds = [v["std"] for v in result["cosine"].values()]
    cos.errorbar(sizes, means, yerr=stds, marker="o", capsize=3)
    cos.set_xscale("log")
    cos.set_ylim(min(0, min(means, default=0)) - 0.05, 1.05)
    cos.set_xlabel("mini-batch size")
    cos.set_title("cosine with full-batch gradient", fontsize=9)
    return as_image(fig)


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)
