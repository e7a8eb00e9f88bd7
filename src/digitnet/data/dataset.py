"""The one dataset type: a Split is examples as rows with their labels; a Dataset is the book's
train / validation / test splits, with where they came from. Nothing here reads files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


def readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Split:
    """Examples as rows: images (n, 784) float32 in [0, 1] (0 black, 1 white ink), labels (n,).

    Arrays from `load_dataset` are C-contiguous and read-only; labels are uint8 digits 0..9.
    """

    images: np.ndarray  # (n, 784) float32
    labels: np.ndarray  # (n,) uint8

    def __post_init__(self) -> None:
        if self.images.ndim != 2 or len(self.images) != len(self.labels):
            raise ValueError(
                f"images must be (n, 784) with one label per row, got images "
                f"{self.images.shape} and labels {self.labels.shape}"
            )

    def __len__(self) -> int:
        return len(self.labels)

    def head(self, n: int) -> Split:
        """The first n examples (views, no copy)."""
        return Split(self.images[:n], self.labels[:n])


@dataclass(frozen=True, eq=False)
class Dataset:
    """A dataset: the book's train / validation / test splits and where it came from.

    Loaded MNIST is 50,000 / 10,000 / 10,000 (validation: the last 10,000 training images);
    tests and experiments build smaller ones the same way, from any arrays.
    """

    name: str  # "mnist", "fashion-mnist", or what a hand-made dataset calls itself
    train: Split  # first 50,000 training images
    validation: Split  # last 10,000 training images
    test: Split  # 10,000 test images
    source: str = "arrays"  # e.g. "cache /root/.cache/digitnet/mnist.npz"
    cache_path: Path | None = None  # the cache file holding these arrays, if there is one
    hashes: dict[str, str] = field(default_factory=dict)  # sha256 of the uint8 arrays
    # train + validation as one array, when they are views of it (a loaded dataset): no copy
    whole_train: Split | None = field(default=None, repr=False)

    def full_train(self) -> Split:
        """All training examples (train + validation), views of one array; built once."""
        whole = self.whole_train
        if whole is None:
            images = np.concatenate([self.train.images, self.validation.images])
            labels = np.concatenate([self.train.labels, self.validation.labels])
            whole = Split(readonly(images), readonly(labels))
            object.__setattr__(self, "whole_train", whole)
        return whole

    def subset(self, n: int | None = None) -> Dataset:
        """The same dataset with only its first ``n`` training images (all if None); the
        validation and test splits stay whole. Views, no copy."""
        n = len(self.train) if n is None else n
        if n > len(self.train):
            raise ValueError(
                f"subset must be at most the {len(self.train):,} training images, got {n:,}"
            )
        return Dataset(
            self.name,
            self.train.head(n),
            self.validation,
            self.test,
            self.source,
            self.cache_path,
            dict(self.hashes),
        )
