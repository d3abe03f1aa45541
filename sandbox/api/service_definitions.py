"""S1, S2: run a service definition (sandbox/service_definitions.py), for a debtor or alone.

`?async=true` checks the body as a synchronous call would and answers 202 with `{}`.
"""

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import (
    NotFound,
    ValidationFailed,
    api_view,
    debtor_get,
    json_response,
    read_json_object,
)
from sandbox.service_definitions import (
    SERVICE_DEFINITIONS,
    DebtorFacts,
    ServiceBodyError,
    UnknownServiceDefinition,
    service_invoke,
)

_BOOLEANS = {"true": True, "false": False}


def _is_async(request: HttpRequest) -> bool:
    raw = request.GET.get("async")
    if raw is None:
        return False
    if raw.lower() not in _BOOLEANS:
        raise ValidationFailed({"async": ["Must be true or false."]})
    return _BOOLEANS[raw.lower()]


def _invoke(request: HttpRequest, definition: str, debtor: DebtorFacts | None) -> HttpResponse:
    if definition not in SERVICE_DEFINITIONS:
        raise NotFound(f"No service definition named {definition[:100]!r}.")
    run_async = _is_async(request)
    body = read_json_object(request) if request.body.strip() else {}
    try:
        answer = service_invoke(name=definition, body=body, debtor=debtor)
    except UnknownServiceDefinition as exc:  # pragma: no cover - checked above
        raise NotFound(f"No service definition named {definition[:100]!r}.") from exc
    except ServiceBodyError as exc:
        raise ValidationFailed(exc.errors) from exc
    if run_async:
        return json_response({}, status=202)
    return json_response(answer)


@api_view(methods=["POST"])
def debtor_service(request: HttpRequest, debtor_guid: str, definition: str) -> HttpResponse:
    """S1: the service definition run for one debtor."""
    debtor = debtor_get(debtor_guid)
    facts = DebtorFacts(debtor_guid=str(debtor.guid), id_number=debtor.id_number,
                        cellular_phone=debtor.cellular_phone)
    return _invoke(request, definition, facts)


@api_view(methods=["POST"])
def service(request: HttpRequest, definition: str) -> HttpResponse:
    """S2: the service definition run on its own."""
    return _invoke(request, definition, None)
