"""The learn views' API (/api/backprop, /api/gradient, /api/landscape, /api/chain, …): their
numbers agree with network.backprop and with central finite differences, and bad bodies get a
clear 4xx."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet import explain
from digitnet.modelfile import load_model
from digitnet.network import Network
from digitnet.trainpath import TrainingPath, path_file, save_path


def served(models) -> Network:
    """The served model as a float64 network: the reference the API must agree with."""
    return explain.float64(load_model(models / "tiny.safetensors").network)


def test_openapi_schema_lists_the_learn_endpoints(client):
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/backprop",
        "/api/backprop/step",
        "/api/averaging",
        "/api/gradient",
        "/api/gradient/cosine",
        "/api/landscape",
        "/api/neurons/{layer}/{neuron}",
        "/api/chain",
        "/api/chain/network",
    ):
        assert path in schema["paths"], path
    assert {"BackpropPixels", "BackpropExample"} <= set(schema["components"]["schemas"])


def test_backprop_agrees_with_network_backprop_and_finite_differences(client, models, web_data):
    r = client.post("/api/backprop", json={"example": {"split": "test", "index": 3}, "label": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    net = served(models)
    x = web_data.test.images[3].astype(np.float64)
    grad_W, grad_b = net.backprop(x[None, :], np.array([5]))
    for l in range(3):
        np.testing.assert_allclose(body["grad_weights"][l], grad_W[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(body["grad_biases"][l], grad_b[l], rtol=1e-10, atol=1e-14)
    assert body["label"] == 5 and body["cost_function"] == "quadratic"
    assert body["example"] == {"split": "test", "index": 3, "label": int(web_data.test.labels[3])}
    assert body["cost"] == pytest.approx(net.mean_cost(x[None, :], [5]), rel=1e-12)
    for l, contributions in enumerate(body["contributions"]):
        np.testing.assert_allclose(np.sum(contributions, axis=0), -np.array(body["nudges"][l]))
    for index in (0, 12_600, net.n_weights + 20):  # a pixel weight, a layer-3 weight, a bias
        saved = net.params[index]
        net.params[index] = saved + 1e-6
        up = net.mean_cost(x[None, :], [5])
        net.params[index] = saved - 1e-6
        down = net.mean_cost(x[None, :], [5])
        net.params[index] = saved
        info = explain.describe(net, index)
        layer = info["layer"] - 1
        if info["kind"] == "weight":
            value = body["grad_weights"][layer][info["to"]][info["from"]]
        else:
            value = body["grad_biases"][layer][info["to"]]
        assert value == pytest.approx((up - down) / 2e-6, abs=1e-8)


def test_backprop_of_a_drawing_defaults_to_the_answer(client, models, web_data):
    x = web_data.test.images[0].tolist()
    body = client.post("/api/backprop", json={"pixels": x, "first_layer": False}).json()
    assert body["label"] == body["answer"] == int(served(models).predict(np.array([x]))[0])
    assert body["grad_weights"][0] is None and body["example"] is None
    assert len(body["activations"]) == 4 and len(body["activations"][0]) == 784


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"label": 3}, "Field required"),
        ({"pixels": [0.5] * 783}, "at least 784"),
        ({"pixels": [1.5] * 784}, "less than or equal to 1"),
        ({"pixels": ["0.5"] * 784}, "must be a number"),
        ({"example": {"split": "test", "index": 0}, "label": 10}, "less than or equal to 9"),
        ({"example": {"split": "test", "index": True}}, "must be a number"),
        ({"example": {"split": "valid", "index": 0}}, "'train' or 'test'"),
        ({"example": {"split": "test", "index": 0}, "model": "../x"}, "pattern"),
        ({"example": {"split": "test", "index": 0}, "pixels": [0.0] * 784}, "Extra inputs"),
    ],
)
def test_backprop_refuses_bad_bodies_clearly(client, body, message):
    r = client.post("/api/backprop", json=body)
    assert r.status_code == 422 and message in r.json()["detail"], r.text


def test_an_image_beyond_the_split_is_404(client):
    r = client.post("/api/backprop", json={"example": {"split": "test", "index": 10**6}})
    assert r.status_code == 404
    assert "example.index for the test split must be 0–49" in r.json()["detail"]


def test_an_unknown_model_is_404_and_a_named_one_is_used(client, models, trained):
    r = client.post(
        "/api/backprop", json={"example": {"split": "test", "index": 0}, "model": "nope"}
    )
    assert r.status_code == 404 and "no model named 'nope.safetensors'" in r.json()["detail"]
    r = client.post(
        "/api/backprop", json={"example": {"split": "test", "index": 0}, "model": "tiny"}
    )
    assert r.status_code == 200 and r.json()["model"] == "tiny.safetensors"


def test_a_step_raises_the_label_and_changes_the_model_only_when_asked(client, web_data):
    weights = client.get("/api/model").json()["weights"]
    request = {"example": {"split": "train", "index": 7}, "label": 2, "learning_rate": 3.0}
    body = client.post("/api/backprop/step", json=request).json()
    assert body["after"][2] > body["before"][2] and body["cost_after"] < body["cost_before"]
    assert len(body["others"]) == 8 and len(body["others"][0]["pixels_255"]) == 784
    assert body["applied"] is False and client.get("/api/model").json()["weights"] == weights
    applied = client.post("/api/backprop/step", json=request | {"apply": True}).json()
    assert applied["applied"] is True
    assert client.get("/api/model").json()["weights"] != weights
    again = client.post("/api/backprop", json={"example": request["example"], "label": 2}).json()
    assert again["activations"][-1][2] == pytest.approx(applied["after"][2], rel=1e-5)
    r = client.post("/api/backprop/step", json=request | {"apply": True, "model": "tiny"})
    assert r.status_code == 409 and "served model only" in r.json()["detail"]


def test_averaging_table_rows_are_each_examples_wish_and_their_mean(client, models, web_data):
    drawing = web_data.test.images[1].tolist()
    request = {"indices": [0, 1, 2, 3], "pixels": drawing, "label": 4, "top": 5,
               "params": [{"kind": "weight", "layer": 1, "to": 0, "from": 0}]}  # fmt: skip
    body = client.post("/api/averaging", json=request).json()
    assert [e["split"] for e in body["examples"]] == ["drawing"] + ["train"] * 4
    assert (
        len(body["rows"]) == 6
        and body["rows"][-1]["name"]
        == "weight from pixel (row 0, column 0) to neuron 0 of hidden layer 1"
    )
    train = web_data.full_train()
    X = np.vstack([drawing, train.images[:4]])
    labels = np.concatenate([[4], train.labels[:4]])
    g = explain.flat_gradient(served(models), X.astype(np.float64), labels)
    for row in body["rows"]:
        assert row["average"] == pytest.approx(-g[row["index"]], rel=1e-9, abs=1e-14)
        assert np.mean(row["values"]) == pytest.approx(row["average"], abs=1e-14)
    bad = client.post("/api/averaging", json={"params": [{"kind": "weight", "layer": 3, "to": 0,
                                                          "from": 16}]})  # fmt: skip
    assert bad.status_code == 404 and "'from' must be 0–15" in bad.json()["detail"]


def test_gradient_of_an_example_and_of_a_batch(client, models, web_data):
    one = client.post("/api/gradient", json={"example": {"split": "test", "index": 2}, "top": 5})
    body = one.json()
    tops = [t["abs"] for t in body["top"]]
    assert tops == sorted(tops, reverse=True) and body["n_examples"] == 1
    assert body["line"]["cost"][0] == pytest.approx(body["cost"])
    assert {row["layer"] for row in body["shares"]} == {1, 2, 3, "all"}
    batch = client.post("/api/gradient", json={"batch": {"indices": [0, 1, 2]}}).json()
    train = web_data.full_train()
    g = explain.flat_gradient(served(models), train.images[:3].astype(np.float64),
                              train.labels[:3])  # fmt: skip
    assert batch["norm"] == pytest.approx(np.linalg.norm(g), rel=1e-10)
    assert batch["label"] is None and batch["n_examples"] == 3
    both = client.post("/api/gradient", json={"batch": {"size": 3}, "pixels": [0.0] * 784})
    assert both.status_code == 422 and "Extra inputs" in both.json()["detail"]


def test_cosine_curve_and_its_limits(client):
    body = client.post("/api/gradient/cosine", json={"batch_sizes": [1, 10, 100], "draws": 20})
    assert body.status_code == 200, body.text
    means = [row["mean"] for row in body.json()["cosine"]]
    assert means[0] < means[1] < means[2]
    big = client.post("/api/gradient/cosine", json={"batch_sizes": [1000]})
    assert big.status_code == 409 and "larger than the 250 images" in big.json()["detail"]


def test_landscape_random_and_recorded_path(client, models, trained):
    r = client.post("/api/landscape", json={"grid": 21, "n_images": 200})
    body = r.json()
    assert r.status_code == 200, r.text
    assert np.array(body["cost"]).shape == (21, 21) and body["n_images"] == 200
    assert body["cost"][10][10] == pytest.approx(body["center_cost"], rel=1e-5)
    assert body["directions"]["filter_normalised"] and body["line"]["distance"] > 0
    missing = client.post("/api/landscape", json={"directions": "path", "grid": 21})
    assert missing.status_code == 404 and "--record-path" in missing.json()["detail"]
    assert "path" not in client.get("/api/model").json()["landscape_directions"]  # not offered
    theta = trained.network.params.astype(np.float32)
    rng = np.random.default_rng(0)
    points = np.stack([theta + 0.1 * rng.standard_normal(theta.size) for _ in range(5)] + [theta])
    save_path(TrainingPath(points, np.arange(6) * 10), path_file(models / "tiny.safetensors"))
    assert "path" in client.get("/api/model").json()["landscape_directions"]
    body = client.post("/api/landscape", json={"directions": "path", "grid": 21}).json()
    assert body["paths"][0]["name"] == "training" and len(body["paths"][0]["points"]) == 6
    # the initial→trained line's ends on the slice: the trained weights are its centre
    assert body["line"]["trained"] == pytest.approx([0, 0], abs=1e-9)
    assert len(body["line"]["init"]) == 2
    assert sum(body["directions"]["explained_variance"]) <= 1 + 1e-9


def test_neurons_of_any_layer_ranked_by_z(client, models, web_data):
    body = client.get("/api/neurons/2/3?k=4").json()
    net = served(models)
    zs, _ = net.forward(web_data.test.images.astype(np.float64).T)
    assert [t["index"] for t in body["top"]] == list(np.argsort(-zs[1][3], kind="stable")[:4])
    np.testing.assert_allclose(body["pattern"], net.weights[1][3] @ net.weights[0], rtol=1e-10)
    assert client.get("/api/neurons/3/9").json()["pattern"] is None
    r = client.get("/api/neurons/4/0")
    assert r.status_code == 404 and "layer must be 1–3" in r.json()["detail"]


def test_chain_matches_finite_differences(client):
    request = {"weights": [1.2, -0.7, 2.0], "biases": [0.1, 0.2, -0.3], "x": 0.9, "y": 1.0}
    body = client.post("/api/chain", json=request).json()
    for key in ("dC_dw", "dC_db", "dC_da"):
        np.testing.assert_allclose(body[key], body["finite_difference"][key], atol=1e-8)
    assert body == explain.chain(request["weights"], request["biases"], 0.9, 1.0)
    for bad in ({**request, "weights": [1, 2]}, {**request, "x": 1e9}, {**request, "y": "nan"}):
        r = client.post("/api/chain", json=bad)
        assert r.status_code == 422 and r.json()["detail"]


def test_chain_on_the_real_network(client):
    example = {"example": {"split": "test", "index": 5}, "label": 1}
    for param in (
        {"kind": "weight", "layer": 3, "to": 1, "from": 2},
        {"kind": "bias", "layer": 2, "to": 0},
        {"kind": "weight", "layer": 1, "to": 3, "from": 300},
    ):
        body = client.post("/api/chain/network", json=example | {"param": param}).json()
        assert body["derivative"] == pytest.approx(body["finite_difference"], abs=1e-8)
        assert body["product"] == pytest.approx(body["derivative"], rel=1e-9, abs=1e-15)
    body = client.post("/api/chain/network", json=example | {
        "param": {"kind": "activation", "layer": 1, "neuron": 4}}).json()  # fmt: skip
    assert len(body["paths"]) == 16 and body["sum"] == pytest.approx(body["derivative"])
    assert body["derivative"] == pytest.approx(body["finite_difference"], abs=1e-8)
    r = client.post("/api/chain/network", json=example | {
        "param": {"kind": "activation", "layer": 3, "neuron": 0}})  # fmt: skip
    assert r.status_code == 404 and "hidden layer, 1–2" in r.json()["detail"]


def test_requests_too_big_to_answer_quickly_get_less_work(client, monkeypatch):
    from digitnet.web import learn

    monkeypatch.setattr(learn, "MAX_SLICE_WORK", 21 * 21 * 100)
    r = client.post("/api/landscape", json={"grid": 21, "n_images": 200})
    assert r.status_code == 200 and r.json()["n_images"] == 100
    monkeypatch.setattr(learn, "MAX_COSINE_WORK", 30)
    r = client.post("/api/gradient/cosine", json={"batch_sizes": [1, 10], "draws": 200})
    assert r.status_code == 200 and r.json()["draws"] == 2


def test_numbers_beyond_float_range_come_back_as_null(client):
    from digitnet.explain import finite

    assert finite({"a": [1.0, float("nan"), float("inf")], "b": (2, -float("inf"))}) == {
        "a": [1.0, None, None],
        "b": [2, None],
    }
    r = client.post("/api/landscape", json={"grid": 21, "n_images": 100, "span": 100})
    assert r.status_code == 200 and all(np.isfinite(c) for row in r.json()["cost"] for c in row)


def test_students_may_preview_a_step_but_only_the_teacher_applies_it(models, web_data):
    from fastapi.testclient import TestClient

    from digitnet.web.app import create_app

    app = create_app(models_dir=models, data_loader=lambda: web_data, host="0.0.0.0", token="s3")
    student = TestClient(app, base_url="http://10.0.0.7:8000")
    request = {"example": {"split": "test", "index": 1}, "others": 0}
    assert student.post("/api/backprop/step", json=request).status_code == 200
    r = student.post("/api/backprop/step", json=request | {"apply": True})
    assert r.status_code == 403 and "token" in r.json()["detail"]
    teacher = TestClient(app, base_url="http://10.0.0.2:8000", headers={"X-Digitnet-Token": "s3"})
    assert teacher.post("/api/backprop/step", json=request | {"apply": True}).json()["applied"]
