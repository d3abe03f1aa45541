"""OpenTelemetry traces for Django and httpx, exported over OTLP; off unless
OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.

Nothing of OpenTelemetry is imported while tracing is off. When on, the packages of the
`tracing` extra must be installed (`pip install .[tracing]`).

Spans carry the route template (`http.route`, and the URL attributes rewritten to it), never
a query string, a path with values or a search term: the hooks below rewrite the attributes
that the instrumentations fill from the real URL (`http.target`, `http.url`, `url.path`,
`url.full`, `url.query`) and drop the client's address and user agent. The rest of the
standard OTEL_* variables (service name, headers, sampler) are read by the SDK itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from backoffice.env import env_str

DEFAULT_SERVICE_NAME = "collect-desk"
ROUTE_EXTENSION = "collectdesk.route"  # set by the gateway's transport on every request
PATH_KEYS = ("http.target", "url.path")
URL_KEYS = ("http.url", "url.full")
BLANKED_KEYS = ("url.query", "http.client_ip", "net.peer.ip", "client.address",
                "http.user_agent", "user_agent.original")

_instrumented = False


def enabled() -> bool:
    return bool(env_str("OTEL_EXPORTER_OTLP_ENDPOINT")
                or env_str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_from_environment() -> bool:
    """Turns tracing on when an OTLP endpoint is set; whether it did."""
    if not enabled():
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise ImproperlyConfigured(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
            "install the `tracing` extra (pip install '.[tracing]')."
        ) from exc
    attributes = {} if env_str("OTEL_SERVICE_NAME") else {"service.name": DEFAULT_SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    instrument(provider)
    return True


def instrument(tracer_provider: Any) -> None:
    """Instruments Django (its middleware goes first in settings.MIDDLEWARE, so call this
    before the handler loads the middleware: AppConfig.ready) and every httpx client."""
    global _instrumented
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    _instrumented = True
    DjangoInstrumentor().instrument(tracer_provider=tracer_provider,
                                    request_hook=django_request_hook,
                                    response_hook=django_response_hook)
    HTTPXClientInstrumentor().instrument(tracer_provider=tracer_provider,
                                         request_hook=httpx_request_hook,
                                         response_hook=httpx_response_hook)


def uninstrument() -> None:
    global _instrumented
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    DjangoInstrumentor().uninstrument()
    HTTPXClientInstrumentor().uninstrument()
    _instrumented = False


# -- across threads --------------------------------------------------------------------------


def capture() -> Any:
    """The caller's trace context, for work handed to another thread (None when off)."""
    if not _instrumented:
        return None
    from opentelemetry import context

    return context.get_current()


@contextmanager
def restored(captured: Any) -> Iterator[None]:
    """Runs the block in the trace context `capture()` returned, so its spans join the trace."""
    if captured is None:
        yield
        return
    from opentelemetry import context

    token = context.attach(captured)
    try:
        yield
    finally:
        context.detach(token)


# -- scrubbing -------------------------------------------------------------------------------


def _rewrite(span: Any, *, path: str, origin: str) -> None:
    if not span.is_recording():
        return
    present = getattr(span, "attributes", None) or {}
    for key in PATH_KEYS:
        if key in present:
            span.set_attribute(key, path)
    for key in URL_KEYS:
        if key in present:
            span.set_attribute(key, origin + path)
    for key in BLANKED_KEYS:
        if key in present:
            span.set_attribute(key, "")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _django_route(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route.lstrip("/")
    return "/<unmatched>"


def django_request_hook(span: Any, request: Any) -> None:
    """Before the view: no URL is resolved yet, so keep only the path without its query."""
    _rewrite(span, path="/<unresolved>", origin=f"{request.scheme}://{request.get_host()}")


def django_response_hook(span: Any, request: Any, response: Any) -> None:
    _rewrite(span, path=_django_route(request),
             origin=f"{request.scheme}://{request.get_host()}")


def _httpx_template(request: Any) -> tuple[str, str]:
    url = str(request.url if hasattr(request, "url") else request[1])
    extensions = getattr(request, "extensions", None) or {}
    template = extensions.get(ROUTE_EXTENSION)
    base_path = urlsplit(url).path
    if template:
        # The path up to the API root stays (it holds no values), the rest is the template.
        api_root = base_path[: len(base_path) - len(_filled_suffix(base_path, template))]
        return _origin(url), api_root + template
    return _origin(url), "/<unnamed>"


def _filled_suffix(path: str, template: str) -> str:
    """The part of `path` that `template` (one segment per segment) stands for."""
    segments = template.strip("/").split("/")
    parts = path.rstrip("/").split("/")
    return "/" + "/".join(parts[-len(segments):]) if len(parts) >= len(segments) else path


def httpx_request_hook(span: Any, request: Any) -> None:
    origin, path = _httpx_template(request)
    _rewrite(span, path=path, origin=origin)
    if span.is_recording():
        span.set_attribute("http.route", path)


def httpx_response_hook(span: Any, request: Any, response: Any) -> None:
    httpx_request_hook(span, request)
