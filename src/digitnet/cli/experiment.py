"""`digitnet experiment NAME …`: every experiment of `digitnet.experiments.EXPERIMENTS`, its
flags made from its OPTIONS; run, then its text, its conclusion and the files it wrote."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from . import common
from .common import KINDS, chosen_model, emit

QUICK_EPOCHS = 3  # the budget of the model trained when an experiment finds none


def experiment_model(args: argparse.Namespace) -> Path:
    """The model to experiment on: --model, else the newest one, else a quick one trained now."""
    from ..errors import SettingError
    from ..files import claim_new_model, models_dir
    from ..modelfile import save_model
    from ..training import PRESETS, checkpoint_model, fit

    dataset = args.dataset or "mnist"
    try:
        return chosen_model(args.model)
    except SettingError:  # none given and none there (a foreign file there keeps its name)
        stem = "quick-video" if dataset == "mnist" else f"quick-video-{dataset}"
        models_dir().mkdir(parents=True, exist_ok=True)
        claim = claim_new_model(models_dir(), stem)
        path = claim.path
        print(
            f"no model given and none in {models_dir()}: training a quick one "
            f"(the video's network, {QUICK_EPOCHS} epochs) into {path}",
            file=sys.stderr,
        )
        try:
            data = common.load_data(args, dataset)
            result = fit(data, replace(PRESETS["video"], epochs=QUICK_EPOCHS))
            save_model(checkpoint_model(result, data), path, replace=False)
        finally:
            claim.release()
        return path


def cmd_experiment(args: argparse.Namespace) -> int:
    from ..errors import SettingError
    from ..experiments import EXPERIMENTS, Inputs, report
    from ..files import models_dir, output_folder
    from ..modelfile import load_digit_model

    experiment = EXPERIMENTS[args.experiment]
    options = {o.name: getattr(args, o.name) for o in experiment.OPTIONS}
    say = None if args.json else (lambda line: print(line, file=sys.stderr))
    if experiment.NEEDS_MODEL:
        path = experiment_model(args)
        model = load_digit_model(path)
        folder = output_folder(args.out or path.parent)
        recorded = str(model.training.get("dataset", "mnist"))
        if args.dataset and args.dataset != recorded:
            raise SettingError(
                f"{path} was trained on {recorded}, not {args.dataset}: give a {args.dataset} "
                "model with --model, or leave out --dataset"
            )
        data = common.load_data(args, recorded)
        inputs = Inputs(data, model.network, path, folder, say)
        picture = folder / f"{path.stem}-{experiment.NAME}.png"
    else:
        folder = output_folder(args.out or models_dir() / getattr(experiment, "FOLDER", ""))
        inputs = Inputs(common.load_data(args, args.dataset or "mnist"), None, None, folder, say)
        picture = folder / f"{experiment.NAME}.png"
    result = experiment.run(inputs, **options)
    written = experiment.picture(result, picture)
    files = written if isinstance(written, dict) else {"picture": written}
    if "cache" in result:
        files = {**files, "cache": Path(result["cache"])}
    payload = {"experiment": experiment.NAME, **report(result)}
    payload.update({k: str(v) for k, v in files.items()})
    text = [*experiment.text(result), "", f"conclusion: {result['conclusion']}"]
    text += [f"{name}: {path}" for name, path in files.items()]
    emit(args, payload, "\n".join(text))
    return 0


def add_option(e: argparse.ArgumentParser, option) -> None:
    """One experiment option as a flag: --name, its value type from its kind."""
    flag = "--" + option.name.replace("_", "-")
    kwargs: dict = {"default": option.default, "help": option.help, "dest": option.name}
    if option.kind == "choice":
        kwargs["choices"] = option.choices
    else:
        kwargs["type"] = KINDS[option.kind]
        kinds = {"count": "N", "index": "N", "address": "URL", "text": "TEXT"}
        kwargs["metavar"] = kinds.get(option.kind, "X")
    if option.many:
        kwargs["nargs"] = "+"
    if option.many and option.name == "layers" and option.default is None:  # the sweep's
        kwargs["action"] = "append"  # --layers 16 16 --layers 32: one structure each
    e.add_argument(flag, **kwargs)


def add_commands(command: Callable[..., argparse.ArgumentParser], sub) -> None:
    from ..experiments import EXPERIMENTS

    help_text = "run one of the story's experiments: numbers, a conclusion and a picture"
    p = sub.add_parser("experiment", help=help_text, description=help_text)
    p.set_defaults(command_parser=p)
    common.debug_flag(p)
    names = p.add_subparsers(dest="experiment", metavar="NAME", required=True)
    for experiment in EXPERIMENTS.values():
        e = experiment_parser(names, experiment)
        e.set_defaults(func=cmd_experiment)


def experiment_parser(names, experiment: ModuleType) -> argparse.ArgumentParser:
    e = names.add_parser(experiment.NAME, help=experiment.SUMMARY, description=experiment.SUMMARY)
    e.set_defaults(command_parser=e)
    common.debug_flag(e)
    e.add_argument("--out", metavar="DIR", help="folder for the picture and tables")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    common.data_flag(e)
    common.dataset_flag(
        e,
        "mnist (default) or fashion-mnist"
        + (" (a model given or found: its own dataset)" if experiment.NEEDS_MODEL else ""),
    )
    if experiment.NEEDS_MODEL:
        common.model_arguments(
            e, "a model file or a model's name (default: the newest, or a quick new one)"
        )
    for option in experiment.OPTIONS:
        add_option(e, option)
    return e
