"""The demo portfolio: debtors 0..N-1 of a seed, written in batches, each with its plans.

Seeding is idempotent: debtors whose GUID exists are skipped. Each batch is one transaction:
its debtors and their rows (see debtors.py), then their payment plans (see plans.py).
"""

from collections.abc import Callable

from django.db import connections, transaction

from sandbox.models import Debtor
from sandbox.router import SANDBOX_DB
from sandbox.seed.debtors import debtor_guid, generate_debtor, insert_debtors
from sandbox.seed.plans import insert_plans
from sandbox.seed.rows import SeedResult


def seed_portfolio(
    *, debtors: int, seed: int, batch_size: int = 2000,
    progress: Callable[[SeedResult], None] | None = None,
) -> SeedResult:
    """Makes sure debtors 0..debtors-1 of `seed` exist; returns what was created/skipped."""
    result = SeedResult()
    for start in range(0, debtors, batch_size):
        indexes = range(start, min(start + batch_size, debtors))
        guids = {index: debtor_guid(seed, index) for index in indexes}
        with transaction.atomic(using=SANDBOX_DB):
            existing = set(
                Debtor.objects.filter(guid__in=guids.values()).values_list("guid", flat=True)
            )
            batch = [generate_debtor(seed, index) for index in indexes
                     if guids[index] not in existing]
            result.skipped += len(indexes) - len(batch)
            if batch:
                insert_debtors(batch, result=result)
                insert_plans(batch, seed=seed)
        if progress:
            progress(result)
    if result.created:
        # Fresh statistics, so the planner picks the right index for filtered lists.
        with connections[SANDBOX_DB].cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
