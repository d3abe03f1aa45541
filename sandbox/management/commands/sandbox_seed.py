"""`manage.py sandbox_seed --debtors N --seed S`: the demo portfolio (deterministic, idempotent)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from sandbox.seed import SeedResult, seed_portfolio


class Command(BaseCommand):
    help = ("Seeds the sandbox with a deterministic Nordic demo portfolio; running it again "
            "with the same seed adds nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--debtors", type=int, default=300, help="How many (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, debtors: int, seed: int, batch_size: int, **options) -> None:
        started = time.monotonic()
        verbose = options["verbosity"] > 1

        def progress(result: SeedResult) -> None:
            if verbose:
                done = result.created + result.skipped
                elapsed = time.monotonic() - started
                self.stdout.write(f"  {done}/{debtors} debtors ({elapsed:.1f} s)")

        result = seed_portfolio(debtors=debtors, seed=seed, batch_size=batch_size,
                                progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Seed {seed}: {result.created} debtors created ({result.addresses} addresses, "
            f"{result.cases} cases, {result.extra_fields} extra fields), {result.skipped} "
            f"already there, in {time.monotonic() - started:.1f} s."
        ))
