"""Fixtures for the web app: a tiny trained model in a temp models folder, the app, a client.

For the docs' screenshots only, DIGITNET_WEB_MODEL=FILE serves that model instead, with slices
of the real (cached) MNIST as the data: the same tests, real digits on the pictures.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from conftest import tiny_data  # tests/conftest.py: synthetic digits
from digitnet.book_import import load_network2
from digitnet.data import Dataset
from digitnet.modelfile import ModelFile, load_model, save_model
from digitnet.training import TrainConfig, checkpoint_model, fit, make_config

SIZES = (784, 16, 16, 10)
LOCAL = "http://127.0.0.1"  # the app answers only to its own names (TestClient says "testserver")


@pytest.fixture(scope="session")
def web_data():
    if not os.environ.get("DIGITNET_WEB_MODEL"):
        return tiny_data()
    from digitnet.data import load_dataset

    mnist = load_dataset("mnist", progress=False)
    parts = (mnist.train.head(2000), mnist.validation.head(500), mnist.test.head(1000))
    return Dataset("mnist", *parts)


@pytest.fixture(scope="session")
def trained(web_data) -> ModelFile:
    """The video's 784-16-16-10 shape, trained for a few epochs on the synthetic digits."""
    if os.environ.get("DIGITNET_WEB_MODEL"):
        return load_model(os.environ["DIGITNET_WEB_MODEL"])
    config = TrainConfig(sizes=SIZES, epochs=4, learning_rate=3.0, seed=1)
    return checkpoint_model(fit(web_data, config), web_data)


@pytest.fixture
def models(tmp_path, trained):
    folder = tmp_path / "models"
    folder.mkdir()
    save_model(trained, folder / "tiny.safetensors")
    return folder


@pytest.fixture
def client(models, web_data):
    from fastapi.testclient import TestClient

    from digitnet.web.app import create_app

    app = create_app(models_dir=models, data_loader=lambda: web_data)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


# Every kind of network digitnet trains or imports, by name: (preset, settings over it). Each is
# trained for one epoch on the synthetic digits (a few seconds for all of them): the pages must
# work on every shape, not learn well. "network2" is a file of the book's network2.py, imported.
SHAPES: dict[str, tuple[str, dict]] = {
    "video": ("video", {}),  # 784-16-16-10, sigmoid, quadratic
    "book": ("book", {}),  # N(0, 1) initial weights
    "layers-30": ("video", {"layers": [30]}),  # the book's 784-30-10
    "tweaked": ("tweaked", {}),  # 784-300-100-10, ReLU, softmax + cross-entropy
    "layers-100-100": ("video", {"layers": [100, 100]}),
    "layers-32-32-32": ("video", {"layers": [32, 32, 32], "activation": "relu"}),
    "narrow": ("video", {"layers": [1], "cost": "cross-entropy"}),  # 784-1-10
    "wide": ("video", {"layers": [1024]}),  # 784-1024-10
    "four": ("video", {"layers": [24, 20, 16, 12], "activation": "relu"}),  # four hidden layers
}


def network2_file(path, sizes=(784, 30, 10), seed=0) -> None:
    """A network saved as the book's network2.py saves it (JSON; biases as columns)."""
    rng = np.random.default_rng(seed)
    doc = {
        "sizes": list(sizes),
        "weights": [
            (rng.standard_normal((n, m)) / np.sqrt(m)).tolist()
            for m, n in zip(sizes[:-1], sizes[1:])
        ],
        "biases": [rng.standard_normal((n, 1)).tolist() for n in sizes[1:]],
        "cost": "CrossEntropyCost",
    }
    path.write_text(json.dumps(doc))


@pytest.fixture(scope="session")
def networks(tmp_path_factory) -> dict[str, ModelFile]:
    """Every shape of SHAPES trained briefly on the synthetic digits, and an imported network2
    file ("network2", 784-30-10, float64): name → model."""
    data = tiny_data()
    found = {}
    for name, (preset, settings) in SHAPES.items():
        config = make_config(preset, epochs=1, batch_size=10, seed=3, **settings)
        found[name] = checkpoint_model(fit(data, config), data)
    book = tmp_path_factory.mktemp("network2") / "network2.json"
    network2_file(book)
    found["network2"] = ModelFile(load_network2(book).network, {"source": "network2.py JSON"})
    return found


@pytest.fixture(scope="session")
def networks_dir(tmp_path_factory, networks):
    """A models folder holding every model of `networks` as NAME.safetensors."""
    folder = tmp_path_factory.mktemp("every-network")
    for name, model in networks.items():
        save_model(model, folder / f"{name}.safetensors")
    return folder
