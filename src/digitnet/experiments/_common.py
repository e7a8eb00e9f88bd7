"""Pieces the experiments share: a dataset-shaped view of part of a dataset, pictures written
atomically through matplotlib's Agg canvas, and three small statistics (summary, AUROC, R²).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..data import Split
from ..files import atomic_write_bytes
from ..network import Network


@dataclass(frozen=True)
class DataView:
    """Stands in for data.Dataset (train / validation / test splits, name, hashes).

    ``validation`` or ``test`` may be None: training then skips it in its per-epoch history.
    """

    name: str
    train: Split
    validation: Split | None
    test: Split | None
    hashes: dict[str, str] = field(default_factory=dict)

    def full_train(self) -> Split:
        if self.validation is None:
            return self.train
        return Split(
            np.concatenate([self.train.images, self.validation.images]),
            np.concatenate([self.train.labels, self.validation.labels]),
        )


def view(data: Any, subset: int | None = None, validation: bool = True) -> DataView:
    """The first ``subset`` training images of ``data`` (all if None) as a DataView."""
    n = len(data.train.labels) if subset is None else subset
    if n > len(data.train.labels):
        raise ValueError(
            f"subset must be at most the {len(data.train.labels):,} training images, got {n:,}"
        )
    return DataView(
        name=str(getattr(data, "name", "unknown")),
        train=Split(data.train.images[:n], data.train.labels[:n]),
        validation=(
            Split(data.validation.images, data.validation.labels)
            if validation and getattr(data, "validation", None) is not None
            else None
        ),
        test=Split(data.test.images, data.test.labels),
        hashes=dict(getattr(data, "hashes", {}) or {}),
    )


def as_float64(net: Network) -> Network:
    """A float64 copy of ``net`` (same structure and parameters), for exact gradients."""
    twin = Network(net.sizes, net.activation, net.cost, dtype="float64")
    twin.params[...] = net.params
    return twin


def figure(width: float, height: float):
    """A matplotlib Figure on the Agg canvas: no pyplot, no GUI, no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def write_png(fig, path: str | Path) -> Path:
    """Render the figure to PNG bytes, then write them atomically."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def summary(values: np.ndarray) -> dict[str, float]:
    return {"mean": float(np.mean(values)), "median": float(np.median(values))}


def auroc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Area under the ROC curve: P(a positive scores above a negative), ties counting ½.

    The Mann–Whitney statistic, counted with a sorted copy of the negatives.
    """
    negative = np.sort(np.asarray(negative, dtype=np.float64))
    positive = np.asarray(positive, dtype=np.float64)
    below = np.searchsorted(negative, positive, side="left")  # negatives strictly lower
    tied = np.searchsorted(negative, positive, side="right") - below
    return float((below + 0.5 * tied).sum() / (len(positive) * len(negative)))


def r_squared(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """How well a straight line fits y(x): 1 − residual / total sum of squares."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    slope, intercept = np.polyfit(x, y, 1)
    total = ((y - y.mean()) ** 2).sum()
    residual = ((y - (slope * x + intercept)) ** 2).sum()
    return float(1 - residual / total) if total > 0 else 1.0


def thumbnail(ax, x: np.ndarray, title: str) -> None:
    """Show a 784-vector as a 28×28 grey picture with a small title."""
    ax.imshow(np.asarray(x).reshape(28, 28), cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
