"""The records behind the debtor pages: as the sandbox holds them, changed there by someone
else, and the audit rows a change left."""

import json

from backoffice.audit.models import AuditEntry


def audit_rows(action: str, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


def upstream(sandbox_api, path: str) -> dict:
    answer = sandbox_api.http.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def put_debtor(sandbox_api, guid: str, **changes) -> None:
    """Someone else's change: read, change, PUT back the whole record."""
    body = upstream(sandbox_api, f"/debtors/{guid}")
    body.update(changes)
    answer = sandbox_api.http.put(f"/debtors/{guid}", content=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
    assert answer.status_code == 204, answer.text
