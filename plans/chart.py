"""A plan's schedule as a server-rendered SVG chart.

Per period a stacked bar of principal (solid), interest (hatched) and fee (dotted), and the
remaining principal as a dashed line with square markers on its own axis at the right. It
reads without colour: every series has its own pattern or marker and the legend repeats them.
The schedule table beside the chart is its text alternative. No `style=` attributes (CSP):
presentation attributes and CSS classes only.

Amounts are turned into pixel positions here, which is the only arithmetic on them in the
app, and it is for drawing only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from backoffice.formatting import babel_locale
from backoffice.gateway import PlanPeriod

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 84, 56, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_MARKERS = 60  # beyond this the line's markers would merge into a smear

PRINCIPAL, INTEREST, FEE, LINE = "#0b4f8a", "#b35900", "#4a5361", "#1b1f24"


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k (times 4 ticks) at or above `value`."""
    if value <= 0:
        return 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude * 4
    return 10 * magnitude * 4


def _number(value: float, locale: str) -> str:
    return format_decimal(Decimal(str(round(value))), format="#,##0", locale=locale)


def _f(value: Decimal | None) -> float:
    return float(value) if value is not None else 0.0


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INTEREST}" stroke-width="3"/></pattern>'
        f'<pattern id="{prefix}-dots" patternUnits="userSpaceOnUse" width="5" height="5">'
        '<rect width="5" height="5" fill="#fff"/>'
        f'<circle cx="2.5" cy="2.5" r="1.5" fill="{FEE}"/></pattern>'
        f'<marker id="{prefix}-square" viewBox="0 0 6 6" refX="3" refY="3" markerWidth="6" '
        f'markerHeight="6"><rect width="6" height="6" fill="{LINE}"/></marker>'
        "</defs>"
    )


def _legend(prefix: str) -> str:
    items = (
        (f'<rect width="14" height="14" fill="{PRINCIPAL}"/>', _("Principal")),
        (f'<rect width="14" height="14" fill="url(#{prefix}-hatch)" stroke="{INTEREST}"/>',
         _("Interest")),
        (f'<rect width="14" height="14" fill="url(#{prefix}-dots)" stroke="{FEE}"/>', _("Fee")),
        (f'<line x1="0" y1="7" x2="22" y2="7" stroke="{LINE}" stroke-width="2" '
         f'stroke-dasharray="5 3"/><rect x="8" y="4" width="6" height="6" fill="{LINE}"/>',
         _("Remaining principal (right axis)")),
    )
    parts, x = [], LEFT
    for swatch, label in items:
        parts.append(f'<g transform="translate({x},12)">{swatch}'
                     f'<text x="{28 if "line" in swatch else 20}" y="12" class="chart-legend">'
                     f"{escape(label)}</text></g>")
        x += 40 + 7 * len(label)
    return '<g class="chart-legend-group">' + "".join(parts) + "</g>"


def _axes(pay_max: float, rest_max: float, periods: Sequence[PlanPeriod], locale: str) -> str:
    out = [f'<line x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}" '
           'stroke="#8a94a3"/>']
    for k in range(5):
        y = TOP + PLOT_H - PLOT_H * k / 4
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + PLOT_W}" y2="{y:.1f}" '
                   'stroke="#d4d9e0" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-tick">'
                   f"{_number(pay_max * k / 4, locale)}</text>")
        out.append(f'<text x="{LEFT + PLOT_W + 6}" y="{y + 4:.1f}" class="chart-tick">'
                   f"{_number(rest_max * k / 4, locale)}</text>")
    n = len(periods)
    every = max(1, math.ceil(n / 12))
    slot = PLOT_W / max(n, 1)
    for index, period in enumerate(periods):
        number = period.period_number
        if number == 1 or number % every == 0 or index == n - 1:
            x = LEFT + slot * (index + 0.5)
            out.append(f'<text x="{x:.1f}" y="{TOP + PLOT_H + 16}" text-anchor="middle" '
                       f'class="chart-tick">{number}</text>')
    out.append(f'<text x="{LEFT + PLOT_W / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle" '
               f'class="chart-axis-label">{escape(_("Period"))}</text>')
    return "".join(out)


def plan_chart_svg(periods: Sequence[PlanPeriod], *, currency: str = "",
                   prefix: str = "plan-chart") -> SafeString:
    """The chart of `periods` as an inline <svg> element (ids start with `prefix`)."""
    locale = babel_locale()
    title = _("Payment schedule chart")
    desc = _(
        "Each period's payment as a stacked bar of principal (solid), interest (hatched) and "
        "fee (dotted), in %(currency)s on the left axis, and the principal still owed after "
        "the period as a dashed line with square markers on the right axis. The schedule "
        "table lists the same figures."
    ) % {"currency": currency or _("the plan's currency")}
    pay_max = _nice_ceiling(max((_f(p.amount) for p in periods), default=0.0))
    rest_max = _nice_ceiling(max((_f(p.remaining_principal) for p in periods), default=0.0))
    n = max(len(periods), 1)
    slot = PLOT_W / n
    bar = max(slot * 0.75, 0.6)
    pad = (slot - bar) / 2
    scale = PLOT_H / pay_max
    base = TOP + PLOT_H
    bars, points = [], []
    for index, period in enumerate(periods):
        x = LEFT + slot * index + pad
        y = base
        for value, fill, stroke in (
            (period.principal, PRINCIPAL, ""),
            (period.interest, f"url(#{prefix}-hatch)", INTEREST),
            (period.fee, f"url(#{prefix}-dots)", FEE),
        ):
            h = _f(value) * scale
            if h <= 0:
                continue
            y -= h
            outline = f' stroke="{stroke}" stroke-width="0.5"' if stroke else ""
            bars.append(f'<rect x="{x:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                        f'fill="{fill}"{outline}/>')
        ry = base - _f(period.remaining_principal) * PLOT_H / rest_max
        points.append(f"{LEFT + slot * (index + 0.5):.2f},{ry:.2f}")
    markers = (f' marker-start="url(#{prefix}-square)" marker-mid="url(#{prefix}-square)"'
               f' marker-end="url(#{prefix}-square)"' if len(periods) <= MAX_MARKERS else
               f' marker-end="url(#{prefix}-square)"')
    line = (f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
            f'stroke-width="2" stroke-dasharray="5 3"{markers}/>' if points else "")
    svg = (
        f'<svg class="plan-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif" font-size="11">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
        f"{_defs(prefix)}{_legend(prefix)}{_axes(pay_max, rest_max, periods, locale)}"
        f'<g class="chart-bars">{"".join(bars)}</g>{line}'
        f'<text x="{LEFT - 6}" y="{TOP - 8}" text-anchor="end" class="chart-axis-label">'
        f"{escape(currency)}</text>"
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text in it is escaped above
