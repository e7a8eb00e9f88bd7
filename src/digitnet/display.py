"""How a network shows itself in a notebook: a small table and an SVG diagram, as HTML.

``Network._repr_html_`` calls ``network_html``; Jupyter shows the result when a cell ends with
a network. Plain strings only (no Pillow, no matplotlib), so that the core stays light; big
layers are drawn as a few neurons and a count, and edges between drawn neurons take the sign
of their weight (green +, red −) and its size as opacity, as in the pictures.
"""

from __future__ import annotations

import html
from typing import Any, Protocol

import numpy as np


class Network(Protocol):
    """What the view reads of a `network.Network` (not imported: the network imports this)."""

    sizes: list[int]
    weights: list[np.ndarray]
    activation: str
    cost: Any  # a functions.Cost: its .name
    dtype: np.dtype

    @property
    def n_params(self) -> int: ...

    @property
    def n_weights(self) -> int: ...


SHOWN = 10  # neurons drawn per layer at most; the rest are "⋮" and a count
WIDTH, HEIGHT, RADIUS = 420, 220, 6


def _shown(n: int) -> list[int]:
    """Which neurons of a layer of n to draw: all, or the first and last few."""
    if n <= SHOWN:
        return list(range(n))
    half = SHOWN // 2
    return [*range(half), *range(n - half, n)]


def network_svg(net: Network) -> str:
    """The layers as columns of neurons joined by their weights, in an SVG string."""
    layers = len(net.sizes)
    xs = [40 + k * (WIDTH - 80) / (layers - 1) for k in range(layers)]
    centres = []  # per layer: {neuron index: (x, y)}
    for x, n in zip(xs, net.sizes):
        shown, gap = _shown(n), n > SHOWN  # a big layer leaves a slot in the middle for "⋮"
        step = (HEIGHT - 60) / (len(shown) + gap)
        ys = [30 + step * (i + 0.5 + (gap and i >= SHOWN // 2)) for i in range(len(shown))]
        centres.append(dict(zip(shown, zip([x] * len(shown), ys))))
    parts = []
    for l, W in enumerate(net.weights):
        scale = float(np.max(np.abs(W))) or 1.0
        for j, (x1, y1) in centres[l + 1].items():
            for k, (x0, y0) in centres[l].items():
                w = float(W[j, k])
                colour = "#2ca02c" if w > 0 else "#d62728"
                opacity = 0.15 + 0.6 * min(abs(w) / scale, 1.0)
                parts.append(
                    f'<line x1="{x0:.0f}" y1="{y0:.0f}" x2="{x1:.0f}" y2="{y1:.0f}" '
                    f'stroke="{colour}" stroke-opacity="{opacity:.2f}" stroke-width="0.8"/>'
                )
    names = ["input"] + [f"hidden {i}" for i in range(1, layers - 1)] + ["output"]
    for (x, name), n, neurons in zip(zip(xs, names), net.sizes, centres):
        for cx, cy in neurons.values():
            parts.append(
                f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{RADIUS}" fill="#eee" stroke="#555"/>'
            )
        if n > SHOWN:
            middle = 30 + (HEIGHT - 60) / 2 + 4
            parts.append(
                f'<text x="{x:.0f}" y="{middle:.0f}" font-size="12" text-anchor="middle">⋮</text>'
            )
        parts.append(
            f'<text x="{x:.0f}" y="{HEIGHT - 8}" font-size="12" text-anchor="middle">'
            f"{name} ({n})</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">{"".join(parts)}</svg>'
    )


def network_html(net: Network) -> str:
    """A notebook's view of a network: sizes, parameter count, σ, cost, dtype, and the diagram."""
    output = "sigmoid" if net.cost.name == "quadratic" else "softmax"
    rows = [
        ("sizes", " → ".join(str(n) for n in net.sizes)),
        (
            "parameters",
            f"{net.n_params:,} ({net.n_weights:,} weights, "
            f"{net.n_params - net.n_weights:,} biases)",
        ),  # fmt: skip
        ("hidden neurons", net.activation),
        ("output neurons", output),
        ("cost", net.cost.name),
        ("dtype", net.dtype.name),
    ]
    table = "".join(
        f'<tr><th style="text-align:left">{html.escape(k)}</th>'
        f'<td style="text-align:left;white-space:nowrap">{html.escape(v)}</td></tr>'
        for k, v in rows
    )
    return (
        '<div style="display:flex;gap:1.5em;align-items:center">'
        f"<table><caption><b>digitnet Network</b></caption>{table}</table>"
        f"{network_svg(net)}</div>"
    )
