"""The HTTP API (`/api/...`) and the pipeline monitor page, served by `jobboard api`."""

from jobboard_assets.api.app import create_app

__all__ = ["create_app"]
