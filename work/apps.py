from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    """The agent's day: follow-ups, the contact log and promises to pay (local records)."""

    name = "work"
    verbose_name = _("Agent's day")
    default_auto_field = "django.db.models.BigAutoField"
