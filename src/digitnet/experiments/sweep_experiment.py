"""The sweep in the shape every experiment has (NAME, OPTIONS, run, text, picture), over
`sweeps.py`, which does the work. Kept apart while sweeps.py moves onto Dask; it folds into
sweeps.py after that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..functions import ACTIVATIONS
from . import sweeps
from ._common import Inputs, Option

NAME = "sweep"
SUMMARY = "train a grid of structures and settings over seeds"
NEEDS_MODEL = False
FOLDER = "sweep"  # its own folder in the models folder: a table, a cache and a picture
_GRID = sweeps.Grid()
OPTIONS = (
    Option(
        "layers",
        None,
        "hidden layer sizes of one structure; repeat for more: --layers 16 16 --layers 32 "
        "(default: 16 16, 32 32, 64 64)",
        many=True,
    ),
    Option("activation", list(_GRID.activations), "σ to try", "choice", tuple(ACTIVATIONS), True),
    Option("lr", list(_GRID.learning_rates), "learning rates to try", "positive", many=True),
    Option("batch_size", list(_GRID.batch_sizes), "mini-batch sizes to try", many=True),
    Option("epochs", list(_GRID.epochs), "epochs to try", many=True),
    Option("seeds", 2, "seeds per configuration"),
    Option("workers", 2, "processes (default 2)"),
)


def _once(values) -> tuple:
    """Each value once, in order: `--epochs 3 3` trains 3 epochs once, not twice."""
    return tuple(dict.fromkeys(values))


def run(
    inputs: Inputs,
    *,
    layers=None,
    activation=_GRID.activations,
    lr=_GRID.learning_rates,
    batch_size=_GRID.batch_sizes,
    epochs=_GRID.epochs,
    seeds: int = 2,
    workers: int = 2,
) -> dict[str, Any]:
    """`sweeps.sweep` over the grid the settings span; runs finished before are read from
    ``sweep-cache.jsonl`` in the inputs' folder."""
    structures = layers or _GRID.layers
    structures = [structures] if structures and isinstance(structures[0], int) else structures
    grid = sweeps.Grid(
        layers=_once(tuple(s) for s in structures),
        activations=_once(activation),
        learning_rates=_once(lr),
        batch_sizes=_once(batch_size),
        epochs=_once(epochs),
    )
    cache = inputs.folder / "sweep-cache.jsonl"
    total, count, say = grid.size * seeds, 0, inputs.progress

    def progress(row: dict, cached: bool) -> None:
        nonlocal count
        count += 1
        if say is not None:
            accuracy = "diverged" if row["diverged"] else f"{row['test_accuracy']:.2%}"
            how = "cached" if cached else f"{row['seconds']:.0f} s"
            say(
                f"  [{count}/{total}] {sweeps.describe(row['config'])}, seed {row['seed']}: "
                f"{accuracy} ({how})"
            )

    result = sweeps.sweep(inputs.data, grid, seeds, workers, cache, on_run=progress)
    return {**result, "cache": str(cache)}


def text(result: dict[str, Any]) -> list[str]:
    lines = [f"{'configuration':<58} {'params':>8} {'test accuracy':>17} {'s/run':>6}"]
    for row in result["summary"]:
        accuracy = (
            "diverged"
            if row["test_accuracy_mean"] is None
            else f"{row['test_accuracy_mean']:.2%} ± {row['test_accuracy_std']:.2%}"
        )
        lines.append(
            f"{row['configuration']:<58} {row['parameters']:>8,} {accuracy:>17} "
            f"{row['seconds_mean']:>6.0f}"
        )
    return lines


def picture(result: dict[str, Any], path: str | Path) -> dict[str, Path]:
    """sweep.png, with sweep.csv and sweep.json beside it."""
    return sweeps.write_outputs(result, Path(path).parent)
