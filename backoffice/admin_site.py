"""Django admin for Collect Desk: open to staff and to the admin role, for user management."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backoffice import roles


class DeskAdminSite(admin.AdminSite):
    site_header = _("Collect Desk administration")
    site_title = _("Collect Desk administration")
    index_title = _("Users and sign-in")

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff as usual, and every active member of the admin role without the staff flag."""
        user = request.user
        return user.is_active and (user.is_staff or roles.user_role(user) == roles.ADMIN)


class DeskAdminConfig(AdminConfig):
    default_site = "backoffice.admin_site.DeskAdminSite"
