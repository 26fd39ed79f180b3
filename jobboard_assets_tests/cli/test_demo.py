"""`jobboard demo` beside `make dev`: a taken simulator port is one clear line, not a traceback."""

from __future__ import annotations

import socket

import click
import pytest

from jobboard_assets.cli.demo import bound_simulator
from jobboard_assets.sim.market import SimulatedMarket


def test_a_taken_port_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(click.ClickException) as refused:
            bound_simulator(SimulatedMarket(seed=1, n_boards=2), port)
    assert refused.value.message.startswith(f"port {port} is taken")
    assert "--port" in refused.value.message
