"""Pages that belong to no feature app: home, health check, profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from backoffice import roles
from backoffice.forms import ProfileForm
from backoffice.gateway import aptic_status
from backoffice.models import UserProfile


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
    return render(request, "profile.html", {"form": form})


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means the database is not usable
        return "down"
    return "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 while the database answers, with Aptic's state alongside."""
    database = _database_status()
    body = {"database": database, "aptic": aptic_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)
