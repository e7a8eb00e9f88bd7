"""explain.py: every number the Backprop, Gradient and Chain rule views show, checked against
network.backprop and against central finite differences on tiny float64 networks."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import flat, numerical_gradient, synthetic_digits
from digitnet import explain
from digitnet.network import Network

COMBOS = [("sigmoid", "quadratic"), ("sigmoid", "cross-entropy"), ("relu", "quadratic")]


def tiny(activation: str = "sigmoid", cost: str = "quadratic", seed: int = 1) -> Network:
    net = Network([784, 5, 4, 10], activation, cost, seed=seed, dtype="float64")
    net.biases[0][...] = np.linspace(-0.5, 0.5, 5)
    return net


@pytest.fixture(scope="module")
def digits():
    return synthetic_digits(40, seed=3)


@pytest.mark.parametrize(("activation", "cost"), COMBOS)
def test_backprop_example_agrees_with_backprop_and_finite_differences(activation, cost, digits):
    net = tiny(activation, cost)
    x, label = digits.images[0].astype(np.float64), int(digits.labels[0])
    r = explain.backprop_example(net, x, label)
    grad_W, grad_b = net.backprop(x[None, :], np.array([label]))
    for l in range(3):
        np.testing.assert_allclose(r["grad_biases"][l], grad_b[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(r["grad_weights"][l], grad_W[l], rtol=1e-12, atol=1e-15)
    assert r["cost"] == pytest.approx(net.mean_cost(x[None, :], [label]), rel=1e-12)
    assert sum(r["cost_terms"]) == pytest.approx(r["cost"], rel=1e-12)
    # the last two layers' gradients by central differences (all 784×5 would be slow)
    numeric = numerical_gradient(net, x[None, :], np.array([label]))
    start = net.weights[0].size
    analytic = flat((grad_W, grad_b))
    np.testing.assert_allclose(analytic[start:], numeric[start:], atol=1e-7)


@pytest.mark.parametrize(("activation", "cost"), COMBOS)
def test_contributions_summed_over_j_give_minus_the_nudges(activation, cost, digits):
    net = tiny(activation, cost)
    r = explain.backprop_example(net, digits.images[1], int(digits.labels[1]))
    for l, contributions in enumerate(r["contributions"]):
        total = np.sum(contributions, axis=0)  # Σⱼ wⱼₖ δⱼ = ∂C/∂aₖ
        np.testing.assert_allclose(total, -np.array(r["nudges"][l]), rtol=1e-12, atol=1e-15)


def test_nudges_are_finite_differences_of_the_activations(digits):
    net = tiny()
    x, label = digits.images[2].astype(np.float64), int(digits.labels[2])
    r = explain.backprop_example(net, x, label)
    for l in (1, 2, 3):
        a = np.array(r["activations"][l])[:, None]
        for k in range(len(a)):
            up, down = a.copy(), a.copy()
            up[k] += 1e-6
            down[k] -= 1e-6
            fd = (
                explain.cost_from_layer(net, l, up, [label])
                - explain.cost_from_layer(net, l, down, [label])
            ) / 2e-6
            assert -r["nudges"][l - 1][k] == pytest.approx(fd, abs=1e-8)


def test_output_nudges_point_up_for_the_label_and_down_for_the_rest(digits):
    r = explain.backprop_example(tiny(), digits.images[0], 4)
    nudges = np.array(r["nudges"][-1])
    assert nudges[4] > 0 and (np.delete(nudges, 4) < 0).all()


def test_first_layer_weight_changes_are_copies_of_the_input(digits):
    x = digits.images[0].astype(np.float64)
    r = explain.backprop_example(tiny(), x, 2)
    rows = np.array(r["grad_weights"][0])
    np.testing.assert_allclose(rows, np.outer(r["deltas"][0], x), rtol=1e-12, atol=1e-18)
    assert explain.backprop_example(tiny(), x, 2, first_layer=False)["grad_weights"][0] is None


def test_one_step_lowers_this_examples_cost_and_leaves_the_network_alone(digits):
    net = tiny()
    saved = net.params.copy()
    others = (digits.images[10:14], digits.labels[10:14])
    r, stepped = explain.take_step(net, digits.images[0], int(digits.labels[0]), 0.5, others)
    assert r["cost_after"] < r["cost_before"]
    label = int(digits.labels[0])
    assert r["after"][label] > r["before"][label]
    assert len(r["others"]) == 4 and r["others"][0]["before"] != r["others"][0]["after"]
    np.testing.assert_array_equal(net.params, saved)
    g = explain.flat_gradient(net, digits.images[:1].astype(np.float64), digits.labels[:1])
    np.testing.assert_allclose(stepped.params, saved - 0.5 * g, rtol=1e-12)


def test_param_index_and_describe_are_inverse():
    net = tiny()
    for index in (0, 783, 784, net.weights[0].size + 3, net.n_weights, net.n_params - 1):
        info = explain.describe(net, index)
        assert explain.param_index(net, info) == index
    first = explain.describe(net, 0)["name"]
    assert first == "weight from pixel (row 0, column 0) to neuron 0 of hidden layer 1"
    assert explain.describe(net, net.n_params - 1)["name"] == "bias of neuron 9 of the output layer"
    with pytest.raises(ValueError, match="'from' must be 0–4"):
        explain.param_index(net, {"kind": "weight", "layer": 2, "to": 0, "from": 5})
    with pytest.raises(ValueError, match="layer must be 1–3"):
        explain.param_index(net, {"kind": "bias", "layer": 0, "to": 0})


def test_averaging_table_rows_average_to_minus_the_batch_gradient(digits):
    net = tiny()
    X, labels = digits.images[:6], digits.labels[:6]
    r = explain.averaging_table(net, X, labels, top=5, extra=[0])
    g = explain.flat_gradient(net, X.astype(np.float64), labels)
    assert len(r["rows"]) == 6 and r["rows"][-1]["index"] == 0
    for row in r["rows"]:
        assert np.mean(row["values"]) == pytest.approx(row["average"], abs=1e-15)
        assert row["average"] == pytest.approx(-g[row["index"]], rel=1e-10, abs=1e-15)
    tops = [abs(row["average"]) for row in r["rows"][:5]]
    assert tops == sorted(tops, reverse=True) and tops[0] == pytest.approx(np.abs(g).max())


def test_gradient_report_ranks_shares_and_line(digits):
    net = tiny()
    X, labels = digits.images[:20], digits.labels[:20]
    r = explain.gradient_report(net, X, labels, top=5, learning_rate=1.0, line_points=11)
    g = explain.flat_gradient(net, X.astype(np.float64), labels)
    assert [t["abs"] for t in r["top"]] == sorted(np.abs(g))[::-1][:5]
    shares = {row["layer"]: row for row in r["shares"]}
    assert shares["all"]["n"] == net.n_params
    assert 0 < shares[1]["top1"] <= shares[1]["top10"] <= 1
    assert r["ranked"]["rank"][0] == 1 and r["ranked"]["rank"][-1] == net.n_params
    line = r["line"]
    assert line["t"][0] == 0 and line["cost"][0] == pytest.approx(r["cost"])
    # the slope at t = 0 is −‖∇C‖², as a finite difference along the line shows
    probe = net.copy()
    probe.params -= 1e-6 * g
    fd = (probe.mean_cost(X, labels) - r["cost"]) / 1e-6
    assert line["slope"] == pytest.approx(fd, rel=1e-4)
    assert line["cost_at_eta"] == pytest.approx(line["cost"][5])  # t = 1.0 on 0…2 in 11 points


def test_mini_batch_cosine_rises_with_batch_size():
    data = synthetic_digits(2000, seed=5)
    net = tiny()
    rng = np.random.default_rng(0)
    for _ in range(300):  # train a little first: an untrained net's examples all agree
        pick = rng.choice(2000, 20, replace=False)
        net.params -= 2.0 * explain.flat_gradient(net, data.images[pick], data.labels[pick])
    r = explain.cosine_curve(net, data.images, data.labels, (1, 10, 100, 1000), draws=20)
    means = [row["mean"] for row in r["cosine"]]
    assert means == sorted(means) and means[-1] > 0.9 and means[0] < means[-1] - 0.3
    with pytest.raises(ValueError, match="larger than the 2,000 images"):
        explain.cosine_curve(net, data.images, data.labels, (5000,))


def test_chain_derivatives_match_finite_differences_and_factors():
    r = explain.chain([1.5, -2.0, 0.7], [0.1, 0.3, -0.4], 0.8, 1.0)
    fd = r["finite_difference"]
    for key in ("dC_dw", "dC_db", "dC_da"):
        np.testing.assert_allclose(r[key], fd[key], atol=1e-8)
    assert r["dC_dx"] == pytest.approx(fd["dC_dx"], abs=1e-8)
    last = r["factors"][2]
    assert r["dC_dw"][2] == pytest.approx(last["a_prev"] * last["sigma_prime"] * last["dC_da"])
    assert last["dC_da"] == pytest.approx(2 * (r["a"][2] - 1.0))
    assert r["cost"] == pytest.approx((r["a"][2] - 1.0) ** 2)


def test_chain_equals_a_one_neuron_network():
    net = Network([1, 1, 1, 1], dtype="float64")
    w, b = [0.5, -1.2, 2.0], [0.2, 0.0, -0.3]
    for W, wl in zip(net.weights, w):
        W[0, 0] = wl
    for bias, bl in zip(net.biases, b):
        bias[0] = bl
    r = explain.chain(w, b, 0.3, 0.0)
    grad_W, grad_b = net.backprop(np.array([[0.3]]), np.array([[0.0]]))
    np.testing.assert_allclose(r["dC_dw"], [g[0, 0] for g in grad_W], rtol=1e-12)
    np.testing.assert_allclose(r["dC_db"], [g[0] for g in grad_b], rtol=1e-12)


@pytest.mark.parametrize(("activation", "cost"), COMBOS)
def test_network_chain_for_weights_biases_and_activations(activation, cost, digits):
    net = tiny(activation, cost)
    x, label = digits.images[4], int(digits.labels[4])
    for ref in (
        {"kind": "weight", "layer": 3, "to": label, "from": 1},
        {"kind": "weight", "layer": 2, "to": 2, "from": 3},
        {"kind": "bias", "layer": 1, "to": 0},
    ):
        r = explain.network_chain(net, x, label, ref)
        assert r["derivative"] == pytest.approx(r["finite_difference"], abs=1e-8)
        assert r["product"] == pytest.approx(r["derivative"], rel=1e-10, abs=1e-15)
        if r["factors"]["sigma_prime"] is not None:
            f = r["factors"]
            assert f["sigma_prime"] * f["dC_da"] == pytest.approx(f["delta"], rel=1e-12, abs=1e-18)
    r = explain.network_chain(net, x, label, {"kind": "activation", "layer": 2, "neuron": 1})
    assert len(r["paths"]) == 10
    assert r["sum"] == pytest.approx(r["derivative"], rel=1e-12, abs=1e-18)
    assert r["derivative"] == pytest.approx(r["finite_difference"], abs=1e-8)
    with pytest.raises(ValueError, match="hidden layer, 1–2"):
        explain.network_chain(net, x, label, {"kind": "activation", "layer": 3, "neuron": 0})


def test_neuron_report_ranks_by_z_and_combines_first_layer_patterns(digits):
    net = tiny()
    r = explain.neuron_report(net, 2, 1, digits.images, digits.labels, k=5)
    zs, _ = net.forward(digits.images.astype(np.float64).T)
    assert [t["index"] for t in r["top"]] == list(np.argsort(-zs[1][1], kind="stable")[:5])
    assert sum(r["label_counts"]) == min(100, len(digits.labels))
    expected = net.weights[1][1] @ net.weights[0]
    np.testing.assert_allclose(r["pattern"], expected, rtol=1e-12)
    assert explain.neuron_report(net, 3, 0, digits.images, digits.labels)["pattern"] is None
    with pytest.raises(ValueError, match="neuron must be 0–3"):
        explain.neuron_report(net, 2, 4, digits.images, digits.labels)
