"""The chain rule, number by number. On the story's network with one neuron per layer, each
factor of ∂C/∂w⁽ᴸ⁾ = a⁽ᴸ⁻¹⁾ · σ′(z⁽ᴸ⁾) · 2(a⁽ᴸ⁾ − y) (and of the bias and previous-activation
sensitivities) is printed and checked against central finite differences; then one weight of
the real network gets the same check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..errors import SettingError
from ..explain import EPS, finite_difference, float64, network_chain
from ..functions import sigmoid, sigmoid_prime
from ..network import Network, one_hot
from ._common import Inputs, Option, as_image, chosen_example, figure, write_png

NAME = "chain-rule"
SUMMARY = "the chain rule's factors, checked numerically"
NEEDS_MODEL = True
OPTIONS = (
    Option("x", 0.8, "input of the one-neuron chain", "number"),
    Option("y", 1.0, "its wanted output", "number"),
    Option("seed", 0, "the chain's weights", "index"),
    Option("index", 0, "the real network's input: which image of --split (0)", "index"),
    Option("split", "test", "the images --index counts in", "choice", choices=("train", "test")),
    Option("image", None, "an image file instead", "text"),
    Option("label", None, "its label (default: the image's own, or the network's answer)", "index"),
    Option(
        "param",
        None,
        "weight:L:J:K, bias:L:J or activation:L:K (L: the layer it feeds, "
        "1 = first hidden; J: to, K: from)",
        "text",
    ),  # fmt: skip
)
PARAM_FORMS = {"weight": ("layer", "to", "from"), "bias": ("layer", "to"), "activation": ("layer",
               "neuron")}  # fmt: skip


def parse_param(text: str) -> dict[str, Any]:
    """'weight:3:2:9' → {"kind": "weight", "layer": 3, "to": 2, "from": 9}, and so on."""
    kind, *numbers = text.split(":")
    names = PARAM_FORMS.get(kind)
    if names is None or len(numbers) != len(names) or not all(n.isdigit() for n in numbers):
        raise SettingError(
            f"--param must be weight:L:J:K, bias:L:J or activation:L:K (whole numbers), "
            f"got {text!r}"
        )
    return {"kind": kind, **{name: int(n) for name, n in zip(names, numbers)}}


def one_neuron_chain(x: float = 0.8, y: float = 1.0, seed: int = 0) -> dict[str, Any]:
    """The 1-1-1-1 sigmoid network (float64, seeded N(0, 1) weights and biases) on one input.

    For each layer l (2…L, the input being layer 1), the factors of ∂C/∂w⁽ˡ⁾, ∂C/∂b⁽ˡ⁾ and
    ∂C/∂a⁽ˡ⁻¹⁾, their product, and the central finite difference of the same derivative.
    ∂C/∂a⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y) starts the chain; every layer down passes on w⁽ˡ⁾ · σ′(z⁽ˡ⁾) · ∂C/∂a⁽ˡ⁾.
    """
    net = Network([1, 1, 1, 1], dtype="float64", init="normal", seed=seed)
    X, Y = np.array([[x]]), np.array([[y]])
    w = [float(W[0, 0]) for W in net.weights]
    b = [float(bias[0]) for bias in net.biases]
    a = [x]
    z = []
    for wl, bl in zip(w, b):
        z.append(wl * a[-1] + bl)  # z⁽ˡ⁾ = w⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾
        a.append(float(sigmoid(np.array([z[-1]]))[0]))  # a⁽ˡ⁾ = σ(z⁽ˡ⁾)
    n = len(w)
    dC_da = 2 * (a[-1] - y)  # ∂C/∂a⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y)
    layers = []
    for l in reversed(range(n)):
        s = float(sigmoid_prime(np.array(z[l])))  # σ′(z⁽ˡ⁾)
        factors = {
            "weight": {"a_prev": a[l], "sigma_prime": s, "dC_da": dC_da},
            "bias": {"one": 1.0, "sigma_prime": s, "dC_da": dC_da},
            "previous_activation": {"w": w[l], "sigma_prime": s, "dC_da": dC_da},
        }
        entry: dict[str, Any] = {"layer": l + 2, "z": z[l], "a": a[l + 1], "factors": factors}
        fd = {
            "weight": finite_difference(net, l, X, Y),  # weights come first in params
            "bias": finite_difference(net, n + l, X, Y),
            "previous_activation": _fd_activation(net, l, X, Y),
        }
        for key, parts in factors.items():
            product = float(np.prod(list(parts.values())))
            entry[key] = {"product": product, "finite_difference": fd[key]}
        layers.append(entry)
        dC_da = w[l] * s * dC_da  # ∂C/∂a⁽ˡ⁻¹⁾: the chain goes one layer further back
    return {"x": x, "y": y, "seed": seed, "cost": (a[-1] - y) ** 2, "layers": layers}


def _fd_activation(net: Network, l: int, X: np.ndarray, Y: np.ndarray) -> float:
    """∂C/∂a⁽ˡ⁻¹⁾ by finite differences: cut the network at a⁽ˡ⁻¹⁾ and move it by ±ε."""
    a_prev = X if l == 0 else _part(net, 0, l).feedforward(X)  # (1, 1)
    above = _part(net, l, len(net.weights))  # from a⁽ˡ⁻¹⁾ to the output
    return (above.mean_cost(a_prev + EPS, Y) - above.mean_cost(a_prev - EPS, Y)) / (2 * EPS)


def _part(net: Network, first: int, stop: int) -> Network:
    """The layers weights[first:stop] of ``net`` as a network of their own (sigmoid, float64)."""
    part = Network(net.sizes[first : stop + 1], dtype="float64")
    weights, biases = net.weights[first:stop], net.biases[first:stop]
    part.params[...] = np.concatenate([W.ravel() for W in weights] + list(biases))
    return part


def real_network_check(net: Network, x: np.ndarray, label: int) -> dict[str, Any]:
    """One weight of the real network: into the output neuron of ``label``, from the most active
    neuron of the last hidden layer. Its backprop derivative against a finite difference, and
    for a quadratic-cost network the same three factors a_k · σ′(z_j) · 2(a_j − y_j).
    """
    net64 = float64(net)
    X, labels = np.asarray(x, dtype=np.float64)[None, :], np.array([label])
    zs, activations = net64.forward(X.T)
    j, k = int(label), int(activations[-2][:, 0].argmax())
    n_out, n_in = net64.weights[-1].shape
    index = sum(W.size for W in net64.weights[:-1]) + j * n_in + k
    grad_W, _ = net64.backprop(X, labels)
    result: dict[str, Any] = {
        "weight": f"layer {len(net.sizes) - 1} neuron {k} → output neuron {j}",
        "backprop": float(grad_W[-1][j, k]),
        "finite_difference": finite_difference(net64, index, X, labels),
    }
    if net.cost.name == "quadratic":
        y = one_hot(labels, n_out, "float64")[:, 0]
        a_j = float(activations[-1][j, 0])
        factors = {
            "a_prev": float(activations[-2][k, 0]),
            "sigma_prime": float(sigmoid_prime(zs[-1][j, 0])),
            "dC_da": 2 * (a_j - y[j]),
        }
        result["factors"] = factors
        result["product"] = float(np.prod(list(factors.values())))
    return result


def chain_rule(
    net: Network | None = None,
    x: np.ndarray | None = None,
    label: int | None = None,
    seed: int = 0,
    one_x: float = 0.8,
    one_y: float = 1.0,
) -> dict[str, Any]:
    """The one-neuron chain (always) and, given ``net``, ``x`` and ``label``, one real weight.

    Returns one_neuron (see ``one_neuron_chain``), real (see ``real_network_check``) when a
    network is given, max_error (largest |product − finite difference| anywhere) and a
    conclusion.
    """
    result: dict[str, Any] = {"one_neuron": one_neuron_chain(one_x, one_y, seed)}
    errors = [
        abs(entry[key]["product"] - entry[key]["finite_difference"])
        for entry in result["one_neuron"]["layers"]
        for key in ("weight", "bias", "previous_activation")
    ]
    if net is not None and x is not None and label is not None:
        real = real_network_check(net, x, label)
        result["real"] = real
        errors.append(abs(real["backprop"] - real["finite_difference"]))
        if "product" in real:
            errors.append(abs(real["product"] - real["finite_difference"]))
    result["max_error"] = float(max(errors))
    result["conclusion"] = _conclusion(result)
    return result


def _conclusion(r: dict[str, Any]) -> str:
    last = r["one_neuron"]["layers"][0]
    f = last["factors"]["weight"]
    text = (
        f"for the one-neuron chain, ∂C/∂w⁽ᴸ⁾ = {f['a_prev']:.4f} · {f['sigma_prime']:.4f} · "
        f"{f['dC_da']:.4f} = {last['weight']['product']:.6f}, and nudging w⁽ᴸ⁾ by ±1e-6 gives "
        f"{last['weight']['finite_difference']:.6f}"
    )
    if "param" in r:  # the one asked for (--param), not the default weight
        p = r["param"]
        text += (
            f"; in the real network, {p['name']} has backprop derivative "
            f"{p['derivative']:.6g} vs finite difference {p['finite_difference']:.6g}"
        )
    elif "real" in r:
        real = r["real"]
        text += (
            f"; in the real network, the weight {real['weight']} has backprop derivative "
            f"{real['backprop']:.6g} vs finite difference {real['finite_difference']:.6g}"
        )
    agree = "agree" if r["max_error"] < 1e-6 else "DISAGREE"
    text += f"; largest gap anywhere {r['max_error']:.1e}: chain rule and finite differences "
    text += agree
    return text


def run(
    inputs: Inputs,
    *,
    x: float = 0.8,
    y: float = 1.0,
    seed: int = 0,
    index: int = 0,
    split: str = "test",
    image: str | None = None,
    label: int | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """`chain_rule`: the one-neuron chain, and a weight of the network on the chosen input
    (with --param, that weight, bias or hidden activation: its factors and its paths)."""
    image_x, label, source = chosen_example(inputs, index, split, image, label)
    result = chain_rule(inputs.net(), image_x, label, seed, x, y)
    result = {"model": str(inputs.model), "source": source, "label": label, **result}
    if param is not None:
        try:
            result["param"] = network_chain(inputs.net(), image_x, label, parse_param(param))
        except ValueError as e:
            raise SettingError(str(e)) from None
        gap = abs(result["param"]["derivative"] - result["param"]["finite_difference"])
        result["max_error"] = max(result["max_error"], gap)
        result["conclusion"] = _conclusion(result)
    return result


def text(result: dict[str, Any]) -> list[str]:
    lines = [text_report(result)]
    lines.append(
        f"(the real network: {result['model']}, {result['source']}, label {result['label']})"
    )
    if "param" in result:
        lines += param_text(result["param"])
    return lines


def param_text(p: dict[str, Any]) -> list[str]:
    """A chosen parameter or activation: its factors, or its paths, and the check."""
    lines = [f"{p['name']} = {p['value']:.6g}:"]
    if p["kind"] == "activation":
        lines.append("  ∂C/∂aₖ = Σⱼ wⱼₖ σ′(zⱼ) ∂C/∂aⱼ, one term per neuron it feeds:")
        for path in p["paths"]:
            lines.append(f"    j={path['to']:<3} w {path['w']:+.4f} · δ {path['delta']:+.6f}"
                         f" = {path['term']:+.3e}")  # fmt: skip
        lines.append(f"  sum {p['sum']:+.8g}")
    else:
        f = p["factors"]
        first = f"a_k {f['a_prev']:.4f}" if "a_prev" in f else "1"
        middle = (
            f"σ′(z_j) {f['sigma_prime']:.4f} · ∂C/∂a_j {f['dC_da']:+.4f}"
            if f["sigma_prime"] is not None
            else f"δ_j {f['delta']:+.6f} (softmax: σ′ and ∂C/∂a do not factor)"
        )
        lines.append(f"  {first} · {middle} = {p['product']:+.8g}")
    lines.append(
        f"  backprop {p['derivative']:+.8g}, finite difference {p['finite_difference']:+.8g}"
    )
    return lines


def text_report(r: dict[str, Any]) -> str:
    """Every factor with its value, layer by layer, then the real network's weight."""
    chain = r["one_neuron"]
    lines = [
        f"one neuron per layer, x = {chain['x']}, y = {chain['y']}, C = (a⁽ᴸ⁾ − y)² = "
        f"{chain['cost']:.6f}"
    ]
    names = {
        "weight": ("∂C/∂w", "a⁽ˡ⁻¹⁾"),
        "bias": ("∂C/∂b", "1"),
        "previous_activation": ("∂C/∂a⁽ˡ⁻¹⁾", "w⁽ˡ⁾"),
    }
    for entry in chain["layers"]:
        lines.append(f"  layer {entry['layer']}: z = {entry['z']:.4f}, a = σ(z) = {entry['a']:.4f}")
        for key, (what, first) in names.items():
            f = entry["factors"][key]
            first_value = list(f.values())[0]
            fd = entry[key]["finite_difference"]
            lines.append(
                f"    {what} = {first} · σ′(z) · ∂C/∂a = {first_value:.4f} · "
                f"{f['sigma_prime']:.4f} · {f['dC_da']:.4f} = {entry[key]['product']:.8f}   "
                f"finite difference {fd:.8f}"
            )
    if "real" in r:
        real = r["real"]
        lines.append(f"real network, weight {real['weight']}:")
        if "factors" in real:
            f = real["factors"]
            lines.append(
                f"  a_k · σ′(z_j) · 2(a_j − y_j) = {f['a_prev']:.4f} · {f['sigma_prime']:.4f} · "
                f"{f['dC_da']:.4f} = {real['product']:.8g}"
            )
        lines.append(
            f"  backprop {real['backprop']:.8g}, finite difference {real['finite_difference']:.8g}"
        )
    return "\n".join(lines)


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def layer_mark(l: int) -> str:
    """The layer's index as the story writes it, raised: 2 → ⁽²⁾ (a⁽²⁾, w⁽²⁾)."""
    return f"⁽{str(l).translate(SUPERSCRIPT)}⁾"


def draw(r: dict[str, Any]) -> Image.Image:
    """The one-neuron chain drawn as four neurons, and each derivative: product vs check."""
    chain = r["one_neuron"]
    fig = figure(10, 3.6)
    top, bottom = fig.subplots(2, 1, height_ratios=[1, 1.4])
    layers = sorted(chain["layers"], key=lambda e: e["layer"])
    values = [chain["x"], *(e["a"] for e in layers)]
    for i, a in enumerate(values):
        grey = min(max(a, 0.0), 1.0)  # the input x may lie outside [0, 1]
        top.scatter(i, 0, s=900, c=[[grey] * 3], edgecolors="black", zorder=2)
        top.text(i, -0.5, f"a{layer_mark(i + 1)} = {a:.3f}", ha="center", fontsize=9)
    for e in layers:
        f = e["factors"]["weight"]
        top.annotate(
            "", (e["layer"] - 1.15, 0), (e["layer"] - 1.85, 0), arrowprops={"arrowstyle": "->"}
        )
        top.text(
            e["layer"] - 1.5,
            0.25,
            f"w{layer_mark(e['layer'])} = {e['factors']['previous_activation']['w']:.2f}\n"
            f"σ′(z{layer_mark(e['layer'])}) = {f['sigma_prime']:.3f}",
            ha="center",
            fontsize=9,
        )
    top.text(len(values) - 0.4, 0, f"y = {chain['y']}\nC = {chain['cost']:.4f}", fontsize=9)
    top.set_xlim(-0.6, len(values) + 0.4)
    top.set_ylim(-0.8, 0.8)
    top.axis("off")
    names, products, checks = [], [], []
    for e in layers:
        l = e["layer"]
        for key, short in (("weight", f"w{layer_mark(l)}"), ("bias", f"b{layer_mark(l)}")) + (
            ("previous_activation", f"a{layer_mark(l - 1)}"),
        ):
            names.append(f"∂C/∂{short}")
            products.append(e[key]["product"])
            checks.append(e[key]["finite_difference"])
    x = np.arange(len(names))
    bottom.bar(x - 0.2, products, 0.4, label="product of the factors")
    bottom.bar(x + 0.2, checks, 0.4, label="finite difference")
    bottom.set_xticks(x, names, fontsize=10)
    bottom.axhline(0, color="black", lw=0.5)
    bottom.set_ylabel("derivative of C", fontsize=9)
    bottom.legend(fontsize=8)
    return as_image(fig)


def picture(r: dict[str, Any], path: str | Path) -> Path:
    """`draw`'s picture, written as a PNG file."""
    return write_png(draw(r), path)
