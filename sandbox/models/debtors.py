"""Debtors, their addresses, cases and extra fields, as the sandbox keeps them.

Field names are snake_case here; the camelCase wire names live in sandbox/api/. A debtor
carries a copy of its default address (the "main address" of the list rows) and case-folded
shadow columns of its list fields, so the debtor list filters and orders on indexed columns.
"""

# Strings are nullable on purpose: the API tells null (not sent, cleared by a PUT) from "".
# ruff: noqa: DJ001

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sandbox.casefold import casefold

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}


class JuridicalType(models.IntegerChoices):
    PERSON = 0, "natural person"
    COMPANY = 1, "legal entity"


class Gender(models.IntegerChoices):
    UNKNOWN = 0, "unknown"
    MALE = 1, "male"
    FEMALE = 2, "female"


class NotificationChannel(models.IntegerChoices):
    NONE = 0, "none"
    EMAIL = 1, "e-mail"
    SMS = 2, "SMS"
    EMAIL_AND_SMS = 3, "e-mail and SMS"


# The main-address fields a debtor copies from its default address.
MAIN_ADDRESS_FIELDS = (
    "street", "house_no", "house_no_extension", "city", "zip_code", "state_code", "country_code",
)

# Debtor list fields compared case-insensitively through a `<name>_folded` shadow column.
DEBTOR_FOLDED_FIELDS = (
    "id_number", "place_of_birth", "full_name", *MAIN_ADDRESS_FIELDS, "domicile",
    "municipal_code", "nace_code", "home_phone", "work_phone", "cellular_phone", "email",
    "language_code", "currency_code",
)


def _folded():
    return models.TextField(null=True, blank=True, editable=False)


class AddressParts(models.Model):
    """The parts of an address (MAIN_ADDRESS_FIELDS): an address's own, and a debtor's copy of
    its default address (kept in step by sandbox/store/debtors.py)."""

    street = models.CharField(max_length=100, null=True, blank=True)
    house_no = models.CharField(max_length=20, null=True, blank=True)
    house_no_extension = models.CharField(max_length=20, null=True, blank=True)
    city = models.CharField(max_length=100, null=True, blank=True)
    zip_code = models.CharField(max_length=20, null=True, blank=True)
    state_code = models.CharField(max_length=20, null=True, blank=True)
    country_code = models.CharField(max_length=2, null=True, blank=True)

    class Meta:
        abstract = True


class Debtor(AddressParts):
    guid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    reg_date = models.DateTimeField(default=timezone.now)

    juridical_type = models.PositiveSmallIntegerField(
        choices=JuridicalType.choices, default=JuridicalType.PERSON
    )
    id_number = models.CharField(max_length=30, null=True, blank=True)
    place_of_birth = models.CharField(max_length=100, null=True, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.PositiveSmallIntegerField(choices=Gender.choices, default=Gender.UNKNOWN)
    culture_code = models.CharField(max_length=10, null=True, blank=True)
    # Composed from first, middle and last name when not given: up to three 100-character parts.
    full_name = models.CharField(max_length=310, null=True, blank=True)
    firstname = models.CharField(max_length=100, null=True, blank=True)
    middlename = models.CharField(max_length=100, null=True, blank=True)
    lastname = models.CharField(max_length=100, null=True, blank=True)
    name_suffix = models.CharField(max_length=100, null=True, blank=True)
    domicile = models.CharField(max_length=100, null=True, blank=True)
    municipal_code = models.CharField(max_length=20, null=True, blank=True)
    vat_number = models.CharField(max_length=30, null=True, blank=True)
    nace_code = models.CharField(max_length=20, null=True, blank=True)
    home_phone = models.CharField(max_length=30, null=True, blank=True)
    work_phone = models.CharField(max_length=30, null=True, blank=True)
    cellular_phone = models.CharField(max_length=30, null=True, blank=True)
    telefax = models.CharField(max_length=30, null=True, blank=True)
    email = models.CharField(max_length=254, null=True, blank=True)
    language_code = models.CharField(max_length=2, null=True, blank=True)
    currency_code = models.CharField(max_length=3, null=True, blank=True)
    under_aged = models.BooleanField(null=True, blank=True)
    conversation_notification_channel = models.PositiveSmallIntegerField(
        choices=NotificationChannel.choices, default=NotificationChannel.NONE
    )
    conversation_notification_email = models.CharField(max_length=254, null=True, blank=True)
    conversation_notification_cellular_phone = models.CharField(
        max_length=30, null=True, blank=True
    )

    # Case-folded shadows of the list fields (see sandbox/casefold.py).
    id_number_folded = _folded()
    place_of_birth_folded = _folded()
    full_name_folded = _folded()
    street_folded = _folded()
    house_no_folded = _folded()
    house_no_extension_folded = _folded()
    city_folded = _folded()
    zip_code_folded = _folded()
    state_code_folded = _folded()
    country_code_folded = _folded()
    domicile_folded = _folded()
    municipal_code_folded = _folded()
    nace_code_folded = _folded()
    home_phone_folded = _folded()
    work_phone_folded = _folded()
    cellular_phone_folded = _folded()
    email_folded = _folded()
    language_code_folded = _folded()
    currency_code_folded = _folded()

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["full_name_folded"], name="sbx_debtor_name_cf"),
            models.Index(fields=["id_number_folded"], name="sbx_debtor_idno_cf"),
            models.Index(fields=["zip_code_folded"], name="sbx_debtor_zip_cf"),
            models.Index(fields=["street_folded"], name="sbx_debtor_street_cf"),
            models.Index(fields=["cellular_phone_folded"], name="sbx_debtor_cell_cf"),
            models.Index(fields=["country_code_folded", "full_name_folded"],
                         name="sbx_debtor_country_name"),
            # The debtor table's sorts send `<column>, debtorGuid`: where many rows share a
            # value (few values, or null) the tiebreak would otherwise sort whole groups
            # (see sandbox/api/pages.py). Both directions: `city desc, debtorGuid` mixes them.
            *(models.Index(fields=[f"{sign}{column}", "guid"],
                           name=f"sbx_debtor_{short}_{'desc_' if sign else ''}guid")
              for column, short in (("currency_code_folded", "currency"),
                                    ("country_code_folded", "country"),
                                    ("juridical_type", "type"),
                                    ("city_folded", "city"),
                                    ("email_folded", "email"))
              for sign in ("", "-")),
            # Filters no index answers (contains, or-ed conditions) scan this, not the table.
            models.Index(fields=["full_name_folded", "city_folded", "country_code_folded",
                                 "currency_code_folded", "juridical_type"],
                         name="sbx_debtor_search"),
            models.Index(fields=["juridical_type", "full_name_folded"],
                         name="sbx_debtor_type_name"),
            models.Index(fields=["date_of_birth"], name="sbx_debtor_dob"),
            models.Index(fields=["reg_date"], name="sbx_debtor_regdate"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name or ''}".strip()

    def save(self, *args, **kwargs) -> None:
        self.refresh_folded()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"], *(f"{name}_folded" for name in DEBTOR_FOLDED_FIELDS)
            }
        super().save(*args, **kwargs)

    def refresh_folded(self) -> None:
        """Fills the `*_folded` shadow columns; call before a bulk_create (save() calls it)."""
        for name in DEBTOR_FOLDED_FIELDS:
            setattr(self, f"{name}_folded", casefold(getattr(self, name)))


class Address(AddressParts):
    guid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="addresses")
    address_type = models.CharField(max_length=50)
    full_name = models.CharField(max_length=100, null=True, blank=True)
    full_address = models.CharField(max_length=400, null=True, blank=True)
    address_not_valid_date = models.DateField(null=True, blank=True)
    default_address = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    valid_override = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["debtor"], condition=Q(default_address=True),
                name="sbx_one_default_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address_type} {self.full_address or ''}".strip()


class CaseStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "active"
    CLOSED = "CLOSED", "closed"


class Case(models.Model):
    guid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="cases")
    case_number = models.CharField(max_length=30, unique=True)
    client_name = models.CharField(max_length=100)
    client_reference_number = models.CharField(max_length=50, null=True, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    sub_status = models.CharField(max_length=50, null=True, blank=True)
    closure_code = models.CharField(max_length=30, null=True, blank=True)
    closure_date = models.DateTimeField(null=True, blank=True)
    currency_code = models.CharField(max_length=3)
    description = models.CharField(max_length=200, null=True, blank=True)
    service = models.CharField(max_length=50, null=True, blank=True)
    payment_reference_number = models.CharField(max_length=30, null=True, blank=True)
    registration_date = models.DateTimeField(default=timezone.now)

    original_principal = models.DecimalField(**MONEY)
    original_interest = models.DecimalField(**MONEY)
    original_fee = models.DecimalField(**MONEY)
    paid_principal = models.DecimalField(**MONEY)
    paid_interest = models.DecimalField(**MONEY)
    paid_fee = models.DecimalField(**MONEY)
    paid_to_third_party = models.DecimalField(**MONEY)
    remaining_principal = models.DecimalField(**MONEY)
    remaining_interest = models.DecimalField(**MONEY)
    remaining_fee = models.DecimalField(**MONEY)
    # Sums kept as columns so lists can filter and order on them (see refresh_sums()).
    original_sum = models.DecimalField(**MONEY)
    paid_sum = models.DecimalField(**MONEY)
    remaining_sum = models.DecimalField(**MONEY)

    # Internal: the nominal interest rate in percent a year (never on the wire; plans use it).
    interest_rate = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal("0"))

    class Meta:
        ordering = ["registration_date", "id"]
        indexes = [models.Index(fields=["debtor", "status"], name="sbx_case_debtor_status")]

    def __str__(self) -> str:
        return f"{self.case_number} {self.client_name}"

    def save(self, *args, **kwargs) -> None:
        self.refresh_sums()
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == CaseStatus.ACTIVE

    def refresh_sums(self) -> None:
        """Recomputes the three sums; call before a bulk_create (save() calls it)."""
        self.original_sum = self.original_principal + self.original_interest + self.original_fee
        self.paid_sum = self.paid_principal + self.paid_interest + self.paid_fee
        self.remaining_sum = (
            self.remaining_principal + self.remaining_interest + self.remaining_fee
        )


class ExtraField(models.Model):
    debtor = models.ForeignKey(Debtor, on_delete=models.CASCADE, related_name="extra_fields")
    name = models.CharField(max_length=50)
    name_folded = models.CharField(max_length=150, editable=False)
    value = models.JSONField(default=list)

    class Meta:
        ordering = ["name_folded", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debtor", "name_folded"], name="sbx_extra_field_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = casefold(self.name)
        super().save(*args, **kwargs)
