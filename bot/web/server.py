"""Serving the app with uvicorn on a socket we bind first, so a busy port is told in plain words
before anything slow starts, and port 0 gives a free port whose URL we know."""

import socket

import uvicorn
from fastapi import FastAPI

# A browser cannot open the "any address" a server binds to: show the loopback one instead.
_OPENABLE = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class PortUnavailable(Exception):
    pass


def bind_socket(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise PortUnavailable(f"{host} is not an address of this machine") from error
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise PortUnavailable(
            f"cannot listen on {host}:{port} ({error.strerror}); "
            "another program may be using that port: try --port with another number"
        ) from error
    # Listening at once: a browser that comes before uvicorn has started waits in the backlog
    # instead of being refused.
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    host = _OPENABLE.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def make_server(app: FastAPI, log_level: str = "info") -> uvicorn.Server:
    # The lifespan must run: it makes the app's state and starts the background workers.
    return uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level=log_level))
