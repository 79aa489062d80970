from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from backend.core.models import AuditEvent, OutboxEmail
from backend.core.outbox import outbox_retry


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


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key", "to"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxEmail._meta.fields]
    actions = ["send_again"]

    @admin.display(description=_("recipients"))
    def recipients(self, obj: OutboxEmail) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Send the selected failed e-mails again"))
    def send_again(self, request, queryset) -> None:
        count = outbox_retry(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d e-mail(s) queued again.") % {"count": count})

    # What was sent stays as it was sent: the outbox is a record, not a draft.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
