from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backend.core.money import format_cents
from marketplace.models import (
    Contribution,
    ContributionSettings,
    Fund,
    FundAllocation,
    Payment,
    ReceiptCounter,
    StripeEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money history is written by the services only (locks, totals, audit): the
    admin shows it and never edits it; the coordinator's pages record new rows."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _money(field: str, label):
    def show(self, obj) -> str:
        return format_cents(getattr(obj, field))

    show.short_description = label
    show.admin_order_field = field
    return show


@admin.register(ContributionSettings)
class ContributionSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "min_amount_cents", "max_amount_cents", "suggested_amounts_cents"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ContributionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "received", "allocated", "available"]
    list_filter = ["kind"]
    list_select_related = ["project"]
    search_fields = ["project__title"]
    received = _money("received_cents", _("received"))
    allocated = _money("allocated_cents", _("allocated"))
    available = _money("available_cents", _("available"))


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "fund",
        "amount",
        "status",
        "channel",
        "public_name",
        "receipt_number",
    ]
    list_filter = ["status", "channel", "public", "fund__kind"]
    list_select_related = ["fund__project"]
    search_fields = ["email", "name", "receipt_number", "stripe_session_id", "=pk"]
    date_hierarchy = "created_at"
    amount = _money("amount_cents", _("amount"))


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "kind", "method", "amount", "fund", "contribution", "reference"]
    list_filter = ["kind", "method"]
    list_select_related = ["fund__project", "contribution__fund__project"]
    search_fields = ["reference", "stripe_event_id", "contribution__email"]
    date_hierarchy = "received_on"
    amount = _money("amount_cents", _("amount"))


@admin.register(FundAllocation)
class FundAllocationAdmin(ReadOnlyAdmin):
    list_display = ["allocated_on", "fund", "project", "amount", "created_by", "note"]
    list_select_related = ["fund__project", "project", "created_by"]
    search_fields = ["project__title", "note"]
    date_hierarchy = "allocated_on"
    amount = _money("amount_cents", _("amount"))


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "event_id", "type", "outcome", "contribution_id"]
    list_filter = ["type", "outcome"]
    search_fields = ["event_id"]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdmin):
    list_display = ["year", "last_number"]
