"""URLs of two-factor (included by backoffice/signin/urls.py, namespace signin)."""

from django.urls import path

from backoffice.signin.two_factor import views

urlpatterns = [
    path("two-factor/verify/", views.verify, name="two-factor-verify"),
    path("two-factor/setup/", views.setup, name="two-factor-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="two-factor-recovery-codes"),
    path("two-factor/remove/", views.remove, name="two-factor-remove"),
    path("users/<int:pk>/reset-second-factor/", views.reset, name="two-factor-reset"),
]
