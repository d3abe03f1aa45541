"""Sign-out, refused passwords and lock-outs, recorded as they happen.

A sign-in is not recorded here (on `user_logged_in`) but by `events.signin_completed`, once
the second factor, if any, is done. Deactivating a user ends their sessions.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from backoffice import request_context
from backoffice.signin import events, services
from backoffice.signin.models import UserSession


@receiver(user_logged_out)
def record_signout(sender, request, user, **kwargs) -> None:
    if user is None or request is None:
        return
    key = request.session.session_key or ""
    row = UserSession.objects.open().filter(session_key=key).first() if key else None
    if row is not None:
        from backoffice.signin.sessions import close_row

        close_row(row, UserSession.EndReason.SIGNED_OUT)
    events.record_event(events.SIGNOUT, request=request, user=user,
                        method=request.session.get(events.METHOD_KEY, ""))


def _failure_reason(request, username: str) -> tuple[str, object]:
    if getattr(request, "axes_locked_out", False):
        return "locked out after repeated failures", None
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}).first()
    if user is None:
        return "unknown username", None
    if not user.is_active:
        return "inactive account", user
    return "wrong password", user


@receiver(user_login_failed)
def record_failed_password(sender, credentials, request=None, **kwargs) -> None:
    """A password the backends refused. Django has already masked the secrets; only the
    username is kept."""
    username = str((credentials or {}).get("username") or "")[:150]
    if not username:  # not a password attempt (single sign-on records its own refusals)
        return
    reason, user = _failure_reason(request, username)
    events.signin_failed(request, username=username, reason=reason,
                         method=events.PASSWORD, user=user)


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    events.record_event(events.LOCKOUT, request=request, username=str(username or "")[:150],
                        outcome="denied", method=events.PASSWORD,
                        reason="too many failed sign-ins", details={"address": ip_address})


@receiver(pre_save, sender=get_user_model())
def _remember_was_active(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk and (update_fields is None or "is_active" in update_fields):
        instance._was_active = (sender._default_manager.filter(pk=instance.pk)
                                .values_list("is_active", flat=True).first())


@receiver(post_save, sender=get_user_model())
def end_sessions_of_deactivated(sender, instance, created, **kwargs) -> None:
    if created or instance.is_active or not getattr(instance, "_was_active", False):
        return
    services.sessions_end_all(actor=request_context.current().user, user=instance,
                              request=None, reason="account deactivated")
