"""ONNX export: a standard graph (Gemm + Sigmoid/Relu/Softmax, input "pixels" (N, 784)) that
onnxruntime runs to digitnet's own outputs, within 1e-5, for both presets' structures."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import synthetic_digits
from digitnet.network import Network
from digitnet.training import PRESETS, train

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from digitnet.onnx_export import INPUT, OUTPUT, compare, onnx_bytes, run_onnx, to_onnx  # noqa: E402

STRUCTURES = {  # the two presets' kinds of network: the video's and the tweaked one
    "video": ("sigmoid", "quadratic", "Sigmoid"),
    "tweaked": ("relu", "cross-entropy", "Softmax"),
}


@pytest.mark.parametrize("preset", STRUCTURES)
def test_the_graph_is_gemm_and_activations_with_named_dynamic_batch_input(preset):
    activation, cost, output_op = STRUCTURES[preset]
    net = Network([784, 16, 16, 10], activation, cost, seed=2)
    model = to_onnx(net)
    hidden_op = "Sigmoid" if activation == "sigmoid" else "Relu"
    assert [n.op_type for n in model.graph.node] == [
        "Gemm", hidden_op, "Gemm", hidden_op, "Gemm", output_op,
    ]  # fmt: skip
    (inp,), (out,) = model.graph.input, model.graph.output
    dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    assert inp.name == INPUT and dims == ["N", 784]
    assert out.name == OUTPUT and [d.dim_value for d in out.type.tensor_type.shape.dim][1] == 10
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    np.testing.assert_array_equal(weights["weights.1"], net.weights[1])  # (n_out, n_in), as ours
    props = {p.key: p.value for p in model.metadata_props}
    assert props["activation"] == activation and props["cost"] == cost
    onnx.checker.check_model(model, full_check=True)


@pytest.mark.parametrize("preset", STRUCTURES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_onnxruntime_gives_digitnets_outputs_on_any_batch_size(preset, dtype):
    activation, cost, _ = STRUCTURES[preset]
    net = Network([784, 30, 20, 10], activation, cost, seed=4, dtype=dtype)
    net.biases[0][:] = np.linspace(-1, 1, 30)  # nonzero biases, so a dropped bias would show
    model = onnx_bytes(net)
    for m in (1, 7, 300):
        X = synthetic_digits(m, seed=m).images
        np.testing.assert_allclose(run_onnx(model, X), net.feedforward(X), rtol=0, atol=1e-5)
    assert run_onnx(model, np.zeros((0, 784))).shape == (0, 10)


def test_export_is_deterministic():
    net = Network(seed=9)
    assert onnx_bytes(net) == onnx_bytes(net.copy())


@pytest.mark.mnist
@pytest.mark.parametrize("preset", ["video", "tweaked"])
def test_onnx_matches_digitnet_on_the_mnist_test_set(preset):
    from digitnet.data import load_dataset

    data = load_dataset(progress=False)
    # A short run on 5,000 images, enough for a network that reads most digits; the video's
    # structure gets the book's plain recipe, which starts faster.
    recipe = {"video": {"batch_size": 10, "learning_rate": 1.5, "momentum": 0.0, "epochs": 3}}
    config = replace(PRESETS[preset], **{"epochs": 1, **recipe.get(preset, {})})
    net = train(config, data.train.images[:5000], data.train.labels[:5000]).network
    result = compare(net, onnx_bytes(net), data.test.images, data.test.labels)
    print(f"\n{preset} structure: {result}")
    assert result["examples"] == 10_000
    assert result["max_abs_difference"] <= 1e-5
    assert result["onnx_accuracy"] == result["digitnet_accuracy"] > 0.8
