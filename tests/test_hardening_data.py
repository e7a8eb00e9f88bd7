"""A damaged data cache, however damaged, is detected, set aside and rebuilt from the next source.

Tiny uint8 arrays stand in for MNIST, their sha256s monkeypatched in as the canonical ones
(tests/test_data.py covers the sources themselves and four kinds of damage; these are the rest:
every few bytes cut, a sample of flipped bytes, compressed archives, arrays of the wrong kind).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitnet.data import KEYS, load_dataset
from digitnet.data import sources as data

pytest_plugins = ("hardening_tally",)


def tiny_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    return {
        "train_images": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 12).astype(np.uint8),
        "test_images": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 4).astype(np.uint8),
    }


@pytest.fixture
def arrays(monkeypatch, tmp_path) -> dict[str, np.ndarray]:
    arrays = tiny_arrays()
    hashes = {k: hashlib.sha256(a.data).hexdigest() for k, a in arrays.items()}
    monkeypatch.setitem(data.CANONICAL_HASHES, "mnist", hashes)
    monkeypatch.setattr(data, "VALIDATION_SIZE", 2)
    monkeypatch.delenv("DIGITNET_DATA", raising=False)
    monkeypatch.setattr(data.os, "fsync", lambda fd: None)  # speed; durability is not tested here
    return arrays


class Source:
    """The next source in line: hands out the good arrays and counts the calls."""

    def __init__(self, arrays):
        self.arrays, self.calls = arrays, 0

    def __call__(self, folder: Path, progress: bool):
        self.calls += 1
        return {k: a.copy() for k, a in self.arrays.items()}


def npz_bytes(arrays, compressed: bool = False) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def load_with_damaged_cache(folder: Path, damaged: bytes, arrays) -> tuple[str, int]:
    """Put `damaged` where the cache goes and load: must give the verified arrays, always."""
    cache = folder / "mnist.npz"
    cache.write_bytes(damaged)
    source = Source(arrays)
    dataset = load_dataset(cache_dir=folder, sources=[("next source", source)], progress=False)
    full = dataset.full_train()  # whatever was read is the good data, bit for bit
    for split, images, labels in (
        (full, "train_images", "train_labels"),
        (dataset.test, "test_images", "test_labels"),
    ):
        pixels = np.rint(split.images * 255).reshape(arrays[images].shape)
        np.testing.assert_array_equal(pixels, arrays[images])
        np.testing.assert_array_equal(split.labels, arrays[labels])
    assert cache.is_file() and [p.name for p in folder.iterdir()] == ["mnist.npz"]
    return dataset.source, source.calls


def assert_rebuilt(folder: Path, arrays) -> None:
    """After the rebuild, the cache alone serves the data."""
    again = load_dataset(cache_dir=folder, sources=[], progress=False)
    assert again.source.startswith("cache ")


@pytest.mark.parametrize("compressed", [False, True])
def test_cache_cut_every_few_bytes_is_detected_and_rebuilt(
    arrays, tmp_path, capsys, compressed, tally
):
    blob = npz_bytes(arrays, compressed)
    cuts = range(0, len(blob), 157)  # and so about 80 cuts
    for cut in cuts:
        source, calls = load_with_damaged_cache(tmp_path, blob[:cut], arrays)
        assert source == "next source" and calls == 1
    assert "deleting the cache" in capsys.readouterr().err
    assert_rebuilt(tmp_path, arrays)
    tally.bad_input("data cache truncated", len(cuts))


@pytest.mark.parametrize("compressed", [False, True])
def test_cache_with_a_flipped_byte_is_detected_by_its_hash_or_harmless(
    arrays, tmp_path, capsys, compressed, tally
):
    blob = npz_bytes(arrays, compressed)
    rng = np.random.default_rng(11)
    positions = rng.choice(len(blob), size=150, replace=False)
    from_cache = 0
    for pos in positions:
        damaged = bytearray(blob)
        damaged[pos] ^= int(rng.integers(1, 256))
        source, calls = load_with_damaged_cache(tmp_path, bytes(damaged), arrays)
        from_cache += source.startswith("cache ")  # a flip in a zip timestamp: data intact
    capsys.readouterr()
    assert from_cache < len(positions) // 5
    tally.fuzz("data cache byte flipped", len(positions))


def wrong(arrays, **changes) -> dict[str, np.ndarray]:
    return {**arrays, **changes}


def wrong_caches(a: dict[str, np.ndarray]) -> dict[str, bytes]:
    swapped = wrong(a, train_images=a["test_images"], test_images=a["train_images"])
    swapped = wrong(swapped, train_labels=a["test_labels"], test_labels=a["train_labels"])
    one_pixel = a["train_images"].copy()
    one_pixel[0, 0, 0] ^= 1
    keras = dict(zip(("x_train", "y_train", "x_test", "y_test"), (a[k] for k in KEYS)))
    keras["y_test"] = keras["y_test"][::-1].copy()
    zip_of_text = io.BytesIO()
    with zipfile.ZipFile(zip_of_text, "w") as z:
        z.writestr("train_images.npy", "not a .npy file")
    return {
        "empty file": b"",
        "text": b"train_images = [[0, 0, 0]]\n",
        "a zip of text": zip_of_text.getvalue(),
        "one .npy, not an archive": _npy(a["test_labels"]),
        "train and test swapped": npz_bytes(swapped),
        "one pixel changed": npz_bytes(wrong(a, train_images=one_pixel)),
        "keras keys, labels reversed": npz_bytes(keras),
        "float images": npz_bytes(wrong(a, train_images=a["train_images"] / 255.0)),
        "int64 labels above 255": npz_bytes(
            wrong(a, test_labels=a["test_labels"].astype(np.int64) + 300)
        ),
        "labels 10 and up": npz_bytes(wrong(a, test_labels=a["test_labels"] + 10)),
        "images 28 by 27": npz_bytes(wrong(a, test_images=a["test_images"][:, :, :27].copy())),
        "images flattened": npz_bytes(wrong(a, test_images=a["test_images"].reshape(4, 784))),
        "one label too few": npz_bytes(wrong(a, test_labels=a["test_labels"][:-1].copy())),
        "labels as a scalar": npz_bytes(wrong(a, test_labels=np.uint8(3))),
        "object array (a pickle)": npz_bytes(wrong(a, test_labels=np.array([1, "x"], object))),
        "a missing key": npz_bytes({k: v for k, v in a.items() if k != "test_images"}),
        "uint16 pixels above 255": npz_bytes(
            wrong(a, test_images=a["test_images"].astype(np.uint16) + 256)
        ),
    }


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(wrong_caches(tiny_arrays())))
def test_cache_holding_the_wrong_arrays_is_refused_and_rebuilt(
    arrays, tmp_path, capsys, case, tally
):
    source, calls = load_with_damaged_cache(tmp_path, wrong_caches(arrays)[case], arrays)
    assert source == "next source" and calls == 1
    assert "warning" in capsys.readouterr().err
    assert_rebuilt(tmp_path, arrays)
    tally.bad_input("data cache with wrong arrays")


def test_cache_that_is_a_folder_is_passed_over(arrays, tmp_path, capsys, tally):
    (tmp_path / "mnist.npz").mkdir()
    source = Source(arrays)
    dataset = load_dataset(cache_dir=tmp_path, sources=[("next source", source)], progress=False)
    assert dataset.source == "next source" and dataset.cache_path is None
    assert "cannot write the cache" in capsys.readouterr().err
    tally.bad_input("data cache is a folder")


def test_a_damaged_user_npz_is_an_error_never_a_crash(arrays, tmp_path, tally):
    blob = npz_bytes(arrays, compressed=True)
    rng = np.random.default_rng(3)
    positions = rng.choice(len(blob), size=100, replace=False)
    for pos in positions:
        damaged = bytearray(blob)
        damaged[pos] ^= 0xFF
        path = tmp_path / "mnist.npz"
        path.write_bytes(bytes(damaged))
        try:
            load_dataset(data_path=path, cache_dir=tmp_path / "cache", progress=False)
        except data.DataError as e:
            assert "\n" not in str(e)
    tally.fuzz("user .npz byte flipped", len(positions))
