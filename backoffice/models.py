"""The back-office's own small models: the role permission holder and the user profile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.roles import PERMISSIONS


class Access(models.Model):
    """Holds the role permissions; no rows are ever stored."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = list(PERMISSIONS.items())

    def __str__(self) -> str:
        return "access"


class UserProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Leave empty to follow your browser's language."),
    )

    class Meta:
        verbose_name = _("user profile")

    def __str__(self) -> str:
        return f"profile of {self.user}"
