"""The debtor's timeline: notes, promises, follow-ups, plan proposals and audit entries merged,
newest first.

Each source is one indexed query that returns its newest rows already in time order (the
(debtor_guid, created_at) indexes; the events stamped later, such as a promise judged or a
follow-up completed, narrow on debtor_guid first). For page N at most N * page size + 1 rows
of each source are read, and `heapq.merge` interleaves the sorted streams lazily, so no table
is ever loaded whole and the cost does not grow with the debtor's history.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import AuditEntry
from plans.models import PlanProposal
from work.models import ContactNote, FollowUp, Promise

PAGE_SIZE = 25

NOTES, PROMISES, FOLLOWUPS, PLANS, CHANGES = "notes", "promises", "followups", "plans", "changes"
KINDS = (NOTES, PROMISES, FOLLOWUPS, PLANS, CHANGES)
KIND_LABELS = {NOTES: _("Notes"), PROMISES: _("Promises"), FOLLOWUPS: _("Follow-ups"),
               PLANS: _("Plans"), CHANGES: _("Changes")}

# Audit entries of the local records: those records appear as entries of their own.
LOCAL_ACTIONS = ("followup.", "note.", "promise.")


@dataclass(frozen=True)
class Entry:
    """One line of the timeline. `event` names what happened (the template's switch):
    note, promise-made, promise-judged, followup-set, followup-done, plan-proposed,
    plan-decided, change."""

    when: datetime
    kind: str
    event: str
    who: Any  # the acting user, or None for the system
    record: Any
    rank: int  # breaks ties between sources at the same instant, then the row's id

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.when, self.rank, self.record.pk)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def who_name(self) -> str:
        if self.event == "change":
            return self.record.actor_username
        return self.who.get_username() if self.who is not None else ""


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    number: int
    has_older: bool
    kinds: tuple[str, ...]

    @property
    def has_newer(self) -> bool:
        return self.number > 1


@dataclass(frozen=True)
class _Source:
    kind: str
    event: str
    read: Callable[[str, int], Any]  # (debtor_guid, limit) -> rows, newest first
    when: str  # the row's time attribute
    who: str  # the row's actor attribute ("" for the system)


def _notes(guid: str, limit: int):
    return (ContactNote.objects.filter(debtor_guid=guid).select_related("author", "corrects")
            .order_by("-created_at", "-id")[:limit])


def _promises_made(guid: str, limit: int):
    return (Promise.objects.filter(debtor_guid=guid).select_related("owner")
            .order_by("-created_at", "-id")[:limit])


def _promises_judged(guid: str, limit: int):
    return (Promise.objects.filter(debtor_guid=guid, checked_at__isnull=False)
            .order_by("-checked_at", "-id")[:limit])


def _followups_set(guid: str, limit: int):
    return (FollowUp.objects.filter(debtor_guid=guid).select_related("owner", "created_by")
            .order_by("-created_at", "-id")[:limit])


def _followups_done(guid: str, limit: int):
    return (FollowUp.objects.filter(debtor_guid=guid, completed_at__isnull=False)
            .select_related("completed_by").order_by("-completed_at", "-id")[:limit])


def _plans_proposed(guid: str, limit: int):
    return (PlanProposal.objects.filter(debtor_guid=guid).select_related("proposed_by")
            .order_by("-created_at", "-id")[:limit])


def _plans_decided(guid: str, limit: int):
    return (PlanProposal.objects.filter(debtor_guid=guid, decided_at__isnull=False)
            .select_related("decided_by").order_by("-decided_at", "-id")[:limit])


def _local_ok() -> Q:
    local = Q()
    for prefix in LOCAL_ACTIONS:
        local |= Q(action__startswith=prefix)
    return local & Q(outcome=AuditEntry.Outcome.OK)


def _changes(guid: str, limit: int):
    """The debtor's audit entries (what the 360's "Recent changes" showed before the timeline
    took its place): reads of personal data left out, and the local records' own entries,
    whose records are entries of their own; a refused or denied attempt on a local record
    has no record, so it stays."""
    return (AuditEntry.objects.filter(debtor_guid=guid).exclude(action__startswith="pii.")
            .exclude(_local_ok()).order_by("-created_at", "-id")[:limit])


SOURCES = (
    _Source(NOTES, "note", _notes, "created_at", "author"),
    _Source(PROMISES, "promise-made", _promises_made, "created_at", "owner"),
    _Source(PROMISES, "promise-judged", _promises_judged, "checked_at", ""),
    _Source(FOLLOWUPS, "followup-set", _followups_set, "created_at", "created_by"),
    _Source(FOLLOWUPS, "followup-done", _followups_done, "completed_at", "completed_by"),
    _Source(PLANS, "plan-proposed", _plans_proposed, "created_at", "proposed_by"),
    _Source(PLANS, "plan-decided", _plans_decided, "decided_at", "decided_by"),
    _Source(CHANGES, "change", _changes, "created_at", ""),  # who: actor_username
)


def _stream(source: _Source, rank: int, guid: str, limit: int) -> Iterator[Entry]:
    for row in source.read(guid, limit):
        yield Entry(when=getattr(row, source.when), kind=source.kind, event=source.event,
                    who=getattr(row, source.who) if source.who else None, record=row,
                    rank=rank)


def timeline_page(*, debtor_guid: str, kinds: Sequence[str] = (), number: int = 1,
                  per_page: int = PAGE_SIZE) -> TimelinePage:
    """Page `number` (from 1) of the debtor's timeline, of the given kinds (all when empty)."""
    wanted = tuple(k for k in KINDS if k in kinds) or KINDS
    number = max(1, number)
    limit = number * per_page + 1
    streams = [_stream(source, rank, debtor_guid, limit)
               for rank, source in enumerate(SOURCES) if source.kind in wanted]
    merged = heapq.merge(*streams, key=lambda entry: entry.sort_key, reverse=True)
    window = list(islice(merged, (number - 1) * per_page, number * per_page + 1))
    return TimelinePage(entries=window[:per_page], number=number,
                        has_older=len(window) > per_page,
                        kinds=wanted if len(wanted) < len(KINDS) else ())
