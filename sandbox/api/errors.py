"""RFC 7807 problem details: the errors API views raise, and the response they become."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox.api.jsonio import dumps

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApiError(Exception):
    """An error answer. Raise it (or a subclass) anywhere below an `@api_view`.

    `extensions` become extra members of the problem document; `headers` go on the response.
    """

    status: int = 500
    title: str = "Internal server error"
    slug: str = "server-error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        title: str | None = None,
        slug: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ):
        super().__init__(detail or self.title)
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title
        if slug is not None:
            self.slug = slug
        self.detail = detail or self.title
        self.headers = dict(headers or {})
        self.extensions = extensions


class BadRequest(ApiError):
    status, title, slug = 400, "Bad request", "bad-request"


class ValidationFailed(BadRequest):
    """A 400 naming every failing field: `errors` is `{"fieldName": ["message", ...]}`."""

    title, slug = "Validation failed", "validation"

    def __init__(self, errors: Mapping[str, list[str]], detail: str | None = None, **kwargs):
        names = ", ".join(errors)
        super().__init__(
            detail or f"One or more fields are invalid: {names}.", errors=dict(errors), **kwargs
        )


class Unauthorized(ApiError):
    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str, *, error: str = "invalid_token"):
        super().__init__(
            detail,
            headers={"WWW-Authenticate": f'Bearer realm="sandbox", error="{error}"'},
        )


class NotFound(ApiError):
    status, title, slug = 404, "Not found", "not-found"


class MethodNotAllowed(ApiError):
    status, title, slug = 405, "Method not allowed", "method-not-allowed"

    def __init__(self, method: str, allowed: list[str]):
        super().__init__(
            f"{method} is not allowed here; use {', '.join(allowed)}.",
            headers={"Allow": ", ".join(allowed)},
        )


class Conflict(ApiError):
    status, title, slug = 409, "Conflict", "conflict"


def problem_response(request: HttpRequest | None, error: ApiError) -> HttpResponse:
    """The error as an `application/problem+json` response."""
    body: dict[str, Any] = {
        "type": f"urn:aptic-sandbox:problem:{error.slug}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": request.get_full_path() if request is not None else None,
    }
    body.update(error.extensions)
    response = HttpResponse(dumps(body), status=error.status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in error.headers.items():
        response[name] = value
    return response
