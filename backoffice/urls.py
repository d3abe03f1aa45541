"""URL wiring: the back-office apps, sign-in, admin, health endpoints, metrics and (when on)
the sandbox."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from backoffice import views
from backoffice.observability.views import metrics_view
from backoffice.signin import views as signin
from backoffice.signin.password import PasswordSignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    # Sign-in, sign-out and password change; no self-service reset: admins reset passwords.
    path("accounts/login/", PasswordSignInView.as_view(), name="login"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("backoffice.signin.urls")),
    path("debtors/", include("debtors.urls")),
    path("", include("plans.urls")),
    path("", include("work.urls")),
    path("audit/", include("backoffice.audit.urls")),
    path("jobs/", include("backoffice.jobs.urls")),
    path("admin/", admin.site.urls),
]

if settings.APTIC_SANDBOX:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))

handler403 = "backoffice.errors.permission_denied"
handler404 = "backoffice.errors.not_found"
handler500 = "backoffice.errors.server_error"
