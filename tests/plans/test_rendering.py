"""The chart and the schedule's fast money formatting (no server needed)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from backoffice.formatting import money
from backoffice.gateway import PlanPeriod
from plans.chart import plan_chart_svg
from plans.schedule import money_formatter, schedule_rows_html


def _periods(n: int) -> list[PlanPeriod]:
    return [PlanPeriod(period_number=k, due_date=date(2027, 1, 1), amount=Decimal("929.00"),
                       principal=Decimal("800.00"), interest=Decimal("100.00"),
                       fee=Decimal("29.00"), remaining_principal=Decimal(10000 - 800 * k))
            for k in range(1, n + 1)]


@pytest.mark.parametrize("language", ["en", "sv", "nb", "fi"])
@pytest.mark.parametrize("value", ["0.00", "0.01", "12.50", "999.99", "1000.00", "1234567.89",
                                   "-5.00", "-1234.50", "100000000.10"])
def test_the_fast_formatter_equals_the_money_filter(language, value):
    with translation.override(language):
        assert money_formatter()(Decimal(value)) == money(Decimal(value))


def test_the_fast_formatter_defers_odd_values_to_money():
    with translation.override("sv"):
        fmt = money_formatter()
        assert fmt(Decimal("1.005")) == money(Decimal("1.005"))
        assert fmt(None) == money(None)


def test_schedule_rows_escape_nothing_unsafe_and_keep_order():
    html = schedule_rows_html(_periods(3))
    numbers = re.findall(r'<th scope="row" class="num">(\d+)</th>', html)
    assert [int(n) for n in numbers] == [1, 2, 3]
    assert "<script" not in html


def test_the_chart_is_an_accessible_svg_without_inline_styles():
    svg = str(plan_chart_svg(_periods(12), currency="SEK", prefix="t"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "style=" not in svg
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">' in svg and '<desc id="t-desc">' in svg
    # Three series per period (principal solid, interest hatched, fee dotted) and the line.
    assert svg.count('fill="url(#t-hatch)"') == 12 + 1  # bars + legend swatch
    assert svg.count('fill="url(#t-dots)"') == 12 + 1
    assert svg.count("<polyline") == 1 and 'stroke-dasharray="5 3"' in svg
    assert 'marker-mid="url(#t-square)"' in svg
    for label in ("Principal", "Interest", "Fee", "Remaining principal"):
        assert label in svg


def test_a_long_plan_drops_the_line_markers_but_keeps_every_bar():
    svg = str(plan_chart_svg(_periods(360), prefix="long"))
    assert 'marker-mid=' not in svg
    assert svg.count('fill="url(#long-hatch)"') == 361


def test_the_chart_escapes_the_currency():
    svg = str(plan_chart_svg(_periods(2), currency="<b>"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
