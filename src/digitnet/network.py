"""The network of the story: layers of neurons, each layer a' = σ(W a + b), and backpropagation.

Only the math lives here: feedforward and the gradient of the mean cost. How the gradient is
used (SGD, momentum, schedules) is in `training.py`; saving is in `modelfile.py`.
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


def one_hot(labels: Array, n: int = 10, dtype: np.dtype | str = "float32") -> Array:
    """Labels (m,) → the wanted outputs y as columns (n, m): 1 for the right digit, 0 elsewhere."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or (labels.size and (labels.min() < 0 or labels.max() >= n)):
        raise ValueError(f"labels must be a 1-D array of integers in 0..{n - 1}")
    y = np.zeros((n, labels.size), dtype=dtype)
    y[labels, np.arange(labels.size)] = 1
    return y


class Buffers:
    """The arrays one pass over a batch of m columns writes into: every zˡ, aˡ and δˡ.

    Training makes one set and reuses it for every mini-batch, so its inner loop makes no new
    arrays for them; a later pass overwrites what an earlier one left here.
    """

    def __init__(self, sizes: Sequence[int], m: int, dtype: np.dtype) -> None:
        def layers(ns: Sequence[int]) -> list[Array]:
            return [np.empty((n, m), dtype=dtype) for n in ns]

        self.zs = layers(sizes[1:])  # zˡ for l = 1…L
        self.activations: list[Array] = [np.empty((sizes[0], 0), dtype=dtype), *layers(sizes[1:])]
        self.deltas = layers(sizes[1:])  # δˡ
        self.primes = layers(sizes[1:-1])  # σ′(zˡ), hidden layers only: δᴸ comes from the cost
        self.one_mth = dtype.type(1 / max(m, 1))  # 1/m as a scalar of the arrays' own type


class Network:
    """A fully connected network: sizes[0] inputs, hidden layers, sizes[-1] outputs.

    The story numbers layers 1…L with layer 1 the input. Here Python counts from 0 and lists
    hold one entry per *connection*: ``weights[l]`` (shape ``(sizes[l+1], sizes[l])``) and
    ``biases[l]`` (shape ``(sizes[l+1],)``) take layer l's activations to layer l+1's, so row j
    of ``weights[l]`` holds the weights into neuron j: exactly W in a' = σ(W a + b).

    Hidden layers use ``activation`` (sigmoid or relu). The output layer goes with the cost:
    sigmoid for the quadratic cost (ten numbers between 0 and 1), softmax for cross-entropy.

    All weights and biases live in one flat array, ``params``; ``weights`` and ``biases`` are
    views into it, so one vector operation updates every parameter. Change them in place.

    Inside, examples are columns (a batch of activations is ``(n_l, m)``); the public methods
    take and return rows, ``(m, n)``, and transpose once at the boundary.
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
        for name, value, allowed in (
            ("activation", activation, ACTIVATIONS),
            ("cost", cost, COSTS),
            ("dtype", dtype, DTYPES),
            ("init", init, INITS),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        self.sizes = sizes
        self.activation = activation
        self.cost = cost
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self._sigma = ACTIVATIONS[activation]
        self._cost = COSTS[cost]

        self.params = np.zeros(count_params(sizes), dtype=self.dtype)
        self.weights, self.biases = self._views(self.params)
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

    def _views(self, flat: Array) -> tuple[list[Array], list[Array]]:
        """Cut a flat array laid out like ``params`` into weight and bias views.

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

    # ---- forward ---------------------------------------------------------------------

    def buffers(self, m: int) -> Buffers:
        """Arrays for one pass over m columns, to make once and hand to every mini-batch's pass."""
        return Buffers(self.sizes, m, self.dtype)

    def forward(self, a: Array, buffers: Buffers | None = None) -> tuple[list[Array], list[Array]]:
        """Feed columns a⁰ (sizes[0], m) forward; return every zˡ and every aˡ (a⁰ included).

        The pictures, the web page and backprop all read from this one pass. With ``buffers``
        (in the network's dtype, like a⁰) the results are written there; else into new arrays.
        """
        if buffers is None:
            a = np.asarray(a, dtype=self.dtype)
            buffers = self.buffers(a.shape[1])
        zs, activations = buffers.zs, buffers.activations
        activations[0] = a
        sigma, last = self._sigma.fn, len(self.weights) - 1
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = np.dot(W, a, out=zs[l])  # zˡ = Wˡ aˡ⁻¹ + bˡ       (n_l, m)
            z += b[:, None]
            squash = sigma if l < last else self._cost.output_activation
            a = squash(z, out=activations[l + 1])  # aˡ = σ(zˡ)
        return zs, activations

    def feedforward(self, X: Array) -> Array:
        """Output activations for a batch of inputs: rows (m, sizes[0]) → rows (m, sizes[-1])."""
        return self.forward(self._columns(X))[1][-1].T

    def predict(self, X: Array) -> Array:
        """The answer for each row of X: the index of the brightest output neuron."""
        return np.argmax(self.feedforward(X), axis=1)

    def _columns(self, X: Array) -> Array:
        """Rows (m, n_in) → columns (n_in, m) in the network's dtype (a view when possible)."""
        X = np.asarray(X)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"inputs must have shape (m, {self.sizes[0]}), got {X.shape}")
        return X.astype(self.dtype, copy=False).T

    def _targets(self, Y: Array, m: int) -> Array:
        """Labels (m,) or one-hot rows (m, n_out) → wanted outputs y as columns (n_out, m)."""
        Y = np.asarray(Y)
        if Y.ndim == 1:
            y = one_hot(Y, self.sizes[-1], self.dtype)
        else:
            y = Y.astype(self.dtype, copy=False).T
        if y.shape != (self.sizes[-1], m):
            raise ValueError(f"targets must be {m} labels or shape ({m}, {self.sizes[-1]})")
        return y

    # ---- cost and gradient -----------------------------------------------------------

    def cost_of(self, X: Array, Y: Array) -> float:
        """The mean cost over a batch, (1/m) Σ_x C_x."""
        a0 = self._columns(X)
        out = self.forward(a0)[1][-1]
        return self._cost.total(out, self._targets(Y, a0.shape[1])) / a0.shape[1]

    def backprop(self, X: Array, Y: Array) -> tuple[list[Array], list[Array]]:
        """The gradient of the mean cost over the batch (X, Y), by backpropagation.

        X: rows (m, sizes[0]); Y: labels (m,) or one-hot rows (m, sizes[-1]).
        Returns (grad_weights, grad_biases), lists shaped like ``weights`` and ``biases``.
        """
        a0 = self._columns(X)
        grads = self._views(np.empty_like(self.params))
        self.gradient(a0, self._targets(Y, a0.shape[1]), grads)
        return grads

    def gradient(
        self,
        a0: Array,
        y: Array,
        grads: tuple[list[Array], list[Array]],
        buffers: Buffers | None = None,
    ) -> Array:
        """Write ∇C, the gradient of the mean cost over the m columns of a⁰, into ``grads``.

        ``grads`` is (grad_W, grad_b), arrays shaped like ``weights`` and ``biases`` (views of
        one flat buffer in training, made once, like ``buffers``). Returns the output aᴸ.
        The four equations of backpropagation, for a whole mini-batch at once:
          δᴸ = ∂C/∂aᴸ ⊙ σ′(zᴸ)            the output's error
          δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ′(zˡ)       each error sent back through the weights
          ∂C/∂bˡ = δˡ                       a bias moves its neuron's z one for one
          ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ              a weight matters as much as the input it carries
        Summing over the batch's columns in the last two, with 1/m, gives the mean.
        """
        grad_W, grad_b = grads
        weights, sigma_prime = self.weights, self._sigma.prime
        buffers = buffers or self.buffers(a0.shape[1])
        zs, activations = self.forward(a0, buffers)
        deltas, primes = buffers.deltas, buffers.primes
        delta = self._cost.output_delta(zs[-1], activations[-1], y, out=deltas[-1])  # δᴸ
        delta *= buffers.one_mth  # the mean over the batch, once: all below is linear in δᴸ
        for l in reversed(range(len(weights))):
            np.dot(delta, activations[l].T, out=grad_W[l])  # ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
            np.add.reduce(delta, axis=1, out=grad_b[l])  # ∂C/∂bˡ = δˡ, summed over the batch
            if l > 0:
                back = np.dot(weights[l].T, delta, out=deltas[l - 1])  # how aˡ⁻¹ should move
                delta = np.multiply(  # δˡ⁻¹ = (Wˡ)ᵀ δˡ ⊙ σ′(zˡ⁻¹)
                    back, sigma_prime(zs[l - 1], activations[l], out=primes[l - 1]), out=back
                )
        return activations[-1]

    def input_gradient(self, X: Array, Y: Array) -> Array:
        """∂C/∂a⁰: how each input pixel should move to raise the mean cost (rows, like X).

        Backpropagation carried one layer further, to the input: δ sent back through W¹ gives
        (W¹)ᵀ δ¹, the "nudges" the first layer wants from the pixels. Gradient *descent* on
        the input (minus this) makes the network more sure of Y: the dream experiment.
        """
        a0 = self._columns(X)
        zs, activations = self.forward(a0)
        y = self._targets(Y, a0.shape[1])
        delta = self._cost.output_delta(zs[-1], activations[-1], y) / a0.shape[1]
        for l in reversed(range(1, len(self.weights))):
            delta = (self.weights[l].T @ delta) * self._sigma.prime(zs[l - 1], activations[l])
        return (self.weights[0].T @ delta).T  # ∂C/∂a⁰ = (W¹)ᵀ δ¹

    # ---- evaluation ------------------------------------------------------------------

    def evaluate(self, X: Array, labels: Array, chunk: int = 10_000) -> tuple[float, float]:
        """Accuracy (fraction right) and mean cost over a whole set, in chunks to bound memory."""
        correct, total_cost = 0, 0.0
        for start in range(0, len(X), chunk):
            a0 = self._columns(X[start : start + chunk])
            out = self.forward(a0)[1][-1]
            lab = np.asarray(labels[start : start + chunk])
            correct += int(np.count_nonzero(out.argmax(axis=0) == lab))
            total_cost += self._cost.total(out, one_hot(lab, self.sizes[-1], self.dtype))
        n = max(len(X), 1)
        return correct / n, total_cost / n

    def copy(self) -> Network:
        """An independent network with the same structure and parameters."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.params = self.params.copy()
        twin.weights, twin.biases = twin._views(twin.params)
        return twin

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self.sizes}, activation={self.activation!r}, cost={self.cost!r}, "
            f"dtype={self.dtype.name!r}, params={self.n_params:,})"
        )
