"""The team view's chart: promises kept, partly kept and broken per ISO week, as SVG geometry.

Like the plan chart (plans/chart.py) it is drawn on the server with no script and no library,
and reads without colour: kept is solid, partly kept hatched, broken dotted, and the legend
repeats them. Partly kept promises have a bar of their own (they are neither kept nor
broken). Here the positions are computed and templates/work/partials/team_chart.html draws
them, with a <title>, a <desc> and the same figures as a table for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from work.team import WeekCount

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 48, 44
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
TICKS = 4
MAX_LABELS = 13  # more week labels than this would overlap: label every other week

SERIES = ("kept", "partly_kept", "broken")


def series_labels() -> dict[str, str]:
    return {"kept": _("Kept"), "partly_kept": _("Partly kept (a bar of its own)"),
            "broken": _("Broken")}


@dataclass(frozen=True)
class Bar:
    series: str  # kept | partly_kept | broken
    value: int
    x: float
    y: float
    width: float
    height: float
    label: str  # "Kept: 3", the bar's tooltip


@dataclass(frozen=True)
class Week:
    count: WeekCount
    key: str  # "2025-W07"
    label: str  # "W7" under the group ("" when skipped for room)
    title: str  # "Week 7, 2025"
    label_x: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class LegendItem:
    series: str
    label: str
    x: float


@dataclass(frozen=True)
class TeamChart:
    weeks: tuple[Week, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]
    top: int  # the count at the top of the axis
    title: str
    desc: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    base_y: int = TOP + PLOT_H
    label_y: int = TOP + PLOT_H + 16
    axis_label_y: int = HEIGHT - 6
    centre_x: float = LEFT + PLOT_W / 2

    @property
    def is_empty(self) -> bool:
        return all(bar.value == 0 for week in self.weeks for bar in week.bars)


def axis_top(largest: int) -> int:
    """The count at the top of the axis: the smallest multiple of TICKS at or above
    `largest`, so every tick is a whole number (TICKS when nothing was judged)."""
    return TICKS * max(1, math.ceil(largest / TICKS))


def team_chart(weeks: Sequence[WeekCount]) -> TeamChart:
    """The chart of `weeks`: per week a group of three bars (kept, partly kept, broken)."""
    labels = series_labels()
    top = axis_top(max((getattr(w, s) for w in weeks for s in SERIES), default=0))
    scale = PLOT_H / top
    slot = PLOT_W / max(len(weeks), 1)
    gap = slot * 0.2
    bar_w = (slot - gap) / len(SERIES)
    every = 1 if len(weeks) <= MAX_LABELS else 2
    drawn = []
    for index, count in enumerate(weeks):
        year, number = count.iso
        x0 = LEFT + slot * index + gap / 2
        bars = []
        for position, series in enumerate(SERIES):
            value = getattr(count, series)
            height = value * scale
            bars.append(Bar(series=series, value=value, x=round(x0 + bar_w * position, 2),
                            y=round(TOP + PLOT_H - height, 2), width=round(bar_w, 2),
                            height=round(height, 2),
                            label=f"{labels[series]}: {value}"))
        drawn.append(Week(
            count=count, key=f"{year}-W{number:02d}",
            label=_("W%(week)d") % {"week": number} if index % every == 0 else "",
            title=_("Week %(week)d, %(year)d") % {"week": number, "year": year},
            label_x=round(LEFT + slot * (index + 0.5), 2), bars=tuple(bars)))
    ticks = tuple(Tick(y=round(TOP + PLOT_H - PLOT_H * k / TICKS, 2), value=top * k // TICKS)
                  for k in range(TICKS + 1))
    legend, x = [], LEFT
    for series in SERIES:
        legend.append(LegendItem(series=series, label=labels[series], x=x))
        x += 40 + 7 * len(labels[series])
    first, last = (drawn[0].title, drawn[-1].title) if drawn else ("", "")
    desc = _(
        "Promises to pay judged in each ISO week from %(first)s to %(last)s, as three bars "
        "per week: kept (solid), partly kept (hatched; counted on its own, not with broken) "
        "and broken (dotted). The table below the chart lists the same figures."
    ) % {"first": first, "last": last}
    return TeamChart(weeks=tuple(drawn), ticks=ticks, legend=tuple(legend), top=top,
                     title=_("Promises kept and broken per week"), desc=desc)
