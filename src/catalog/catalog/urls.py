from django.urls import path
from rest_framework.routers import SimpleRouter

from catalog import views

app_name = "catalog"

router = SimpleRouter()
router.register("movies", views.MovieViewSet, basename="movie")

urlpatterns = [
    path("genres/", views.GenreListView.as_view(), name="genre-list"),
    *router.urls,
]
