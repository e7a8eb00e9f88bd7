"""Shared fixtures: tiny synthetic digit data, so unit tests never download anything."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from digitnet.data import Dataset, Split


def synthetic_digits(n: int, seed: int = 0) -> Split:
    """n noisy 28×28 images whose class d (0..9) lights one of ten horizontal bands."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    for i, d in enumerate(labels):
        images[i, 2 + 2 * d : 4 + 2 * d, 4:24] = 1.0
    return Split(images.reshape(n, 784), labels)


def flat(grads: tuple[list[np.ndarray], list[np.ndarray]]) -> np.ndarray:
    """backprop's (grad_weights, grad_biases) laid out like ``Network.params``."""
    grad_W, grad_b = grads
    return np.concatenate([g.ravel() for g in grad_W] + [g.ravel() for g in grad_b])


def numerical_gradient(net, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the mean cost, one parameter at a time (``params`` order):
    ∂C/∂θᵢ ≈ (C(θ + ε) − C(θ − ε)) / 2ε. The test oracle for backpropagation."""
    grad = np.zeros_like(net.params)
    for i in range(net.params.size):
        old = net.params[i]
        net.params[i] = old + eps
        up = net.mean_cost(X, y)
        net.params[i] = old - eps
        down = net.mean_cost(X, y)
        net.params[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def tiny_data(n_train: int = 200, n_val: int = 50, n_test: int = 50) -> Dataset:
    """A dataset of synthetic 28×28 'digits', split like MNIST's, made in memory."""
    return Dataset(
        "synthetic",
        synthetic_digits(n_train, 1),
        synthetic_digits(n_val, 2),
        synthetic_digits(n_test, 3),
    )


@pytest.fixture
def tiny() -> Dataset:
    return tiny_data()


class Tally:
    """What a hostile test tried, kept as the test's own properties (pytest's record_property):
    ``kind: what`` → how many. `--junitxml=FILE` writes them; tests/count_cases.py adds them up."""

    def __init__(self, record) -> None:
        self.record = record

    def bad_input(self, what: str, n: int = 1) -> None:
        self.record(f"bad_inputs: {what}", n)

    def fault(self, what: str, n: int = 1) -> None:
        self.record(f"faults_injected: {what}", n)

    def fuzz(self, what: str, n: int = 1) -> None:
        self.record(f"fuzz_cases: {what}", n)


@pytest.fixture
def tally(record_property) -> Tally:
    return Tally(record_property)


@pytest.fixture(autouse=True)
def _isolated_homes(tmp_path_factory, monkeypatch):
    """Keep every test's models folder (not the data cache) out of the user's home."""
    monkeypatch.setenv("DIGITNET_MODELS", str(tmp_path_factory.mktemp("models")))


@contextlib.contextmanager
def watched_fifo(path: Path):
    """A FIFO at ``path``, watched: whoever opens it to read is let go at once (a writer opens
    and closes it: end of file) and the event yielded is set. Code that checks files without
    opening them never sets it; code that opens a FIFO to read would otherwise hang for ever."""
    os.mkfifo(path)
    opened, done = threading.Event(), threading.Event()

    def let_go() -> None:
        while not done.wait(0.02):
            with contextlib.suppress(OSError):  # ENXIO: nobody has it open to read
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                opened.set()

    watcher = threading.Thread(target=let_go, daemon=True)
    watcher.start()
    try:
        yield opened
    finally:
        done.set()
        watcher.join()
