"""`manage.py seed_demo_day`: a realistic day of follow-ups, notes and promises for the demo
agents, from the debtors the collection system answers with (local use only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backoffice.gateway import GatewayError
from work.demo_day import demo_day_seed


class Command(BaseCommand):
    help = ("Seeds the demo agents' day (follow-ups, contact notes, promises) from the debtors "
            "of the collection system; does nothing when the demo agent has work already.")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_day is refused in production mode (DJANGO_DEBUG=false): it writes "
                "made-up work records for the demo users."
            )
        try:
            day = demo_day_seed()
        except GatewayError as exc:
            raise CommandError(f"The collection system could not be read: {exc}") from exc
        if day.skipped:
            self.stdout.write(f"Demo day not seeded: {day.skipped}.")
            return
        self.stdout.write(
            f"Demo day seeded from {day.debtors} debtors: {day.followups} follow-ups, "
            f"{day.notes} contact notes, {day.promises} promises."
        )
