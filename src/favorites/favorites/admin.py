from django.contrib import admin

from favorites.models import FavoriteMovie


@admin.register(FavoriteMovie)
class FavoriteMovieAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "movie", "added_at"]
    list_select_related = ["user", "movie"]
    search_fields = ["user__username", "movie__title"]
    raw_id_fields = ["user", "movie"]
    date_hierarchy = "added_at"
    show_full_result_count = False
