"""The sandbox's service definitions (S1, S2): named custom actions with a JSON body.

Pure Python, no Django: the API view looks the debtor up and hands its facts in. Each action
checks its body (every problem named per field, as the API's 400 `errors`) and answers a JSON
object. Nothing is really sent: the sandbox only answers as the collection system would.
Unknown body fields are ignored, as everywhere in the API.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SMS_MAX = 160 * 3  # three concatenated messages
DEFAULT_SMS = "Reminder: you have an unpaid balance with us. Please pay or contact us."
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,28}[0-9]$")
LOOKUP_SOURCES = ("populationRegister", "creditBureau")


@dataclass(frozen=True)
class DebtorFacts:
    """What an action may know of the debtor it runs for (S1)."""

    debtor_guid: str
    full_name: str | None = None
    id_number: str | None = None
    cellular_phone: str | None = None


class UnknownService(LookupError):
    """No service definition of that name (a 404)."""


class ServiceBodyError(Exception):
    """The body does not fit the action; `errors` maps each field to its messages (a 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


Errors = dict[str, list[str]]


def _optional_string(body: dict, name: str, errors: Errors, *, max_length: int,
                     pattern: re.Pattern | None = None) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.setdefault(name, []).append("Must be a string.")
    elif not value.strip():
        errors.setdefault(name, []).append("Must not be blank.")
    elif len(value) > max_length:
        errors.setdefault(name, []).append(f"At most {max_length} characters.")
    elif pattern is not None and not pattern.match(value):
        errors.setdefault(name, []).append("Not a valid value.")
    else:
        return value
    return None


# --- The actions -----------------------------------------------------------------------------


def send_reminder_sms(body: dict, debtor: DebtorFacts | None) -> dict:
    """Queues a reminder SMS to `phoneNumber`, or to the debtor's cellular phone."""
    errors: Errors = {}
    message = _optional_string(body, "message", errors, max_length=SMS_MAX)
    phone = _optional_string(body, "phoneNumber", errors, max_length=30, pattern=PHONE)
    if "phoneNumber" not in errors and phone is None:
        phone = debtor.cellular_phone if debtor else None
        if phone is None:
            errors["phoneNumber"] = [
                "Required: the debtor has no cellular phone number." if debtor
                else "Required when no debtor is given."
            ]
    if errors:
        raise ServiceBodyError(errors)
    text = message or DEFAULT_SMS
    return {
        "status": "queued",
        "messageId": str(uuid.uuid4()),
        "to": phone,
        "message": text,
        "segments": -(-len(text) // 160),
        "debtorGuid": debtor.debtor_guid if debtor else None,
    }


def request_address_lookup(body: dict, debtor: DebtorFacts | None) -> dict:
    """Orders an address lookup for the debtor, or for `idNumber`, from `source`."""
    errors: Errors = {}
    source = body.get("source")
    if source is None:
        source = LOOKUP_SOURCES[0]
    elif source not in LOOKUP_SOURCES:
        errors["source"] = [f"Must be one of {', '.join(LOOKUP_SOURCES)}."]
    id_number = _optional_string(body, "idNumber", errors, max_length=30)
    if "idNumber" not in errors and id_number is None:
        id_number = debtor.id_number if debtor else None
        if id_number is None:
            errors["idNumber"] = [
                "Required: the debtor has no ID number." if debtor
                else "Required when no debtor is given."
            ]
    if errors:
        raise ServiceBodyError(errors)
    return {
        "status": "requested",
        "lookupId": str(uuid.uuid4()),
        "source": source,
        "idNumber": id_number,
        "debtorGuid": debtor.debtor_guid if debtor else None,
    }


def echo(body: dict, debtor: DebtorFacts | None) -> dict:
    """Answers the body it was given: a diagnostic for the whole round trip."""
    return {"echo": body, "debtorGuid": debtor.debtor_guid if debtor else None}


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    summary: str
    run: Callable[[dict, DebtorFacts | None], dict]
    body_schema: dict[str, Any]  # JSON Schema of the body, for the OpenAPI document
    answer_schema: dict[str, Any]


_NULLABLE_GUID = {"type": ["string", "null"], "format": "uuid"}

SERVICES: dict[str, ServiceDefinition] = {
    service.name: service
    for service in (
        ServiceDefinition(
            name="sendReminderSms",
            summary="Queues a reminder SMS to phoneNumber or the debtor's cellular phone.",
            run=send_reminder_sms,
            body_schema={"type": "object", "properties": {
                "message": {"type": ["string", "null"], "maxLength": SMS_MAX, "pattern": r"\S"},
                "phoneNumber": {"type": ["string", "null"], "maxLength": 30,
                                "pattern": PHONE.pattern},
            }},
            answer_schema={"type": "object", "properties": {
                "status": {"type": "string", "enum": ["queued"]},
                "messageId": {"type": "string", "format": "uuid"},
                "to": {"type": "string"},
                "message": {"type": "string"},
                "segments": {"type": "integer"},
                "debtorGuid": _NULLABLE_GUID,
            }},
        ),
        ServiceDefinition(
            name="requestAddressLookup",
            summary="Orders an address lookup for the debtor or idNumber.",
            run=request_address_lookup,
            body_schema={"type": "object", "properties": {
                "source": {"type": ["string", "null"], "enum": [*LOOKUP_SOURCES, None]},
                "idNumber": {"type": ["string", "null"], "maxLength": 30, "pattern": r"\S"},
            }},
            answer_schema={"type": "object", "properties": {
                "status": {"type": "string", "enum": ["requested"]},
                "lookupId": {"type": "string", "format": "uuid"},
                "source": {"type": "string", "enum": list(LOOKUP_SOURCES)},
                "idNumber": {"type": "string"},
                "debtorGuid": _NULLABLE_GUID,
            }},
        ),
        ServiceDefinition(
            name="echo",
            summary="Answers the body it was given.",
            run=echo,
            body_schema={"type": "object"},
            answer_schema={"type": "object", "properties": {
                "echo": {"type": "object"},
                "debtorGuid": _NULLABLE_GUID,
            }},
        ),
    )
}


def service_names() -> list[str]:
    return list(SERVICES)


def service_invoke(*, name: str, body: Any, debtor: DebtorFacts | None = None) -> dict:
    """Runs the named action; raises UnknownService or ServiceBodyError."""
    service = SERVICES.get(name)
    if service is None:
        raise UnknownService(name)
    if not isinstance(body, dict):
        raise ServiceBodyError({"body": ["Must be a JSON object."]})
    return service.run(body, debtor)
