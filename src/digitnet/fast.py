"""Training's fast path: `Network.backprop`'s equations, written into arrays made once.

A mini-batch step of the video's small network is so little arithmetic that making new arrays
for every zˡ, aˡ and δˡ costs more than the products themselves. `FastBackprop` makes them once
per training run and writes every pass into them (``out=`` everywhere, σ′ taken from the aˡ
already computed); the numbers equal `Network.backprop`'s within float rounding (tested).
Read `network.py` for the math; this file is only the same math, arranged for speed.
"""

from __future__ import annotations

import numpy as np

from .network import Array, Network


class FastBackprop:
    """The gradient of the mean cost over mini-batches of ``m`` columns, for ``net``.

    ``gradient(a0, y)`` writes ∇C into ``grad`` (flat, laid out like ``net.params``; also as
    per-layer views ``grad_W``, ``grad_b``) and returns the output aᴸ. Every array it uses is
    made here, once; a later pass overwrites what an earlier one left.
    """

    def __init__(self, net: Network, m: int) -> None:
        def layers(ns) -> list[Array]:
            return [np.empty((n, m), dtype=net.dtype) for n in ns]

        self.net = net
        self.zs = layers(net.sizes[1:])  # zˡ for l = 1…L
        self.activations: list[Array] = [np.empty((net.sizes[0], 0), net.dtype)]
        self.activations += layers(net.sizes[1:])  # aˡ; a⁰ is the batch itself
        self.deltas = layers(net.sizes[1:])  # δˡ
        self.primes = layers(net.sizes[1:-1])  # σ′(zˡ), hidden layers only: δᴸ is the cost's
        self.one_mth = net.dtype.type(1 / max(m, 1))  # 1/m as a scalar of the arrays' own type
        self.squash = [net.squash(l) for l in range(len(net.weights))]  # each layer's σ
        self.grad = np.empty_like(net.params)  # ∇C, flat like net.params
        self.grad_W, self.grad_b = net.unflatten(self.grad)  # … and cut into layers, once

    def forward(self, a: Array) -> tuple[list[Array], list[Array]]:
        """`Network.forward` for columns a⁰ already in the network's dtype, into the buffers."""
        net, zs, activations, squash = self.net, self.zs, self.activations, self.squash
        activations[0] = a
        for l, (W, b) in enumerate(zip(net.weights, net.biases)):
            z = np.dot(W, a, out=zs[l])  # zˡ = Wˡ aˡ⁻¹ + bˡ
            z += b[:, None]
            a = squash[l](z, out=activations[l + 1])  # aˡ = σ(zˡ)
        return zs, activations

    def gradient(self, a0: Array, y: Array) -> Array:
        """Write ∇C of the mean cost over the columns of a⁰ (wanted outputs y) into ``grad``;
        return the output aᴸ. The same four equations as `Network.backprop`."""
        net, grad_W, grad_b = self.net, self.grad_W, self.grad_b
        weights, prime_into = net.weights, net.sigma.prime_into
        zs, activations = self.forward(a0)
        deltas, primes = self.deltas, self.primes
        delta = net.cost.output_delta_into(zs[-1], activations[-1], y, out=deltas[-1])  # δᴸ
        delta *= self.one_mth  # the mean over the batch, once: all below is linear in δᴸ
        for l in reversed(range(len(weights))):
            np.dot(delta, activations[l].T, out=grad_W[l])  # ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
            np.add.reduce(delta, axis=1, out=grad_b[l])  # ∂C/∂bˡ = δˡ, summed over the batch
            if l > 0:
                back = np.dot(weights[l].T, delta, out=deltas[l - 1])  # how aˡ⁻¹ should move
                delta = np.multiply(  # δˡ⁻¹ = (Wˡ)ᵀ δˡ ⊙ σ′(zˡ⁻¹)
                    back, prime_into(zs[l - 1], activations[l], out=primes[l - 1]), out=back
                )
        return activations[-1]
