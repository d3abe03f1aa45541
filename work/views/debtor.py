"""Placeholder: replaced by the feature work."""

from django.http import HttpResponse


def followups(request, *args, **kwargs):
    return HttpResponse(status=501)


def followup_complete(request, *args, **kwargs):
    return HttpResponse(status=501)


def contacts(request, *args, **kwargs):
    return HttpResponse(status=501)


def promises(request, *args, **kwargs):
    return HttpResponse(status=501)
