"""`digitnet export` and `digitnet import` end to end: files written whole, models found like
every other command finds them, and every bad input answered in one line."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from conftest import tiny_data
from digitnet import cli
from digitnet.files import models_dir
from digitnet.modelfile import ModelFile, load_model, save_model
from digitnet.network import Network
from test_book_import import book_feedforward, book_file


@pytest.fixture
def fake_data(monkeypatch):
    data = tiny_data()
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": data)
    return data


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "m.safetensors"
    save_model(ModelFile(Network([784, 12, 10], "relu", "cross-entropy", seed=3)), path)
    return path


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_an_onnx_graph_that_runs_to_the_same_outputs(capsys, tmp_path, model):
    pytest.importorskip("onnxruntime")
    from digitnet.onnx_export import run_onnx

    out = tmp_path / "m.onnx"
    code, text, err = run(capsys, "export", model, "--format", "onnx", "-o", out)
    assert code == 0 and err == "" and str(out) in text and "'pixels' (N, 784)" in text
    X = tiny_data().test.images
    expected = load_model(model).network.feedforward(X)
    np.testing.assert_allclose(run_onnx(out.read_bytes(), X), expected, atol=1e-5)


def test_export_check_compares_on_the_test_images(capsys, tmp_path, model, fake_data):
    pytest.importorskip("onnxruntime")
    code, text, _ = run(capsys, "export", model, "-o", tmp_path / "m.onnx", "--check", "--json")
    report = json.loads(text)
    check = report["check"]
    assert code == 0 and report["format"] == "onnx" and check["examples"] == 50
    assert check["max_abs_difference"] <= 1e-5
    assert check["onnx_accuracy"] == check["digitnet_accuracy"]


def test_export_takes_the_newest_model_or_a_name(capsys, tmp_path, model):
    pytest.importorskip("onnx")
    save_model(load_model(model), models_dir() / "mine.safetensors")
    assert run(capsys, "export", "-o", tmp_path / "a.onnx")[0] == 0
    assert run(capsys, "export", "mine", "-o", tmp_path / "b.onnx")[0] == 0
    assert (tmp_path / "a.onnx").read_bytes() == (tmp_path / "b.onnx").read_bytes()


def test_export_errors_are_one_line(capsys, tmp_path, model, monkeypatch):
    cases = [
        (["export", tmp_path / "missing.safetensors", "-o", tmp_path / "x.onnx"], 1, "no such"),
        (["export", model, "-o", tmp_path / "no" / "x.onnx"], 2, "does not exist"),
        (["export", model, "-o", tmp_path], 2, "is a folder"),
    ]
    for argv, status, words in cases:
        code, _, err = run(capsys, *argv)
        assert code == status and words in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):  # argparse: an unknown format is a usage error
        cli.main(["export", str(model), "--format", "tflite", "-o", str(tmp_path / "x")])
    monkeypatch.setitem(sys.modules, "onnx", None)  # installed without the onnx extra
    code, _, err = run(capsys, "export", model, "-o", tmp_path / "x.onnx")
    assert code == 1 and "pip install 'digitnet[onnx]'" in err
    assert not (tmp_path / "x.onnx").exists()


def test_import_makes_a_model_in_the_models_folder(capsys, tmp_path):
    doc = book_file([784, 30, 10], "QuadraticCost")
    book = tmp_path / "chapter3.json"
    book.write_text(json.dumps(doc))
    code, text, err = run(capsys, "import", book)
    assert code == 0 and err == ""
    assert "784-30-10 sigmoid network, 23,860 weights and biases" in text and "½" in text
    model = load_model(models_dir() / "chapter3.safetensors")
    X = tiny_data().test.images[:5].astype(np.float64)
    expected = np.stack([book_feedforward(doc, x[:, None])[:, 0] for x in X])
    np.testing.assert_allclose(model.network.feedforward(X), expected, atol=1e-12)
    assert model.training["book_cost"] == "QuadraticCost"
    code, _, err = run(capsys, "import", book)  # again: the model there is kept
    assert code == 2 and "exists; choose the model to write with --out" in err
    assert load_model(models_dir() / "chapter3.safetensors").training == model.training


def test_import_json_report_and_out(capsys, tmp_path):
    book = tmp_path / "net.json"
    book.write_text(json.dumps(book_file([784, 10])))
    code, text, _ = run(capsys, "import", book, "--out", tmp_path / "x.safetensors", "--json")
    report = json.loads(text)
    assert code == 0 and report["book_cost"] == "CrossEntropyCost" and report["parameters"] == 7850
    assert load_model(tmp_path / "x.safetensors").network.sizes == [784, 10]


def test_import_writes_only_a_model_file(capsys, tmp_path):
    book = tmp_path / "net.json"
    book.write_text(json.dumps(book_file([784, 10])))
    code, _, err = run(capsys, "import", book, "--out", tmp_path / "x.txt")
    assert code == 2 and "--out must end in .safetensors" in err
    assert not (tmp_path / "x.txt").exists()


def test_import_errors_are_one_line_and_leave_the_old_model(capsys, tmp_path, model):
    before = model.read_bytes()
    bad = tmp_path / "bad.json"
    for content, status, words in [
        ("{", 1, "not JSON"),
        ('{"sizes": [784, 10], "cost": "QuadraticCost"}', 1, "no 'weights'"),
        (json.dumps(book_file([4, 3, 2])), 2, "needs 784 inputs"),
    ]:
        bad.write_text(content)
        code, _, err = run(capsys, "import", bad, "--out", model)
        assert code == status and words in err and len(err.strip().splitlines()) == 1
        assert model.read_bytes() == before
    code, _, err = run(capsys, "import", tmp_path / "missing.json")
    assert code == 1 and "no such file" in err
