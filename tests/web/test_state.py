"""The web app's state: the dataset it shows and trains on is the served model's own."""

from __future__ import annotations

import pytest

from conftest import tiny_data
from digitnet.data import Dataset
from digitnet.modelfile import save_model
from digitnet.training import TrainConfig, checkpoint_model, fit

pytest.importorskip("fastapi")

from digitnet.web import state  # noqa: E402  (needs FastAPI)


def saved_model(folder, name: str, dataset: str):
    tiny = tiny_data()
    data = Dataset(dataset, tiny.train, tiny.validation, tiny.test)
    result = fit(data, TrainConfig(sizes=(784, 8, 10), epochs=1))
    return save_model(checkpoint_model(result, data), folder / f"{name}.safetensors")


def test_the_served_models_dataset_is_the_one_loaded(tmp_path, monkeypatch):
    loaded: list[str] = []

    def load(name="mnist"):
        loaded.append(name)
        tiny = tiny_data()
        return Dataset(name, tiny.train, tiny.validation, tiny.test)

    monkeypatch.setattr(state, "default_data_loader", load)
    clothes = saved_model(tmp_path, "clothes", "fashion-mnist")
    digits = saved_model(tmp_path, "digits", "mnist")
    served = state.ServerState(tmp_path, model_path=clothes)
    assert served.dataset_name() == "fashion-mnist"
    assert served.dataset().name == "fashion-mnist" and loaded == ["fashion-mnist"]
    served.use_model(digits)
    assert served.dataset().name == "mnist" and loaded == ["fashion-mnist", "mnist"]
    served.use_model(clothes)
    assert served.dataset().name == "fashion-mnist" and len(loaded) == 2  # each loaded once


def test_a_loader_given_to_the_app_serves_every_model(tmp_path):
    given = tiny_data()
    clothes = saved_model(tmp_path, "clothes", "fashion-mnist")
    served = state.ServerState(tmp_path, model_path=clothes, data_loader=lambda: given)
    assert served.dataset() is given
