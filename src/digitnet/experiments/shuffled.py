"""Memorising noise: train the same network on true labels and on randomly permuted labels,
with the same budget. Random labels can still be learnt by heart, but the cost falls slowly
and steadily, where true labels make it drop fast; the test set shows which one generalises.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..data import Dataset, Split
from ..functions import ACTIVATIONS, COSTS
from ..training import TrainConfig, make_config, train
from ._common import Inputs, Option, as_image, counted, figure, r_squared, write_png

DEFAULT = TrainConfig(epochs=100, batch_size=10, learning_rate=1.5)  # the video's network
NAME = "shuffled-labels"
SUMMARY = "true vs randomly permuted labels, same budget"
NEEDS_MODEL = False
OPTIONS = (
    Option("subset", 1000, "training images (1000)"),
    Option("layers", [16, 16], "hidden layer sizes (default 16 16; 128 128 is wider)", many=True),
    Option("activation", "sigmoid", "hidden neurons' σ", "choice", tuple(ACTIVATIONS)),
    Option("cost", "quadratic", "cost function", "choice", tuple(COSTS)),
    Option("epochs", 100, "epochs (default 100)"),
    Option("batch_size", 10, "mini-batch size"),
    Option("lr", 1.5, "learning rate η (1.5)", "positive"),
    Option("seed", 0, "random seed", "index"),
)


def shuffled_labels(
    data: Dataset,
    config: TrainConfig = DEFAULT,
    *,
    subset: int = 1000,
    on_epoch: Callable[[str, dict[str, float]], None] | None = None,
) -> dict[str, Any]:
    """Train ``config`` twice on the first ``subset`` training images: true labels, then the
    same labels randomly permuted (from ``config.seed``, fixed for the whole run).

    on_epoch(run, row) is called after every epoch, run being "true" or "shuffled".
    Returns, for each run: train_accuracy and train_cost per epoch (epoch 0 = before
    training, on the labels that run learns), test_accuracy, knows_nothing_cost, early_drop
    (the fraction of the cost's fall below the knows-nothing cost reached after 10% of the
    epochs), linearity (R² of a line through the cost curve from epoch 1); and a conclusion.
    """
    if subset < 10:
        raise ValueError(f"subset must be at least 10 images, got {subset}")
    part = data.subset(subset)
    test = part.test
    # The permutation is applied here rather than with config.shuffle_labels, so that the
    # history's training accuracy is measured against the labels the network is learning.
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(2,)))
    runs = {
        "true": part.train,
        "shuffled": Split(part.train.images, rng.permutation(part.train.labels)),
    }
    result: dict[str, Any] = {"subset": subset, "config": config.to_dict()}
    for name, split in runs.items():
        start = config.build_network().evaluate(split.images, split.labels)
        floor = knows_nothing_cost(split.labels, config.cost)
        handler = None
        if on_epoch is not None:

            def handler(event, name=name):
                if hasattr(event, "row"):
                    on_epoch(name, event.row)

        evaluate = {"train": split}  # on the labels this run learns
        trained = train(config, split.images, split.labels, evaluate=evaluate, on_event=handler)
        accuracy = [start[0]] + [row["train_accuracy"] for row in trained.history]
        cost = [start[1]] + [row["train_cost"] for row in trained.history]
        result[name] = {
            "train_accuracy": accuracy,
            "train_cost": cost,
            "test_accuracy": trained.network.evaluate(test.images, test.labels)[0],
            "knows_nothing_cost": floor,
            "early_drop": _early_drop(cost, floor),
            "linearity": r_squared(np.arange(1, len(cost)), cost[1:]),
        }
    result["conclusion"] = _conclusion(result)
    return result


def knows_nothing_cost(labels: np.ndarray, cost: str) -> float:
    """The cost of always answering the label frequencies p, which needs no look at the images:
    1 − Σ p_j² for the quadratic cost, the entropy −Σ p_j ln p_j for cross-entropy."""
    p = np.bincount(labels, minlength=10) / len(labels)
    if cost == "quadratic":
        return float(1 - (p**2).sum())
    return float(-(p[p > 0] * np.log(p[p > 0])).sum())


def _early_drop(cost: list[float], floor: float) -> float:
    """The fraction of the fall below ``floor`` (the knows-nothing cost) reached after 10% of
    the epochs. The first fall, from the random start down to that cost, only learns how
    common each label is, so it is left out."""
    fall = np.maximum(floor - np.asarray(cost), 0)
    k = max(1, round(0.1 * (len(cost) - 1)))
    return float(fall[k] / fall[-1]) if fall[-1] > 0 else 0.0


def _conclusion(r: dict[str, Any]) -> str:
    t, s = r["true"], r["shuffled"]
    epochs = len(t["train_cost"]) - 1
    k = max(1, round(0.1 * epochs))
    if s["early_drop"] < t["early_drop"] / 2:
        pace = "falls far more slowly"
    elif s["early_drop"] < t["early_drop"]:
        pace = "falls more slowly"
    else:
        pace = "falls as fast"
    shape = (
        "almost a straight line"
        if s["linearity"] >= 0.9
        else ("roughly a straight line" if s["linearity"] >= 0.7 else "not a straight line")
    )
    memorised = s["train_accuracy"][-1]
    if memorised >= 0.95:
        held = "memorised"
    elif memorised >= 0.3:
        held = "partly memorised"
    else:
        held = "not memorised yet (more --epochs or wider --layers would)"
    return (
        f"after {k} of {counted(epochs, 'epoch')} the cost on true labels has made "
        f"{t['early_drop']:.0%} of its fall below the cost of knowing nothing "
        f"({t['knows_nothing_cost']:.2f}), on shuffled labels {s['early_drop']:.0%}: with "
        f"random labels it {pace}, and its curve is {shape} (R² of a line fit "
        f"{s['linearity']:.2f}, vs {t['linearity']:.2f} for true labels); training accuracy "
        f"ends at {t['train_accuracy'][-1]:.0%} (true) and {memorised:.0%} (shuffled: {held}), "
        f"test accuracy at {t['test_accuracy']:.1%} and {s['test_accuracy']:.1%} "
        "(chance is 10%)"
        + (": what was learnt by heart does not generalise" if s["test_accuracy"] < 0.2 else "")
    )


def draw(result: dict[str, Any]) -> Image.Image:
    """Training cost and training accuracy per epoch, true vs shuffled labels."""
    return as_image(plot(result))


def plot(result: dict[str, Any]):
    """`draw`'s matplotlib figure: the cost panel, then the accuracy panel."""
    fig = figure(10, 3.6)
    cost_ax, accuracy_ax = fig.subplots(1, 2)
    for name, colour in (("true", "tab:blue"), ("shuffled", "tab:red")):
        run = result[name]
        epochs = np.arange(len(run["train_cost"]))
        label = f"{name} labels (test {run['test_accuracy']:.0%})"
        cost_ax.plot(epochs, run["train_cost"], color=colour, label=label)
        accuracy_ax.plot(epochs, run["train_accuracy"], color=colour, label=label)
    cost_ax.set_xlabel("epoch")
    cost_ax.set_ylabel("training cost")
    # The untrained network's cost (epoch 0, about 3) would flatten every later epoch: the
    # axis shows epochs 1 on, and the first values are written on the plot instead.
    later = [c for name in ("true", "shuffled") for c in result[name]["train_cost"][1:]]
    if later:
        cost_ax.set_ylim(0, 1.1 * max(later))
        first = ", ".join(f"{result[n]['train_cost'][0]:.2f}" for n in ("true", "shuffled"))
        cost_ax.set_title(f"epoch 0 (before training) off the scale: {first}", fontsize=9)
    accuracy_ax.set_xlabel("epoch")
    accuracy_ax.set_ylabel("training accuracy")
    accuracy_ax.set_ylim(0, 1.02)
    accuracy_ax.legend()
    fig.suptitle(f"{result['subset']:,} training images, true vs shuffled labels")
    return fig


def picture(result: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(result), path)


def run(
    inputs: Inputs,
    *,
    subset: int = 1000,
    layers=(16, 16),
    activation: str = "sigmoid",
    cost: str = "quadratic",
    epochs: int = 100,
    batch_size: int = 10,
    lr: float = 1.5,
    seed: int = 0,
) -> dict[str, Any]:
    """`shuffled_labels` with the video's network as the base, the settings laid over it."""
    config = make_config(
        DEFAULT,
        layers=layers,
        activation=activation,
        cost=cost,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=lr,
        seed=seed,
    )
    step = max(1, epochs // 10)
    say = inputs.progress

    def progress(run: str, row: dict) -> None:
        if say is not None and (row["epoch"] % step == 0 or row["epoch"] == epochs):
            say(
                f"  {run} labels, epoch {row['epoch']}/{epochs}: training accuracy "
                f"{row['train_accuracy']:.1%}, cost {row['train_cost']:.4f}"
            )

    return shuffled_labels(inputs.data, config, subset=subset, on_epoch=progress)


def text(result: dict[str, Any]) -> list[str]:
    config = TrainConfig.from_dict(result["config"])
    lines = [
        f"{'-'.join(map(str, config.sizes))} {config.activation} network, "
        f"{result['subset']:,} training images, {counted(config.epochs, 'epoch')} each",
        f"  {'':<9} {'train acc':>9} {'train cost':>10} {'test acc':>9} {'early fall':>10} "
        f"{'R² line':>8}",
    ]
    for name in ("true", "shuffled"):
        r = result[name]
        lines.append(
            f"  {name:<9} {r['train_accuracy'][-1]:>9.1%} {r['train_cost'][-1]:>10.4f} "
            f"{r['test_accuracy']:>9.1%} {r['early_drop']:>10.0%} {r['linearity']:>8.2f}"
        )
    return lines
