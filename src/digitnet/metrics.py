"""How a network does on a labelled set: the confusion matrix, accuracy per digit, its mistakes.

Pure functions of labels and answers (integer arrays); the CLI, the pictures and the web page
all count with these, so they agree.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def confusion_matrix(labels: npt.ArrayLike, answers: npt.ArrayLike, n: int = 10) -> np.ndarray:
    """Counts (n, n): row = true digit, column = the network's answer."""
    confusion = np.zeros((n, n), dtype=np.int64)
    np.add.at(confusion, (np.asarray(labels, dtype=np.int64), np.asarray(answers)), 1)
    return confusion


def per_digit_accuracy(confusion: npt.ArrayLike) -> np.ndarray:
    """For each true digit, the share of its images answered right (0 for a digit never seen)."""
    confusion = np.asarray(confusion)
    return confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)


def mistakes(
    labels: npt.ArrayLike, answers: npt.ArrayLike, confidences: npt.ArrayLike | None = None
) -> np.ndarray:
    """Indices of the wrong answers: in data order, or most confident first (ties in data
    order) when ``confidences`` (each answer's output activation) are given."""
    wrong = np.flatnonzero(np.asarray(labels) != np.asarray(answers))
    if confidences is None:
        return wrong
    return wrong[np.argsort(-np.asarray(confidences)[wrong], kind="stable")]
