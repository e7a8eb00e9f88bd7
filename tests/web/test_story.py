"""The Story tab in real headless Chromium: the scenes in order, forward and back, by button,
key and link; #scene=N through a reload; the forward pass lighting layer after layer (sampled
over time); nothing moving by itself under reduced motion; a scene's numbers equal the API's.
On the video's 784-16-16-10 shape and on a wide 784-300-100-10, at 1440×900 and 390×844."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from digitnet.modelfile import save_model
from digitnet.training import TrainConfig, checkpoint_model, fit

from .test_browser import CHROMIUM, axes_read_right, chromium, running, server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"
SIZES = {"video": (784, 16, 16, 10), "wide": (784, 300, 100, 10)}
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture(scope="module", params=sorted(SIZES))
def shape_server(request, tmp_path_factory, trained, web_data):
    """The app serving the video-shaped model (the tests' own) or a wide one, trained briefly."""
    from digitnet.web.app import create_app

    model = trained
    if request.param == "wide":
        config = TrainConfig(sizes=SIZES["wide"], epochs=1, learning_rate=0.5, seed=2)
        model = checkpoint_model(fit(web_data, config), web_data)
    folder = tmp_path_factory.mktemp(f"story-{request.param}")
    save_model(model, folder / f"{request.param}.safetensors")
    with running(create_app(models_dir=folder, data_loader=lambda: web_data)) as address:
        yield address, model


def story_page(chromium, size=(1440, 900), reduced=False):  # noqa: F811
    context = chromium.new_context(
        viewport={"width": size[0], "height": size[1]},
        reduced_motion="reduce" if reduced else "no-preference",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return context, page


def scene_index(page) -> int:
    return int(page.get_by_test_id("story-scene").get_attribute("data-index"))


def open_scene(page, address, n: int) -> None:
    page.goto(f"{address}/#scene={n}")
    page.wait_for_selector(f"[data-testid=story-scene][data-index='{n}']")
    # the first test digit replaces the blank drawing
    page.wait_for_function("() => window.digitnet.example.origin.split === 'test'")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_every_scene_forward_and_back_without_errors(chromium, shape_server, viewport):  # noqa: F811
    address, model = shape_server
    context, page = story_page(chromium, VIEWPORTS[viewport], reduced=True)
    open_scene(page, address, 1)
    count = page.locator(".story-strip a").count()
    assert 16 <= count <= 24
    titles = []
    charts = 0
    for n in range(1, count + 1):
        page.wait_for_selector(f"[data-testid=story-scene][data-index='{n}'][data-ready=yes]")
        assert page.evaluate("location.hash") == f"#scene={n}"
        title = page.get_by_test_id("story-title").inner_text()
        words = page.locator(".story-words").inner_text().split()
        assert title and 8 <= len(words) <= 60, (n, title, len(words))
        assert page.locator(".story-strip a[aria-current=step]").inner_text() == str(n)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport][0], (n, title, width)
        charts += axes_read_right(page, "#view-story")  # labels distinct, y axes upwards
        titles.append(title)
        if n < count:
            page.get_by_test_id("story-next").click()
    assert page.get_by_test_id("story-next").is_disabled()
    assert charts >= 2  # the scenes' charts with axes were there to check
    for n in range(count, 1, -1):  # back with the ← key
        page.keyboard.press("ArrowLeft")
        assert scene_index(page) == n - 1
        assert page.get_by_test_id("story-title").inner_text() == titles[n - 2]
    assert page.get_by_test_id("story-back").is_disabled()
    assert len(set(titles)) == len(titles)
    assert page.errors == []
    context.close()


def test_a_scene_link_survives_a_reload_and_the_page_still_opens_on_draw(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    page.goto(server)
    page.wait_for_function("() => window.digitnet && window.digitnet.draw.model !== null")
    assert page.locator("#view-draw").is_visible() and not page.locator("#view-story").is_visible()
    tabs = page.locator("[role=tab]")
    assert tabs.first.get_attribute("data-testid") == "tab-story"
    page.evaluate("location.hash = '#scene=3'")  # a link to a scene opens the story there
    page.wait_for_selector("[data-testid=story-scene][data-index='3']")
    page.wait_for_function("() => window.digitnet.example.origin.split === 'test'")
    page.reload()
    page.wait_for_selector("[data-testid=story-scene][data-index='3']")
    assert page.locator("#view-story").is_visible()
    page.keyboard.press("ArrowRight")
    assert scene_index(page) == 4 and page.evaluate("location.hash") == "#scene=4"
    page.locator(".story-strip a").nth(5).click()  # a scene's link in the strip
    assert scene_index(page) == 6 and page.evaluate("location.hash") == "#scene=6"
    page.get_by_test_id("tab-draw").click()  # leaving the story forgets the scene
    page.reload()
    page.wait_for_function("() => window.digitnet && window.digitnet.draw.model !== null")
    assert page.locator("#view-draw").is_visible()
    assert page.errors == []
    context.close()


def frames_strip(chromium, address, scene: int, testid: str, moments, name: str) -> None:  # noqa: F811
    """With DIGITNET_SCREENSHOTS=1: the scene's picture at (stage, progress) moments, side by
    side, at a phone's width, saved as docs/images/{name}.png (docs/web.md shows it)."""
    if os.environ.get("DIGITNET_SCREENSHOTS") != "1":
        return
    from PIL import Image

    context, page = story_page(chromium, (390, 844), reduced=True)
    open_scene(page, address, scene)
    picture = page.get_by_test_id(testid)
    frames = []
    for stage, progress in moments:
        page.evaluate(f"window.digitnet.story.timeline.seek({stage}, {progress})")
        frames.append(Image.open(io.BytesIO(picture.screenshot())))
    strip = Image.new(
        "RGB", (sum(f.width for f in frames) + 8 * (len(frames) - 1), frames[0].height)
    )
    x = 0
    for frame in frames:
        strip.paste(frame, (x, 0))
        x += frame.width + 8
    strip.save(SHOTS / f"{name}.png", optimize=True)
    context.close()


def over_time(page, testid: str, key: str, seconds: float) -> list[str]:
    """A picture's data-`key`, sampled every animation frame for `seconds`."""
    return page.evaluate(
        """([testid, key, ms]) => new Promise((done) => {
          const picture = document.querySelector(`[data-testid=${testid}]`);
          const seen = [];
          const start = performance.now();
          const look = (now) => {
            seen.push(picture.dataset[key]);
            if (now - start < ms) requestAnimationFrame(look); else done(seen);
          };
          requestAnimationFrame(look);
        })""",
        [testid, key, seconds * 1000],
    )


# The forward picture's pixels, every frame: the mean brightness along each layer's column of discs.
COLUMNS_OVER_TIME = """(ms) => new Promise((done) => {
  const canvas = document.querySelector("[data-testid=story-forward]");
  const ctx = canvas.getContext("2d");
  const ratio = canvas.width / canvas.clientWidth;
  const seen = [];
  const start = performance.now();
  const look = (now) => {
    const xs = canvas.dataset.columns.split(" ").map(Number);
    seen.push(xs.map((x) => {
      const line = ctx.getImageData(Math.round(x * ratio), 0, 1, canvas.height).data;
      let sum = 0;
      for (let i = 0; i < line.length; i += 4) sum += line[i] + line[i + 1] + line[i + 2];
      return sum / (3 * canvas.height);
    }));
    if (now - start < ms) requestAnimationFrame(look); else done(seen);
  };
  requestAnimationFrame(look);
})"""


def numbers(text: str) -> list[float]:
    return [float(v) for v in text.split()]


def test_the_forward_pass_lights_the_layers_in_order(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    open_scene(page, server, 3)
    page.get_by_test_id("story-play").click()  # replay now the digit is loaded
    seen = [numbers(lit) for lit in over_time(page, "story-forward", "lit", 2.4)]
    page.get_by_test_id("story-play").click()
    glow = page.evaluate(COLUMNS_OVER_TIME, 2400)  # the pixels: each column's brightness
    lit_at = []
    for column in zip(*glow):
        low, high = min(column), max(column)
        assert high > low + 5, "a layer's discs never lit up"
        lit_at.append(next(i for i, v in enumerate(column) if v >= (low + high) / 2))
    assert lit_at == sorted(lit_at) and len(set(lit_at)) == len(lit_at), lit_at
    assert seen[-1] == [1, 1, 1, 1]
    # each layer starts lighting only once the one before is fully lit, and never dims
    starts = [next(i for i, lit in enumerate(seen) if lit[l] > 0) for l in range(4)]
    full = [next(i for i, lit in enumerate(seen) if lit[l] >= 1) for l in range(4)]
    assert starts == sorted(starts) and all(full[l] <= starts[l + 1] for l in range(3))
    for a, b in zip(seen, seen[1:]):
        assert all(y >= x for x, y in zip(a, b))
    # pause holds it; step shows the next layer done
    page.get_by_test_id("story-play").click()
    page.get_by_test_id("story-pause").click()
    held = page.get_by_test_id("story-forward").get_attribute("data-lit")
    time.sleep(0.6)
    assert page.get_by_test_id("story-forward").get_attribute("data-lit") == held
    page.get_by_test_id("story-step").click()
    stepped = [
        float(v) for v in page.get_by_test_id("story-forward").get_attribute("data-lit").split()
    ]
    assert stepped.count(1.0) >= sum(float(v) >= 1 for v in held.split())
    assert page.errors == []
    context.close()
    moments = [(0, 1), (1, 0.6), (2, 0.6), (3, 1)]
    frames_strip(chromium, server, 3, "story-forward", moments, "story-forward")


def test_under_reduced_motion_nothing_moves_by_itself(chromium, server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 3)
    picture = page.get_by_test_id("story-forward")
    assert picture.get_attribute("data-lit") == "1.00 1.00 1.00 1.00"
    first = picture.screenshot()
    time.sleep(0.8)
    assert picture.screenshot() == first
    assert page.get_by_test_id("story-pause").is_disabled()
    context.close()


def test_the_one_neuron_chain_says_its_output_is_not_the_networks(chromium, server):  # noqa: F811
    """Chapter 4's chain follows one neuron per layer and leaves out every other input: its a³
    is not the network's output, and the scene says so, with both numbers."""
    import json
    import urllib.request

    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 18)
    assert page.get_by_test_id("story-title").inner_text() == "A chain of one neuron per layer"
    body = json.dumps({"example": {"split": "test", "index": 0}}).encode()
    request = urllib.request.Request(
        f"{server}/api/backprop", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as r:
        answer = json.load(r)
    label, outputs = answer["example"]["label"], answer["activations"][-1]
    words = page.locator(".story-words").inner_text()
    assert "leaves out every other input" in words
    assert f"not the network's {outputs[label]:.3f}" in words, words
    context.close()


def test_the_answer_scene_shows_the_apis_outputs(chromium, server):  # noqa: F811
    import json
    import urllib.request

    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 4)
    body = json.dumps({"example": {"split": "test", "index": 0}}).encode()
    request = urllib.request.Request(
        f"{server}/api/backprop", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as r:
        outputs = json.load(r)["activations"][-1]
    cells = page.locator(".story-table tbody tr td:nth-child(2)").all_inner_texts()
    np.testing.assert_allclose([float(c) for c in cells], outputs, atol=5e-5)
    assert str(int(np.argmax(outputs))) in page.locator(".story-words").inner_text()
    context.close()


NEEDS_SERVER = {"Rolling down the real landscape", "Stumbling quickly against walking carefully"}


def test_the_exported_page_tells_the_story_offline(chromium, trained, web_data, tmp_path):  # noqa: F811
    from digitnet.web.export import export_html
    from digitnet.web.page import to_bytes_255

    test = web_data.test
    samples = [
        {"index": i, "label": int(test.labels[i]), "pixels_255": to_bytes_255(test.images[i])}
        for i in range(8)
    ]
    out = tmp_path / "story.html"
    out.write_text(export_html(trained, "story.safetensors", samples), encoding="utf-8")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, offline=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    assert page.locator("[role=tab]").first.get_attribute("data-testid") == "tab-story"
    assert page.locator("#view-draw").is_visible()  # it opens on Draw
    page.get_by_test_id("tab-story").click()
    count = page.locator(".story-strip a").count()
    for n in range(1, count + 1):
        page.wait_for_selector(f"[data-testid=story-scene][data-index='{n}'][data-ready=yes]")
        title = page.get_by_test_id("story-title").inner_text()
        offline = page.locator(".story-offline")
        if title in NEEDS_SERVER:
            assert "digitnet serve" in offline.inner_text()
        else:
            assert offline.count() == 0, title
        if n < count:
            page.get_by_test_id("story-next").click()
    assert errors == []
    context.close()


def post(address: str, path: str, body: dict) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{address}{path}", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as r:
        return json.load(r)


def table_column(page, column: int) -> list[float]:
    cells = page.locator(f".story-table tbody tr td:nth-child({column})").all_inner_texts()
    return [float(c.replace("−", "-")) for c in cells]


def test_the_cost_and_the_wishes_are_the_apis(chromium, server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 5)
    api = post(server, "/api/backprop", {"example": {"split": "test", "index": 0}})
    np.testing.assert_allclose(table_column(page, 2), api["activations"][-1], atol=5.1e-5)
    np.testing.assert_allclose(table_column(page, 4), api["cost_terms"], rtol=6e-3, atol=5.1e-5)
    label = api["example"]["label"]
    for n, title in ((10, "What the outputs want"), (11, "Three ways")):
        page.goto(f"{server}/#scene={n}")
        page.wait_for_selector(f"[data-testid=story-scene][data-index='{n}']")
        assert page.get_by_test_id("story-title").inner_text().startswith(title)
    # three ways to raise the label's output: its bias's wish is −δ of the output layer
    changes = table_column(page, 2)
    np.testing.assert_allclose(changes[0], -api["deltas"][-1][label], rtol=1e-3)
    assert page.errors == []
    context.close()


def test_the_chain_tree_lights_a_derivatives_path_with_the_apis_numbers(chromium, server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 19)
    tree = page.get_by_test_id("chain-tree")
    nodes = {
        g.get_attribute("data-node"): g.get_attribute("data-value")
        for g in tree.locator("[data-node]").all()
    }
    for name in ("C", "y", "a3", "z3", "w3", "a2", "b3", "z2", "w2", "a1", "b2", "z1", "a0"):
        assert name in nodes, name
    weights = [float(nodes[f"w{l}"]) for l in (1, 2, 3)]
    biases = [float(nodes[f"b{l}"]) for l in (1, 2, 3)]
    chain = post(
        server,
        "/api/chain",
        {"weights": weights, "biases": biases, "x": float(nodes["a0"]), "y": 1.0},
    )
    assert float(nodes["C"]) == pytest.approx(chain["cost"], rel=1e-9)
    for l in (1, 2, 3):
        assert float(nodes[f"a{l}"]) == pytest.approx(chain["a"][l - 1], rel=1e-9)
    # the derivative of w2: its path up to C lit, and its value in the formula
    page.get_by_role("button", name="∂C/∂w²").click()
    page.get_by_test_id("story-step").click()  # reduced motion: each step lights one more factor
    lit = set(tree.locator(".on[data-node]").evaluate_all("gs => gs.map(g => g.dataset.node)"))
    assert {"w2", "z2"} <= lit and "C" not in lit
    page.get_by_test_id("story-play").click()
    page.wait_for_function("() => document.querySelector('[data-node=C]').classList.contains('on')")
    lit = set(tree.locator(".on[data-node]").evaluate_all("gs => gs.map(g => g.dataset.node)"))
    assert lit == {"w2", "z2", "a2", "z3", "a3", "C"}
    formula = page.locator(".story-formula").inner_text().replace("−", "-")
    assert float(formula.split("= ")[-1]) == pytest.approx(chain["dC_dw"][1], rel=1e-3)
    assert page.errors == []
    context.close()


def test_the_sum_over_paths_is_the_apis(chromium, server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 20)
    weight = page.locator(".story-pick select option").first.inner_text()
    assert weight.startswith("weight")
    terms = table_column(page, 4)
    picture = page.locator("canvas[data-paths]")
    assert picture.get_attribute("data-paths") == str(len(terms))
    # the chosen weight is into hidden layer 2; its neuron's ∂C/∂a is the API's
    api = post(server, "/api/backprop", {"example": {"split": "test", "index": 0}})
    dC_da = -np.array(api["nudges"][1])  # ∂C/∂a of hidden layer 2
    assert any(abs(sum(terms) - v) <= 2e-3 * max(1e-9, abs(v)) + 1e-8 for v in dC_da)
    assert page.errors == []
    context.close()


def test_the_nudges_flow_back_from_the_outputs(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    open_scene(page, server, 14)
    page.get_by_test_id("story-play").click()
    seen = over_time(page, "story-backward", "flow", 2.2)
    layers = [[int(part.split(":")[0]) for part in flow.split()] for flow in seen]
    assert layers[0][0] == 3 and layers[-1] == [3, 2, 1]  # outputs first, then back
    assert all(len(a) <= len(b) for a, b in zip(layers, layers[1:]))
    assert page.errors == []
    context.close()
    moments = [(0, 0.6), (1, 0.6), (2, 0.5), (2, 1)]
    frames_strip(chromium, server, 14, "story-backward", moments, "story-backward")


def test_the_exported_bundle_declares_each_top_level_name_once():
    """export-html joins the page's modules into one script: two modules declaring the same
    top-level name would make it a SyntaxError (the story's many modules make this likely)."""
    import re

    from digitnet.web.export import modules
    from digitnet.web.page import STATIC

    declared: dict[str, str] = {}
    top = re.compile(r"^(?:export )?(?:async )?(?:function|class|const|let) ([A-Za-z_$][\w$]*)")
    clashes = []
    for name in modules():
        for line in (STATIC / "js" / name).read_text(encoding="utf-8").splitlines():
            found = top.match(line)
            if found and found[1] in declared:
                clashes.append(f"{found[1]}: {declared[found[1]]} and {name}")
            elif found:
                declared[found[1]] = name
    assert "story.js" in modules() and "landscape-ball.js" in modules()
    assert clashes == []


def test_the_step_moves_the_outputs_from_before_to_after(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    open_scene(page, server, 17)
    page.get_by_test_id("story-play").click()
    seen = [numbers(outputs) for outputs in over_time(page, "story-step-outputs", "outputs", 1.5)]
    api = post(
        server, "/api/backprop/step", {"example": {"split": "test", "index": 0}, "others": 0}
    )
    assert api["learning_rate"] == 3
    np.testing.assert_allclose(seen[0], api["before"], atol=2e-2)  # the first frame, or near it
    np.testing.assert_allclose(seen[-1], api["after"], atol=1e-6)
    label = api["label"]
    moving = [frame[label] for frame in seen]
    assert len(set(moving)) > 3  # it moved through several frames, one way
    steps = np.diff(moving)
    assert (steps >= -1e-12).all() or (steps <= 1e-12).all()
    assert page.errors == []
    context.close()


def test_the_ball_scene_follows_a_short_run_and_leaves_with_it(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    open_scene(page, server, 9)
    ball = page.locator("#view-story [data-testid=landscape-ball]")
    page.wait_for_function(
        """() => {
          const b = document.querySelector('#view-story [data-testid=landscape-ball]');
          return b && b.dataset.running === 'false' && b.dataset.alpha !== '';
        }""",
        timeout=60_000,
    )
    assert ball.is_visible() and int(ball.get_attribute("data-positions")) >= 1
    facts = page.locator("#view-story .ball-facts").inner_text()
    assert "true cost" in facts
    page.get_by_test_id("story-next").click()  # leaving the scene takes the ball away
    assert page.locator("#view-story [data-testid=landscape-ball]").count() == 0
    assert page.errors == []
    context.close()


def test_the_ball_scene_trains_the_loaded_networks_own_kind(chromium, tmp_path, web_data):  # noqa: F811
    """A ReLU + cross-entropy network loaded: the short run the ball follows is one too (its
    shape, its kind's recipe, on a subset of the images), not the video's sigmoid + quadratic."""
    import json
    import urllib.request

    from digitnet.web.app import create_app

    config = TrainConfig((784, 20, 12, 10), "relu", "cross-entropy", epochs=1, seed=4)
    save_model(checkpoint_model(fit(web_data, config), web_data), tmp_path / "relu.safetensors")
    with running(create_app(models_dir=tmp_path, data_loader=lambda: web_data)) as address:
        context, page = story_page(chromium)
        sent = []
        page.on("request", lambda r: r.url.endswith("/api/train") and sent.append(r))
        open_scene(page, address, 9)
        page.wait_for_function(
            """() => {
              const b = document.querySelector('#view-story [data-testid=landscape-ball]');
              return b && b.dataset.running === 'false' && b.dataset.alpha !== '';
            }""",
            timeout=60_000,
        )
        (request,) = [r for r in sent if r.method == "POST"]
        body = request.post_data_json
        assert body["activation"] == "relu" and body["cost"] == "cross-entropy"
        assert body["layers"] == [20, 12] and body["preset"] == "tweaked"
        with urllib.request.urlopen(f"{address}/api/train") as r:
            run = json.load(r)
        assert run["config"]["activation"] == "relu" and run["config"]["cost"] == "cross-entropy"
        assert run["config"]["sizes"] == [784, 20, 12, 10]
        assert run["config"]["batch_size"] == 100  # the tweaked recipe, not the video's 32
        assert run["images"] == body["images"] and 0 < run["epochs_done"] <= body["epochs"]
        assert page.errors == []
        context.close()


@pytest.fixture(scope="module")
def relu_server(tmp_path_factory, web_data):
    """The app serving a small ReLU + softmax/cross-entropy network, trained briefly."""
    from digitnet.web.app import create_app

    folder = tmp_path_factory.mktemp("story-relu")
    config = TrainConfig((784, 20, 12, 10), "relu", "cross-entropy", epochs=1, seed=4)
    save_model(checkpoint_model(fit(web_data, config), web_data), folder / "relu.safetensors")
    with running(create_app(models_dir=folder, data_loader=lambda: web_data)) as address:
        yield address


def test_the_sum_over_paths_names_relus_derivative_and_softmaxs_delta(chromium, relu_server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, relu_server, 20)
    page.wait_for_selector("[data-testid=story-scene][data-index='20'][data-ready=yes]")
    words = page.locator(".story-words").inner_text()
    formula = page.locator("#view-story .story-formula").inner_text()
    heads = page.locator("#view-story .story-table th").all_inner_texts()
    assert "ReLU′(z)" in words and "σ′" not in words, words
    assert "ReLU′(z" in formula and "σ′" not in formula, formula
    assert "δ = a − y" in heads and not any("σ′" in h for h in heads), heads
    assert page.errors == []


def test_on_a_phone_the_scene_comes_first_and_the_example_folds_to_one_line(chromium, server):  # noqa: F811
    """At 390×844 the example's chooser is one line that opens to every control, the strip one
    row (its scene's number in view), so the scene's title and picture are in the first screen."""
    context, page = story_page(chromium, (390, 844), reduced=True)
    open_scene(page, server, 12)
    summary = page.locator("#view-story .story-example-summary")
    assert re.fullmatch(r"Example: test image 0 \(a (\d)\), label \1", summary.inner_text())
    assert not page.locator("#view-story .example-chooser").is_visible()
    tops = page.evaluate(
        """() => Object.fromEntries(['story-title', 'story-stage', 'story-words'].map((c) =>
            [c, document.querySelector('.' + c).getBoundingClientRect().top]))"""
    )
    assert tops["story-title"] < tops["story-stage"] < tops["story-words"], tops
    assert tops["story-stage"] < 844 / 2, tops  # the picture starts in the first half-screen
    strip = page.locator(".story-strip").bounding_box()
    assert strip["height"] < 50  # one row
    current = page.locator(".story-strip a[aria-current=step]").bounding_box()
    assert current["x"] >= strip["x"] and current["x"] + current["width"] <= strip["x"] + 390
    summary.click()  # every control of the chooser, labelled, one tap away
    for control in (
        "label:has-text('Input') select",
        "label:has-text('number') input",
        "[data-testid=story-label]",
    ):
        assert page.locator(f"#view-story {control}").is_visible(), control
    page.locator("#view-story").get_by_role("button", name="Next", exact=True).click()
    page.wait_for_function("() => window.digitnet.example.origin.index === 1")
    assert page.get_by_test_id("story-scene").get_attribute("data-index") == "12"
    assert summary.inner_text().startswith("Example: test image 1 (a ")
    context.close()


def test_the_one_neuron_chain_uses_relu_and_says_why_it_ends_in_a_sigmoid(chromium, relu_server):  # noqa: F811
    context, page = story_page(chromium, VIEWPORTS["phone"], reduced=True)
    open_scene(page, relu_server, 18)
    page.wait_for_selector("[data-testid=story-scene][data-index='18'][data-ready=yes]")
    words = page.locator(".story-words").inner_text()
    assert "ReLU between" in words and "can't be a softmax" in words, words
    assert "leaves out every other input" in words and len(words.split()) <= 60
    chain = page.locator("#view-story .story-chain")
    assert chain.bounding_box()["height"] > 250  # a column on the phone: the words never meet
    assert page.errors == []
    context.close()


STATUS_SAMPLES = """() => new Promise((done) => {
  const seen = [];
  const start = performance.now();
  const look = () => {
    const s = document.querySelector('#view-story .story-status').textContent;
    if (s && seen.at(-1) !== s) seen.push(s);
    const m = /\\((\\d+) of (\\d+)\\)$/.exec(s);
    if ((m && m[1] === m[2] && seen.length > 1) || performance.now() - start > 15000) done(seen);
    else requestAnimationFrame(look);
  };
  look();
})"""


def test_the_status_follows_the_stage_being_played(chromium, server):  # noqa: F811
    context, page = story_page(chromium)
    page.goto(f"{server}/#scene=2")
    page.wait_for_function("() => window.digitnet.example.origin.split === 'test'")
    page.keyboard.press("ArrowRight")  # scene 3, the forward pass, plays from its start
    seen = page.evaluate(STATUS_SAMPLES)
    count = int(seen[-1].rsplit(" of ", 1)[1].rstrip(")"))
    assert count >= 3 and [s.rsplit("(", 1)[1] for s in seen] == [
        f"{i} of {count})" for i in range(1, count + 1)
    ], seen
    assert "hidden layer 1 (2 of" in seen[1], seen
    assert page.errors == []
    context.close()


def test_relu_words_say_relu_and_the_step_shows_its_change(chromium, relu_server):  # noqa: F811
    import re

    context, page = story_page(chromium, reduced=True)
    open_scene(page, relu_server, 2)
    page.wait_for_selector("[data-testid=story-scene][data-index='2'][data-ready=yes]")
    status = page.locator("#view-story .story-status").inner_text()
    assert status.startswith("ReLU(z) (") and "squash" not in status, status
    page.evaluate("location.hash = '#scene=17'")
    page.wait_for_selector("[data-testid=story-scene][data-index='17'][data-ready=yes]")
    words = page.locator(".story-words").inner_text()
    # the output's change itself, signed, beside its before → after
    assert re.search(r"goes \S+ → \S+ \([+−]\S+\)", words), words
    assert page.errors == []
    context.close()


@pytest.mark.parametrize("hash_, scene", [("99", 20), ("0", 1), ("abc", 1)])
def test_a_scene_link_out_of_range_opens_the_nearest_scene(chromium, server, hash_, scene):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    page.goto(f"{server}/#scene={hash_}")
    count = None
    page.wait_for_selector("[data-testid=story-scene][data-index]")
    count = page.locator(".story-strip a").count()
    want = min(scene, count)
    page.wait_for_selector(f"[data-testid=story-scene][data-index='{want}']")
    assert page.locator("#view-story").is_visible() and not page.locator("#view-draw").is_visible()
    page.wait_for_function(f"() => location.hash === '#scene={want}'")
    assert page.errors == []
    context.close()


def test_the_other_digits_captions_are_no_wider_than_their_thumbnails(chromium, server):  # noqa: F811
    context, page = story_page(chromium, reduced=True)
    open_scene(page, server, 17)
    page.wait_for_selector("#view-story .story-thumbs figcaption")
    over = page.evaluate(
        """() => [...document.querySelectorAll('#view-story .story-thumbs figure')].map((f) =>
          f.querySelector('figcaption').scrollWidth - f.querySelector('canvas').offsetWidth)"""
    )
    assert over and max(over) <= 0, over
    assert page.errors == []
    context.close()


def test_the_steps_in_one_dimension_go_downhill_as_the_words_say(chromium, relu_server):  # noqa: F811
    import re

    context, page = story_page(chromium, reduced=True)
    open_scene(page, relu_server, 7)
    page.wait_for_selector("[data-testid=story-scene][data-index='7'][data-ready=yes]")
    words = page.locator(".story-words").inner_text()
    path = re.search(r"The cost: (.*)\.$", words).group(1).replace("−", "-").split(" → ")
    costs = [float(c) for c in path]
    assert len(costs) == 4 and all(b < a for a, b in zip(costs, costs[1:])), words
    assert page.errors == []
    context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_mini_batch_average_stays_in_view(chromium, server, viewport):  # noqa: F811
    context, page = story_page(chromium, VIEWPORTS[viewport], reduced=True)
    open_scene(page, server, 15)
    page.wait_for_selector("#view-story .story-batch th.key")
    edges = page.evaluate(
        """() => {
          const key = document.querySelector('#view-story .story-batch th.key');
          const wrap = key.closest('.table-wrap').getBoundingClientRect();
          const card = document.querySelector('#view-story .story-scene').getBoundingClientRect();
          return [key.getBoundingClientRect().right, wrap.right, card.right, innerWidth];
        }"""
    )
    key, wrap, card, width = edges
    assert key <= wrap + 0.5 and wrap <= card and card <= width, edges
    assert page.locator("#view-story .story-batch th.key").inner_text() == "average"
    assert page.errors == []
    context.close()
