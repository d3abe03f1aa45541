"""Writes to debtors, addresses and extra fields, and custom actions: all through the gateway.

Thin on purpose: the gateway audits every attempted change with its outcome under `actor`,
reads the record before an update or delete (the audit's "before"), and refuses with
`StaleRecord` when `expected_fingerprint` no longer matches. Updates take the changes only: the
gateway builds the PUT body from the record it read, so fields a form does not show keep their
values and a save costs GET + PUT + GET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied

from backoffice import roles
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway import (
    Address,
    AddressInput,
    Change,
    Debtor,
    DebtorInput,
    ExtraField,
    ServiceResult,
    get_gateway,
    reads_for_change,
)
from debtors import selectors
from debtors.custom_actions import CustomAction, action_for

# --- Debtors -------------------------------------------------------------------------------------


def debtor_create(*, actor: Any, changes: Mapping[str, Any],
                  address: Mapping[str, Any]) -> Debtor:
    """A new debtor; `address` (street ... country_code) becomes its default LEGAL address."""
    return get_gateway().debtor_create(DebtorInput(**{**changes, **address}), actor=actor)


def debtor_update_read(*, actor: Any, debtor_guid: str) -> selectors.DebtorEdit:
    """The read a save starts with (validating the form needs the debtor's country and
    whether its ID number is masked); when it fails, the attempted update is recorded."""
    attempt = Change("debtor.update", debtor_guid, "debtor", debtor_guid, actor=actor)
    with reads_for_change(attempt):
        return selectors.debtor_edit_get(debtor_guid=debtor_guid)


def debtor_update(*, actor: Any, debtor_guid: str, changes: Mapping[str, Any],
                  expected_fingerprint: str) -> None:
    """The debtor with `changes` applied; refused if it changed since the form showed it."""
    get_gateway().debtor_update(debtor_guid, changes, actor=actor,
                                expected_fingerprint=expected_fingerprint)


def debtor_delete(*, actor: Any, debtor_guid: str, expected_fingerprint: str | None) -> None:
    get_gateway().debtor_delete(debtor_guid, actor=actor,
                                expected_fingerprint=expected_fingerprint)


# --- Addresses -----------------------------------------------------------------------------------


def address_create(*, actor: Any, debtor_guid: str, values: Mapping[str, Any]) -> Address:
    return get_gateway().address_create(debtor_guid, AddressInput(**values), actor=actor)


def address_update(*, actor: Any, debtor_guid: str, address_guid: str,
                   changes: Mapping[str, Any], expected_fingerprint: str | None) -> None:
    """The address with `changes` applied."""
    get_gateway().address_update(debtor_guid, address_guid, changes, actor=actor,
                                 expected_fingerprint=expected_fingerprint)


def address_make_default(*, actor: Any, debtor_guid: str, address_guid: str,
                         expected_fingerprint: str | None) -> None:
    """Aptic clears the flag on the debtor's other addresses."""
    address_update(actor=actor, debtor_guid=debtor_guid, address_guid=address_guid,
                   changes={"default_address": True}, expected_fingerprint=expected_fingerprint)


def address_mark_not_valid(*, actor: Any, debtor_guid: str, address_guid: str, since: dt.date,
                           expected_fingerprint: str | None) -> None:
    """Returned mail: the address stopped working on `since`."""
    address_update(actor=actor, debtor_guid=debtor_guid, address_guid=address_guid,
                   changes={"address_not_valid_date": since},
                   expected_fingerprint=expected_fingerprint)


def address_delete(*, actor: Any, debtor_guid: str, address_guid: str,
                   expected_fingerprint: str | None) -> None:
    get_gateway().address_delete(debtor_guid, address_guid, actor=actor,
                                 expected_fingerprint=expected_fingerprint)


# --- Extra fields --------------------------------------------------------------------------------


def extra_field_create(*, actor: Any, debtor_guid: str, name: str,
                       values: tuple[str, ...]) -> ExtraField:
    return get_gateway().extra_field_create(debtor_guid, ExtraField(name=name, value=values),
                                            actor=actor)


def extra_field_update(*, actor: Any, debtor_guid: str, name: str, new_name: str,
                       values: tuple[str, ...], expected_fingerprint: str | None) -> None:
    """Replaces the values; a different `new_name` renames the field."""
    get_gateway().extra_field_update(debtor_guid, name, ExtraField(name=new_name, value=values),
                                     actor=actor, expected_fingerprint=expected_fingerprint)


def extra_field_delete(*, actor: Any, debtor_guid: str, name: str,
                       expected_fingerprint: str | None) -> None:
    get_gateway().extra_field_delete(debtor_guid, name, actor=actor,
                                     expected_fingerprint=expected_fingerprint)


# --- Custom actions ------------------------------------------------------------------------------


def action_run(*, actor: Any, debtor_guid: str, definition: str,
               body: Mapping[str, Any] | None = None, run_async: bool = False) -> ServiceResult:
    """Invokes a service definition for the debtor (S1): any one, with any body (the view
    checks RUN_ANY_SERVICE)."""
    return get_gateway().service_invoke(debtor_guid, definition, body or {}, actor=actor,
                                        run_async=run_async)


def configured_action_get(*, actor: Any, debtor_guid: str, definition: str) -> CustomAction:
    """The configured action `definition`, if the actor's role may run it; otherwise the
    refused attempt is recorded as `denied` and PermissionDenied raised."""
    action = action_for(actor, definition)
    if action is None:
        audit_record(action="service.invoke", outcome=AuditEntry.Outcome.DENIED, actor=actor,
                     debtor_guid=debtor_guid, target_type="service", target_id=definition,
                     reason=f"action {definition[:100]!r} not allowed for role "
                            f"{roles.user_role(actor)}")
        raise PermissionDenied
    return action
