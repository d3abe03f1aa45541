"""Bearer tokens of the sandbox: stateless, signed, expiring.

A token is `django.core.signing` of the client id and an expiry time, so any thread or
process of the server can check it without a table, and it stops working when it expires
or when SANDBOX_CLIENT_ID or the secret key change.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

_SALT = "sandbox.oauth.access-token"


class InvalidToken(Exception):
    """Missing, malformed, forged or expired; the message says which (for the 401)."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int

    def as_oauth(self, scope: str | None = None) -> dict:
        body = {"access_token": self.access_token, "token_type": "Bearer",
                "expires_in": self.expires_in}
        if scope:
            body["scope"] = scope
        return body


def token_issue(*, client_id: str, ttl: int | None = None) -> IssuedToken:
    """A token for the client, valid for `ttl` seconds (default settings.SANDBOX_TOKEN_TTL)."""
    lifetime = settings.SANDBOX_TOKEN_TTL if ttl is None else ttl
    payload = {"cid": client_id, "exp": round(time.time() + lifetime, 3)}
    return IssuedToken(signing.dumps(payload, salt=_SALT), lifetime)


def token_check(token: str) -> str:
    """The client id the token was issued to; raises InvalidToken."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise InvalidToken("The access token is not valid.") from exc
    if not isinstance(payload, dict) or payload.get("cid") != settings.SANDBOX_CLIENT_ID:
        raise InvalidToken("The access token is not valid.")
    if not isinstance(payload.get("exp"), int | float) or payload["exp"] <= time.time():
        raise InvalidToken("The access token has expired.")
    return payload["cid"]


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` header; raises InvalidToken."""
    if not authorization:
        raise InvalidToken("An access token is required: send Authorization: Bearer <token>.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as Authorization: Bearer <token>.")
    return token.strip()
