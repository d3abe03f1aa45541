"""The debtor search table: django-tables2 over the Aptic list, one upstream call per render.

`GatewayPageData` is a `TableData` whose rows live upstream. The table's ordering is handed
to `$orderby` (only columns of an allow-list), and the page is fetched once: Django's
paginator asks for the length before it slices, so the data fetches the page it was built
for on that first question and answers it with the same answer's `total`; the slice that
follows is served from that answer. Nothing is ever sorted or counted in memory. `prefetch()`
sends that call at once, so the page can draw the rest of itself while Aptic answers.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import NamedTuple
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import Column, Table
from django_tables2.data import TableData
from django_tables2.utils import OrderBy

from backoffice.formatting import MISSING, masked_id
from backoffice.gateway import DebtorRow, JuridicalType, Page
from backoffice.gateway.fanout import Part, submit_all

log = logging.getLogger(__name__)

Fetch = Callable[..., Page]  # fetch(orderby=[...], skip=int, top=int) -> Page


class GatewayPageData(TableData):
    """One page of rows from an API list, fetched once, for one table render.

    `order_fields` maps a column's name to the list field it sorts by upstream; sorting on
    anything else is ignored. `tiebreak` is appended so equal values keep a stable order
    across pages.
    """

    def __init__(self, fetch: Fetch, *, page: int, per_page: int,
                 order_fields: Mapping[str, str], tiebreak: str = "",
                 verbose_name: str = "item", verbose_name_plural: str = "items"):
        super().__init__(data=())
        self._fetch = fetch
        self.page_number = max(1, page)
        self.per_page = per_page
        self.order_fields = order_fields
        self.tiebreak = tiebreak
        self.orderby: list[str] = []
        self.fetches = 0
        self._answer: Page | None = None
        self._pending: Future[Part] | None = None
        self._verbose = (verbose_name, verbose_name_plural)

    # -- what the table asks -----------------------------------------------------------------

    def order_by(self, aliases: Sequence[str]) -> None:
        """Column aliases ("city", "-full_name") -> upstream fields, allow-listed."""
        orderby = []
        for alias in aliases:
            field = self.order_fields.get(OrderBy(alias).bare)
            if field:
                orderby.append(f"-{field}" if alias.startswith("-") else field)
        if orderby and self.tiebreak and self.tiebreak not in {o.lstrip("-") for o in orderby}:
            orderby.append(self.tiebreak)
        if orderby == self.orderby:
            return  # the same order: a page already asked for still stands
        self.orderby = orderby
        self._answer = None
        self._pending = None

    @property
    def ordering(self):
        return None

    @property
    def verbose_name(self) -> str:
        return self._verbose[0]

    @property
    def verbose_name_plural(self) -> str:
        return self._verbose[1]

    def __len__(self) -> int:
        """All matching rows, from the page's own answer (the paginator asks this first)."""
        return self.answer.total

    def __iter__(self):
        return iter(self.answer.items)

    def __getitem__(self, key):
        answer = self.answer
        if isinstance(key, slice):
            start = key.start or 0
            if start != answer.skip:
                # Only when the paginator wants another page than the one asked for.
                log.warning("table page moved from skip=%s to %s", answer.skip, start)
                answer = self._load(skip=start)
            stop = len(answer.items) if key.stop is None else key.stop - start
            return list(answer.items[:stop])
        return answer.items[key - answer.skip]

    # -- the one upstream call ---------------------------------------------------------------

    @property
    def skip(self) -> int:
        return (self.page_number - 1) * self.per_page

    def prefetch(self) -> None:
        """Sends the page's call now, in the fan-out pool (once the ordering is set); the
        first question about the rows then waits for that answer instead of asking."""
        orderby, skip, top = list(self.orderby), self.skip, self.per_page
        self._pending = submit_all(
            {"page": lambda: self._fetch(orderby=orderby, skip=skip, top=top)},
            until_sent=True)["page"]

    @property
    def answer(self) -> Page:
        if self._answer is None:
            if self._pending is not None:
                pending, self._pending = self._pending, None
                self.fetches += 1
                self._answer = pending.result().value  # raises the call's GatewayError
            else:
                self._answer = self._load(skip=self.skip)
        return self._answer

    def _load(self, *, skip: int) -> Page:
        self.fetches += 1
        return self._fetch(orderby=self.orderby, skip=skip, top=self.per_page)


# Columns that sort upstream, and the debtor list field each sorts by.
DEBTOR_ORDER_FIELDS = {
    "full_name": "full_name",
    "debtor_reference": "debtor_reference",
    "juridical_type": "juridical_type",
    "city": "city",
    "country_code": "country_code",
    "currency_code": "currency_code",
    "email": "email",
}


class DebtorTable(Table):
    """The search results. django-tables2 keeps the columns and the ordering; the header row
    and the body rows are written here (`thead_html`, `tbody_html`), each value escaped:
    they are drawn after Aptic's answer arrives, on the page's critical path, where its generic
    per-cell machinery and even a template loop over the cells cost most of the page's wait
    (see bench/pages.py)."""

    full_name = Column(verbose_name=_("Name"))
    debtor_reference = Column(verbose_name=_("Reference"))
    id_number = Column(verbose_name=_("ID number"), orderable=False)
    juridical_type = Column(verbose_name=_("Type"))
    city = Column(verbose_name=_("City"))
    country_code = Column(verbose_name=_("Country"))
    phone = Column(verbose_name=_("Phone"), orderable=False)
    email = Column(verbose_name=_("E-mail"))
    currency_code = Column(verbose_name=_("Currency"))

    caption = _("Debtors matching the search")
    caption_hidden = True
    htmx_target = "#results"
    pagination_label = _("Result pages")

    class Meta:
        template_name = "debtors/partials/debtor_table.html"
        attrs = {"class": "table table--debtors", "id": "debtor-table", "data-row-nav": ""}
        order_by = ("full_name",)
        empty_text = _("No debtor matches this search.")
        orderable = True

    def __init__(self, data: GatewayPageData, *, mask_ids: bool, **kwargs):
        super().__init__(data, **kwargs)
        self.mask_ids = mask_ids

    def header_cells(self) -> list[HeaderCell]:
        """The column headers: each sortable one links to the same search sorted by it (the
        other way round if it is the current sort), from the first page."""
        params = dict(self.request.GET) if getattr(self, "request", None) else {}
        params.pop(self.prefixed_page_field, None)
        cells = []
        for column in self.columns:
            if not column.orderable:
                cells.append(HeaderCell(column.header, "", "", ""))
                continue
            alias = column.order_by_alias
            params[self.prefixed_order_by_field] = alias.next
            if column.is_ordered:
                state = "descending" if alias.is_descending else "ascending"
                css = "desc orderable" if alias.is_descending else "asc orderable"
            else:
                state, css = "none", "orderable"
            cells.append(HeaderCell(column.header, "?" + urlencode(params, doseq=True), state,
                                    css))
        return cells

    def thead_html(self) -> SafeString:
        cells = []
        for cell in self.header_cells():
            if not cell.href:
                cells.append(f'<th scope="col">{_escaped(cell.label)}</th>')
                continue
            href = _escaped(cell.href)
            cells.append(
                f'<th scope="col" class="{cell.css_class}" aria-sort="{cell.aria_sort}">'
                f'<a href="{href}" hx-get="{href}" hx-target="{_escaped(self.htmx_target)}" '
                f'hx-push-url="true">{_escaped(cell.label)}</a></th>')
        return mark_safe(f"<thead><tr>{''.join(cells)}</tr></thead>")  # noqa: S308 - escaped

    def tbody_html(self) -> SafeString:
        """The page's rows (the whole row is a link for the keyboard and pointer navigation in
        debtors.js; the name is the link for everything else), or the empty text."""
        rows = []
        for r in self.body_rows():
            href = _escaped(r.href)
            rows.append(
                f'<tr data-href="{href}"><td><a href="{href}" data-row-link>'
                f"{_escaped(r.full_name)}</a></td><td>{_escaped(r.debtor_reference)}</td>"
                f'<td class="nowrap">{_escaped(r.id_number)}</td>'
                f"<td>{_escaped(r.juridical_type)}</td><td>{_escaped(r.city)}</td>"
                f'<td>{_escaped(r.country_code)}</td><td class="nowrap">{_escaped(r.phone)}</td>'
                f"<td>{_escaped(r.email)}</td><td>{_escaped(r.currency_code)}</td></tr>")
        if not rows:
            rows.append(f'<tr><td class="empty" colspan="{len(self.columns)}">'
                        f"{_escaped(self.empty_text)}</td></tr>")
        return mark_safe(f"<tbody>{''.join(rows)}</tbody>")  # noqa: S308 - escaped above

    def body_rows(self) -> list[DebtorCells]:
        """The current page's rows, one `DebtorCells` each, in the columns' order."""
        page = getattr(self, "page", None)
        rows = page.object_list if page is not None else self.rows
        detail = _detail_url()
        return [self._cells(row.record, detail) for row in rows]

    def _cells(self, record: DebtorRow, detail: str) -> DebtorCells:
        id_number = record.id_number or MISSING
        if record.id_number and self.mask_ids:
            id_number = masked_id(record.id_number)
        if record.juridical_type is None:
            kind = MISSING
        else:
            company = record.juridical_type == JuridicalType.LEGAL_ENTITY
            kind = gettext("Company") if company else gettext("Person")
        return DebtorCells(
            href=detail.replace(_GUID_SLOT, str(record.debtor_guid)),
            full_name=record.full_name or gettext("(no name)"),
            debtor_reference=record.debtor_reference or MISSING,
            id_number=id_number,
            juridical_type=kind,
            city=record.city or MISSING,
            country_code=record.country_code or MISSING,
            phone=record.cellular_phone or record.work_phone or record.home_phone or MISSING,
            email=record.email or MISSING,
            currency_code=record.currency_code or MISSING,
        )


def _escaped(text: object) -> str:
    """What Django's `escape` gives, without its check for lazy strings on every cell."""
    return html.escape(str(text))


_GUID_SLOT = "00000000-0000-0000-0000-000000000000"


def _detail_url() -> str:
    """The debtor page's URL with `_GUID_SLOT` for the GUID: one `reverse` for all rows."""
    return reverse("debtors:detail", args=[_GUID_SLOT])


class HeaderCell(NamedTuple):
    """One column header: its label, and for a sortable column the link and aria-sort."""

    label: str
    href: str
    aria_sort: str
    css_class: str


class DebtorCells(NamedTuple):
    """One search result as the table shows it (plain text; `tbody_html` escapes it)."""

    href: str
    full_name: str
    debtor_reference: str
    id_number: str
    juridical_type: str
    city: str
    country_code: str
    phone: str
    email: str
    currency_code: str
