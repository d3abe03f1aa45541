"""The sandbox's models; the payment-plan models add their own import line below."""

from sandbox.models.control import FaultConfig
from sandbox.models.debtors import (
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
from sandbox.models.plans import PaymentPlan, PaymentPlanCase, PlanState  # noqa: F401

__all__ = [
    "DEBTOR_FOLDED_FIELDS",
    "MAIN_ADDRESS_FIELDS",
    "Address",
    "Case",
    "CaseStatus",
    "Debtor",
    "ExtraField",
    "FaultConfig",
    "Gender",
    "JuridicalType",
    "NotificationChannel",
]
