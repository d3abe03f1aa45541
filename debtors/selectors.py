"""Reads for the debtor pages: the search page's rows and the debtor 360.

The 360 asks Aptic for the debtor, the case summary, the cases, addresses, payment plans and
extra fields side by side (`gather`), so the page costs about its slowest call; each part
carries its own error, so a failing part shows its message while the rest of the page works.
`debtor_360_start` only sends them, so the page can draw its local parts while Aptic answers,
and each Aptic panel as soon as its own answer is in (`Pending360.as_they_arrive`).

`Panel` is what every list panel of the 360 receives (other apps' panels too): the items and
the error that stopped them, if any.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from typing import Any

from backoffice.audit.services import audit_pii_reveal
from backoffice.gateway import (
    Address,
    Case,
    CaseSummary,
    Debtor,
    DebtorRow,
    ExtraField,
    F,
    Filter,
    GatewayError,
    Page,
    Part,
    PaymentPlan,
    fingerprint,
    gather,
    get_gateway,
)
from backoffice.gateway.fanout import submit_all

# Per-debtor lists are shown whole up to this many rows (the API's largest page).
PANEL_SIZE = 100
CASE_ORDER = ("status", "-registration_date", "case_number")  # active first, newest first
ADDRESS_ORDER = ("-default_address", "address_type")  # the default address first
PLAN_ORDER = ("-registration_date",)
EXTRA_FIELD_ORDER = ("name",)


@dataclass(frozen=True)
class Panel[T]:
    """One panel's rows, or the error that stopped them (then `items` is empty)."""

    items: Sequence[T] = ()
    error: GatewayError | None = None
    total: int | None = None

    @property
    def truncated(self) -> bool:
        """More rows exist upstream than the panel shows."""
        return self.total is not None and self.total > len(self.items)


def panel_from(part: Part) -> Panel:
    """A `Panel` from one fan-out part holding a `Page` (programming errors propagate)."""
    if part.error is not None:
        if not isinstance(part.error, GatewayError):
            raise part.error
        return Panel(error=part.error)
    page: Page = part.result
    return Panel(items=list(page.items), total=page.total)


def _panel(read) -> Panel:
    try:
        page = read()
    except GatewayError as exc:
        return Panel(error=exc)
    return Panel(items=list(page.items), total=page.total)


def address_panel(*, debtor_guid: str) -> Panel[Address]:
    """The debtor's addresses, the default first (for re-rendering the addresses panel)."""
    gw = get_gateway()
    return _panel(lambda: gw.address_list(debtor_guid, orderby=ADDRESS_ORDER, top=PANEL_SIZE))


@dataclass(frozen=True)
class PanelItem[T]:
    """One row of a panel for an inline form: the panel, the row (None: not listed) and the
    row's fingerprint for the form to carry."""

    panel: Panel[T]
    item: T | None
    fingerprint: str = ""


def _item(panel: Panel, item: Any) -> PanelItem:
    return PanelItem(panel, item, fingerprint(item) if item is not None else "")


def address_panel_item(*, debtor_guid: str, address_guid: str) -> PanelItem[Address]:
    panel = address_panel(debtor_guid=debtor_guid)
    return _item(panel, next((a for a in panel.items if a.address_guid == address_guid), None))


def extra_field_panel_item(*, debtor_guid: str, name: str) -> PanelItem[ExtraField]:
    """Names are unique whatever their letter case."""
    panel = extra_field_panel(debtor_guid=debtor_guid)
    folded = name.casefold()
    return _item(panel, next((f for f in panel.items if f.name.casefold() == folded), None))


@dataclass(frozen=True)
class DebtorEdit:
    """What the debtor form needs: the debtor, its country (of its default address, from its
    list row) and the fingerprint the form carries."""

    debtor: Debtor
    country: str | None
    fingerprint: str


def debtor_edit_get(*, debtor_guid: str) -> DebtorEdit:
    gw = get_gateway()
    parts = gather({
        "debtor": lambda: gw.debtor_get(debtor_guid),
        "row": lambda: gw.debtor_list(filter=F.eq("debtor_guid", debtor_guid), top=1),
    })
    debtor = parts["debtor"].value  # raises the read's error
    row = parts["row"]
    country = row.value.items[0].country_code if row.ok and row.value.items else None
    return DebtorEdit(debtor, country, fingerprint(debtor))


def debtor_delete_get(*, debtor_guid: str) -> DebtorEdit:
    """The debtor a delete asks about (no country needed: one call)."""
    debtor = get_gateway().debtor_get(debtor_guid)
    return DebtorEdit(debtor, None, fingerprint(debtor))


def extra_field_panel(*, debtor_guid: str) -> Panel[ExtraField]:
    gw = get_gateway()
    return _panel(
        lambda: gw.extra_field_list(debtor_guid, orderby=EXTRA_FIELD_ORDER, top=PANEL_SIZE)
    )


def plan_panel(*, debtor_guid: str) -> Panel[PaymentPlan]:
    gw = get_gateway()
    return _panel(lambda: gw.plan_list(debtor_guid, orderby=PLAN_ORDER, top=PANEL_SIZE))


def debtor_search(
    *, filter: Filter | None, orderby: Sequence[str] = (), skip: int = 0, top: int = 25
) -> Page[DebtorRow]:
    """One page of debtor list rows (one upstream call)."""
    return get_gateway().debtor_list(filter=filter, orderby=list(orderby) or None, skip=skip,
                                     top=top)


PARTS_360 = frozenset({"debtor", "summary", "cases", "addresses", "plans", "extra_fields"})


@dataclass(frozen=True)
class Debtor360:
    """Everything the debtor page shows that comes from Aptic, part by part."""

    debtor_guid: str
    debtor: Debtor | None
    debtor_error: GatewayError | None
    summary: CaseSummary | None
    summary_error: GatewayError | None
    cases: Panel[Case]
    addresses: Panel[Address]
    plans: Panel[PaymentPlan]
    extra_fields: Panel[ExtraField]
    # The parts read so far: all of them, but for a view of `Pending360.as_they_arrive`,
    # whose parts not in yet are empty (no debtor, no summary, empty panels).
    arrived: frozenset[str] = PARTS_360

    def has(self, *names: str) -> bool:
        """Whether these parts are in. "currency": the money's currency is known, which
        takes the debtor, and the cases too when the debtor names none."""
        for name in names:
            if name == "currency":
                named = self.debtor is not None and bool(self.debtor.currency_code)
                if not self.has("debtor") or not (named or self.has("cases")):
                    return False
            elif name not in self.arrived:
                return False
        return True

    @property
    def currency(self) -> str:
        """The debtor's currency, else that of its cases (for showing money)."""
        if self.debtor is not None and self.debtor.currency_code:
            return self.debtor.currency_code
        return next((c.currency_code for c in self.cases.items if c.currency_code), "")

    @property
    def display_name(self) -> str:
        if self.debtor is not None and self.debtor.display_name:
            return self.debtor.display_name
        if self.summary is not None and self.summary.full_name:
            return self.summary.full_name
        return ""


def _value_or_error(part: Part) -> tuple[Any, GatewayError | None]:
    if part.error is None:
        return part.result, None
    if not isinstance(part.error, GatewayError):
        raise part.error
    return None, part.error


def debtor_360_start(*, debtor_guid: str) -> Pending360:
    """Sends the 360's reads side by side and returns at once; `.result()` waits for them."""
    gw = get_gateway()
    g = debtor_guid
    futures = submit_all(
        {
            "debtor": lambda: gw.debtor_get(g),
            "summary": lambda: gw.debtor_summary(g),
            "cases": lambda: gw.case_list(g, orderby=CASE_ORDER, top=PANEL_SIZE),
            "addresses": lambda: gw.address_list(g, orderby=ADDRESS_ORDER, top=PANEL_SIZE),
            "plans": lambda: gw.plan_list(g, orderby=PLAN_ORDER, top=PANEL_SIZE),
            "extra_fields": lambda: gw.extra_field_list(g, orderby=EXTRA_FIELD_ORDER,
                                                        top=PANEL_SIZE),
        },
        until_sent=True,
    )
    return Pending360(debtor_guid=g, futures=futures)


@dataclass(frozen=True)
class Pending360:
    """The 360's reads on their way; each part's failure is kept with it."""

    debtor_guid: str
    futures: Mapping[str, Future[Part]]

    def result(self) -> Debtor360:
        """The whole view, once every part is in."""
        return _view_from(self.debtor_guid,
                          {name: future.result() for name, future in self.futures.items()})

    def as_they_arrive(self) -> Iterator[Debtor360]:
        """The view again after each part comes in, with what is in so far (`has`); the
        last one is whole. A page draws each panel as soon as its parts are in, so only the
        panels of the slowest answer are left to draw after it."""
        names = {future: name for name, future in self.futures.items()}
        parts: dict[str, Part] = {}
        for future in as_completed(names):
            parts[names[future]] = future.result()
            yield _view_from(self.debtor_guid, parts)


def _panel_of(parts: Mapping[str, Part], name: str) -> Panel:
    return panel_from(parts[name]) if name in parts else Panel()


def _view_from(debtor_guid: str, parts: Mapping[str, Part]) -> Debtor360:
    debtor, debtor_error = _value_or_error(parts.get("debtor", Part()))
    summary, summary_error = _value_or_error(parts.get("summary", Part()))
    return Debtor360(
        debtor_guid=debtor_guid,
        debtor=debtor,
        debtor_error=debtor_error,
        summary=summary,
        summary_error=summary_error,
        cases=_panel_of(parts, "cases"),
        addresses=_panel_of(parts, "addresses"),
        plans=_panel_of(parts, "plans"),
        extra_fields=_panel_of(parts, "extra_fields"),
        arrived=frozenset(parts),
    )


def debtor_360(*, debtor_guid: str) -> Debtor360:
    """The debtor and its parts, read concurrently; each part's failure is kept with it."""
    return debtor_360_start(debtor_guid=debtor_guid).result()


def debtor_case(*, debtor_guid: str, case_guid: str) -> Case:
    return get_gateway().case_get(debtor_guid, case_guid)


def debtor_id_reveal(*, debtor_guid: str, reason: str, debtor: Debtor | None = None) -> Debtor:
    """The debtor (read afresh unless given) for showing its ID number in full; audited.

    The audit entry (`pii.reveal`, with the reason) is written once the record is at hand,
    i.e. when the number is actually shown.
    """
    if debtor is None:
        debtor = get_gateway().debtor_get(debtor_guid)
    audit_pii_reveal(debtor_guid=debtor_guid, field="id_number", reason=reason)
    return debtor
