"""The Python API given bad data, bad configs and bad checkpoints: clear errors, early.

(tests/test_training.py covers out-of-range config values, tests/test_network.py bad network
arguments and inputs; these are the cases they leave.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import tiny_data
from digitnet.training import DivergedError, TrainConfig, checkpoint_model, fit, train

pytest_plugins = ("hardening_tally",)

SMALL = TrainConfig(sizes=(784, 12, 10), epochs=1, learning_rate=1.0)


def with_train(images, labels) -> tuple:
    """Any arrays can be given to train(): no checks on the way in."""
    return images, labels


def bad_training_data() -> dict[str, tuple[tuple, str]]:
    good = tiny_data().train
    X, y = good.images, good.labels
    nan, inf = X.copy(), X.copy()
    nan[5, 300], inf[7, 0] = np.nan, np.inf
    return {
        "a NaN pixel": (with_train(nan, y), "NaN or infinite"),
        "an infinite pixel": (with_train(inf, y), "NaN or infinite"),
        "images 100 wide": (with_train(X[:, :100], y), r"must be \(n, 784\)"),
        "one flat image": (with_train(X[0], y[:1]), r"must be \(n, 784\)"),
        "images 28×28, not rows": (with_train(X.reshape(-1, 28, 28), y), r"\(n, 784\)"),
        "three labels short": (with_train(X, y[:-3]), "one label each"),
        "float labels": (with_train(X, y + 0.5), "labels must be integers"),
        "label 10": (with_train(X, y + 1), "0..9"),
        "negative label": (with_train(X, y.astype(int) - 1), "0..9"),
        "no examples": (with_train(X[:0], y[:0]), "empty"),
    }


@pytest.mark.parametrize("case", list(bad_training_data()))
def test_bad_training_data_is_refused_before_training(case, tally):
    (images, labels), match = bad_training_data()[case]
    events = []
    with pytest.raises(ValueError, match=match) as caught:
        train(SMALL, images, labels, on_event=events.append)
    assert not isinstance(caught.value, DivergedError)  # not blamed on the learning rate
    assert events == []
    tally.bad_input("train() data")


@pytest.mark.parametrize(
    "change",
    [
        {"sizes": (784, 16, 10)},
        {"sizes": (784, 12, 12, 10)},
        {"activation": "relu"},
        {"cost": "cross-entropy"},
        {"dtype": "float64"},
    ],
)
def test_resuming_as_another_network_is_refused(tiny, change, tally):
    checkpoint = checkpoint_model(fit(tiny, SMALL), tiny)
    with pytest.raises(ValueError, match="cannot resume"):
        fit(tiny, replace(SMALL, epochs=2, **change), resume=checkpoint)
    tally.bad_input("train() resume structure")


@pytest.mark.parametrize(
    "field,value",
    [
        ("learning_rate", "0.1"),
        ("learning_rate", None),
        ("activation", ["relu"]),
        ("epochs", 2.0),
        ("batch_size", "10"),
        ("sizes", "784"),
        ("sizes", (784, 16.0, 10)),
        ("momentum", "0.9"),
        ("shift", 1.5),
    ],
)
def test_config_fields_of_the_wrong_type_are_refused(field, value, tally):
    with pytest.raises((TypeError, ValueError)):
        replace(SMALL, **{field: value})
    tally.bad_input("TrainConfig field type")


def test_checkpoint_to_a_folder_fails_leaving_the_folder_alone(tiny, tmp_path, tally):
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(OSError):
        fit(tiny, SMALL, checkpoint=folder)
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["models"]  # no temp file left
    tally.bad_input("train() checkpoint path")
