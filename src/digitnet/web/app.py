"""The web app's routes: each parses its request (limits.py), calls the state or the page's
answers (state.py, page.py) and returns JSON. Also the page itself, the error answers (4xx with
one clear message, a clean 500 only for bugs) and the training's server-sent events.

To add an endpoint: its body model in limits.py, its work in state.py or page.py, a route here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Route

from ..errors import SettingError
from ..files import models_dir as default_models_dir
from ..training import PRESETS, TrainConfig, make_config
from . import learn, page
from .limits import (
    TOKEN_HEADER,
    DreamRequest,
    FromThePage,
    LimitBody,
    LowerCaseHost,
    ModelName,
    NoiseRequest,
    Nothing,
    PageHeaders,
    PredictRequest,
    Problem,
    TrainRequest,
    allowed_hosts,
    header_number,
    is_loopback,
)
from .state import ServerState, TrainingRun

log = logging.getLogger("digitnet.web")
EVENT_POLL_SECONDS = 0.05  # how often the event stream looks for new training events
EVENT_SCHEMA = {  # one server-sent event; its data is JSON
    "type": "object",
    "properties": {
        "event": {
            "enum": ["status", "batch", "epoch", "weights", "plane", "ball", "error", "done"]
        },
        "data": {"type": "string"},
        "id": {"type": "string"},
    },
    "required": ["event", "data"],
}


def create_app(
    model_path: str | Path | None = None,
    models_dir: str | Path | None = None,
    data_loader: Callable[[], Any] | None = None,
    host: str = "127.0.0.1",
    token: str | None = None,
) -> FastAPI:
    """The web app. model_path: the model to start with (else the newest in models_dir);
    models_dir: the only folder models are loaded from or saved to (default: files.models_dir());
    data_loader: returns the dataset (train/validation/test splits), called once, when needed;
    host: the address it listens on (it answers only to that name and the loopback names);
    token: what training, saving and switching the model need (sent in the X-Digitnet-Token
    header); made up here when host reaches beyond this machine, kept in app.state.token.
    """
    folder = Path(models_dir) if models_dir is not None else default_models_dir()
    served = ServerState(folder, model_path, data_loader)
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(16)

    def changes(x_digitnet_token: Annotated[str | None, Header()] = None) -> None:
        """Only with the token, where there is one: students draw, the teacher trains."""
        given = (x_digitnet_token or "").encode()
        if token is not None and not secrets.compare_digest(given, token.encode()):
            raise HTTPException(403, f"this server changes only with its token ({TOKEN_HEADER})")

    guarded = [Depends(changes)]
    app = FastAPI(
        title="digitnet",
        description="Draw a digit, watch the network think, watch it learn.",
        version="1",
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN: this app stays offline
        redoc_url=None,
        responses={"4XX": {"model": Problem, "description": "refused, with the reason"}},
    )
    app.state.served, app.state.token = served, token
    app.add_middleware(LimitBody)
    app.add_middleware(FromThePage)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(host), www_redirect=False)
    app.add_middleware(LowerCaseHost)
    app.add_middleware(PageHeaders)  # added last, so it runs first: on every answer
    app.add_exception_handler(RequestValidationError, invalid_body)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, refused)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)

    # ---- the page ----

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(page.STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")

    # ---- models ----

    @app.get("/api/model", summary="the current model's weights (base64 little-endian floats)")
    def get_model() -> dict[str, Any]:
        return served.model_json()

    @app.put(
        "/api/model", summary="switch to another model from the models folder", dependencies=guarded
    )
    def put_model(body: ModelName) -> dict[str, Any]:
        served.switch(body.name)
        return served.model_json()

    @app.get("/api/models", summary="the models in the models folder, newest first")
    def list_models() -> dict[str, Any]:
        return served.models()

    # ---- the network thinking ----

    @app.post("/api/predict", summary="a drawing → its 28×28 input, every layer, the answer")
    def predict(body: PredictRequest) -> dict[str, Any]:
        return page.prediction(served.current().network, body.pixels)

    @app.get("/api/neurons/{neuron}", summary="a first-layer neuron and the digits it likes")
    @served.pooled
    def neuron(neuron: int, k: Annotated[int, Query(ge=1, le=64)] = 8) -> dict[str, Any]:
        net = served.current().network
        if not 0 <= neuron < net.sizes[1]:
            raise HTTPException(404, f"neuron must be 0–{net.sizes[1] - 1}, got {neuron}")
        return page.favourite_digits(net, neuron, served.dataset().test, k)

    # ---- learning ----

    @app.post(
        "/api/train",
        status_code=202,
        summary="start training in the background",
        dependencies=guarded,
    )
    def start_training(body: TrainRequest) -> dict[str, Any]:
        return served.start_training(train_config(body), body.images).status()

    @app.get("/api/presets", summary="the training recipes (video, book, tweaked) to start from")
    def presets() -> dict[str, Any]:
        return {"presets": {name: preset_json(config) for name, config in PRESETS.items()}}

    @app.get("/api/train", summary="the training run's status and per-epoch history")
    def training_status() -> dict[str, Any]:
        return served.current_run().status()

    @app.post(
        "/api/train/stop",
        summary="stop the training run after its current mini-batch",
        dependencies=guarded,
    )
    def stop_training(body: Nothing) -> dict[str, Any]:
        run = served.current_run()
        run.stop_requested.set()
        return run.status()

    @app.get(
        "/api/train/events",
        summary="server-sent events: batch, epoch, weights, the ball on the landscape, done",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {"schema": EVENT_SCHEMA}}}},
    )
    async def training_events(
        last_event_id: Annotated[str | None, Header()] = None,
    ) -> StreamingResponse:
        # a browser that reconnects says which event it saw last: carry on after it
        seen = header_number(last_event_id)
        events = event_stream(served.current_run(), seen + 1 if seen is not None else 0)
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)

    @app.post(
        "/api/train/save",
        status_code=201,
        summary="save the trained model by name",
        dependencies=guarded,
        responses={507: {"model": Problem, "description": "the models folder cannot take it"}},
    )
    def save_training(body: ModelName) -> dict[str, Any]:
        return {**served.save_run(body.name), "model": served.model_json()}

    # ---- how it learns: Backprop, Gradient descent, Chain rule (web/learn.py) ----

    learn.add_routes(app, served, changes)

    # ---- experiments ----

    @app.post("/api/experiments/noise", summary="random noise in: the confident nonsense out")
    @served.pooled
    def noise(body: NoiseRequest) -> dict[str, Any]:
        net = served.current().network
        try:
            test_images = served.dataset().test.images  # to compare with real digits
        except HTTPException:
            test_images = None
        return page.noise(net, body.n, body.seed, body.show, test_images, served.dataset_name())

    @app.post("/api/experiments/dream", summary="the input each output neuron likes best")
    @served.pooled
    def dream(body: DreamRequest) -> dict[str, Any]:
        return page.dreams(served.current().network, body.steps, body.seed)

    @app.get("/api/mistakes", summary="the test images the network gets wrong, in order")
    @served.pooled
    def mistakes(
        offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=100)] = 12
    ) -> dict[str, Any]:
        return page.mistakes(served.current().network, served.dataset().test, offset, limit)

    return app


def train_config(body: TrainRequest) -> TrainConfig:
    """The training request as a TrainConfig: its preset (else TrainConfig's defaults) with
    the settings it gives laid over (422 if the config refuses them). A run on the first
    `images` training images trains on the training split only (not train + validation)."""
    settings = body.model_dump(exclude={"preset", "layers", "images"})
    if body.images is not None:
        settings["train_set"] = "train"
    try:
        return make_config(body.preset or TrainConfig(), layers=body.layers, **settings)
    except SettingError as e:
        raise HTTPException(422, str(e)) from None


def preset_json(config: TrainConfig) -> dict[str, Any]:
    """A preset as the Learn view's form shows it: its settings, the hidden layers apart."""
    return {**config.to_dict(), "layers": list(config.sizes[1:-1])}


async def event_stream(run: TrainingRun, start: int) -> AsyncIterator[str]:
    """The run's events from `start` on, as server-sent events, then `done` with its status.

    What each poll finds goes out as one chunk, and the server waits between chunks: there it
    notices a client gone, and the stream ends (StreamingResponse listens for the disconnect;
    a server that says so raises on the failed send instead). So a dropped stream costs one
    write at most, not one per event into the closed socket, each logged."""
    cursor, version = start, 0
    while True:
        events, finished, weights_version, weights = run.since(cursor)
        chunk = [
            f"id: {i}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n" for i, event in events
        ]
        if events:
            cursor = events[-1][0] + 1
        if weights_version != version and weights is not None:
            version = weights_version
            chunk.append(f"event: weights\ndata: {json.dumps(weights)}\n\n")
        over = finished and not events
        if over:
            chunk.append(f"event: done\ndata: {json.dumps(run.status())}\n\n")
        if chunk:
            yield "".join(chunk)
        if over:
            return
        await asyncio.sleep(EVENT_POLL_SECONDS)


# ---- errors: 4xx with one clear message; a clean 500 only for bugs ----


async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    where = lambda e: ".".join(str(p) for p in e["loc"][1:]) or "body"  # noqa: E731
    detail = "; ".join(f"{where(e)}: {e['msg']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return JSONResponse({"detail": detail + more, "errors": errors[:10]}, status_code=422)


async def refused(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI's answer, with a 405's Allow naming every method of the path, not one route's."""
    response = await http_exception_handler(request, exc)
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return response


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the routes of `path` answer (GET /api/model and PUT /api/model: both)."""
    found: set[str] = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path_regex.match(path):
            found |= route.methods or set()
    return sorted(found)


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error; see the server's log"}, status_code=500)
