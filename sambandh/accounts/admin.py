"""Django admin for users, teams and API tokens: a read-only console for administrators.

Every change goes through the services (Settings → Users and Teams, the API, ``sambandh user``),
which check versions, keep at least one active administrator, write the audit row and apply the
role's rules; the console shows the rows and changes none of them.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sambandh.accounts.models import ApiToken, Team, TeamMembership, User


class ReadOnly:
    """Shown to administrators (by role), never changed here: the services are the only
    writers."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_admin", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(ReadOnly, admin.TabularInline):
    model = TeamMembership
    extra = 0


@admin.register(User)
class UserAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "language", "time_zone", "is_active"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups", "last_login", "is_superuser"]


@admin.register(Team)
class TeamAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    search_fields = ["user__email", "prefix"]
