"""What the gateway hands out and takes in: frozen dataclasses with snake_case attributes.

Money is `Decimal`, dates that are only dates are `date`, timestamps are aware `datetime`s in
UTC. Enum labels live here and nowhere else. Every attribute maps to one wire field through
`backoffice.gateway.wire` (camelCase stops there).

Records read from Aptic (`Debtor`, `Address`, ...) carry every field the contract names; input
types (`DebtorInput`, `AddressInput`, `PlanInput`) carry what a create or update sends. An
update replaces the whole record upstream, so build its input from the record as read:
`debtor.as_input(email="new@example.com")` keeps every field the form did not show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Enums (the project's reading of the vendor's numbers) -------------------------------------


class JuridicalType(models.IntegerChoices):
    NATURAL_PERSON = 0, _("Natural person")
    LEGAL_ENTITY = 1, _("Legal entity (company)")


class Gender(models.IntegerChoices):
    UNKNOWN = 0, _("Unknown")
    MALE = 1, _("Male")
    FEMALE = 2, _("Female")


class NotificationChannel(models.IntegerChoices):
    NONE = 0, _("None")
    EMAIL = 1, _("E-mail")
    SMS = 2, _("SMS")
    EMAIL_AND_SMS = 3, _("E-mail and SMS")


class PlanState(models.IntegerChoices):
    ENDED = 0, _("Ended")
    ACTIVE = 1, _("Active")
    PROPOSAL = 2, _("Proposal")


class PlanType(models.IntegerChoices):
    ANNUITY = 1, _("Annuity")
    ANNUITY_LIMITED = 2, _("Annuity, limited")
    LINEAR = 3, _("Linear")
    LINEAR_LIMITED = 4, _("Linear, limited")
    DEBT_RELIEF = 5, _("Debt relief")


# --- Pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page[T]:
    """One page of a list: `items` in the order asked for, `total` rows matching overall."""

    items: tuple[T, ...]
    skip: int
    count: int
    total: int
    top: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def has_next(self) -> bool:
        return self.skip + self.count < self.total

    @property
    def has_previous(self) -> bool:
        return self.skip > 0

    @property
    def next_skip(self) -> int:
        return self.skip + self.count


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    method: str = "GET"


# --- Debtors -------------------------------------------------------------------------------------

# Fields a debtor create or update sends besides the main address (which only create takes).
_DEBTOR_UPDATABLE = (
    "id_number", "juridical_type", "place_of_birth", "date_of_birth", "gender", "culture_code",
    "full_name", "first_name", "middle_name", "last_name", "name_suffix", "domicile",
    "municipal_code", "vat_number", "nace_code", "home_phone", "work_phone", "cellular_phone",
    "telefax", "email", "language_code", "currency_code", "under_aged",
    "conversation_notification_channel", "conversation_notification_email",
    "conversation_notification_cellular_phone",
)
MAIN_ADDRESS_FIELDS = (
    "street", "house_no", "house_no_extension", "city", "zip_code", "state_code",
    "country_code", "full_address",
)


@dataclass(frozen=True)
class DebtorInput:
    """D2 create / D4 update. Update ignores the main address (addresses change via A2-A5)."""

    juridical_type: int = JuridicalType.NATURAL_PERSON
    id_number: str | None = None
    place_of_birth: str | None = None
    date_of_birth: date | None = None
    gender: int | None = None
    culture_code: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    name_suffix: str | None = None
    street: str | None = None
    house_no: str | None = None
    house_no_extension: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state_code: str | None = None
    country_code: str | None = None
    full_address: str | None = None
    domicile: str | None = None
    municipal_code: str | None = None
    vat_number: str | None = None
    nace_code: str | None = None
    home_phone: str | None = None
    work_phone: str | None = None
    cellular_phone: str | None = None
    telefax: str | None = None
    email: str | None = None
    language_code: str | None = None
    currency_code: str | None = None
    under_aged: bool | None = None
    conversation_notification_channel: int | None = None
    conversation_notification_email: str | None = None
    conversation_notification_cellular_phone: str | None = None


@dataclass(frozen=True)
class Debtor:
    """D2/D3. `absent_fields` names fields the answer left out (the vendor omits `full_name`
    and `vat_number`); a missing company name is filled from the debtor's list row."""

    debtor_guid: str
    debtor_reference: str | None = None
    id_number: str | None = None
    juridical_type: int = JuridicalType.NATURAL_PERSON
    place_of_birth: str | None = None
    date_of_birth: date | None = None
    gender: int | None = None
    culture_code: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    name_suffix: str | None = None
    domicile: str | None = None
    municipal_code: str | None = None
    vat_number: str | None = None
    nace_code: str | None = None
    home_phone: str | None = None
    work_phone: str | None = None
    cellular_phone: str | None = None
    telefax: str | None = None
    email: str | None = None
    language_code: str | None = None
    currency_code: str | None = None
    preferred_channel: str | None = None
    under_aged: bool | None = None
    conversation_notification_channel: int | None = None
    conversation_notification_email: str | None = None
    conversation_notification_cellular_phone: str | None = None
    reg_date: datetime | None = None
    links: tuple[Link, ...] = ()
    absent_fields: frozenset[str] = frozenset()

    @property
    def display_name(self) -> str:
        """The full name, or first, middle and last name joined as Aptic composes them."""
        if self.full_name:
            return self.full_name
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(p for p in parts if p)

    @property
    def is_company(self) -> bool:
        return self.juridical_type == JuridicalType.LEGAL_ENTITY

    def as_input(self, **changes: Any) -> DebtorInput:
        """The update body: this record's updatable fields with `changes` applied."""
        values = {name: getattr(self, name) for name in _DEBTOR_UPDATABLE}
        return DebtorInput(**{**values, **changes})


@dataclass(frozen=True)
class DebtorRow:
    """A D1 list row: the debtor with its default address flattened in."""

    debtor_guid: str
    debtor_reference: str | None = None
    id_number: str | None = None
    juridical_type: int = JuridicalType.NATURAL_PERSON
    place_of_birth: str | None = None
    date_of_birth: date | None = None
    full_name: str | None = None
    street: str | None = None
    house_no: str | None = None
    house_no_extension: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state_code: str | None = None
    country_code: str | None = None
    under_aged: bool | None = None
    domicile: str | None = None
    municipal_code: str | None = None
    nace_code: str | None = None
    home_phone: str | None = None
    work_phone: str | None = None
    cellular_phone: str | None = None
    email: str | None = None
    language_code: str | None = None
    currency_code: str | None = None


# --- Cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """D7 list rows and D8 details (a detail answer without a GUID gets the one asked for)."""

    case_guid: str | None = None
    case_number: str | None = None
    client_name: str | None = None
    client_reference_number: str | None = None
    closure_code: str | None = None
    closure_date: datetime | None = None
    currency_code: str | None = None
    description: str | None = None
    original_fee: Decimal | None = None
    original_interest: Decimal | None = None
    original_principal: Decimal | None = None
    original_sum: Decimal | None = None
    paid_fee: Decimal | None = None
    paid_interest: Decimal | None = None
    paid_principal: Decimal | None = None
    paid_sum: Decimal | None = None
    paid_to_third_party: Decimal | None = None
    payment_reference_number: str | None = None
    remaining_fee: Decimal | None = None
    remaining_interest: Decimal | None = None
    remaining_principal: Decimal | None = None
    remaining_sum: Decimal | None = None
    service: str | None = None
    status: str | None = None
    sub_status: str | None = None
    registration_date: datetime | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class CaseSummary:
    """D6. `remaining_fee` is `remaininFee` on the wire."""

    debtor_guid: str | None = None
    full_name: str | None = None
    id_number: str | None = None
    payment_reference: str | None = None
    bank_account_no: str | None = None
    remaining_principal: Decimal | None = None
    remaining_interest: Decimal | None = None
    remaining_fee: Decimal | None = None
    remaining_sum: Decimal | None = None
    active_cases: int | None = None
    closed_cases: int | None = None
    cases: tuple[Case, ...] = ()


# --- Addresses -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressInput:
    """A2 create / A4 update (the whole address: fields left None become null upstream)."""

    address_type: str = "LEGAL"
    full_name: str | None = None
    street: str | None = None
    house_no: str | None = None
    house_no_extension: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state_code: str | None = None
    country_code: str | None = None
    address_not_valid_date: date | None = None
    default_address: bool | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Address:
    address_guid: str
    address_type: str | None = None
    full_name: str | None = None
    street: str | None = None
    house_no: str | None = None
    house_no_extension: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state_code: str | None = None
    country_code: str | None = None
    full_address: str | None = None
    address_not_valid_date: date | None = None
    default_address: bool | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    validated_at: datetime | None = None
    valid_override: bool | None = None
    last_updated_at: datetime | None = None

    def as_input(self, **changes: Any) -> AddressInput:
        names = [f.name for f in fields(AddressInput)]
        return AddressInput(**{**{n: getattr(self, n) for n in names}, **changes})


# --- Extra fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraField:
    """E1-E5 (also the create/update body). `value` is a list of strings upstream."""

    name: str
    value: tuple[str, ...] = ()


# --- Payment plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPayment:
    """A deviating payment: replaces the regular instalment of the period due on `due_date`."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlanPeriod:
    period_number: int
    due_date: date | None = None
    amount: Decimal | None = None
    principal: Decimal | None = None
    interest: Decimal | None = None
    fee: Decimal | None = None
    remaining_principal: Decimal | None = None


@dataclass(frozen=True)
class PlanInput:
    """P2 create / P6 calculate. `cases=None` covers every active case not under a plan."""

    payment_plan_type: int
    number_of_payments: int | None = None
    amount: Decimal | None = None
    active: int | None = None
    currency_code: str | None = None
    registration_fee: Decimal | None = None
    invoice_fee: Decimal | None = None
    reminder_fee: Decimal | None = None
    fee_currency_code: str | None = None
    payments: tuple[PlanPayment, ...] = ()
    cases: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PaymentPlan:
    """P1-P3 and P6 (a calculated plan has no `payment_plan_guid`)."""

    payment_plan_guid: str | None = None
    registration_date: datetime | None = None
    active: int | None = None
    payment_plan_type: int | None = None
    number_of_payments: int | None = None
    remaining_number_of_payments: int | None = None
    currency_code: str | None = None
    registration_fee: Decimal | None = None
    invoice_fee: Decimal | None = None
    reminder_fee: Decimal | None = None
    fee_currency_code: str | None = None
    total_amount: Decimal | None = None
    total_principal: Decimal | None = None
    total_interest: Decimal | None = None
    total_fee: Decimal | None = None
    annual_percentage: Decimal | None = None
    payments: tuple[PlanPayment, ...] = ()
    cases: tuple[str, ...] = ()
    periods: tuple[PlanPeriod, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def state(self) -> PlanState | None:
        return PlanState(self.active) if self.active in PlanState.values else None

    @property
    def plan_type(self) -> PlanType | None:
        return (
            PlanType(self.payment_plan_type)
            if self.payment_plan_type in PlanType.values
            else None
        )


# --- Services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceResult:
    """S1/S2: `accepted` for an async call answered 202; `data` is the action's JSON object."""

    status: int
    accepted: bool
    data: dict[str, Any]

