"""The network as a standard ONNX graph, to run it anywhere ONNX runs (onnxruntime, browsers, C++).

One Gemm per layer (z = a Wᵀ + b for a batch of rows) and the layer's σ: Sigmoid or Relu in
the hidden layers, Sigmoid or Softmax at the output, as the cost decides. The graph is float32
with a dynamic batch: input "pixels" (N, 784), output "activations" (N, 10). Training stays in
digitnet; ONNX gets only the forward pass. Needs the optional extra: pip install 'digitnet[onnx]'.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from .network import Network

if TYPE_CHECKING:
    import onnx

INPUT, OUTPUT = "pixels", "activations"
OPSET = 17  # Gemm, Sigmoid, Relu, Softmax(axis) as they are since opset 13; onnxruntime ≥ 1.13
IR_VERSION = 8  # the IR that opset 17 came with: readable by every runtime of that age on
HIDDEN_OPS = {"sigmoid": "Sigmoid", "relu": "Relu"}
OUTPUT_OPS = {"quadratic": "Sigmoid", "cross-entropy": "Softmax"}


class OnnxError(RuntimeError):
    """ONNX is not installed, or a graph cannot be made or run; a one-line reason."""


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise OnnxError(
            "ONNX export needs the onnx package: pip install 'digitnet[onnx]'"
        ) from None
    return onnx


def to_onnx(net: Network) -> onnx.ModelProto:
    """The network's forward pass as an ONNX model (checked by onnx's own checker).

    Layer l is ``Gemm(a, Wˡ, bˡ, transB=1)`` = a (Wˡ)ᵀ + bˡ: rows in, rows out, with Wˡ kept in
    digitnet's (n_out, n_in) layout, then its activation. Weights are stored as float32.
    """
    onnx = _onnx()
    helper, TensorProto = onnx.helper, onnx.TensorProto
    nodes, initializers = [], []
    a, last = INPUT, len(net.weights) - 1
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        W_name, b_name, z = f"weights.{l}", f"biases.{l}", f"z.{l + 1}"
        initializers += [
            onnx.numpy_helper.from_array(np.asarray(W, dtype=np.float32), W_name),
            onnx.numpy_helper.from_array(np.asarray(b, dtype=np.float32), b_name),
        ]
        # zˡ = Wˡ aˡ⁻¹ + bˡ, written for rows: z = a Wᵀ + b
        nodes.append(helper.make_node("Gemm", [a, W_name, b_name], [z], f"layer{l + 1}", transB=1))
        op = OUTPUT_OPS[net.cost.name] if l == last else HIDDEN_OPS[net.activation]
        a = OUTPUT if l == last else f"a.{l + 1}"
        extra = {"axis": 1} if op == "Softmax" else {}  # over the 10 outputs of each row
        nodes.append(helper.make_node(op, [z], [a], f"{op.lower()}{l + 1}", **extra))
    graph = helper.make_graph(
        nodes,
        "digitnet",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", net.sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", net.sizes[-1]])],
        initializers,
        doc_string="pixels: rows of 784 floats in [0, 1], white ink on black, MNIST-style",
    )
    model = helper.make_model(
        graph,
        producer_name="digitnet",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=repr(net),
    )
    model.ir_version = IR_VERSION
    meta = {"sizes": json.dumps(net.sizes), "activation": net.activation, "cost": net.cost.name}
    helper.set_model_props(model, meta)
    onnx.checker.check_model(model, full_check=True)
    return model


def onnx_bytes(net: Network) -> bytes:
    """The serialised ONNX model: what ``digitnet export --format onnx`` writes."""
    return bytes(to_onnx(net).SerializeToString())


def run_onnx(model: bytes, X: np.ndarray) -> np.ndarray:
    """Run an ONNX model's graph in onnxruntime on rows X (m, 784) → output rows (m, 10)."""
    try:
        import onnxruntime
    except ImportError:
        raise OnnxError("running ONNX needs onnxruntime: pip install 'digitnet[onnx]'") from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # small matrices; a shared machine
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.asarray(session.run(None, {name: np.asarray(X, dtype=np.float32)})[0])


def compare(net: Network, model: bytes, X: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Outputs of the ONNX graph against digitnet's on the same rows, and accuracy both ways.

    Returns ``max_abs_difference`` (over every output of every row), ``digitnet_accuracy``,
    ``onnx_accuracy`` and ``answers_differ`` (how many rows get a different answer).
    """
    ours = net.feedforward(X)
    theirs = run_onnx(model, X)
    labels = np.asarray(labels)
    return {
        "examples": len(labels),
        "max_abs_difference": float(np.max(np.abs(ours - theirs), initial=0.0)),
        "digitnet_accuracy": float(np.mean(ours.argmax(axis=1) == labels)),
        "onnx_accuracy": float(np.mean(theirs.argmax(axis=1) == labels)),
        "answers_differ": int(np.count_nonzero(ours.argmax(axis=1) != theirs.argmax(axis=1))),
    }
