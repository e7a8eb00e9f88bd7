"""Mini-batch SGD: determinism, learning, resuming bit for bit, divergence, augmentation."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import synthetic_digits, tiny_data
from digitnet.data import Dataset, Split
from digitnet.modelfile import load_model, newest_model
from digitnet.network import Network
from digitnet.training import (
    PRESETS,
    BatchEvent,
    DivergedError,
    EpochEvent,
    StopTraining,
    TrainConfig,
    _minibatches,
    _shifted,
    checkpoint_model,
    fit,
    history_csv,
    kept,
    plan,
    run,
    stuck_hint,
    train,
    write_history,
)

SMALL = TrainConfig(sizes=(784, 12, 10), epochs=3, batch_size=10, learning_rate=1.0)


def without_times(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def test_same_seed_gives_bit_identical_weights_and_history(tiny):
    config = replace(SMALL, momentum=0.5, shift=1)
    a, b = fit(tiny, config), fit(tiny, config)
    assert np.array_equal(a.network.params, b.network.params)
    assert without_times(a.history) == without_times(b.history)
    c = fit(tiny, replace(config, seed=1))
    assert not np.array_equal(a.network.params, c.network.params)


def test_a_tiny_network_overfits_twenty_examples():
    split = synthetic_digits(20, seed=4)
    config = TrainConfig(sizes=(784, 30, 10), epochs=150, batch_size=5, learning_rate=2.0)
    result = train(config, split.images, split.labels, evaluate={"train": split})
    assert result.history[-1]["train_accuracy"] == 1.0
    assert result.history[-1]["batch_cost"] < result.history[0]["batch_cost"] / 4


def test_one_epoch_of_sgd_with_batch_one_is_plain_gradient_steps():
    x = np.random.default_rng(0).random((1, 784), dtype=np.float32)
    data = Dataset("one", Split(x, np.array([3])), Split(x[:0], x[:0, 0]), Split(x, [3]))
    config = TrainConfig(sizes=(784, 5, 10), epochs=1, batch_size=1, learning_rate=0.5)
    expected = config.build_network()
    grad_W, grad_b = expected.backprop(x, np.array([3]))
    for p, g in zip(expected.weights + expected.biases, grad_W + grad_b):
        p -= 0.5 * g
    result = fit(data, config)
    np.testing.assert_allclose(result.network.params, expected.params, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "extra",
    [
        {"momentum": 0.9, "schedule": "cosine", "weight_decay": 1e-3},
        {"shift": 2, "shuffle_labels": True, "cost": "cross-entropy", "activation": "relu"},
    ],
)
def test_resume_continues_bit_for_bit(tiny, tmp_path, extra):
    config = replace(SMALL, epochs=5, learning_rate=0.1, **extra)
    straight = fit(tiny, config)

    def stop_after_two(event):
        if isinstance(event, EpochEvent) and event.epoch == 2:
            raise StopTraining

    path = tmp_path / "model.safetensors"
    first = fit(tiny, config, on_event=stop_after_two, checkpoint=path)
    assert first.interrupted and first.epochs_done == 2
    saved = load_model(path)
    assert saved.training["epochs_done"] == 2
    resumed = fit(tiny, config, resume=saved, checkpoint=path)
    assert resumed.epochs_done == 5 and not resumed.interrupted
    assert np.array_equal(resumed.network.params, straight.network.params)
    assert without_times(resumed.history) == without_times(straight.history)
    assert load_model(path).training["epochs_done"] == 5


def test_constant_schedule_resumes_to_more_epochs_like_one_run(tiny, tmp_path):
    path = tmp_path / "m.safetensors"
    fit(tiny, replace(SMALL, epochs=2), checkpoint=path)
    resumed = fit(tiny, replace(SMALL, epochs=5), resume=load_model(path))
    assert np.array_equal(
        resumed.network.params, fit(tiny, replace(SMALL, epochs=5)).network.params
    )


def test_the_sets_measured_in_threads_are_evaluates_numbers_bit_for_bit(tiny):
    """Issue 21, point 13: the chunks of every set, tallied by a pool's threads at once and
    summed in order, give exactly what Network.evaluate gives for each set."""
    from concurrent.futures import ThreadPoolExecutor

    from digitnet.training import CHUNK, measure

    net = SMALL.build_network()
    big = Dataset("big", synthetic_digits(3 * CHUNK + 5, 4), tiny.validation, tiny.test)
    sets = {"train": big.train, "validation": big.validation, "test": big.test}
    with ThreadPoolExecutor(2) as pool:  # and the calling thread: three shares
        threaded = measure(net, sets, pool, threads=3)
    expected = {name: net.evaluate(s.images, s.labels) for name, s in sets.items()}
    assert threaded == expected == measure(net, sets)
    empty = {"none": tiny.test.head(0), "test": tiny.test}
    assert measure(net, empty) == {"test": expected["test"]}  # an empty set is left out


def on_two_cores(monkeypatch, threads: int = 4) -> None:
    """As on a machine with two free cores (the measuring shared out, or in turn if 1)."""
    import digitnet.training as training

    monkeypatch.setattr(training.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(training, "MEASURE_THREADS", threads)


@pytest.mark.parametrize("slow", [False, True])
def test_an_epoch_is_measured_on_another_core_while_the_next_one_trains(tiny, monkeypatch, slow):
    """Issue 21, point 13: a small network's epoch is measured from a copy of its weights
    while the next epoch trains, and reported from halfway through it once measured (waited
    for at its end if slow; the last epoch at once); the rows, the weights and each
    EpochEvent's network are what measuring in turn gives."""
    import digitnet.training as training

    config = replace(SMALL, epochs=3, batch_size=50, momentum=0.5)  # 4 mini-batches an epoch
    seen, ends = [], {}

    def watch(event):
        if isinstance(event, BatchEvent):
            seen.append(f"b{event.epoch}.{event.batch}")
            if event.batch == event.batches:
                ends[event.epoch] = event.network.params.copy()
        else:
            seen.append(f"E{event.epoch}")
            assert np.array_equal(event.network.params, ends[event.epoch])  # its own weights

    def slow_measure(*args):
        time.sleep(0.3)  # far longer than an epoch here
        return measure(*args)

    measure = training.measure
    if slow:
        monkeypatch.setattr(training, "measure", slow_measure)
    on_two_cores(monkeypatch)
    overlapped = fit(tiny, config, on_event=watch)
    batches = [f"b{e}.{b}" for e in (1, 2, 3) for b in (1, 2, 3, 4)]
    assert [s for s in seen if s.startswith("b")] == batches and seen[-1] == "E3"
    for k in (1, 2):  # in the second half of the next epoch, at the latest after its end
        assert seen.index(f"b{k + 1}.2") < seen.index(f"E{k}") <= seen.index(f"b{k + 1}.4") + 1
    if slow:
        assert seen[seen.index("b2.4") + 1] == "E1" and seen[seen.index("b3.4") + 1] == "E2"
    on_two_cores(monkeypatch, threads=1)
    seen.clear()
    in_turn = fit(tiny, config, on_event=watch)
    assert seen[:6] == ["b1.1", "b1.2", "b1.3", "b1.4", "E1", "b2.1"]
    assert without_times(overlapped.history) == without_times(in_turn.history)
    assert np.array_equal(overlapped.network.params, in_turn.network.params)
    assert [row["epoch"] for row in overlapped.history] == [1, 2, 3]


@pytest.mark.parametrize("again", [False, True])
def test_a_stop_before_the_epoch_before_is_reported_keeps_that_epoch(
    tiny, tmp_path, monkeypatch, again
):
    """A stop (or Ctrl-C) early in epoch 2, while epoch 1 is still being measured: epoch 1 is
    reported all the same (row, checkpoint with its own weights and momentum, event), even
    when the handler asks for the stop again on that event, as the web page's does."""
    config = replace(SMALL, epochs=3, momentum=0.5)
    straight = fit(tiny, replace(config, epochs=1))
    stopping, epochs = [], []

    def stop(event):
        if isinstance(event, EpochEvent):
            epochs.append(event.epoch)
        if (isinstance(event, BatchEvent) and event.epoch == 2) or (stopping and again):
            stopping.append(event)
            raise StopTraining

    on_two_cores(monkeypatch)
    path = tmp_path / "m.safetensors"
    result = fit(tiny, config, on_event=stop, checkpoint=path)
    assert result.interrupted and result.epochs_done == 1 and epochs == [1]
    saved = load_model(path)
    assert saved.training["epochs_done"] == 1
    assert np.array_equal(saved.network.params, straight.network.params)
    assert np.array_equal(saved.velocity, straight.velocity)
    assert without_times(saved.metrics["history"]) == without_times(straight.history)


def test_ctrl_c_while_waiting_for_an_epochs_measuring_still_reports_that_epoch(
    tiny, tmp_path, monkeypatch
):
    import digitnet.training as training

    finished_row = training._Measuring.finished_row
    calls = []

    def interrupted_once(self):
        calls.append(self.row["epoch"])
        if len(calls) == 1:
            raise KeyboardInterrupt  # as if Ctrl-C came while the training thread waited
        return finished_row(self)

    monkeypatch.setattr(training._Measuring, "finished_row", interrupted_once)
    on_two_cores(monkeypatch)
    path = tmp_path / "m.safetensors"
    result = fit(tiny, replace(SMALL, epochs=3), checkpoint=path)
    assert calls == [1, 1] and result.interrupted and result.epochs_done == 1
    assert load_model(path).training["epochs_done"] == 1


def test_events_come_per_batch_and_per_epoch(tiny):
    events = []
    fit(tiny, replace(SMALL, epochs=2, batch_size=50), on_event=events.append)
    batches = [e for e in events if isinstance(e, BatchEvent)]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert len(batches) == 2 * 4 and len(epochs) == 2
    assert [e.batch for e in batches[:4]] == [1, 2, 3, 4] and batches[0].batches == 4
    assert epochs[-1].row["epoch"] == 2 and "validation_accuracy" in epochs[-1].row


def test_keyboard_interrupt_stops_cleanly_keeping_the_last_checkpoint(tiny, tmp_path):
    path = tmp_path / "m.safetensors"

    def interrupt(event):
        if isinstance(event, BatchEvent) and event.epoch == 2 and event.batch == 3:
            raise KeyboardInterrupt

    result = fit(tiny, SMALL, on_event=interrupt, checkpoint=path)
    assert result.interrupted and result.epochs_done == 1
    assert load_model(path).training["epochs_done"] == 1


def test_divergence_is_caught_on_its_batch_and_keeps_the_last_good_epoch(
    tiny, tmp_path, monkeypatch
):
    import digitnet.training as training

    path = tmp_path / "m.safetensors"
    config = replace(SMALL, activation="relu", cost="cross-entropy", learning_rate=0.1, epochs=4)
    batches = len(tiny.train.labels) // config.batch_size
    # From the third step of epoch 2 on, a learning rate no network survives.
    monkeypatch.setattr(
        training, "_learning_rate", lambda c, step, t: 1e30 if step > batches + 1 else 0.1
    )
    seen = []
    with pytest.raises(DivergedError, match="epoch 2, mini-batch 4.*learning rate"):
        fit(tiny, config, on_event=seen.append, checkpoint=path)
    assert sum(isinstance(e, BatchEvent) and e.epoch == 2 for e in seen) == 3
    saved = load_model(path)
    assert saved.training["epochs_done"] == 1
    assert np.all(np.isfinite(saved.network.params))


def test_shift_moves_each_image_by_at_most_s_pixels():
    images = np.zeros((50, 784), dtype=np.float32)
    images.reshape(50, 28, 28)[:, 14, 14] = 1.0  # one bright pixel in the middle
    out = np.empty_like(images)
    order = np.arange(50)[::-1]
    _shifted(images, order, 2, np.random.default_rng(0), out)
    ys, xs = np.nonzero(out.reshape(50, 28, 28).sum(axis=0))
    assert out.sum() == 50  # nothing lost at the edges for a centred pixel
    assert set(ys) <= set(range(12, 17)) and set(xs) <= set(range(12, 17))
    assert len(set(zip(ys, xs))) > 5  # and the shifts really vary


@pytest.mark.parametrize("shift", [0, 1])
@pytest.mark.parametrize("batch_size", [1, 7, 100])
def test_minibatches_are_the_shuffled_order_cut_in_turn(shift, batch_size):
    """Across the gathering blocks' edges: every example once, in the epoch's shuffled order."""
    n = 1000  # > the unshifted 83-image blocks, < the shifted 8,192-image ones
    images = np.arange(n * 784, dtype=np.float32).reshape(n, 784) / (n * 784)
    y_all = np.eye(10, dtype=np.float32)[:, np.arange(n) % 10]
    order = np.random.default_rng(3).permutation(n)[: n // batch_size * batch_size]
    stream = _minibatches(images, y_all, order, batch_size, shift, np.random.default_rng(0))
    batches = [(a0.copy(), y.copy()) for a0, y in stream]  # views into buffers used again
    assert len(batches) == n // batch_size
    assert all(a0.shape == (784, batch_size) and y.shape == (10, batch_size) for a0, y in batches)
    labels = np.concatenate([y.argmax(axis=0) for _, y in batches])
    np.testing.assert_array_equal(labels, order % 10)
    if not shift:
        np.testing.assert_array_equal(np.concatenate([a0.T for a0, _ in batches]), images[order])


def test_a_float64_network_trains_on_float32_images(tiny):
    """Unshifted mini-batches are gathered by np.take, which cannot cast into its output."""
    assert tiny.train.images.dtype == np.float32
    result = fit(tiny, replace(SMALL, epochs=1, dtype="float64"))
    assert result.network.params.dtype == np.float64
    assert np.all(np.isfinite(result.network.params)) and result.history[0]["train_accuracy"]


def test_training_never_modifies_the_callers_data(tiny):
    before = tiny.train.images.copy(), tiny.train.labels.copy()
    fit(tiny, replace(SMALL, epochs=1, shift=1, shuffle_labels=True))
    assert np.array_equal(tiny.train.images, before[0])
    assert np.array_equal(tiny.train.labels, before[1])


def test_shuffled_labels_leave_test_accuracy_near_chance(tiny):
    result = fit(tiny, replace(SMALL, epochs=10, shuffle_labels=True))
    honest = fit(tiny, replace(SMALL, epochs=10))
    assert honest.history[-1]["test_accuracy"] > 0.9
    assert result.history[-1]["test_accuracy"] < 0.4


def test_full_train_set_uses_train_and_validation(tiny):
    events = []
    fit(tiny, replace(SMALL, epochs=1, train_set="full"), on_event=events.append)
    assert events[0].batches == (200 + 50) // 10


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("epochs", 0, "epochs must be a positive"),
        ("batch_size", -3, "batch_size must be a positive"),
        ("learning_rate", 0.0, "learning rate must be a positive"),
        ("learning_rate", float("nan"), "learning rate"),
        ("momentum", 1.0, "momentum"),
        ("weight_decay", -1.0, "weight decay"),
        ("schedule", "steps", "schedule must be one of"),
        ("sizes", (784, 0, 10), "sizes must be positive"),
        ("shift", 9, "shift"),
        ("short_run_warmup", 1.0, "short_run_warmup must be a fraction in \\[0, 1\\), got 1.0"),
        ("fan_in", -1, "fan_in must be a whole number ≥ 0, got -1"),
    ],
)
def test_bad_configs_are_refused_naming_the_value(field, value, match):
    with pytest.raises(ValueError, match=match):
        replace(SMALL, **{field: value})


def test_config_round_trips_through_a_dict():
    config = replace(SMALL, momentum=0.3, schedule="cosine")
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert isinstance(config.build_network(), Network)


def test_history_exports_as_csv_and_json(tiny, tmp_path):
    history = fit(tiny, replace(SMALL, epochs=2)).history
    text = history_csv(history)
    assert text.splitlines()[0].startswith("epoch,learning_rate") and len(text.splitlines()) == 3
    assert json.loads(write_history(history, tmp_path / "h.json").read_text()) == history
    assert write_history(history, tmp_path / "h.csv").read_text() == text
    with pytest.raises(ValueError, match=".csv or .json"):
        write_history(history, tmp_path / "h.txt")


def test_stuck_hint_only_near_chance():
    assert "learning rate" in stuck_hint({"validation_accuracy": 0.1}, SMALL)
    assert stuck_hint({"validation_accuracy": 0.9}, SMALL) is None


# ---- hostile cases ----------------------------------------------------------------------
# The Python API given bad data, bad configs and bad checkpoints: clear errors, early.
# (Out-of-range config values are above; bad network arguments in tests/test_network.py.)


ONE_EPOCH = TrainConfig(sizes=(784, 12, 10), epochs=1, learning_rate=1.0)


def with_train(images, labels) -> tuple:
    """Any arrays can be given to train(): no checks on the way in."""
    return images, labels


def bad_training_data() -> dict[str, tuple[tuple, str]]:
    good = tiny_data().train
    X, y = good.images, good.labels
    nan, inf = X.copy(), X.copy()
    nan[5, 300], inf[7, 0] = np.nan, np.inf
    return {
        "a NaN pixel": (with_train(nan, y), "NaN or infinite"),
        "an infinite pixel": (with_train(inf, y), "NaN or infinite"),
        "images 100 wide": (with_train(X[:, :100], y), r"must be \(n, 784\)"),
        "one flat image": (with_train(X[0], y[:1]), r"must be \(n, 784\)"),
        "images 28×28, not rows": (with_train(X.reshape(-1, 28, 28), y), r"\(n, 784\)"),
        "three labels short": (with_train(X, y[:-3]), "one label each"),
        "float labels": (with_train(X, y + 0.5), "labels must be integers"),
        "label 10": (with_train(X, y + 1), "0..9"),
        "negative label": (with_train(X, y.astype(int) - 1), "0..9"),
        "no examples": (with_train(X[:0], y[:0]), "empty"),
    }


@pytest.mark.parametrize("case", list(bad_training_data()))
def test_bad_training_data_is_refused_before_training(case, tally):
    (images, labels), match = bad_training_data()[case]
    events = []
    with pytest.raises(ValueError, match=match) as caught:
        train(ONE_EPOCH, images, labels, on_event=events.append)
    assert not isinstance(caught.value, DivergedError)  # not blamed on the learning rate
    assert events == []
    tally.bad_input("train() data")


@pytest.mark.parametrize(
    "change",
    [
        {"sizes": (784, 16, 10)},
        {"sizes": (784, 12, 12, 10)},
        {"activation": "relu"},
        {"cost": "cross-entropy"},
        {"dtype": "float64"},
    ],
)
def test_resuming_as_another_network_is_refused(tiny, change, tally):
    checkpoint = checkpoint_model(fit(tiny, ONE_EPOCH), tiny)
    with pytest.raises(ValueError, match="cannot resume"):
        fit(tiny, replace(ONE_EPOCH, epochs=2, **change), resume=checkpoint)
    tally.bad_input("train() resume structure")


@pytest.mark.parametrize(
    "field,value",
    [
        ("learning_rate", "0.1"),
        ("learning_rate", None),
        ("activation", ["relu"]),
        ("epochs", 2.0),
        ("batch_size", "10"),
        ("sizes", "784"),
        ("sizes", (784, 16.0, 10)),
        ("momentum", "0.9"),
        ("shift", 1.5),
    ],
)
def test_config_fields_of_the_wrong_type_are_refused(field, value, tally):
    with pytest.raises((TypeError, ValueError)):
        replace(ONE_EPOCH, **{field: value})
    tally.bad_input("TrainConfig field type")


def test_checkpoint_to_a_folder_fails_leaving_the_folder_alone(tiny, tmp_path, tally):
    folder = tmp_path / "models"
    folder.mkdir()
    with pytest.raises(OSError):
        fit(tiny, ONE_EPOCH, checkpoint=folder)
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["models"]  # no temp file left
    tally.bad_input("train() checkpoint path")


# ---- faults ------------------------------------------------------------------------------
# kill -9 during `digitnet train`, mid-epoch and mid-checkpoint, then `--resume`.
#
# A child process runs the real CLI on tiny data (each mini-batch slowed a little so that a
# random moment lands anywhere in an epoch) and is SIGKILLed; after every kill the checkpoint
# must load, and resuming must reach the uninterrupted run's weights bit for bit.


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

def announced_save(model, path, **options):
    saves.append(1)
    real_save(model, path, **options)
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


def rows_without_times(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def assert_same_as_reference(path: Path, reference) -> None:
    final = load_model(path)
    assert final.training["epochs_done"] == EPOCHS
    assert np.array_equal(final.network.params, reference.network.params)
    assert rows_without_times(final.metrics["history"]) == rows_without_times(reference.history)


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


# ---- where a run saves, and what an early end leaves (issue 13, points 1 and 2) ------------


def test_a_run_given_no_out_takes_a_new_name_and_never_replaces_a_model(tiny):
    from digitnet.files import models_dir

    settings = {"layers": [8], "epochs": 1}
    first = plan("book", settings)
    assert first.out == models_dir() / "book.safetensors" and not first.replace
    run(first, tiny)
    before = first.out.read_bytes()
    second = plan("book", settings)
    assert second.out == models_dir() / "book-2.safetensors" and not second.replace
    run(second, tiny)
    assert first.out.read_bytes() == before and second.out.exists()
    assert plan("book", settings).out == models_dir() / "book-3.safetensors"
    named = plan("book", settings, out=first.out)  # named by the user: may be replaced
    assert named.replace and named.existed


def test_a_name_taken_while_training_is_not_replaced(tiny):
    chosen = plan("book", {"layers": [8], "epochs": 2})
    chosen.out.write_bytes(b"another run's file, written meanwhile")
    with pytest.raises(FileExistsError):
        run(chosen, tiny)
    assert chosen.out.read_bytes() == b"another run's file, written meanwhile"
    assert not [p for p in chosen.out.parent.iterdir() if p.name.endswith(".tmp")]


def diverging_from(monkeypatch, step: int) -> None:
    """From mini-batch step ``step`` (0-based, over the run) on, a learning rate that no
    ReLU network survives."""
    import digitnet.training as training

    monkeypatch.setattr(training, "_learning_rate", lambda c, k, t: 1e30 if k >= step else 0.1)


RELU = {"layers": [12], "activation": "relu", "cost": "cross-entropy", "learning_rate": 0.1}


def test_divergence_in_the_first_epoch_says_nothing_was_saved(tiny, tmp_path, monkeypatch):
    unrelated = tmp_path / "bad.safetensors"
    unrelated.write_bytes(b"left by an earlier, unrelated run")
    diverging_from(monkeypatch, 8)
    chosen = plan("book", {**RELU, "epochs": 2}, out=unrelated)
    with pytest.raises(DivergedError) as e:
        run(chosen, tiny)
    message = str(e.value)
    assert "epoch 1, mini-batch 10" in message  # step 9 blew up; batch 10's cost shows it
    assert f"nothing was saved (no epoch finished); {unrelated} is as it was" in message
    assert "kept" not in message
    assert unrelated.read_bytes() == b"left by an earlier, unrelated run"
    fresh = plan("book", {**RELU, "epochs": 2}, out=tmp_path / "new.safetensors")
    with pytest.raises(DivergedError, match=r"nothing was saved \(no epoch finished\)$"):
        run(fresh, tiny)
    assert not fresh.out.exists()


def test_divergence_later_names_the_epoch_really_kept(tiny, tmp_path, monkeypatch):
    batches = len(tiny.train) // 10
    diverging_from(monkeypatch, 2 * batches + 3)  # in epoch 3
    chosen = plan("book", {**RELU, "epochs": 4}, out=tmp_path / "m.safetensors")
    with pytest.raises(DivergedError, match="the model after epoch 2 is kept in .*m.safetensors"):
        run(chosen, tiny)
    assert load_model(chosen.out).training["epochs_done"] == 2
    resumed = plan("book", {"epochs": 5}, resume=chosen.out)  # diverges again at once
    diverging_from(monkeypatch, 0)
    with pytest.raises(DivergedError) as e:
        run(resumed, tiny)
    assert "nothing new was saved" in str(e.value) and "after epoch 2)" in str(e.value)
    assert kept(resumed, None).endswith("is unchanged (the model after epoch 2)")


# ---- what an epoch does besides training (issue 13, points 17 and 19) ----------------------


@pytest.mark.parametrize("shift,dtype", [(0, "float32"), (1, "float32"), (1, "float64")])
def test_uint8_pixels_train_to_the_same_weights_as_float_images_bit_for_bit(shift, dtype):
    rng = np.random.default_rng(5)
    pixels = rng.integers(0, 256, size=(120, 784), dtype=np.uint8)
    labels = rng.integers(0, 10, size=120).astype(np.uint8)
    floats = pixels.astype(np.float32)
    floats /= 255  # the loader's floats
    config = replace(SMALL, shift=shift, dtype=dtype, batch_size=7, epochs=2)
    from_bytes, from_floats = train(config, pixels, labels), train(config, floats, labels)
    assert from_bytes.network.params.tobytes() == from_floats.network.params.tobytes()
    assert without_times(from_bytes.history) == without_times(from_floats.history)


def test_training_accuracy_is_measured_on_a_fixed_sample_like_the_test_set(tiny, monkeypatch):
    import digitnet.training as training

    monkeypatch.setattr(training, "TRAIN_SAMPLE", 60)
    sets = training.epoch_sets(tiny, SMALL)
    assert list(sets) == ["train", "validation", "test"] and len(sets["train"]) == 60
    again = training.epoch_sets(tiny, SMALL)["train"]  # the same rows every time
    assert np.array_equal(again.images, sets["train"].images)
    run = fit(tiny, replace(SMALL, epochs=1))
    net, row = run.network, run.history[-1]
    assert row["train_accuracy"] == net.evaluate(sets["train"].images, sets["train"].labels)[0]
    assert "validation" not in training.epoch_sets(tiny, replace(SMALL, train_set="full"))


def test_a_checkpoint_is_written_from_a_copy_while_the_next_epoch_trains(tiny):
    written = []

    def slow_save(result):
        time.sleep(0.05)  # the disk, slow: the next epoch has changed the live weights by now
        written.append((result.epochs_done, result.network.params.copy()))

    weights_at_epoch_end = []

    def on_event(event):
        if isinstance(event, EpochEvent):
            weights_at_epoch_end.append(event.network.params.copy())

    result = train(
        SMALL, tiny.train.images, tiny.train.labels, on_event=on_event, checkpoint=slow_save
    )
    assert [epochs for epochs, _ in written] == [1, 2, 3] and result.saved_epoch == 3
    for (_, saved), at_end in zip(written, weights_at_epoch_end, strict=True):
        assert np.array_equal(saved, at_end)


def test_a_failed_checkpoint_write_stops_training_with_its_error(tiny):
    def full_disk(result):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        train(SMALL, tiny.train.images, tiny.train.labels, checkpoint=full_disk)


# ---- the recipe for short runs and wide layers ------------------------------------------


def test_a_short_run_warms_up_then_follows_its_schedule():
    import digitnet.training as training

    short = replace(PRESETS["video"], epochs=2)
    total = 1000
    warm = int(short.short_run_warmup * total)  # 100 steps
    etas = [training._learning_rate(short, k, total) for k in range(total)]
    plain = [
        training._learning_rate(replace(short, short_run_warmup=0.0), k, total)
        for k in range(total)
    ]
    assert etas[0] == pytest.approx(plain[0] / warm)  # η/100 on the first step
    assert all(a < b for a, b in zip(etas[:warm], etas[1:warm]))  # rising
    assert etas[warm - 1 :] == plain[warm - 1 :]  # then the cosine schedule itself


def test_a_long_run_gets_no_warm_up():
    import digitnet.training as training

    video = PRESETS["video"]
    assert video.epochs >= training.SHORT_RUN
    plain = replace(video, short_run_warmup=0.0)
    steps = [0, 1, 100, 5000]
    assert [training._learning_rate(video, k, 75_000) for k in steps] == [
        training._learning_rate(plain, k, 75_000) for k in steps
    ]


def test_layers_fed_by_more_than_fan_in_neurons_take_smaller_steps():
    from digitnet.training import layer_shares

    assert layer_shares(Network([784, 16, 16, 10]), 256) is None
    assert layer_shares(Network([784, 256, 10]), 256) is None
    assert layer_shares(Network([784, 512, 10]), 0) is None
    net = Network([784, 512, 1024, 10])
    weights, biases = net.unflatten(layer_shares(net, 256))
    assert [float(np.unique(W)[0]) for W in weights] == [1.0, 0.5, 0.25]  # fed by 784 px, 512, 1024
    assert [float(np.unique(b)[0]) for b in biases] == [1.0, 0.5, 0.25]
    assert all(len(np.unique(W)) == 1 for W in weights)


def test_the_video_recipe_is_bit_for_bit_the_same_for_its_own_network_and_budget(tiny):
    """Neither the warm-up nor the smaller steps touch 784-16-16-10 over a long run."""
    import digitnet.training as training

    video = replace(PRESETS["video"], epochs=training.SHORT_RUN, train_set="train")
    before = replace(video, short_run_warmup=0.0, fan_in=0)
    assert np.array_equal(fit(tiny, video).network.params, fit(tiny, before).network.params)
