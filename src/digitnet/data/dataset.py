"""The one dataset type: a Split is examples as rows with their labels; a Dataset is the book's
train / validation / test splits, with where they came from. Nothing here reads files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

# Fashion-MNIST's ten classes, in the order of its labels 0–9 (Zalando's README).
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)


def class_names(dataset: str) -> tuple[str, ...]:
    """What each of the ten outputs means: the digits "0"…"9", or Fashion-MNIST's clothes."""
    if dataset == "fashion-mnist":
        return FASHION_MNIST_CLASSES
    return tuple(str(d) for d in range(10))


def readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def pixels_to_floats(pixels: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """uint8 pixels v (0 black … 255 white) → float32 v/255 in [0, 1]: the one conversion,
    used by the loader and by training's gather alike, so both give the same bits."""
    return np.divide(pixels, np.float32(255), out=out, dtype=np.float32)


@dataclass(frozen=True, eq=False)
class Split:
    """Examples as rows and their labels: ``images`` (n, 784) float32 in [0, 1] (0 black,
    1 white ink), ``labels`` (n,).

    A split may keep its images as MNIST stores them, uint8 0..255 (``pixels``); then the
    floats v/255 are made the first time ``images`` is read, and training reads the bytes
    directly (a quarter of the memory). Arrays from `load_dataset` are C-contiguous and
    read-only; labels are uint8 digits 0..9.
    """

    stored: np.ndarray  # (n, 784) float images in [0, 1], or uint8 pixels 0..255
    labels: np.ndarray  # (n,) uint8

    def __post_init__(self) -> None:
        if self.stored.ndim != 2 or len(self.stored) != len(self.labels):
            raise ValueError(
                f"images must be (n, 784) with one label per row, got images "
                f"{self.stored.shape} and labels {self.labels.shape}"
            )

    @cached_property
    def images(self) -> np.ndarray:
        """(n, 784) floats in [0, 1]: the stored floats, or v/255 of the stored uint8 pixels."""
        if self.pixels is None:
            return self.stored
        return readonly(pixels_to_floats(self.stored))

    @property
    def pixels(self) -> np.ndarray | None:
        """The uint8 pixels, if that is how this split holds its images (else None)."""
        return self.stored if self.stored.dtype == np.uint8 else None

    def __len__(self) -> int:
        return len(self.labels)

    def head(self, n: int) -> Split:
        """The first n examples (views, no copy)."""
        return Split(self.stored[:n], self.labels[:n])

    def rows(self, rows: np.ndarray) -> Split:
        """The examples at ``rows`` (a copy), held the same way as this split's."""
        return Split(self.stored[rows], self.labels[rows])


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
            both = (self.train, self.validation)
            same_kind = all(split.pixels is not None for split in both)  # bytes stay bytes
            images = np.concatenate([s.stored if same_kind else s.images for s in both])
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
