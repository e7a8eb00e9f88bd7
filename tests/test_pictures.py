"""Pictures: valid PNGs whose pixels say what they claim, the same bytes twice, `digitnet show`."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import tiny_data
from digitnet import cli, pictures
from digitnet.files import models_dir
from digitnet.frames import (
    MOVIE_FRAMES,
    Frames,
    WeightRecorder,
    frames_path,
    load_frames,
    save_frames,
)
from digitnet.images import to_picture
from digitnet.metrics import confusion_matrix
from digitnet.modelfile import ModelFile, save_model
from digitnet.network import Network
from digitnet.training import BatchEvent, TrainConfig, checkpoint_model, fit

NAMES = ["weights.png", "activations.png", "curves.png", "confusion.png", "mistakes.png"]


@pytest.fixture(scope="session")
def trained():
    """A small model trained on the tiny data (about a second), with its history."""
    data = tiny_data()
    result = fit(data, TrainConfig(sizes=(784, 12, 10), epochs=3, learning_rate=1.0))
    return result, data


@pytest.fixture
def model_file(trained, tmp_path) -> Path:
    result, data = trained
    return save_model(checkpoint_model(result, data), tmp_path / "small.safetensors")


@pytest.fixture
def run_cli(monkeypatch, capsys):
    """Run `digitnet …` on the tiny data; return (exit status, stdout, stderr)."""
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": tiny_data())

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            status = cli.main([str(a) for a in argv])
        except SystemExit as e:  # usage errors exit through argparse
            status = e.code
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def png(im: Image.Image) -> Image.Image:
    """Through real PNG bytes and back: what a file on disk would hold."""
    data = pictures.png_bytes(im)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "PNG"
    return decoded.convert("RGB")


def find(big: Image.Image, small: Image.Image) -> list[tuple[int, int]]:
    """Where `small` appears pixel for pixel inside `big` (top-left corners)."""
    B, S = np.asarray(big.convert("RGB")), np.asarray(small.convert("RGB"))
    h, w = S.shape[:2]
    ys, xs = np.nonzero((B[: B.shape[0] - h + 1, : B.shape[1] - w + 1] == S[0, 0]).all(axis=2))
    return [(x, y) for y, x in zip(ys, xs) if (B[y : y + h, x : x + w] == S).all()]


# ---- weight grids --------------------------------------------------------------------------


def test_weight_grid_pixels_are_green_for_positive_red_for_negative_black_for_zero():
    w = np.zeros(784)
    w[:5] = [0.5, -0.5, 0.0, 1.0, -3.0]  # the first five pixels of the top row
    im = png(pictures.weight_grid_image(w, scale=4, vmax=1.0))
    assert im.size == (112, 112)
    pixel = [im.getpixel((4 * k + 2, 2)) for k in range(5)]
    assert pixel[0] == (0, 128, 0)  # +0.5 of ±1: half-bright green
    assert pixel[1] == (128, 0, 0)  # −0.5: half-bright red
    assert pixel[2] == (0, 0, 0)  # 0: black
    assert pixel[3] == (0, 255, 0)  # +1: full green
    assert pixel[4] == (255, 0, 0)  # −3 lies beyond the scale: clipped to full red


def test_weight_grid_brightness_grows_with_the_size_of_the_weight():
    w = np.linspace(0.0, 2.0, 784)
    im = np.asarray(pictures.weight_grid_image(w, scale=3, vmax=2.0))
    greens = im[1::3, 1::3, 1].ravel()  # one pixel per weight, in order
    assert (np.diff(greens.astype(int)) >= 0).all() and greens[0] == 0 and greens[-1] == 255
    assert (im[..., 0] == 0).all() and (im[..., 2] == 0).all()


def test_weight_grid_takes_784_weights_or_a_matrix():
    assert pictures.weight_grid_image(np.ones((10, 16)), scale=5).size == (80, 50)
    with pytest.raises(ValueError, match="784 weights or a 2-D matrix"):
        pictures.weight_grid_image(np.ones(100))


def test_weights_picture_shows_every_neurons_grid_on_one_shared_scale(trained):
    net = trained[0].network
    im = png(pictures.weights_picture(net))
    vmax = float(np.percentile(np.abs(net.weights[0]), 99))  # the top 1% saturate
    corners = []
    for j in range(net.sizes[1]):
        grid = pictures.weight_grid_image(net.weights[0][j], scale=4, vmax=vmax)
        assert grid.size[0] >= 84
        corners += find(im, grid)
    assert len(set(corners)) == net.sizes[1]  # each neuron's grid, exactly once
    v = np.percentile(np.abs(net.weights[1]), 99)
    deeper = pictures.weight_grid_image(net.weights[1], scale=13, vmax=v)  # 160 px // 12 columns
    assert len(find(im, deeper)) == 1
    assert im.width >= 4 * 112 and im.height > 3 * 112


def test_weight_grids_line_up_in_columns_whatever_their_labels():
    W = np.random.default_rng(0).normal(0, 1, (16, 784))
    b = np.array([0.1, -10.5] * 8)  # labels of two widths: "b=+0.10", "b=-10.50"
    cells = [pictures.weight_grid_image(w, 4, 1.0) for w in W]
    panel = pictures._grid_panel(W, b, 1.0, 4)
    lefts = sorted({x for cell in cells for x, _ in find(panel, cell)})
    assert len(lefts) == 4  # four columns, each grid at the same x in every row
    steps = set(np.diff(lefts))
    assert len(steps) == 1 and steps.pop() >= 112


def test_a_wide_layers_weights_picture_fits_a_screen():
    net = Network([784, 300, 100, 10])
    im = png(pictures.weights_picture(net))
    assert im.width < 1700  # 18 columns of 56-px grids; 2,470 px before
    assert pictures.grid_scale(16) == 4 and pictures.grid_scale(300) == 2


# ---- activations ---------------------------------------------------------------------------


def test_activations_picture_lights_each_disc_by_its_activation(trained):
    net, data = trained[0].network, trained[1]
    x = data.test.images[0]
    im = png(pictures.activations_picture(net, x, "test image"))
    _, acts = net.forward(x[:, None])
    centres = pictures.disc_centres(net.sizes)
    assert im.height == pictures.HEIGHT and im.width > centres[-1][0][0]
    for a, xy in zip(acts[1:], centres):
        a = a[:, 0]
        lit = np.array([im.getpixel((int(cx), int(cy)))[0] for cx, cy in xy])
        assert np.array_equal(lit, np.round(255 * a).astype(int))
        order = np.argsort(a)
        assert (np.diff(lit[order]) >= 0).all()  # brighter disc ↔ larger activation
    assert len(find(im, to_picture(x, pictures.INPUT_SCALE).convert("RGB"))) == 1


# ---- charts ---------------------------------------------------------------------------------


def test_curves_picture_is_a_chart_of_the_history(trained):
    im = png(pictures.curves_picture(trained[0].history))
    assert im.size == (1000, 400)
    colours = np.asarray(im).reshape(-1, 3)
    blue = np.array([0x00, 0x72, 0xB2])  # the training line's colour is drawn
    assert (np.abs(colours.astype(int) - blue).sum(axis=1) < 10).sum() > 50


@pytest.mark.parametrize("epochs", [1, 3])
def test_a_short_runs_curves_have_a_tick_at_each_epoch(epochs):
    history = [
        {"epoch": e, "train_cost": 0.3 / e, "train_accuracy": 0.8, "test_accuracy": 0.85}
        for e in range(1, epochs + 1)
    ]
    for ax in pictures.curves_figure(history).axes:
        assert ax.get_xticks().tolist() == list(range(1, epochs + 1))  # not 0.96 … 1.04
        assert ax.get_xlim() == (0.5, epochs + 0.5)


def test_a_model_without_history_says_so_instead_of_an_empty_chart():
    with pytest.raises(pictures.NoHistoryError, match="no per-epoch training history"):
        pictures.curves_picture([])


def test_confusion_picture_is_drawn_at_its_size():
    labels, answers = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    assert png(pictures.confusion_picture(confusion_matrix(labels, answers))).size == (700, 600)


# ---- galleries ------------------------------------------------------------------------------


def test_mistakes_come_most_confident_first_and_are_drawn():
    data = tiny_data()
    images, labels = data.test.images[:6], np.array([1, 2, 3, 4, 5, 6])
    answers = np.array([1, 0, 3, 0, 0, 6])  # wrong at 1, 3, 4
    confidences = np.array([0.9, 0.5, 0.99, 0.8, 0.95, 0.1])
    im = png(pictures.mistakes_picture(images, labels, answers, confidences))
    spots = [find(im, to_picture(images[i], 3).convert("RGB")) for i in (4, 3, 1)]
    assert all(len(s) == 1 for s in spots)
    assert spots[0][0][0] < spots[1][0][0] < spots[2][0][0]  # left to right, same row
    assert find(im, to_picture(images[0], 3).convert("RGB")) == []  # right answers left out


def test_no_mistakes_is_said_not_drawn_as_an_empty_gallery():
    data = tiny_data()
    labels = data.test.labels
    im = png(pictures.mistakes_picture(data.test.images, labels, labels, np.ones(len(labels))))
    assert im.height < 84  # one line of text, no digit tiles


def test_average_digits_shows_the_mean_of_each_digit():
    data = tiny_data()
    im = png(pictures.average_digits_picture(data.train.images, data.train.labels))
    for d in (0, 9):
        mean = data.train.images[data.train.labels == d].mean(axis=0)
        assert len(find(im, to_picture(mean, 4).convert("RGB"))) == 1


# ---- determinism and the movie ---------------------------------------------------------------


def test_same_model_gives_the_same_bytes(model_file, tmp_path):
    first, _ = pictures.write_all(model_file, tmp_path / "a", _mkdir(tmp_path / "a"))
    second, _ = pictures.write_all(model_file, tmp_path / "b", _mkdir(tmp_path / "b"))
    assert list(first) == NAMES
    for name in NAMES:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def _mkdir(path: Path):
    path.mkdir()
    return tiny_data()


def test_weights_movie_has_one_gif_frame_per_recorded_frame(trained):
    W = trained[0].network.weights[0]
    frames = np.stack([W * k for k in (0.0, 0.5, 1.0, -1.0)]).astype(np.float16)
    gif = pictures.weights_movie(frames, [f"frame {k}" for k in range(4)])
    im = Image.open(io.BytesIO(gif))
    assert im.format == "GIF" and im.n_frames == 4
    with pytest.raises(ValueError, match="one caption per frame"):
        pictures.weights_movie(frames, ["only one"])


def test_recorder_keeps_every_nth_mini_batch_and_only_complete_epochs():
    data = tiny_data()
    every_7, every_20 = WeightRecorder(every=7), WeightRecorder(every=20)
    config = TrainConfig(sizes=(784, 12, 10), epochs=2, learning_rate=1.0)  # 20 batches/epoch
    result = fit(data, config, on_event=lambda e: (every_7(e), every_20(e)))
    recorded = every_7.result(upto_epoch=2)
    assert recorded.frames.shape == (40 // 7, 12, 784) and recorded.frames.dtype == np.float16
    assert recorded.epoch.tolist() == [1, 1, 2, 2, 2]
    assert recorded.batch_index.tolist() == [7, 14, 1, 8, 15]  # steps 7, 14, 21, 28, 35
    assert every_7.result(upto_epoch=1).epoch.tolist() == [1, 1]  # an unfinished epoch: dropped
    last = every_20.result(upto_epoch=2)
    assert last.batch_index.tolist() == [20, 20]  # the end of each epoch
    assert np.array_equal(last.frames[-1], result.network.weights[0].astype(np.float16))
    assert not np.array_equal(last.frames[0], last.frames[-1])  # a copy, not the live array


def test_recorder_keeps_a_bounded_evenly_spaced_set_of_frames_whatever_n():
    net = Network([784, 3, 10])
    recorder = WeightRecorder(every=1, limit=10)
    recorder.record(net.weights[0], epoch=0, batch=0, step=0)  # before training
    for epoch in (1, 2, 3):
        for batch in range(1, 38):  # 111 steps, one frame asked for at each
            recorder(BatchEvent(epoch, batch, 37, 0.0, 0.1, net))
    kept = recorder.result(upto_epoch=3)
    steps = [(e - 1) * 37 + b if e else 0 for e, b in zip(kept.epoch, kept.batch_index)]
    assert 5 <= len(steps) < 10 and recorder.every == 16
    assert steps == list(range(0, 112, 16))  # evenly spaced from the start to the end


def test_a_movie_keeps_a_fixed_number_of_frames_spread_over_the_run():
    k = 3 * MOVIE_FRAMES + 7
    W = np.zeros((k, 2, 784), np.float16)
    frames = Frames(W, np.arange(k), np.ones(k, np.int64)).spread()
    assert len(frames.frames) == MOVIE_FRAMES
    assert frames.epoch[0] == 0 and frames.epoch[-1] == k - 1
    assert set(np.diff(frames.epoch)) <= {3, 4}  # even, to the nearest frame
    few = Frames(W[:5], np.arange(5), np.ones(5, np.int64)).spread()
    assert few.epoch.tolist() == [0, 1, 2, 3, 4]


def test_show_draws_a_capped_movie_from_a_long_recording(run_cli, trained, model_file, tmp_path):
    W = trained[0].network.weights[0]
    k = 751  # 40 epochs of the video preset with --record-weights 100
    frames = np.stack([W * (i / k) for i in range(k)]).astype(np.float16)
    save_frames(frames_path(model_file), Frames(frames, np.arange(k), np.ones(k, np.int64)))
    status, out, _ = run_cli("show", model_file, "--out", tmp_path / "p")
    gif = Image.open(tmp_path / "p" / "weights-movie.gif")
    assert status == 0 and gif.n_frames == MOVIE_FRAMES
    assert gif.width * gif.height < 600 * 700  # 12 neurons: one small frame
    assert (tmp_path / "p" / "weights-movie.gif").stat().st_size < 5_000_000


def test_a_wide_layers_movie_frames_stay_small():
    frames = np.random.default_rng(0).normal(0, 0.1, (2, 300, 784)).astype(np.float16)
    gif = Image.open(io.BytesIO(pictures.weights_movie(frames, ["a", "b"])))
    assert gif.n_frames == 2 and gif.width <= 800 and gif.height <= 1100  # not 1542 wide


# ---- digitnet show / train --record-weights ------------------------------------------------


def test_show_writes_and_prints_every_picture(run_cli, model_file, tmp_path):
    status, out, err = run_cli("show", model_file, "--out", tmp_path / "pics")
    assert status == 0, err
    head, *printed = out.splitlines()
    assert head == f"{len(NAMES)} pictures in {tmp_path / 'pics'}/"
    assert printed == [str(tmp_path / "pics" / name) for name in NAMES]
    for path in printed:
        assert Image.open(path).format == "PNG"


def test_show_json_and_default_folder_in_the_current_folder(
    run_cli, trained, monkeypatch, tmp_path
):
    result, data = trained
    model = save_model(checkpoint_model(result, data), models_dir() / "latest.safetensors")
    monkeypatch.chdir(tmp_path)  # the pictures go where the user is, not into the models folder
    status, out, _ = run_cli("show", "--json", "--index", "3")
    assert status == 0
    report = json.loads(out)
    assert report["model"] == str(model) and report["notes"] == []
    assert report["out"] == str(tmp_path / "latest-pictures")
    assert not (models_dir() / "latest-pictures").exists()
    assert sorted(report["pictures"]) == sorted(NAMES)
    assert all(Path(p).is_file() for p in report["pictures"].values())


def test_show_skips_curves_of_a_model_without_history_with_a_note(run_cli, trained, tmp_path):
    bare = save_model(ModelFile(trained[0].network), tmp_path / "bare.safetensors")
    status, out, err = run_cli("show", bare, "--out", tmp_path / "pics")
    assert status == 0
    assert "curves.png skipped: the model has no per-epoch training history" in err
    assert not (tmp_path / "pics" / "curves.png").exists() and "curves.png" not in out


def test_show_draws_the_activations_of_your_own_image(run_cli, model_file, tmp_path):
    digit = tmp_path / "digit.png"
    to_picture(tiny_data().test.images[5], 4).save(digit)
    status, out, _ = run_cli("show", model_file, "--image", digit, "--out", tmp_path / "p")
    assert status == 0 and str(tmp_path / "p" / "activations.png") in out


def test_show_data_draws_the_average_digits_without_a_model(run_cli, tmp_path):
    status, out, _ = run_cli("show", "--data", "--out", tmp_path / "digits", "--json")
    assert status == 0
    path = Path(json.loads(out)["pictures"]["average-digits.png"])
    assert path == tmp_path / "digits" / "average-digits.png" and Image.open(path).format == "PNG"


@pytest.mark.parametrize("make_bad", ["file", "under_a_file"])
def test_show_with_a_bad_out_folder_fails_in_one_line(run_cli, model_file, tmp_path, make_bad):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker if make_bad == "file" else blocker / "pictures"
    status, stdout, err = run_cli("show", model_file, "--out", out)
    assert status == (cli.EXIT_USAGE if make_bad == "file" else cli.EXIT_FAILURE)
    assert stdout == "" and err.count("\n") == 1 and err.startswith("digitnet show: error:")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_show_into_an_unwritable_folder_fails_in_one_line(run_cli, model_file, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    status, _, err = run_cli("show", model_file, "--out", locked)
    assert status == cli.EXIT_USAGE and "cannot write to folder" in err


def test_show_refuses_a_test_index_out_of_range(run_cli, model_file, tmp_path):
    status, _, err = run_cli("show", model_file, "--index", "50", "--out", tmp_path / "p")
    assert status == cli.EXIT_USAGE and "--index must be below 50" in err


def test_record_weights_makes_frames_and_the_movie_resumes_them(run_cli, tmp_path):
    model = tmp_path / "m.safetensors"
    common = ["--layers", "12", "--lr", "1", "--quiet", "--record-weights", "6"]
    common += ["--batch-size", "10", "--train-set", "train", "--shift", "0"]  # 20 steps an epoch
    assert run_cli("train", "--epochs", "1", "--out", model, *common)[0] == 0
    assert frames_path(model) == tmp_path / "m.frames.npz"  # as m.path.npz: no .safetensors
    recorded = load_frames(frames_path(model))
    assert recorded.frames.shape == (1 + 20 // 6, 12, 784)  # before training + 3 in epoch 1
    assert recorded.epoch.tolist() == [0, 1, 1, 1]

    assert run_cli("train", "--resume", model, "--epochs", "2", *common)[0] == 0
    recorded = load_frames(frames_path(model))
    assert recorded.epoch.tolist() == [0, 1, 1, 1, 2, 2, 2]  # steps 24, 30, 36 appended
    assert recorded.batch_index.tolist() == [0, 6, 12, 18, 4, 10, 16]

    status, out, _ = run_cli("show", model, "--out", tmp_path / "p")
    assert status == 0 and out.split()[-1] == str(tmp_path / "p" / "weights-movie.gif")
    assert Image.open(tmp_path / "p" / "weights-movie.gif").n_frames == 7

    assert run_cli("train", "--epochs", "1", "--out", model, "--layers", "12", "--quiet")[0] == 0
    assert not frames_path(model).exists()  # a new model drops the old movie


def test_frames_under_the_name_earlier_versions_gave_are_still_shown(run_cli, tmp_path):
    model = tmp_path / "m.safetensors"
    common = ["--epochs", "1", "--layers", "12", "--quiet", "--out", model]
    assert run_cli("train", *common, "--record-weights", "6")[0] == 0
    frames_path(model).rename(tmp_path / "m.safetensors.frames.npz")
    assert run_cli("show", model, "--out", tmp_path / "p")[0] == 0
    assert (tmp_path / "p" / "weights-movie.gif").exists()
    assert run_cli("train", *common)[0] == 0  # a new model there: the old movie goes
    assert sorted(p.name for p in tmp_path.glob("m.*")) == ["m.safetensors"]


def test_show_with_a_broken_frames_file_fails_in_one_line(run_cli, model_file, tmp_path):
    frames_path(model_file).write_bytes(b"not an npz file")
    status, _, err = run_cli("show", model_file, "--out", tmp_path / "p")
    assert status == cli.EXIT_FAILURE and "not a weight-frames file" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("damage", ["truncated zip", "one .npy array", "not 784 pixels"])
def test_show_with_a_damaged_frames_file_fails_in_one_line(run_cli, model_file, tmp_path, damage):
    path = frames_path(model_file)
    good = Frames(np.zeros((2, 12, 784), np.float16), np.array([0, 1]), np.array([0, 6]))
    save_frames(path, good)
    if damage == "truncated zip":
        path.write_bytes(path.read_bytes()[:-100])
    elif damage == "one .npy array":
        with open(path, "wb") as file:
            np.save(file, good.frames)
    else:
        save_frames(path, Frames(good.frames[:, :, :100], good.epoch, good.batch_index))
    status, _, err = run_cli("show", model_file, "--out", tmp_path / "p")
    assert status == cli.EXIT_FAILURE and f"{path}: " in err
    assert ("784" if damage == "not 784 pixels" else "not a weight-frames file") in err
    assert err.count("\n") == 1


def test_the_confusion_matrix_names_clothes_when_given_their_names():
    from digitnet.data import FASHION_MNIST_CLASSES

    confusion = np.diag(np.arange(1, 11))
    digits = np.asarray(pictures.confusion_picture(confusion))
    clothes = np.asarray(pictures.confusion_picture(confusion, FASHION_MNIST_CLASSES))
    assert digits.shape[2] == 3 and clothes.shape[2] == 3
    assert digits.shape != clothes.shape or not np.array_equal(digits, clothes)
