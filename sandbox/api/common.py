"""What every sandbox API view shares: the `api_view` decorator and its helpers.

    from sandbox.api.common import api_view, json_response, read_json_object, list_page

    @api_view(methods=["GET", "POST"])
    def things(request, debtor_guid):
        debtor = get_by_guid(Debtor.objects, debtor_guid, what="debtor")
        if request.method == "GET":
            return list_page(request, debtor.things.all(), THING_LIST, thing_row)
        v = Validator(read_json_object(request))
        ...
        return json_response(thing_row(thing), status=201)

`api_view` makes the view CSRF-exempt and open to LoginRequiredMiddleware (callers use
bearer tokens), then for each call: applies the faults of /sandbox/control/faults (unless
`faults=False`), checks the bearer token (unless `auth=False`), refuses other methods with a
405, and turns any `ApiError` (or an unexpected exception) into `application/problem+json`.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_not_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.api.errors import (
    PROBLEM_CONTENT_TYPE,
    ApiError,
    BadRequest,
    Conflict,
    MethodNotAllowed,
    NotFound,
    Unauthorized,
    ValidationFailed,
    problem_response,
)
from sandbox.api.jsonio import JsonError, dumps, format_date, format_datetime, loads
from sandbox.api.odata import Field, ListSpec, ODataError, apply_query
from sandbox.api.pages import page_rows
from sandbox.api.validation import Validator, parse_guid
from sandbox.faults import apply_faults
from sandbox.models import Debtor
from sandbox.models.plain_read import all_fields, plain_get
from sandbox.stats import call_count
from sandbox.tokens import InvalidToken, bearer_token, token_check

__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "ApiError",
    "BadRequest",
    "Conflict",
    "Field",
    "ListSpec",
    "MethodNotAllowed",
    "NotFound",
    "Paging",
    "Unauthorized",
    "ValidationFailed",
    "Validator",
    "api_url",
    "api_view",
    "debtor_get",
    "debtor_key",
    "dumps",
    "format_date",
    "format_datetime",
    "get_by_guid",
    "json_response",
    "link",
    "list_page",
    "no_content",
    "page_body",
    "paging",
    "parse_guid",
    "problem_response",
    "query_list",
    "read_json_object",
]

logger = logging.getLogger("sandbox")

MAX_TOP = 100
DEFAULT_TOP = 25
MAX_SKIP = 2**31 - 1
MAX_BODY_BYTES = 1_000_000


# --- The decorator ---------------------------------------------------------------------------


def authenticate(request: HttpRequest) -> str:
    """The client id of the request's bearer token; raises Unauthorized (401)."""
    try:
        client_id = token_check(bearer_token(request.headers.get("Authorization", "")))
    except InvalidToken as exc:
        raise Unauthorized(str(exc)) from exc
    request.sandbox_client_id = client_id
    return client_id


def api_view(
    *, methods: Sequence[str], auth: bool = True, faults: bool = True
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wraps a sandbox API view (see the module docstring).

    methods: the HTTP methods the URL answers; others get 405 with an Allow header, so a
        view may branch on request.method knowing it is one of them.
    auth: require a valid bearer token (401 otherwise).
    faults: suffer the configured faults (False for /sandbox/control/ and the token endpoint).
    """
    allowed = [method.upper() for method in methods]

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if faults:  # an API call, not the control API: counted for GET /control/stats
                call_count(request, view.__name__)
            try:
                if faults:
                    apply_faults(request.method or "GET", request.path)
                if auth:
                    authenticate(request)
                if request.method not in allowed:
                    raise MethodNotAllowed(request.method or "", allowed)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return problem_response(request, error)
            except Exception:
                logger.exception("Sandbox API view %s failed", view.__name__)
                return problem_response(
                    request, ApiError("The sandbox failed to answer; see its log.")
                )

        return csrf_exempt(login_not_required(wrapper))

    return decorate


# --- Responses -------------------------------------------------------------------------------


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    """JSON with Decimal written as a number and dates as ISO 8601 UTC (see jsonio)."""
    return HttpResponse(dumps(data), status=status, content_type="application/json")


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def api_url(request: HttpRequest, path: str = "") -> str:
    """Absolute URL of `path` below the API root (…/sandbox/api/v1) the request came through."""
    current = request.path
    marker = current.find("/api/v1")
    root = current[: marker + len("/api/v1")] if marker >= 0 else "/sandbox/api/v1"
    return request.build_absolute_uri(root + path)


def link(request: HttpRequest, rel: str, path: str, method: str = "GET") -> dict:
    """One entry of a `links` array."""
    return {"rel": rel, "href": api_url(request, path), "method": method}


# --- Requests --------------------------------------------------------------------------------


def read_json_object(request: HttpRequest) -> dict:
    """The body as a JSON object, numbers with decimals as Decimal; 400 otherwise."""
    raw = request.body
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"The body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        raise BadRequest("A JSON object is required as the body.", title="Malformed JSON")
    try:
        data = loads(raw)
    except JsonError as exc:
        raise BadRequest(f"The body is not valid JSON: {exc}", title="Malformed JSON") from exc
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", title="Malformed JSON")
    return data


def get_by_guid(queryset: QuerySet, guid: str | UUID, *, what: str, **filters: Any) -> Model:
    """The row with that `guid` (a malformed guid too is a 404 naming `what`)."""
    parsed = guid if isinstance(guid, UUID) else parse_guid(guid)
    row = queryset.filter(guid=parsed, **filters).first() if parsed else None
    if row is None:
        raise NotFound(f"No {what} with GUID {str(guid)[:40]!r}.")
    return row


def debtor_get(guid: str | UUID) -> Debtor:
    """The debtor a URL (or body) names, its whole row read by one plain SELECT; 404
    otherwise."""
    return _debtor_by_guid(guid, fields=all_fields(Debtor))


def debtor_key(guid: str | UUID) -> Debtor:
    """The debtor a URL names with only its key (and GUID) loaded, 404 otherwise: enough to
    list or compute what belongs to it (a list's rows are given it as their debtor), read by
    one plain SELECT (sandbox/models/plain_read.py): most API calls ask."""
    return _debtor_by_guid(guid, fields=("guid",))


def _debtor_by_guid(guid: str | UUID, *, fields: Sequence[str]) -> Debtor:
    parsed = guid if isinstance(guid, UUID) else parse_guid(guid)
    debtor = plain_get(Debtor, by="guid", value=parsed, fields=fields) if parsed else None
    if debtor is not None:
        return debtor
    raise NotFound(f"No debtor with GUID {str(guid)[:40]!r}.")


# --- Lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    skip: int
    top: int


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if text.lstrip("+-").isdigit() and len(text) <= 20:
        return int(text)
    return None


def paging(request: HttpRequest, errors: dict[str, list[str]] | None = None) -> Paging:
    """`$skip` (0 up) and `$top` (1 to 100, default 25) of the query string.

    Failures go into `errors` when given (to be reported with others), else raise a 400.
    """
    own: dict[str, list[str]] = {}
    skip = top = None
    raw_skip = request.GET.get("$skip")
    if raw_skip is not None:
        skip = _whole_number(raw_skip)
        if skip is None or not 0 <= skip <= MAX_SKIP:
            own["$skip"] = [f"Must be a whole number from 0 to {MAX_SKIP}."]
    raw_top = request.GET.get("$top")
    if raw_top is not None:
        top = _whole_number(raw_top)
        if top is None or not 1 <= top <= MAX_TOP:
            own["$top"] = [f"Must be a whole number from 1 to {MAX_TOP}."]
    if errors is not None:
        errors.update(own)
    elif own:
        raise ValidationFailed(own, detail="Invalid paging: " + ", ".join(own) + ".")
    return Paging(skip=skip or 0, top=top or DEFAULT_TOP)


def query_list(request: HttpRequest, queryset: QuerySet, spec: ListSpec) -> tuple[QuerySet,
                                                                                   Paging]:
    """The queryset with `$filter`/`$orderby` applied, and the paging; one 400 for all faults."""
    errors: dict[str, list[str]] = {}
    page = paging(request, errors)
    try:
        queryset = apply_query(
            queryset, spec,
            filter_text=request.GET.get("$filter"), orderby_text=request.GET.get("$orderby"),
        )
    except ODataError as exc:
        errors[exc.option] = [exc.message]
    if errors:
        detail = " ".join(message for messages in errors.values() for message in messages)
        raise ValidationFailed(errors, detail=detail, title="Invalid query options")
    return queryset, page


def page_body(rows: Iterable[dict], *, skip: int, total: int) -> dict:
    """The list answer of the contract: count, skip, total and value."""
    value = list(rows)
    return {"count": len(value), "skip": skip, "total": total, "value": value}


def list_page(
    request: HttpRequest,
    queryset: QuerySet,
    spec: ListSpec,
    row: Callable[[Any], dict] | None = None,
) -> HttpResponse:
    """A whole list answer: `$filter`, `$orderby`, `$skip`, `$top` applied; each item as `row`
    answers it (`spec.row` unless given)."""
    row = row or spec.row
    queryset, page = query_list(request, queryset, spec)
    total, items = page_rows(queryset, skip=page.skip, top=page.top)  # see sandbox/api/pages.py
    return json_response(page_body((row(item) for item in items), skip=page.skip, total=total))
