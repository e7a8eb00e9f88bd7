"""Shared fixtures: tiny synthetic digit data, so unit tests never download anything."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from digitnet.data import Split


@dataclass(frozen=True)
class TinyData:
    """Stands in for data.Dataset: the same attributes, made of synthetic 28×28 'digits'."""

    train: Split
    validation: Split
    test: Split
    name: str = "synthetic"
    hashes: tuple = ()

    def full_train(self) -> Split:
        return Split(
            np.concatenate([self.train.images, self.validation.images]),
            np.concatenate([self.train.labels, self.validation.labels]),
        )


def synthetic_digits(n: int, seed: int = 0) -> Split:
    """n noisy 28×28 images whose class d (0..9) lights one of ten horizontal bands."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    for i, d in enumerate(labels):
        images[i, 2 + 2 * d : 4 + 2 * d, 4:24] = 1.0
    return Split(images.reshape(n, 784), labels)


def tiny_data(n_train: int = 200, n_val: int = 50, n_test: int = 50) -> TinyData:
    return TinyData(
        synthetic_digits(n_train, 1), synthetic_digits(n_val, 2), synthetic_digits(n_test, 3)
    )


@pytest.fixture
def tiny() -> TinyData:
    return tiny_data()


@pytest.fixture(autouse=True)
def _isolated_homes(tmp_path_factory, monkeypatch):
    """Keep every test's models folder (not the data cache) out of the user's home."""
    monkeypatch.setenv("DIGITNET_MODELS", str(tmp_path_factory.mktemp("models")))
