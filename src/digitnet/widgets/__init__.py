"""The page's views as Jupyter widgets (anywidget) on a `Network` in the kernel: `Draw`,
`Backprop`, `GradientDescent`, `ChainRule`, `Story`. Each shows the page's own view (one bundled ES
module, static/widget.js, built from web/static by esbuild) and keeps Python and the view in
step through synced traits; what the served page asks its server, the view asks the kernel,
and the answers come from the same tools (explain.py, the landscape, the ball). Needs the
`notebook` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from .. import explain
from ..ball import MAX_IMAGES, Ball
from ..data import Dataset
from ..experiments import landscape
from ..images import SIDE
from ..network import Network
from ..training import BatchEvent, EpochEvent

N_PIXELS = SIDE * SIDE
BUNDLE = Path(__file__).parent / "static" / "widget.js"


class Pixels(traitlets.TraitType):
    """An image as the network reads it: 784 numbers in [0, 1] (any array-like of 784 or
    28×28 values), held as a list of floats."""

    info_text = f"{N_PIXELS} numbers in [0, 1] (a 28×28 image, row by row)"

    def make_dynamic_default(self) -> list[float]:
        return [0.0] * N_PIXELS  # a blank image, each widget its own list

    def validate(self, obj: Any, value: Any) -> list[float]:
        try:
            x = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            bad = f"{self.name}: {self.info_text}, got {value!r:.60}"
            raise traitlets.TraitError(bad) from None
        if x.size != N_PIXELS:
            raise traitlets.TraitError(f"{self.name}: {self.info_text}, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise traitlets.TraitError(f"{self.name}: {self.info_text}, got NaN or infinity")
        if not np.all((x >= 0) & (x <= 1)):
            low, high = x.min(), x.max()
            hint = " (divide 0–255 pixels by 255)" if high > 1 else ""
            raise traitlets.TraitError(
                f"{self.name}: {self.info_text}, got values from {low:g} to {high:g}{hint}"
            )
        return x.ravel().tolist()


def checked(data: Any) -> Dataset | None:
    if data is not None and not isinstance(data, Dataset):
        raise TypeError(f"data must be a digitnet Dataset (load_dataset()), got {data!r:.60}")
    return data


class View(anywidget.AnyWidget):
    """A view of the page on ``net``: the network is sent once, and again by `refresh`."""

    _esm = BUNDLE
    _view = traitlets.Unicode().tag(sync=True)  # which view of the bundle to show
    network = traitlets.Dict().tag(sync=True)  # explain.network_json(net)
    served = traitlets.Bool(False).tag(sync=True)  # True: the kernel has images to answer with

    def __init__(self, net: Network, **traits: Any) -> None:
        if not isinstance(net, Network):
            raise TypeError(f"a widget shows a digitnet Network, got {type(net).__name__}")
        if net.sizes[0] != N_PIXELS:
            raise ValueError(f"the views read 28×28 digits: the network takes {net.sizes[0]}")
        self.net = net
        super().__init__(network=explain.network_json(net), **traits)
        self.on_msg(self._on_message)

    def __repr__(self) -> str:  # what a notebook shows where widgets do not run
        shape = "-".join(map(str, self.net.sizes))
        return f"<{type(self).__name__} on a {shape} network: a widget, live in Jupyter>"

    def refresh(self) -> None:
        """Show ``net`` again, after its weights changed (a `fit` step, `load`...)."""
        self.network = explain.network_json(self.net)
        self.recompute()

    def recompute(self) -> None:
        """Bring the traits that Python computes up to date with ``net``."""

    # ---- the view's requests (api.js's paths), answered by the kernel ----

    def _on_message(self, _: Any, content: Any, buffers: list[bytes]) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        reply: dict[str, Any] = {"type": "answer", "id": content.get("id")}
        try:
            reply["answer"] = explain.finite(self.answer(str(content.get("path")), content))
        except LookupError as e:
            reply |= {"error": str(e).strip("'\""), "status": 404}
        except ValueError as e:
            reply |= {"error": str(e), "status": 409}
        except Exception as e:  # a bug: the view says so instead of waiting for ever
            reply |= {"error": f"the kernel failed ({type(e).__name__}: {e})", "status": 500}
        self.send(reply)

    def answer(self, path: str, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one of the view's requests (a LookupError: no such thing here)."""
        raise LookupError(f"{path} needs digitnet serve: not answered in a notebook")


class Draw(View):
    """A pad to draw a digit on: ``pixels`` (784 floats, both ways: drawing sets them, setting
    them redraws the pad) and what ``net`` makes of them, ``outputs`` and ``prediction``
    (None while the pad is blank)."""

    _view = traitlets.Unicode("draw").tag(sync=True)
    pixels = Pixels().tag(sync=True)
    outputs = traitlets.List(traitlets.Float()).tag(sync=True)
    prediction = traitlets.Int(None, allow_none=True).tag(sync=True)

    def __init__(self, net: Network, **traits: Any) -> None:
        super().__init__(net, **traits)
        self.recompute()

    @traitlets.observe("pixels")
    def _pixels_changed(self, _: Any) -> None:
        self.recompute()

    def recompute(self) -> None:
        x = np.asarray(self.pixels)
        if not x.any():
            self.outputs, self.prediction = [], None
            return
        outputs = self.net.feedforward(x[None, :])[0]
        self.outputs = outputs.astype(np.float64).tolist()
        self.prediction = int(outputs.argmax())


class Studied(View):
    """A learning view on one example: ``example`` (784 floats) and ``label`` (the answer
    wanted; default: what ``net`` answers), both ways. With ``data`` (a `Dataset`), its first
    test digits go along (``samples``: to choose from, and for the views that step or
    average over other digits), and the first one is the example unless one is given."""

    example = Pixels().tag(sync=True)
    label = traitlets.Int().tag(sync=True)
    samples = traitlets.List(traitlets.Dict()).tag(sync=True)  # [{index, label, pixels_255}]
    SAMPLES = 24  # as many as the served story fetches (story-kit.js)
    SERVED = False  # True: with data, the kernel answers the served view's requests

    def __init__(
        self,
        net: Network,
        example: Any = None,
        label: int | None = None,
        *,
        data: Dataset | None = None,
        **traits: Any,
    ) -> None:
        self.data = checked(data)
        samples = []
        if self.data is not None:
            test = self.data.test
            if example is None:
                example = test.images[0]
            samples = [
                {"index": i, "label": int(test.labels[i]), "pixels_255": explain.pixels_255(x)}
                for i, x in enumerate(test.head(self.SAMPLES).images)
            ]
        x = Studied.example.validate(self, np.zeros(N_PIXELS) if example is None else example)
        if label is None:
            label = int(net.predict(np.asarray(x)[None, :])[0])
        label = explain.check_label(net, label)
        served = self.SERVED and self.data is not None
        super().__init__(net, example=x, label=label, samples=samples, served=served, **traits)
        self.recompute()

    @traitlets.validate("label")
    def _check_label(self, proposal: Any) -> int:
        try:
            return explain.check_label(self.net, proposal["value"])
        except ValueError as e:
            raise traitlets.TraitError(str(e)) from None

    @traitlets.observe("example", "label")
    def _example_changed(self, _: Any) -> None:
        self.recompute()


class Backprop(Studied):
    """Chapter 3: what one example asks of every layer. ``cost`` (this example's, for
    ``label``) and ``nudges`` (per layer l = 1…L, −∂C/∂aˡ) come from `explain.backprop_example`."""

    _view = traitlets.Unicode("backprop").tag(sync=True)
    cost = traitlets.Float().tag(sync=True)
    nudges = traitlets.List(traitlets.List(traitlets.Float())).tag(sync=True)

    def recompute(self) -> None:
        found = explain.backprop_example(self.net, np.asarray(self.example), self.label, False)
        self.cost, self.nudges = found["cost"], found["nudges"]


class ChainRule(Studied):
    """Chapter 4: the chain rule, one neuron per layer, and then for any weight, bias or
    activation of the real network."""

    _view = traitlets.Unicode("chain").tag(sync=True)


class GradientDescent(Studied):
    """Chapter 2: the gradient's components, where it points, one step along it. With
    ``data`` (a `Dataset`), also the gradient of a mini-batch, the cost landscape, what the
    neurons look for, MNIST images to study, and the ball: pass `ride_along` as a training
    run's ``on_event`` and the ball rolls on a slice of the run's real cost as the cell runs."""

    _view = traitlets.Unicode("gradient").tag(sync=True)
    SERVED = True
    LANDSCAPE_IMAGES = 10_000  # the landscape's cost is measured on this many training images
    ball: Ball | None = None  # following the run whose network it last saw
    _run: Network | None = None

    def ride_along(self, event: BatchEvent | EpochEvent) -> None:
        """An ``on_event`` handler for `training.fit` or `training.train`: the ball follows
        the run's weights on a plane of its real cost (`ball.Ball`: at most 15 positions a
        second, within 5% of the run's time), from the weights after its first step."""
        if self.data is None:
            raise ValueError("the ball needs training images: GradientDescent(net, data=...)")
        if isinstance(event, BatchEvent) and self._run is not event.network:  # a new run
            self._run = event.network
            train = self.data.train.head(MAX_IMAGES)  # all it measures on: no more made floats
            start = event.network.params.copy()
            self.ball = Ball(event.network, start, train.images, train.labels, self._roll)
            self.send({"type": "run"})
        assert self.ball is not None
        self.ball(event)
        if isinstance(event, EpochEvent) and event.epoch == event.epochs:
            self.send({"type": "done"})  # the ball's last position is in

    def _roll(self, found: dict[str, Any]) -> None:
        self.send(explain.finite(found))  # {"type": "plane" | "ball", ...}

    def answer(self, path: str, request: dict[str, Any]) -> dict[str, Any]:
        body = request.get("body") or {}
        if self.data is None:
            return super().answer(path, request)
        net, train = self.net, self.data.full_train()
        if path == "/api/backprop":  # an MNIST image to study
            split = train if body["example"]["split"] == "train" else self.data.test
            index = int(body["example"]["index"])
            if not 0 <= index < len(split):
                raise LookupError(f"no image {index:,} here: 0–{len(split) - 1:,}")
            x, true = split.rows(np.array([index])).images[0], int(split.labels[index])
            found = explain.backprop_example(net, x, true, False)
            return found | {"example": body["example"] | {"label": true}}
        if path == "/api/gradient":  # a mini-batch of random training images
            batch = train.rows(np.random.default_rng(body["batch"].get("seed", 0)).choice(
                len(train.labels), min(int(body["batch"]["size"]), len(train.labels)), False
            ))  # fmt: skip
            return explain.gradient_report(
                net, batch.images, batch.labels, int(body.get("top", 20)),
                float(body.get("learning_rate", 3.0)), first_layer=bool(body.get("first_layer")),
            ) | {"label": None, "answer": None}  # fmt: skip
        if path == "/api/landscape":
            if body.get("directions", "random") != "random":
                raise LookupError("the recorded paths and the optimisers need digitnet serve")
            first = train.head(int(body.get("n_images") or self.LANDSCAPE_IMAGES))
            return {"cost_function": net.cost.name} | landscape.landscape(
                net, first.images, first.labels, "random", grid=int(body.get("grid", 41))
            )
        if path.startswith("/api/neurons/"):
            layer, neuron = (int(part) for part in path.split("?")[0].split("/")[3:5])
            test = self.data.test
            found = explain.neuron_report(net, layer, neuron, test.images, test.labels, 8)
            for item in found["top"]:
                item["pixels_255"] = explain.pixels_255(test.images[item["index"]])
            return found
        return super().answer(path, request)


class Story(Studied):
    """The four chapters as one guided path of scenes, on ``example`` and ``label`` (and with
    ``data``, its first test digits for the scenes that step or average over other digits).
    The scenes that train a network (the ball) need `digitnet serve`."""

    _view = traitlets.Unicode("story").tag(sync=True)


__all__ = ["Backprop", "ChainRule", "Draw", "GradientDescent", "Story"]
