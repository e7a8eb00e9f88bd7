"""One self-contained HTML page: the Draw view and the diagram, the weights embedded, no server.

The page's own ES modules are joined into one inline module (their `import` lines dropped, their
`export` keywords removed: they are written so that this is all a bundler would do here), with
the draw view's markup cut from index.html and the stylesheet inlined. Opens from file://.
"""

from __future__ import annotations

import html
import json
import re

from ..modelfile import ModelFile
from .page import STATIC, model_json

# The modules the standalone page needs, each after the ones it imports.
MODULES = (
    "constants.js",
    "normalize.js",
    "network.js",
    "render.js",
    "diagram.js",
    "draw.js",
    "standalone.js",
)
IMPORT = re.compile(r'^import \{[^}]*\} from "\./[a-z]+\.js";\n', re.MULTILINE)
EXPORT = re.compile(r"^export (?=(?:async )?function |class |const |let )", re.MULTILINE)
DRAW = re.compile(r"<!-- export:draw -->(.*?)<!-- /export:draw -->", re.DOTALL)


def bundle(modules: tuple[str, ...] = MODULES) -> str:
    """The modules as one script: imports between them resolved by concatenation."""
    parts = []
    for name in modules:
        source = (STATIC / "js" / name).read_text(encoding="utf-8")
        parts.append(f"// ---- {name}\n" + EXPORT.sub("", IMPORT.sub("", source)))
    return "\n".join(parts)


def _inline(text: str) -> str:
    """Text safe inside a <script> or <style> element."""
    return text.replace("</", "<\\/")


def export_html(model: ModelFile, name: str) -> str:
    """The whole page as a string."""
    draw = DRAW.search((STATIC / "index.html").read_text(encoding="utf-8"))
    if draw is None:
        raise RuntimeError("index.html lost its export:draw markers")
    css = (STATIC / "style.css").read_text(encoding="utf-8")
    weights = json.dumps(model_json(model, name), separators=(",", ":"))
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
<header class="top"><h1>digitnet</h1>
<span class="muted">{html.escape(name)}: {about}</span></header>
<main>{draw.group(1)}</main>
<script type="application/json" id="digitnet-model">{_inline(weights)}</script>
<script type="module">{_inline(bundle())}</script>
</body>
</html>
"""
