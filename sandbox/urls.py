"""The sandbox's routes, mounted under /sandbox/ (see backoffice/urls.py and sandbox_serve)."""

from django.urls import path

urlpatterns: list = []
