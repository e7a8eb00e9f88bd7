"""The Backprop, Gradient descent and Chain rule views' endpoints, kept together: their bodies
(bounded like limits.py's), and routes that pick the input (a drawing, an MNIST image, a
mini-batch), call `explain.py` or `experiments/landscape.py` and return their JSON. app.py
includes the router; the contract is in the OpenAPI schema.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import Field, model_validator

from .. import explain
from ..experiments import landscape as landscapes
from ..modelfile import ModelFile, ModelFileError, load_digit_model
from ..network import Network
from ..trainpath import load_path, path_file
from .limits import NAME_PATTERN, Seed, Strict
from .state import ServerState

Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Knob = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)]
CACHE_SIZE = 8
MAX_SLICE_WORK = 41 * 41 * 20_000  # grid points × images per landscape: about 10 s here
MAX_COSINE_WORK = 200_000  # Σ batch sizes × draws: the example gradients one request makes


class Example(Strict):
    split: Literal["train", "test"] = Field(description="train: all 60,000 training images")
    index: int = Field(ge=0, description="train 0–59,999, test 0–9,999")


class InputBody(Strict):
    """One input: a normalised drawing (``input`` from /api/predict) or an MNIST image."""

    pixels: list[Unit] | None = Field(
        default=None, min_length=784, max_length=784, description="784 numbers in 0..1"
    )
    example: Example | None = None
    label: int | None = Field(
        default=None, ge=0, le=9, description="default: the example's label or the answer"
    )
    model: str | None = Field(
        default=None, pattern=NAME_PATTERN, description="a model file (default: the served one)"
    )

    @model_validator(mode="after")
    def _one_input(self) -> InputBody:
        if (self.pixels is None) == (self.example is None):
            raise ValueError("give exactly one of 'pixels' (784 numbers) or 'example'")
        return self


class BackpropRequest(InputBody):
    first_layer: bool = Field(default=True, description="false: omit the 16×784 ∂C/∂W¹")


class StepRequest(InputBody):
    learning_rate: float = Field(default=3.0, gt=0, le=100, allow_inf_nan=False)
    others: int = Field(default=8, ge=0, le=32, description="held-out test digits to show")
    seed: Seed = 0
    apply: bool = Field(default=False, description="true: the served model takes the step")


class ParamRef(Strict):
    kind: Literal["weight", "bias"]
    layer: int = Field(ge=1, le=16, description="the layer it feeds (1 = first hidden)")
    to: int = Field(ge=0, le=100_000)
    from_: int | None = Field(default=None, alias="from", ge=0, le=100_000)

    def as_dict(self) -> dict[str, Any]:
        ref: dict[str, Any] = {"kind": self.kind, "layer": self.layer, "to": self.to}
        if self.kind == "weight":
            ref["from"] = self.from_
        return ref


class ActivationRef(Strict):
    kind: Literal["activation"]
    layer: int = Field(ge=1, le=16, description="a hidden layer")
    neuron: int = Field(ge=0, le=100_000)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "activation", "layer": self.layer, "neuron": self.neuron}


class AveragingRequest(Strict):
    batch_size: int = Field(default=8, ge=1, le=32, description="random training images")
    seed: Seed = 0
    indices: list[Annotated[int, Field(ge=0)]] | None = Field(
        default=None, min_length=1, max_length=32, description="these training images instead"
    )
    pixels: list[Unit] | None = Field(default=None, min_length=784, max_length=784)
    label: int | None = Field(default=None, ge=0, le=9, description="the drawing's label")
    top: int = Field(default=10, ge=1, le=50)
    params: list[ParamRef] = Field(default=[], max_length=20, description="rows to add")
    model: str | None = Field(default=None, pattern=NAME_PATTERN)


class Batch(Strict):
    size: int | None = Field(default=None, ge=1, le=1000, description="random training images")
    seed: Seed = 0
    indices: list[Annotated[int, Field(ge=0)]] | None = Field(
        default=None, min_length=1, max_length=1000
    )

    @model_validator(mode="after")
    def _one_batch(self) -> Batch:
        if (self.size is None) == (self.indices is None):
            raise ValueError("give exactly one of 'size' or 'indices'")
        return self


class GradientRequest(Strict):
    pixels: list[Unit] | None = Field(default=None, min_length=784, max_length=784)
    example: Example | None = None
    batch: Batch | None = None
    label: int | None = Field(default=None, ge=0, le=9)
    top: int = Field(default=20, ge=1, le=200)
    learning_rate: float = Field(default=3.0, gt=0, le=100, allow_inf_nan=False)
    line_points: int = Field(default=41, ge=11, le=201)
    t_max: float | None = Field(default=None, gt=0, le=1000, allow_inf_nan=False)
    first_layer: bool = True
    model: str | None = Field(default=None, pattern=NAME_PATTERN)

    @model_validator(mode="after")
    def _one_input(self) -> GradientRequest:
        given = [v is not None for v in (self.pixels, self.example, self.batch)]
        if sum(given) != 1:
            raise ValueError("give exactly one of 'pixels', 'example' or 'batch'")
        return self


class CosineRequest(Strict):
    batch_sizes: list[Annotated[int, Field(ge=1, le=10_000)]] = Field(
        default=[1, 10, 100, 1000], min_length=1, max_length=8
    )
    draws: int = Field(default=50, ge=1, le=200)
    seed: Seed = 0
    n_images: int | None = Field(
        default=None, ge=100, le=60_000, description="the whole set (default: every image)"
    )
    model: str | None = Field(default=None, pattern=NAME_PATTERN)


class LandscapeRequest(Strict):
    directions: Literal["random", "path", "optimizers"] = "random"
    seed: Seed = 0
    grid: int = Field(default=41, ge=21, le=101)
    span: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    n_images: int | None = Field(
        default=None, ge=100, le=60_000, description="default 10,000 (1,000 for optimizers)"
    )
    model: str | None = Field(default=None, pattern=NAME_PATTERN)


class ChainRequest(Strict):
    weights: list[Knob] = Field(min_length=3, max_length=3)
    biases: list[Knob] = Field(min_length=3, max_length=3)
    x: Knob
    y: Knob


class NetworkChainRequest(InputBody):
    param: ParamRef | ActivationRef = Field(discriminator="kind")


def finite(value: Any) -> Any:
    """The JSON answer with null wherever a number is not finite (a diverged path, a cost
    beyond float range): JSON has no NaN or Infinity."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


class FiniteJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        text = json.dumps(finite(content), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")


def pixels_255(x: np.ndarray) -> list[int]:
    return np.round(np.clip(x, 0.0, 1.0) * 255).astype(int).ravel().tolist()


def routes(served: ServerState) -> APIRouter:
    """The learn views' endpoints, on an APIRouter for the app to include."""
    router = APIRouter(default_response_class=FiniteJSON)
    cache: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
    cache_lock = threading.Lock()
    named: dict[Path, tuple[float, ModelFile]] = {}  # the last model asked for by name

    def model_of(name: str | None) -> tuple[ModelFile, str | None, Path | None]:
        """The served model (name None) or one from the folder, used for this request only."""
        if name is None:
            model = served.current()
            return model, served.name, served.folder / served.name if served.name else None
        path = served.in_folder(name)
        if not path.is_file():
            raise HTTPException(404, f"no model named {path.name!r} in the models folder")
        mtime = path.stat().st_mtime
        if path not in named or named[path][0] != mtime:
            try:
                model = load_digit_model(path)
            except ModelFileError as e:
                raise HTTPException(422, str(e)) from None
            named.clear()  # keep one: each is small, but names are many
            named[path] = (mtime, model)
        return named[path][1], path.name, path

    def training_images() -> Any:
        return served.dataset().full_train()  # "train": all 60,000 training images

    def split_of(name: str) -> Any:
        return training_images() if name == "train" else served.dataset().test

    def example_of(example: Example) -> tuple[np.ndarray, int]:
        split = split_of(example.split)
        if example.index >= len(split.labels):
            raise HTTPException(
                422,
                f"example.index must be 0–{len(split.labels) - 1:,} for the {example.split} "
                f"split, got {example.index:,}",
            )
        return split.images[example.index], int(split.labels[example.index])

    def input_of(body: Any, net: Network) -> tuple[np.ndarray, int, dict[str, Any] | None]:
        """(x, label, example) for a body with pixels or example and an optional label."""
        if body.example is not None:
            x, true = example_of(body.example)
            info = body.example.model_dump() | {"label": true}
            return x, body.label if body.label is not None else true, info
        x = np.asarray(body.pixels, dtype=np.float64)
        label = body.label if body.label is not None else int(net.predict(x[None, :])[0])
        return x, label, None

    def refused(e: ValueError) -> HTTPException:
        return HTTPException(422, str(e))

    def cached(key: tuple, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with cache_lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = make()
        with cache_lock:
            cache[key] = value
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
        return value

    def about(model: ModelFile, name: str | None) -> dict[str, Any]:
        cost = model.network.cost.name
        return {"model": name, "cost_function": cost, "cost_formula": explain.COST_FORMULAS[cost]}

    @router.post("/api/backprop", summary="one example: its cost and what it asks of each layer")
    def backprop(body: BackpropRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        x, label, example = input_of(body, model.network)
        result = explain.backprop_example(model.network, x, label, body.first_layer)
        return about(model, name) | result | {"example": example}

    @router.post(
        "/api/backprop/step",
        summary="take one example's gradient step: outputs before and after",
        responses={409: {"description": "apply refused while training runs"}},
    )
    def step(body: StepRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        if body.apply and body.model is not None:
            raise HTTPException(422, "apply changes the served model only: leave out 'model'")
        if body.apply and served.run is not None and not served.run.finished:
            raise HTTPException(409, "a training run is going: stop it before applying a step")
        x, label, example = input_of(body, model.network)
        others, chosen, images = None, np.zeros(0, dtype=int), np.zeros((0, 784))
        if body.others:
            test = served.dataset().test
            rng = np.random.default_rng(body.seed)
            chosen = rng.choice(len(test.labels), min(body.others, len(test.labels)), False)
            images = test.images[chosen]
            others = (images, test.labels[chosen])
        report, stepped = explain.take_step(model.network, x, label, body.learning_rate, others)
        for item, i, image in zip(report["others"], chosen, images):
            item |= {"split": "test", "index": int(i), "pixels_255": pixels_255(image)}
        if body.apply and not np.isfinite(stepped.params).all():
            raise HTTPException(422, "this step would make weights infinite: try a smaller η")
        if body.apply:
            net = model.network
            net.params[...] = stepped.params.astype(net.dtype)  # in memory; not saved
        return about(model, name) | report | {"applied": body.apply, "example": example}

    @router.post("/api/averaging", summary="mini-batch examples × parameters: each one's wish")
    def averaging(body: AveragingRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        net = model.network
        train = training_images()
        if body.indices is not None:
            chosen = np.asarray(body.indices)
            if chosen.max() >= len(train.labels):
                raise HTTPException(
                    422, f"indices must be 0–{len(train.labels) - 1:,}, got {int(chosen.max()):,}"
                )
        else:
            rng = np.random.default_rng(body.seed)
            chosen = rng.choice(len(train.labels), min(body.batch_size, len(train.labels)), False)
        X, labels = train.images[chosen].astype(np.float64), np.asarray(train.labels[chosen])
        examples = [
            {"split": "train", "index": int(i), "label": int(train.labels[i]),
             "pixels_255": pixels_255(train.images[i])}
            for i in chosen
        ]  # fmt: skip
        if body.pixels is not None:
            x = np.asarray(body.pixels, dtype=np.float64)
            label = body.label if body.label is not None else int(net.predict(x[None, :])[0])
            X, labels = np.vstack([x, X]), np.concatenate([[label], labels])
            drawing = {"split": "drawing", "index": None, "label": label}
            examples.insert(0, drawing | {"pixels_255": pixels_255(x)})
        try:
            extra = [explain.param_index(net, p.as_dict()) for p in body.params]
        except ValueError as e:
            raise refused(e) from None
        table = explain.averaging_table(net, X, labels, body.top, extra)
        return about(model, name) | table | {"examples": examples}

    @router.post("/api/gradient", summary="the gradient's components ranked, and C(θ − t∇C)")
    def gradient(body: GradientRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        net = model.network
        label = answer = None
        if body.batch is not None:
            train = training_images()
            if body.batch.indices is not None:
                chosen = np.asarray(body.batch.indices)
                if chosen.max() >= len(train.labels):
                    raise HTTPException(422, f"batch.indices must be 0–{len(train.labels) - 1:,}")
            else:
                rng = np.random.default_rng(body.batch.seed)
                size = min(body.batch.size or 1, len(train.labels))
                chosen = rng.choice(len(train.labels), size, False)
            X, labels = train.images[chosen], np.asarray(train.labels[chosen])
        else:
            x, label, _ = input_of(body, net)
            answer = int(net.predict(np.asarray(x)[None, :])[0])
            X, labels = np.asarray(x)[None, :], np.array([label])
        report = explain.gradient_report(
            net, X, labels, body.top, body.learning_rate, body.line_points, body.t_max,
            body.first_layer,
        )  # fmt: skip
        return about(model, name) | report | {"label": label, "answer": answer}

    @router.post("/api/gradient/cosine", summary="how well mini-batches aim: cosine with ∇C")
    def gradient_cosine(body: CosineRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        train = training_images()
        n = min(body.n_images or len(train.labels), len(train.labels))
        key = ("cosine", model.network.params.tobytes(), n, tuple(body.batch_sizes),
               body.draws, body.seed)  # fmt: skip

        if sum(body.batch_sizes) * body.draws > MAX_COSINE_WORK:
            raise HTTPException(
                422, f"sum(batch_sizes) × draws must be at most {MAX_COSINE_WORK:,}: fewer draws"
            )

        def make() -> dict[str, Any]:
            X, labels = train.images[:n], np.asarray(train.labels[:n])
            return explain.cosine_curve(
                model.network, X, labels, body.batch_sizes, body.draws, body.seed
            )

        try:
            return about(model, name) | cached(key, make)
        except ValueError as e:
            raise refused(e) from None

    @router.post("/api/landscape", summary="the cost on a 2-D slice of weight space, with paths")
    def landscape(body: LandscapeRequest) -> dict[str, Any]:
        model, name, file = model_of(body.model)
        train = training_images()
        default = 1000 if body.directions == "optimizers" else 10_000
        asked = body.n_images or default
        n = min(asked, len(train.labels))
        if body.grid**2 * asked > MAX_SLICE_WORK:
            raise HTTPException(
                422,
                f"grid² × n_images must be at most {MAX_SLICE_WORK:,} (e.g. 41 × 41 over 20,000 "
                f"images), got {body.grid}² × {asked:,}: use a smaller grid or fewer images",
            )
        path = None
        if body.directions == "path":
            recorded = path_file(file) if file is not None else None
            if recorded is None or not recorded.is_file():
                raise HTTPException(
                    422, "this model has no recorded training path: train it with --record-path N"
                )
            try:
                found = load_path(recorded, model.network.n_params)
            except ValueError as e:
                raise refused(e) from None
            path = (found.params, found.examples)
        try:
            result = landscapes.landscape(
                model.network, train.images[:n], np.asarray(train.labels[:n]), body.directions,
                seed=body.seed, grid=body.grid, span=body.span, path=path,
                initial=landscapes.initial_params(model),
            )  # fmt: skip
        except ValueError as e:
            raise refused(e) from None
        return about(model, name) | result

    @router.get(
        "/api/neurons/{layer}/{neuron}",
        summary="a neuron of any layer: the test digits with the largest z, its weights",
    )
    def neuron(
        layer: int, neuron: int, k: Annotated[int, Query(ge=1, le=64)] = 8
    ) -> dict[str, Any]:
        net = served.current().network
        test = served.dataset().test
        try:
            result = explain.neuron_report(net, layer, neuron, test.images, test.labels, k)
        except ValueError as e:
            raise HTTPException(404, str(e)) from None
        for item in result["top"]:
            item["pixels_255"] = pixels_255(test.images[item["index"]])
        return result

    @router.post("/api/chain", summary="the one-neuron chain: each derivative as its factors")
    def chain(body: ChainRequest) -> dict[str, Any]:
        return explain.chain(body.weights, body.biases, body.x, body.y)

    @router.post("/api/chain/network", summary="one weight, bias or activation: its factors")
    def chain_network(body: NetworkChainRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        x, label, example = input_of(body, model.network)
        try:
            result = explain.network_chain(model.network, x, label, body.param.as_dict())
        except ValueError as e:
            raise refused(e) from None
        return about(model, name) | result | {"label": label, "example": example}

    return router
