from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/hidden/", views.HiddenMovieListView.as_view(), name="hidden-movie-list"),
    path(
        "recommendations/hidden/<int:movie_id>/",
        views.RestoreMovieView.as_view(),
        name="hidden-movie-detail",
    ),
    path("recommendations/<int:movie_id>/", views.HideMovieView.as_view(), name="hide-movie"),
    path(
        "movies/<int:movie_id>/similar/",
        views.SimilarMovieListView.as_view(),
        name="similar-movie-list",
    ),
]
