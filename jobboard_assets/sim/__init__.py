"""The simulated job market: N boards on 127.0.0.1 speaking the real board APIs.

No machine here reaches the internet, so this stands in for the real boards in the demo, the
tests and the benchmarks. `SimulatedMarket` is the deterministic model (catalog, posting
histories, ground truth), `SimServer` serves it over HTTP with switchable faults.
"""

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.served_posting import Posting
from jobboard_assets.sim.server import SimServer

__all__ = ["Posting", "SimServer", "SimulatedMarket"]
