"""Fixtures for the web app: a tiny trained model in a temp models folder, the app, a client."""

from __future__ import annotations

import pytest

from conftest import tiny_data  # tests/conftest.py: the synthetic digits
from digitnet.modelfile import ModelFile, save_model
from digitnet.training import TrainConfig, checkpoint_model, train

SIZES = (784, 16, 16, 10)


@pytest.fixture(scope="session")
def web_data():
    return tiny_data()


@pytest.fixture(scope="session")
def trained(web_data) -> ModelFile:
    """The video's 784-16-16-10 shape, trained for a few epochs on the synthetic digits."""
    config = TrainConfig(sizes=SIZES, epochs=4, learning_rate=3.0, seed=1)
    return checkpoint_model(train(web_data, config), web_data)


@pytest.fixture
def models(tmp_path, trained):
    folder = tmp_path / "models"
    folder.mkdir()
    save_model(trained, folder / "tiny.safetensors")
    return folder


@pytest.fixture
def client(models, web_data):
    from fastapi.testclient import TestClient

    from digitnet.web.server import create_app

    app = create_app(models_dir=models, data_loader=lambda: web_data)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
