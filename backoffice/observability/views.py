"""`/metrics`: the Prometheus text exposition, for the scraper only.

Allowed from an address in METRICS_ALLOWED_IPS (addresses or networks; the client address is
the one the app computes behind its trusted proxies), or with `Authorization: Bearer
<METRICS_TOKEN>`. A request that presents a bearer token must present the right one, from any
address. Anyone else gets the app's plain 404, as for a page that does not exist: the
endpoint's existence is not revealed.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache

from backoffice.middleware import client_ip
from backoffice.observability import metrics
from backoffice.observability.collectors import scrape_collectors

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def address_allowed(address: str, allowed: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(allowed))


def scrape_allowed(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, presented = header.partition(" ")
        token = settings.METRICS_TOKEN
        return bool(
            token
            and scheme.lower() == "bearer"
            and hmac.compare_digest(presented.strip().encode(), token.encode())
        )
    return address_allowed(client_ip(request), tuple(settings.METRICS_ALLOWED_IPS))


@login_not_required
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    # Refused first, so that not even the allowed method tells a stranger the page exists.
    if not scrape_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(
        metrics.exposition(scrape_collectors()), content_type=metrics.CONTENT_TYPE_LATEST
    )
