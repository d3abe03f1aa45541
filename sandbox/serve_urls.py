"""The URLconf of `manage.py sandbox_serve`: the sandbox alone, under /sandbox/."""

from django.urls import include, path

urlpatterns = [path("sandbox/", include("sandbox.urls"))]

handler404 = "sandbox.api.misc.not_found"
handler500 = "sandbox.api.misc.server_error"
