"""The Backprop, Gradient descent and Chain rule views' endpoints, kept together: their bodies
(bounded like limits.py's), and routes that pick the input (a drawing, an MNIST image, a
mini-batch), call `explain.py` or `experiments/landscape.py` and return their JSON. app.py
includes the router; the contract is in the OpenAPI schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, Field, StrictBool

from .. import explain
from ..experiments import landscape as landscapes
from ..modelfile import ModelFile, ModelFileError, load_digit_model
from ..network import Network
from ..trainpath import load_path, path_file
from .limits import NAME_PATTERN, Seed, Strict, number_not_bool_or_text
from .state import ServerState

MAX_SLICE_WORK = 41 * 41 * 20_000  # grid points × images per landscape: about 10 s here
MAX_COSINE_WORK = 200_000  # Σ batch sizes × draws: the example gradients one request makes
NUMBER = BeforeValidator(number_not_bool_or_text)  # JSON numbers only (bounds go before it)


Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), NUMBER]
Knob = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False), NUMBER]
Rate = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False), NUMBER]
Span = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False), NUMBER]
TMax = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False), NUMBER]
Digit = Annotated[int, Field(ge=0, le=9), NUMBER]
Index = Annotated[int, Field(ge=0, le=10**9), NUMBER]
Layer = Annotated[int, Field(ge=1, le=16), NUMBER]
Neuron = Annotated[int, Field(ge=0, le=100_000), NUMBER]
UpTo32 = Annotated[int, Field(ge=0, le=32), NUMBER]
OneTo32 = Annotated[int, Field(ge=1, le=32), NUMBER]
Top = Annotated[int, Field(ge=1, le=200), NUMBER]
Top50 = Annotated[int, Field(ge=1, le=50), NUMBER]
Points = Annotated[int, Field(ge=11, le=201), NUMBER]
Grid = Annotated[int, Field(ge=21, le=101), NUMBER]
BatchOf = Annotated[int, Field(ge=1, le=10_000), NUMBER]
Size = Annotated[int, Field(ge=1, le=1000), NUMBER]
Draws = Annotated[int, Field(ge=1, le=200), NUMBER]
Images = Annotated[int, Field(ge=100, le=60_000), NUMBER]
Pixels = Annotated[list[Unit], Field(min_length=784, max_length=784)]
ModelField = Annotated[
    str | None, Field(pattern=NAME_PATTERN, description="a model file (default: the served one)")
]
Indices = Annotated[list[Index], Field(min_length=1, max_length=1000)]


class Example(Strict):
    split: Literal["train", "test"] = Field(description="train: all 60,000 training images")
    index: Index = Field(description="train 0–59,999, test 0–9,999")


class FromPixels(Strict):
    pixels: Pixels = Field(description="784 numbers in 0..1: /api/predict's `input`")


class FromExample(Strict):
    example: Example


class Choice(Strict):
    """What every single-input request shares: the label and the model."""

    label: Digit | None = Field(default=None, description="default: its label, or the answer")
    model: ModelField = None


class BackpropOptions(Choice):
    first_layer: StrictBool = Field(default=True, description="false: omit the 16×784 ∂C/∂W¹")


class BackpropPixels(BackpropOptions, FromPixels):
    pass


class BackpropExample(BackpropOptions, FromExample):
    pass


class StepOptions(Choice):
    learning_rate: Rate = 3.0
    others: UpTo32 = Field(default=8, description="held-out test digits to show")
    seed: Seed = 0
    apply: StrictBool = Field(default=False, description="true: the served model takes the step")


class StepPixels(StepOptions, FromPixels):
    pass


class StepExample(StepOptions, FromExample):
    pass


class ParamRef(Strict):
    kind: Literal["weight", "bias"]
    layer: Layer = Field(description="the layer it feeds (1 = first hidden)")
    to: Neuron
    from_: Neuron | None = Field(default=None, alias="from")

    def as_dict(self) -> dict[str, Any]:
        ref: dict[str, Any] = {"kind": self.kind, "layer": self.layer, "to": self.to}
        if self.kind == "weight":
            ref["from"] = self.from_
        return ref


class ActivationRef(Strict):
    kind: Literal["activation"]
    layer: Layer = Field(description="a hidden layer")
    neuron: Neuron

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "activation", "layer": self.layer, "neuron": self.neuron}


class ChainOptions(Choice):
    param: ParamRef | ActivationRef = Field(discriminator="kind")


class ChainPixels(ChainOptions, FromPixels):
    pass


class ChainExample(ChainOptions, FromExample):
    pass


class AveragingRequest(Strict):
    batch_size: OneTo32 = Field(default=8, description="random training images")
    seed: Seed = 0
    indices: Annotated[list[Index], Field(min_length=1, max_length=32)] | None = Field(
        default=None, description="these training images instead"
    )
    pixels: Pixels | None = Field(default=None, description="a drawing, added first")
    label: Digit | None = Field(default=None, description="the drawing's label")
    top: Top50 = 10
    params: list[ParamRef] = Field(default=[], max_length=20, description="rows to add")
    model: ModelField = None


class BatchSize(Strict):
    size: Size = Field(description="random training images")
    seed: Seed = 0


class BatchIndices(Strict):
    indices: Indices


class GradientOptions(Strict):
    label: Digit | None = Field(default=None, description="one image's label")
    top: Top = 20
    learning_rate: Rate = 3.0
    line_points: Points = 41
    t_max: TMax | None = None
    first_layer: StrictBool = True
    model: ModelField = None


class GradientPixels(GradientOptions, FromPixels):
    pass


class GradientExample(GradientOptions, FromExample):
    pass


class GradientBatch(GradientOptions):
    batch: BatchSize | BatchIndices


class CosineRequest(Strict):
    batch_sizes: Annotated[list[BatchOf], Field(min_length=1, max_length=8)] = [1, 10, 100, 1000]
    draws: Draws = Field(default=50, description="fewer when the sizes are large")
    seed: Seed = 0
    n_images: Images | None = Field(default=None, description="default: all")
    model: ModelField = None


class LandscapeRequest(Strict):
    directions: Literal["random", "path", "optimizers"] = "random"
    seed: Seed = 0
    grid: Grid = 41
    span: Span | None = None
    n_images: Images | None = Field(
        default=None, description="default 10,000 (1,000 for optimizers); fewer for big grids"
    )
    model: ModelField = None


class ChainRequest(Strict):
    weights: Annotated[list[Knob], Field(min_length=3, max_length=3)]
    biases: Annotated[list[Knob], Field(min_length=3, max_length=3)]
    x: Knob
    y: Knob


BackpropRequest = BackpropPixels | BackpropExample
StepRequest = StepPixels | StepExample
NetworkChainRequest = ChainPixels | ChainExample
GradientRequest = GradientPixels | GradientExample | GradientBatch


class FiniteJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        text = json.dumps(explain.finite(content), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")


class Routes:
    """``app.get``/``app.post`` answering in FiniteJSON. (The app's own routes, not an
    included router: the app's 405 answers list the methods of its routes.)"""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str, **kwargs: Any) -> Callable:
        return self.app.get(path, response_class=FiniteJSON, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable:
        return self.app.post(path, response_class=FiniteJSON, **kwargs)


def add_routes(app: FastAPI, served: ServerState, changes: Callable[[str | None], None]) -> None:
    """The learn views' endpoints, added to the app (answers as FiniteJSON). ``changes``
    checks the token a change of the served model needs (a step with ``apply``).

    A request the schema allows but this model or dataset cannot answer gets 404 (no such
    image, parameter or recorded path) or 409 (it conflicts with what is loaded or running).
    """
    router = Routes(app)
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
                raise HTTPException(409, str(e)) from None
            named.clear()  # keep one: each is small, but names are many
            named[path] = (mtime, model)
        return named[path][1], path.name, path

    def training_images() -> Any:
        return served.dataset().full_train()  # "train": all 60,000 training images

    def rows(split: Any, indices: list[int], what: str) -> np.ndarray:
        chosen = np.asarray(indices)
        if chosen.max() >= len(split.labels):
            last = len(split.labels) - 1
            raise HTTPException(404, f"{what} must be 0–{last:,}, got {int(chosen.max()):,}")
        return chosen

    def input_of(body: Any, net: Network) -> tuple[np.ndarray, int, dict[str, Any] | None]:
        """(x, label, example) for a body with pixels or an example, and maybe a label."""
        if isinstance(body, FromExample):
            example = body.example
            split = training_images() if example.split == "train" else served.dataset().test
            (i,) = rows(split, [example.index], f"example.index for the {example.split} split")
            x, true = split.images[i], int(split.labels[i])
            label = true if body.label is None else body.label  # type: ignore[attr-defined]
            return x, label, example.model_dump() | {"label": true}
        x = np.asarray(body.pixels, dtype=np.float64)
        label = body.label if body.label is not None else int(net.predict(x[None, :])[0])
        return x, label, None

    def not_here(e: ValueError) -> HTTPException:
        return HTTPException(404, str(e))  # a parameter or neuron this network does not have

    def about(model: ModelFile, name: str | None) -> dict[str, Any]:
        cost = model.network.cost.name
        return {"model": name, "cost_function": cost, "cost_formula": explain.COST_FORMULAS[cost]}

    @router.post("/api/backprop", summary="one example: its cost and what it asks of each layer")
    def backprop(body: BackpropRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        x, label, example = input_of(body, model.network)
        result = explain.backprop_example(model.network, x, label, body.first_layer)
        return about(model, name) | result | {"example": example}

    @router.post("/api/backprop/step", summary="one example's step: outputs before and after")
    def step(
        body: StepRequest, x_digitnet_token: Annotated[str | None, Header()] = None
    ) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        if body.apply:
            changes(x_digitnet_token)  # beyond this machine, only the teacher changes the model
        if body.apply and body.model is not None:
            raise HTTPException(409, "apply changes the served model only: leave out 'model'")
        if body.apply and served.run is not None and not served.run.finished:
            raise HTTPException(409, "a training run is going: stop it before applying a step")
        x, label, example = input_of(body, model.network)
        others, images = None, np.zeros((0, 784))
        chosen: np.ndarray = np.zeros(0, dtype=int)
        if body.others:
            test = served.dataset().test
            rng = np.random.default_rng(body.seed)
            chosen = rng.choice(len(test.labels), min(body.others, len(test.labels)), False)
            images = test.images[chosen]
            others = (images, test.labels[chosen])
        report, stepped = explain.take_step(model.network, x, label, body.learning_rate, others)
        for item, i, image in zip(report["others"], chosen, images):
            item |= {"split": "test", "index": int(i), "pixels_255": explain.pixels_255(image)}
        if body.apply and not np.isfinite(stepped.params).all():
            raise HTTPException(409, "this step would make weights infinite: try a smaller η")
        if body.apply:
            net = model.network
            net.params[...] = stepped.params.astype(net.dtype)  # in memory; not saved
        return about(model, name) | report | {"applied": body.apply, "example": example}

    @router.post("/api/averaging", summary="mini-batch examples × parameters: each one's wish")
    @served.pooled
    def averaging(body: AveragingRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        net = model.network
        train = training_images()
        if body.indices is not None:
            chosen = rows(train, body.indices, "indices")
        else:
            rng = np.random.default_rng(body.seed)
            chosen = rng.choice(len(train.labels), min(body.batch_size, len(train.labels)), False)
        X, labels = train.images[chosen].astype(np.float64), np.asarray(train.labels[chosen])
        examples = [
            {"split": "train", "index": int(i), "label": int(train.labels[i]),
             "pixels_255": explain.pixels_255(train.images[i])}
            for i in chosen
        ]  # fmt: skip
        if body.pixels is not None:
            x = np.asarray(body.pixels, dtype=np.float64)
            label = body.label if body.label is not None else int(net.predict(x[None, :])[0])
            X, labels = np.vstack([x, X]), np.concatenate([[label], labels])
            drawing = {"split": "drawing", "index": None, "label": label}
            examples.insert(0, drawing | {"pixels_255": explain.pixels_255(x)})
        try:
            extra = [explain.param_index(net, p.as_dict()) for p in body.params]
        except ValueError as e:
            raise not_here(e) from None
        table = explain.averaging_table(net, X, labels, body.top, extra)
        return about(model, name) | table | {"examples": examples}

    @router.post("/api/gradient", summary="the gradient's components ranked, and C(θ − t∇C)")
    @served.pooled
    def gradient(body: GradientRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        net = model.network
        label = answer = None
        if isinstance(body, GradientBatch):
            train, batch = training_images(), body.batch
            if isinstance(batch, BatchIndices):
                chosen = rows(train, batch.indices, "batch.indices")
            else:
                rng = np.random.default_rng(batch.seed)
                chosen = rng.choice(len(train.labels), min(batch.size, len(train.labels)), False)
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
    @served.pooled_long
    def gradient_cosine(body: CosineRequest) -> dict[str, Any]:
        model, name, _ = model_of(body.model)
        train = training_images()
        n = min(body.n_images or len(train.labels), len(train.labels))
        too_big = [size for size in body.batch_sizes if size > n]
        if too_big:
            raise HTTPException(409, f"batch size {too_big[0]:,} is larger than the {n:,} images")
        draws = max(1, min(body.draws, MAX_COSINE_WORK // sum(body.batch_sizes)))  # bounded work
        X, labels = train.images[:n], np.asarray(train.labels[:n])
        curve = explain.cosine_curve(model.network, X, labels, body.batch_sizes, draws, body.seed)
        return about(model, name) | curve

    @router.post("/api/landscape", summary="the cost on a 2-D slice of weight space, with paths")
    @served.pooled_long
    def landscape(body: LandscapeRequest) -> dict[str, Any]:
        model, name, file = model_of(body.model)
        train = training_images()
        default = 1000 if body.directions == "optimizers" else 10_000
        n = min(body.n_images or default, len(train.labels), MAX_SLICE_WORK // body.grid**2)
        path = None
        if body.directions == "path":
            recorded = path_file(file) if file is not None else None
            if recorded is None or not recorded.is_file():
                raise HTTPException(
                    404, "this model has no recorded training path: train it with --record-path N"
                )
            try:
                found = load_path(recorded, model.network.n_params)
            except ValueError as e:
                raise HTTPException(409, str(e)) from None
            path = (found.params, found.examples)
        initial = landscapes.initial_params(model)
        config = landscapes.initial_config(model)
        if body.directions == "optimizers" and initial is None:
            raise HTTPException(
                409, "this model's initial weights are unknown (no training config)"
            )
        result = landscapes.landscape(
            model.network, train.images[:n], np.asarray(train.labels[:n]), body.directions,
            seed=body.seed, grid=body.grid, span=body.span, path=path, initial=initial,
            learning_rate=config.learning_rate if config is not None else None,
        )  # fmt: skip
        return about(model, name) | result

    @router.get(
        "/api/neurons/{layer}/{neuron}",
        summary="a neuron of any layer: the test digits with the largest z, its weights",
    )
    @served.pooled
    def neuron(
        layer: int, neuron: int, k: Annotated[int, Query(ge=1, le=64)] = 8
    ) -> dict[str, Any]:
        net = served.current().network
        test = served.dataset().test
        try:
            result = explain.neuron_report(net, layer, neuron, test.images, test.labels, k)
        except ValueError as e:
            raise not_here(e) from None
        for item in result["top"]:
            item["pixels_255"] = explain.pixels_255(test.images[item["index"]])
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
            raise not_here(e) from None
        return about(model, name) | result | {"label": label, "example": example}
