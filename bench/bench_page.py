"""The page's three interactive latencies, in headless Chromium on the served page:

- stroke → answer: a pointer move on the drawing pad → the frame after the answer, bars and
  diagram are updated (the Draw view's own record, window.digitnet.draw.latencies);
- label → Backprop: a new label chosen in the Backprop view → the frame after the view is redrawn;
- slider → numbers: a knob of the Chain rule view moved → the frame after its numbers follow.

Each is the time from the input event's timestamp to the next animation frame after the update
(the views' Latency records), so it includes the browser's own work. A `digitnet serve` of the
sources on PYTHONPATH is started on a free 127.0.0.1 port and ended when done, so the same
script measures an older checkout: PYTHONPATH=OLD/src python bench/bench_page.py.
The machine's load average is printed before and after: the times depend on it.
Run: python bench/bench_page.py --model FILE [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TARGETS = {"stroke → answer": 30.0, "label → Backprop": 50.0, "slider → numbers": 20.0}  # ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(model: Path, port: int) -> subprocess.Popen:
    """`digitnet serve` on 127.0.0.1:port, once it answers."""
    command = [sys.executable, "-m", "digitnet.cli", "serve", "--model", str(model)]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/models", timeout=1)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("bench_page: the server did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("bench_page: the server did not answer within 60 s")


def strokes(page, count: int) -> None:
    """`count` figures drawn on the pad with the mouse, 24 moves each, cleared in between."""
    box = page.locator("#pad").bounding_box()
    for n in range(count):
        page.locator("#clear").click()
        x0, y0 = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2
        page.mouse.move(x0, y0)
        page.mouse.down()
        for i in range(1, 25):
            t = i / 24
            page.mouse.move(x0 + box["width"] * 0.4 * t, y0 + box["height"] * (0.6 * t + 0.02 * n))
        page.mouse.up()


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        page.wait_for_function("() => window.digitnet && window.digitnet.draw.model !== null")
        page.locator("#tab-draw").click()
        strokes(page, 10 * rounds)
        page.wait_for_timeout(300)
        draw = page.evaluate("() => window.digitnet.draw.latencies")
        page.locator("#tab-backprop").click()
        for d in list(range(10)) * rounds:
            page.get_by_test_id("backprop-label").select_option(str(d))
        page.wait_for_timeout(300)
        backprop = page.evaluate("() => window.digitnet.backprop.latency.times")
        page.locator("#tab-chain").click()
        slider = page.get_by_test_id("chain-w3")
        for i in range(10 * rounds):
            slider.fill(f"{-4 + 8 * ((i * 7) % 20) / 19:.2f}")
        page.wait_for_timeout(300)
        chain = page.evaluate("() => window.digitnet.chain.latency.times")
        browser.close()
    return {"stroke → answer": draw, "label → Backprop": backprop, "slider → numbers": chain}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="the model file to serve")
    parser.add_argument("--rounds", type=int, default=3, help="10 interactions of each a round")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not args.model.is_file():
        print(f"bench_page: no model file {args.model}", file=sys.stderr)
        return 2
    load_before = os.getloadavg()[0]
    port = free_port()
    server = serve(args.model, port)
    try:
        times = measure(f"http://127.0.0.1:{port}", args.rounds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    load_after = os.getloadavg()[0]
    figures = {
        name: {
            "median_ms": statistics.median(t),
            "p90_ms": statistics.quantiles(t, n=10)[-1] if len(t) > 1 else t[0],
            "count": len(t),
            "target_ms": TARGETS[name],
        }
        for name, t in times.items()
    }
    if args.json:
        print(json.dumps({"load": [load_before, load_after], "figures": figures}, indent=2))
        return 0
    cores = os.cpu_count()
    print(f"load average (1 min): {load_before:.1f} before, {load_after:.1f} after; {cores} cores")
    for name, f in figures.items():
        ratio = f["median_ms"] / f["target_ms"]
        print(
            f"{name:18} median {f['median_ms']:6.1f} ms, 90th percentile {f['p90_ms']:6.1f} ms "
            f"over {f['count']:3d}; {ratio:.2f}× the {f['target_ms']:.0f} ms target"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
