"""The models folder as the server sees it (issue 21, point 3): only regular files are models;
a FIFO, a dangling link, a link to /dev/zero and a 2 GB sparse file are never opened or read,
never listed as models and never a 500; a damaged newest model is passed over (point 10)."""

from __future__ import annotations

import resource
import subprocess

import pytest
from fastapi.testclient import TestClient

from conftest import watched_fifo
from digitnet.modelfile import save_model
from digitnet.web.app import create_app

from .conftest import LOCAL


def server(folder, web_data) -> TestClient:
    app = create_app(models_dir=folder, data_loader=lambda: web_data)
    return TestClient(app, base_url=LOCAL, raise_server_exceptions=False)


@pytest.fixture
def odd_folder(models, trained):
    """tiny.safetensors (the good model), a second good one, and every odd entry."""
    save_model(trained, models / "other.safetensors")
    (models / "gone.safetensors").symlink_to(models / "deleted.safetensors")
    (models / "zero.safetensors").symlink_to("/dev/zero")
    subprocess.run(["truncate", "-s", "2G", str(models / "huge.safetensors")], check=True)
    return models


def test_odd_files_are_named_never_listed_never_a_500(odd_folder, web_data):
    with watched_fifo(odd_folder / "pipe.safetensors") as opened:
        client = server(odd_folder, web_data)  # the newest-model check at start: no hang
        r = client.get("/api/models")
    assert not opened.is_set()
    assert r.status_code == 200
    body = r.json()
    assert sorted(body["models"]) == ["other.safetensors", "tiny.safetensors"]
    assert {s["name"]: s["reason"] for s in body["skipped"]} == {
        "gone.safetensors": "a broken link",
        "huge.safetensors": "is 2,048 MiB, larger than any digitnet model (at most 256 MiB)",
        "pipe.safetensors": "is a FIFO (named pipe), not a model file",
        "zero.safetensors": "a link to a file outside the models folder",
    }
    assert body["current"] in ("other.safetensors", "tiny.safetensors")


def test_switching_to_an_odd_file_is_refused_unread_and_keeps_the_model(odd_folder, web_data):
    client = server(odd_folder, web_data)
    loaded = client.get("/api/model").json()["name"]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    with watched_fifo(odd_folder / "pipe.safetensors") as opened:
        answers = {n: client.put("/api/model", json={"name": n}) for n in ("huge", "pipe")}
    assert not opened.is_set()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024
    assert answers["huge"].status_code == 422
    assert "is 2,048 MiB, larger than any digitnet model" in answers["huge"].json()["detail"]
    assert answers["pipe"].status_code == 422
    assert "is a FIFO (named pipe), not a model file" in answers["pipe"].json()["detail"]
    for name in ("zero", "gone"):
        assert 400 <= client.put("/api/model", json={"name": name}).status_code < 500
    assert client.get("/api/model").json()["name"] == loaded


def test_a_damaged_newest_model_is_passed_over_and_cannot_be_switched_to(models, web_data):
    """Point 10: the server starts on the newest *good* model; asking for the damaged one gets
    a clear 422 and the model loaded stays loaded."""
    damaged = models / "newer.safetensors"
    data = bytearray((models / "tiny.safetensors").read_bytes())
    data[-1] ^= 0x40  # one bit of the last bias
    damaged.write_bytes(bytes(data))
    client = server(models, web_data)
    assert client.get("/api/model").json()["name"] == "tiny.safetensors"
    r = client.put("/api/model", json={"name": "newer"})
    assert r.status_code == 422 and "the file is damaged" in r.json()["detail"]
    assert client.get("/api/model").json()["name"] == "tiny.safetensors"
    assert client.get("/api/models").json()["current"] == "tiny.safetensors"
