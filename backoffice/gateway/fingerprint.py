"""Fingerprints of records as read, for lost-update protection (there is no ETag upstream).

A form carries `fingerprint(record)` of what it showed; before a PUT, DELETE or activate the
gateway reads the record again and refuses with `StaleRecord` when the fingerprints differ.
`links` (navigation, not data) and `absent_fields` (bookkeeping) are left out.
"""

import hashlib
from typing import Any

from backoffice.audit.canonical import canonical_json, jsonable

_NOT_DATA = frozenset({"links", "absent_fields"})


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _NOT_DATA}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def snapshot(record: Any) -> Any:
    """The record as plain JSON values (snake_case keys), as the audit log stores it."""
    return _strip(jsonable(record))


def fingerprint(record: Any) -> str:
    """SHA-256 hex of the canonical JSON of the record's data."""
    return hashlib.sha256(canonical_json(snapshot(record)).encode()).hexdigest()
