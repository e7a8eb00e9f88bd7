"""The story's animations in Chromium: every animation frame's length while each scene that
moves plays (requestAnimationFrame timestamps), and the timeline's own work in a frame (the
render that paints the moment), at 1440×900 and 390×844. The aim: no frame longer than 50 ms.

It serves the model (the app in a thread, on a free port of 127.0.0.1), plays each moving
scene `--plays` times and prints, per scene and size: frames, the longest frame, the 99th
percentile, frames over 50 ms, and the longest render. Frames also wait for whatever else
runs on the machine: run it on a quiet one.
Run: python bench/story_frames.py [--model FILE] [--plays 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

import numpy as np

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {"1440×900": (1440, 900), "390×844": (390, 844)}
LIMIT_MS = 50.0

# Each frame's timestamp while the timeline plays, and how long each of its renders took.
RECORD = """() => new Promise((done) => {
  const tl = window.digitnet.story.timeline;
  const seek = tl.seek;
  const work = [];
  tl.seek = function (i, p) {
    const t0 = performance.now();
    seek.call(this, i, p);
    work.push(performance.now() - t0);
  };
  const frames = [];
  const look = (now) => {
    frames.push(now);
    if (tl.playing || frames.length < 3) requestAnimationFrame(look);
    else { tl.seek = seek; done({ frames, work }); }
  };
  tl.replay();
  requestAnimationFrame(look);
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(model: Path):
    """The app on 127.0.0.1 in a background thread: (address, server)."""
    import uvicorn

    from digitnet.web.app import create_app

    port = free_port()
    app = create_app(model_path=model, models_dir=model.parent)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        sys.exit("story_frames: the server did not start")
    return f"http://127.0.0.1:{port}", server


def measure(address: str, plays: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto(f"{address}/#scene=1")
            page.wait_for_function("() => window.digitnet.example.origin.split === 'test'")
            count = page.locator(".story-strip a").count()
            for n in range(1, count + 1):
                page.evaluate(f"location.hash = '#scene={n}'")
                page.wait_for_selector(f"[data-index='{n}'][data-ready=yes]")
                if not page.evaluate("window.digitnet.story.timeline.hasMotion()"):
                    continue
                title = page.get_by_test_id("story-title").inner_text()
                gaps: list[float] = []
                work: list[float] = []
                for _ in range(plays):
                    seen = page.evaluate(RECORD)
                    gaps += list(np.diff(seen["frames"]))
                    work += seen["work"]
                rows.append(
                    {
                        "size": size,
                        "scene": n,
                        "title": title,
                        "frames": len(gaps),
                        "longest_ms": float(max(gaps)),
                        "p99_ms": float(np.percentile(gaps, 99)),
                        "over_50ms": int(sum(g > LIMIT_MS for g in gaps)),
                        "median_render_ms": float(np.median(work)),
                        "longest_render_ms": float(max(work)),
                    }
                )
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("/work/models/video.safetensors"))
    parser.add_argument("--plays", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.model.is_file():
        sys.exit(f"story_frames: no model at {args.model}: give --model FILE")
    address, server = serve(args.model.resolve())
    try:
        rows = measure(address, args.plays)
    finally:
        server.should_exit = True
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'size':9} {'scene':>5}  {'frames':>6} {'longest':>8} {'p99':>6} {'>50ms':>5}"
          f" {'render median/max':>17}  title")  # fmt: skip
    for r in rows:
        print(
            f"{r['size']:9} {r['scene']:5d}  {r['frames']:6d} {r['longest_ms']:7.1f}ms"
            f" {r['p99_ms']:5.1f} {r['over_50ms']:5d} {r['median_render_ms']:7.2f}/"
            f"{r['longest_render_ms']:6.1f}ms  {r['title']}"
        )
    worst = max(r["longest_ms"] for r in rows)
    over = sum(r["over_50ms"] for r in rows)
    frames = sum(r["frames"] for r in rows)
    renders = np.median([r["median_render_ms"] for r in rows])
    print(f"longest frame {worst:.1f} ms; {over} of {frames} frames over {LIMIT_MS:.0f} ms;"
          f" a frame's render: {renders:.2f} ms median")  # fmt: skip
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
