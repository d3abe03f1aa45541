"""How the search box reads what an agent types (no upstream involved)."""

from datetime import date, timedelta

import pytest

from backoffice.gateway.odata import render_filter
from debtors.identifiers import normalise_id_number, normalise_phone
from debtors.search import (
    debtor_filter,
    id_number_candidates,
    id_number_reading,
    phone_candidates,
    read_search_text,
)


@pytest.mark.parametrize("typed", ["070-123 45 67", "0701234567", "+46 70 123 45 67",
                                   "0046701234567", "(070) 123 45 67"])
def test_swedish_mobile_numbers_read_to_the_same_notations(typed):
    forms = phone_candidates(typed, country="SE")
    assert forms[:2] == ["+46701234567", "+46 70 123 45 67"]
    assert "070-123 45 67" in forms and "0701234567" in forms


def test_nordic_groupings_of_the_sandbox_are_among_the_notations():
    assert "+47 412 34 567" in phone_candidates("41234567", country="NO")
    assert "+358 40 123 4567" in phone_candidates("040 1234567", country="FI")
    assert "+46 8 123 45 67" in phone_candidates("08-123 45 67", country="SE")


def test_without_a_country_each_nordic_reading_is_tried():
    forms = phone_candidates("41234567")
    assert "+4741234567" in forms  # not a Swedish number, but a Norwegian one


def test_short_or_lettered_text_is_not_a_phone_number():
    assert phone_candidates("12345") == []
    assert phone_candidates("Anna") == []
    assert phone_candidates("070-ABC") == []


def test_swedish_personnummer_in_every_notation():
    expected = ["19800517-1239", "198005171239", "800517-1239", "8005171239"]
    for typed in ("19800517-1239", "198005171239", "800517-1239", "8005171239",
                  "800517 1239"):
        assert id_number_candidates(typed, country="SE")[:4] == expected, typed


def test_finnish_hetu_without_the_century_sign_tries_the_valid_signs():
    forms = id_number_candidates("131052308T", country="FI")
    assert "131052-308T" in forms and "131052A308T" in forms
    assert all(len(f) == 11 for f in forms)


def test_an_invalid_check_digit_is_still_read_by_its_shape():
    expected = ["19800517-1234", "198005171234", "800517-1234", "8005171234"]
    for typed in expected:
        reading = id_number_reading(typed, country="SE")
        assert list(reading.forms) == expected, typed
        assert not reading.checksum_ok


# (country, typed, a stored notation that must be among the forms, valid checksum, company)
ID_SHAPES = [
    # Sweden: personnummer with and without century and separator, organisationsnummer.
    ("SE", "19811228-9874", "19811228-9874", True, False),
    ("SE", "811228-9874", "19811228-9874", True, False),
    ("SE", "19811228-9875", "19811228-9875", False, False),
    ("SE", "198112289875", "19811228-9875", False, False),
    ("SE", "811228-9875", "19811228-9875", False, False),
    ("SE", "8112289875", "19811228-9875", False, False),
    ("SE", "811228 9875", "19811228-9875", False, False),
    ("SE", "121212+1213", "19121212-1213", False, False),
    ("SE", "556036-0793", "556036-0793", True, True),
    ("SE", "556036-0794", "556036-0794", False, True),
    ("SE", "5560360794", "556036-0794", False, True),
    ("SE", "556036 0794", "556036-0794", False, True),
    # Norway: fødselsnummer (with a D-number) and organisasjonsnummer.
    ("NO", "15108695088", "15108695088", True, False),
    ("NO", "15108695089", "15108695089", False, False),
    ("NO", "151086 95089", "15108695089", False, False),
    ("NO", "55108695089", "55108695089", False, False),
    ("NO", "988 077 917", "988077917", True, True),
    ("NO", "988077918", "988077918", False, True),
    ("NO", "988 077 918", "988077918", False, True),
    # Finland: henkilötunnus with and without its century sign, Y-tunnus.
    ("FI", "131052-308T", "131052-308T", True, False),
    ("FI", "131052-308A", "131052-308A", False, False),
    ("FI", "131052308a", "131052-308A", False, False),
    ("FI", "131052308A", "131052Y308A", False, False),
    ("FI", "010105A123B", "010105A123B", False, False),
    ("FI", "010105123B", "010105A123B", False, False),
    ("FI", "2077474-0", "2077474-0", True, True),
    ("FI", "2077474-1", "2077474-1", False, True),
]


@pytest.mark.parametrize(("country", "typed", "stored", "checksum_ok", "company"), ID_SHAPES)
def test_each_countrys_id_shapes_are_searched_in_their_stored_notations(
        country, typed, stored, checksum_ok, company):
    reading = id_number_reading(typed, country=country)
    assert stored in reading.forms
    assert reading.checksum_ok is checksum_ok
    assert (reading.person, reading.company) == (not company, company)
    terms = read_search_text(typed, country=country)
    assert "id_number" in terms.kinds
    assert f"idNumber eq '{stored}'" in render_filter("debtor", terms.filter)
    label = "company ID number" if company else "personal ID number"
    suffix = "" if checksum_ok else " (checksum does not match)"
    assert label + suffix in terms.kind_labels


@pytest.mark.parametrize(("typed", "stored"), [
    ("198112289875", "19811228-9875"), ("5560360794", "556036-0794"),
    ("151086 95089", "15108695089"), ("988 077 918", "988077918"),
    ("131052308A", "131052-308A"), ("2077474-1", "2077474-1"),
])
def test_without_a_country_every_countrys_shapes_are_tried(typed, stored):
    reading = id_number_reading(typed)
    assert stored in reading.forms and not reading.checksum_ok


@pytest.mark.parametrize(("country", "typed"), [
    ("SE", "19811328-9875"), ("SE", "811232-9875"), ("SE", "811228-98750"),
    ("SE", "19811228--9875"), ("SE", "556036-079"), ("NO", "15138695089"),
    ("NO", "15108680089"), ("NO", "788077918"), ("NO", "988 077918"),
    ("FI", "311352-308A"), ("FI", "131052-001A"), ("FI", "131052-308G"),
    ("FI", "131052Z308A"), ("FI", "207747-41"),
])
def test_what_has_no_id_shape_is_no_id_number(country, typed):
    assert id_number_reading(typed, country=country) is None


def test_the_century_of_a_six_digit_year_is_the_last_hundred_years():
    born = date.today() + timedelta(days=1)  # tomorrow's date: not born yet this century
    if (born.month, born.day) == (2, 29):
        born += timedelta(days=1)
    typed = f"{born:%y%m%d}-1234"
    assert id_number_reading(typed, country="SE").forms[0] == f"{born.year - 100}{typed[2:]}"
    assert id_number_reading("121212-1213", country="SE").forms[0] == "20121212-1213"
    # `+`: a hundred years or more; the short notations then carry it (and the `-` written
    # before the hundredth year).
    forms = id_number_reading("121212+1213", country="SE").forms
    assert forms[0] == "19121212-1213"
    assert "121212+1213" in forms and "121212-1213" in forms
    # A Finnish code without its sign is read in the last hundred years too.
    assert id_number_reading("010105123B", country="FI").forms == (
        "010105A123B", "010105B123B", "010105C123B", "010105D123B", "010105E123B",
        "010105F123B")


def test_bare_digits_that_are_a_phone_number_are_not_an_id_number_by_shape():
    # 070-123 45 67 has the shape of a personnummer born 2007-01-23 (check digit wrong).
    assert "id_number" not in read_search_text("0701234567").kinds
    # Typed with the personnummer's separator it is read as both.
    assert {"id_number", "phone"} <= set(read_search_text("070123-4567").kinds)
    # A Finnish Y-tunnus typed without its hyphen reads as a phone number of Finland ...
    assert id_number_reading("20774741", country="FI") is None
    assert id_number_reading("2077474-1", country="FI").forms == ("2077474-1", "20774741")
    # ... but a Norwegian organisasjonsnummer is no Norwegian phone number.
    assert id_number_reading("988077918", country="NO").forms == ("988077918", "988 077 918")


def test_a_valid_checksum_decides_over_shapes():
    reading = id_number_reading("131052308T")  # valid: the signs that make it valid only
    assert reading.checksum_ok and all(len(f) == 11 for f in reading.forms)


def test_shape_readings_stay_literals_in_the_filter():
    assert id_number_reading("800517-1234' or (1 eq 1") is None
    terms = read_search_text("800517-1234")
    rendered = render_filter("debtor", terms.filter)
    assert rendered == ("(debtorReference eq '800517-1234') or (idNumber eq '19800517-1234') "
                        "or (idNumber eq '198005171234') or (idNumber eq '800517-1234') "
                        "or (idNumber eq '8005171234')")


def test_the_country_limits_which_id_formats_are_tried():
    assert id_number_candidates("15108695088", country="SE") == []
    assert id_number_candidates("15108695088", country="NO") == ["15108695088", "151086 95088"]


@pytest.mark.parametrize(("country", "typed"), [
    ("SE", "070-123 45 67"), ("SE", "08 123 456 78"), ("NO", "41234567"),
    ("FI", "040 1234567"), ("FI", "09 68426842"), ("FI", "040 123456"),
])
def test_the_search_finds_a_phone_in_the_notation_the_editor_stores(country, typed):
    assert normalise_phone(typed, country) in phone_candidates(typed, country=country)


@pytest.mark.parametrize(("country", "company", "typed"), [
    ("SE", False, "8112289874"), ("SE", True, "5560360793"), ("SE", True, "198112289874"),
    ("NO", False, "151086 95088"), ("NO", True, "988 077 917"), ("FI", False, "131052-308t"),
    ("FI", True, "20774740"),
])
def test_the_search_finds_an_id_number_in_the_notation_the_editor_stores(country, company,
                                                                         typed):
    stored = normalise_id_number(typed, country, company=company)
    assert stored in id_number_candidates(typed, country=country)
    assert id_number_candidates(stored, country=country)[0] == stored


def test_email_is_matched_exactly_and_only_as_email():
    terms = read_search_text("Anna.Lind@Example.se")
    assert terms.kinds == ("email",)
    assert render_filter("debtor", terms.filter) == "email eq 'Anna.Lind@Example.se'"


def test_words_must_all_be_in_the_name_and_quotes_stay_literals():
    terms = read_search_text("o'brien  anna")
    assert terms.kinds == ("name",)
    assert render_filter("debtor", terms.filter) == (
        "(contains(fullName,'o''brien')) and (contains(fullName,'anna'))")


def test_one_word_is_also_tried_as_a_reference_and_a_guid():
    terms = read_search_text("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    assert {"reference", "guid"} <= set(terms.kinds)
    assert "debtorGuid eq '3f2504e0-4f89-41d3-9a0c-0305e82c3301'" in render_filter(
        "debtor", terms.filter)


def test_filters_combine_with_the_text():
    _terms, flt = debtor_filter(text="", juridical_type=1, city="Lund", country="SE",
                                currency="SEK")
    assert render_filter("debtor", flt) == (
        "(juridicalType eq 1) and (city eq 'Lund') and (countryCode eq 'SE') and "
        "(currencyCode eq 'SEK')")
    assert debtor_filter()[1] is None


@pytest.mark.parametrize("typed", ["20774740", "131052308T", "+46 70 123 45 67",
                                   "988077917", "x" * 100, "1010101234", "131052308A",
                                   "121212+1213"])
def test_the_longest_filters_stay_within_the_apis_limit(typed):
    _terms, flt = debtor_filter(text=typed, juridical_type=0, city="Y" * 100, country="",
                                currency="SEK")
    assert len(render_filter("debtor", flt)) < 2000
