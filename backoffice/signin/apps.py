from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "backoffice.signin"
    label = "signin"
    verbose_name = _("Signing in")

    def ready(self) -> None:
        from backoffice.signin import signals  # noqa: F401  (connects the receivers)
