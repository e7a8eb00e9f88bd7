"""Activations σ and costs C, each with its derivative written right under it.

Everything here works on columns: one example per column, shape (n_neurons, m). Nothing here
knows about layers or training; `network.py` strings these together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


# ---- activations -------------------------------------------------------------------------


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e⁻ᶻ), written as ½ + ½·tanh(z/2), which never overflows."""
    a = np.multiply(z, 0.5)
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def sigmoid_prime(z: Array, a: Array) -> Array:
    """σ′(z) = σ(z)(1 − σ(z)); `a` is σ(z), already computed on the way forward."""
    return a - a * a


def relu(z: Array) -> Array:
    """ReLU(z) = max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z: Array, a: Array) -> Array:
    """ReLU′(z) = 1 where z > 0, else 0 (0 at z = 0, by convention)."""
    return (z > 0).astype(z.dtype)


def softmax(z: Array) -> Array:
    """softmax(z)_j = e^{z_j} / Σ_k e^{z_k} per column, shifted by the max: e^z never overflows."""
    e = np.exp(z - z.max(axis=0, keepdims=True))
    e /= e.sum(axis=0, keepdims=True)
    return e


@dataclass(frozen=True)
class Activation:
    """A neuron's squashing function and its derivative σ′(z), given z and a = σ(z)."""

    name: str
    fn: Callable[[Array], Array]
    prime: Callable[[Array, Array], Array]


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime),
    "relu": Activation("relu", relu, relu_prime),
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
    delta = a - y
    delta *= sigmoid_prime(z, a)
    delta *= 2
    return delta


def cross_entropy(a: Array, y: Array) -> float:
    """Σ_x C_x with C_x = −Σ_j y_j ln a_j, a = softmax(zᴸ)."""
    return -float(np.vdot(y, np.log(np.maximum(a, np.finfo(a.dtype).tiny))))


def cross_entropy_delta(z: Array, a: Array, y: Array) -> Array:
    """δᴸ = aᴸ − y: softmax's Jacobian and the log's 1/a cancel exactly."""
    return a - y


@dataclass(frozen=True)
class Cost:
    """A cost C_x, the output layer's activation it goes with, and its output error δᴸ."""

    name: str
    total: Callable[[Array, Array], float]  # Σ_x C_x over the columns of a batch
    output_activation: Callable[[Array], Array]
    output_delta: Callable[[Array, Array, Array], Array]


COSTS = {
    "quadratic": Cost("quadratic", quadratic, sigmoid, quadratic_delta),
    "cross-entropy": Cost("cross-entropy", cross_entropy, softmax, cross_entropy_delta),
}
