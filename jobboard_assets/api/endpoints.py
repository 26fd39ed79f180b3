"""A GET endpoint is a dispatch table on `action` plus its parameters; this is the table's shape.

Every declared parameter that is present is validated, whether or not the action uses it, so a
malformed value is always a 400 and never silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jobboard_assets.api.params import ChoiceParam, Param, bad_request
from jobboard_assets.warehouse.db import session_scope

Params = dict[str, Any]
Handler = Callable[[Engine, Params], Any]


def in_session(read: Callable[[Session, Params], Any]) -> Handler:
    """A handler that runs `read` in one transaction."""

    def handler(engine: Engine, params: Params) -> Any:
        with session_scope(engine) as session:
            return read(session, params)

    return handler


@dataclass(frozen=True)
class Action:
    """One value of `action`: what it computes, what it needs and the schema of its data."""

    handler: Handler
    summary: str
    data_schema: dict[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """A GET endpoint dispatching on `action`: its dispatch table and its other parameters."""

    path: str
    summary: str
    actions: Mapping[str, Action]
    params: tuple[Param, ...]

    @property
    def action_param(self) -> ChoiceParam:
        return ChoiceParam("action", "What to compute.", tuple(self.actions))

    def parse(self, query: Mapping[str, str]) -> tuple[Action, Params]:
        """The action and every declared parameter present, validated (ApiError 400 otherwise)."""
        if "action" not in query:
            raise bad_request(f"action is required: one of {', '.join(self.actions)}")
        action_name = self.action_param.parse(query["action"])
        action = self.actions[action_name]
        params = {
            param.name: param.parse(query[param.name])
            for param in self.params
            if param.name in query
        }
        missing = [name for name in action.required if name not in params]
        if missing:
            raise bad_request(f"{', '.join(missing)} is required for action={action_name}")
        return action, params
