"""The editors' forms on their own: each required field and limit of the contract, and the
normalising of ID numbers, phones and codes."""

import datetime as dt

import pytest

from backoffice.gateway import Debtor, JuridicalType
from debtors.forms_actions import ServiceJsonForm
from debtors.forms_address import AddressForm, NotValidForm
from debtors.forms_debtor import DebtorForm, input_changes
from debtors.forms_extra_fields import ExtraFieldForm
from debtors.identifiers import (
    InvalidIdentifier,
    normalise_culture,
    normalise_id_number,
    normalise_phone,
)

PERSON = {"juridical_type": "0", "first_name": "Anna", "last_name": "Berg", "gender": "2",
          "conversation_notification_channel": "0", "under_aged": "unknown"}
COMPANY = {"juridical_type": "1", "company_name": "Berg Bygg AB", "gender": "0",
           "conversation_notification_channel": "0", "under_aged": "unknown"}


def create_form(**data):
    return DebtorForm({**PERSON, **data}, creating=True)


# --- Debtor: required fields ---------------------------------------------------------------------


def test_a_person_needs_a_last_name_or_a_full_name():
    form = create_form(last_name="")
    assert not form.is_valid()
    assert "last_name" in form.errors
    assert create_form(last_name="", full_name="Anna Berg-Lind").is_valid()


def test_a_company_needs_its_name():
    form = DebtorForm({**COMPANY, "company_name": ""}, creating=True)
    assert not form.is_valid()
    assert list(form.errors) == ["company_name"]


def test_the_juridical_type_is_required_and_must_be_known():
    assert "juridical_type" in create_form(juridical_type="").errors
    assert "juridical_type" in create_form(juridical_type="7").errors


def test_enums_only_take_their_values():
    assert "gender" in create_form(gender="3").errors
    assert "conversation_notification_channel" in create_form(
        conversation_notification_channel="9").errors


def test_an_edit_form_requires_the_fingerprint():
    form = DebtorForm(PERSON, creating=False)
    assert not form.is_valid()
    assert "fingerprint" in form.errors


# --- Debtor: limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "limit"), [
    ("first_name", 100), ("middle_name", 100), ("last_name", 100), ("name_suffix", 100),
    ("place_of_birth", 100), ("domicile", 100), ("street", 100), ("city", 100),
    ("zip_code", 20), ("municipal_code", 20), ("vat_number", 30), ("nace_code", 20),
    ("house_no", 20),
])
def test_text_limits(field, limit):
    assert create_form(**{field: "x" * limit}).is_valid()
    form = create_form(**{field: "x" * (limit + 1)})
    assert field in form.errors


def test_the_company_name_limit():
    assert "company_name" in DebtorForm({**COMPANY, "company_name": "x" * 101},
                                        creating=True).errors


def test_id_number_and_phone_limits_hold_for_countries_without_a_checker():
    assert create_form(country_code="DE", id_number="x" * 30).is_valid()
    assert "id_number" in create_form(country_code="DE", id_number="x" * 31).errors
    assert "home_phone" in create_form(country_code="DE", home_phone="+49 " + "1" * 30).errors


def test_email_must_be_valid_and_at_most_254_characters():
    assert "email" in create_form(email="not-an-address").errors
    assert "conversation_notification_email" in create_form(
        conversation_notification_email="a@").errors
    long = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".se"  # 250 characters
    assert create_form(email=long).is_valid()
    assert "email" in create_form(email="x" * 5 + long).errors


@pytest.mark.parametrize(("field", "good", "stored", "bad"), [
    ("country_code", "SE", "SE", "XX"),
    ("currency_code", "sek", "SEK", "ABC"),
    ("language_code", "SV", "sv", "xx"),
    ("culture_code", "sv_se", "sv-SE", "sv-XX"),
])
def test_codes_are_iso_and_normalised(field, good, stored, bad):
    form = create_form(**{field: good})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == stored
    assert field in create_form(**{field: bad}).errors


def test_the_date_of_birth_is_a_date_not_in_the_future():
    form = create_form(date_of_birth="1980-05-17")
    assert form.is_valid()
    assert form.cleaned_data["date_of_birth"] == dt.date(1980, 5, 17)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert "date_of_birth" in create_form(date_of_birth=tomorrow.isoformat()).errors
    assert "date_of_birth" in create_form(date_of_birth="17/05/1980x").errors


def test_the_date_fields_render_as_date_inputs():
    html = str(create_form()["date_of_birth"])
    assert 'type="date"' in html


# --- Debtor: ID numbers and phones for the debtor's country ---------------------------------------


@pytest.mark.parametrize(("country", "company", "typed", "stored"), [
    ("SE", False, "8112289874", "19811228-9874"),
    ("SE", False, "19811228 9874", "19811228-9874"),
    ("SE", True, "5560360793", "556036-0793"),
    ("NO", False, "151086 95088", "15108695088"),
    ("NO", True, "988 077 917", "988077917"),
    ("FI", False, "131052-308t", "131052-308T"),
    ("FI", True, "20774740", "2077474-0"),
])
def test_id_numbers_are_checked_and_normalised_per_country(country, company, typed, stored):
    assert normalise_id_number(typed, country, company=company) == stored


@pytest.mark.parametrize(("country", "company", "typed"), [
    ("SE", False, "8112289875"), ("SE", True, "5560360794"), ("NO", False, "15108695089"),
    ("NO", True, "988077918"), ("FI", False, "131052-308U"), ("FI", True, "20774741"),
])
def test_invalid_id_numbers_are_refused(country, company, typed):
    with pytest.raises(InvalidIdentifier):
        normalise_id_number(typed, country, company=company)


def test_the_form_checks_the_id_number_as_person_or_company():
    person = create_form(country_code="SE", id_number="811228-9874")
    assert person.is_valid(), person.errors
    assert person.cleaned_data["id_number"] == "19811228-9874"
    company = DebtorForm({**COMPANY, "country_code": "SE", "id_number": "811228-9875"},
                         creating=True)
    assert "id_number" in company.errors


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("SE", "070-123 45 67", "+46 70 123 45 67"),
    ("SE", "08 123 456 78", "+46 8 123 456 78"),
    ("NO", "41234567", "+47 412 34 567"),
    ("FI", "040 1234567", "+358 40 123 4567"),
    ("SE", "+47 412 34 567", "+47 412 34 567"),
])
def test_phones_are_stored_in_the_seed_notation(country, typed, stored):
    assert normalise_phone(typed, country) == stored
    form = create_form(country_code=country, cellular_phone=typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cellular_phone"] == stored


def test_invalid_phones_are_refused_on_the_field():
    form = create_form(country_code="SE", work_phone="12")
    assert "work_phone" in form.errors
    form = create_form(home_phone="0701234567")  # no country: a national number is ambiguous
    assert "home_phone" in form.errors


def test_an_edit_keeps_a_value_on_record_in_its_old_notation():
    debtor = Debtor(debtor_guid="g", juridical_type=0, last_name="Berg",
                    home_phone="0701-12345 (old)", id_number="legacy-123")
    initial = DebtorForm.initial_for(debtor, "fp")
    form = DebtorForm(initial=initial, creating=False, country="SE")
    from tests.debtors.pages import post_data

    bound = DebtorForm(post_data(form), creating=False, country="SE")
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["home_phone"] == "0701-12345 (old)"
    changed = DebtorForm(post_data(form, home_phone="0701-12346 (new)"), creating=False,
                         country="SE")
    assert "home_phone" in changed.errors


def test_culture_codes():
    assert normalise_culture("FI-fi") == "fi-FI"
    with pytest.raises(InvalidIdentifier):
        normalise_culture("sv")


def test_the_name_goes_to_full_name_by_juridical_type():
    assert input_changes({"juridical_type": JuridicalType.LEGAL_ENTITY, "company_name": "AB",
                          "full_name": None})["full_name"] == "AB"
    assert input_changes({"juridical_type": JuridicalType.NATURAL_PERSON,
                          "company_name": "AB", "full_name": None})["full_name"] is None


def test_an_edit_form_has_no_address_and_a_create_form_no_fingerprint():
    edit = DebtorForm(creating=False)
    assert "street" not in edit.fields and "fingerprint" in edit.fields
    create = DebtorForm(creating=True)
    assert "street" in create.fields and "fingerprint" not in create.fields


# --- Address -------------------------------------------------------------------------------------

ADDRESS = {"address_type": "POSTAL", "street": "Storgatan", "city": "Uppsala"}


def test_an_address_needs_its_type_and_a_street_or_city():
    assert "address_type" in AddressForm({**ADDRESS, "address_type": ""}).errors
    form = AddressForm({**ADDRESS, "street": "", "city": ""})
    assert "street" in form.errors
    assert AddressForm({**ADDRESS, "street": ""}).is_valid()
    assert AddressForm({**ADDRESS, "city": ""}).is_valid()


def test_address_type_pattern_and_limit():
    assert "address_type" in AddressForm({**ADDRESS, "address_type": "a/b"}).errors
    assert "address_type" in AddressForm({**ADDRESS, "address_type": "A" * 51}).errors
    assert AddressForm({**ADDRESS, "address_type": "Summer house-2"}).is_valid()


@pytest.mark.parametrize(("field", "limit"), [
    ("street", 100), ("city", 100), ("full_name", 100), ("zip_code", 20), ("house_no", 20),
    ("state_code", 20),
])
def test_address_limits(field, limit):
    assert AddressForm({**ADDRESS, field: "x" * limit}).is_valid()
    assert field in AddressForm({**ADDRESS, field: "x" * (limit + 1)}).errors


def test_valid_to_is_not_before_valid_from():
    form = AddressForm({**ADDRESS, "valid_from": "2026-02-01", "valid_to": "2026-01-31"})
    assert list(form.errors) == ["valid_to"]
    assert AddressForm({**ADDRESS, "valid_from": "2026-02-01",
                        "valid_to": "2026-02-01"}).is_valid()


def test_the_country_is_an_iso_code():
    assert "country_code" in AddressForm({**ADDRESS, "country_code": "QQ"}).errors


def test_the_default_flag_is_only_offered_for_another_address():
    assert "default_address" in AddressForm().fields
    assert "default_address" not in AddressForm(is_default=True).fields
    form = AddressForm({**ADDRESS, "default_address": "on"})
    assert form.is_valid()
    assert form.changes()["default_address"] is True
    plain = AddressForm(ADDRESS)
    assert plain.is_valid()
    assert "default_address" not in plain.changes()


def test_not_valid_since_is_a_date_not_in_the_future():
    assert NotValidForm({"since": "2026-01-05"}).is_valid()
    assert "since" in NotValidForm({"since": ""}).errors
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert "since" in NotValidForm({"since": later}).errors


# --- Extra fields --------------------------------------------------------------------------------


def test_extra_field_name_rules():
    assert ExtraFieldForm({"name": "contract.no_2-b", "values": ""}).is_valid()
    assert "name" in ExtraFieldForm({"name": "", "values": "x"}).errors
    assert "name" in ExtraFieldForm({"name": "with space", "values": "x"}).errors
    assert "name" in ExtraFieldForm({"name": "a/b", "values": "x"}).errors
    assert "name" in ExtraFieldForm({"name": "n" * 51, "values": "x"}).errors
    assert ExtraFieldForm({"name": "n" * 50, "values": "x"}).is_valid()


def test_extra_field_values_one_per_line():
    form = ExtraFieldForm({"name": "tags", "values": "first\r\n\r\n  second  \nthird"})
    assert form.is_valid()
    assert form.cleaned_data["values"] == ("first", "second", "third")


def test_extra_field_value_limits():
    assert ExtraFieldForm({"name": "n", "values": "\n".join(["v"] * 20)}).is_valid()
    assert "values" in ExtraFieldForm({"name": "n", "values": "\n".join(["v"] * 21)}).errors
    assert ExtraFieldForm({"name": "n", "values": "v" * 500}).is_valid()
    form = ExtraFieldForm({"name": "n", "values": "ok\n" + "v" * 501})
    assert "values" in form.errors
    assert "Value 2" in form.errors["values"][0]


# --- JSON-body form ------------------------------------------------------------------------------


def test_the_json_body_must_be_an_object():
    form = ServiceJsonForm({"definition": "echo", "body": '{"amount": 10.10}'})
    assert form.is_valid()
    assert str(form.cleaned_data["body"]["amount"]) == "10.10"  # Decimal, not float
    empty = ServiceJsonForm({"definition": "echo", "body": ""})
    assert empty.is_valid()
    assert empty.cleaned_data["body"] == {}
    assert "body" in ServiceJsonForm({"definition": "echo", "body": "[1, 2]"}).errors
    broken = ServiceJsonForm({"definition": "echo", "body": '{"a": 1,'})
    assert "line 1" in broken.errors["body"][0]
    assert "body" in ServiceJsonForm({"definition": "echo", "body": '{"a": NaN}'}).errors


def test_the_definition_name_is_checked():
    assert "definition" in ServiceJsonForm({"definition": "../x", "body": ""}).errors
    assert "definition" in ServiceJsonForm({"definition": "", "body": ""}).errors
