"""The wire format: names, dates, money and the vendor's quirks."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from backoffice.gateway import wire
from backoffice.gateway.types import (
    AddressInput,
    CaseSummary,
    Debtor,
    DebtorInput,
    PlanInput,
    PlanPayment,
    PlanType,
)


def test_names_follow_the_rule_and_the_vendor_exceptions():
    assert wire.to_camel("debtor_guid") == "debtorGuid"
    assert wire.to_camel("house_no_extension") == "houseNoExtension"
    assert wire.to_camel("first_name") == "firstname"
    assert wire.to_snake("conversationNotificationCellularPhone") == (
        "conversation_notification_cellular_phone"
    )
    assert wire.to_snake("lastname") == "last_name"
    assert wire.to_snake("remaininFee") == "remaining_fee"


def test_summary_reads_the_misspelt_fee_and_keeps_it_at_the_wire():
    summary = wire.from_wire(CaseSummary, {"remaininFee": Decimal("12.50"), "activeCases": 2})
    assert summary.remaining_fee == Decimal("12.50")
    assert summary.active_cases == 2
    assert "remaininFee" in wire.to_wire(summary)
    assert "remainingFee" not in wire.to_wire(summary)


def test_error_field_names_become_form_field_names():
    assert wire.error_field_name("lastname") == "last_name"
    assert wire.error_field_name("$top") == "top"
    assert wire.error_field_name("zipCode") == "zip_code"
    assert wire.error_field_name("payments[0].dueDate") == "payments.0.due_date"
    assert wire.error_field_name("") == ""


def test_date_only_fields_travel_as_midnight_utc_and_come_back_as_dates():
    body = wire.to_wire(DebtorInput(last_name="X", date_of_birth=date(1980, 5, 17)))
    assert body["dateOfBirth"] == "1980-05-17T00:00:00Z"
    assert body["lastname"] == "X"
    debtor = wire.from_wire(Debtor, {"debtorGuid": "g", "dateOfBirth": "1980-05-17T00:00:00Z",
                                     "regDate": "2026-11-24T10:15:00Z"})
    assert debtor.date_of_birth == date(1980, 5, 17)
    assert debtor.reg_date == datetime(2026, 11, 24, 10, 15, tzinfo=UTC)
    # A date-only value with a time is read as its UTC calendar date, never shifted.
    assert wire.parse_date("1980-05-17T23:30:00Z") == date(1980, 5, 17)
    assert wire.parse_date("1980-05-17") == date(1980, 5, 17)


def test_address_dates_and_enums_go_out_as_the_contract_wants():
    body = wire.to_wire(AddressInput(street="Storgatan 1", valid_from=date(2026, 1, 1),
                                     default_address=True))
    assert body["validFrom"] == "2026-01-01T00:00:00Z"
    assert body["validTo"] is None  # PUT replaces: absent means null, so send it
    plan = wire.to_wire(PlanInput(payment_plan_type=PlanType.LINEAR, number_of_payments=6,
                                  payments=(PlanPayment(date(2026, 2, 1), Decimal("100.00")),)))
    assert plan["paymentPlanType"] == 3
    assert plan["payments"] == [{"dueDate": "2026-02-01T00:00:00Z", "amount": Decimal("100.00")}]


def test_money_is_decimal_in_and_a_json_number_out():
    data = wire.loads(b'{"amount": 1234.50, "count": 3, "tiny": 0.1}')
    assert data == {"amount": Decimal("1234.50"), "count": 3, "tiny": Decimal("0.1")}
    assert wire.dumps({"amount": Decimal("1234.50"), "n": 2, "s": "Öberg \"x\"", "b": None}) == (
        '{"amount":1234.50,"n":2,"s":"Öberg \\"x\\"","b":null}'.encode()
    )
    with pytest.raises(ValueError):
        wire.dumps({"x": Decimal("NaN")})


def test_missing_vendor_fields_are_recorded_not_fatal():
    debtor = wire.from_wire(Debtor, {"debtorGuid": "g", "juridicalType": 1, "lastname": "AB"})
    assert debtor.full_name is None
    assert {"full_name", "vat_number"} <= debtor.absent_fields
    assert debtor.display_name == "AB"


@pytest.mark.parametrize("payload", [
    [], {"debtorGuid": None}, {"debtorGuid": "g", "juridicalType": "one"},
    {"debtorGuid": "g", "regDate": "yesterday"}, {"debtorGuid": "g", "underAged": "no"},
])
def test_answers_of_the_wrong_shape_raise_wire_errors(payload):
    with pytest.raises(wire.WireError):
        wire.from_wire(Debtor, payload)


def test_invalid_json_is_a_wire_error():
    with pytest.raises(wire.WireError):
        wire.loads(b"<html>Bad gateway</html>")
    with pytest.raises(wire.WireError):
        wire.loads(b'{"x": NaN}')
