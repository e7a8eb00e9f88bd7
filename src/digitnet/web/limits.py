"""What a request may carry: its Host, the size and type of its body, the shape of each JSON
body, odd headers, and (beyond this machine) the token that lets it change the server's state.

Every bound the API enforces is here, in the pydantic models that also write the OpenAPI
schema, and in `LimitBody`, which refuses a body over `MAX_BODY_BYTES` before it is parsed.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK = ("localhost", "127.0.0.1", "::1")  # the names this machine answers to itself
ALL_INTERFACES = ("0.0.0.0", "::", "")
TOKEN_HEADER = "X-Digitnet-Token"  # the page sends the token it was opened with (?token=...)
MAX_BODY_BYTES = 1_000_000  # a 280×280 drawing as 0–255 integers is about 300 kB of JSON
SIDES = (28, 280)  # the drawings a predict request may carry: 28×28 or 280×280
DRAWING_SCHEMA = {  # the lengths the validator allows, said in the schema itself
    "anyOf": [
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 255},
            "minItems": side * side,
            "maxItems": side * side,
        }
        for side in SIDES
    ],
    "description": "28×28 = 784 or 280×280 = 78,400 whole numbers 0–255, row-major",
}
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"  # no slashes, so no way out of the folder


def number_not_bool_or_text(value: Any) -> Any:
    """JSON's true, false and strings are no numbers here, whatever Python's int() would make
    of them; 3.0 is the integer 3, as JSON Schema has it."""
    if isinstance(value, (bool, str)):
        raise ValueError(f"must be a number, got {json.dumps(value)}")
    return value


Whole = Annotated[int, BeforeValidator(number_not_bool_or_text)]
Real = Annotated[float, BeforeValidator(number_not_bool_or_text)]
# (the bounds before the validator: after it, pydantic leaves them out of the JSON schema)
Seed = Annotated[int, Field(ge=0, le=2**32 - 1), BeforeValidator(number_not_bool_or_text)]

# a training request's settings, each with its bounds (in the schema too), or null
NumberOf = BeforeValidator(number_not_bool_or_text)
Rate = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False), NumberOf]
Momentum = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False), NumberOf]
BatchSize = Annotated[int, Field(ge=1, le=10_000), NumberOf]
Epochs = Annotated[int, Field(ge=1, le=100), NumberOf]


class Strict(BaseModel):
    """A JSON body as its schema says: no unknown fields (and numbers are numbers: Whole)."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """Every 4xx answer: one clear message; for invalid bodies, the first errors too."""

    detail: str
    errors: list[dict[str, Any]] | None = None


class PredictRequest(Strict):
    """A drawing: grayscale 0–255 (0 = paper, 255 = ink or the reverse), row by row."""

    pixels: Annotated[list[int], Field(max_length=SIDES[-1] ** 2), WithJsonSchema(DRAWING_SCHEMA)]

    @field_validator("pixels", mode="before")
    @classmethod
    def _numbers(cls, v: Any) -> Any:
        if isinstance(v, list):  # one pass here, not one call per pixel
            for i, value in enumerate(v):
                if isinstance(value, (bool, str)):
                    got = json.dumps(value)
                    raise ValueError(f"pixels must be integers 0–255, got {got} at {i}")
        return v

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


class Nothing(Strict):
    """`{}`: a change with nothing more to say still comes as JSON (see FromThePage)."""


class ModelName(Strict):
    name: str = Field(pattern=NAME_PATTERN, description="a file name in the models folder")


class TrainRequest(Strict):
    """A training run: a preset (else TrainConfig's defaults) and the settings that differ
    from it; a setting left out (or null) keeps the preset's."""

    preset: Literal["video", "book", "tweaked"] | None = Field(
        default=None, description="training.PRESETS: the recipe the other settings change"
    )
    layers: (
        list[Annotated[int, Field(ge=1, le=1024), BeforeValidator(number_not_bool_or_text)]] | None
    ) = Field(default=None, max_length=4, description="hidden layer sizes")
    activation: Literal["sigmoid", "relu"] | None = None
    cost: Literal["quadratic", "cross-entropy"] | None = None
    learning_rate: Rate | None = None
    batch_size: BatchSize | None = None
    epochs: Epochs | None = None
    momentum: Momentum | None = None
    schedule: Literal["constant", "cosine"] | None = None
    seed: Seed | None = None
    images: (
        Annotated[int, Field(ge=100, le=60_000), BeforeValidator(number_not_bool_or_text)] | None
    ) = Field(default=None, description="a short run: only the first N training images")


class NoiseRequest(Strict):
    n: Whole = Field(default=1000, ge=1, le=10_000, description="noise images fed in")
    seed: Seed = 0
    show: Whole = Field(default=8, ge=0, le=32, description="examples returned with pixels")


class DreamRequest(Strict):
    steps: Whole = Field(default=200, ge=1, le=2000)
    seed: Seed = 0


def is_loopback(host: str) -> bool:
    """Whether a --host keeps the server to this machine."""
    return host in LOOPBACK


def allowed_hosts(host: str) -> list[str]:
    """The Host headers a server listening on `host` answers (names as it is listening): the
    loopback names and `host`; any, on all interfaces, where the token guards the changes.
    Any other name in Host is a page that rebound its own name to this address (DNS
    rebinding), refused."""
    if host in ALL_INTERFACES:
        return ["*"]
    names = {*LOOPBACK, host}
    return sorted(f"[{name}]" if ":" in name else name for name in names)


def header_number(value: str | None) -> int | None:
    """A header's whole number: ASCII digits, at most 18 of them (else None: no huge numbers)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


class LowerCaseHost:
    """ASGI middleware: the Host header in lower case, as DNS names compare, before the Host
    check sees it (Starlette compares it as sent before 1.8, its last release for Python 3.10)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = [(k, v.lower() if k == b"host" else v) for k, v in scope["headers"]]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


CHANGES = ("POST", "PUT")  # the methods of the routes that take a body (others get 405)


class FromThePage:
    """ASGI middleware: a request that may change something (a POST or PUT) must
    come from this server's own page, else 403 or 415 before its body is read.

    A browser says which page sends a request: `Origin` (scheme, name and port) and
    `Sec-Fetch-Site`. Another site's page, and this machine's other servers (another port is
    another origin, though the same site), are refused with 403. And the body must be JSON:
    another page can send a form or text without the browser asking this server first (and
    `fetch` with `mode: "no-cors"` can send nothing else), but not `application/json`. Clients
    that are no browsers (curl, scripts) send neither header and only need the JSON.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in CHANGES:
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        origin, site = headers.get("origin"), headers.get("sec-fetch-site", "").lower()
        foreign_origin = origin is not None and urlsplit(origin.lower()).netloc != headers.get(
            "host", ""
        )  # "null" (a sandboxed or file: page) included
        if foreign_origin or site in ("cross-site", "same-site"):
            where = origin or f"a {site} page"
            detail = f"refused: a change must come from this server's own page, not {where}"
            return await JSONResponse({"detail": detail}, 403)(scope, receive, send)
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":  # a form or text: what another site's page can send
            detail = "send the body as JSON (Content-Type: application/json; {} if nothing to say)"
            return await JSONResponse({"detail": detail}, 415)(scope, receive, send)
        await self.app(scope, receive, send)


# The page loads only its own files (scripts, styles, the icon) and talks only to this server;
# no page may frame it (clickjacking); no <base> or form may point elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),  # a file is what its Content-Type says, no guessing
]


class PageHeaders:
    """ASGI middleware: every answer carries PAGE_HEADERS (the page, its files, the API's JSON)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *PAGE_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


class LimitBody:
    """ASGI middleware: reads a POST or PUT body before the app does, at most `limit` bytes.

    A larger body gets 413, whether its Content-Length says so (refused unread) or it comes
    chunked (refused once past the limit); a client gone mid-body gets no answer at all.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in CHANGES:
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
