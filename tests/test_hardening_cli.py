"""The `digitnet` command as a careless or hostile user drives it.

Every bad flag, file or path ends in one line on stderr and exit status 2 (usage) or 1
(runtime failure), never a traceback; `--debug` shows the traceback. Runs in-process through
`digitnet.cli.main` on tiny synthetic data, and a few cases through a real subprocess.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import digitnet.cli as cli
from conftest import tiny_data
from digitnet import modelfile
from digitnet.errors import SettingError
from digitnet.modelfile import ModelFile, ModelFileError, load_model, save_model
from digitnet.network import Network
from digitnet.training import TrainConfig, fit

pytest_plugins = ("hardening_tally",)

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


def run(argv: list[str], capsys) -> tuple[int, str, str]:
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
    "no command": [],
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
    code, out, err = run(USAGE_ERRORS[case], capsys)
    assert code == 2, err
    assert_one_line_error(err)
    assert not (here / "x.safetensors").exists()
    tally.bad_input("CLI usage error")


RUNTIME_ERRORS = {
    "evaluate a missing model": (["evaluate", "nope.safetensors"], "no such model file"),
    "evaluate a folder": (["evaluate", "a-folder"], "is a folder"),
    "evaluate a text file": (["evaluate", "notes.txt"], "not a readable safetensors"),
    "evaluate a truncated model": (["evaluate", "cut.safetensors"], "not a readable"),
    "evaluate an empty file": (["evaluate", "empty.png"], "not a readable"),
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
    "layers beyond any memory": ([*TRAIN, "--layers", str(10**17)], ""),
}


@pytest.mark.parametrize("case", list(RUNTIME_ERRORS))
def test_runtime_failures_exit_1_with_one_line(here, capsys, case, tally):
    argv, match = RUNTIME_ERRORS[case]
    code, out, err = run(argv, capsys)
    assert code == 1, err
    assert match in assert_one_line_error(err)
    tally.bad_input("CLI runtime failure")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_a_usage_error(here, capsys, tally):
    locked = here / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run(["train", "--out", "locked/m.safetensors"], capsys)
    assert code == 2 and "cannot write to folder" in assert_one_line_error(err)
    tally.bad_input("CLI usage error")


def test_data_from_a_missing_path_fails_with_one_line(tmp_path, monkeypatch, capsys, tally):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code, _, err = run(["data", "--data", str(tmp_path / "nowhere")], capsys)
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
    code, _, err = run(["train", "--resume", "odd.safetensors", "--epochs", "5"], capsys)
    assert code == 1
    assert "training record cannot be resumed" in assert_one_line_error(err)
    tally.bad_input("CLI hostile training record")


def test_evaluating_a_model_naming_a_nonsense_dataset_fails_cleanly(
    here, capsys, monkeypatch, tally
):
    monkeypatch.setattr(cli.common, "load_data", REAL_LOAD_DATA)
    monkeypatch.setenv("XDG_CACHE_HOME", str(here / "cache"))
    hostile_model(here, {"dataset": ["a", "list"]})
    code, _, err = run(["evaluate", "odd.safetensors"], capsys)
    assert code == 1 and "unknown dataset" in assert_one_line_error(err)
    tally.bad_input("CLI hostile training record")


def test_resume_takes_the_structure_from_the_network_not_the_record(here, capsys):
    hostile_model(here, {"epochs_done": 1, "sizes": [784, 16, 16, 10]})  # record lies
    code, _, err = run(["train", "--resume", "odd.safetensors", "--layers", "16", "16"], capsys)
    assert code == 2 and "784-12-10" in assert_one_line_error(err)
    code, _, err = run(["train", "--resume", "odd.safetensors", "--epochs", "2", "--quiet"], capsys)
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
    code, _, err = run(argv, capsys)
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
    code, _, err = run(argv, capsys)
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
    code, out, err = run([*TRAIN, "--history", "h.csv"], capsys)
    assert code == 0, err
    assert load_model(here / "x.safetensors").training["epochs_done"] == 1
    assert (here / "h.csv").read_text().startswith("epoch,")
    assert run(["predict", "x.safetensors", "blank.png"], capsys)[0] == 0
    assert run(["evaluate", "x.safetensors"], capsys)[0] == 0


def test_huge_learning_rate_fails_naming_it_and_keeps_the_last_good_epoch(here, capsys, tally):
    relu = ["--activation", "relu", "--cost", "cross-entropy"]
    first = ["train", "--layers", "12", *relu, "--epochs", "1", "--lr", "0.1", "--quiet"]
    assert run([*first, "--out", "r.safetensors"], capsys)[0] == 0
    before = (here / "r.safetensors").read_bytes()
    code, _, err = run(
        ["train", "--resume", "r.safetensors", "--epochs", "3", "--lr", "1e30", "--quiet"], capsys
    )
    line = assert_one_line_error(err)
    assert code == 1
    assert "epoch 2, mini-batch" in line and "learning rate 1e+30" in line
    assert "last good epoch is kept in r.safetensors" in line
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
    code, _, err = run(["train", "--resume", "m.safetensors", "--epochs", "2", "--quiet"], capsys)
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
    code, _, err = run(
        [*TRAIN[:5], *small, "--epochs", "3", "--quiet", "--out", "k.safetensors"], capsys
    )
    assert code == 130 and "--resume k.safetensors" in err and "Traceback" not in err
    assert load_model(here / "k.safetensors").training["epochs_done"] == 1
    tally.fault("Ctrl-C mid-epoch")


# ── the real command, in a subprocess: real stderr, real exit codes ──────────────────────────


def digitnet(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(cwd / "cache")}
    command = [sys.executable, "-m", "digitnet.cli", *args]
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
