"""Saved searches: save the current query and filters under a name, delete one's own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.htmx import is_fragment
from backoffice.upstream import INVALID
from debtors.forms import SavedSearchForm, SearchForm
from debtors.models import SavedSearch
from debtors.saved_searches import saved_search_delete, saved_search_list, saved_search_save
from debtors.views.search import search_url


def _menu(request: HttpRequest, *, status: int = 200, notice: str = "",
          save_form: SavedSearchForm | None = None) -> HttpResponse:
    context = {
        "saved_searches": [
            (saved, search_url(saved.params)) for saved in saved_search_list(user=request.user)
        ],
        "saved_notice": notice,
        "save_form": save_form,
    }
    return render(request, "debtors/search.html#saved-menu", context, status=status)


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS, action="saved_search.create")
def create(request: HttpRequest) -> HttpResponse:
    """Saves the posted search parameters (the search form's fields) under a name."""
    form = SavedSearchForm(request.POST)
    search = SearchForm(request.POST)
    if not (form.is_valid() and search.is_valid()):
        if is_fragment(request):
            return _menu(request, status=INVALID, save_form=form,
                         notice=_("The search was not saved: give it a name."))
        messages.error(request, _("The search was not saved: give it a name."))
        return redirect(search_url(search.params() if search.is_valid() else {}))
    saved = saved_search_save(owner=request.user, name=form.cleaned_data["name"],
                              params=search.params(), shared=form.cleaned_data["shared"])
    notice = _("Saved “%(name)s”.") % {"name": saved.name}
    if is_fragment(request):
        return _menu(request, notice=notice)
    messages.success(request, notice)
    return redirect(search_url(saved.params))


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS, action="saved_search.delete")
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Deletes one of the user's own saved searches (someone else's: 403; unknown: 404)."""
    try:
        saved_search_delete(owner=request.user, saved_search_id=pk)
    except SavedSearch.DoesNotExist:
        raise Http404 from None
    notice = _("Saved search deleted.")
    if is_fragment(request):
        return _menu(request, notice=notice)
    messages.success(request, notice)
    return redirect("debtors:search")
