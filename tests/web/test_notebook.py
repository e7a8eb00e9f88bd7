"""The widgets in a real JupyterLab, driven by Chromium: a notebook's cells run, each widget
renders with no console error, a digit drawn in `Draw` is read back as `prediction` by a later
cell, a label chosen in `Backprop` is read back with its `cost`.

JupyterLab runs on 127.0.0.1 with its own temporary root, token and Jupyter folders (config,
data, runtime), `expose_app_in_browser` so the test runs cells through `jupyterapp.commands`;
started and ended by its PID (with its kernels), nothing left behind.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from .test_browser import CHROMIUM, chromium, draw_four, free_port  # noqa: F401 (a fixture)

pytest.importorskip("anywidget")
pytest.importorskip("jupyterlab")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

CELLS = [
    # 0: a seeded untrained network and a stroke as the example: no file, no data needed
    """import numpy as np
from digitnet import explain
from digitnet.network import Network
from digitnet.widgets import Backprop, ChainRule, Draw, GradientDescent, Story
from digitnet.data import Dataset, Split
from digitnet.training import TrainConfig, fit
net = Network([784, 16, 16, 10], seed=0)
x = np.zeros((28, 28)); x[5:23, 13:16] = 1.0  # a "1"

def bands(n, seed):  # n noisy images whose class d lights the d-th of ten bands
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.random((n, 28, 28), dtype=np.float32) * 0.2
    for image, d in zip(images, labels):
        image[2 + 2 * d : 4 + 2 * d, 4:24] = 1.0
    return Split(images.reshape(n, 784), labels)

data = Dataset("bands", bands(300, 1), bands(50, 2), bands(50, 3))
""",
    "draw = Draw(net)\ndraw",
    "backprop = Backprop(net, example=x, label=3)\nbackprop",
    "gd = GradientDescent(net, example=x, data=data)\ngd",
    "ChainRule(net, example=x)",
    "Story(net, example=x)",
    # 6: read back what the browser did
    """ink = sum(v > 0 for v in draw.pixels)
wanted = int(net.predict(np.array(draw.pixels)[None, :])[0])
print(f"drawn {ink} {draw.prediction} {wanted}")""",
    """same = explain.backprop_example(net, np.array(backprop.example), backprop.label)["cost"]
print(f"label {backprop.label} {backprop.cost:.12f} {same:.12f}")""",
    # 8: the ball rides along a short run
    """config = TrainConfig(sizes=(784, 16, 16, 10), epochs=3, batch_size=10)
result = fit(data, config, on_event=gd.ride_along)
print("trained", result.epochs_done)""",
    # 9: pixels set from Python redraw the pad
    """draw.pixels = data.test.images[0]
print("set", draw.prediction)""",
    # 10: a widget made with its pixels shows them from the start
    "Draw(net, pixels=data.test.images[1])",
]
VIEWS = ("draw-canvas", "backprop-label", "gradient-summary", "chain-derivatives", "story-title")
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
STARTUP_SECONDS = 60


@contextlib.contextmanager
def jupyterlab(root: Path):
    """JupyterLab serving `root`, in its own Jupyter folders; yields (address, token)."""
    token, port = secrets.token_hex(16), free_port()
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "RUNTIME"):
        folder = root.parent / f"jupyter-{name.lower()}"
        folder.mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(folder)
    env["IPYTHONDIR"] = str(root.parent / "ipython")
    # no "news?" notification over the notebook
    labconfig = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig"
    labconfig.mkdir()
    announcements = {"@jupyterlab/apputils-extension:announcements": True}
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": announcements}))
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
    ]  # fmt: skip
    log = open(root.parent / "jupyterlab.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, (root.parent / "jupyterlab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not answer in time"
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{address}/api/status?token={token}", timeout=2):
                    break
            time.sleep(0.25)
        yield address, token
    finally:
        started = psutil.Process(server.pid).children(recursive=True)  # its kernels
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        _, alive = psutil.wait_procs(started, timeout=10)
        for process in alive:  # a kernel its server did not end
            process.kill()
        log.close()


def run_cell(page, index: int) -> None:
    page.evaluate(
        """async (index) => {
          const panel = window.jupyterapp.shell.currentWidget;
          panel.content.activeCellIndex = index;
          await window.jupyterapp.commands.execute("notebook:run-cell");
        }""",
        index,
    )


def output_of(page, index: int, starts: str) -> list[str]:
    """The words of cell `index`'s printed output, once it starts with `starts`."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    text = cell.locator(".jp-OutputArea-output").filter(has_text=starts)
    text.wait_for(timeout=30_000)
    return text.inner_text().split()


def test_the_widgets_in_jupyterlab(chromium, tmp_path):  # noqa: F811 (the fixture)
    root = tmp_path / "root"
    root.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = KERNEL
    nbformat.write(notebook, root / "widgets.ipynb")
    with jupyterlab(root) as (address, token):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{address}/lab/tree/widgets.ipynb?token={token}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget")
        page.wait_for_function(
            """() => {
              const panel = window.jupyterapp.shell.currentWidget;
              return panel.content && panel.sessionContext.session?.kernel?.status === "idle";
            }""",
            timeout=60_000,
        )
        page.evaluate(  # cells 0–8; the last two run later
            """async () => {
              window.jupyterapp.shell.currentWidget.content.activeCellIndex = 9;
              await window.jupyterapp.commands.execute("notebook:run-all-above");
            }"""
        )

        # each widget renders its view
        for testid in VIEWS:
            page.get_by_test_id(testid).first.wait_for(state="attached", timeout=60_000)
        assert page.locator(".digitnet-widget").count() == len(VIEWS)

        # draw a digit; a later cell reads it back
        canvas = page.get_by_test_id("draw-canvas")
        canvas.scroll_into_view_if_needed()
        draw_four(page)
        answer = page.get_by_test_id("answer")
        page.wait_for_function("(el) => el.textContent !== ''", arg=answer.element_handle())
        time.sleep(0.5)  # the last stroke's pixels reach the kernel
        run_cell(page, 6)
        _, ink, prediction, wanted = output_of(page, 6, "drawn")
        assert int(ink) > 20 and prediction == wanted == answer.text_content()

        # choose a label in Backprop; a later cell reads its cost back
        page.get_by_test_id("backprop-label").select_option("7")
        time.sleep(0.5)
        run_cell(page, 7)
        _, label, cost, same = output_of(page, 7, "label")
        assert label == "7" and cost == same

        # the landscape, answered by the kernel from the widget's data
        page.get_by_test_id("landscape-run").click()
        page.get_by_test_id("landscape").wait_for(timeout=60_000)  # shown once drawn

        # a run rolls the ball as its cell runs (the first, with the cells above, may beat the
        # view): this run's positions, counted from a mark the next run's start clears
        ball = page.get_by_test_id("landscape-ball")
        ball.evaluate("(b) => Object.assign(b.dataset, {positions: '-1', running: 'stale'})")
        run_cell(page, 8)
        page.wait_for_function(
            "(b) => b.dataset.running === 'false' && Number(b.dataset.positions) >= 3",
            arg=ball.element_handle(),
            timeout=30_000,
        )
        assert ball.is_visible() and math.isfinite(float(ball.get_attribute("data-alpha")))

        # pixels set from Python: the pad shows them and answers as the kernel does
        run_cell(page, 9)
        _, prediction = output_of(page, 9, "set")
        page.wait_for_function(
            "([a, p]) => a.textContent === p", arg=[answer.element_handle(), prediction]
        )
        assert page.locator(".hint").first.text_content() == "set from Python"
        run_cell(page, 10)
        page.get_by_test_id("answer").nth(1).wait_for(timeout=30_000)
        page.wait_for_function(
            "(a) => a.textContent !== ''", arg=page.get_by_test_id("answer").nth(1).element_handle()
        )

        context.close()
    assert errors == [], f"console errors: {errors}"
