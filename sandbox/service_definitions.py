"""Aptic's service definitions as the sandbox offers them (S1, S2): named custom actions with
a JSON body, run for a debtor or on their own.

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
    id_number: str | None = None
    cellular_phone: str | None = None


class UnknownServiceDefinition(LookupError):
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


def _sent_or_the_debtors(body: dict, name: str, errors: Errors, debtor: DebtorFacts | None, *,
                         attribute: str, what: str, **limits: Any) -> str | None:
    """The string sent as `name`, else the debtor's own `attribute`; with neither, an error."""
    value = _optional_string(body, name, errors, **limits)
    if name in errors or value is not None:
        return value
    value = getattr(debtor, attribute) if debtor else None
    if value is None:
        errors[name] = [f"Required: the debtor has no {what}." if debtor
                        else "Required when no debtor is given."]
    return value


# --- The actions -----------------------------------------------------------------------------


def send_reminder_sms(body: dict, debtor: DebtorFacts | None) -> dict:
    """Queues a reminder SMS to `phoneNumber`, or to the debtor's cellular phone."""
    errors: Errors = {}
    message = _optional_string(body, "message", errors, max_length=SMS_MAX)
    phone = _sent_or_the_debtors(body, "phoneNumber", errors, debtor, attribute="cellular_phone",
                                 what="cellular phone number", max_length=30, pattern=PHONE)
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
    id_number = _sent_or_the_debtors(body, "idNumber", errors, debtor, attribute="id_number",
                                     what="ID number", max_length=30)
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


def _object(**properties: dict) -> dict:
    return {"type": "object", "properties": properties}


def _optional_text(max_length: int, pattern: str = r"\S") -> dict:
    """What `_optional_string` accepts: null, or a string not blank, of at most `max_length`."""
    return {"type": ["string", "null"], "maxLength": max_length, "pattern": pattern}


def _answer(**properties: dict) -> dict:
    """An action's answer: its own fields, and the GUID of the debtor it ran for (or null)."""
    return _object(**properties, debtorGuid={"type": ["string", "null"], "format": "uuid"})


_STRING = {"type": "string"}
_UUID = {"type": "string", "format": "uuid"}

SERVICE_DEFINITIONS: dict[str, ServiceDefinition] = {
    service.name: service
    for service in (
        ServiceDefinition(
            name="sendReminderSms",
            summary="Queues a reminder SMS to phoneNumber or the debtor's cellular phone.",
            run=send_reminder_sms,
            body_schema=_object(message=_optional_text(SMS_MAX),
                                phoneNumber=_optional_text(30, PHONE.pattern)),
            answer_schema=_answer(status={"type": "string", "enum": ["queued"]}, messageId=_UUID,
                                  to=_STRING, message=_STRING, segments={"type": "integer"}),
        ),
        ServiceDefinition(
            name="requestAddressLookup",
            summary="Orders an address lookup for the debtor or idNumber.",
            run=request_address_lookup,
            body_schema=_object(source={"type": ["string", "null"],
                                        "enum": [*LOOKUP_SOURCES, None]},
                                idNumber=_optional_text(30)),
            answer_schema=_answer(status={"type": "string", "enum": ["requested"]},
                                  lookupId=_UUID,
                                  source={"type": "string", "enum": list(LOOKUP_SOURCES)},
                                  idNumber=_STRING),
        ),
        ServiceDefinition(
            name="echo",
            summary="Answers the body it was given.",
            run=echo,
            body_schema={"type": "object"},
            answer_schema=_answer(echo={"type": "object"}),
        ),
    )
}


def service_invoke(*, name: str, body: Any, debtor: DebtorFacts | None = None) -> dict:
    """Runs the named action; raises UnknownServiceDefinition or ServiceBodyError."""
    service = SERVICE_DEFINITIONS.get(name)
    if service is None:
        raise UnknownServiceDefinition(name)
    if not isinstance(body, dict):
        raise ServiceBodyError({"body": ["Must be a JSON object."]})
    return service.run(body, debtor)
