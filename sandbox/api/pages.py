"""One page of a filtered, ordered list and its total, fast on a 100,000-row table.

The obvious `count()` then `[skip:skip + top]` leaves the choice of plan to SQLite, which
cannot estimate how many rows a filter keeps, and guesses wrong both ways at 100,000 debtors:
- a filter through an index that keeps many rows (`juridicalType eq 0`): it reads them all
  through that index and sorts them (hundreds of ms), where walking the index of the ORDER BY
  column would stop after one page;
- a filter no index can answer that keeps few rows (`contains(fullName,'dram')`): it walks
  the ORDER BY index testing every row of the table, where collecting the few matches and
  sorting them would be quick.
So the matches decide the plan:
- up to FEW of them (found with one pass that stops after FEW + 1): that list is the total,
  and the page is sorted from those rows alone, looked up by primary key;
- up to SMALL (counted): the page is sorted from the matches only (`pk IN (subquery)`, which
  SQLite evaluates first), the sort carrying only the keys; the page's rows follow by key;
- more: the filter keeps a large share of the rows, so the page walks the ORDER BY index and
  checks each row's match with a correlated EXISTS on its primary key, stopping after one
  page (SQLite only; PostgreSQL's planner has the statistics to choose itself).
"""

from django.db import connections
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.sql.where import WhereNode

FEW = 500
SMALL = 20_000


def _unfiltered(queryset: QuerySet) -> QuerySet:
    """The same queryset (ordering, aliases, select/prefetch_related) without its WHERE."""
    clone = queryset.all()
    clone.query.where = WhereNode()
    return clone


def page_rows(queryset: QuerySet, *, skip: int, top: int) -> tuple[int, list]:
    """(total matches, the rows of the page) of an ordered, filtered queryset."""
    few = list(queryset.order_by().values_list("pk", flat=True)[: FEW + 1])
    if len(few) <= FEW:
        rows = _unfiltered(queryset).filter(pk__in=few) if skip < len(few) else []
        return len(few), list(rows[skip: skip + top]) if rows else []
    total = queryset.count()
    if skip >= total:
        return total, []
    if total <= SMALL:
        matches = _unfiltered(queryset).filter(pk__in=queryset.order_by().values("pk"))
        keys = list(matches.prefetch_related(None).values_list("pk", flat=True)[
            skip: skip + top])
        found = {row.pk: row for row in _unfiltered(queryset).filter(pk__in=keys)}
        return total, [found[key] for key in keys]
    if connections[queryset.db].vendor == "sqlite":
        walk = _unfiltered(queryset).filter(
            Exists(queryset.order_by().filter(pk=OuterRef("pk"))))
        return total, list(walk[skip: skip + top])
    return total, list(queryset[skip: skip + top])
