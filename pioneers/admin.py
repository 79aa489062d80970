from django.contrib import admin

from pioneers.models import (
    Application,
    ApplicationDecision,
    ApplicationScore,
    Criterion,
    CriterionLevel,
    ImportJob,
    Pioneer,
    Skill,
    Theme,
)
from pioneers.search import search_documents_refresh


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label_fr", "label_en", "group", "slug", "position"]
    list_editable = ["position"]
    list_filter = ["group"]
    prepopulated_fields = {"slug": ["label_fr"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class CriterionLevelInline(admin.TabularInline):
    model = CriterionLevel
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """The admission criteria and their scales, published on « Devenir pionnier »."""

    list_display = ["label_fr", "label_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["label_fr"]}
    inlines = [CriterionLevelInline]


@admin.register(Pioneer)
class PioneerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "solution_title", "commune", "department", "user", "updated_at"]
    list_filter = ["themes", "department", ("territory", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "solution_title", "commune", "external_id", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user", "skills"]
    filter_horizontal = ["themes"]
    readonly_fields = ["created_at", "updated_at", "skills_text", "territory"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        pioneer = form.instance
        names = ", ".join(s.name for s in pioneer.skills.all())[:1000]
        Pioneer.objects.filter(pk=pioneer.pk).update(skills_text=names)
        search_documents_refresh(pioneer_ids=[pioneer.pk])


class ScoreInline(admin.TabularInline):
    model = ApplicationScore
    extra = 0
    readonly_fields = ["criterion", "scorer", "value", "note", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DecisionInline(admin.TabularInline):
    model = ApplicationDecision
    extra = 0
    readonly_fields = ["outcome", "reason", "actor", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["display_name", "solution_title", "user", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["display_name", "solution_title", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "status", "decided_at", "created_at", "updated_at"]
    inlines = [ScoreInline, DecisionInline]

    def has_add_permission(self, request) -> bool:
        return False  # candidates apply on « Devenir pionnier »; decisions on the jury page


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "dry_run",
        "created_count",
        "updated_count",
        "created_at",
    ]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
