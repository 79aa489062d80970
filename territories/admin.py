from django.contrib import admin

from territories.models import Territory, TerritoryDataset


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data: loaded from the committed file (``load_territories``), never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code", "postcodes")
    list_select_related = ("parent",)


@admin.register(TerritoryDataset)
class TerritoryDatasetAdmin(ReadOnlyAdmin):
    list_display = ("package", "version", "built_on", "rows", "loaded_at")
