"""`manage.py promises_check [--today YYYY-MM-DD] [--grace-days N]`: the daily promise check.

Run it once a day (see the README's "Background jobs"); the work is `work.promise_check`. Exit
status 0 also when some debtors could not be read (their promises stay open for the next
run); 1 only when a promise could not be checked or the run itself failed.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from work.promise_check import promises_check

SHOWN_UNREADABLE = 20


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {text!r}.") from exc


class Command(BaseCommand):
    help = ("Judges the open promises to pay whose date plus the grace period has passed "
            "(kept, partly kept, broken) by each debtor's total remaining today.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, default=None,
                            help="judge as of this date, YYYY-MM-DD (default: today)")
        parser.add_argument("--grace-days", type=int, default=None,
                            help="days after the promised date (default: PROMISE_GRACE_DAYS)")

    def handle(self, *args, **options) -> None:
        if options["grace_days"] is not None and options["grace_days"] < 0:
            raise CommandError("--grace-days cannot be negative.")
        report = promises_check(today=options["today"], grace_days=options["grace_days"])
        self.stdout.write(
            f"Promises checked for {report.today.isoformat()} (grace {report.grace_days} days) "
            f"in {report.seconds:.1f} s: {report.kept} kept, {report.partly_kept} partly kept, "
            f"{report.broken} broken, {report.baselines} baselines filled; "
            f"{report.summary_calls} debtors asked, {len(report.unreadable)} unreadable."
        )
        for guid, reason in list(report.unreadable.items())[:SHOWN_UNREADABLE]:
            self.stdout.write(f"  unreadable {guid}: {reason} (its promises stay open)")
        if len(report.unreadable) > SHOWN_UNREADABLE:
            self.stdout.write(f"  ... and {len(report.unreadable) - SHOWN_UNREADABLE} more")
        if not report.ok:
            raise CommandError(f"{report.errors} promises could not be checked; see the log.")
