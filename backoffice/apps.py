from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Collect Desk")

    def ready(self) -> None:
        from backoffice import (
            grants,
            signals,  # noqa: F401  (creates the role groups after migrate)
        )

        grants.connect()
