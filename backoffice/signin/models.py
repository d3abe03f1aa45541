"""The back-office's own record of each signed-in browser, and of single sign-on identities.

Django's session table holds the session data and its expiry; a `UserSession` row outlives
it, so the profile can list a user's sessions, an admin can end them all, and an expiry is
noticed (and audited) even though Django just drops the session.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# (token in the user agent, name): the first match wins, hence Edge and Opera before Chrome.
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"),
           ("Mac OS X", "macOS"), ("Linux", "Linux"))


class UserSessionQuerySet(models.QuerySet):
    def open(self) -> "UserSessionQuerySet":
        return self.filter(ended_at__isnull=True)


class UserSession(models.Model):
    class EndReason(models.TextChoices):
        SIGNED_OUT = "signed-out", _("Signed out")
        EXPIRED = "expired", _("Expired")
        ENDED_BY_USER = "ended-by-user", _("Ended from another browser")
        ENDED_BY_ADMIN = "ended-by-admin", _("Ended by an admin")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="desk_sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    method = models.CharField(_("signed in with"), max_length=32)
    amr = models.CharField(_("authentication methods"), max_length=100, blank=True)
    acr = models.CharField(_("authentication level"), max_length=200, blank=True)
    client_ip = models.CharField(_("address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("how it ended"), max_length=20, blank=True,
                                  choices=EndReason.choices)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "ended_at"], name="signin_user_open")]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        """A readable "Browser / System" from the user agent, or the string cut short."""
        ua = self.user_agent or ""
        browser = next((name for token, name in BROWSERS if token in ua), "")
        system = next((name for token, name in SYSTEMS if token in ua), "")
        if browser and system:
            return f"{browser} / {system}"
        return browser or system or ua[:60]


class SsoIdentity(models.Model):
    """A user as the identity provider knows them: matched by (issuer, subject), never by
    e-mail, which people change and providers reuse."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="sso_identities", verbose_name=_("user"))
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("first signed in"), auto_now_add=True)
    last_signin_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"],
                                               name="signin_sso_issuer_subject")]

    def __str__(self) -> str:
        return f"{self.subject}@{self.issuer}"
