"""The custom actions a deployment allows (settings.CUSTOM_ACTIONS) and who may run which.

Each entry: `definition` (the service definition's name), `label`, `roles` (role names that may
run it), optionally `body` (a JSON object sent with it, default `{}`) and `async` (queue it
instead of waiting for its answer, default False).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from backoffice import roles


@dataclass(frozen=True)
class CustomAction:
    definition: str
    label: str
    roles: frozenset[str]
    body: Mapping[str, Any] = field(default_factory=dict)
    run_async: bool = False


def configured_actions() -> list[CustomAction]:
    return [
        CustomAction(
            definition=entry["definition"],
            label=str(entry.get("label") or entry["definition"]),
            roles=frozenset(entry.get("roles", ())),
            body=dict(entry.get("body") or {}),
            run_async=bool(entry.get("async", False)),
        )
        for entry in settings.CUSTOM_ACTIONS
    ]


def actions_for(user) -> list[CustomAction]:
    """The configured actions the user's role may run, in the configured order."""
    role = roles.user_role(user)
    if role is None or not roles.user_can(user, roles.VIEW_DEBTORS):
        return []
    return [action for action in configured_actions() if role in action.roles]


def action_for(user, definition: str) -> CustomAction | None:
    return next((a for a in actions_for(user) if a.definition == definition), None)


def can_run_any(user) -> bool:
    return roles.user_can(user, roles.RUN_ANY_SERVICE)
