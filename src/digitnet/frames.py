"""The weight movie's frames: the first layer's weights copied every N mini-batches while
training (an event handler for `training.train`), kept in a sidecar ``NAME.frames.npz``.

However long the run and whatever N, the recorder keeps at most KEPT_FRAMES frames (it
doubles N and drops every other frame when full), and the movie shows MOVIE_FRAMES of them,
spread evenly over the run. `pictures.weights_movie` turns them into a GIF; nothing here draws.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .files import MODEL_SUFFIX, atomic_write_bytes
from .training import BatchEvent, Plan, TrainResult

MOVIE_FRAMES = 60  # frames in the weight movie (9 s at 150 ms a frame), whatever the run
KEPT_FRAMES = 2 * MOVIE_FRAMES  # frames the recorder keeps at most


@dataclass(frozen=True)
class Frames:
    """First-layer weights recorded during training: frames (k, n, 784), epoch and batch (k,)."""

    frames: np.ndarray
    epoch: np.ndarray  # 0 for the weights before training
    batch_index: np.ndarray  # mini-batch within its epoch, 1-based

    def spread(self, n: int = MOVIE_FRAMES) -> Frames:
        """At most n of the frames, evenly spread over the run, the first and last included."""
        keep = np.unique(np.linspace(0, len(self.frames) - 1, min(n, len(self.frames))).round())
        pick = keep.astype(np.int64)
        return Frames(self.frames[pick], self.epoch[pick], self.batch_index[pick])

    def captions(self) -> list[str]:
        return [
            "before training" if e == 0 else f"epoch {e}, batch {b}"
            for e, b in zip(self.epoch, self.batch_index)
        ]


def frames_path(model_path: str | Path) -> Path:
    """The movie frames' sidecar of a model file: ``NAME.frames.npz`` beside
    ``NAME.safetensors``, as its recorded path is ``NAME.path.npz``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name.removesuffix(MODEL_SUFFIX) + ".frames.npz")


def recorded_frames(model_path: str | Path) -> Path | None:
    """A model's frames file, if it has one: ``NAME.frames.npz``, else the name earlier
    versions gave it, ``NAME.safetensors.frames.npz``."""
    for path in (frames_path(model_path), Path(f"{model_path}.frames.npz")):
        if path.exists():
            return path
    return None


def load_frames(path: str | Path) -> Frames:
    """Read what `save_frames` wrote; anything else is a one-line ValueError."""
    try:
        z = np.load(path, allow_pickle=False)
        if not hasattr(z, "files"):
            raise ValueError("one .npy array, not an .npz archive")
        with z:
            f = Frames(z["frames"], z["epoch"], z["batch_index"])
    except Exception as e:  # a damaged zip or .npy header fails in many ways; all are the file's
        raise ValueError(f"{path}: not a weight-frames file ({e})") from None
    if f.frames.ndim != 3 or f.frames.shape[2] != 784:
        raise ValueError(f"{path}: frames have shape {f.frames.shape}, expected (k, n, 784)")
    if not len(f.frames) == len(f.epoch) == len(f.batch_index):
        raise ValueError(f"{path}: frames, epoch and batch_index do not match")
    return f


def save_frames(path: str | Path, frames: Frames) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, frames=frames.frames, epoch=frames.epoch, batch_index=frames.batch_index)
    atomic_write_bytes(path, buffer.getvalue())


class WeightRecorder:
    """A `train` event handler: a float16 copy of the first layer's weights every N batches.

    When it holds ``limit`` frames it doubles N and keeps only the frames at multiples of the
    new N (the first, before training, always), so a run of any length ends with between
    limit/2 and ``limit`` frames, evenly spaced."""

    def __init__(
        self,
        every: int,
        previous: Frames | None = None,
        upto_epoch: int = 0,
        limit: int = KEPT_FRAMES,
    ) -> None:
        self.every, self.limit = every, limit
        self.rows: list[tuple[int | None, int, int, np.ndarray]] = []  # step, epoch, batch, W
        self.batches = 0  # mini-batches per epoch, known from the first event
        if previous is not None:  # a resumed run: keep the frames of the epochs it kept
            old = zip(previous.epoch, previous.batch_index, previous.frames)
            self.rows = [(None, int(e), int(b), W) for e, b, W in old if e <= upto_epoch]

    def record(self, W: np.ndarray, epoch: int, batch: int, step: int | None = None) -> None:
        self.rows.append((step, epoch, batch, np.asarray(W, dtype=np.float16)))
        while len(self.rows) >= self.limit:
            self.every *= 2
            self.rows = [r for i, r in enumerate(self.rows) if self._keeps(r, i)]

    def _keeps(self, row: tuple, i: int) -> bool:
        step, epoch, batch = row[0], row[1], row[2]
        if step is None:  # a resumed run's frame: step from its epoch and batch
            step = (epoch - 1) * self.batches + batch if epoch else 0
        return step % self.every == 0 if self.batches else i % 2 == 0

    def __call__(self, event: object) -> None:
        if isinstance(event, BatchEvent):
            self.batches = event.batches
            step = (event.epoch - 1) * event.batches + event.batch  # counts across epochs
            if step % self.every == 0:
                self.record(event.network.weights[0], event.epoch, event.batch, step)

    def result(self, upto_epoch: int) -> Frames | None:
        """The frames of complete epochs (an interrupted epoch is trained again), or None."""
        rows = [row for row in self.rows if row[1] <= upto_epoch]
        if not rows:
            return None
        _, epoch, batch, frames = zip(*rows)
        return Frames(np.stack(frames), np.array(epoch, np.int64), np.array(batch, np.int64))


def start_recording(every: int, plan: Plan) -> WeightRecorder:
    """A recorder for a planned run: a new run starts with the weights before training; a
    resumed one keeps the frames of the epochs its checkpoint kept."""
    if plan.resume is None:
        recorder = WeightRecorder(every)
        recorder.record(plan.config.build_network().weights[0], epoch=0, batch=0, step=0)
        return recorder
    done = int(plan.resume.training.get("epochs_done", 0))
    previous = recorded_frames(plan.resumed_from) if plan.resumed_from else None
    frames = load_frames(previous) if previous is not None else None
    return WeightRecorder(every, frames, upto_epoch=done)


def keep_frames(recorder: WeightRecorder | None, result: TrainResult, plan: Plan) -> None:
    """Save the run's frames beside its model; a new model drops an old movie not its own."""
    frames = recorder.result(result.epochs_done) if recorder else None
    if frames is not None:
        save_frames(frames_path(plan.out), frames)
    elif plan.resume is None and result.epochs_done:
        while (old := recorded_frames(plan.out)) is not None:
            old.unlink()
