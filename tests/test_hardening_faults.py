"""kill -9 during `digitnet train`, mid-epoch and mid-checkpoint, then `--resume`.

A child process runs the real CLI on tiny data (each mini-batch slowed a little so that a
random moment lands anywhere in an epoch) and is SIGKILLed; after every kill the checkpoint
must load, and resuming must reach the uninterrupted run's weights bit for bit.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import tiny_data
from digitnet.files import newest_model
from digitnet.modelfile import load_model
from digitnet.training import PRESETS, fit

pytest_plugins = ("hardening_tally",)

TESTS, SRC = Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "src"
EPOCHS = 5
FIRST = ["train", "--layers", "12", "--lr", "1", "--epochs", str(EPOCHS), "--quiet"]
FIRST += ["--out", "m.safetensors"]
RESUME = ["train", "--resume", "m.safetensors", "--quiet"]

# The child: the real CLI on tiny data. argv: HOLD_AT WHERE cli-args…, where the HOLD_AT-th
# checkpoint write stops (and says so) inside os.fsync or os.replace, waiting to be killed.
CHILD = """
import os, sys, time
sys.path.insert(0, {tests!r})
from conftest import tiny_data
import digitnet.cli as cli, digitnet.training as training

cli.common.load_data = lambda args, name="mnist": tiny_data()
hold_at, where, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
real_step, real_save, saves = training._step, training.save_model, []

def slow_step(*args):
    time.sleep(0.002)
    real_step(*args)

def announced_save(model, path):
    saves.append(1)
    real_save(model, path)
    print("saved", model.training["epochs_done"], flush=True)

def holding(real):
    def hold(*args):
        if len(saves) == hold_at:
            print("holding in", where, flush=True)
            time.sleep(60)
        return real(*args)
    return hold

training._step, training.save_model = slow_step, announced_save
if where != "none":
    setattr(os, where, holding(getattr(os, where)))
sys.exit(cli.main(argv))
"""


@pytest.fixture(scope="module")
def reference():
    """The uninterrupted run, through the Python API: what every resumed run must reach."""
    config = replace(PRESETS["video"], sizes=(784, 12, 10), learning_rate=1.0, epochs=EPOCHS)
    return fit(tiny_data(), config)


def start(folder: Path, argv: list[str], hold_at: int = 0, where: str = "none"):
    script = folder / "child.py"
    script.write_text(CHILD.format(tests=str(TESTS)))
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, str(script), str(hold_at), where, *argv]
    return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, text=True)


def wait_for(child: subprocess.Popen, prefix: str) -> str | None:
    """The child's next stdout line starting with prefix, or None when it has finished."""
    for line in child.stdout:
        if line.startswith(prefix):
            return line
    return None


def kill(child: subprocess.Popen) -> None:
    child.kill()  # SIGKILL: no handler, no finally, no flush runs
    child.wait(timeout=30)
    child.stdout.close()


def finish(child: subprocess.Popen) -> None:
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0, out


def without_times(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def assert_same_as_reference(path: Path, reference) -> None:
    final = load_model(path)
    assert final.training["epochs_done"] == EPOCHS
    assert np.array_equal(final.network.params, reference.network.params)
    assert without_times(final.metrics["history"]) == without_times(reference.history)


def test_kill_9_at_random_moments_then_resume_reaches_the_same_weights(tmp_path, reference, tally):
    rng = random.Random(20)
    child, kills, done_before = start(tmp_path, FIRST), 0, 0
    while kills < 3 and wait_for(child, "saved") is not None:
        time.sleep(rng.uniform(0.0, 0.08))  # somewhere in the next epoch, or its checkpoint
        kill(child)
        kills += 1
        checkpoint = load_model(tmp_path / "m.safetensors")  # never corrupt
        done = checkpoint.training["epochs_done"]
        assert done_before < done <= EPOCHS and np.all(np.isfinite(checkpoint.network.params))
        done_before = done
        if done == EPOCHS:
            break
        child = start(tmp_path, RESUME)
    if done_before < EPOCHS:
        finish(child)
    else:
        child.stdout.close()
    assert kills >= 1
    assert_same_as_reference(tmp_path / "m.safetensors", reference)
    tally.fault("kill -9 during training", kills)


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_kill_9_inside_a_checkpoint_write_keeps_the_previous_checkpoint(
    tmp_path, reference, where, tally, monkeypatch
):
    child = start(tmp_path, FIRST, hold_at=2, where=where)  # the write of epoch 2
    assert wait_for(child, "holding") is not None
    kill(child)
    tally.fault(f"kill -9 inside a checkpoint write ({where})")

    checkpoint = load_model(tmp_path / "m.safetensors")
    assert checkpoint.training["epochs_done"] == 1  # the write of epoch 2 never happened
    temps = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(temps) == 1 and temps[0].startswith(".m.safetensors.")  # hidden, left by kill
    monkeypatch.setenv("DIGITNET_MODELS", str(tmp_path))
    assert newest_model().path.name == "m.safetensors"  # a leftover temp is never taken for a model

    finish(start(tmp_path, RESUME))
    assert_same_as_reference(tmp_path / "m.safetensors", reference)


def test_kill_9_inside_the_first_checkpoint_write_leaves_no_model(tmp_path, reference, tally):
    child = start(tmp_path, FIRST, hold_at=1, where="replace")
    assert wait_for(child, "holding") is not None
    kill(child)
    tally.fault("kill -9 inside a checkpoint write (first)")
    assert not (tmp_path / "m.safetensors").exists()  # nothing half-written under the name
    finish(start(tmp_path, FIRST))  # so the user starts again, and gets the same model
    assert_same_as_reference(tmp_path / "m.safetensors", reference)
