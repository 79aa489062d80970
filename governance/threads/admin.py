from django.contrib import admin

from governance.threads.models import CoordinatorThread, ThreadMessage


class ThreadMessageInline(admin.TabularInline):
    model = ThreadMessage
    extra = 0
    can_delete = False
    readonly_fields = ["author", "from_coordinator", "body", "attachment", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # messages go through the pages (e-mails, statuses)


@admin.register(CoordinatorThread)
class CoordinatorThreadAdmin(admin.ModelAdmin):
    list_display = ["subject", "author", "status", "created_at", "last_message_at"]
    list_filter = ["status"]
    list_select_related = ["author"]
    search_fields = ["subject", "author__email"]
    readonly_fields = [
        "author",
        "subject",
        "status",
        "created_at",
        "last_message_at",
        "first_answer_at",
        "message_count",
    ]
    inlines = [ThreadMessageInline]

    def has_add_permission(self, request) -> bool:
        return False
