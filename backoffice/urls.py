"""URL wiring: the back-office apps, sign-in, admin, health check and (when on) the sandbox."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from backoffice import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/profile/", views.profile, name="profile"),
    path("debtors/", include("debtors.urls")),
    path("", include("plans.urls")),
    path("audit/", include("backoffice.audit.urls")),
    path("admin/", admin.site.urls),
]

if settings.APTIC_SANDBOX:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))

handler403 = "backoffice.errors.permission_denied"
handler404 = "backoffice.errors.not_found"
handler500 = "backoffice.errors.server_error"
