"""The story's experiments on tiny synthetic data: each measured effect, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from conftest import tiny_data
from digitnet import cli
from digitnet.experiments import chain, dreams, gradients, noise_inputs, probes, shuffled
from digitnet.experiments._common import Inputs, a_digit, auroc, r_squared
from digitnet.files import models_dir
from digitnet.modelfile import save_model
from digitnet.training import TrainConfig, checkpoint_model, fit

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def net():
    """A small network trained on the tiny data (about a second)."""
    return fit(tiny_data(), TrainConfig(sizes=(784, 12, 10), epochs=3, learning_rate=1.0)).network


@pytest.fixture
def model_file(tmp_path, tiny):
    result = fit(tiny, TrainConfig(sizes=(784, 12, 10), epochs=3, learning_rate=1.0))
    return save_model(checkpoint_model(result, tiny), tmp_path / "tiny.safetensors")


@pytest.fixture
def fake_data(monkeypatch, tiny):
    monkeypatch.setattr(cli.common, "load_data", lambda args, name="mnist": tiny)
    return tiny


# ---- statistics ----------------------------------------------------------------------------


def test_auroc_counts_pairs_with_ties_as_half():
    pos, neg = np.array([0.9, 0.5, 0.3]), np.array([0.5, 0.1])
    pairs = [(p > n) + 0.5 * (p == n) for p in pos for n in neg]
    assert auroc(pos, neg) == pytest.approx(np.mean(pairs))
    assert auroc(np.ones(3), np.zeros(4)) == 1.0


def test_r_squared_is_one_for_a_line_and_low_for_a_parabola():
    x = np.arange(10.0)
    assert r_squared(x, 3 * x + 1) == pytest.approx(1.0)
    assert r_squared(x, (x - 4.5) ** 2) < 0.1


# ---- noise and probe -----------------------------------------------------------------------


def test_noise_reports_confidence_on_noise_and_digits(net, tiny):
    r = noise_inputs.noise(net, n=300, seed=1, test_images=tiny.test.images)
    assert sum(r["answers_histogram"]) == 300 and len(r["answers_histogram"]) == 10
    for key in ("confidence_noise", "confidence_digits"):
        assert 0 <= r[key]["mean"] <= 1 and 0 <= r[key]["median"] <= 1
    assert f"{r['confidence_noise']['mean']:.2f}" in r["conclusion"]
    assert f"{r['confidence_digits']['mean']:.2f}" in r["conclusion"]
    assert noise_inputs.noise(net, n=300, seed=1)["answers_histogram"] == r["answers_histogram"]


def test_probe_inputs_are_mnist_like_images(tiny):
    inputs = probes.probe_inputs(tiny.test.images, n=20)
    assert set(inputs) == {
        "uniform noise", "gaussian noise", "blank", "letters", "shapes", "inverted digits"
    }  # fmt: skip
    for X in inputs.values():
        assert X.shape[1] == 784 and X.min() >= 0 and X.max() <= 1
    assert inputs["letters"].shape[0] == len(probes.LETTERS)
    assert all(row.max() == 1 for row in inputs["letters"])  # ink found in every letter
    assert not inputs["blank"].any()


def test_probe_threshold_table_and_auroc(net, tiny):
    r = probes.probe(net, tiny.test.images, tiny.test.labels, n=50)
    coverage = [row["coverage"] for row in r["thresholds"]]
    rejected = [row["rejected_non_digits"] for row in r["thresholds"]]
    assert coverage == sorted(coverage, reverse=True) and rejected == sorted(rejected)
    assert all(0 <= v <= 1 for v in r["auroc"].values())
    assert r["outputs_sum_to_one"] is False  # sigmoid outputs
    sums = [c["mean_sum"] for c in r["categories"].values()]
    assert any(abs(s - 1) > 0.01 for s in sums)
    assert "nothing makes them add up to 1" in r["conclusion"]


# ---- dream ---------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["blank", "noise"])
def test_each_dream_raises_its_own_output_above_the_others(net, start):
    images = dreams.dream(net, steps=100, start=start, seed=3)
    assert images.shape == (10, 784) and images.min() >= 0 and images.max() <= 1
    out = net.feedforward(images)
    for d in range(10):
        assert out[d, d] > np.delete(out[d], d).max()


def test_dream_report_compares_dreams_with_real_digits(net, tiny):
    images = dreams.dream(net, steps=50)
    r = dreams.dream_report(net, images, tiny.test.images, tiny.test.labels)
    assert r["recognised"] == 10
    assert -1 <= r["likeness"]["dreams_mean"] <= 1
    with pytest.raises(ValueError, match="start"):
        dreams.dream(net, start="grey")


def _steep_output(net, d: int = 8, steepness: float = 10.0):
    """``net`` with output d made steep and fully off on a blank image, as an output of a
    less-trained network can be: z_d → 10·(z_d − 1), so σ′(z_d) ≈ 1e-9 where the dream starts."""
    steep = net.copy()
    steep.biases[-1][d] = steepness * (steep.biases[-1][d] - 1)
    steep.weights[-1][d] *= steepness
    return steep


def test_a_dream_rises_from_an_output_that_starts_fully_off(net):
    steep = _steep_output(net)
    assert steep.feedforward(np.zeros((1, 784)))[0, 8] < 1e-6  # where the ascent begins
    images = dreams.dream(steep, steps=100)
    r = dreams.dream_report(steep, images)
    assert r["recognised"] == 10 and r["failed"] == []
    assert r["own_output"][8] > 0.5
    assert "FAILED" not in r["conclusion"]


def test_a_dream_the_network_does_not_answer_is_reported_as_a_failure(net):
    unreachable = net.copy()
    unreachable.biases[-1][8] -= 5  # no input in [0, 1] lifts output 8 above the others now
    r = dreams.dream_report(unreachable, dreams.dream(unreachable, steps=100))
    assert r["failed"] == [8] and r["recognised"] == 9
    answer = r["answers"][8]
    assert answer != 8
    assert r["conclusion"].startswith("FAILED for 1 of 10 digits: dream 8 is answered")
    assert f"dream 8 is answered {answer}" in r["conclusion"]
    lines = dreams.text({"model": "m", "steps": 100, "lr": 0.1, "start": "blank", "l2": 0, **r})
    assert lines[9].endswith(f"FAILED: answered {answer}")


# ---- gradient ------------------------------------------------------------------------------


def test_gradient_names_its_largest_components_and_nudges(net, tiny):
    x, label = tiny.train.images[0], int(tiny.train.labels[0])
    r = gradients.gradient(net, x, label, (tiny.train.images, tiny.train.labels), draws=5)
    values = [abs(c["value"]) for c in r["top_components"]]
    assert values == sorted(values, reverse=True) and r["top_components"][0]["times_median"] > 1
    flat = gradients.flat_gradient(net, x[None, :], np.array([label]))
    first = r["top_components"][0]
    W = dict(enumerate(net.unflatten(flat)[0 if first["kind"] == "weight" else 1]))
    where = (first["to"], first["from"]) if first["kind"] == "weight" else first["to"]
    assert W[first["layer"] - 2][where] == pytest.approx(first["value"])
    a = net.feedforward(x[None, :])[0]
    wanted = -2 * (a - np.eye(10)[label])  # −∂C/∂aᴸ = −2(aᴸ − y)
    assert np.allclose(r["nudges"]["output"], wanted, atol=1e-6)


def test_batch_gradients_are_each_mini_batchs_own_gradient(net, tiny):
    X, labels = tiny.train.images[:12], tiny.train.labels[:12]
    stacked = gradients.batch_gradients(net, X.reshape(3, 4, 784), labels.reshape(3, 4))
    for k in range(3):
        alone = gradients.flat_gradient(net, X[4 * k : 4 * k + 4], labels[4 * k : 4 * k + 4])
        np.testing.assert_allclose(stacked[k], alone, rtol=1e-5, atol=1e-7)


def test_mini_batch_gradients_point_closer_to_the_full_gradient_as_they_grow(net, tiny):
    data = tiny_data(n_train=1000)
    r = gradients.gradient(
        net, data.train.images[0], int(data.train.labels[0]),
        (data.train.images, data.train.labels), batch_sizes=(1, 10, 100), draws=500,
    )  # fmt: skip
    cosine = [r["cosine"][s] for s in ("1", "10", "100")]
    assert [c["draws"] for c in cosine] == [500, 100, 10]  # one pass's worth at most
    means = [c["mean"] for c in cosine]
    assert means[0] < means[1] < means[2] <= 1
    assert all(0 < c["sem"] < c["std"] for c in cosine)
    assert "bigger batches aim better" in r["conclusion"]


# ---- chain rule ----------------------------------------------------------------------------


def test_layer_marks_and_digits_are_written_as_read():
    assert chain.layer_mark(2) == "⁽²⁾" and chain.layer_mark(12) == "⁽¹²⁾"  # not "⁽2⁾"
    assert a_digit(8) == "an 8" and a_digit(5) == "a 5" and a_digit(0) == "a 0"


def test_chain_rule_factors_multiply_to_the_finite_difference():
    r = chain.one_neuron_chain(x=0.3, y=1.0, seed=5)
    assert [e["layer"] for e in r["layers"]] == [4, 3, 2]
    for entry in r["layers"]:
        for key in ("weight", "bias", "previous_activation"):
            product = np.prod(list(entry["factors"][key].values()))
            assert product == pytest.approx(entry[key]["finite_difference"], abs=1e-6)
    last = r["layers"][0]["factors"]["weight"]
    assert last["dC_da"] == pytest.approx(2 * (r["layers"][0]["a"] - 1.0))


def test_chain_rule_checks_one_weight_of_the_real_network(net, tiny):
    r = chain.chain_rule(net, tiny.test.images[0], int(tiny.test.labels[0]))
    real = r["real"]
    assert real["backprop"] == pytest.approx(real["finite_difference"], abs=1e-6)
    assert real["product"] == pytest.approx(real["backprop"], abs=1e-9)
    assert r["max_error"] < 1e-6 and "agree" in r["conclusion"]


# ---- shuffled labels -----------------------------------------------------------------------


def test_shuffled_labels_are_memorised_slowly_and_do_not_generalise(tiny):
    config = TrainConfig(sizes=(784, 32, 10), epochs=30, learning_rate=1.0)
    r = shuffled.shuffled_labels(tiny, config, subset=100)
    assert len(r["true"]["train_cost"]) == 31  # epoch 0 (before training) and 30 epochs
    assert r["true"]["test_accuracy"] > 0.8
    assert r["shuffled"]["test_accuracy"] < 0.3  # chance is 10%
    assert r["shuffled"]["train_accuracy"][-1] > 0.2  # some memorised (chance: ~10%)
    assert r["shuffled"]["early_drop"] < r["true"]["early_drop"]
    assert r["shuffled"]["linearity"] > r["true"]["linearity"]


def test_shuffled_labels_cost_panel_is_scaled_to_the_epochs_after_the_first():
    run = {"train_accuracy": [0.1, 0.5, 0.9], "test_accuracy": 0.8}
    result = {
        "subset": 100,
        "true": {**run, "train_cost": [3.0, 0.5, 0.1]},
        "shuffled": {**run, "train_cost": [3.1, 0.9, 0.8]},
    }
    cost_ax = shuffled.plot(result).axes[0]
    assert cost_ax.get_ylim() == pytest.approx((0, 0.99))  # not 0 … 3.1
    assert "3.00, 3.10" in cost_ax.get_title()


def test_shuffled_labels_rejects_a_subset_larger_than_the_training_set(tiny):
    with pytest.raises(ValueError, match="at most the 200 training images"):
        shuffled.shuffled_labels(tiny, subset=500)


# ---- the command line ----------------------------------------------------------------------


def run_json(capsys, argv: list[str]) -> tuple[dict, str]:
    """The JSON report on stdout, and what went to stderr."""
    assert cli.main(argv) == 0
    out, err = capsys.readouterr()
    return json.loads(out), err


@pytest.mark.parametrize(
    "name, options",
    [
        ("noise", ["--n", "50"]),
        ("probe", ["--n", "20"]),
        ("dream", ["--steps", "20"]),
        ("gradient", ["--draws", "3"]),
        ("chain-rule", []),
    ],
)
def test_cli_model_experiments_report_json_and_write_a_picture(
    capsys, fake_data, model_file, tmp_path, name, options
):
    out = tmp_path / "pictures"
    argv = ["experiment", name, "--model", str(model_file), "--out", str(out), "--json"]
    payload, _ = run_json(capsys, argv + options)
    assert payload["experiment"] == name and payload["conclusion"]
    assert payload["picture"] == str(out / f"tiny-{name}.png")
    assert (out / f"tiny-{name}.png").read_bytes().startswith(PNG)


def test_cli_text_report_ends_with_conclusion_and_picture(capsys, fake_data, model_file):
    assert cli.main(["experiment", "noise", "--model", str(model_file), "--n", "30"]) == 0
    text = capsys.readouterr().out
    assert "conclusion: on 30 noise images" in text
    assert f"picture: {model_file.parent / 'tiny-noise.png'}" in text


def test_cli_without_a_model_trains_a_quick_one(capsys, fake_data):
    payload, err = run_json(capsys, ["experiment", "noise", "--n", "20", "--json"])
    assert "training a quick one" in err
    picture = models_dir() / "quick-video-noise.png"
    assert payload["picture"] == str(picture) and picture.exists()
    assert (models_dir() / "quick-video.safetensors").exists()


def test_cli_shuffled_labels(capsys, fake_data, tmp_path):
    argv = ["experiment", "shuffled-labels", "--subset", "100", "--epochs", "5"]
    payload, _ = run_json(capsys, argv + ["--layers", "20", "--out", str(tmp_path), "--json"])
    assert len(payload["shuffled"]["train_accuracy"]) == 6
    assert payload["config"]["sizes"] == [784, 20, 10]
    assert (tmp_path / "shuffled-labels.png").exists()


def test_cli_shuffled_labels_one_epoch_names_the_real_flag_in_good_grammar(capsys, fake_data):
    """Issue 21, point 11: `--layers` (there is no --hidden), and "1 epoch"."""
    argv = ["experiment", "shuffled-labels", "--subset", "20", "--epochs", "1", "--layers", "2"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "after 1 of 1 epoch the cost" in out and "1 epoch each" in out
    assert "wider --layers would" in out and "--hidden" not in out and "1 epochs" not in out


@pytest.mark.parametrize("x", ["2", "-0.5", "1e6"])
def test_cli_chain_rule_draws_an_input_outside_0_1(capsys, fake_data, model_file, x):
    argv = ["experiment", "chain-rule", "--model", str(model_file), "--x", x, "--json"]
    payload, _ = run_json(capsys, argv)
    assert payload["one_neuron"]["x"] == float(x)
    assert (model_file.parent / "tiny-chain-rule.png").read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    "argv",
    [
        ["experiment", "telepathy"],
        ["experiment", "shuffled-labels", "--subset", "0"],
        ["experiment", "shuffled-labels", "--subset", "many"],
        ["experiment", "dream", "--start", "grey"],
    ],
)
def test_cli_bad_options_are_usage_errors(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_cli_missing_model_file_is_one_line(capsys, fake_data, tmp_path):
    assert cli.main(["experiment", "noise", "--model", str(tmp_path / "none.safetensors")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such model file" in err and "Traceback" not in err


def test_cli_subset_larger_than_the_data_is_one_line(capsys, fake_data):
    assert cli.main(["experiment", "shuffled-labels", "--subset", "5000"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "subset must be at most" in err


@pytest.mark.parametrize(
    "module, options",
    [
        (noise_inputs, {"n": 30}),
        (probes, {"n": 10}),
        (dreams, {"steps": 5}),
        (gradients, {"draws": 2}),
        (chain, {}),
        (shuffled, {"subset": 40, "layers": [8], "epochs": 2}),
    ],
)
def test_draw_returns_the_picture_a_notebook_shows_and_picture_writes_it(
    net, tiny, tmp_path, module, options
):
    result = module.run(Inputs(tiny, network=net), **options)
    image = module.draw(result)
    assert isinstance(image, Image.Image) and image.width > 300 and image.height > 100
    assert image._repr_png_().startswith(PNG)  # what Jupyter calls to show it inline
    written = module.picture(result, tmp_path / "p.png")
    with Image.open(written) as saved:
        assert saved.size == image.size
        assert np.array_equal(np.asarray(saved.convert("RGB")), np.asarray(image.convert("RGB")))
