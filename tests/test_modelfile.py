"""Model files: safetensors with metadata; round trips exactly; refuses what it cannot trust."""

from __future__ import annotations

import json

import numpy as np
import pytest
from safetensors.numpy import save

from digitnet.modelfile import (
    ModelFile,
    ModelFileError,
    from_bytes,
    load_model,
    save_model,
    to_bytes,
)
from digitnet.network import Network


def sample(dtype="float32") -> ModelFile:
    net = Network([784, 6, 10], activation="relu", cost="cross-entropy", seed=4, dtype=dtype)
    velocity = np.random.default_rng(0).random(net.n_params).astype(dtype)
    return ModelFile(net, {"epochs": 3, "seed": 4}, {"test_accuracy": 0.5}, velocity)


def rewrite(model: ModelFile, *, drop=(), add=None, meta=None) -> bytes:
    """The model's bytes with tensors dropped/added or metadata changed."""
    raw = from_bytes(to_bytes(model))
    tensors = {f"weights.{l}": W for l, W in enumerate(raw.network.weights)}
    tensors |= {f"biases.{l}": b for l, b in enumerate(raw.network.biases)}
    for name in drop:
        del tensors[name]
    tensors |= add or {}
    metadata = {
        "format": "digitnet-model",
        "format_version": "1",
        "sizes": json.dumps(model.network.sizes),
        "activation": model.network.activation,
        "cost": model.network.cost.name,
        "training": "{}",
        "metrics": "{}",
    } | (meta or {})
    return save({k: np.ascontiguousarray(v) for k, v in tensors.items()}, metadata=metadata)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_save_load_round_trip_gives_identical_outputs(tmp_path, dtype):
    model = sample(dtype)
    path = save_model(model, tmp_path / "m.safetensors")
    loaded = load_model(path)
    net, twin = model.network, loaded.network
    assert twin.sizes == net.sizes and twin.activation == "relu"
    assert twin.cost.name == "cross-entropy"
    assert twin.dtype == net.dtype
    X = np.random.default_rng(1).random((5, 784))
    np.testing.assert_array_equal(twin.feedforward(X), net.feedforward(X))
    np.testing.assert_array_equal(loaded.velocity, model.velocity)
    assert loaded.training == model.training and loaded.metrics == model.metrics


def test_file_follows_the_design_format(tmp_path):
    from safetensors import safe_open

    path = save_model(ModelFile(Network()), tmp_path / "m.safetensors")
    with safe_open(path, framework="numpy") as f:
        meta = f.metadata()
        names = set(f.keys())
    assert names == {"weights.0", "biases.0", "weights.1", "biases.1", "weights.2", "biases.2"}
    assert meta["format"] == "digitnet-model" and meta["format_version"] == "1"
    assert json.loads(meta["sizes"]) == [784, 16, 16, 10]
    assert (meta["activation"], meta["cost"]) == ("sigmoid", "quadratic")


@pytest.mark.parametrize(
    "change,match",
    [
        ({"drop": ["biases.1"]}, r"missing tensors \['biases.1'\]"),
        ({"add": {"extra": np.zeros(3, np.float32)}}, r"unexpected tensors \['extra'\]"),
        ({"meta": {"format_version": "2"}}, "format_version '2' is not supported"),
        ({"meta": {"format": "other"}}, "not a digitnet model"),
        ({"meta": {"sizes": "[784, 7, 10]"}}, "has shape"),
        ({"meta": {"sizes": "[784, -1]"}}, "positive integers"),
        ({"meta": {"training": "not json"}}, "bad metadata"),
        ({"meta": {"activation": "tanh"}}, "activation must be one of"),
        ({"add": {"weights.0": np.full((6, 784), np.nan, np.float32)}}, "NaN or infinity"),
        ({"add": {"biases.0": np.zeros(6, np.float64)}}, "must all be float32 or all float64"),
    ],
)
def test_broken_files_are_refused_with_a_clear_reason(tmp_path, change, match):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(rewrite(sample(), **change))
    with pytest.raises(ModelFileError, match=match) as info:
        load_model(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("content", [b"", b"hello", b"\xff" * 100])
def test_non_model_files_are_refused(tmp_path, content):
    path = tmp_path / "junk.safetensors"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="not a readable safetensors file"):
        load_model(path)


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "none.safetensors")
    with pytest.raises(ModelFileError, match="is a folder"):
        load_model(tmp_path)
