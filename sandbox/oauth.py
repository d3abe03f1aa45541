"""POST /sandbox/oauth/token: OAuth2 client credentials (RFC 6749 section 4.4).

The client authenticates with HTTP Basic or with `client_id`/`client_secret` form fields
(section 2.3.1); errors are OAuth error objects (section 5.2), not problem details.
"""

import base64
import binascii
import hmac
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.api.jsonio import dumps
from sandbox.stats import token_count
from sandbox.tokens import token_issue


def _oauth_json(body: dict, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(status: int, error: str, description: str, **headers: str) -> HttpResponse:
    return _oauth_json({"error": error, "error_description": description}, status, **headers)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


def _is_our_client(client_id: str, secret: str) -> bool:
    id_ok = hmac.compare_digest(client_id.encode(), settings.SANDBOX_CLIENT_ID.encode())
    secret_ok = hmac.compare_digest(secret.encode(), settings.SANDBOX_CLIENT_SECRET.encode())
    return id_ok and secret_ok


@csrf_exempt
@login_not_required
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _error(405, "invalid_request", "Use POST.", Allow="POST")
    basic = _basic_credentials(request.headers.get("Authorization", ""))
    if basic is not None:
        client_id, secret = basic
        form_id = request.POST.get("client_id")
        if form_id is not None and form_id != client_id:
            client_id = ""  # two different clients in one request: refuse both
    else:
        client_id = request.POST.get("client_id", "")
        secret = request.POST.get("client_secret", "")
    if not _is_our_client(client_id, secret):
        return _error(401, "invalid_client", "Unknown client or wrong secret.",
                      WWW_Authenticate='Basic realm="sandbox"')
    grant_type = request.POST.get("grant_type")
    if not grant_type:
        return _error(400, "invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        return _error(400, "unsupported_grant_type", "Only client_credentials is supported.")
    issued = token_issue(client_id=client_id)
    token_count()
    return _oauth_json(issued.as_oauth(scope=request.POST.get("scope") or None))
