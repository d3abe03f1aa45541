"""Fixtures for the plan tests: a debtor with cases in the sandbox."""

import pytest


@pytest.fixture
def debtor(aptic, sandbox_api):
    """A debtor with one case: 10 000.00 at 12 % a year (as the worked examples)."""
    created = sandbox_api.create_debtor()
    case = sandbox_api.add_case(created["debtorGuid"], remainingPrincipal=10000.00,
                                interestRate=12.0)
    created["cases"] = [case]
    return created
