"""The `digitnet` command: parses arguments and calls the modules that do the work.

Errors a user can cause end as one line on stderr and exit status 1 (2 for usage errors);
`--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__

EXIT_FAILURE, EXIT_USAGE = 1, 2


class UsageError(Exception):
    """A bad combination of arguments: exit status 2."""


# ---- helpers shared by commands ----------------------------------------------------------


def models_dir() -> Path:
    """Where models go by default: $DIGITNET_MODELS, else $XDG_DATA_HOME/digitnet/models."""
    if os.environ.get("DIGITNET_MODELS"):
        return Path(os.environ["DIGITNET_MODELS"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "digitnet" / "models"


def latest_model() -> Path:
    """The most recently written model in the models folder (for commands given none)."""
    found = sorted(models_dir().glob("*.safetensors"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise UsageError(f"no model given and none in {models_dir()}: run 'digitnet train' first")
    return found[-1]


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text) if text.lstrip("-").isdigit() else None
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (value > 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def writable_file(path: str | Path) -> Path:
    """Check that a file can be written where asked, before any long work starts."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write to folder {folder}")
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
    return replace(base, **overrides)


def cmd_train(args: argparse.Namespace) -> int:
    from .modelfile import load_model
    from .progress import TrainProgress
    from .training import PRESETS, DivergedError, TrainConfig, stuck_hint, train, write_history

    resume = None
    if args.resume:
        resume = load_model(args.resume)
        base = TrainConfig.from_dict(resume.training)
        config = train_config(args, base)
        if config.sizes != base.sizes or config.activation != base.activation:
            raise UsageError(
                f"--resume: {args.resume} is a {'-'.join(map(str, base.sizes))} "
                f"{base.activation} network; it cannot continue as "
                f"{'-'.join(map(str, config.sizes))} {config.activation}"
            )
        if config.cost != base.cost or config.dtype != base.dtype:
            raise UsageError("--resume: the cost and dtype must stay those of the model")
        done = int(resume.training.get("epochs_done", 0))
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

    data = load_data(args)
    net_desc = "-".join(map(str, config.sizes))
    n_params = sum(o * i + o for o, i in zip(config.sizes[1:], config.sizes[:-1]))
    if not args.json:
        what = f"resuming {args.resume}" if resume else f"preset {args.preset}"
        print(
            f"digitnet train ({what}): {net_desc} {config.activation} network, {n_params:,} "
            f"weights and biases, {config.cost} cost"
        )
        print("  " + ", ".join(f"{k}={v}" for k, v in config.to_dict().items() if k != "sizes"))
    progress = TrainProgress(enabled=not args.json and not args.quiet)
    try:
        result = train(data, config, on_event=progress, checkpoint=out, resume=resume)
    except DivergedError as e:
        progress.close()
        kept = f"; the last good epoch is kept in {out}" if out.exists() else ""
        raise RuntimeError(f"{e}{kept}") from None
    progress.close()
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


# ---- digitnet evaluate -------------------------------------------------------------------


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .modelfile import load_model

    model = load_model(args.model)
    data = load_data(args, model.training.get("dataset", "mnist"))
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


def cmd_predict(args: argparse.Namespace) -> int:
    from .images import image_to_input
    from .modelfile import load_model

    net = load_model(args.model).network
    if net.sizes[0] != 784:
        raise UsageError(f"{args.model} takes {net.sizes[0]} inputs, not a 28×28 image")
    results, lines = [], []
    for path in args.images:
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


# ---- digitnet serve / export-html --------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .modelfile import load_model
    from .web.server import create_app

    if args.model:
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
    from .modelfile import atomic_write_bytes, load_model
    from .web.export import export_html

    model = load_model(args.model)
    if model.network.sizes[0] != 784:
        raise UsageError(f"{args.model} takes {model.network.sizes[0]} inputs, not a 28×28 image")
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
        p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
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

    from .training import PRESETS, SCHEDULES

    p = command("train", "train a network on MNIST and report its test accuracy", cmd_train)
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
    p.add_argument("--activation", choices=["sigmoid", "relu"], help="hidden neurons' σ")
    p.add_argument("--cost", choices=["quadratic", "cross-entropy"], help="cost function")
    p.add_argument("--epochs", type=positive_int, metavar="N", help="passes over the data")
    p.add_argument("--batch-size", type=positive_int, metavar="N", help="mini-batch size")
    p.add_argument("--lr", type=positive_float, metavar="X", help="learning rate η")
    p.add_argument("--momentum", type=fraction, metavar="X", help="momentum μ in [0, 1)")
    p.add_argument("--weight-decay", type=float, metavar="X", help="L2 weight decay λ ≥ 0")
    p.add_argument("--schedule", choices=list(SCHEDULES), help="learning-rate schedule")
    p.add_argument(
        "--shift",
        type=non_negative_int,
        metavar="N",
        help="augment: shift training images by up to N pixels (0–4)",
    )
    p.add_argument(
        "--init",
        choices=["scaled", "normal"],
        help="initial weights: N(0,1/n_in) or the book's N(0,1)",
    )
    p.add_argument("--dtype", choices=["float32", "float64"], help="float precision")
    p.add_argument(
        "--train-set",
        choices=["train", "full"],
        help="train on the first 50,000 images (default) or all 60,000",
    )
    p.add_argument("--seed", type=int, metavar="N", help="random seed (default 0)")
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
    data_flag(p)
    json_flag(p)

    p = command("evaluate", "accuracy, cost, per-digit accuracy and confusion matrix", cmd_evaluate)
    p.add_argument("model", metavar="MODEL", help="a model file (.safetensors)")
    data_flag(p)
    json_flag(p)

    p = command(
        "predict", "read digits from image files: the answer and all ten outputs", cmd_predict
    )
    p.add_argument("model", metavar="MODEL", help="a model file (.safetensors)")
    p.add_argument("images", metavar="IMAGE", nargs="+", help="image files (PNG, JPEG, …)")
    json_flag(p)

    p = command("serve", "the web app: draw a digit, watch the network think and learn", cmd_serve)
    p.add_argument("--model", metavar="FILE", help="model to start with (default: the newest)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=positive_int, default=8000, help="port (default 8000)")

    p = command(
        "export-html", "write one self-contained, drawable HTML page of a model", cmd_export_html
    )
    p.add_argument("model", metavar="MODEL", help="a model file (.safetensors)")
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
        parser.exit(EXIT_USAGE, f"digitnet {args.command}: error: {e}\n")
    except (DataError, ImageError, ModelFileError, ValueError, RuntimeError, OSError) as e:
        if args.debug:
            raise
        message = (
            str(e)
            if not isinstance(e, OSError) or not e.strerror
            else (f"{e.filename + ': ' if e.filename else ''}{e.strerror}")
        )
        print(f"digitnet {args.command}: error: {message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
