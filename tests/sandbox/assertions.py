"""Assertions shared by the sandbox's HTTP tests."""

import json
import uuid
from decimal import Decimal

import httpx

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def problem(response: httpx.Response, status: int) -> dict:
    """The problem-details body of an error answer, after checking its status and shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status
    return body


def field_errors(response: httpx.Response) -> dict[str, list[str]]:
    """The `errors` of a 400 validation problem."""
    body = problem(response, 400)
    assert isinstance(body.get("errors"), dict) and body["errors"], body
    return body["errors"]


def decimal_json(response: httpx.Response):
    """The JSON body with numbers that have decimals read as Decimal, as clients must."""
    return json.loads(response.text, parse_float=Decimal)


def tag() -> str:
    """A unique word to put in test data and filter on (the sandbox may be shared)."""
    return "t" + uuid.uuid4().hex[:10]
