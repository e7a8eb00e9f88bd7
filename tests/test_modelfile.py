"""Model files: safetensors with metadata; round trips exactly; refuses what it cannot trust."""

from __future__ import annotations

import errno
import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save

from digitnet import modelfile
from digitnet.modelfile import (
    CHECKSUM,
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


# ---- hostile cases ----------------------------------------------------------------------
# Hostile model files: truncated, flipped, reshaped, retyped, inflated; and a disk that fills up.
#
# Every bad file must be refused with ModelFileError (never another exception), and a failed
# save must leave the old file as it was and no temp file beside it.


@pytest.fixture(scope="module")
def model() -> ModelFile:
    net = Network((784, 12, 10), seed=1)
    training = {"epochs_done": 2, "learning_rate": 1.0, "dataset": "synthetic"}
    metrics = {"history": [{"epoch": 1, "test_accuracy": 0.5}], "test_accuracy": 0.5}
    velocity = np.random.default_rng(2).normal(size=net.params.size).astype(np.float32)
    return ModelFile(net, training, metrics, velocity)


@pytest.fixture(scope="module")
def blob(model) -> bytes:
    return to_bytes(model)


def header_of(data: bytes) -> tuple[int, dict]:
    n = int.from_bytes(data[:8], "little")
    return n, json.loads(data[8 : 8 + n])


def refused(data: bytes, match: str | None = None) -> str:
    """from_bytes must raise ModelFileError and nothing else; return its message."""
    with pytest.raises(ModelFileError, match=match) as caught:
        from_bytes(data)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def same_model(a: ModelFile, b: ModelFile) -> bool:
    return (
        np.array_equal(a.network.params, b.network.params)
        and np.array_equal(a.velocity, b.velocity)
        and a.training == b.training
        and a.metrics == b.metrics
        and a.network.sizes == b.network.sizes
    )


def metadata_of(model: ModelFile, **changes: str) -> dict[str, str]:
    _, header = header_of(to_bytes(model))
    meta = {k: v for k, v in header["__metadata__"].items() if k != CHECKSUM}
    meta.update(changes)
    return meta


def tensors_of(net: Network) -> dict[str, np.ndarray]:
    out = {}
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        out[f"weights.{l}"], out[f"biases.{l}"] = W.copy(), b.copy()
    return out


def test_a_model_round_trips_bit_for_bit(model, blob):
    assert same_model(from_bytes(blob), model)
    # safetensors orders metadata keys as it likes, so compare contents, not bytes
    assert same_model(from_bytes(to_bytes(from_bytes(blob))), model)


def test_truncated_at_every_seventh_length_and_every_boundary_is_refused(blob, tally):
    n, header = header_of(blob)
    ends = {
        8 + n + off for t in header.values() if "data_offsets" in t for off in t["data_offsets"]
    }
    cuts = sorted({*range(0, len(blob), 7), 1, 7, 8, 9, 8 + n - 1, 8 + n, 8 + n + 1, *ends})
    cuts = [c for c in cuts if c < len(blob)]
    for cut in cuts:
        refused(blob[:cut])
    tally.bad_input("model file truncated", len(cuts))
    assert len(cuts) > len(blob) // 7


def test_every_sampled_flipped_byte_is_refused_or_changes_nothing(model, blob, tally):
    rng = np.random.default_rng(8)
    positions = rng.choice(len(blob), size=1500, replace=False)
    loaded = 0
    for pos in positions:
        damaged = bytearray(blob)
        damaged[pos] ^= int(rng.integers(1, 256))
        try:
            back = from_bytes(bytes(damaged))
        except ModelFileError:
            continue
        # Only a flip that JSON cannot see (a padding space → tab) may load: then nothing changed.
        loaded += 1
        assert same_model(back, model), f"byte {pos} changed the model silently"
        assert np.all(np.isfinite(back.network.params))
    tally.fuzz("model file byte flipped", len(positions))
    assert loaded < 10


def test_flip_in_the_weights_is_caught_by_the_checksum(blob):
    n, header = header_of(blob)
    start = 8 + n + header["weights.0"]["data_offsets"][0]
    damaged = bytearray(blob)
    damaged[start + 100] ^= 0x01  # the lowest mantissa bit of one weight
    refused(bytes(damaged), "sha256.*damaged")


def test_without_the_checksum_a_flipped_weight_loads_silently(model):
    old = save(tensors_of(model.network), metadata=metadata_of(model))  # no sha256 key
    n, header = header_of(old)
    damaged = bytearray(old)
    damaged[8 + n + header["weights.0"]["data_offsets"][0] + 100] ^= 0x01
    back = from_bytes(bytes(damaged))  # why model files now carry a checksum
    assert not np.array_equal(back.network.params, model.network.params)


def test_files_written_before_the_checksum_still_load(model):
    old = save(tensors_of(model.network), metadata=metadata_of(model))
    assert np.array_equal(from_bytes(old).network.params, model.network.params)


@pytest.mark.parametrize(
    "change,match",
    [
        ({"format_version": "2"}, "format_version '2' is not supported.*upgrade"),
        ({"format_version": ""}, "format_version"),
        ({"format": "pytorch"}, "not a digitnet model"),
        ({"sizes": "[784, 12"}, "bad metadata"),
        ({"sizes": "not json"}, "bad metadata"),
        ({"sizes": "[784, 12.0, 10]"}, "positive integers"),
        ({"sizes": "[784, true, 10]"}, "positive integers"),
        ({"sizes": "[784, -12, 10]"}, "positive integers"),
        ({"sizes": '{"a": 1}'}, "positive integers"),
        ({"sizes": "[784, 13, 10]"}, "shape"),
        ({"sizes": "[784, 12, 10, 10]"}, "missing tensors"),
        ({"sizes": "[784, 10]"}, "unexpected tensors"),
        ({"sizes": "[1000000000000, 1000000000000, 10]"}, "shape"),  # refused before allocating
        ({"sizes": "[" * 50_000 + "]" * 50_000}, "bad metadata"),  # deep nesting, no crash
        ({"activation": "tanh"}, "activation must be one of"),
        ({"cost": "hinge"}, "cost must be one of"),
        ({"training": "[1, 2]"}, "JSON objects"),
        ({"metrics": "{broken"}, "bad metadata"),
        ({"training": "{" * 50_000}, "bad metadata"),
    ],
)
def test_bad_metadata_is_refused_naming_the_problem(model, change, match, tally):
    meta = metadata_of(model, **change)
    refused(save(tensors_of(model.network), metadata=meta), match)
    tally.bad_input("model file metadata")


@pytest.mark.parametrize("key", ["format", "format_version", "sizes", "activation", "cost"])
def test_missing_metadata_keys_are_refused(model, key, tally):
    meta = metadata_of(model)
    del meta[key]
    refused(save(tensors_of(model.network), metadata=meta))
    tally.bad_input("model file metadata")


def tensor_cases(net: Network) -> dict[str, tuple[dict[str, np.ndarray], str]]:
    good = tensors_of(net)
    nan, inf = good["weights.0"].copy(), good["biases.1"].copy()
    nan[3, 4], inf[0] = np.nan, -np.inf
    no_b1 = {k: v for k, v in good.items() if k != "biases.1"}
    velocity = {f"velocity.{k}": np.zeros_like(v) for k, v in good.items()}
    bad_velocity = {**velocity, "velocity.biases.0": np.full_like(good["biases.0"], np.nan)}
    return {
        "missing tensor": (no_b1, r"missing tensors \['biases.1'\]"),
        "extra tensor": ({**good, "weights.2": np.zeros((3, 10), np.float32)}, "unexpected"),
        "half the velocity": ({**good, "velocity.weights.0": good["weights.0"]}, "velocity"),
        "transposed weights": ({**good, "weights.0": good["weights.0"].T.copy()}, "shape"),
        "biases as a row": ({**good, "biases.0": good["biases.0"][None, :]}, "shape"),
        "scalar bias": ({**good, "biases.1": np.zeros((), np.float32)}, "shape"),
        "velocity of wrong shape": (
            {**good, **velocity, "velocity.biases.1": np.zeros(3, np.float32)},
            "shape",
        ),
        "NaN weight": ({**good, "weights.0": nan}, "NaN or infinity"),
        "infinite bias": ({**good, "biases.1": inf}, "NaN or infinity"),
        "NaN velocity": ({**good, **bad_velocity}, "momentum.*NaN"),
        "int32": ({k: v.astype(np.int32) for k, v in good.items()}, "float32 or all float64"),
        "float16": ({k: v.astype(np.float16) for k, v in good.items()}, "float32 or all float64"),
        "mixed dtypes": ({**good, "biases.0": good["biases.0"].astype(np.float64)}, "all float"),
        "no tensors at all": ({}, "missing tensors"),
    }


@pytest.mark.parametrize("case", list(tensor_cases(Network((784, 12, 10)))))
def test_bad_tensors_are_refused(model, case, tally):
    tensors, match = tensor_cases(model.network)[case]
    refused(save(tensors, metadata=metadata_of(model)), match)
    tally.bad_input("model file tensors")


def test_sizes_in_a_consistent_file_that_disagree_with_the_checksum_are_refused(model, blob):
    n, header = header_of(blob)
    header["__metadata__"]["sizes"] = "[784, 12, 10]".replace("12", "12 ")  # same JSON value
    text = json.dumps(header, separators=(",", ":")).encode()
    refused(struct.pack("<Q", len(text)) + text + blob[8 + n :], "sha256")


RAW_HEADERS = {
    "empty file": b"",
    "seven bytes": b"\x00" * 7,
    "header length past the end": struct.pack("<Q", 1000) + b"{}",
    "header length 2^64 - 1": b"\xff" * 8 + b"{}",
    "header not JSON": struct.pack("<Q", 5) + b"{nope",
    "header a list": struct.pack("<Q", 2) + b"[]",
    "header not UTF-8": struct.pack("<Q", 4) + b'"\xff"',
    "a PNG": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    "a pickle": b"\x80\x04\x95" + b"\x00" * 40,
    "bfloat16 tensors": None,  # built below: numpy has no bfloat16
}


@pytest.mark.parametrize("case", list(RAW_HEADERS))
def test_files_that_are_not_safetensors_are_refused(model, case, tally):
    data = RAW_HEADERS[case]
    if data is None:
        meta = metadata_of(model)
        header = {
            "__metadata__": meta,
            "weights.0": {"dtype": "BF16", "shape": [1, 2], "data_offsets": [0, 4]},
            "biases.0": {"dtype": "BF16", "shape": [1], "data_offsets": [4, 6]},
        }
        text = json.dumps(header).encode()
        data = struct.pack("<Q", len(text)) + text + b"\x00" * 6
    refused(data, "not a readable safetensors file")
    tally.bad_input("model file not safetensors")


@pytest.mark.parametrize("what", ["missing", "folder", "empty", "text"])
def test_load_model_names_the_path_of_a_bad_file(tmp_path, what, tally):
    path = tmp_path / "m.safetensors"
    if what == "folder":
        path.mkdir()
    elif what == "empty":
        path.write_bytes(b"")
    elif what == "text":
        path.write_text("weights: lots of them\n")
    with pytest.raises(ModelFileError, match=str(path)):
        load_model(path)
    tally.bad_input("model path")


# ── a disk that fills up while saving ─────────────────────────────────────────────────────────


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class HalfWritingFile:
    """A file whose write stores half the bytes, then fails as a full disk does."""

    def __init__(self, file):
        self.file = file

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def write(self, data: bytes) -> int:
        self.file.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self.file, name)


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_disk_full_while_saving_keeps_the_old_file_and_leaves_no_temp(
    model, tmp_path, monkeypatch, where, tally
):
    path = tmp_path / "m.safetensors"
    save_model(model, path)
    before = path.read_bytes()
    newer = ModelFile(Network((784, 12, 10), seed=5), {"epochs_done": 3})
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            modelfile.os, "fdopen", lambda *a, **k: HalfWritingFile(real_fdopen(*a, **k))
        )
    else:
        monkeypatch.setattr(modelfile.os, where, no_space)
    with pytest.raises(OSError) as caught:
        save_model(newer, path)
    monkeypatch.undo()
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert same_model(load_model(path), model)
    assert leftovers(tmp_path) == ["m.safetensors"]
    tally.fault(f"disk full during {where}")


def test_disk_full_on_a_first_save_leaves_nothing(model, tmp_path, monkeypatch, tally):
    monkeypatch.setattr(modelfile.os, "fsync", no_space)
    with pytest.raises(OSError):
        save_model(model, tmp_path / "new.safetensors")
    assert leftovers(tmp_path) == []
    tally.fault("disk full during fsync")
