from django.contrib import admin

from projects.models import (
    Comment,
    CommentReport,
    Milestone,
    Project,
    ProjectNeed,
    ProjectTransition,
    ProjectUpdate,
    RankingEntry,
    RankingSnapshot,
)
from projects.vote_options import project_in_a_vote


class _ReadOnly(admin.ModelAdmin):
    """History rows are written by the services only: the admin shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransitionInline(admin.TabularInline):
    model = ProjectTransition
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class NeedInline(admin.TabularInline):
    """Read-only: needs change through the services, which keep the marketplace's
    requests in step."""

    model = ProjectNeed
    extra = 0
    fields = ["skill", "minutes_wanted", "given_minutes", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "concern_count", "estimated_cost_cents", "created_at"]
    list_filter = ["status", "themes", ("territory", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["authors", "themes"]
    # The status moves through the lifecycle (with its checks and e-mails), never by hand.
    readonly_fields = ["status", "concern_count", "concern_share", "territory"]
    inlines = [NeedInline, MilestoneInline, TransitionInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A project a vote is about stays (projects/vote_options.py).
        if obj is not None and project_in_a_vote(obj.pk):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at", "hidden_at"]
    list_filter = ["hidden_at"]
    search_fields = ["body", "author__email", "project__title"]
    list_select_related = ["project", "author"]
    readonly_fields = ["project", "author", "parent", "body", "edited_at", "hidden_at", "hidden_by"]


@admin.register(CommentReport)
class CommentReportAdmin(_ReadOnly):
    list_display = ["comment", "reporter", "reason", "created_at"]
    list_select_related = ["comment", "reporter"]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "progress_percent", "created_at"]
    list_select_related = ["project", "author"]


class RankingEntryInline(admin.TabularInline):
    model = RankingEntry
    extra = 0
    fields = ["rank", "project", "score", "moved", "justification"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(_ReadOnly):
    list_display = [
        "published_at",
        "published_by",
        "weight_concern",
        "weight_cost",
        "weight_self_financing",
        "active_pioneers",
    ]
    inlines = [RankingEntryInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
