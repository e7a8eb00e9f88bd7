"""The page's ball (ball-math.js) on Python's own numbers: the stream of a run that ball.py
followed, folded by the page into the picture it shows, and the landscape's optimizer paths
read at the examples each point was recorded at. Node runs the very module the page loads."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import tiny_data
from digitnet.ball import Ball
from digitnet.experiments.landscape import landscape
from digitnet.training import TrainConfig, fit

from .test_learn_math_js import JS, NODE, node

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUN = f"""
import {{ along, foldRun }} from "{JS}/ball-math.js";
const {{ events, paths }} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const state = foldRun(events);
const read = paths.map((p) => p.examples_seen.map((seen) => along(p, seen)));
process.stdout.write(JSON.stringify({{ state, read }}));
"""


def test_the_page_folds_pythons_stream_and_reads_its_paths():
    data = tiny_data()
    config = TrainConfig(sizes=(784, 8, 10), epochs=3, batch_size=10, seed=3)
    start = config.build_network()
    events: list[dict] = []
    now = [0.0]

    def tick(event):
        now[0] += 0.05  # a mini-batch every 50 ms: a position on each
        ball(event)

    ball = Ball(start, start.params, data.train.images, data.train.labels, events.append,
                clock=lambda: now[0], work=lambda: 0.0)  # fmt: skip
    result = fit(data, config, on_event=tick)
    net = result.network
    slice_ = landscape(net, data.train.images[:100], data.train.labels[:100], "optimizers",
                       grid=5, initial=start.params, examples=500)  # fmt: skip
    paths = [{k: p[k] for k in ("points", "examples_seen", "cost_true")} for p in slice_["paths"]]
    out = node(RUN, {"events": [[e["type"], e] for e in events], "paths": paths})

    planes = [i for i, e in enumerate(events) if e["type"] == "plane"]
    last = events[planes[-1]]
    after = [e for e in events[planes[-1] :] if e["type"] == "ball"]
    state = out["state"]
    assert state["plane"]["id"] == last["id"] and state["ball"] == after[-1]
    assert state["trail"] == last["trail"] + after
    assert state["positions"] == sum(e["type"] == "ball" for e in events) > 20
    for path, read in zip(paths, out["read"]):
        np.testing.assert_array_equal([[r["alpha"], r["beta"]] for r in read], path["points"])
        assert [r["cost_true"] for r in read] == path["cost_true"]
