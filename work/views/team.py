"""Placeholder: replaced by the feature work."""

from django.http import HttpResponse


def team(request, *args, **kwargs):
    return HttpResponse(status=501)


def reassign(request, *args, **kwargs):
    return HttpResponse(status=501)
