"""The `digitnet` command: parses arguments and calls the modules that do the work.

Errors a user can cause end as one line on stderr and exit status 1 (2 for usage errors);
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .files import model_path, models_dir, newest_model

EXIT_FAILURE, EXIT_USAGE = 1, 2
MODEL_HELP = "a model file, or a model's name in the models folder (default: the newest)"


class UsageError(Exception):
    """A bad combination of arguments: exit status 2."""


# ---- helpers shared by commands ----------------------------------------------------------


def chosen_model(name: str | None) -> Path:
    """The model a command was given (a path, or a name in the models folder), else the newest
    digitnet model in the models folder; other .safetensors files there are mentioned, skipped."""
    if name:
        return model_path(name)
    newest = newest_model()
    for path in newest.skipped:
        print(f"note: passed over {path}: not a digitnet model", file=sys.stderr)
    if newest.path is None:
        raise UsageError(f"no model given and none in {models_dir()}: run 'digitnet train' first")
    return newest.path


def latest_model() -> Path:
    """The newest digitnet model in the models folder (for commands given none)."""
    return chosen_model(None)


def whole_number(text: str, least: int) -> int:
    """A flag's value as an int of at least ``least``, or argparse's one-line complaint."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
    return value


def positive_int(text: str) -> int:
    return whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return whole_number(text, 0)


def port(text: str) -> int:
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, got {value}")
    return value


def number(text: str) -> float:
    """A flag's value as a float, or argparse's one-line complaint."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def finite_number(text: str) -> float:
    value = number(text)
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def positive_float(text: str) -> float:
    value = number(text)
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = number(text)
    if not (value >= 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a number ≥ 0, got {text}")
    return value


def fraction(text: str) -> float:
    value = number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def require_digit_network(path: str | Path, net) -> None:
    """Refuse a network that cannot read a 28×28 image or answer with one of ten digits."""
    if net.sizes[0] != 784 or net.sizes[-1] != 10:
        raise UsageError(
            f"{path} is a {'-'.join(map(str, net.sizes))} network: digitnet needs 784 inputs "
            "(a 28×28 image) and 10 outputs (one per digit)"
        )


def writable_file(path: str | Path) -> Path:
    """Check that a file can be written where asked, before any long work starts."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist")
    try:  # really try: os.access says yes to root, even on a read-only file system
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise UsageError(f"cannot write to folder {folder} ({e.strerror or e})") from None
    return path


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """Print the report as JSON (--json) or as text."""
    print(json.dumps(payload, indent=1) if getattr(args, "json", False) else text)


def load_data(args: argparse.Namespace, name: str = "mnist"):
    from .data import load_dataset

    return load_dataset(name, data_path=getattr(args, "data", None), progress=not args.json)


# ---- digitnet data -----------------------------------------------------------------------


def cmd_data(args: argparse.Namespace) -> int:
    data = load_data(args, args.dataset)
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


# ---- digitnet train ----------------------------------------------------------------------

TRAIN_FLAGS = {  # command-line flag → TrainConfig field
    "layers": "sizes",
    "activation": "activation",
    "cost": "cost",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "lr": "learning_rate",
    "momentum": "momentum",
    "weight_decay": "weight_decay",
    "schedule": "schedule",
    "shift": "shift",
    "seed": "seed",
    "dtype": "dtype",
    "train_set": "train_set",
    "init": "init",
}


def train_config(args: argparse.Namespace, base):
    """The preset (or resumed config) with the flags the user gave laid over it."""
    overrides = {}
    for flag, name in TRAIN_FLAGS.items():
        value = getattr(args, flag)
        if value is not None:
            overrides[name] = (784, *value, 10) if flag == "layers" else value
    if args.shuffle_labels:
        overrides["shuffle_labels"] = True
    try:
        return replace(base, **overrides)
    except ValueError as e:  # a flag out of range for this config (e.g. --shift 9)
        raise UsageError(str(e)) from None


def resumed_config(path: str, model):
    """The config a model file was trained with; its structure taken from the network itself."""
    from .modelfile import ModelFileError
    from .training import TrainConfig

    net = model.network
    structure = dict(
        sizes=net.sizes, activation=net.activation, cost=net.cost, dtype=net.dtype.name
    )
    try:
        config = TrainConfig.from_dict({**model.training, **structure})
        done = int(model.training.get("epochs_done", 0))
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path}: its training record cannot be resumed ({e})") from None
    return config, done


def cmd_train(args: argparse.Namespace) -> int:
    from .frames import frames_path, save_frames
    from .modelfile import load_model
    from .network import count_params
    from .progress import TrainProgress
    from .training import PRESETS, DivergedError, stuck_hint, train, write_history

    resume = None
    if args.resume:
        resume = load_model(args.resume)
        base, done = resumed_config(args.resume, resume)
        config = train_config(args, base)
        if config.sizes != base.sizes or config.activation != base.activation:
            raise UsageError(
                f"--resume: {args.resume} is a {'-'.join(map(str, base.sizes))} "
                f"{base.activation} network; it cannot continue as "
                f"{'-'.join(map(str, config.sizes))} {config.activation}"
            )
        if config.cost != base.cost or config.dtype != base.dtype:
            raise UsageError("--resume: the cost and dtype must stay those of the model")
        if done >= config.epochs:
            raise UsageError(
                f"--resume: {args.resume} already has {done} epochs; ask for more with --epochs"
            )
    else:
        config = train_config(args, PRESETS[args.preset])
    out = (
        Path(args.out)
        if args.out
        else (Path(args.resume) if args.resume else models_dir() / f"{args.preset}.safetensors")
    )
    if not args.out and not args.resume:
        out.parent.mkdir(parents=True, exist_ok=True)
    writable_file(out)
    if args.history:
        writable_file(args.history)
        if Path(args.history).suffix.lower() not in (".csv", ".json"):
            raise UsageError(f"--history must end in .csv or .json, got {args.history!r}")

    data = load_data(args)
    net_desc = "-".join(map(str, config.sizes))
    n_params = count_params(config.sizes)
    if not args.json:
        what = f"resuming {args.resume}" if resume else f"preset {args.preset}"
        print(
            f"digitnet train ({what}): {net_desc} {config.activation} network, {n_params:,} "
            f"weights and biases, {config.cost} cost"
        )
        settings = [f"{k}={v}" for k, v in config.to_dict().items() if k != "sizes"]
        print("  " + textwrap.fill(", ".join(settings), 96, subsequent_indent="  "))
    progress = TrainProgress(enabled=not args.json and not args.quiet)
    handler: Callable[[Any], None] = progress
    recorder = None
    if args.record_weights:
        recorder = weight_recorder(args, config, resume)
        record = recorder

        def handler(event) -> None:  # both: the progress bar and the movie's frames
            progress(event)
            record(event)

    try:
        result = train(data, config, on_event=handler, checkpoint=out, resume=resume)
    except DivergedError as e:
        progress.close()
        kept = f"; the last good epoch is kept in {out}" if out.exists() else ""
        raise RuntimeError(f"{e}{kept}") from None
    progress.close()
    frames = recorder.result(result.epochs_done) if recorder else None
    if frames is not None:
        save_frames(frames_path(out), frames)
    elif resume is None and result.epochs_done:  # a new model: an old movie is not its own
        frames_path(out).unlink(missing_ok=True)
    if result.interrupted:
        done = result.epochs_done
        msg = f"interrupted during epoch {done + 1}"
        msg += (
            (
                f"; the model after epoch {done} is in {out}; continue with "
                f"'digitnet train --resume {out}'"
            )
            if done
            else "; nothing was saved"
        )
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


def weight_recorder(args: argparse.Namespace, config, resume):
    """Frames of the first layer's weights for the movie; a resumed run adds to its own."""
    from .frames import WeightRecorder, frames_path, load_frames

    if resume is None:
        recorder = WeightRecorder(args.record_weights)
        recorder.record(config.build_network().weights[0], epoch=0, batch=0)  # before training
        return recorder
    done = int(resume.training.get("epochs_done", 0))
    previous = frames_path(args.resume)
    frames = load_frames(previous) if previous.exists() else None
    return WeightRecorder(args.record_weights, frames, upto_epoch=done)


# ---- digitnet evaluate -------------------------------------------------------------------


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .modelfile import load_model

    args.model = chosen_model(args.model)
    model = load_model(args.model)
    require_digit_network(args.model, model.network)
    data = load_data(args, str(model.training.get("dataset", "mnist")))
    net, split = model.network, data.test
    accuracy, cost = net.evaluate(split.images, split.labels)
    guesses = net.predict(split.images)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (split.labels, guesses), 1)
    per_digit = confusion.diagonal() / np.maximum(confusion.sum(axis=1), 1)
    payload = {
        "model": str(args.model),
        "test_accuracy": accuracy,
        "test_cost": cost,
        "per_digit_accuracy": {str(d): float(a) for d, a in enumerate(per_digit)},
        "confusion_matrix": confusion.tolist(),
    }
    width = 6
    rows = ["true\\answer" + "".join(f"{d:>{width}}" for d in range(10)) + "  accuracy"]
    for d in range(10):
        cells = "".join(f"{c:>{width}}" for c in confusion[d])
        rows.append(f"{d:>11}" + cells + f"  {per_digit[d]:8.2%}")
    text = (
        f"{args.model}: {accuracy:.2%} of {len(split.labels):,} test images right, "
        f"mean cost {cost:.4f}\n\nconfusion matrix (rows: true digit, columns: answer)\n"
        + "\n".join(rows)
    )
    emit(args, payload, text)
    return 0


# ---- digitnet predict --------------------------------------------------------------------


def looks_like_model(arg: str) -> bool:
    """predict's first argument is the model when it ends in .safetensors, or when it is no
    file here but names a model in the models folder (``video``); else it is an image."""
    if arg.lower().endswith(".safetensors"):
        return True
    return not Path(arg).exists() and model_path(arg) != Path(arg)


def cmd_predict(args: argparse.Namespace) -> int:
    from .images import image_to_input
    from .modelfile import load_model

    images = list(args.images)
    if args.model is None and images and looks_like_model(images[0]):
        args.model = images.pop(0)
    if not images:
        raise UsageError("give at least one IMAGE")
    args.model = chosen_model(args.model)
    net = load_model(args.model).network
    require_digit_network(args.model, net)
    results, lines = [], []
    for path in images:
        x = image_to_input(path)
        outputs = net.feedforward(x[None, :])[0]
        answer = int(np.argmax(outputs))
        blank = not x.any()
        results.append(
            {
                "image": str(path),
                "answer": answer,
                "outputs": [round(float(v), 6) for v in outputs],
                "blank": blank,
            }
        )
        bars = "  ".join(f"{d}:{v:.3f}" for d, v in enumerate(outputs))
        note = " (blank image: no ink found)" if blank else ""
        lines.append(f"{path}: {answer}{note}\n  {bars}")
    emit(args, {"predictions": results}, "\n".join(lines))
    return 0


# ---- digitnet show -----------------------------------------------------------------------


def output_folder(path: Path) -> Path:
    """Make the pictures' folder, or say in one line why it cannot be used."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {path} is a file; give a folder")
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK):
        raise UsageError(f"cannot write to folder {path}")
    return path


def cmd_show(args: argparse.Namespace) -> int:
    from .files import atomic_write_bytes
    from .modelfile import load_model
    from .pictures import average_digits_picture, png_bytes, write_all

    data_only = args.model is None and args.data is not None
    args.data = args.data or None  # a bare --data means: the usual sources
    if data_only:
        if args.index is not None or args.image:
            raise UsageError("--index and --image show a model's pictures: give a MODEL")
        out = output_folder(Path(args.out) if args.out else models_dir() / "mnist-pictures")
        data = load_data(args)
        path = out / "average-digits.png"
        train_split = data.train
        picture = average_digits_picture(train_split.images, train_split.labels)
        atomic_write_bytes(path, png_bytes(picture))
        notes: list[str] = []
        model_name, written = None, {"average-digits.png": path}
    else:
        path = chosen_model(args.model)
        model = load_model(path)
        require_digit_network(path, model.network)
        out = Path(args.out) if args.out else path.with_name(f"{path.stem}-pictures")
        output_folder(out)
        data = load_data(args, model.training.get("dataset", "mnist"))
        n_test = len(data.test.labels)
        if args.index is not None and args.index >= n_test:
            raise UsageError(f"--index must be below {n_test} (the test images), got {args.index}")
        model_name = str(path)
        written, notes = write_all(
            model, out, data, index=args.index or 0, image=args.image, model_path=path
        )
    payload = {
        "model": model_name,
        "out": str(out),
        "pictures": {name: str(path) for name, path in written.items()},
        "notes": notes,
    }
    if not args.json:
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
    emit(args, payload, "\n".join(str(path) for path in written.values()))
    return 0


# ---- digitnet serve / export-html --------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .web.app import create_app
    except ImportError as e:  # installed without the web extra
        raise RuntimeError(
            f"the web page needs FastAPI and uvicorn ({e.name} is missing): "
            "pip install 'digitnet[web]'"
        ) from None
    from .modelfile import load_model

    if args.model:
        args.model = model_path(args.model)
        load_model(args.model)  # a bad file fails here, in one line, before the server starts
    app = create_app(model_path=args.model)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: other machines can reach this page")
    print(f"digitnet serve: open http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=2
    )
    return 0


def cmd_export_html(args: argparse.Namespace) -> int:
    from .files import atomic_write_bytes
    from .modelfile import load_model
    from .web.export import export_html

    args.model = chosen_model(args.model)
    model = load_model(args.model)
    require_digit_network(args.model, model.network)
    out = writable_file(args.out)
    page = export_html(model, Path(args.model).name)
    atomic_write_bytes(out, page.encode("utf-8"))
    payload = {"model": str(args.model), "html": str(out), "bytes": len(page.encode("utf-8"))}
    emit(args, payload, f"wrote {out} ({payload['bytes']:,} bytes): open it in any browser")
    return 0


# ---- the parser --------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digitnet",
        description="The plain-vanilla neural network that reads handwritten digits.",
    )
    parser.add_argument("--version", action="version", version=f"digitnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        # SUPPRESS: without --debug here, keep what `digitnet --debug COMMAND` set
        p.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
        return p

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print the report as JSON")

    def data_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data",
            metavar="PATH",
            help="MNIST files to use: a folder of IDX files, mnist.npz or mnist.pkl.gz",
        )

    p = command("data", "fetch, verify and cache the dataset; say where it came from", cmd_data)
    data_flag(p)
    p.add_argument(
        "--dataset",
        choices=["mnist", "fashion-mnist"],
        default="mnist",
        help="which dataset (default: mnist)",
    )
    json_flag(p)

    from .functions import ACTIVATIONS, COSTS
    from .network import DTYPES, INITS
    from .training import PRESETS, SCHEDULES, TRAIN_SETS

    p = command("train", "train a network on MNIST and report its test accuracy", cmd_train)
    p.epilog = "Every flag left out keeps the preset's value; the run prints all of them."
    p.add_argument(
        "--preset",
        choices=list(PRESETS),
        default="video",
        help="starting recipe: video (784-16-16-10 sigmoid, default), book, tweaked",
    )
    p.add_argument(
        "--layers",
        type=positive_int,
        nargs="+",
        metavar="N",
        help="hidden layer sizes, e.g. --layers 16 16",
    )
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
    p.add_argument("--out", metavar="FILE", help="where to save the model (.safetensors)")
    p.add_argument("--resume", metavar="FILE", help="continue training a saved model")
    p.add_argument(
        "--shuffle-labels",
        action="store_true",
        help="train on randomly permuted labels (memorisation experiment)",
    )
    p.add_argument(
        "--history", metavar="FILE", help="also write the per-epoch history (.csv/.json)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--record-weights",
        type=positive_int,
        metavar="N",
        help="keep the first layer's weights every N mini-batches (<model>.frames.npz), "
        "for the weights-movie.gif of 'digitnet show'",
    )
    data_flag(p)
    json_flag(p)

    p = command("evaluate", "accuracy, cost, per-digit accuracy and confusion matrix", cmd_evaluate)
    p.add_argument("model", metavar="MODEL", nargs="?", help=MODEL_HELP)
    data_flag(p)
    json_flag(p)

    p = command(
        "predict", "read digits from image files: the answer and all ten outputs", cmd_predict
    )
    p.epilog = (
        "The first argument is the model when it ends in .safetensors or names a model in the "
        "models folder (and is no file here); otherwise every argument is an image and the "
        "newest model is used. --model says it outright."
    )
    p.add_argument("images", metavar="[MODEL] IMAGE", nargs="+", help="image files (PNG, JPEG, …)")
    p.add_argument("--model", metavar="MODEL", help=MODEL_HELP)
    json_flag(p)

    p = command(
        "show",
        "draw a model's pictures (weights, activations, curves, confusion, mistakes, movie); "
        "with --data and no model, the average digits",
        cmd_show,
    )
    p.add_argument("model", metavar="MODEL", nargs="?", help=MODEL_HELP)
    p.add_argument("--out", metavar="DIR", help="folder for the pictures (default: next to MODEL)")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--index", type=non_negative_int, metavar="N", help="test image for activations.png"
    )
    which.add_argument("--image", metavar="FILE", help="your own image for activations.png")
    p.add_argument(
        "--data",
        metavar="PATH",
        nargs="?",
        const="",
        help="MNIST files to use; alone (no MODEL): draw average-digits.png",
    )
    json_flag(p)

    from .experiments.commands import experiment_parser

    experiment_parser(sub)

    p = command("serve", "the web app: draw a digit, watch the network think and learn", cmd_serve)
    p.add_argument("--model", metavar="FILE", help="model to start with (default: the newest)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port, default=8000, help="port (default 8000)")

    p = command(
        "export-html", "write one self-contained, drawable HTML page of a model", cmd_export_html
    )
    p.add_argument("model", metavar="MODEL", nargs="?", help=MODEL_HELP)
    p.add_argument("-o", "--out", metavar="FILE", required=True, help="the HTML file to write")
    json_flag(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .data import DataError
    from .images import ImageError
    from .modelfile import ModelFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as e:
        if args.debug:
            raise
        print(f"digitnet {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `digitnet evaluate M | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except (
        DataError,
        ImageError,
        ModelFileError,
        ValueError,
        RuntimeError,
        OSError,
        MemoryError,
    ) as e:
        if args.debug:
            raise
        message = str(e)
        if isinstance(e, OSError) and e.strerror:  # "FILE: No space left on device"
            message = f"{e.filename}: {e.strerror}" if e.filename else e.strerror
        if isinstance(e, MemoryError):
            message = f"not enough memory ({message or 'MemoryError'})"
        print(f"digitnet {args.command}: error: {message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: still one line, and --debug shows where
        if args.debug:
            raise
        print(
            f"digitnet {args.command}: internal error: {type(e).__name__}: {e} "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":
    # `python -m digitnet.cli` runs this file as __main__, a second copy of the module: call
    # the main of digitnet.cli itself, whose UsageError is the one the experiments raise.
    from digitnet.cli import main as entry

    sys.exit(entry())
