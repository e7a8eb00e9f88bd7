"""Every reader, every screen: axe-core (pinned in package-lock.json, injected by the test, never
shipped) finds no WCAG 2.0/2.1 A or AA violation on any tab, before and after its main
interactions, at 1440×900 and at 390×844; on the phone nothing scrolls sideways, the tables'
key columns stay in view and every control is at least 24 px; the keyboard reaches the drawing
pad, draws on it and picks what the mouse picks.

Every tab in the tablist is walked, so a new view is checked as soon as it is added.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digitnet.modelfile import save_model

from . import test_browser as browser
from .test_browser import CHROMIUM, draw_four, open_app

# test_browser's browser (shared) and server fixtures, used here too
chromium = browser.chromium
server = browser.server

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

RUN_AXE = """async (tags) => {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
        rules: {'heading-order': {enabled: true}}});
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' '))
        .join(' | ')} (${v.nodes.length}) ${v.nodes[0].failureSummary.split('\\n')[1] || ''}`);
}"""

# On a phone: what sticks out sideways, key cells out of their table's view, small targets, a
# drawing pad that would scroll the page under a finger, and (the phone asking for reduced
# motion) any CSS animation or transition still running.
PHONE_PROBLEMS = """() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > innerWidth) problems.push(`scrollWidth ${root.scrollWidth}`);
    const shown = (e) => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden';
    for (const cell of document.querySelectorAll('main td.key, main th.key')) {
        if (!shown(cell)) continue;
        const box = cell.getBoundingClientRect();
        const wrap = (cell.closest('.table-wrap') || root).getBoundingClientRect();
        if (box.left < wrap.left - 1 || box.right > Math.min(wrap.right, innerWidth) + 1)
            problems.push(`key cell out of view: ${cell.textContent.trim().slice(0, 30)}`);
    }
    const controls = 'button, select, input, a[href], [tabindex="0"], [role=tab]';
    for (const c of document.querySelectorAll(controls)) {
        if (!shown(c)) continue;
        const box = c.getBoundingClientRect();
        if (box.width < 24 || box.height < 24)
            problems.push(`target ${Math.round(box.width)}×${Math.round(box.height)}: ` +
                (c.getAttribute('aria-label') || c.textContent.trim().slice(0, 30)
                 || c.outerHTML.slice(0, 60)));
    }
    const pad = document.querySelector('#pad');
    if (pad && getComputedStyle(pad).touchAction !== 'none') problems.push('the pad pans on touch');
    // the phone asks for reduced motion: nothing may still be moving once the view settled
    for (const a of document.getAnimations())
        problems.push(`still moving: ${a.animationName || a.id}`);
    return problems;
}"""


# At every size: text cut off by its own box (a table cell, a caption, a list item, a label or a
# paragraph narrower than its words), and a form's hint away from the input it describes (more
# than 24 px from the input's box, as the layers hint once stood beside the Activation menu).
LAYOUT_PROBLEMS = """() => {
    const problems = [];
    const shown = (e) => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden';
    const text = (e) => e.textContent.trim().slice(0, 40);
    const blocks = 'main :is(th, td, caption, figcaption, li, label, p, h2, h3)';
    for (const e of document.querySelectorAll(blocks)) {
        if (!shown(e) || e.closest('.sr-only') || getComputedStyle(e).display === 'inline')
            continue;
        if (e.scrollWidth > e.clientWidth + 1) problems.push(`text cut off: ${text(e)}`);
    }
    for (const input of document.querySelectorAll('main form [aria-describedby]')) {
        for (const id of input.getAttribute('aria-describedby').split(' ')) {
            const hint = document.getElementById(id);
            if (!hint || !shown(hint) || !shown(input) || !input.form.contains(hint)) continue;
            const a = input.getBoundingClientRect();
            const b = hint.getBoundingClientRect();
            const dx = Math.max(0, a.left - b.right, b.left - a.right);
            const dy = Math.max(0, a.top - b.bottom, b.top - a.bottom);
            if (dx > 24 || dy > 24)
                problems.push(`hint ${Math.round(dx)}, ${Math.round(dy)} px from its input: ` +
                    text(hint));
        }
    }
    return problems;
}"""


def settle(page) -> None:
    """Let the views finish their fetches and frames."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def problems(page, phone: bool) -> list[str]:
    settle(page)
    if not page.evaluate("typeof axe !== 'undefined'"):
        assert AXE.exists(), "axe-core is not installed: run npm ci"  # never skipped silently
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, TAGS)
    found += page.evaluate(LAYOUT_PROBLEMS)
    return found + (page.evaluate(PHONE_PROBLEMS) if phone else [])


# The main interactions of each view (a tab without an entry is checked as it opens).
def use_story(page) -> None:
    step = page.get_by_test_id("story-next")
    while step.is_enabled():  # every scene
        step.click()


def use_draw(page) -> None:
    draw_four(page)
    pad = page.get_by_test_id("draw-canvas")
    pad.focus()  # the keyboard draws too: a stroke down from the pen's place
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")


def use_weights(page) -> None:
    page.locator("#grids button").first.click()


def use_learn(page) -> None:
    page.wait_for_function("!document.querySelector('[data-testid=train-start]').disabled")
    page.get_by_label("Hidden layers").fill("8")
    page.get_by_label("Epochs").fill("1")
    page.get_by_test_id("train-start").click()
    page.wait_for_function(
        "!document.querySelector('[data-testid=train-save]').disabled", timeout=30_000
    )


def use_experiments(page) -> None:
    page.get_by_test_id("noise-run").click()
    page.wait_for_function("document.querySelectorAll('#noise-thumbs figure').length === 12")
    page.get_by_role("button", name="Next").click()
    page.wait_for_function("document.querySelector('#mistakes-status').textContent !== ''")


def use_gradient(page) -> None:
    view = page.locator("#view-gradient")
    assert page.locator("table.shares .key").count() == 5  # "exactly 0", in view
    view.get_by_label("Step size η").fill("6")
    page.get_by_test_id("gradient-edge-neuron").fill("2")  # an edge, by its numbers
    page.get_by_test_id("gradient-edge-neuron").press("Tab")
    page.get_by_test_id("landscape-run").click()
    page.get_by_test_id("landscape").wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("gradient-neuron-layer").select_option("2")
    view.get_by_role("button", name="Show what it looks for").click()
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=neuron-top-any] figure').length === 8"
    )


def use_backprop(page) -> None:
    page.get_by_test_id("backprop-label").select_option("3")
    page.locator("[data-testid=backprop-output][data-digit='5']").click()
    page.get_by_test_id("apply-step").click()
    page.get_by_role("button", name="Average over a mini-batch").click()
    page.wait_for_function("document.querySelectorAll('table.averaging tr').length === 9")
    assert page.locator("table.averaging .key").count() == 9  # the average, kept in view


def use_chain(page) -> None:
    assert page.locator("table.derivatives .key").count() == 1 + 10  # the ratio of nudges
    page.get_by_test_id("chain-w3").fill("-2.5")
    page.get_by_test_id("chain-nudge").fill("0.05")
    page.get_by_test_id("chain-pick-layer").select_option("1")  # a weight, by its numbers
    page.get_by_test_id("chain-pick-neuron").fill("3")
    page.get_by_test_id("chain-pick-neuron").press("Tab")


# On the phone, with DIGITNET_SCREENSHOTS=1: the part of a view shown in docs/web.md.
PHONE_SHOTS = {"backprop": ".bp-average", "chain": ".chain-picture", "gradient": ".landscape"}

USE = {
    "story": use_story,
    "draw": use_draw,
    "weights": use_weights,
    "learn": use_learn,
    "experiments": use_experiments,
    "gradient": use_gradient,
    "backprop": use_backprop,
    "chain": use_chain,
}


@pytest.fixture(scope="module")
def wide_server(tmp_path_factory, networks, web_data):
    """The app serving the tweaked preset (784-300-100-10, ReLU, cross-entropy), trained 1 epoch."""
    from digitnet.web.app import create_app

    folder = tmp_path_factory.mktemp("a11y-wide")
    save_model(networks["tweaked"], folder / "tweaked.safetensors")
    with browser.running(create_app(models_dir=folder, data_loader=lambda: web_data)) as address:
        yield address


@pytest.mark.parametrize(
    "width,height,served",
    [(1440, 900, "server"), (390, 844, "server"), (390, 844, "wide_server")],
    ids=["desktop", "phone", "phone-wide"],
)
def test_every_tab_has_no_accessibility_violation_before_and_after_use(
    chromium, request, width, height, served
):
    server = request.getfixturevalue(served)
    phone = width < 500
    context = chromium.new_context(  # bypass_csp: the page's CSP would refuse the injected axe
        viewport={"width": width, "height": height},
        has_touch=phone,
        is_mobile=phone,
        reduced_motion="reduce" if phone else "no-preference",
        bypass_csp=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_app(page, server)
    found: dict[str, list[str]] = {}
    tabs = page.locator("[role=tab]")
    names = [tabs.nth(i).get_attribute("id").removeprefix("tab-") for i in range(tabs.count())]
    assert len(names) >= 7
    for name in names:
        page.locator(f"#tab-{name}").click()
        found[f"{name} opened"] = problems(page, phone)
        if name in USE:
            USE[name](page)
            found[f"{name} used"] = problems(page, phone)
        if phone and served == "server" and name in PHONE_SHOTS:  # for docs/web.md
            page.locator(PHONE_SHOTS[name]).first.scroll_into_view_if_needed()
            browser.screenshot(page, f"phone-{name}")
    context.close()
    assert errors == []
    report = [f"{where}: {problem}" for where, listed in found.items() for problem in listed]
    assert not report, "\n".join(report)


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_the_keyboard_alone_skips_draws_picks_a_test_digit_and_adds_a_weight(chromium, server):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_app(page, server)
    page.keyboard.press("Tab")  # the skip link comes first, and shows itself
    assert focused(page) == "skip"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert focused(page) == "main"
    page.keyboard.press("Tab")  # the open view's first control: the drawing pad
    assert focused(page) == "pad" and page.locator(".pen").is_visible()
    page.keyboard.press("Space")  # the pen down, a stroke, the pen up
    for key in ["ArrowDown"] * 8 + ["ArrowRight"] * 2:
        page.keyboard.press(key)
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('#answer').textContent !== ''")
    assert page.get_by_test_id("output-bar").count() == 10
    page.keyboard.press("Delete")
    assert page.get_by_test_id("answer").inner_text() == ""
    # to Backprop by the tabs' arrow keys, a test digit by its number, a weight by its neuron
    page.locator("[role=tab][aria-selected=true]").focus()
    while page.locator("#tab-backprop").get_attribute("aria-selected") != "true":
        page.keyboard.press("ArrowRight")
    view = page.locator("#view-backprop")
    view.get_by_label("number").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => `${window.digitnet.example.origin.split} ${window.digitnet.example.origin.index}`"
        " === 'test 7'"
    )
    view.get_by_label("the weight from neuron").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert "Added the weight from neuron 3" in view.inner_text()
    context.close()
    assert errors == []


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_exported_page_has_no_accessibility_violation(
    chromium, trained, tmp_path, width, height
):
    from digitnet.cli import main

    model = tmp_path / "mine.safetensors"
    save_model(trained, model)
    out = tmp_path / "mine.html"
    assert main(["export-html", str(model), "-o", str(out)]) == 0
    context = chromium.new_context(
        viewport={"width": width, "height": height}, offline=True, bypass_csp=True
    )
    page = context.new_page()
    page.goto(out.as_uri())
    page.wait_for_function("window.digitnet && window.digitnet.draw.model !== null")
    found = {}
    for tab in page.locator("[role=tab]").all():
        tab.click()
        found[tab.get_attribute("id")] = problems(page, width < 500)
    context.close()
    assert len(found) >= 4 and {k: v for k, v in found.items() if v} == {}


def test_a_long_model_name_never_makes_a_phone_scroll_sideways(
    chromium, tmp_path_factory, trained, web_data
):
    """The header's model menu shows the served model's name: a long one stays within 390 px."""
    from digitnet.web.app import create_app

    folder = tmp_path_factory.mktemp("a11y-long-name")
    save_model(trained, folder / "my-very-long-model-name-tweaked-3.safetensors")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    with browser.running(create_app(models_dir=folder, data_loader=lambda: web_data)) as address:
        open_app(page, address)
        menu = page.locator("#model-select")
        assert "my-very-long-model-name-tweaked-3" in menu.locator("option:checked").inner_text()
        for tab in ("story", "draw", "learn"):
            page.locator(f"#tab-{tab}").click()
            wide = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert wide[0] <= wide[1], f"{tab}: the page is {wide[0]} px wide in {wide[1]}"
            box = menu.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    context.close()
