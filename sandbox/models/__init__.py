"""The sandbox's models: debtors and what hangs off them, payment plans, and the faults."""

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
from sandbox.models.plans import (
    PaymentPlan,
    PaymentPlanCase,
    PaymentPlanPayment,
    PaymentPlanPeriod,
    PlanState,
    PlanType,
)

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
    "PaymentPlan",
    "PaymentPlanCase",
    "PaymentPlanPayment",
    "PaymentPlanPeriod",
    "PlanState",
    "PlanType",
]
