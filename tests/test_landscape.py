"""experiments/landscape.py and trainpath.py: the slice's fast path against the plain cost,
filter normalisation, projections, the optimisers' paths, and recording a training path."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import synthetic_digits, tiny_data
from digitnet.experiments import landscape as ls
from digitnet.network import Network
from digitnet.training import TrainConfig, fit
from digitnet.trainpath import PathRecorder, load_path, path_file, save_path


def tiny(cost: str = "quadratic", activation: str = "sigmoid") -> Network:
    return Network([784, 6, 5, 10], activation, cost, seed=2, dtype="float64")


@pytest.fixture(scope="module")
def digits():
    return synthetic_digits(60, seed=4)


@pytest.mark.parametrize(
    ("activation", "cost"), [("sigmoid", "quadratic"), ("relu", "cross-entropy")]
)
def test_fast_slice_equals_the_plain_cost_at_every_grid_point(activation, cost, digits):
    net = tiny(cost, activation)
    rng = np.random.default_rng(0)
    d1, d2 = rng.standard_normal((2, net.n_params)) * 0.1  # biases move too
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 1.5, 4)
    fast = ls.slice_costs(net, d1, d2, alphas, betas, digits.images, digits.labels, dtype="float64")
    fast32 = ls.slice_costs(net, d1, d2, alphas, betas, digits.images, digits.labels)
    naive = np.array(
        [
            [
                ls.cost_at(net, net.params + a * d1 + b * d2, digits.images, digits.labels)
                for a in alphas
            ]
            for b in betas
        ]
    )
    np.testing.assert_allclose(fast, naive, rtol=1e-10)
    np.testing.assert_allclose(fast32, naive, rtol=1e-4)


def test_random_directions_are_filter_normalised(digits):
    net = tiny()
    d1, d2 = ls.random_directions(net, seed=3)
    for d in (d1, d2):
        weights, biases = net.unflatten(d)
        for D, W in zip(weights, net.weights):
            np.testing.assert_allclose(np.linalg.norm(D, axis=1), np.linalg.norm(W, axis=1))
        assert all((b == 0).all() for b in biases)
    again = ls.random_directions(net, seed=3)
    np.testing.assert_array_equal(again[0], d1)
    assert not np.allclose(ls.random_directions(net, seed=4)[0], d1)


def test_principal_directions_and_projection_recover_a_planar_path():
    rng = np.random.default_rng(1)
    center = rng.standard_normal(50)
    u, v = np.linalg.qr(rng.standard_normal((50, 2)))[0].T
    coords = rng.standard_normal((12, 2)) * [3.0, 1.0]
    points = center + coords @ np.stack([u, v])
    d1, d2, explained = ls.principal_directions(points, center)
    got, off = ls.project(points, center, d1, d2)
    assert sum(explained) == pytest.approx(1.0)
    assert explained[0] > explained[1]
    np.testing.assert_allclose(off, 0, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), np.linalg.norm(coords, axis=1))
    assert abs(d1 @ d2) < 1e-9


def test_random_landscape_centre_and_json_shape(digits):
    net = tiny()
    r = ls.landscape(
        net,
        digits.images,
        digits.labels,
        "random",
        grid=7,
        initial=Network(net.sizes, seed=9, dtype="float64").params,
    )
    assert len(r["alphas"]) == len(r["betas"]) == 7 and np.array(r["cost"]).shape == (7, 7)
    assert r["cost"][3][3] == pytest.approx(r["center_cost"], rel=1e-5)
    assert r["center_cost"] == pytest.approx(net.mean_cost(digits.images, digits.labels))
    assert r["paths"] == [] and r["line"]["cost"][50] == pytest.approx(r["center_cost"])
    assert r["levels"] == sorted(r["levels"]) and r["levels"][0] > 0
    assert (
        ls.landscape(
            net,
            digits.images,
            digits.labels,
            "random",
            grid=7,
            initial=Network(net.sizes, seed=9, dtype="float64").params,
        )
        is r
    )  # cached


def test_optimizer_paths_start_together_and_spend_the_same_examples(digits, tmp_path):
    net = tiny()
    r = ls.landscape(
        net,
        digits.images,
        digits.labels,
        "optimizers",
        grid=9,
        initial=net.params.copy(),
        examples=600,
    )
    names = [p["name"] for p in r["paths"]]
    assert names[0] == "full-batch GD" and len(names) == 4
    for p in r["paths"]:
        assert p["points"][0] == pytest.approx([0, 0], abs=1e-9)
        assert p["examples"] == 600 and p["examples_seen"][-1] == 600
        assert p["cost_true"][0] == pytest.approx(r["center_cost"], rel=1e-5)  # float32
        assert p["cost_true"][-1] < p["cost_true"][0]
        assert len(p["cost_slice"]) == len(p["points"]) == len(p["off_plane"])
    sgd10 = r["paths"][2]
    assert sgd10["steps"] == 60
    assert ls.draw(r).width > 300  # the picture a notebook shows
    files = ls.picture(r, tmp_path / "opt.png")
    assert files["picture"].stat().st_size > 10_000
    assert json.loads(files["slice"].read_text())["paths"][0]["name"] == "full-batch GD"
    assert "full-batch GD" in ls.text_report(r)


def test_recorded_training_path_becomes_the_slice_plane(tmp_path):
    data = tiny_data()
    config = TrainConfig(
        sizes=(784, 6, 10), epochs=2, batch_size=10, learning_rate=1.0, dtype="float64"
    )
    recorder = PathRecorder(2, config.build_network().params, config.batch_size)
    result = fit(data, config, on_event=recorder)
    path = recorder.finish(result.network.params)
    batches = len(data.train.labels) // 10
    assert len(path.params) == 1 + (2 * batches) // 2 + (2 * batches) % 2
    np.testing.assert_array_equal(path.params[-1], result.network.params.astype(np.float32))
    assert path.examples[0] == 0 and path.examples[-1] == 2 * batches * 10
    file = save_path(path, path_file(tmp_path / "m.safetensors"))
    assert file.name == "m.path.npz"
    again = load_path(file, result.network.n_params)
    np.testing.assert_array_equal(again.params, path.params)
    r = ls.landscape(
        result.network,
        data.train.images,
        data.train.labels,
        "path",
        grid=7,
        path=(again.params, again.examples),
    )
    training = r["paths"][0]
    assert training["name"] == "training" and len(training["points"]) == len(path.params)
    assert training["points"][-1] == pytest.approx([0, 0], abs=1e-4)  # it ends at θ*
    assert r["line"]["init"] == pytest.approx(training["points"][0])
    assert 0 < sum(r["directions"]["explained_variance"]) <= 1 + 1e-9


def test_bad_requests_say_what_is_wrong(digits, tmp_path):
    net = tiny()
    with pytest.raises(ValueError, match="no recorded training path"):
        ls.landscape(net, digits.images, digits.labels, "path")
    with pytest.raises(ValueError, match="directions must be one of"):
        ls.landscape(net, digits.images, digits.labels, "sideways")
    with pytest.raises(ValueError, match="grid must be 5–201"):
        ls.landscape(net, digits.images, digits.labels, grid=3)
    (tmp_path / "bad.path.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a digitnet training path"):
        load_path(tmp_path / "bad.path.npz")
    with pytest.raises(ValueError, match="every N ≥ 1"):
        PathRecorder(0, net.params, 10)


def test_a_diverging_optimiser_path_stops_at_its_last_finite_point(digits):
    net = Network([784, 6, 10], "relu", "quadratic", seed=2, dtype="float64")
    wild = ls.Optimizer("too fast", 10, float("inf"))
    with np.errstate(all="ignore"):
        (run,) = ls.optimizer_paths(net, net.params, digits.images, digits.labels, 200, [wild])
    assert run["diverged"] and np.isfinite(run["params"]).all()


def test_a_runaway_path_is_diverged_and_the_slice_is_framed_on_the_others(digits):
    net = Network([784, 6, 10], "relu", "cross-entropy", seed=2, dtype="float64")
    fast = ls.Optimizer("too fast", 10, 1e4)  # finite, but the weights fly off
    with np.errstate(all="ignore"):
        (run,) = ls.optimizer_paths(net, net.params, digits.images, digits.labels, 200, [fast])
    assert run["diverged"]
    limit = ls.RUNAWAY * np.linalg.norm(net.params)
    assert all(np.linalg.norm(p) <= limit for p in run["params"])
    slow = ls.at_rate(0.03)  # a ReLU network's own η: the video's 3 scaled down
    assert [o.learning_rate for o in slow] == pytest.approx([0.03, 0.03, 0.03, 0.003])
    assert ls.at_rate(None) == ls.OPTIMIZERS
    r = ls.landscape(
        net, digits.images, digits.labels, "optimizers", grid=7, initial=net.params.copy(),
        examples=300, learning_rate=100.0,
    )  # fmt: skip
    ran_away = [p for p in r["paths"] if p["diverged"]]
    kept = [p for p in r["paths"] if not p["diverged"]]
    if ran_away and kept:  # the slice spans the paths that learned, not the runaways
        reach = max(abs(v) for p in kept for point in p["points"] for v in point)
        assert r["alphas"][-1] - r["alphas"][0] <= 2.5 * reach * (1 + 1e-6)
