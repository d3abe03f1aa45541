"""Posting to and reading the plan pages, and what the sandbox and the audit log hold after:
calculator form data, the rendered schedule and figures, a proposal made through the view."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.test import Client

from backoffice.audit.models import AuditEntry
from backoffice.gateway import PlanInput, get_gateway
from backoffice.request_context import acting_as
from plans.models import PlanProposal


def calc_data(cases: Iterable[str], *, plan_type: int = 1, number_of_payments="12",
              amount="", registration_fee="0.00", invoice_fee="0.00", reminder_fee="60.00",
              payments: Iterable[tuple[str, str]] = (), note: str | None = None,
              **extra: str) -> dict:
    """The calculator form as a browser posts it."""
    data: dict = {
        "payment_plan_type": str(plan_type),
        "number_of_payments": "" if number_of_payments is None else str(number_of_payments),
        "amount": amount or "",
        "cases": list(cases),
        "registration_fee": registration_fee,
        "invoice_fee": invoice_fee,
        "reminder_fee": reminder_fee,
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
        "payments-MIN_NUM_FORMS": "0",
        "payments-MAX_NUM_FORMS": "60",
    }
    rows = list(payments)
    data["payments-TOTAL_FORMS"] = str(len(rows))
    for index, (due, value) in enumerate(rows):
        data[f"payments-{index}-due_date"] = due
        data[f"payments-{index}-amount"] = value
    if note is not None:
        data["note"] = note
    data.update(extra)
    return data


def case_guids(debtor: dict) -> list[str]:
    return [c["caseGuid"] for c in debtor["cases"]]


def htmx(client: Client, url: str, data: dict, **extra):
    return client.post(url, data, HTTP_HX_REQUEST="true", **extra)


def direct_calculate(debtor_guid: str, data: PlanInput, user=None):
    """The same calculation asked of the API directly (the figures the page must show)."""
    with acting_as(user):
        return get_gateway().plan_calculate(debtor_guid, data)


# --- Reading the rendered page -----------------------------------------------------------

_ROW = re.compile(
    r'<tr><th scope="row" class="num">(\d+)</th><td>([^<]*)</td>'
    r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td><td class="num">([^<]*)</td>'
    r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>'
)


def number(text: str) -> Decimal:
    """A rendered English-locale amount ("SEK10,661.86", "1,234.50", "12.68%") as Decimal."""
    cleaned = re.sub(r"[^0-9.\-]", "", text.replace("\u2212", "-"))
    return Decimal(cleaned)


def schedule_rows(html: str, table_id: str = "plan-schedule") -> list[tuple]:
    """(period, due date text, amount, principal, interest, fee, remaining) per row."""
    start = html.index(f'id="{table_id}"')
    end = html.index("</table>", start)
    rows = []
    for m in _ROW.finditer(html[start:end]):
        rows.append((int(m.group(1)), m.group(2), *(number(m.group(i)) for i in range(3, 8))))
    return rows


def figure(html: str, name: str) -> str:
    m = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert m, f"figure {name} not on the page"
    return m.group(1)


def field_errors(html: str, auto_id: str) -> str:
    m = re.search(rf'id="{re.escape(auto_id)}_error"[^>]*>(.*?)</div>', html, re.S)
    assert m, f"no error box for {auto_id}"
    return re.sub(r"<[^>]+>", " ", m.group(1)).strip()


def propose(client: Client, debtor: dict, *, note: str = "Agreed on the phone", cases=None,
            **form) -> PlanProposal:
    """Proposes a plan through the calculator's propose view; returns our record of it."""
    guid = debtor["debtorGuid"]
    before = set(PlanProposal.objects.values_list("pk", flat=True))
    response = client.post(f"/debtors/{guid}/plans/new/propose",
                           calc_data(cases if cases is not None else case_guids(debtor),
                                     note=note, **form))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = PlanProposal.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/approvals/{created.pk}/"
    return created


def upstream_plan(sandbox_api, debtor_guid: str, plan_guid: str) -> dict | None:
    """The plan as the sandbox has it (None when it is gone)."""
    answer = sandbox_api.http.get(f"/debtors/{debtor_guid}/paymentplans/{plan_guid}")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return answer.json()


def audit_entries(action: str, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))
