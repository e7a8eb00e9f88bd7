"""Serving the app: bind the address first (a taken port is one clear line, before any link is
printed), then run uvicorn on that socket, with slow clients cut off.

uvicorn bounds a request's headers in size (h11: 16 kB) and an idle connection between
requests in time (`timeout_keep_alive`, 5 s), but not the time a request takes to arrive: a
client that sends half its headers, or half its body, and waits kept its connection forever.
Here a request's headers must arrive within HEADER_SECONDS of the connection (or of the
previous answer on it), and its body within BODY_SECONDS of its headers; else the connection
is closed.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
from typing import Any

import h11
from fastapi import FastAPI
from uvicorn import Config
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 10.0  # a request's headers, from the connection or the previous answer
BODY_SECONDS = 30.0  # its body, from its headers: 1 MB (the largest allowed) at 270 kbit/s


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (as uvicorn would bind it), or a RuntimeError in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closing port, never a taken one
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise RuntimeError(why_not(host, port, e)) from None
    return sock


def why_not(host: str, port: int, e: OSError) -> str:
    if e.errno == errno.EADDRINUSE:
        return (
            f"port {port} is in use on {host}: another server listens there; choose another --port"
        )
    if e.errno == errno.EACCES:
        return (
            f"not allowed to listen on port {port} (below 1024 needs root); choose another --port"
        )
    if e.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; choose another --host"
    if isinstance(e, socket.gaierror):
        return f"cannot listen on {host}: no such host name ({e.strerror})"
    return f"cannot listen on {host}:{port}: {e.strerror or e}"


class SlowClientsCut(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request arrives too slowly."""

    header_seconds, body_seconds = HEADER_SECONDS, BODY_SECONDS
    _timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._rearm()

    def data_received(self, data: bytes) -> None:
        before = self.conn.their_state
        super().data_received(data)
        if self.conn.their_state is not before:  # the headers are in, or the whole request
            self._rearm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._rearm()  # the next request's headers (or, answered early, this one's body)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _rearm(self) -> None:
        """A deadline for what the client owes now: headers, a body, or nothing."""
        self._cancel()
        owed = {h11.IDLE: self.header_seconds, h11.SEND_BODY: self.body_seconds}
        seconds = owed.get(self.conn.their_state)
        if seconds is not None:
            self._timer = self.loop.call_later(seconds, self._too_slow)

    def _too_slow(self) -> None:
        self._timer = None
        if not self.transport.is_closing():
            self.transport.close()


def config(
    app: FastAPI,
    header_seconds: float = HEADER_SECONDS,
    body_seconds: float = BODY_SECONDS,
    **settings: Any,
) -> Config:
    """uvicorn's settings for the app: its HTTP protocol with these time bounds."""
    protocol = type(
        "SlowClientsCut",
        (SlowClientsCut,),
        {"header_seconds": header_seconds, "body_seconds": body_seconds},
    )
    return Config(app, http=protocol, log_level="warning", timeout_graceful_shutdown=2, **settings)


def run(app: FastAPI, sock: socket.socket) -> None:
    """Serve `app` on the bound socket until Ctrl-C. The heavy requests' pool is the server's
    parallelism (state.HeavyWork: a core kept for the drawing), so NumPy's BLAS takes one
    thread, and a thread computing holds the GIL 1 ms at a time, not 5: a drawing's request
    waits less for it."""
    import uvicorn
    from threadpoolctl import threadpool_limits

    sys.setswitchinterval(0.001)
    with threadpool_limits(limits=1, user_api="blas"):
        uvicorn.Server(config(app)).run(sockets=[sock])
