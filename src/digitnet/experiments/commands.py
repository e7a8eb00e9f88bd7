"""`digitnet experiment NAME …`: the command-line side of the story's experiments.

Each `exp_*` function parses nothing itself: it takes the parsed arguments, runs one experiment
from this package, prints its numbers and conclusion (or JSON) and names the picture it wrote.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .. import cli
from ..cli import (
    UsageError,
    emit,
    finite_number,
    latest_model,
    models_dir,
    non_negative_float,
    non_negative_int,
    positive_float,
    positive_int,
    require_digit_network,
)
from ..files import model_path
from ..functions import ACTIVATIONS, COSTS

QUICK_EPOCHS = 3  # the budget of the model trained when an experiment finds none


def experiment_model(args: argparse.Namespace):
    """The model to experiment on: --model, else the latest one, else a quick one trained now."""
    from ..modelfile import load_model, save_model
    from ..training import PRESETS, checkpoint_model, train

    if args.model:
        path = model_path(args.model)
        return load_model(path), path
    try:
        path = latest_model()
    except UsageError:
        path = models_dir() / "quick-video.safetensors"
        print(
            f"no model given and none in {models_dir()}: training a quick one "
            f"(the video's network, {QUICK_EPOCHS} epochs) into {path}",
            file=sys.stderr,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        data = cli.load_data(args)
        result = train(data, replace(PRESETS["video"], epochs=QUICK_EPOCHS))
        save_model(checkpoint_model(result, data), path)
    return load_model(path), path


def experiment_out(args: argparse.Namespace, default: Path) -> Path:
    """The folder for pictures and tables (created if missing), checked writable up front."""
    return cli.output_folder(Path(args.out) if args.out else default)


def _model_experiment(args: argparse.Namespace):
    """Model, its dataset and the picture path, for the experiments run on a trained model."""
    model, path = experiment_model(args)
    require_digit_network(path, model.network)
    data = cli.load_data(args, model.training.get("dataset", "mnist"))
    picture = experiment_out(args, path.parent) / f"{path.stem}-{args.experiment}.png"
    return model.network, path, data, picture


def _report(args: argparse.Namespace, result: dict, lines: list[str], files: dict) -> int:
    payload = {"experiment": args.experiment, **result, **{k: str(v) for k, v in files.items()}}
    text = [*lines, "", f"conclusion: {result['conclusion']}"]
    text += [f"{name}: {path}" for name, path in files.items()]
    emit(args, payload, "\n".join(text))
    return 0


def exp_noise(args: argparse.Namespace) -> int:
    from . import noise_inputs

    net, path, data, picture = _model_experiment(args)
    result = noise_inputs.noise(net, args.n, args.seed, data.test.images)
    noise_inputs.picture(result, picture)
    answers = "  ".join(f"{d}:{c}" for d, c in enumerate(result["answers_histogram"]))
    lines = [
        f"{path}: {args.n:,} uniform-noise images (seed {args.seed})",
        f"  answers:    {answers}",
        f"  confidence on noise:  mean {result['confidence_noise']['mean']:.3f}, "
        f"median {result['confidence_noise']['median']:.3f}",
        f"  confidence on digits: mean {result['confidence_digits']['mean']:.3f}, "
        f"median {result['confidence_digits']['median']:.3f}",
    ]
    return _report(args, result, lines, {"picture": picture})


def exp_probe(args: argparse.Namespace) -> int:
    from . import probes

    net, path, data, picture = _model_experiment(args)
    result = probes.probe(net, data.test.images, data.test.labels, args.seed, args.n)
    probes.picture(result, probes.probe_inputs(data.test.images, args.n, args.seed), net, picture)
    lines = [f"{path}: what it says about things that are not digits", ""]
    lines.append(f"  {'input':<16} {'count':>6} {'mean max':>9} {'mean sum':>9}  answers")
    lines.append(
        f"  {'test digits':<16} {result['test_images']:>6} {result['test_mean_max']:>9.3f} "
        f"{result['test_mean_sum']:>9.3f}"
    )
    for name, c in result["categories"].items():
        answers = " ".join(f"{d}:{n}" for d, n in enumerate(c["answers"]) if n)
        lines.append(
            f"  {name:<16} {c['count']:>6} {c['mean_max']:>9.3f} {c['mean_sum']:>9.3f}  {answers}"
        )
    lines += ["", "  threshold  digits answered  accuracy on those  non-digits turned away"]
    for row in result["thresholds"]:
        accuracy = "—" if row["accuracy"] is None else f"{row['accuracy']:.2%}"
        lines.append(
            f"  {row['threshold']:>9.1f}  {row['coverage']:>15.1%}  {accuracy:>17}  "
            f"{row['rejected_non_digits']:>22.1%}"
        )
    lines += ["", "  AUROC of max output, test digits vs:"]
    lines += [f"    {name:<16} {value:.3f}" for name, value in result["auroc"].items()]
    return _report(args, result, lines, {"picture": picture})


def exp_dream(args: argparse.Namespace) -> int:
    from . import dreams

    net, path, data, picture = _model_experiment(args)
    images = dreams.dream(net, args.steps, args.lr, args.start, args.l2, args.seed)
    result = dreams.dream_report(net, images, data.test.images, data.test.labels)
    dreams.picture(images, result, picture)
    lines = [
        f"{path}: {args.steps} steps of gradient descent on the input, from {args.start}, "
        f"step length {args.lr:g}, l2 {args.l2:g}"
    ]
    for d in range(len(images)):
        like = result.get("likeness", {}).get("dreams", [None] * 10)[d]
        lines.append(
            f"  dream {d}: own output {result['own_output'][d]:.3f}, best other "
            f"{result['best_other_output'][d]:.3f}"
            + ("" if like is None else f", correlation with the average {d} {like:.2f}")
        )
    return _report(args, result, lines, {"picture": picture})


def exp_gradient(args: argparse.Namespace) -> int:
    from . import gradients

    net, path, data, picture = _model_experiment(args)
    train_set = data.train
    if args.index >= len(train_set.labels):
        raise UsageError(f"--index must be below {len(train_set.labels):,}, got {args.index}")
    x, label = train_set.images[args.index], int(train_set.labels[args.index])
    batch = (train_set.images, train_set.labels)
    result = gradients.gradient(net, x, label, batch, draws=args.draws, seed=args.seed)
    gradients.picture(result, x, picture)
    lines = [f"{path}: training example {args.index}, a {label}; the largest components of ∇C:"]
    for c in result["top_components"]:
        times = f"{c['times_median']:>9.3g}× median" if c["times_median"] else ""
        lines.append(f"  {c['value']:>+10.5f}  {times}  {c['name']}")
    nudges = result["nudges"]
    lines.append("  nudges −∂C/∂a wanted for the output layer:")
    lines.append("    " + "  ".join(f"{d}:{v:+.3f}" for d, v in enumerate(nudges["output"])))
    lines.append("  and for the layer before it:")
    lines.append("    " + "  ".join(f"{j}:{v:+.3f}" for j, v in enumerate(nudges["previous"])))
    lines.append(f"  mini-batch vs full-batch ({result['full_batch']:,}) gradient, cosine:")
    for size, c in result["cosine"].items():
        lines.append(f"    batch {size:>5}: {c['mean']:.3f} ± {c['std']:.3f}")
    return _report(args, result, lines, {"picture": picture})


def exp_chain_rule(args: argparse.Namespace) -> int:
    from . import chain

    net, path, data, picture = _model_experiment(args)
    x, label = data.test.images[0], int(data.test.labels[0])
    result = chain.chain_rule(net, x, label, args.seed, args.x, args.y)
    chain.picture(result, picture)
    lines = [chain.text_report(result), f"(the real network: {path}, first test image)"]
    return _report(args, result, lines, {"picture": picture})


def exp_shuffled_labels(args: argparse.Namespace) -> int:
    from ..training import TrainConfig
    from . import shuffled

    config = TrainConfig(
        sizes=(784, *args.hidden, 10),
        activation=args.activation,
        cost=args.cost,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        seed=args.seed,
    )
    folder = experiment_out(args, models_dir())
    data = cli.load_data(args)
    step = max(1, args.epochs // 10)

    def progress(run: str, row: dict) -> None:
        if not args.json and (row["epoch"] % step == 0 or row["epoch"] == args.epochs):
            print(
                f"  {run} labels, epoch {row['epoch']}/{args.epochs}: training accuracy "
                f"{row['train_accuracy']:.1%}, cost {row['train_cost']:.4f}",
                file=sys.stderr,
            )

    result = shuffled.shuffled_labels(data, config, subset=args.subset, on_epoch=progress)
    picture = shuffled.picture(result, folder / "shuffled-labels.png")
    lines = [
        f"{'-'.join(map(str, config.sizes))} {config.activation} network, {args.subset:,} "
        f"training images, {args.epochs} epochs each",
        f"  {'':<9} {'train acc':>9} {'train cost':>10} {'test acc':>9} {'early fall':>10} "
        f"{'R² line':>8}",
    ]
    for name in ("true", "shuffled"):
        r = result[name]
        lines.append(
            f"  {name:<9} {r['train_accuracy'][-1]:>9.1%} {r['train_cost'][-1]:>10.4f} "
            f"{r['test_accuracy']:>9.1%} {r['early_drop']:>10.0%} {r['linearity']:>8.2f}"
        )
    return _report(args, result, lines, {"picture": picture})


def exp_sweep(args: argparse.Namespace) -> int:
    from . import sweeps

    def once(values) -> tuple:  # `--epochs 3,3` trains 3 epochs once, not twice
        return tuple(dict.fromkeys(values))

    grid = sweeps.Grid(
        layers=once(args.layers),
        activations=once(args.activations),
        learning_rates=once(args.lrs),
        batch_sizes=once(args.batch_sizes),
        epochs=once(args.epochs),
    )
    folder = experiment_out(args, models_dir() / "sweep")
    cache = folder / "sweep-cache.jsonl"
    total = grid.size * args.seeds
    data = cli.load_data(args)
    count = 0

    def progress(row: dict, cached: bool) -> None:
        nonlocal count
        count += 1
        if not args.json:
            accuracy = "diverged" if row["diverged"] else f"{row['test_accuracy']:.2%}"
            how = "cached" if cached else f"{row['seconds']:.0f} s"
            print(
                f"  [{count}/{total}] {sweeps.describe(row['config'])}, seed {row['seed']}: "
                f"{accuracy} ({how})",
                file=sys.stderr,
            )

    result = sweeps.sweep(data, grid, args.seeds, args.workers, cache, on_run=progress)
    files = sweeps.write_outputs(result, folder)
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
    return _report(args, result, lines, {**files, "cache": cache})


EXPERIMENTS = {
    "noise": exp_noise,
    "probe": exp_probe,
    "shuffled-labels": exp_shuffled_labels,
    "dream": exp_dream,
    "sweep": exp_sweep,
    "gradient": exp_gradient,
    "chain-rule": exp_chain_rule,
}


def cmd_experiment(args: argparse.Namespace) -> int:
    return EXPERIMENTS[args.experiment](args)


def comma_list(item_type, name: str):
    """An argparse type for 'a,b,c': each item converted by item_type (its errors kept)."""

    def parse(text: str) -> tuple:
        items = [part.strip() for part in text.split(",") if part.strip()]
        if not items:
            raise argparse.ArgumentTypeError(f"expected comma-separated {name}, got {text!r}")
        return tuple(item_type(part) for part in items)

    return parse


def activation_name(text: str) -> str:
    if text not in ACTIVATIONS:
        raise argparse.ArgumentTypeError(
            f"activation must be one of {', '.join(ACTIVATIONS)}, got {text!r}"
        )
    return text


def experiment_parser(sub) -> None:
    """`digitnet experiment NAME …`: one sub-command per experiment, each with its options."""
    from .dreams import STARTS
    from .sweeps import Grid

    def debug_flag(q: argparse.ArgumentParser) -> None:
        # SUPPRESS, as in cli.py: without --debug here, keep what an earlier --debug set
        q.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )

    help_text = "run one of the story's experiments: numbers, a conclusion and a picture"
    p = sub.add_parser("experiment", help=help_text, description=help_text)
    debug_flag(p)
    names = p.add_subparsers(dest="experiment", metavar="NAME", required=True)
    common = argparse.ArgumentParser(add_help=False)
    debug_flag(common)
    common.add_argument("--out", metavar="DIR", help="folder for the picture and tables")
    common.add_argument("--json", action="store_true", help="print the report as JSON")
    common.add_argument(
        "--data", metavar="PATH", help="MNIST files: a folder of IDX files, .npz or .pkl.gz"
    )
    with_model = argparse.ArgumentParser(add_help=False, parents=[common])
    with_model.add_argument(
        "--model", metavar="FILE", help="model file (default: the latest, or a quick new one)"
    )

    def experiment(name: str, text: str, parent) -> argparse.ArgumentParser:
        e = names.add_parser(name, help=text, description=text, parents=[parent])
        e.set_defaults(func=cmd_experiment)
        return e

    def seed(e: argparse.ArgumentParser) -> None:
        e.add_argument("--seed", type=non_negative_int, default=0, metavar="N", help="random seed")

    e = experiment(
        "noise", "random noise in: its answers and confidence vs real digits", with_model
    )
    e.add_argument("--n", type=positive_int, default=1000, help="noise images (default 1000)")
    seed(e)
    e = experiment(
        "probe", "non-digits in (noise, letters, shapes…); a confidence threshold", with_model
    )
    e.add_argument("--n", type=positive_int, default=200, help="images per noise category")
    seed(e)
    e = experiment("dream", "the input each output neuron likes best", with_model)
    e.add_argument("--steps", type=non_negative_int, default=200, help="gradient steps")
    e.add_argument("--lr", type=positive_float, default=0.1, help="step length ‖Δx‖ (default 0.1)")
    e.add_argument("--start", choices=STARTS, default="blank", help="first image")
    e.add_argument(
        "--l2", type=non_negative_float, default=0.0, metavar="X", help="penalty ½·X·‖x‖² (≥ 0)"
    )
    seed(e)
    e = experiment(
        "gradient", "one example's gradient: what matters, nudges, mini-batches", with_model
    )
    e.add_argument("--index", type=non_negative_int, default=0, help="training example (0)")
    e.add_argument("--draws", type=positive_int, default=20, help="mini-batches per size")
    seed(e)
    e = experiment("chain-rule", "the chain rule's factors, checked numerically", with_model)
    e.add_argument("--x", type=finite_number, default=0.8, help="input of the one-neuron chain")
    e.add_argument("--y", type=finite_number, default=1.0, help="its wanted output")
    e.add_argument(
        "--seed", type=non_negative_int, default=0, metavar="N", help="the chain's weights"
    )
    e = experiment("shuffled-labels", "true vs randomly permuted labels, same budget", common)
    e.add_argument("--subset", type=positive_int, default=1000, help="training images (1000)")
    e.add_argument(
        "--hidden",
        type=positive_int,
        nargs="+",
        default=[16, 16],
        metavar="N",
        help="hidden layer sizes (default 16 16; e.g. 128 128 for a wider net)",
    )
    e.add_argument("--activation", choices=list(ACTIVATIONS), default="sigmoid")
    e.add_argument("--cost", choices=list(COSTS), default="quadratic")
    e.add_argument("--epochs", type=positive_int, default=100, help="epochs (default 100)")
    e.add_argument("--batch-size", type=positive_int, default=10, help="mini-batch size")
    e.add_argument("--lr", type=positive_float, default=1.5, help="learning rate η (1.5)")
    seed(e)
    grid = Grid()
    e = experiment("sweep", "train a grid of structures and settings over seeds", common)
    e.add_argument(
        "--layers",
        type=comma_list(positive_int, "layer sizes"),
        nargs="+",
        default=list(grid.layers),
        metavar="N,N",
        help="hidden structures, e.g. --layers 16,16 32 64,64",
    )
    e.add_argument(
        "--activations",
        type=comma_list(activation_name, "activations"),
        default=grid.activations,
        metavar="A,B",
        help="e.g. sigmoid,relu",
    )
    e.add_argument(
        "--lrs",
        type=comma_list(positive_float, "learning rates"),
        default=grid.learning_rates,
        metavar="X,Y",
        help="learning rates, e.g. 0.5,1.5",
    )
    e.add_argument(
        "--batch-sizes",
        type=comma_list(positive_int, "batch sizes"),
        default=grid.batch_sizes,
        metavar="N,M",
        help="mini-batch sizes, e.g. 10,100",
    )
    e.add_argument(
        "--epochs",
        type=comma_list(positive_int, "epoch counts"),
        default=grid.epochs,
        metavar="N,M",
        help="epochs, e.g. 3,10",
    )
    e.add_argument("--seeds", type=positive_int, default=2, help="seeds per configuration")
    e.add_argument("--workers", type=positive_int, default=2, help="processes (default 2)")
