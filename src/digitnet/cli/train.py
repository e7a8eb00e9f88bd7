"""`digitnet data` and `digitnet train`: fetch the dataset; train a network and save it."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import common
from .common import (
    data_flag,
    emit,
    fraction,
    json_flag,
    layers_flag,
    non_negative_float,
    non_negative_int,
    positive_float,
    positive_int,
)

if TYPE_CHECKING:
    from ..training import Plan


def cmd_data(args: argparse.Namespace) -> int:
    data = common.load_data(args, args.dataset or "mnist")
    payload = {
        "dataset": data.name,
        "source": data.source,
        "cache": str(data.cache_path) if data.cache_path else None,
        "sha256": data.hashes,
        "train": len(data.train.labels),
        "validation": len(data.validation.labels),
        "test": len(data.test.labels),
    }
    lines = [
        f"{data.name}: {payload['train']:,} training + {payload['validation']:,} validation "
        f"+ {payload['test']:,} test images, verified",
        f"  from:  {data.source}",
        f"  cache: {payload['cache'] or '(not cached)'}",
        *(f"  sha256 {k}: {v}" for k, v in data.hashes.items()),
    ]
    emit(args, payload, "\n".join(lines))
    return 0


SETTINGS = (  # TrainConfig fields that are flags of the same name (--batch-size: batch_size)
    "activation",
    "cost",
    "epochs",
    "batch_size",
    "momentum",
    "weight_decay",
    "schedule",
    "shift",
    "seed",
    "dtype",
    "train_set",
    "init",
)


def cmd_train(args: argparse.Namespace) -> int:
    from ..files import model_path
    from ..training import plan

    settings = {name: getattr(args, name) for name in SETTINGS}
    settings.update(layers=args.layers, learning_rate=args.lr)
    if args.shuffle_labels:
        settings["shuffle_labels"] = True
    if args.history:
        check_history_path(args.history)
    resume = model_path(args.resume) if args.resume else None  # a path, or a name: `video`
    chosen = plan(args.preset, settings, out=args.out, resume=resume, dataset=args.dataset)
    try:
        return train_as_planned(args, chosen)
    finally:  # a run that never started lets its new name go too
        if chosen.claim is not None:
            chosen.claim.release()


def train_as_planned(args: argparse.Namespace, chosen: Plan) -> int:
    from ..frames import keep_frames, start_recording
    from ..network import count_params
    from ..progress import TrainProgress, legend
    from ..training import TRAIN_SAMPLE, kept, run, stuck_hint, write_history
    from ..trainpath import path_file, save_path, start_path

    config = chosen.config

    data = common.load_data(args, chosen.dataset)
    n_params = count_params(config.sizes)
    if not args.json:
        on = "" if chosen.dataset == "mnist" else f", on {chosen.dataset}"
        print(
            f"digitnet train ({chosen.what}{on}): {'-'.join(map(str, config.sizes))} "
            f"{config.activation} network, {n_params:,} weights and biases, {config.cost} cost"
        )
        settings_text = [f"{k}={v}" for k, v in config.to_dict().items() if k != "sizes"]
        print("  " + textwrap.fill(", ".join(settings_text), 96, subsequent_indent="  "))
        replacing = chosen.existed and chosen.out != chosen.resumed_from
        print(f"  saving to {chosen.out}" + (" (replacing the file there)" if replacing else ""))
        if not args.quiet:
            print(textwrap.fill(legend(TRAIN_SAMPLE), 96, subsequent_indent="  "))
    progress = TrainProgress(enabled=not args.json and not args.quiet)
    handler: Callable[[Any], None] = progress
    recorder = start_recording(args.record_weights, chosen) if args.record_weights else None
    tracker = start_path(args.record_path, chosen) if args.record_path else None
    listeners = [h for h in (progress, recorder, tracker) if h is not None]
    if len(listeners) > 1:

        def handler(event) -> None:  # all: the progress bar, the movie's frames, the path
            for listen in listeners:
                listen(event)

    try:
        result = run(chosen, data, on_event=handler)
    finally:
        progress.close()
    keep_frames(recorder, result, chosen)
    if tracker is not None and not result.interrupted:
        save_path(tracker.finish(result.network.params), path_file(chosen.out))
    out = chosen.out
    if result.interrupted:
        msg = f"interrupted during epoch {result.epochs_done + 1}; {kept(chosen, result)}"
        if result.saved_epoch or chosen.out == chosen.resumed_from:
            msg += f"; continue with 'digitnet train --resume {out}'"
        print(msg, file=sys.stderr)
        return 130
    if args.history:
        write_history(result.history, args.history)
    last = result.history[-1]
    hint = stuck_hint(last, config)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    payload = {
        "model": str(out),
        "dataset": chosen.dataset,
        "config": config.to_dict(),
        "parameters": n_params,
        "epochs": result.epochs_done,
        "test_accuracy": last.get("test_accuracy"),
        "test_cost": last.get("test_cost"),
        "validation_accuracy": last.get("validation_accuracy"),
        "train_seconds": round(sum(r["seconds"] for r in result.history), 2),
    }
    emit(
        args,
        payload,
        (
            f"test accuracy: {last['test_accuracy']:.2%} ({round(last['test_accuracy'] * 10000):,}"
            f" of 10,000 unseen test images), test cost {last['test_cost']:.4f}\n"
            f"model saved: {out}"
        ),
    )
    return 0


def check_history_path(path: str) -> None:
    from ..errors import SettingError
    from ..files import writable_file

    writable_file(path)
    if not path.lower().endswith((".csv", ".json")):
        raise SettingError(f"--history must end in .csv or .json, got {path!r}")


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    from ..functions import ACTIVATIONS, COSTS
    from ..network import DTYPES, INITS
    from ..training import PRESETS, SCHEDULES, TRAIN_SETS

    p = command("data", "fetch, verify and cache the dataset; say where it came from", cmd_data)
    data_flag(p)
    common.dataset_flag(p, "which dataset (default: mnist)")
    json_flag(p)

    p = command("train", "train a network on MNIST and report its test accuracy", cmd_train)
    common.dataset_flag(
        p, "train on mnist (default) or fashion-mnist; a resumed model keeps its own"
    )
    p.epilog = "Every flag left out keeps the preset's value; the run prints all of them."
    p.add_argument(
        "--preset",
        choices=list(PRESETS),
        default="video",
        help="starting recipe: video (784-16-16-10 sigmoid, default), book, tweaked",
    )
    layers_flag(p)
    p.add_argument("--activation", choices=list(ACTIVATIONS), help="hidden neurons' σ")
    p.add_argument("--cost", choices=list(COSTS), help="cost function")
    p.add_argument("--epochs", type=positive_int, metavar="N", help="passes over the data")
    p.add_argument("--batch-size", type=positive_int, metavar="N", help="mini-batch size")
    p.add_argument("--lr", type=positive_float, metavar="X", help="learning rate η")
    p.add_argument("--momentum", type=fraction, metavar="X", help="momentum μ in [0, 1)")
    p.add_argument(
        "--weight-decay", type=non_negative_float, metavar="X", help="L2 weight decay λ ≥ 0"
    )
    p.add_argument("--schedule", choices=list(SCHEDULES), help="learning-rate schedule")
    p.add_argument(
        "--shift",
        type=non_negative_int,
        metavar="N",
        help="augment: shift training images by up to N pixels (0–4)",
    )
    p.add_argument(
        "--init",
        choices=INITS,
        help="initial weights: N(0,1/n_in) or the book's N(0,1)",
    )
    p.add_argument("--dtype", choices=DTYPES, help="float precision")
    p.add_argument(
        "--train-set",
        choices=TRAIN_SETS,
        help="train on the first 50,000 images or all 60,000 (video preset: all)",
    )
    p.add_argument("--seed", type=non_negative_int, metavar="N", help="random seed (default 0)")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="where to save the model (.safetensors; a file there is replaced). Default: a new "
        "file in the models folder, <preset>.safetensors or, if taken, <preset>-2.safetensors …",
    )
    p.add_argument(
        "--resume",
        metavar="MODEL",
        help="continue training a saved model: a model file, or a model's name in the models "
        "folder (its file is where the run saves)",
    )
    p.add_argument(
        "--shuffle-labels",
        action="store_true",
        help="train on randomly permuted labels (memorisation experiment)",
    )
    p.add_argument(
        "--history", metavar="FILE", help="also write the per-epoch history (.csv/.json)"
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no epoch lines and no progress bar (the bar is drawn only on a terminal)",
    )
    p.add_argument(
        "--record-weights",
        type=positive_int,
        metavar="N",
        help="keep the first layer's weights every N mini-batches (NAME.frames.npz beside the "
        "model; at most 120 frames: N doubles when full), for the weights-movie.gif of "
        "'digitnet show'",
    )
    p.add_argument(
        "--record-path",
        type=positive_int,
        metavar="N",
        help="keep every weight and bias every N mini-batches (<model>.path.npz), for "
        "'digitnet experiment landscape --directions path'",
    )
    data_flag(p)
    json_flag(p)
