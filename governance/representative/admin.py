"""Admin screens of the representative election: read-only, writes go through services."""

from django.contrib import admin

from governance.representative.models import Candidacy, Mandate, RepresentativeElection


class CandidacyInline(admin.TabularInline):
    model = Candidacy
    extra = 0
    can_delete = False
    readonly_fields = ["membership", "statement", "created_at", "withdrawn_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # members stand from the election's page


@admin.register(RepresentativeElection)
class RepresentativeElectionAdmin(admin.ModelAdmin):
    list_display = ["title", "college", "method", "vote", "outcome", "created_at"]
    list_filter = ["outcome", "college"]
    list_select_related = ["college", "vote"]
    readonly_fields = ["college", "method", "mandate_months", "vote", "outcome", "created_by"]
    inlines = [CandidacyInline]

    def has_add_permission(self, request) -> bool:
        return False  # created from the representative page (audited)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["membership", "starts_on", "ends_on", "election"]
    list_select_related = ["membership__user", "election"]
    readonly_fields = ["membership", "election", "candidacy", "starts_on", "ends_on"]

    def has_add_permission(self, request) -> bool:
        return False  # given by the count of an election

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
