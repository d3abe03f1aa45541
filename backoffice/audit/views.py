from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backoffice import roles


@require_GET
@roles.permission_required(roles.VIEW_AUDIT)
def entries(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/entries.html")
