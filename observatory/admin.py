from django.contrib import admin

from observatory.models import Assessment, GridVersion, Indicator


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("compass", "code", "name", "unit", "respondent", "source")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    """Read-only: a new version is published by ``grid_publish`` (past answers stay)."""

    list_display = ("number", "published_at", "note")
    inlines = [IndicatorInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "status", "grid")
    list_filter = ("status", "year")
    list_select_related = ("pioneer", "project", "grid")
    raw_id_fields = ("pioneer", "project", "submitted_by", "reviewed_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
