from django.contrib import admin

from imports.models import Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "source", "status", "created_at", "finished_at"]
    list_filter = ["status", "source"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["counts", "unmatched", "error", "started_at", "finished_at"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # an import is an upload's: made through the API only
