"""The sessions pages: the user's own (on the profile) and the admin's users page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from backoffice import roles
from backoffice.guards import permission_required
from backoffice.signin import services
from backoffice.signin.models import UserSession

USERS_PER_PAGE = 50


@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    count = services.sessions_end_others(request=request)
    messages.success(request, ngettext(
        "%(count)s other session was ended.", "%(count)s other sessions were ended.", count)
        % {"count": count} if count else _("There was no other session to end."))
    return redirect("profile")


@require_GET
@permission_required(roles.MANAGE_SIGNIN)
def users(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:150]
    people = (get_user_model()._default_manager.order_by("username")
              .prefetch_related("groups")
              .annotate(open_sessions=Count("desk_sessions",
                                            filter=Q(desk_sessions__ended_at__isnull=True)),
                        last_signin=Max("desk_sessions__created_at")))
    if query:
        people = people.filter(Q(username__icontains=query) | Q(first_name__icontains=query)
                               | Q(last_name__icontains=query) | Q(email__icontains=query))
    page = Paginator(people, USERS_PER_PAGE).get_page(request.GET.get("page"))
    last_methods = dict(UserSession.objects.filter(user__in=list(page.object_list))
                        .order_by("user_id", "created_at").values_list("user_id", "method"))
    for person in page.object_list:
        person.role_label = roles.ROLE_LABELS.get(roles.user_role(person) or "", "")
        person.last_method = last_methods.get(person.pk, "")
    return render(request, "signin/users.html", {"page": page, "query": query})


@require_POST
@permission_required(roles.MANAGE_SIGNIN, action="auth.sessions-ended")
def end_user_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    count = services.sessions_end_all(actor=request.user, user=person, request=request)
    messages.success(request, ngettext(
        "%(count)s session of %(user)s was ended.", "%(count)s sessions of %(user)s were ended.",
        count) % {"count": count, "user": person.get_username()})
    return redirect("signin:users")
