"""User management in Django admin: the profile's language is edited alongside the user."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from backoffice.models import UserProfile


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    fields = ["language"]


class DeskUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = ["username", "first_name", "last_name", "is_active", "group_names"]
    list_filter = ["groups", "is_active", "is_staff"]

    @admin.display(description=_("roles"))
    def group_names(self, user: User) -> str:
        return ", ".join(sorted(group.name for group in user.groups.all()))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


admin.site.unregister(User)
admin.site.register(User, DeskUserAdmin)

# Background jobs are reviewed on the jobs page, beside who started them; the task table's
# own admin pages are not offered.
# Second factors are enrolled by their owner and reset (audited) from the users page; the
# device admin would show an admin the user's TOTP secret.
for _model in (DBTaskResult, TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
