"""One page of a filtered, ordered list and its total, fast on a 100,000-row table.

The obvious `count()` then `[skip:skip + top]` leaves the plan to SQLite, which cannot tell
how many rows a filter keeps, and at 100,000 debtors it guesses wrong both ways (measured by
bench/sandbox_list.py, checked with EXPLAIN QUERY PLAN):
- a filter no index answers that keeps few rows (`contains(fullName,'dram')`): it walks the
  index of the ORDER BY column testing every row of the table, where collecting the few
  matches and sorting them is quick;
- a filter through an index that keeps most rows (`juridicalType eq 0` ordered by `email`):
  it reads them all through that index and sorts them, where walking the email index would
  stop after one page.
So, on SQLite, the matches choose the plan:
- up to SMALL (collected by one pass that stops after SMALL + 1): that list is the total,
  and the page is sorted from those rows alone (looked up by primary key, the sort carrying
  only the keys), then its rows are read; up to FEW (a debtor's cases, addresses or plans),
  the rows are sorted and read by the same query, one query less on most calls;
- more (counted): the filter keeps over a fifth of the rows. When SQLite's own plan reads
  them in order from an index (EXPLAIN QUERY PLAN shows no sort), it is used. Otherwise,
  when an index gives the order (or its first key, the rest sorted within runs of equal
  values), the page walks that index checking each row with a correlated EXISTS on its
  primary key, stopping once the page is full: a few rows when the filter is independent
  of the order, at worst every row when it is correlated (`currencyCode eq 'EUR'` ordered
  by `countryCode desc`), about what sorting the matches would cost.
Every way gives exactly the rows of `queryset[skip:skip + top]`. Other databases (the sandbox
on PostgreSQL) keep their planner's choice: it has the statistics to make it.
"""

from django.db import connections
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode

SMALL = 20_000
FEW = 200  # matches sorted as whole rows, not as keys first: cheaper than a second query


def _unfiltered(queryset: QuerySet) -> QuerySet:
    """The same queryset (ordering, aliases, select/prefetch_related) without its WHERE."""
    clone = queryset.all()
    clone.query.where = WhereNode()
    return clone


def _collect(keys_of: QuerySet) -> tuple[int, str]:
    """How many rows match (SMALL + 1 at most) and their keys as a JSON array, in one pass
    that SQLite makes alone: Python never handles the keys one by one."""
    sql, params = keys_of.order_by().values(k=F("pk"))[: SMALL + 1].query.sql_with_params()
    with connections[keys_of.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), json_group_array(k) FROM ({sql})", params)  # noqa: S608
        count, keys = cursor.fetchone()
    return count, keys


def _in_json(keys: str) -> RawSQL:
    """`pk IN (...)` for thousands of keys: SQLite reads them from one JSON parameter."""
    return RawSQL("SELECT value FROM json_each(%s)", [keys])


def _rows(queryset: QuerySet, keys: list) -> list:
    """The rows with these primary keys, in the keys' order."""
    found = {row.pk: row for row in _unfiltered(queryset).filter(pk__in=keys)}
    return [found[key] for key in keys]


def _sorts(queryset: QuerySet) -> tuple[bool, bool]:
    """(sorts part of the rows, sorts all of them): what SQLite's plan for `queryset` does
    beyond reading an index in order (EXPLAIN QUERY PLAN's "USE TEMP B-TREE")."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        details = [str(row[-1]) for row in cursor.fetchall()]
    return (any(d.startswith("USE TEMP B-TREE FOR") for d in details),
            any(d.startswith("USE TEMP B-TREE FOR ORDER BY") for d in details))


def page_rows(queryset: QuerySet, *, skip: int, top: int) -> tuple[int, list]:
    """(total matches, the rows of the page) of an ordered, filtered queryset."""
    if connections[queryset.db].vendor != "sqlite":
        total = queryset.count()
        return total, list(queryset[skip: skip + top]) if skip < total else []
    keys_of = queryset.prefetch_related(None).values_list("pk", flat=True)
    count, matches = _collect(keys_of)
    if count <= SMALL:
        if skip >= count:
            return count, []
        if count <= FEW:
            in_matches = _unfiltered(queryset).filter(pk__in=_in_json(matches))
            return count, list(in_matches[skip: skip + top])
        in_matches = _unfiltered(keys_of).filter(pk__in=_in_json(matches))
        return count, _rows(queryset, list(in_matches[skip: skip + top]))
    total = queryset.count()
    if skip >= total:
        return total, []
    own_plan = keys_of[skip: skip + top]
    if not _sorts(own_plan)[0]:
        return total, _rows(queryset, list(own_plan))
    walk = _unfiltered(keys_of).filter(Exists(queryset.order_by().filter(pk=OuterRef("pk"))))
    walk = walk[skip: skip + top]
    return total, _rows(queryset, list(walk if not _sorts(walk)[1] else own_plan))
