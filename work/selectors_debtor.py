"""Reads of the debtor's work panels (follow-ups, contact log, promises) on the 360 page.

The local records are read with the (debtor_guid, ...) indexes. What comes from Aptic (the
case summary: the debtor's cases for the "cases it concerns" choices and the total remaining
a promise is judged by) is read once, through `work.selectors.balance_get`, and a failure is
kept with it: the panels then work without case choices and the records still save.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from backoffice import roles
from backoffice.gateway import Case, CaseSummary, GatewayError
from work.models import ContactNote, FollowUp, Promise
from work.selectors import balance_get

NOTES_SHOWN = 20
PROMISES_SHOWN = 20


@dataclass(frozen=True)
class DebtorBalance:
    """The debtor's case summary as read now, or the error that stopped the read."""

    summary: CaseSummary | None = None
    error: GatewayError | None = None

    @property
    def remaining(self) -> Decimal | None:
        return self.summary.remaining_sum if self.summary is not None else None

    @property
    def cases(self) -> Sequence[Case]:
        return self.summary.cases if self.summary is not None else ()

    @property
    def currency(self) -> str:
        return next((c.currency_code for c in self.cases if c.currency_code), "")

    @property
    def name(self) -> str:
        return (self.summary.full_name or "") if self.summary is not None else ""


def debtor_balance_read(*, debtor_guid: str) -> DebtorBalance:
    """One case-summary call; an upstream failure is returned, not raised."""
    try:
        return DebtorBalance(summary=balance_get(debtor_guid=debtor_guid))
    except GatewayError as error:
        return DebtorBalance(error=error)


def case_choices(cases: Sequence[Case]) -> list[tuple[str, str]]:
    """(case GUID, "number · client") for the "cases it concerns" checkboxes."""
    return [(c.case_guid, " · ".join(p for p in (c.case_number, c.client_name) if p))
            for c in cases if c.case_guid]


# --- Follow-ups --------------------------------------------------------------------------------


def followup_open_list(*, debtor_guid: str) -> QuerySet[FollowUp]:
    """The debtor's open follow-ups (all owners and the pool), soonest due first."""
    return (FollowUp.objects.filter(debtor_guid=debtor_guid, status=FollowUp.Status.OPEN)
            .select_related("owner").order_by("due_at", "id"))


def followup_get(*, debtor_guid: str, pk: int) -> FollowUp | None:
    return (FollowUp.objects.filter(debtor_guid=debtor_guid, pk=pk)
            .select_related("owner").first())


def worker_list() -> list[Any]:
    """Active users who keep follow-ups (the owners a supervisor can choose), by name."""
    user_model = get_user_model()
    perm = Q(groups__permissions__codename=roles.KEEP_WORKLIST,
             groups__permissions__content_type__app_label="backoffice")
    return list(user_model.objects.filter(is_active=True).filter(perm | Q(is_superuser=True))
                .distinct().order_by("first_name", "last_name", "username"))


# --- Contact notes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteThread:
    """A note and the corrections made to it (and to those), oldest correction first."""

    note: ContactNote
    corrections: list[ContactNote] = field(default_factory=list)

    @property
    def latest(self) -> ContactNote:
        """What the note says now: its latest correction, else itself."""
        return self.corrections[-1] if self.corrections else self.note


def note_thread_list(*, debtor_guid: str, limit: int = NOTES_SHOWN) -> list[NoteThread]:
    """The debtor's latest notes, newest first, each with its corrections (a correction of a
    note not among them is left to the timeline)."""
    notes = (ContactNote.objects.filter(debtor_guid=debtor_guid)
             .select_related("author").order_by("-created_at", "-id"))
    roots = list(notes.filter(corrects__isnull=True)[:limit])
    corrections = list(notes.filter(corrects__isnull=False).order_by("created_at", "id"))
    parent = {c.pk: c.corrects_id for c in corrections}
    threads = {note.pk: NoteThread(note) for note in roots}
    for correction in corrections:
        root = correction.corrects_id
        while root in parent:
            root = parent[root]
        if root in threads:
            threads[root].corrections.append(correction)
    return [threads[note.pk] for note in roots]


def note_get(*, debtor_guid: str, pk: int) -> ContactNote | None:
    return ContactNote.objects.filter(debtor_guid=debtor_guid, pk=pk).first()


# --- Promises ----------------------------------------------------------------------------------


def promise_list(*, debtor_guid: str, limit: int = PROMISES_SHOWN) -> list[Promise]:
    """The debtor's latest promises, newest first."""
    return list(Promise.objects.filter(debtor_guid=debtor_guid).select_related("owner")
                .order_by("-created_at", "-id")[:limit])
