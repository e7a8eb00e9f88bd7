"""What the page needs from Python, server or not: where its files are, a model as JSON, and
what the API answers (a drawing's prediction, a neuron's favourite digits, the experiments).

No FastAPI here, so that `digitnet export-html` works without the web extra installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .. import metrics
from ..data import Split
from ..explain import network_json
from ..images import to_mnist
from ..modelfile import ModelFile
from ..network import Network

STATIC = Path(__file__).parent / "static"


def model_json(model: ModelFile, name: str) -> dict[str, Any]:
    """The weights and what the page shows about a model, as JSON."""
    metrics = {k: v for k, v in model.metrics.items() if k != "history"}
    return {
        "name": name,
        **network_json(model.network),
        "metrics": metrics,
        "history": model.metrics.get("history", []),
        "training": {k: model.training.get(k) for k in ("epochs_done", "dataset")},
    }


# ---- what the API answers: a network and its inputs → JSON -------------------------------


def to_bytes_255(x: np.ndarray) -> list[int]:
    """An input in [0, 1] → whole numbers 0–255 for the page to draw."""
    return np.round(np.clip(x, 0.0, 1.0) * 255).astype(int).ravel().tolist()


def prediction(net: Network, pixels: list[int]) -> dict[str, Any]:
    """A square drawing (0–255, row by row) → its 28×28 input, every layer, the answer."""
    side = round(len(pixels) ** 0.5)
    gray = np.asarray(pixels, dtype=np.float64).reshape(side, side) / 255.0
    x = to_mnist(gray)  # the same normalisation as `digitnet predict`
    activations = net.forward(x[:, None])[1]  # columns: a⁰, a¹, …, aᴸ
    outputs = activations[-1][:, 0]
    return {
        "input": x.tolist(),
        "activations": [a[:, 0].tolist() for a in activations[1:]],
        "outputs": outputs.tolist(),
        "answer": int(np.argmax(outputs)),
        "blank": not x.any(),
    }


def favourite_digits(net: Network, neuron: int, test: Split, k: int) -> dict[str, Any]:
    """A first-layer neuron's bias and the k test images that excite it most, ranked by its
    weighted input z = w·x + b: a = σ(z) saturates (many read a = 1.00), z keeps the order."""
    zs, activations = net.forward(test.images.T)
    z1, a1 = zs[0][neuron], activations[1][neuron]  # z¹_j and a¹_j for every test image
    top = np.argsort(-z1, kind="stable")[:k]
    return {
        "layer": 1,
        "neuron": neuron,
        "bias": float(net.biases[0][neuron]),
        "ranked_by": "z",
        "top": [
            {
                "index": int(i),
                "label": int(test.labels[i]),
                "z": float(z1[i]),
                "activation": float(a1[i]),
                "pixels": to_bytes_255(test.images[i]),
            }
            for i in top
        ],
    }


def noise(
    net: Network,
    n: int,
    seed: int,
    show: int,
    test_images: np.ndarray | None,
    dataset: str = "mnist",
) -> dict[str, Any]:
    """The noise experiment: n random images in, the answers and their confidence out (the
    conclusion in the words of ``dataset``: digits, or clothes)."""
    from ..experiments import noise_inputs

    result = noise_inputs.noise(net, n, seed, test_images, dataset)
    X = noise_inputs.noise_images(n, seed, net.sizes[0])[:show]  # the experiment's own images
    outputs = net.feedforward(X)
    answers = outputs.argmax(axis=1)
    digits = result.get("confidence_digits")
    return {
        "n": n,
        "seed": seed,
        "answers": result["answers_histogram"],
        "mean_top_output": result["confidence_noise"]["mean"],
        "digits_mean_top_output": digits["mean"] if digits else None,
        "conclusion": result["conclusion"],
        "examples": [
            {"pixels": to_bytes_255(X[i]), "outputs": outputs[i].tolist(), "answer": int(a)}
            for i, a in enumerate(answers)
        ],
    }


def dreams(net: Network, steps: int, seed: int) -> dict[str, Any]:
    """For each output neuron, the input made step by step to light it up."""
    from ..experiments import dream

    images = dream(net, steps=steps, seed=seed)  # (10, 784) in [0, 1]
    return {
        "images": [to_bytes_255(x) for x in images],
        "outputs": net.feedforward(images).tolist(),
    }


def mistakes(net: Network, test: Split, offset: int, limit: int) -> dict[str, Any]:
    """The test images the network answers wrong, in order: `limit` of them from `offset`."""
    outputs = net.feedforward(test.images)
    answers = outputs.argmax(axis=1)
    wrong = metrics.mistakes(test.labels, answers)
    return {
        "total": int(wrong.size),
        "tested": int(len(test.labels)),
        "offset": offset,
        "items": [
            {
                "index": int(i),
                "label": int(test.labels[i]),
                "answer": int(answers[i]),
                "outputs": outputs[i].tolist(),
                "pixels": to_bytes_255(test.images[i]),
            }
            for i in wrong[offset : offset + limit]
        ],
    }
