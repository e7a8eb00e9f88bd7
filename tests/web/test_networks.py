"""Every view on every network digitnet trains or imports (conftest.py's `networks`: 1–4 hidden
layers, widths 1–1,024, sigmoid or ReLU, quadratic or cross-entropy, a network2 file), in real
headless Chromium: one page, the models switched by the Model menu. No page or console error,
the numbers shown equal the API's, wide layers drawn legibly; nothing stale after a switch in
either direction; a real test digit studied until the learner draws; the exported page too.
"""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.modelfile import save_model

from .test_a11y import LAYOUT_PROBLEMS
from .test_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    chromium,
    draw_four,
    number,
    post,
    running,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TABS = ("draw", "weights", "learn", "experiments", "story", "gradient", "backprop", "chain")
CHAPTERS = ("gradient", "backprop", "chain")
MAX_DISCS = 20  # diagram.js: discs a layer shows at most


@pytest.fixture(scope="module")
def every_server(tmp_path_factory, networks, web_data):
    """The app over a folder with every network, and a file that is no model ("broken")."""
    from digitnet.web.app import create_app

    folder = tmp_path_factory.mktemp("every-network-served")
    for name, model in networks.items():
        save_model(model, folder / f"{name}.safetensors")
    (folder / "broken.safetensors").write_bytes(b"not a model at all")
    first = folder / "video.safetensors"
    app = create_app(model_path=first, models_dir=folder, data_loader=lambda: web_data)
    with running(app) as address:
        yield address


@pytest.fixture(scope="module")
def one_page(chromium, every_server):  # noqa: F811
    """One 1440×900 page for the module: models are switched, never the page or the server.
    Any page error, console error or dialog fails the test that caused it."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.errors = errors
    page.goto(every_server)
    page.wait_for_function("window.digitnet && window.digitnet.draw.model !== null")
    yield page
    context.close()


@pytest.fixture
def page(one_page):
    one_page.errors.clear()
    yield one_page
    assert one_page.errors == [], f"console errors: {one_page.errors}"


def switch(page, name: str) -> None:
    """The Model menu set to `name`, and the page given that model (PUT /api/model answered)."""
    if page.evaluate("window.digitnet.draw.model.name") == f"{name}.safetensors":
        return
    with page.expect_response(lambda r: r.url.endswith("/api/model") and r.request.method == "PUT"):
        page.locator("#model-select").select_option(f"{name}.safetensors")
    page.wait_for_function(f"window.digitnet.draw.model.name === '{name}.safetensors'")


def open_tab(page, tab: str) -> None:
    page.get_by_test_id(f"tab-{tab}").click()
    assert page.locator(f"#view-{tab}").is_visible()


def shown_example(page) -> dict:
    return page.evaluate(
        """() => { const e = window.digitnet.example;
                   return {x: Array.from(e.x), origin: e.origin, label: e.label}; }"""
    )


def check_gradient(page, sizes) -> None:
    """The shares table and the largest components equal /api/gradient's, layers named."""
    x = shown_example(page)["x"]
    label = int(page.get_by_test_id("gradient-label").input_value())
    body = {"pixels": x, "label": label, "top": 1, "first_layer": False, "line_points": 11}
    api = post(page, "/api/gradient", body)
    rows = page.get_by_test_id("gradient-share")
    assert rows.count() == len(sizes)  # each layer of weights, and all
    for row in api["shares"]:
        cells = page.locator(f"[data-testid=gradient-share][data-layer='{row['layer']}'] td")
        assert cells.nth(1).inner_text() == f"{100 * row['top1']:.1f}%"
    names = page.locator("[data-testid=gradient-share] th").all_inner_texts()
    assert names[0] == "hidden layer 1" and names[-2] == "the output layer"
    if api["top"][0]["abs"] > 0:
        assert page.locator(".top-list li").first.inner_text().startswith(api["top"][0]["name"])


def check_backprop(page, sizes) -> None:
    """The ten outputs and the cost equal /api/backprop's; one chart per hidden layer."""
    x = shown_example(page)["x"]
    label = int(page.get_by_test_id("backprop-label").input_value())
    api = post(page, "/api/backprop", {"pixels": x, "label": label, "first_layer": False})
    rows = page.get_by_test_id("backprop-output")
    assert rows.count() == 10
    shown = [float(rows.nth(d).get_attribute("data-value")) for d in range(10)]
    np.testing.assert_allclose(shown, api["activations"][-1], atol=2e-6)
    drawn = page.evaluate(  # the Draw view's own forward pass (network.js), on the same input
        """async (x) => { const n = await import('/static/js/network.js');
                         const m = window.digitnet.draw.model;
                         return Array.from(n.forward(m, Float64Array.from(x)).at(-1)); }""",
        x,
    )
    np.testing.assert_allclose(drawn, api["activations"][-1], atol=2e-6)
    cost = page.evaluate("window.digitnet.backprop.result.cost")
    assert cost == pytest.approx(api["cost"], abs=1e-6)
    assert page.locator(".sums canvas").count() == len(sizes) - 2
    assert page.locator(".pairs figure").count() == min(16, sizes[1])


def check_chain(page, sizes) -> None:
    """The picked weight's derivative equals /api/chain/network's; its neuron is drawn."""
    pick = page.evaluate("window.digitnet.chain.pick")
    x = shown_example(page)["x"]
    label = int(page.get_by_test_id("chain-label").input_value())
    param = {k: pick[k] for k in ("kind", "layer", "to", "from")}
    api = post(page, "/api/chain/network", {"pixels": x, "label": label, "param": param})
    assert number(page.get_by_test_id("chain-real-fd").inner_text()) == pytest.approx(
        api["finite_difference"],
        rel=5e-3,
        abs=1e-8,  # as shown: 3 significant digits at least
    )
    assert page.get_by_test_id("chain-pick").inner_text().startswith(api["name"])
    shown = page.evaluate("window.digitnet.chain.diagram.shown")
    assert all(len(s) == min(n, MAX_DISCS) for s, n in zip(shown[1:], sizes[1:]))
    assert pick["to"] in shown[pick["layer"]]
    if pick["layer"] > 1:
        assert pick["from"] in shown[pick["layer"] - 1]
    layers = page.get_by_test_id("chain-pick-layer").locator("option").all_inner_texts()
    assert layers == [f"hidden layer {l}" for l in range(1, len(sizes) - 1)] + ["the output layer"]


def test_every_view_works_on_every_network_and_shows_the_apis_numbers(page, networks):
    for name, model in networks.items():
        sizes = model.network.sizes
        switch(page, name)
        for tab in TABS:
            open_tab(page, tab)
            assert page.errors == [], f"{name}, {tab}: {page.errors}"
        wide = [n for n in sizes[1:-1] if n > MAX_DISCS]
        summaries = page.evaluate(
            "() => window.digitnet.draw.diagram.shown.slice(1).map((s) => s.length)"
        )
        assert summaries == [min(n, MAX_DISCS) for n in sizes[1:]], name
        assert page.locator("#grids button").count() == min(sizes[1], 64)
        for tab, check in zip(CHAPTERS, (check_gradient, check_backprop, check_chain)):
            open_tab(page, tab)
            check(page, sizes)
        assert page.errors == [], f"{name}: {page.errors}"
        if wide:  # a pick past the discs shown is made by number, and then drawn
            inputs = "chain-pick"
            page.get_by_test_id(f"{inputs}-layer").select_option("1")
            page.get_by_test_id(f"{inputs}-neuron").fill(str(sizes[1] - 1))
            page.get_by_test_id(f"{inputs}-neuron").dispatch_event("change")
            assert page.evaluate("window.digitnet.chain.pick.to") == sizes[1] - 1
            assert sizes[1] - 1 in page.evaluate("window.digitnet.chain.diagram.shown[1]")
            check_chain(page, sizes)


def test_on_a_phone_the_shares_table_fits_whole_and_nothing_is_cut_off(page, networks):
    """At 390×844 on every shape: the Gradient descent view's shares table needs no sideways
    scroll (no column half under its pinned key column), the count of exactly-zero components is
    words under the rank chart (not a canvas label cut at the edge), and no text in a table, a
    caption or a list runs past its box; the Learn view's hints stay by their inputs."""
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for name in networks:
            switch(page, name)
            open_tab(page, "gradient")
            page.wait_for_selector("[data-testid=gradient-share]")
            wrap = page.locator("#view-gradient .table-wrap", has=page.locator("table.shares"))
            width, scroll = wrap.evaluate("(w) => [w.clientWidth, w.scrollWidth]")
            assert scroll <= width + 1, f"{name}: the shares table scrolls ({scroll} > {width})"
            x = shown_example(page)["x"]
            label = int(page.get_by_test_id("gradient-label").input_value())
            body = {"pixels": x, "label": label, "top": 1, "first_layer": False}
            whole = next(
                r for r in post(page, "/api/gradient", body)["shares"] if r["layer"] == "all"
            )
            zeros = round(whole["n"] * whole["zero_fraction"])
            note = page.locator("#view-gradient .chart-figure figcaption").first
            if zeros:
                assert note.inner_text() == (
                    f"The other {zeros:,} components are exactly 0: no place on a log scale."
                )
            else:
                assert not note.is_visible()
            for tab in ("gradient", "learn"):
                open_tab(page, tab)
                assert page.evaluate(LAYOUT_PROBLEMS) == [], f"{name}, {tab}"
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})


def check_fresh(page, name: str, sizes, open_tab: str) -> None:
    """Every view shows the network `name` and no choice it cannot take, shown or not."""
    L = len(sizes) - 1
    shape = "-".join(map(str, sizes))
    assert page.locator("#model-select").input_value() == f"{name}.safetensors"
    for view in CHAPTERS:
        assert shape in page.locator(f"#view-{view} .convention").inner_text(), view
    pick = page.evaluate("window.digitnet.chain.pick")
    if pick is not None:  # chosen afresh when the view draws for this model
        assert pick["kind"] == "weight" and pick["layer"] == L
    layers = page.get_by_test_id("chain-pick-layer").locator("option").all_inner_texts()
    assert layers[-1] == ("the output layer" if pick is None or pick["layer"] == L else layers[-1])
    assert len(layers) == L
    top = int(page.get_by_test_id("chain-pick-neuron").get_attribute("max"))
    assert top == sizes[L] - 1
    assert page.evaluate("window.digitnet.backprop.neuron") is None
    assert page.locator("table.averaging").count() == 0
    assert page.locator(".sums canvas").count() == L - 1
    assert page.locator("#grids button").count() == min(sizes[1], 64)
    assert page.locator("#noise-thumbs figure").count() == 0  # the old model's nonsense went
    neuron_max = page.get_by_test_id("gradient-neuron-neuron").get_attribute("max")
    assert int(neuron_max) == sizes[max(1, min(2, L - 1))] - 1
    if open_tab == "gradient":
        assert page.get_by_test_id("gradient-share").count() == L + 1


def test_switching_models_leaves_nothing_stale_in_any_view(page, networks):
    """Three shapes, there and back, with each view open; choices made on one are gone."""
    order = ["four", "layers-30", "layers-100-100", "layers-30", "four"]
    for tab in TABS:
        switch(page, "video")  # not the last of the order: every switch below is a change
        open_tab(page, tab)
        for name in order:
            if tab == "chain":  # choose what the next model may not have: a deep hidden neuron
                L = len(page.evaluate("window.digitnet.chain.model.sizes")) - 1
                page.get_by_role("combobox", name="Differentiate").select_option("activation")
                page.get_by_test_id("chain-pick-layer").select_option(str(L - 1))
                assert page.evaluate("window.digitnet.chain.pick.layer") == L - 1
            if tab == "experiments":  # the noise's answers, from this model
                page.get_by_test_id("noise-run").click()
                page.wait_for_selector("#noise-thumbs figure")
            if tab == "backprop":  # an output chosen, an averaging table made
                page.locator("[data-testid=backprop-output][data-digit='7']").click()
                page.get_by_role("button", name="Average over a mini-batch").click()
                page.wait_for_selector("table.averaging")
            switch(page, name)
            check_fresh(page, name, networks[name].network.sizes, tab)
            assert page.errors == [], f"{tab}, {name}: {page.errors}"
    check_chain(page, networks["four"].network.sizes)


def test_a_model_the_menu_refuses_leaves_the_menu_on_the_model_loaded(page):
    switch(page, "video")
    open_tab(page, "chain")
    page.locator("#model-select").select_option("broken.safetensors")
    said = page.locator("#model-status")
    said.wait_for(state="visible")
    assert "Could not load broken.safetensors" in said.inner_text()
    page.wait_for_function("document.querySelector('#model-select').value === 'video.safetensors'")
    assert "784-16-16-10" in page.locator("#view-chain .convention").inner_text()
    # the browser logs the refused request itself; nothing else may appear (no alert either)
    page.errors[:] = [e for e in page.errors if "Failed to load resource" not in e]
    switch(page, "tweaked")
    assert said.is_hidden()


def test_the_chapters_study_a_real_test_digit_until_the_learner_draws(page, web_data):
    switch(page, "video")
    open_tab(page, "draw")
    page.get_by_role("button", name="Clear").click()
    open_tab(page, "backprop")
    example = shown_example(page)
    if example["origin"]["split"] == "drawing":  # drawn on by an earlier test: pick it again
        page.locator("#view-backprop .example-chooser select").select_option("test")
        page.wait_for_function("window.digitnet.example.origin.split === 'test'")
        example = shown_example(page)
    first = int(web_data.test.labels[0])
    chooser = page.locator("#view-backprop .example-chooser")
    np.testing.assert_allclose(example["x"], web_data.test.images[0], atol=1e-6)
    assert f"Studying test image 0 (a {first})" in chooser.inner_text()
    assert page.get_by_test_id("backprop-label").input_value() == str(first)
    # what belonged to this example goes with it: the chosen output, the averaging table
    page.locator("[data-testid=backprop-output][data-digit='3']").click()
    page.get_by_role("button", name="Average over a mini-batch").click()
    page.wait_for_selector("table.averaging")
    assert page.evaluate("window.digitnet.backprop.neuron") == 3
    # another test digit by keyboard: Next, then a number typed
    chooser.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.digitnet.example.origin.index === 1")
    assert page.evaluate("window.digitnet.backprop.neuron") is None
    assert page.locator("table.averaging").count() == 0
    number_input = chooser.get_by_role("spinbutton", name="number")
    number_input.fill("7")
    number_input.press("Enter")
    page.wait_for_function("window.digitnet.example.origin.index === 7")
    np.testing.assert_allclose(shown_example(page)["x"], web_data.test.images[7], atol=1e-6)
    assert f"test image 7 (a {int(web_data.test.labels[7])})" in chooser.inner_text()
    # "Draw your own": the pad; drawing makes the drawing the example; Clear brings test 7 back
    chooser.get_by_role("button", name="Draw your own").click()
    assert page.locator("#view-draw").is_visible()
    draw_four(page)
    assert shown_example(page)["origin"]["split"] == "drawing"
    open_tab(page, "gradient")
    assert "Studying your drawing" in page.locator("#view-gradient .example-chooser").inner_text()
    page.get_by_test_id("tab-draw").click()
    page.get_by_role("button", name="Clear").click()
    assert shown_example(page)["origin"] == {"split": "test", "index": 7}
    # a blank drawing only when picked
    open_tab(page, "chain")
    page.locator("#view-chain .example-chooser select").select_option("drawing")
    assert not any(shown_example(page)["x"])
    assert "your drawing (blank): draw a digit" in page.locator("#view-chain").inner_text()
    page.locator("#view-chain .example-chooser select").select_option("test")
    page.wait_for_function("window.digitnet.example.origin.split === 'test'")


def test_mini_batch_mode_hides_the_examples_input_and_label(page):
    switch(page, "video")
    open_tab(page, "gradient")
    top = page.locator("#view-gradient .chapter-top")
    assert top.locator(".example-chooser").is_visible()
    page.get_by_role("combobox", name="Gradient of").select_option("batch")
    assert top.locator(".example-chooser").is_hidden()
    assert top.locator(".label-pick").is_hidden()
    assert top.get_by_role("spinbutton", name="images").is_visible()
    page.get_by_role("combobox", name="Gradient of").select_option("example")
    assert top.locator(".label-pick").is_visible()


def test_a_sigmoid_activation_is_never_nudged_past_its_range(page):
    switch(page, "video")
    open_tab(page, "chain")
    page.get_by_role("combobox", name="Differentiate").select_option("activation")
    a = page.evaluate(
        """() => { const v = window.digitnet.chain; const p = v.pick;
                   return v.result.activations[p.layer][p.neuron]; }"""
    )
    slider = page.get_by_role("slider", name="nudge it by")
    assert float(slider.get_attribute("max")) == pytest.approx(min(1, 1 - a))
    assert float(slider.get_attribute("min")) == pytest.approx(max(-1, -a))
    # the one-neuron chain's input a⁰ is an activation too
    page.get_by_role("combobox", name="nudge").select_option("x")
    x = float(page.get_by_test_id("chain-x").input_value())
    assert float(page.get_by_test_id("chain-nudge").get_attribute("max")) == pytest.approx(1 - x)


def test_the_stroke_timing_shows_only_with_debug(page, every_server):
    assert page.locator("#timing").is_hidden()
    page.goto(f"{every_server}/?debug")
    page.wait_for_function("window.digitnet && window.digitnet.draw.model !== null")
    draw_four(page)
    assert "stroke → update" in page.locator("#timing").inner_text()
    page.goto(every_server)
    page.wait_for_function("window.digitnet && window.digitnet.draw.model !== null")


EXPORTED = ("tweaked", "narrow", "wide", "four", "network2")  # the extremes of `networks`


def test_the_exported_page_works_on_every_shape(chromium, networks, web_data, tmp_path):  # noqa: F811
    from digitnet.web.export import export_html
    from digitnet.web.page import to_bytes_255

    test = web_data.test
    samples = [
        {"index": i, "label": int(test.labels[i]), "pixels_255": to_bytes_255(test.images[i])}
        for i in range(8)
    ]
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for name in EXPORTED:
        model = networks[name]
        out = tmp_path / f"{name}.html"
        out.write_text(export_html(model, name, samples), encoding="utf-8")
        page.goto(out.as_uri())
        page.wait_for_function("window.digitnet && window.digitnet.draw.model !== null")
        for tab in ("gradient", "backprop", "chain", "draw"):
            open_tab(page, tab)
        assert page.evaluate("window.digitnet.example.origin") == {"split": "test", "index": 0}
        n = len(model.network.sizes) - 1
        assert page.get_by_test_id("gradient-share").count() == n + 1
        assert errors == [], f"{name}: {errors}"
    context.close()
