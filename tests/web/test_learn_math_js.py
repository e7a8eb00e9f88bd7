"""The page's own backprop and chain rule (backprop-math.js, chain-math.js) equal Python's.

Node runs the very modules the page loads, on a model sent as the page gets it (model_json:
base64 float32), and prints its numbers; network.py and experiments/chain.py give Python's.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest

from digitnet.experiments.chain import one_neuron_chain
from digitnet.modelfile import ModelFile
from digitnet.network import Network, one_hot
from digitnet.web.page import STATIC, model_json

NODE = shutil.which("node")
JS = (STATIC / "js").as_uri()
TOL = 1e-6  # the bound; the gaps measured are float64 round-off, near 1e-15

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUN_BACKPROP = f"""
import {{ decodeModel }} from "{JS}/network.js";
import {{ backprop }} from "{JS}/backprop-math.js";
import {{ pickChain }} from "{JS}/chain-math.js";
const {{ model, cases, picks }} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const net = decodeModel(model);
const list = (v) => (ArrayBuffer.isView(v) ? Array.from(v) : v.map(list));
const out = cases.map(({{ x, label }}) => {{
  const r = backprop(net, x, label);
  const keep = ["activations", "zs", "cost", "cost_terms", "nudges", "grad_biases",
                "grad_weights", "contributions"];
  const pick = (k) => [k, typeof r[k] === "number" ? r[k] : list(r[k])];
  const result = Object.fromEntries(keep.map(pick));
  result.picks = picks.map((p) => pickChain(net, x, label, p, r));
  return result;
}});
process.stdout.write(JSON.stringify(out));
"""

RUN_CHAIN = f"""
import {{ oneNeuronChain }} from "{JS}/chain-math.js";
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map(oneNeuronChain)));
"""


def node(script: str, payload) -> list:
    # CommonJS's require is not in ES modules' scope: give the script a createRequire
    prelude = (
        'import { createRequire } from "module"; const require = createRequire(import.meta.url);'
    )
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", prelude + script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def python_backprop(net: Network, x: np.ndarray, label: int) -> dict:
    """Python's numbers for one example, from network.py (forward, backprop) in float64."""
    zs, activations = net.forward(x[:, None])
    grad_W, grad_b = net.backprop(x[None, :], np.array([label]))
    a = activations[-1][:, 0]
    y = one_hot(np.array([label]), 10, "float64")[:, 0]
    if net.cost.name == "quadratic":
        terms, dC_da_out = (a - y) ** 2, 2 * (a - y)
    else:
        terms, dC_da_out = -y * np.log(a), -y / a
    # ∂C/∂aˡ of a hidden layer = (Wˡ⁺¹)ᵀ δˡ⁺¹, with δ = ∂C/∂b for a single example
    dC_da = [net.weights[l + 1].T @ grad_b[l + 1] for l in range(len(grad_b) - 1)] + [dC_da_out]
    return {
        "activations": [a_l[:, 0] for a_l in activations],
        "zs": [z[:, 0] for z in zs],
        "cost": net.mean_cost(x[None, :], np.array([label])),
        "cost_terms": terms,
        "nudges": [-g for g in dC_da],
        "grad_biases": grad_b,
        "grad_weights": [g.ravel() for g in grad_W],
        "contributions": [net.weights[l + 1] * grad_b[l + 1][:, None] for l in range(2)],
    }


@pytest.mark.parametrize(
    ("activation", "cost"), [("sigmoid", "quadratic"), ("relu", "cross-entropy")]
)
def test_js_backprop_equals_network_py(activation, cost):
    net32 = Network((784, 16, 16, 10), activation=activation, cost=cost, seed=3)
    rng = np.random.default_rng(5)
    net32.params[...] += rng.normal(0, 0.3, net32.params.size).astype(np.float32)  # not at init
    model = ModelFile(network=net32, training={}, metrics={})
    net = Network(net32.sizes, activation=activation, cost=cost, dtype="float64")
    net.params[...] = net32.params  # the float32 weights, exactly, in float64 (as the page)
    xs = [rng.random(784) * (rng.random(784) < 0.3), np.zeros(784), rng.random(784)]
    cases = [{"x": x.tolist(), "label": int(d)} for x, d in zip(xs, (3, 0, 9))]
    picks = [
        {"kind": "weight", "layer": 1, "to": 4, "from": int(np.argmax(xs[0]))},
        {"kind": "weight", "layer": 3, "to": 3, "from": 7},
        {"kind": "bias", "layer": 2, "to": 11},
        {"kind": "activation", "layer": 2, "neuron": 5},
    ]
    got = node(RUN_BACKPROP, {"model": model_json(model, "t"), "cases": cases, "picks": picks})
    worst = 0.0
    for case, js in zip(cases, got):
        x = np.array(case["x"])
        want = python_backprop(net, x, case["label"])
        for key, value in want.items():
            parts = value if isinstance(value, list) else [value]
            js_parts = js[key] if isinstance(value, list) else [js[key]]
            assert len(js_parts) == len(parts), key
            for a, b in zip(js_parts, parts):
                np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=key)
                worst = max(worst, float(np.max(np.abs(np.subtract(a, b)))))
        grad_W, grad_b = net.backprop(x[None, :], np.array([case["label"]]))
        derivatives = [
            grad_W[0][4, picks[0]["from"]],
            grad_W[2][3, 7],
            grad_b[1][11],
            (net.weights[2].T @ grad_b[2])[5],
        ]
        for pick, want_d in zip(js["picks"], derivatives):
            assert abs(pick["derivative"] - want_d) < TOL
            assert abs(pick["finite_difference"] - want_d) < TOL
    print(f"\nJS vs network.py ({activation}, {cost}), largest gap: {worst:.1e}")


def test_js_one_neuron_chain_equals_experiments_chain():
    cases, want = [], []
    for seed, x, y in [(0, 0.8, 1.0), (1, 0.2, 0.0), (4, 1.0, 0.5)]:
        net = Network([1, 1, 1, 1], dtype="float64", init="normal", seed=seed)
        cases.append(
            {
                "weights": [float(W[0, 0]) for W in net.weights],
                "biases": [float(b[0]) for b in net.biases],
                "x": x,
                "y": y,
            }
        )
        want.append(one_neuron_chain(x, y, seed))
    for js, py in zip(node(RUN_CHAIN, cases), want):
        assert abs(js["cost"] - py["cost"]) < 1e-12
        for entry in py["layers"]:
            i = entry["layer"] - 2  # chain.py counts the input as layer 1
            assert abs(js["z"][i] - entry["z"]) < TOL and abs(js["a"][i] - entry["a"]) < TOL
            assert abs(js["dC_dw"][i] - entry["weight"]["product"]) < TOL
            assert abs(js["dC_db"][i] - entry["bias"]["product"]) < TOL
            below = js["dC_dx"] if i == 0 else js["dC_da"][i - 1]
            assert abs(below - entry["previous_activation"]["product"]) < TOL
            assert (
                abs(js["finite_difference"]["dC_dw"][i] - entry["weight"]["finite_difference"])
                < TOL
            )
