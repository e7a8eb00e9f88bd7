"""What the commands share: argparse value types, the --json/--data flags, the report printer,
the dataset loader and the model a command was given (else the newest)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SettingError
from ..files import model_path, models_dir

MODEL_HELP = "a model file, or a model's name in the models folder (default: the newest)"


# ---- value types: a flag's text → its value, or argparse's one-line complaint -------------


def whole_number(text: str, least: int) -> int:
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


def scheduler_address(text: str) -> str:
    """A Dask scheduler's address: tcp://HOST:PORT (or another of Dask's protocols)."""
    protocol, _, rest = text.partition("://")
    if not (protocol and rest) or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(
            f"expected a scheduler address such as tcp://HOST:8786, got {text!r}"
        )
    return text


KINDS = {  # an experiment option's kind (experiments.Option) → its value type
    "count": positive_int,
    "index": non_negative_int,
    "positive": positive_float,
    "non-negative": non_negative_float,
    "number": finite_number,
    "address": scheduler_address,
    "text": str,
}


# ---- flags -----------------------------------------------------------------------------------


def debug_flag(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: without --debug here, keep what `digitnet --debug COMMAND` set
    p.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )


def json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def data_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        metavar="PATH",
        help="MNIST files to use: a folder of IDX files, mnist.npz or mnist.pkl.gz",
    )


def dataset_flag(p: argparse.ArgumentParser, help_text: str) -> None:
    """--dataset mnist|fashion-mnist; None when not given (a model's own dataset, or MNIST)."""
    p.add_argument("--dataset", choices=["mnist", "fashion-mnist"], help=help_text)


def model_arguments(p: argparse.ArgumentParser, help_text: str = MODEL_HELP) -> None:
    """[MODEL] or --model MODEL: every command that reads a model takes it both ways (see
    `given_model`, which main calls once the arguments are parsed)."""
    p.add_argument("model_given", metavar="MODEL", nargs="?", help=help_text)
    p.add_argument("--model", metavar="MODEL", help="the same, as a flag")


def given_model(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """args.model: the model given by position or by --model (the same one if both)."""
    if "model_given" not in vars(args):  # a command that reads no model (or predict)
        return
    given = vars(args).pop("model_given")
    if given is not None and args.model is not None and given != args.model:
        parser.error(f"two models given, {given} and --model {args.model}: give one")
    args.model = args.model if args.model is not None else given


def layers_flag(p: argparse.ArgumentParser, **kwargs: Any) -> None:
    """--layers 16 16: the hidden layer sizes, the same flag in every command."""
    kwargs.setdefault("help", "hidden layer sizes, e.g. --layers 16 16")
    p.add_argument("--layers", type=positive_int, nargs="+", metavar="N", **kwargs)


# ---- reports, data, models -------------------------------------------------------------------


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """Print the report as JSON (--json) or as text."""
    print(json.dumps(payload, indent=1) if getattr(args, "json", False) else text)


def load_data(args: argparse.Namespace, name: str = "mnist"):
    """The dataset, from --data or the usual sources; a progress bar unless --json."""
    from ..data import load_dataset

    return load_dataset(
        name, data_path=getattr(args, "data", None), progress=not getattr(args, "json", False)
    )


def chosen_model(name: str | None) -> Path:
    """The model a command was given (a path, or a name in the models folder), else the newest
    good digitnet model in the models folder; the files passed over there are named, with why."""
    from ..modelfile import newest_model

    if name:
        return model_path(name)
    newest = newest_model()
    for path, reason in newest.skipped:
        print(f"note: passed over {path}: {reason}", file=sys.stderr)
    if newest.path is None:
        raise SettingError(f"no model given and none in {models_dir()}: run 'digitnet train' first")
    return newest.path
