"""The three roles, what each may do, and the checks that answer "may this user...?".

Roles are Django groups holding permissions of `backoffice.Access`; a superuser counts as admin.
The guard views wear is in backoffice/guards.py, beside the audit call it makes. This module
imports nothing of the project but the grants cache, so that models, the audit log and the
guard can all depend on it.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from backoffice.grants import user_grants

AGENT = "agent"
SUPERVISOR = "supervisor"
ADMIN = "admin"
ROLES = (AGENT, SUPERVISOR, ADMIN)
ROLE_LABELS = {AGENT: _("Agent"), SUPERVISOR: _("Supervisor"), ADMIN: _("Admin")}

# Permission codenames of backoffice.Access.
VIEW_DEBTORS = "view_debtors"
EDIT_DEBTORS = "edit_debtors"
REVEAL_PERSONAL_DATA = "reveal_personal_data"
CALCULATE_PLANS = "calculate_plans"
PROPOSE_PLANS = "propose_plans"
APPROVE_PLANS = "approve_plans"
VIEW_AUDIT = "view_audit"
RUN_ANY_SERVICE = "run_any_service"
KEEP_WORKLIST = "keep_worklist"
MANAGE_TEAM = "manage_team"
MANAGE_SIGNIN = "manage_signin"

PERMISSIONS = {
    VIEW_DEBTORS: _("Search and view debtors"),
    EDIT_DEBTORS: _("Edit debtors, addresses and extra fields"),
    REVEAL_PERSONAL_DATA: _("Reveal masked personal data, with a reason"),
    CALCULATE_PLANS: _("Calculate payment plans"),
    PROPOSE_PLANS: _("Propose payment plans"),
    APPROVE_PLANS: _("Approve, activate and reject payment plans"),
    VIEW_AUDIT: _("Review the audit trail"),
    RUN_ANY_SERVICE: _("Run any service definition with a JSON body"),
    KEEP_WORKLIST: _("Keep follow-ups, the contact log and promises to pay"),
    MANAGE_TEAM: _("See the team's work and assign anyone's follow-ups"),
    MANAGE_SIGNIN: _("End users' sessions and reset their second factor"),
}

_AGENT_PERMS = {VIEW_DEBTORS, EDIT_DEBTORS, REVEAL_PERSONAL_DATA, CALCULATE_PLANS, PROPOSE_PLANS,
                KEEP_WORKLIST}
ROLE_PERMISSIONS: dict[str, set[str]] = {
    AGENT: _AGENT_PERMS,
    SUPERVISOR: _AGENT_PERMS | {APPROVE_PLANS, MANAGE_TEAM},
    ADMIN: _AGENT_PERMS | {APPROVE_PLANS, VIEW_AUDIT, RUN_ANY_SERVICE, MANAGE_TEAM,
                           MANAGE_SIGNIN},
}

# Permissions of other apps' models ("app_label.codename"): the admin role manages users and
# unlocks throttled sign-ins through Django admin (see backoffice/admin_site.py).
ROLE_MODEL_PERMISSIONS: dict[str, set[str]] = {
    ADMIN: {
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_group",
        "backoffice.view_userprofile",
        "backoffice.add_userprofile",
        "backoffice.change_userprofile",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    },
}


def user_role(user) -> str | None:
    """The user's highest role, or None for a user in no role group."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    names = user_grants(user).groups
    return next((r for r in reversed(ROLES) if r in names), None)


def user_can(user, codename: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        f"backoffice.{codename}"
    )


def is_agent_only(user) -> bool:
    """Agents see masked personal data; supervisors and admins see it in full."""
    return user_role(user) == AGENT


def sync_role_groups(using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    # Looked up in the app registry: backoffice/models.py takes PERMISSIONS from here.
    access = apps.get_model("backoffice", "Access")
    content_type = ContentType.objects.db_manager(using).get_for_model(
        access, for_concrete_model=False
    )
    by_codename = {}
    for codename, label in PERMISSIONS.items():
        perm, _created = Permission.objects.using(using).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": str(label)}
        )
        by_codename[codename] = perm
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(
            [by_codename[c] for c in sorted(codenames)]
            + _model_permissions(ROLE_MODEL_PERMISSIONS.get(role, set()), using=using)
        )


def _model_permissions(names: set[str], *, using: str) -> list:
    """The Permission rows for "app_label.codename" names; ones not migrated yet are skipped."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if not names:
        return []
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.using(using).filter(query))
