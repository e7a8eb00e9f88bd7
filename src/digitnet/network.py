"""The network of the story: layers of neurons, each layer a' = σ(W a + b), and backpropagation.

Only the math lives here, written as the chapters write it: feedforward, and the gradient of
the mean cost by the four equations of backpropagation, one line each. Training runs the same
equations through `fast.py`, which writes into arrays made once (tested equal to this file);
how the gradient is used (SGD, momentum, schedules) is in `training.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .functions import ACTIVATIONS, COSTS

Array = np.ndarray
DTYPES = ("float32", "float64")
INITS = ("scaled", "normal")


def count_params(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network: Σ n_l·n_{l−1} + n_l over its layers."""
    return sum(n_out * n_in + n_out for n_out, n_in in zip(sizes[1:], sizes[:-1]))


# The largest network digitnet makes or reads (784-3000-2000-10 has 8.4 million): it bounds what
# a model file can hold (files.MAX_MODEL_BYTES), so a file's size is checked before reading it.
MAX_PARAMS = 10_000_000


def check_network_size(sizes: Sequence[int]) -> None:
    """Refuse a network over MAX_PARAMS weights and biases, before any memory is taken for it."""
    n = count_params(sizes)
    if n > MAX_PARAMS:
        raise ValueError(
            f"a {'-'.join(map(str, sizes))} network has {n:,} weights and biases; digitnet's "
            f"networks have at most {MAX_PARAMS:,}: use smaller layers"
        )


def one_hot(labels: Array, n: int = 10, dtype: np.dtype | str = "float32") -> Array:
    """Labels (m,) → the wanted outputs y as columns (n, m): 1 for the right digit, 0 elsewhere."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or (labels.size and (labels.min() < 0 or labels.max() >= n)):
        raise ValueError(f"labels must be a 1-D array of integers in 0..{n - 1}")
    y = np.zeros((n, labels.size), dtype=dtype)
    y[labels, np.arange(labels.size)] = 1
    return y


class Network:
    """A fully connected network: sizes[0] inputs, hidden layers, sizes[-1] outputs.

    The story numbers layers 1…L with layer 1 the input. Here Python counts from 0 and lists
    hold one entry per *connection*: ``weights[l]`` (shape ``(sizes[l+1], sizes[l])``) and
    ``biases[l]`` (shape ``(sizes[l+1],)``) take layer l's activations to layer l+1's, so row j
    of ``weights[l]`` holds the weights into neuron j: exactly W in a' = σ(W a + b).

    Hidden layers use ``activation`` (its name; ``sigma`` is the function, with σ′). The output
    layer goes with the cost (``cost``, the cost function: its value, output activation and δᴸ):
    sigmoid for the quadratic cost (ten numbers between 0 and 1), softmax for cross-entropy.

    All weights and biases live in one flat array, ``params``; ``weights`` and ``biases`` are
    views into it (see `unflatten`), so one vector operation updates every parameter.

    Inside, examples are columns (a batch of activations is ``(n_l, m)``); the public methods
    take and return rows, ``(m, n)``, and transpose once at the boundary (`as_columns`).
    """

    def __init__(
        self,
        sizes: Sequence[int] = (784, 16, 16, 10),
        activation: str = "sigmoid",
        cost: str = "quadratic",
        seed: int = 0,
        dtype: str = "float32",
        init: str = "scaled",
    ) -> None:
        sizes = [int(n) for n in sizes]
        if len(sizes) < 2 or any(n < 1 for n in sizes):
            raise ValueError(f"sizes must be two or more positive layer sizes, got {sizes}")
        check_network_size(sizes)
        for name, value, allowed in (
            ("activation", activation, ACTIVATIONS),
            ("cost", cost, COSTS),
            ("dtype", dtype, DTYPES),
            ("init", init, INITS),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        self.sizes = sizes
        self.activation = activation  # the hidden neurons' σ, by name
        self.sigma = ACTIVATIONS[activation]  # … and as functions: σ, σ′
        self.cost = COSTS[cost]  # the cost function: C, the output layer's σ, δᴸ
        self.dtype = np.dtype(dtype)
        self.seed = seed

        self.params = np.zeros(count_params(sizes), dtype=self.dtype)
        self.weights, self.biases = self.unflatten(self.params)
        # Gaussian weights: N(0, 1/n_in) ("scaled"; ×2 for ReLU, He's rule) keeps each z of
        # order 1 at the start, so sigmoids are not saturated; "normal" is the book's N(0, 1)
        # for weights and biases alike.
        rng = np.random.default_rng(seed)
        for W, b in zip(self.weights, self.biases):
            if init == "normal":
                W[...] = rng.standard_normal(W.shape)
                b[...] = rng.standard_normal(b.shape)
            else:
                gain = 2.0 if activation == "relu" else 1.0
                W[...] = rng.standard_normal(W.shape) * np.sqrt(gain / W.shape[1])

    def unflatten(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """Cut a flat array laid out like ``params`` into per-layer weight and bias views.

        All weights come first, then all biases, so ``flat[:n_weights]`` is every weight.
        """
        weights, biases, start = [], [], 0
        for n_out, n_in in zip(self.sizes[1:], self.sizes[:-1]):
            weights.append(flat[start : start + n_out * n_in].reshape(n_out, n_in))
            start += n_out * n_in
        for n_out in self.sizes[1:]:
            biases.append(flat[start : start + n_out])
            start += n_out
        return weights, biases

    @property
    def n_weights(self) -> int:
        """How many weights (connections); they come first in ``params``."""
        return sum(W.size for W in self.weights)

    @property
    def n_params(self) -> int:
        """Weights and biases together: 13,002 for the video's 784-16-16-10 network."""
        return self.params.size

    def as_columns(self, X: Array) -> Array:
        """Rows (m, n_in) → columns (n_in, m) in the network's dtype (a view when possible)."""
        X = np.asarray(X)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"inputs must have shape (m, {self.sizes[0]}), got {X.shape}")
        return X.astype(self.dtype, copy=False).T

    def as_targets(self, Y: Array, m: int) -> Array:
        """Labels (m,) or one-hot rows (m, n_out) → wanted outputs y as columns (n_out, m)."""
        Y = np.asarray(Y)
        if Y.ndim == 1:
            y = one_hot(Y, self.sizes[-1], self.dtype)
        else:
            y = Y.astype(self.dtype, copy=False).T
        if y.shape != (self.sizes[-1], m):
            raise ValueError(f"targets must be {m} labels or shape ({m}, {self.sizes[-1]})")
        return y

    # ---- forward ---------------------------------------------------------------------

    def squash(self, l: int):
        """The σ of connection l's layer: the hidden σ, or the cost's output activation."""
        return self.sigma.fn if l < len(self.weights) - 1 else self.cost.output_activation

    def forward(self, a: Array) -> tuple[list[Array], list[Array]]:
        """Feed columns a⁰ (sizes[0], m) forward; return every zˡ and every aˡ (a⁰ included).

        The pictures, the web page and backprop all read from this one pass.
        """
        zs, activations = [], [a]
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = W @ a + b[:, None]  # zˡ = Wˡ aˡ⁻¹ + bˡ                 (n_l, m)
            a = self.squash(l)(z)  # aˡ = σ(zˡ)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def feedforward(self, X: Array) -> Array:
        """Output activations for a batch of inputs: rows (m, sizes[0]) → rows (m, sizes[-1])."""
        return self.forward(self.as_columns(X))[1][-1].T

    def predict(self, X: Array) -> Array:
        """The answer for each row of X: the index of the brightest output neuron."""
        return np.argmax(self.feedforward(X), axis=1)

    # ---- cost and gradient -----------------------------------------------------------

    def mean_cost(self, X: Array, Y: Array) -> float:
        """The mean cost over a batch, (1/m) Σ_x C_x."""
        a0 = self.as_columns(X)
        out = self.forward(a0)[1][-1]
        return self.cost.total(out, self.as_targets(Y, a0.shape[1])) / a0.shape[1]

    def backprop(self, X: Array, Y: Array) -> tuple[list[Array], list[Array]]:
        """The gradient of the mean cost over the batch (X, Y), by backpropagation.

        X: rows (m, sizes[0]); Y: labels (m,) or one-hot rows (m, sizes[-1]).
        Returns (grad_weights, grad_biases), lists shaped like ``weights`` and ``biases``.
        The four equations, for a whole mini-batch at once (one column per example):
          δᴸ = ∂C/∂aᴸ ⊙ σ′(zᴸ)            the output's error
          δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ′(zˡ)       each error sent back through the weights
          ∂C/∂bˡ = δˡ                       a bias moves its neuron's z one for one
          ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ              a weight matters as much as the input it carries
        The mean over the batch is taken once, in δᴸ; all below is linear in it.
        """
        a0 = self.as_columns(X)
        m = a0.shape[1]
        y = self.as_targets(Y, m)
        zs, activations = self.forward(a0)
        n = len(self.weights)
        grad_W: list[Array] = [np.empty(0)] * n
        grad_b: list[Array] = [np.empty(0)] * n
        delta = self.cost.output_delta(zs[-1], activations[-1], y) / m  # δᴸ (and 1/m)
        for l in reversed(range(n)):
            grad_b[l] = delta.sum(axis=1)  # ∂C/∂bˡ = δˡ   (summed over the batch)
            grad_W[l] = delta @ activations[l].T  # ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
            if l > 0:
                delta = (self.weights[l].T @ delta) * self.sigma.prime(zs[l - 1])  # δˡ⁻¹
        return grad_W, grad_b

    def input_gradient(self, X: Array, Y: Array) -> Array:
        """∂C/∂a⁰: how each input pixel should move to raise the mean cost (rows, like X).

        Backpropagation carried one layer further, to the input: δ sent back through W¹ gives
        (W¹)ᵀ δ¹, the "nudges" the first layer wants from the pixels. Gradient *descent* on
        the input (minus this) makes the network more sure of Y: the dream experiment.
        """
        a0 = self.as_columns(X)
        zs, activations = self.forward(a0)
        y = self.as_targets(Y, a0.shape[1])
        delta = self.cost.output_delta(zs[-1], activations[-1], y) / a0.shape[1]  # δᴸ
        for l in reversed(range(1, len(self.weights))):
            delta = (self.weights[l].T @ delta) * self.sigma.prime(zs[l - 1])  # δˡ⁻¹
        return (self.weights[0].T @ delta).T  # ∂C/∂a⁰ = (W¹)ᵀ δ¹

    # ---- evaluation ------------------------------------------------------------------

    def evaluate(self, X: Array, labels: Array, chunk: int = 2048) -> tuple[float, float]:
        """Accuracy (fraction right) and mean cost over a whole set, in chunks to bound memory.

        The pass of `forward`, with the examples kept as rows: a ← σ(a Wᵀ + b) is
        aˡ = σ(Wˡ aˡ⁻¹ + bˡ) transposed. BLAS multiplies a tall block of rows by Wᵀ faster
        than Wˡ by a transposed block, and measuring the sets is part of every epoch.
        """
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"inputs must have shape (m, {self.sizes[0]}), got {X.shape}")
        correct, total_cost = 0, 0.0
        for start in range(0, len(X), chunk):
            right, cost = self.tally(X[start : start + chunk], labels[start : start + chunk])
            correct, total_cost = correct + right, total_cost + cost
        n = max(len(X), 1)
        return correct / n, total_cost / n

    def tally(self, X: Array, labels: Array) -> tuple[int, float]:
        """How many rows of X (m, n_0) the network answers right, and their summed cost: one
        chunk of `evaluate` (chunks may be tallied in parallel threads; then summed in order)."""
        a = np.asarray(X).astype(self.dtype, copy=False)  # (m, n_0) rows
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T  # (zˡ)ᵀ = (aˡ⁻¹)ᵀ (Wˡ)ᵀ + (bˡ)ᵀ                  (m, n_l)
            z += b
            a = self.squash(l)(z.T, out=z.T).T  # σ of the columns (softmax is per column), in place
        lab = np.asarray(labels)
        correct = int(np.count_nonzero(a.argmax(axis=1) == lab))
        return correct, float(self.cost.total(a.T, one_hot(lab, self.sizes[-1], self.dtype)))

    def copy(self) -> Network:
        """An independent network with the same structure and parameters."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.params = self.params.copy()
        twin.weights, twin.biases = twin.unflatten(twin.params)
        return twin

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self.sizes}, activation={self.activation!r}, "
            f"cost={self.cost.name!r}, dtype={self.dtype.name!r}, params={self.n_params:,})"
        )

    def _repr_html_(self) -> str:
        """What Jupyter shows for a network: its sizes, parameter count, σ and cost, and a
        small diagram of its layers and weights (see `display.py`)."""
        from .display import network_html

        return network_html(self)
