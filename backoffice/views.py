"""Pages that belong to no feature app: home, profile, and the health endpoints."""

import logging
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from backoffice import roles
from backoffice.cache import cache_status
from backoffice.forms import ProfileForm
from backoffice.gateway import aptic_status
from backoffice.models import UserProfile
from backoffice.signin.sessions import open_sessions

log = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page after sign-in: My day for whoever keeps a worklist, else the search."""
    if roles.user_can(request.user, roles.KEEP_WORKLIST):
        return redirect("work:my-day")
    if roles.user_can(request.user, roles.VIEW_DEBTORS):
        return redirect("debtors:search")
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance, _created = UserProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.cleaned_data["language"]:
            translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your settings were saved."))
        return redirect("profile")
    return render(request, "profile.html", {
        "form": form,
        "desk_sessions": open_sessions(request.user),
        "this_session_key": request.session.session_key,
    })


# --- Health: for load balancers and orchestrators; open, JSON, never cached, no personal data.

READY_KEY_SECONDS = 10


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means the database is not usable
        return "down"
    return "ok"


def _cache_round_trip() -> str:
    """"ok", "degraded" (Redis is down, this process's memory answers: still serving) or
    "down". The Redis backend's socket timeouts keep it short."""
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", READY_KEY_SECONDS)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # any failure means the cache is not usable
        return "down"
    if not answered:
        return "down"
    return "degraded" if cache_status() == "degraded" else "ok"


def _aptic_status() -> str:
    try:
        return aptic_status()
    except Exception:  # reported, never failing a probe
        return "unknown"


@login_not_required
@never_cache
@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    """The process answers; nothing else is checked (a failing dependency is no reason to
    restart it)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 while the database and the cache answer, else 503 naming what failed. Aptic is
    reported and never fails it; neither does a degraded cache, or a Redis outage would take
    every app server out of the load balancer at once."""
    try:
        checks = {"database": _database_status(), "cache": _cache_round_trip()}
        failed = [name for name, status in checks.items() if status == "down"]
        body = {"status": "fail" if failed else "ok", "failed": failed, **checks,
                "aptic": _aptic_status()}
    except Exception:  # never an error page for a probe
        log.exception("readyz failed")
        return JsonResponse({"status": "fail", "failed": ["unknown"]}, status=503)
    return JsonResponse(body, status=503 if failed else 200)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 while the database answers, with Aptic's state alongside;
    503 when it does not, or when anything else goes wrong."""
    try:
        database = _database_status()
        body = {"database": database, "aptic": _aptic_status()}
    except Exception:
        log.exception("healthz failed")
        return JsonResponse({"database": "unknown", "aptic": "unknown"}, status=503)
    return JsonResponse(body, status=200 if database == "ok" else 503)
