"""Second-factor changes, each audited: enrolment, new recovery codes, removal, admin reset,
and the sign-in step that checks a code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_otp
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.audit.models import AuditEntry
from backoffice.signin import events
from backoffice.signin.two_factor import devices


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    method: str = ""
    error: str = ""


def _throttled(device: TOTPDevice) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    until = (data or {}).get("locked_until")
    if until is not None:
        return _("Too many wrong codes. Try again after %(time)s.") % {
            "time": until.strftime("%H:%M:%S")}
    return _("Too many wrong codes. Wait a moment and try again.")


def code_check(request: HttpRequest, *, code: str, recovery: bool) -> CodeCheck:
    """Checks a sign-in code (or a recovery code) of the signed-in user and, when right, marks
    the session verified and completes the sign-in. A wrong code is audited."""
    user = request.user
    code = "".join(code.split())
    device = devices.confirmed_device(user)
    if device is None:
        return CodeCheck(False, error=_("No authenticator is set up for this account."))
    throttled = _throttled(device)
    if throttled:
        events.signin_failed(request, username=user.get_username(), user=user,
                             reason="second-factor code throttled", method=events.PASSWORD_TOTP)
        return CodeCheck(False, error=throttled)
    if recovery:
        method = events.PASSWORD_RECOVERY
        matched = next((d for d in StaticDevice.objects.filter(user=user, confirmed=True)
                        if d.verify_token(code)), None)
        if matched is None:
            device.throttle_increment()  # recovery codes share the authenticator's throttle
    else:
        method = events.PASSWORD_TOTP
        matched = device if code.isdigit() and device.verify_token(code) else None
        if matched is None and not code.isdigit():
            device.throttle_increment()
    if matched is None:
        events.signin_failed(
            request, username=user.get_username(), user=user, method=method,
            reason="wrong recovery code" if recovery else "wrong second-factor code")
        return CodeCheck(False, error=_("That recovery code is not valid or was used already.")
                         if recovery else _("That code is not right. Codes change every 30 "
                                            "seconds: enter the one your app shows now."))
    django_otp.login(request, matched)
    details = {"recovery_codes_left": devices.recovery_codes_left(user)} if recovery else None
    events.signin_completed(request, user, method=method, details=details)
    return CodeCheck(True, method=method)


def two_factor_enrol(request: HttpRequest, *, code: str, completes_signin: bool
                     ) -> list[str] | None:
    """Confirms the pending device with a code from the app; returns the new recovery codes
    (shown once), or None when the code is wrong. `completes_signin`: the sign-in was held
    for this enrolment, and is now complete."""
    user = request.user
    device = devices.pending_device(user)
    code = "".join(code.split())
    if not (code.isdigit() and device.verify_token(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = devices.new_recovery_codes(user)
    django_otp.login(request, device)
    events.record_event(events.MFA_ENROLLED, request=request, user=user,
                        details={"device": "totp", "recovery_codes": len(codes)})
    if completes_signin:
        events.signin_completed(request, user, method=events.PASSWORD_TOTP)
    return codes


def recovery_codes_renew(request: HttpRequest) -> list[str]:
    codes = devices.new_recovery_codes(request.user)
    events.record_event(events.RECOVERY_CODES, request=request, user=request.user,
                        details={"recovery_codes": len(codes)})
    return codes


def two_factor_remove(request: HttpRequest) -> bool:
    """The user removes their own second factor (only where their role does not need one)."""
    had = devices.remove_all(request.user)
    events.record_event(events.MFA_RESET, request=request, user=request.user,
                        reason="removed by the user")
    return had


def two_factor_reset(request: HttpRequest, *, actor: Any, user: Any) -> bool:
    """An admin resets someone's second factor (a lost phone): they enrol again at their next
    sign-in if their role needs one."""
    had = devices.remove_all(user)
    events.record_event(events.MFA_RESET, request=request, user=actor,
                        username=user.get_username(), outcome=AuditEntry.Outcome.OK,
                        reason="reset by an admin", details={"had_second_factor": had})
    return had
