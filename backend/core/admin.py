from django.contrib import admin

from backend.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target_repr"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    # The journal is append-only: nobody edits or deletes it, not even a superuser.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
