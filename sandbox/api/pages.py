"""One page of a filtered, ordered list and its total, fast on a 100,000-row table.

The obvious `count()` then `[skip:skip + top]` leaves the choice of plan to SQLite, which
cannot estimate how many rows a filter keeps, and guesses wrong both ways at 100,000 debtors:
- a filter through an index that keeps many rows (`juridicalType eq 0`): it reads them all
  through that index and sorts them (hundreds of ms), where walking the index of the ORDER BY
  column would stop after one page;
- a filter no index can answer that keeps few rows (`contains(fullName,'dram')`): it walks
  the ORDER BY index testing every row of the table, where collecting the few matches and
  sorting them would be quick.
So, on SQLite, the plan is chosen from what the matches are:
- up to FEW of them (found by one pass that stops after FEW + 1): that list is the total,
  and the page is sorted from those rows alone, looked up by primary key;
- otherwise, counted, the page is looked for among the first rows in the list's order, when
  an index gives that order (EXPLAIN QUERY PLAN shows no sort of the whole table): a walk
  that stops there, 10 pages' worth, then WALK rows. A filter that keeps more than a sliver
  of the rows, uncorrelated with the order, puts a whole first page in them; when those rows
  hold the whole page, it is the page;
- failing that (a rare filter, one correlated with the order, an order no index gives), the
  page is sorted from the matches only (`pk IN (subquery)`, which SQLite evaluates first),
  the sort carrying only the keys; the page's rows follow by key.
Every way gives exactly the rows of `queryset[skip:skip + top]`. Other databases (the
sandbox on PostgreSQL) keep their planner's choice, which has the statistics to choose.
"""

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.where import WhereNode

FEW = 500
WALK = 5_000


def _unfiltered(queryset: QuerySet) -> QuerySet:
    """The same queryset (ordering, aliases, select/prefetch_related) without its WHERE."""
    clone = queryset.all()
    clone.query.where = WhereNode()
    return clone


def _rows(queryset: QuerySet, keys: list) -> list:
    found = {row.pk: row for row in _unfiltered(queryset).filter(pk__in=keys)}
    return [found[key] for key in keys]


def _index_gives_order(queryset: QuerySet) -> bool:
    """Whether SQLite reads `queryset` in order from an index, without sorting all of it."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        details = [str(row[-1]) for row in cursor.fetchall()]
    return not any(detail.startswith("USE TEMP B-TREE FOR ORDER BY") for detail in details)


def page_rows(queryset: QuerySet, *, skip: int, top: int) -> tuple[int, list]:
    """(total matches, the rows of the page) of an ordered, filtered queryset."""
    few = list(queryset.order_by().values_list("pk", flat=True)[: FEW + 1])
    if len(few) <= FEW:
        if skip >= len(few):
            return len(few), []
        return len(few), list(_unfiltered(queryset).filter(pk__in=few)[skip: skip + top])
    total = queryset.count()
    if skip >= total:
        return total, []
    if connections[queryset.db].vendor != "sqlite":
        return total, list(queryset[skip: skip + top])
    wanted = min(top, total - skip)
    keys_of = queryset.prefetch_related(None).values_list("pk", flat=True)
    in_order = _unfiltered(queryset).values("pk")
    if _index_gives_order(in_order[:WALK]):
        for walk in sorted({min(WALK, max(250, 10 * (skip + top))), WALK}):
            if skip + wanted <= walk:
                keys = list(keys_of.filter(pk__in=in_order[:walk])[skip: skip + top])
                if len(keys) == wanted:
                    return total, _rows(queryset, keys)
    matches = _unfiltered(keys_of).filter(pk__in=queryset.order_by().values("pk"))
    return total, _rows(queryset, list(matches[skip: skip + top]))
