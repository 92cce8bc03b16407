from django.contrib import admin

from history.models import Play


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "movie", "watched_on", "rewatch", "source", "created_at"]
    list_filter = ["rewatch", "source"]
    list_select_related = ["user", "movie"]
    raw_id_fields = ["user", "movie"]
    date_hierarchy = "watched_on"
    show_full_result_count = False
