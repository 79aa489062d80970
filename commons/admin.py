import rules
from django.contrib import admin

from commons.models import (
    Audience,
    Axis,
    Entry,
    EntryModeration,
    Resource,
    ResourceDecision,
    ReviewCriterion,
    ReviewLevel,
)
from commons.services.resources import resource_index


class CoordinatorAdmin(admin.ModelAdmin):
    """The commons' admin pages are the coordinator's (the rules, not model permissions)."""

    def has_module_permission(self, request) -> bool:
        return rules.has_perm("commons.appoint_committee", request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return rules.has_perm("commons.appoint_committee", request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return rules.has_perm("commons.appoint_committee", request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return rules.has_perm("commons.appoint_committee", request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return rules.has_perm("commons.appoint_committee", request.user)


@admin.register(Axis)
class AxisAdmin(CoordinatorAdmin):
    list_display = ["label_fr", "label_en", "slug", "position"]
    prepopulated_fields = {"slug": ["label_fr"]}


@admin.register(Audience)
class AudienceAdmin(CoordinatorAdmin):
    list_display = ["label_fr", "label_en", "slug", "position"]
    prepopulated_fields = {"slug": ["label_fr"]}


class ReviewLevelInline(admin.TabularInline):
    model = ReviewLevel
    extra = 0


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(CoordinatorAdmin):
    """The published review grid (« critère de scientificité » must pass)."""

    list_display = ["label_fr", "required", "pass_value", "position"]
    inlines = [ReviewLevelInline]
    prepopulated_fields = {"slug": ["label_fr"]}


class ResourceDecisionInline(admin.TabularInline):
    model = ResourceDecision
    extra = 0
    can_delete = False
    readonly_fields = ["review_round", "outcome", "reasons", "actor", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Resource)
class ResourceAdmin(CoordinatorAdmin):
    """Corrections only: the status moves through the committee's decisions, not here."""

    list_display = ["title", "kind", "status", "licence", "published_at", "read_count"]
    list_filter = ["status", "kind", "licence", "easy_read"]
    search_fields = ["title", "authors"]
    readonly_fields = [
        "status",
        "review_round",
        "published_at",
        "read_count",
        "feedback_count",
        "used_count",
        "rating_count",
        "rating_sum",
        "submitted_by",
    ]
    filter_horizontal = ["themes", "axes", "audiences"]
    inlines = [ResourceDecisionInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        resource_index(form.instance)


class EntryModerationInline(admin.TabularInline):
    model = EntryModeration
    extra = 0
    can_delete = False
    readonly_fields = ["action", "reason", "actor", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(CoordinatorAdmin):
    list_display = ["title", "kind", "commune", "status", "report_count", "version"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "commune", "external_id"]
    readonly_fields = ["status", "report_count", "version", "created_by", "updated_by"]
    raw_id_fields = ["pioneers", "projects"]
    inlines = [EntryModerationInline]
