"""Placeholder: replaced by the feature work."""

from django.http import HttpResponse


def my_day(request, *args, **kwargs):
    return HttpResponse(status=501)


def balances(request, *args, **kwargs):
    return HttpResponse(status=501)


def next_item(request, *args, **kwargs):
    return HttpResponse(status=501)


def take(request, *args, **kwargs):
    return HttpResponse(status=501)
