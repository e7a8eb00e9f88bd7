"""fast.py: training's backprop into arrays made once equals network.py's readable backprop.

Equal within float rounding, not bit for bit: the readable σ′(z) = σ(z)(1 − σ(z)) and the fast
a − a² round differently in their last bits, as do δᴸ/m and δᴸ·(1/m). Reusing the arrays from
one mini-batch to the next changes nothing, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import flat
from digitnet.fast import FastBackprop
from digitnet.functions import ACTIVATIONS, COSTS
from digitnet.network import Network, one_hot

COMBOS = [(act, cost) for act in ACTIVATIONS for cost in COSTS]
ROUNDING = {"float32": dict(rtol=2e-5, atol=1e-7), "float64": dict(rtol=1e-12, atol=1e-15)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("activation,cost", COMBOS)
def test_fast_gradient_equals_the_readable_backprop(activation, cost, dtype):
    rng = np.random.default_rng(4)
    net = Network([7, 5, 4, 3], activation, cost, seed=1, dtype=dtype)
    net.biases[0][...] = rng.normal(size=5) * 0.3
    fast = FastBackprop(net, 6)
    X, y = rng.random((6, 7)).astype(dtype), rng.integers(0, 3, size=6)
    with np.errstate(over="raise", invalid="raise"):
        out = fast.gradient(X.T, one_hot(y, 3, dtype))
        readable = flat(net.backprop(X, y))
    np.testing.assert_allclose(fast.grad, readable, **ROUNDING[dtype])
    assert not np.array_equal(readable, 0)
    np.testing.assert_allclose(out, net.feedforward(X).T, **ROUNDING[dtype])
    assert out.dtype == fast.grad.dtype == np.dtype(dtype)


@pytest.mark.parametrize("activation,cost", COMBOS)
def test_reused_arrays_give_the_same_gradient_as_fresh_ones(activation, cost):
    """Training hands every mini-batch the same arrays: nothing may leak from one to the next."""
    rng = np.random.default_rng(4)
    net = Network([7, 5, 4, 3], activation, cost, seed=1)
    reused = FastBackprop(net, 6)
    for _ in range(3):  # other batches through the same arrays each time
        X, y = rng.random((6, 7), dtype=np.float32), rng.integers(0, 3, size=6)
        out = reused.gradient(X.T, one_hot(y, 3))
        fresh = FastBackprop(net, 6)
        np.testing.assert_array_equal(out, fresh.gradient(X.T, one_hot(y, 3)))
        np.testing.assert_array_equal(reused.grad, fresh.grad)
        np.testing.assert_array_equal(reused.grad_W[0], reused.grad[: 5 * 7].reshape(5, 7))


def test_sigma_prime_is_kept_for_the_hidden_layers_only():
    """δᴸ comes from the cost, so backprop needs σ′(zˡ) only below the output layer."""
    assert [p.shape for p in FastBackprop(Network([7, 5, 4, 3]), 6).primes] == [(5, 6), (4, 6)]
    assert FastBackprop(Network([7, 3]), 6).primes == []
