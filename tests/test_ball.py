"""ball.py: a training run followed on a plane of its real cost, and the landscape's projection
(least-squares coordinates) it uses."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import tiny_data
from digitnet.ball import Ball, images_for
from digitnet.experiments.landscape import Plane, cost_at, project
from digitnet.training import TrainConfig, fit


def test_a_point_on_the_plane_projects_to_its_own_coordinates():
    rng = np.random.default_rng(0)
    center, d1, d2 = rng.standard_normal((3, 50))
    d2 += 0.7 * d1  # neither orthogonal nor unit: the least-squares coordinates still hold
    normal = rng.standard_normal(50)
    basis = np.stack([d1, d2])
    normal -= basis.T @ np.linalg.lstsq(basis.T, normal, rcond=None)[0]  # ⟂ the plane
    points = np.stack([center + 2.0 * d1 - 3.0 * d2, center + 0.5 * d2 + normal, center])
    coords, off = project(points, center, d1, d2)
    np.testing.assert_allclose(coords, [[2.0, -3.0], [0.0, 0.5], [0.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(off, [0.0, np.linalg.norm(normal), 0.0], atol=1e-12)


def test_a_zero_second_direction_leaves_beta_zero():
    d1 = np.array([0.0, 2.0, 0.0])
    coords, off = project(np.array([[1.0, 3.0, 4.0]]), np.zeros(3), d1, np.zeros(3))
    np.testing.assert_allclose(coords, [[1.5, 0.0]])
    np.testing.assert_allclose(off, [np.hypot(1.0, 4.0)])


def followed(epochs: int = 3, sizes=(784, 12, 10)):
    """A short run on synthetic digits with a Ball whose clock makes every mini-batch due (a
    mini-batch takes 0.1 s on it, and nothing else any time)."""
    data = tiny_data()
    config = TrainConfig(sizes=sizes, epochs=epochs, batch_size=10, learning_rate=3.0, seed=2)
    start = config.build_network()
    events: list[dict] = []
    batches = itertools.count()
    now = [0.0]

    def tick(event):
        now[0] = 0.1 * next(batches)
        ball(event)

    ball = Ball(start, start.params, data.train.images, data.train.labels, events.append,
                clock=lambda: now[0], work=lambda: now[0])  # fmt: skip
    result = fit(data, config, on_event=tick)
    ball.finish(result.network.params)
    return ball, events, start, data, result


def test_the_ball_follows_the_run_on_a_plane_of_its_real_cost():
    ball, events, start, data, result = followed()
    assert events[0]["type"] == "plane"
    planes = [e for e in events if e["type"] == "plane"]
    balls = [e for e in events if e["type"] == "ball"]
    assert len(balls) >= 20 and len({(b["alpha"], b["beta"]) for b in balls}) >= 20
    assert [b["step"] for b in balls] == sorted({b["step"] for b in balls})  # forward, no repeats
    trail = planes[0]["trail"]
    assert trail[0]["step"] == 0 and (trail[0]["alpha"], trail[0]["beta"]) == (0.0, 0.0)
    assert images_for(start.n_params) == 200 == len(data.train.labels)  # all the tiny set's
    X, labels = data.train.images, data.train.labels
    assert planes[0]["n_images"] == 200
    assert trail[0]["cost_true"] == pytest.approx(cost_at(start, start.params, X, labels), 1e-5)
    # every ball is on the latest plane laid, inside its slice
    latest = 0
    for e in events:
        if e["type"] == "plane":
            latest = e["id"]
            window = (e["alphas"][0], e["alphas"][-1], e["betas"][0], e["betas"][-1])
        else:
            assert e["plane"] == latest
            assert window[0] <= e["alpha"] <= window[1] and window[2] <= e["beta"] <= window[3]
    # the last ball is the trained weights: its true cost is theirs, its (α, β) their projection
    last = balls[-1]
    theta = result.network.params.astype(np.float64)
    assert last["cost_true"] == pytest.approx(cost_at(start, theta, X, labels), rel=1e-4)
    (coords,), (off,) = project(theta[None, :], start.params.astype(np.float64), *ball.directions)
    assert (last["alpha"], last["beta"], last["off_plane"]) == pytest.approx((*coords, off))


def test_the_slice_is_the_landscapes_plane_and_the_ball_lies_on_it_when_it_is_laid():
    ball, events, start, data, _ = followed(epochs=2)
    plane = [e for e in events if e["type"] == "plane"][-1]
    X, labels = data.train.images[:200], data.train.labels[:200]
    theta0 = start.params.astype(np.float64)
    d1, d2 = ball.directions
    same = Plane(start, d1, d2, X, labels, theta0).grid(plane["alphas"], plane["betas"])
    np.testing.assert_allclose(plane["cost"], same, rtol=1e-5)
    i, j = 3, 17  # one grid point, by the plain cost of the weights there
    at = theta0 + plane["alphas"][j] * d1 + plane["betas"][i] * d2
    assert plane["cost"][i][j] == pytest.approx(cost_at(start, at, X, labels), rel=1e-4)
    first = events[events.index(plane) + 1]  # the ball that asked for this plane is on it
    assert first["step"] == plane["step"]
    assert first["off_plane"] == pytest.approx(0.0, abs=1e-6 * np.linalg.norm(at - theta0))
    assert first["cost_plane"] == pytest.approx(first["cost_true"], rel=1e-4)
    assert 0.0 <= plane["held"] <= 1.0


def test_positions_are_throttled_by_the_clock():
    data = tiny_data()
    config = TrainConfig(sizes=(784, 8, 10), epochs=2, batch_size=10, seed=0)
    start = config.build_network()
    events: list[dict] = []
    ball = Ball(start, start.params, data.train.images, data.train.labels, events.append,
                clock=lambda: 0.0)  # fmt: skip
    fit(data, config, on_event=ball)
    balls = [e for e in events if e["type"] == "ball"]
    assert [b["step"] for b in balls] == [20, 40]  # time stands still: one at each epoch's end


def test_a_run_gone_to_infinity_leaves_the_ball_where_it_was():
    _, events, start, data, _ = followed(epochs=1)
    count = len(events)
    ball = Ball(start, start.params, data.train.images, data.train.labels, events.append)
    ball.position(np.full(start.n_params, np.nan), 1)
    assert len(events) == count
