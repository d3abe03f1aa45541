"""Template helpers of the debtor editors' panels (usable from any page that includes them)."""

from django import template

from backoffice.gateway import fingerprint as record_fingerprint
from debtors.custom_actions import CustomAction, actions_for, can_run_any, configured_actions
from debtors.forms_actions import ServiceJsonForm

register = template.Library()


@register.filter
def fingerprint(record) -> str:
    """The lost-update fingerprint of a record as listed (`{{ address|fingerprint }}`)."""
    return record_fingerprint(record) if record is not None else ""


@register.simple_tag
def custom_actions_for(user) -> list[CustomAction]:
    return actions_for(user)


@register.simple_tag
def can_run_any_service(user) -> bool:
    return can_run_any(user)


@register.simple_tag
def service_definitions() -> list[str]:
    """The configured definitions, as suggestions for the JSON form."""
    return [action.definition for action in configured_actions()]


@register.simple_tag
def blank_service_json_form():
    """An empty JSON-body form, for pages that show the actions panel without one."""
    return ServiceJsonForm()
