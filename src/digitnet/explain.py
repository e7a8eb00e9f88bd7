"""How the network learns from one example, number by number: its cost term by term, the nudges
−∂C/∂aˡ each layer is asked for, each neuron's share of them, one example's step, the gradient's
components ranked, the chain rule with its factors, and what a neuron of any layer looks for.

Everything is computed in float64 on a copy of the network, with the network's own cost. Layers
are counted like ``activations``: 0 is the input, L = len(sizes) − 1 the output; a weight "of
layer l" feeds layer l and lives in ``net.weights[l − 1]``. No pictures and no I/O here.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .functions import sigmoid, sigmoid_prime
from .network import Network, one_hot

Array = np.ndarray
EPS = 1e-6  # central-difference step, in float64
COST_FORMULAS = {"quadratic": "C = Σⱼ (aⱼ − yⱼ)²", "cross-entropy": "C = −Σⱼ yⱼ ln aⱼ"}


def float64(net: Network) -> Network:
    """A float64 copy of ``net`` (same structure and parameters): exact gradients, no rounding."""
    twin = Network(net.sizes, net.activation, net.cost.name, dtype="float64")
    twin.params[...] = net.params
    return twin


def check_label(net: Network, label: int) -> int:
    if not 0 <= int(label) < net.sizes[-1]:
        raise ValueError(f"label must be 0–{net.sizes[-1] - 1}, got {label}")
    return int(label)


# ---- as JSON, for the page and the widgets -----------------------------------------------


def encode_array(a: Array) -> str:
    """Little-endian bytes of a float array, base64: exact and compact for the browser."""
    little_endian = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    return base64.b64encode(little_endian.tobytes()).decode()


def network_json(net: Network) -> dict[str, Any]:
    """The network as the page's `decodeModel` (network.js) reads it: shape and weights."""
    return {
        "sizes": net.sizes,
        "activation": net.activation,
        "cost": net.cost.name,
        "dtype": net.dtype.name,
        "weights": [encode_array(W) for W in net.weights],
        "biases": [encode_array(b) for b in net.biases],
    }


def pixels_255(x: Array) -> list[int]:
    """An input in [0, 1] → whole numbers 0–255 for the page to draw."""
    return np.round(np.clip(x, 0.0, 1.0) * 255).astype(int).ravel().tolist()


def finite(value: Any) -> Any:
    """A JSON answer with null wherever a number is not finite (a diverged path, a cost
    beyond float range): JSON has no NaN or Infinity."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


# ---- one example, layer by layer ---------------------------------------------------------


def _passes(net: Network, x: Array, label: int) -> dict[str, list[Any]]:
    """Forward and backward for one example (float64 columns): every zˡ, aˡ, σ′(zˡ), ∂C/∂aˡ, δˡ.

    Lists are per non-input layer (index l − 1 ↔ layer l) except ``activations`` (a⁰ first).
    For a softmax output σ′ is not one number per neuron: its entry is None, and δᴸ = aᴸ − y.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    zs, activations = net.forward(x)
    zs, activations = [z.copy() for z in zs], [a.copy() for a in activations]
    y = one_hot(np.array([label]), net.sizes[-1], "float64")
    a_out = activations[-1]
    L = len(net.weights)
    primes: list[Array | None] = [net.sigma.prime(zs[l]) for l in range(L - 1)]
    if net.cost.name == "quadratic":
        primes.append(sigmoid_prime(zs[-1]))
        dC_da = 2 * (a_out - y)  # ∂C/∂aᴸ = 2(aᴸ − y)
    else:
        primes.append(None)
        dC_da = -y / np.maximum(a_out, np.finfo(np.float64).tiny)  # ∂C/∂aᴸ = −y/aᴸ
    deltas = [net.cost.output_delta(zs[-1], a_out, y)]  # δᴸ = ∂C/∂zᴸ
    grads_a = [dC_da]
    for l in reversed(range(L - 1)):
        back = net.weights[l + 1].T @ deltas[0]  # ∂C/∂aˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹
        grads_a.insert(0, back)
        deltas.insert(0, back * primes[l])  # δˡ = ∂C/∂aˡ ⊙ σ′(zˡ)
    return {
        "zs": zs,
        "activations": activations,
        "primes": primes,
        "dC_da": grads_a,
        "deltas": deltas,
        "y": [y],
    }


def column(v: Array) -> list[float]:
    return np.asarray(v, dtype=np.float64).ravel().tolist()


def backprop_example(
    net: Network, x: Array, label: int, first_layer: bool = True
) -> dict[str, Any]:
    """One example's cost term by term, and what it asks of every layer (see learn-api.md).

    nudges[l−1] = −∂C/∂aˡ; contributions[l−1][j][k] = wⱼₖ δⱼ = wⱼₖ σ′(zⱼ) ∂C/∂aⱼ for hidden
    layer l (j over layer l+1), whose sum over j is ∂C/∂aₖ = −nudges[l−1][k].
    """
    net = float64(net)
    label = check_label(net, label)
    p = _passes(net, x, label)
    a_out, y = p["activations"][-1][:, 0], p["y"][0][:, 0]
    if net.cost.name == "quadratic":
        terms = (a_out - y) ** 2  # (aⱼ − yⱼ)²
    else:
        terms = -y * np.log(np.maximum(a_out, np.finfo(np.float64).tiny))  # −yⱼ ln aⱼ
    grad_W = [d @ a.T for d, a in zip(p["deltas"], p["activations"][:-1])]  # δˡ (aˡ⁻¹)ᵀ
    L = len(net.weights)
    return {
        "sizes": net.sizes,
        "cost_function": net.cost.name,
        "cost_formula": COST_FORMULAS[net.cost.name],
        "label": label,
        "answer": int(a_out.argmax()),
        "target": column(y),
        "cost": float(terms.sum()),
        "cost_terms": column(terms),
        "activations": [column(a) for a in p["activations"]],
        "zs": [column(z) for z in p["zs"]],
        "sigma_prime": [None if s is None else column(s) for s in p["primes"]],
        "nudges": [column(-g) for g in p["dC_da"]],
        "deltas": [column(d) for d in p["deltas"]],
        "grad_biases": [column(d) for d in p["deltas"]],  # ∂C/∂bˡ = δˡ
        "grad_weights": [
            None if l == 0 and not first_layer else g.tolist() for l, g in enumerate(grad_W)
        ],
        "contributions": [
            (net.weights[l + 1] * p["deltas"][l + 1]).tolist()  # wⱼₖ δⱼ, rows j, columns k
            for l in range(L - 1)
        ],
    }


def take_step(
    net: Network,
    x: Array,
    label: int,
    learning_rate: float,
    others: tuple[Array, Array] | None = None,
) -> tuple[dict[str, Any], Network]:
    """θ ← θ − η ∇C_x for this one example: its outputs and cost before and after, and those of
    ``others`` (images, labels). Returns the report and the stepped network (float64); ``net``
    itself is left alone.
    """
    before = float64(net)
    label = check_label(before, label)
    X = np.asarray(x, dtype=np.float64).reshape(1, -1)
    labels = np.array([label])
    grad = flat_gradient(before, X, labels)
    after = before.copy()
    after.params -= learning_rate * grad  # θ ← θ − η∇C_x
    report: dict[str, Any] = {
        "label": label,
        "learning_rate": float(learning_rate),
        "cost_function": net.cost.name,
        "step_norm": float(learning_rate * np.linalg.norm(grad)),
        "before": column(before.feedforward(X)),
        "after": column(after.feedforward(X)),
        "cost_before": before.mean_cost(X, labels),
        "cost_after": after.mean_cost(X, labels),
        "others": [],
    }
    if others is not None and len(others[1]):
        OX, olabels = np.asarray(others[0], dtype=np.float64), np.asarray(others[1])
        out_before, out_after = before.feedforward(OX), after.feedforward(OX)
        for i in range(len(olabels)):
            one = OX[i : i + 1], olabels[i : i + 1]
            report["others"].append(
                {
                    "label": int(olabels[i]),
                    "before": column(out_before[i]),
                    "after": column(out_after[i]),
                    "cost_before": before.mean_cost(*one),
                    "cost_after": after.mean_cost(*one),
                }
            )
    return report, after


# ---- parameters by name ------------------------------------------------------------------


def param_index(net: Network, ref: dict[str, Any]) -> int:
    """The flat index in ``net.params`` of {"kind": "weight", "layer", "to", "from"} or
    {"kind": "bias", "layer", "to"}; a clear ValueError for anything out of range."""
    L = len(net.weights)
    kind, layer = ref.get("kind"), ref.get("layer")
    if kind not in ("weight", "bias"):
        raise ValueError(f"param kind must be 'weight' or 'bias', got {kind!r}")
    if not isinstance(layer, int) or not 1 <= layer <= L:
        raise ValueError(f"param layer must be 1–{L} (the layer it feeds), got {layer!r}")
    n_out, n_in = net.weights[layer - 1].shape
    j = ref.get("to")
    if not isinstance(j, int) or not 0 <= j < n_out:
        raise ValueError(f"param 'to' must be 0–{n_out - 1} for layer {layer}, got {j!r}")
    if kind == "bias":
        return net.n_weights + sum(b.size for b in net.biases[: layer - 1]) + j
    k = ref.get("from")
    if not isinstance(k, int) or not 0 <= k < n_in:
        raise ValueError(f"param 'from' must be 0–{n_in - 1} for layer {layer}, got {k!r}")
    return sum(W.size for W in net.weights[: layer - 1]) + j * n_in + k


def layer_name(net: Network, layer: int) -> str:
    """A layer in the video's words: "the input layer", "hidden layer 2", "the output layer"
    (the page's chain-math.js layerName says the same)."""
    if layer == 0:
        return "the input layer"
    return "the output layer" if layer == len(net.sizes) - 1 else f"hidden layer {layer}"


def neuron_name(net: Network, layer: int, j: int) -> str:
    return f"neuron {j} of {layer_name(net, layer)}"


def describe(net: Network, index: int) -> dict[str, Any]:
    """Name the parameter at a flat index: {"kind", "layer", "to", ("from"), "index", "name"}."""
    if not 0 <= index < net.n_params:
        raise ValueError(f"parameter index must be 0–{net.n_params - 1}, got {index}")
    start = 0
    for l, W in enumerate(net.weights):
        if index < start + W.size:
            j, k = divmod(index - start, W.shape[1])
            if l == 0 and W.shape[1] == 784:
                source = f"pixel (row {k // 28}, column {k % 28})"
            else:
                source = neuron_name(net, l, k)
            name = f"weight from {source} to {neuron_name(net, l + 1, j)}"
            return {"kind": "weight", "layer": l + 1, "to": j, "from": k, "index": index} | {
                "name": name
            }
        start += W.size
    for l, b in enumerate(net.biases):
        if index < start + b.size:
            j = index - start
            name = f"bias of {neuron_name(net, l + 1, j)}"
            return {"kind": "bias", "layer": l + 1, "to": j, "index": index, "name": name}
        start += b.size
    raise AssertionError("unreachable")  # the range was checked above


def layer_of_params(net: Network) -> Array:
    """For each entry of ``params``, the layer (1…L) its weight or bias feeds."""
    layers = [np.full(W.size, l + 1) for l, W in enumerate(net.weights)]
    layers += [np.full(b.size, l + 1) for l, b in enumerate(net.biases)]
    return np.concatenate(layers)


# ---- gradients of a batch ----------------------------------------------------------------


GRADIENT_CHUNK = 5000  # examples backpropagated at once: a whole training set in float64
# would take 60,000 × 784 × 8 bytes (376 MB) more, for each request computing it


def flat_gradient(net: Network, X: Array, labels: Array) -> Array:
    """∇C of the mean cost over (X, labels), flat like ``net.params``, by ``net.backprop``:
    GRADIENT_CHUNK examples at a time, each chunk's mean weighted by its size."""
    total = np.zeros(net.n_params, dtype=np.float64)
    for start in range(0, len(X), GRADIENT_CHUNK):
        part = slice(start, start + GRADIENT_CHUNK)
        grad_W, grad_b = net.backprop(X[part], labels[part])
        flat = np.concatenate([g.ravel() for g in grad_W] + [g.ravel() for g in grad_b])
        total += flat * (len(labels[part]) / len(labels))
    return total


def per_example_gradients(net: Network, X: Array, labels: Array) -> Array:
    """One row per example: ∇C_x, flat like ``net.params`` (m, n_params)."""
    return np.stack([flat_gradient(net, X[i : i + 1], labels[i : i + 1]) for i in range(len(X))])


def averaging_table(
    net: Network,
    X: Array,
    labels: Array,
    top: int = 10,
    extra: Sequence[int] = (),
) -> dict[str, Any]:
    """Rows: the parameters with the largest |mean ∂C/∂θ| over the examples, then ``extra``
    (flat indices); each row holds every example's desired change −∂C_x/∂θ and their average
    (which is −∂C/∂θ of the mini-batch: the average of the wishes is the gradient)."""
    net = float64(net)
    G = per_example_gradients(net, np.asarray(X, dtype=np.float64), np.asarray(labels))
    mean = G.mean(axis=0)
    order = [int(i) for i in np.argsort(-np.abs(mean), kind="stable")[:top]]
    order += [int(i) for i in extra if int(i) not in order]
    rows = [
        describe(net, i) | {"values": column(-G[:, i]), "average": float(-mean[i])} for i in order
    ]
    return {"cost_function": net.cost.name, "rows": rows, "ranked_by": "|average|"}


def shares(net: Network, g: Array) -> list[dict[str, Any]]:
    """Per layer (and for all): the share of Σ|g| and of Σg² held by the top 1% and 10% of
    that layer's own components, and how many are exactly 0."""
    layers = layer_of_params(net)
    groups: list[tuple[int | str, Any]] = [(l, layers == l) for l in range(1, len(net.sizes))]
    groups.append(("all", slice(None)))
    rows = []
    for name, pick in groups:
        magnitude = np.sort(np.abs(g[pick]))[::-1]
        n = magnitude.size
        row: dict[str, Any] = {"layer": name, "n": int(n)}
        if isinstance(name, int):
            row["weights"] = int(net.weights[name - 1].size)
            row["biases"] = int(net.biases[name - 1].size)
        for key, power in (("", 1), ("_sq", 2)):
            total = float((magnitude**power).sum())
            for pct in (1, 10):
                count = max(1, math.ceil(n * pct / 100))
                part = float((magnitude[:count] ** power).sum())
                row[f"top{pct}{key}"] = part / total if total > 0 else 0.0
        row["zero_fraction"] = float((magnitude == 0).mean())
        rows.append(row)
    return rows


def ranked_curve(g: Array, points: int = 200) -> dict[str, list]:
    """|g| sorted, at about ``points`` log-spaced ranks (1-based) from 1 to len(g)."""
    magnitude = np.sort(np.abs(g))[::-1]
    ranks = np.unique(np.geomspace(1, magnitude.size, points).round().astype(int))
    return {"rank": ranks.tolist(), "abs": magnitude[ranks - 1].tolist()}


def line_slice(
    net: Network, X: Array, labels: Array, g: Array, ts: Array
) -> tuple[list[float], list[float]]:
    """C(θ − t ∇C) on (X, labels) for each t: the cost along the negative gradient."""
    probe = net.copy()
    costs = []
    for t in ts:
        probe.params[...] = net.params - t * g
        costs.append(probe.mean_cost(X, labels))
    return [float(t) for t in ts], costs


def gradient_report(
    net: Network,
    X: Array,
    labels: Array,
    top: int = 20,
    learning_rate: float = 3.0,
    line_points: int = 41,
    t_max: float | None = None,
    first_layer: bool = True,
) -> dict[str, Any]:
    """The gradient of the mean cost over (X, labels): its components ranked, their shares per
    layer, the gradient itself layer by layer, and the 1-D slice C(θ − t∇C) with η marked."""
    net = float64(net)
    X, labels = np.asarray(X, dtype=np.float64), np.asarray(labels)
    g = flat_gradient(net, X, labels)
    grad_W, grad_b = net.unflatten(g)
    order = np.argsort(-np.abs(g), kind="stable")[:top]
    t_max = 2 * learning_rate if t_max is None else t_max
    ts, costs = line_slice(net, X, labels, g, np.linspace(0, t_max, line_points))
    _, (cost_eta,) = line_slice(net, X, labels, g, np.array([learning_rate]))
    norm = float(np.linalg.norm(g))
    return {
        "cost_function": net.cost.name,
        "n_examples": len(labels),
        "cost": net.mean_cost(X, labels),
        "norm": norm,
        "grad_weights": [
            None if l == 0 and not first_layer else W.tolist() for l, W in enumerate(grad_W)
        ],
        "grad_biases": [column(b) for b in grad_b],
        "top": [
            describe(net, int(i)) | {"value": float(g[i]), "abs": float(abs(g[i]))} for i in order
        ],
        "ranked": ranked_curve(g),
        "shares": shares(net, g),
        "line": {
            "t": ts,
            "cost": costs,
            "eta": float(learning_rate),
            "cost_at_eta": cost_eta,
            "slope": -(norm**2),  # dC/dt at t = 0: −∇C·∇C
            "best_t": ts[int(np.argmin(costs))],
        },
    }


def cosine(a: Array, b: Array) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / norm) if norm > 0 else 0.0


def cosine_curve(
    net: Network,
    X: Array,
    labels: Array,
    batch_sizes: Sequence[int] = (1, 10, 100, 1000),
    draws: int = 50,
    seed: int = 0,
) -> dict[str, Any]:
    """Cosine similarity between random mini-batches' mean gradient and the whole set's, for
    each batch size: ``draws`` batches each (drawn without replacement within a batch)."""
    net = float64(net)
    full = flat_gradient(net, X, labels)
    rng = np.random.default_rng(seed)
    rows = []
    for size in batch_sizes:
        if size > len(labels):
            raise ValueError(f"batch size {size} is larger than the {len(labels):,} images")
        values = []
        for _ in range(draws):
            pick = rng.choice(len(labels), size, replace=False)
            values.append(cosine(flat_gradient(net, X[pick], labels[pick]), full))
        v = np.array(values)
        rows.append(
            {
                "batch_size": int(size),
                "mean": float(v.mean()),
                "std": float(v.std()),
                "min": float(v.min()),
                "max": float(v.max()),
                "values": v.tolist(),
            }
        )
    return {"n_images": len(labels), "draws": draws, "seed": seed, "cosine": rows}


# ---- the chain rule ----------------------------------------------------------------------


def _chain_forward(w: Sequence[float], b: Sequence[float], x: float) -> tuple[list, list]:
    z, a = [], [float(x)]
    for wl, bl in zip(w, b):
        z.append(wl * a[-1] + bl)  # z⁽ˡ⁾ = w⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾
        a.append(float(sigmoid(np.array([z[-1]], dtype=np.float64))[0]))  # a⁽ˡ⁾ = σ(z⁽ˡ⁾)
    return z, a


def _chain_cost(w: Sequence[float], b: Sequence[float], x: float, y: float) -> float:
    return (_chain_forward(w, b, x)[1][-1] - y) ** 2  # C = (a⁽ᴸ⁾ − y)²


def chain(weights: Sequence[float], biases: Sequence[float], x: float, y: float) -> dict[str, Any]:
    """The one-neuron-per-layer chain a⁰ → a¹ → … → aᴸ, sigmoid neurons, C = (aᴸ − y)²: every
    z and a, each derivative as its factors and product, and the same measured by nudges."""
    w, b = [float(v) for v in weights], [float(v) for v in biases]
    if len(w) != len(b) or not w:
        raise ValueError(f"need as many weights as biases (one or more), got {len(w)}, {len(b)}")
    z, a = _chain_forward(w, b, x)
    n = len(w)
    dC_da = [0.0] * (n + 1)  # ∂C/∂a⁽ˡ⁾ for l = 0…n
    dC_da[n] = 2 * (a[n] - y)  # ∂C/∂a⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y)
    dC_dw, dC_db = [0.0] * n, [0.0] * n
    factors: list[dict[str, Any]] = [{}] * n
    for l in reversed(range(n)):
        s = a[l + 1] * (1 - a[l + 1])  # σ′(z⁽ˡ⁾) = a(1 − a)
        factors[l] = {
            "layer": l + 1,
            "a_prev": a[l],
            "sigma_prime": s,
            "dC_da": dC_da[l + 1],
            "w": w[l],
        }
        dC_dw[l] = a[l] * s * dC_da[l + 1]  # ∂C/∂w⁽ˡ⁾ = a⁽ˡ⁻¹⁾ · σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾
        dC_db[l] = 1.0 * s * dC_da[l + 1]  # ∂C/∂b⁽ˡ⁾ = 1 · σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾
        dC_da[l] = w[l] * s * dC_da[l + 1]  # ∂C/∂a⁽ˡ⁻¹⁾ = w⁽ˡ⁾ · σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾

    def nudged(vector: list[float], i: int, h: float) -> list[float]:
        return [v + h if k == i else v for k, v in enumerate(vector)]

    def central(f) -> float:
        return (f(EPS) - f(-EPS)) / (2 * EPS)

    fd_w = [central(lambda h, i=i: _chain_cost(nudged(w, i, h), b, x, y)) for i in range(n)]
    fd_b = [central(lambda h, i=i: _chain_cost(w, nudged(b, i, h), x, y)) for i in range(n)]
    fd_a = [central(lambda h, l=l: _chain_tail(w, b, a[l] + h, l, y)) for l in range(1, n + 1)]
    return {
        "z": z,
        "a": a[1:],
        "cost": (a[n] - y) ** 2,
        "dC_dw": dC_dw,
        "dC_db": dC_db,
        "dC_da": dC_da[1:],
        "dC_dx": dC_da[0],
        "factors": factors,
        "finite_difference": {
            "dC_dw": fd_w,
            "dC_db": fd_b,
            "dC_da": fd_a,
            "dC_dx": central(lambda h: _chain_cost(w, b, x + h, y)),
            "eps": EPS,
        },
    }


def _chain_tail(w: list[float], b: list[float], a_l: float, l: int, y: float) -> float:
    """The chain's cost when a⁽ˡ⁾ is set to a_l and the layers above run from it."""
    return _chain_cost(w[l:], b[l:], a_l, y)


def network_chain(net: Network, x: Array, label: int, ref: dict[str, Any]) -> dict[str, Any]:
    """One weight, bias or hidden activation of the real network, for this input and label:
    its derivative as factors (and, for an activation, the sum over the paths through every
    neuron it feeds), from backprop, and measured by central finite differences."""
    net = float64(net)
    label = check_label(net, label)
    X, labels = np.asarray(x, dtype=np.float64).reshape(1, -1), np.array([label])
    p = _passes(net, x, label)
    cost = net.mean_cost(X, labels)
    if ref.get("kind") == "activation":
        return _activation_chain(net, p, X, labels, ref) | {"cost": cost}
    index = param_index(net, ref)
    info = describe(net, index)
    l, j = info["layer"], info["to"]
    s = p["primes"][l - 1]
    factors: dict[str, Any] = {
        "sigma_prime": None if s is None else float(s[j, 0]),
        "dC_da": None if s is None else float(p["dC_da"][l - 1][j, 0]),
        "delta": float(p["deltas"][l - 1][j, 0]),  # δⱼ = σ′(zⱼ) ∂C/∂aⱼ
    }
    if info["kind"] == "weight":
        factors = {"a_prev": float(p["activations"][l - 1][info["from"], 0])} | factors
        first = factors["a_prev"]  # ∂C/∂wⱼₖ = aₖ · σ′(zⱼ) · ∂C/∂aⱼ
    else:
        factors = {"one": 1.0} | factors
        first = 1.0  # ∂C/∂bⱼ = 1 · σ′(zⱼ) · ∂C/∂aⱼ
    return info | {
        "value": float(net.params[index]),
        "cost": cost,
        "derivative": float(flat_gradient(net, X, labels)[index]),
        "finite_difference": finite_difference(net, index, X, labels),
        "factors": factors,
        "product": first * factors["delta"],
    }


def finite_difference(net: Network, index: int, X: Array, labels: Array) -> float:
    """(C(θ + ε) − C(θ − ε)) / 2ε for the parameter at a flat index; θ is restored."""
    saved = net.params[index]
    net.params[index] = saved + EPS
    up = net.mean_cost(X, labels)
    net.params[index] = saved - EPS
    down = net.mean_cost(X, labels)
    net.params[index] = saved
    return (up - down) / (2 * EPS)


def cost_from_layer(net: Network, l: int, a: Array, labels: Array) -> float:
    """The mean cost when layer l's activations (columns) are ``a`` and the layers above run."""
    last = len(net.weights) - 1
    for i in range(l, len(net.weights)):
        z = net.weights[i] @ a + net.biases[i][:, None]
        a = (net.sigma.fn if i < last else net.cost.output_activation)(z)
    y = one_hot(np.asarray(labels), net.sizes[-1], "float64")
    return net.cost.total(a, y) / a.shape[1]


def _activation_chain(
    net: Network, p: dict[str, list], X: Array, labels: Array, ref: dict[str, Any]
) -> dict[str, Any]:
    L = len(net.weights)
    l, k = ref.get("layer"), ref.get("neuron")
    if not isinstance(l, int) or not 1 <= l <= L - 1:
        raise ValueError(f"activation layer must be a hidden layer, 1–{L - 1}, got {l!r}")
    if not isinstance(k, int) or not 0 <= k < net.sizes[l]:
        raise ValueError(f"neuron must be 0–{net.sizes[l] - 1} in layer {l}, got {k!r}")
    W, delta, s = net.weights[l], p["deltas"][l][:, 0], p["primes"][l]
    paths = [
        {
            "to": j,
            "w": float(W[j, k]),
            "sigma_prime": None if s is None else float(s[j, 0]),
            "dC_da": None if s is None else float(p["dC_da"][l][j, 0]),
            "delta": float(delta[j]),
            "term": float(W[j, k] * delta[j]),  # wⱼₖ σ′(zⱼ) ∂C/∂aⱼ
        }
        for j in range(W.shape[0])
    ]
    a = p["activations"][l].copy()
    up, down = a.copy(), a.copy()
    up[k] += EPS
    down[k] -= EPS
    fd = (cost_from_layer(net, l, up, labels) - cost_from_layer(net, l, down, labels)) / (2 * EPS)
    return {
        "kind": "activation",
        "layer": l,
        "neuron": k,
        "name": f"activation of {neuron_name(net, l, k)}",
        "value": float(a[k, 0]),
        "derivative": float(p["dC_da"][l - 1][k, 0]),
        "finite_difference": fd,
        "paths": paths,
        "sum": float(np.sum([path["term"] for path in paths])),
    }


# ---- what a neuron looks for -------------------------------------------------------------


def neuron_report(
    net: Network, layer: int, neuron: int, X: Array, labels: Array, k: int = 8
) -> dict[str, Any]:
    """The k images (of X) with the largest z for a neuron of any layer (z, not the saturated
    a), the labels of its top 100, its incoming weights, and for layer 2 their combination of
    the first layer's patterns Σₖ wⱼₖ W¹ₖ (for layer 1 its own 28×28 row)."""
    L = len(net.weights)
    if not 1 <= layer <= L:
        raise ValueError(f"layer must be 1–{L}, got {layer}")
    if not 0 <= neuron < net.sizes[layer]:
        raise ValueError(f"neuron must be 0–{net.sizes[layer] - 1} in layer {layer}, got {neuron}")
    net = float64(net)
    zs, activations = net.forward(np.asarray(X, dtype=np.float64).T)
    z, a = zs[layer - 1][neuron], activations[layer][neuron]
    order = np.argsort(-z, kind="stable")
    incoming = net.weights[layer - 1][neuron]
    pattern: Array | None = None
    terms: list[dict[str, Any]] = []
    if layer == 1:
        pattern = incoming
    elif layer == 2:
        pattern = incoming @ net.weights[0]  # Σₖ wⱼₖ W¹ₖ  (784,)
        terms = [
            {"from": int(i), "weight": float(incoming[i])}
            for i in np.argsort(-np.abs(incoming), kind="stable")
        ]
    counts = np.bincount(np.asarray(labels)[order[:100]], minlength=net.sizes[-1])
    return {
        "layer": layer,
        "neuron": neuron,
        "bias": float(net.biases[layer - 1][neuron]),
        "top": [
            {"index": int(i), "label": int(labels[i]), "z": float(z[i]), "activation": float(a[i])}
            for i in order[:k]
        ],
        "label_counts": counts.tolist(),
        "incoming": column(incoming),
        "pattern": None if pattern is None else column(pattern),
        "terms": terms,
    }
