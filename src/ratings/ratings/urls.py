from django.urls import path

from ratings import views

app_name = "ratings"

urlpatterns = [
    path("ratings/", views.RatingListView.as_view(), name="rating-list"),
    path("movies/<int:movie_id>/rating/", views.MovieRatingView.as_view(), name="movie-rating"),
]
