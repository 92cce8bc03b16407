from django.contrib import admin

from catalog.models import Genre, Movie, SyncState


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["id", "name"]
    search_fields = ["name"]


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "release_year",
        "tmdb_id",
        "vote_average",
        "popularity",
        "details_synced_at",
    ]
    list_filter = ["genres", "release_year", ("details_synced_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "=tmdb_id"]
    filter_horizontal = ["genres"]
    readonly_fields = ["created_at", "updated_at", "details_synced_at"]
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over a large catalog on every admin page


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at"]
