"""The time ledger in the admin: read-only (balances and limits change through services)."""

from django.contrib import admin

from marketplace.models import TimeAccount, TimeTransfer


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TimeAccount)
class TimeAccountAdmin(_ReadOnly):
    list_display = ["__str__", "kind", "balance_minutes", "credit_limit_minutes"]
    list_filter = ["kind"]
    search_fields = ["owner_member__user__email", "project__title"]
    list_select_related = ["owner_member__user", "project"]


@admin.register(TimeTransfer)
class TimeTransferAdmin(_ReadOnly):
    list_display = ["created_at", "payer", "payee", "minutes", "memo", "exchange"]
    list_select_related = [
        "payer__owner_member__user",
        "payer__project",
        "payee__owner_member__user",
        "payee__project",
    ]
    date_hierarchy = "created_at"
