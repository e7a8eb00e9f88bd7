"""What the server holds: the models folder and the model being served, the dataset (loaded
once, when first needed) and the training run (one at a time, in a thread, its events kept for
the event stream). Refusals are HTTPExceptions with one clear message; the routes only call.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel

from ..ball import MAX_IMAGES, Ball
from ..data import DataError
from ..experiments import landscape as landscapes
from ..explain import encode_array
from ..files import MODEL_SUFFIX, claim_new_model, model_files
from ..modelfile import ModelFile, ModelFileError, load_digit_model, newest_model, save_model
from ..network import Network
from ..training import (
    BatchEvent,
    DivergedError,
    EpochEvent,
    StopTraining,
    TrainConfig,
    TrainResult,
    checkpoint_model,
    fit,
    stuck_hint,
)
from .page import model_json

# Heavy requests at once: a core kept for drawing, two at least, in two lanes so that a long one
# (a landscape, a cosine curve: a minute on a loaded machine) never holds up a short one.
WORKERS = max(2, (os.cpu_count() or 1) - 1)
LONG_WORKERS = WORKERS // 2
QUEUED_PER_WORKER = 8  # heavy requests waiting, per worker, before the next gets 503
RETRY_AFTER_SECONDS = 2
CACHE_BYTES = 64_000_000  # heavy answers kept by their inputs, counted as their JSON (all lanes)
MAX_GRIDS = 64  # weight grids shown (and streamed) at most: the first 64 hidden neurons
COST_POINTS_PER_EPOCH = 50  # the cost curve's points: each the mean of the mini-batches since
WEIGHTS_EVERY_SECONDS = 0.5
RECENT_BALLS = 200  # the ball's latest positions kept, each one (at 20 a second: 10 s) …
OLDER_BALLS = 200  # … and at most this many before them, thinned evenly as the run goes on

log = logging.getLogger("digitnet.web")


def default_data_loader(name: str = "mnist") -> Any:
    from ..data import load_dataset

    return load_dataset(name, progress=False)


class EventLog:
    """A run's events for the event stream, numbered 0, 1, 2, … as they come, in bounded
    memory: a "plane" replaces the planes and ball positions before it (it carries the trail
    so far, re-projected onto it), and of its ball positions the latest RECENT_BALLS are kept
    and at most OLDER_BALLS before them, every other one dropped when there are more. The
    rest (status, cost points, epochs) is kept whole: a few per epoch. So a late subscriber
    gets the current plane and a trail on it, however long the run."""

    def __init__(self, recent: int = RECENT_BALLS, older: int = OLDER_BALLS) -> None:
        self.recent, self.older = recent, older
        self.kept: list[tuple[int, dict[str, Any]]] = []  # (number, event), in order
        self.count = 0  # events added so far: the next one's number
        self.balls = 0  # ball positions kept

    def add(self, event: dict[str, Any]) -> None:
        if event["type"] == "plane":
            self.kept = [(i, e) for i, e in self.kept if e["type"] not in ("plane", "ball")]
            self.balls = 0
        self.kept.append((self.count, event))
        self.count += 1
        if event["type"] != "ball":
            return
        self.balls += 1
        if self.balls > self.recent + self.older:  # every other older one goes, the first stays
            balls = [k for k, (_, e) in enumerate(self.kept) if e["type"] == "ball"]
            gone = set(balls[: -self.recent][1::2])
            self.kept = [item for k, item in enumerate(self.kept) if k not in gone]
            self.balls -= len(gone)

    def since(self, cursor: int) -> list[tuple[int, dict[str, Any]]]:
        """The kept events numbered `cursor` or more, with their numbers."""
        return [(i, e) for i, e in self.kept if i >= cursor]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for _, e in self.kept if e["type"] == kind]


class TrainingRun:
    """One training run in a background thread; its events are kept for the event stream.
    ball: follow the weights on a plane of the real cost (ball.py: "plane" and "ball" events);
    images: train on only the first N training images (all of them if None or fewer)."""

    def __init__(
        self,
        config: TrainConfig,
        data_loader: Callable[[], Any],
        ball: bool = True,
        images: int | None = None,
    ) -> None:
        self.config = config
        self.images = images
        self.data_loader = data_loader
        self.data: Any = None
        self.events = EventLog()
        self.weights: dict[str, Any] | None = None  # the latest snapshot of the weight grids
        self.measured: Network | None = None  # the weights at the last epoch's end (measured)
        self.weights_version = 0
        self.result: TrainResult | None = None
        self.error: str | None = None
        self.finished = False
        self.stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._costs = CostMeans(COST_POINTS_PER_EPOCH)
        self._last_weights = 0.0
        self.ball: Ball | None = None
        self.follow = ball
        self.thread = threading.Thread(target=self._run, name="digitnet-train", daemon=True)

    def _add(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.add(event)

    def _snapshot_weights(self, net: Network) -> None:
        W = net.weights[0][:MAX_GRIDS]
        snapshot = {"neurons": net.sizes[1], "shown": len(W), "weights": encode_array(W)}
        with self._lock:
            self.weights = snapshot
            self.weights_version += 1

    def on_event(self, event: BatchEvent | EpochEvent) -> None:
        if isinstance(event, BatchEvent) and self.stop_requested.is_set():
            raise StopTraining  # (an epoch still being measured is reported first: its row is kept)
        if self.ball is not None:
            self.ball(event)
        now = time.monotonic()
        if isinstance(event, BatchEvent):
            point = self._costs.add(event.batch, event.batches, event.cost)
            if point is not None:
                mean, n = point
                self._add(
                    {
                        "type": "batch",
                        "epoch": event.epoch,
                        "batch": event.batch,
                        "batches": event.batches,
                        "cost": mean,  # the mean cost of the `mean_of` mini-batches up to here
                        "mean_of": n,
                    }
                )
        else:
            self.measured = event.network.copy()  # the weights this row's accuracies are of
            row = {k: float(v) for k, v in event.row.items()}
            hint = stuck_hint(row, self.config)  # the CLI's own words for a run gone nowhere
            self._add(
                {
                    "type": "epoch",
                    "epoch": event.epoch,
                    "epochs": event.epochs,
                    "row": row,
                    "hint": hint,
                }
            )
        if isinstance(event, EpochEvent) or now - self._last_weights >= WEIGHTS_EVERY_SECONDS:
            self._last_weights = now
            self._snapshot_weights(event.network)
        if self.stop_requested.is_set():
            raise StopTraining

    def _run(self) -> None:
        try:
            self._add({"type": "status", "message": "loading the data"})
            self.data = data = self.data_loader()
            if self.images is not None:
                data = data.subset(min(self.images, len(data.train)))
            if self.follow:
                train = data.train.head(MAX_IMAGES)  # its first images, as floats
                start = self.config.build_network()  # θ₀: the same seed, the same weights
                self.ball = Ball(start, start.params, train.images, train.labels, self._add)
            self._add({"type": "status", "message": "training"})
            self.result = result = fit(data, self.config, on_event=self.on_event)
            if self.ball is not None:
                self.ball.finish(result.network.params)
            stopped = result.interrupted
            self._add({"type": "status", "message": "stopped" if stopped else "finished"})
        except (DataError, DivergedError, ValueError, OSError) as e:
            self.error = str(e)
        except Exception as e:  # a bug: keep the server up, say so on the page
            log.exception("training failed")
            self.error = f"training failed unexpectedly ({type(e).__name__}: {e})"
        finally:
            if self.error:
                self._add({"type": "error", "message": self.error})
            self.finished = True

    def since(self, cursor: int) -> tuple[list[tuple[int, dict[str, Any]]], bool, int, dict | None]:
        """The kept events numbered `cursor` or more (with their numbers), whether the run is
        over, the weight snapshot's version and the snapshot."""
        with self._lock:
            return self.events.since(cursor), self.finished, self.weights_version, self.weights

    def measured_result(self) -> TrainResult:
        """The run as saved: a run stopped mid-epoch keeps the weights of its last complete
        epoch, the ones whose accuracies the page showed (without momentum: the velocity of
        that moment is gone; resuming starts it afresh)."""
        result = self.result
        assert result is not None
        if result.interrupted and self.measured is not None:
            return dataclasses.replace(result, network=self.measured, velocity=None)
        return result

    def saveable(self) -> bool:
        """Whether there is a model to save: finished, with an epoch done and no error."""
        return self.finished and not self.error and bool(self.result and self.result.history)

    def status(self) -> dict[str, Any]:
        with self._lock:
            epochs = self.events.of_type("epoch")
        return {
            "running": not self.finished,
            "finished": self.finished,
            "stopped": bool(self.result and self.result.interrupted),
            "error": self.error,
            "config": self.config.to_dict(),
            "images": self.images,  # None: the whole training set
            "epochs_done": len(epochs),
            "history": [e["row"] for e in epochs],
            "hint": epochs[-1]["hint"] if epochs else None,  # about the last epoch
            "saveable": self.saveable(),
        }


class CostMeans:
    """The cost curve's points at a steady rate: `per_epoch` points an epoch, each the mean
    cost of every mini-batch since the last point (none left out, none counted twice)."""

    def __init__(self, per_epoch: int) -> None:
        self.per_epoch = per_epoch
        self.total, self.count = 0.0, 0

    def add(self, batch: int, batches: int, cost: float) -> tuple[float, int] | None:
        """Take mini-batch `batch` (1-based) of `batches`; a point (mean, how many) when due."""
        self.total += cost
        self.count += 1
        every = max(1, batches // self.per_epoch)
        if batch % every and batch != batches:
            return None
        point = (self.total / self.count, self.count)
        self.total, self.count = 0.0, 0
        return point


def lower_priority() -> None:
    """This thread yields the CPU to the others (the drawing's): nice +10 (Linux: per thread)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


class HeavyWork:
    """The heavy requests (a landscape, a gradient over mini-batches, dreams, …): at most
    `workers` computed at once, in threads of their own at a lower priority, and at most
    `queued` waiting; one more gets 503 with Retry-After. The drawing's predictions never
    wait for them. Answers are kept by their inputs, least recently used first out, at most
    `cache_bytes` of JSON."""

    def __init__(
        self,
        workers: int = WORKERS - LONG_WORKERS,
        queued: int = QUEUED_PER_WORKER * (WORKERS - LONG_WORKERS),
        cache_bytes: int = CACHE_BYTES // 2,
    ) -> None:
        self.workers, self.queued, self.cache_bytes = workers, queued, cache_bytes
        self.pool = ThreadPoolExecutor(workers, "digitnet-heavy", initializer=lower_priority)
        self.pending = 0  # running or waiting (changed only on the event loop)
        self.cache: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()  # key → (answer, bytes)
        self.cached_bytes = 0
        self._lock = threading.Lock()

    def cached(self, key: tuple) -> Any | None:
        with self._lock:
            if key not in self.cache:
                return None
            self.cache.move_to_end(key)
            return self.cache[key][0]

    def keep(self, key: tuple, answer: Any) -> None:
        size = len(json.dumps(answer, default=str))
        if size > self.cache_bytes:
            return
        with self._lock:
            if key in self.cache:
                self.cached_bytes -= self.cache.pop(key)[1]
            self.cache[key] = (answer, size)
            self.cached_bytes += size
            while self.cached_bytes > self.cache_bytes:
                self.cached_bytes -= self.cache.popitem(last=False)[1][1]

    async def run(self, key: tuple, make: Callable[[], Any]) -> Any:
        """`make()`'s answer: kept from before, else computed in the pool and kept; 503 when
        the pool and its queue are full."""
        found = self.cached(key)
        if found is not None:
            return found
        if self.pending >= self.workers + self.queued:
            raise HTTPException(
                503,
                f"busy: {self.pending} heavy requests are being answered; try again shortly",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self.pending += 1
        try:
            answer = await asyncio.get_running_loop().run_in_executor(self.pool, make)
        finally:
            self.pending -= 1
        self.keep(key, answer)
        return answer


class ServerState:
    """The models folder (the only one models are loaded from or saved to), the served model,
    the dataset and the training run. model_path: the model to start with, else the newest
    digitnet model in the folder; data_loader: returns the dataset, called once, when needed."""

    def __init__(
        self,
        folder: Path,
        model_path: str | Path | None = None,
        data_loader: Callable[[], Any] | None = None,
    ) -> None:
        self.folder = folder
        self.load_data = data_loader  # None: the served model's own dataset (default loader)
        self.model: ModelFile | None = None
        self.name: str | None = None
        self.path: Path | None = None  # the served model's file
        self.outside: Path | None = None  # the model given at start, if not in the folder
        self.run: TrainingRun | None = None
        self._data: dict[str, Any] = {}  # dataset name → loaded dataset
        self._data_lock = threading.Lock()
        self.heavy = HeavyWork()  # the short heavy requests' lane
        self.long_heavy = HeavyWork(LONG_WORKERS, QUEUED_PER_WORKER * LONG_WORKERS)
        if model_path is not None:
            path = Path(model_path)
            self.use_model(path)
            if path.resolve().parent != folder.resolve():
                self.outside = path
        else:  # the newest good model: a damaged or foreign file passed over is named
            newest = newest_model(folder)
            for path, reason in newest.skipped:
                log.warning("passed over %s: %s", path, reason)
            if newest.path is not None:
                try:
                    self.use_model(newest.path)
                except ModelFileError as e:  # changed since it was checked
                    log.warning("not using the newest model: %s", e)

    # ---- models ----

    def use_model(self, path: Path) -> None:
        model = load_digit_model(path)
        self.model, self.name, self.path = model, path.name, path

    def current(self) -> ModelFile:
        if self.model is None:
            raise HTTPException(404, "no model yet: train one in the Learn view")
        return self.model

    def model_json(self) -> dict[str, Any]:
        """The model's JSON, with the landscape's slices it can take (a recorded path?)."""
        model = self.current()
        return model_json(model, self.name or "") | {
            "landscape_directions": landscapes.directions_for(model, self.path)
        }

    def models(self) -> dict[str, Any]:
        """The folder's models, newest first, the one being served, and the model given at
        start when it is not in the folder (`outside`: its name and path; it can be chosen
        again by that name). Only regular files are listed: special files, broken links and
        links out of the folder are not models (`skipped`: each name and why)."""
        found, passed_over = model_files(self.folder)
        names = [p.name for p in found]
        skipped = [{"name": p.name, "reason": reason} for p, reason in passed_over]
        outside = None
        if self.outside is not None and self.outside.name not in names:
            outside = {"name": self.outside.name, "path": str(self.outside)}
        return {"models": names, "current": self.name, "outside": outside, "skipped": skipped}

    def in_folder(self, name: str) -> Path:
        """A model's path in the folder; `name` matches limits.NAME_PATTERN (no slashes)."""
        path = self.folder / (name if name.endswith(MODEL_SUFFIX) else name + MODEL_SUFFIX)
        if path.resolve().parent != self.folder.resolve():  # a link out of the folder
            raise HTTPException(400, f"bad model name {name!r}")
        return path

    def switch(self, name: str) -> None:
        path = self.in_folder(name)
        if not path.exists() and self.outside is not None and name == self.outside.name:
            path = self.outside  # back to the model the server was started with
        if not path.exists():  # a FIFO or a huge file exists: loading it says what it is
            raise HTTPException(404, f"no model named {path.name!r} in the models folder")
        try:
            self.use_model(path)
        except ModelFileError as e:
            raise HTTPException(422, str(e)) from None

    def model_key(self, name: str | None) -> tuple:
        """What a request's answer depends on besides its inputs: the model (the served one's
        weights, which a step can change in place; a named one's file) and the dataset."""
        if name is None:
            params = self.current().network.params
            model: tuple = (self.name, hashlib.sha256(params.tobytes()).hexdigest())
        else:
            path = self.in_folder(name)
            info = path.stat() if path.is_file() else None
            model = (str(path), info and (info.st_mtime_ns, info.st_size))
        return (*model, self.dataset_name())

    def pooled(
        self, route: Callable[..., Any], lane: HeavyWork | None = None
    ) -> Callable[..., Any]:
        """A route made heavy: computed in a HeavyWork lane (the short one unless told), its
        answer kept by its inputs (its parameters, the model and the dataset). FastAPI reads
        the route's signature."""
        work = lane or self.heavy

        @functools.wraps(route)
        async def answer(**params: Any) -> Any:
            inputs = {
                k: v.model_dump(mode="json") if isinstance(v, BaseModel) else v
                for k, v in params.items()
            }
            model = getattr(params.get("body"), "model", None)
            what = f"{route.__module__}.{route.__qualname__}"
            key = (what, json.dumps(inputs, sort_keys=True), self.model_key(model))
            return await work.run(key, lambda: route(**params))

        return answer

    def pooled_long(self, route: Callable[..., Any]) -> Callable[..., Any]:
        """A route made heavy that can take a minute: computed in the long lane."""
        return self.pooled(route, self.long_heavy)

    # ---- data ----

    def dataset_name(self) -> str:
        """The dataset the served model records (MNIST or Fashion-MNIST), else MNIST."""
        name = self.model.training.get("dataset") if self.model is not None else None
        return name if name in ("mnist", "fashion-mnist") else "mnist"

    def loaded_data(self) -> Any:
        """The served model's dataset, each loaded once (training calls this from its thread);
        a loader given to the app serves for every model."""
        name = self.dataset_name() if self.load_data is None else "given"
        with self._data_lock:
            if name not in self._data:
                loader = self.load_data
                self._data[name] = loader() if loader is not None else default_data_loader(name)
            return self._data[name]

    def dataset(self) -> Any:
        try:
            return self.loaded_data()
        except (DataError, OSError, ValueError) as e:
            raise HTTPException(503, f"the dataset is not available: {e}") from None

    # ---- training ----

    def start_training(self, config: TrainConfig, images: int | None = None) -> TrainingRun:
        if self.run is not None and not self.run.finished:
            raise HTTPException(409, "a training run is already going: stop it first")
        self.run = TrainingRun(config, self.loaded_data, images=images)
        self.run.thread.start()
        return self.run

    def current_run(self) -> TrainingRun:
        if self.run is None:
            raise HTTPException(404, "no training run yet: start one")
        return self.run

    def save_run(self, name: str) -> dict[str, Any]:
        """Save the finished run's model in the folder (atomic) and serve it: its file name
        (``name``, or if taken the first free ``name-2``, …), and its accuracy on the test
        set, measured on the weights saved."""
        run = self.current_run()
        if not run.finished:
            raise HTTPException(409, "training is still running: stop it or wait for the end")
        if run.error:
            raise HTTPException(409, f"nothing to save: {run.error}")
        if run.result is None or not run.result.history:
            raise HTTPException(409, "nothing to save: no epoch was completed")
        path = self.in_folder(name)
        try:  # a name taken already gets the next free one, as `digitnet train` does: web-model-2
            self.folder.mkdir(parents=True, exist_ok=True)
            claim = claim_new_model(self.folder, path.name.removesuffix(MODEL_SUFFIX))
            try:
                path = claim.path
                save_model(checkpoint_model(run.measured_result(), run.data), path, replace=False)
            finally:
                claim.release()
        except OSError as e:  # a full disk, a file where the folder should be, no permission
            problem = e.strerror or str(e)
            raise HTTPException(
                507, f"could not save {path.name} in {self.folder}: {problem}"
            ) from None
        self.use_model(path)
        test = run.data.test
        accuracy, _ = self.current().network.evaluate(test.images, test.labels)
        return {
            "saved": path.name,
            "test_accuracy": accuracy,
            "tested": len(test.labels),
            "epoch": len(run.result.history),  # the saved weights are this epoch's end
        }
