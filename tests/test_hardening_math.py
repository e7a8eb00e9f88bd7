"""Property tests of the math on random networks and batches (hypothesis, derandomized).

Feedforward shapes and ranges, backprop against central differences, and one step of
gradient descent (the real update, with or without weight decay) never raising the cost.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import flat, numerical_gradient
from digitnet.network import Network
from digitnet.training import TrainConfig, _step

pytest_plugins = ("hardening_tally",)

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same cases every run, so the counts in docs/reliability.md hold
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # `tally` keeps no state
)


@st.composite
def networks(draw, dtype: str | None = None, max_width: int = 12):
    depth = draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=depth, max_size=depth))
    return Network(
        sizes,
        activation=draw(st.sampled_from(["sigmoid", "relu"])),
        cost=draw(st.sampled_from(["quadratic", "cross-entropy"])),
        seed=draw(st.integers(0, 2**32 - 1)),
        dtype=dtype or draw(st.sampled_from(["float32", "float64"])),
    )


def batch(draw, net: Network, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = (rng.random((m, net.sizes[0])) * scale).astype(net.dtype)
    labels = rng.integers(0, net.sizes[-1], size=m)
    return X, labels


@given(data=st.data())
@FUZZ
def test_feedforward_gives_one_row_of_valid_outputs_per_input(data, tally):
    net = data.draw(networks())
    X, _ = batch(data.draw, net)
    with np.errstate(over="raise", invalid="raise"):
        out = net.feedforward(X)
    assert out.shape == (len(X), net.sizes[-1]) and out.dtype == net.dtype
    if (
        net.cost.name == "quadratic"
    ):  # sigmoid outputs, strictly between 0 and 1 for inputs in [0, 1]
        assert np.all((out > 0) & (out < 1))
    else:  # softmax outputs: a probability for each class
        assert np.all(out >= 0)
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)
    assert np.array_equal(net.predict(X), out.argmax(axis=1))
    tally.fuzz("feedforward shapes and ranges")


@given(data=st.data(), scale=st.sampled_from([1e3, 1e6, -1e6]))
@FUZZ
def test_extreme_inputs_never_overflow_and_stay_in_range(data, scale, tally):
    net = data.draw(networks())
    X, _ = batch(data.draw, net, scale)
    with np.errstate(over="raise", invalid="raise"):  # stable sigmoid and softmax
        out = net.feedforward(X)
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))
    if net.cost.name == "cross-entropy":
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)
    tally.fuzz("feedforward of extreme inputs")


def away_from_relu_kinks(net: Network, X: np.ndarray) -> bool:
    """ReLU has no derivative at 0: finite differences there measure nothing."""
    if net.activation != "relu":
        return True
    zs, _ = net.forward(X.T)
    return all(np.min(np.abs(z)) > 1e-4 for z in zs[:-1])


@given(data=st.data())
@FUZZ
def test_backprop_equals_central_differences(data, tally):
    net = data.draw(networks(dtype="float64", max_width=5))
    X, labels = batch(data.draw, net)
    assume(away_from_relu_kinks(net, X))
    numeric = numerical_gradient(net, X, labels)
    np.testing.assert_allclose(flat(net.backprop(X, labels)), numeric, rtol=1e-5, atol=1e-8)
    tally.fuzz("backprop against finite differences")


@given(data=st.data(), weight_decay=st.sampled_from([0.0, 1e-3, 0.1]))
@FUZZ
def test_a_small_gradient_step_never_raises_the_batch_cost(data, weight_decay, tally):
    net = data.draw(networks(dtype="float64"))
    X, labels = batch(data.draw, net)
    assume(away_from_relu_kinks(net, X))
    config = TrainConfig(sizes=tuple(net.sizes), weight_decay=weight_decay, dtype="float64")

    def objective() -> float:  # C + ½λ‖W‖², what the step with weight decay descends
        n_w = net.n_weights
        return net.mean_cost(X, labels) + 0.5 * weight_decay * float(
            net.params[:n_w] @ net.params[:n_w]
        )

    before = objective()
    _step(net, flat(net.backprop(X, labels)), None, 1e-4, config)  # the training loop's update
    assert objective() <= before + 1e-12 * max(1.0, abs(before))  # rounding, nothing more
    tally.fuzz("gradient step lowers the cost")
