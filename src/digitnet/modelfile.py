"""Model files: a network's weights and biases in safetensors, with what made them as metadata.

Never pickle. Tensors ``weights.0, biases.0, weights.1, …`` (plus ``velocity.*`` when training
with momentum can be resumed); metadata strings format, format_version, sizes, activation,
cost, training and metrics, plus ``sha256`` of all the rest. Loading checks everything and
says what is wrong; saving is atomic, so the old file survives any failure.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from safetensors.numpy import load, save

from .errors import SettingError
from .files import (
    NotAModelFile,
    Skipped,
    atomic_write_bytes,
    model_files,
    read_model_bytes,
    safetensors_metadata,
)
from .network import Network

FORMAT = "digitnet-model"  # the metadata "format" of a digitnet model file
FORMAT_VERSION = "1"
CHECKSUM = "sha256"  # metadata key; files written before it was added load without the check


class ModelFileError(Exception):
    """A model file that cannot be used, with a one-line reason."""


class NotDigitsError(ModelFileError, SettingError):
    """A model that is fine but no digit reader: not 784 inputs and 10 outputs."""


@dataclass
class ModelFile:
    """What a model file holds: the network, how it was trained, how it did, training state."""

    network: Network
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    velocity: np.ndarray | None = None  # momentum buffer, flat like network.params


def check_digit_network(net: Network, name: str | os.PathLike = "the model") -> None:
    """Refuse a network that cannot read a 28×28 image or answer with one of ten digits."""
    if net.sizes[0] != 784 or net.sizes[-1] != 10:
        raise NotDigitsError(
            f"{name} is a {'-'.join(map(str, net.sizes))} network: digitnet needs 784 inputs "
            "(a 28×28 image) and 10 outputs (one per digit)"
        )


def load_digit_model(path: str | os.PathLike) -> ModelFile:
    """`load_model`, and `check_digit_network`: what every command that reads digits needs."""
    model = load_model(path)
    check_digit_network(model.network, path)
    return model


def to_bytes(model: ModelFile) -> bytes:
    """Serialise a model to safetensors bytes (what ``save`` writes)."""
    net = model.network
    tensors: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        tensors[f"weights.{l}"] = np.ascontiguousarray(W)
        tensors[f"biases.{l}"] = np.ascontiguousarray(b)
    if model.velocity is not None:
        vW, vb = net.unflatten(np.asarray(model.velocity, dtype=net.dtype))
        for l, (W, b) in enumerate(zip(vW, vb)):
            tensors[f"velocity.weights.{l}"] = np.ascontiguousarray(W)
            tensors[f"velocity.biases.{l}"] = np.ascontiguousarray(b)
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sizes": json.dumps(net.sizes),
        "activation": net.activation,
        "cost": net.cost.name,
        "training": json.dumps(model.training),
        "metrics": json.dumps(model.metrics),
    }
    metadata[CHECKSUM] = _checksum(metadata, tensors)
    return save(tensors, metadata=metadata)


def _checksum(metadata: dict[str, str], tensors: dict[str, np.ndarray]) -> str:
    """sha256 of the metadata (but this key) and each tensor's name, dtype, shape and bytes.

    safetensors has no checksum of its own: without this, a flipped byte in the weights (most
    of the file) would load as a silently different network.
    """
    rest = {k: v for k, v in metadata.items() if k != CHECKSUM}
    digest = hashlib.sha256(json.dumps(rest, sort_keys=True).encode())
    for name in sorted(tensors):
        t = np.ascontiguousarray(tensors[name])
        digest.update(f"{name} {t.dtype.str} {t.shape}".encode())
        digest.update(t.data)
    return digest.hexdigest()


def save_model(model: ModelFile, path: str | os.PathLike, *, replace: bool = True) -> Path:
    """Save atomically; return the path written. ``replace=False``: never over a file that is
    there already (FileExistsError)."""
    path = Path(path)
    atomic_write_bytes(path, to_bytes(model), replace=replace)
    return path


def load_model(path: str | os.PathLike) -> ModelFile:
    """Load and check a model file; any problem raises ModelFileError naming the file."""
    path = Path(path)
    try:
        data = read_model_bytes(path)  # kind and size checked first: a FIFO never hangs it
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except NotAModelFile as e:
        raise ModelFileError(f"{path}: {e}") from None
    except OSError as e:
        raise ModelFileError(f"{path}: cannot read ({e.strerror})") from None
    try:
        return from_bytes(data)
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from None


class Newest(NamedTuple):
    """The newest usable model of a folder (None if it has none), and the files passed over,
    each with why: another program's, damaged, no digit reader, or no file at all (a FIFO…)."""

    path: Path | None
    skipped: list[Skipped]


def newest_model(folder: str | os.PathLike | None = None) -> Newest:
    """The most recently written good digit model in ``folder`` (default: the models folder):
    each file, newest first, is loaded and checked until one is (damaged ones are skipped)."""
    paths, skipped = model_files(folder)
    for path in paths:
        try:
            load_digit_model(path)
        except ModelFileError as e:
            skipped.append(Skipped(path, str(e).removeprefix(f"{path}: ")))
        else:
            return Newest(path, skipped)
    return Newest(None, skipped)


SIGNATURES = (  # the first bytes of files often given by mistake, and what they are
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"RIFF", "a WebP image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (an .npz file, or a PyTorch checkpoint)"),
    (b"\x1f\x8b", "a gzip file (mnist.pkl.gz?)"),
    (b"\x80", "a Python pickle (digitnet never loads pickles)"),
    (b"\x93NUMPY", "a NumPy .npy array"),
    (b"{", "a JSON file (a network saved by the book's network2.py? try 'digitnet import')"),
)


def looks_like(data: bytes) -> str | None:
    """What a file that is no safetensors seems to be, from its first bytes (None: no idea)."""
    if not data:
        return "an empty file"
    for start, what in SIGNATURES:
        if data.startswith(start):
            return what
    if data[:1] == b"\x08" and data[2:3] == b"\x12":  # ONNX: ir_version, then producer_name
        return "an ONNX graph ('digitnet export' writes those; models are .safetensors)"
    if not any(c < 32 and c not in b"\t\r\n" for c in data[:512]):  # no control bytes
        return "a text file"
    return None


def from_bytes(data: bytes) -> ModelFile:
    """Parse and check safetensors bytes written by ``to_bytes``."""
    try:
        tensors = load(data)
        metadata = safetensors_metadata(data)
    except Exception as e:  # anything failing to parse untrusted bytes is the file's fault
        seems = looks_like(data)
        what = f": it looks like {seems}" if seems else ""
        raise ModelFileError(f"not a readable safetensors file{what} ({e})") from None
    if metadata.get("format") != FORMAT:
        raise ModelFileError("not a digitnet model (metadata 'format' is missing or different)")
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"format_version {version!r} is not supported (this digitnet reads {FORMAT_VERSION!r});"
            " upgrade digitnet"
        )
    if CHECKSUM in metadata and metadata[CHECKSUM] != _checksum(metadata, tensors):
        raise ModelFileError("contents do not match their sha256: the file is damaged")
    try:
        sizes = json.loads(metadata["sizes"])
        training = json.loads(metadata.get("training", "{}"))
        metrics = json.loads(metadata.get("metrics", "{}"))
        activation, cost = metadata["activation"], metadata["cost"]
    except (KeyError, json.JSONDecodeError, RecursionError) as e:
        raise ModelFileError(f"bad metadata ({e})") from None
    if not isinstance(sizes, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes
    ):
        raise ModelFileError(f"bad metadata: sizes must be a list of positive integers: {sizes}")
    if not isinstance(training, dict) or not isinstance(metrics, dict):
        raise ModelFileError("bad metadata: training and metrics must be JSON objects")

    shapes: dict[str, tuple[int, ...]] = {}
    for l, (n_out, n_in) in enumerate(zip(sizes[1:], sizes[:-1])):
        shapes[f"weights.{l}"], shapes[f"biases.{l}"] = (n_out, n_in), (n_out,)
    with_velocity = set(shapes) | {f"velocity.{name}" for name in shapes}
    names = set(tensors)
    if names not in (set(shapes), with_velocity):
        missing = sorted(set(shapes) - names)
        extra = sorted(names - with_velocity)
        what = f"missing tensors {missing}" if missing else f"unexpected tensors {extra}"
        raise ModelFileError(what if (missing or extra) else "incomplete velocity tensors")
    for name in sorted(names):  # before building the network, whose sizes the file may inflate
        expected = shapes[name.removeprefix("velocity.")]
        if tensors[name].shape != expected:
            raise ModelFileError(
                f"tensor {name} has shape {tensors[name].shape}, expected {expected} "
                f"for sizes {sizes}"
            )
    dtypes = {t.dtype.name for t in tensors.values()}
    if dtypes not in ({"float32"}, {"float64"}):
        raise ModelFileError("tensors must all be float32 or all float64")
    dtype = dtypes.pop()
    try:
        net = Network(sizes, activation, cost, dtype=dtype)
    except ValueError as e:
        raise ModelFileError(str(e)) from None

    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        W[...], b[...] = tensors[f"weights.{l}"], tensors[f"biases.{l}"]
    if not np.all(np.isfinite(net.params)):
        raise ModelFileError("weights or biases contain NaN or infinity")
    velocity = None
    if names == with_velocity:
        velocity = np.empty_like(net.params)
        vW, vb = net.unflatten(velocity)
        for l, (W, b) in enumerate(zip(vW, vb)):
            W[...], b[...] = tensors[f"velocity.weights.{l}"], tensors[f"velocity.biases.{l}"]
        if not np.all(np.isfinite(velocity)):
            raise ModelFileError("the momentum (velocity tensors) contains NaN or infinity")
    return ModelFile(net, training, metrics, velocity)
