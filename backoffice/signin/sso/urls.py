"""URLs of single sign-on (included by backoffice/signin/urls.py, namespace signin)."""

from django.urls import path

from backoffice.signin.sso import views

urlpatterns = [
    path("sso/start/", views.start, name="sso-start"),
    path("sso/callback/", views.callback, name="sso-callback"),
]
