"""Serving the app: bind the address first (a taken port is one clear line, before any link is
printed), then run uvicorn on that socket.
"""

from __future__ import annotations

import errno
import socket

from fastapi import FastAPI


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (as uvicorn would bind it), or a RuntimeError in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not a port someone listens on
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


def run(app: FastAPI, sock: socket.socket) -> None:
    """Serve `app` on the bound socket until Ctrl-C."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])
