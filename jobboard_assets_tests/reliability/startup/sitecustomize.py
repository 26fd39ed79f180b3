"""Run by Python at start-up in processes a test starts with this folder on PYTHONPATH."""

from jobboard_assets_tests.reliability.mid_write import install_from_environment

install_from_environment()
