from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation-list"),
    path(
        "movies/<int:movie_id>/similar/",
        views.SimilarMovieListView.as_view(),
        name="similar-movie-list",
    ),
]
