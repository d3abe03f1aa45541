"""Debtors of the demo portfolio: one drawn per (seed, index), and the batch insert.

Debtor number i of seed S is drawn from its own `random.Random` seeded with (S, i), so the
same seed always yields the same debtors, GUIDs included, and a larger --debtors only adds
debtors.
"""

import datetime as dt
import random
import unicodedata
import uuid
from decimal import Decimal

from sandbox import idnumbers
from sandbox.casefold import casefold
from sandbox.models import (
    DEBTOR_FOLDED_FIELDS,
    MAIN_ADDRESS_FIELDS,
    Address,
    Case,
    CaseStatus,
    Debtor,
    ExtraField,
    Gender,
    JuridicalType,
    NotificationChannel,
)
from sandbox.seed.data import (
    ACTIVE_SUB_STATUSES,
    CASE_SERVICES,
    CLOSURE_CODES,
    COUNTRIES,
    EMAIL_DOMAINS,
    EXTRA_ADDRESS_TYPES,
    EXTRA_FIELDS,
    NACE_CODES,
    TRADES,
    Country,
    Place,
)
from sandbox.seed.rows import ANCHOR, SeededDebtor, SeedResult, ids_by_guid, insert_rows
from sandbox.store.debtors import (
    compose_full_address,
    luhn_check_digit,
    next_case_number,
    next_debtor_reference,
)

CENT = Decimal("0.01")
CASES_PER_DEBTOR = (0, 1, 2, 3, 4, 5)
CASES_WEIGHTS = (10, 35, 25, 15, 10, 5)


def debtor_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"collect-desk:{seed}:{index}")


def _guid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def debtor_guid(seed: int, index: int) -> uuid.UUID:
    """The GUID `generate_debtor(seed, index)` gives its debtor, without drawing the rest."""
    return _guid(debtor_rng(seed, index))


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "AE")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _zip_code(rng: random.Random, country: Country, place: Place) -> str:
    number = rng.randint(place.zip_from, place.zip_to)
    if country.code == "SE":
        return f"{number // 100:03d} {number % 100:02d}"
    return f"{number:04d}" if country.code == "NO" else f"{number:05d}"


def _phone(rng: random.Random, country: Country, mobile: bool = True) -> str:
    digits = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    if country.code == "SE":
        area = rng.choice(("70", "72", "73", "76")) if mobile else rng.choice(("8", "31", "18"))
        return f"+46 {area} {digits(3)} {digits(2)} {digits(2)}"
    if country.code == "NO":
        return f"+47 {rng.choice('49')}{digits(2)} {digits(2)} {digits(3)}"
    area = rng.choice(("40", "44", "50")) if mobile else rng.choice(("9", "2", "3"))
    return f"+358 {area} {digits(3)} {digits(4)}"


def _address(rng: random.Random, country: Country, place: Place, address_type: str) -> dict:
    row = {
        "guid": _guid(rng),
        "address_type": address_type,
        "street": rng.choice(country.streets),
        "house_no": str(rng.randint(1, 120)),
        "house_no_extension": rng.choice(("A", "B")) if rng.random() < 0.1 else None,
        "city": place.city,
        "zip_code": _zip_code(rng, country, place),
        "country_code": country.code,
        "default_address": False,
    }
    row["full_address"] = compose_full_address(row)
    row["created_at"] = row["last_updated_at"] = ANCHOR - dt.timedelta(
        days=rng.randint(0, 1500)
    )
    return row


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


def _case(rng: random.Random, country: Country, registered_after: dt.datetime) -> dict:
    principal = _money(rng, *country.principal_range)
    rate = Decimal(rng.choice((2, 4, 6, 8, 9.5, 12, 15, 18, 24))).quantize(Decimal("0.0001"))
    years = Decimal(rng.randint(1, 36)) / 12
    interest = (principal * rate / 100 * years).quantize(CENT)
    fee = Decimal(country.reminder_fee + (country.collection_fee if rng.random() < 0.6 else 0))
    days = max(0, (ANCHOR - registered_after).days)
    case = {
        "guid": _guid(rng),
        "client_name": rng.choice(country.creditors),
        "client_reference_number": f"INV-{rng.randint(100000, 9999999)}",
        "currency_code": country.currency,
        "description": f"Invoice {rng.randint(1000000, 9999999)}",
        "service": rng.choice(CASE_SERVICES),
        "registration_date": ANCHOR - dt.timedelta(days=rng.randint(0, days),
                                                   seconds=rng.randint(0, 86399)),
        "interest_rate": rate,
        "original_principal": principal,
        "original_interest": interest,
        "original_fee": fee,
        "paid_to_third_party": Decimal("0.00"),
        "status": CaseStatus.ACTIVE,
    }
    paid_share = Decimal(rng.choice((0, 0, 0, 10, 25, 50))) / 100
    if rng.random() < 0.2:
        case["status"] = CaseStatus.CLOSED
        case["closure_code"] = rng.choice(CLOSURE_CODES)
        case["closure_date"] = case["registration_date"] + dt.timedelta(days=rng.randint(10, 300))
        paid_share = Decimal(1) if case["closure_code"] == "PAID" else paid_share
    else:
        case["sub_status"] = rng.choice(ACTIVE_SUB_STATUSES)
    for part, original in (("principal", principal), ("interest", interest), ("fee", fee)):
        paid = (original * paid_share).quantize(CENT)
        case[f"paid_{part}"] = paid
        case[f"remaining_{part}"] = original - paid
    case["original_sum"] = principal + interest + fee
    case["paid_sum"] = case["paid_principal"] + case["paid_interest"] + case["paid_fee"]
    case["remaining_sum"] = case["original_sum"] - case["paid_sum"]
    return case


def _person(rng: random.Random, country: Country, debtor: dict) -> None:
    female = rng.random() < 0.5
    names = country.female_names if female else country.male_names
    first, last = rng.choice(names), rng.choice(country.surnames)
    middle = rng.choice(names) if rng.random() < 0.1 else None
    youngest = 2012 if rng.random() < 0.01 else 2005
    born = dt.date(1940, 1, 1) + dt.timedelta(
        days=rng.randint(0, (dt.date(youngest, 12, 31) - dt.date(1940, 1, 1)).days)
    )
    debtor.update(
        juridical_type=JuridicalType.PERSON,
        gender=Gender.FEMALE if female else Gender.MALE,
        firstname=first, middlename=middle, lastname=last,
        full_name=" ".join(filter(None, [first, middle, last])),
        date_of_birth=born,
        under_aged=born.year > 2007,
        place_of_birth=rng.choice(country.places).city,
        id_number=idnumbers.PERSONAL_NUMBER[country.code](rng, born, female=female),
    )
    if rng.random() < 0.75:
        local = f"{_ascii(first)}.{_ascii(last)}".lower()
        if rng.random() < 0.4:
            local += str(rng.randint(1, 99))
        debtor["email"] = f"{local}@{rng.choice(EMAIL_DOMAINS[country.code])}"
    if rng.random() < 0.2:
        debtor["home_phone"] = _phone(rng, country, mobile=False)


def _company(rng: random.Random, country: Country, debtor: dict, city: str) -> None:
    name = rng.choice(country.company_patterns).format(
        surname=rng.choice(country.surnames), city=city, trade=rng.choice(TRADES)
    )
    number = idnumbers.COMPANY_NUMBER[country.code](rng)
    debtor.update(
        juridical_type=JuridicalType.COMPANY,
        gender=Gender.UNKNOWN,
        full_name=name,
        id_number=number,
        vat_number=idnumbers.vat_number(country.code, number),
        nace_code=rng.choice(NACE_CODES),
        work_phone=_phone(rng, country, mobile=False),
        email=f"faktura@{_ascii(name.split()[0]).lower()}.{country.code.lower()}",
    )


def generate_debtor(seed: int, index: int) -> SeededDebtor:
    """Debtor `index` of `seed`, with its rows, none saved."""
    rng = debtor_rng(seed, index)
    debtor: dict = {"guid": _guid(rng)}
    country = rng.choices([c for c, _ in COUNTRIES], weights=[w for _, w in COUNTRIES])[0]
    place = rng.choice(country.places)
    debtor["reg_date"] = ANCHOR - dt.timedelta(days=rng.randint(30, 1460),
                                               seconds=rng.randint(0, 86399))
    if rng.random() < 0.15:
        _company(rng, country, debtor, place.city)
    else:
        _person(rng, country, debtor)
    swedish_speaking_finn = country.code == "FI" and rng.random() < 0.05
    channel = rng.choice(NotificationChannel.values)
    debtor.update(
        cellular_phone=_phone(rng, country) if rng.random() < 0.85 else None,
        currency_code=country.currency,
        language_code="sv" if swedish_speaking_finn else country.language,
        culture_code="sv-FI" if swedish_speaking_finn else country.culture,
        domicile=place.city,
        municipal_code=place.municipal_code,
        conversation_notification_channel=channel,
    )
    if channel in (NotificationChannel.EMAIL, NotificationChannel.EMAIL_AND_SMS):
        debtor["conversation_notification_email"] = debtor.get("email")
    if channel in (NotificationChannel.SMS, NotificationChannel.EMAIL_AND_SMS):
        debtor["conversation_notification_cellular_phone"] = debtor["cellular_phone"]

    seeded = SeededDebtor(index=index, debtor=debtor)
    legal = _address(rng, country, place, "LEGAL")
    legal["default_address"] = True
    legal["created_at"] = legal["last_updated_at"] = debtor["reg_date"]
    seeded.addresses.append(legal)
    if rng.random() < 0.15:
        extra = _address(rng, country, rng.choice(country.places), rng.choice(EXTRA_ADDRESS_TYPES))
        if rng.random() < 0.3:
            extra["address_not_valid_date"] = (
                ANCHOR - dt.timedelta(days=rng.randint(1, 400))
            ).date()
        seeded.addresses.append(extra)
    for name in MAIN_ADDRESS_FIELDS:
        debtor[name] = legal.get(name)

    count = rng.choices(CASES_PER_DEBTOR, weights=CASES_WEIGHTS)[0]
    seeded.cases = [_case(rng, country, debtor["reg_date"]) for _ in range(count)]
    if rng.random() < 0.2:
        for name, values in rng.sample(EXTRA_FIELDS, rng.randint(1, 3)):
            seeded.extra_fields.append(
                {"name": name, "name_folded": name.casefold(), "value": [rng.choice(values)]}
            )
    return seeded


def insert_debtors(batch: list[SeededDebtor], *, result: SeedResult) -> None:
    """Writes the batch's debtors, addresses, cases and extra fields; sets their `id`s."""
    reference = int(next_debtor_reference())
    case_number = int(next_case_number())
    debtors = []
    for offset, seeded in enumerate(batch):
        row = seeded.debtor
        row["reference"] = str(reference + offset)
        for name in DEBTOR_FOLDED_FIELDS:
            row[f"{name}_folded"] = casefold(row.get(name))
        debtors.append(row)
    insert_rows(Debtor, debtors)
    ids_by_guid(Debtor, debtors)
    addresses, cases, extra_fields = [], [], []
    for seeded in batch:
        for row in (*seeded.addresses, *seeded.cases, *seeded.extra_fields):
            row["debtor_id"] = seeded.debtor["id"]
        for case in seeded.cases:
            case["case_number"] = number = str(case_number)
            case["payment_reference_number"] = number + luhn_check_digit(number)
            case_number += 1
        addresses += seeded.addresses
        cases += seeded.cases
        extra_fields += seeded.extra_fields
    insert_rows(Address, addresses)
    insert_rows(Case, cases)
    ids_by_guid(Case, cases)
    insert_rows(ExtraField, extra_fields)
    result.created += len(batch)
    result.addresses += len(addresses)
    result.cases += len(cases)
    result.extra_fields += len(extra_fields)
