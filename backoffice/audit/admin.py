"""The audit log in Django admin: read-only, for the admin role (the review pages are /audit/)."""

from django.contrib import admin
from django.http import HttpRequest

from backoffice import roles
from backoffice.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor_username", "role", "action", "outcome",
                    "debtor_guid", "upstream_status", "request_id"]
    list_filter = ["outcome", "role", "action"]
    search_fields = ["=debtor_guid", "=request_id", "=actor_username"]
    ordering = ["-id"]
    show_full_result_count = False
    list_select_related = False

    def _is_admin(self, request: HttpRequest) -> bool:
        return roles.user_role(request.user) == roles.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [f.name for f in self.model._meta.fields]
