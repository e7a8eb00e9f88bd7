"""The ball on the real landscape in headless Chromium: while a short run trains from the Learn
view, the ball (`landscape-ball`) moves through several positions, and when the run ends it
stops where the stream's last position put it. The video's shape at 1440×900, a wide
784-300-100-10 at 390×844."""

from __future__ import annotations

import io
import json
import os

import pytest

from .test_browser import CHROMIUM, SHOTS, chromium, running, server  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

WATCH = """(ball) => {
  window.seen = [];  // every (α, β) the ball was given, and whether the run was going
  new MutationObserver(() => window.seen.push(
    [ball.dataset.alpha, ball.dataset.beta, ball.dataset.running, performance.now()]
  )).observe(ball, {attributes: true, attributeFilter: ["data-alpha", "data-beta"]});
}"""

STREAM = """async () => {
  const text = await (await fetch("/api/train/events")).text();  // a late subscriber's
  const found = [...text.matchAll(/^event: ball\\ndata: (.*)$/gm)];
  return found.map((m) => m[1]);
}"""


@pytest.mark.parametrize(
    ("viewport", "layers", "batch_size"),
    [((1440, 900), "16 16", 1), ((390, 844), "300 100", 10)],
    ids=["desktop-video", "phone-wide"],
)
def test_the_ball_rolls_while_a_short_run_trains_and_stops_when_it_ends(
    chromium,  # noqa: F811
    server,  # noqa: F811
    viewport,
    layers,
    batch_size,
):
    context = chromium.new_context(viewport=dict(zip(("width", "height"), viewport)))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server)
    page.get_by_test_id("tab-learn").click()
    page.wait_for_function("!document.querySelector('[data-testid=train-start]').disabled")
    ball = page.get_by_test_id("landscape-ball")
    assert ball.is_hidden()  # no run yet: no ball
    ball.evaluate(WATCH)
    page.fill("input[name=layers]", layers)
    page.fill("input[name=batch_size]", str(batch_size))  # a run of a second or two
    page.fill("input[name=epochs]", "40")
    page.get_by_test_id("train-start").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=landscape-ball]').dataset.running === 'false'",
        timeout=60_000,
    )
    assert ball.is_visible()
    seen = page.evaluate("window.seen")
    while_running = {(a, b) for a, b, running, _ in seen if running == "true"}
    assert len(while_running) >= 5, seen  # it moved, through several positions
    # it stopped where the stream's last position is, and stays there
    positions = [json.loads(p) for p in page.evaluate(STREAM)]
    last = positions[-1]
    assert float(ball.get_attribute("data-alpha")) == pytest.approx(last["alpha"], rel=1e-12)
    assert float(ball.get_attribute("data-beta")) == pytest.approx(last["beta"], rel=1e-12)
    assert last["epoch"] == 40
    # the page got every position live; the stream keeps those on its last plane (bounded)
    assert int(ball.get_attribute("data-positions")) >= len(positions)
    assert {p["plane"] for p in positions} == {last["plane"]}
    count = len(page.evaluate("window.seen"))
    page.wait_for_timeout(500)
    assert len(page.evaluate("window.seen")) == count  # nothing moves once the run is over
    facts = page.locator(".ball-facts").first.inner_text()
    assert "true cost" in facts and "The run is over." in facts
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
    context.close()
    assert errors == [], errors


@pytest.mark.skipif(
    not (os.environ.get("DIGITNET_SCREENSHOTS") and os.environ.get("DIGITNET_WEB_MODEL")),
    reason="docs pictures: DIGITNET_SCREENSHOTS=1 and DIGITNET_WEB_MODEL=a video model",
)
def test_docs_frames_of_the_ball_on_the_real_network(chromium, tmp_path):  # noqa: F811
    """docs/images/web-ball.png: the story's ball scene on all of MNIST, its run replayed at
    four moments; web-ball-race.png: the race scene at its end."""
    from PIL import Image

    from digitnet.data import load_dataset
    from digitnet.web.app import create_app

    mnist = load_dataset("mnist", progress=False)
    app = create_app(os.environ["DIGITNET_WEB_MODEL"], tmp_path, data_loader=lambda: mnist)
    with running(app) as address:
        page = chromium.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(f"{address}/#scene=9")
        page.wait_for_function(
            "document.querySelector('[data-testid=landscape-ball]')?.dataset.running === 'false'",
            timeout=180_000,
        )
        view = page.locator(".story-scene .ball-view")
        frames = []
        for p in (0.08, 0.2, 0.45, 1.0):  # the replay, at moments of the run
            page.evaluate(f"window.digitnet.story.timeline.seek(0, {p})")
            frames.append(Image.open(io.BytesIO(view.screenshot())).convert("RGB"))
        strip = Image.new("RGB", (sum(f.width for f in frames), frames[0].height), "#0b0f17")
        for i, frame in enumerate(frames):
            strip.paste(frame, (sum(f.width for f in frames[:i]), 0))
        strip.thumbnail((1600, 1600))
        strip.save(SHOTS / "web-ball.png")
        page.goto(f"{address}/#scene=16")
        page.reload()
        page.wait_for_function(
            "window.digitnet.story.timeline.ended && document.querySelector('.race-facts li')",
            timeout=180_000,
        )
        page.evaluate("window.digitnet.story.timeline.finish()")
        page.locator(".story-scene").screenshot(path=str(SHOTS / "web-ball-race.png"))
