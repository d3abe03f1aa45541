"""Writes to the sandbox's debtors, addresses, extra fields and cases.

Keyword-only functions named `<entity>_<action>`, taking model-field values (snake_case; the
API views turn the wire's camelCase into them). State conflicts raise `Conflict` (409).
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.api.errors import Conflict, ValidationFailed
from sandbox.models import (
    MAIN_ADDRESS_FIELDS,
    Address,
    Case,
    CaseStatus,
    Debtor,
    ExtraField,
    PlanState,
)
from sandbox.router import SANDBOX_DB

CENT = Decimal("0.01")
FIRST_DEBTOR_REFERENCE = 1_000_001
FIRST_CASE_NUMBER = 50_000_001


def luhn_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit of a string of digits, as OCR references use."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _next_number(model, field: str, first: int) -> int:
    last = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
    return int(last) + 1 if last else first


def next_debtor_reference() -> str:
    return str(_next_number(Debtor, "reference", FIRST_DEBTOR_REFERENCE))


def next_case_number() -> str:
    return str(_next_number(Case, "case_number", FIRST_CASE_NUMBER))


def _with_retry(create: Callable[[], Any]) -> Any:
    """Runs a create that takes the next number; retried if a concurrent one took it first."""
    for attempt in range(5):
        try:
            with transaction.atomic(using=SANDBOX_DB):
                return create()
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- Addresses -------------------------------------------------------------------------------


def compose_full_address(fields: dict) -> str | None:
    """'Storgatan 1A, 753 20 Uppsala, SE' from the parts that are present."""
    house = "".join(filter(None, [fields.get("house_no"), fields.get("house_no_extension")]))
    line = " ".join(filter(None, [fields.get("street"), house]))
    place = " ".join(filter(None, [fields.get("zip_code"), fields.get("city")]))
    return ", ".join(filter(None, [line, place, fields.get("country_code")])) or None


def _copy_main_address(debtor: Debtor, address: Address | None) -> None:
    for name in MAIN_ADDRESS_FIELDS:
        setattr(debtor, name, getattr(address, name) if address else None)
    debtor.save(update_fields=list(MAIN_ADDRESS_FIELDS))


def _make_default(address: Address) -> None:
    Address.objects.filter(debtor_id=address.debtor_id, default_address=True).exclude(
        pk=address.pk
    ).update(default_address=False)
    if not address.default_address:
        address.default_address = True
        address.save(update_fields=["default_address"])


def address_create(*, debtor: Debtor, fields: dict, default: bool | None) -> Address:
    """Adds an address; the first one, or one sent as default, becomes the default."""
    with transaction.atomic(using=SANDBOX_DB):
        now = timezone.now()
        is_first = not debtor.addresses.exists()
        address = Address(debtor=debtor, created_at=now, last_updated_at=now, **fields)
        address.full_address = fields.get("full_address") or compose_full_address(fields)
        address.default_address = False
        address.save()
        if is_first or default:
            _make_default(address)
            _copy_main_address(debtor, address)
    return address


def address_update(*, address: Address, fields: dict, default: bool | None) -> Address:
    """Replaces the address; `default` True makes it the default, None leaves the flag alone.

    Unsetting the flag of the default address is a conflict: a debtor keeps exactly one
    default, so another address must be made the default instead.
    """
    if default is False and address.default_address:
        raise Conflict("This is the debtor's default address: make another address the "
                       "default instead of clearing the flag.")
    with transaction.atomic(using=SANDBOX_DB):
        for name, value in fields.items():
            setattr(address, name, value)
        address.full_address = compose_full_address(fields)
        address.last_updated_at = timezone.now()
        address.save()
        if default:
            _make_default(address)
        if address.default_address:
            _copy_main_address(address.debtor, address)
    return address


def address_delete(*, address: Address) -> None:
    """Removes the address; if it was the default, the oldest remaining one takes over."""
    with transaction.atomic(using=SANDBOX_DB):
        debtor = address.debtor
        was_default = address.default_address
        address.delete()
        if was_default:
            successor = debtor.addresses.order_by("created_at", "id").first()
            if successor:
                _make_default(successor)
            _copy_main_address(debtor, successor)


# --- Debtors ---------------------------------------------------------------------------------


def debtor_create(*, fields: dict, address: dict | None = None) -> Debtor:
    """A new debtor; `address` (street ... full_address) becomes its default LEGAL address."""

    def create() -> Debtor:
        debtor = Debtor(reference=next_debtor_reference(), **fields)
        debtor.save()
        if address and any(value not in (None, "") for value in address.values()):
            address_create(debtor=debtor, fields={"address_type": "LEGAL", **address},
                           default=True)
        return debtor

    return _with_retry(create)


def debtor_update(*, debtor: Debtor, fields: dict) -> Debtor:
    """Replaces the debtor's own fields (not its addresses)."""
    for name, value in fields.items():
        setattr(debtor, name, value)
    debtor.save()
    return debtor


def debtor_delete_blockers(debtor: Debtor) -> list[str]:
    """Why the debtor cannot be deleted (active cases, an active plan...); empty if it can."""
    reasons = []
    if debtor.cases.filter(status=CaseStatus.ACTIVE).exists():
        reasons.append("The debtor has active cases.")
    if debtor.payment_plans.filter(active=PlanState.ACTIVE).exists():
        reasons.append("The debtor has an active payment plan.")
    return reasons


def debtor_delete(*, debtor: Debtor) -> None:
    with transaction.atomic(using=SANDBOX_DB):
        reasons = debtor_delete_blockers(debtor)
        if reasons:
            raise Conflict(" ".join(reasons))
        debtor.delete()


# --- Extra fields ----------------------------------------------------------------------------


def extra_field_create(*, debtor: Debtor, name: str, value: list[str]) -> ExtraField:
    try:
        with transaction.atomic(using=SANDBOX_DB):
            return ExtraField.objects.create(debtor=debtor, name=name, value=value)
    except IntegrityError as exc:
        raise Conflict(f"The debtor already has an extra field named {name!r}.") from exc


def extra_field_update(*, field: ExtraField, name: str, value: list[str]) -> ExtraField:
    """Replaces the value; a different `name` renames the field (409 if that name is taken)."""
    field.name = name
    field.value = value
    try:
        with transaction.atomic(using=SANDBOX_DB):
            field.save()
    except IntegrityError as exc:
        raise Conflict(f"The debtor already has an extra field named {name!r}.") from exc
    return field


def extra_field_delete(*, field: ExtraField) -> None:
    field.delete()


# --- Cases (the control API; the Debtors API cannot create cases) ----------------------------


def case_add(
    *,
    debtor: Debtor,
    client_name: str,
    currency_code: str,
    remaining_principal: Decimal,
    remaining_interest: Decimal = Decimal("0.00"),
    remaining_fee: Decimal = Decimal("0.00"),
    interest_rate: Decimal = Decimal("0"),
    closed: bool = False,
    registration_date: datetime | None = None,
    **extra: Any,
) -> Case:
    """A case with known amounts; nothing paid yet, so the original amounts equal them."""

    remaining_principal, remaining_interest, remaining_fee = (
        Decimal(amount).quantize(CENT)
        for amount in (remaining_principal, remaining_interest, remaining_fee)
    )

    def create() -> Case:
        number = next_case_number()
        case = Case(
            debtor=debtor,
            case_number=number,
            client_name=client_name,
            currency_code=currency_code,
            remaining_principal=remaining_principal,
            remaining_interest=remaining_interest,
            remaining_fee=remaining_fee,
            original_principal=remaining_principal,
            original_interest=remaining_interest,
            original_fee=remaining_fee,
            interest_rate=interest_rate,
            payment_reference_number=number + luhn_check_digit(number),
            registration_date=registration_date or timezone.now(),
            **extra,
        )
        if closed:
            case.status = CaseStatus.CLOSED
            case.closure_code = case.closure_code or "PAID"
            case.closure_date = case.closure_date or timezone.now()
        case.save()
        return case

    return _with_retry(create)


# --- Payments (the control API; the Debtors API takes none) ----------------------------------

# The order a payment settles a case's parts in, as collection agencies commonly apply them
# (costs first, the debt itself last).
PAYMENT_ORDER = ("fee", "interest", "principal")


def _settle(case: Case, amount: Decimal) -> Decimal:
    """Pays up to `amount` on `case` (fee, then interest, then principal); returns what is left."""
    for part in PAYMENT_ORDER:
        owed = getattr(case, f"remaining_{part}")
        paid = min(owed, amount)
        if paid > 0:
            setattr(case, f"remaining_{part}", owed - paid)
            setattr(case, f"paid_{part}", getattr(case, f"paid_{part}") + paid)
            amount -= paid
    case.save()
    return amount


def payment_make(*, debtor: Debtor, amount: Decimal, case: Case | None = None) -> list[Case]:
    """A payment of `amount` lowering the remaining amounts, fee first, then interest, then
    principal (the paid amounts go up by as much). Without `case`, it goes to the debtor's
    active cases oldest first (registration date), each settled in full before the next.

    Returns the cases it was spread over. More than is remaining is refused (422), as is a
    payment on a closed case (409). A case paid in full stays active with nothing remaining.
    """
    amount = Decimal(amount).quantize(CENT)
    with transaction.atomic(using=SANDBOX_DB):
        if case is not None:
            cases = list(Case.objects.select_for_update().filter(pk=case.pk))
            if cases[0].status != CaseStatus.ACTIVE:
                raise Conflict("The case is closed; payments go to active cases.")
        else:
            cases = list(Case.objects.select_for_update()
                         .filter(debtor=debtor, status=CaseStatus.ACTIVE)
                         .order_by("registration_date", "id"))
        remaining = sum((c.remaining_sum for c in cases), Decimal("0.00"))
        if amount > remaining:
            raise ValidationFailed(
                {"amount": [f"Is more than the {remaining} remaining."]}, status=422,
                title="Payment refused",
            )
        touched = []
        for each in cases:
            if amount <= 0:
                break
            if each.remaining_sum > 0:
                amount = _settle(each, amount)
                touched.append(each)
    return touched
