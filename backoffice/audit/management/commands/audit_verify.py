"""`manage.py audit_verify`: checks the audit hash chain; exit status 1 names the broken entry."""

from django.core.management.base import BaseCommand, CommandError

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Checks the audit log's SHA-256 hash chain and names the first broken entry."
    requires_system_checks: list[str] = []  # verifying must not depend on the URL config

    def handle(self, *args, **options) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at entry #{broken.pk} ({broken.created_at.isoformat()} "
                f"{broken.action} {broken.outcome}): its hash or link to the previous entry "
                "does not match."
            )
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"OK: {count} audit entries, chain intact."))
