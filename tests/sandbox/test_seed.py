"""The demo portfolio: deterministic, idempotent, realistic (valid ID numbers and more)."""

from collections import Counter

import pytest
from django.core.management import call_command
from stdnum.fi import hetu, ytunnus
from stdnum.no import fodselsnummer
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer

from sandbox.models import DEBTOR_FOLDED_FIELDS, MAIN_ADDRESS_FIELDS, Address, Case, Debtor
from sandbox.seed import generate_debtor, seed_portfolio

pytestmark = pytest.mark.django_db(databases="__all__")

VALIDATORS = {
    ("SE", 0): personnummer.is_valid, ("NO", 0): fodselsnummer.is_valid,
    ("FI", 0): hetu.is_valid, ("SE", 1): se_orgnr.is_valid, ("NO", 1): no_orgnr.is_valid,
    ("FI", 1): ytunnus.is_valid,
}
CURRENCIES = {"SE": "SEK", "NO": "NOK", "FI": "EUR"}


def test_same_seed_same_debtors_and_guids():
    first = [generate_debtor(7, index) for index in range(30)]
    again = [generate_debtor(7, index) for index in range(30)]
    other = [generate_debtor(8, index) for index in range(30)]
    assert [s.debtor for s in first] == [s.debtor for s in again]
    assert [s.cases for s in first] == [s.cases for s in again]
    assert {s.debtor["guid"] for s in first}.isdisjoint({s.debtor["guid"] for s in other})


def test_seeding_is_idempotent_and_extends():
    result = seed_portfolio(debtors=120, seed=11, batch_size=50)
    assert (result.created, result.skipped) == (120, 0)
    guids = set(Debtor.objects.values_list("guid", flat=True))
    cases = Case.objects.count()
    again = seed_portfolio(debtors=120, seed=11)
    assert (again.created, again.skipped) == (0, 120)
    assert Debtor.objects.count() == 120
    assert Case.objects.count() == cases
    more = seed_portfolio(debtors=150, seed=11)
    assert (more.created, more.skipped) == (30, 120)
    assert guids < set(Debtor.objects.values_list("guid", flat=True))
    assert len(set(Debtor.objects.values_list("reference", flat=True))) == 150


def test_command(capsys):
    call_command("sandbox_seed", "--debtors", "20", "--seed", "5")
    call_command("sandbox_seed", "--debtors", "20", "--seed", "5")
    out = capsys.readouterr().out
    assert "20 debtors created" in out
    assert "0 debtors created" in out
    assert Debtor.objects.count() == 20


def test_the_portfolio_looks_real():
    seed_portfolio(debtors=400, seed=3)
    debtors = list(Debtor.objects.all())
    countries = Counter(debtor.country_code for debtor in debtors)
    assert set(countries) == {"SE", "NO", "FI"}
    assert countries["SE"] > countries["NO"] > 0
    kinds = Counter(debtor.juridical_type for debtor in debtors)
    assert kinds[0] > kinds[1] > 0
    for debtor in debtors:
        assert VALIDATORS[debtor.country_code, debtor.juridical_type](debtor.id_number), (
            debtor.id_number)
        assert debtor.currency_code == CURRENCIES[debtor.country_code]
        assert debtor.full_name
        for name in DEBTOR_FOLDED_FIELDS:
            value = getattr(debtor, name)
            assert getattr(debtor, f"{name}_folded") == (value.casefold() if value else value)
    names = " ".join(debtor.full_name for debtor in debtors)
    assert any(letter in names for letter in "ÅÄÖåäöøæ")

    per_debtor = Counter(Address.objects.values_list("debtor_id", flat=True))
    assert max(per_debtor.values()) >= 2
    defaults = Counter(Address.objects.filter(default_address=True)
                       .values_list("debtor_id", flat=True))
    assert set(defaults.values()) == {1}
    assert len(defaults) == len(debtors)
    for address in Address.objects.filter(default_address=True).select_related("debtor")[:50]:
        for name in MAIN_ADDRESS_FIELDS:
            assert getattr(address.debtor, name) == getattr(address, name)

    case_counts = Counter(Case.objects.values_list("debtor_id", flat=True))
    assert len(case_counts) < len(debtors)  # some have no cases
    assert max(case_counts.values()) <= 5
    assert Case.objects.filter(status="CLOSED").exists()
    assert len(set(Case.objects.values_list("client_name", flat=True))) > 6
    for case in Case.objects.select_related("debtor")[:200]:
        assert case.remaining_sum == (case.remaining_principal + case.remaining_interest
                                      + case.remaining_fee)
        assert case.original_sum == case.paid_sum + case.remaining_sum
        assert case.currency_code == case.debtor.currency_code
        assert case.interest_rate > 0
    assert Debtor.objects.filter(extra_fields__isnull=False).distinct().count() > 0
