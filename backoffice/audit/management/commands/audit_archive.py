"""`manage.py audit_archive --before DATE [--output PATH]`: retention of old audit entries.

Writes the entries older than DATE to a gzip JSON Lines file with their chain hashes, reads it
back to check it, appends a checkpoint entry and deletes them (see backoffice/audit/archive.py).
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice.audit.archive import ArchiveError, audit_archive
from backoffice.audit.verify import verify_chain


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--before takes a date like 2025-01-01, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Archives the audit entries created before DATE (local time zone) to a gzip JSON "
        "Lines file, checks the file, then removes them and leaves a checkpoint entry so the "
        "remaining chain still verifies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, type=_date, metavar="DATE",
                            help="archive entries created before this date (YYYY-MM-DD)")
        parser.add_argument("--output", type=Path, metavar="PATH",
                            help="the archive file (default var/audit-archive/...jsonl.gz); "
                                 "never overwritten")
        parser.add_argument("--skip-verify", action="store_true",
                            help="do not check the whole remaining chain afterwards")

    def handle(self, *args, before: dt.date, output: Path | None, skip_verify: bool,
               **options) -> None:
        try:
            result = audit_archive(before=before, output=output)
        except ArchiveError as exc:
            raise CommandError(f"Nothing was deleted: {exc}") from exc
        if not result.count:
            self.stdout.write(f"No audit entries before {before}: nothing archived.")
            return
        self.stdout.write(
            f"Archived {result.count} entries (#{result.first_id}-#{result.last_id}) to "
            f"{result.path}\n  sha256 {result.sha256}\n  checkpoint entry #{result.checkpoint_id}"
        )
        if skip_verify:
            return
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"The remaining chain does not verify at entry #{broken.pk}.")
        self.stdout.write(self.style.SUCCESS("The remaining chain verifies."))
