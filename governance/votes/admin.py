"""The votes in the admin: read-only (votes are created, scheduled and closed through the
coordinator's screens, whose services lock, audit and count; ballots are never shown)."""

from django.contrib import admin

from governance.votes.models import Participation, Vote, VoteNotice, VoteOption, VoteResult


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class VoteOptionInline(_ReadOnly, admin.TabularInline):
    model = VoteOption
    fields = ["position", "label", "subject_kind", "subject_id"]
    extra = 0


class VoteNoticeInline(_ReadOnly, admin.TabularInline):
    model = VoteNotice
    fields = ["kind", "recipient_count", "sent_at"]
    extra = 0


@admin.register(Vote)
class VoteAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["title", "method", "status", "secret", "opens_at", "closes_at"]
    list_filter = ["status", "method", "secret"]
    search_fields = ["title"]
    inlines = [VoteOptionInline, VoteNoticeInline]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("governance.manage_votes")


@admin.register(Participation)
class ParticipationAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["vote", "membership", "created_at"]
    list_filter = ["vote"]
    list_select_related = ["vote", "membership__user"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("governance.manage_votes")


@admin.register(VoteResult)
class VoteResultAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["vote", "ballot_count", "electorate_count", "computed_at"]
    list_select_related = ["vote"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("governance.manage_votes")
