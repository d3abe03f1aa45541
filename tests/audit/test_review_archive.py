"""Retention: audit_archive writes, checks, checkpoints and deletes; the rest still verifies."""

import gzip
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from backoffice.audit import archive
from backoffice.audit.chain import compute_hash
from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import CHECKPOINT_ACTION, verify_chain
from tests.audit.review_helpers import aware, behind_the_models_back, record, recorded_at
from tests.jobs.helpers import run_worker

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def log(agent_user):
    """Three entries in 2025, three in 2026."""
    made = []
    for month, year in ((3, 2025), (7, 2025), (12, 2025), (1, 2026), (2, 2026), (3, 2026)):
        with recorded_at(aware(year, month, 10)):
            made.append(record(agent_user, action="plan.update",
                               after={"payments": [{"due_date": f"{year}-{month:02}-28",
                                                    "amount": "100.00"}]}))
    return made


def read_archive(path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_archive_then_verify(log, tmp_path, capsys):
    path = tmp_path / "old.jsonl.gz"
    call_command("audit_archive", "--before", "2026-01-01", "--output", str(path))
    out = capsys.readouterr().out
    assert "Archived 3 entries" in out and "The remaining chain verifies." in out

    lines = read_archive(path)
    assert [line["id"] for line in lines] == [e.pk for e in log[:3]]
    assert [line["entry_hash"] for line in lines] == [e.entry_hash for e in log[:3]]
    assert lines[0]["prev_hash"] == "" and lines[2]["after"] == log[2].after
    for line in lines:  # each line proves itself
        entry = archive.entry_from_line(line)
        assert compute_hash(entry.prev_hash, entry) == line["entry_hash"]

    remaining = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in remaining[:3]] == [e.pk for e in log[3:]]
    checkpoint = remaining[-1]
    assert checkpoint.action == CHECKPOINT_ACTION and checkpoint.outcome == "ok"
    assert checkpoint.after["last_archived_hash"] == log[2].entry_hash
    assert checkpoint.after["archived_count"] == 3
    assert checkpoint.after["file_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert verify_chain() is None
    call_command("audit_verify")  # raises CommandError when broken


def test_archive_twice_and_everything(log, tmp_path):
    call_command("audit_archive", "--before", "2025-10-01", "--output", str(tmp_path / "a.gz"))
    call_command("audit_archive", "--before", "2026-02-01", "--output", str(tmp_path / "b.gz"))
    assert [e["id"] for e in read_archive(tmp_path / "b.gz")] == [e.pk for e in log[2:4]]
    assert verify_chain() is None
    # Archiving everything leaves the checkpoints of the runs (the last one is first in line).
    call_command("audit_archive", "--before", "2099-01-01", "--output", str(tmp_path / "c.gz"))
    remaining = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in remaining] == [CHECKPOINT_ACTION]
    assert verify_chain() is None


def test_nothing_to_archive(log, tmp_path, capsys):
    call_command("audit_archive", "--before", "2020-01-01", "--output", str(tmp_path / "x.gz"))
    assert "nothing archived" in capsys.readouterr().out
    assert not (tmp_path / "x.gz").exists()
    assert AuditEntry.objects.count() == len(log)


def test_a_tampered_entry_is_never_archived(log, tmp_path):
    behind_the_models_back(f"UPDATE {TABLE} SET role = 'admin' WHERE id = %s", [log[1].pk])
    with pytest.raises(CommandError, match=f"Nothing was deleted: .*#{log[1].pk} does not match"):
        call_command("audit_archive", "--before", "2026-01-01", "--output",
                     str(tmp_path / "t.gz"))
    assert AuditEntry.objects.count() == len(log)
    assert not list(tmp_path.iterdir())  # the partial file is gone too


def test_an_existing_file_is_never_overwritten(log, tmp_path):
    path = tmp_path / "exists.gz"
    path.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists already"):
        call_command("audit_archive", "--before", "2026-01-01", "--output", str(path))
    assert path.read_bytes() == b"keep me"
    assert AuditEntry.objects.count() == len(log)


def test_a_failed_deletion_leaves_a_chain_that_verifies(log, tmp_path, monkeypatch):
    """The checkpoint is written before the deletion: a crash in between loses nothing."""

    def crash(*args):
        raise archive.ArchiveError("disk on fire")

    monkeypatch.setattr(archive, "_delete", crash)
    with pytest.raises(CommandError, match="disk on fire"):
        call_command("audit_archive", "--before", "2026-01-01", "--output",
                     str(tmp_path / "f.gz"))
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in log]).count() == len(log)
    assert verify_chain() is None
    monkeypatch.undo()
    call_command("audit_archive", "--before", "2026-01-01", "--output", str(tmp_path / "g.gz"))
    assert verify_chain() is None
    assert AuditEntry.objects.filter(pk__in=[e.pk for e in log[:3]]).count() == 0


def test_deleting_the_oldest_entries_without_a_checkpoint_is_found(log):
    behind_the_models_back(f"DELETE FROM {TABLE} WHERE id <= %s", [log[1].pk])
    assert verify_chain().pk == log[2].pk


def test_integrity_page_shows_the_checkpoint(log, tmp_path, admin_client_role):
    call_command("audit_archive", "--before", "2026-01-01", "--output", str(tmp_path / "p.gz"))
    admin_client_role.post("/audit/integrity/")  # a background job
    run_worker()
    html = admin_client_role.get("/audit/integrity/").content.decode()
    assert "The chain verifies" in html
    checkpoint = AuditEntry.objects.get(action=CHECKPOINT_ACTION)
    assert f"the latest archive checkpoint is entry {checkpoint.pk}" in html


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="--before takes a date"):
        call_command("audit_archive", "--before", "last year")
