"""$filter over real HTTP: every operator and function, quoting, case folding, refusals."""

import pytest

from tests.sandbox.assertions import field_errors, tag


@pytest.fixture
def people(sandbox_api):
    """Five tagged debtors; returns (tag, {label: debtor})."""
    name_tag = tag()
    bodies = {
        "A": {"juridicalType": 0, "firstname": "Åsa", "lastname": f"Öberg {name_tag}",
              "city": "Uppsala", "zipCode": "753 20", "countryCode": "SE",
              "dateOfBirth": "1980-05-17T00:00:00Z", "underAged": False,
              "email": "asa@example.se"},
        "B": {"juridicalType": 0, "firstname": "Liam", "lastname": f"O'Brien {name_tag}",
              "city": "Bergen", "zipCode": "5003", "countryCode": "NO",
              "dateOfBirth": "1992-01-31T00:00:00Z"},
        "C": {"juridicalType": 1, "fullName": f"{name_tag} Bygg AB", "city": "ÖREBRO",
              "zipCode": "70210", "countryCode": "SE", "email": "info@bygg.se"},
        "D": {"juridicalType": 0, "firstname": "Ola", "lastname": f"Nordmann {name_tag}",
              "city": "Oslo", "zipCode": "0150", "countryCode": "NO",
              "dateOfBirth": "2010-06-01T00:00:00Z", "underAged": True},
        "E": {"juridicalType": 0, "firstname": "Per", "lastname": f"Procent_100% {name_tag}",
              "city": "Umeå", "countryCode": "SE"},
    }
    made = {}
    for label, body in bodies.items():
        answer = sandbox_api.http.post("/debtors", json=body)
        assert answer.status_code == 201, answer.text
        made[label] = answer.json()
    return name_tag, made


def _matches(api, people, expression: str) -> str:
    name_tag, made = people
    labels = {debtor["debtorGuid"]: label for label, debtor in made.items()}
    answer = api.http.get("/debtors", params={
        "$filter": f"contains(fullName,'{name_tag}') and ({expression})", "$top": 100})
    assert answer.status_code == 200, (expression, answer.text)
    body = answer.json()
    assert body["total"] == body["count"]
    return "".join(sorted(labels[row["debtorGuid"]] for row in body["value"]))


# Each expression (`{tag}` stands for the people's name tag) and the people it matches, A-E.
MATCHES = [
    # Comparison operators
    ("city eq 'uppsala'", "A"),
    ("city ne 'Uppsala'", "BCDE"),
    ("zipCode gt '700'", "AC"),
    ("zipCode ge '70210'", "AC"),
    ("zipCode lt '5003'", "D"),
    ("zipCode le '5003'", "BD"),
    ("dateOfBirth gt 1985-01-01T00:00:00Z", "BD"),
    ("dateOfBirth ge 1980-05-17T00:00:00Z", "ABD"),
    ("dateOfBirth lt 1992-01-31T00:00:00Z", "A"),
    ("dateOfBirth le 1992-01-31", "AB"),
    ("dateOfBirth eq 1980-05-17T00:00:00Z", "A"),
    ("juridicalType eq 1", "C"),
    ("juridicalType ne 1", "ABDE"),
    ("juridicalType gt 0", "C"),
    ("underAged eq true", "D"),
    ("underAged eq false", "A"),
    ("underAged ne true", "ABCE"),
    ("underAged", "D"),
    ("email eq null", "BDE"),
    ("email ne null", "AC"),
    ("countryCode eq 'no'", "BD"),
    ("'uppsala' eq city", "A"),
    ("1985-01-01T00:00:00Z lt dateOfBirth", "BD"),
    # Logic and precedence
    ("not (city eq 'Uppsala')", "BCDE"),
    ("not contains(fullName,'öberg')", "BCDE"),
    ("(city eq 'Oslo' or city eq 'Bergen') and dateOfBirth gt 2000-01-01T00:00:00Z", "D"),
    ("city eq 'Oslo' or city eq 'Bergen' and juridicalType eq 0", "BD"),
    ("city eq 'Oslo' or (city eq 'Bergen' and juridicalType eq 1)", "D"),
    ("not (not (countryCode eq 'SE') or juridicalType eq 1)", "AE"),
    (" or ".join(f"city eq '{city}'" for city in ("Oslo", "Umeå", "Uppsala", "x") * 10), "ADE"),
    ("(" * 70 + "city eq 'Oslo'" + ")" * 70, "D"),
    # String functions fold case for every letter
    ("contains(fullName,'öberg')", "A"),
    ("contains(fullName,'ÖBERG')", "A"),
    ("startswith(fullName,'åsa ö')", "A"),
    ("startswith(fullName,'ÅSA')", "A"),
    ("endswith(fullName,'BYGG ab')", "C"),
    ("city eq 'örebro'", "C"),
    ("startswith(city,'öRE')", "C"),
    ("startswith(zipCode,'75')", "A"),
    ("endswith(city,'MEÅ')", "E"),
    ("contains(email,'@')", "AC"),
    # Quotes and wildcards are literal
    ("fullName eq 'Liam O''Brien {tag}'", "B"),
    ("contains(fullName,'o''b')", "B"),
    ("startswith(fullName,'liam o''')", "B"),
    ("contains(fullName,'%')", "E"),
    ("contains(fullName,'_')", "E"),
    ("contains(fullName,'t_1')", "E"),
    ("startswith(fullName,'%')", ""),
    ("contains(fullName,'')", "ABCDE"),
]


def test_filters_match_exactly_the_debtors_they_name(sandbox_api, people):
    name_tag, _ = people
    matched = [(expression, _matches(sandbox_api, people, expression.replace("{tag}", name_tag)))
               for expression, _ in MATCHES]
    assert matched == MATCHES


def test_identifiers(sandbox_api, people):
    _, made = people
    guid = made["A"]["debtorGuid"]
    assert _matches(sandbox_api, people, f"debtorGuid eq {guid}") == "A"
    assert _matches(sandbox_api, people, f"debtorGuid eq '{guid.upper()}'") == "A"
    assert _matches(sandbox_api, people, f"debtorGuid ne {guid}") == "BCDE"
    reference = made["B"]["debtorReference"]
    assert _matches(sandbox_api, people, f"debtorReference eq '{reference}'") == "B"


REFUSED = [
    ("foo eq 1", "foo"),
    ("FullName eq 'x' and nope eq 1", "nope"),
    ("tolower(fullName) eq 'x'", "tolower"),
    ("length(fullName) gt 2", "length"),
    ("foo(fullName)", "foo"),
    ("substringof('x', fullName)", "substringof"),
    ("fullName in ('a', 'b')", "in"),
    ("juridicalType add 1 eq 1", "rithmetic"),
    ("juridicalType sub 1 eq 1", "rithmetic"),
    ("juridicalType mul 1 eq 1", "rithmetic"),
    ("juridicalType div 1 eq 1", "rithmetic"),
    ("juridicalType mod 2 eq 1", "rithmetic"),
    ("-juridicalType eq 1", "egation"),
    ("address/city eq 'x'", "a/b"),
    ("addresses/any(a: a/city eq 'x')", ""),
    ("fullName eq 1", "fullName"),
    ("juridicalType eq 'x'", "juridicalType"),
    ("juridicalType eq 1.5", "juridicalType"),
    ("juridicalType eq 99999999999999999999", "range"),
    ("underAged eq 1", "underAged"),
    ("dateOfBirth eq 'yesterday'", "dateOfBirth"),
    ("dateOfBirth eq 2026-02-30", "dateOfBirth"),
    ("dateOfBirth eq 12:00:00", "dateOfBirth"),
    ("dateOfBirth eq duration'P1D'", "dateOfBirth"),
    ("debtorGuid eq 'abc'", "debtorGuid"),
    ("debtorGuid eq 1", "debtorGuid"),
    ("dateOfBirth gt null", "null"),
    ("fullName eq city", "value"),
    ("fullName", "condition"),
    ("'x'", "condition"),
    ("not fullName eq 'x'", ""),
    ("contains(fullName)", "contains"),
    ("contains(juridicalType,'1')", "text"),
    ("contains(fullName, city)", "string"),
    ("contains(fullName,'x') eq true", ""),
    ("fullName eq", ""),
    ("(fullName eq 'x'", ""),
    ("fullName eq 'x')", ""),
    ("fullName eq 'unterminated", ""),
    ('fullName eq "double"', ""),
    ("fullName eq 'a\x00b'", "NUL"),
    ("city eq 'x' and", ""),
    ("and", ""),
    ("fullName eq 'x' " + "and city eq 'y' " * 200, "longer"),
    ("not " * 80 + "underAged", "deeply"),
]


def test_refused_filters_are_400_naming_the_problem(sandbox_api):
    for expression, hint in REFUSED:
        answer = sandbox_api.http.get("/debtors", params={"$filter": expression})
        errors = field_errors(answer)
        assert list(errors) == ["$filter"], expression
        assert hint in errors["$filter"][0], (expression, errors)


def test_refused_filters_on_child_lists(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    for path in ("addresses", "cases", "extrafields"):
        for expression, _hint in REFUSED[::4]:
            answer = sandbox_api.http.get(f"/debtors/{guid}/{path}",
                                          params={"$filter": expression})
            assert answer.status_code == 400, (path, expression, answer.text)


def test_child_lists_filter_with_case_folding(sandbox_api):
    guid = sandbox_api.create_debtor(city="Örebro")["debtorGuid"]
    sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "Postal", "street": "Åsgatan 1", "city": "Malmö"})
    url = f"/debtors/{guid}/addresses"

    def types(expression: str) -> list[str]:
        answer = sandbox_api.http.get(url, params={"$filter": expression})
        assert answer.status_code == 200, answer.text
        return sorted(row["addressType"] for row in answer.json()["value"])

    assert types("city eq 'ÖREBRO'") == ["LEGAL"]
    assert types("contains(street,'ÅS') or endswith(city,'MÖ')") == ["Postal"]
    assert types("addressType eq 'postal' and defaultAddress eq false") == ["Postal"]
    assert types("lastUpdatedAt gt 2000-01-01T00:00:00Z") == ["LEGAL", "Postal"]
    assert types("validFrom eq null") == ["LEGAL", "Postal"]
