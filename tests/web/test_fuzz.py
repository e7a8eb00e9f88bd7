"""The web API under attack: schema fuzzing, oversized or broken bodies, load, loopback only.

schemathesis drives every operation of the app's own /openapi.json in-process; the other tests
start a real uvicorn server on 127.0.0.1 (never another address) and talk to it over sockets.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import numpy as np
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from conftest import tiny_data
from digitnet.images import to_mnist
from digitnet.modelfile import save_model
from digitnet.web.app import create_app
from digitnet.web.limits import MAX_BODY_BYTES

JSON = {"Content-Type": "application/json"}
LOCAL = "http://127.0.0.1"  # the app answers only to its own names (TestClient says "testserver")
SRC = str(Path(__file__).resolve().parents[2] / "src")


def finish_training(app) -> None:
    """Stop the app's training run, if one is going, and wait for its thread to end."""
    runs = [t for t in threading.enumerate() if t.name == "digitnet-train"]
    if runs:
        TestClient(app, base_url=LOCAL).post("/api/train/stop", json={})
    for thread in runs:
        thread.join(timeout=30)
        assert not thread.is_alive()


def make_app(folder: Path, trained, data):
    folder.mkdir(exist_ok=True)
    save_model(trained, folder / "tiny.safetensors")
    return create_app(models_dir=folder, data_loader=lambda: data)


# ---- 1. schemathesis over every operation of /openapi.json ----------------------------------


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, trained):
    # 20 training images: whatever run the fuzzer starts, its first mini-batch is quick
    app = make_app(tmp_path_factory.mktemp("fuzz") / "models", trained, tiny_data(20, 10, 10))
    yield app
    finish_training(app)


def as_local(app):
    """The app as reached by the name 127.0.0.1: schemathesis's in-process client sends
    `Host: testserver`, a name the app refuses (its Host check is tested in test_api.py)."""

    async def local(scope, receive, send):
        if scope["type"] == "http":
            headers = [(k, b"127.0.0.1" if k == b"host" else v) for k, v in scope["headers"]]
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return local


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", as_local(fuzz_app))


def operations() -> list[tuple[str, GenerationMode]]:
    """Every operation of the schema ("GET /api/model", ...), read from an app with no models,
    with the requests it allows, and the ones it forbids where it has something to forbid (a
    header's text cannot be wrong)."""
    app = create_app(models_dir=Path(os.devnull) / "none", data_loader=tiny_data)
    found = []
    for path, methods in app.openapi()["paths"].items():
        for method, spec in methods.items():
            found.append((f"{method.upper()} {path}", GenerationMode.POSITIVE))
            inputs = [p for p in spec.get("parameters", []) if p["in"] != "header"]  # any text
            if inputs or "requestBody" in spec:
                found.append((f"{method.upper()} {path}", GenerationMode.NEGATIVE))
    return found


# schemathesis generates the cases and hypothesis runs them, here in the test: its pytest
# plugin (schema.parametrize) breaks with each new pytest, and `-p no:schemathesis` keeps it off.
# Every check schemathesis has runs on every answer, for requests the schema allows (positive)
# and requests it forbids (negative): the schema and the server must say the same thing.
@pytest.mark.parametrize(("operation", "mode"), operations(), ids=lambda v: str(v))
def test_fuzzed_requests_never_get_a_5xx_and_match_the_schema(
    operation, mode, fuzz_schema, fuzz_app, tally
):
    @given(case=fuzz_schema.find_operation_by_label(operation).as_strategy(mode))
    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,  # the same cases on every run
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case) -> None:
        response = case.call()
        # a run the fuzzer started is stopped before the next case: each sees a quiet server
        finish_training(fuzz_app)
        tally.fuzz("web API: schemathesis cases from /openapi.json (every operation)")
        if response.status_code == 413:  # a generated body over MAX_BODY_BYTES, refused unread:
            assert "too large" in response.json()["detail"]  # schemathesis lists no 413
            return
        case.validate_response(response)  # all of schemathesis's checks

    check()


def test_every_path_answers_other_methods_with_405_and_all_its_methods_in_allow(fuzz_app):
    client = TestClient(fuzz_app, base_url=LOCAL)
    for path, operations in fuzz_app.openapi()["paths"].items():
        documented = sorted(method.upper() for method in operations)
        url = path.replace("{neuron}", "0").replace("{layer}", "1")
        for method in ("OPTIONS", "PATCH", "DELETE"):
            r = client.request(method, url)
            assert r.status_code == 405, (method, path)
            assert r.headers["Allow"] == ", ".join(documented), (method, path)


# ---- 2. oversized, chunked, slow and truncated bodies ---------------------------------------


@pytest.fixture
def app(tmp_path, trained):
    app = make_app(tmp_path / "models", trained, tiny_data(20, 10, 10))
    yield app
    finish_training(app)


VALID_BODIES = {
    "/api/predict": b'{"pixels": [' + b", ".join([b"0"] * 784) + b"]}",
    "/api/model": b'{"name": "tiny"}',
    "/api/train": b'{"layers": [4], "epochs": 1}',
    "/api/train/stop": b"{}",
    "/api/train/save": b'{"name": "saved"}',
    "/api/experiments/noise": b'{"n": 10}',
    "/api/experiments/dream": b'{"steps": 2}',
    "/api/backprop": b'{"example": {"split": "test", "index": 0}}',
    "/api/backprop/step": b'{"example": {"split": "test", "index": 0}, "others": 1}',
    "/api/averaging": b'{"batch_size": 2}',
    "/api/gradient": b'{"example": {"split": "test", "index": 0}}',
    "/api/gradient/cosine": b'{"batch_sizes": [1], "draws": 2}',
    "/api/landscape": b'{"grid": 21, "n_images": 100}',
    "/api/chain": b'{"weights": [1, 1, 1], "biases": [0, 0, 0], "x": 0.5, "y": 1}',
    "/api/chain/network": (
        b'{"example": {"split": "test", "index": 0}, '
        b'"param": {"kind": "bias", "layer": 1, "to": 0}}'
    ),
}


def body_endpoints(app) -> list[tuple[str, str]]:
    """Every (method, path) of the schema that takes a body: all the POSTs and PUTs."""
    paths = app.openapi()["paths"]
    found = [(m.upper(), p) for p, ops in paths.items() for m in ops if m in ("post", "put")]
    assert {p for _, p in found} == set(VALID_BODIES)  # a new endpoint needs a body here
    return found


def chunks(data: bytes, size: int = 65_536):
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_oversized_bodies_get_413_on_every_endpoint_with_or_without_a_length(app, tally):
    client = TestClient(app, base_url=LOCAL, raise_server_exceptions=False)
    json_type = {"Content-Type": "application/json"}
    for method, path in body_endpoints(app):
        valid = VALID_BODIES[path]
        at_limit = valid + b" " * (MAX_BODY_BYTES - len(valid))  # JSON allows the spaces
        over = at_limit + b" "
        r = client.request(method, path, content=over, headers=json_type)
        assert r.status_code == 413 and "too large" in r.json()["detail"], (path, r.text)
        # a generator body goes without Content-Length: counted as it arrives
        request = client.build_request(method, path, content=chunks(over), headers=json_type)
        assert "content-length" not in request.headers
        r = client.send(request)
        assert r.status_code == 413 and "too large" in r.json()["detail"], (path, r.text)
        tally.bad_input("web: oversized body, with and without Content-Length", 2)
        for body in (at_limit, chunks(at_limit)):  # at the limit: up to the schema, not 413
            r = client.request(method, path, content=body, headers=json_type)
            assert r.status_code < 500 and r.status_code != 413, (path, r.text)
            finish_training(app)
    r = client.post("/api/predict", content=b"{}", headers={**json_type, "Content-Length": "lots"})
    assert r.status_code == 400 and "Content-Length" in r.json()["detail"]
    tally.bad_input("web: oversized body, with and without Content-Length")


@contextlib.contextmanager
def serving(app, **bounds):
    """The app on a real uvicorn server, with `digitnet serve`'s settings (`bounds`: its time
    bounds for slow clients), on a free port of 127.0.0.1; yields the port."""
    import uvicorn

    from digitnet.web import serve

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(serve.config(app, **bounds))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def raw_exchange(port: int, head: bytes, parts, pause: float = 0.0) -> bytes:
    """Send a request piece by piece over a socket; the answer, or b"" if none came."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        for part in parts:
            try:
                s.sendall(part)
            except OSError:  # the server answered early and closed: read what it said
                break
            time.sleep(pause)
        answer = b""
        with contextlib.suppress(OSError):
            while data := s.recv(65_536):
                answer += data
        return answer


def head(length: int | None = None, path: str = "/api/predict") -> bytes:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{framing}\r\nConnection: close\r\n\r\n"
    ).encode()


def chunked(data: bytes, size: int = 65_536) -> list[bytes]:
    return [b"%x\r\n%s\r\n" % (len(c), c) for c in chunks(data, size)] + [b"0\r\n\r\n"]


def test_real_server_refuses_chunked_floods_and_survives_slow_or_cut_bodies(app, tally):
    body = VALID_BODIES["/api/predict"]
    with serving(app) as port:
        flood = raw_exchange(port, head(), chunked(b" " * (MAX_BODY_BYTES + 1)))
        assert flood.startswith(b"HTTP/1.1 413"), flood[:200]
        tally.bad_input("web: chunked body past the limit, real server")
        slow = raw_exchange(port, head(len(body)), chunks(body, 500), pause=0.02)
        assert slow.startswith(b"HTTP/1.1 200") and b'"blank":true' in slow, slow[:200]
        slow = raw_exchange(port, head(), chunked(body, 500), pause=0.02)
        assert slow.startswith(b"HTTP/1.1 200") and b'"blank":true' in slow, slow[:200]
        # clients that go away mid-body, and some that just hang on, holding a connection
        hanging = []
        for framing, part in [(head(len(body)), body[:100]), (head(), chunked(body)[0])]:
            for _ in range(10):
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    s.sendall(framing + part)  # then gone
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(framing + part)
                hanging.append(s)
        tally.fault("web: clients cut off or hanging mid-body (real server)", 40)
        try:
            r = httpx2.post(
                f"http://127.0.0.1:{port}/api/predict", content=body, headers=JSON, timeout=10
            )
            assert r.status_code == 200 and r.json()["blank"] is True
        finally:
            for s in hanging:
                s.close()
        r = httpx2.post(
            f"http://127.0.0.1:{port}/api/predict", content=body, headers=JSON, timeout=10
        )
        assert r.status_code == 200


def test_dropped_event_streams_end_at_once_without_flooding_the_log(tmp_path, trained, caplog):
    """Issue 21: a client gone from /api/train/events after a run had the server write every
    remaining event into the closed socket, each logged (641 drops: 7.5 MB of log)."""
    import struct

    app = make_app(tmp_path / "models", trained, tiny_data(200, 10, 10))
    with serving(app) as port, caplog.at_level("WARNING"):
        address = f"http://127.0.0.1:{port}"
        r = httpx2.post(f"{address}/api/train", json={"layers": [4], "epochs": 8, "batch_size": 1})
        assert r.status_code == 202
        deadline = time.monotonic() + 60
        while not httpx2.get(f"{address}/api/train").json()["finished"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        caplog.clear()
        request = f"GET /api/train/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        for i in range(100):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(request)
            if i % 2:
                s.recv(100)  # half of them read the start of the answer first
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # gone, with a reset
        time.sleep(1)
        assert len(httpx2.get(f"{address}/api/train/events").text) > 10_000  # all 400+ events
        lines = [r.getMessage() for r in caplog.records]
    assert len(lines) <= 10, lines[:5]


def test_half_sent_requests_are_closed_within_the_stated_bounds(app, tally):
    """Issue 21: half-sent headers or bodies kept their connections forever. Here, with bounds
    of 0.5 s (10 s and 30 s in `digitnet serve`), each is closed in time, while a request sent
    in pieces within the bounds is answered."""
    body = VALID_BODIES["/api/predict"]
    halves = [
        b"",  # connected, nothing sent
        head(len(body))[:30],  # half the headers
        head(len(body)) + body[:100],  # the headers, half the body
        head() + chunked(body)[0],  # chunked: one chunk, no end
    ]
    with serving(app, header_seconds=0.5, body_seconds=0.5) as port:
        for half in halves:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(half)
                start = time.monotonic()
                with contextlib.suppress(ConnectionResetError):
                    while s.recv(65_536):  # until the server closes (no answer is due)
                        pass
                took = time.monotonic() - start
            assert took < 5, (half[:40], took)  # closed: 0.5 s, and slack for a busy machine
        tally.fault("web: half-sent headers or bodies, cut by the server's bounds", len(halves))
        # in pieces, but within the bound: answered
        steady = raw_exchange(port, head(len(body)), chunks(body, 1000), pause=0.05)
        assert steady.startswith(b"HTTP/1.1 200"), steady[:200]


# ---- 3. predictions while training runs -----------------------------------------------------


def test_concurrent_predictions_during_training_answer_with_the_served_model(tmp_path, trained):
    """Training builds its own network: the served model changes only by PUT /api/model or
    by saving a finished run. So every answer during a run must be the served model's."""
    app = make_app(tmp_path / "models", trained, tiny_data(2000, 50, 50))
    rng = np.random.default_rng(8)
    drawings = [rng.integers(0, 256, (28, 28)) for _ in range(190)]
    drawings += [rng.integers(0, 256, (280, 280)) for _ in range(10)]
    net = trained.network
    expected = [net.forward(to_mnist(d / 255.0)[:, None])[1][-1][:, 0] for d in drawings]
    try:
        with serving(app) as port, httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:
            run = {"layers": [32], "epochs": 100, "batch_size": 1, "learning_rate": 0.5}
            assert client.post("/api/train", json=run).status_code == 202

            def predict(i: int) -> dict:  # one client shared by the threads, as httpx allows
                pixels = drawings[i].ravel().tolist()
                r = client.post("/api/predict", json={"pixels": pixels}, timeout=30)
                assert r.status_code == 200, r.text
                return r.json()

            with ThreadPoolExecutor(8) as pool:
                answers = list(pool.map(predict, range(len(drawings))))
            status = client.get("/api/train").json()
            assert status["running"] and not status["error"]  # the run overlapped them all
            assert client.get("/api/model").json()["name"] == "tiny.safetensors"
    finally:
        finish_training(app)
    for got, want in zip(answers, expected):
        np.testing.assert_array_equal(got["outputs"], want)
        assert got["answer"] == int(np.argmax(want))


# ---- 4. loopback only unless told -----------------------------------------------------------


def listening_addresses(port: int) -> list[str]:
    """The local addresses (hex, as the kernel writes them) of sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.append(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_serve_listens_on_loopback_only_by_default(tmp_path, trained):
    from digitnet.cli import build_parser

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    model = tmp_path / "m.safetensors"
    save_model(trained, model)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "digitnet.cli", "serve", "--model", str(model)]
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([*cmd, "--port", str(port)], stdout=subprocess.PIPE, env=env)
    try:
        assert b"warning" not in proc.stdout.readline()
        deadline = time.monotonic() + 20
        while not listening_addresses(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, little-endian hex
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(
    ("host", "warned"),
    [("0.0.0.0", True), ("192.168.1.5", True), ("::", True), ("localhost", False), ("::1", False)],
)
def test_a_non_loopback_host_prints_a_warning(monkeypatch, capsys, host, warned):
    """Binding and serving are replaced: nothing listens anywhere but loopback during the tests."""
    from digitnet.cli import main
    from digitnet.web import serve

    calls = []
    monkeypatch.setattr(serve, "bind", lambda host, port: (host, port))
    monkeypatch.setattr(serve, "run", lambda app, sock: calls.append((app, sock)))
    assert main(["serve", "--host", host, "--port", "8765"]) == 0
    out = capsys.readouterr().out
    assert ("warning: listening on" in out and "other machines" in out) is warned
    app, bound = calls[0]
    assert bound == (host, 8765)
    # beyond this machine, the token that changes the server is printed, in the teacher's link
    token = app.state.token
    assert (token is not None) is warned
    assert (f"open http://{host}:8765/?token={token}" in out) is warned
