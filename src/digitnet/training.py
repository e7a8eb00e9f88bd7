"""Learning: mini-batch stochastic gradient descent on the network's mean cost.

Shuffle, cut into mini-batches, step −η∇C on each (with optional momentum, L2 weight decay, a
cosine learning-rate schedule and small random shifts of the images). Reports progress as
events and keeps a per-epoch history: `train` on arrays, `fit` on a Dataset the book's way.
A run as the command line and the web page start one (`make_config`, `plan`, `run`) is at
the end: settings checked once, the resume rules in one place, a checkpoint every epoch.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import threading
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from .data import CANONICAL_HASHES, Dataset, Split
from .data.dataset import pixels_to_floats
from .errors import SettingError
from .fast import FastBackprop
from .files import Claim, atomic_write_bytes, claim_new_model, models_dir, writable_file
from .functions import ACTIVATIONS, COSTS
from .modelfile import ModelFile, ModelFileError, load_model, save_model
from .network import DTYPES, INITS, Network, check_network_size, one_hot

SCHEDULES = ("constant", "cosine")
DATASETS = tuple(CANONICAL_HASHES)  # what `plan` can train on: mnist, fashion-mnist
TRAIN_SETS = ("train", "full")
TRAIN_SAMPLE = 5_000  # training images measured after each epoch: a fixed sample, chosen once
SHORT_RUN = 10  # epochs: a run shorter than this gets the config's short_run_warmup
CHUNK = 2048  # rows measured at a time after each epoch (Network.evaluate's chunk)
MEASURE_THREADS = 4  # at most, one a core, when the network is small (see `measure`)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; saved in the model file as ``training``."""

    sizes: tuple[int, ...] = (784, 16, 16, 10)  # neurons per layer, input to output
    activation: str = "sigmoid"  # hidden neurons: sigmoid or relu
    cost: str = "quadratic"  # quadratic (sigmoid outputs) or cross-entropy (softmax outputs)
    init: str = "scaled"  # N(0, 1/n_in) weights ("scaled") or the book's N(0, 1) ("normal")
    dtype: str = "float32"  # float32 is fast; float64 for exact checks
    epochs: int = 30  # passes over the training set
    batch_size: int = 10  # examples per gradient step
    learning_rate: float = 1.5  # η, the step size (the book's 3.0 for its ½Σ(a−y)² cost)
    momentum: float = 0.0  # μ: v ← μv − η∇C, then θ ← θ + v
    weight_decay: float = 0.0  # λ: adds λW to each weight's gradient (L2), biases untouched
    schedule: str = "constant"  # constant η, or cosine: η·½(1 + cos(π·step/steps))
    # A run shorter than SHORT_RUN epochs starts gently: η rises linearly from 0 over this
    # fraction of its steps (it has no time to recover from a saturated start).
    short_run_warmup: float = 0.0
    # N > 0: a layer fed by n > N hidden neurons steps with η·N/n (its input is a sum of n
    # positive σ(z), so one step moves its z n times as far as one input would); 0: one η.
    fan_in: int = 0
    shift: int = 0  # shift each training image by up to this many pixels, freshly each epoch
    train_set: str = "train"  # "train": the first 50,000 images; "full": all 60,000
    shuffle_labels: bool = False  # permute the training labels (the memorisation experiment)
    seed: int = 0  # initial weights and every shuffle derive from it

    def __post_init__(self) -> None:
        sizes = tuple(self.sizes)
        object.__setattr__(self, "sizes", sizes)
        if len(sizes) < 2 or not all(isinstance(n, int) and n > 0 for n in sizes):
            raise ValueError(f"sizes must be positive whole numbers, got {list(sizes)}")
        check_network_size(sizes)
        checks: list[tuple[str, str, Collection[str]]] = [
            ("activation", self.activation, ACTIVATIONS),
            ("cost", self.cost, COSTS),
            ("init", self.init, INITS),
            ("dtype", self.dtype, DTYPES),
            ("schedule", self.schedule, SCHEDULES),
            ("train_set", self.train_set, TRAIN_SETS),
        ]
        for name, value, allowed in checks:
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive whole number, got {value!r}")
        if not (self.learning_rate > 0 and math.isfinite(self.learning_rate)):
            raise ValueError(f"learning rate must be a positive number, got {self.learning_rate}")
        if not 0 <= self.short_run_warmup < 1:
            raise ValueError(
                f"short_run_warmup must be a fraction in [0, 1), got {self.short_run_warmup}"
            )
        if not isinstance(self.fan_in, int) or self.fan_in < 0:
            raise ValueError(f"fan_in must be a whole number ≥ 0, got {self.fan_in!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if not (self.weight_decay >= 0 and math.isfinite(self.weight_decay)):
            raise ValueError(f"weight decay must be ≥ 0, got {self.weight_decay}")
        if not isinstance(self.shift, int) or not 0 <= self.shift <= 4:
            raise ValueError(
                f"shift must be a whole number of pixels from 0 to 4, got {self.shift}"
            )
        if self.shift and sizes[0] != 784:
            raise ValueError("shift needs 28×28 images (784 inputs)")

    def build_network(self) -> Network:
        """A fresh network with this config's structure and seeded initial weights."""
        return Network(self.sizes, self.activation, self.cost, self.seed, self.dtype, self.init)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sizes"] = list(self.sizes)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in d.items() if k in known}
        if "sizes" in values:
            values["sizes"] = tuple(values["sizes"])
        return cls(**values)


PRESETS: dict[str, TrainConfig] = {
    # The story's network, 784-16-16-10, sigmoid neurons, the video's quadratic cost, with the
    # best recipe found on the validation split that keeps it: momentum, a cosine schedule,
    # light L2, one-pixel shifts; then trained on all 60,000 images. For other runs, chosen
    # on the validation split too (docs/experiments.md, "capacity"): a short run warms up
    # over its first 10% (else 1 epoch of 32-32 ends at 82%, of 512 at 49%), and layers fed
    # by more than 128 neurons take smaller steps (else 512-512-512 stays at 10%). Neither
    # touches the 40 epochs of 784-16-16-10.
    "video": TrainConfig(
        epochs=40,
        batch_size=32,
        learning_rate=0.5,
        momentum=0.9,
        weight_decay=1e-4,
        schedule="cosine",
        short_run_warmup=0.1,
        fan_in=128,
        shift=1,
        train_set="full",
    ),
    # The book's network.py, literally: N(0,1) init, η = 3.0 on ½Σ(a−y)² (1.5 on ours),
    # mini-batches of 10, 30 epochs on 50,000 images.
    "book": TrainConfig(init="normal", epochs=30, batch_size=10, learning_rate=1.5),
    # The best plain MLP found within 2 minutes of training: wider (LeCun's 300-100), ReLU,
    # softmax + cross-entropy, momentum, L2, a cosine schedule, 1-pixel shifts.
    "tweaked": TrainConfig(
        sizes=(784, 300, 100, 10),
        activation="relu",
        cost="cross-entropy",
        epochs=20,
        batch_size=100,
        learning_rate=0.05,
        momentum=0.9,
        weight_decay=5e-4,
        schedule="cosine",
        shift=1,
    ),
}


@dataclass(slots=True)
class BatchEvent:
    """Sent after every mini-batch step."""

    epoch: int  # 1-based
    batch: int  # 1-based, within the epoch
    batches: int  # mini-batches per epoch
    cost: float  # the mean cost of this mini-batch, before its step
    learning_rate: float
    network: Network  # the network being trained, live (not a copy): read, don't keep


@dataclass(frozen=True)
class EpochEvent:
    """Sent after every epoch, with that epoch's row of the history: at its end, or in the
    second half of the next epoch when it was measured meanwhile (see `train`)."""

    epoch: int
    epochs: int
    row: dict[str, float]
    network: Network  # the network at the epoch's end: the live one, or a copy of it


Event = BatchEvent | EpochEvent


class StopTraining(Exception):
    """Raise from an event handler to stop training after the current mini-batch."""


class DivergedError(RuntimeError):
    """The cost became NaN or infinite; ``result`` is the run up to its last complete epoch."""

    def __init__(self, message: str, result: TrainResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class TrainResult:
    """What a run did: the network (mid-epoch if interrupted), history, and how it ended."""

    network: Network
    config: TrainConfig
    history: list[dict[str, float]] = field(default_factory=list)
    velocity: np.ndarray | None = None
    interrupted: bool = False
    saved_epoch: int = 0  # the last epoch this run handed to its checkpoint (0: none)

    @property
    def epochs_done(self) -> int:
        return len(self.history)


def train(
    config: TrainConfig,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    evaluate: Mapping[str, Split] | None = None,
    on_event: Callable[[Event], None] | None = None,
    resume: ModelFile | None = None,
    checkpoint: Callable[[TrainResult], None] | None = None,
) -> TrainResult:
    """Train a network by mini-batch SGD on ``images`` (n, 784) and ``labels`` (n,).

    ``images``: floats in [0, 1], or uint8 pixels 0..255 as MNIST stores them (read as v/255,
    turned into floats a block at a time as mini-batches are gathered: the same bits as
    float32 images made by the loader, at a quarter of the memory).
    After each epoch the network is measured on every split of ``evaluate`` (name → Split,
    e.g. {"train": …, "validation": …, "test": …}: the caller decides), one history row per
    epoch; then ``checkpoint`` (if given) is called with a copy of the run so far, to save
    it, in a background thread while the next epoch trains (one write at a time; the last
    one is waited for before ``train`` returns or raises, and a failed write raises here).
    A small network (`_small`) on a machine with cores to spare is measured on another core
    while the next epoch trains, from a copy of its weights, and reported (history row,
    checkpoint, EpochEvent) from halfway through that epoch, once measured; the last epoch,
    and an epoch still being measured when the run stops or diverges, at once.
    With ``resume`` (a loaded checkpoint), training continues from its last complete epoch and
    reaches the same weights, bit for bit, as an uninterrupted run.
    Ctrl-C or ``StopTraining`` from ``on_event`` ends the run early with ``interrupted=True``;
    a NaN or infinite cost raises ``DivergedError`` (the last checkpoint keeps the last good
    epoch; ``saved_epoch`` says which epoch that is, 0 if none was saved).
    """
    images, labels = np.asarray(images), np.asarray(labels)
    n = len(labels)
    if n == 0:
        raise ValueError("the training set is empty")
    _check_examples(images, labels, config.sizes[0])
    if resume is not None:
        check_resume(resume, config)
        net, velocity = resume.network, resume.velocity
        history = list(resume.metrics.get("history", []))
    else:
        net, history, velocity = config.build_network(), [], None
    if config.momentum and velocity is None:
        velocity = np.zeros_like(net.params)
    result = TrainResult(net, config, history, velocity)

    if config.shuffle_labels:  # its own stream, so the same labels every epoch and on resume
        labels = _stream(config.seed, 2).permutation(labels)
    y_all = one_hot(labels, net.sizes[-1], net.dtype)  # (10, n) wanted outputs, made once
    batch_size = min(config.batch_size, n)
    batches = n // batch_size  # the last partial batch is dropped, as a fresh shuffle covers it
    backprop = FastBackprop(net, batch_size)  # ∇C and every zˡ, aˡ, δˡ: arrays made once
    grad = backprop.grad
    total_steps = config.epochs * batches
    halfway = (batches + 1) // 2  # where an epoch measured meanwhile may be reported
    shares = layer_shares(net, config.fan_in)  # each parameter's share of η (None: all 1)

    saver = Checkpointer(checkpoint) if checkpoint is not None else None
    threads = min(os.cpu_count() or 1, MEASURE_THREADS) if _small(config) else 1
    sets: Mapping[str, Split] = evaluate or {}
    pool = ThreadPoolExecutor(threads - 1, "digitnet-measure") if threads > 1 and sets else None
    pending: _Measuring | None = None  # an epoch being measured while the next one trains
    settling = 0.0  # seconds this epoch spent reporting the one before, not training

    def report(row: dict[str, float], network: Network, velocity: np.ndarray | None) -> None:
        """An epoch's end: its row in the history, its checkpoint handed over, its event."""
        history.append(row)
        if saver is not None:
            saver(TrainResult(network, config, history, velocity))
        if on_event is not None:
            on_event(EpochEvent(int(row["epoch"]), config.epochs, row, network))

    def settle(wait: bool = True) -> None:
        """Report the epoch being measured, waiting for it if ``wait`` (else only if done)."""
        nonlocal pending, settling
        if pending is not None and (wait or pending.measured.done()):
            started = time.perf_counter()
            try:
                row = pending.finished_row()  # (Ctrl-C while waiting: still pending)
                measuring, pending = pending, None
                report(row, measuring.network, measuring.velocity)
            finally:
                settling += time.perf_counter() - started

    def run_epoch(epoch: int) -> tuple[float, float]:
        """One pass of mini-batch SGD; returns the mean mini-batch cost and the last η.
        The epoch before, if it is being measured meanwhile, is reported from halfway through
        as soon as it is measured, at the latest at the end."""
        rng = _stream(config.seed, 1, epoch)  # each epoch's own shuffle, so resumable
        order = rng.permutation(n)[: batches * batch_size]
        cost_sum, eta = 0.0, config.learning_rate
        batch_stream = _minibatches(images, y_all, order, batch_size, config.shift, rng)
        for k, (a0, y) in enumerate(batch_stream):
            eta = _learning_rate(config, (epoch - 1) * batches + k, total_steps)
            out = backprop.gradient(a0, y)  # ∇C into grad; aᴸ
            cost = net.cost.total(out, y) / batch_size
            if not math.isfinite(cost):
                raise DivergedError(_divergence_message(config, epoch, k + 1), result)
            cost_sum += cost
            _step(net, grad, velocity, eta, config, shares)
            if on_event is not None:
                on_event(BatchEvent(epoch, k + 1, batches, cost, eta, net))
            if k + 1 >= halfway:
                settle(wait=k + 1 == batches)
        return cost_sum / batches, eta

    try:
        with _blas_threads(config), np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(len(history) + 1, config.epochs + 1):
                started, settling = time.perf_counter(), 0.0
                batch_cost, eta = run_epoch(epoch)
                seconds = time.perf_counter() - started - settling
                row = {"epoch": epoch, "learning_rate": eta, "batch_cost": batch_cost}
                if pool is not None and epoch < config.epochs:  # measured on another core
                    pending = _Measuring.start(pool, net, velocity, sets, row, seconds)
                else:  # the last epoch: nothing to overlap, so measured by all threads at once
                    measured = measure(net, sets, pool, threads)
                    report(_finished_row(row, measured, seconds), net, velocity)
    except (KeyboardInterrupt, StopTraining):
        result.interrupted = True
        with contextlib.suppress(StopTraining):  # the stop asked for again as it is reported
            settle()
    except DivergedError:
        with contextlib.suppress(StopTraining):
            settle()  # the last good epoch in the history and the checkpoint, as it was
        raise
    finally:
        if pool is not None:
            pool.shutdown()
        if saver is not None:
            try:
                saver.close()  # the last write finished (or its error raised)
            finally:
                result.saved_epoch = saver.saved_epoch
    return result


class Checkpointer:
    """Calls ``save`` with a copy of the run, in a background thread, one write at a time.

    A checkpoint is mostly waiting on the disk (fsync), so the next epoch trains meanwhile.
    Each call first waits for the previous write; a write that failed raises in the next call
    or in ``close``. ``saved_epoch``: the epochs in the last copy written (0: none yet).
    """

    def __init__(self, save: Callable[[TrainResult], None]) -> None:
        self.save = save
        self.saved_epoch = 0
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __call__(self, result: TrainResult) -> None:
        self.close()
        velocity = None if result.velocity is None else result.velocity.copy()
        snapshot = TrainResult(  # the live network and history change while this is written
            result.network.copy(), result.config, list(result.history), velocity
        )
        snapshot.saved_epoch = self.saved_epoch
        self.thread = threading.Thread(target=self._write, args=(snapshot,), daemon=True)
        self.thread.start()

    def _write(self, snapshot: TrainResult) -> None:
        try:
            self.save(snapshot)
            self.saved_epoch = snapshot.epochs_done
        except BaseException as e:  # handed to the training thread, raised there
            self.error = e

    def close(self) -> None:
        """Wait for the write in progress; raise its error if it failed."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def fit(
    data: Dataset,
    config: TrainConfig,
    *,
    on_event: Callable[[Event], None] | None = None,
    resume: ModelFile | None = None,
    checkpoint: str | Path | None = None,
    replace: bool = True,
) -> TrainResult:
    """Train on a dataset the book's way: on its training split (or train + validation, as
    ``config.train_set`` says), measured after each epoch on the sets of `epoch_sets` (a
    sample of the training images, validation unless trained on, test). With
    ``checkpoint`` (a path), the model, with its history, momentum and the dataset's name
    and hashes, is saved there atomically after each epoch; with ``replace=False`` the first
    save refuses (FileExistsError) to replace a file that is there already.
    """
    split = training_split(data, config)
    save = None
    if checkpoint is not None:
        path = checkpoint

        def save(result: TrainResult) -> None:
            first = result.saved_epoch == 0  # later saves replace this run's own file
            save_model(checkpoint_model(result, data), path, replace=replace or not first)

    return train(
        config,
        split.pixels if split.pixels is not None else split.images,  # bytes, if so held
        split.labels,
        evaluate=epoch_sets(data, config),
        on_event=on_event,
        resume=resume,
        checkpoint=save,
    )


def training_split(data: Dataset, config: TrainConfig) -> Split:
    """What ``config.train_set`` names: the first 50,000 images, or all 60,000."""
    return data.full_train() if config.train_set == "full" else data.train


def epoch_sets(data: Dataset, config: TrainConfig) -> dict[str, Split]:
    """What `fit` measures after each epoch, all the same way (the network at the epoch's end,
    unshifted images): "train", a fixed sample of TRAIN_SAMPLE training images (seeded,
    chosen once: measuring all 60,000 would cost a fifth of an epoch); "validation" (left out
    when trained on, train_set "full": it would flatter); "test"."""
    split = training_split(data, config)
    sample = split
    if len(split) > TRAIN_SAMPLE:
        rows = np.sort(_stream(config.seed, 3).choice(len(split), TRAIN_SAMPLE, replace=False))
        sample = split.rows(rows)
    sets = {"train": sample, "validation": data.validation, "test": data.test}
    if config.train_set == "full":
        del sets["validation"]
    return sets


# ---- a run, as the command line and the web page start one ---------------------------------


def make_config(base: TrainConfig | str = "video", layers=None, **settings: Any) -> TrainConfig:
    """A preset (by name) or a config, with the settings given laid over it.

    ``layers``: the hidden layer sizes (the input and output layers stay those of ``base``);
    ``settings``: TrainConfig fields; None means "keep the base's". Every setting is checked
    here, once: a bad one raises SettingError naming it.
    """
    if isinstance(base, str):
        if base not in PRESETS:
            raise SettingError(f"preset must be one of {', '.join(PRESETS)}, got {base!r}")
        base = PRESETS[base]
    known = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise SettingError(f"unknown setting(s): {', '.join(unknown)}")
    overrides = {k: v for k, v in settings.items() if v is not None}
    if layers is not None:
        overrides["sizes"] = (base.sizes[0], *layers, base.sizes[-1])
    try:
        return replace(base, **overrides)
    except (TypeError, ValueError) as e:  # a value out of range for this config (--shift 9)
        raise SettingError(str(e)) from None


def describe(config: TrainConfig) -> str:
    """'784-16-16-10 sigmoid': the layers and the hidden neurons' σ."""
    return f"{'-'.join(map(str, config.sizes))} {config.activation}"


def resumed_config(model: ModelFile, path: str | Path = "the model") -> tuple[TrainConfig, int]:
    """The config a model file was trained with (its structure taken from the network
    itself), and the epochs it has done."""
    net = model.network
    structure = dict(
        sizes=net.sizes, activation=net.activation, cost=net.cost.name, dtype=net.dtype.name
    )
    try:
        config = TrainConfig.from_dict({**model.training, **structure})
        done = int(model.training.get("epochs_done", 0))
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path}: its training record cannot be resumed ({e})") from None
    return config, done


def check_resume(model: ModelFile, config: TrainConfig, path: str | Path = "the model") -> None:
    """A checkpoint continues only as the network it is (same layers, σ, cost and dtype), and
    only to more epochs than it has: the resume rules, all here."""
    net = model.network
    theirs = TrainConfig(tuple(net.sizes), net.activation, net.cost.name, dtype=net.dtype.name)
    if (theirs.sizes, theirs.activation) != (config.sizes, config.activation):
        raise SettingError(
            f"cannot resume: {path} is a {describe(theirs)} network; it cannot continue as "
            f"{describe(config)}"
        )
    if (theirs.cost, theirs.dtype) != (config.cost, config.dtype):
        raise SettingError(
            f"cannot resume: {path} has the {theirs.cost} cost in {theirs.dtype}; the cost and "
            "dtype must stay those of the model"
        )
    done = len(model.metrics.get("history", []))
    if done >= config.epochs:
        had = f"{done} epoch{'' if done == 1 else 's'}"
        raise SettingError(f"cannot resume: {path} already has {had}; ask for more epochs")


@dataclass(frozen=True)
class Plan:
    """A training run, decided and checked before it starts: what it trains, where it saves."""

    config: TrainConfig
    out: Path  # the model file, written after every epoch
    resume: ModelFile | None = None  # the checkpoint it continues, if any
    resumed_from: Path | None = None  # … and its file
    what: str = ""  # "preset video" or "resuming m.safetensors", for the report
    replace: bool = True  # may the first save replace a file at ``out``? (only if named)
    existed: bool = False  # was there a file at ``out`` before the run? (not this run's)
    dataset: str = "mnist"  # what it trains on: the resumed model's, else the one asked for
    claim: Claim | None = None  # the new name chosen, held until the run ends (see `run`)


def plan(
    preset: str = "video",
    settings: Mapping[str, Any] | None = None,
    *,
    out: str | Path | None = None,
    resume: str | Path | None = None,
    dataset: str | None = None,
) -> Plan:
    """Decide a run: the preset (or the resumed model's config) with ``settings`` laid over it
    (see `make_config`), saved to ``out``, else back into the resumed file, else to a new file
    in the models folder: ``<preset>.safetensors`` (``<preset>-<dataset>.safetensors`` for
    another dataset than MNIST), or ``<preset>-2.safetensors``, … if that is taken. A model
    the user did not name is never replaced. A resumed model goes on with the dataset it
    records. Checks all of it before any data is read."""
    settings = dict(settings or {})
    model = None
    if resume is not None:
        model = load_model(resume)
        base, _ = resumed_config(model, resume)
        config = make_config(base, **settings)
        check_resume(model, config, resume)
        what = f"resuming {resume}"
        recorded = str(model.training.get("dataset", "mnist"))
        if dataset is not None and dataset != recorded and recorded in DATASETS:
            raise SettingError(
                f"cannot resume: {resume} was trained on {recorded}, not {dataset}; "
                "leave out --dataset"
            )
        dataset = recorded if recorded in DATASETS or dataset is None else dataset
    else:
        config = make_config(preset, **settings)
        what = f"preset {preset}"
        dataset = dataset or "mnist"
        if dataset not in DATASETS:
            raise SettingError(f"dataset must be one of {', '.join(DATASETS)}, got {dataset!r}")
    named = out is not None or resume is not None
    claim = None
    if out is None and resume is not None:
        out = resume
    elif out is None:  # a new name, claimed now: two runs started at once get two names
        folder = models_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stem = preset if dataset == "mnist" else f"{preset}-{dataset}"
        writable_file(folder / stem)  # a folder that takes no file says so, before any lock
        claim = claim_new_model(folder, stem)
        out = claim.path
    path = writable_file(out)
    resumed_from = Path(resume) if resume is not None else None
    existed = path.exists()
    return Plan(config, path, model, resumed_from, what, named, existed, dataset, claim)


def run(plan: Plan, data: Dataset, on_event: Callable[[Event], None] | None = None) -> TrainResult:
    """Carry out a plan on a dataset: `fit`, checkpointing into ``plan.out`` every epoch; then
    the name it claimed is let go (the model saved there keeps it)."""
    try:
        return fit(
            data,
            plan.config,
            on_event=on_event,
            checkpoint=plan.out,
            resume=plan.resume,
            replace=plan.replace,
        )
    except DivergedError as e:
        raise DivergedError(f"{e}; {kept(plan, e.result)}", e.result) from None
    finally:
        if plan.claim is not None:
            plan.claim.release()


def kept(plan: Plan, result: TrainResult | None) -> str:
    """What a run that stopped early (diverged, interrupted) leaves on disk, in words: the
    epoch it saved last, else the resumed model as it was, else nothing."""
    saved = result.saved_epoch if result is not None else 0
    if saved:
        return f"the model after epoch {saved} is kept in {plan.out}"
    if plan.resume is not None and plan.resumed_from == plan.out:
        before = len(plan.resume.metrics.get("history", []))
        return f"nothing new was saved: {plan.out} is unchanged (the model after epoch {before})"
    if plan.existed:
        return f"nothing was saved (no epoch finished); {plan.out} is as it was before this run"
    return "nothing was saved (no epoch finished)"


def _small(config: TrainConfig) -> bool:
    """Whether the matrices are small (the video's network): then BLAS gets one thread, as
    waking a second for a 16×784 product costs more than it saves (far more on a busy
    machine), and the measuring after each epoch is shared out among threads (`measure`)."""
    largest = max(o * i for o, i in zip(config.sizes[1:], config.sizes[:-1]))
    return largest * config.batch_size < 2_000_000


def _blas_threads(config: TrainConfig):
    """One BLAS thread when the matrices are small (see `_small`)."""
    if _small(config):
        return threadpool_limits(limits=1, user_api="blas")
    return contextlib.nullcontext()


def _minibatches(
    images: np.ndarray,
    y_all: np.ndarray,
    order: np.ndarray,
    batch_size: int,
    shift: int,
    rng: np.random.Generator,
):
    """Yield (a⁰, y) column views of consecutive mini-batches of the examples in ``order``
    (views into buffers that the next block overwrites: use each before taking the next).

    Examples are gathered a block at a time into contiguous buffers (shifted if asked), so
    each mini-batch is a plain slice, and memory stays at one block, not a shuffled epoch.
    Unshifted blocks are small enough (about 256 KB) to still be in the CPU's cache when the
    products read them; shifting costs nine masked copies per block, so those blocks are big.
    """
    block_rows = 8192 if shift else 256 * 1024 // (images.shape[1] * y_all.itemsize)
    block = max(block_rows // batch_size, 1) * batch_size
    X_block = np.empty((min(block, len(order)), images.shape[1]), dtype=y_all.dtype)
    y_block = np.empty((y_all.shape[0], X_block.shape[0]), dtype=y_all.dtype)
    pixels = images.dtype == np.uint8  # bytes v → v/255 in float32 (the loader's own bits) …
    if pixels:
        raw_block = np.empty(X_block.shape, np.uint8)
        F_block = X_block if X_block.dtype == np.float32 else np.empty(X_block.shape, np.float32)
    for start in range(0, len(order), block):
        rows = order[start : start + block]
        X, y = X_block[: len(rows)], y_block[:, : len(rows)]
        if pixels:
            F, raw = F_block[: len(rows)], raw_block[: len(rows)]
            if shift:
                _shifted(images, rows, shift, rng, raw)  # moving bytes: a quarter of the traffic
            else:
                np.take(images, rows, axis=0, out=raw, mode="clip")
            pixels_to_floats(raw, out=F)
            if F is not X:  # … then the network's dtype (float64)
                X[...] = F
        elif shift:
            _shifted(images, rows, shift, rng, X)
        elif images.dtype == X.dtype:
            np.take(images, rows, axis=0, out=X, mode="clip")  # "clip": no hidden copy
        else:  # e.g. float32 images for a float64 network: take cannot cast into X
            X[...] = images[rows]
        np.take(y_all, rows, axis=1, out=y, mode="clip")
        for k in range(0, len(rows), batch_size):
            yield X[k : k + batch_size].T, y[:, k : k + batch_size]  # (784, m), (10, m)


def _check_examples(X: np.ndarray, labels: np.ndarray, n_inputs: int) -> None:
    """Refuse training data that would fail obscurely later (or pass for divergence)."""
    if X.ndim != 2 or X.shape[1] != n_inputs or labels.shape != (len(X),):
        raise ValueError(
            f"training images must be (n, {n_inputs}) with one label each, got images "
            f"{X.shape} and labels {labels.shape}"
        )
    if labels.dtype.kind not in "iu":
        raise ValueError(f"training labels must be integers, got {labels.dtype}")
    if X.dtype.kind not in "fu" or (X.dtype.kind == "u" and X.dtype != np.uint8):
        raise ValueError(f"training images must be floats or uint8 pixels, got {X.dtype}")
    # One float64 sum is NaN or ±inf exactly when some pixel is, and needs no n×784 mask.
    if X.dtype.kind == "f" and not math.isfinite(float(np.sum(X, dtype=np.float64))):
        raise ValueError("the training images contain NaN or infinite values")


def _stream(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream for one purpose, a pure function of (seed, key)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _learning_rate(config: TrainConfig, step: int, total_steps: int) -> float:
    """η at a given step: constant, or cosine-annealed from η to 0 over the whole run; in a
    short run (fewer than SHORT_RUN epochs), rising linearly from 0 over its warm-up."""
    eta = config.learning_rate
    if config.schedule == "cosine":
        eta *= 0.5 * (1 + math.cos(math.pi * step / total_steps))
    if config.short_run_warmup and config.epochs < SHORT_RUN:
        eta *= min(1.0, (step + 1) / (config.short_run_warmup * total_steps))
    return eta


def layer_shares(net: Network, fan_in: int) -> np.ndarray | None:
    """Each parameter's share of η, flat like ``net.params``; None when every share is 1.

    A layer fed by n hidden neurons (not the pixels) with n > fan_in gets fan_in/n: its
    input is a sum of n positive σ(z), so a step of η moves its z by about η·δ·Σa², n times
    what one input would; left at η, wide layers drive the sigmoid outputs to 0 and stay.
    """
    if not fan_in or max(net.sizes[1:-1], default=0) <= fan_in:
        return None
    shares = np.ones_like(net.params)
    weights, biases = net.unflatten(shares)
    for l in range(1, len(weights)):  # layer 0 is fed by the pixels
        weights[l][...] = biases[l][...] = min(1.0, fan_in / net.sizes[l])
    return shares


def _step(
    net: Network,
    grad: np.ndarray,
    velocity: np.ndarray | None,
    eta: float,
    config: TrainConfig,
    shares: np.ndarray | None = None,
) -> None:
    """One step of gradient descent on every parameter at once (they share one flat array);
    ``shares``: each parameter's share of η (see ``layer_shares``), all 1 if None."""
    if config.weight_decay:  # ∇(C + ½λ‖W‖²) = ∇C + λW, on weights only
        n_w = net.n_weights
        grad[:n_w] += config.weight_decay * net.params[:n_w]
    if shares is not None:
        grad *= shares
    grad *= eta  # η∇C, in place: the gradient buffer is rewritten by the next backprop
    if velocity is None:
        net.params -= grad  # θ ← θ − η∇C
    else:
        velocity *= config.momentum  # v ← μv − η∇C
        velocity -= grad
        net.params += velocity  # θ ← θ + v


def _shifted(
    images: np.ndarray, order: np.ndarray, s: int, rng: np.random.Generator, out: np.ndarray
) -> None:
    """out[i] = images[order[i]] moved by a random (dy, dx) in [−s, s]², zeros shifted in."""
    src = images.reshape(-1, 28, 28)
    dst = out.reshape(-1, 28, 28)
    dst[...] = 0
    dy, dx = rng.integers(-s, s + 1, size=(2, len(order)))
    for sy in range(-s, s + 1):
        for sx in range(-s, s + 1):
            rows = np.flatnonzero((dy == sy) & (dx == sx))
            ys, yd = _overlap(sy)
            xs, xd = _overlap(sx)
            dst[rows, yd, xd] = src[order[rows], ys, xs]


def _overlap(shift: int) -> tuple[slice, slice]:
    """Source and destination slices along one 28-pixel axis for a shift by ``shift``."""
    if shift >= 0:
        return slice(0, 28 - shift), slice(shift, 28)
    return slice(-shift, 28), slice(0, 28 + shift)


@dataclass
class _Measuring:
    """An epoch measured in a pool's thread while the next epoch trains: a copy of its
    network (the live weights move on), of its momentum (for the checkpoint), its row so far."""

    network: Network
    velocity: np.ndarray | None
    row: dict[str, float]
    seconds: float
    measured: Future

    @classmethod
    def start(
        cls,
        pool: ThreadPoolExecutor,
        net: Network,
        velocity: np.ndarray | None,
        sets: Mapping[str, Split],
        row: dict[str, float],
        seconds: float,
    ) -> _Measuring:
        network = net.copy()
        velocity = None if velocity is None else velocity.copy()
        return cls(network, velocity, row, seconds, pool.submit(measure, network, sets))

    def finished_row(self) -> dict[str, float]:
        """The epoch's whole row, once measured (waits for it)."""
        return _finished_row(self.row, self.measured.result(), self.seconds)


def _finished_row(
    row: dict[str, float], measured: dict[str, tuple[float, float]], seconds: float
) -> dict[str, float]:
    """One row of the history: the epoch's own numbers, how the network does on each split
    after it, and the epoch's seconds of training."""
    row = dict(row)
    for name, (accuracy, cost) in measured.items():
        row[f"{name}_accuracy"], row[f"{name}_cost"] = accuracy, cost
    row["seconds"] = seconds
    return row


def measure(
    net: Network,
    sets: Mapping[str, Split],
    pool: ThreadPoolExecutor | None = None,
    threads: int = 1,
) -> dict[str, tuple[float, float]]:
    """Accuracy and mean cost on each (non-empty) split, as `Network.evaluate` gives them, bit
    for bit: the same chunks, summed in the same order. With a ``pool`` and ``threads`` > 1,
    the chunks of all the splits are dealt into ``threads`` shares of about as many rows
    (longest first, each to the share with the fewest rows so far); the calling thread tallies
    the first share and the pool's threads the others, one task each, at once (BLAS and NumPy
    let go of the GIL), so that on two free cores the measuring after each epoch takes half
    the time."""
    chunks = [
        (name, split.images[start : start + CHUNK], split.labels[start : start + CHUNK])
        for name, split in sets.items()
        for start in range(0, len(split.labels), CHUNK)
    ]
    ways = threads if pool is not None else 1
    shares: list[list[int]] = [[] for _ in range(ways)]
    rows = [0] * ways
    for i in sorted(range(len(chunks)), key=lambda i: -len(chunks[i][2])):
        k = max(range(ways), key=lambda k: (-rows[k], k))  # the caller's share last on ties
        shares[k].append(i)
        rows[k] += len(chunks[i][2])

    def tally(share: list[int]) -> list[tuple[int, tuple[int, float]]]:
        return [(i, net.tally(chunks[i][1], chunks[i][2])) for i in share]

    others = [pool.submit(tally, share) for share in shares[1:]] if pool is not None else []
    tallies = dict(tally(shares[0]))
    for other in others:
        tallies.update(other.result())
    sums: dict[str, tuple[int, float]] = {}
    for i, (name, *_) in enumerate(chunks):  # summed in order: the bits of `evaluate`
        correct, total = sums.get(name, (0, 0.0))
        right, cost = tallies[i]
        sums[name] = correct + right, total + cost
    return {name: (c / len(sets[name]), t / len(sets[name])) for name, (c, t) in sums.items()}


def _divergence_message(config: TrainConfig, epoch: int, batch: int) -> str:
    return (
        f"training diverged: the cost became NaN or infinite at epoch {epoch}, mini-batch "
        f"{batch}; the learning rate {config.learning_rate:g} is probably too large "
        f"(try {config.learning_rate / 10:g})"
    )


def checkpoint_model(result: TrainResult, data: Dataset | None = None) -> ModelFile:
    """The model file of a run so far: config, dataset, history, metrics, momentum."""
    training = result.config.to_dict()
    training.update(
        epochs_done=result.epochs_done,
        dataset=data.name if data is not None else "unknown",
        dataset_hashes=dict(data.hashes) if data is not None else {},
    )
    metrics: dict[str, Any] = {"history": result.history}
    if result.history:
        last = result.history[-1]
        for key in ("test_accuracy", "test_cost", "validation_accuracy", "validation_cost"):
            if key in last:
                metrics[key] = last[key]
    return ModelFile(result.network, training, metrics, result.velocity)


def stuck_hint(row: dict[str, float], config: TrainConfig) -> str | None:
    """A hint when accuracy after an epoch is near chance (10%): the usual culprits."""
    accuracy = row.get("validation_accuracy", row.get("train_accuracy"))
    if accuracy is None or accuracy > 0.2:
        return None
    return (
        f"accuracy is {accuracy:.1%}, near chance: try another learning rate "
        f"(now {config.learning_rate:g}) or, for {config.activation} neurons, the default "
        "'scaled' initial weights"
    )


def history_csv(history: list[dict[str, float]]) -> str:
    """The per-epoch history as CSV text, one row per epoch."""
    buffer = io.StringIO()
    columns = list(dict.fromkeys(k for row in history for k in row))
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(history)
    return buffer.getvalue()


def write_history(history: list[dict[str, float]], path: str | Path) -> Path:
    """Write the history as CSV or JSON, chosen by the file's suffix; atomically."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        text = json.dumps(history, indent=1)
    elif path.suffix.lower() == ".csv":
        text = history_csv(history)
    else:
        raise ValueError(f"history file must end in .csv or .json, got {path.name!r}")
    atomic_write_bytes(path, text.encode())
    return path
