"""One self-contained HTML page, the weights embedded, no server: the Draw view and the diagram,
and the learning views that run in the page (Backprop, Gradient descent, Chain rule).

The page's own ES modules are joined into one inline module (their `import` lines dropped, their
`export` keywords removed: they are written so that this is all a bundler would do here), with
the views' markup cut from index.html and the stylesheets inlined. Opens from file://. When
MNIST is in the local cache, a few test digits go in too (Backprop moves them with its step).
"""

from __future__ import annotations

import html
import json
import re

from ..data import DataError, load_dataset
from ..modelfile import ModelFile
from .page import STATIC, model_json, to_bytes_255

IMPORT = re.compile(r'^import \{[^}]*\} from "\./[a-z-]+\.js";\n', re.MULTILINE)
EXPORT = re.compile(r"^export (?=(?:async )?function |class |const |let )", re.MULTILINE)
VIEWS = ("story", "draw", "gradient", "backprop", "chain")  # the tabs, as marked in index.html
OPENS = "draw"  # the tab the page opens on
TAB_NAMES = {
    "story": "Story",
    "draw": "Draw",
    "gradient": "Gradient descent",
    "backprop": "Backprop",
    "chain": "Chain rule",
}
STYLESHEETS = ("style.css", "chapters.css")
SAMPLES = 8  # test digits embedded for the Backprop view's step


FROM = re.compile(r'^import \{[^}]*\} from "\./([a-z-]+\.js)";$', re.MULTILINE)
ENTRY = "standalone.js"  # the exported page's own module; it imports the rest


def modules(entry: str = ENTRY) -> list[str]:
    """The modules `entry` needs, each after the ones it imports (read from their imports)."""
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise RuntimeError(f"the page's modules import in a circle: {' → '.join(path)}")
        source = (STATIC / "js" / name).read_text(encoding="utf-8")
        for imported in FROM.findall(source):
            visit(imported, (*path, name))
        order.append(name)

    visit(entry, ())
    return order


def bundle(entry: str = ENTRY) -> str:
    """The modules as one script: imports between them resolved by concatenation."""
    parts = []
    for name in modules(entry):
        source = (STATIC / "js" / name).read_text(encoding="utf-8")
        # concatenation resolves plain `import { a, b } from "./m.js";` lines and nothing else
        left = [m for m in IMPORT.findall(source) if " as " in m]
        left += [line for line in IMPORT.sub("", source).splitlines() if line.startswith("import")]
        if left:
            raise RuntimeError(f"{name}: an import the exported page cannot join: {left[0]!r}")
        parts.append(f"// ---- {name}\n" + EXPORT.sub("", IMPORT.sub("", source)))
    return "\n".join(parts)


def _inline(text: str) -> str:
    """Text safe inside a <script> or <style> element."""
    return text.replace("</", "<\\/")


def view_markup(view: str) -> str:
    """A view's markup from index.html, between its export markers."""
    found = re.search(
        rf"<!-- export:{view} -->(.*?)<!-- /export:{view} -->",
        (STATIC / "index.html").read_text(encoding="utf-8"),
        re.DOTALL,
    )
    if found is None:
        raise RuntimeError(f"index.html lost its export:{view} markers")
    return found.group(1)


def held_out_digits(dataset: str = "mnist", n: int = SAMPLES) -> list[dict] | None:
    """The first n test images of the dataset from the local cache (never downloaded), or None."""
    try:
        test = load_dataset(dataset, progress=False, sources=()).test
    except DataError:
        return None
    return [
        {"index": i, "label": int(test.labels[i]), "pixels_255": to_bytes_255(test.images[i])}
        for i in range(n)
    ]


def export_html(model: ModelFile, name: str, samples: list[dict] | None = None) -> str:
    """The whole page as a string. samples: test images for the Backprop view's step, as
    held_out_digits gives them; None: those of the model's dataset in the local cache, if any."""
    if samples is None:  # the test images of the dataset the model was trained on
        trained_on = str(model.training.get("dataset", "mnist"))
        samples = held_out_digits(trained_on if trained_on == "fashion-mnist" else "mnist")
    views = "".join(view_markup(view) for view in VIEWS)
    tabs = "".join(
        f'<button role="tab" id="tab-{v}" data-testid="tab-{v}" aria-controls="view-{v}" '
        f'aria-selected="{str(v == OPENS).lower()}"{"" if v == OPENS else " tabindex=-1"}>'
        f"{TAB_NAMES[v]}</button>"
        for v in VIEWS
    )
    css = "\n".join((STATIC / sheet).read_text(encoding="utf-8") for sheet in STYLESHEETS)
    weights = json.dumps(model_json(model, name), separators=(",", ":"))
    digits = ""
    if samples:
        data = _inline(json.dumps(samples, separators=(",", ":")))
        digits = f'<script type="application/json" id="digitnet-samples">{data}</script>'
    net = model.network
    accuracy = model.metrics.get("test_accuracy")
    about = f"{'-'.join(map(str, net.sizes))} {net.activation} network"
    if accuracy is not None:
        about += f", {accuracy:.2%} on the test set"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>digitnet: {html.escape(name)}</title>
<link rel="icon" href="data:,">
<style>{_inline(css)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the view</a>
<header class="top"><h1>digitnet</h1>
<nav role="tablist" aria-label="Views">{tabs}</nav>
<span class="muted">{html.escape(name)}: {about}</span></header>
<main id="main" tabindex="-1">{views}</main>
<script type="application/json" id="digitnet-model">{_inline(weights)}</script>
{digits}
<script type="module">{_inline(bundle())}</script>
</body>
</html>
"""
