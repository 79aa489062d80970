"""Listings and exchanges in the admin. Exchanges move through their services (which post
the hours): the admin shows them and lets the coordinator close a listing."""

from django.contrib import admin

from marketplace.models import Exchange, ExchangeMessage, Listing


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "owner", "status", "estimated_minutes", "expires_on"]
    list_filter = ["kind", "status", "remote", ("territory", admin.EmptyFieldListFilter)]
    search_fields = ["title", "description", "owner__user__email"]
    list_select_related = ["owner__user"]
    filter_horizontal = ["tags"]
    raw_id_fields = ["owner", "project"]
    readonly_fields = ["territory"]


class ExchangeMessageInline(admin.TabularInline):
    model = ExchangeMessage
    extra = 0
    readonly_fields = ["author", "body", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["listing", "giver", "receiver", "minutes", "status", "done_at"]
    list_filter = ["status"]
    list_select_related = ["listing", "giver__user", "receiver__user"]
    inlines = [ExchangeMessageInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
