"""The role guard views wear: 403 without the permission, and a refused write is audited.

It lives beside the audit call rather than in roles.py so that the audit log can ask roles.py
for the actor's role without the two importing each other.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from backoffice.audit.services import audit_denied
from backoffice.roles import user_can


def permission_required(codename: str, *, action: str = "") -> Callable:
    """Refuse the view with 403 unless the user holds `codename`.

    A refused write (anything but GET/HEAD) is recorded in the audit log as `denied`, under
    `action` when given, else `access.<view name>`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not user_can(request.user, codename):
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    audit_denied(
                        request=request,
                        action=action or f"access.{view.__name__}",
                        reason=f"missing permission {codename}",
                        debtor_guid=str(kwargs.get("guid") or kwargs.get("debtor_guid") or ""),
                    )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
