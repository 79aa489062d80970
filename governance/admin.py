from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance.models import (
    Charter,
    CharterAcceptance,
    College,
    CooperativeSettings,
    DutyReminder,
    Membership,
    MembershipEvent,
    ShareRefund,
    ShareSubscription,
)
from governance.selectors import college_weights_check


@admin.register(CooperativeSettings)
class CooperativeSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "legal_form",
        "share_nominal_cents",
        "min_shares",
        "max_shares",
        "profile_freshness_months",
        "assembly_notice_days",
        "max_projects_in_progress",
    ]

    def has_add_permission(self, request) -> bool:
        return not CooperativeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "vote_weight", "is_active", "is_pioneers", "position"]
    list_editable = ["vote_weight", "is_active", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def changelist_view(self, request, extra_context=None):
        check = college_weights_check()
        extra_context = {
            **(extra_context or {}),
            "title": _("Colleges — active weights total: %(total)s %%")
            % {"total": f"{check.total.normalize():f}"},
        }
        if not check.ok:
            for problem in check.problems:
                self.message_user(request, problem, level="warning")
        return super().changelist_view(request, extra_context)


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    readonly_fields = ["kind", "from_value", "to_value", "note", "actor", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ShareSubscriptionInline(admin.TabularInline):
    model = ShareSubscription
    extra = 0
    readonly_fields = [
        "quantity",
        "unit_value_cents",
        "subscribed_on",
        "paid_on",
        "payment_method",
        "cancelled_on",
        "payment_reference",
        "created_by",
    ]
    exclude = ["checkout_url", "stripe_session_id"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # through the member page, so shares_held stays right


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["number", "__str__", "college", "status", "shares_held", "joined_on"]
    list_filter = ["status", "college", "kind"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation_name"]
    list_select_related = ["user", "college"]
    readonly_fields = ["user", "number", "status", "college", "shares_held", "joined_on", "left_on"]
    inlines = [ShareSubscriptionInline, MembershipEventInline]

    def has_add_permission(self, request) -> bool:
        return False  # memberships are created through the member pages (services)


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published_at"]
    readonly_fields = ["version", "published_at"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from governance.services import charter_publish

        published = charter_publish(actor=request.user, title=obj.title, text=obj.text)
        obj.pk, obj.version, obj.published_at = (
            published.pk,
            published.version,
            published.published_at,
        )


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["membership", "charter", "accepted_at"]
    list_select_related = ["membership__user", "charter"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DutyReminder)
class DutyReminderAdmin(admin.ModelAdmin):
    list_display = ["membership", "duty", "sent_at"]
    list_filter = ["duty"]
    list_select_related = ["membership__user"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ShareRefund)
class ShareRefundAdmin(admin.ModelAdmin):
    list_display = ["membership", "quantity", "unit_value_cents", "refunded_on", "reference"]
    list_select_related = ["membership__user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


from governance.representative import admin as _representative_admin  # noqa: E402,F401
from governance.threads import admin as _threads_admin  # noqa: E402,F401
from governance.votes import admin as _votes_admin  # noqa: E402,F401
