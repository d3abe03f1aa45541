"""The app's one JSON writer: Decimal exact, and otherwise the text `json.dumps` writes."""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backoffice import jsonio
from backoffice.audit.canonical import canonical_json

PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=20,
)
OPTIONS = st.fixed_dictionaries({
    "sort_keys": st.booleans(),
    "indent": st.sampled_from([None, 0, 2, "\t"]),
    "separators": st.sampled_from([None, (", ", ": "), (",", ":")]),
})


def test_decimals_are_written_and_read_as_exact_numbers():
    text = jsonio.dumps({"amount": Decimal("1234.50"), "rows": [Decimal("0.10"), 2],
                         "name": "Öberg \"x\""})
    assert text == '{"amount":1234.50,"rows":[0.10,2],"name":"Öberg \\"x\\""}'
    assert jsonio.loads(text)["amount"] == Decimal("1234.50")
    assert jsonio.loads("[0.1, 3]") == [Decimal("0.1"), 3]


def test_an_indented_text_keeps_decimals_too():
    assert jsonio.dumps({"a": [Decimal("1.50"), {}], "b": []}, indent=2) == (
        '{\n  "a": [\n    1.50,\n    {}\n  ],\n  "b": []\n}')


def test_nan_and_infinity_are_refused_both_ways():
    for value in (Decimal("NaN"), Decimal("Infinity"), float("nan"), float("inf")):
        with pytest.raises(ValueError):
            jsonio.dumps({"x": value, "y": Decimal(1)})
    with pytest.raises(ValueError):
        jsonio.loads('{"x": NaN}')


def test_text_that_is_not_json_says_where():
    with pytest.raises(json.JSONDecodeError) as error:
        jsonio.loads('{"a": 1,\n "b"}')
    assert error.value.lineno == 2


def test_default_gives_other_types_a_form_and_without_it_they_are_refused():
    assert jsonio.dumps({"when": {1, 2}, "n": Decimal("1.0")}, default=sorted) == (
        '{"when":[1,2],"n":1.0}')
    with pytest.raises(TypeError):
        jsonio.dumps({"when": {1}})


@hypothesis_settings(max_examples=300, deadline=None)
@given(PLAIN, OPTIONS)
def test_the_text_is_what_json_dumps_writes(value, options):
    separators = options["separators"] or (
        (",", ": ") if options["indent"] is not None else (",", ":"))
    expected = json.dumps(value, ensure_ascii=False, allow_nan=False,
                          **{**options, "separators": separators})
    assert jsonio.dumps(value, **options) == expected
    # With a Decimal beside it, the exact encoder writes the value the same way.
    with_float = json.dumps([value, 1.25], ensure_ascii=False, allow_nan=False,
                            **{**options, "separators": separators})
    head, _sep, tail = with_float.rpartition("1.25")
    assert jsonio.dumps([value, Decimal("1.10")], **options) == f"{head}1.10{tail}"


def test_the_audit_chains_canonical_text_is_unchanged():
    """Entries already stored must still verify: the hashed text stays byte for byte."""
    value = {"city": "Umeå", "amount": Decimal("10661.86"), "b": '"q"\n',
             "rows": [{"n": 2, "due": date(2026, 2, 1)}, None, True],
             "at": datetime(2026, 3, 5, 14, 7, tzinfo=UTC)}
    text = canonical_json(value)
    assert text == ('{"amount":"10661.86","at":"2026-03-05T14:07:00+00:00","b":"\\"q\\"\\n",'
                    '"city":"Umeå","rows":[{"due":"2026-02-01","n":2},null,true]}')
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "2bcd574a34bf8d8eff353b7174e09bdab935566db2719abc347ca3b56adc8609")
