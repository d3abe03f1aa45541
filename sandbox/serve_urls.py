"""The URLconf of `manage.py sandbox_serve`: the sandbox alone, under /sandbox/."""

from django.urls import include, path, re_path

from sandbox.api.misc import not_found

urlpatterns = [
    path("sandbox/", include("sandbox.urls")),
    re_path(r"^", not_found),  # a problem+json 404 even with DEBUG on
]

handler404 = "sandbox.api.misc.not_found"
handler500 = "sandbox.api.misc.server_error"
