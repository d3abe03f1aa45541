"""X1 ping, and the problem+json 404 for any other path under /sandbox/api/."""

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import ApiError, NotFound, api_view, json_response, problem_response

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@api_view(methods=["GET"])
def ping(request: HttpRequest) -> HttpResponse:
    """X1: 200 and an empty object."""
    return json_response({})


@api_view(methods=ALL_METHODS)
def unknown_path(request: HttpRequest) -> HttpResponse:
    raise NotFound(f"No API operation at {request.path[:200]!r}.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404 of the standalone server."""
    return problem_response(request, NotFound(f"Nothing at {request.path[:200]!r}."))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 of the standalone server."""
    return problem_response(request, ApiError("The sandbox failed to answer; see its log."))
