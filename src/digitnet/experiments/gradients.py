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

from ..network import Network, one_hot
from ._common import (
    DRAWING,
    Inputs,
    Option,
    a_digit,
    as_image,
    chosen_example,
    figure,
    thumbnail,
    write_png,
)

BATCH_SIZES = (1, 10, 100, 1000)
NAME = "gradient"
SUMMARY = "one example's gradient: what matters, nudges, mini-batches"
NEEDS_MODEL = True
OPTIONS = (
    Option("index", 0, "which image of --split (0)", "index"),
    Option("split", "train", "the images --index counts in", "choice", choices=("train", "test")),
    Option("image", None, "an image file instead (any size; a digit drawn dark or light)", "text"),
    Option("label", None, "its label (default: the image's own, or the network's answer)", "index"),
    Option("draws", 5000, "mini-batches per size, at most one pass's worth"),
    Option("seed", 0, "random seed", "index"),
)


def flat_gradient(net: Network, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """∇C of the mean cost over (X, labels), flat and laid out like ``net.params``."""
    grad_W, grad_b = net.backprop(X, labels)
    return np.concatenate([g.ravel() for g in (*grad_W, *grad_b)])


def batch_gradients(net: Network, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """∇C of each of k mini-batches at once, flat like ``flat_gradient``: X (k, B, n_in),
    labels (k, B) → (k, n_params). One forward and backward pass over all k·B examples; then
    each batch's ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ sums only its own B columns (a stack of matrix products).
    """
    k, B = labels.shape
    zs, activations = net.forward(net.as_columns(X.reshape(k * B, -1)))
    y = net.as_targets(labels.reshape(-1), k * B)
    delta = net.cost.output_delta(zs[-1], activations[-1], y) / B  # δᴸ, the mean per batch
    grad_W: list[np.ndarray] = []
    grad_b: list[np.ndarray] = []
    for l in reversed(range(len(net.weights))):
        d = delta.reshape(-1, k, B).transpose(1, 0, 2)  # (k, n_l, B)
        a = activations[l].reshape(-1, k, B).transpose(1, 2, 0)  # (k, B, n_{l−1})
        grad_W.insert(0, (d @ a).reshape(k, -1))  # ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ, per batch
        grad_b.insert(0, d.sum(axis=2))  # ∂C/∂bˡ = δˡ, summed over the batch
        if l > 0:
            delta = (net.weights[l].T @ delta) * net.sigma.prime(zs[l - 1])  # δˡ⁻¹
    return np.concatenate(grad_W + grad_b, axis=1)


def batch_cosines(
    net: Network,
    X: np.ndarray,
    labels: np.ndarray,
    size: int,
    full: np.ndarray,
    rng: np.random.Generator,
    draws: int,
) -> np.ndarray:
    """The cosine with ``full`` of each mini-batch gradient, for the first ``draws`` mini-batches
    of size ``size`` of one shuffled pass over (X, labels), as SGD takes them (fewer where
    the pass holds fewer: 50 of 1,000 in 50,000)."""
    count = min(draws, len(labels) // size)
    order = rng.permutation(len(labels))[: count * size].reshape(count, size)
    chunk = max(1, min(2**22 // full.size, 2**14 // size))  # ≤ 4M gradient numbers, 16k images
    target = full.astype(net.dtype)
    cosines = []
    for start in range(0, count, chunk):
        pick = order[start : start + chunk]
        g = batch_gradients(net, X[pick], labels[pick])
        lengths = np.linalg.norm(g, axis=1) * np.linalg.norm(target)
        cosines.append((g @ target / np.where(lengths > 0, lengths, 1)).astype(np.float64))
    return np.concatenate(cosines)


def describe_param(net: Network, index: int) -> dict[str, Any]:
    """Name the parameter at a flat index: a weight (layer, to-neuron, from-neuron) or a bias.

    Layers are counted as in the story: layer 1 is the input, so weights[l] feeds layer l+2.
    """
    last = len(net.weights) - 1

    def neuron(l: int, j: int) -> str:  # weights[l] feeds layer l + 2
        return f"output neuron {j}" if l == last else f"layer {l + 2} neuron {j}"

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
                "name": f"weight {source} → {neuron(l, j)}",
            }
        start += W.size
    for l, b in enumerate(net.biases):
        if index < start + b.size:
            j = index - start
            return {"kind": "bias", "layer": l + 2, "to": j, "name": f"bias of {neuron(l, j)}"}
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
    draws: int = 5000,
    top: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """One example's gradient, its nudges, and mini-batch vs full-batch gradients.

    x: one input (784,); label: its digit; batch: (X, labels), the "full batch" whose mean
    gradient the mini-batches are compared with by cosine similarity: for each size, the first
    ``draws`` mini-batches of a shuffled pass over the full batch (all 50 of 1,000 in
    50,000), so that the small sizes, whose cosines scatter most, get the most draws.
    Returns top_components, median_abs, zero_fraction, nudges, cosine (per batch size:
    mean, std (the spread of single batches), sem (the mean's standard error), draws) and
    a conclusion.
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
        values = batch_cosines(net, X, labels, size, full, rng, draws)
        cosine[str(size)] = {
            "mean": float(values.mean()),
            "std": float(values.std()),
            "sem": float(values.std() / np.sqrt(len(values))),
            "draws": len(values),
        }
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
        f"it nudges output neuron {up} up by {wish[up]:.3f} "
        f"and the others down by up to {-wish.min():.3f}"
        if wish.min() < 0
        else f"it nudges output neuron {up} up the most, by {wish[up]:.3f}"
    )
    if r["cosine"]:
        sizes = list(r["cosine"])
        means = [r["cosine"][size]["mean"] for size in sizes]
        first, last = r["cosine"][sizes[0]], r["cosine"][sizes[-1]]
        rising = all(b > a for a, b in zip(means, means[1:]))
        if last["mean"] <= first["mean"]:
            verdict = "here batch size barely changes the direction"
        elif rising:
            verdict = "bigger batches aim better, smaller ones stumble but step far more often"
        else:
            verdict = (
                "the largest batch aims better than the smallest, though not at every size "
                "in between (the draws are noisy)"
            )
        parts.append(
            f"the gradient of a mini-batch of {int(sizes[0]):,} has cosine {first['mean']:.3f} "
            f"with the full-batch gradient (mean of {first['draws']:,} batches; single ones "
            f"spread ± {first['std']:.2f}), one of {int(sizes[-1]):,} {last['mean']:.3f} "
            f"({last['draws']:,} batches, ± {last['std']:.2f}): {verdict}"
        )
    return "; ".join(parts)


def run(
    inputs: Inputs,
    *,
    index: int = 0,
    split: str = "train",
    image: str | None = None,
    label: int | None = None,
    draws: int = 5000,
    seed: int = 0,
) -> dict[str, Any]:
    """`gradient` of one image (of a split, or a file) for a label; the training split is the
    full batch the mini-batches are compared with."""
    x, label, source = chosen_example(inputs, index, split, image, label)
    train = inputs.data.train
    full = (train.images, train.labels)
    result = gradient(inputs.net(), x, label, full, draws=draws, seed=seed)
    about = {"model": str(inputs.model), "source": source, "index": index, "label": label}
    return {**about, **result, DRAWING: x}


def text(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{result['model']}: {result['source']}, labelled {result['label']}; "
        "the largest components of ∇C:"
    ]
    for c in result["top_components"]:
        times = f"{c['times_median']:>9.3g}× median" if c["times_median"] else ""
        lines.append(f"  {c['value']:>+10.5f}  {times}  {c['name']}")
    nudges = result["nudges"]
    lines.append("  the nudges −∂C/∂a it asks of each output neuron (digit: nudge):")
    lines.append("    " + "  ".join(f"{d}:{v:+.3f}" for d, v in enumerate(nudges["output"])))
    lines.append("  and of each neuron of the last hidden layer:")
    lines.append("    " + "  ".join(f"{j}:{v:+.3f}" for j, v in enumerate(nudges["previous"])))
    lines.append(
        f"  cosine of a mini-batch's gradient with the full batch's ({result['full_batch']:,}): "
        "mean ± standard error (spread of single batches), batches drawn"
    )
    for size, c in result["cosine"].items():
        lines.append(
            f"    batch {size:>5}: {c['mean']:.3f} ± {c['sem']:.3f}  (± {c['std']:.3f}), "
            f"{c['draws']:,}"
        )
    return lines


def draw(result: dict[str, Any]) -> Image.Image:
    """The example, the nudges it asks of the output and last hidden layers, and the cosine
    of mini-batch gradients with the full one by batch size (mean and spread)."""
    x = result[DRAWING]
    fig = figure(13, 3.6)
    image, out, prev, cos = fig.subplots(1, 4, width_ratios=[0.7, 1, 1.3, 1.1])
    thumbnail(image, x, f"the input, labelled {result['label']}")
    hidden, label = len(result["nudges"]["previous"]), result["label"]
    for ax, key, title, who in (
        (
            out,
            "output",
            f"nudges to the output neurons ({a_digit(label)}: {label} up)",
            "output neuron",
        ),
        (prev, "previous", "nudges to the last hidden layer", "hidden neuron"),
    ):
        wish = np.array(result["nudges"][key])
        ax.bar(range(len(wish)), wish, color=np.where(wish >= 0, "tab:green", "tab:red"))
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(who, fontsize=8)
        ax.set_ylabel("nudge −∂C/∂a (up > 0, down < 0)", fontsize=8)
        ax.set_xticks(range(len(wish)), [str(j) for j in range(len(wish))], fontsize=7)
    if hidden > 20:  # label every fifth neuron of a wide layer
        prev.set_xticks(range(0, hidden, 5), [str(j) for j in range(0, hidden, 5)], fontsize=7)
    sizes = [int(s) for s in result["cosine"]]
    c = list(result["cosine"].values())
    means, stds = np.array([v["mean"] for v in c]), np.array([v["std"] for v in c])
    cos.fill_between(
        sizes, means - stds, means + stds, alpha=0.2, label="± spread of single batches"
    )
    cos.errorbar(
        sizes, means, yerr=[v["sem"] for v in c], marker="o", capsize=3, label="mean (± its error)"
    )
    cos.set_xscale("log")
    cos.set_xticks(sizes, [f"{s:,}" for s in sizes])
    cos.set_ylim(min(0, float((means - stds).min(initial=0))) - 0.05, 1.05)
    cos.set_xlabel("mini-batch size (examples)", fontsize=8)
    cos.set_ylabel("cosine with the full-batch gradient", fontsize=8)
    cos.set_title(f"mini-batch vs full gradient ({result['full_batch']:,} examples)", fontsize=9)
    cos.legend(fontsize=7, loc="upper left")
    return as_image(fig)


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)
