"""Activations σ and costs C, each with its derivative written right under it.

Everything here works on columns: one example per column, shape (n_neurons, m). Nothing here
knows about layers or training; `network.py` strings these together. Each derivative comes
twice: as the equation reads (σ′(z), δᴸ), for `network.py`, and in the form the trainer's
fast path (`fast.py`) uses, writing into ``out`` and reusing a = σ(z) from the forward pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray


# ---- activations -------------------------------------------------------------------------

# ½ as a scalar of each float type: a plain 0.5 is converted afresh inside every ufunc call,
# which costs more than the arithmetic on a mini-batch of 10.
HALF: dict[Any, Any] = {np.dtype(t): t(0.5) for t in (np.float16, np.float32, np.float64)}


def sigmoid(z: Array, out: Array | None = None) -> Array:
    """σ(z) = 1 / (1 + e⁻ᶻ), written as ½ + ½·tanh(z/2), which never overflows."""
    half = HALF.get(getattr(z, "dtype", None), 0.5)
    a = np.tanh(np.multiply(z, half, out=out), out=out)
    return np.add(np.multiply(a, half, out=out), half, out=out)


def sigmoid_prime(z: Array) -> Array:
    """σ′(z) = σ(z)(1 − σ(z))."""
    return sigmoid(z) * (1 - sigmoid(z))


def sigmoid_prime_from_output(z: Array, a: Array, out: Array | None = None) -> Array:
    """σ′(z) again, as a − a², from `a` = σ(z) already computed on the way forward (fast path)."""
    return np.subtract(a, np.multiply(a, a, out=out), out=out)


def relu(z: Array, out: Array | None = None) -> Array:
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0, out=out)


def relu_prime(z: Array) -> Array:
    """ReLU′(z) = 1 where z > 0, else 0 (0 at z = 0, by convention)."""
    return (z > 0).astype(z.dtype)


def relu_prime_from_output(z: Array, a: Array, out: Array | None = None) -> Array:
    """ReLU′(z) written into ``out`` (fast path); `a` is not needed."""
    if out is None:
        out = np.empty_like(z)
    return np.greater(z, 0, out=out)  # True/False written as 1/0 in z's dtype


def softmax(z: Array, out: Array | None = None) -> Array:
    """softmax(z)_j = e^{z_j} / Σ_k e^{z_k} per column, shifted by the max: e^z never overflows."""
    e = np.subtract(z, z.max(axis=0, keepdims=True), out=out)
    np.exp(e, out=e)
    e /= e.sum(axis=0, keepdims=True)
    return e


@dataclass(frozen=True)
class Activation:
    """A neuron's squashing function σ and its derivative σ′."""

    name: str
    fn: Callable[..., Array]  # (z, out=None) → σ(z)
    prime: Callable[[Array], Array]  # z → σ′(z)
    prime_into: Callable[..., Array]  # (z, a, out=None) → σ′(z), from a = σ(z): the fast path


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_prime_from_output),
    "relu": Activation("relu", relu, relu_prime, relu_prime_from_output),
}


# ---- costs -------------------------------------------------------------------------------
# Each cost C_x is of one example (a column); a function here returns Σ_x C_x over a batch's
# columns, so that the mean is that over m, and a long sum can be split into chunks.
# `output_delta` is δᴸ = ∂C_x/∂zᴸ for every column at once, the start of backpropagation.


def quadratic(a: Array, y: Array) -> float:
    """Σ_x C_x with C_x = Σ_j (a_j − y_j)², the video's cost (no ½)."""
    d = a - y
    return float(np.vdot(d, d))  # Σ over neurons and examples at once


def quadratic_delta(z: Array, a: Array, y: Array) -> Array:
    """δᴸ = ∂C/∂aᴸ ⊙ σ′(zᴸ) = 2(aᴸ − y) ⊙ σ′(zᴸ), the output layer being sigmoid."""
    return 2 * (a - y) * sigmoid_prime(z)


def quadratic_delta_into(z: Array, a: Array, y: Array, out: Array | None = None) -> Array:
    """δᴸ again, written into ``out``, σ′ from a (fast path)."""
    delta = np.subtract(a, y, out=out)
    delta *= sigmoid_prime_from_output(z, a)
    delta += delta  # ×2
    return delta


def cross_entropy(a: Array, y: Array) -> float:
    """Σ_x C_x with C_x = −Σ_j y_j ln a_j, a = softmax(zᴸ)."""
    return -float(np.vdot(y, np.log(np.maximum(a, np.finfo(a.dtype).tiny))))


def cross_entropy_delta(z: Array, a: Array, y: Array) -> Array:
    """δᴸ = aᴸ − y: softmax's Jacobian and the log's 1/a cancel exactly."""
    return a - y


def cross_entropy_delta_into(z: Array, a: Array, y: Array, out: Array | None = None) -> Array:
    """δᴸ again, written into ``out`` (fast path)."""
    return np.subtract(a, y, out=out)


@dataclass(frozen=True)
class Cost:
    """A cost C_x, the output layer's activation it goes with, and its output error δᴸ."""

    name: str
    total: Callable[[Array, Array], float]  # Σ_x C_x over the columns of a batch
    output_activation: Callable[..., Array]  # (z, out=None) → aᴸ
    output_delta: Callable[[Array, Array, Array], Array]  # (z, a, y) → δᴸ
    output_delta_into: Callable[..., Array]  # (z, a, y, out=None) → δᴸ: the fast path


COSTS = {
    "quadratic": Cost("quadratic", quadratic, sigmoid, quadratic_delta, quadratic_delta_into),
    "cross-entropy": Cost(
        "cross-entropy", cross_entropy, softmax, cross_entropy_delta, cross_entropy_delta_into
    ),
}
