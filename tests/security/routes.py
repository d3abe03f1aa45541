"""The URL walk of the security tests: every route of the project with concrete values.

`every_route()` lists the project's URL patterns (backoffice.urls, the sandbox's included) as
route keys: the pattern text joined from the resolver, e.g. "debtors/<uuid:guid>/edit/". The
`Seeded` records fill the path parameters, so each route is visited with real data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern


def every_route() -> list[tuple[str, str]]:
    """(route key, namespaced name or "") of every URL pattern, in resolver order."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            text = _text(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + text, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                routes.append((prefix + text, name))

    walk(get_resolver().url_patterns, "", "")
    return routes


def _text(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, RegexPattern):
        return "re:" + pattern._regex
    raise TypeError(pattern)


@dataclass(frozen=True)
class Seeded:
    """Records that exist upstream and in our database, for the path parameters."""

    debtor: str
    case: str
    address: str
    extra_field: str
    plan: str
    proposal: int
    saved_search: int
    audit_entry: int
    user: int
    group: int
    access_log: int
    user_content_type: int

    MISSING = 999_999_999  # an admin object that does not exist

    def admin_object(self, model: str) -> int:
        """The pk used for a registered model's object pages ("auth/user", ...)."""
        return {"auth/user": self.user, "auth/group": self.group,
                "audit/auditentry": self.audit_entry, "axes/accesslog": self.access_log,
                }.get(model, self.MISSING)


def concrete_path(route: str, name: str, seeded: Seeded) -> str:
    """The route with every parameter filled from `seeded` (regex routes by hand)."""
    regex_paths = {
        "admin/re:^(?P<app_label>auth|axes|audit)/$": "admin/auth/",
        "admin/re:(?P<url>.*)$": "admin/no-such-page/",
        "sandbox/re:^control/": "sandbox/control/no-such-operation",
        "sandbox/re:^api/": "sandbox/api/v2/no-such-operation",
    }
    if route in regex_paths:
        return "/" + regex_paths[route]
    values = {
        "guid": seeded.debtor, "debtor_guid": seeded.debtor, "case_guid": seeded.case,
        "address_guid": seeded.address, "name": seeded.extra_field, "plan_guid": seeded.plan,
        "entry_id": str(seeded.audit_entry), "fmt": "csv", "definition": "echo",
        "content_type_id": str(seeded.user_content_type), "job_id": str(seeded.MISSING),
    }
    by_name = {"debtors:saved-delete": {"pk": str(seeded.saved_search)}}.get(name, {})
    default_pk = str(seeded.proposal) if name.startswith("plans:") else str(seeded.user)
    model = re.match(r"^admin/(\w+/\w+)/<path:object_id>/", route)
    if model:
        by_name = {"object_id": str(seeded.admin_object(model[1]))}

    def fill(match: re.Match) -> str:
        key = match[1]
        if key in by_name:
            return by_name[key]
        if key in values:
            return values[key]
        if key in ("pk", "object_id", "id"):
            return default_pk
        raise KeyError(f"no value for <{key}> in {route}")

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
