"""The learn views' command-line side: `train --record-path`, `experiment landscape`, and the
input, label and parameter choices of `experiment gradient` and `chain-rule` (tiny data)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from conftest import tiny_data
from digitnet import cli
from digitnet.trainpath import load_path


@pytest.fixture
def fake_data(monkeypatch):
    data = tiny_data()
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": data)
    return data


@pytest.fixture
def recorded(fake_data, capsys, tmp_path):
    """A tiny model trained with its path recorded every 5 mini-batches."""
    model = tmp_path / "m.safetensors"
    argv = ["train", "--layers", "8", "--epochs", "2", "--lr", "1.0", "--batch-size", "10"]
    assert cli.main(argv + ["--out", str(model), "--record-path", "5", "--quiet"]) == 0
    capsys.readouterr()
    return model


def run_json(capsys, argv: list[str]) -> dict:
    assert cli.main([str(a) for a in argv] + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_train_records_the_path_beside_the_model(recorded, fake_data):
    path = load_path(recorded.with_name("m.path.npz"))
    batches = 2 * (len(fake_data.full_train().labels) // 10)  # the video preset: all of them
    assert len(path.params) == 1 + batches // 5 and path.examples[-1] == batches * 10


def test_landscape_json_on_the_recorded_path(recorded, capsys, tmp_path):
    argv = ["experiment", "landscape", "--model", recorded, "--directions", "path"]
    payload = run_json(capsys, argv + ["--grid", "7", "--out", tmp_path])
    for key in ("alphas", "betas", "cost", "center_cost", "split", "n_images", "directions"):
        assert key in payload
    assert np.array(payload["cost"]).shape == (7, 7) and payload["split"] == "train"
    assert payload["paths"][0]["name"] == "training" and payload["directions"]["kind"] == "path"
    assert payload["n_images"] == 250  # all the tiny training images
    assert payload["picture"] == str(tmp_path / "m-landscape-path.png")
    assert json.loads((tmp_path / "m-landscape-path.json").read_text())["cost"] == payload["cost"]
    random = run_json(capsys, [*argv[:-2], "--grid", "5", "--out", tmp_path])  # random directions
    assert random["picture"] == str(tmp_path / "m-landscape-random.png")
    assert (tmp_path / "m-landscape-path.png").exists()  # not replaced by another kind


def test_landscape_refusals_are_one_line(recorded, capsys, tmp_path):
    recorded.with_name("m.path.npz").unlink()
    argv = ["experiment", "landscape", "--model", str(recorded), "--directions", "path"]
    assert cli.main(argv) == 2
    assert "train it with 'digitnet train --record-path N'" in capsys.readouterr().err
    assert cli.main(["experiment", "landscape", "--model", str(recorded), "--grid", "3"]) == 2
    assert "grid must be 5–201" in capsys.readouterr().err
    assert cli.main(["experiment", "landscape", "--model", str(recorded), "--n-images", "999"]) == 2
    assert "--n-images must be at most 250" in capsys.readouterr().err


def test_gradient_of_an_image_file_for_a_chosen_label(recorded, fake_data, capsys, tmp_path):
    picture = tmp_path / "digit.png"
    Image.fromarray((255 * (1 - fake_data.test.images[0].reshape(28, 28))).astype(np.uint8)).save(
        picture
    )
    argv = ["experiment", "gradient", "--model", recorded, "--image", picture, "--label", 7]
    payload = run_json(capsys, argv + ["--draws", "2", "--out", tmp_path])
    assert payload["label"] == 7 and payload["source"] == f"the image {picture}"
    wish = payload["nudges"]["output"]
    assert wish[7] > 0 and all(w < 0 for d, w in enumerate(wish) if d != 7)
    argv = ["experiment", "gradient", "--model", recorded, "--split", "test", "--index", 3]
    payload = run_json(capsys, argv + ["--draws", "2", "--out", tmp_path])
    assert payload["label"] == int(fake_data.test.labels[3]) and payload["source"] == "test image 3"


def test_chain_rule_on_a_chosen_weight_and_activation(recorded, capsys, tmp_path):
    base = ["experiment", "chain-rule", "--model", recorded, "--index", 2, "--out", tmp_path]
    payload = run_json(capsys, base + ["--param", "weight:2:3:4", "--label", 5])
    p = payload["param"]
    assert p["name"] == "weight from neuron 4 of hidden layer 1 to neuron 3 of the output layer"
    assert p["derivative"] == pytest.approx(p["finite_difference"], abs=1e-8)
    assert f"in the real network, {p['name']} has backprop derivative" in payload["conclusion"]
    payload = run_json(capsys, base + ["--param", "bias:1:3"])  # issue 21: the one asked for
    assert "in the real network, bias of neuron 3 of hidden layer 1 has" in payload["conclusion"]
    payload = run_json(capsys, base + ["--param", "activation:1:0"])
    assert len(payload["param"]["paths"]) == 10
    assert payload["param"]["sum"] == pytest.approx(payload["param"]["derivative"])
    assert cli.main([str(a) for a in base] + ["--param", "bias:x"]) == 2
    assert "--param must be weight:L:J:K" in capsys.readouterr().err
