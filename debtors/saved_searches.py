"""Saved searches: reads and writes (an agent's own, and those the team shared)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from debtors.models import SavedSearch


def saved_search_list(*, user) -> QuerySet[SavedSearch]:
    """The user's own searches and the ones others shared, by name."""
    return (
        SavedSearch.objects.filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
        .order_by("name", "id")
    )


def saved_search_save(*, owner, name: str, params: Mapping[str, str],
                      shared: bool) -> SavedSearch:
    """Saves the query under `name`; a search of the owner's with that name is replaced."""
    saved, _created = SavedSearch.objects.update_or_create(
        owner=owner, name=name, defaults={"params": dict(params), "shared": shared}
    )
    return saved


def saved_search_delete(*, owner, saved_search_id: int) -> None:
    """Deletes one of the owner's searches.

    Raises `SavedSearch.DoesNotExist` for an unknown id and `PermissionDenied` for a search
    of someone else's (a shared one is visible to the team, but only its owner deletes it).
    """
    saved = SavedSearch.objects.get(pk=saved_search_id)
    if saved.owner_id != owner.pk:
        raise PermissionDenied
    saved.delete()
