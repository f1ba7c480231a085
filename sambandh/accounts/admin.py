"""Django admin for users and teams: a fallback console for administrators.

Roles, preferences and passwords are changed here as plain fields; records are changed in the app.
"""

from django.contrib import admin

from sambandh.accounts.models import ApiToken, Team, TeamMembership, User


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "language", "time_zone", "is_active"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups", "last_login", "is_superuser"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "user", "created_at", "last_used_at"]
    search_fields = ["user__email", "prefix"]
