from django.contrib import admin

from events.models import Event, Registration


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["user", "status", "attended", "created_at", "promoted_at", "cancelled_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "commune", "status", "visibility", "capacity"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["title", "commune", "project__title"]
    list_select_related = ["project"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["project"]
    # Seats, the waiting list and closing go through the services (locks, e-mails, audit).
    readonly_fields = [
        "capacity", "status", "minutes", "decisions", "next_steps", "closed_at", "closed_by",
        "created_by",
    ]  # fmt: skip
    inlines = [RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "attended", "created_at"]
    list_filter = ["status", "attended"]
    search_fields = ["event__title", "user__email"]
    list_select_related = ["event", "user"]

    # Registrations change through the services only (the waiting list's order).
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
