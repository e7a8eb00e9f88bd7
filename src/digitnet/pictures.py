"""Pictures of what the network learned and how it learns, as PIL images (PNG-ready).

Weight grids, discs and galleries are drawn pixel by pixel with Pillow (weights: green +,
red −, black 0, brightness |w| on one stated scale); curves and the confusion matrix use
matplotlib's Agg canvas (no GUI, no pyplot state). Every renderer is a pure function of its
arrays, so the same model and input give the same bytes. No interactivity: that is the web page.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont

from .data import class_names
from .files import atomic_write_bytes
from .frames import MOVIE_FRAMES, load_frames, recorded_frames
from .images import image_to_input, to_picture
from .metrics import confusion_matrix, mistakes
from .modelfile import ModelFile, load_model
from .network import Network

SIDE = 28
BACKGROUND, INK, DIM = (24, 24, 24), (235, 235, 235), (140, 140, 140)
POSITIVE, NEGATIVE = np.array([0, 255, 0]), np.array([255, 0, 0])
BAR, HIGHLIGHT = (33, 145, 140), (253, 231, 37)  # viridis teal and yellow: bars, the answer
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73")  # colour-blind-safe line colours
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


class NoHistoryError(ValueError):
    """A model file without a per-epoch history: there are no curves to draw."""


# ---- building blocks -----------------------------------------------------------------------


@functools.lru_cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def png_bytes(im: Image.Image) -> bytes:
    """Encode an image as PNG (Pillow writes no timestamps: same image, same bytes)."""
    buffer = io.BytesIO()
    im.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def signed_colors(A: np.ndarray, vmax: float) -> np.ndarray:
    """Weights → RGB: green for w > 0, red for w < 0, brightness |w| / vmax (clipped at 1)."""
    A = np.nan_to_num(np.asarray(A, dtype=np.float64))
    t = np.clip(np.abs(A) / vmax, 0.0, 1.0)[..., None]
    return np.round(np.where(A[..., None] > 0, POSITIVE, NEGATIVE) * t).astype(np.uint8)


def weight_scale(A: np.ndarray) -> float:
    """The |w| drawn at full brightness: the 99th percentile of |A|, so that a few outlying
    weights do not dim all the others (the largest 1% are drawn at full brightness)."""
    return float(np.percentile(np.abs(np.nan_to_num(A)), 99)) or 1.0


def weight_grid_image(W: np.ndarray, scale: int = 4, vmax: float | None = None) -> Image.Image:
    """784 weights (or any 2-D matrix) → an RGB grid, each weight a scale×scale block."""
    W = np.asarray(W, dtype=np.float64)
    W = W.reshape(SIDE, SIDE) if W.shape == (SIDE * SIDE,) else W
    if W.ndim != 2:
        raise ValueError(f"expected 784 weights or a 2-D matrix, got shape {W.shape}")
    im = Image.fromarray(signed_colors(W, vmax or weight_scale(W)), "RGB")
    return im.resize((W.shape[1] * scale, W.shape[0] * scale), Image.Resampling.NEAREST)


def _text(text: str, size: int = 14, fill: tuple = INK) -> Image.Image:
    """A line (or lines) of text on the background, cropped to the text plus a margin."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    left, top, right, bottom = draw.multiline_textbbox((0, 0), text, font=_font(size))
    im = Image.new("RGB", (round(right - left) + 4, round(bottom - top) + 6), BACKGROUND)
    ImageDraw.Draw(im).multiline_text((2 - left, 3 - top), text, font=_font(size), fill=fill)
    return im


def _stack(ims: Sequence[Image.Image], gap: int = 10, across: bool = False) -> Image.Image:
    """Place images one under another (or side by side), top/left aligned."""
    sizes = [im.size for im in ims]
    if across:
        size = (sum(w for w, _ in sizes) + gap * (len(ims) - 1), max(h for _, h in sizes))
    else:
        size = (max(w for w, _ in sizes), sum(h for _, h in sizes) + gap * (len(ims) - 1))
    out, offset = Image.new("RGB", size, BACKGROUND), 0
    for im in ims:
        out.paste(im, (offset, 0) if across else (0, offset))
        offset += (im.width if across else im.height) + gap
    return out


def _tiles(ims: Sequence[Image.Image], cols: int, gap: int = 12) -> Image.Image:
    """A grid of images in cells of one size (the largest), so that the columns line up."""
    width, height = max(im.width for im in ims), max(im.height for im in ims)
    cells = []
    for im in ims:
        cell = Image.new("RGB", (width, height), BACKGROUND)
        cell.paste(im, (0, 0))
        cells.append(cell)
    rows = [_stack(cells[i : i + cols], gap, across=True) for i in range(0, len(cells), cols)]
    return _stack(rows, gap)


def _framed(im: Image.Image, margin: int = 20) -> Image.Image:
    out = Image.new("RGB", (im.width + 2 * margin, im.height + 2 * margin), BACKGROUND)
    out.paste(im, (margin, margin))
    return out


def _legend(vmax: float, width: int = 300, what: str = "weight") -> Image.Image:
    """A colour bar from −vmax (red) through 0 (black) to +vmax (green), with its numbers."""
    ramp = Image.fromarray(signed_colors(np.linspace(-vmax, vmax, width)[None, :], vmax))
    numbers = Image.new("RGB", (width, _text("0", 12).height), BACKGROUND)
    for k, label in enumerate((f"−{vmax:.3g}", "0", f"+{vmax:.3g}")):
        t = _text(label, 12)
        numbers.paste(t, (min(max(0, k * width // 2 - t.width // 2), width - t.width), 0))
    bar = ramp.resize((width, 14), Image.Resampling.NEAREST)
    caption = _text(
        f"{what}: red < 0 < green, brightness = |{what}| on one scale for all\n"
        f"(|{what}| ≥ {vmax:.3g}, the largest 1%, at full brightness)",
        12,
    )
    return _stack([bar, numbers, caption], gap=2)


# ---- weights ---------------------------------------------------------------------------------


WIDE = 100  # a layer wider than this gets short labels ("17", not "neuron 17")


def grid_scale(neurons: int, largest: int = 4) -> int:
    """Pixels per weight in a layer's weight grids: ``largest`` up to 36 neurons, one less up
    to WIDE, two less beyond (at least 1), so 300 neurons still fit on a screen."""
    return max(1, largest - (neurons > 36) - (neurons > WIDE))


def _grid_panel(W: np.ndarray, biases: np.ndarray | None, vmax: float, scale: int) -> Image.Image:
    wide = len(W) > WIDE
    cells = []
    for j, w in enumerate(W):
        label = f"{j}" if wide else f"neuron {j}"
        if biases is not None:
            label += f" b={biases[j]:+.2f}" if wide else f"  b={biases[j]:+.2f}"
        text = _text(label, 10 if wide else 12)
        cells.append(_stack([weight_grid_image(w, scale, vmax), text], gap=2))
    return _tiles(cells, cols=math.ceil(math.sqrt(len(cells))))


def weights_picture(net: Network, scale: int | None = None) -> Image.Image:
    """Every first-hidden-layer neuron's 784 incoming weights as a 28×28 grid, one shared
    scale; deeper layers as small matrices (row j: the weights into neuron j), same colours.
    ``scale``: pixels per weight, by default `grid_scale` of the layer's width."""
    W0 = net.weights[0]
    if W0.shape[1] != SIDE * SIDE:
        raise ValueError(f"weight grids need 784 inputs, this network takes {W0.shape[1]}")
    scale = scale or grid_scale(len(W0))
    vmax = weight_scale(W0)
    parts = [
        _text(f"What each of the {len(W0)} first-hidden-layer neurons looks for", 20),
        _text("its 784 incoming weights, one per pixel, laid out as the 28×28 image", 14, DIM),
        _legend(vmax),
        _grid_panel(W0, net.biases[0], vmax, scale),
    ]
    names = [f"hidden layer {i}" for i in range(1, len(net.sizes) - 1)] + ["output"]
    deeper = []
    for l in range(1, len(net.weights)):
        W, v = net.weights[l], weight_scale(net.weights[l])
        cell = max(2, min(max(6, 160 // max(W.shape)), 600 // W.shape[1]))  # ≤ 600 px wide
        caption = f"{names[l - 1]} → {names[l]}\n{W.shape[0]} rows × {W.shape[1]} columns"
        legend = _legend(v, width=max(W.shape[1] * cell, 160), what="w")
        deeper.append(_stack([_text(caption, 13), weight_grid_image(W, cell, v), legend], 4))
    if deeper:
        parts += [_text("Deeper layers (own scale each)", 16), _stack(deeper, 30, across=True)]
    return _framed(_stack(parts, gap=12))


# ---- activations ------------------------------------------------------------------------------

HEIGHT, TOP, INPUT_SCALE, COLUMN_GAP, BAR_LENGTH = 560, 100, 6, 170, 140


def disc_centres(sizes: Sequence[int]) -> list[np.ndarray]:
    """(x, y) pixel centres of each non-input layer's neuron discs in activations_picture."""
    centres = []
    for k, n in enumerate(sizes[1:]):
        step = (HEIGHT - 2 * TOP) / n
        x = 20 + SIDE * INPUT_SCALE + COLUMN_GAP * (k + 1)
        centres.append(np.array([(x, round(TOP + step * (j + 0.5))) for j in range(n)]))
    return centres


def activations_picture(net: Network, x: np.ndarray, title: str = "") -> Image.Image:
    """One input's pass through the network: the pixels, every neuron as a disc lit by its
    activation (0 black … 1 white), the ten output bars, and the answer."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    _, acts = net.forward(x.astype(net.dtype)[:, None])
    acts = [a[:, 0].astype(np.float64) for a in acts[1:]]
    centres = disc_centres(net.sizes)
    answer = int(np.argmax(acts[-1]))
    width = centres[-1][0][0] + 40 + BAR_LENGTH + 70
    im = Image.new("RGB", (width, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(im)
    side = SIDE * INPUT_SCALE
    im.paste(to_picture(x, INPUT_SCALE).convert("RGB"), (20, (HEIGHT - side) // 2))
    draw.text((20, (HEIGHT - side) // 2 - 22), "input (784 pixels)", font=_font(13), fill=DIM)
    for cx, cy in centres[0]:  # every pixel feeds every first-layer neuron
        draw.line([(20 + side, HEIGHT // 2), (cx, cy)], fill=(70, 70, 70))
    for l in range(1, len(acts)):  # connections between neuron layers, weakest first
        W, v = net.weights[l], weight_scale(net.weights[l])
        for j, k in sorted(np.ndindex(W.shape), key=lambda jk: abs(W[jk])):
            colour = signed_colors(W[j, k], v) * 0.7 + np.array(BACKGROUND) * 0.3
            draw.line([tuple(centres[l - 1][k]), tuple(centres[l][j])], tuple(colour.astype(int)))
    names = [f"hidden {i}" for i in range(1, len(acts))] + ["output"]
    for a, xy, name in zip(acts, centres, names):
        r = max(2, min(12, int((HEIGHT - 2 * TOP) / len(a) / 2) - 2))
        brightness = a / max(1.0, a.max())  # ReLU can exceed 1: scaled by the layer's largest
        for j, ((cx, cy), b) in enumerate(zip(xy, brightness)):
            v = int(round(255 * b))
            edge = HIGHLIGHT if name == "output" and j == answer else DIM
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(v, v, v), outline=edge, width=2)
        draw.text((xy[0][0], TOP - 30), name, font=_font(13), fill=DIM, anchor="mm")
    for j, ((cx, cy), a) in enumerate(zip(centres[-1], acts[-1])):
        ink = HIGHLIGHT if j == answer else BAR
        draw.text((cx + 18, cy), str(j), font=_font(14), fill=ink, anchor="lm")
        draw.rectangle([cx + 36, cy - 6, cx + 36 + round(BAR_LENGTH * min(a, 1.0)), cy + 6], ink)
        draw.text((cx + 42 + BAR_LENGTH, cy), f"{a:.2f}", font=_font(12), fill=ink, anchor="lm")
    draw.text((20, 14), title or "One input through the network", font=_font(18), fill=INK)
    summary = f"answer: {answer}   (output {acts[-1][answer]:.2f})"
    key = "discs: brightness = activation (0 black, 1 white);  lines: weights, green +, red −"
    draw.text((20, HEIGHT - 56), key, font=_font(13), fill=DIM)
    draw.text((20, HEIGHT - 30), summary, font=_font(16), fill=HIGHLIGHT)
    return im


# ---- charts (matplotlib) ---------------------------------------------------------------------


def _figure_image(fig: Figure) -> Image.Image:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")


SERIES = (  # (label, cost key, accuracy key) in a history row
    ("training", "train_cost", "train_accuracy"),
    ("validation", "validation_cost", "validation_accuracy"),
    ("test", "test_cost", "test_accuracy"),
)


def curves_picture(history: Sequence[dict[str, float]]) -> Image.Image:
    """Cost and accuracy per epoch, from a model's per-epoch history (1000×400 px)."""
    with matplotlib.style.context("default"):
        return _figure_image(curves_figure(history))


def curves_figure(history: Sequence[dict[str, float]]) -> Figure:
    """The figure of `curves_picture`: two axes, cost and accuracy against the epoch."""
    if not history:
        raise NoHistoryError("the model has no per-epoch training history, so no curves to draw")
    epochs = [row["epoch"] for row in history]
    with matplotlib.style.context("default"):
        fig = Figure(figsize=(10, 4), dpi=100, layout="constrained")
        ax_cost, ax_acc = fig.subplots(1, 2)
        for (label, cost, accuracy), colour, marker in zip(SERIES, OKABE_ITO, "os^"):
            for ax, key, scale in ((ax_cost, cost, 1), (ax_acc, accuracy, 100)):
                points = [(e, row[key] * scale) for e, row in zip(epochs, history) if key in row]
                if points:
                    ax.plot(*zip(*points), marker=marker, color=colour, label=label)
        during = [(e, row["batch_cost"]) for e, row in zip(epochs, history) if "batch_cost" in row]
        if during:  # the other cost: the mean over the epoch's mini-batches, while it trained
            ax_cost.plot(*zip(*during), "--", color="grey", label="mini-batches, during the epoch")
        ax_cost.set(xlabel="epoch", ylabel="mean cost per image")
        ax_cost.set_title("Cost of each set after the epoch (dashed: during it)", fontsize=11)
        ax_acc.set(title="Accuracy per epoch", xlabel="epoch", ylabel="images right (%)")
        for ax in (ax_cost, ax_acc):
            ax.grid(alpha=0.3)
            if len(epochs) <= 12:  # a tick at each epoch, and room around a single one
                ax.set_xticks(epochs)
                ax.set_xlim(min(epochs) - 0.5, max(epochs) + 0.5)
            else:
                ax.xaxis.get_major_locator().set_params(integer=True)
            if ax.lines:
                ax.legend()
        return fig


def confusion_picture(confusion: np.ndarray, classes: Sequence[str] | None = None) -> Image.Image:
    """The confusion matrix with its counts; colour = share of that true digit's images.
    ``classes``: names for the rows and columns other than digits (Fashion-MNIST's clothes)."""
    confusion = np.asarray(confusion)
    n, total = len(confusion), int(confusion.sum())
    share = confusion / np.maximum(confusion.sum(axis=1, keepdims=True), 1)
    with matplotlib.style.context("default"):
        fig = Figure(figsize=(7, 6), dpi=100, layout="constrained")
        ax = fig.subplots()
        shown = ax.imshow(share, cmap="cividis", vmin=0, vmax=1)
        for i, j in np.ndindex(confusion.shape):
            ink = "black" if share[i, j] > 0.6 else "white"
            ax.text(j, i, f"{confusion[i, j]}", ha="center", va="center", color=ink, fontsize=9)
        accuracy = np.trace(confusion) / max(total, 1)
        what = "digit" if classes is None else "class"
        ax.set(
            xticks=range(n), yticks=range(n), xlabel="the network's answer", ylabel=f"true {what}"
        )
        if classes is not None:
            ax.set_xticklabels(classes, rotation=45, ha="right")
            ax.set_yticklabels(classes)
        ax.set_title(f"Confusion matrix: {accuracy:.2%} of {total:,} test images right")
        fig.colorbar(shown, ax=ax, label=f"share of the true {what}'s images")
        return _figure_image(fig)


# ---- galleries -------------------------------------------------------------------------------


def mistakes_picture(
    images: np.ndarray,
    labels: np.ndarray,
    answers: np.ndarray,
    confidences: np.ndarray,
    limit: int = 40,
) -> Image.Image:
    """The misclassified images, most confident mistakes first, each with its true label,
    the answer and the confidence (the answer's output activation)."""
    wrong, n = mistakes(labels, answers, confidences), len(labels)
    order = wrong[:limit]
    if not len(wrong):
        return _framed(_text(f"No mistakes: all {n:,} test images answered right", 18))
    cells = []
    for i in order:
        caption = [_text(f"{labels[i]} → {answers[i]}"), _text(f"{confidences[i]:.3f}", 12, DIM)]
        cells.append(_stack([to_picture(images[i], 3).convert("RGB"), *caption], gap=0))
    header = f"The most confident mistakes: {len(wrong):,} of {n:,} test images wrong"
    note = f"first {len(order)} shown; under each: true digit → answer, the answer's output"
    return _framed(_stack([_text(header, 18), _text(note, 13, DIM), _tiles(cells, 10)], 10))


def average_digits_picture(
    images: np.ndarray, labels: np.ndarray, sample: int = 10, dataset: str = "mnist"
) -> Image.Image:
    """The average image of each digit (each Fashion-MNIST class, named, for that dataset),
    then the first `sample` training images of each."""
    labels = np.asarray(labels)
    names = class_names(dataset)
    each = "digit" if dataset != "fashion-mnist" else "class"
    averages, rows = [], []
    for d in range(10):
        mine = images[labels == d]
        mean = mine.mean(axis=0) if len(mine) else np.zeros(SIDE * SIDE)
        name = "" if names[d] == str(d) else f" {names[d]}"
        caption = _text(f"{d}{name}  ({len(mine):,})", 12 if name else 14)
        averages.append(_stack([to_picture(mean, 4).convert("RGB"), caption]))
        rows += [to_picture(x, 3).convert("RGB") for x in mine[:sample]]
        rows += [Image.new("RGB", (84, 84), BACKGROUND)] * (sample - len(mine[:sample]))
    parts = [
        _text(f"The average of each {each} over {len(labels):,} training images", 18),
        _tiles(averages, 10, gap=8),
        _text(f"A sample: the first {sample} training images of each {each}", 18),
        _tiles(rows, sample, gap=4),
    ]
    return _framed(_stack(parts, 12))


# ---- the weight movie ------------------------------------------------------------------------


def weights_movie(frames: np.ndarray, captions: Sequence[str], scale: int | None = None) -> bytes:
    """The first-layer weight grids frame by frame, one scale for the whole movie: GIF bytes.

    Every frame given is drawn (`digitnet show` gives at most MOVIE_FRAMES); ``scale`` (pixels
    per weight) defaults to `grid_scale` from 3.
    """
    if not len(frames) or len(frames) != len(captions):
        raise ValueError(f"need one caption per frame, got {len(captions)} for {len(frames)}")
    scale = scale or grid_scale(np.shape(frames)[1], largest=3)
    vmax = weight_scale(np.asarray(frames, dtype=np.float32))
    ims = [
        _framed(_stack([_text(c, 16), _legend(vmax), _grid_panel(f, None, vmax, scale)]), 12)
        for f, c in zip(frames, captions)
    ]
    buffer = io.BytesIO()
    ims[0].save(buffer, "GIF", save_all=True, append_images=ims[1:], duration=150, loop=0)
    return buffer.getvalue()


# ---- everything at once (`digitnet show`) ----------------------------------------------------


def write_all(
    model: ModelFile | str | Path,
    out_dir: str | Path,
    data,
    *,
    index: int = 0,
    image: str | Path | None = None,
    model_path: str | Path | None = None,
) -> tuple[dict[str, Path], list[str]]:
    """Write every picture of a model into out_dir; return {name: path} and notes on skips.

    data: anything with ``.test.images`` (n, 784) and ``.test.labels`` (n,).
    """
    if not isinstance(model, ModelFile):
        model_path, model = model, load_model(model)
    net, test, out = model.network, data.test, Path(out_dir)
    names = class_names(getattr(data, "name", "mnist"))
    named = None if names[0] == "0" else names  # clothes get their names; digits are digits
    written, notes = {}, []

    def put(name: str, content: Image.Image | bytes) -> None:
        atomic_write_bytes(
            out / name, content if isinstance(content, bytes) else png_bytes(content)
        )
        written[name] = out / name

    put("weights.png", weights_picture(net))
    if image is None:
        name = names[test.labels[index]]
        article = "an" if str(name)[:1] in "8AEIOUaeiou" else "a"  # an 8, an ankle boot
        x, title = test.images[index], f"Test image #{index} ({article} {name})"
    else:
        x, title = image_to_input(image), f"Your image {Path(image).name}"
    put("activations.png", activations_picture(net, x, title + " through the network"))
    try:
        put("curves.png", curves_picture(model.metrics.get("history", [])))
    except NoHistoryError as e:
        notes.append(f"curves.png skipped: {e}")
    outputs = net.feedforward(test.images)
    answers = np.argmax(outputs, axis=1)
    confusion = confusion_matrix(test.labels, answers, net.sizes[-1])
    put("confusion.png", confusion_picture(confusion, named))
    put("mistakes.png", mistakes_picture(test.images, test.labels, answers, outputs.max(axis=1)))
    movie = recorded_frames(model_path) if model_path is not None else None
    if movie is not None:
        frames = load_frames(movie).spread(MOVIE_FRAMES)
        put("weights-movie.gif", weights_movie(frames.frames, frames.captions()))
    return written, notes
