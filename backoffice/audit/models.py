"""The audit log: one append-only row per attempted change, chained by SHA-256.

`entry_hash = sha256(prev_hash + canonical JSON of the entry's recorded fields)`, and
`prev_hash` is the previous entry's `entry_hash` ("" for the first), so altering, removing
or reordering a row breaks the chain at that row (see `verify.py`).

JSON fields hold plain values (see `canonical.jsonable`): `Decimal` money is a string of its
exact digits ("10661.86"), dates and times ISO 8601 strings, keys snake_case as the gateway's
types name them.
"""

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit entries are never changed or removed through the ORM."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are added one by one through audit_record().")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")

    def request_id_prefix(self, prefix: str) -> "AuditEntryQuerySet":
        """Entries whose request id starts with `prefix`, through the request_id index.

        PostgreSQL: `LIKE 'p%'` served by the varchar_pattern_ops index. SQLite: LIKE ignores
        case and skips the index, so a range `p <= request_id < p + U+FFFF` instead.
        """
        if not prefix:
            return self
        if connections[self.db].vendor == "sqlite":
            return self.filter(request_id__gte=prefix, request_id__lt=prefix + "\uffff")
        return self.filter(request_id__startswith=prefix)

    def archive_delete(self) -> int:
        """For `audit_archive` alone, after it has written and checked the archive file."""
        return self._raw_delete(self.db)


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        REFUSED = "refused", _("Refused by Aptic")
        FAILED = "failed", _("Failed (Aptic unavailable)")
        DENIED = "denied", _("Denied by Collect Desk")

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        # A user with audit entries is deactivated, not deleted: the trail must not change.
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    debtor_guid = models.CharField(_("debtor"), max_length=64, blank=True)
    target_type = models.CharField(_("target type"), max_length=32, blank=True)
    target_id = models.CharField(_("target"), max_length=200, blank=True)
    request_body = models.JSONField(_("request body"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    upstream_status = models.PositiveSmallIntegerField(_("upstream status"), null=True,
                                                       blank=True)
    problem = models.JSONField(_("problem"), null=True, blank=True)
    error_class = models.CharField(_("error class"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_ip = models.CharField(_("client IP"), max_length=45, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ("-id",)
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["created_at"], name="audit_created_at"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(fields=["debtor_guid", "created_at"], name="audit_debtor_time"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
            models.Index(fields=["outcome", "created_at"], name="audit_outcome_time"),
            models.Index(fields=["role", "created_at"], name="audit_role_time"),
            # Exact and prefix matches; the opclass applies on PostgreSQL (LIKE 'abc%') and
            # is ignored elsewhere, where a plain index serves the range query instead.
            models.Index(fields=["request_id"], name="audit_request_id",
                         opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        if not self.entry_hash:
            raise AppendOnlyError("Audit entries are written through audit_record().")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    # -- the chain --------------------------------------------------------------------------

    HASHED_FIELDS = (
        "created_at", "actor_id", "actor_username", "role", "action", "outcome",
        "debtor_guid", "target_type", "target_id", "request_body", "before", "after",
        "upstream_status", "problem", "error_class", "reason", "request_id", "client_ip",
        "user_agent",
    )

    def hashed_values(self) -> dict:
        return {name: getattr(self, name) for name in self.HASHED_FIELDS}
