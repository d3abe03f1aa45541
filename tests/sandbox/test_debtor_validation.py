"""Every limit of the contract's table for debtors: one past the limit is a 400 naming the
field; at the limit is accepted."""

from tests.sandbox.assertions import field_errors, tag

LENGTH_LIMITS = [
    ("fullName", 100), ("firstname", 100), ("middlename", 100), ("lastname", 100),
    ("nameSuffix", 100), ("placeOfBirth", 100), ("street", 100), ("city", 100),
    ("domicile", 100), ("zipCode", 20), ("idNumber", 30), ("homePhone", 30),
    ("workPhone", 30), ("cellularPhone", 30), ("telefax", 30),
    ("conversationNotificationCellularPhone", 30),
]

BAD_VALUES = [
    ("juridicalType", 2), ("juridicalType", "0"), ("juridicalType", True),
    ("gender", 3), ("gender", -1), ("conversationNotificationChannel", 4),
    ("email", "not-an-address"), ("email", "a@b"), ("email", 5),
    ("conversationNotificationEmail", "x@"),
    ("countryCode", "XX"), ("countryCode", "SWE"), ("countryCode", "EU"),
    ("currencyCode", "XYZ"), ("currencyCode", "kronor"),
    ("languageCode", "xx"), ("languageCode", "swe"),
    ("cultureCode", "sv_SE"), ("cultureCode", "xx-YY"), ("cultureCode", "sv"),
    ("dateOfBirth", "yesterday"), ("dateOfBirth", "1980-02-30T00:00:00Z"), ("dateOfBirth", 1980),
    ("underAged", "yes"), ("underAged", 1),
    ("lastname", 42), ("street", ["Storgatan"]), ("idNumber", "abc\u0000def"),
]


def _body(**fields) -> dict:
    return {"juridicalType": 0, "lastname": tag(), **fields}


def test_length_limits(sandbox_api):
    for field, limit in LENGTH_LIMITS:
        over = sandbox_api.http.post("/debtors", json=_body(**{field: "x" * (limit + 1)}))
        errors = field_errors(over)
        assert list(errors) == [field]
        assert str(limit) in errors[field][0]
        at = sandbox_api.http.post("/debtors", json=_body(**{field: "x" * limit}))
        assert at.status_code == 201, (field, at.text)


def test_email_length_limit(sandbox_api):
    local = "a" * 64
    domain = ".".join(["b" * 60] * 3) + ".se"  # 186 characters
    too_long = f"{local}@{'c' * 10}.{domain}"  # 262 characters
    assert "email" in field_errors(sandbox_api.http.post("/debtors", json=_body(email=too_long)))
    fine = sandbox_api.http.post("/debtors", json=_body(email=f"{local}@{domain}"))
    assert fine.status_code == 201, fine.text


def test_bad_values_are_named(sandbox_api):
    for field, value in BAD_VALUES:
        errors = field_errors(sandbox_api.http.post("/debtors", json=_body(**{field: value})))
        assert field in errors, (field, value, errors)


def test_limits_hold_on_update_too(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    for field, limit in LENGTH_LIMITS:
        if field in ("street", "city", "zipCode"):
            continue  # address fields are not part of an update
        body = _body(**{field: "x" * (limit + 1)})
        assert field in field_errors(sandbox_api.http.put(f"/debtors/{guid}", json=body))


def test_codes_are_accepted_in_any_letter_case_and_normalised(sandbox_api):
    answer = sandbox_api.http.post("/debtors", json=_body(
        countryCode="no", currencyCode="nok", languageCode="NB", cultureCode="nb-NO"))
    assert answer.status_code == 201
    assert (answer.json()["currencyCode"], answer.json()["languageCode"]) == ("NOK", "nb")


def test_every_failure_is_reported_at_once(sandbox_api):
    errors = field_errors(sandbox_api.http.post("/debtors", json={
        "juridicalType": 9, "email": "x", "zipCode": "1" * 21, "countryCode": "ZZ"}))
    assert set(errors) >= {"juridicalType", "email", "zipCode", "countryCode"}


def test_nulls_are_allowed_for_optional_fields(sandbox_api):
    answer = sandbox_api.http.post("/debtors", json=_body(
        email=None, dateOfBirth=None, underAged=None, gender=None, countryCode=None))
    assert answer.status_code == 201
    assert answer.json()["gender"] == 0
