"""The Jupyter widgets without a browser: their traits both ways, the view's requests answered
by the kernel, and the committed bundle (static/widget.js) equal to a fresh esbuild build of
the page's modules. (In a real JupyterLab: tests/web/test_notebook.py.)"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from digitnet import explain
from digitnet.network import Network

pytest.importorskip("anywidget")
from digitnet.widgets import BUNDLE, Backprop, ChainRule, Draw, GradientDescent, Story  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def net():
    return Network([784, 6, 5, 10], seed=1)


@pytest.fixture
def digit():
    x = np.zeros((28, 28))
    x[4:24, 12:16] = 1.0  # a "1"
    return x


class Frontend:
    """What the view would send, and the messages the kernel sends back."""

    def __init__(self, widget):
        self.widget, self.received = widget, []
        widget.send = lambda content, buffers=None: self.received.append(content)

    def ask(self, path, body=None, method="POST"):
        request = {"type": "request", "id": len(self.received) + 1, "path": path}
        self.widget._on_message(self.widget, request | {"method": method, "body": body}, [])
        return self.received[-1]


def test_draw_answers_for_pixels_set_from_python(net, digit):
    draw = Draw(net)
    assert draw.prediction is None and draw.outputs == []  # a blank pad: no answer
    draw.pixels = digit  # 28×28 or 784, any array-like
    outputs = net.feedforward(digit.reshape(1, -1))[0]
    assert draw.prediction == int(outputs.argmax())
    assert np.allclose(draw.outputs, outputs)
    draw.pixels = [0.0] * 784
    assert draw.prediction is None


def test_draw_follows_the_pixels_the_view_sends(net, digit):
    draw = Draw(net)
    draw.set_state({"pixels": digit.ravel().tolist()})  # as a drawing arrives from the browser
    assert draw.prediction == int(net.predict(digit.reshape(1, -1))[0])


@pytest.mark.parametrize(
    "bad, message",
    [
        ([0.5] * 10, r"784 numbers .* got shape \(10,\)"),
        (np.full(784, 255.0), r"from 255 to 255 \(divide 0–255 pixels by 255\)"),
        (np.full(784, np.nan), "NaN or infinity"),
        ("ink", "got 'ink'"),
    ],
)
def test_pixels_refuse_what_is_not_an_image(net, bad, message):
    import traitlets

    with pytest.raises(traitlets.TraitError, match=message):
        Draw(net).pixels = bad


def test_backprop_cost_and_nudges_come_from_explain(net, digit):
    widget = Backprop(net, example=digit, label=3)
    found = explain.backprop_example(net, digit.ravel(), 3)
    assert widget.cost == found["cost"] and widget.nudges == found["nudges"]
    widget.label = 7  # as the view's label picker does
    assert widget.cost == explain.backprop_example(net, digit.ravel(), 7)["cost"]
    assert [len(n) for n in widget.nudges] == net.sizes[1:]


def test_refresh_shows_the_weights_after_they_change(net, digit):
    widget = Backprop(net, example=digit, label=3)
    before, sent = widget.cost, widget.network
    net.weights[-1] += 0.5  # a step of training, say
    assert widget.cost == before  # not seen until refreshed
    widget.refresh()
    assert widget.cost == explain.backprop_example(net, digit.ravel(), 3)["cost"] != before
    assert widget.network == explain.network_json(net) != sent


def test_the_label_defaults_to_the_answer_and_is_checked(net, digit):
    import traitlets

    answer = int(net.predict(digit.reshape(1, -1))[0])
    for View in (Backprop, GradientDescent, ChainRule, Story):
        assert View(net, example=digit).label == answer
    with pytest.raises(traitlets.TraitError, match="label must be 0–9, got 10"):
        Backprop(net, example=digit).label = 10
    with pytest.raises(ValueError, match="label must be 0–9, got -1"):
        ChainRule(net, example=digit, label=-1)


def test_widgets_need_a_digit_network():
    with pytest.raises(TypeError, match="a digitnet Network, got str"):
        Draw("net.safetensors")
    with pytest.raises(ValueError, match="28×28 digits: the network takes 4"):
        Draw(Network([4, 3, 2]))


def test_a_request_the_kernel_cannot_answer_says_so(net):
    frontend = Frontend(GradientDescent(net))
    reply = frontend.ask("/api/neurons/1/0?k=8", method="GET")
    assert reply["type"] == "answer" and reply["status"] == 404
    assert "digitnet serve" in reply["error"]
    frontend.widget._on_message(frontend.widget, {"type": "other"}, [])  # not a request: no reply
    assert len(frontend.received) == 1


NODE_MODULES = ROOT / "node_modules" / ".bin"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js for esbuild")
def test_the_committed_bundle_is_built_from_the_current_modules(tmp_path):
    esbuild = NODE_MODULES / "esbuild"
    assert esbuild.exists(), "esbuild is not installed: run `npm ci` in the repository root"
    command = json.loads((ROOT / "package.json").read_text())["scripts"]["build"]
    fresh = tmp_path / "widget.js"
    command = command.replace(f"--outfile={BUNDLE.relative_to(ROOT)}", f"--outfile={fresh}")
    assert str(fresh) in command
    found = subprocess.run(
        command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": f"{NODE_MODULES}:/usr/bin:/bin"},
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert fresh.read_text() == BUNDLE.read_text(), "the widgets' bundle is stale: npm run build"


def test_with_data_the_kernel_answers_the_served_views_requests(tiny):
    net = Network([784, 8, 10], seed=2)
    frontend = Frontend(GradientDescent(net, data=tiny))
    assert frontend.widget.served
    train = tiny.full_train()
    image = frontend.ask("/api/backprop", {"example": {"split": "train", "index": 3}})["answer"]
    assert image["activations"][0] == pytest.approx(train.images[3].tolist())
    assert image["example"]["label"] == train.labels[3] == image["label"]
    batch = frontend.ask("/api/gradient", {"batch": {"size": 20, "seed": 1}, "first_layer": True})
    assert batch["answer"]["n_examples"] == 20 and len(batch["answer"]["grad_weights"]) == 2
    found = frontend.ask("/api/landscape", {"directions": "random", "grid": 21})["answer"]
    assert len(found["cost"]) == 21 and found["n_images"] == len(train.labels)
    assert found["center_cost"] == pytest.approx(net.mean_cost(train.images, train.labels))
    neuron = frontend.ask("/api/neurons/1/5?k=8", method="GET")["answer"]
    assert len(neuron["top"]) == 8 and len(neuron["top"][0]["pixels_255"]) == 784
    refused = frontend.ask("/api/landscape", {"directions": "path"})
    assert refused["status"] == 404 and "digitnet serve" in refused["error"]
    missing = frontend.ask("/api/backprop", {"example": {"split": "test", "index": 10**6}})
    assert missing["status"] == 404


def test_the_ball_rolls_while_a_run_trains(tiny):
    from digitnet.training import TrainConfig, fit

    config = TrainConfig(sizes=(784, 8, 10), epochs=2, batch_size=10, learning_rate=1.0)
    gd = GradientDescent(config.build_network(), data=tiny)
    frontend = Frontend(gd)
    result = fit(tiny, config, on_event=gd.ride_along)
    kinds = [m["type"] for m in frontend.received]
    assert kinds[0] == "run" and kinds[1] == "plane" and "ball" in kinds
    assert kinds[-1] == "done" and kinds.count("done") == 1  # after the last epoch
    last = [m for m in frontend.received if m["type"] == "ball"][-1]  # the last epoch's
    assert last["epoch"] == 2  # one position after the last epoch, at least
    assert last["cost_true"] == pytest.approx(gd.ball.true_cost(result.network.params))
    fit(tiny, config, on_event=gd.ride_along)  # another run: a new ball, from its own start
    assert [m["type"] for m in frontend.received].count("run") == 2


def test_the_ball_needs_data():
    from digitnet.training import BatchEvent

    net = Network([784, 8, 10])
    with pytest.raises(ValueError, match=r"training images: GradientDescent\(net, data=...\)"):
        GradientDescent(net).ride_along(BatchEvent(1, 1, 1, 0.5, 3.0, net))
    with pytest.raises(TypeError, match="a digitnet Dataset"):
        GradientDescent(net, data=np.zeros((3, 784)))


def test_with_data_the_views_study_test_digits(tiny):
    net = Network([784, 8, 10], seed=2)
    for View in (Backprop, ChainRule, Story):  # the page's views offline: no kernel answers
        assert not View(net, data=tiny).served
    assert GradientDescent(net, data=tiny).served
    story = Story(net, data=tiny)
    assert story.example == pytest.approx(tiny.test.images[0].tolist())  # the first test digit
    assert len(story.samples) == Story.SAMPLES
    first = story.samples[1]
    assert first["label"] == tiny.test.labels[1] and first["index"] == 1
    assert first["pixels_255"] == np.round(tiny.test.images[1] * 255).astype(int).tolist()
    assert Story(net).samples == [] and not any(Story(net).example)  # blank, asked for
