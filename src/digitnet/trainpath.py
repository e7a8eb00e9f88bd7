"""The training path: every parameter, recorded every N mini-batches while training runs, so that
the cost landscape can show where training went. Saved beside the model as ``NAME.path.npz``
(plain arrays, no pickle): ``params`` (T, n_params) float32 and ``examples`` (T,) examples seen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .files import atomic_write_bytes

SUFFIX = ".path.npz"


def path_file(model_path: str | Path) -> Path:
    """Where a model's recorded path lives: ``NAME.path.npz`` beside ``NAME.safetensors``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name.removesuffix(".safetensors") + SUFFIX)


@dataclass
class TrainingPath:
    params: np.ndarray  # (T, n_params): θ at each recorded point, the initial weights first
    examples: np.ndarray  # (T,): training examples seen when each point was recorded


class PathRecorder:
    """An ``on_event`` handler for ``training.train``: keeps θ every ``every`` mini-batches.

    ``initial`` is θ before the first step (``config.build_network().params``: the same seed
    gives the same weights); the final θ is added by ``finish``. Costs one copy of the
    parameters per recorded point: 52 kB (float32) for the video's 13,002.
    """

    def __init__(self, every: int, initial: np.ndarray, batch_size: int) -> None:
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"record the path every N ≥ 1 mini-batches, got {every!r}")
        self.every, self.batch_size = every, batch_size
        self.points = [np.array(initial, dtype=np.float32)]
        self.examples = [0]
        self.steps = 0

    def __call__(self, event: Any) -> None:
        if not hasattr(event, "batch"):  # epoch events carry nothing new here
            return
        self.steps += 1
        if self.steps % self.every == 0:
            self.points.append(event.network.params.astype(np.float32))
            self.examples.append(self.steps * self.batch_size)

    def finish(self, params: np.ndarray) -> TrainingPath:
        """The path with the final θ last (unless it was just recorded)."""
        if self.steps % self.every:
            self.points.append(np.array(params, dtype=np.float32))
            self.examples.append(self.steps * self.batch_size)
        return TrainingPath(np.stack(self.points), np.array(self.examples, dtype=np.int64))


def start_path(every: int, plan: Any) -> PathRecorder:
    """A recorder for a planned run (training.Plan): from the weights before training, or from
    the resumed model's (a resumed run's path starts where it resumed)."""
    start = plan.resume.network if plan.resume is not None else plan.config.build_network()
    return PathRecorder(every, start.params, plan.config.batch_size)


def save_path(path: TrainingPath, file: str | Path) -> Path:
    """Write the path as .npz, atomically."""
    buffer = io.BytesIO()
    np.savez(buffer, params=path.params, examples=path.examples)
    atomic_write_bytes(file, buffer.getvalue())
    return Path(file)


def load_path(file: str | Path, n_params: int | None = None) -> TrainingPath:
    """Read a recorded path; a ValueError that says what is wrong with a bad file."""
    try:
        with np.load(file, allow_pickle=False) as z:
            params, examples = z["params"], z["examples"]
    except (OSError, KeyError, ValueError) as e:
        raise ValueError(f"{file}: not a digitnet training path ({e})") from None
    if params.ndim != 2 or examples.shape != (len(params),) or len(params) < 2:
        raise ValueError(f"{file}: a path needs two or more points, got shape {params.shape}")
    if n_params is not None and params.shape[1] != n_params:
        raise ValueError(
            f"{file}: the path has {params.shape[1]:,} parameters, the model {n_params:,}"
        )
    if not np.isfinite(params).all():
        raise ValueError(f"{file}: the path holds NaN or infinite values")
    return TrainingPath(params, examples)
