"""Custom actions on a debtor: the configured buttons, and the admins' JSON-body form.

A button runs a service definition from settings.CUSTOM_ACTIONS that the user's role may run;
anyone else is refused (403, audited as denied). The JSON form runs any definition with any
body and needs RUN_ANY_SERVICE. A synchronous answer is shown as JSON; an asynchronous one is
acknowledged as queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, jsonio, roles, upstream
from backoffice.gateway import GatewayError, NotFound, ServiceResult, ValidationFailed
from backoffice.upstream import INVALID
from debtors import services
from debtors.forms_actions import ActionRunForm, ServiceJsonForm
from debtors.views.panels import render_panel

PARTIAL = "debtors/partials/actions.html"


def pretty_json(value: Any) -> str:
    """Indented JSON with Decimals written digit for digit."""
    return jsonio.dumps(value, indent=2)


def _result(label: str, result: ServiceResult) -> dict[str, Any]:
    return {"label": label, "accepted": result.accepted, "status": result.status,
            "json": pretty_json(result.data)}


def _refusal(exc: ValidationFailed) -> list[str]:
    """The upstream messages, each with the body field it names (as the user wrote it)."""
    raw = exc.problem.get("errors")
    if isinstance(raw, Mapping):
        lines = [f"{name}: {message}" for name, messages in raw.items()
                 for message in (messages if isinstance(messages, list) else [messages])]
    else:
        lines = []
    return lines or exc.non_field_errors or [exc.user_message]


def _panel(request: HttpRequest, guid: str, *, status: int = 200, **state: Any) -> HttpResponse:
    context = {"debtor_guid": guid, "debtor": None,
               "can_edit": roles.user_can(request.user, roles.EDIT_DEBTORS), **state}
    return render_panel(request, PARTIAL, context, title=_("Actions"), status=status)


def _fault(request: HttpRequest, guid: str, error: GatewayError, **state: Any) -> HttpResponse:
    """Anything but a refusal placed above: the banner (htmx: the banner alone)."""
    return upstream.respond(request, error, render=lambda extra, status: _panel(
        request, guid, status=status, **extra, **state))


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS, action="service.invoke")
def run(request: HttpRequest, guid) -> HttpResponse:
    """One of the configured actions the user's role may run."""
    guid = str(guid)
    form = ActionRunForm(request.POST)
    definition = form.data.get("definition", "") if not form.is_valid() else \
        form.cleaned_data["definition"]
    action = services.configured_action_get(actor=request.user, debtor_guid=guid,
                                            definition=definition)
    try:
        result = services.action_run(actor=request.user, debtor_guid=guid,
                                     definition=action.definition, body=action.body,
                                     run_async=action.run_async)
    except (ValidationFailed, NotFound) as exc:
        lines = _refusal(exc) if isinstance(exc, ValidationFailed) else [exc.user_message]
        return _panel(request, guid, status=INVALID, action_error={
            "label": action.label, "lines": lines})
    except GatewayError as error:
        return _fault(request, guid, error)
    return _panel(request, guid, action_result=_result(action.label, result))


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@guards.permission_required(roles.RUN_ANY_SERVICE, action="service.invoke")
def run_json(request: HttpRequest, guid) -> HttpResponse:
    """Any service definition with a JSON body (admins)."""
    guid = str(guid)
    if request.method != "POST":
        return _panel(request, guid, json_form=ServiceJsonForm(), json_open=True)
    form = ServiceJsonForm(request.POST)
    state = {"json_form": form, "json_open": True}
    if not form.is_valid():
        return _panel(request, guid, status=INVALID, **state)
    definition = form.cleaned_data["definition"]
    try:
        result = services.action_run(actor=request.user, debtor_guid=guid, definition=definition,
                                     body=form.cleaned_data["body"],
                                     run_async=form.cleaned_data["run_async"])
    except NotFound:
        form.add_error("definition", _("The collection system has no service definition of "
                                       "that name (or the debtor is gone)."))
        return _panel(request, guid, status=INVALID, **state)
    except ValidationFailed as exc:
        for line in _refusal(exc):
            form.add_error("body", line)
        return _panel(request, guid, status=INVALID, **state)
    except GatewayError as error:
        return _fault(request, guid, error, **state)
    return _panel(request, guid, action_result=_result(definition, result), **state)
