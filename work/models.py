"""The agent's day as local records, keyed by debtor GUID: the Debtors API has none of them.

Follow-ups are owned by an agent, or by the team pool (`owner` empty). Contact notes are
append-only: a correction is a new note pointing at the one it corrects. A promise keeps the
debtor's total remaining at the time it was made (`remaining_at_creation`), so that the daily
check can tell from today's total whether it was kept. Every change goes through
`work.services`, which writes the audit entry in the same transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Contact notes are never changed or removed; a correction is a new note."""


class Channel(models.TextChoices):
    PHONE_OUT = "phone_out", _("Phone, outgoing")
    PHONE_IN = "phone_in", _("Phone, incoming")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")


class FollowUp(models.Model):
    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        CONTACTED = "contacted", _("Debtor contacted")
        NO_CONTACT = "no_contact", _("Could not reach the debtor")
        PROMISE = "promise", _("Promise to pay taken")
        PLAN = "plan", _("Payment plan agreed")
        ESCALATED = "escalated", _("Escalated")
        NOT_NEEDED = "not_needed", _("No longer needed")

    debtor_guid = models.CharField(_("debtor"), max_length=36, db_index=True)
    debtor_name = models.CharField(_("debtor name"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="followups",
        help_text=_("Empty: the team pool."),
    )
    due_at = models.DateTimeField(_("due"))
    reason = models.CharField(_("reason"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices,
                                                default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True, max_length=2000)
    promise = models.ForeignKey(
        "work.Promise", verbose_name=_("broken promise"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="followups",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["debtor_guid", "owner"], condition=Q(status="open"),
                name="work_one_open_followup_per_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="work_followup_owner_due"),
            models.Index(fields=["debtor_guid", "created_at"], name="work_followup_debtor"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.debtor_name or self.debtor_guid})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class ContactNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Contact notes cannot be changed; add a correcting note.")

    def delete(self):
        raise AppendOnlyError("Contact notes cannot be deleted; add a correcting note.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Contact notes cannot be changed; add a correcting note.")


class ContactNote(models.Model):
    MAX_TEXT = 2000

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound (we contacted them)")
        INBOUND = "inbound", _("Inbound (they contacted us)")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        REFUSED = "refused", _("Refused to pay")
        DISPUTE = "dispute", _("Dispute raised")
        PROMISE = "promise", _("Promise made")
        PLAN = "plan", _("Plan agreed")

    debtor_guid = models.CharField(_("debtor"), max_length=36)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    text = models.TextField(_("note"), max_length=MAX_TEXT, blank=True)
    case_guids = models.JSONField(_("cases"), default=list, blank=True)
    corrects = models.ForeignKey(
        "self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="corrections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="contact_notes",
    )
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = ContactNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact note")
        verbose_name_plural = _("contact notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["debtor_guid", "created_at"], name="work_note_debtor")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Contact notes cannot be changed; add a correcting note.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Contact notes cannot be deleted; add a correcting note.")


class Promise(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        PARTLY_KEPT = "partly_kept", _("Partly kept")
        BROKEN = "broken", _("Broken")

    MISSED = (Status.PARTLY_KEPT, Status.BROKEN)

    debtor_guid = models.CharField(_("debtor"), max_length=36)
    debtor_name = models.CharField(_("debtor name"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    due_date = models.DateField(_("promised for"))
    case_guids = models.JSONField(_("cases"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    note = models.ForeignKey(
        ContactNote, verbose_name=_("contact note"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="promises",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="promises",
    )
    remaining_at_creation = models.DecimalField(
        _("total remaining when made"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Empty while the collection system could not be read; the check reads it."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    paid_amount = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    remaining_at_check = models.DecimalField(_("total remaining when checked"), max_digits=14,
                                             decimal_places=2, null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="work_promise_status_due"),
            models.Index(fields=["owner", "status", "due_date"], name="work_promise_owner"),
            models.Index(fields=["debtor_guid", "created_at"], name="work_promise_debtor"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.due_date}"

    @property
    def shortfall(self) -> Decimal | None:
        if self.paid_amount is None:
            return None
        return max(self.amount - self.paid_amount, Decimal("0.00"))
