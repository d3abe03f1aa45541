"""Writes to debtors, addresses and extra fields, and custom actions: all through the gateway.

Thin on purpose: the gateway audits every attempted change with its outcome, re-reads the
record before an update or delete, and refuses with `StaleRecord` when `expected_fingerprint`
no longer matches. Updates send the whole record (PUT replaces upstream): the record as read
with the user's changes applied, so fields a form does not show keep their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from backoffice.gateway import (
    Address,
    AddressInput,
    Debtor,
    DebtorInput,
    ExtraField,
    ServiceResult,
    get_gateway,
)

# --- Debtors -------------------------------------------------------------------------------------


def debtor_create(*, changes: Mapping[str, Any], address: Mapping[str, Any]) -> Debtor:
    """A new debtor; `address` (street ... country_code) becomes its default LEGAL address."""
    return get_gateway().debtor_create(DebtorInput(**{**changes, **address}))


def debtor_update(*, debtor: Debtor, changes: Mapping[str, Any],
                  expected_fingerprint: str) -> None:
    """PUT the debtor as read with `changes` applied; refused if it changed since it was read."""
    get_gateway().debtor_update(debtor.debtor_guid, changes,
                                expected_fingerprint=expected_fingerprint)


def debtor_delete(*, debtor_guid: str, expected_fingerprint: str | None) -> None:
    get_gateway().debtor_delete(debtor_guid, expected_fingerprint=expected_fingerprint)


# --- Addresses -----------------------------------------------------------------------------------


def address_create(*, debtor_guid: str, values: Mapping[str, Any]) -> Address:
    return get_gateway().address_create(debtor_guid, AddressInput(**values))


def address_update(*, debtor_guid: str, address: Address, changes: Mapping[str, Any],
                   expected_fingerprint: str | None) -> None:
    """PUT the address as read with `changes` applied."""
    get_gateway().address_update(debtor_guid, address.address_guid, changes,
                                 expected_fingerprint=expected_fingerprint)


def address_make_default(*, debtor_guid: str, address: Address,
                         expected_fingerprint: str | None) -> None:
    """Aptic clears the flag on the debtor's other addresses."""
    address_update(debtor_guid=debtor_guid, address=address, changes={"default_address": True},
                   expected_fingerprint=expected_fingerprint)


def address_mark_not_valid(*, debtor_guid: str, address: Address, since: dt.date,
                           expected_fingerprint: str | None) -> None:
    """Returned mail: the address stopped working on `since`."""
    address_update(debtor_guid=debtor_guid, address=address,
                   changes={"address_not_valid_date": since},
                   expected_fingerprint=expected_fingerprint)


def address_delete(*, debtor_guid: str, address_guid: str,
                   expected_fingerprint: str | None) -> None:
    get_gateway().address_delete(debtor_guid, address_guid,
                                 expected_fingerprint=expected_fingerprint)


# --- Extra fields --------------------------------------------------------------------------------


def extra_field_create(*, debtor_guid: str, name: str, values: tuple[str, ...]) -> ExtraField:
    return get_gateway().extra_field_create(debtor_guid, ExtraField(name=name, value=values))


def extra_field_update(*, debtor_guid: str, name: str, new_name: str, values: tuple[str, ...],
                       expected_fingerprint: str | None) -> None:
    """Replaces the values; a different `new_name` renames the field."""
    get_gateway().extra_field_update(debtor_guid, name, ExtraField(name=new_name, value=values),
                                     expected_fingerprint=expected_fingerprint)


def extra_field_delete(*, debtor_guid: str, name: str, expected_fingerprint: str | None) -> None:
    get_gateway().extra_field_delete(debtor_guid, name, expected_fingerprint=expected_fingerprint)


# --- Custom actions ------------------------------------------------------------------------------


def action_run(*, debtor_guid: str, definition: str, body: Mapping[str, Any] | None = None,
               run_async: bool = False) -> ServiceResult:
    """Invokes a service definition for the debtor (S1)."""
    return get_gateway().service_invoke(debtor_guid, definition, body or {}, run_async=run_async)
