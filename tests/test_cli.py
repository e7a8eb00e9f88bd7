"""The `digitnet` command end to end on tiny synthetic data (the data loader is swapped)."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from PIL import Image

from conftest import tiny_data
from digitnet import cli
from digitnet.files import models_dir, newest_model
from digitnet.modelfile import load_model


@pytest.fixture
def fake_data(monkeypatch):
    data = tiny_data()
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": data)
    return data


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_saves_a_model_and_reports_test_accuracy(fake_data, capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    code, out, err = run(
        capsys,
        "train",
        "--layers",
        12,
        "--epochs",
        2,
        "--lr",
        1.0,
        "--out",
        model,
        "--history",
        tmp_path / "h.csv",
    )
    assert code == 0
    assert "784-12-10 sigmoid network, 9,550 weights and biases" in out
    assert "test accuracy:" in out and str(model) in out
    assert "epoch   2/2" in err  # the per-epoch summary lines go to stderr with the bar
    saved = load_model(model)
    assert saved.network.sizes == [784, 12, 10]
    assert saved.training["epochs_done"] == 2 and saved.training["learning_rate"] == 1.0
    assert len(saved.metrics["history"]) == 2
    assert (tmp_path / "h.csv").read_text().count("\n") == 3


def test_train_json_report(fake_data, capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        "--preset",
        "book",
        "--layers",
        8,
        "--epochs",
        1,
        "--out",
        tmp_path / "m.safetensors",
        "--json",
    )
    report = json.loads(out)
    assert code == 0 and report["epochs"] == 1 and report["parameters"] == 784 * 8 + 8 + 90
    assert report["config"]["init"] == "normal" and 0 <= report["test_accuracy"] <= 1


def test_train_json_reports_every_flag_given(fake_data, capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    flags = ["--seed", 3, "--momentum", 0.5, "--weight-decay", 1e-4, "--schedule", "cosine"]
    flags += ["--init", "normal", "--dtype", "float64", "--shuffle-labels", "--shift", 0]
    code, out, _ = run(
        capsys, "train", "--layers", 8, "--epochs", 1, *flags, "--out", model, "--json"
    )
    assert code == 0
    config = json.loads(out)["config"]
    assert config["seed"] == 3 and config["momentum"] == 0.5 and config["weight_decay"] == 1e-4
    assert config["schedule"] == "cosine" and config["init"] == "normal"
    assert config["dtype"] == "float64" and config["shuffle_labels"] is True
    assert config["shift"] == 0
    assert load_model(model).network.params.dtype == np.float64


@pytest.mark.parametrize("parse", [cli.common.positive_int, cli.common.non_negative_int])
def test_whole_number_flags_parse_alike(parse):
    assert parse("+3") == 3 and parse("1_000") == 1000 and parse(" 7 ") == 7
    for bad in ("-1", "1.5", "x", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(bad)
    assert cli.common.non_negative_int("0") == 0


def test_train_by_default_saves_into_the_models_folder(fake_data, capsys, monkeypatch):
    code, out, _ = run(capsys, "train", "--layers", 4, "--epochs", 1, "--quiet")
    assert code == 0
    assert newest_model().path == models_dir() / "video.safetensors"


def test_resume_continues_to_more_epochs(fake_data, capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--out", model, "--quiet")
    code, out, _ = run(capsys, "train", "--resume", model, "--epochs", 3, "--quiet")
    assert code == 0 and "resuming" in out
    assert load_model(model).training["epochs_done"] == 3
    code, _, err = run(capsys, "train", "--resume", model, "--layers", 9, "--epochs", 5)
    assert code == 2 and "784-8-10 sigmoid network; it cannot continue as 784-9-10" in err


def test_evaluate_prints_accuracy_and_confusion_matrix(fake_data, capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    run(capsys, "train", "--layers", 12, "--epochs", 3, "--lr", 1.0, "--out", model, "--quiet")
    code, out, _ = run(capsys, "evaluate", model)
    assert code == 0 and "confusion matrix" in out and out.count("\n") > 11
    code, out, _ = run(capsys, "evaluate", model, "--json")
    report = json.loads(out)
    matrix = np.array(report["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == len(fake_data.test.labels)
    right = np.trace(matrix) / matrix.sum()
    assert report["test_accuracy"] == pytest.approx(right)


def test_predict_reads_an_image_file(fake_data, capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    run(capsys, "train", "--layers", 12, "--epochs", 3, "--lr", 1.0, "--out", model, "--quiet")
    picture = (fake_data.test.images[0].reshape(28, 28) * 255).astype(np.uint8)
    Image.fromarray(255 - picture).resize((280, 280)).save(tmp_path / "digit.png")
    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    code, out, _ = run(
        capsys, "predict", model, tmp_path / "digit.png", tmp_path / "blank.png", "--json"
    )
    assert code == 0
    first, blank = json.loads(out)["predictions"]
    assert len(first["outputs"]) == 10 and first["answer"] == int(np.argmax(first["outputs"]))
    assert blank["blank"] is True and not first["blank"]
    code, out, _ = run(capsys, "predict", model, tmp_path / "digit.png")
    assert code == 0 and out.startswith(f"{tmp_path / 'digit.png'}: ")


def test_data_reports_source_and_hashes(monkeypatch, capsys):
    from digitnet.data import Dataset, Split

    split = Split(np.zeros((2, 784), np.float32), np.zeros(2, np.uint8))
    fake = Dataset("mnist", split, split, split, "somewhere", None, {"train_images": "abc"})
    monkeypatch.setattr("digitnet.data.load_dataset", lambda *a, **k: fake)
    code, out, _ = run(capsys, "data", "--json")
    assert code == 0 and json.loads(out)["sha256"] == {"train_images": "abc"}
    code, out, _ = run(capsys, "data")
    assert "from:  somewhere" in out and "sha256 train_images: abc" in out


def test_errors_are_one_line_with_exit_codes(fake_data, capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", tmp_path / "missing.safetensors")
    assert code == 1 and err.count("\n") == 1 and "no such model file" in err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--epochs", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
    code, _, err = run(capsys, "train", "--out", tmp_path / "nowhere" / "m.safetensors")
    assert code == 2 and "does not exist" in err


def test_commands_given_no_model_use_the_newest_or_a_name_in_the_models_folder(
    fake_data, capsys, tmp_path, monkeypatch
):
    code, _, err = run(capsys, "evaluate")
    assert code == 2 and "no model given and none in" in err
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet")  # → models/video.safetensors
    foreign = models_dir() / "zz-foreign.safetensors"
    foreign.write_bytes(b"not a model")  # newest of all, and not ours
    code, out, err = run(capsys, "evaluate", "--json")
    assert code == 0 and json.loads(out)["model"] == str(models_dir() / "video.safetensors")
    assert f"passed over {foreign}: not a digitnet model" in err
    code, out, _ = run(capsys, "evaluate", "video", "--json")
    assert code == 0 and json.loads(out)["model"] == str(models_dir() / "video.safetensors")
    code, _, err = run(capsys, "export-html", "-o", tmp_path / "page.html")
    assert code == 0 and (tmp_path / "page.html").exists()


def test_predict_takes_the_model_first_only_when_it_is_one(fake_data, capsys, tmp_path):
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet")  # → models/video.safetensors
    image = tmp_path / "digit.png"
    Image.new("L", (28, 28), 0).save(image)
    for argv in ([image], ["video", image], ["--model", "video", image]):
        code, out, _ = run(capsys, "predict", *argv, "--json")
        assert code == 0 and len(json.loads(out)["predictions"]) == 1, argv
    code, _, err = run(capsys, "predict", "video")
    assert code == 2 and "at least one IMAGE" in err
    code, _, err = run(capsys, "predict", tmp_path / "other.safetensors", image)
    assert code == 1 and "no such model file" in err
