"""Placeholder: replaced by the feature work."""

from django.http import HttpResponse


def timeline(request, *args, **kwargs):
    return HttpResponse(status=501)
