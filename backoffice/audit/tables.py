"""The audit list as a django-tables2 table: newest first, paged without a total count."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column, Table

from backoffice import roles
from backoffice.audit.models import AuditEntry

PER_PAGE = 50

OUTCOME_TAGS = {"ok": "tag--ok", "refused": "tag--warn", "failed": "tag--error",
                "denied": "tag--error"}


class AuditEntryTable(Table):
    """Only "When" sorts (both ways): every other order would sort the whole filtered set."""

    created_at = Column(verbose_name=_("When"), order_by=("created_at", "id"))
    actor_username = Column(verbose_name=_("User"), orderable=False, empty_values=())
    role = Column(verbose_name=_("Role"), orderable=False)
    action = Column(verbose_name=_("Action"), orderable=False)
    outcome = Column(verbose_name=_("Outcome"), orderable=False)
    debtor_guid = Column(verbose_name=_("Debtor"), orderable=False)
    target = Column(verbose_name=_("Target"), orderable=False, empty_values=(), accessor="pk")
    request_id = Column(verbose_name=_("Request ID"), orderable=False)
    reason = Column(verbose_name=_("Reason"), orderable=False)

    caption = _("Audit entries, newest first")
    caption_hidden = True
    htmx_target = "#audit-results"
    pagination_label = _("Audit entry pages")

    class Meta:
        model = AuditEntry
        fields = ()
        sequence = ("created_at", "actor_username", "role", "action", "outcome", "debtor_guid",
                    "target", "request_id", "reason")
        order_by = ("-created_at",)
        attrs = {"class": "table table--audit", "id": "audit-table"}
        empty_text = _("No audit entry matches these filters.")

    def render_created_at(self, value, record) -> str:
        from django.utils import formats, timezone

        local = timezone.localtime(value)
        return format_html(
            '<a href="{}"><time datetime="{}">{}</time></a>',
            reverse("audit:entry", args=[record.pk]),
            value.isoformat(),
            formats.date_format(local, "Y-m-d H:i:s"),
        )

    def render_actor_username(self, value, record) -> str:
        return value or _("(system)")

    def render_role(self, value) -> str:
        return roles.ROLE_LABELS.get(value, value)

    def render_action(self, value) -> str:
        return format_html("<code>{}</code>", value)

    def render_outcome(self, value, record) -> str:
        return format_html(
            '<span class="tag {}">{}</span>', OUTCOME_TAGS.get(record.outcome, "tag--info"), value
        )

    def render_debtor_guid(self, value) -> str:
        return format_html(
            '<a href="{}?debtor={}" class="audit-guid" title="{}">{}…</a>',
            reverse("audit:entries"),
            value,
            value,
            value[:8],
        )

    def render_target(self, record) -> str:
        if not record.target_type:
            return "—"
        if record.target_id:
            return format_html(
                '{} <span class="audit-guid" title="{}">{}</span>',
                record.target_type,
                record.target_id,
                record.target_id[:12],
            )
        return record.target_type

    def render_request_id(self, value) -> str:
        return format_html(
            '<a href="{}?request_id={}" class="audit-guid" title="{}">{}</a>',
            reverse("audit:entries"),
            value,
            value,
            value[:12],
        )
