"""page_rows() gives exactly count() and queryset[skip:skip + top], whichever plan it takes.

The thresholds are shrunk so that a few hundred debtors exercise every way: a few matches
sorted and read by one query, a sort of the collected matches' keys, SQLite's own plan when
an index gives the order, and a walk along the order checking each row.
"""

import pytest
from django.db.models import Count

from sandbox.api import pages
from sandbox.api.debtors import DEBTOR_LIST
from sandbox.api.odata import apply_query
from sandbox.models import Case, Debtor
from sandbox.seed import seed_portfolio

pytestmark = pytest.mark.django_db(databases="__all__")

FILTERS = [
    None,
    "juridicalType eq 0",
    "juridicalType eq 1",
    "countryCode eq 'SE'",
    "currencyCode eq 'EUR'",
    "contains(fullName,'a')",
    "contains(fullName,'ss') and juridicalType eq 0",
    "startswith(city,'S') or countryCode eq 'FI'",
    "not (currencyCode eq 'SEK')",
    "fullName eq 'nobody at all'",
    "debtorReference eq '1000003' or debtorReference eq '1000007'",
    "startswith(debtorReference,'100001')",
]
ORDERS = [
    "fullName", "fullName desc, debtorGuid", "countryCode desc, debtorGuid",
    "currencyCode, debtorGuid", "dateOfBirth desc", "city, fullName", "juridicalType, email",
]


@pytest.fixture
def small_thresholds(monkeypatch):
    monkeypatch.setattr(pages, "SMALL", 60)
    monkeypatch.setattr(pages, "FEW", 10)


def test_every_plan_gives_the_naive_page(small_thresholds):
    seed_portfolio(debtors=250, seed=12)
    assert Debtor.objects.count() == 250
    checked = 0
    for text in FILTERS:
        for order in ORDERS:
            queryset = apply_query(Debtor.objects.all(), DEBTOR_LIST, filter_text=text,
                                   orderby_text=order)
            total = queryset.count()
            for skip, top in ((0, 25), (0, 100), (7, 3), (total - 2, 25), (total + 5, 10)):
                skip = max(skip, 0)
                got_total, rows = pages.page_rows(queryset.all(), skip=skip, top=top)
                expected = [row.pk for row in queryset[skip: skip + top]]
                assert got_total == total, (text, order)
                assert [row.pk for row in rows] == expected, (text, order, skip, top)
                checked += 1
    assert checked == len(FILTERS) * len(ORDERS) * 5


def test_page_rows_keeps_prefetching(small_thresholds, django_assert_max_num_queries):
    seed_portfolio(debtors=120, seed=13)
    queryset = apply_query(Debtor.objects.prefetch_related("cases"), DEBTOR_LIST,
                           filter_text="juridicalType eq 0", orderby_text="fullName")
    total, rows = pages.page_rows(queryset, skip=0, top=25)
    assert total > 60 and len(rows) == 25
    expected = [Case.objects.filter(debtor=row).count() for row in rows]
    assert sum(expected) > 0
    with django_assert_max_num_queries(0, using="sandbox"):
        assert [len(row.cases.all()) for row in rows] == expected


def test_a_few_matches_take_one_query_after_the_count(django_assert_num_queries):
    seed_portfolio(debtors=40, seed=14)
    debtor = Debtor.objects.annotate(n=Count("cases")).filter(n__gte=2).first()
    queryset = Case.objects.filter(debtor=debtor).order_by("-registration_date", "pk")
    expected = [case.pk for case in queryset]
    with django_assert_num_queries(2, using="sandbox"):  # the count and keys, then the rows
        total, rows = pages.page_rows(queryset.all(), skip=0, top=100)
    assert total == len(expected) and [case.pk for case in rows] == expected
    with django_assert_num_queries(2, using="sandbox"):
        assert [case.pk for case in pages.page_rows(queryset.all(), skip=1, top=1)[1]] == \
            expected[1:2]
