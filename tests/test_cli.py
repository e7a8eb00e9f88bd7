"""The `digitnet` command end to end on tiny synthetic data (the data loader is swapped)."""

from __future__ import annotations

import argparse
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import tiny_data
from digitnet import cli, modelfile
from digitnet.data import FASHION_MNIST_CLASSES, Dataset
from digitnet.errors import SettingError
from digitnet.files import models_dir
from digitnet.modelfile import ModelFile, ModelFileError, load_model, newest_model, save_model
from digitnet.network import Network
from digitnet.training import BatchEvent, EpochEvent, TrainConfig, fit


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
    assert "epoch   2/2  mini-batch cost" in out  # the epoch lines are the report: stdout
    assert "epoch" not in err and "\r" not in err  # and no bar: stderr is no terminal here
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
    assert f"passed over {foreign}: not a readable safetensors file" in err
    code, out, _ = run(capsys, "evaluate", "video", "--json")
    assert code == 0 and json.loads(out)["model"] == str(models_dir() / "video.safetensors")
    code, _, err = run(capsys, "export-html", "-o", tmp_path / "page.html")
    assert code == 0 and (tmp_path / "page.html").exists()


def test_two_runs_started_at_once_get_two_names(capsys, monkeypatch):
    """Issue 21, point 7: each run claims its name before its first epoch. Two processes plan
    their runs, then wait for each other (in the data loader) and train at the same time."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    both_planned = ctx.Barrier(2, timeout=60)

    def data_once_both_planned(args, name="mnist"):
        both_planned.wait()
        return tiny_data()

    monkeypatch.setattr(cli.common, "load_data", data_once_both_planned)
    argv = ["train", "--layers", "4", "--epochs", "2", "--quiet", "--json"]
    runs = [ctx.Process(target=lambda: sys.exit(cli.main(argv))) for _ in range(2)]
    for p in runs:
        p.start()
    for p in runs:
        p.join(120)
    assert [p.exitcode for p in runs] == [0, 0], capsys.readouterr().err
    names = sorted(p.name for p in models_dir().iterdir())
    assert names == ["video-2.safetensors", "video.safetensors"]  # and no lock file left


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readmes_sample_train_header_is_what_train_prints(fake_data, capsys):
    """Issue 21, point 12: the settings lines of the README's `digitnet train` sample, as the
    command prints them now (the video preset's 40 epochs, here on tiny data)."""
    sample = README.read_text().split("$ digitnet train\n", 1)[1].split("\n")
    code, out, _ = run(capsys, "train")
    printed = out.split("\n")
    assert code == 0 and sample[:4] == printed[:4]
    assert sample[5:9] == printed[5:9]  # the legend of the epoch lines


def test_the_readmes_development_commands_run_in_the_order_written():
    """npm ci comes before the first test command: the tests need prettier and its friends."""
    block = README.read_text().split("## Development", 1)[1].split("```sh\n", 1)[1]
    lines = [line.split("#")[0].strip() for line in block.split("```")[0].splitlines()]
    first_test = next(i for i, line in enumerate(lines) if line.startswith("python -m pytest"))
    assert "npm ci" in lines[:first_test]


def test_a_damaged_newest_model_is_named_and_the_newest_good_one_used(fake_data, capsys):
    """Issue 21, point 10: a flipped byte in the newest model stops no command."""
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet")  # → models/video.safetensors
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet")  # → video-2, the newest
    good, damaged = models_dir() / "video.safetensors", models_dir() / "video-2.safetensors"
    data = bytearray(damaged.read_bytes())
    data[-1] ^= 0x40
    damaged.write_bytes(bytes(data))
    os.utime(good, (1_000, 1_000))
    code, out, err = run(capsys, "evaluate", "--json")
    assert code == 0 and json.loads(out)["model"] == str(good)
    assert f"note: passed over {damaged}: contents do not match their sha256" in err


def test_a_fifo_in_the_models_folder_hangs_no_command(tmp_path):
    """Issue 21, point 3: the newest-model check looks (stat), never opens."""
    folder = tmp_path / "models"
    folder.mkdir()
    os.mkfifo(folder / "pipe.safetensors")
    save_model(ModelFile(Network([784, 3, 10])), folder / "m.safetensors")
    out = tmp_path / "m.onnx"
    done = digitnet("export", "-o", str(out), cwd=tmp_path, models=folder)
    assert done.returncode == 0 and out.exists(), done.stderr
    assert f"passed over {folder / 'pipe.safetensors'}: is a FIFO (named pipe)" in done.stderr


def test_every_command_that_reads_a_model_takes_it_by_position_or_flag(fake_data, capsys, tmp_path):
    """Issue 21, point 9: a path or a name, as [MODEL] or --model, in every command;
    --resume takes a name too."""
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet")  # → models/video.safetensors
    video = str(models_dir() / "video.safetensors")
    for how in (["video"], ["--model", "video"], [video], ["--model", video]):
        code, out, err = run(capsys, "evaluate", *how, "--json")
        assert code == 0 and json.loads(out)["model"] == video, err
        code, out, err = run(capsys, "export-html", *how, "-o", tmp_path / "m.html", "--json")
        assert code == 0 and json.loads(out)["model"] == video, err
    code, out, err = run(capsys, "export", "--model", "video", "-o", tmp_path / "m.onnx", "--json")
    assert code == 0 and json.loads(out)["model"] == video, err
    code, out, err = run(capsys, "experiment", "noise", "video", "--n", 20, "--json")
    assert code == 0 and json.loads(out)["model"] == video, err
    for how in (["nothing"], ["--model", "nothing"]):
        for command in ("evaluate", "show", "serve", "export-html -o x.html"):
            code, _, err = run(capsys, *command.split(), *how)
            assert code == 1 and "nothing: no such model file" in err, (command, err)
    code, _, err = attempt(["evaluate", "video", "--model", "other"], capsys)
    assert code == 2 and "two models given" in err
    code, out, err = run(capsys, "train", "--resume", "video", "--epochs", 2, "--json")
    assert code == 0 and json.loads(out)["model"] == video, err
    assert load_model(video).training["epochs_done"] == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "--turbo"],
        ["evaluate", "a", "b"],
        ["train", "--epochs", "1", "extra"],
        ["experiment", "noise", "--turbo"],
        ["serve", "--turbo"],
    ],
)
def test_an_unknown_argument_gets_the_commands_own_usage(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    err = capsys.readouterr().err
    command = " ".join(argv[:2] if argv[0] == "experiment" else argv[:1])
    assert exit_info.value.code == 2
    assert err.startswith(f"usage: digitnet {command} ") and "unrecognized arguments" in err


def test_digitnet_alone_prints_its_help(capsys):
    code, out, err = run(capsys)
    assert code == 2 and err == ""
    assert out.startswith("usage: digitnet") and "evaluate" in out and "Exit status" in out


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


# ---- hostile cases ----------------------------------------------------------------------
# The `digitnet` command as a careless or hostile user drives it.
#
# Every bad flag, file or path ends in one line on stderr and exit status 2 (usage) or 1
# (runtime failure), never a traceback; `--debug` shows the traceback. Runs in-process through
# `digitnet.cli.main` on tiny synthetic data, and a few cases through a real subprocess.


SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    """A 784-12-10 sigmoid model after one epoch on tiny data, as `digitnet train` saves it."""
    path = tmp_path_factory.mktemp("model") / "m.safetensors"
    config = TrainConfig(sizes=(784, 12, 10), epochs=1, learning_rate=1.0)
    fit(tiny_data(), config, checkpoint=path)
    return path


@pytest.fixture
def here(tmp_path, monkeypatch, trained) -> Path:
    """Work in a temp folder holding a copy of the trained model; the CLI reads tiny data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": tiny_data())
    (tmp_path / "m.safetensors").write_bytes(trained.read_bytes())
    Image.new("L", (28, 28), 0).save(tmp_path / "blank.png")
    (tmp_path / "notes.txt").write_text("not an image, not a model\n")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("a file where a folder should be")
    (tmp_path / "cut.safetensors").write_bytes(trained.read_bytes()[:500])
    return tmp_path


def attempt(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as e:  # argparse and usage errors exit through parser.exit
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> str:
    """stderr ends in one `digitnet …: error: …` line (argparse may print usage above it)."""
    assert "Traceback" not in err and "internal error" not in err
    lines = err.strip().splitlines()
    assert lines and "error:" in lines[-1] and lines[-1].startswith("digitnet")
    assert all(line.startswith(("usage:", " ", "digitnet")) for line in lines)
    return lines[-1]


TRAIN = [
    "train",
    "--layers",
    "12",
    "--lr",
    "1",
    "--epochs",
    "1",
    "--quiet",
    "--out",
    "x.safetensors",
]

USAGE_ERRORS = {
    # flag values
    "epochs 0": ["train", "--epochs", "0"],
    "epochs negative": ["train", "--epochs", "-3"],
    "epochs fraction": ["train", "--epochs", "1.5"],
    "epochs word": ["train", "--epochs", "ten"],
    "epochs empty": ["train", "--epochs", ""],
    "batch size 0": ["train", "--batch-size", "0"],
    "batch size negative": ["train", "--batch-size", "-10"],
    "batch size word": ["train", "--batch-size", "x"],
    "lr 0": ["train", "--lr", "0"],
    "lr negative": ["train", "--lr", "-0.5"],
    "lr nan": ["train", "--lr", "nan"],
    "lr inf": ["train", "--lr", "inf"],
    "lr -inf": ["train", "--lr", "-inf"],
    "lr overflowing": ["train", "--lr", "1e400"],
    "lr word": ["train", "--lr", "fast"],
    "layers 0": ["train", "--layers", "16", "0"],
    "layers negative": ["train", "--layers", "-16"],
    "layers fraction": ["train", "--layers", "16.5"],
    "layers word": ["train", "--layers", "sixteen"],
    "layers none given": ["train", "--layers"],
    "layers beyond any memory": ["train", "--layers", str(10**17)],
    "layers beyond the largest network": ["train", "--layers", "5000", "5000"],
    "momentum 1": ["train", "--momentum", "1"],
    "momentum negative": ["train", "--momentum", "-0.1"],
    "momentum nan": ["train", "--momentum", "nan"],
    "weight decay negative": ["train", "--weight-decay", "-1e-4"],
    "weight decay nan": ["train", "--weight-decay", "nan"],
    "weight decay inf": ["train", "--weight-decay", "inf"],
    "shift negative": ["train", "--shift", "-1"],
    "shift too large": ["train", "--shift", "9"],
    "seed negative": ["train", "--seed", "-1"],
    "seed fraction": ["train", "--seed", "0.5"],
    # names
    "unknown preset": ["train", "--preset", "resnet"],
    "unknown activation": ["train", "--activation", "tanh"],
    "unknown cost": ["train", "--cost", "hinge"],
    "unknown schedule": ["train", "--schedule", "steps"],
    "unknown init": ["train", "--init", "zeros"],
    "unknown dtype": ["train", "--dtype", "float16"],
    "unknown train set": ["train", "--train-set", "all"],
    "unknown dataset": ["data", "--dataset", "cifar"],
    "port too large": ["serve", "--port", "70000"],
    "port 0": ["serve", "--port", "0"],
    "unknown flag": ["train", "--turbo"],
    "unknown command": ["fly"],
    "predict without images": ["predict", "m.safetensors"],
    # output paths
    "out is a folder": ["train", "--out", "a-folder"],
    "out in a missing folder": ["train", "--out", "missing/m.safetensors"],
    "out under a file": ["train", "--out", "a-file/m.safetensors"],
    "out where nothing can be written": ["train", "--out", "/proc/m.safetensors"],
    "history with a bad suffix": [*TRAIN, "--history", "h.txt"],
    "history in a missing folder": [*TRAIN, "--history", "missing/h.csv"],
    # resuming
    "resume as other layers": ["train", "--resume", "m.safetensors", "--layers", "13"],
    "resume as other depth": ["train", "--resume", "m.safetensors", "--layers", "12", "12"],
    "resume as relu": ["train", "--resume", "m.safetensors", "--activation", "relu"],
    "resume with other cost": ["train", "--resume", "m.safetensors", "--cost", "cross-entropy"],
    "resume with other dtype": ["train", "--resume", "m.safetensors", "--dtype", "float64"],
    "resume with no epochs left": ["train", "--resume", "m.safetensors", "--epochs", "1"],
}


@pytest.mark.parametrize("case", list(USAGE_ERRORS))
def test_usage_errors_exit_2_with_one_line(here, capsys, case, tally):
    code, out, err = attempt(USAGE_ERRORS[case], capsys)
    assert code == 2, err
    assert_one_line_error(err)
    assert not (here / "x.safetensors").exists()
    tally.bad_input("CLI usage error")


RUNTIME_ERRORS = {
    "evaluate a missing model": (["evaluate", "nope.safetensors"], "no such model file"),
    "evaluate a folder": (["evaluate", "a-folder"], "is a folder"),
    "evaluate a text file": (["evaluate", "notes.txt"], "it looks like a text file"),
    "evaluate a PNG": (
        ["evaluate", "blank.png"],
        "not a readable safetensors file: it looks like a PNG",
    ),
    "evaluate a truncated model": (["evaluate", "cut.safetensors"], "not a readable"),
    "evaluate an empty file": (["evaluate", "empty.png"], "it looks like an empty file"),
    "predict with a missing model": (["predict", "nope.safetensors", "blank.png"], "no such"),
    "predict with a text model": (
        ["predict", "--model", "notes.txt", "blank.png"],
        "not a readable",
    ),
    "predict a missing image": (["predict", "m.safetensors", "nope.png"], "no such file"),
    "predict a text file": (["predict", "m.safetensors", "notes.txt"], "not an image"),
    "predict an empty file": (["predict", "m.safetensors", "empty.png"], "empty file"),
    "predict a folder": (["predict", "m.safetensors", "a-folder"], "not a file"),
    "predict a model file": (["predict", "m.safetensors", "m.safetensors"], "not an image"),
    "predict one bad of two": (["predict", "m.safetensors", "blank.png", "x.jpg"], "no such"),
    "resume a missing file": (["train", "--resume", "nope.safetensors"], "no such model"),
    "resume a text file": (["train", "--resume", "notes.txt"], "not a readable"),
    "resume a truncated model": (["train", "--resume", "cut.safetensors"], "not a readable"),
    "resume a folder": (["train", "--resume", "a-folder"], "is a folder"),
}


@pytest.mark.parametrize("case", list(RUNTIME_ERRORS))
def test_runtime_failures_exit_1_with_one_line(here, capsys, case, tally):
    argv, match = RUNTIME_ERRORS[case]
    code, out, err = attempt(argv, capsys)
    assert code == 1, err
    assert match in assert_one_line_error(err)
    tally.bad_input("CLI runtime failure")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_a_usage_error(here, capsys, tally):
    locked = here / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = attempt(["train", "--out", "locked/m.safetensors"], capsys)
    assert code == 2 and "cannot write to folder" in assert_one_line_error(err)
    tally.bad_input("CLI usage error")


def test_data_from_a_missing_path_fails_with_one_line(tmp_path, monkeypatch, capsys, tally):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code, _, err = attempt(["data", "--data", str(tmp_path / "nowhere")], capsys)
    assert code == 1 and "does not exist" in assert_one_line_error(err)
    tally.bad_input("CLI runtime failure")


def hostile_model(here: Path, training: dict) -> None:
    save_model(ModelFile(Network((784, 12, 10)), training, {}), here / "odd.safetensors")


REAL_LOAD_DATA = cli.common.load_data


@pytest.mark.parametrize(
    "training",
    [
        {"epochs_done": "many"},
        {"epochs_done": 1, "learning_rate": "fast"},
        {"epochs_done": 1, "batch_size": -5},
        {"epochs_done": 1, "momentum": 2.0},
        {"epochs_done": [1]},
    ],
)
def test_resuming_a_nonsense_training_record_fails_cleanly(here, capsys, training, tally):
    hostile_model(here, training)
    code, _, err = attempt(["train", "--resume", "odd.safetensors", "--epochs", "5"], capsys)
    assert code == 1
    assert "training record cannot be resumed" in assert_one_line_error(err)
    tally.bad_input("CLI hostile training record")


def test_evaluating_a_model_naming_a_nonsense_dataset_fails_cleanly(
    here, capsys, monkeypatch, tally
):
    monkeypatch.setattr(cli.common, "load_data", REAL_LOAD_DATA)
    monkeypatch.setenv("XDG_CACHE_HOME", str(here / "cache"))
    hostile_model(here, {"dataset": ["a", "list"]})
    code, _, err = attempt(["evaluate", "odd.safetensors"], capsys)
    assert code == 1 and "unknown dataset" in assert_one_line_error(err)
    tally.bad_input("CLI hostile training record")


def test_resume_takes_the_structure_from_the_network_not_the_record(here, capsys):
    hostile_model(here, {"epochs_done": 1, "sizes": [784, 16, 16, 10]})  # record lies
    code, _, err = attempt(["train", "--resume", "odd.safetensors", "--layers", "16", "16"], capsys)
    assert code == 2 and "784-12-10" in assert_one_line_error(err)
    code, _, err = attempt(
        ["train", "--resume", "odd.safetensors", "--epochs", "2", "--quiet"], capsys
    )
    assert code == 0, err
    resumed = load_model(here / "odd.safetensors")
    assert resumed.network.sizes == [784, 12, 10]
    assert resumed.training["sizes"] == [784, 12, 10] and resumed.training["epochs_done"] == 2


@pytest.mark.parametrize(
    "argv,flag",
    [
        (["serve", "--port", "70000"], "--port"),
        (["experiment", "dream", "--l2", "inf"], "--l2"),
        (["experiment", "dream", "--l2", "nan"], "--l2"),
        (["experiment", "noise", "--seed", "-1"], "--seed"),
        (["experiment", "chain-rule", "--seed", "-1"], "--seed"),
        (["experiment", "chain-rule", "--x", "nan"], "--x"),
        (["experiment", "chain-rule", "--x", "inf"], "--x"),
        (["experiment", "chain-rule", "--y", "nan"], "--y"),
    ],
)
def test_bad_flag_values_name_the_flag(here, capsys, argv, flag, tally):
    code, _, err = attempt(argv, capsys)
    assert code == 2 and f"argument {flag}:" in assert_one_line_error(err)
    tally.bad_input("CLI usage error")


@pytest.mark.parametrize("sizes", [(784, 16, 20), (100, 16, 10)])
@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "odd.safetensors"],
        ["predict", "odd.safetensors", "blank.png"],
        ["show", "odd.safetensors", "--out", "pictures"],
        ["export-html", "odd.safetensors", "-o", "odd.html"],
        ["experiment", "noise", "--model", "odd.safetensors"],
    ],
)
def test_a_network_that_does_not_read_digits_is_refused(here, capsys, sizes, argv, tally):
    save_model(ModelFile(Network(sizes), {}, {}), here / "odd.safetensors")
    code, _, err = attempt(argv, capsys)
    line = assert_one_line_error(err)
    assert code == 2 and "-".join(map(str, sizes)) in line and "784 inputs" in line
    assert not (here / "odd.html").exists()
    tally.bad_input("CLI model of the wrong shape")


def test_debug_shows_the_traceback_before_or_after_the_command(here, capsys):
    for argv in (["--debug", "evaluate", "nope.safetensors"], ["evaluate", "--debug", "nope"]):
        with pytest.raises(ModelFileError, match="no such model file"):
            cli.main(argv)
    with pytest.raises(SettingError, match="is a folder"):
        cli.main(["train", "--debug", "--out", "a-folder"])


@pytest.mark.parametrize("where", [0, 1, 2])
def test_debug_reaches_an_experiment_wherever_it_is_given(here, where):
    argv = ["experiment", "shuffled-labels", "--out", "a-file"]
    argv.insert(where, "--debug")
    with pytest.raises(SettingError, match="is a file"):
        cli.main(argv)


def test_a_good_run_still_works_after_all_that(here, capsys):
    code, out, err = attempt([*TRAIN, "--history", "h.csv"], capsys)
    assert code == 0, err
    assert load_model(here / "x.safetensors").training["epochs_done"] == 1
    assert (here / "h.csv").read_text().startswith("epoch,")
    assert attempt(["predict", "x.safetensors", "blank.png"], capsys)[0] == 0
    assert attempt(["evaluate", "x.safetensors"], capsys)[0] == 0


def test_huge_learning_rate_fails_naming_it_and_keeps_the_last_good_epoch(here, capsys, tally):
    relu = ["--activation", "relu", "--cost", "cross-entropy"]
    first = ["train", "--layers", "12", *relu, "--epochs", "1", "--lr", "0.1", "--quiet"]
    assert attempt([*first, "--out", "r.safetensors"], capsys)[0] == 0
    before = (here / "r.safetensors").read_bytes()
    code, _, err = attempt(
        ["train", "--resume", "r.safetensors", "--epochs", "3", "--lr", "1e30", "--quiet"], capsys
    )
    line = assert_one_line_error(err)
    assert code == 1
    assert "epoch 2, mini-batch" in line and "learning rate 1e+30" in line
    assert "nothing new was saved: r.safetensors is unchanged (the model after epoch 1)" in line
    assert (here / "r.safetensors").read_bytes() == before
    kept = load_model(here / "r.safetensors")
    assert kept.training["epochs_done"] == 1 and np.all(np.isfinite(kept.network.params))
    tally.fault("learning rate 1e30 (divergence)")


def test_disk_full_during_a_checkpoint_fails_cleanly_keeping_the_old_model(
    here, capsys, monkeypatch, tally
):
    before = (here / "m.safetensors").read_bytes()

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(modelfile.os, "fsync", no_space)
    code, _, err = attempt(
        ["train", "--resume", "m.safetensors", "--epochs", "2", "--quiet"], capsys
    )
    monkeypatch.undo()
    assert code == 1 and "No space left on device" in assert_one_line_error(err)
    assert (here / "m.safetensors").read_bytes() == before
    assert not [p for p in here.iterdir() if p.name.endswith(".tmp")]
    tally.fault("disk full during a CLI checkpoint")


def test_ctrl_c_mid_epoch_keeps_the_last_epoch_and_says_how_to_resume(
    here, capsys, monkeypatch, tally
):
    import digitnet.training as training

    real_step, steps = training._step, []

    def interrupted_step(*args):
        steps.append(1)
        if len(steps) == 25:  # epoch 2 of 20 mini-batches
            raise KeyboardInterrupt
        real_step(*args)

    monkeypatch.setattr(training, "_step", interrupted_step)
    small = ["--batch-size", "10", "--train-set", "train"]  # 20 mini-batches an epoch
    code, _, err = attempt(
        [*TRAIN[:5], *small, "--epochs", "3", "--quiet", "--out", "k.safetensors"], capsys
    )
    assert code == 130 and "--resume k.safetensors" in err and "Traceback" not in err
    assert load_model(here / "k.safetensors").training["epochs_done"] == 1
    tally.fault("Ctrl-C mid-epoch")


# ── the real command, in a subprocess: real stderr, real exit codes ──────────────────────────


def digitnet(*args: str, cwd: Path, models: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(cwd / "cache")}
    if models is not None:
        env["DIGITNET_MODELS"] = str(models)
    command = [sys.executable, "-m", "digitnet", *args]  # as `python -m digitnet`
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "args,code,match",
    [
        (["train", "--epochs", "0"], 2, "must be at least 1"),
        (["train", "--lr", "nan"], 2, "must be a positive number"),
        (["evaluate", "nope.safetensors"], 1, "no such model file"),
        (["predict", "m.safetensors", "notes.txt"], 1, "not an image"),
        (["experiment", "shuffled-labels", "--out", "a-file"], 2, "is a file"),
    ],
)
def test_the_real_command_prints_one_line_and_exits(here, args, code, match, tally):
    result = digitnet(*args, cwd=here)
    assert result.returncode == code
    assert match in assert_one_line_error(result.stderr)
    assert result.stdout == ""
    tally.bad_input("CLI subprocess")


def test_the_real_command_with_debug_prints_the_traceback(here):
    result = digitnet("--debug", "evaluate", "nope.safetensors", cwd=here)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ModelFileError: nope.safetensors: no such model file" in result.stderr


def test_train_never_replaces_a_model_it_was_not_given_and_says_where_it_went(fake_data, capsys):
    args = ["train", "--layers", 4, "--epochs", 1, "--quiet"]
    run(capsys, *args)
    first = models_dir() / "video.safetensors"
    before = first.read_bytes()
    code, out, _ = run(capsys, *args)
    second = models_dir() / "video-2.safetensors"
    assert code == 0 and first.read_bytes() == before
    assert f"saving to {second}\n" in out and f"model saved: {second}" in out
    code, out, _ = run(capsys, *args, "--out", first)  # named: replaced, and said so
    assert code == 0 and f"saving to {first} (replacing the file there)" in out
    assert first.read_bytes() != before


def test_epoch_lines_go_to_stdout_without_a_bar_unless_stderr_is_a_terminal(fake_data, capsys):
    code, out, err = run(capsys, "train", "--layers", 4, "--epochs", 3)
    lines = [line for line in out.splitlines() if line.startswith("epoch")]
    assert code == 0 and [line[:11] for line in lines] == [f"epoch   {k}/3" for k in (1, 2, 3)]
    assert "\r" not in out + err and "batch/s" not in err and "%|" not in err
    code, out, _ = run(capsys, "train", "--layers", 4, "--epochs", 2, "--json")
    assert code == 0 and json.loads(out)["epochs"] == 2  # --json: nothing but the JSON


def test_the_bar_is_drawn_on_a_terminal_and_closed_before_each_epoch_line(tiny):
    import io

    from digitnet.progress import TrainProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = io.StringIO(), Terminal()
    progress = TrainProgress(out=out, err=err)
    fit(tiny, TrainConfig(sizes=(784, 8, 10), epochs=2, batch_size=10), on_event=progress)
    assert "epoch 1:" in err.getvalue() and "batch/s" in err.getvalue()  # the bar
    assert out.getvalue().count("\n") == 2 and "\r" not in out.getvalue()
    quiet_err = io.StringIO()  # not a terminal: no bar at all
    fit(tiny, TrainConfig(sizes=(784, 8, 10), epochs=1), on_event=TrainProgress(err=quiet_err))
    assert quiet_err.getvalue() == ""


def test_each_epoch_has_its_bar_going_on_after_an_epoch_line_halfway_through():
    import io

    from digitnet.progress import TrainProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    net = TrainConfig(sizes=(784, 8, 10)).build_network()
    out = io.StringIO()
    progress = TrainProgress(out=out, err=Terminal())
    row = {"batch_cost": 0.5, "test_accuracy": 0.5, "seconds": 0.1}
    for epoch, batch in [(1, b) for b in range(1, 9)] + [(2, b) for b in range(1, 5)]:
        progress(BatchEvent(epoch, batch, 8, 0.5, 1.0, net))
    assert progress.bar is not None and progress.bar.desc == "epoch 2" and progress.bar.n == 4
    progress(EpochEvent(1, 3, row, net))  # epoch 1, measured while epoch 2 trained
    assert out.getvalue().startswith("epoch   1/3")
    for batch in range(5, 8):
        progress(BatchEvent(2, batch, 8, 0.5, 1.0, net))
    assert progress.bar is not None and (progress.bar.n, progress.bar.total) == (7, 8)
    progress.close()


def test_predict_answers_every_readable_image_and_reports_each_bad_one(fake_data, capsys, tmp_path):
    run(capsys, "train", "--layers", 8, "--epochs", 1, "--quiet", "--out", tmp_path / "m.st")
    good = tmp_path / "digit.png"
    Image.new("L", (28, 28), 0).save(good)
    (tmp_path / "notes.txt").write_text("not an image")
    missing = tmp_path / "missing.png"
    argv = ["predict", "--model", tmp_path / "m.st", tmp_path / "notes.txt", good, missing, good]
    code, out, err = run(capsys, *argv)
    assert code == 1  # a bad image still fails the command …
    assert out.count(f"{good}: ") == 2  # … after the images after it were answered
    assert "error" not in out  # stdout: the answers; stderr: one line per bad image
    assert err.count("digitnet predict: error:") == 2 and "Traceback" not in err
    assert f"{tmp_path / 'notes.txt'}: not an image" in err and f"{missing}: no such file" in err
    code, out, _ = run(capsys, *argv, "--json")
    report = json.loads(out)
    assert code == 1 and [p["image"] for p in report["predictions"]] == [str(good)] * 2
    assert [e["image"] for e in report["errors"]] == [str(tmp_path / "notes.txt"), str(missing)]


# ---- Fashion-MNIST: the model records its dataset, and every later command follows it -----


@pytest.fixture
def any_data(monkeypatch):
    """The CLI's data loader, answering every name with tiny data under that name."""
    asked: list[str] = []

    def load(args, name="mnist"):
        asked.append(name)
        tiny = tiny_data()
        return Dataset(name, tiny.train, tiny.validation, tiny.test)

    monkeypatch.setattr(cli.common, "load_data", load)
    return asked


def test_fashion_mnist_is_recorded_by_train_and_followed_by_later_commands(
    any_data, capsys, tmp_path
):
    code, out, _ = run(capsys, "train", "--dataset", "fashion-mnist", "--layers", 8, "--epochs", 1)
    model = models_dir() / "video-fashion-mnist.safetensors"
    assert code == 0 and any_data == ["fashion-mnist"] and f"model saved: {model}" in out
    assert load_model(model).training["dataset"] == "fashion-mnist"
    code, out, _ = run(capsys, "evaluate", model)
    assert code == 0 and any_data[-1] == "fashion-mnist" and "9 ankle boot" in out
    assert "(rows: true class, columns: answer)" in out
    code, out, _ = run(capsys, "train", "--resume", model, "--epochs", 2, "--json")
    assert code == 0 and json.loads(out)["dataset"] == "fashion-mnist"
    code, _, err = run(capsys, "train", "--resume", model, "--epochs", 3, "--dataset", "mnist")
    assert code == 2 and "was trained on fashion-mnist, not mnist" in err
    image = tmp_path / "thing.png"
    Image.fromarray((tiny_data().test.images[0].reshape(28, 28) * 255).astype(np.uint8)).save(image)
    code, out, _ = run(capsys, "predict", "--model", model, image, "--json")
    answer = json.loads(out)["predictions"][0]
    assert code == 0 and answer["class"] == FASHION_MNIST_CLASSES[answer["answer"]]
    code, _, err = run(capsys, "experiment", "noise", "--model", model, "--dataset", "mnist")
    assert code == 2 and "trained on fashion-mnist, not mnist" in err
    code, _, _ = run(capsys, "show", "--data", "--dataset", "fashion-mnist", "--out", tmp_path)
    assert code == 0 and any_data[-1] == "fashion-mnist"
    code, out, _ = run(capsys, "show", model, "--out", tmp_path / "p", "--json")
    assert code == 0 and any_data[-1] == "fashion-mnist"
    assert "confusion.png" in json.loads(out)["pictures"]


def test_a_fashion_mnist_model_speaks_of_clothes_not_digits(any_data, capsys, tmp_path):
    """Issue 21, point 11: the noise and dream texts and the average picture say what the
    network reads."""
    run(capsys, "train", "--dataset", "fashion-mnist", "--layers", 8, "--epochs", 1, "--quiet")
    model = models_dir() / "video-fashion-mnist.safetensors"
    code, out, _ = run(capsys, "experiment", "noise", "--model", model, "--n", 50)
    assert code == 0 and "real clothes images" in out and "digit" not in out.lower()
    code, out, _ = run(capsys, "experiment", "dream", "--model", model, "--steps", 3)
    assert code == 0 and "clothes" in out and "correlation with the average ankle boot" in out
    assert "digit" not in out.lower()
    code, out, _ = run(capsys, "show", "--data", "--dataset", "fashion-mnist", "--out", tmp_path)
    assert code == 0 and out.split()[-1] == str(tmp_path / "average-fashion-mnist.png")


def test_mnist_models_keep_their_digits_and_plain_names(any_data, capsys):
    code, out, _ = run(capsys, "train", "--layers", 8, "--epochs", 1)
    assert code == 0 and any_data == ["mnist"] and (models_dir() / "video.safetensors").exists()
    code, out, _ = run(capsys, "evaluate", "--json")
    assert json.loads(out)["classes"] == [str(d) for d in range(10)]
