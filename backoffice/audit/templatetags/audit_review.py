"""Filters for the audit review templates."""

from django import template

from backoffice import roles
from backoffice.audit.tables import OUTCOME_TAGS

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    """The role's label ("Agent"), or the stored value for a role no longer defined."""
    return str(roles.ROLE_LABELS.get(role, role))


@register.filter
def outcome_tag(outcome: str) -> str:
    """The tag class that colours an outcome."""
    return OUTCOME_TAGS.get(outcome, "tag--info")
