"""Fixtures for the web app: a tiny trained model in a temp models folder, the app, a client.

For the docs' screenshots only, DIGITNET_WEB_MODEL=FILE serves that model instead, with slices
of the real (cached) MNIST as the data: the same tests, real digits on the pictures.
"""

from __future__ import annotations

import os

import pytest

from conftest import tiny_data  # tests/conftest.py: synthetic digits
from digitnet.data import Dataset
from digitnet.modelfile import ModelFile, load_model, save_model
from digitnet.training import TrainConfig, checkpoint_model, fit

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
