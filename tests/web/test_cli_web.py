"""`digitnet serve` and `digitnet export-html` from the command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from digitnet.cli import main
from digitnet.modelfile import save_model

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_serve_starts_prints_the_address_and_serves_the_page(tmp_path, trained):
    model = tmp_path / "m.safetensors"
    save_model(trained, model)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [
        sys.executable,
        "-m",
        "digitnet.cli",
        "serve",
        "--model",
        str(model),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        deadline, page = time.monotonic() + 20, None
        while page is None and time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            except OSError:
                time.sleep(0.1)
        assert page is not None and b'data-testid="draw-canvas"' in page
        info = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/model").read())
        assert info["name"] == "m.safetensors"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_on_a_taken_port_says_so_in_one_line_and_prints_no_link(tmp_path, trained):
    """Issue 21: it printed "open http://127.0.0.1:P/" (another server's page), then uvicorn's
    [Errno 98] line, exit 3. Now it binds first: one line, exit status 1, no link."""
    model = tmp_path / "m.safetensors"
    save_model(trained, model)
    env = {**os.environ, "PYTHONPATH": SRC}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cmd = [sys.executable, "-m", "digitnet.cli", "serve", "--model", str(model)]
        done = subprocess.run(
            [*cmd, "--port", str(port)], capture_output=True, text=True, env=env, timeout=60
        )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == (
        f"digitnet serve: error: port {port} is in use on 127.0.0.1: another server listens "
        "there; choose another --port\n"
    )


def test_serve_refuses_a_bad_model_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"nope")
    assert main(["serve", "--model", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.safetensors" in err


def test_export_html_writes_one_self_contained_page(tmp_path, trained, capsys):
    model = tmp_path / "m.safetensors"
    save_model(trained, model)
    out = tmp_path / "page.html"
    assert main(["export-html", str(model), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    page = out.read_text()
    assert report["bytes"] == len(page.encode())
    assert 'data-testid="draw-canvas"' in page and 'id="digitnet-model"' in page
    assert "src=" not in page and 'href="/' not in page and "import " not in page
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_html_errors_are_one_line(tmp_path, trained, capsys):
    assert main(["export-html", str(tmp_path / "missing.safetensors"), "-o", "x.html"]) == 1
    model = tmp_path / "m.safetensors"
    save_model(trained, model)
    assert main(["export-html", str(model), "-o", str(tmp_path / "no" / "x.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch, capsys):
    import sys

    from digitnet import cli

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    assert cli.main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'digitnet[web]'" in err


def test_export_html_needs_no_web_server_packages(monkeypatch, tmp_path, capsys):
    import sys

    from digitnet import cli
    from digitnet.modelfile import ModelFile, save_model
    from digitnet.network import Network

    model = save_model(ModelFile(Network([784, 8, 10])), tmp_path / "m.safetensors")
    for name in ("fastapi", "uvicorn", "digitnet.web.app"):
        monkeypatch.setitem(sys.modules, name, None)  # as if installed without the web extra
    monkeypatch.delitem(sys.modules, "digitnet.web.export", raising=False)
    assert cli.main(["export-html", str(model), "-o", str(tmp_path / "page.html")]) == 0
    assert (
        "<script" in (tmp_path / "page.html").read_text() and "page.html" in capsys.readouterr().out
    )
