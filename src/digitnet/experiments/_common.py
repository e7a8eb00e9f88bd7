"""Pieces the experiments share: the shape every experiment has (its options and inputs),
pictures written atomically through matplotlib's Agg canvas, and three small statistics
(summary, AUROC, R²).

Every experiment module has NAME, SUMMARY, NEEDS_MODEL, OPTIONS (a tuple of Option), and
run(inputs, **options) → result (a dict with a "conclusion"), text(result) → lines,
draw(result) → a PIL image (a notebook shows it by itself) and picture(result, path) → the
files written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from ..data import FASHION_MNIST_CLASSES, Dataset
from ..errors import SettingError
from ..files import atomic_write_bytes
from ..network import Network

DRAWING = "drawing"  # a result's key for what only its picture needs: left out of reports


@dataclass(frozen=True)
class Option:
    """One setting of an experiment: ``run``'s keyword ``name``, given as ``--name`` (``_`` as
    ``-``) on the command line. ``kind`` says what values it takes (checked where it is read):
    count (whole number ≥ 1), index (whole number ≥ 0), positive (number > 0), non-negative
    (number ≥ 0), number (any finite number), choice (one of ``choices``), address (a Dask
    scheduler's, tcp://HOST:PORT), text (a file name or a short spec the experiment reads)."""

    name: str
    default: Any
    help: str
    kind: str = "count"
    choices: tuple[str, ...] = ()
    many: bool = False  # one or more values


@dataclass
class Inputs:
    """What an experiment runs on: the data, and the trained model for those that study one."""

    data: Dataset
    network: Network | None = None
    model: Path | None = None  # where the network came from, for the report
    folder: Path = field(default_factory=Path)  # where its pictures and tables go
    progress: Callable[[str], None] | None = None  # one line at a time, while it runs

    def net(self) -> Network:
        if self.network is None:
            raise ValueError("this experiment needs a trained network")
        return self.network


def chosen_example(
    inputs: Inputs, index: int, split: str, image: str | None, label: int | None
) -> tuple[np.ndarray, int, str]:
    """The input an experiment looks at, as the web page offers it: an image file, or image
    ``index`` of a split ("train": all the training images, or "test"); and its label (default:
    the image's own, or the network's answer for a file). Returns (x (784,), label, words)."""
    from ..images import image_to_input

    net = inputs.net()
    if image is not None:
        x = image_to_input(image)
        source = f"the image {image}"
        default = int(net.predict(x[None, :])[0])
    else:
        images = inputs.data.full_train() if split == "train" else inputs.data.test
        if index >= len(images.labels):
            raise SettingError(f"--index must be below {len(images.labels):,}, got {index:,}")
        x, default = images.images[index], int(images.labels[index])
        source = f"{split} image {index}"
    if label is not None and not 0 <= label < net.sizes[-1]:
        raise SettingError(f"--label must be a digit 0–{net.sizes[-1] - 1}, got {label}")
    return x, default if label is None else label, source


def counted(n: int, word: str) -> str:
    """ "1 epoch", "3 epochs", "1,000 runs": a count with its noun, singular for one."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def a_digit(d: int) -> str:
    """ "a 5", "an 8": a digit with its article, as it is read aloud."""
    return f"an {d}" if str(d).startswith("8") else f"a {d}"


@dataclass(frozen=True)
class Classes:
    """How a text names what the network reads: digits ("a 5", "real digits") for MNIST and
    any other data, Fashion-MNIST's clothes ("a dress (3)", "real clothes images") for it."""

    dataset: str | None = "mnist"

    @property
    def digits(self) -> bool:
        return self.dataset != "fashion-mnist"

    @property
    def one(self) -> str:
        return "digit" if self.digits else "class"

    @property
    def many(self) -> str:
        return "digits" if self.digits else "classes"

    @property
    def real(self) -> str:
        return "real digits" if self.digits else "real clothes images"

    def a(self, d: int) -> str:
        """ "a 5", or "an ankle boot (9)" """
        if self.digits:
            return a_digit(d)
        name = FASHION_MNIST_CLASSES[d]
        return f"{'an' if name[0] in 'aeiou' else 'a'} {name} ({d})"

    def name(self, d: int) -> str:
        """ "5", or "dress" """
        return str(d) if self.digits else FASHION_MNIST_CLASSES[d]


def report(result: dict[str, Any]) -> dict[str, Any]:
    """A result as its report shows it: without what only the picture needs."""
    return {k: v for k, v in result.items() if k != DRAWING}


def figure(width: float, height: float):
    """A matplotlib Figure on the Agg canvas: no pyplot, no GUI, no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def as_image(fig) -> Image.Image:
    """A figure rendered as a PIL image: what a notebook shows by itself, and what is saved."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    image = Image.open(buffer)
    image.load()
    return image


def write_png(picture, path: str | Path) -> Path:
    """Write a PIL image (or render a matplotlib figure) as PNG, atomically."""
    if not isinstance(picture, Image.Image):
        picture = as_image(picture)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
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
