"""Admin bases shared by the apps."""

from typing import Any

from django.contrib import admin


class UserMovieAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # any model with user and movie
    """The admin of a user's list of movies (favorites, the watchlist)."""

    list_display: Any = ["id", "user", "movie", "added_at"]
    list_select_related = ["user", "movie"]
    search_fields = ["user__username", "movie__title"]
    raw_id_fields = ["user", "movie"]
    date_hierarchy = "added_at"
    show_full_result_count = False
