"""Live servers for the API tests: the real app on uvicorn on 127.0.0.1, over a real warehouse."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
import uvicorn
from sqlalchemy import Engine

from jobboard_assets.api import create_app
from jobboard_assets_tests.api.seed import seed

TOKEN = "test-token-0123456789"
Serve = Callable[..., str]


@contextmanager
def live_server(engine: Engine, api_token: str | None) -> Iterator[str]:
    """The app on uvicorn in a thread, on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # log_config=None: uvicorn's loggers propagate to the root logger, so caplog sees the access log.
    server = uvicorn.Server(
        uvicorn.Config(create_app(engine, api_token), log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """The warehouse with the hand-checked rows of `seed`."""
    seed(engine)
    return engine


@pytest.fixture
def serve(seeded: Engine) -> Iterator[Serve]:
    """`serve(api_token=...)` starts a server over the seeded warehouse and returns its URL."""
    with ExitStack() as stack:
        yield lambda api_token=TOKEN: stack.enter_context(live_server(seeded, api_token))


@pytest.fixture
def base_url(serve: Serve) -> str:
    """A server over the seeded warehouse, with Run Now enabled by TOKEN."""
    return serve()
