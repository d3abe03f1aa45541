"""The audit actions the review page offers as filters, and their groups (`plan.*`).

Actions are dotted names `<resource>.<verb>`. The list only feeds the filter's choices: an
entry with an action not listed here is still recorded, shown and exported, and a group filter
(`plan.*`) matches every action of that resource, listed or not.
"""

from django.utils.translation import gettext_lazy as _

GROUP_SUFFIX = ".*"

GROUPS = {
    "debtor": _("Debtors"),
    "address": _("Addresses"),
    "extrafield": _("Extra fields"),
    "plan": _("Payment plans"),
    "reschedule": _("Reschedules"),
    "statement": _("Income and expenditure statements"),
    "service": _("Services"),
    "followup": _("Follow-ups"),
    "note": _("Contact log"),
    "promise": _("Promises to pay"),
    "pii": _("Personal data"),
    "access": _("Access"),
    "auth": _("Sign-in"),
    "audit": _("Audit trail"),
    "job": _("Background jobs"),
}

ACTIONS = {
    "debtor.create": _("Debtor created"),
    "debtor.update": _("Debtor updated"),
    "debtor.delete": _("Debtor deleted"),
    "address.create": _("Address created"),
    "address.update": _("Address updated"),
    "address.delete": _("Address deleted"),
    "extrafield.create": _("Extra field created"),
    "extrafield.update": _("Extra field updated"),
    "extrafield.delete": _("Extra field deleted"),
    "plan.create": _("Plan created"),
    "plan.update": _("Plan updated"),
    "plan.delete": _("Plan deleted"),
    "plan.activate": _("Plan activated"),
    "plan.calculate": _("Plan calculated"),
    "plan.reject": _("Plan proposal rejected"),
    "plan.settlement": _("Settlement offer recorded"),
    "reschedule.create": _("Reschedule proposed"),
    "reschedule.update": _("Reschedule step recorded"),
    "reschedule.approve": _("Reschedule approved"),
    "reschedule.resume": _("Reschedule resumed"),
    "reschedule.reject": _("Reschedule rejected"),
    "reschedule.abandon": _("Reschedule abandoned"),
    "statement.create": _("Statement stored"),
    "statement.delete": _("Statements deleted after their retention period"),
    "service.invoke": _("Service invoked"),
    "followup.create": _("Follow-up set"),
    "followup.complete": _("Follow-up completed"),
    "followup.take": _("Follow-up taken from the pool"),
    "followup.reassign": _("Follow-up reassigned"),
    "note.create": _("Contact logged"),
    "note.correct": _("Contact note corrected"),
    "promise.create": _("Promise to pay made"),
    "promise.baseline": _("Promise's starting balance read"),
    "promise.kept": _("Promise kept"),
    "promise.partly-kept": _("Promise partly kept"),
    "promise.broken": _("Promise broken"),
    "pii.reveal": _("Personal data revealed"),
    "auth.signin": _("Signed in"),
    "auth.signin-failed": _("Sign-in refused"),
    "auth.lockout": _("Sign-in locked out after repeated failures"),
    "auth.signout": _("Signed out"),
    "auth.session-expired": _("Session expired"),
    "auth.sessions-ended": _("Sessions ended"),
    "auth.mfa-enrolled": _("Second factor enrolled"),
    "auth.mfa-reset": _("Second factor reset"),
    "auth.recovery-codes": _("Recovery codes renewed"),
    "auth.role-changed": _("Role changed by single sign-on"),
    "audit.export": _("Audit trail exported"),
    "audit.archive-checkpoint": _("Audit entries archived (checkpoint)"),
    "job.run": _("Background job started"),
    "job.retry": _("Background job run again"),
}

PII_REVEAL = "pii.reveal"
EXPORT = "audit.export"
ARCHIVE = "audit.archive-checkpoint"  # backoffice.audit.verify.CHECKPOINT_ACTION


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a <select>: per resource, "all of them" then each action."""
    grouped = []
    for group, label in GROUPS.items():
        options = [(f"{group}{GROUP_SUFFIX}", _("All: %(group)s") % {"group": label})]
        options += [(name, f"{name}") for name in ACTIONS if name.startswith(group + ".")]
        grouped.append((str(label), options))
    return grouped


def group_members(group: str) -> list[str]:
    """The listed actions of a group given as "plan.*" (or "plan")."""
    prefix = group.removesuffix(GROUP_SUFFIX) + "."
    return [name for name in ACTIONS if name.startswith(prefix)]


def action_label(name: str) -> str:
    return str(ACTIONS.get(name, name))
