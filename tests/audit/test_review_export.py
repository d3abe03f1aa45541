"""Exports: CSV and JSON Lines of the filtered view, streamed lazily, each one audited."""

import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from backoffice.audit import export
from backoffice.audit.models import AuditEntry
from tests.audit.review_helpers import record

DEBTOR = "0b3f0c1e-7f5e-4c55-9a57-3d1f0e6b2a10"


@pytest.fixture
def entries(agent_user, supervisor_user):
    return [
        record(agent_user, action="debtor.update", debtor_guid=DEBTOR,
               before={"city": "Umeå"}, after={"city": "Luleå"}, body={"city": "Luleå"}),
        record(supervisor_user, action="plan.activate", outcome="refused", debtor_guid=DEBTOR,
               upstream_status=409, problem={"title": "Conflict", "status": 409}),
        record(agent_user, action="pii.reveal", reason="=HYPERLINK(\"http://x\")",
               debtor_guid=DEBTOR),
        record(agent_user, action="address.delete", outcome="failed",
               error_class="UpstreamTimeout"),
    ]


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_csv_holds_the_filtered_entries_newest_first(admin_client_role, entries):
    response = admin_client_role.get("/audit/export.csv", {"debtor": DEBTOR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert [int(r["id"]) for r in rows] == [entries[2].pk, entries[1].pk, entries[0].pk]
    first_update = rows[2]
    assert json.loads(first_update["before"]) == {"city": "Umeå"}
    assert json.loads(first_update["request_body"]) == {"city": "Luleå"}
    assert first_update["entry_hash"] == entries[0].entry_hash
    assert first_update["prev_hash"] == entries[0].prev_hash
    assert rows[1]["upstream_status"] == "409" and rows[1]["outcome"] == "refused"
    # A cell a spreadsheet would run as a formula is defused.
    assert rows[0]["reason"] == "'=HYPERLINK(\"http://x\")"
    assert list(rows[0]) == list(export.FIELDS)


def test_jsonl_holds_one_object_per_entry(admin_client_role, entries):
    response = admin_client_role.get("/audit/export.jsonl", {"outcome": "failed"})
    assert response["Content-Type"].startswith("application/jsonl")
    lines = _body(response).splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["id"] == entries[3].pk
    assert data["error_class"] == "UpstreamTimeout"
    assert data["entry_hash"] == entries[3].entry_hash
    assert data["reason"] == ""  # JSON Lines keeps values exactly
    assert set(data) == set(export.FIELDS)


def test_export_streams_and_reads_rows_only_while_streaming(admin_client_role, entries):
    with CaptureQueriesContext(connection) as before_streaming:
        response = admin_client_role.get("/audit/export.jsonl")
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming

    def row_reads(queries):
        """SELECTs of the exported columns (on PostgreSQL inside a server-side cursor's
        DECLARE, which is what .iterator() uses there)."""
        return [q["sql"] for q in queries
                if '"request_body"' in q["sql"] and "SELECT" in q["sql"].upper()
                and "INSERT" not in q["sql"].upper()]

    assert row_reads(before_streaming.captured_queries) == []
    with CaptureQueriesContext(connection) as streaming:
        lines = _body(response).splitlines()
    assert len(row_reads(streaming.captured_queries)) == 1
    assert len(lines) == len(entries)


def test_export_uses_a_chunked_iterator(monkeypatch):
    seen = {}

    class FakeValues:
        def iterator(self, chunk_size):
            seen["chunk_size"] = chunk_size
            return iter([])

    class FakeQuerySet:
        def values(self, *fields):
            seen["fields"] = fields
            return FakeValues()

    assert list(export.jsonl_lines(FakeQuerySet())) == []
    assert seen == {"chunk_size": export.CHUNK_SIZE, "fields": export.FIELDS}


def test_each_export_is_audited_and_left_out_of_itself(admin_client_role, admin_user, entries):
    response = admin_client_role.get("/audit/export.csv", {"user": "agent1", "outcome": "ok"})
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    exported = AuditEntry.objects.filter(action="audit.export").get()
    assert exported.actor == admin_user and exported.role == "admin"
    assert exported.outcome == "ok"
    assert exported.request_body == {
        "format": "csv",
        "filters": {"user": "agent1", "outcome": "ok"},
        "through_id": entries[-1].pk,
    }
    assert exported.pk not in {int(r["id"]) for r in rows}
    # A later export of everything includes the earlier export's entry, not its own.
    later = list(csv.DictReader(io.StringIO(_body(admin_client_role.get("/audit/export.csv")))))
    ids = [int(r["id"]) for r in later]
    assert exported.pk in ids and max(ids) == exported.pk


def test_invalid_filters_or_format_export_nothing(admin_client_role, entries):
    assert admin_client_role.get("/audit/export.csv", {"date_from": "nope"}).status_code == 400
    assert admin_client_role.get("/audit/export.xml").status_code == 404
    assert not AuditEntry.objects.filter(action="audit.export").exists()


def test_agents_cannot_export(agent_client, entries):
    assert agent_client.get("/audit/export.jsonl").status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()
