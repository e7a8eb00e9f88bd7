"""What the network "thinks" each digit looks like: for each output neuron, the input that
excites it most, found by gradient ascent on the input (the weights stay fixed). It can
recognise digits; these pictures show it has no idea how to draw them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..explain import float64
from ..network import Network
from ._common import (
    DRAWING,
    Classes,
    Inputs,
    Option,
    as_image,
    counted,
    figure,
    thumbnail,
    write_png,
)

STARTS = ("blank", "noise")
NAME = "dream"
SUMMARY = "the input each output neuron likes best"
NEEDS_MODEL = True
OPTIONS = (
    Option("steps", 200, "gradient steps", "index"),
    Option("lr", 0.1, "step length ‖Δx‖ (default 0.1)", "positive"),
    Option("start", "blank", "first image", "choice", STARTS),
    Option("l2", 0.0, "penalty ½·X·‖x‖² (≥ 0)", "non-negative"),
    Option("seed", 0, "random seed", "index"),
)


def dream(
    net: Network,
    steps: int = 200,
    learning_rate: float = 0.1,
    start: str = "blank",
    l2: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Rows (10, 784) in [0, 1]: row d is the input that drives the network to answer d.

    Each step moves the image uphill on S_d(x) − ½·l2·‖x‖², where S_d = z_d − log Σ_j e^{z_j}
    is the chosen output's weighted input zᴸ_d measured against all ten (a log-softmax over
    zᴸ), then clips it back into [0, 1]. Not the cost C(x, one-hot d): on a less-trained
    network an output that starts fully off has σ′(zᴸ_d) ≈ 0, so C's gradient only pushes
    the other outputs down and the dream sinks to "every output off" (own output 0.00).
    ∂S_d/∂zᴸ = e_d − softmax(zᴸ) never vanishes while another output is ahead.
    Two more details make plain ascent work on a saturated sigmoid network, whose gradients
    can be 1e-10 and less: the gradient is taken in float64 and each step has the fixed
    length ``learning_rate`` (‖Δx‖ in pixel units), ignoring the pixels already pressed
    against 0 or 1, so flat regions are crossed instead of crawled.
    ``start``: "blank" (all black) or "noise" (uniform, from ``seed``).
    """
    if start not in STARTS:
        raise ValueError(f"start must be one of {', '.join(STARTS)}, got {start!r}")
    if steps < 0 or not learning_rate > 0 or not l2 >= 0:
        raise ValueError("steps must be ≥ 0, learning_rate > 0 and l2 ≥ 0")
    net64 = float64(net)
    n_out, n_in = net.sizes[-1], net.sizes[0]
    if start == "noise":
        X = np.random.default_rng(seed).random((n_out, n_in))
    else:
        X = np.zeros((n_out, n_in))
    wanted = np.eye(n_out)  # row d: e_d
    for _ in range(steps):
        grad = l2 * X - score_gradient(net64, X, wanted)  # ∂/∂x of −S_d + ½·l2·‖x‖², per row
        grad[((X <= 0) & (grad > 0)) | ((X >= 1) & (grad < 0))] = 0  # pixels at their bound
        norm = np.linalg.norm(grad, axis=1, keepdims=True)
        X = np.clip(X - learning_rate * grad / np.where(norm > 0, norm, 1), 0, 1)
    return X.astype(np.float32)


def score_gradient(net: Network, X: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """∂S/∂x for each row of X (m, 784), S = z_d − log Σ_j e^{z_j} with d given by the one-hot
    rows of ``wanted`` (m, 10): backpropagation started at zᴸ instead of at the cost.
    """
    zs, activations = net.forward(net.as_columns(X))
    z = zs[-1] - zs[-1].max(axis=0)  # the same softmax, without overflow
    p = np.exp(z) / np.exp(z).sum(axis=0)
    delta = wanted.T - p  # ∂S/∂zᴸ = e_d − softmax(zᴸ)            (n_L, m)
    for l in reversed(range(1, len(net.weights))):
        delta = (net.weights[l].T @ delta) * net.sigma.prime(zs[l - 1])  # δˡ⁻¹
    return (net.weights[0].T @ delta).T  # ∂S/∂a⁰ = (W¹)ᵀ δ¹, rows like X


def dream_report(
    net: Network,
    dreams: np.ndarray,
    test_images: np.ndarray | None = None,
    test_labels: np.ndarray | None = None,
    dataset: str = "mnist",
) -> dict[str, Any]:
    """How the dreams excite the network, and (with test data) how much they look like digits
    (or, ``dataset`` "fashion-mnist", like clothes: the conclusion's words).

    Returns outputs (10×10: row d is the output for dream d), own_output and
    best_other_output per dream, answers, recognised (how many dreams d are answered d),
    failed (the digits whose dream is not: the conclusion names them), mean_ink, and with test
    data likeness: the correlation of dream d with the average test image of digit d, next to
    how well real test digits correlate with their own digit's average.
    """
    out = net.feedforward(dreams)
    n = len(dreams)
    own = out[np.arange(n), np.arange(n)]
    others = np.where(np.eye(n, dtype=bool), -np.inf, out).max(axis=1)
    answers = out.argmax(axis=1)
    result: dict[str, Any] = {
        "dataset": dataset,
        "outputs": out.round(4).tolist(),
        "own_output": own.tolist(),
        "best_other_output": others.tolist(),
        "answers": answers.tolist(),
        "recognised": int((answers == np.arange(n)).sum()),
        "failed": [d for d in range(n) if answers[d] != d],
        "mean_ink": float(dreams.mean()),
    }
    if test_images is not None and test_labels is not None:
        labels = np.asarray(test_labels)
        means = np.array([test_images[labels == d].mean(axis=0) for d in range(n)])
        dream_r = [_correlation(dreams[d], means[d]) for d in range(n)]
        sample = np.arange(min(len(labels), 1000))
        real_r = [_correlation(test_images[i], means[labels[i]]) for i in sample]
        result["likeness"] = {
            "dreams": [round(r, 4) for r in dream_r],
            "dreams_mean": float(np.mean(dream_r)),
            "real_digits_mean": float(np.mean(real_r)),
        }
    result["conclusion"] = _conclusion(result)
    return result


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm > 0 else 0.0


def _conclusion(r: dict[str, Any]) -> str:
    words = Classes(r.get("dataset"))
    things = "digits" if words.digits else "clothes"
    own, other = np.array(r["own_output"]), np.array(r["best_other_output"])
    n = len(own)
    text = ""
    if r["failed"]:
        told = ", ".join(
            f"dream {d} is answered {r['answers'][d]} (own output {own[d]:.2f})"
            for d in r["failed"]
        )
        text = (
            f"FAILED for {len(r['failed'])} of {n} {words.many}: {told}; the ascent found no "
            "input that makes this network answer them. "
        )
    text += (
        f"{r['recognised']} of {n} dreams make the network answer their {words.one}, with their "
        f"own output at {own.mean():.2f} on average against at most {other.mean():.2f} for the "
        "others"
    )
    if "likeness" in r:
        like = r["likeness"]
        ratio = like["dreams_mean"] / like["real_digits_mean"]
        if ratio < 0.5:
            verdict = f"it can recognise {things} but has no idea how to draw them"
        elif ratio < 0.8:
            verdict = f"they resemble {things} only faintly"
        else:
            verdict = f"here the dreams do look like {things}"
        text += (
            f"; yet a dream correlates {like['dreams_mean']:.2f} on average with the average "
            f"real image of its {words.one}, where real test {things} correlate "
            f"{like['real_digits_mean']:.2f}: {verdict}"
        )
    return text


def run(
    inputs: Inputs,
    *,
    steps: int = 200,
    lr: float = 0.1,
    start: str = "blank",
    l2: float = 0.0,
    seed: int = 0,
) -> dict[str, Any]:
    """`dream` on the inputs' network, then `dream_report` against its test digits."""
    net, test = inputs.net(), inputs.data.test
    images = dream(net, steps, lr, start, l2, seed)
    result = dream_report(net, images, test.images, test.labels, inputs.data.name)
    settings = {"steps": steps, "lr": lr, "start": start, "l2": l2}
    return {"model": str(inputs.model), **settings, **result, DRAWING: images}


def text(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{result['model']}: {counted(result['steps'], 'step')} of gradient ascent on the input "
        f"(raising the chosen output against the others), from {result['start']}, step length "
        f"{result['lr']:g}, l2 {result['l2']:g}"
    ]
    words = Classes(result.get("dataset"))
    for d in range(len(result["own_output"])):
        like = result.get("likeness", {}).get("dreams", [None] * 10)[d]
        lines.append(
            f"  dream {d}: own output {result['own_output'][d]:.3f}, best other "
            f"{result['best_other_output'][d]:.3f}"
            + ("" if like is None else f", correlation with the average {words.name(d)} {like:.2f}")
            + ("" if d not in result["failed"] else f"  FAILED: answered {result['answers'][d]}")
        )
    return lines


def draw(result: dict[str, Any]) -> Image.Image:
    """The ten dreams in a row, each titled with its digit and its own output (a failed one
    with the answer it gets instead)."""
    dreams = result[DRAWING]
    fig = figure(11, 1.8)
    for d, ax in enumerate(fig.subplots(1, len(dreams))):
        title = f"{d}: {result['own_output'][d]:.2f}"
        if d in result["failed"]:
            title = f"{d}: FAILED ({result['answers'][d]})"
        thumbnail(ax, dreams[d], title)
    return as_image(fig)


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)
