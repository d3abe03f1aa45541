"""Django's model backend, with the user's profile and grants in the same query.

The per-user language (UserLanguageMiddleware) and the role guard read the profile and the
permissions on every request: `get_user` reads the user, the profile and the grants by one
plain SELECT (backoffice/request_user.py; the ORM with the profile joined on a database it
does not know), and permission checks answer from `backoffice.grants` instead of two queries
each request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from backoffice.grants import user_grants
from backoffice.request_user import read_request_user


class CollectDeskBackend(ModelBackend):
    def get_user(self, user_id):
        handled, user = read_request_user(user_id)
        if handled:
            return user if user is not None and self.user_can_authenticate(user) else None
        users = get_user_model()._default_manager.select_related("profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_grants(user_obj).permissions)
