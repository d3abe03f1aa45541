"""Creates or refreshes the demo users agent, agent2, supervisor and admin (local use only)."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from backoffice import roles

# username -> (role, first name, last name)
DEMO_USERS = {
    "agent": (roles.AGENT, "Agnes", "Agent"),
    "agent2": (roles.AGENT, "Bo", "Berg"),
    "supervisor": (roles.SUPERVISOR, "Sven", "Supervisor"),
    "admin": (roles.ADMIN, "Ada", "Admin"),
}


def seed_demo_users(*, password: str) -> list[tuple[str, bool]]:
    """Creates the demo users or resets them to their role and `password`.

    Returns (username, created) pairs. Admin is staff so it reaches Django admin; its group
    carries the user-management permissions. Sign-in lockouts of the demo users are lifted.
    """
    roles.sync_role_groups()
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}
    outcome = []
    with transaction.atomic():
        for username, (role, first_name, last_name) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=username)
            user.first_name = first_name
            user.last_name = last_name
            user.is_active = True
            user.is_staff = role == roles.ADMIN
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([groups[role]])
            outcome.append((username, created))
    _unlock(list(DEMO_USERS))
    return outcome


def _unlock(usernames: list[str]) -> None:
    from axes.utils import reset

    for username in usernames:
        reset(username=username)


class Command(BaseCommand):
    help = (
        "Creates the demo users agent, agent2, supervisor and admin (DEMO_PASSWORD); "
        "local use only."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_users is refused in production mode (DJANGO_DEBUG=false): "
                "demo users have a well-known password."
            )
        for username, created in seed_demo_users(password=settings.DEMO_PASSWORD):
            verb = "created" if created else "updated"
            self.stdout.write(f"Demo user {username} {verb}.")
