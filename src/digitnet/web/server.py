"""The local web server: JSON endpoints onto the network, training in the background, the page.

Every number the page shows comes from here or from the same weights run in the browser. Models
load only from the models folder (validated names); bodies are validated by pydantic and capped
in size; training runs one at a time in a thread and reports by server-sent events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import metrics
from ..data import DataError
from ..files import models_dir as default_models_dir
from ..files import newest_model
from ..images import to_mnist
from ..modelfile import ModelFile, ModelFileError, load_model, save_model
from ..network import Network
from ..training import (
    BatchEvent,
    DivergedError,
    EpochEvent,
    StopTraining,
    TrainConfig,
    TrainResult,
    checkpoint_model,
    train,
)
from .page import STATIC, encode_array, model_json

MAX_BODY_BYTES = 1_000_000  # a 280×280 drawing as 0–255 integers is about 300 kB of JSON
SIDES = (28, 280)  # the drawings a predict request may carry: 28×28 or 280×280
MAX_GRIDS = 64  # weight grids shown (and streamed) at most: the first 64 hidden neurons
BATCH_EVENTS_PER_SECOND = 10
WEIGHTS_EVERY_SECONDS = 0.5
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"  # no slashes, so no way out of the folder
SUFFIX = ".safetensors"

log = logging.getLogger("digitnet.web")


# ---- request bodies ----------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """Every 4xx answer: one clear message; for invalid bodies, the first errors too."""

    detail: str
    errors: list[dict[str, Any]] | None = None


class PredictRequest(Strict):
    """A drawing: grayscale 0–255 (0 = paper, 255 = ink or the reverse), row by row."""

    pixels: list[StrictInt] = Field(
        max_length=SIDES[-1] ** 2,
        description="28×28 = 784 or 280×280 = 78,400 whole numbers 0–255, row-major",
    )

    @field_validator("pixels")
    @classmethod
    def _square_in_range(cls, v: list[int]) -> list[int]:
        if len(v) not in [s * s for s in SIDES]:
            raise ValueError(
                f"pixels must hold 784 (28×28) or 78,400 (280×280) values, got {len(v):,}"
            )
        low, high = min(v), max(v)
        if low < 0 or high > 255:
            raise ValueError(f"pixel values must be 0–255, got values from {low} to {high}")
        return v


class ModelName(Strict):
    name: str = Field(pattern=NAME_PATTERN, description="a file name in the models folder")


class TrainRequest(Strict):
    layers: list[Annotated[int, Field(ge=1, le=1024)]] = Field(
        default=[16, 16], max_length=4, description="hidden layer sizes"
    )
    activation: Literal["sigmoid", "relu"] = "sigmoid"
    cost: Literal["quadratic", "cross-entropy"] = "quadratic"
    learning_rate: float = Field(default=1.5, gt=0, le=100, allow_inf_nan=False)
    batch_size: int = Field(default=10, ge=1, le=10_000)
    epochs: int = Field(default=3, ge=1, le=100)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class NoiseRequest(Strict):
    n: int = Field(default=1000, ge=1, le=10_000, description="noise images fed in")
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    show: int = Field(default=8, ge=0, le=32, description="examples returned with pixels")


class DreamRequest(Strict):
    steps: int = Field(default=200, ge=1, le=2000)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


# ---- helpers -----------------------------------------------------------------------------


def to_bytes_255(x: np.ndarray) -> list[int]:
    """An input in [0, 1] → whole numbers 0–255 for the page to draw."""
    return np.round(np.clip(x, 0.0, 1.0) * 255).astype(int).ravel().tolist()


def header_number(value: str | None) -> int | None:
    """A header's whole number: ASCII digits, at most 18 of them (else None: no huge numbers)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


class TrainingRun:
    """One training run in a background thread; its events are kept for the event stream."""

    def __init__(self, config: TrainConfig, data_loader: Callable[[], Any]) -> None:
        self.config = config
        self.data_loader = data_loader
        self.data: Any = None
        self.events: list[dict[str, Any]] = []
        self.weights: dict[str, Any] | None = None  # the latest snapshot of the weight grids
        self.weights_version = 0
        self.result: TrainResult | None = None
        self.error: str | None = None
        self.finished = False
        self.stop_requested = threading.Event()
        self._lock = threading.Lock()
        self._last_batch = 0.0
        self._last_weights = 0.0
        self.thread = threading.Thread(target=self._run, name="digitnet-train", daemon=True)

    def _add(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(event)

    def _snapshot_weights(self, net: Network) -> None:
        W = net.weights[0][:MAX_GRIDS]
        snapshot = {"neurons": net.sizes[1], "shown": len(W), "weights": encode_array(W)}
        with self._lock:
            self.weights = snapshot
            self.weights_version += 1

    def on_event(self, event: BatchEvent | EpochEvent) -> None:
        if self.stop_requested.is_set():
            raise StopTraining
        now = time.monotonic()
        if isinstance(event, BatchEvent):
            if now - self._last_batch >= 1 / BATCH_EVENTS_PER_SECOND:
                self._last_batch = now
                self._add(
                    {
                        "type": "batch",
                        "epoch": event.epoch,
                        "batch": event.batch,
                        "batches": event.batches,
                        "cost": event.cost,
                    }
                )
        else:
            row = {k: float(v) for k, v in event.row.items()}
            self._add({"type": "epoch", "epoch": event.epoch, "epochs": event.epochs, "row": row})
        if isinstance(event, EpochEvent) or now - self._last_weights >= WEIGHTS_EVERY_SECONDS:
            self._last_weights = now
            self._snapshot_weights(event.network)

    def _run(self) -> None:
        try:
            self._add({"type": "status", "message": "loading the data"})
            self.data = self.data_loader()
            self._add({"type": "status", "message": "training"})
            self.result = result = train(self.data, self.config, on_event=self.on_event)
            stopped = result.interrupted
            self._add({"type": "status", "message": "stopped" if stopped else "finished"})
        except (DataError, DivergedError, ValueError, OSError) as e:
            self.error = str(e)
        except Exception as e:  # a bug: keep the server up, say so on the page
            log.exception("training failed")
            self.error = f"training failed unexpectedly ({type(e).__name__}: {e})"
        finally:
            if self.error:
                self._add({"type": "error", "message": self.error})
            self.finished = True

    def since(self, cursor: int) -> tuple[list[dict[str, Any]], bool, int, dict | None]:
        """Events after `cursor`, whether the run is over, and the weight snapshot's version."""
        with self._lock:
            return self.events[cursor:], self.finished, self.weights_version, self.weights

    def status(self) -> dict[str, Any]:
        epochs = [e for e in self.events if e["type"] == "epoch"]
        return {
            "running": not self.finished,
            "finished": self.finished,
            "stopped": bool(self.result and self.result.interrupted),
            "error": self.error,
            "config": self.config.to_dict(),
            "epochs_done": len(epochs),
            "history": [e["row"] for e in epochs],
        }


class LimitBody:
    """ASGI middleware: reads a POST/PUT/PATCH body before the app does, at most `limit` bytes.

    A larger body gets 413, whether its Content-Length says so (refused unread) or it comes
    chunked (refused once past the limit); a client gone mid-body gets no answer at all.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        too_large = JSONResponse(
            {"detail": f"request body too large (at most {self.limit:,} bytes)"}, 413
        )
        length = Headers(scope=scope).get("content-length")
        if length is not None and not (length.isascii() and length.isdigit()):
            bad = JSONResponse({"detail": "bad Content-Length header"}, 400)
            return await bad(scope, receive, send)
        if length is not None and (len(length) > 18 or int(length) > self.limit):
            return await too_large(scope, receive, send)  # 19 digits or more: no int() of those
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await too_large(scope, receive, send)
            more = message.get("more_body", False)
        body = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:  # the body once, then the real stream (disconnects)
            return body.pop() if body else await receive()

        await self.app(scope, replay, send)


def default_data_loader() -> Any:
    from ..data import load_dataset

    return load_dataset("mnist", progress=False)


# ---- the app -----------------------------------------------------------------------------


def create_app(
    model_path: str | Path | None = None,
    models_dir: str | Path | None = None,
    data_loader: Callable[[], Any] | None = None,
) -> FastAPI:
    """The web app. model_path: the model to start with (else the newest in models_dir);
    models_dir: the only folder models are loaded from or saved to (default: files.models_dir());
    data_loader: returns the dataset (train/validation/test splits), called once, when needed.
    """
    folder = Path(models_dir) if models_dir is not None else default_models_dir()
    load_data = data_loader or default_data_loader
    app = FastAPI(
        title="digitnet",
        description="Draw a digit, watch the network think, watch it learn.",
        version="1",
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN: this app stays offline
        redoc_url=None,
        responses={"4XX": {"model": Problem, "description": "refused, with the reason"}},
    )
    state: dict[str, Any] = {"model": None, "name": None, "data": None, "run": None}
    data_lock = threading.Lock()

    def use_model(path: Path) -> None:
        model = load_model(path)
        sizes = model.network.sizes
        if sizes[0] != 784 or sizes[-1] != 10:
            raise ModelFileError(
                f"{path.name}: a {sizes[0]}-input, {sizes[-1]}-output network "
                "does not read 28×28 digits"
            )
        state["model"], state["name"] = model, path.name

    def newest() -> Path | None:
        return newest_model(folder).path

    if model_path is not None:
        use_model(Path(model_path))
    elif (start := newest()) is not None:
        try:
            use_model(start)
        except ModelFileError as e:  # a broken file in the folder should not stop the page
            log.warning("not using the newest model: %s", e)

    def current() -> ModelFile:
        if state["model"] is None:
            raise HTTPException(404, "no model yet: train one in the Learn view")
        return state["model"]

    def loaded_data() -> Any:
        """The dataset, loaded once (training calls this from its thread)."""
        with data_lock:
            if state["data"] is None:
                state["data"] = load_data()
            return state["data"]

    def dataset() -> Any:
        try:
            return loaded_data()
        except (DataError, OSError, ValueError) as e:
            raise HTTPException(503, f"the dataset is not available: {e}") from None

    def in_folder(name: str) -> Path:
        path = folder / (name if name.endswith(SUFFIX) else name + SUFFIX)  # name: a ModelName
        if path.resolve().parent != folder.resolve():
            raise HTTPException(400, f"bad model name {name!r}")
        return path

    # ---- errors: 4xx with one clear message; a clean 500 only for bugs ----

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        where = lambda e: ".".join(str(p) for p in e["loc"][1:]) or "body"  # noqa: E731
        detail = "; ".join(f"{where(e)}: {e['msg']}" for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return JSONResponse({"detail": detail + more, "errors": errors[:10]}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; see the server's log"}, status_code=500)

    app.add_middleware(LimitBody, limit=MAX_BODY_BYTES)

    # ---- the page ----

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # ---- models ----

    @app.get("/api/model", summary="the current model's weights (base64 little-endian floats)")
    def get_model() -> dict[str, Any]:
        return model_json(current(), state["name"])

    @app.put("/api/model", summary="switch to another model from the models folder")
    def put_model(body: ModelName) -> dict[str, Any]:
        path = in_folder(body.name)
        if not path.is_file():
            raise HTTPException(404, f"no model named {path.name!r} in the models folder")
        try:
            use_model(path)
        except ModelFileError as e:
            raise HTTPException(422, str(e)) from None
        return model_json(state["model"], state["name"])

    @app.get("/api/models", summary="the models in the models folder, newest first")
    def list_models() -> dict[str, Any]:
        found = sorted(folder.glob("*" + SUFFIX), key=lambda p: -p.stat().st_mtime)
        return {"models": [p.name for p in found], "current": state["name"]}

    # ---- the network thinking ----

    @app.post("/api/predict", summary="a drawing → its 28×28 input, every layer, the answer")
    def predict(body: PredictRequest) -> dict[str, Any]:
        net = current().network
        side = round(len(body.pixels) ** 0.5)
        gray = np.asarray(body.pixels, dtype=np.float64).reshape(side, side) / 255.0
        x = to_mnist(gray)  # the same normalisation as `digitnet predict`
        activations = net.forward(x[:, None])[1]  # columns: a⁰, a¹, …, aᴸ
        outputs = activations[-1][:, 0]
        return {
            "input": x.tolist(),
            "activations": [a[:, 0].tolist() for a in activations[1:]],
            "outputs": outputs.tolist(),
            "answer": int(np.argmax(outputs)),
            "blank": not x.any(),
        }

    @app.get("/api/neurons/{neuron}", summary="a first-layer neuron and the digits it likes")
    def neuron(neuron: int, k: Annotated[int, Query(ge=1, le=64)] = 8) -> dict[str, Any]:
        net = current().network
        if not 0 <= neuron < net.sizes[1]:
            raise HTTPException(404, f"neuron must be 0–{net.sizes[1] - 1}, got {neuron}")
        test = dataset().test
        a1 = net.forward(net._columns(test.images))[1][1][neuron]  # a¹_j for every test image
        top = np.argsort(-a1, kind="stable")[:k]
        return {
            "layer": 1,
            "neuron": neuron,
            "bias": float(net.biases[0][neuron]),
            "top": [
                {
                    "index": int(i),
                    "label": int(test.labels[i]),
                    "activation": float(a1[i]),
                    "pixels": to_bytes_255(test.images[i]),
                }
                for i in top
            ],
        }

    # ---- learning ----

    @app.post("/api/train", status_code=202, summary="start training in the background")
    def start_training(body: TrainRequest) -> dict[str, Any]:
        run = state["run"]
        if run is not None and not run.finished:
            raise HTTPException(409, "a training run is already going: stop it first")
        try:
            config = TrainConfig(
                sizes=(784, *body.layers, 10),
                activation=body.activation,
                cost=body.cost,
                learning_rate=body.learning_rate,
                batch_size=body.batch_size,
                epochs=body.epochs,
                seed=body.seed,
            )
        except ValueError as e:
            raise HTTPException(422, str(e)) from None
        run = TrainingRun(config, loaded_data)
        state["run"] = run
        run.thread.start()
        return run.status()

    def current_run() -> TrainingRun:
        if state["run"] is None:
            raise HTTPException(404, "no training run yet: start one")
        return state["run"]

    @app.get("/api/train", summary="the training run's status and per-epoch history")
    def training_status() -> dict[str, Any]:
        return current_run().status()

    @app.post("/api/train/stop", summary="stop the training run after its current mini-batch")
    def stop_training() -> dict[str, Any]:
        run = current_run()
        run.stop_requested.set()
        return run.status()

    @app.get("/api/train/events", summary="server-sent events: batch, epoch, weights, done")
    async def training_events(
        last_event_id: Annotated[str | None, Header()] = None,
    ) -> StreamingResponse:
        run = current_run()
        # a browser that reconnects says which event it saw last: carry on after it
        seen = header_number(last_event_id)
        start = seen + 1 if seen is not None else 0

        async def stream():
            cursor, version = start, 0
            while True:
                events, finished, weights_version, weights = run.since(cursor)
                for i, event in enumerate(events, cursor):
                    yield f"id: {i}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"
                cursor += len(events)
                if weights_version != version and weights is not None:
                    version = weights_version
                    yield f"event: weights\ndata: {json.dumps(weights)}\n\n"
                if finished and not events:
                    yield f"event: done\ndata: {json.dumps(run.status())}\n\n"
                    return
                await asyncio.sleep(0.05)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    @app.post(
        "/api/train/save",
        status_code=201,
        summary="save the trained model by name",
        responses={507: {"model": Problem, "description": "the models folder cannot take it"}},
    )
    def save_training(body: ModelName) -> dict[str, Any]:
        run = current_run()
        if not run.finished:
            raise HTTPException(409, "training is still running: stop it or wait for the end")
        if run.result is None or not run.result.history:
            raise HTTPException(409, "nothing to save: no epoch was completed")
        path = in_folder(body.name)
        if path.exists():
            raise HTTPException(409, f"{path.name} already exists: choose another name")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            save_model(checkpoint_model(run.result, run.data), path)  # atomic
        except OSError as e:  # a full disk, a file where the folder should be, no permission
            problem = e.strerror or str(e)
            raise HTTPException(507, f"could not save {path.name} in {folder}: {problem}") from None
        use_model(path)
        return {"saved": path.name, "model": model_json(state["model"], state["name"])}

    # ---- experiments ----

    @app.post("/api/experiments/noise", summary="random noise in: the confident nonsense out")
    def noise(body: NoiseRequest) -> dict[str, Any]:
        from ..experiments import noise_inputs

        net = current().network
        try:
            test_images = dataset().test.images  # to compare with the confidence on real digits
        except HTTPException:
            test_images = None
        result = noise_inputs.noise(net, n=body.n, seed=body.seed, test_images=test_images)
        X = noise_inputs.noise_images(body.n, body.seed, net.sizes[0])[: body.show]  # its own
        outputs = net.feedforward(X)
        answers = outputs.argmax(axis=1)
        digits = result.get("confidence_digits")
        return {
            "n": body.n,
            "seed": body.seed,
            "answers": result["answers_histogram"],
            "mean_top_output": result["confidence_noise"]["mean"],
            "digits_mean_top_output": digits["mean"] if digits else None,
            "conclusion": result["conclusion"],
            "examples": [
                {
                    "pixels": to_bytes_255(X[i]),
                    "outputs": outputs[i].tolist(),
                    "answer": int(answers[i]),
                }
                for i in range(len(X))
            ],
        }

    @app.post("/api/experiments/dream", summary="the input each output neuron likes best")
    def dream(body: DreamRequest) -> dict[str, Any]:
        from ..experiments import dream as dream_inputs

        net = current().network
        images = dream_inputs(net, steps=body.steps, seed=body.seed)  # (10, 784) in [0, 1]
        outputs = net.feedforward(images)
        return {
            "images": [to_bytes_255(x) for x in images],
            "outputs": outputs.tolist(),
        }

    @app.get("/api/mistakes", summary="the test images the network gets wrong, in order")
    def mistakes(
        offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=100)] = 12
    ) -> dict[str, Any]:
        net = current().network
        test = dataset().test
        outputs = net.feedforward(test.images)
        wrong = metrics.mistakes(test.labels, outputs.argmax(axis=1))
        page = wrong[offset : offset + limit]
        return {
            "total": int(wrong.size),
            "tested": int(len(test.labels)),
            "offset": offset,
            "items": [
                {
                    "index": int(i),
                    "label": int(test.labels[i]),
                    "answer": int(outputs[i].argmax()),
                    "outputs": outputs[i].tolist(),
                    "pixels": to_bytes_255(test.images[i]),
                }
                for i in page
            ],
        }

    return app
