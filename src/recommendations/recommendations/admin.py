from django.contrib import admin

from recommendations.models import RecommenderBuild


@admin.register(RecommenderBuild)
class RecommenderBuildAdmin(admin.ModelAdmin):
    list_display = ["id", "started_at", "completed_at", "movies", "favorites", "pairs", "seconds"]
    readonly_fields = [f.name for f in RecommenderBuild._meta.fields]
