from django.contrib import admin

from ratings.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "movie", "value", "rated_at"]
    list_select_related = ["user", "movie"]
    raw_id_fields = ["user", "movie"]
    date_hierarchy = "rated_at"
    show_full_result_count = False
